/*-------------------------------------------------------------------------
 * json.c
 *		cJSON, allocating from PostgreSQL's CurrentMemoryContext.
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

/* Append str as a quoted, escaped JSON string. */
void
maip_json_append_string(StringInfo buf, const char *str)
{
	escape_json(buf, str);
}
