/*-------------------------------------------------------------------------
 * json.h
 *		cJSON living in PostgreSQL memory contexts, small accessors for
 *		reading answers, and the one builder for request bodies.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_JSON_H
#define MAIP_JSON_H

#include "postgres.h"
#include "lib/stringinfo.h"

#include <cjson/cJSON.h>

extern void maip_json_init(void);
extern cJSON *maip_json_parse(const char *text, size_t len);
extern const char *maip_json_string(const cJSON *obj, const char *member);
extern bool maip_json_number(const cJSON *obj, const char *member, double *result);
extern const cJSON *maip_json_object(const cJSON *obj, const char *member);
extern const cJSON *maip_json_array(const cJSON *obj, const char *member);
extern void maip_json_append_string(StringInfo buf, const char *str);

/*
 * A JSON object written front to back: members are added in call order,
 * the builder places the commas, quotes and escapes.  Nested objects and
 * arrays are opened and closed around their members; inside an array the
 * key is NULL.
 *
 *		MaipJsonBody b;
 *		maip_body_init(&b);
 *		maip_body_string(&b, "TableName", table);
 *		maip_body_begin_object(&b, "ProvisionedThroughput");
 *		maip_body_int64(&b, "ReadCapacityUnits", 5);
 *		maip_body_end(&b);
 *		send(maip_body_finish(&b));
 */
#define MAIP_JSON_MAX_DEPTH 8

typedef struct MaipJsonBody
{
	StringInfoData buf;
	int			depth;			/* open containers, the top object included */
	bool		empty[MAIP_JSON_MAX_DEPTH];	/* nothing written in it yet */
	char		closer[MAIP_JSON_MAX_DEPTH];	/* '}' or ']' */
} MaipJsonBody;

extern void maip_body_init(MaipJsonBody *b);
extern void maip_body_string(MaipJsonBody *b, const char *key, const char *value);
extern void maip_body_int64(MaipJsonBody *b, const char *key, int64 value);
extern void maip_body_bool(MaipJsonBody *b, const char *key, bool value);
extern void maip_body_seconds(MaipJsonBody *b, const char *key, double seconds);
extern void maip_body_raw(MaipJsonBody *b, const char *key, const char *json);
extern void maip_body_begin_object(MaipJsonBody *b, const char *key);
extern void maip_body_begin_array(MaipJsonBody *b, const char *key);
extern void maip_body_end(MaipJsonBody *b);
extern StringInfo maip_body_finish(MaipJsonBody *b);

#endif							/* MAIP_JSON_H */
