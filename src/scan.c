/*-------------------------------------------------------------------------
 * scan.c
 *		Execute a foreign scan's reads (Scan, Query, one Query per key,
 *		GetItem, BatchGetItem) one page in memory at a time; ANALYZE.
 *
 * The plan (scanplan.h) says what to send; per execution the values are
 * evaluated, and those DynamoDB cannot take leave out their condition or
 * end the scan before any request (values.c).  Each page comes from
 * dynamo.c's typed reads, checked, into page_cxt, which is reset before
 * the next request, so a scan of any size runs in the memory of its
 * largest page.  Rows are formed straight from the parsed page: only the
 * columns the query uses are converted, into item_cxt, reset per row.
 * The paging token (LastEvaluatedKey) and the keys still to send are what
 * outlives a page.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/vacuum.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "port/atomics.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/ruleutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "convert.h"
#include "dynamo.h"
#include "expr.h"
#include "options.h"
#include "request.h"
#include "scan.h"
#include "scanplan.h"
#include "values.h"

/* One column the scan fills. */
typedef struct ScanColumn
{
	int			index;			/* 0-based position in the tuple */
	char	   *colname;
	char	   *attribute;
	bool		is_item;
	int			part;			/* '#'-separated part of the attribute, 0 = whole */
	int			nparts;
	MaipConverter conv;
} ScanColumn;

/*
 * What the processes of a parallel scan share (in the DSM segment): the
 * next segment to claim.  A process reads its segment to the end, then
 * claims another, so a slow segment does not hold the others back.
 */
typedef struct MaipParallelScan
{
	pg_atomic_uint32 next_segment;
	pg_atomic_uint64 consumed_milli;	/* read capacity used by all, in 1/1000 units */
	TimestampTz started;		/* when the scan began: the read-rate budget's start */
} MaipParallelScan;

typedef struct MaipScanState
{
	MaipClient *client;
	const MaipScanPlan *plan;
	int			nvalues;
	char	   *projection;		/* "#n3,#n4", or NULL for whole items */
	Bitmapset  *proj_names;		/* the names the projection uses */
	List	   *value_states;	/* ExprState per value */

	ScanColumn *columns;
	int			ncolumns;
	int			item_column;	/* index into columns, or -1 */

	MemoryContext values_cxt;	/* evaluated values and key lists, reset per rescan */
	MemoryContext page_cxt;		/* the current page, reset per page */
	MemoryContext item_cxt;		/* values of the current row, reset per row */

	/* per (re)scan */
	bool		prepared;		/* values evaluated */
	bool		no_match;		/* a value is NULL: no row can match */
	bool		done;
	char	  **value_avs;		/* AttributeValue JSON per scalar value */
	bool	   *value_dropped;	/* its condition is left out this time (values.h) */
	char	  **sent_values;	/* value_avs the expressions sent this time use, else NULL */
	char	   *key_condition_now;	/* the expressions sent this time */
	char	   *filter_now;
	Bitmapset  *expr_names;		/* the names they and the projection use */
	List	   *keys;			/* MULTIQUERY: partition-key AVs; BATCHGET: key objects */
	int			key_pos;
	List	   *unprocessed;	/* BATCHGET: keys DynamoDB asked us to send again */
	int			unprocessed_rounds;

	char	   *start_key;		/* LastEvaluatedKey JSON of the last page, or NULL */
	const cJSON *next_item;
	int64		count_left;		/* rows still to emit from a Select COUNT page */

	/* Scan: the segment read (ANALYZE samples every segment; a parallel scan claims them) */
	int			segment;
	int			total_segments; /* 0: the whole table */
	struct MaipParallelScan *shared;	/* parallel scan: the segment counter, or NULL */

	/* read_rate_limit: capacity used since started (shared's, in a parallel scan) */
	TimestampTz paced_since;
	double		paced_units;

	/* for the error context while converting */
	const cJSON *cur_item;
	const ScanColumn *cur_column;

	/* EXPLAIN ANALYZE */
	int64		pages;
	int64		scanned;
	int64		returned;
	double		consumed_rcu;
} MaipScanState;

static Oid
scan_user(ForeignScanState *node)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;

#if PG_VERSION_NUM >= 160000
	return OidIsValid(fsplan->checkAsUser) ? fsplan->checkAsUser : GetUserId();
#else
	EState	   *estate = node->ss.ps.state;
	RangeTblEntry *rte = exec_rt_fetch(fsplan->scan.scanrelid, estate);

	return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
#endif
}

static void
init_columns(MaipScanState *st, Relation rel, List *attnums)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	ListCell   *lc;
	int			i = 0;

	st->ncolumns = list_length(attnums);
	st->columns = palloc0(sizeof(ScanColumn) * Max(st->ncolumns, 1));
	st->item_column = -1;
	foreach(lc, attnums)
	{
		int			attnum = lfirst_int(lc);
		Form_pg_attribute att = TupleDescAttr(tupdesc, attnum - 1);
		ScanColumn *col = &st->columns[i];
		MaipColumnOptions *copts = maip_get_column_options(RelationGetRelid(rel), attnum,
														   NameStr(att->attname));

		col->index = attnum - 1;
		col->colname = pstrdup(NameStr(att->attname));
		col->attribute = copts->attribute;
		col->is_item = copts->is_item;
		col->part = copts->part;
		col->nparts = copts->nparts;
		maip_converter_init(&col->conv, att->atttypid, att->atttypmod);
		if (col->is_item)
			st->item_column = i;
		i++;
	}
}

