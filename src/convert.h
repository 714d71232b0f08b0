/*-------------------------------------------------------------------------
 * convert.h
 *		DynamoDB AttributeValue (as parsed JSON) -> PostgreSQL Datum.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_CONVERT_H
#define MAIP_CONVERT_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "json.h"

typedef enum MaipTypeKind
{
	MAIP_KIND_TEXT,				/* text: any value, in its string form */
	MAIP_KIND_NUMBER,			/* numeric, integers, floats: N or S via input function */
	MAIP_KIND_BOOL,
	MAIP_KIND_BYTEA,
	MAIP_KIND_JSON,
	MAIP_KIND_JSONB,
	MAIP_KIND_ARRAY,			/* from SS, NS, BS or L */
	MAIP_KIND_STRINGLIKE,		/* varchar, bpchar, citext...: string form via input function */
	MAIP_KIND_OTHER				/* date, timestamp, uuid, enums...: S/N/BOOL via input function */
} MaipTypeKind;

/* How to turn values into one column's type; built once per scan. */
typedef struct MaipConverter
{
	Oid			typid;
	int32		typmod;
	MaipTypeKind kind;
	FmgrInfo	inproc;
	Oid			ioparam;
	/* arrays */
	struct MaipConverter *elem;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
} MaipConverter;

extern void maip_converter_init(MaipConverter *cv, Oid typid, int32 typmod);
extern Datum maip_av_to_datum(const MaipConverter *cv, const cJSON *av, bool *isnull);
extern Datum maip_av_part_to_datum(const MaipConverter *cv, const cJSON *av,
								   int part, int nparts, bool *isnull);
extern Datum maip_item_to_datum(const MaipConverter *cv, const cJSON *item);
extern void maip_item_to_plain_json(StringInfo buf, const cJSON *item);
extern bool maip_av_unwrap(const cJSON *av, const char **tag, const cJSON **value);
extern void maip_av_to_display(StringInfo buf, const cJSON *av);
extern void maip_datum_to_av(StringInfo buf, Datum value, Oid typid, char type);

/* checks of whole answers, before anything in them is converted */
extern void maip_check_answer(const cJSON *answer, const char *operation,
							  const char *table, List *key_names);
extern void maip_check_table_description(const cJSON *desc, const char *table);
extern bool maip_json_int64(const cJSON *v, int64 *value);

#endif							/* MAIP_CONVERT_H */
