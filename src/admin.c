/*-------------------------------------------------------------------------
 * admin.c
 *		DBA SQL functions: the MAIP DynamoDB runbook as rows.
 *
 * Each SQL function in the extension's schema maps to one runbook step
 * (list, describe, backup, restore, point-in-time recovery, capacity,
 * global-table replicas) and answers with rows, never JSON blobs.
 *
 * Rules every function follows:
 *   - the server argument may be omitted (NULL) when exactly one server of
 *     this wrapper exists; a named server must belong to this wrapper and
 *     the caller needs USAGE on it;
 *   - a table argument is a MAIP short name ("orders", "pricing_rules"),
 *     expanded with the server's env, or a full DynamoDB table name (see
 *     maip_resolve_table_name);
 *   - every argument is validated before anything is sent (22023 for bad
 *     values, 22004 for missing ones), so bad input never reaches AWS;
 *   - requests are signed with the calling user's mapping (GetUserId());
 *     functions that change anything are revoked from PUBLIC in the
 *     extension script;
 *   - long operations can wait: DescribeTable is polled with backoff,
 *     progress is reported as NOTICEs, query cancel is honoured (the sleep
 *     is maip_http_sleep_ms) and a timeout ends the wait with 55000;
 *   - every change comes with a check whether it took effect (the
 *     "already done" functions), which request.c runs after an ambiguous
 *     failure instead of blindly sending the change again;
 *   - names and states from AWS go through maip_printable() before they
 *     appear in a message.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "admin.h"
#include "http.h"
#include "wire.h"

#define WAIT_FIRST_DELAY_MS 250
#define WAIT_MAX_DELAY_MS 10000
#define WAIT_STILL_NOTICE_MS 60000

/*
 * A backup counts as the one an ambiguous CreateBackup made if it has the
 * name and was created at most this long before the call started (clocks
 * differ a little).
 */
#define BACKUP_CLOCK_SLACK_SECONDS 60

/* ====================================================================
 * Result rows
 * ==================================================================== */

typedef struct RowSink
{
	Tuplestorestate *store;
	TupleDesc	desc;
} RowSink;

/* Set up materialize-mode output for a set-returning function. */
static RowSink
begin_rows(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RowSink		sink;

#if PG_VERSION_NUM >= 150000
	InitMaterializedSRF(fcinfo, 0);
#else
	{
		TupleDesc	tupdesc;
		MemoryContext oldcxt;

		if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
			!(rsinfo->allowedModes & SFRM_Materialize))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("set-valued function called in context that cannot accept a set")));
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
		rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
		rsinfo->returnMode = SFRM_Materialize;
		MemoryContextSwitchTo(oldcxt);
	}
#endif
	sink.store = rsinfo->setResult;
	sink.desc = rsinfo->setDesc;
	return sink;
}

/* Values of one row under construction; every column starts NULL. */
typedef struct Row
{
	Datum		values[24];
	bool		nulls[24];
	int			natts;
} Row;

static void
row_init(Row *row, const RowSink *sink)
{
	row->natts = sink->desc->natts;
	if (row->natts > lengthof(row->values))
		elog(ERROR, "maip_fdw: result row type has %d columns, at most %d are supported",
			 row->natts, (int) lengthof(row->values));
	for (int i = 0; i < lengthof(row->values); i++)
	{
		row->values[i] = (Datum) 0;
		row->nulls[i] = true;
	}
}

static void
row_emit(RowSink *sink, Row *row)
{
	tuplestore_putvalues(sink->store, sink->desc, row->values, row->nulls);
}

static void
row_set(Row *row, int col, Datum value)
{
	if (col < row->natts)
	{
		row->values[col] = value;
		row->nulls[col] = false;
	}
}

static void
row_text(Row *row, int col, const char *s)
{
	if (s)
		row_set(row, col, CStringGetTextDatum(s));
}

/* ====================================================================
 * Reading DynamoDB answers
 * ==================================================================== */

/* obj[member] as a number, if it is one (or a numeric string). */
static bool
json_number(const cJSON *obj, const char *member, double *result)
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

static void
row_int64(Row *row, int col, const cJSON *obj, const char *member)
{
	double		d;
	int64_t		x;

	/* a count AWS sends as a JSON number: NaN or 1e300 are no count */
	if (json_number(obj, member, &d) && wire_double_int64(d, &x))
		row_set(row, col, Int64GetDatum((int64) x));
}

/* AWS JSON timestamps are seconds since 1970 (with a fraction). */
static TimestampTz
epoch_to_timestamptz(double seconds)
{
	double		pg_seconds = seconds - (double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

	return (TimestampTz) rint(pg_seconds * USECS_PER_SEC);
}

static double
timestamptz_to_epoch(TimestampTz ts)
{
	return (double) ts / USECS_PER_SEC +
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}

static void
row_time(Row *row, int col, const cJSON *obj, const char *member)
{
	double		d;

	if (json_number(obj, member, &d))
		row_set(row, col, TimestampTzGetDatum(epoch_to_timestamptz(d)));
}

static Datum
text_array(List *strings)
{
	Datum	   *elems;
	int			n = list_length(strings);
	int			i = 0;
	ListCell   *lc;

	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	elems = palloc(sizeof(Datum) * n);
	foreach(lc, strings)
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static const cJSON *
json_member_object(const cJSON *obj, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *
json_member_array(const cJSON *obj, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);

	return cJSON_IsArray(v) ? v : NULL;
}

static const cJSON *
answer_object(const cJSON *answer, const char *member, const char *operation)
{
	const cJSON *v = json_member_object(answer, member);

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB %s answer has no %s object", operation, member)));
	return v;
}

/* BillingModeSummary is absent for tables that were always provisioned. */
static const char *
billing_mode_of(const cJSON *table)
{
	const char *mode = maip_json_string(json_member_object(table, "BillingModeSummary"), "BillingMode");

	return mode ? mode : "PROVISIONED";
}

/* ====================================================================
 * Building request bodies
 * ==================================================================== */

typedef struct JsonBody
{
	StringInfoData buf;
	bool		empty;
} JsonBody;

static void
body_init(JsonBody *b)
{
	initStringInfo(&b->buf);
	appendStringInfoChar(&b->buf, '{');
	b->empty = true;
}

static void
body_key(JsonBody *b, const char *key)
{
	if (!b->empty)
		appendStringInfoChar(&b->buf, ',');
	b->empty = false;
	maip_json_append_string(&b->buf, key);
	appendStringInfoChar(&b->buf, ':');
}

static void
body_string(JsonBody *b, const char *key, const char *value)
{
	body_key(b, key);
	maip_json_append_string(&b->buf, value);
}

/* value is JSON text built by the caller from numbers and escaped strings */
static void
body_raw(JsonBody *b, const char *key, const char *json)
{
	body_key(b, key);
	appendStringInfoString(&b->buf, json);
}

static StringInfo
body_finish(JsonBody *b)
{
	appendStringInfoChar(&b->buf, '}');
	return &b->buf;
}

static char *
throughput_json(int64 read_units, int64 write_units)
{
	return psprintf("{\"ReadCapacityUnits\":" INT64_FORMAT ",\"WriteCapacityUnits\":" INT64_FORMAT "}",
					read_units, write_units);
}

/* ====================================================================
 * Arguments
 * ==================================================================== */

static char *
required_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

static char *
optional_text(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

static bool
optional_bool(FunctionCallInfo fcinfo, int argno, bool dflt)
{
	return PG_ARGISNULL(argno) ? dflt : PG_GETARG_BOOL(argno);
}

/* A capacity argument: a whole number of units, at least 1. */
static int64
capacity_units(FunctionCallInfo fcinfo, int argno, const char *what)
{
	int64		units;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	units = PG_GETARG_INT64(argno);
	if (units < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be greater than zero, not " INT64_FORMAT, what, units),
				 errhint("Provisioned capacity is counted in whole units, at least 1.")));
	return units;
}

/* The wait timeout in milliseconds; only checked when the caller waits. */
static long
timeout_ms(FunctionCallInfo fcinfo, int argno)
{
	Interval   *iv;
	double		ms;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("timeout must not be null when waiting")));
	iv = PG_GETARG_INTERVAL_P(argno);
#if PG_VERSION_NUM >= 170000
	if (INTERVAL_NOT_FINITE(iv))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timeout must be finite")));
#endif
	ms = ((double) iv->time +
		  (double) iv->day * USECS_PER_DAY +
		  (double) iv->month * DAYS_PER_MONTH * USECS_PER_DAY) / 1000.0;
	if (!(ms >= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timeout must be positive")));
	if (ms > 7.0 * 24 * 3600 * 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timeout must be at most 7 days")));
	return (long) ms;
}

/* ====================================================================
 * Names: environments, tables, backups, ARNs, regions
 * ==================================================================== */

char *
maip_env_prefix(const char *env)
{
	return psprintf("maip-%s-", env);
}

char *
maip_short_table_name(const char *table, const char *prefix)
{
	char	   *name = pstrdup(table + strlen(prefix));

	for (char *p = name; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return name;
}

void
maip_check_env_name(const char *env)
{
	int			len = strlen(env);

	if (len < 1 || len > 32)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid MAIP environment name \"%s\"", env),
				 errhint("An environment name has 1 to 32 characters, e.g. dev or prod.")));
	for (const char *p = env; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '-' || *p == '_'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid MAIP environment name \"%s\"", env),
					 errhint("An environment name uses letters, digits, '-' and '_' only.")));
}

