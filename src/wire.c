/*
 * wire.c - DynamoDB answers as bytes -> plain C structs (see wire.h).
 *
 * Two halves:
 *
 *   Error answers.  DynamoDB says what went wrong in a JSON body
 *   ({"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
 *   "message": "..."}), but authentication failures from some endpoints
 *   (moto's, AWS's front ends) come as XML (<ErrorResponse><Error>
 *   <Code>SignatureDoesNotMatch</Code><Message>...</Message>...), and a
 *   proxy or load balancer may send an HTML page or nothing but the
 *   x-amzn-ErrorType header.  The rules are the ones src/request.c always
 *   applied; what this module adds is that the body's length is
 *   authoritative (an answer cut short or containing NULs is read exactly
 *   as far as it goes) and that the results live in fixed-size fields, so
 *   the backend copies them with pstrdup and never frees anything here.
 *
 *   Result pages.  wire_check_attribute_value and wire_check_page say
 *   whether a parsed answer has the shape DynamoDB documents, so the fuzz
 *   target can throw arbitrary bytes at cJSON plus the shape rules the FDW
 *   relies on, and unit tests can pin those rules down on captured
 *   answers.
 *
 * Memory: wire_parse_error allocates only through cJSON's allocator (the
 * tree it parses and deletes, and a copy of the body; see parse_json),
 * which matters in the backend, where that allocator is palloc and may
 * ereport: nothing malloc'd can be left behind by that longjmp.  The
 * checkers also malloc one temporary array at a time (for duplicate
 * detection) and free it before returning, on every path.
 */
#include "wire.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Byte helpers: everything below works on (pointer, length) spans, never
 * on the assumption that a body is NUL-terminated.
 * ------------------------------------------------------------------------ */

