/*-------------------------------------------------------------------------
 * planner.h
 *		Paths, costs and plans for maip_fdw foreign scans.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_PLANNER_H
#define MAIP_PLANNER_H

#include "postgres.h"
#include "foreign/fdwapi.h"
#include "nodes/pathnodes.h"

/*
 * What travels from planner to executor in ForeignScan.fdw_private,
 * indexed by this enum (as postgres_fdw's FdwScanPrivateIndex).  The
 * values (:v<i>) travel as ForeignScan.fdw_exprs, evaluated per scan.
 */
enum FdwScanPrivateIndex
{
	FdwScanPrivateOperation,	/* Integer: MaipOperation */
	FdwScanPrivateTable,		/* String: DynamoDB table name */
	FdwScanPrivateKeyCondition, /* String: KeyConditionExpression, "" if none */
	FdwScanPrivateFilter,		/* String: FilterExpression, "" if none */
	FdwScanPrivateNames,		/* List of String: attribute names, #n<i> */
	FdwScanPrivateValueTypes,	/* String: DynamoDB type letter per value (S N B T) */
	FdwScanPrivateValueRoles,	/* String: MAIP_ROLE_* letter per value (values.h) */
	FdwScanPrivateFilterTerms,	/* List of String: the filter's ANDed terms */
	FdwScanPrivateKeyRefs,		/* IntList: hash name, hash value, range name, range value
								 * (GetItem/BatchGet), sort-key condition name, value 1,
								 * value 2 (Query) */
	FdwScanPrivateProjection,	/* IntList: name indexes to read; empty = whole items */
	FdwScanPrivateRetrieved,	/* IntList: attnums whose values are read */
	FdwScanPrivateKeyAttrs,		/* List of String: partition key, sort key */
	FdwScanPrivateFlags,		/* Integer: MAIP_FLAG_* */
	FdwScanPrivateLimit,		/* Integer: DynamoDB Limit, 0 for none */
	FdwScanPrivatePageSize,		/* Integer: table option page_size, 0 for none */
	FdwScanPrivateIndexName		/* String: secondary index to Query, "" for none */
};

#define MAIP_FLAG_COUNT_ONLY	1	/* Select COUNT: no attribute needed */
#define MAIP_FLAG_BACKWARD		2	/* ScanIndexForward false */
#define MAIP_FLAG_CONSISTENT	4	/* ConsistentRead true */

extern void maipGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern void maipGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern ForeignScan *maipGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses, Plan *outer_plan);

#endif							/* MAIP_PLANNER_H */
