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
 * indexed by this enum (as postgres_fdw's FdwScanPrivateIndex).
 */
enum FdwScanPrivateIndex
{
	FdwScanPrivateOperation,	/* String: "Scan" */
	FdwScanPrivateTable,		/* String: DynamoDB table name */
	FdwScanPrivateRequest,		/* String: request JSON without paging token */
	FdwScanPrivateRetrieved,	/* List of Integer attnums whose values are read */
	FdwScanPrivateKeyAttrs,		/* List of String: partition key, sort key (may be empty) */
	FdwScanPrivateCountOnly		/* Integer: 1 when no attribute is needed (Select COUNT) */
};

extern void maipGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern void maipGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern ForeignScan *maipGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses, Plan *outer_plan);

#endif							/* MAIP_PLANNER_H */