static Bitmapset *
add_int_members(Bitmapset *set, List *ints)
{
	ListCell   *lc;

	foreach(lc, ints)
		set = bms_add_member(set, lfirst_int(lc));
	return set;
}

static char *
projection_expression(List *projection)
{
	StringInfoData buf;
	ListCell   *lc;

	if (projection == NIL)
		return NULL;
	initStringInfo(&buf);
	foreach(lc, projection)
		appendStringInfo(&buf, "%s#n%d", buf.len ? "," : "", lfirst_int(lc));
	return buf.data;
}

/*
 * The state both a foreign scan and ANALYZE start from: the plan, the
 * client, the columns to fill and the memory contexts (children of
 * parent).  Values are evaluated later, per (re)scan.
 */
static void
init_scan_state(MaipScanState *st, const MaipScanPlan *plan, Relation rel, Oid userid,
				MemoryContext parent)
{
	ForeignTable *ft = GetForeignTable(RelationGetRelid(rel));

	st->client = maip_client_create(GetForeignServer(ft->serverid), userid);
	init_columns(st, rel, plan->retrieved);
	st->values_cxt = AllocSetContextCreate(parent, "maip_fdw values", ALLOCSET_SMALL_SIZES);
	st->page_cxt = AllocSetContextCreate(parent, "maip_fdw page", ALLOCSET_DEFAULT_SIZES);
	st->item_cxt = AllocSetContextCreate(parent, "maip_fdw row", ALLOCSET_SMALL_SIZES);
}

/* The plan and what follows from it alone (also for EXPLAIN without ANALYZE). */
static void
set_plan(MaipScanState *st, const MaipScanPlan *plan)
{
	st->plan = plan;
	st->nvalues = strlen(plan->value_types);
	st->projection = projection_expression(plan->projection);
	st->proj_names = add_int_members(NULL, plan->projection);
}

void
maipBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	MaipScanState *st = palloc0(sizeof(MaipScanState));

	node->fdw_state = st;
	set_plan(st, maip_scan_plan_deserialize(fsplan->fdw_private));

	/* EXPLAIN without ANALYZE: no connection, no conversion state */
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	init_scan_state(st, st->plan, node->ss.ss_currentRelation, scan_user(node),
					node->ss.ps.state->es_query_cxt);
	st->value_states = ExecInitExprList(fsplan->fdw_exprs, (PlanState *) node);
}

/*
 * DynamoDB keys are 1 to 2048 bytes (partition) and 1 to 1024 bytes
 * (sort).  A value outside that cannot equal any key: the answer is "no
 * row", which is what PostgreSQL would say, where DynamoDB would reject
 * the request.
 */
#define MAX_PARTITION_KEY_BYTES 2048
#define MAX_SORT_KEY_BYTES 1024

static char *output_text(Datum d, Oid typid);

static bool
key_too_long(Datum d, Oid typid, char type, int limit)
{
	if (type == 'B')
		return VARSIZE_ANY_EXHDR(DatumGetPointer(d)) > (Size) limit;
	if (type != 'S')
		return false;
	return strlen(output_text(d, typid)) > (size_t) limit;
}

/* Can a key hold this value (not empty, not too long, a number DynamoDB stores)? */
static bool
key_possible(Datum d, Oid typid, char type, int limit)
{
	return maip_value_fit(d, typid, type, NULL, NULL) == MAIP_FIT_OK &&
		!key_too_long(d, typid, type, limit);
}

/* Partition-key values of an array (IN list), as AVs, NULLs dropped, duplicates removed. */
static List *
array_key_avs(Datum arraydatum, Oid arraytype, char type)
{
	Oid			elemtype = get_element_type(arraytype);
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
	deconstruct_array(DatumGetArrayTypeP(arraydatum), elemtype, elmlen, elmbyval, elmalign,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		StringInfoData av;
		ListCell   *lc;
		bool		dup = false;

		if (nulls[i] || !key_possible(elems[i], elemtype, type, MAX_PARTITION_KEY_BYTES))
			continue;
		initStringInfo(&av);
		maip_datum_to_av(&av, elems[i], elemtype, type);
		foreach(lc, result)
			if (strcmp(lfirst(lc), av.data) == 0)
				dup = true;
		if (!dup)
			result = lappend(result, av.data);
	}
	return result;
}

static char *
output_text(Datum d, Oid typid)
{
	Oid			outfunc;
	bool		isvarlena;

	getTypeOutputInfo(typid, &outfunc, &isvarlena);
	return OidOutputFunctionCall(outfunc, d);
}

