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
	struct MaipTableDesc *desc;	/* NULL when DescribeTable was not allowed */
	double		item_count;
	double		item_bytes;
	int			ncolumns;
	MaipColumn *columns;		/* indexed by attnum - 1 */
} MaipRelInfo;

typedef enum MaipOperation
{
	MAIP_SCAN,
	MAIP_QUERY,
	MAIP_GETITEM,
	MAIP_BATCHGET,				/* BatchGetItem: full keys, hash key from an array */
	MAIP_MULTIQUERY				/* one Query per element of an array of hash keys */
} MaipOperation;

/* The DynamoDB request chosen for a set of quals. */
typedef struct MaipAccess
{
	MaipOperation op;
	char	   *index_name;		/* Query on this secondary index, or NULL */
	bool		global_index;	/* ... a global one (no ConsistentRead) */
	char	   *key_condition;	/* "#n0 = :v0 AND ..." or NULL */
	char	   *filter;			/* FilterExpression or NULL */
	List	   *names;			/* String: attribute names, #n<i> */
	List	   *values;			/* Expr: values, :v<i> */
	StringInfoData value_types; /* one of S N B T per value ('T' BOOL) */
	StringInfoData value_roles; /* one MAIP_ROLE_* per value (values.h) */
	List	   *filter_terms;	/* String: the FilterExpression's ANDed terms */
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
extern char maip_natural_type(Oid typid);
extern bool maip_collation_is_c(Oid collid);
extern const char *maip_operation_name(MaipOperation op);

#endif							/* MAIP_DEPARSE_H */
