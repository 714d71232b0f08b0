/*
 * wire_test.c - unit tests for src/wire.c.
 *
 *   wire_test CORPUS_DIR
 *
 * Three kinds of case:
 *
 *   1. Captured answers: CORPUS_DIR (test/fuzz/corpus/wire, also the fuzz
 *      seeds) holds real bodies from moto 5.x and dynalite - Scan, Query,
 *      GetItem hit and miss, BatchGetItem, error answers in JSON and moto's
 *      XML authentication failures.  Each is read into a buffer of exactly
 *      its size (no NUL after it, so an AddressSanitizer build catches any
 *      read past len) and checked against the expectations in the table
 *      below, as a page and as an error answer.
 *
 *   2. Hand-written cases: every error body shape (JSON, XML, header only,
 *      truncated, binary garbage, embedded NULs, 2 MB messages cut at a
 *      UTF-8 boundary), both number grammars, every AttributeValue type
 *      well-formed and malformed, page shapes, and regression inputs found
 *      by test/fuzz/fuzz_wire.c.
 *
 *   3. Only when built with -DWIRE_TEST_ALLOC_HOOKS (and src/wire.c with
 *      -Dmalloc=wire_test_malloc -Dfree=wire_test_free, as run.sh does):
 *      cJSON's hooks are pointed at the same failing allocator, and every
 *      allocation made while reading each captured answer is failed in
 *      turn.  Nothing may crash or leak, and wire_check_page must answer
 *      0 or -1 (never "valid" on a tree it could not build).
 *
 * Output is TAP-like: "ok N - name" / "not ok N - name" followed by "#"
 * diagnostic lines, and last "wire: P passed, F failed".  Exit status 1 if
 * anything failed.  Plain C99.
 */
#ifdef __linux__
#define _DEFAULT_SOURCE			/* mmap's MAP_ANONYMOUS under -std=c99 */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "../../src/wire.h"
#include "utf8_check.h"

static int n_pass = 0;
static int n_fail = 0;
static int n_test = 0;

/* failures inside the current case, reported after its "ok" line */
static char diag[4096];
static size_t diag_len = 0;
static int case_failed = 0;

static void
fail(const char *fmt,...)
{
	va_list		ap;
	int			n;

	case_failed = 1;
	if (diag_len + 3 >= sizeof(diag))
		return;
	diag[diag_len++] = '#';
	diag[diag_len++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(diag + diag_len, sizeof(diag) - diag_len - 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		diag_len += (size_t) n < sizeof(diag) - diag_len - 1 ? (size_t) n : sizeof(diag) - diag_len - 2;
	diag[diag_len++] = '\n';
	diag[diag_len] = '\0';
}

static void
begin_case(void)
{
	case_failed = 0;
	diag_len = 0;
	diag[0] = '\0';
}

static void
end_case(const char *name)
{
	n_test++;
	if (case_failed)
	{
		n_fail++;
		printf("not ok %d - %s\n%s", n_test, name, diag);
	}
	else
	{
		n_pass++;
		printf("ok %d - %s\n", n_test, name);
	}
	/* if a later case crashes, run.sh still shows how far it got */
	fflush(stdout);
}

#define EXPECT(cond) \
	do { if (!(cond)) fail("line %d: %s", __LINE__, #cond); } while (0)

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "wire_test: out of memory\n");
		exit(2);
	}
	return p;
}

/*
 * An exactly sized copy of s[0..n): no NUL after it.  On Linux the copy
 * ends where an inaccessible page begins, so a read past n faults even in
 * the plain build and even inside libraries that are not instrumented
 * (cJSON); elsewhere it is a malloc'd block (the ASan build then catches
 * what is instrumented).  Release with exact_free(p, n).
 */
#ifdef __linux__
static size_t
page_size(void)
{
	long		ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t) ps : 4096;
}

