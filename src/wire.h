/*
 * wire.h - DynamoDB answers as bytes -> plain C structs, for maip_fdw.
 *
 * This module reads what a DynamoDB endpoint sends back, and nothing else:
 *
 *   - wire_parse_error: an error answer (JSON "__type"/"message", the XML
 *     <Code>/<Message> some endpoints use for authentication failures, the
 *     x-amzn-ErrorType header) -> the short error type and a message that
 *     is safe to put into an error report;
 *   - wire_is_json_number / wire_is_dynamodb_number: the two number
 *     grammars the FDW cares about;
 *   - wire_check_attribute_value / wire_check_page: whether a parsed
 *     AttributeValue, and a whole Scan/Query/GetItem/BatchGetItem answer,
 *     have the shape DynamoDB documents;
 *   - wire_check_page_tree / wire_check_table_description: the same shape
 *     rules on a tree the caller parsed (the FDW checks every answer it
 *     reads with them), without allocating;
 *   - wire_parse_json: cJSON_ParseWithLength, except that a \u0000 escape
 *     survives as WIRE_NUL_MARKER instead of ending the string;
 *   - wire_is_utf8, wire_json_int64: small checks the FDW needs on values.
 *
 * Why a separate module: the FDW's own callers (src/request.c,
 * src/convert.c) live inside the PostgreSQL backend, where palloc and
 * ereport make code impossible to run on its own.  Everything here is plain
 * C99 on top of cJSON and libc, so test/unit/wire_test.c and the libFuzzer
 * target test/fuzz/fuzz_wire.c call it directly with hostile bytes.
 *
 * Rules every function keeps:
 *   - a (body, len) pair is authoritative: body need not be NUL-terminated
 *     and may contain NULs; nothing is read outside body[0..len);
 *   - nothing is returned that the caller must free: results go into
 *     fixed-size fields of caller-provided structs; temporary memory is
 *     malloc'd and freed before the function returns, on every path;
 *   - cJSON's allocation hooks are left as the process set them (the backend
 *     routes them to palloc in src/json.c); trees parsed here, and the
 *     NUL-terminated copy of the body they are parsed from (which keeps
 *     cJSON builds older than 1.7.18 from reading past len), are released
 *     before returning;
 *   - no global state: the functions are reentrant.
 */
#ifndef MAIP_WIRE_H
#define MAIP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest message kept, in bytes (the text is cut at a UTF-8 boundary). */
#define WIRE_ERROR_MESSAGE_MAX	1000
/* Room for the short error type, NUL included; real ones are < 64 bytes. */
#define WIRE_ERROR_TYPE_SIZE	256

/*
 * DynamoDB allows 32 levels of nesting inside an attribute; counting the
 * attribute's own value as one level, that is 33 AttributeValue levels.
 */
#define WIRE_AV_DEPTH_LIMIT		33

/*
 * What a \u0000 escape in an answer becomes in the parsed tree: the
 * overlong (invalid) UTF-8 form of U+0000, which no valid string holds.
 * cJSON decodes \u0000 into a NUL byte, and its strings are C strings, so
 * "abc\u0000def" would read as "abc": silently truncated.
 */
#define WIRE_NUL_MARKER			"\xC0\x80"

/* What the checks look at besides the shape (flags of wire_check_*). */
#define WIRE_CHECK_DDB_NUMBERS	0x01	/* N and NS members within DynamoDB's
										 * limits (38 digits, 1E-130..1E+126);
										 * else only the decimal grammar */
#define WIRE_CHECK_DISTINCT		0x02	/* no name twice in an item or M, no
										 * member twice in a set (allocates) */
#define WIRE_CHECK_UTF8			0x04	/* names and S/SS strings are UTF-8
										 * (WIRE_NUL_MARKER allowed) */
/*
 * What the FDW checks on every answer: shape, nesting depth, number
 * grammar, UTF-8 - one walk, no allocation.  Emulators store N strings
 * verbatim (moto keeps more than 38 digits), and reading them exactly is
 * better than refusing them; duplicate names cannot be told from cJSON's
 * tree cheaply and only make the first copy win.
 */
#define WIRE_CHECK_ANSWER		WIRE_CHECK_UTF8

