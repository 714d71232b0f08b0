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

extern void maipGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern void maipGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern ForeignScan *maipGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses, Plan *outer_plan);

#endif							/* MAIP_PLANNER_H */