static char *
exact_copy(const char *s, size_t n)
{
	size_t		ps = page_size();
	size_t		data_pages = (n + ps - 1) / ps;
	char	   *base = mmap(NULL, (data_pages + 1) * ps, PROT_READ | PROT_WRITE,
							MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char	   *p;

	if (base == MAP_FAILED ||
		mprotect(base + data_pages * ps, ps, PROT_NONE) != 0)
	{
		fprintf(stderr, "wire_test: cannot map a guarded buffer\n");
		exit(2);
	}
	p = base + data_pages * ps - n;
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

static void
exact_free(char *p, size_t n)
{
	size_t		ps = page_size();
	size_t		data_pages = (n + ps - 1) / ps;

	munmap(p + n - data_pages * ps, (data_pages + 1) * ps);
}
#else
static char *
exact_copy(const char *s, size_t n)
{
	char	   *p = xmalloc(n);

	if (n > 0)
		memcpy(p, s, n);
	return p;
}

static void
exact_free(char *p, size_t n)
{
	(void) n;
	free(p);
}
#endif

/* Is s[0..n) valid UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
/* Invariants every WireError must satisfy, whatever the input. */
static void
check_error_invariants(const WireError *e, int rc)
{
	size_t		tl = strlen(e->type);
	size_t		ml = strlen(e->message);
	size_t		i;

	EXPECT(rc == (e->has_type || e->has_message));
	EXPECT(tl < WIRE_ERROR_TYPE_SIZE);
	EXPECT(ml <= WIRE_ERROR_MESSAGE_MAX);
	EXPECT(strchr(e->type, '#') == NULL);
	EXPECT(strchr(e->type, ':') == NULL);
	for (i = 0; i < ml; i++)
		if ((unsigned char) e->message[i] < 0x20)
		{
			fail("control character 0x%02x in message", (unsigned char) e->message[i]);
			break;
		}
	if (!e->has_type)
		EXPECT(tl == 0);
	if (!e->has_message)
		EXPECT(ml == 0);
}

/*
 * wire_parse_error on s[0..n) in an exactly sized buffer and again with a
 * NUL after it: the results must be identical (len is authoritative).
 */
static int
parse_error(const char *s, size_t n, const char *header, WireError *out)
{
	char	   *exact = exact_copy(s, n);
	char	   *terminated = xmalloc(n + 1);
	WireError	again;
	int			rc;
	int			rc2;

	if (n > 0)
		memcpy(terminated, s, n);
	terminated[n] = '\0';
	rc = wire_parse_error(exact, n, header, out);
	rc2 = wire_parse_error(terminated, n, header, &again);
	check_error_invariants(out, rc);
	EXPECT(rc == rc2);
	EXPECT(out->body == again.body);
	EXPECT(out->has_type == again.has_type && out->has_message == again.has_message);
	EXPECT(strcmp(out->type, again.type) == 0);
	EXPECT(strcmp(out->message, again.message) == 0);
	exact_free(exact, n);
	free(terminated);
	return rc;
}

static int
parse_error_str(const char *s, const char *header, WireError *out)
{
	return parse_error(s, strlen(s), header, out);
}

static int
check_page(const char *s, size_t n, WirePage *out)
{
	char	   *exact = exact_copy(s, n);
	int			rc = wire_check_page(exact, n, out);

	exact_free(exact, n);
	EXPECT(rc == 0 || rc == 1);
	EXPECT((rc == 1) == (out->error == NULL));
	return rc;
}

static int
check_page_str(const char *s, WirePage *out)
{
	return check_page(s, strlen(s), out);
}

/* Parse s with cJSON and run the AttributeValue checker on it. */
static int
check_av(const char *s, int depth_limit)
{
	cJSON	   *doc = cJSON_Parse(s);
	int			rc;

	if (doc == NULL)
	{
		fail("test input is not JSON: %s", s);
		return -2;
	}
	rc = wire_check_attribute_value(doc, depth_limit);
	cJSON_Delete(doc);
	return rc;
}

/* "{"L":[" * (depth - 1) + {"S":"x"} + "]}" * (depth - 1) */
static char *
nested_l(int depth)
{
	char	   *s = xmalloc((size_t) depth * 8 + 16);
	size_t		n = 0;
	int			i;

	for (i = 1; i < depth; i++)
	{
		memcpy(s + n, "{\"L\":[", 6);
		n += 6;
	}
	memcpy(s + n, "{\"S\":\"x\"}", 9);
	n += 9;
	for (i = 1; i < depth; i++)
	{
		memcpy(s + n, "]}", 2);
		n += 2;
	}
	s[n] = '\0';
	return s;
}

/* ------------------------------------------------------------------------
 * 1. Captured answers
 * ------------------------------------------------------------------------ */

typedef struct Captured
{
	const char *file;
	/* as a page */
	int			page_rc;
	int			items;
	int			has_lek;
	long		count;
	/* as an error answer */
	WireErrorBody body;
	const char *type;			/* NULL: no type */
	const char *message_prefix; /* NULL: no message */
} Captured;

static const Captured captured[] = {
	{"moto_scan.json", 1, 3, 0, 3, WIRE_BODY_JSON, NULL, NULL},
	{"moto_scan_limit.json", 1, 1, 1, 1, WIRE_BODY_JSON, NULL, NULL},
	{"moto_query.json", 1, 2, 0, 2, WIRE_BODY_JSON, NULL, NULL},
	{"moto_getitem_hit.json", 1, 1, 0, -1, WIRE_BODY_JSON, NULL, NULL},
	{"moto_getitem_miss.json", 1, 0, 0, -1, WIRE_BODY_JSON, NULL, NULL},
	{"moto_batchget.json", 1, 2, 0, -1, WIRE_BODY_JSON, NULL, NULL},
	{"moto_scan_projection_empty.json", 1, 3, 0, 3, WIRE_BODY_JSON, NULL, NULL},
	{"dynalite_scan.json", 1, 3, 0, 3, WIRE_BODY_JSON, NULL, NULL},
	{"dynalite_scan_count.json", 1, 0, 0, 3, WIRE_BODY_JSON, NULL, NULL},
	{"dynalite_scan_limit.json", 1, 1, 1, 1, WIRE_BODY_JSON, NULL, NULL},
	{"dynalite_batchget.json", 1, 2, 0, -1, WIRE_BODY_JSON, NULL, NULL},
	{"moto_err_not_found.json", 0, 0, 0, -1, WIRE_BODY_JSON,
	"ResourceNotFoundException", "Requested resource not found"},
	{"dynalite_err_validation.json", 0, 0, 0, -1, WIRE_BODY_JSON,
	"ValidationException", "Invalid FilterExpression: Syntax error; Expected \"#\""},
	{"moto_auth_signature.xml", 0, 0, 0, -1, WIRE_BODY_XML,
	"SignatureDoesNotMatch", "The request signature we calculated does not match"},
	{"moto_auth_unknown_key.xml", 0, 0, 0, -1, WIRE_BODY_XML,
	"InvalidClientTokenId", "The security token included in the request is invalid."},
};
#define N_CAPTURED (sizeof(captured) / sizeof(captured[0]))

/* Whole file into an exactly sized buffer; NULL if it cannot be read. */
static char *
read_file(const char *dir, const char *name, size_t *len)
{
	char		path[4096];
	FILE	   *f;
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		n = 0;
	char		chunk[4096];
	size_t		got;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		if (n + got > cap)
		{
			char	   *nb;

			cap = (n + got) * 2;
			nb = realloc(buf, cap);
			if (nb == NULL)
			{
				fprintf(stderr, "wire_test: out of memory\n");
				exit(2);
			}
			buf = nb;
		}
		memcpy(buf + n, chunk, got);
		n += got;
	}
	fclose(f);
	*len = n;
	/* exactly sized, so that reading past len is caught */
	{
		char	   *exact = exact_copy(buf ? buf : "", n);

		free(buf);
		return exact;
	}
}

static char *corpus_data[N_CAPTURED];
static size_t corpus_len[N_CAPTURED];

static void
test_captured(const char *dir)
{
	size_t		i;
	char		name[256];

	for (i = 0; i < N_CAPTURED; i++)
	{
		const Captured *c = &captured[i];
		WirePage	page;
		WireError	e;
		int			rc;

		begin_case();
		corpus_data[i] = read_file(dir, c->file, &corpus_len[i]);
		if (corpus_data[i] == NULL)
			fail("cannot read %s/%s", dir, c->file);
		else
		{
			rc = check_page(corpus_data[i], corpus_len[i], &page);
			if (rc != c->page_rc)
				fail("wire_check_page = %d (%s), expected %d", rc,
					 page.error ? page.error : "no error", c->page_rc);
			if (rc == 1)
			{
				EXPECT(page.items == c->items);
				EXPECT(page.has_last_evaluated_key == (c->has_lek != 0));
				EXPECT(page.count == c->count);
			}
			rc = parse_error(corpus_data[i], corpus_len[i], NULL, &e);
			EXPECT(e.body == c->body);
			if (c->type)
			{
				EXPECT(e.has_type && strcmp(e.type, c->type) == 0);
				if (!e.has_type || strcmp(e.type, c->type) != 0)
					fail("type \"%s\"", e.type);
			}
			else
				EXPECT(!e.has_type);
			if (c->message_prefix)
				EXPECT(e.has_message &&
					   strncmp(e.message, c->message_prefix, strlen(c->message_prefix)) == 0);
			else
				EXPECT(!e.has_message);
			EXPECT(rc == (c->type != NULL || c->message_prefix != NULL));
			EXPECT(valid_utf8(e.message, strlen(e.message)));
		}
		snprintf(name, sizeof(name), "captured %s", c->file);
		end_case(name);
	}

	/* every proper prefix of a page is rejected, none is read past its end */
	begin_case();
	for (i = 0; i < N_CAPTURED; i++)
	{
		size_t		n;

		if (corpus_data[i] == NULL || captured[i].page_rc != 1)
			continue;
		for (n = 0; n < corpus_len[i]; n++)
		{
			WirePage	page;
			WireError	e;

			if (check_page(corpus_data[i], n, &page) != 0)
			{
				fail("%s cut to %zu bytes was accepted", captured[i].file, n);
				break;
			}
			/* as an error body: not JSON, no "<Code>": unrecognised */
			parse_error(corpus_data[i], n, NULL, &e);
			if (e.body != (n ? WIRE_BODY_OTHER : WIRE_BODY_EMPTY))
			{
				fail("%s cut to %zu bytes: body kind %d", captured[i].file, n, (int) e.body);
				break;
			}
		}
	}
	end_case("captured pages: every truncation rejected");

	/* error answers cut short: the XML ones still give what they can */
	begin_case();
	for (i = 0; i < N_CAPTURED; i++)
	{
		size_t		n;

		if (corpus_data[i] == NULL || captured[i].type == NULL)
			continue;
		for (n = 0; n < corpus_len[i]; n++)
		{
			WireError	e;

			parse_error(corpus_data[i], n, "FromHeader", &e);
			/* a type always comes from somewhere: the body or the header */
			EXPECT(e.has_type);
		}
	}
	end_case("captured errors: every truncation handled, header fills in");
}

/* ------------------------------------------------------------------------
 * 2. Error answers
 * ------------------------------------------------------------------------ */

static void
test_errors(void)
{
	WireError	e;
	int			rc;

	begin_case();
	rc = parse_error_str("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
						 "\"message\":\"Requested resource not found\"}", "", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_JSON);
	EXPECT(strcmp(e.type, "ResourceNotFoundException") == 0);
	EXPECT(strcmp(e.message, "Requested resource not found") == 0);
	end_case("json: __type and message");

	begin_case();
	rc = parse_error_str("{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
						 "\"Message\":\"User: arn:aws:iam::1:user/u is not authorized\"}", NULL, &e);
	EXPECT(strcmp(e.type, "AccessDeniedException") == 0);
	EXPECT(strcmp(e.message, "User: arn:aws:iam::1:user/u is not authorized") == 0);
	end_case("json: Message with a capital M");

	begin_case();
	parse_error_str("{\"message\":\"lower\",\"Message\":\"upper\"}", NULL, &e);
	EXPECT(strcmp(e.message, "lower") == 0);
	parse_error_str("{\"message\":5,\"Message\":\"upper\",\"__type\":7}", "Hdr", &e);
	EXPECT(strcmp(e.message, "upper") == 0);
	EXPECT(e.has_type && strcmp(e.type, "Hdr") == 0);	/* non-string __type: absent */
	end_case("json: message beats Message; non-strings count as absent");

	begin_case();
	parse_error_str("{\"__type\":\"UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/\","
					"\"message\":\"The security token included in the request is invalid.\"}", NULL, &e);
	EXPECT(strcmp(e.type, "UnrecognizedClientException") == 0);
	parse_error_str("{\"__type\":\"a#b#c:d:e\"}", NULL, &e);
	EXPECT(strcmp(e.type, "c") == 0);
	parse_error_str("{\"__type\":\"x:y#z\"}", NULL, &e);
	EXPECT(strcmp(e.type, "z") == 0);	/* the last '#' first, then ':' */
	end_case("json: short type forms");

	begin_case();
	rc = parse_error_str("{}", "ThrottlingException", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_JSON && !e.has_message);
	EXPECT(strcmp(e.type, "ThrottlingException") == 0);
	rc = parse_error_str("{}", "", &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_JSON && !e.has_type && !e.has_message);
	end_case("json: empty object, header fallback");

	begin_case();
	rc = parse_error_str("{\"__type\":\"\"}", "HeaderType", &e);
	EXPECT(rc == 1 && e.has_type && e.type[0] == '\0');
	end_case("json: an empty __type is a type (the header is not used)");

	begin_case();
	rc = parse_error_str("{\"message\":\"only a message\"}", "com.x#HeaderType:http://x", &e);
	EXPECT(rc == 1 && strcmp(e.type, "HeaderType") == 0);
	EXPECT(strcmp(e.message, "only a message") == 0);
	end_case("json: message from the body, type from the header");

	begin_case();
	rc = parse_error_str("[\"__type\",\"message\"]", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_OTHER);
	rc = parse_error_str("\"<Code>X</Code>\"", NULL, &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_XML && strcmp(e.type, "X") == 0);
	end_case("json that is not an object");

	begin_case();
	rc = parse_error_str("<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
						 "<Message>The request signature we calculated does not match the signature you provided.</Message>"
						 "</Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>",
						 "Ignored", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_XML);
	EXPECT(strcmp(e.type, "SignatureDoesNotMatch") == 0);
	EXPECT(strcmp(e.message, "The request signature we calculated does not match the signature you provided.") == 0);
	end_case("xml: ErrorResponse");

	begin_case();
	rc = parse_error_str("<Error><Code>com.amazon#Expired:x</Code><Message>line1\nline2\ttab\r</Message></Error>", NULL, &e);
	EXPECT(strcmp(e.type, "Expired") == 0);
	EXPECT(strcmp(e.message, "line1 line2 tab ") == 0);
	rc = parse_error_str("<Code></Code><Message></Message>", "Hdr", &e);
	EXPECT(rc == 1 && e.has_type && e.type[0] == '\0' && e.has_message && e.message[0] == '\0');
	end_case("xml: short type, control characters, empty elements");

	begin_case();
	rc = parse_error_str("<Error><Code>Unterminated", "Hdr", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_XML && strcmp(e.type, "Hdr") == 0);
	rc = parse_error_str("<Code>", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_XML);
	rc = parse_error_str("<Code>A</Code><Message>no end", NULL, &e);
	EXPECT(rc == 1 && strcmp(e.type, "A") == 0 && !e.has_message);
	rc = parse_error_str("</Code><Code>B</Code>", NULL, &e);
	EXPECT(strcmp(e.type, "B") == 0);
	end_case("xml: truncated elements");

	begin_case();
	rc = parse_error_str("<Error><Message>no code</Message></Error>", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_OTHER);
	end_case("xml without <Code> is not recognised");

	begin_case();
	rc = parse_error_str("", "ProvisionedThroughputExceededException", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_EMPTY && !e.has_message);
	EXPECT(strcmp(e.type, "ProvisionedThroughputExceededException") == 0);
	rc = parse_error_str("", "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/", &e);
	EXPECT(strcmp(e.type, "UnrecognizedClientException") == 0);
	rc = parse_error_str("", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_EMPTY && !e.has_type);
	rc = parse_error_str("", "", &e);
	EXPECT(rc == 0 && !e.has_type);
	rc = wire_parse_error(NULL, 10, "T", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_EMPTY && strcmp(e.type, "T") == 0);
	end_case("header only (and a NULL body)");

	begin_case();
	rc = parse_error_str("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"Requested res",
						 "ResourceNotFoundException", &e);
	EXPECT(rc == 1 && e.body == WIRE_BODY_OTHER && !e.has_message);
	EXPECT(strcmp(e.type, "ResourceNotFoundException") == 0);
	rc = parse_error_str("{\"__type\":", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_OTHER);
	end_case("truncated json");

	begin_case();
	{
		char		garbage[512];
		int			i;

		for (i = 0; i < 512; i++)
			garbage[i] = (char) (i * 7 + 3);
		rc = parse_error(garbage, sizeof(garbage), NULL, &e);
		EXPECT(rc == 0 && e.body == WIRE_BODY_OTHER);
		rc = parse_error(garbage, sizeof(garbage), "T", &e);
		EXPECT(rc == 1 && strcmp(e.type, "T") == 0);
	}
	rc = parse_error_str("<html><body><h1>503 Service Unavailable</h1></body></html>", NULL, &e);
	EXPECT(rc == 0 && e.body == WIRE_BODY_OTHER);
	end_case("binary garbage and an HTML page");

	begin_case();
	{
		static const char json_then_nul[] = "{\"__type\":\"A#B\",\"message\":\"m\"}\0trailing garbage";
		static const char nul_before_code[] = "junk\0<Code>Late</Code><Message>x\0y</Message>";
		static const char nul_in_code[] = "<Code>Thr\0ottling</Code>";
		static const char nul_in_json[] = "{\"__type\":\"A\0B\"}";

		rc = parse_error(json_then_nul, sizeof(json_then_nul) - 1, NULL, &e);
		EXPECT(rc == 1 && e.body == WIRE_BODY_JSON && strcmp(e.type, "B") == 0);
		rc = parse_error(nul_before_code, sizeof(nul_before_code) - 1, NULL, &e);
		EXPECT(rc == 1 && e.body == WIRE_BODY_XML && strcmp(e.type, "Late") == 0);
		EXPECT(strcmp(e.message, "x y") == 0);
		rc = parse_error(nul_in_code, sizeof(nul_in_code) - 1, NULL, &e);
		EXPECT(rc == 1 && strcmp(e.type, "Thr") == 0);
		rc = parse_error(nul_in_json, sizeof(nul_in_json) - 1, NULL, &e);
		/* cJSON lets a raw NUL through inside a string; C ends it there */
		EXPECT(rc == 1 && e.body == WIRE_BODY_JSON && strcmp(e.type, "A") == 0);
		rc = parse_error_str("{\"__type\":\"A\\u0000B\",\"message\":\"x\\u0000y\"}", NULL, &e);
		EXPECT(strcmp(e.type, "A") == 0 && strcmp(e.message, "x") == 0);
	}
	end_case("embedded NULs: len is authoritative");

	begin_case();
	{
		/*
		 * fuzz_wire crash-5d9431a05df1f27704724cec51b60e6dfd381a4c (against
		 * upstream cJSON 1.7.15): an object ending right after a comma made
		 * cJSON read one byte past the buffer (CVE-2023-53154).  wire.c now
		 * parses a NUL-terminated copy; the guarded buffer faults if
		 * anything still reads past len.
		 */
		static const char crash[] = "{\"ScannedCount\":3,";
		WirePage	p;

		rc = parse_error(crash, sizeof(crash) - 1, "T", &e);
		EXPECT(rc == 1 && e.body == WIRE_BODY_OTHER && strcmp(e.type, "T") == 0);
		EXPECT(check_page(crash, sizeof(crash) - 1, &p) == 0);
		EXPECT(check_page("{\"a\":1,", 7, &p) == 0);
		EXPECT(check_page("[1,", 3, &p) == 0);
	}
	end_case("fuzz regression: object cut after a comma (cJSON over-read)");

	begin_case();
	{
		/* 2 MB messages: kept to 1000 bytes, cut at a character boundary */
		size_t		big = 2 * 1024 * 1024;
		char	   *body = xmalloc(big + 64);
		size_t		n;
		size_t		i;

		n = (size_t) sprintf(body, "{\"__type\":\"T\",\"message\":\"");
		for (i = 0; i < big; i++)
			body[n++] = 'a';
		memcpy(body + n, "\"}", 2);
		n += 2;
		parse_error(body, n, NULL, &e);
		EXPECT(strlen(e.message) == WIRE_ERROR_MESSAGE_MAX);

		/* U+20AC (3 bytes): 1000 is not a multiple of 3 -> 999 */
		n = (size_t) sprintf(body, "{\"message\":\"");
		for (i = 0; i + 3 <= big; i += 3)
		{
			memcpy(body + n, "\xe2\x82\xac", 3);
			n += 3;
		}
		memcpy(body + n, "\"}", 2);
		n += 2;
		parse_error(body, n, NULL, &e);
		EXPECT(strlen(e.message) == 999);
		EXPECT(valid_utf8(e.message, strlen(e.message)));

		/* "a" + U+1F600 (4 bytes) ...: the cut falls 3 bytes into one -> 997 */
		n = (size_t) sprintf(body, "<Code>C</Code><Message>a");
		for (i = 0; i + 4 <= big; i += 4)
		{
			memcpy(body + n, "\xf0\x9f\x98\x80", 4);
			n += 4;
		}
		memcpy(body + n, "</Message>", 10);
		n += 10;
		parse_error(body, n, NULL, &e);
		EXPECT(e.body == WIRE_BODY_XML && strlen(e.message) == 997);
		EXPECT(valid_utf8(e.message, strlen(e.message)));

		/* "ab" + U+00E9 ...: the cut falls between two characters -> 1000 */
		n = (size_t) sprintf(body, "{\"message\":\"ab");
		for (i = 0; i < 600; i++)
		{
			memcpy(body + n, "\xc3\xa9", 2);
			n += 2;
		}
		memcpy(body + n, "\"}", 2);
		n += 2;
		parse_error(body, n, NULL, &e);
		EXPECT(strlen(e.message) == 1000 && valid_utf8(e.message, 1000));

		/* exactly 1000 bytes are kept whole, 1001 lose one */
		for (i = 999; i <= 1001; i++)
		{
			n = (size_t) sprintf(body, "{\"message\":\"");
			memset(body + n, 'z', i);
			n += i;
			memcpy(body + n, "\"}", 2);
			n += 2;
			parse_error(body, n, NULL, &e);
			EXPECT(strlen(e.message) == (i > 1000 ? 1000 : i));
		}

		/* a long type is cut to the field, at a character boundary */
		n = (size_t) sprintf(body, "{\"__type\":\"ns#");
		for (i = 0; i < 200; i++)
		{
			memcpy(body + n, "\xc3\xa9", 2);
			n += 2;
		}
		memcpy(body + n, "\"}", 2);
		n += 2;
		parse_error(body, n, NULL, &e);
		EXPECT(strlen(e.type) == WIRE_ERROR_TYPE_SIZE - 2);
		EXPECT(valid_utf8(e.type, strlen(e.type)));
		free(body);
	}
	end_case("2 MB messages, UTF-8 boundaries, long types");

	begin_case();
	parse_error_str("{\"message\":\"\\u0001a\\nb\\tc\\u007f\\u00e9\"}", NULL, &e);
	EXPECT(strcmp(e.message, " a b c\x7f\xc3\xa9") == 0);
	end_case("json: control characters become spaces, DEL and UTF-8 stay");
}

/* ------------------------------------------------------------------------
 * 2. Numbers
 * ------------------------------------------------------------------------ */

static void
test_numbers(void)
{
	static const char *const json_ok[] = {
		"0", "-0", "1", "-12.50", "1.5", "1e10", "1E+3", "2.5e-7", "10", "99999999999999999999999999999999999999999"
	};
	static const char *const json_bad[] = {
		"", "-", ".5", "+1", "01", "1.", "1e", "1e+", "1.e5", " 1", "1 ", "NaN", "Infinity", "0x10", "1..2", "--1"
	};
	static const char *const ddb_ok[] = {
		"0", "-0", "+0", "000", "0.0", "0e999999999999999999", "1", "+1", ".5", "1.", "007", "-12.50",
		"99999999999999999999999999999999999999",
		"9.9999999999999999999999999999999999999E+125",
		"-9.9999999999999999999999999999999999999E+125",
		"1E-130", "-1E-130", "0.0000000001E-120", "1000000000000000000000000000000000000000000000000",
		"12345678901234567890123456789012345678000000",
		"0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",	/* 1E-130 as dynalite writes it */
		"999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	};
	static const char *const ddb_bad[] = {
		"", "+", "-", ".", "e5", "1e", "1e+", "1..2", "1.2.3", " 1", "1 ", "NaN", "Infinity", "0x10", "1,5",
		"999999999999999999999999999999999999999",	/* 39 significant digits */
		"1.00000000000000000000000000000000000001",
		"1E126", "10E125", "1E-131", "0.1E-130", "1e99999999999999999999999", "1e-99999999999999999999",
		"++1", "1e5.5"
	};
	size_t		i;

	begin_case();
	for (i = 0; i < sizeof(json_ok) / sizeof(json_ok[0]); i++)
		if (!wire_is_json_number(json_ok[i]))
			fail("rejected \"%s\"", json_ok[i]);
	for (i = 0; i < sizeof(json_bad) / sizeof(json_bad[0]); i++)
		if (wire_is_json_number(json_bad[i]))
			fail("accepted \"%s\"", json_bad[i]);
	EXPECT(!wire_is_json_number(NULL));
	end_case("wire_is_json_number");

	begin_case();
	for (i = 0; i < sizeof(ddb_ok) / sizeof(ddb_ok[0]); i++)
		if (!wire_is_dynamodb_number(ddb_ok[i]))
			fail("rejected \"%s\"", ddb_ok[i]);
	for (i = 0; i < sizeof(ddb_bad) / sizeof(ddb_bad[0]); i++)
		if (wire_is_dynamodb_number(ddb_bad[i]))
			fail("accepted \"%s\"", ddb_bad[i]);
	EXPECT(!wire_is_dynamodb_number(NULL));
	{
		/* the smallest magnitude written out: 1E-130 passes, 1E-131 not */
		char		s[200];

		strcpy(s, "0.");
		memset(s + 2, '0', 129);
		strcpy(s + 131, "1");
		EXPECT(wire_is_dynamodb_number(s));
		memset(s + 2, '0', 130);
		strcpy(s + 132, "1");
		EXPECT(!wire_is_dynamodb_number(s));
	}
	end_case("wire_is_dynamodb_number");
}

/* ------------------------------------------------------------------------
 * 2. AttributeValues
 * ------------------------------------------------------------------------ */

static void
test_attribute_values(void)
{
	static const char *const good[] = {
		"{\"S\":\"text\"}", "{\"S\":\"\"}", "{\"S\":\"h\\u00e9llo \\ud83d\\ude00\"}",
		"{\"N\":\"-12.50\"}", "{\"N\":\".5\"}",
		"{\"B\":\"AAEC/w==\"}", "{\"B\":\"\"}", "{\"B\":\"AQI=\"}", "{\"B\":\"AQID\"}",
		"{\"BOOL\":true}", "{\"BOOL\":false}", "{\"NULL\":true}",
		"{\"M\":{}}", "{\"M\":{\"a\":{\"S\":\"x\"},\"b\":{\"M\":{\"c\":{\"L\":[]}}}}}",
		"{\"L\":[]}", "{\"L\":[{\"N\":\"1\"},{\"SS\":[\"a\"]},{\"NULL\":true}]}",
		"{\"SS\":[\"a\",\"b\",\"\"]}", "{\"NS\":[\"1\",\"2.5\",\"-3\"]}", "{\"BS\":[\"AQ==\",\"Ag==\"]}",
		"{\"NS\":[\"1\",\"1.0\"]}"	/* equal values, different strings: not detected */
	};
	static const char *const bad[] = {
		"[]", "\"S\"", "null", "{}", "{\"S\":\"a\",\"N\":\"1\"}", "{\"S\":\"a\",\"S\":\"b\"}",
		"{\"X\":\"a\"}", "{\"s\":\"a\"}", "{\"\":\"a\"}", "{\"SSS\":[\"a\"]}",
		"{\"S\":1}", "{\"S\":null}", "{\"S\":[\"a\"]}",
		"{\"N\":1}", "{\"N\":\"abc\"}", "{\"N\":\"\"}", "{\"N\":\" 1\"}", "{\"N\":\"NaN\"}",
		"{\"N\":\"1E126\"}", "{\"N\":\"1111111111111111111111111111111111111111\"}",
		"{\"B\":\"abc\"}", "{\"B\":\"A===\"}", "{\"B\":\"AQ=A\"}", "{\"B\":\"AQ!=\"}", "{\"B\":1}",
		"{\"BOOL\":\"true\"}", "{\"BOOL\":1}", "{\"BOOL\":null}",
		"{\"NULL\":false}", "{\"NULL\":\"true\"}", "{\"NULL\":null}",
		"{\"M\":[]}", "{\"M\":{\"a\":\"x\"}}", "{\"M\":{\"a\":{\"S\":1}}}", "{\"M\":{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}}",
		"{\"L\":{}}", "{\"L\":[\"x\"]}", "{\"L\":[{\"N\":\"1\"},{}]}",
		"{\"SS\":[]}", "{\"SS\":\"a\"}", "{\"SS\":[1]}", "{\"SS\":[\"a\",\"a\"]}",
		"{\"NS\":[\"x\"]}", "{\"NS\":[\"1\",\"1\"]}", "{\"NS\":[1]}",
		"{\"BS\":[\"***\"]}", "{\"BS\":[\"AQ==\",\"AQ==\"]}", "{\"BS\":[]}"
	};
	size_t		i;
	char	   *deep;

	begin_case();
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (check_av(good[i], WIRE_AV_DEPTH_LIMIT) != 1)
			fail("rejected %s", good[i]);
	end_case("attribute values: every type, well-formed");

	begin_case();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (check_av(bad[i], WIRE_AV_DEPTH_LIMIT) != 0)
			fail("accepted %s", bad[i]);
	EXPECT(wire_check_attribute_value(NULL, WIRE_AV_DEPTH_LIMIT) == 0);
	end_case("attribute values: malformed ones rejected");

	begin_case();
	EXPECT(check_av("{\"S\":\"x\"}", 0) == 0);
	EXPECT(check_av("{\"S\":\"x\"}", 1) == 1);
	EXPECT(check_av("{\"M\":{}}", 1) == 1);
	EXPECT(check_av("{\"M\":{\"a\":{\"S\":\"x\"}}}", 1) == 0);
	EXPECT(check_av("{\"M\":{\"a\":{\"S\":\"x\"}}}", 2) == 1);
	deep = nested_l(WIRE_AV_DEPTH_LIMIT);
	EXPECT(check_av(deep, WIRE_AV_DEPTH_LIMIT) == 1);
	free(deep);
	deep = nested_l(WIRE_AV_DEPTH_LIMIT + 1);
	EXPECT(check_av(deep, WIRE_AV_DEPTH_LIMIT) == 0);
	EXPECT(check_av(deep, WIRE_AV_DEPTH_LIMIT + 1) == 1);
	free(deep);
	end_case("attribute values: depth limit");

	begin_case();
	{
		/* thousands of names: duplicates must be found by sorting, not O(n^2) */
		char	   *s = xmalloc(64 * 1024);
		size_t		n = 0;
		int			k;

		n += (size_t) sprintf(s + n, "{\"M\":{");
		for (k = 0; k < 2000; k++)
			n += (size_t) sprintf(s + n, "%s\"k%d\":{\"N\":\"%d\"}", k ? "," : "", k, k);
		strcpy(s + n, "}}");
		EXPECT(check_av(s, WIRE_AV_DEPTH_LIMIT) == 1);
		strcpy(s + n, ",\"k1234\":{\"S\":\"dup\"}}}");
		EXPECT(check_av(s, WIRE_AV_DEPTH_LIMIT) == 0);
		free(s);
	}
	end_case("attribute values: duplicate names in a large map");
}

/* ------------------------------------------------------------------------
 * 2. Pages
 * ------------------------------------------------------------------------ */

static void
test_pages(void)
{
	static const char *const bad[] = {
		"[]", "null", "\"Items\"", "42",
		"{\"Items\":{}}", "{\"Items\":[1]}", "{\"Items\":[[]]}", "{\"Items\":[{\"a\":{\"S\":1}}]}",
		"{\"Items\":[{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}]}",
		"{\"Items\":[],\"Items\":[]}",
		"{\"Items\":[{}],\"Count\":2}", "{\"Items\":[],\"Count\":-1}", "{\"Items\":[],\"Count\":0.5}",
		"{\"Count\":\"3\"}", "{\"Count\":1e300}", "{\"Count\":3,\"ScannedCount\":2}", "{\"ScannedCount\":null}",
		"{\"Item\":[]}", "{\"Item\":{\"a\":{}}}",
		"{\"LastEvaluatedKey\":{}}", "{\"LastEvaluatedKey\":[]}", "{\"LastEvaluatedKey\":{\"pk\":{\"S\":1}}}",
		"{\"Responses\":[]}", "{\"Responses\":{\"t\":{}}}", "{\"Responses\":{\"t\":[1]}}",
		"{\"Responses\":{\"t\":[],\"t\":[]}}",
		"{\"UnprocessedKeys\":[]}", "{\"UnprocessedKeys\":{\"t\":{}}}", "{\"UnprocessedKeys\":{\"t\":{\"Keys\":[]}}}",
		"{\"UnprocessedKeys\":{\"t\":[]}}", "{\"UnprocessedKeys\":{\"t\":{\"Keys\":[{}]}}}",
		"{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"}"
	};
	WirePage	p;
	size_t		i;
	int			rc;

	begin_case();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (check_page_str(bad[i], &p) != 0)
			fail("accepted %s", bad[i]);
	EXPECT(wire_check_page(NULL, 0, &p) == 0 && p.error != NULL);
	EXPECT(wire_check_page("", 0, &p) == 0);
	end_case("pages: malformed shapes rejected");

	begin_case();
	rc = check_page_str("{}", &p);
	EXPECT(rc == 1 && p.items == 0 && p.count == -1 && p.scanned_count == -1 && !p.has_item);
	rc = check_page_str("{\"Count\":3,\"ScannedCount\":10}", &p);
	EXPECT(rc == 1 && p.count == 3 && p.scanned_count == 10 && !p.has_items);
	rc = check_page_str("{\"Items\":[{},{\"a\":{\"NULL\":true}}],\"Count\":2,\"ScannedCount\":7,"
						"\"LastEvaluatedKey\":{\"pk\":{\"S\":\"k\"}},\"ConsumedCapacity\":{\"x\":[1]}}", &p);
	EXPECT(rc == 1 && p.items == 2 && p.has_items && p.has_last_evaluated_key && p.count == 2);
	rc = check_page_str("{\"Responses\":{\"a\":[{\"k\":{\"S\":\"1\"}}],\"b\":[]},"
						"\"UnprocessedKeys\":{\"c\":{\"Keys\":[{\"k\":{\"N\":\"1\"}}],\"ConsistentRead\":true}}}", &p);
	EXPECT(rc == 1 && p.items == 1 && p.has_responses && p.unprocessed_tables == 1);
	rc = check_page_str("{\"Item\":{}}", &p);
	EXPECT(rc == 1 && p.items == 1 && p.has_item);
	rc = check_page_str("  {\"Items\":[]}  ", &p);
	EXPECT(rc == 1 && p.items == 0);
	end_case("pages: hand-written valid shapes");

	begin_case();
	{
		char	   *deep = nested_l(WIRE_AV_DEPTH_LIMIT);
		char	   *page = xmalloc(strlen(deep) + 64);

		sprintf(page, "{\"Items\":[{\"a\":%s}]}", deep);
		EXPECT(check_page_str(page, &p) == 1);
		free(deep);
		deep = nested_l(WIRE_AV_DEPTH_LIMIT + 1);
		free(page);
		page = xmalloc(strlen(deep) + 64);
		sprintf(page, "{\"Items\":[{\"a\":%s}]}", deep);
		EXPECT(check_page_str(page, &p) == 0);
		free(deep);
		free(page);
	}
	{
		/* deeper than cJSON's own nesting limit: not JSON at all */
		char	   *s = xmalloc(4000);

		memset(s, '[', 3000);
		s[3000] = '\0';
		EXPECT(check_page(s, 3000, &p) == 0);
		free(s);
	}
	end_case("pages: nesting limits");
}

/* ------------------------------------------------------------------------
 * 2b. What the FDW uses on parsed answers: tree checks, \u0000, UTF-8, int64
 * ------------------------------------------------------------------------ */

/* the tree of the last check_tree_str, kept so that *pr's pointers stay valid */
static cJSON *tree_doc = NULL;

/* wire_parse_json(s) then wire_check_page_tree with flags; -2 if not JSON */
static int
check_tree_str(const char *s, int flags, WireProblem *pr)
{
	char	   *exact = exact_copy(s, strlen(s));
	WirePage	page;
	int			rc;

	cJSON_Delete(tree_doc);
	tree_doc = wire_parse_json(exact, strlen(s));
	exact_free(exact, strlen(s));
	if (tree_doc == NULL)
	{
		memset(pr, 0, sizeof(*pr));
		return -2;
	}
	rc = wire_check_page_tree(tree_doc, flags, &page, pr);
	EXPECT((rc == 1) == (pr->error == NULL));
	EXPECT(page.error == pr->error);
	return rc;
}

static void
test_answers(void)
{
	static const char *const lenient_ok[] = {
		/* more than 38 digits and beyond 1E+126: moto stores N verbatim */
		"{\"Items\":[{\"n\":{\"N\":\"123456789012345678901234567890123456789012\"}}]}",
		"{\"Items\":[{\"n\":{\"NS\":[\"1e400\",\"2\"]}}]}",
		/* duplicates are not looked for (no allocation) */
		"{\"Items\":[{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}]}",
		"{\"Items\":[{\"a\":{\"S\":\"caf\u00e9 \\u00e9\\ud83d\\ude00\"}}],\"Count\":1}",
		"{\"Item\":{\"a\":{\"S\":\"abc\\u0000def\"},\"b\\u0000\":{\"SS\":[\"\\u0000\"]}}}"
	};
	static const char *const lenient_bad[] = {
		"{\"Items\":[[{\"S\":\"x\"}]],\"Count\":1,\"ScannedCount\":1}",
		"{\"Items\":[{\"n\":{\"N\":\"NaN\"}}]}",
		"{\"Items\":[{\"n\":{\"N\":\"Infinity\"}}]}",
		"{\"Items\":[{\"n\":{\"N\":\"\"}}]}",
		"{\"Items\":[{\"n\":{\"N\":\"1e\"}}]}",
		"{\"Items\":[{\"n\":{\"NS\":[\"-\"]}}]}",
		"{\"Items\":[{\"a\":{\"S\":\"x\",\"N\":\"1\"}}]}",
		"{\"Item\":{\"a\":{\"Q\":\"x\"}}}"
	};
	WireProblem pr;
	size_t		i;
	int64_t		v;
	char	   *deep;
	char	   *page;

	begin_case();
	for (i = 0; i < sizeof(lenient_ok) / sizeof(lenient_ok[0]); i++)
		if (check_tree_str(lenient_ok[i], WIRE_CHECK_ANSWER, &pr) != 1)
			fail("rejected %s (%s)", lenient_ok[i], pr.error ? pr.error : "?");
	for (i = 0; i < sizeof(lenient_bad) / sizeof(lenient_bad[0]); i++)
		if (check_tree_str(lenient_bad[i], WIRE_CHECK_ANSWER, &pr) != 0)
			fail("accepted %s", lenient_bad[i]);
	/* the strict flags still give wire_check_page's answers */
	EXPECT(check_tree_str(lenient_ok[0], WIRE_CHECK_DDB_NUMBERS, &pr) == 0);
	EXPECT(check_tree_str(lenient_ok[2], WIRE_CHECK_DISTINCT, &pr) == 1 - 1);
	end_case("answer tree: shape without DynamoDB's number limits or duplicate search");

	begin_case();
	/* the issue's trigger: an item that is a list */
	EXPECT(check_tree_str("{\"Items\":[[{\"S\":\"x\"}]],\"Count\":1,\"ScannedCount\":1}",
						  WIRE_CHECK_ANSWER, &pr) == 0);
	EXPECT(pr.error && strcmp(pr.error, "an element of Items is not an object") == 0);
	EXPECT(!pr.not_utf8 && pr.item == NULL && pr.attribute == NULL);
	/* a problem inside an item names the item and its attribute */
	EXPECT(check_tree_str("{\"Items\":[{\"k\":{\"S\":\"1\"}},{\"k\":{\"S\":\"2\"},\"m\":{\"M\":{\"x\":{\"N\":\"NaN\"}}}}]}",
						  WIRE_CHECK_ANSWER, &pr) == 0);
	EXPECT(pr.item && pr.attribute && strcmp(pr.attribute->string, "m") == 0);
	EXPECT(pr.item && strcmp(cJSON_GetObjectItemCaseSensitive(pr.item, "k")->child->valuestring, "2") == 0);
	/* invalid UTF-8 in an S value, an SS member, a name, a map key */
	EXPECT(check_tree_str("{\"Items\":[{\"k\":{\"S\":\"1\"},\"s\":{\"S\":\"a\xff\xfe\"}}]}",
						  WIRE_CHECK_ANSWER, &pr) == 0 && pr.not_utf8 &&
		   pr.attribute && strcmp(pr.attribute->string, "s") == 0);
	EXPECT(check_tree_str("{\"Items\":[{\"s\":{\"SS\":[\"ok\",\"\xed\xa0\x80\"]}}]}",
						  WIRE_CHECK_ANSWER, &pr) == 0 && pr.not_utf8);
	EXPECT(check_tree_str("{\"Items\":[{\"\xc3\x28\":{\"S\":\"x\"}}]}", WIRE_CHECK_ANSWER, &pr) == 0 &&
		   pr.not_utf8);
	EXPECT(check_tree_str("{\"Item\":{\"m\":{\"M\":{\"\xe0\x80\x80\":{\"S\":\"x\"}}}}}", WIRE_CHECK_ANSWER, &pr) == 0 &&
		   pr.not_utf8 && pr.attribute && strcmp(pr.attribute->string, "m") == 0);
	/* without WIRE_CHECK_UTF8 bytes are not looked at */
	EXPECT(check_tree_str("{\"Items\":[{\"s\":{\"S\":\"a\xff\xfe\"}}]}", 0, &pr) == 1);
	/* a problem in LastEvaluatedKey */
	EXPECT(check_tree_str("{\"Items\":[],\"LastEvaluatedKey\":{\"k\":{\"S\":\"\xff\"}}}", WIRE_CHECK_ANSWER, &pr) == 0 &&
		   pr.not_utf8);
	end_case("answer tree: where the problem is, UTF-8");

	begin_case();
	deep = nested_l(WIRE_AV_DEPTH_LIMIT);
	page = xmalloc(strlen(deep) + 64);
	sprintf(page, "{\"Items\":[{\"a\":%s}]}", deep);
	EXPECT(check_tree_str(page, WIRE_CHECK_ANSWER, &pr) == 1);
	free(deep);
	free(page);
	deep = nested_l(WIRE_AV_DEPTH_LIMIT + 1);
	page = xmalloc(strlen(deep) + 64);
	sprintf(page, "{\"Items\":[{\"a\":%s}]}", deep);
	EXPECT(check_tree_str(page, WIRE_CHECK_ANSWER, &pr) == 0);
	EXPECT(pr.error && strstr(pr.error, "32 levels") != NULL);
	free(deep);
	free(page);
	end_case("answer tree: nesting limit");
	cJSON_Delete(tree_doc);
	tree_doc = NULL;

	begin_case();
	{
		struct
		{
			const char *json;
			const char *value;	/* expected bytes of Item.a.S */
		}			nul[] = {
			{"{\"Item\":{\"a\":{\"S\":\"abc\\u0000def\"}}}", "abc\xC0\x80" "def"},
			{"{\"Item\":{\"a\":{\"S\":\"\\u0000\"}}}", "\xC0\x80"},
			{"{\"Item\":{\"a\":{\"S\":\"x\\u0000\\u0000\"}}}", "x\xC0\x80\xC0\x80"},
			/* an escaped backslash, then the letters u0000: no NUL */
			{"{\"Item\":{\"a\":{\"S\":\"\\\\u0000\"}}}", "\\u0000"},
			{"{\"Item\":{\"a\":{\"S\":\"\\\\\\u0000\"}}}", "\\\xC0\x80"},
			{"{\"Item\":{\"a\":{\"S\":\"\\u00000\"}}}", "\xC0\x80" "0"},
			{"{\"Item\":{\"a\":{\"S\":\"\\u0001\"}}}", "\x01"},
			{"{\"Item\":{\"a\":{\"S\":\"plain\"}}}", "plain"}
		};

		for (i = 0; i < sizeof(nul) / sizeof(nul[0]); i++)
		{
			size_t		n = strlen(nul[i].json);
			char	   *exact = exact_copy(nul[i].json, n);
			cJSON	   *doc = wire_parse_json(exact, n);
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "Item"), "a"), "S");

			exact_free(exact, n);
			if (!cJSON_IsString(s) || strcmp(s->valuestring, nul[i].value) != 0)
				fail("%s: got %s", nul[i].json, cJSON_IsString(s) ? s->valuestring : "(no string)");
			cJSON_Delete(doc);
		}
		/* still not JSON where it was not */
		EXPECT(wire_parse_json("{\"a\":\\u0000}", 12) == NULL);
		EXPECT(wire_parse_json("\"\\", 2) == NULL);
		EXPECT(wire_parse_json(NULL, 0) == NULL);
		/* wire_check_page reads \u0000 the same way */
		{
			WirePage	wp;

			EXPECT(check_page_str("{\"Item\":{\"a\":{\"S\":\"\\u0000\"}}}", &wp) == 1);
		}
	}
	end_case("wire_parse_json: \\u0000 becomes WIRE_NUL_MARKER, nothing else changes");

	begin_case();
	EXPECT(wire_is_utf8("", 0, false));
	EXPECT(wire_is_utf8("abc\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 12, false));
	EXPECT(!wire_is_utf8("\xff\xfe", 2, false));
	EXPECT(!wire_is_utf8("\xc0\x80", 2, false));
	EXPECT(wire_is_utf8("\xc0\x80", 2, true));
	EXPECT(!wire_is_utf8("\xc0", 1, true));
	EXPECT(!wire_is_utf8("\xc0\xaf", 2, true));
	EXPECT(!wire_is_utf8("\xed\xa0\x80", 3, false));	/* surrogate */
	EXPECT(!wire_is_utf8("\xf4\x90\x80\x80", 4, false));	/* > U+10FFFF */
	EXPECT(!wire_is_utf8("\xe2\x82", 2, false));	/* cut short */
	EXPECT(!wire_is_utf8("\xf0\x80\x80\xaf", 4, false));	/* overlong */
	end_case("wire_is_utf8");

	begin_case();
	{
		cJSON	   *n;

#define INT64_CASE(text, ok, want) \
		do { \
			n = cJSON_Parse(text); \
			v = -7; \
			EXPECT(wire_json_int64(n, &v) == (ok)); \
			if (ok) EXPECT(v == (want)); \
			cJSON_Delete(n); \
		} while (0)
		INT64_CASE("0", true, 0);
		INT64_CASE("42", true, 42);
		INT64_CASE("-5", true, -5);
		INT64_CASE("4294967296", true, 4294967296LL);
		INT64_CASE("9007199254740992", true, 9007199254740992LL);
		INT64_CASE("-9223372036854775808", true, INT64_MIN);
		INT64_CASE("9223372036854775808", false, 0);
		INT64_CASE("1e300", false, 0);
		INT64_CASE("-1e300", false, 0);
		INT64_CASE("0.5", false, 0);
		INT64_CASE("\"3\"", false, 0);
		INT64_CASE("null", false, 0);
#undef INT64_CASE
		EXPECT(!wire_json_int64(NULL, &v));
		EXPECT(wire_double_int64(-0.0, &v) && v == 0);
		{
			volatile double zero = 0.0;

			EXPECT(!wire_double_int64(zero / zero, &v));	/* NaN */
			EXPECT(!wire_double_int64(1.0 / zero, &v));	/* infinity */
			EXPECT(!wire_double_int64(1.5, &v));
		}
		EXPECT(!wire_double_int64(1e19, &v));
		EXPECT(wire_double_int64(-1e18, &v) && v == -1000000000000000000LL);
	}
	end_case("wire_json_int64");

	begin_case();
	{
		static const char *const good[] = {
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
			"{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"AttributeDefinitions\":["
			"{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],"
			"\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":[{\"AttributeName\":\"x\",\"KeyType\":\"HASH\"}],"
			"\"Projection\":{\"ProjectionType\":\"ALL\"}}],\"ItemCount\":3}"
		};
		static const char *const bad[] = {
			"[]", "{}", "{\"TableName\":1,\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[]}",
			"{\"TableName\":\"t\",\"KeySchema\":[[]]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"SORT\"}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":{}}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\"}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"p\xff\",\"KeyType\":\"HASH\"}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"LocalSecondaryIndexes\":[{\"KeySchema\":[]}]}",
			"{\"TableName\":\"t\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":[1]}]}"
		};
		WireProblem tp;

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		{
			cJSON	   *t = cJSON_Parse(good[i]);

			if (wire_check_table_description(t, WIRE_CHECK_ANSWER, &tp) != 1)
				fail("rejected %s (%s)", good[i], tp.error ? tp.error : "?");
			cJSON_Delete(t);
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		{
			cJSON	   *t = cJSON_Parse(bad[i]);

			if (t == NULL)
				fail("test input is not JSON: %s", bad[i]);
			else if (wire_check_table_description(t, WIRE_CHECK_ANSWER, &tp) != 0 || tp.error == NULL)
				fail("accepted %s", bad[i]);
			cJSON_Delete(t);
		}
		EXPECT(wire_check_table_description(NULL, 0, &tp) == 0);
	}
	end_case("wire_check_table_description");
}