/* 3 to 255 of [A-Za-z0-9_.-]: DynamoDB's rule for table and backup names. */
static bool
is_dynamodb_name(const char *s)
{
	int			len = strlen(s);

	if (len < 3 || len > 255)
		return false;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

static void
check_table_name(const char *table, const char *given)
{
	if (!is_dynamodb_name(table))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 strcmp(table, given) == 0
				 ? errmsg("invalid DynamoDB table name \"%s\"", table)
				 : errmsg("invalid DynamoDB table name \"%s\" (from \"%s\")", table, given),
				 errhint("DynamoDB table names have 3 to 255 characters: letters, digits, '_', '-' and '.'.")));
}

/* A MAIP short name: lower-case letters, digits, '_' and '-', starting with a letter. */
static bool
is_short_name(const char *name)
{
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	if (strncmp(name, "maip-", 5) == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

char *
maip_resolve_table_name(const MaipServerOptions *sopts, const char *name)
{
	char	   *table;

	if (is_short_name(name))
	{
		table = psprintf("maip-%s-%s", sopts->env, name);
		for (char *p = table + strlen(table) - strlen(name); *p; p++)
			if (*p == '_')
				*p = '-';
	}
	else
		table = pstrdup(name);
	check_table_name(table, name);
	return table;
}

static void
check_backup_name(const char *name)
{
	if (!is_dynamodb_name(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid backup name \"%s\"", name),
				 errhint("Backup names have 3 to 255 characters: letters, digits, '_', '-' and '.'.")));
}

static void
check_region(const char *region)
{
	if (!maip_region_is_valid(region))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AWS region \"%s\"", region),
				 errhint("A region looks like us-west-2 or eu-central-1.")));
}

/*
 * arn:<partition>:dynamodb:<region>:<12-digit account>:table/<table>/backup/<id>
 */
static void
check_backup_arn(const char *arn)
{
	char	   *copy = pstrdup(arn);
	char	   *fields[6];
	char	   *p = copy;
	bool		ok = strlen(arn) >= 37 && strlen(arn) <= 1024;
	int			n = 0;

	while (ok && n < 6)
	{
		char	   *colon = (n < 5) ? strchr(p, ':') : NULL;

		fields[n++] = p;
		if (n < 6)
		{
			if (colon == NULL)
				ok = false;
			else
			{
				*colon = '\0';
				p = colon + 1;
			}
		}
	}
	if (ok)
	{
		char	   *resource = fields[5];
		char	   *slash1;
		char	   *slash2;

		ok = strcmp(fields[0], "arn") == 0 &&
			strncmp(fields[1], "aws", 3) == 0 &&
			strspn(fields[1], "abcdefghijklmnopqrstuvwxyz-") == strlen(fields[1]) &&
			strcmp(fields[2], "dynamodb") == 0 &&
			maip_region_is_valid(fields[3]) &&
			strlen(fields[4]) == 12 && strspn(fields[4], "0123456789") == 12 &&
			strncmp(resource, "table/", 6) == 0;
		if (ok)
		{
			slash1 = resource + 6;
			slash2 = strchr(slash1, '/');
			ok = slash2 != NULL && strncmp(slash2, "/backup/", 8) == 0;
			if (ok)
			{
				char	   *id = slash2 + 8;

				*slash2 = '\0';
				ok = is_dynamodb_name(slash1) && id[0] != '\0' &&
					strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == strlen(id);
			}
		}
	}
	pfree(copy);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid DynamoDB backup ARN \"%s\"", arn),
				 errhint("A backup ARN looks like arn:aws:dynamodb:us-east-1:123456789012:table/maip-dev-orders/backup/01700000000000-abcdef12; list_backups() shows them.")));
}

/* "maip-dev-orders-20261125": the seed's backup name, dated in the session's time zone. */
static char *
default_backup_name(const char *table)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	char	   *name;

	if (timestamp2tm(GetCurrentTransactionStartTimestamp(), &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	name = psprintf("%s-%04d%02d%02d", table, tm.tm_year, tm.tm_mon, tm.tm_mday);
	if (!is_dynamodb_name(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the default backup name, \"%s-YYYYMMDD\", would be longer than 255 characters",
						table),
				 errhint("Give a backup name.")));
	return name;
}

static const char *
billing_mode_argument(const char *mode)
{
	if (pg_strcasecmp(mode, "PAY_PER_REQUEST") == 0 ||
		pg_strcasecmp(mode, "ON_DEMAND") == 0 ||
		pg_strcasecmp(mode, "ON-DEMAND") == 0)
		return "PAY_PER_REQUEST";
	if (pg_strcasecmp(mode, "PROVISIONED") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("switching to PROVISIONED needs read and write capacity"),
				 errhint("Use maip_fdw.update_capacity(table, read_units, write_units): it switches to PROVISIONED.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid billing mode \"%s\"", mode),
			 errhint("Use PAY_PER_REQUEST (on-demand), or update_capacity() for PROVISIONED.")));
	return NULL;				/* not reached */
}

