/*-------------------------------------------------------------------------
 * planner.c
 *		Sizes, paths and plans for DynamoDB foreign tables.
 *
 * Table statistics and the key schema come from DescribeTable (ItemCount,
 * TableSizeBytes, KeySchema) through tabledesc.c's cache, so that
 * planning a query does not cost a round trip each time.  deparse.c picks
 * the request for a set of quals (GetItem, BatchGetItem, Query or Scan)
 * once per path, and the choice rides on the path; this file costs it,
 * adds parameterized paths so that a join can look the foreign side up by
 * key per outer row, declares the order a Query returns
 * (ScanIndexForward) as pathkeys, and turns the chosen path into the plan
 * contract (scanplan.h).  Only the attributes the query uses are
 * requested (ProjectionExpression), and Select COUNT when it uses none.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "access/sysattr.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "deparse.h"
#include "options.h"
#include "planner.h"
#include "dynamo.h"

#define DEFAULT_ITEM_COUNT 1000.0
#define DEFAULT_ITEM_BYTES 400.0
#define DYNAMODB_PAGE_BYTES (1024.0 * 1024.0)
#define REQUEST_COST 25.0		/* one round trip, in seq_page_cost units */
#define TRANSFER_COST_PER_8K 1.0	/* reading 8 kB of items, like a page */
#define ITEM_CPU_COST 0.005		/* parsing and converting one item */
#define PARALLEL_MIN_BYTES (64.0 * 1024 * 1024)	/* smaller tables: one process */
#define SEGMENT_BYTES (1024.0 * 1024 * 1024)	/* a segment per GB at least */

/*
 * The foreign table's columns with their options; an "item" column must
 * be able to hold a JSON document.
 */
static void
load_columns(MaipRelInfo *info, Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);

	info->ncolumns = tupdesc->natts;
	info->columns = palloc0(sizeof(MaipColumn) * Max(tupdesc->natts, 1));
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		MaipColumn *col = &info->columns[i];
		MaipColumnOptions *copts;
		Oid			base;

		col->dropped = att->attisdropped;
		if (att->attisdropped)
			continue;
		copts = maip_get_column_options(RelationGetRelid(rel), att->attnum,
										NameStr(att->attname));
		col->name = pstrdup(NameStr(att->attname));
		col->attribute = copts->attribute;
		col->is_item = copts->is_item;
		col->part = copts->part;
		col->nparts = copts->nparts;
		col->typid = att->atttypid;
		col->typmod = att->atttypmod;
		(void) getBaseTypeAndTypmod(att->atttypid, &col->typmod);	/* a domain's */
		col->collid = att->attcollation;
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
	load_columns(info, rel);
	table_close(rel, NoLock);

	info->desc = maip_table_desc_lookup(server, userid, info->topts->table);
	info->item_count = DEFAULT_ITEM_COUNT;
	info->item_bytes = DEFAULT_ITEM_BYTES;
	/*
	 * DynamoDB refreshes ItemCount and TableSizeBytes about every six hours:
	 * a freshly loaded table says 0 and 0.  Take that as "unknown" rather
	 * than as an empty table, or every join would look free.
	 */
	if (info->desc && info->desc->item_count > 0)
	{
		info->item_count = Max(info->desc->item_count, 1.0);
		if (info->desc->item_count > 0 && info->desc->size_bytes > 0)
			info->item_bytes = info->desc->size_bytes / info->desc->item_count;
	}
	else if (baserel->tuples >= 0 && baserel->pages > 0)
		info->item_count = Max(baserel->tuples, 1.0);	/* from ANALYZE */

	sel = clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER, NULL);
	baserel->tuples = info->item_count;
	baserel->rows = clamp_row_est(info->item_count * sel);
}

/* requests * round trip + bytes moved + items parsed */
static Cost
request_cost(double requests, double items, double item_bytes)
{
	return requests * REQUEST_COST +
		items * item_bytes / 8192.0 * TRANSFER_COST_PER_8K +
		items * (cpu_tuple_cost + ITEM_CPU_COST);
}