/* ------------------------------------------------------------------------
 * 3. Allocation failures
 * ------------------------------------------------------------------------ */

#ifdef WIRE_TEST_ALLOC_HOOKS

/*
 * alloc_countdown < 0: pass through; otherwise the call that finds it at 0
 * fails.  alloc_live counts blocks handed out, to detect leaks.
 */
static long alloc_countdown = -1;
static long alloc_failed = 0;
static long alloc_live = 0;

void	   *wire_test_malloc(size_t n);
void		wire_test_free(void *p);

void *
wire_test_malloc(size_t n)
{
	void	   *p;

	if (alloc_countdown == 0)
	{
		alloc_countdown = -1;
		alloc_failed++;
		return NULL;
	}
	if (alloc_countdown > 0)
		alloc_countdown--;
	p = malloc(n);
	if (p)
		alloc_live++;
	return p;
}

void
wire_test_free(void *p)
{
	if (p)
		alloc_live--;
	free(p);
}

static void
test_alloc_failures(void)
{
	cJSON_Hooks hooks = {wire_test_malloc, wire_test_free};
	size_t		i;

	cJSON_InitHooks(&hooks);
	for (i = 0; i < N_CAPTURED; i++)
	{
		long		k;
		char		name[256];
		WirePage	normal;
		int			normal_rc;

		if (corpus_data[i] == NULL)
			continue;
		begin_case();
		normal_rc = wire_check_page(corpus_data[i], corpus_len[i], &normal);
		for (k = 0;; k++)
		{
			WirePage	p;
			WireError	e;
			int			rc;

			alloc_failed = 0;
			alloc_countdown = k;
			rc = wire_check_page(corpus_data[i], corpus_len[i], &p);
			alloc_countdown = -1;
			if (alloc_live != 0)
			{
				fail("wire_check_page, allocation %ld failed: %ld blocks leaked", k, alloc_live);
				alloc_live = 0;
			}
			if (alloc_failed)
			{
				if (rc == 1)
					fail("wire_check_page, allocation %ld failed: answered valid", k);
			}
			else if (rc != normal_rc || p.items != normal.items)
				fail("wire_check_page without a failure: %d, expected %d", rc, normal_rc);

			alloc_countdown = k;
			rc = wire_parse_error(corpus_data[i], corpus_len[i], "Hdr", &e);
			alloc_countdown = -1;
			check_error_invariants(&e, rc);
			EXPECT(e.has_type);
			if (alloc_live != 0)
			{
				fail("wire_parse_error, allocation %ld failed: %ld blocks leaked", k, alloc_live);
				alloc_live = 0;
			}
			if (!alloc_failed || case_failed || k > 100000)
				break;
		}
		snprintf(name, sizeof(name), "allocation failures: %s (%ld allocations)", captured[i].file, k);
		end_case(name);
	}
	cJSON_InitHooks(NULL);
}
#endif

int
main(int argc, char **argv)
{
	const char *corpus = argc > 1 ? argv[1] : "test/fuzz/corpus/wire";
	size_t		i;

	test_captured(corpus);
	test_errors();
	test_numbers();
	test_attribute_values();
	test_pages();
	test_answers();
#ifdef WIRE_TEST_ALLOC_HOOKS
	test_alloc_failures();
#endif
	for (i = 0; i < N_CAPTURED; i++)
		if (corpus_data[i])
			exact_free(corpus_data[i], corpus_len[i]);
	printf("wire: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