/* First occurrence of needle (a C string) in hay[0..hay_len), or NULL. */
static const char *
find_bytes(const char *hay, size_t hay_len, const char *needle)
{
	size_t		n = strlen(needle);
	size_t		i;

	if (n == 0 || hay_len < n)
		return NULL;
	for (i = 0; i + n <= hay_len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* strlen(s), but stops counting at max (C99 has no strnlen). */
static size_t
bounded_len(const char *s, size_t max)
{
	size_t		n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

static bool
is_utf8_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * How many bytes of s[0..n) to keep when at most max fit.  When a cut is
 * needed and s[max] continues a multibyte character, the cut moves back to
 * where that character starts (at most 3 bytes: UTF-8 characters are at
 * most 4 bytes long), so a valid UTF-8 string stays valid.  Invalid input
 * is not repaired, only never made worse by more than the cut itself.
 */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	size_t		k;
	int			back;

	if (n <= max)
		return n;
	k = max;
	for (back = 0; back < 3 && k > 0 && is_utf8_continuation((unsigned char) s[k]); back++)
		k--;
	return k;
}

/*
 * cJSON_ParseWithLength on a NUL-terminated copy of body[0..len).
 *
 * Why the copy: cJSON before 1.7.18 reads one byte past the buffer when an
 * object ends right after a comma ('{"Count":3,' - CVE-2023-53154; Debian
 * 12 backported the fix into 1.7.15-1+deb12u3, other systems may not have
 * it).  test/fuzz/fuzz_wire.c found that within seconds against upstream
 * 1.7.15.  With a NUL there, that stray read sees the NUL and fails the
 * parse, which is what a fixed cJSON does anyway, so results do not depend
 * on the cJSON build.
 *
 * The copy comes from cJSON_malloc, i.e. from the allocator the process
 * gave cJSON: in the backend that is palloc, so if the parse ereports
 * (out of memory) the copy goes with the memory context like the partial
 * tree does, and nothing malloc'd is left behind.
 */
static cJSON *
parse_json(const char *body, size_t len)
{
	char	   *copy;
	cJSON	   *doc;

	if (len == 0 || len >= (size_t) -1 - 1)
		return NULL;
	copy = cJSON_malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, body, len);
	copy[len] = '\0';
	doc = cJSON_ParseWithLength(copy, len);
	cJSON_free(copy);
	return doc;
}

/* ------------------------------------------------------------------------
 * Error answers
 * ------------------------------------------------------------------------ */

/*
 * out->type = short form of s[0..n): the text is cut at its first NUL (a
 * type is a name; what follows a NUL is noise), everything up to the last
 * '#' is dropped ("com.amazonaws.dynamodb.v20120810#"), then everything
 * from the first ':' on (":http://internal.amazon.com/coral/...").
 */
static void
set_type(WireError *out, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	const char *hash = NULL;
	const char *colon;
	size_t		i;
	size_t		keep;

	if (nul)
		n = (size_t) (nul - s);
	for (i = n; i > 0; i--)
		if (s[i - 1] == '#')
		{
			hash = s + i - 1;
			break;
		}
	if (hash)
	{
		n -= (size_t) (hash + 1 - s);
		s = hash + 1;
	}
	colon = memchr(s, ':', n);
	if (colon)
		n = (size_t) (colon - s);
	keep = utf8_cut(s, n, WIRE_ERROR_TYPE_SIZE - 1);
	memcpy(out->type, s, keep);
	out->type[keep] = '\0';
	out->has_type = true;
}

/*
 * out->message = s[0..n) made safe for an error report: at most
 * WIRE_ERROR_MESSAGE_MAX bytes, cut at a character boundary, and control
 * characters (NUL included) replaced by spaces so that a message cannot
 * forge extra lines in the server log.
 */
static void
set_message(WireError *out, const char *s, size_t n)
{
	size_t		keep = utf8_cut(s, n, WIRE_ERROR_MESSAGE_MAX);
	size_t		i;

	for (i = 0; i < keep; i++)
	{
		unsigned char c = (unsigned char) s[i];

		out->message[i] = c < 0x20 ? ' ' : (char) c;
	}
	out->message[keep] = '\0';
	out->has_message = true;
}

/*
 * The text between the first <tag> in body[0..len) and the first </tag>
 * after it.  Returns false when either is missing.  No XML parsing: the
 * error documents are tiny, flat and machine-written, and a real parser
 * would only add ways to fail on a truncated one.
 */
static bool
xml_element(const char *body, size_t len, const char *tag,
			const char **text, size_t *text_len)
{
	char		open[16];
	char		close[16];
	const char *start;
	const char *end;

	/* only ever called with "Code" and "Message" */
	if (strlen(tag) + 4 > sizeof(open))
		return false;
	strcpy(open, "<");
	strcat(open, tag);
	strcat(open, ">");
	strcpy(close, "</");
	strcat(close, tag);
	strcat(close, ">");

	start = find_bytes(body, len, open);
	if (start == NULL)
		return false;
	start += strlen(open);
	end = find_bytes(start, len - (size_t) (start - body), close);
	if (end == NULL)
		return false;
	*text = start;
	*text_len = (size_t) (end - start);
	return true;
}

/* obj[member] when it is a string, else NULL. */
static const char *
string_member(const cJSON *obj, const char *member)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

int
wire_parse_error(const char *body, size_t len, const char *error_type_header,
				 WireError *out)
{
	memset(out, 0, sizeof(*out));
	out->body = WIRE_BODY_EMPTY;
	if (body == NULL)
		len = 0;

	if (len > 0)
	{
		cJSON	   *doc = parse_json(body, len);

		if (cJSON_IsObject(doc))
		{
			const char *type = string_member(doc, "__type");
			const char *msg = string_member(doc, "message");

			out->body = WIRE_BODY_JSON;
			if (msg == NULL)
				msg = string_member(doc, "Message");
			if (type)
				set_type(out, type, strlen(type));
			/* only the first MAX+1 bytes matter: they decide the cut */
			if (msg)
				set_message(out, msg, bounded_len(msg, WIRE_ERROR_MESSAGE_MAX + 1));
		}
		else if (find_bytes(body, len, "<Code>"))
		{
			const char *text;
			size_t		text_len;

			out->body = WIRE_BODY_XML;
			if (xml_element(body, len, "Code", &text, &text_len))
				set_type(out, text, text_len);
			if (xml_element(body, len, "Message", &text, &text_len))
				set_message(out, text, text_len);
		}
		else
			out->body = WIRE_BODY_OTHER;
		cJSON_Delete(doc);
	}

	if (!out->has_type && error_type_header && error_type_header[0])
		set_type(out, error_type_header, strlen(error_type_header));
	return out->has_type || out->has_message;
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------ */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
wire_is_json_number(const char *s)
{
	const char *p = s;

	if (p == NULL)
		return false;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (is_digit(*p))
			p++;
	else
		return false;
	if (*p == '.')
	{
		p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

/* DynamoDB's documented limits for the N type. */
#define DDB_MAX_SIGNIFICANT_DIGITS	38
#define DDB_MIN_EXPONENT			(-130)	/* 1E-130 */
#define DDB_MAX_EXPONENT			125 /* 9.99...E+125 */
/* exponents saturate here while parsed: far outside the range, no overflow */
#define EXPONENT_SATURATION			1000000000LL

bool
wire_is_dynamodb_number(const char *s)
{
	const char *p = s;
	const char *mant;
	const char *mant_end;
	long long	int_digits = 0;
	long long	frac_digits = 0;
	long long	exponent = 0;
	long long	index = 0;
	long long	first_sig = -1;
	long long	last_sig = -1;
	long long	lead;
	bool		exp_negative = false;

	if (p == NULL)
		return false;
	if (*p == '+' || *p == '-')
		p++;
	mant = p;
	while (is_digit(*p))
	{
		p++;
		int_digits++;
	}
	if (*p == '.')
	{
		p++;
		while (is_digit(*p))
		{
			p++;
			frac_digits++;
		}
	}
	if (int_digits + frac_digits == 0)
		return false;
	mant_end = p;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			exp_negative = (*p++ == '-');
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
		{
			if (exponent < EXPONENT_SATURATION)
				exponent = exponent * 10 + (*p - '0');
			p++;
		}
		if (exp_negative)
			exponent = -exponent;
	}
	if (*p != '\0')
		return false;

	/* significant digits: leading and trailing zeros do not count */
	for (p = mant; p < mant_end; p++)
	{
		if (*p == '.')
			continue;
		if (*p != '0')
		{
			if (first_sig < 0)
				first_sig = index;
			last_sig = index;
		}
		index++;
	}
	if (first_sig < 0)
		return true;			/* zero, in any spelling */
	if (last_sig - first_sig + 1 > DDB_MAX_SIGNIFICANT_DIGITS)
		return false;
	/* the power of ten of the leading significant digit */
	lead = int_digits - 1 - first_sig + exponent;
	return lead >= DDB_MIN_EXPONENT && lead <= DDB_MAX_EXPONENT;
}

/* ------------------------------------------------------------------------
 * AttributeValues and pages
 * ------------------------------------------------------------------------ */

/* Standard base64 with padding, as DynamoDB writes B and BS members. */
static bool
is_base64(const char *s)
{
	size_t		n;
	int			pad = 0;

	for (n = 0; s[n] != '\0'; n++)
	{
		char		c = s[n];

		if (c == '=')
		{
			if (++pad > 2)
				return false;
			continue;
		}
		if (pad > 0)
			return false;		/* data after padding */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  is_digit(c) || c == '+' || c == '/'))
			return false;
	}
	return n % 4 == 0;
}

static bool
is_string_node(const cJSON *node)
{
	return cJSON_IsString(node) && node->valuestring != NULL;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Do two of the nodes from first on share a key (by_name: the member name)
 * or a string value?  1 yes, 0 no, -1 out of memory.  Sorting keeps this
 * O(n log n): items and maps can have thousands of members.
 */
static int
has_duplicates(const cJSON *first, bool by_name)
{
	const cJSON *node;
	const char **keys;
	size_t		n = 0;
	size_t		i;
	int			result = 0;

	for (node = first; node != NULL; node = node->next)
		n++;
	if (n < 2)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (keys == NULL)
		return -1;
	i = 0;
	for (node = first; node != NULL; node = node->next)
	{
		const char *key = by_name ? node->string : node->valuestring;

		/* hand-built trees can have unnamed members; parsed ones cannot */
		keys[i++] = key ? key : "";
	}
	qsort(keys, n, sizeof(*keys), compare_strings);
	for (i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
		{
			result = 1;
			break;
		}
	free(keys);
	return result;
}

/*
 * Members of an M value or of an item: named, distinct, each a valid
 * AttributeValue within depth_limit.  1 / 0 / -1 as for the public checker.
 */
static int
check_members(const cJSON *obj, int depth_limit)
{
	const cJSON *m;
	int			dup;

	for (m = obj->child; m != NULL; m = m->next)
	{
		int			rc;

		if (m->string == NULL)
			return 0;
		rc = wire_check_attribute_value(m, depth_limit);
		if (rc != 1)
			return rc;
	}
	dup = has_duplicates(obj->child, true);
	return dup < 0 ? -1 : !dup;
}

/* SS, NS, BS: a non-empty array of distinct strings of the member kind. */
static int
check_set(const cJSON *set, char kind)
{
	const cJSON *e;
	int			dup;

	if (!cJSON_IsArray(set) || set->child == NULL)
		return 0;
	for (e = set->child; e != NULL; e = e->next)
	{
		if (!is_string_node(e))
			return 0;
		if (kind == 'N' && !wire_is_dynamodb_number(e->valuestring))
			return 0;
		if (kind == 'B' && !is_base64(e->valuestring))
			return 0;
	}
	dup = has_duplicates(set->child, false);
	return dup < 0 ? -1 : !dup;
}

int
wire_check_attribute_value(const cJSON *av, int depth_limit)
{
	const cJSON *m;
	const char *tag;

	if (depth_limit < 1 || !cJSON_IsObject(av))
		return 0;
	m = av->child;
	/* a union: exactly one member */
	if (m == NULL || m->next != NULL || m->string == NULL)
		return 0;
	tag = m->string;

	if (strcmp(tag, "S") == 0)
		return is_string_node(m);
	if (strcmp(tag, "N") == 0)
		return is_string_node(m) && wire_is_dynamodb_number(m->valuestring);
	if (strcmp(tag, "B") == 0)
		return is_string_node(m) && is_base64(m->valuestring);
	if (strcmp(tag, "BOOL") == 0)
		return cJSON_IsBool(m) != 0;
	if (strcmp(tag, "NULL") == 0)
		return cJSON_IsTrue(m) != 0;	/* DynamoDB never sends NULL: false */
	if (strcmp(tag, "M") == 0)
		return cJSON_IsObject(m) ? check_members(m, depth_limit - 1) : 0;
	if (strcmp(tag, "L") == 0)
	{
		const cJSON *e;

		if (!cJSON_IsArray(m))
			return 0;
		for (e = m->child; e != NULL; e = e->next)
		{
			int			rc = wire_check_attribute_value(e, depth_limit - 1);

			if (rc != 1)
				return rc;
		}
		return 1;
	}
	if (strcmp(tag, "SS") == 0)
		return check_set(m, 'S');
	if (strcmp(tag, "NS") == 0)
		return check_set(m, 'N');
	if (strcmp(tag, "BS") == 0)
		return check_set(m, 'B');
	return 0;
}

/* An item (or a key): an object of AttributeValues. */
static int
check_item(const cJSON *item, bool nonempty)
{
	if (!cJSON_IsObject(item) || (nonempty && item->child == NULL))
		return 0;
	return check_members(item, WIRE_AV_DEPTH_LIMIT);
}

/* Count and ScannedCount: integral, >= 0, and small enough for an int. */
static bool
read_count(const cJSON *node, long *value)
{
	double		d;

	if (!cJSON_IsNumber(node))
		return false;
	d = node->valuedouble;
	/* the comparisons are false for NaN; the bound excludes infinities */
	if (!(d >= 0 && d <= (double) INT_MAX) || (double) (long) d != d)
		return false;
	*value = (long) d;
	return true;
}

/* The members wire_check_page knows; each may appear at most once. */
static const char *const page_members[] = {
	"Items", "Item", "Responses", "LastEvaluatedKey", "UnprocessedKeys",
	"Count", "ScannedCount"
};
#define N_PAGE_MEMBERS (sizeof(page_members) / sizeof(page_members[0]))

/* Fails the check with a reason; rc is 0 (invalid) or -1 (out of memory). */
#define PAGE_FAIL(why, rc) \
	do { out->error = (rc) < 0 ? "out of memory" : (why); return (rc) < 0 ? -1 : 0; } while (0)

static int
check_page_doc(const cJSON *doc, WirePage *out)
{
	const cJSON *m;
	const cJSON *node;
	int			seen[N_PAGE_MEMBERS] = {0};
	int			items_in_items = 0;
	int			rc;
	size_t		k;

	if (!cJSON_IsObject(doc))
		PAGE_FAIL("the answer is not a JSON object", 0);
	/* an error body would otherwise pass as "{}", a GetItem miss */
	if (cJSON_GetObjectItemCaseSensitive(doc, "__type") != NULL)
		PAGE_FAIL("the answer is an error (it has __type)", 0);

	/* a repeated member would be read as its first copy: ambiguous */
	for (m = doc->child; m != NULL; m = m->next)
		for (k = 0; k < N_PAGE_MEMBERS; k++)
			if (m->string && strcmp(m->string, page_members[k]) == 0 && seen[k]++)
				PAGE_FAIL("a member of the answer appears twice", 0);

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Items")) != NULL)
	{
		out->has_items = true;
		if (!cJSON_IsArray(node))
			PAGE_FAIL("Items is not an array", 0);
		for (m = node->child; m != NULL; m = m->next)
		{
			if ((rc = check_item(m, false)) != 1)
				PAGE_FAIL("an element of Items is not a well-formed item", rc);
			items_in_items++;
		}
		out->items += items_in_items;
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Item")) != NULL)
	{
		out->has_item = true;
		if ((rc = check_item(node, false)) != 1)
			PAGE_FAIL("Item is not a well-formed item", rc);
		out->items++;
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Responses")) != NULL)
	{
		out->has_responses = true;
		if (!cJSON_IsObject(node))
			PAGE_FAIL("Responses is not an object", 0);
		for (m = node->child; m != NULL; m = m->next)
		{
			const cJSON *it;

			if (!cJSON_IsArray(m))
				PAGE_FAIL("a table's Responses is not an array", 0);
			for (it = m->child; it != NULL; it = it->next)
			{
				if ((rc = check_item(it, false)) != 1)
					PAGE_FAIL("an element of Responses is not a well-formed item", rc);
				out->items++;
			}
		}
		if ((rc = has_duplicates(node->child, true)) != 0)
			PAGE_FAIL("a table appears twice in Responses", rc > 0 ? 0 : -1);
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "LastEvaluatedKey")) != NULL)
	{
		out->has_last_evaluated_key = true;
		if ((rc = check_item(node, true)) != 1)
			PAGE_FAIL("LastEvaluatedKey is not a well-formed key", rc);
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "UnprocessedKeys")) != NULL)
	{
		if (!cJSON_IsObject(node))
			PAGE_FAIL("UnprocessedKeys is not an object", 0);
		for (m = node->child; m != NULL; m = m->next)
		{
			const cJSON *keys = cJSON_IsObject(m) ?
				cJSON_GetObjectItemCaseSensitive(m, "Keys") : NULL;
			const cJSON *key;

			if (!cJSON_IsArray(keys) || keys->child == NULL)
				PAGE_FAIL("an entry of UnprocessedKeys has no Keys", 0);
			for (key = keys->child; key != NULL; key = key->next)
				if ((rc = check_item(key, true)) != 1)
					PAGE_FAIL("an unprocessed key is not a well-formed key", rc);
			out->unprocessed_tables++;
		}
		if ((rc = has_duplicates(node->child, true)) != 0)
			PAGE_FAIL("a table appears twice in UnprocessedKeys", rc > 0 ? 0 : -1);
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Count")) != NULL &&
		!read_count(node, &out->count))
		PAGE_FAIL("Count is not a non-negative integer", 0);
	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "ScannedCount")) != NULL &&
		!read_count(node, &out->scanned_count))
		PAGE_FAIL("ScannedCount is not a non-negative integer", 0);
	if (out->has_items && out->count >= 0 && out->count != items_in_items)
		PAGE_FAIL("Count differs from the number of Items", 0);
	if (out->count >= 0 && out->scanned_count >= 0 && out->scanned_count < out->count)
		PAGE_FAIL("ScannedCount is less than Count", 0);
	return 1;
}

int
wire_check_page(const char *body, size_t len, WirePage *out)
{
	cJSON	   *doc;
	int			rc;

	memset(out, 0, sizeof(*out));
	out->count = -1;
	out->scanned_count = -1;
	out->error = NULL;
	if (body == NULL || len == 0)
	{
		out->error = "the answer is empty";
		return 0;
	}
	doc = parse_json(body, len);
	if (doc == NULL)
	{
		out->error = "the answer is not JSON (or is truncated)";
		return 0;
	}
	rc = check_page_doc(doc, out);
	cJSON_Delete(doc);
	return rc;
}