static Datum
numeric_from_text(const char *s)
{
	return DirectFunctionCall3(numeric_in, CStringGetDatum(s),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* Is the BETWEEN empty (low > high, in DynamoDB's order for the key type)? */
static bool
between_is_empty(Datum lo, Oid lotype, Datum hi, Oid hitype, char type)
{
	if (type == 'B')
	{
		bytea	   *x = DatumGetByteaPP(lo);
		bytea	   *y = DatumGetByteaPP(hi);
		int			lx = VARSIZE_ANY_EXHDR(x);
		int			ly = VARSIZE_ANY_EXHDR(y);
		int			c = memcmp(VARDATA_ANY(x), VARDATA_ANY(y), Min(lx, ly));

		return c > 0 || (c == 0 && lx > ly);
	}
	if (type == 'N')
	{
		/* each bound through its own type (an int4 low and an int8 high bound) */
		Datum		l = numeric_from_text(output_text(lo, lotype));
		Datum		h = numeric_from_text(output_text(hi, hitype));

		return DatumGetInt32(DirectFunctionCall2(numeric_cmp, l, h)) > 0;
	}
	/* S: UTF-8 bytes, as DynamoDB compares */
	return strcmp(output_text(lo, lotype), output_text(hi, hitype)) > 0;
}

/*
 * One scalar value for this execution, in its role: its AttributeValue,
 * or value_dropped / no_match when DynamoDB cannot take it (values.h).
 * A number rounded to a storable neighbour replaces *d (for the BETWEEN
 * check).
 */
static void
prepare_value(MaipScanState *st, int i, Datum *d, Oid *typid)
{
	char		type = st->plan->value_types[i];
	char		role = st->plan->value_roles[i];
	char	   *send_n = NULL;
	StringInfoData av;

	if (role == MAIP_ROLE_LIKE)
	{
		bool		exact;
		char	   *prefix = maip_like_prefix(TextDatumGetCString(*d), &exact);

		/* the condition is rechecked here: only its literal prefix goes remote */
		if (prefix[0] == '\0')
		{
			st->value_dropped[i] = true;
			return;
		}
		*d = CStringGetTextDatum(prefix);
		*typid = TEXTOID;
		role = MAIP_ROLE_PREFIX;
	}
	switch (maip_value_use(*d, *typid, type, role, &send_n))
	{
		case MAIP_USE_NO_MATCH:
			st->no_match = true;
			return;
		case MAIP_USE_DROP:
			st->value_dropped[i] = true;
			return;
		case MAIP_USE_SEND:
			break;
	}
	if ((role == MAIP_ROLE_KEY || role == MAIP_ROLE_EQ) &&
		key_too_long(*d, *typid, type, i == st->plan->hash_value ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES))
	{
		st->no_match = true;
		return;
	}
	initStringInfo(&av);
	if (send_n)
	{
		appendStringInfo(&av, "{\"N\":\"%s\"}", send_n);
		*d = numeric_from_text(send_n);
		*typid = NUMERICOID;
	}
	else
		maip_datum_to_av(&av, *d, *typid, type);
	st->value_avs[i] = av.data;
}

/* Does the filter term use a value that is left out this time? */
static bool
term_dropped(MaipScanState *st, const MaipFilterTerm *t)
{
	for (int i = t->first_value; i < t->first_value + t->nvalues; i++)
		if (st->value_dropped[i])
			return true;
	return false;
}

static void
mark_values_sent(MaipScanState *st, int first, int n)
{
	for (int i = first; i < first + n; i++)
		st->sent_values[i] = st->value_avs[i];
}

/* The Query's key condition this time, without a sort-key bound a value left out. */
static char *
key_condition_now(MaipScanState *st, Bitmapset **names)
{
	const MaipScanPlan *p = st->plan;
	StringInfoData kc;
	int			v1 = (p->rc_v1 >= 0 && !st->value_dropped[p->rc_v1]) ? p->rc_v1 : -1;
	int			v2 = (p->rc_v2 >= 0 && !st->value_dropped[p->rc_v2]) ? p->rc_v2 : -1;

	initStringInfo(&kc);
	maip_expr_compare(&kc, p->hash_name, "=", p->hash_value);
	*names = bms_add_member(*names, p->hash_name);
	mark_values_sent(st, p->hash_value, 1);
	if (v1 >= 0 || v2 >= 0)
	{
		appendStringInfoString(&kc, " AND ");
		maip_expr_range_condition(&kc, p->rc_name, v1, v1 >= 0 ? p->value_roles[v1] : 0,
								  v2, v2 >= 0 ? p->value_roles[v2] : 0);
		*names = bms_add_member(*names, p->rc_name);
		if (v1 >= 0)
			mark_values_sent(st, v1, 1);
		if (v2 >= 0)
			mark_values_sent(st, v2, 1);
	}
	return kc.data;
}

/*
 * The key condition and filter to send this time: the planned ones less
 * the sort-key bounds and filter terms whose values drop them; and the
 * names and values those use (DynamoDB refuses unused ones), as the plan
 * says each part uses them.
 */
static void
build_expressions(MaipScanState *st)
{
	const MaipScanPlan *p = st->plan;
	StringInfoData filter;
	ListCell   *lc;
	Bitmapset  *names = NULL;

	st->key_condition_now = NULL;
	if (p->op == MAIP_QUERY || p->op == MAIP_MULTIQUERY)
		st->key_condition_now = key_condition_now(st, &names);
	initStringInfo(&filter);
	foreach(lc, p->filter_terms)
	{
		MaipFilterTerm *t = lfirst(lc);

		if (term_dropped(st, t))
			continue;
		if (filter.len > 0)
			appendStringInfoString(&filter, " AND ");
		appendStringInfoString(&filter, t->text);
		names = add_int_members(names, t->names);
		mark_values_sent(st, t->first_value, t->nvalues);
	}
	st->filter_now = filter.len ? filter.data : NULL;
	if (!(p->flags & MAIP_FLAG_COUNT_ONLY))
		names = bms_add_members(names, st->proj_names);
	st->expr_names = names;
}

static void claim_segment(MaipScanState *st);

/* A GetItem/BatchGetItem key: the partition key's AttributeValue, and the sort key's. */
static char *
key_object(MaipScanState *st, const char *hash_av)
{
	MaipJsonBody key;

	maip_body_init(&key);
	maip_body_raw(&key, strVal(list_nth(st->plan->names, st->plan->hash_name)), hash_av);
	if (st->plan->range_name >= 0)
		maip_body_raw(&key, strVal(list_nth(st->plan->names, st->plan->range_name)),
					  st->value_avs[st->plan->range_value]);
	return maip_body_finish(&key)->data;
}

/* Evaluate the values (constants and parameters) for this execution. */
static void
prepare_values(MaipScanState *st, ExprContext *econtext)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->values_cxt);
	int			nvalues = list_length(st->value_states);
	ListCell   *lc;
	int			i = 0;

	Datum	   *datums = palloc0(sizeof(Datum) * Max(nvalues, 1));
	Oid		   *typids = palloc0(sizeof(Oid) * Max(nvalues, 1));

	st->value_avs = palloc0(sizeof(char *) * Max(nvalues, 1));
	st->value_dropped = palloc0(sizeof(bool) * Max(nvalues, 1));
	st->sent_values = palloc0(sizeof(char *) * Max(nvalues, 1));
	foreach(lc, st->value_states)
	{
		ExprState  *es = lfirst(lc);
		bool		isnull;

		datums[i] = ExecEvalExpr(es, econtext, &isnull);
		typids[i] = exprType((Node *) es->expr);
		if (isnull)
			st->no_match = true;	/* every pushed condition is ANDed: NULL matches nothing */
		else if ((st->plan->op == MAIP_MULTIQUERY || st->plan->op == MAIP_BATCHGET) && i == st->plan->hash_value)
			st->keys = array_key_avs(datums[i], typids[i], st->plan->value_types[i]);
		else
			prepare_value(st, i, &datums[i], &typids[i]);
		i++;
	}

	if (st->plan->rc_v1 >= 0 && st->plan->rc_v2 >= 0 && !st->no_match &&
		!st->value_dropped[st->plan->rc_v1] && !st->value_dropped[st->plan->rc_v2] &&
		between_is_empty(datums[st->plan->rc_v1], typids[st->plan->rc_v1], datums[st->plan->rc_v2], typids[st->plan->rc_v2],
						 st->plan->value_types[st->plan->rc_v1]))
		st->no_match = true;

	if (st->plan->op == MAIP_GETITEM && !st->no_match)
		st->keys = list_make1(key_object(st, st->value_avs[st->plan->hash_value]));
	if (st->plan->op == MAIP_BATCHGET && !st->no_match)
	{
		/* turn partition-key AVs into whole key objects */
		List	   *objs = NIL;

		foreach(lc, st->keys)
			objs = lappend(objs, key_object(st, lfirst(lc)));
		st->keys = objs;
	}
	if ((st->plan->op == MAIP_MULTIQUERY || st->plan->op == MAIP_BATCHGET) && st->keys == NIL)
		st->no_match = true;
	if (!st->no_match)
		build_expressions(st);
	if (st->shared && !st->no_match)
		claim_segment(st);
	st->paced_since = GetCurrentTimestamp();
	st->paced_units = 0;
	st->prepared = true;
	MemoryContextSwitchTo(oldcxt);
}

/*
 * The read to send next: the plan's table, index, options and projection,
 * this execution's expressions, and the names and values they use.
 */
static void
fill_read_request(MaipScanState *st, MaipReadRequest *r)
{
	const MaipScanPlan *p = st->plan;
	bool		by_key = p->op == MAIP_GETITEM || p->op == MAIP_BATCHGET;

	memset(r, 0, sizeof(*r));
	r->table = p->table;
	r->index_name = p->index_name;
	r->key_condition = st->key_condition_now;
	r->filter = st->filter_now;
	r->projection = st->projection;
	r->count_only = (p->flags & MAIP_FLAG_COUNT_ONLY) != 0;
	r->names = p->names;
	/* GetItem and BatchGetItem have a projection and no other expression */
	r->used_names = by_key ? st->proj_names : st->expr_names;
	r->values = st->sent_values;
	r->nvalues = st->nvalues;
	if (p->op == MAIP_MULTIQUERY)
		r->values[p->hash_value] = list_nth(st->keys, st->key_pos);
	r->consistent = (p->flags & MAIP_FLAG_CONSISTENT) != 0;
	r->backward = (p->flags & MAIP_FLAG_BACKWARD) != 0;
	r->limit = p->limit;
	r->start_key = st->start_key;
	r->segment = st->segment;
	r->total_segments = st->total_segments;
	r->key_attrs = p->key_attrs;
}

static bool
has_more_pages(MaipScanState *st)
{
	if (st->no_match)
		return false;
	switch (st->plan->op)
	{
		case MAIP_MULTIQUERY:
			return st->key_pos < list_length(st->keys);
		case MAIP_BATCHGET:
			return st->key_pos < list_length(st->keys) || st->unprocessed != NIL;
		default:
			return !st->done;
	}
}

/* The next (up to) MAIP_BATCH_GET_KEYS keys of a BatchGetItem. */
static List *
next_batch(MaipScanState *st)
{
	List	   *batch = NIL;

	while (list_length(batch) < MAIP_BATCH_GET_KEYS && st->key_pos < list_length(st->keys))
		batch = lappend(batch, list_nth(st->keys, st->key_pos++));
	return batch;
}

/* BatchGetItem's unprocessed keys go round again, after the one backoff. */
static void
requeue_unprocessed(MaipScanState *st, List *unprocessed)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->values_cxt);
	ListCell   *lc;

	foreach(lc, unprocessed)
		st->unprocessed = lappend(st->unprocessed, pstrdup(lfirst(lc)));
	MemoryContextSwitchTo(oldcxt);

	if (st->key_pos >= list_length(st->keys) && st->unprocessed != NIL)
	{
		/* the first round is done: send the leftovers, a little later each time */
		list_free_deep(st->keys);
		st->keys = st->unprocessed;
		st->unprocessed = NIL;
		st->key_pos = 0;
		maip_dynamo_requeue_wait(st->client, ++st->unprocessed_rounds, "BatchGetItem",
								 st->plan->table);
	}
}

