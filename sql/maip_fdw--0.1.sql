/* maip_fdw extension script: the wrapper itself, and the DBA functions
 * (tables, capacity, replicas, backups, point-in-time recovery) with the
 * row types they return. */

\echo Use "CREATE EXTENSION maip_fdw" to load this file. \quit

CREATE FUNCTION maip_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION maip_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER maip_fdw
  HANDLER maip_fdw_handler
  VALIDATOR maip_fdw_validator;

COMMENT ON FOREIGN DATA WRAPPER maip_fdw IS 'Amazon DynamoDB tables of the MAIP platform';

-- ---------------------------------------------------------------------
-- DBA functions (src/admin_*.c): the MAIP DynamoDB runbook as rows.
-- A table argument is a MAIP short name ('orders', 'pricing_rules'),
-- expanded to maip-<env>-<name> with the server's env, or a full
-- DynamoDB table name.  The server argument may be left out when exactly
-- one maip_fdw server exists.  Requests use the caller's user mapping.
-- ---------------------------------------------------------------------

-- The row shapes several functions share (src/admin_*.c fills them in
-- this column order).
CREATE TYPE table_state AS (
  table_name text, status text, billing_mode text,
  read_capacity bigint, write_capacity bigint
);

CREATE TYPE replica_state AS (
  region text, status text, status_description text, progress text,
  read_capacity_override bigint, table_class text
);

CREATE TYPE backup_description AS (
  table_name text, backup_name text, backup_arn text, status text,
  type text, created_at timestamptz, size_bytes bigint, item_count bigint
);

CREATE TYPE continuous_backups_state AS (
  continuous_backups text, pitr_status text,
  earliest_restore_time timestamptz, latest_restore_time timestamptz,
  recovery_period_days integer
);

-- Which AWS identity this session's requests to a server are signed as,
-- and which credential source gave it (STS GetCallerIdentity).
CREATE FUNCTION whoami(server text DEFAULT NULL)
RETURNS TABLE (account text, arn text, user_id text, source text)
AS 'MODULE_PATHNAME', 'maip_admin_whoami'
LANGUAGE C VOLATILE;

CREATE FUNCTION list_tables(env text DEFAULT NULL, server text DEFAULT NULL)
RETURNS TABLE (table_name text, short_name text)
AS 'MODULE_PATHNAME', 'maip_admin_list_tables'
LANGUAGE C VOLATILE;

CREATE FUNCTION describe_table(tbl text, server text DEFAULT NULL)
RETURNS TABLE (table_name text, status text, item_count bigint, size_bytes bigint,
               billing_mode text, read_capacity bigint, write_capacity bigint,
               partition_key text, partition_key_type text,
               sort_key text, sort_key_type text, indexes text[], stream text,
               pitr_status text, replicas text[], deletion_protection boolean,
               created_at timestamptz, table_arn text)
AS 'MODULE_PATHNAME', 'maip_admin_describe_table'
LANGUAGE C VOLATILE;

CREATE FUNCTION wait_for_table(tbl text, timeout interval DEFAULT '30 minutes',
                               server text DEFAULT NULL)
RETURNS SETOF table_state
AS 'MODULE_PATHNAME', 'maip_admin_wait_for_table'
LANGUAGE C VOLATILE;

CREATE FUNCTION update_capacity(tbl text, read_units bigint, write_units bigint,
                                wait boolean DEFAULT false,
                                timeout interval DEFAULT '30 minutes',
                                server text DEFAULT NULL)
RETURNS SETOF table_state
AS 'MODULE_PATHNAME', 'maip_admin_update_capacity'
LANGUAGE C VOLATILE;

CREATE FUNCTION set_billing_mode(tbl text, mode text, wait boolean DEFAULT false,
                                 timeout interval DEFAULT '30 minutes',
                                 server text DEFAULT NULL)
RETURNS SETOF table_state
AS 'MODULE_PATHNAME', 'maip_admin_set_billing_mode'
LANGUAGE C VOLATILE;

CREATE FUNCTION list_replicas(tbl text, server text DEFAULT NULL)
RETURNS SETOF replica_state
AS 'MODULE_PATHNAME', 'maip_admin_list_replicas'
LANGUAGE C VOLATILE;