/* ====================================================================
 * Servers
 * ==================================================================== */

static int
cstring_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp((const char *) lfirst(a), (const char *) lfirst(b));
}

/* The OID of this extension's handler function, found next to the called function. */
static Oid
our_handler_oid(FunctionCallInfo fcinfo)
{
	Oid			nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
	List	   *name = list_make2(makeString(get_namespace_name(nsp)),
								  makeString("maip_fdw_handler"));

	return LookupFuncName(name, 0, NULL, false);
}

static bool
is_our_server(ForeignServer *server, Oid handler)
{
	return GetForeignDataWrapper(server->fdwid)->fdwhandler == handler;
}

/* Names of every server whose wrapper uses our handler, in name order. */
static List *
our_server_names(Oid handler)
{
	Relation	rel = table_open(ForeignServerRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	List	   *names = NIL;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_foreign_server srv = (Form_pg_foreign_server) GETSTRUCT(tup);

		if (GetForeignDataWrapper(srv->srvfdw)->fdwhandler == handler)
			names = lappend(names, pstrdup(NameStr(srv->srvname)));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	list_sort(names, cstring_cmp);
	return names;
}

static void
check_server_usage(ForeignServer *server)
{
	AclResult	aclresult;

#if PG_VERSION_NUM >= 160000
	aclresult = object_aclcheck(ForeignServerRelationId, server->serverid, GetUserId(), ACL_USAGE);
#else
	aclresult = pg_foreign_server_aclcheck(server->serverid, GetUserId(), ACL_USAGE);
#endif
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, server->servername);
}

/* The server argument: the named one, or the only one of this wrapper. */
static ForeignServer *
resolve_server(FunctionCallInfo fcinfo, int argno)
{
	Oid			handler = our_handler_oid(fcinfo);
	ForeignServer *server;

	if (!PG_ARGISNULL(argno))
	{
		char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(argno));

		server = GetForeignServerByName(name, false);
		if (!is_our_server(server, handler))
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("server \"%s\" is not a maip_fdw server", name)));
	}
	else
	{
		List	   *names = our_server_names(handler);
		StringInfoData list;
		ListCell   *lc;

		if (names == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("no maip_fdw server exists"),
					 errhint("Create one: CREATE SERVER maip FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'us-east-1', env 'dev').")));
		if (list_length(names) > 1)
		{
			initStringInfo(&list);
			foreach(lc, names)
				appendStringInfo(&list, "%s%s", list.len ? ", " : "", quote_identifier(lfirst(lc)));
			ereport(ERROR,
					(errcode(ERRCODE_AMBIGUOUS_PARAMETER),
					 errmsg("more than one maip_fdw server exists, so the server argument is required"),
					 errdetail("Servers: %s.", list.data),
					 errhint("Name the server, e.g. server => '%s'.", (char *) linitial(names))));
		}
		server = GetForeignServerByName(linitial(names), false);
	}
	check_server_usage(server);
	return server;
}

/* Everything one DBA call needs: the server, its options and, once validated, a client. */
typedef struct AdminCall
{
	ForeignServer *server;
	MaipServerOptions *sopts;
} AdminCall;

static AdminCall
admin_call(FunctionCallInfo fcinfo, int server_argno)
{
	AdminCall	call;

	call.server = resolve_server(fcinfo, server_argno);
	call.sopts = maip_get_server_options(call.server);
	return call;
}

/* Called after validation: credentials are the calling user's mapping. */
static MaipClient *
admin_client(const AdminCall *call)
{
	return maip_client_create(call->server, GetUserId());
}

/* ====================================================================
 * DynamoDB operations shared with import.c
 * ==================================================================== */

List *
maip_list_tables_with_prefix(MaipClient *client, const char *prefix)
{
	List	   *names = NIL;
	char	   *start = NULL;
	size_t		prefix_len = strlen(prefix);

	for (;;)
	{
		JsonBody	body;
		cJSON	   *answer;
		const cJSON *name;
		const char *last;

		CHECK_FOR_INTERRUPTS();
		body_init(&body);
		if (start)
			body_string(&body, "ExclusiveStartTableName", start);
		answer = maip_call(client, "ListTables", body_finish(&body), NULL);
		cJSON_ArrayForEach(name, json_member_array(answer, "TableNames"))
		{
			if (cJSON_IsString(name) && strncmp(name->valuestring, prefix, prefix_len) == 0)
				names = lappend(names, pstrdup(name->valuestring));
		}
		last = maip_json_string(answer, "LastEvaluatedTableName");
		if (last == NULL || last[0] == '\0' || (start && strcmp(last, start) == 0))
			break;
		start = pstrdup(last);
	}
	list_sort(names, cstring_cmp);
	return names;
}

static cJSON *
call_with_table(MaipClient *client, const char *operation, const char *table)
{
	JsonBody	body;

	body_init(&body);
	body_string(&body, "TableName", table);
	return maip_call(client, operation, body_finish(&body), table);
}

/* ====================================================================
 * Waiting for a table to settle
 * ==================================================================== */

static bool
is_transitional(const char *status)
{
	return status &&
		(strcmp(status, "CREATING") == 0 || strcmp(status, "UPDATING") == 0 ||
		 strcmp(status, "DELETING") == 0 || strcmp(status, "ARCHIVING") == 0);
}

/*
 * A one-line account of what a table is doing, e.g. "UPDATING; replica
 * us-west-2 CREATING (40%)"; *ready when nothing is in progress.
 */
static char *
table_progress(const cJSON *t, bool *ready)
{
	StringInfoData s;
	const char *status = maip_json_string(t, "TableStatus");
	const cJSON *restore = json_member_object(t, "RestoreSummary");
	const cJSON *x;

	initStringInfo(&s);
	appendStringInfoString(&s, status ? maip_printable(status) : "(no status)");
	*ready = status != NULL && strcmp(status, "ACTIVE") == 0;

	if (restore && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(restore, "RestoreInProgress")))
	{
		appendStringInfoString(&s, "; restore in progress");
		*ready = false;
	}
	cJSON_ArrayForEach(x, json_member_array(t, "GlobalSecondaryIndexes"))
	{
		const char *name = maip_json_string(x, "IndexName");
		const char *istatus = maip_json_string(x, "IndexStatus");

		if (is_transitional(istatus))
		{
			appendStringInfo(&s, "; index %s %s", name ? maip_printable(name) : "?",
							 maip_printable(istatus));
			*ready = false;
		}
		else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "Backfilling")))
		{
			appendStringInfo(&s, "; index %s backfilling", name ? maip_printable(name) : "?");
			*ready = false;
		}
	}
	cJSON_ArrayForEach(x, json_member_array(t, "Replicas"))
	{
		const char *region = maip_json_string(x, "RegionName");
		const char *rstatus = maip_json_string(x, "ReplicaStatus");
		const char *progress = maip_json_string(x, "ReplicaStatusPercentProgress");

		if (is_transitional(rstatus))
		{
			appendStringInfo(&s, "; replica %s %s", region ? maip_printable(region) : "?",
							 maip_printable(rstatus));
			if (progress)
				appendStringInfo(&s, " (%s%%)", maip_printable(progress));
			*ready = false;
		}
	}
	return s.data;
}

