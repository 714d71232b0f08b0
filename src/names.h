/*-------------------------------------------------------------------------
 * names.h
 *		The naming rules, one of each: MAIP environments, MAIP short table
 *		names and the full names they stand for (maip-<env>-<table>),
 *		DynamoDB table and backup names, AWS regions, backup ARNs.
 *		options.c, the DBA functions and IMPORT FOREIGN SCHEMA all ask here.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_NAMES_H
#define MAIP_NAMES_H

#include "postgres.h"

/* ---------- predicates: NULL/true when valid, else why not ---------- */

/* NULL when env is a MAIP environment name, else a hint saying why not. */
extern const char *maip_env_name_problem(const char *env);

/* NULL when name is a DynamoDB table name, else a hint saying why not. */
extern const char *maip_table_name_problem(const char *name);

/* 3 to 255 of [A-Za-z0-9_.-]: DynamoDB's rule for table and backup names. */
extern bool maip_is_dynamodb_name(const char *name);

/* us-east-1, us-gov-west-1, cn-northwest-1 ... (see names.c). */
extern bool maip_region_is_valid(const char *region);

/* ---------- checks: ERROR 22023 with a hint, for SQL function arguments ---------- */

extern void maip_check_env_name(const char *env);
extern void maip_check_backup_name(const char *name);
extern void maip_check_region(const char *region);
extern void maip_check_backup_arn(const char *arn);

/* ---------- names made from names ---------- */

/* "maip-<env>-": the prefix of every table of one MAIP environment. */
extern char *maip_env_prefix(const char *env);

/* maip-dev-pricing-rules -> pricing_rules: the suffix, '-' and '.' as '_'. */
extern char *maip_short_table_name(const char *table, const char *prefix);

/*
 * The DynamoDB table a DBA means: a MAIP short name ("orders",
 * "pricing_rules", "pricing-rules") becomes maip-<env>-<name> with '_'
 * turned into '-'; anything else is a full table name, used as is.
 * The result is checked against DynamoDB's naming rules (22023).
 */
extern char *maip_resolve_table_name(const char *env, const char *name);

/* The table of a backup ARN (one maip_check_backup_arn accepts). */
extern char *maip_backup_arn_table(const char *arn);

/* "maip-dev-orders-20261125": a table's backup name for today (session time zone). */
extern char *maip_default_backup_name(const char *table);

#endif							/* MAIP_NAMES_H */