CREATE FUNCTION add_replica(tbl text, region text, wait boolean DEFAULT false,
                            timeout interval DEFAULT '30 minutes',
                            server text DEFAULT NULL)
RETURNS SETOF replica_state
AS 'MODULE_PATHNAME', 'maip_admin_add_replica'
LANGUAGE C VOLATILE;

CREATE FUNCTION remove_replica(tbl text, region text, wait boolean DEFAULT false,
                               timeout interval DEFAULT '30 minutes',
                               server text DEFAULT NULL)
RETURNS SETOF replica_state
AS 'MODULE_PATHNAME', 'maip_admin_remove_replica'
LANGUAGE C VOLATILE;

CREATE FUNCTION create_backup(tbl text, backup_name text DEFAULT NULL,
                              server text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'maip_admin_create_backup'
LANGUAGE C VOLATILE;

CREATE FUNCTION list_backups(tbl text DEFAULT NULL, server text DEFAULT NULL)
RETURNS TABLE (table_name text, backup_name text, backup_arn text, status text,
               type text, created_at timestamptz, size_bytes bigint)
AS 'MODULE_PATHNAME', 'maip_admin_list_backups'
LANGUAGE C VOLATILE;

CREATE FUNCTION describe_backup(backup_arn text, server text DEFAULT NULL)
RETURNS SETOF backup_description
AS 'MODULE_PATHNAME', 'maip_admin_describe_backup'
LANGUAGE C VOLATILE;

CREATE FUNCTION delete_backup(backup_arn text, server text DEFAULT NULL)
RETURNS SETOF backup_description
AS 'MODULE_PATHNAME', 'maip_admin_delete_backup'
LANGUAGE C VOLATILE;

CREATE FUNCTION restore_table_from_backup(target_table text, backup_arn text,
                                          wait boolean DEFAULT false,
                                          timeout interval DEFAULT '30 minutes',
                                          server text DEFAULT NULL)
RETURNS SETOF table_state
AS 'MODULE_PATHNAME', 'maip_admin_restore_table_from_backup'
LANGUAGE C VOLATILE;

CREATE FUNCTION enable_pitr(tbl text, server text DEFAULT NULL)
RETURNS SETOF continuous_backups_state
AS 'MODULE_PATHNAME', 'maip_admin_enable_pitr'
LANGUAGE C VOLATILE;

CREATE FUNCTION disable_pitr(tbl text, server text DEFAULT NULL)
RETURNS SETOF continuous_backups_state
AS 'MODULE_PATHNAME', 'maip_admin_disable_pitr'
LANGUAGE C VOLATILE;

CREATE FUNCTION describe_continuous_backups(tbl text, server text DEFAULT NULL)
RETURNS SETOF continuous_backups_state
AS 'MODULE_PATHNAME', 'maip_admin_describe_continuous_backups'
LANGUAGE C VOLATILE;

CREATE FUNCTION restore_table_to_point_in_time(source_table text, target_table text,
                                               restore_time timestamptz DEFAULT NULL,
                                               wait boolean DEFAULT false,
                                               timeout interval DEFAULT '30 minutes',
                                               server text DEFAULT NULL)
RETURNS SETOF table_state
AS 'MODULE_PATHNAME', 'maip_admin_restore_table_to_point_in_time'
LANGUAGE C VOLATILE;

-- Functions that change anything in AWS are for DBAs only (the README's DBA guide
-- shows the GRANT); the read-only ones stay executable by PUBLIC and
-- still need USAGE on this schema and a user mapping.
REVOKE EXECUTE ON FUNCTION update_capacity(text, bigint, bigint, boolean, interval, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION set_billing_mode(text, text, boolean, interval, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION add_replica(text, text, boolean, interval, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION remove_replica(text, text, boolean, interval, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION create_backup(text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION delete_backup(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION restore_table_from_backup(text, text, boolean, interval, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION enable_pitr(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION disable_pitr(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION restore_table_to_point_in_time(text, text, timestamptz, boolean, interval, text) FROM PUBLIC;