/*
 * Poll DescribeTable until the table is ACTIVE with no index, replica or
 * restore in progress.  Returns the last "Table" object, allocated in the
 * caller's memory context.
 */
static cJSON *
wait_for_table(MaipClient *client, const char *table, long timeout)
{
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext pollcxt = AllocSetContextCreate(CurrentMemoryContext, "maip_fdw wait",
												  ALLOCSET_DEFAULT_SIZES);
	TimestampTz start = GetCurrentTimestamp();
	TimestampTz deadline = TimestampTzPlusMilliseconds(start, timeout);
	TimestampTz last_notice = start;
	char	   *last_state = NULL;
	long		delay = WAIT_FIRST_DELAY_MS;
	cJSON	   *result;

	for (;;)
	{
		cJSON	   *t;
		bool		ready;
		char	   *state;
		const char *status;
		TimestampTz now;

		MemoryContextReset(pollcxt);
		MemoryContextSwitchTo(pollcxt);
		t = (cJSON *) maip_describe_table_json(client, table, false);
		state = table_progress(t, &ready);
		status = maip_json_string(t, "TableStatus");
		MemoryContextSwitchTo(callercxt);
		now = GetCurrentTimestamp();

		if (ready)
		{
			if (last_state != NULL)
				ereport(NOTICE,
						(errmsg("DynamoDB table \"%s\": %s", table, state)));
			result = cJSON_Duplicate(t, true);
			break;
		}
		if (!is_transitional(status) && status != NULL && strcmp(status, "ACTIVE") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("DynamoDB table \"%s\" is %s and will not become ACTIVE by itself",
							table, maip_printable(status))));
		if (last_state == NULL || strcmp(state, last_state) != 0)
		{
			ereport(NOTICE,
					(errmsg("DynamoDB table \"%s\": %s", table, state)));
			last_state = pstrdup(state);
			last_notice = now;
		}
		else if (TimestampDifferenceExceeds(last_notice, now, WAIT_STILL_NOTICE_MS))
		{
			ereport(NOTICE,
					(errmsg("DynamoDB table \"%s\": still %s after %ld s", table, state,
							(long) ((now - start) / USECS_PER_SEC))));
			last_notice = now;
		}
		if (now >= deadline)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("DynamoDB table \"%s\" did not become ready within %g s",
							table, timeout / 1000.0),
					 errdetail("Last state: %s.", state),
					 errhint("The change goes on in DynamoDB; SELECT * FROM maip_fdw.wait_for_table(%s, server => %s) waits again.",
							 quote_literal_cstr(table), quote_literal_cstr(client->server_name))));
		maip_http_sleep_ms(Min(delay, (long) ((deadline - now + 999) / 1000)));
		delay = Min(delay * 2, WAIT_MAX_DELAY_MS);
	}
	MemoryContextDelete(pollcxt);
	return result;
}

/* ====================================================================
 * Did a change take effect?  request.c runs these after an ambiguous
 * failure (HTTP 5xx, timeout, lost answer) of a change; each returns the
 * answer the change would have given, or NULL if it did not happen.
 * ==================================================================== */

static cJSON *
table_description_answer(const cJSON *t)
{
	cJSON	   *answer = cJSON_CreateObject();

	cJSON_AddItemToObject(answer, "TableDescription", cJSON_Duplicate(t, true));
	return answer;
}

/* DescribeTable's "Table", or NULL when the table does not exist. */
static const cJSON *
table_or_null(MaipClient *client, const char *table)
{
	MaipCallInfo info = {0};
	JsonBody	body;
	cJSON	   *answer;

	info.table = table;
	body_init(&body);
	body_string(&body, "TableName", table);
	answer = maip_call_unless(client, "DescribeTable", body_finish(&body), &info,
							  ERRCODE_FDW_TABLE_NOT_FOUND);
	return answer ? json_member_object(answer, "Table") : NULL;
}

typedef struct BackupCheck
{
	const char *table;
	const char *name;
	double		since;			/* epoch seconds */
} BackupCheck;

/* CreateBackup: the newest backup of the table with that name, made since the call. */
static cJSON *
backup_created(MaipClient *client, void *arg)
{
	BackupCheck *chk = (BackupCheck *) arg;
	const cJSON *found = NULL;
	double		found_at = 0;
	char	   *start = NULL;
	cJSON	   *answer;

	for (;;)
	{
		JsonBody	body;
		cJSON	   *page;
		const cJSON *b;
		const char *last;
		double		at;

		CHECK_FOR_INTERRUPTS();
		body_init(&body);
		body_string(&body, "TableName", chk->table);
		body_raw(&body, "TimeRangeLowerBound", psprintf("%.3f", chk->since));
		if (start)
			body_string(&body, "ExclusiveStartBackupArn", start);
		page = maip_call(client, "ListBackups", body_finish(&body), chk->table);
		cJSON_ArrayForEach(b, json_member_array(page, "BackupSummaries"))
		{
			const char *name = maip_json_string(b, "BackupName");

			if (name && strcmp(name, chk->name) == 0 &&
				json_number(b, "BackupCreationDateTime", &at) &&
				at >= chk->since && (found == NULL || at > found_at))
			{
				found = b;
				found_at = at;
			}
		}
		last = maip_json_string(page, "LastEvaluatedBackupArn");
		if (last == NULL || last[0] == '\0' || (start && strcmp(last, start) == 0))
			break;
		start = pstrdup(last);
	}
	if (found == NULL)
		return NULL;
	answer = cJSON_CreateObject();
	cJSON_AddItemToObject(answer, "BackupDetails", cJSON_Duplicate(found, true));
	return answer;
}

/* The table of a backup ARN (checked by check_backup_arn): .../table/<t>/backup/<id> */
static char *
backup_arn_table(const char *arn)
{
	const char *t = strstr(arn, ":table/");
	const char *end = t ? strstr(t + 7, "/backup/") : NULL;

	return end ? pnstrdup(t + 7, end - (t + 7)) : NULL;
}

/* DeleteBackup: the backup is gone (or DELETED). */
static cJSON *
backup_deleted(MaipClient *client, void *arg)
{
	const char *arn = (const char *) arg;
	MaipCallInfo info = {0};
	JsonBody	body;
	cJSON	   *answer;
	cJSON	   *d;
	cJSON	   *details;
	const char *status;

	info.backup = arn;
	body_init(&body);
	body_string(&body, "BackupArn", arn);
	answer = maip_call_unless(client, "DescribeBackup", body_finish(&body), &info,
							  ERRCODE_UNDEFINED_OBJECT);
	if (answer != NULL)
	{
		status = maip_json_string(json_member_object(json_member_object(answer, "BackupDescription"),
													 "BackupDetails"), "BackupStatus");
		return (status && strcmp(status, "DELETED") == 0) ? answer : NULL;
	}
	/* gone: answer with what is known */
	answer = cJSON_CreateObject();
	d = cJSON_AddObjectToObject(answer, "BackupDescription");
	details = cJSON_AddObjectToObject(d, "BackupDetails");
	cJSON_AddStringToObject(details, "BackupArn", arn);
	cJSON_AddStringToObject(details, "BackupStatus", "DELETED");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "SourceTableDetails"),
							"TableName", backup_arn_table(arn));
	return answer;
}

