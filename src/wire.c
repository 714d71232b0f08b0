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

/* Is text[i] (a backslash) the start of a \u0000 escape? */
static bool
nul_escape_at(const char *text, size_t len, size_t i)
{
	return len - i >= 6 && memcmp(text + i, "\\u0000", 6) == 0;
}

/*
 * Does text[0..len) hold a \u0000 escape?  Escapes are taken in pairs
 * (backslash and the next byte), so in "\\\\u0000" - an escaped backslash
 * followed by the letters u0000 - there is none.  Backslashes only occur
 * inside strings in JSON, so nothing else needs tracking.
 */
static bool
has_nul_escape(const char *text, size_t len)
{
	const char *p = text;
	const char *end = text + len;

	while (p < end && (p = memchr(p, '\\', (size_t) (end - p))) != NULL)
	{
		if (nul_escape_at(text, len, (size_t) (p - text)))
			return true;
		p += 2;
	}
	return false;
}

/*
 * text[0..len) into dst, each \u0000 escape replaced by WIRE_NUL_MARKER
 * (escapes taken in pairs as above).  Returns the bytes written, <= len.
 */
static size_t
mark_nul_escapes(char *dst, const char *text, size_t len)
{
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		if (text[i] != '\\')
			dst[o++] = text[i++];
		else if (nul_escape_at(text, len, i))
		{
			memcpy(dst + o, WIRE_NUL_MARKER, 2);
			o += 2;
			i += 6;
		}
		else
		{
			dst[o++] = text[i++];
			if (i < len)
				dst[o++] = text[i++];
		}
	}
	return o;
}

/*
 * cJSON_ParseWithLength on a NUL-terminated copy of body[0..len), with
 * \u0000 escapes marked when mark_nul is set.
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
parse_json(const char *body, size_t len, bool mark_nul)
{
	char	   *copy;
	cJSON	   *doc;

	if (len == 0 || len >= (size_t) -1 - 1)
		return NULL;
	copy = cJSON_malloc(len + 1);
	if (copy == NULL)
		return NULL;
	if (mark_nul)
		len = mark_nul_escapes(copy, body, len);
	else
		memcpy(copy, body, len);
	copy[len] = '\0';
	doc = cJSON_ParseWithLength(copy, len);
	cJSON_free(copy);
	return doc;
}

cJSON *
wire_parse_json(const char *text, size_t len)
{
	if (text == NULL || len == 0)
		return NULL;
	/* the common case: nothing to mark, parse the caller's text in place */
	if (!has_nul_escape(text, len))
		return cJSON_ParseWithLength(text, len);
	return parse_json(text, len, true);
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
		cJSON	   *doc = parse_json(body, len, false);

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

