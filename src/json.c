/*-------------------------------------------------------------------------
 * json.c
 *		cJSON, allocating from PostgreSQL's CurrentMemoryContext; small
 *		accessors for answers; the request body builder.
 *
 * Why: a parsed DynamoDB page then lives in the scan's per-page memory
 * context and is released by one MemoryContextReset, also when an error
 * unwinds the query halfway through a page.  No cJSON_Delete bookkeeping
 * on error paths, and no malloc'd tree that can leak.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/json.h"

#include "json.h"
#include "wire.h"

static void *
cjson_palloc(size_t size)
{
	return palloc(size);
}

static void
cjson_pfree(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

void
maip_json_init(void)
{
	cJSON_Hooks hooks = {cjson_palloc, cjson_pfree};

	cJSON_InitHooks(&hooks);
}

/*
 * Parse a response body; NULL when it is not (complete) JSON.  A \u0000
 * escape comes out as WIRE_NUL_MARKER (wire.c): cJSON would otherwise end
 * the string there and "abc\u0000def" would silently read as "abc".
 */
cJSON *
maip_json_parse(const char *text, size_t len)
{
	return wire_parse_json(text, len);
}

/* obj[member] if it is a string, else NULL. */
const char *
maip_json_string(const cJSON *obj, const char *member)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* obj[member] as a number, if it is one (or a numeric string). */
bool
maip_json_number(const cJSON *obj, const char *member, double *result)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);
	char	   *end;

	if (cJSON_IsNumber(v))
	{
		*result = v->valuedouble;
		return true;
	}
	if (cJSON_IsString(v) && v->valuestring[0])
	{
		*result = strtod(v->valuestring, &end);
		return *end == '\0';
	}
	return false;
}

/* obj[member] if it is an object, else NULL (also when obj is NULL). */
const cJSON *
maip_json_object(const cJSON *obj, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsObject(v) ? v : NULL;
}

/* obj[member] if it is an array, else NULL (cJSON_ArrayForEach skips NULL). */
const cJSON *
maip_json_array(const cJSON *obj, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsArray(v) ? v : NULL;
}

/* Append str as a quoted, escaped JSON string. */
void
maip_json_append_string(StringInfo buf, const char *str)
{
	escape_json(buf, str);
}

/* ---------- request bodies ---------- */

void
maip_body_init(MaipJsonBody *b)
{
	initStringInfo(&b->buf);
	appendStringInfoChar(&b->buf, '{');
	b->depth = 1;
	b->empty[0] = true;
	b->closer[0] = '}';
}

/* Before a value: the comma, and in an object the key. */
static void
body_value(MaipJsonBody *b, const char *key)
{
	int			top = b->depth - 1;

	Assert(b->depth > 0);
	Assert((key != NULL) == (b->closer[top] == '}'));
	if (!b->empty[top])
		appendStringInfoChar(&b->buf, ',');
	b->empty[top] = false;
	if (key)
	{
		maip_json_append_string(&b->buf, key);
		appendStringInfoChar(&b->buf, ':');
	}
}

void
maip_body_string(MaipJsonBody *b, const char *key, const char *value)
{
	body_value(b, key);
	maip_json_append_string(&b->buf, value);
}

void
maip_body_int64(MaipJsonBody *b, const char *key, int64 value)
{
	body_value(b, key);
	appendStringInfo(&b->buf, INT64_FORMAT, value);
}

void
maip_body_bool(MaipJsonBody *b, const char *key, bool value)
{
	body_value(b, key);
	appendStringInfoString(&b->buf, value ? "true" : "false");
}

/* Seconds since 1970 to the millisecond: AWS's JSON timestamps. */
void
maip_body_seconds(MaipJsonBody *b, const char *key, double seconds)
{
	body_value(b, key);
	appendStringInfo(&b->buf, "%.3f", seconds);
}

/* JSON text the caller already has (an AttributeValue, a key it built), as is. */
void
maip_body_raw(MaipJsonBody *b, const char *key, const char *json)
{
	body_value(b, key);
	appendStringInfoString(&b->buf, json);
}

static void
body_open(MaipJsonBody *b, const char *key, char opener, char closer)
{
	if (b->depth >= MAIP_JSON_MAX_DEPTH)
		elog(ERROR, "maip_fdw: JSON body nested deeper than %d", MAIP_JSON_MAX_DEPTH);
	body_value(b, key);
	appendStringInfoChar(&b->buf, opener);
	b->empty[b->depth] = true;
	b->closer[b->depth] = closer;
	b->depth++;
}

void
maip_body_begin_object(MaipJsonBody *b, const char *key)
{
	body_open(b, key, '{', '}');
}

void
maip_body_begin_array(MaipJsonBody *b, const char *key)
{
	body_open(b, key, '[', ']');
}

/* Close the innermost object or array opened by maip_body_begin_*. */
void
maip_body_end(MaipJsonBody *b)
{
	Assert(b->depth > 1);
	b->depth--;
	appendStringInfoChar(&b->buf, b->closer[b->depth]);
}

/* Close the body; the result lives as long as the caller's context. */
StringInfo
maip_body_finish(MaipJsonBody *b)
{
	Assert(b->depth == 1);
	appendStringInfoChar(&b->buf, '}');
	b->depth = 0;
	return &b->buf;
}
