/*-------------------------------------------------------------------------
 * json.h
 *		cJSON living in PostgreSQL memory contexts, and small accessors.
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
extern void maip_json_append_string(StringInfo buf, const char *str);

#endif							/* MAIP_JSON_H */