/* The rest of a number: nothing, or e/E, an optional sign and digits. */
static bool
is_exponent_or_end(const char *p)
{
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
	return is_exponent_or_end(p);
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

/*
 * [+-]?digits[.digits][e[+-]digits] with at least one mantissa digit: the
 * grammar of wire_is_dynamodb_number without its limits.  What a page
 * check needs: it keeps "NaN", "Infinity" and "" out of numeric_in
 * (which would accept the first two), while an emulator's N with more
 * than 38 digits, which it stores verbatim, still reads exactly.
 */
static bool
is_decimal_text(const char *s)
{
	const char *p = s;
	bool		digits = false;

	if (*p == '+' || *p == '-')
		p++;
	while (is_digit(*p))
		p++, digits = true;
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits = true;
	if (!digits)
		return false;
	return is_exponent_or_end(p);
}

bool
wire_is_utf8(const char *str, size_t n, bool nul_marker_ok)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		len;
		unsigned long cp;
		size_t		k;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c == 0xC0 && i + 1 < n && s[i + 1] == 0x80 && nul_marker_ok)
		{
			i += 2;				/* WIRE_NUL_MARKER */
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* no overlong forms, no surrogates, nothing above U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
			(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
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
 * One check in progress: what to check (WIRE_CHECK_* flags) and where the
 * first problem is reported.  The checkers below return 1 (fine), 0 (a
 * problem, described in *out) or -1 (a temporary allocation failed; only
 * with WIRE_CHECK_DISTINCT).
 */
typedef struct CheckState
{
	int			flags;
	WireProblem *out;
} CheckState;

static int
problem(CheckState *cs, const char *why, bool not_utf8)
{
	if (cs->out->error == NULL)
	{
		cs->out->error = why;
		cs->out->not_utf8 = not_utf8;
	}
	return 0;
}

/* A string (S, SS member) or a name: UTF-8 when the flags ask for it. */
static bool
text_ok(CheckState *cs, const char *s)
{
	return !(cs->flags & WIRE_CHECK_UTF8) || wire_is_utf8(s, strlen(s), true);
}

static int	check_av(CheckState *cs, const cJSON *av, int depth_limit);

/*
 * Members of an M value or of an item: named, each a valid AttributeValue
 * within depth_limit; distinct names with WIRE_CHECK_DISTINCT.  For an
 * item (top), out->attribute is set to the member being checked, so that
 * it names the attribute a problem is in.
 */
static int
check_members(CheckState *cs, const cJSON *obj, int depth_limit, bool top)
{
	const cJSON *m;
	int			dup;

	for (m = obj->child; m != NULL; m = m->next)
	{
		int			rc;

		if (top)
			cs->out->attribute = m;
		if (m->string == NULL)
			return problem(cs, "a member has no name", false);
		if (!text_ok(cs, m->string))
			return problem(cs, "an attribute name is not valid UTF-8", true);
		rc = check_av(cs, m, depth_limit);
		if (rc != 1)
			return rc;
	}
	if (top)
		cs->out->attribute = NULL;
	if (!(cs->flags & WIRE_CHECK_DISTINCT))
		return 1;
	dup = has_duplicates(obj->child, true);
	if (dup > 0)
		return problem(cs, "an attribute name appears twice", false);
	return dup < 0 ? -1 : 1;
}

/* SS, NS, BS: a non-empty array of (distinct) strings of the member kind. */
static int
check_set(CheckState *cs, const cJSON *set, char kind)
{
	const cJSON *e;
	int			dup;

	if (!cJSON_IsArray(set) || set->child == NULL)
		return problem(cs, "a set is not a non-empty array", false);
	for (e = set->child; e != NULL; e = e->next)
	{
		if (!is_string_node(e))
			return problem(cs, "a set member is not a string", false);
		if (kind == 'N' && !((cs->flags & WIRE_CHECK_DDB_NUMBERS) ?
							 wire_is_dynamodb_number(e->valuestring) :
							 is_decimal_text(e->valuestring)))
			return problem(cs, "an NS member is not a number", false);
		if (kind == 'B' && !is_base64(e->valuestring))
			return problem(cs, "a BS member is not base64", false);
		if (kind == 'S' && !text_ok(cs, e->valuestring))
			return problem(cs, "an SS member is not valid UTF-8", true);
	}
	if (!(cs->flags & WIRE_CHECK_DISTINCT))
		return 1;
	dup = has_duplicates(set->child, false);
	if (dup > 0)
		return problem(cs, "a set member appears twice", false);
	return dup < 0 ? -1 : 1;
}

static int
check_av(CheckState *cs, const cJSON *av, int depth_limit)
{
	const cJSON *m;
	const char *tag;

	if (depth_limit < 1)
		return problem(cs, "AttributeValues are nested more than 32 levels deep", false);
	if (!cJSON_IsObject(av))
		return problem(cs, "an AttributeValue is not an object", false);
	m = av->child;
	/* a union: exactly one member */
	if (m == NULL || m->next != NULL || m->string == NULL)
		return problem(cs, "an AttributeValue does not have exactly one member", false);
	tag = m->string;

	if (strcmp(tag, "S") == 0)
	{
		if (!is_string_node(m))
			return problem(cs, "an S value is not a string", false);
		if (!text_ok(cs, m->valuestring))
			return problem(cs, "an S value is not valid UTF-8", true);
		return 1;
	}
	if (strcmp(tag, "N") == 0)
	{
		if (!is_string_node(m) ||
			!((cs->flags & WIRE_CHECK_DDB_NUMBERS) ? wire_is_dynamodb_number(m->valuestring) :
			  is_decimal_text(m->valuestring)))
			return problem(cs, "an N value is not a number in a string", false);
		return 1;
	}
	if (strcmp(tag, "B") == 0)
		return (is_string_node(m) && is_base64(m->valuestring)) ? 1 :
			problem(cs, "a B value is not a base64 string", false);
	if (strcmp(tag, "BOOL") == 0)
		return cJSON_IsBool(m) ? 1 : problem(cs, "a BOOL value is not true or false", false);
	if (strcmp(tag, "NULL") == 0)	/* DynamoDB never sends NULL: false */
		return cJSON_IsTrue(m) ? 1 : problem(cs, "a NULL value is not true", false);
	if (strcmp(tag, "M") == 0)
		return cJSON_IsObject(m) ? check_members(cs, m, depth_limit - 1, false) :
			problem(cs, "an M value is not an object", false);
	if (strcmp(tag, "L") == 0)
	{
		const cJSON *e;

		if (!cJSON_IsArray(m))
			return problem(cs, "an L value is not an array", false);
		for (e = m->child; e != NULL; e = e->next)
		{
			int			rc = check_av(cs, e, depth_limit - 1);

			if (rc != 1)
				return rc;
		}
		return 1;
	}
	if (strcmp(tag, "SS") == 0)
		return check_set(cs, m, 'S');
	if (strcmp(tag, "NS") == 0)
		return check_set(cs, m, 'N');
	if (strcmp(tag, "BS") == 0)
		return check_set(cs, m, 'B');
	return problem(cs, "an AttributeValue has an unknown type", false);
}

int
wire_check_attribute_value(const cJSON *av, int depth_limit)
{
	WireProblem p;
	CheckState	cs = {WIRE_CHECK_DDB_NUMBERS | WIRE_CHECK_DISTINCT, &p};

	memset(&p, 0, sizeof(p));
	return check_av(&cs, av, depth_limit);
}

/*
 * An item (or a key): an object of AttributeValues.  out->item is set to
 * it while it is checked, and left there when it has a problem.
 */
static int
check_item(CheckState *cs, const cJSON *item, bool nonempty, const char *what)
{
	int			rc;

	if (!cJSON_IsObject(item))
		return problem(cs, what, false);
	if (nonempty && item->child == NULL)
		return problem(cs, what, false);
	cs->out->item = item;
	rc = check_members(cs, item, WIRE_AV_DEPTH_LIMIT, true);
	if (rc == 1)
		cs->out->item = NULL;
	return rc;
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

bool
wire_double_int64(double d, int64_t *value)
{
	/* 2^63 is exact in a double; NaN fails both comparisons */
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return false;
	if ((double) (int64_t) d != d)
		return false;			/* not integral */
	*value = (int64_t) d;
	return true;
}

bool
wire_json_int64(const cJSON *node, int64_t *value)
{
	return cJSON_IsNumber(node) && wire_double_int64(node->valuedouble, value);
}

/* The members a page check knows; each may appear at most once. */
static const char *const page_members[] = {
	"Items", "Item", "Responses", "LastEvaluatedKey", "UnprocessedKeys",
	"Count", "ScannedCount"
};
#define N_PAGE_MEMBERS (sizeof(page_members) / sizeof(page_members[0]))

/* Fails the check with a reason unless an inner check gave one; rc is 0 or -1. */
#define PAGE_FAIL(why, rc) \
	do { \
		if ((rc) < 0) { out->error = "out of memory"; return -1; } \
		return problem(cs, (why), false); \
	} while (0)

/* BatchGetItem's Responses: per table, an array of items. */
static int
check_responses(CheckState *cs, const cJSON *node, WirePage *page)
{
	WireProblem *out = cs->out;
	const cJSON *m;
	int			rc;

	page->has_responses = true;
	if (!cJSON_IsObject(node))
		PAGE_FAIL("Responses is not an object", 0);
	for (m = node->child; m != NULL; m = m->next)
	{
		const cJSON *it;

		if (!cJSON_IsArray(m))
			PAGE_FAIL("a table's Responses is not an array", 0);
		for (it = m->child; it != NULL; it = it->next)
		{
			if ((rc = check_item(cs, it, false, "an element of Responses is not an object")) != 1)
				PAGE_FAIL("an element of Responses is not a well-formed item", rc);
			page->items++;
		}
	}
	if ((cs->flags & WIRE_CHECK_DISTINCT) &&
		(rc = has_duplicates(node->child, true)) != 0)
		PAGE_FAIL("a table appears twice in Responses", rc > 0 ? 0 : -1);
	return 1;
}

/* BatchGetItem's UnprocessedKeys: per table, a non-empty array of keys. */
static int
check_unprocessed_keys(CheckState *cs, const cJSON *node, WirePage *page)
{
	WireProblem *out = cs->out;
	const cJSON *m;
	int			rc;

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
			if ((rc = check_item(cs, key, true, "an unprocessed key is not a non-empty object")) != 1)
				PAGE_FAIL("an unprocessed key is not a well-formed key", rc);
		page->unprocessed_tables++;
	}
	if ((cs->flags & WIRE_CHECK_DISTINCT) &&
		(rc = has_duplicates(node->child, true)) != 0)
		PAGE_FAIL("a table appears twice in UnprocessedKeys", rc > 0 ? 0 : -1);
	return 1;
}

static int
check_page_doc(CheckState *cs, const cJSON *doc, WirePage *page)
{
	WireProblem *out = cs->out;
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
		page->has_items = true;
		if (!cJSON_IsArray(node))
			PAGE_FAIL("Items is not an array", 0);
		for (m = node->child; m != NULL; m = m->next)
		{
			if ((rc = check_item(cs, m, false, "an element of Items is not an object")) != 1)
				PAGE_FAIL("an element of Items is not a well-formed item", rc);
			items_in_items++;
		}
		page->items += items_in_items;
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Item")) != NULL)
	{
		page->has_item = true;
		if ((rc = check_item(cs, node, false, "Item is not an object")) != 1)
			PAGE_FAIL("Item is not a well-formed item", rc);
		page->items++;
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Responses")) != NULL &&
		(rc = check_responses(cs, node, page)) != 1)
		return rc;

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "LastEvaluatedKey")) != NULL)
	{
		page->has_last_evaluated_key = true;
		if ((rc = check_item(cs, node, true, "LastEvaluatedKey is not a non-empty object")) != 1)
			PAGE_FAIL("LastEvaluatedKey is not a well-formed key", rc);
	}

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "UnprocessedKeys")) != NULL &&
		(rc = check_unprocessed_keys(cs, node, page)) != 1)
		return rc;

	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "Count")) != NULL &&
		!read_count(node, &page->count))
		PAGE_FAIL("Count is not a non-negative integer", 0);
	if ((node = cJSON_GetObjectItemCaseSensitive(doc, "ScannedCount")) != NULL &&
		!read_count(node, &page->scanned_count))
		PAGE_FAIL("ScannedCount is not a non-negative integer", 0);
	if (page->has_items && page->count >= 0 && page->count != items_in_items)
		PAGE_FAIL("Count differs from the number of Items", 0);
	if (page->count >= 0 && page->scanned_count >= 0 && page->scanned_count < page->count)
		PAGE_FAIL("ScannedCount is less than Count", 0);
	return 1;
}