/* Cost of one execution of the access; items_read is what DynamoDB reads for it. */
static void
cost_access(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info, MaipAccess *a,
			Cost *startup, Cost *total)
{
	double		items_read;
	double		requests;
	Selectivity key_sel;

	switch (a->op)
	{
		case MAIP_GETITEM:
			items_read = 1;
			requests = 1;
			break;
		case MAIP_BATCHGET:
			items_read = a->nkeys;
			requests = ceil(a->nkeys / MAIP_BATCH_GET_KEYS);
			break;
		case MAIP_QUERY:
		case MAIP_MULTIQUERY:
			key_sel = clauselist_selectivity(root, a->remote_conds, baserel->relid, JOIN_INNER, NULL);
			items_read = clamp_row_est(info->item_count * key_sel);
			requests = Max(1.0, ceil(items_read * info->item_bytes / DYNAMODB_PAGE_BYTES));
			if (a->op == MAIP_MULTIQUERY)
				requests = Max(requests, a->nkeys);
			break;
		default:
			items_read = info->item_count;
			requests = Max(1.0, ceil(items_read * info->item_bytes / DYNAMODB_PAGE_BYTES));
			if (info->topts->page_size > 0)
				requests = Max(requests, ceil(items_read / info->topts->page_size));
			break;
	}
	*startup = REQUEST_COST;
	*total = request_cost(requests, items_read, info->item_bytes) +
		baserel->baserestrictcost.per_tuple * items_read;
}

/*
 * The query's first ORDER BY key, if a Query returns rows in that order:
 * the sort key, compared as DynamoDB compares it (bytes for S: "C"
 * collation only).
 */
static List *
sort_key_pathkeys(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info)
{
	PathKey    *pk;
	EquivalenceClass *ec;
	ListCell   *lc;

	if (root->query_pathkeys == NIL || info->desc == NULL || info->desc->range_key == NULL)
		return NIL;
	pk = linitial(root->query_pathkeys);
	ec = pk->pk_eclass;
	if (ec->ec_has_volatile)
		return NIL;
	foreach(lc, ec->ec_members)
	{
		EquivalenceMember *em = lfirst(lc);
		MaipColumn *col = maip_column_of(em->em_expr, baserel->relid, info);
		Oid			opclass;

		if (col == NULL || col->part > 0 || strcmp(col->attribute, info->desc->range_key) != 0 ||
			maip_natural_type(col->typid) != info->desc->range_type)
			continue;
		opclass = GetDefaultOpClass(col->typid, BTREE_AM_OID);
		if (!OidIsValid(opclass) || get_opclass_family(opclass) != pk->pk_opfamily)
			continue;
		if (info->desc->range_type == 'S' && !maip_collation_is_c(ec->ec_collation))
			continue;
		return list_make1(pk);
	}
	return NIL;
}

static void
add_access_path(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
				MaipAccess *a, double rows, List *pathkeys, Relids required_outer)
{
	Cost		startup;
	Cost		total;

	cost_access(root, baserel, info, a, &startup, &total);
	/* the access rides on the path: GetForeignPlan does not choose again */
	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, rows, startup, total,
									 pathkeys, required_outer, NULL,
#if PG_VERSION_NUM >= 170000
									 NIL,
#endif
									 list_make1(a)));
}

/*
 * The clauses in the order create_scan_plan hands them to GetForeignPlan:
 * createplan.c's order_qual_clauses (static there), by security level,
 * then cheapest first, stable.  The access is chosen once, on the path,
 * from clauses in this order, so that filters and local quals read as
 * they would if GetForeignPlan chose it.
 */
