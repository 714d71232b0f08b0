/*-------------------------------------------------------------------------
 * maip_fdw.c
 *		Foreign data wrapper for Amazon DynamoDB: handler, validator and
 *		the wiring of callbacks.  The work lives in src/: planner.c (paths
 *		and plans), scan.c (execution), request.c (DynamoDB operations),
 *		http.c and sigv4.c (the wire), convert.c (types), options.c and
 *		credentials.c (configuration).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/reloptions.h"
#include "fmgr.h"
#include "foreign/fdwapi.h"
#include "utils/guc.h"

#include "import.h"
#include "json.h"
#include "options.h"
#include "planner.h"
#include "scan.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(maip_fdw_handler);
PG_FUNCTION_INFO_V1(maip_fdw_validator);

void		_PG_init(void);

void
_PG_init(void)
{
	maip_json_init();
	DefineCustomStringVariable("maip_fdw.allowed_endpoints",
							   "Endpoints (comma-separated URLs) that servers owned by non-superusers may use, besides AWS's.",
							   NULL, &maip_allowed_endpoints, "", PGC_SUSET, 0,
							   NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("maip_fdw");
#else
	EmitWarningsOnPlaceholders("maip_fdw");
#endif
}

Datum
maip_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = maipGetForeignRelSize;
	routine->GetForeignPaths = maipGetForeignPaths;
	routine->GetForeignPlan = maipGetForeignPlan;
	routine->BeginForeignScan = maipBeginForeignScan;
	routine->IterateForeignScan = maipIterateForeignScan;
	routine->ReScanForeignScan = maipReScanForeignScan;
	routine->EndForeignScan = maipEndForeignScan;
	routine->ExplainForeignScan = maipExplainForeignScan;
	routine->AnalyzeForeignTable = maipAnalyzeForeignTable;
	routine->IsForeignScanParallelSafe = maipIsForeignScanParallelSafe;
	routine->EstimateDSMForeignScan = maipEstimateDSMForeignScan;
	routine->InitializeDSMForeignScan = maipInitializeDSMForeignScan;
	routine->ReInitializeDSMForeignScan = maipReInitializeDSMForeignScan;
	routine->InitializeWorkerForeignScan = maipInitializeWorkerForeignScan;
	routine->ImportForeignSchema = maipImportForeignSchema;

	PG_RETURN_POINTER(routine);
}

Datum
maip_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);

	maip_validate_option_list(options, catalog);
	PG_RETURN_VOID();
}
