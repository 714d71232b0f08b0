/*-------------------------------------------------------------------------
 * planner.c
 *		Sizes, paths and plans for DynamoDB foreign tables.
 *
 * Table statistics come from DescribeTable (ItemCount, TableSizeBytes),
 * cached per backend for a minute so that planning a query does not cost
 * a round trip each time.  Until key conditions are pushed down, every
 * read is a paginated Scan and all quals are checked locally; the plan
 * still asks only for the attributes the query uses (ProjectionExpression)
 * and uses Select COUNT when it uses none.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "access/sysattr.h"
#include "catalog/pg_type.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "options.h"
#include "planner.h"
#include "request.h"

#define TABLE_DESC_TTL_MS 60000
#define DEFAULT_ITEM_COUNT 1000.0
#define DEFAULT_ITEM_BYTES 400.0
#define DYNAMODB_PAGE_BYTES (1024.0 * 1024.0)
#define REQUEST_COST 100.0		/* one round trip, in seq_page_cost units */
#define ITEM_CPU_COST 0.005		/* parsing and converting one item */

/* Planner state for one foreign relation (baserel->fdw_private). */
typedef struct MaipRelInfo
{
	MaipTableOptions *topts;
	MaipTableDesc *desc;		/* NULL when DescribeTable was not allowed */
	double		item_count;
	double		item_bytes;
} MaipRelInfo;

/* One cached DescribeTable answer. */
typedef struct TableDescCacheEntry
{
	Oid			serverid;
	Oid			userid;
	char	   *table;
	TimestampTz fetched_at;
	MaipTableDesc *desc;
} TableDescCacheEntry;

static List *table_desc_cache = NIL;

static MaipTableDesc *
copy_table_desc(const MaipTableDesc *d)
{
	MaipTableDesc *c = palloc(sizeof(MaipTableDesc));

	*c = *d;
	c->table = d->table ? pstrdup(d->table) : NULL;
	c->status = d->status ? pstrdup(d->status) : NULL;
	c->hash_key = d->hash_key ? pstrdup(d->hash_key) : NULL;
	c->range_key = d->range_key ? pstrdup(d->range_key) : NULL;
	return c;
}

/*
 * DescribeTable through the cache.  A principal allowed to read but not
 * to describe gets NULL (and default estimates) rather than an error.
 */
static MaipTableDesc *
cached_table_desc(ForeignServer *server, Oid userid, const char *table)
{
	TimestampTz now = GetCurrentTimestamp();
	ListCell   *lc;
	MaipTableDesc *desc = NULL;
	MemoryContext oldcxt = CurrentMemoryContext;
	TableDescCacheEntry *entry;

	foreach(lc, table_desc_cache)
	{
		entry = lfirst(lc);
		if (entry->serverid == server->serverid && entry->userid == userid &&
			strcmp(entry->table, table) == 0)
		{
			if (!TimestampDifferenceExceeds(entry->fetched_at, now, TABLE_DESC_TTL_MS))
				return entry->desc;
			table_desc_cache = foreach_delete_current(table_desc_cache, lc);
			break;
		}
	}

	PG_TRY();
	{
		MaipClient *client = maip_client_create(server, userid);

		desc = maip_describe_table(client, table);
	}
	PG_CATCH();
	{
		ErrorData  *err;

		MemoryContextSwitchTo(oldcxt);
		err = CopyErrorData();
		if (err->sqlerrcode != ERRCODE_INSUFFICIENT_PRIVILEGE)
			PG_RE_THROW();
		FlushErrorState();
		FreeErrorData(err);
		return NULL;
	}
	PG_END_TRY();

	oldcxt = MemoryContextSwitchTo(CacheMemoryContext);
	entry = palloc(sizeof(TableDescCacheEntry));
	entry->serverid = server->serverid;
	entry->userid = userid;
	entry->table = pstrdup(table);
	entry->fetched_at = now;
	entry->desc = copy_table_desc(desc);
	table_desc_cache = lappend(table_desc_cache, entry);
	MemoryContextSwitchTo(oldcxt);
	return entry->desc;
}

/* An "item" column must be able to hold a JSON document. */
static void
check_item_columns(Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);

	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		MaipColumnOptions *copts;
		Oid			base;

		if (att->attisdropped)
			continue;
		copts = maip_get_column_options(RelationGetRelid(rel), att->attnum,
										NameStr(att->attname));
		base = getBaseType(att->atttypid);
		if (copts->is_item && base != JSONOID && base != JSONBOID && base != TEXTOID)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("column \"%s\" has option item 'true' but type %s",
							NameStr(att->attname), format_type_be(att->atttypid)),
					 errhint("An item column must be of type jsonb, json or text.")));
	}
}

void
maipGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	MaipRelInfo *info = palloc0(sizeof(MaipRelInfo));
	ForeignTable *ft = GetForeignTable(foreigntableid);
	ForeignServer *server = GetForeignServer(ft->serverid);
	Oid			userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
	Relation	rel;
	Selectivity sel;

	baserel->fdw_private = info;
	info->topts = maip_get_table_options(foreigntableid);

	rel = table_open(foreigntableid, NoLock);
	check_item_columns(rel);
	table_close(rel, NoLock);

	info->desc = cached_table_desc(server, userid, info->topts->table);
	info->item_count = DEFAULT_ITEM_COUNT;
	info->item_bytes = DEFAULT_ITEM_BYTES;
	if (info->desc && info->desc->item_count >= 0)
	{
		info->item_count = Max(info->desc->item_count, 1.0);
		if (info->desc->item_count > 0 && info->desc->size_bytes > 0)
			info->item_bytes = info->desc->size_bytes / info->desc->item_count;
	}

	sel = clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER, NULL);
	baserel->tuples = info->item_count;
	baserel->rows = clamp_row_est(info->item_count * sel);
}