static List *
clauses_in_plan_order(PlannerInfo *root, List *clauses)
{
	typedef struct
	{
		RestrictInfo *rinfo;
		Cost		cost;
		Index		security_level;
	} QualItem;
	int			n = list_length(clauses);
	QualItem   *items = palloc(sizeof(QualItem) * Max(n, 1));
	List	   *result = NIL;
	ListCell   *lc;
	int			i = 0;

	foreach(lc, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);
		QualCost	qcost;

		cost_qual_eval_node(&qcost, (Node *) rinfo, root);
		items[i].rinfo = rinfo;
		items[i].cost = qcost.per_tuple;
		items[i].security_level = (rinfo->leakproof && rinfo->security_level > 0) ? 0
			: rinfo->security_level;
		i++;
	}
	for (i = 1; i < n; i++)
	{
		QualItem	item = items[i];
		int			j;

		for (j = i; j > 0; j--)
		{
			QualItem   *prev = &items[j - 1];

			if (item.security_level > prev->security_level ||
				(item.security_level == prev->security_level && item.cost >= prev->cost))
				break;
			items[j] = *prev;
		}
		items[j] = item;
	}
	for (i = 0; i < n; i++)
		result = lappend(result, items[i].rinfo);
	return result;
}

/* EquivalenceClass members that are our partition-key column. */
static bool
is_partition_key_member(PlannerInfo *root, RelOptInfo *rel, EquivalenceClass *ec,
						EquivalenceMember *em, void *arg)
{
	MaipRelInfo *info = arg;
	MaipColumn *col = maip_column_of(em->em_expr, rel->relid, info);

	return col != NULL && col->part == 0 && col->typmod < 0 &&
		strcmp(col->attribute, info->desc->hash_key) == 0 &&
		maip_natural_type(col->typid) == info->desc->hash_type;
}

/*
 * Paths that look the partition key up per outer row, for joins such as
 * local.merchant_id = merchant_analytics.merchant_id: a nested loop then
 * runs one Query (or GetItem) per outer row instead of a full Scan.
 */
static void
add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info)
{
	List	   *candidates;
	ListCell   *lc;

	if (info->desc == NULL || info->desc->hash_key == NULL)
		return;
	candidates = generate_implied_equalities_for_column(root, baserel,
														is_partition_key_member, info,
														baserel->lateral_referencers);
	foreach(lc, baserel->joininfo)
	{
		RestrictInfo *rinfo = lfirst(lc);

		if (!rinfo->pseudoconstant)
			candidates = lappend(candidates, rinfo);
	}

	foreach(lc, candidates)
	{
		RestrictInfo *rinfo = lfirst(lc);
		Relids		required_outer;
		ParamPathInfo *ppi;
		MaipAccess *a;

		if (!join_clause_is_movable_to(rinfo, baserel))
			continue;
		required_outer = bms_difference(rinfo->clause_relids, baserel->relids);
		if (bms_is_empty(required_outer) || bms_overlap(required_outer, baserel->lateral_relids))
			continue;
		ppi = get_baserel_parampathinfo(root, baserel, required_outer);
		a = maip_choose_access(root, baserel, info,
							   clauses_in_plan_order(root, list_concat_copy(baserel->baserestrictinfo,
																			ppi->ppi_clauses)));
		if (a->op != MAIP_GETITEM && a->op != MAIP_QUERY)
			continue;
		add_access_path(root, baserel, info, a, ppi->ppi_rows, NIL, required_outer);
	}
}

/*
 * Workers for a parallel Scan: none below PARALLEL_MIN_BYTES, then one
 * more per doubling of the size; with the table option segments, one
 * process per segment.  Capped by max_parallel_workers_per_gather.
 */
static int
parallel_workers(MaipRelInfo *info)
{
	double		bytes = info->item_count * info->item_bytes;
	int			workers;

	if (info->topts->segments > 0)
		workers = info->topts->segments - 1;	/* the leader takes one too */
	else if (bytes < PARALLEL_MIN_BYTES)
		return 0;
	else
		workers = (int) log2(bytes / PARALLEL_MIN_BYTES) + 1;
	return Min(workers, max_parallel_workers_per_gather);
}

