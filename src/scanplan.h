/*-------------------------------------------------------------------------
 * scanplan.h
 *		The plan contract between planner and executor: what one foreign
 *		scan sends to DynamoDB, carried in ForeignScan.fdw_private.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_SCANPLAN_H
#define MAIP_SCANPLAN_H

#include "postgres.h"
#include "nodes/pg_list.h"

typedef enum MaipOperation
{
	MAIP_SCAN,
	MAIP_QUERY,
	MAIP_GETITEM,
	MAIP_BATCHGET,				/* BatchGetItem: full keys, hash key from an array */
	MAIP_MULTIQUERY				/* one Query per element of an array of hash keys */
} MaipOperation;

/* One ANDed term of the FilterExpression, and what it refers to. */
typedef struct MaipFilterTerm
{
	char	   *text;
	List	   *names;			/* IntList: the #n<i> it uses */
	int			first_value;	/* it uses :v<first_value> .. :v<first_value + nvalues - 1> */
	int			nvalues;
} MaipFilterTerm;

#define MAIP_FLAG_COUNT_ONLY	1	/* Select COUNT: no attribute needed */
#define MAIP_FLAG_BACKWARD		2	/* ScanIndexForward false */
#define MAIP_FLAG_CONSISTENT	4	/* ConsistentRead true */

/*
 * The request a scan sends.  Values (:v<i>) are planner expressions in
 * ForeignScan.fdw_exprs, evaluated per execution; value_types and
 * value_roles have one letter per value (values.h).  key_condition and
 * filter are the planned texts (what EXPLAIN shows); the executor sends
 * them less any sort-key bound or filter term that a value left out.
 */
typedef struct MaipScanPlan
{
	MaipOperation op;
	char	   *table;
	char	   *index_name;		/* Query on this secondary index, or NULL */
	char	   *key_condition;	/* or NULL */
	char	   *filter;			/* or NULL */
	List	   *filter_terms;	/* MaipFilterTerm */
	List	   *names;			/* String: attribute names, #n<i> */
	char	   *value_types;
	char	   *value_roles;
	int			hash_name;		/* partition key's name and value (an array for */
	int			hash_value;		/* BATCHGET/MULTIQUERY); -1 for a Scan */
	int			range_name;		/* GetItem/BatchGetItem: the sort key's, or -1 */
	int			range_value;
	int			rc_name;		/* Query: the sort-key condition's name, or -1 */
	int			rc_v1;			/* ... its value (BETWEEN's low one), or -1 */
	int			rc_v2;			/* ... BETWEEN's high value, or -1 */
	List	   *projection;		/* IntList: name indexes to read; NIL = whole items */
	List	   *retrieved;		/* IntList: attnums whose values the scan fills */
	List	   *key_attrs;		/* String: partition key, sort key (for messages) */
	int			flags;			/* MAIP_FLAG_* */
	int			limit;			/* DynamoDB Limit per request, 0 for none */
	int			segments;		/* parallel Scan: TotalSegments, claimed by the
								 * processes in turn; 0 when not parallel */
	int			read_rate;		/* Scan/Query: read capacity units per second for
								 * all processes together, 0 for no cap */
} MaipScanPlan;

extern List *maip_scan_plan_serialize(const MaipScanPlan *plan);
extern MaipScanPlan *maip_scan_plan_deserialize(List *fdw_private);
extern const char *maip_operation_name(MaipOperation op);

#endif							/* MAIP_SCANPLAN_H */
