/*-------------------------------------------------------------------------
 * admin_tables.c
 *		DBA SQL functions for tables: list, describe, wait, provisioned
 *		capacity and billing mode.  The rules they follow are in
 *		admin_common.c's header; the operations are dynamo.c's.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "admin.h"
#include "names.h"

PG_FUNCTION_INFO_V1(maip_admin_list_tables);
PG_FUNCTION_INFO_V1(maip_admin_describe_table);
PG_FUNCTION_INFO_V1(maip_admin_wait_for_table);
PG_FUNCTION_INFO_V1(maip_admin_update_capacity);
PG_FUNCTION_INFO_V1(maip_admin_set_billing_mode);

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
	sink = admin_begin_rows(fcinfo);
	foreach(lc, maip_list_tables(admin_client(&call), prefix))
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

/* "customer-index (GSI)" for each secondary index, global ones first */
static List *
index_labels(const MaipTableState *t)
{
	List	   *labels = NIL;
	ListCell   *lc;

	foreach(lc, t->indexes)
	{
		MaipIndexState *ix = lfirst(lc);

		labels = lappend(labels, psprintf("%s (%s)", ix->name ? ix->name : "?",
										  ix->is_global ? "GSI" : "LSI"));
	}
	return labels;
}

/* "us-west-2 ACTIVE" for each replica */
static List *
replica_labels(const MaipTableState *t)
{
	List	   *labels = NIL;
	ListCell   *lc;

	foreach(lc, t->replicas)
	{
		MaipReplicaState *r = lfirst(lc);

		labels = lappend(labels, psprintf("%s %s", r->region ? r->region : "?",
										  r->status ? r->status : "?"));
	}
	return labels;
}

static char *
key_type_text(const char *key, char type)
{
	return key && type ? psprintf("%c", type) : NULL;
}

/* The stream column: its view type, ENABLED, or DISABLED. */
static const char *
stream_text(const MaipTableState *t)
{
	if (!t->stream_enabled)
		return "DISABLED";
	return t->stream_view_type ? t->stream_view_type : "ENABLED";
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
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	MaipClient *client = admin_client(&call);
	MaipTableState *t = maip_describe_table_state(client, table);
	MaipTableDesc *keys = t->keys;
	MaipContinuousBackups *pitr = maip_describe_continuous_backups(client, table, true);
	RowSink		sink = admin_begin_rows(fcinfo);
	Row			row;

	row_init(&row, &sink);
	row_text(&row, 0, keys->table);
	row_text(&row, 1, keys->status);
	row_number(&row, 2, t->item_count);
	row_number(&row, 3, t->size_bytes);
	row_text(&row, 4, t->billing_mode);
	row_number(&row, 5, t->read_capacity);
	row_number(&row, 6, t->write_capacity);
	row_text(&row, 7, keys->hash_key);
	row_text(&row, 8, key_type_text(keys->hash_key, keys->hash_type));
	row_text(&row, 9, keys->range_key);
	row_text(&row, 10, key_type_text(keys->range_key, keys->range_type));
	row_set(&row, 11, text_array(index_labels(t)));
	row_text(&row, 12, stream_text(t));
	row_text(&row, 13, pitr ? pitr->pitr_status : NULL);
	row_set(&row, 14, text_array(replica_labels(t)));
	if (t->has_deletion_protection)
		row_set(&row, 15, BoolGetDatum(t->deletion_protection));
	row_time(&row, 16, t->created_at);
	row_text(&row, 17, t->arn);
	row_emit(&sink, &row);
	return (Datum) 0;
}

/* wait_for_table(tbl, timeout, server) -> table state */
Datum
maip_admin_wait_for_table(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 2);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	long		timeout = timeout_ms(fcinfo, 1);

	finish_change(fcinfo, admin_client(&call), table, NULL, true, timeout, emit_table_state);
	return (Datum) 0;
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

/*
 * update_capacity(tbl, read_units, write_units, wait, timeout, server)
 * -> table state.  Sets the table's provisioned throughput; a table that
 * is on-demand now is switched to PROVISIONED (see maip_update_capacity).
 */
Datum
maip_admin_update_capacity(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 5);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	int64		read_units = capacity_units(fcinfo, 1, "read_units");
	int64		write_units = capacity_units(fcinfo, 2, "write_units");
	bool		wait = optional_bool(fcinfo, 3, false);
	long		timeout = wait ? timeout_ms(fcinfo, 4) : 0;
	MaipClient *client = admin_client(&call);
	MaipTableState *current = maip_describe_table_state(client, table);
	MaipTableState *answer = maip_update_capacity(client, table, current,
												  read_units, write_units);

	finish_change(fcinfo, client, table, answer, wait, timeout, emit_table_state);
	return (Datum) 0;
}

/* The mode argument: PAY_PER_REQUEST and its aliases; PROVISIONED needs units. */
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

/* set_billing_mode(tbl, mode, wait, timeout, server) -> table state */
Datum
maip_admin_set_billing_mode(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	const char *mode = billing_mode_argument(required_text(fcinfo, 1, "mode"));
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	MaipClient *client = admin_client(&call);
	MaipTableState *answer = maip_update_billing_mode(client, table, mode);

	finish_change(fcinfo, client, table, answer, wait, timeout, emit_table_state);
	return (Datum) 0;
}