/* TotalSegments for a parallel Scan: the option, or by size, at least one per process. */
static int
scan_segments(MaipRelInfo *info, int workers)
{
	double		bytes = info->item_count * info->item_bytes;

	if (info->topts->segments > 0)
		return info->topts->segments;
	return (int) Max(workers + 1, Min(ceil(bytes / SEGMENT_BYTES), 1000000.0));
}

/*
 * A partial path for a Scan: the processes of a Gather claim DynamoDB
 * segments in turn (scan.c), each reading its share of the pages.
 */
static void
add_parallel_scan_path(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info, MaipAccess *a)
{
	int			workers = parallel_workers(info);
	double		divisor = workers + (parallel_leader_participation ? 1 : 0);
	Cost		startup;
	Cost		total;
	ForeignPath *path;

	if (workers <= 0 || !baserel->consider_parallel)
		return;
	cost_access(root, baserel, info, a, &startup, &total);
	path = create_foreignscan_path(root, baserel, NULL, clamp_row_est(baserel->rows / divisor),
								   startup, startup + (total - startup) / divisor,
								   NIL, NULL, NULL,
#if PG_VERSION_NUM >= 170000
								   NIL,
#endif
								   list_make1(a));
	path->path.parallel_aware = true;
	path->path.parallel_safe = true;
	path->path.parallel_workers = workers;
	add_partial_path(baserel, (Path *) path);
}

void
maipGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	MaipRelInfo *info = baserel->fdw_private;
	MaipAccess *a = maip_choose_access(root, baserel, info,
									   clauses_in_plan_order(root, baserel->baserestrictinfo));

	add_access_path(root, baserel, info, a, baserel->rows, NIL, NULL);
	if (a->op == MAIP_QUERY && a->index_name == NULL)
	{
		List	   *pathkeys = sort_key_pathkeys(root, baserel, info);

		if (pathkeys != NIL)
			add_access_path(root, baserel, info, a, baserel->rows, pathkeys, NULL);
	}
	add_parameterized_paths(root, baserel, info);
	if (a->op == MAIP_SCAN)
		add_parallel_scan_path(root, baserel, info, a);
}

/* The attnums (1-based) whose values the query needs, or all of them for a whole-row reference. */
static List *
retrieved_attnums(RelOptInfo *baserel, MaipRelInfo *info, List *local_quals)
{
	Bitmapset  *attrs = NULL;
	bool		whole_row;
	List	   *result = NIL;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid, &attrs);
	pull_varattnos((Node *) local_quals, baserel->relid, &attrs);
	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);

	for (int i = 1; i <= info->ncolumns; i++)
	{
		if (info->columns[i - 1].dropped)
			continue;
		if (whole_row || bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
			result = lappend_int(result, i);
	}
	return result;
}

/*
 * ProjectionExpression: the name indexes of the attributes to read (added
 * to *names where the expressions did not name them), or NIL for whole
 * items.  The key is always read, so that conversion errors can name the
 * item.
 */
static List *
projection_names(List **names, MaipRelInfo *info, List *attnums)
{
	List	   *proj = NIL;
	ListCell   *lc;

	foreach(lc, attnums)
	{
		MaipColumn *col = &info->columns[lfirst_int(lc) - 1];

		if (col->is_item)
			return NIL;
		proj = list_append_unique_int(proj, maip_name_index(names, col->attribute));
	}
	if (info->desc && info->desc->hash_key)
	{
		const char *keys[2] = {info->desc->hash_key, info->desc->range_key};

		for (int k = 0; k < 2; k++)
			if (keys[k] != NULL)
				proj = list_append_unique_int(proj, maip_name_index(names, keys[k]));
	}
	return proj;
}

/*
 * Send SQL's LIMIT as DynamoDB's Limit only when it is exact: nothing is
 * filtered after DynamoDB counts (no filter, no local qual), this is the
 * only relation, and rows come in the order the query wants.
 */