typedef struct RestoreCheck
{
	const char *target;
	const char *backup_arn;		/* RestoreTableFromBackup */
	const char *source;			/* RestoreTableToPointInTime */
} RestoreCheck;

/* Restore*: the target exists, restored from this backup or source table. */
static cJSON *
table_restored(MaipClient *client, void *arg)
{
	RestoreCheck *chk = (RestoreCheck *) arg;
	const cJSON *t = table_or_null(client, chk->target);
	const cJSON *summary = json_member_object(t, "RestoreSummary");
	const char *from;

	if (summary == NULL)
		return NULL;
	if (chk->backup_arn)
	{
		from = maip_json_string(summary, "SourceBackupArn");
		if (from == NULL || strcmp(from, chk->backup_arn) != 0)
			return NULL;
	}
	else
	{
		char	   *suffix = psprintf(":table/%s", chk->source);
		size_t		n = strlen(suffix);

		from = maip_json_string(summary, "SourceTableArn");
		if (from == NULL || strlen(from) < n || strcmp(from + strlen(from) - n, suffix) != 0)
			return NULL;
	}
	return table_description_answer(t);
}

typedef struct TableChangeCheck
{
	const char *table;
	const char *billing_mode;	/* the mode it should have */
	int64		read_units;		/* PROVISIONED: the units it should have */
	int64		write_units;
	const char *replica_region; /* or: a replica to create or delete */
	bool		replica_create;
} TableChangeCheck;

/*
 * UpdateTable: the table has what was asked for, or is UPDATING (then a
 * resend would only be refused with ResourceInUseException).
 */
static cJSON *
table_changed(MaipClient *client, void *arg)
{
	TableChangeCheck *chk = (TableChangeCheck *) arg;
	const cJSON *t = maip_describe_table_json(client, chk->table, false);
	const char *status = maip_json_string(t, "TableStatus");
	bool		done;

	if (chk->replica_region)
	{
		const cJSON *r;
		const char *rstatus = NULL;

		cJSON_ArrayForEach(r, json_member_array(t, "Replicas"))
		{
			const char *region = maip_json_string(r, "RegionName");

			if (region && strcmp(region, chk->replica_region) == 0)
				rstatus = maip_json_string(r, "ReplicaStatus");
		}
		done = chk->replica_create ? rstatus != NULL
			: (rstatus == NULL || strcmp(rstatus, "DELETING") == 0);
	}
	else
	{
		const cJSON *pt = json_member_object(t, "ProvisionedThroughput");
		double		r,
					w;

		done = strcmp(billing_mode_of(t), chk->billing_mode) == 0;
		if (done && strcmp(chk->billing_mode, "PROVISIONED") == 0)
			done = json_number(pt, "ReadCapacityUnits", &r) && r == chk->read_units &&
				json_number(pt, "WriteCapacityUnits", &w) && w == chk->write_units;
		done = done || (status && strcmp(status, "UPDATING") == 0);
	}
	return done ? table_description_answer(t) : NULL;
}

typedef struct PitrCheck
{
	const char *table;
	bool		enabled;
} PitrCheck;

/* UpdateContinuousBackups: point-in-time recovery is as asked. */
static cJSON *
pitr_changed(MaipClient *client, void *arg)
{
	PitrCheck  *chk = (PitrCheck *) arg;
	cJSON	   *answer = call_with_table(client, "DescribeContinuousBackups", chk->table);
	const char *status = maip_json_string(json_member_object(json_member_object(answer, "ContinuousBackupsDescription"),
															 "PointInTimeRecoveryDescription"),
										  "PointInTimeRecoveryStatus");

	if (status == NULL)
		return NULL;
	if (chk->enabled ? (strcmp(status, "ENABLED") == 0 || strcmp(status, "ENABLING") == 0)
		: (strcmp(status, "DISABLED") == 0 || strcmp(status, "DISABLING") == 0))
		return answer;
	return NULL;
}

/* A change on a table, with its check. */
static cJSON *
change_table(MaipClient *client, const char *operation, StringInfo body, const char *table,
			 MaipAlreadyDone check, void *arg)
{
	MaipCallInfo info = {0};

	info.table = table;
	info.already_done = check;
	info.arg = arg;
	return maip_call_with(client, operation, body, &info);
}

/* ====================================================================
 * Row shapes (the column order matches the extension script)
 * ==================================================================== */

/* table state: table_name, status, billing_mode, read_capacity, write_capacity */
static void
emit_table_state(RowSink *sink, const cJSON *t)
{
	Row			row;
	const cJSON *pt = json_member_object(t, "ProvisionedThroughput");

	row_init(&row, sink);
	row_text(&row, 0, maip_json_string(t, "TableName"));
	row_text(&row, 1, maip_json_string(t, "TableStatus"));
	row_text(&row, 2, billing_mode_of(t));
	row_int64(&row, 3, pt, "ReadCapacityUnits");
	row_int64(&row, 4, pt, "WriteCapacityUnits");
	row_emit(sink, &row);
}

/* replicas: region, status, status_description, progress, read_capacity_override, table_class */
static void
emit_replicas(RowSink *sink, const cJSON *t)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, json_member_array(t, "Replicas"))
	{
		Row			row;

		row_init(&row, sink);
		row_text(&row, 0, maip_json_string(r, "RegionName"));
		row_text(&row, 1, maip_json_string(r, "ReplicaStatus"));
		row_text(&row, 2, maip_json_string(r, "ReplicaStatusDescription"));
		row_text(&row, 3, maip_json_string(r, "ReplicaStatusPercentProgress"));
		row_int64(&row, 4, json_member_object(r, "ProvisionedThroughputOverride"), "ReadCapacityUnits");
		row_text(&row, 5, maip_json_string(json_member_object(r, "ReplicaTableClassSummary"), "TableClass"));
		row_emit(sink, &row);
	}
}

/*
 * backups: table_name, backup_name, backup_arn, status, type, created_at,
 * size_bytes [, item_count].  details is a BackupSummary or BackupDetails;
 * source (SourceTableDetails) may be NULL.
 */
static void
emit_backup(RowSink *sink, const cJSON *details, const cJSON *source)
{
	Row			row;
	const char *table = maip_json_string(details, "TableName");

	if (table == NULL)
		table = maip_json_string(source, "TableName");
	row_init(&row, sink);
	row_text(&row, 0, table);
	row_text(&row, 1, maip_json_string(details, "BackupName"));
	row_text(&row, 2, maip_json_string(details, "BackupArn"));
	row_text(&row, 3, maip_json_string(details, "BackupStatus"));
	row_text(&row, 4, maip_json_string(details, "BackupType"));
	row_time(&row, 5, details, "BackupCreationDateTime");
	row_int64(&row, 6, details, "BackupSizeBytes");
	if (source)
		row_int64(&row, 7, source, "ItemCount");
	row_emit(sink, &row);
}

/*
 * continuous backups: continuous_backups, pitr_status,
 * earliest_restore_time, latest_restore_time, recovery_period_days
 */