static void
init_page(WirePage *page)
{
	memset(page, 0, sizeof(*page));
	page->count = -1;
	page->scanned_count = -1;
	page->error = NULL;
}

int
wire_check_page_tree(const cJSON *doc, int flags, WirePage *page, WireProblem *out)
{
	CheckState	cs;
	int			rc;

	init_page(page);
	memset(out, 0, sizeof(*out));
	cs.flags = flags;
	cs.out = out;
	rc = check_page_doc(&cs, doc, page);
	page->error = out->error;
	return rc;
}

/* KeySchema: a non-empty array of {AttributeName: name, KeyType: HASH|RANGE}. */
static int
check_key_schema(CheckState *cs, const cJSON *ks)
{
	const cJSON *k;

	if (!cJSON_IsArray(ks) || ks->child == NULL)
		return problem(cs, "a KeySchema is not a non-empty array", false);
	for (k = ks->child; k != NULL; k = k->next)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(k, "AttributeName");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(k, "KeyType");

		if (!cJSON_IsObject(k) || !is_string_node(name) || !is_string_node(type) ||
			(strcmp(type->valuestring, "HASH") != 0 && strcmp(type->valuestring, "RANGE") != 0))
			return problem(cs, "a KeySchema element is not {AttributeName, KeyType}", false);
		if (!text_ok(cs, name->valuestring))
			return problem(cs, "a key attribute name is not valid UTF-8", true);
	}
	return 1;
}

