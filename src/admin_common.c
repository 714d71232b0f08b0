/*-------------------------------------------------------------------------
 * admin_common.c
 *		What every DBA SQL function shares: result rows, arguments, the
 *		server a call means, and waiting for a table to settle.
 *
 * Rules every DBA function follows (admin_tables.c, admin_backups.c,
 * admin_replicas.c):
 *   - the server argument may be omitted (NULL) when exactly one server of
 *     this wrapper exists; a named server must belong to this wrapper and
 *     the caller needs USAGE on it;
 *   - a table argument is a MAIP short name ("orders", "pricing_rules"),
 *     expanded with the server's env, or a full DynamoDB table name (see
 *     maip_resolve_table_name in names.c);
 *   - every argument is validated before anything is sent (22023 for bad
 *     values, 22004 for missing ones), so bad input never reaches AWS;
 *   - requests are signed with the calling user's mapping (GetUserId());
 *     functions that change anything are revoked from PUBLIC in the
 *     extension script;
 *   - the DynamoDB operations themselves, and their checks whether an
 *     ambiguously failed change took effect, are dynamo.c's;
 *   - long operations can wait: DescribeTable is polled with request.c's
 *     backoff, progress is reported as NOTICEs, query cancel is honoured
 *     and a timeout ends the wait with 55000;
 *   - names and states from AWS go through maip_printable() before they
 *     appear in a message.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "admin.h"
#include "names.h"
#include "wire.h"

#define WAIT_STILL_NOTICE_MS 60000

/* ====================================================================
 * Result rows
 * ==================================================================== */

/* Set up materialize-mode output for a set-returning function. */
RowSink
admin_begin_rows(FunctionCallInfo fcinfo)
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

void
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

void
row_emit(RowSink *sink, Row *row)
{
	tuplestore_putvalues(sink->store, sink->desc, row->values, row->nulls);
}

/* Columns past the row type's end are ignored (shorter shapes share emitters). */
void
row_set(Row *row, int col, Datum value)
{
	if (col < row->natts)
	{
		row->values[col] = value;
		row->nulls[col] = false;
	}
}

void
row_text(Row *row, int col, const char *s)
{
	if (s)
		row_set(row, col, CStringGetTextDatum(s));
}

/* A count AWS sends as a JSON number, as bigint: NaN or 1e300 are no count. */
void
row_number(Row *row, int col, MaipNumber n)
{
	int64_t		x;

	if (n.present && wire_double_int64(n.value, &x))
		row_set(row, col, Int64GetDatum((int64) x));
}

void
row_time(Row *row, int col, MaipTime t)
{
	if (t.present)
		row_set(row, col, TimestampTzGetDatum(t.value));
}

Datum
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

void
emit_table_state(RowSink *sink, const MaipTableState *t)
{
	Row			row;

	row_init(&row, sink);
	row_text(&row, 0, t->table);
	row_text(&row, 1, t->status);
	row_text(&row, 2, t->billing_mode);
	row_number(&row, 3, t->read_capacity);
	row_number(&row, 4, t->write_capacity);
	row_emit(sink, &row);
}

/* ====================================================================
 * Arguments
 * ==================================================================== */

char *
required_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

char *
optional_text(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

bool
optional_bool(FunctionCallInfo fcinfo, int argno, bool dflt)
{
	return PG_ARGISNULL(argno) ? dflt : PG_GETARG_BOOL(argno);
}

/* The wait timeout in milliseconds; only checked when the caller waits. */
long
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

char *
admin_table(FunctionCallInfo fcinfo, const AdminCall *call, int argno, const char *what)
{
	return maip_resolve_table_name(call->sopts->env, required_text(fcinfo, argno, what));
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

/* No server argument: the only server of this wrapper. */
static ForeignServer *
only_server(Oid handler)
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
	return GetForeignServerByName(linitial(names), false);
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
		server = only_server(handler);
	check_server_usage(server);
	return server;
}

AdminCall
admin_call(FunctionCallInfo fcinfo, int server_argno)
{
	AdminCall	call;

	call.server = resolve_server(fcinfo, server_argno);
	call.sopts = maip_get_server_options(call.server);
	return call;
}

MaipClient *
admin_client(const AdminCall *call)
{
	return maip_client_create(call->server, GetUserId());
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

static const char *
printable_or(const char *s, const char *absent)
{
	return s ? maip_printable(s) : absent;
}

/*
 * A one-line account of what a table is doing, e.g. "UPDATING; replica
 * us-west-2 CREATING (40%)"; *ready when nothing is in progress.
 */
static char *
table_progress(const MaipTableState *t, bool *ready)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	appendStringInfoString(&s, printable_or(t->status, "(no status)"));
	*ready = t->status != NULL && strcmp(t->status, "ACTIVE") == 0;

	if (t->restore_in_progress)
	{
		appendStringInfoString(&s, "; restore in progress");
		*ready = false;
	}
	foreach(lc, t->indexes)
	{
		MaipIndexState *ix = lfirst(lc);

		if (!ix->is_global)
			continue;
		if (is_transitional(ix->status))
			appendStringInfo(&s, "; index %s %s", printable_or(ix->name, "?"),
							 maip_printable(ix->status));
		else if (ix->backfilling)
			appendStringInfo(&s, "; index %s backfilling", printable_or(ix->name, "?"));
		else
			continue;
		*ready = false;
	}
	foreach(lc, t->replicas)
	{
		MaipReplicaState *r = lfirst(lc);

		if (!is_transitional(r->status))
			continue;
		appendStringInfo(&s, "; replica %s %s", printable_or(r->region, "?"),
						 maip_printable(r->status));
		if (r->progress)
			appendStringInfo(&s, " (%s%%)", maip_printable(r->progress));
		*ready = false;
	}
	return s.data;
}

/* ERROR unless the table is on its way to ACTIVE. */
static void
check_settling(const char *table, const char *status)
{
	if (!is_transitional(status) && status != NULL && strcmp(status, "ACTIVE") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("DynamoDB table \"%s\" is %s and will not become ACTIVE by itself",
						table, maip_printable(status))));
}