/*
 * A parallel scan's next segment for this process; done when none is
 * left.  The paging token starts afresh.
 */
static void
claim_segment(MaipScanState *st)
{
	uint32		next = pg_atomic_fetch_add_u32(&st->shared->next_segment, 1);

	st->total_segments = st->plan->segments;
	st->segment = (int) next;
	st->done = next >= (uint32) st->plan->segments;
	if (st->start_key)
		pfree(st->start_key);
	st->start_key = NULL;
}

/* After a Scan or Query page: where the next one starts, or on to the next key. */
static void
advance(MaipScanState *st, const char *last_key)
{
	/* the paging token must outlive this page: keep it in the values context */
	if (st->start_key)
		pfree(st->start_key);
	st->start_key = last_key ? MemoryContextStrdup(st->values_cxt, last_key) : NULL;
	if (last_key == NULL)
	{
		if (st->plan->op == MAIP_MULTIQUERY)
			st->key_pos++;		/* this partition is done: on to the next key */
		else if (st->shared)
			claim_segment(st);	/* this segment is done: on to another */
		else
			st->done = true;
	}
}

/*
 * read_rate_limit: after a page, wait until the capacity used so far
 * (by every process of a parallel scan together) fits the rate since the
 * scan began.  DynamoDB reports what each page consumed; the wait is a
 * sleep that query cancel and statement_timeout end.
 */