static int
pushed_limit(PlannerInfo *root, MaipAccess *a, List *pathkeys)
{
	if (root->limit_tuples <= 0 || root->limit_tuples > 1000000 ||
		a->local_conds != NIL || a->filter != NULL ||
		(a->op != MAIP_SCAN && a->op != MAIP_QUERY) ||
		bms_membership(root->all_baserels) != BMS_SINGLETON ||
		root->parse->hasAggs || root->parse->groupClause || root->hasHavingQual ||
		(root->query_pathkeys != NIL && !pathkeys_contained_in(root->query_pathkeys, pathkeys)))
		return 0;
	return (int) root->limit_tuples;
}

/* The table's key attribute names, for error messages. */
static List *
key_attribute_names(MaipRelInfo *info)
{
	List	   *keys = NIL;

	if (info->desc && info->desc->hash_key)
	{
		keys = list_make1(makeString(info->desc->hash_key));
		if (info->desc->range_key)
			keys = lappend(keys, makeString(info->desc->range_key));
	}
	return keys;
}

static int
scan_flags(MaipRelInfo *info, MaipAccess *a, List *attnums, List *pathkeys)
{
	int			flags = 0;

	if (attnums == NIL && (a->op == MAIP_SCAN || a->op == MAIP_QUERY || a->op == MAIP_MULTIQUERY))
		flags |= MAIP_FLAG_COUNT_ONLY;
	if (pathkeys != NIL && ((PathKey *) linitial(pathkeys))->pk_strategy == BTGreaterStrategyNumber)
		flags |= MAIP_FLAG_BACKWARD;
	if (info->topts->consistent_read && !a->global_index)
		flags |= MAIP_FLAG_CONSISTENT;	/* global indexes are eventually consistent only */
	return flags;
}

ForeignScan *
maipGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	MaipRelInfo *info = baserel->fdw_private;
	MaipAccess *a = linitial(best_path->fdw_private);
	List	   *local_quals = extract_actual_clauses(a->local_conds, false);
	MaipScanPlan plan;
	int			page_size = info->topts->page_size;

	plan.op = a->op;
	plan.table = info->topts->table;
	plan.index_name = a->index_name;
	plan.key_condition = a->key_condition;
	plan.filter = a->filter;
	plan.filter_terms = a->filter_terms;
	plan.names = list_copy(a->ex.names);
	plan.value_types = a->ex.types.data;
	plan.value_roles = a->ex.roles.data;
	plan.hash_name = a->hash_name;
	plan.hash_value = a->hash_value;
	plan.range_name = a->range_name;
	plan.range_value = a->range_value;
	plan.rc_name = a->rc_name;
	plan.rc_v1 = a->rc_v1;
	plan.rc_v2 = a->rc_v2;
	plan.retrieved = retrieved_attnums(baserel, info, local_quals);
	plan.flags = scan_flags(info, a, plan.retrieved, best_path->path.pathkeys);
	plan.projection = (plan.flags & MAIP_FLAG_COUNT_ONLY) ? NIL
		: projection_names(&plan.names, info, plan.retrieved);
	plan.key_attrs = key_attribute_names(info);
	/* SQL's LIMIT where exact, else the table's page_size, whichever is smaller */
	plan.limit = pushed_limit(root, a, best_path->path.pathkeys);
	if (plan.limit == 0 || (page_size > 0 && page_size < plan.limit))
		plan.limit = page_size;
	plan.segments = best_path->path.parallel_aware
		? scan_segments(info, best_path->path.parallel_workers) : 0;
	plan.read_rate = info->topts->read_rate_limit;

	/*
	 * EvalPlanQual rechecks a row with the quals DynamoDB evaluated too: a
	 * join clause pushed into a parameterized path must still hold for the
	 * outer row's new version (as postgres_fdw's fdw_recheck_quals).
	 */
	return make_foreignscan(tlist, local_quals, baserel->relid, a->ex.values,
							maip_scan_plan_serialize(&plan), NIL,
							extract_actual_clauses(a->remote_conds, false), outer_plan);
}