/* What a wait has told the user so far. */
typedef struct WaitReport
{
	TimestampTz start;
	TimestampTz last_notice;
	char	   *last_state;		/* NULL until the first NOTICE */
} WaitReport;

/* A NOTICE when the state changed, or a reminder once a minute. */
static void
report_progress(WaitReport *w, const char *table, const char *state, TimestampTz now)
{
	if (w->last_state == NULL || strcmp(state, w->last_state) != 0)
	{
		ereport(NOTICE,
				(errmsg("DynamoDB table \"%s\": %s", table, state)));
		w->last_state = pstrdup(state);
		w->last_notice = now;
	}
	else if (TimestampDifferenceExceeds(w->last_notice, now, WAIT_STILL_NOTICE_MS))
	{
		ereport(NOTICE,
				(errmsg("DynamoDB table \"%s\": still %s after %ld s", table, state,
						(long) ((now - w->start) / USECS_PER_SEC))));
		w->last_notice = now;
	}
}

static void
report_timeout(MaipClient *client, const char *table, long timeout, const char *state)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("DynamoDB table \"%s\" did not become ready within %g s",
					table, timeout / 1000.0),
			 errdetail("Last state: %s.", state),
			 errhint("The change goes on in DynamoDB; SELECT * FROM maip_fdw.wait_for_table(%s, server => %s) waits again.",
					 quote_literal_cstr(table), quote_literal_cstr(client->server_name))));
}

/*
 * Poll DescribeTable until the table is ACTIVE with no index, replica or
 * restore in progress, sleeping with request.c's backoff in between.
 * Returns the last state, allocated in the caller's memory context; each
 * poll's answer lives in a context reset before the next one.
 */
static MaipTableState *
wait_for_table(MaipClient *client, const char *table, long timeout)
{
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext pollcxt = AllocSetContextCreate(CurrentMemoryContext, "maip_fdw wait",
												  ALLOCSET_DEFAULT_SIZES);
	WaitReport	w = {GetCurrentTimestamp(), 0, NULL};
	TimestampTz deadline = TimestampTzPlusMilliseconds(w.start, timeout);
	MaipTableState *result;

	w.last_notice = w.start;
	for (int attempt = 1;; attempt++)
	{
		MaipTableState *t;
		bool		ready;
		char	   *state;
		TimestampTz now;

		MemoryContextReset(pollcxt);
		MemoryContextSwitchTo(pollcxt);
		t = maip_describe_table_state(client, table);
		state = table_progress(t, &ready);
		MemoryContextSwitchTo(callercxt);
		now = GetCurrentTimestamp();

		if (ready)
		{
			if (w.last_state != NULL)
				ereport(NOTICE,
						(errmsg("DynamoDB table \"%s\": %s", table, state)));
			result = maip_table_state_copy(t);
			break;
		}
		check_settling(table, t->status);
		report_progress(&w, table, state, now);
		if (now >= deadline)
			report_timeout(client, table, timeout, state);
		maip_backoff_sleep(attempt);
	}
	MemoryContextDelete(pollcxt);
	return result;
}

void
finish_change(FunctionCallInfo fcinfo, MaipClient *client, const char *table,
			  const MaipTableState *answer, bool wait, long timeout, EmitState emit)
{
	RowSink		sink;

	if (wait)
		answer = wait_for_table(client, table, timeout);
	sink = admin_begin_rows(fcinfo);
	emit(&sink, answer);
}
