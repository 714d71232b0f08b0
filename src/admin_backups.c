/*-------------------------------------------------------------------------
 * admin_backups.c
 *		DBA SQL functions for backups and recovery: on-demand backups
 *		(create, list, describe, delete, restore) and point-in-time
 *		recovery (enable, disable, describe, restore).  The rules they
 *		follow are in admin_common.c's header; the operations are
 *		dynamo.c's.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "admin.h"
#include "names.h"

PG_FUNCTION_INFO_V1(maip_admin_create_backup);
PG_FUNCTION_INFO_V1(maip_admin_list_backups);
PG_FUNCTION_INFO_V1(maip_admin_describe_backup);
PG_FUNCTION_INFO_V1(maip_admin_delete_backup);
PG_FUNCTION_INFO_V1(maip_admin_restore_table_from_backup);
PG_FUNCTION_INFO_V1(maip_admin_enable_pitr);
PG_FUNCTION_INFO_V1(maip_admin_disable_pitr);
PG_FUNCTION_INFO_V1(maip_admin_describe_continuous_backups);
PG_FUNCTION_INFO_V1(maip_admin_restore_table_to_point_in_time);

/*
 * backups: table_name, backup_name, backup_arn, status, type, created_at,
 * size_bytes [, item_count: not in list_backups' shape]
 */
static void
emit_backup(RowSink *sink, const MaipBackup *b)
{
	Row			row;

	row_init(&row, sink);
	row_text(&row, 0, b->table);
	row_text(&row, 1, b->name);
	row_text(&row, 2, b->arn);
	row_text(&row, 3, b->status);
	row_text(&row, 4, b->type);
	row_time(&row, 5, b->created_at);
	row_number(&row, 6, b->size_bytes);
	row_number(&row, 7, b->item_count);
	row_emit(sink, &row);
}

/*
 * continuous backups: continuous_backups, pitr_status,
 * earliest_restore_time, latest_restore_time, recovery_period_days
 */
static void
emit_continuous_backups(RowSink *sink, const MaipContinuousBackups *c)
{
	Row			row;

	row_init(&row, sink);
	row_text(&row, 0, c->status);
	row_text(&row, 1, c->pitr_status);
	row_time(&row, 2, c->earliest_restore_time);
	row_time(&row, 3, c->latest_restore_time);
	if (c->recovery_period_days.present)
		row_set(&row, 4, Int32GetDatum((int32) c->recovery_period_days.value));
	row_emit(sink, &row);
}

/* ====================================================================
 * On-demand backups
 * ==================================================================== */

/* create_backup(tbl, backup_name, server) -> backup ARN */
Datum
maip_admin_create_backup(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 2);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	char	   *name = optional_text(fcinfo, 1);

	if (name)
		maip_check_backup_name(name);
	else
		name = maip_default_backup_name(table);
	PG_RETURN_TEXT_P(cstring_to_text(maip_create_backup(admin_client(&call), table, name)));
}

/* list_backups(tbl, server) -> backups, every page */
Datum
maip_admin_list_backups(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *given = optional_text(fcinfo, 0);
	char	   *table = given ? maip_resolve_table_name(call.sopts->env, given) : NULL;
	List	   *backups = maip_list_backups(admin_client(&call), table);
	RowSink		sink = admin_begin_rows(fcinfo);
	ListCell   *lc;

	foreach(lc, backups)
		emit_backup(&sink, lfirst(lc));
	return (Datum) 0;
}

typedef MaipBackup *(*BackupOperation) (MaipClient *client, const char *arn);

/* (backup_arn, server) -> the backup, after operation */
static Datum
on_backup(FunctionCallInfo fcinfo, BackupOperation operation)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *arn = required_text(fcinfo, 0, "backup_arn");
	MaipBackup *b;
	RowSink		sink;

	maip_check_backup_arn(arn);
	b = operation(admin_client(&call), arn);
	sink = admin_begin_rows(fcinfo);
	emit_backup(&sink, b);
	return (Datum) 0;
}

/* describe_backup(backup_arn, server) -> backup with item_count */
Datum
maip_admin_describe_backup(PG_FUNCTION_ARGS)
{
	return on_backup(fcinfo, maip_describe_backup);
}

/* delete_backup(backup_arn, server) -> the deleted backup */
Datum
maip_admin_delete_backup(PG_FUNCTION_ARGS)
{
	return on_backup(fcinfo, maip_delete_backup);
}

/* restore_table_from_backup(target_table, backup_arn, wait, timeout, server) -> table state */
Datum
maip_admin_restore_table_from_backup(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *target = admin_table(fcinfo, &call, 0, "target_table");
	char	   *arn = required_text(fcinfo, 1, "backup_arn");
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout;
	MaipClient *client;
	MaipTableState *answer;

	maip_check_backup_arn(arn);
	timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	client = admin_client(&call);
	answer = maip_restore_table_from_backup(client, target, arn);
	finish_change(fcinfo, client, target, answer, wait, timeout, emit_table_state);
	return (Datum) 0;
}

/* ====================================================================
 * Point-in-time recovery
 * ==================================================================== */

static Datum
set_pitr(FunctionCallInfo fcinfo, bool enabled)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	MaipContinuousBackups *c = maip_update_continuous_backups(admin_client(&call), table, enabled);
	RowSink		sink = admin_begin_rows(fcinfo);

	emit_continuous_backups(&sink, c);
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
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	MaipContinuousBackups *c = maip_describe_continuous_backups(admin_client(&call), table, false);
	RowSink		sink = admin_begin_rows(fcinfo);

	emit_continuous_backups(&sink, c);
	return (Datum) 0;
}

/* The restore_time argument: finite and not in the future. */
static TimestampTz
restore_time(FunctionCallInfo fcinfo, int argno)
{
	TimestampTz when = PG_GETARG_TIMESTAMPTZ(argno);

	if (TIMESTAMP_NOT_FINITE(when))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restore_time must be finite")));
	if (when > GetCurrentTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restore_time lies in the future"),
				 errhint("describe_continuous_backups() shows the restorable window.")));
	return when;
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
	char	   *source = admin_table(fcinfo, &call, 0, "source_table");
	char	   *target = admin_table(fcinfo, &call, 1, "target_table");
	bool		wait = optional_bool(fcinfo, 3, false);
	TimestampTz when = 0;
	long		timeout;
	MaipClient *client;
	MaipTableState *answer;

	if (strcmp(source, target) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source and target table are both \"%s\"", source),
				 errhint("A point-in-time restore creates a new table; name one that does not exist.")));
	if (!PG_ARGISNULL(2))
		when = restore_time(fcinfo, 2);
	timeout = wait ? timeout_ms(fcinfo, 4) : 0;
	client = admin_client(&call);
	answer = maip_restore_table_to_point_in_time(client, source, target,
												 PG_ARGISNULL(2) ? NULL : &when);
	finish_change(fcinfo, client, target, answer, wait, timeout, emit_table_state);
	return (Datum) 0;
}