void
maipGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	MaipRelInfo *info = baserel->fdw_private;
	double		pages = ceil(info->item_count * info->item_bytes / DYNAMODB_PAGE_BYTES);
	Cost		startup_cost = REQUEST_COST;
	Cost		total_cost;

	if (info->topts->page_size > 0)
		pages = Max(pages, ceil(info->item_count / info->topts->page_size));
	pages = Max(pages, 1.0);
	total_cost = startup_cost + (pages - 1) * REQUEST_COST +
		info->item_count * (cpu_tuple_cost + ITEM_CPU_COST) +
		baserel->baserestrictcost.per_tuple * info->item_count;

	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, baserel->rows,
									 startup_cost, total_cost,
									 NIL, NULL, NULL,
#if PG_VERSION_NUM >= 170000
									 NIL,
#endif
									 NIL));
}

/* The attnums (1-based) whose values the query needs, or all of them for a whole-row reference. */
static List *
retrieved_attnums(RelOptInfo *baserel, Relation rel, List *local_quals)
{
	Bitmapset  *attrs = NULL;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool		whole_row;
	List	   *result = NIL;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid, &attrs);
	pull_varattnos((Node *) local_quals, baserel->relid, &attrs);
	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);

	for (int i = 1; i <= tupdesc->natts; i++)
	{
		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		if (whole_row || bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
			result = lappend_int(result, i);
	}
	return result;
}

/*
 * The Scan request as JSON, without the paging token.  Attribute names go
 * into ExpressionAttributeNames as #cN placeholders: names such as
 * "status" (reserved) or "a.b" (a path) are then taken literally.
 */
static char *
build_scan_request(const char *table, List *attributes, bool need_whole_item,
				   bool count_only, int page_size)
{
	StringInfoData buf;
	ListCell   *lc;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"TableName\":");
	maip_json_append_string(&buf, table);
	if (count_only)
		appendStringInfoString(&buf, ",\"Select\":\"COUNT\"");
	else if (!need_whole_item && attributes != NIL)
	{
		appendStringInfoString(&buf, ",\"ProjectionExpression\":\"");
		for (i = 0; i < list_length(attributes); i++)
			appendStringInfo(&buf, "%s#c%d", i ? "," : "", i);
		appendStringInfoString(&buf, "\",\"ExpressionAttributeNames\":{");
		i = 0;
		foreach(lc, attributes)
		{
			appendStringInfo(&buf, "%s\"#c%d\":", i ? "," : "", i);
			maip_json_append_string(&buf, strVal(lfirst(lc)));
			i++;
		}
		appendStringInfoChar(&buf, '}');
	}
	if (page_size > 0)
		appendStringInfo(&buf, ",\"Limit\":%d", page_size);
	appendStringInfoString(&buf, ",\"ReturnConsumedCapacity\":\"TOTAL\"}");
	return buf.data;
}

ForeignScan *
maipGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	MaipRelInfo *info = baserel->fdw_private;
	List	   *local_quals = extract_actual_clauses(scan_clauses, false);
	Relation	rel = table_open(foreigntableid, NoLock);
	List	   *attnums = retrieved_attnums(baserel, rel, local_quals);
	List	   *attributes = NIL;
	List	   *key_attrs = NIL;
	bool		need_whole_item = false;
	bool		count_only = (attnums == NIL);
	ListCell   *lc;
	char	   *request;
	List	   *fdw_private;

	foreach(lc, attnums)
	{
		int			attnum = lfirst_int(lc);
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
		MaipColumnOptions *copts = maip_get_column_options(foreigntableid, attnum,
														   NameStr(att->attname));
		ListCell   *lc2;
		bool		dup = false;

		if (copts->is_item)
		{
			need_whole_item = true;
			continue;
		}
		foreach(lc2, attributes)
			if (strcmp(strVal(lfirst(lc2)), copts->attribute) == 0)
				dup = true;
		if (!dup)
			attributes = lappend(attributes, makeString(copts->attribute));
	}
	table_close(rel, NoLock);

	/* the key is also read, so that conversion errors can name the item */
	if (info->desc && info->desc->hash_key)
	{
		key_attrs = list_make1(makeString(info->desc->hash_key));
		if (info->desc->range_key)
			key_attrs = lappend(key_attrs, makeString(info->desc->range_key));
	}
	if (!count_only && !need_whole_item)
		foreach(lc, key_attrs)
		{
			ListCell   *lc2;
			bool		dup = false;

			foreach(lc2, attributes)
				if (strcmp(strVal(lfirst(lc2)), strVal(lfirst(lc))) == 0)
					dup = true;
			if (!dup)
				attributes = lappend(attributes, lfirst(lc));
		}

	request = build_scan_request(info->topts->table, attributes, need_whole_item,
								 count_only, info->topts->page_size);

	fdw_private = list_make5(makeString("Scan"),
							 makeString(info->topts->table),
							 makeString(request),
							 attnums,
							 key_attrs);
	fdw_private = lappend(fdw_private, makeInteger(count_only ? 1 : 0));

	return make_foreignscan(tlist, local_quals, baserel->relid, NIL,
							fdw_private, NIL, NIL, outer_plan);
}
