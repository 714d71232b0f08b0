/*-------------------------------------------------------------------------
 * admin_replicas.c
 *		DBA SQL functions for global-table replicas: list, add, remove.
 *		The rules they follow are in admin_common.c's header; the
 *		operations are dynamo.c's.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "admin.h"
#include "names.h"

PG_FUNCTION_INFO_V1(maip_admin_list_replicas);
PG_FUNCTION_INFO_V1(maip_admin_add_replica);
PG_FUNCTION_INFO_V1(maip_admin_remove_replica);

/* replicas: region, status, status_description, progress, read_capacity_override, table_class */
static void
emit_replicas(RowSink *sink, const MaipTableState *t)
{
	ListCell   *lc;

	foreach(lc, t->replicas)
	{
		MaipReplicaState *r = lfirst(lc);
		Row			row;

		row_init(&row, sink);
		row_text(&row, 0, r->region);
		row_text(&row, 1, r->status);
		row_text(&row, 2, r->status_description);
		row_text(&row, 3, r->progress);
		row_number(&row, 4, r->read_capacity_override);
		row_text(&row, 5, r->table_class);
		row_emit(sink, &row);
	}
}

/* list_replicas(tbl, server) -> replicas */
Datum
maip_admin_list_replicas(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 1);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	MaipTableState *t = maip_describe_table_state(admin_client(&call), table);
	RowSink		sink = admin_begin_rows(fcinfo);

	emit_replicas(&sink, t);
	return (Datum) 0;
}

/* add_replica / remove_replica: UpdateTable with one replica update. */
static Datum
change_replica(FunctionCallInfo fcinfo, bool create)
{
	AdminCall	call = admin_call(fcinfo, 4);
	char	   *table = admin_table(fcinfo, &call, 0, "table");
	char	   *region = required_text(fcinfo, 1, "region");
	bool		wait = optional_bool(fcinfo, 2, false);
	long		timeout;
	MaipClient *client;
	MaipTableState *answer;

	maip_check_region(region);
	if (strcmp(region, call.sopts->region) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("region \"%s\" is the region of server \"%s\" itself", region,
						call.server->servername),
				 errhint("Replicas are tables in other regions.")));
	timeout = wait ? timeout_ms(fcinfo, 3) : 0;
	client = admin_client(&call);
	answer = maip_update_replica(client, table, region, create);
	finish_change(fcinfo, client, table, answer, wait, timeout, emit_replicas);
	return (Datum) 0;
}

/* add_replica(tbl, region, wait, timeout, server) -> replicas */
Datum
maip_admin_add_replica(PG_FUNCTION_ARGS)
{
	return change_replica(fcinfo, true);
}

/* remove_replica(tbl, region, wait, timeout, server) -> replicas */
Datum
maip_admin_remove_replica(PG_FUNCTION_ARGS)
{
	return change_replica(fcinfo, false);
}