static void
emit_continuous_backups(RowSink *sink, const cJSON *answer, const char *operation)
{
	const cJSON *d = answer_object(answer, "ContinuousBackupsDescription", operation);
	const cJSON *pitr = json_member_object(d, "PointInTimeRecoveryDescription");
	Row			row;
	double		days;

	row_init(&row, sink);
	row_text(&row, 0, maip_json_string(d, "ContinuousBackupsStatus"));
	row_text(&row, 1, maip_json_string(pitr, "PointInTimeRecoveryStatus"));
	row_time(&row, 2, pitr, "EarliestRestorableDateTime");
	row_time(&row, 3, pitr, "LatestRestorableDateTime");
	if (json_number(pitr, "RecoveryPeriodInDays", &days))
		row_set(&row, 4, Int32GetDatum((int32) days));
	row_emit(sink, &row);
}

/* ====================================================================
 * SQL functions: tables
 * ==================================================================== */

PG_FUNCTION_INFO_V1(maip_admin_list_tables);
PG_FUNCTION_INFO_V1(maip_admin_describe_table);
PG_FUNCTION_INFO_V1(maip_admin_wait_for_table);
PG_FUNCTION_INFO_V1(maip_admin_update_capacity);
PG_FUNCTION_INFO_V1(maip_admin_set_billing_mode);
PG_FUNCTION_INFO_V1(maip_admin_list_replicas);
PG_FUNCTION_INFO_V1(maip_admin_add_replica);
PG_FUNCTION_INFO_V1(maip_admin_remove_replica);
PG_FUNCTION_INFO_V1(maip_admin_create_backup);
PG_FUNCTION_INFO_V1(maip_admin_list_backups);
PG_FUNCTION_INFO_V1(maip_admin_describe_backup);
PG_FUNCTION_INFO_V1(maip_admin_delete_backup);
PG_FUNCTION_INFO_V1(maip_admin_restore_table_from_backup);
PG_FUNCTION_INFO_V1(maip_admin_enable_pitr);
PG_FUNCTION_INFO_V1(maip_admin_disable_pitr);
PG_FUNCTION_INFO_V1(maip_admin_describe_continuous_backups);
PG_FUNCTION_INFO_V1(maip_admin_restore_table_to_point_in_time);

/* list_tables(env text, server text) -> (table_name, short_name) */
Datum
maip_admin_list_tables(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *env = optional_text(fcinfo, 0);
	char	   *prefix;
	RowSink		sink;
	ListCell   *lc;

	if (env == NULL)
		env = call.sopts->env;
	maip_check_env_name(env);
	prefix = maip_env_prefix(env);
	sink = begin_rows(fcinfo);
	foreach(lc, maip_list_tables_with_prefix(admin_client(&call), prefix))
	{
		char	   *name = lfirst(lc);
		Row			row;

		row_init(&row, &sink);
		row_text(&row, 0, name);
		row_text(&row, 1, maip_short_table_name(name, prefix));
		row_emit(&sink, &row);
	}
	return (Datum) 0;
}

/* PITR status for describe_table; NULL when the caller may not ask. */
static char *
pitr_status_or_null(MaipClient *client, const char *table)
{
	JsonBody	body;
	cJSON	   *answer;
	const cJSON *d;
	const char *s;

	body_init(&body);
	body_string(&body, "TableName", table);
	answer = maip_call_unless_denied(client, "DescribeContinuousBackups", body_finish(&body), table);
	if (answer == NULL)
		return NULL;
	d = json_member_object(answer, "ContinuousBackupsDescription");
	s = maip_json_string(json_member_object(d, "PointInTimeRecoveryDescription"),
						 "PointInTimeRecoveryStatus");
	return s ? pstrdup(s) : NULL;
}

/* "customer-index (GSI)" for each secondary index */
static List *
index_labels(const cJSON *t)
{
	List	   *labels = NIL;
	const cJSON *x;

	cJSON_ArrayForEach(x, json_member_array(t, "GlobalSecondaryIndexes"))
		labels = lappend(labels, psprintf("%s (GSI)", maip_json_string(x, "IndexName")
										  ? maip_json_string(x, "IndexName") : "?"));
	cJSON_ArrayForEach(x, json_member_array(t, "LocalSecondaryIndexes"))
		labels = lappend(labels, psprintf("%s (LSI)", maip_json_string(x, "IndexName")
										  ? maip_json_string(x, "IndexName") : "?"));
	return labels;
}

/* "us-west-2 ACTIVE" for each replica */
static List *
replica_labels(const cJSON *t)
{
	List	   *labels = NIL;
	const cJSON *x;

	cJSON_ArrayForEach(x, json_member_array(t, "Replicas"))
	{
		const char *region = maip_json_string(x, "RegionName");
		const char *status = maip_json_string(x, "ReplicaStatus");

		labels = lappend(labels, psprintf("%s %s", region ? region : "?", status ? status : "?"));
	}
	return labels;
}

static char *
key_type_text(char type)
{
	return type ? psprintf("%c", type) : NULL;
}

/*
 * describe_table(tbl, server) -> (table_name, status, item_count,
 * size_bytes, billing_mode, read_capacity, write_capacity, partition_key,
 * partition_key_type, sort_key, sort_key_type, indexes, stream,
 * pitr_status, replicas, deletion_protection, created_at, table_arn)
 */
Datum
maip_admin_describe_table(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *given = required_text(fcinfo, 0, "table");
	char	   *table = maip_resolve_table_name(call.sopts, given);
	MaipClient *client = admin_client(&call);
	cJSON	   *t = (cJSON *) maip_describe_table_json(client, table, false);
	MaipTableDesc *desc = maip_parse_table_desc(t);
	const cJSON *pt = json_member_object(t, "ProvisionedThroughput");
	const cJSON *stream = json_member_object(t, "StreamSpecification");
	const cJSON *protection = cJSON_GetObjectItemCaseSensitive(t, "DeletionProtectionEnabled");
	char	   *pitr = pitr_status_or_null(client, table);
	RowSink		sink = begin_rows(fcinfo);
	Row			row;

	row_init(&row, &sink);
	row_text(&row, 0, desc->table);
	row_text(&row, 1, desc->status);
	row_int64(&row, 2, t, "ItemCount");
	row_int64(&row, 3, t, "TableSizeBytes");
	row_text(&row, 4, billing_mode_of(t));
	row_int64(&row, 5, pt, "ReadCapacityUnits");
	row_int64(&row, 6, pt, "WriteCapacityUnits");
	row_text(&row, 7, desc->hash_key);
	row_text(&row, 8, desc->hash_key ? key_type_text(desc->hash_type) : NULL);
	row_text(&row, 9, desc->range_key);
	row_text(&row, 10, desc->range_key ? key_type_text(desc->range_type) : NULL);
	row_set(&row, 11, text_array(index_labels(t)));
	if (stream && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stream, "StreamEnabled")))
		row_text(&row, 12, maip_json_string(stream, "StreamViewType")
				 ? maip_json_string(stream, "StreamViewType") : "ENABLED");
	else
		row_text(&row, 12, "DISABLED");
	row_text(&row, 13, pitr);
	row_set(&row, 14, text_array(replica_labels(t)));
	if (cJSON_IsBool(protection))
		row_set(&row, 15, BoolGetDatum(cJSON_IsTrue(protection)));
	row_time(&row, 16, t, "CreationDateTime");
	row_text(&row, 17, maip_json_string(t, "TableArn"));
	row_emit(&sink, &row);
	return (Datum) 0;
}