static void
pace_reads(MaipScanState *st, double consumed)
{
	double		used;
	TimestampTz since;
	long		wait_ms;

	if (st->plan->read_rate <= 0 || st->plan->op == MAIP_GETITEM || st->plan->op == MAIP_BATCHGET)
		return;
	if (st->shared)
	{
		used = (pg_atomic_add_fetch_u64(&st->shared->consumed_milli, (uint64) (consumed * 1000)) / 1000.0);
		since = st->shared->started;
	}
	else
	{
		used = (st->paced_units += consumed);
		since = st->paced_since;
	}
	wait_ms = (long) (used * 1000.0 / st->plan->read_rate) -
		(long) ((GetCurrentTimestamp() - since) / 1000);
	if (wait_ms > 0)
		maip_sleep_ms(wait_ms);
}

/* Ask for the next page; leaves next_item / count_left set from it. */
static void
fetch_page(MaipScanState *st)
{
	MemoryContext oldcxt;
	MaipReadRequest r;
	MaipReadPage page;

	MemoryContextReset(st->page_cxt);
	oldcxt = MemoryContextSwitchTo(st->page_cxt);
	fill_read_request(st, &r);
	switch (st->plan->op)
	{
		case MAIP_GETITEM:
			maip_dynamo_get_item(st->client, &r, linitial(st->keys), &page);
			st->done = true;
			break;
		case MAIP_BATCHGET:
			maip_dynamo_batch_get_item(st->client, &r, next_batch(st), &page);
			break;
		case MAIP_SCAN:
			maip_dynamo_scan(st->client, &r, &page);
			break;
		case MAIP_QUERY:
		case MAIP_MULTIQUERY:
			maip_dynamo_query(st->client, &r, &page);
			break;
	}
	st->pages++;
	st->scanned += page.scanned;
	st->consumed_rcu += page.consumed;
	pace_reads(st, page.consumed);
	st->next_item = page.items;
	st->count_left = page.count;
	MemoryContextSwitchTo(oldcxt);

	if (st->plan->op == MAIP_BATCHGET)
		requeue_unprocessed(st, page.unprocessed);
	else if (st->plan->op != MAIP_GETITEM)
		advance(st, page.last_key);
}

