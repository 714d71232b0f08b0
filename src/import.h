/*-------------------------------------------------------------------------
 * import.h
 *		IMPORT FOREIGN SCHEMA <env> FROM SERVER ... INTO ...: one foreign
 *		table per DynamoDB table maip-<env>-*.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_IMPORT_H
#define MAIP_IMPORT_H

#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

extern List *maipImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid);

#endif							/* MAIP_IMPORT_H */