/* The state to report after a change: the answer's, or the settled one when waiting. */
static void
finish_change(FunctionCallInfo fcinfo, MaipClient *client, const char *table,
			  const cJSON *description, bool wait, long timeout,
			  void (*emit) (RowSink *, const cJSON *))
{
	RowSink		sink;

	if (wait)
		description = wait_for_table(client, table, timeout);
	sink = begin_rows(fcinfo);
	emit(&sink, description);
}

/* wait_for_table(tbl, timeout, server) -> table state */
Datum
maip_admin_wait_for_table(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 2);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	long		timeout = timeout_ms(fcinfo, 1);

	finish_change(fcinfo, admin_client(&call), table, NULL, true, timeout, emit_table_state);
	return (Datum) 0;
}

/*
 * update_capacity(tbl, read_units, write_units, wait, timeout, server)
 * -> table state.  Sets the table's provisioned throughput; a table that
 * is on-demand now is switched to PROVISIONED, and each of its global
 * secondary indexes gets the same units, which DynamoDB requires for the
 * switch.
 */
Datum
maip_admin_update_capacity(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 5);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	int64		read_units = capacity_units(fcinfo, 1, "read_units");
	int64		write_units = capacity_units(fcinfo, 2, "write_units");
	bool		wait = optional_bool(fcinfo, 3, false);
	long		timeout = wait ? timeout_ms(fcinfo, 4) : 0;
	MaipClient *client = admin_client(&call);
	cJSON	   *current = (cJSON *) maip_describe_table_json(client, table, false);
	char	   *throughput = throughput_json(read_units, write_units);
	TableChangeCheck chk = {table, "PROVISIONED", read_units, write_units, NULL, false};
	JsonBody	body;
	cJSON	   *answer;

	body_init(&body);
	body_string(&body, "TableName", table);
	body_raw(&body, "ProvisionedThroughput", throughput);
	if (strcmp(billing_mode_of(current), "PAY_PER_REQUEST") == 0)
	{
		StringInfoData updates;
		const cJSON *x;

		body_string(&body, "BillingMode", "PROVISIONED");
		initStringInfo(&updates);
		cJSON_ArrayForEach(x, json_member_array(current, "GlobalSecondaryIndexes"))
		{
			appendStringInfoString(&updates, updates.len ? "," : "[");
			appendStringInfoString(&updates, "{\"Update\":{\"IndexName\":");
			maip_json_append_string(&updates, maip_json_string(x, "IndexName")
									? maip_json_string(x, "IndexName") : "");
			appendStringInfo(&updates, ",\"ProvisionedThroughput\":%s}}", throughput);
		}
		if (updates.len)
		{
			appendStringInfoChar(&updates, ']');
			body_raw(&body, "GlobalSecondaryIndexUpdates", updates.data);
		}
	}
	answer = change_table(client, "UpdateTable", body_finish(&body), table, table_changed, &chk);
	finish_change(fcinfo, client, table, answer_object(answer, "TableDescription", "UpdateTable"),
				  wait, timeout, emit_table_state);
	return (Datum) 0;
}

/* set_billing_mode(tbl, mode, wait, timeout, server) -> table state */
Datum
maip_admin_set_billing_mode(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	const char *mode = billing_mode_argument(required_text(fcinfo, 1, "mode"));
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	MaipClient *client = admin_client(&call);
	TableChangeCheck chk = {table, mode, 0, 0, NULL, false};
	JsonBody	body;
	cJSON	   *answer;

	body_init(&body);
	body_string(&body, "TableName", table);
	body_string(&body, "BillingMode", mode);
	answer = change_table(client, "UpdateTable", body_finish(&body), table, table_changed, &chk);
	finish_change(fcinfo, client, table, answer_object(answer, "TableDescription", "UpdateTable"),
				  wait, timeout, emit_table_state);
	return (Datum) 0;
}

/* ====================================================================
 * SQL functions: global-table replicas
 * ==================================================================== */

/* list_replicas(tbl, server) -> replicas */
Datum
maip_admin_list_replicas(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	cJSON	   *t = (cJSON *) maip_describe_table_json(admin_client(&call), table, false);
	RowSink		sink = begin_rows(fcinfo);

	emit_replicas(&sink, t);
	return (Datum) 0;
}

/* UpdateTable with one ReplicaUpdates entry: Create or Delete a region. */
static Datum
change_replica(FunctionCallInfo fcinfo, const char *action)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	char	   *region = required_text(fcinfo, 1, "region");
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout;
	MaipClient *client;
	StringInfoData updates;
	JsonBody	body;
	cJSON	   *answer;
	TableChangeCheck chk = {table, NULL, 0, 0, region, strcmp(action, "Create") == 0};

	check_region(region);
	if (strcmp(region, call.sopts->region) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("region \"%s\" is the region of server \"%s\" itself", region,
						call.server->servername),
				 errhint("Replicas are tables in other regions.")));
	timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	client = admin_client(&call);

	initStringInfo(&updates);
	appendStringInfo(&updates, "[{\"%s\":{\"RegionName\":", action);
	maip_json_append_string(&updates, region);
	appendStringInfoString(&updates, "}}]");
	body_init(&body);
	body_string(&body, "TableName", table);
	body_raw(&body, "ReplicaUpdates", updates.data);
	answer = change_table(client, "UpdateTable", body_finish(&body), table, table_changed, &chk);
	finish_change(fcinfo, client, table, answer_object(answer, "TableDescription", "UpdateTable"),
				  wait, timeout, emit_replicas);
	return (Datum) 0;
}

/* add_replica(tbl, region, wait, timeout, server) -> replicas */
Datum
maip_admin_add_replica(PG_FUNCTION_ARGS)
{
	return change_replica(fcinfo, "Create");
}

/* remove_replica(tbl, region, wait, timeout, server) -> replicas */
Datum
maip_admin_remove_replica(PG_FUNCTION_ARGS)
{
	return change_replica(fcinfo, "Delete");
}

/* ====================================================================
 * SQL functions: on-demand backups
 * ==================================================================== */

/* create_backup(tbl, backup_name, server) -> backup ARN */
Datum
maip_admin_create_backup(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 2);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	char	   *name = optional_text(fcinfo, 1);
	JsonBody	body;
	cJSON	   *answer;
	const char *arn;
	BackupCheck chk;

	if (name)
		check_backup_name(name);
	else
		name = default_backup_name(table);

	chk.table = table;
	chk.name = name;
	chk.since = timestamptz_to_epoch(GetCurrentTimestamp()) - BACKUP_CLOCK_SLACK_SECONDS;
	body_init(&body);
	body_string(&body, "TableName", table);
	body_string(&body, "BackupName", name);
	answer = change_table(admin_client(&call), "CreateBackup", body_finish(&body), table,
						  backup_created, &chk);
	arn = maip_json_string(answer_object(answer, "BackupDetails", "CreateBackup"), "BackupArn");
	if (arn == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB CreateBackup answer has no BackupArn")));
	PG_RETURN_TEXT_P(cstring_to_text(arn));
}