static void
conversion_error_context(void *arg)
{
	MaipScanState *st = (MaipScanState *) arg;
	StringInfoData key;
	ListCell   *lc;

	if (st->cur_column == NULL)
		return;
	initStringInfo(&key);
	foreach(lc, st->plan->key_attrs)
	{
		const char *name = strVal(lfirst(lc));
		const cJSON *av = cJSON_GetObjectItemCaseSensitive(st->cur_item, name);

		appendStringInfo(&key, "%s%s=", key.len ? ", " : "", name);
		if (av)
			maip_av_to_display(&key, av);
		else
			appendStringInfoString(&key, "?");
	}
	if (key.len)
		errcontext("column \"%s\" (DynamoDB attribute \"%s\") of the item with key (%s) in table \"%s\"",
				   st->cur_column->colname, st->cur_column->attribute, key.data, st->plan->table);
	else
		errcontext("column \"%s\" (DynamoDB attribute \"%s\") of an item in table \"%s\"",
				   st->cur_column->colname, st->cur_column->attribute, st->plan->table);
}

/* Fill the slot from one item, converting only the retrieved columns. */
static void
store_item(MaipScanState *st, const cJSON *item, TupleTableSlot *slot)
{
	Datum	   *values = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	ErrorContextCallback errcb;
	const cJSON *attr;

	memset(nulls, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);

	/* maip_check_answer made sure: an object of named AttributeValues */
	errcb.callback = conversion_error_context;
	errcb.arg = st;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	st->cur_item = item;

	if (st->item_column >= 0)
	{
		const ScanColumn *col = &st->columns[st->item_column];

		st->cur_column = col;
		values[col->index] = maip_item_to_datum(&col->conv, item);
		nulls[col->index] = false;
	}

	/* one pass over the item's attributes, matching each to the columns that want it */
	cJSON_ArrayForEach(attr, item)
	{
		for (int i = 0; i < st->ncolumns; i++)
		{
			const ScanColumn *col = &st->columns[i];

			if (col->is_item || attr->string[0] != col->attribute[0] ||
				strcmp(attr->string, col->attribute) != 0)
				continue;
			st->cur_column = col;
			if (col->part > 0)
				values[col->index] = maip_av_part_to_datum(&col->conv, attr, col->part,
														   col->nparts, &nulls[col->index]);
			else
				values[col->index] = maip_av_to_datum(&col->conv, attr, &nulls[col->index]);
		}
	}

	st->cur_column = NULL;
	error_context_stack = errcb.previous;
	ExecStoreVirtualTuple(slot);
}

TupleTableSlot *
maipIterateForeignScan(ForeignScanState *node)
{
	MaipScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	MemoryContext oldcxt;

	ExecClearTuple(slot);
	if (!st->prepared)
		prepare_values(st, node->ss.ps.ps_ExprContext);
	while (st->next_item == NULL && st->count_left == 0)
	{
		if (!has_more_pages(st))
			return slot;
		CHECK_FOR_INTERRUPTS();
		fetch_page(st);
	}

	if (st->count_left > 0)
	{
		st->count_left--;
		st->returned++;
		ExecStoreAllNullTuple(slot);
		return slot;
	}

	MemoryContextReset(st->item_cxt);
	oldcxt = MemoryContextSwitchTo(st->item_cxt);
	store_item(st, st->next_item, slot);
	MemoryContextSwitchTo(oldcxt);
	st->next_item = st->next_item->next;
	st->returned++;
	return slot;
}

void
maipReScanForeignScan(ForeignScanState *node)
{
	MaipScanState *st = node->fdw_state;

	/* parameters may have changed: evaluate again on the next fetch */
	st->prepared = false;
	st->no_match = false;
	st->done = false;
	st->keys = NIL;
	st->key_pos = 0;
	st->unprocessed = NIL;
	st->unprocessed_rounds = 0;
	st->start_key = NULL;
	st->next_item = NULL;
	st->count_left = 0;
	MemoryContextReset(st->values_cxt);
	MemoryContextReset(st->page_cxt);
}