/* What the body of an error answer turned out to be. */
typedef enum WireErrorBody
{
	WIRE_BODY_EMPTY,			/* len == 0 */
	WIRE_BODY_JSON,				/* a JSON object */
	WIRE_BODY_XML,				/* not a JSON object, but contains "<Code>" */
	WIRE_BODY_OTHER				/* anything else: an HTML page, garbage */
} WireErrorBody;

typedef struct WireError
{
	WireErrorBody body;
	bool		has_type;		/* type[] is meaningful (it may be "") */
	bool		has_message;	/* message[] is meaningful (it may be "") */
	/*
	 * Short form: "ResourceNotFoundException" from
	 * "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" or
	 * "UnrecognizedClientException:http://internal.amazon.com/...".
	 */
	char		type[WIRE_ERROR_TYPE_SIZE];
	/* Control characters (bytes < 0x20) replaced by spaces. */
	char		message[WIRE_ERROR_MESSAGE_MAX + 1];
} WireError;

/*
 * Reads an error answer.  body[0..len) is the HTTP body (may be NULL when
 * len is 0); error_type_header is the x-amzn-ErrorType header as a
 * NUL-terminated string, "" or NULL when absent.
 *
 * Where the type and message come from, first match wins:
 *   1. body is a JSON object: type from "__type", message from "message",
 *      else "Message" (members that are not strings count as absent);
 *   2. else, if body contains "<Code>": type from the first
 *      <Code>...</Code>, message from the first <Message>...</Message>
 *      (raw text, no entity decoding);
 *   3. the type, if the body gave none, from error_type_header when that
 *      is not "".
 * Types are cut at their first NUL and a message's NULs become spaces.
 * Returns 1 if a type or a message was found, else 0; *out is always
 * completely filled in (empty strings, has_* false, body kind).
 */
extern int	wire_parse_error(const char *body, size_t len,
							 const char *error_type_header, WireError *out);

/*
 * Is s a number exactly as JSON writes them (-?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?)?  DynamoDB's own formatting nearly always is, so such
 * a string can be copied into JSON output unchanged.  NULL -> false.
 */
extern bool wire_is_json_number(const char *s);

/*
 * Is s a number DynamoDB can store?  [+-]?, digits with at most one '.',
 * at least one digit, optional [eE][+-]?digits; at most 38 significant
 * digits; non-zero magnitude between 1E-130 and 9.99...E+125.  Looser than
 * JSON's grammar (".5", "+1", "007" and "1." are fine) because DynamoDB
 * accepts those and emulators echo them back.  NULL -> false.
 */
extern bool wire_is_dynamodb_number(const char *s);

/*
 * Is av a well-formed AttributeValue?  A JSON object with exactly one
 * member, one of
 *   S (string)   N (string, wire_is_dynamodb_number)   B (string, base64)
 *   BOOL (true/false)   NULL (true)
 *   M (object of AttributeValues, no duplicate names)
 *   L (array of AttributeValues)
 *   SS, NS, BS (non-empty arrays of distinct strings; NS members numbers,
 *               BS members base64)
 * depth_limit is the number of AttributeValue levels allowed, counting av
 * itself (so 1 admits scalars and empty M/L only; WIRE_AV_DEPTH_LIMIT is
 * DynamoDB's own limit).
 * Returns 1 if well-formed, 0 if not, -1 if a temporary allocation failed.
 */
extern int	wire_check_attribute_value(const cJSON *av, int depth_limit);

/*
 * Is s[0..n) UTF-8 as PostgreSQL's pg_verifymbstr accepts it: no NUL byte
 * counts against it here, but no overlong forms, no surrogates, nothing
 * above U+10FFFF; with nul_marker_ok, WIRE_NUL_MARKER is accepted too.
 */
extern bool wire_is_utf8(const char *s, size_t n, bool nul_marker_ok);

/*
 * A JSON number that is an integer an int64_t holds exactly: *value and
 * true; false for anything else (not a number, NaN, out of range, a
 * fraction), where a plain cast would be undefined or wrong.
 */
