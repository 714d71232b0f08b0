/*-------------------------------------------------------------------------
 * scan.c
 *		Execute a DynamoDB Scan: one page in memory at a time.
 *
 * Each page is requested, parsed and held in page_cxt, which is reset
 * before the next request, so a scan of any size runs in the memory of
 * its largest page.  Rows are formed straight from the parsed page: only
 * the columns the query uses are converted, into item_cxt, which is reset
 * per row.  The paging token (LastEvaluatedKey) is the one thing that
 * outlives a page.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "convert.h"
#include "options.h"
#include "planner.h"
#include "request.h"
#include "scan.h"

/* One column the scan fills. */
typedef struct ScanColumn
{
	int			index;			/* 0-based position in the tuple */
	char	   *colname;
	char	   *attribute;
	bool		is_item;
	MaipConverter conv;
} ScanColumn;

typedef struct MaipScanState
{
	MaipClient *client;
	char	   *operation;
	char	   *table;
	char	   *request;		/* JSON without the paging token */
	bool		count_only;
	List	   *key_attrs;		/* String names, for error messages */

	ScanColumn *columns;
	int			ncolumns;
	int			item_column;	/* index into columns, or -1 */

	MemoryContext page_cxt;		/* the current page, reset per page */
	MemoryContext item_cxt;		/* values of the current row, reset per row */

	char	   *start_key;		/* LastEvaluatedKey JSON of the last page, or NULL */
	bool		started;
	bool		last_page;
	const cJSON *next_item;
	int64		count_left;		/* rows still to emit from a Select COUNT page */

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
		maip_converter_init(&col->conv, att->atttypid, att->atttypmod);
		if (col->is_item)
			st->item_column = i;
		i++;
	}
}

void
maipBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	MaipScanState *st = palloc0(sizeof(MaipScanState));
	ForeignTable *ft;

	node->fdw_state = st;
	st->operation = strVal(list_nth(fsplan->fdw_private, FdwScanPrivateOperation));
	st->table = strVal(list_nth(fsplan->fdw_private, FdwScanPrivateTable));
	st->request = strVal(list_nth(fsplan->fdw_private, FdwScanPrivateRequest));
	st->key_attrs = (List *) list_nth(fsplan->fdw_private, FdwScanPrivateKeyAttrs);
	st->count_only = intVal(list_nth(fsplan->fdw_private, FdwScanPrivateCountOnly)) != 0;

	/* EXPLAIN without ANALYZE: no connection, no conversion state */
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	ft = GetForeignTable(RelationGetRelid(node->ss.ss_currentRelation));
	st->client = maip_client_create(GetForeignServer(ft->serverid), scan_user(node));
	init_columns(st, node->ss.ss_currentRelation,
				 (List *) list_nth(fsplan->fdw_private, FdwScanPrivateRetrieved));

	st->page_cxt = AllocSetContextCreate(estate->es_query_cxt, "maip_fdw page",
										 ALLOCSET_DEFAULT_SIZES);
	st->item_cxt = AllocSetContextCreate(estate->es_query_cxt, "maip_fdw row",
										 ALLOCSET_SMALL_SIZES);
}

/* Ask for the next page; leaves next_item / count_left set from it. */
static void
fetch_page(MaipScanState *st)
{
	MemoryContext oldcxt;
	StringInfoData body;
	cJSON	   *answer;
	const cJSON *items;
	const cJSON *lek;
	const cJSON *v;

	MemoryContextReset(st->page_cxt);
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	initStringInfo(&body);
	appendStringInfoString(&body, st->request);
	if (st->start_key)
	{
		/* splice the paging token in before the closing brace */
		body.data[--body.len] = '\0';
		appendStringInfoString(&body, ",\"ExclusiveStartKey\":");
		appendStringInfoString(&body, st->start_key);
		appendStringInfoChar(&body, '}');
	}

	answer = maip_call(st->client, st->operation, &body, st->table);
	st->pages++;
	st->started = true;

	items = cJSON_GetObjectItemCaseSensitive(answer, "Items");
	v = cJSON_GetObjectItemCaseSensitive(answer, "Count");
	if (st->count_only)
	{
		st->count_left = cJSON_IsNumber(v) ? (int64) v->valuedouble : 0;
		st->next_item = NULL;
	}
	else
	{
		if (!cJSON_IsArray(items))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_REPLY_HANDLE),
					 errmsg("DynamoDB %s answer for table \"%s\" has no Items array",
							st->operation, st->table)));
		st->next_item = items->child;
	}
	v = cJSON_GetObjectItemCaseSensitive(answer, "ScannedCount");
	if (cJSON_IsNumber(v))
		st->scanned += (int64) v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(answer, "ConsumedCapacity");
	if (cJSON_IsObject(v) &&
		cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(v, "CapacityUnits")))
		st->consumed_rcu += v->valuedouble;

	/* the token must outlive this page: keep it in the scan's context */
	MemoryContextSwitchTo(oldcxt);
	if (st->start_key)
		pfree(st->start_key);
	st->start_key = NULL;
	lek = cJSON_GetObjectItemCaseSensitive(answer, "LastEvaluatedKey");
	if (cJSON_IsObject(lek) && lek->child)
		st->start_key = cJSON_PrintUnformatted(lek);
	else
		st->last_page = true;
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
	foreach(lc, st->key_attrs)
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
				   st->cur_column->colname, st->cur_column->attribute, key.data, st->table);
	else
		errcontext("column \"%s\" (DynamoDB attribute \"%s\") of an item in table \"%s\"",
				   st->cur_column->colname, st->cur_column->attribute, st->table);
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
	while (st->next_item == NULL && st->count_left == 0)
	{
		if (st->started && st->last_page)
			return slot;
		CHECK_FOR_INTERRUPTS();
		fetch_page(st);
	}

	if (st->count_only)
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

	st->started = false;
	st->last_page = false;
	st->next_item = NULL;
	st->count_left = 0;
	if (st->start_key)
		pfree(st->start_key);
	st->start_key = NULL;
	MemoryContextReset(st->page_cxt);
}

void
maipEndForeignScan(ForeignScanState *node)
{
	/* everything lives in the query's memory; nothing held outside it */
}

void
maipExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	MaipScanState *st = node->fdw_state;

	ExplainPropertyText("DynamoDB Operation", st->operation, es);
	ExplainPropertyText("DynamoDB Table", st->table, es);
	if (es->verbose)
		ExplainPropertyText("DynamoDB Request", st->request, es);
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
