/*-------------------------------------------------------------------------
 * deparse.h
 *		Which quals DynamoDB can evaluate, and the request they become.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_DEPARSE_H
#define MAIP_DEPARSE_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"

#include "expr.h"
#include "scanplan.h"
#include "tabledesc.h"

/* A column of the foreign table as the planner sees it. */
typedef struct MaipColumn
{
	char	   *name;
	char	   *attribute;
	Oid			typid;
	Oid			collid;
	bool		is_item;
	bool		dropped;
	int			part;			/* '#'-separated part of a composite attribute, 0 = whole */
	int32		typmod;			/* of the base type: >= 0 means values are rounded or cut */
	int			nparts;
} MaipColumn;

/* What the planner knows of a foreign table (baserel->fdw_private). */
typedef struct MaipRelInfo
{
	struct MaipTableOptions *topts;
	MaipTableDesc *desc;		/* NULL when DescribeTable was not allowed */
	double		item_count;
	double		item_bytes;
	int			ncolumns;
	MaipColumn *columns;		/* indexed by attnum - 1 */
} MaipRelInfo;


/*
 * The DynamoDB request chosen for a set of quals: computed once per path
 * and carried on it (ForeignPath.fdw_private) to GetForeignPlan.
 */
typedef struct MaipAccess
{
	MaipOperation op;
	char	   *index_name;		/* Query on this secondary index, or NULL */
	bool		global_index;	/* ... a global one (no ConsistentRead) */
	char	   *key_condition;	/* "#n0 = :v0 AND ..." or NULL */
	char	   *filter;			/* FilterExpression or NULL */
	List	   *filter_terms;	/* MaipFilterTerm: the filter's ANDed terms */
	MaipExprBuilder ex;			/* names and values of both */
	int			hash_name;		/* name index of the partition key, -1 for a Scan */
	int			hash_value;		/* ... its value index (an array for BATCHGET/MULTIQUERY) */
	int			range_name;		/* GetItem/BatchGet: the sort key's name index, or -1 */
	int			range_value;
	int			rc_name;		/* Query: sort-key condition's name index, or -1 */
	int			rc_v1;			/* ... its value (BETWEEN's low one), or -1 */
	int			rc_v2;			/* ... BETWEEN's high value, or -1 */
	List	   *remote_conds;	/* RestrictInfos DynamoDB fully evaluates */
	List	   *local_conds;	/* RestrictInfos PostgreSQL (re)checks */
	double		nkeys;			/* BATCHGET/MULTIQUERY: how many keys (estimate) */
} MaipAccess;

extern MaipAccess *maip_choose_access(PlannerInfo *root, RelOptInfo *baserel,
									  MaipRelInfo *info, List *clauses);
extern MaipColumn *maip_column_of(Expr *e, Index relid, MaipRelInfo *info);
extern char maip_natural_type(Oid typid);
extern bool maip_collation_is_c(Oid collid);

#endif							/* MAIP_DEPARSE_H */