void
maipEndForeignScan(ForeignScanState *node)
{
	/* everything lives in the query's memory; nothing held outside it */
}

static char *
names_for_explain(MaipScanState *st)
{
	StringInfoData buf;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&buf);
	foreach(lc, st->plan->names)
	{
		appendStringInfo(&buf, "%s#n%d = ", i ? ", " : "", i);
		maip_json_append_string(&buf, strVal(lfirst(lc)));
		i++;
	}
	return buf.data;
}

static char *
values_for_explain(ForeignScanState *node, MaipScanState *st, ExplainState *es)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	StringInfoData buf;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&buf);
	foreach(lc, fsplan->fdw_exprs)
	{
		appendStringInfo(&buf, "%s:v%d = %s", i ? ", " : "", i,
						 deparse_expression(lfirst(lc), es->deparse_cxt, false, false));
		i++;
	}
	return buf.data;
}

void
maipExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	MaipScanState *st = node->fdw_state;
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;

	ExplainPropertyText("DynamoDB Operation",
						st->plan->op == MAIP_MULTIQUERY ? "Query per partition key" : maip_operation_name(st->plan->op), es);
	ExplainPropertyText("DynamoDB Table", st->plan->table, es);
	if (st->plan->index_name)
		ExplainPropertyText("DynamoDB Index", st->plan->index_name, es);
	if (st->plan->segments > 0)
		ExplainPropertyInteger("DynamoDB Segments", NULL, st->plan->segments, es);
	if (es->verbose)
	{
		if (st->plan->key_condition)
			ExplainPropertyText("DynamoDB Key Condition", st->plan->key_condition, es);
		if (st->plan->op == MAIP_GETITEM || st->plan->op == MAIP_BATCHGET)
			ExplainPropertyText("DynamoDB Key",
								st->plan->range_name >= 0 ? psprintf("#n%d = :v%d, #n%d = :v%d",
															   st->plan->hash_name, st->plan->hash_value,
															   st->plan->range_name, st->plan->range_value)
								: psprintf("#n%d = :v%d", st->plan->hash_name, st->plan->hash_value), es);
		if (st->plan->filter)
			ExplainPropertyText("DynamoDB Filter", st->plan->filter, es);
		if (st->plan->flags & MAIP_FLAG_COUNT_ONLY)
			ExplainPropertyText("DynamoDB Select", "COUNT", es);
		else
			ExplainPropertyText("DynamoDB Projection", st->projection ? st->projection : "(whole items)", es);
		if (st->plan->names != NIL)
			ExplainPropertyText("DynamoDB Names", names_for_explain(st), es);
		if (fsplan->fdw_exprs != NIL)
			ExplainPropertyText("DynamoDB Values", values_for_explain(node, st, es), es);
		if (st->plan->op == MAIP_QUERY || st->plan->op == MAIP_MULTIQUERY)
			ExplainPropertyText("DynamoDB Scan Direction",
								(st->plan->flags & MAIP_FLAG_BACKWARD) ? "Backward" : "Forward", es);
		if (st->plan->limit > 0)
			ExplainPropertyInteger("DynamoDB Limit", NULL, st->plan->limit, es);
		if (st->plan->flags & MAIP_FLAG_CONSISTENT)
			ExplainPropertyText("DynamoDB Consistent Read", "true", es);
		if (st->plan->read_rate > 0)
			ExplainPropertyInteger("DynamoDB Read Rate Limit", "units/s", st->plan->read_rate, es);
	}
	if (es->analyze && st->client)
	{
		ExplainPropertyInteger("DynamoDB Requests", NULL, st->client->requests, es);
		ExplainPropertyInteger("DynamoDB Retries", NULL, st->client->retries, es);
		ExplainPropertyInteger("DynamoDB Pages", NULL, st->pages, es);
		ExplainPropertyInteger("DynamoDB Items Scanned", NULL, st->scanned, es);
		ExplainPropertyInteger("DynamoDB Items Returned", NULL, st->returned, es);
		ExplainPropertyFloat("DynamoDB Read Capacity Units", NULL, st->consumed_rcu, 1, es);
	}
}

/* ---------- ANALYZE ---------- */

/* A Scan of whole items into every column, Limit items a page: ANALYZE's sample. */
static MaipScanPlan *
sample_plan(TupleDesc tupdesc, const char *table, int limit)
{
	MaipScanPlan *p = palloc0(sizeof(MaipScanPlan));

	p->op = MAIP_SCAN;
	p->table = pstrdup(table);
	p->value_types = "";
	p->value_roles = "";
	p->hash_name = p->hash_value = p->range_name = p->range_value = -1;
	p->rc_name = p->rc_v1 = p->rc_v2 = -1;
	for (int i = 1; i <= tupdesc->natts; i++)
		if (!TupleDescAttr(tupdesc, i - 1)->attisdropped)
			p->retrieved = lappend_int(p->retrieved, i);
	p->limit = limit;
	return p;
}

