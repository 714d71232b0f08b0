/*-------------------------------------------------------------------------
 * admin.h
 *		The control plane: DBA SQL functions (describe, backups, restores,
 *		point-in-time recovery, capacity, global-table replicas) and the
 *		helpers they share with IMPORT FOREIGN SCHEMA (import.c): which
 *		server a call means, which DynamoDB table a name means, and the
 *		paginated ListTables / full DescribeTable answers.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_ADMIN_H
#define MAIP_ADMIN_H

#include "postgres.h"
#include "foreign/foreign.h"
#include "nodes/pg_list.h"

#include "json.h"
#include "options.h"
#include "request.h"

/* "maip-<env>-": the prefix of every table of one MAIP environment. */
extern char *maip_env_prefix(const char *env);

/* maip-dev-pricing-rules -> pricing_rules: the suffix, '-' and '.' as '_'. */
extern char *maip_short_table_name(const char *table, const char *prefix);

/* ERROR (22023) unless env is a valid MAIP environment name. */
extern void maip_check_env_name(const char *env);

/*
 * The DynamoDB table a DBA means: a MAIP short name ("orders",
 * "pricing_rules", "pricing-rules") becomes maip-<env>-<name> with '_'
 * turned into '-'; anything else is a full table name, used as is.
 * The result is checked against DynamoDB's naming rules (22023).
 */
extern char *maip_resolve_table_name(const MaipServerOptions *sopts, const char *name);

/* Names of all tables whose name starts with prefix, sorted, all pages. */
extern List *maip_list_tables_with_prefix(MaipClient *client, const char *prefix);

/* The "Table" object of a DescribeTable answer. */

#endif							/* MAIP_ADMIN_H */