/* list_backups(tbl, server) -> backups, every page */
Datum
maip_admin_list_backups(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *given = optional_text(fcinfo, 0);
	char	   *table = given ? maip_resolve_table_name(call.sopts, given) : NULL;
	MaipClient *client = admin_client(&call);
	RowSink		sink = begin_rows(fcinfo);
	char	   *start = NULL;

	for (;;)
	{
		JsonBody	body;
		cJSON	   *answer;
		const cJSON *b;
		const char *last;

		CHECK_FOR_INTERRUPTS();
		body_init(&body);
		if (table)
			body_string(&body, "TableName", table);
		if (start)
			body_string(&body, "ExclusiveStartBackupArn", start);
		answer = maip_call(client, "ListBackups", body_finish(&body), table);
		cJSON_ArrayForEach(b, json_member_array(answer, "BackupSummaries"))
			emit_backup(&sink, b, NULL);
		last = maip_json_string(answer, "LastEvaluatedBackupArn");
		if (last == NULL || last[0] == '\0' || (start && strcmp(last, start) == 0))
			break;
		start = pstrdup(last);
	}
	return (Datum) 0;
}

static Datum
backup_operation(FunctionCallInfo fcinfo, const char *operation)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *arn = required_text(fcinfo, 0, "backup_arn");
	JsonBody	body;
	cJSON	   *answer;
	const cJSON *d;
	RowSink		sink;
	MaipCallInfo info = {0};

	check_backup_arn(arn);
	info.backup = arn;
	if (strcmp(operation, "DeleteBackup") == 0)
	{
		info.already_done = backup_deleted;
		info.arg = arn;
	}
	body_init(&body);
	body_string(&body, "BackupArn", arn);
	answer = maip_call_with(admin_client(&call), operation, body_finish(&body), &info);
	d = answer_object(answer, "BackupDescription", operation);
	sink = begin_rows(fcinfo);
	emit_backup(&sink, answer_object(d, "BackupDetails", operation),
				json_member_object(d, "SourceTableDetails"));
	return (Datum) 0;
}

/* describe_backup(backup_arn, server) -> backup with item_count */
Datum
maip_admin_describe_backup(PG_FUNCTION_ARGS)
{
	return backup_operation(fcinfo, "DescribeBackup");
}

/* delete_backup(backup_arn, server) -> the deleted backup */
Datum
maip_admin_delete_backup(PG_FUNCTION_ARGS)
{
	return backup_operation(fcinfo, "DeleteBackup");
}

/* restore_table_from_backup(target_table, backup_arn, wait, timeout, server) -> table state */
Datum
maip_admin_restore_table_from_backup(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *target = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "target_table"));
	char	   *arn = required_text(fcinfo, 1, "backup_arn");
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout;
	MaipClient *client;
	JsonBody	body;
	cJSON	   *answer;
	RestoreCheck chk = {target, arn, NULL};

	check_backup_arn(arn);
	timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	client = admin_client(&call);
	body_init(&body);
	body_string(&body, "TargetTableName", target);
	body_string(&body, "BackupArn", arn);
	answer = change_table(client, "RestoreTableFromBackup", body_finish(&body), target,
						  table_restored, &chk);
	finish_change(fcinfo, client, target,
				  answer_object(answer, "TableDescription", "RestoreTableFromBackup"),
				  wait, timeout, emit_table_state);
	return (Datum) 0;
}

/* ====================================================================
 * SQL functions: point-in-time recovery
 * ==================================================================== */

static Datum
set_pitr(FunctionCallInfo fcinfo, bool enabled)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	JsonBody	body;
	cJSON	   *answer;
	RowSink		sink;
	PitrCheck	chk = {table, enabled};

	body_init(&body);
	body_string(&body, "TableName", table);
	body_raw(&body, "PointInTimeRecoverySpecification",
			 enabled ? "{\"PointInTimeRecoveryEnabled\":true}"
			 : "{\"PointInTimeRecoveryEnabled\":false}");
	answer = change_table(admin_client(&call), "UpdateContinuousBackups", body_finish(&body), table,
						  pitr_changed, &chk);
	sink = begin_rows(fcinfo);
	emit_continuous_backups(&sink, answer, "UpdateContinuousBackups");
	return (Datum) 0;
}

/* enable_pitr(tbl, server) -> continuous backups */
Datum
maip_admin_enable_pitr(PG_FUNCTION_ARGS)
{
	return set_pitr(fcinfo, true);
}

/* disable_pitr(tbl, server) -> continuous backups */
Datum
maip_admin_disable_pitr(PG_FUNCTION_ARGS)
{
	return set_pitr(fcinfo, false);
}

/* describe_continuous_backups(tbl, server) -> continuous backups */
Datum
maip_admin_describe_continuous_backups(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *table = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "table"));
	cJSON	   *answer = call_with_table(admin_client(&call), "DescribeContinuousBackups", table);
	RowSink		sink = begin_rows(fcinfo);

	emit_continuous_backups(&sink, answer, "DescribeContinuousBackups");
	return (Datum) 0;
}

/*
 * restore_table_to_point_in_time(source_table, target_table, restore_time,
 * wait, timeout, server) -> table state.  No restore_time: the latest
 * restorable time.
 */
Datum
maip_admin_restore_table_to_point_in_time(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 5);
	char	   *source = maip_resolve_table_name(call.sopts, required_text(fcinfo, 0, "source_table"));
	char	   *target = maip_resolve_table_name(call.sopts, required_text(fcinfo, 1, "target_table"));
	bool		wait = optional_bool(fcinfo, 3, false);
	long		timeout;
	MaipClient *client;
	JsonBody	body;
	cJSON	   *answer;
	RestoreCheck chk = {target, NULL, source};

	if (strcmp(source, target) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source and target table are both \"%s\"", source),
				 errhint("A point-in-time restore creates a new table; name one that does not exist.")));
	body_init(&body);
	body_string(&body, "SourceTableName", source);
	body_string(&body, "TargetTableName", target);
	if (PG_ARGISNULL(2))
		body_raw(&body, "UseLatestRestorableTime", "true");
	else
	{
		TimestampTz when = PG_GETARG_TIMESTAMPTZ(2);

		if (TIMESTAMP_NOT_FINITE(when))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("restore_time must be finite")));
		if (when > GetCurrentTimestamp())
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("restore_time lies in the future"),
					 errhint("describe_continuous_backups() shows the restorable window.")));
		body_raw(&body, "RestoreDateTime", psprintf("%.3f", timestamptz_to_epoch(when)));
	}
	timeout = wait ? timeout_ms(fcinfo, 4) : 0;
	client = admin_client(&call);
	answer = change_table(client, "RestoreTableToPointInTime", body_finish(&body), target,
						  table_restored, &chk);
	finish_change(fcinfo, client, target,
				  answer_object(answer, "TableDescription", "RestoreTableToPointInTime"),
				  wait, timeout, emit_table_state);
	return (Datum) 0;
}