extern bool wire_json_int64(const cJSON *node, int64_t *value);
/* The same for a double from elsewhere (strtod of a string member). */
extern bool wire_double_int64(double d, int64_t *value);

/*
 * cJSON_ParseWithLength(text, len), except that every \u0000 escape in a
 * string comes out as WIRE_NUL_MARKER (see there).  The text is only
 * copied (through cJSON_malloc, rewritten) when it has such an escape.
 * NULL when text is not JSON, or on allocation failure.  Like
 * cJSON_ParseWithLength, it wants text[len] readable (a NUL there, as
 * src/http.c keeps) on cJSON builds older than 1.7.18.
 */
extern cJSON *wire_parse_json(const char *text, size_t len);

/* Where, and what, the first problem a tree check found is. */
typedef struct WireProblem
{
	const char *error;			/* static text, NULL when none */
	bool		not_utf8;		/* it is a name or string that is not UTF-8 */
	const cJSON *item;			/* the item (or key) it is in, or NULL */
	const cJSON *attribute;		/* that item's attribute it is in, or NULL */
} WireProblem;

/* What wire_check_page found. */
typedef struct WirePage
{
	int			items;			/* items in Items, Item and Responses together */
	bool		has_items;		/* "Items" present (Scan, Query) */
	bool		has_item;		/* "Item" present (GetItem hit) */
	bool		has_responses;	/* "Responses" present (BatchGetItem) */
	bool		has_last_evaluated_key;
	int			unprocessed_tables; /* tables in a non-empty UnprocessedKeys */
	long		count;			/* "Count", or -1 when absent */
	long		scanned_count;	/* "ScannedCount", or -1 when absent */
	const char *error;			/* static text: the first problem, or NULL */
} WirePage;

/*
 * Parses body[0..len) as a Scan, Query, GetItem or BatchGetItem answer and
 * checks its shape:
 *   - a JSON object, without "__type" (that is an error answer);
 *   - Items: array of items; Item: an item; Responses: object of arrays of
 *     items; LastEvaluatedKey: a non-empty item; UnprocessedKeys: object
 *     whose values are objects with a "Keys" array of non-empty items;
 *   - Count, ScannedCount: integral numbers >= 0; Count equals the number
 *     of Items when both are present; ScannedCount >= Count;
 * where an item is a JSON object of distinct names whose values pass
 * wire_check_attribute_value(value, WIRE_AV_DEPTH_LIMIT).  Other members
 * (ConsumedCapacity, ...) are ignored.  "{}" is valid: a GetItem miss.
 * Returns 1 if valid, 0 if not (out->error says why; that includes bodies
 * cJSON could not parse, for whatever reason), -1 if one of this module's
 * own allocations failed.  *out is always filled in.
 */
extern int	wire_check_page(const char *body, size_t len, WirePage *out);

/*
 * wire_check_page's rules on a parsed answer doc, with the given
 * WIRE_CHECK_* flags (wire_check_page uses DDB_NUMBERS | DISTINCT).
 * Returns 1 if valid, 0 if not (*out says why and where; page->error is
 * the same text), -1 only with WIRE_CHECK_DISTINCT when a temporary
 * allocation failed.  Without WIRE_CHECK_DISTINCT nothing is allocated and
 * the tree is walked once; recursion is bounded by WIRE_AV_DEPTH_LIMIT.
 */
extern int	wire_check_page_tree(const cJSON *doc, int flags, WirePage *page,
								 WireProblem *out);

/*
 * The "Table" object of a DescribeTable answer, as far as the FDW reads
 * it: TableName a string; KeySchema a non-empty array of {AttributeName,
 * KeyType HASH|RANGE}; AttributeDefinitions, if present, an array of
 * {AttributeName, AttributeType S|N|B}; GlobalSecondaryIndexes and
 * LocalSecondaryIndexes, if present, arrays of objects with an IndexName
 * and a KeySchema as above.  Names are UTF-8 under WIRE_CHECK_UTF8.
 * 1 if so, else 0 with *out filled in.  Allocates nothing.
 */
extern int	wire_check_table_description(const cJSON *table, int flags, WireProblem *out);

#ifdef __cplusplus
}
#endif

#endif							/* MAIP_WIRE_H */
