/*
 * fuzz_wire.c - libFuzzer target for src/wire.c, the parsers of DynamoDB
 * answers.
 *
 * The whole input is an HTTP body.  It is given to
 *   - wire_parse_error: in an exactly sized buffer without a NUL after it
 *     (AddressSanitizer catches any read past len), again with a NUL after
 *     it, and once more with an x-amzn-ErrorType header carved from the
 *     input's first bytes (up to the first NUL, at most 127 bytes: what
 *     src/http.c keeps);
 *   - wire_check_page, with and without the NUL;
 *   - wire_parse_json and wire_check_page_tree (what the FDW runs on every
 *     answer), which must agree with wire_check_page;
 *   - cJSON, and then wire_check_attribute_value on the top-level value
 *     and on each of its members (so AttributeValues are checked directly,
 *     not only when they sit inside a well-formed page), and
 *     wire_is_json_number / wire_is_dynamodb_number on the input as a
 *     string when it is short.
 *
 * Beyond "does not crash", the target abort()s when the contract in wire.h
 * is broken:
 *   - the return value is has_type || has_message; type and message are
 *     NUL-terminated inside their fields, the message is at most 1000
 *     bytes without control characters, the type has no '#' or ':';
 *   - results do not depend on what follows len (NUL or nothing);
 *   - if the input is valid UTF-8, so are the type and the message
 *     (cJSON only produces valid UTF-8 from valid input and \u escapes);
 *   - an empty body is WIRE_BODY_EMPTY; with only a header, a type is
 *     found exactly when the header is not "";
 *   - wire_check_page answers 0 or 1 (malloc does not fail here), with an
 *     error text exactly when 0, and a valid page's Count matches;
 *   - a JSON number (wire_is_json_number) without exponent and with few
 *     digits is also a DynamoDB number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/wire.h"
#include "../unit/utf8_check.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_wire: check failed at line %d: %s\n", \
					__LINE__, #cond); \
			abort(); \
		} \
	} while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_error(const WireError *e, int rc, int input_utf8)
{
	size_t		tl = strlen(e->type);
	size_t		ml = strlen(e->message);
	size_t		i;

	CHECK(rc == (e->has_type || e->has_message));
	CHECK(tl < WIRE_ERROR_TYPE_SIZE);
	CHECK(ml <= WIRE_ERROR_MESSAGE_MAX);
	CHECK(strchr(e->type, '#') == NULL);
	CHECK(strchr(e->type, ':') == NULL);
	for (i = 0; i < ml; i++)
		CHECK((unsigned char) e->message[i] >= 0x20);
	CHECK(e->has_type || tl == 0);
	CHECK(e->has_message || ml == 0);
	if (input_utf8)
	{
		CHECK(valid_utf8((const unsigned char *) e->type, tl));
		CHECK(valid_utf8((const unsigned char *) e->message, ml));
	}
}

static int
same_error(const WireError *a, const WireError *b)
{
	return a->body == b->body && a->has_type == b->has_type &&
		a->has_message == b->has_message &&
		strcmp(a->type, b->type) == 0 && strcmp(a->message, b->message) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *exact = malloc(size ? size : 1);
	char	   *terminated = malloc(size + 1);
	char		header[128];
	size_t		hlen = 0;
	int			utf8 = valid_utf8(data, size);
	WireError	e1;
	WireError	e2;
	WireError	e3;
	WirePage	p1;
	WirePage	p2;
	int			rc1;
	int			rc2;
	int			rc3;

	if (exact == NULL || terminated == NULL)
		abort();
	if (size > 0)
	{
		memcpy(exact, data, size);
		memcpy(terminated, data, size);
	}
	terminated[size] = '\0';
	while (hlen < size && hlen < sizeof(header) - 1 && data[hlen] != 0)
	{
		header[hlen] = (char) data[hlen];
		hlen++;
	}
	header[hlen] = '\0';

	/* error answers */
	rc1 = wire_parse_error(exact, size, NULL, &e1);
	rc2 = wire_parse_error(terminated, size, "", &e2);
	check_error(&e1, rc1, utf8);
	CHECK(rc1 == rc2 && same_error(&e1, &e2));
	CHECK((size == 0) == (e1.body == WIRE_BODY_EMPTY));

	rc3 = wire_parse_error(exact, size, header, &e3);
	check_error(&e3, rc3, utf8 && valid_utf8((const unsigned char *) header, hlen));
	CHECK(e3.body == e1.body && e3.has_message == e1.has_message);
	CHECK(strcmp(e3.message, e1.message) == 0);
	if (e1.has_type)
		CHECK(e3.has_type && strcmp(e3.type, e1.type) == 0);
	else
		CHECK(e3.has_type == (hlen > 0));

	rc3 = wire_parse_error(NULL, 0, header, &e3);
	CHECK(e3.body == WIRE_BODY_EMPTY && !e3.has_message);
	CHECK(rc3 == (hlen > 0) && e3.has_type == (hlen > 0));

	/* result pages */
	rc1 = wire_check_page(exact, size, &p1);
	rc2 = wire_check_page(terminated, size, &p2);
	CHECK(rc1 == 0 || rc1 == 1);
	CHECK(rc1 == rc2 && p1.items == p2.items && p1.count == p2.count);
	CHECK((rc1 == 1) == (p1.error == NULL));
	if (rc1 == 1)
	{
		CHECK(p1.items >= 0 && p1.unprocessed_tables >= 0);
		CHECK(p1.count >= -1 && p1.scanned_count >= -1);
		if (p1.has_items && p1.count >= 0)
			CHECK(p1.items >= p1.count);
		/* a valid page is never also recognised as an error with a type */
		CHECK(e1.body == WIRE_BODY_JSON);
	}

	/* AttributeValues directly, and the number grammars */
	{
		/*
		 * The NUL-terminated copy, as wire.c does: cJSON before 1.7.18
		 * reads one byte past an exact buffer ending in '{"a":1,'
		 * (CVE-2023-53154), which is cJSON's bug, not the code under test.
		 */
		cJSON	   *doc = cJSON_ParseWithLength(terminated, size);

		if (doc != NULL)
		{
			const cJSON *m;
			int			rc = wire_check_attribute_value(doc, WIRE_AV_DEPTH_LIMIT);

			CHECK(rc == 0 || rc == 1);
			/* more depth never turns a valid value invalid */
			if (rc == 1)
				CHECK(wire_check_attribute_value(doc, WIRE_AV_DEPTH_LIMIT + 5) == 1);
			for (m = doc->child; m != NULL; m = m->next)
			{
				rc = wire_check_attribute_value(m, WIRE_AV_DEPTH_LIMIT);
				CHECK(rc == 0 || rc == 1);
			}
			cJSON_Delete(doc);
		}
	}
	/*
	 * What the FDW runs on every answer: wire_parse_json (which marks
	 * \u0000 escapes) and the allocation-free tree check.  It agrees with
	 * wire_check_page, which is stricter (DynamoDB's number limits, no
	 * duplicates) but does not look at UTF-8: a page valid there is valid
	 * here unless a string in it is not UTF-8, and never when the input is
	 * all valid UTF-8.
	 */
	{
		cJSON	   *doc = wire_parse_json(terminated, size);
		WirePage	tp;
		WireProblem pr;

		if (doc != NULL)
		{
			int			rc = wire_check_page_tree(doc, WIRE_CHECK_ANSWER, &tp, &pr);

			CHECK(rc == 0 || rc == 1);
			CHECK((rc == 1) == (pr.error == NULL));
			CHECK(tp.error == pr.error);
			if (rc1 == 1)
				CHECK(rc == 1 || pr.not_utf8);
			if (rc1 == 1 && utf8)
				CHECK(rc == 1);
			if (rc1 == 1 && rc == 1)
				CHECK(tp.items == p1.items && tp.count == p1.count);
			if (rc == 0 && pr.attribute != NULL)
				CHECK(pr.item != NULL);
			cJSON_Delete(doc);
		}
		else
			CHECK(rc1 == 0);
	}
	if (size < 256)
	{
		int			json = wire_is_json_number(terminated);
		int			ddb = wire_is_dynamodb_number(terminated);

		/* short, plain decimals: every JSON number is a DynamoDB number */
		if (json && size <= 38 && strpbrk(terminated, "eE") == NULL)
			CHECK(ddb);
	}

	free(exact);
	free(terminated);
	return 0;
}