int
wire_check_table_description(const cJSON *table, int flags, WireProblem *out)
{
	static const char *const index_kinds[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
	CheckState	cs;
	const cJSON *node;
	const cJSON *e;
	size_t		k;
	int			rc;

	memset(out, 0, sizeof(*out));
	cs.flags = flags;
	cs.out = out;
	if (!cJSON_IsObject(table))
		return problem(&cs, "the table description is not an object", false);
	node = cJSON_GetObjectItemCaseSensitive(table, "TableName");
	if (!is_string_node(node) || !text_ok(&cs, node->valuestring))
		return problem(&cs, "TableName is not a UTF-8 string", false);
	if ((rc = check_key_schema(&cs, cJSON_GetObjectItemCaseSensitive(table, "KeySchema"))) != 1)
		return rc;
	node = cJSON_GetObjectItemCaseSensitive(table, "AttributeDefinitions");
	if (node != NULL && !cJSON_IsArray(node))
		return problem(&cs, "AttributeDefinitions is not an array", false);
	for (e = node ? node->child : NULL; e != NULL; e = e->next)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "AttributeName");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "AttributeType");

		if (!cJSON_IsObject(e) || !is_string_node(name) || !is_string_node(type) ||
			(strcmp(type->valuestring, "S") != 0 && strcmp(type->valuestring, "N") != 0 &&
			 strcmp(type->valuestring, "B") != 0))
			return problem(&cs, "an AttributeDefinitions element is not {AttributeName, AttributeType}", false);
		if (!text_ok(&cs, name->valuestring))
			return problem(&cs, "an attribute name is not valid UTF-8", true);
	}
	for (k = 0; k < sizeof(index_kinds) / sizeof(index_kinds[0]); k++)
	{
		node = cJSON_GetObjectItemCaseSensitive(table, index_kinds[k]);
		if (node != NULL && !cJSON_IsArray(node))
			return problem(&cs, "a list of secondary indexes is not an array", false);
		for (e = node ? node->child : NULL; e != NULL; e = e->next)
		{
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "IndexName");

			if (!cJSON_IsObject(e) || !is_string_node(name))
				return problem(&cs, "a secondary index has no IndexName", false);
			if (!text_ok(&cs, name->valuestring))
				return problem(&cs, "an index name is not valid UTF-8", true);
			if ((rc = check_key_schema(&cs, cJSON_GetObjectItemCaseSensitive(e, "KeySchema"))) != 1)
				return rc;
		}
	}
	return 1;
}

int
wire_check_page(const char *body, size_t len, WirePage *out)
{
	cJSON	   *doc;
	int			rc;
	WireProblem p;

	init_page(out);
	if (body == NULL || len == 0)
	{
		out->error = "the answer is empty";
		return 0;
	}
	doc = parse_json(body, len, true);
	if (doc == NULL)
	{
		out->error = "the answer is not JSON (or is truncated)";
		return 0;
	}
	rc = wire_check_page_tree(doc, WIRE_CHECK_DDB_NUMBERS | WIRE_CHECK_DISTINCT, out, &p);
	cJSON_Delete(doc);
	return rc;
}
