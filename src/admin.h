/*-------------------------------------------------------------------------
 * admin.h
 *		What the DBA SQL functions (admin_tables.c, admin_backups.c,
 *		admin_replicas.c, admin_identity.c) share, from admin_common.c: result rows, argument
 *		reading, which server a call means, waiting for a table to settle,
 *		and the table-state row.  Only the admin_*.c files include it.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_ADMIN_H
#define MAIP_ADMIN_H

#include "postgres.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

#include "dynamo.h"
#include "options.h"

/* ---------- result rows ---------- */

typedef struct RowSink
{
	Tuplestorestate *store;
	TupleDesc	desc;
} RowSink;

/* Values of one row under construction; every column starts NULL. */
typedef struct Row
{
	Datum		values[24];
	bool		nulls[24];
	int			natts;
} Row;

extern RowSink admin_begin_rows(FunctionCallInfo fcinfo);
extern void row_init(Row *row, const RowSink *sink);
extern void row_emit(RowSink *sink, Row *row);
extern void row_set(Row *row, int col, Datum value);
extern void row_text(Row *row, int col, const char *s);
extern void row_number(Row *row, int col, MaipNumber n);
extern void row_time(Row *row, int col, MaipTime t);
extern Datum text_array(List *strings);

/* table state: table_name, status, billing_mode, read_capacity, write_capacity */
extern void emit_table_state(RowSink *sink, const MaipTableState *t);

/* ---------- arguments ---------- */

extern char *required_text(FunctionCallInfo fcinfo, int argno, const char *what);
extern char *optional_text(FunctionCallInfo fcinfo, int argno);
extern bool optional_bool(FunctionCallInfo fcinfo, int argno, bool dflt);
extern long timeout_ms(FunctionCallInfo fcinfo, int argno);

/* ---------- servers ---------- */

/*
 * Everything one DBA call needs: the server (the named one, or the only
 * one of this wrapper; the caller needs USAGE on it) and its options.
 */
typedef struct AdminCall
{
	ForeignServer *server;
	MaipServerOptions *sopts;
} AdminCall;

extern AdminCall admin_call(FunctionCallInfo fcinfo, int server_argno);

/* Called after validation: credentials are the calling user's mapping. */
extern MaipClient *admin_client(const AdminCall *call);

/* The table argument argno, resolved with the server's env (names.c). */
extern char *admin_table(FunctionCallInfo fcinfo, const AdminCall *call, int argno,
						 const char *what);

/* ---------- waiting ---------- */

typedef void (*EmitState) (RowSink *sink, const MaipTableState *state);

/*
 * The rows to return after a change: the change's answer, or with wait the
 * state once the table has settled (see wait_for_table in admin_common.c).
 */
extern void finish_change(FunctionCallInfo fcinfo, MaipClient *client, const char *table,
						  const MaipTableState *answer, bool wait, long timeout,
						  EmitState emit);

#endif							/* MAIP_ADMIN_H */
