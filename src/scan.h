/*-------------------------------------------------------------------------
 * scan.h
 *		Executing a DynamoDB read, one page at a time.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_SCAN_H
#define MAIP_SCAN_H

#include "postgres.h"
#include "commands/explain.h"
#include "foreign/fdwapi.h"

extern void maipBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *maipIterateForeignScan(ForeignScanState *node);
extern void maipReScanForeignScan(ForeignScanState *node);
extern void maipEndForeignScan(ForeignScanState *node);
extern void maipExplainForeignScan(ForeignScanState *node, ExplainState *es);
extern bool maipAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
									BlockNumber *totalpages);
extern bool maipIsForeignScanParallelSafe(PlannerInfo *root, RelOptInfo *rel, RangeTblEntry *rte);
extern Size maipEstimateDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt);
extern void maipInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
										 void *coordinate);
extern void maipReInitializeDSMForeignScan(ForeignScanState *node, ParallelContext *pcxt,
										   void *coordinate);
extern void maipInitializeWorkerForeignScan(ForeignScanState *node, shm_toc *toc,
											void *coordinate);

#endif							/* MAIP_SCAN_H */