/*
 * Sample rows for ANALYZE with bounded Scans of SAMPLE_SEGMENTS segments
 * (DynamoDB's parallel-scan split of the key space), an equal share of
 * targrows from each: a Scan returns a partition's items together, so the
 * first targrows items of one Scan would be a few partitions only.  A
 * segment with fewer items than its share leaves the rest to the next.
 */
#define SAMPLE_SEGMENTS 8

/* Up to quota rows of segment seg into rows[*nrows...]; true if it was read to its end. */
static bool
sample_segment(MaipScanState *st, int seg, int segments, int quota, HeapTuple *rows, int *nrows,
			   TupleTableSlot *slot, MemoryContext outer)
{
	int			got = 0;

	st->segment = seg;
	st->total_segments = segments;
	st->done = false;
	if (st->start_key)
		pfree(st->start_key);
	st->start_key = NULL;
	while (got < quota && !st->done)
	{
		vacuum_delay_point();
		fetch_page(st);
		for (; st->next_item && got < quota; st->next_item = st->next_item->next)
		{
			MemoryContextReset(st->item_cxt);
			MemoryContextSwitchTo(st->item_cxt);
			ExecClearTuple(slot);
			store_item(st, st->next_item, slot);
			MemoryContextSwitchTo(outer);
			rows[(*nrows)++] = heap_form_tuple(slot->tts_tupleDescriptor, slot->tts_values,
											   slot->tts_isnull);
			got++;
		}
	}
	return st->done && st->next_item == NULL;
}

static int
acquire_sample_rows(Relation rel, int elevel, HeapTuple *rows, int targrows,
					double *totalrows, double *totaldeadrows)
{
	ForeignTable *ft = GetForeignTable(RelationGetRelid(rel));
	MaipTableOptions *topts = maip_get_table_options(RelationGetRelid(rel));
	TupleDesc	tupdesc = RelationGetDescr(rel);
	MaipScanState *st = palloc0(sizeof(MaipScanState));
	TupleTableSlot *slot = MakeSingleTupleTableSlot(tupdesc, &TTSOpsVirtual);
	MemoryContext outer = CurrentMemoryContext;
	int			segments = targrows >= SAMPLE_SEGMENTS ? SAMPLE_SEGMENTS : 1;
	bool		all_read = true;
	int			nrows = 0;
	MaipTableDesc *desc;

	set_plan(st, sample_plan(tupdesc, topts->table, Min(targrows / segments + 1, 1000)));
	init_scan_state(st, st->plan, rel, GetUserId(), outer);
	for (int seg = 0; seg < segments; seg++)
	{
		/* this segment's share of what is still wanted */
		int			quota = (targrows - nrows) / (segments - seg);

		all_read &= sample_segment(st, seg, segments, quota, rows, &nrows, slot, outer);
	}
	ExecDropSingleTupleTableSlot(slot);

	/*
	 * The table's size, unless every segment was read to its end; as in
	 * planning, a principal that may read but not describe gets an estimate
	 */
	desc = all_read ? NULL
		: maip_table_desc_lookup(GetForeignServer(ft->serverid), GetUserId(), topts->table);
	*totalrows = (all_read || desc == NULL || desc->item_count < nrows) ? nrows : desc->item_count;
	*totaldeadrows = 0;
	MemoryContextDelete(st->values_cxt);
	MemoryContextDelete(st->page_cxt);
	MemoryContextDelete(st->item_cxt);

	ereport(elevel,
			(errmsg("\"%s\": sampled %d items of DynamoDB table \"%s\" (%.0f in all) in %ld pages of %d segments",
					RelationGetRelationName(rel), nrows, topts->table, *totalrows, (long) st->pages,
					segments)));
	return nrows;
}

bool
maipAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages)
{
	*func = acquire_sample_rows;
	*totalpages = 1;
	return true;
}

/* ---------- parallel scan ---------- */

/* Only a Scan path is partial (planner.c); the others may run in a worker whole. */
bool
maipIsForeignScanParallelSafe(PlannerInfo *root, RelOptInfo *rel, RangeTblEntry *rte)
{
	return true;
}

Size
maipEstimateDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt)
{
	return sizeof(MaipParallelScan);
}

void
maipInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt, void *coordinate)
{
	MaipScanState *st = node->fdw_state;
	MaipParallelScan *shared = coordinate;

	pg_atomic_init_u32(&shared->next_segment, 0);
	pg_atomic_init_u64(&shared->consumed_milli, 0);
	shared->started = GetCurrentTimestamp();
	st->shared = shared;
}

/* A rescan under Gather: every segment is unclaimed again. */
void
maipReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt, void *coordinate)
{
	MaipParallelScan *shared = coordinate;

	pg_atomic_write_u32(&shared->next_segment, 0);
	pg_atomic_write_u64(&shared->consumed_milli, 0);
	shared->started = GetCurrentTimestamp();
}

void
maipInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc, void *coordinate)
{
	MaipScanState *st = node->fdw_state;

	st->shared = coordinate;
}
