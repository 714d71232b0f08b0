--
-- admin: the DBA functions of the README's DBA guide, one runbook step at a time.
--
-- Runs in a database of its own, where exactly one maip_fdw server exists
-- (other tests create more servers in the regression database).  Effects
-- on moto are read back with an independent client (boto3,
-- test/recorder/awscheck.py).  moto ignores global-table replica updates,
-- so those functions run against test/recorder/recorder.py, which records
-- the requests and answers with the documented response shapes.  Tables
-- created here are named maip-restore-* (not maip-dev-*) and dropped at
-- the end; so are the backups.
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
SELECT current_database() AS regress_db \gset
\! bash test/recorder/run.sh awscheck.py cleanup maip-restore- maip-dev-orders-

SET client_min_messages = warning;
DROP DATABASE IF EXISTS maip_admin_test;
DROP ROLE IF EXISTS regress_maip_plain;
DROP ROLE IF EXISTS regress_maip_dba;
RESET client_min_messages;
CREATE DATABASE maip_admin_test;
\c maip_admin_test
CREATE EXTENSION maip_fdw;
SET search_path = public, maip_fdw;

-- as in init.sql: SQLSTATE and the start of DETAIL, without emulator wording
CREATE FUNCTION error_of(query text, OUT state text, OUT detail_starts text)
LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE query;
  state := 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  detail_starts := substring(d from '^[A-Za-z]+ error [A-Za-z0-9]+');
END $$;

-- No server yet: the server argument cannot be left out.
SELECT * FROM list_tables();

CREATE SERVER maip FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', env 'dev', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');

--
-- List tables.  Seed: aws dynamodb list-tables --query "TableNames[?contains(@, 'maip-dev')]"
--
SELECT * FROM list_tables();
SELECT count(*) FROM list_tables('staging');

--
-- Describe table.  Seed: aws dynamodb describe-table --table-name maip-dev-orders
--   --query 'Table.{Status:TableStatus,ItemCount:ItemCount,Size:TableSizeBytes}'
--
SELECT table_name, status, item_count, size_bytes >= 0 AS has_size, billing_mode,
       read_capacity, write_capacity, partition_key, partition_key_type,
       sort_key, sort_key_type, indexes, stream, pitr_status, replicas,
       deletion_protection, created_at < now() AS created_before_now,
       table_arn LIKE 'arn:aws:dynamodb:us-east-1:%:table/maip-dev-orders' AS arn_names_table
  FROM describe_table('orders');
-- short names, with '_' or '-', and full names mean the same table
SELECT given, (SELECT table_name FROM describe_table(given))
  FROM unnest(ARRAY['pricing_rules', 'pricing-rules', 'maip-dev-pricing-rules']) AS given;
SELECT table_name, partition_key, sort_key, sort_key_type, item_count
  FROM describe_table('products');
SELECT * FROM error_of($$SELECT * FROM describe_table('no_such_table')$$);

--
-- Backup table.  Seed: aws dynamodb create-backup --table-name maip-dev-orders
--   --backup-name maip-dev-orders-$(date +%Y%m%d)
--
SELECT create_backup('orders') AS backup_arn \gset
SELECT :'backup_arn' LIKE 'arn:aws:dynamodb:us-east-1:%:table/maip-dev-orders/backup/%' AS is_backup_arn;
SELECT create_backup('orders', 'maip-dev-orders-before-restore') AS backup_arn2 \gset
\setenv BACKUP_ARN2 :backup_arn2
\! bash test/recorder/run.sh awscheck.py backup "$BACKUP_ARN2"

--
-- List backups.  Seed: aws dynamodb list-backups --table-name maip-dev-orders
--
SELECT table_name,
       backup_name = 'maip-dev-orders-' || to_char(current_date, 'YYYYMMDD') AS seed_name,
       regexp_replace(backup_name, '[0-9]{8}$', 'YYYYMMDD') AS backup_name,
       backup_arn IN (:'backup_arn', :'backup_arn2') AS arn_known,
       status, type, created_at BETWEEN now() - interval '10 min' AND now() + interval '10 min' AS created_now,
       size_bytes >= 0 AS has_size
  FROM list_backups('orders') ORDER BY 3;
SELECT count(*) FROM list_backups() WHERE backup_arn IN (:'backup_arn', :'backup_arn2');
SELECT table_name, backup_name, status, type, item_count
  FROM describe_backup(:'backup_arn2');

--
-- Restore from backup.  Seed: aws dynamodb restore-table-from-backup
--   --target-table-name maip-dev-orders-restored --backup-arn ...
-- (restored into maip-restore-orders, so that the dev environment keeps
-- its eight tables)
--
SELECT table_name, status
  FROM restore_table_from_backup('maip-restore-orders', :'backup_arn2', wait => true);
\! bash test/recorder/run.sh awscheck.py same-items maip-dev-orders maip-restore-orders
-- the restored table is queryable through the FDW as well
CREATE FOREIGN TABLE restored_orders (order_id text OPTIONS (attribute 'orderId'))
  SERVER maip OPTIONS (table 'maip-restore-orders');
SELECT count(*), count(DISTINCT order_id) FROM restored_orders;
-- a full table name outside the env is used as it is
SELECT table_name, status, item_count, partition_key, sort_key, indexes
  FROM describe_table('maip-restore-orders');
-- restoring over an existing table is AWS's error, sent back as such
SELECT * FROM error_of(format($$SELECT * FROM restore_table_from_backup('audit', %L)$$, :'backup_arn2'));

--
-- Wait for a table: ACTIVE at once here (moto creates tables instantly).
--
SELECT * FROM wait_for_table('orders');

--
-- Update capacity.  Seed: aws dynamodb update-table --table-name maip-dev-orders
--   --provisioned-throughput ReadCapacityUnits=100,WriteCapacityUnits=50
-- (on the restored copy: on-demand first, so that the switch to
-- provisioned must also give the global secondary index its units)
--
SELECT table_name, status, billing_mode FROM set_billing_mode('maip-restore-orders', 'on-demand');
\! bash test/recorder/run.sh awscheck.py billing maip-restore-orders
SELECT * FROM update_capacity('maip-restore-orders', 100, 50, wait => true);
\! bash test/recorder/run.sh awscheck.py billing maip-restore-orders
SELECT * FROM update_capacity('maip-restore-orders', 7, 5);
\! bash test/recorder/run.sh awscheck.py billing maip-restore-orders
SELECT table_name, status, billing_mode FROM set_billing_mode('maip-restore-orders', 'PAY_PER_REQUEST');
\! bash test/recorder/run.sh awscheck.py billing maip-restore-orders

--
-- Enable point-in-time recovery.  Seed: aws dynamodb update-continuous-backups
--   --table-name maip-dev-orders --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true
--
SELECT continuous_backups, pitr_status, earliest_restore_time, latest_restore_time
  FROM describe_continuous_backups('maip-restore-orders');
SELECT continuous_backups, pitr_status,
       earliest_restore_time <= latest_restore_time AS window_ok, recovery_period_days
  FROM enable_pitr('maip-restore-orders');
\! bash test/recorder/run.sh awscheck.py pitr maip-restore-orders
SELECT pitr_status FROM describe_table('maip-restore-orders');
SELECT latest_restore_time AS restore_time FROM describe_continuous_backups('maip-restore-orders') \gset
SELECT table_name, status
  FROM restore_table_to_point_in_time('maip-restore-orders', 'maip-restore-orders-latest');
SELECT table_name, status FROM wait_for_table('maip-restore-orders-latest', '1 minute');
\! bash test/recorder/run.sh awscheck.py same-items maip-restore-orders maip-restore-orders-latest
SELECT table_name, status
  FROM restore_table_to_point_in_time('maip-restore-orders', 'maip-restore-orders-at',
                                      restore_time => :'restore_time', wait => true);
\! bash test/recorder/run.sh awscheck.py same-items maip-restore-orders maip-restore-orders-at
SELECT continuous_backups, pitr_status FROM disable_pitr('maip-restore-orders');
\! bash test/recorder/run.sh awscheck.py pitr maip-restore-orders

--
-- Delete backups.
--
SELECT table_name, backup_name = 'maip-dev-orders-' || to_char(current_date, 'YYYYMMDD') AS seed_name, status
  FROM delete_backup(:'backup_arn');
SELECT table_name, backup_name, status FROM delete_backup(:'backup_arn2');
\! bash test/recorder/run.sh awscheck.py backup "$BACKUP_ARN2"
SELECT count(*) FROM list_backups('orders');
SELECT * FROM error_of(format($$SELECT * FROM describe_backup(%L)$$, :'backup_arn2'));

--
-- Privileges: everything that changes something is revoked from PUBLIC;
-- credentials are always the calling user's mapping.
--
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'maip_fdw' AND p.proname NOT LIKE 'maip_fdw_%'
 ORDER BY 2, 1;
CREATE ROLE regress_maip_plain;
GRANT USAGE ON SCHEMA maip_fdw TO regress_maip_plain;
GRANT USAGE ON FOREIGN SERVER maip TO regress_maip_plain;
GRANT EXECUTE ON FUNCTION error_of(text) TO regress_maip_plain;
SET ROLE regress_maip_plain;
SELECT create_backup('orders');
SELECT f AS function, (error_of(q)).state FROM (VALUES
  ('create_backup', $$SELECT create_backup('orders', 'regress-plain')$$),
  ('delete_backup', $$SELECT delete_backup('arn:aws:dynamodb:us-east-1:123456789012:table/maip-dev-orders/backup/01700000000000-abcdef12')$$),
  ('restore_table_from_backup', $$SELECT restore_table_from_backup('x_copy', 'arn:aws:dynamodb:us-east-1:123456789012:table/maip-dev-orders/backup/01700000000000-abcdef12')$$),
  ('update_capacity', $$SELECT update_capacity('orders', 1, 1)$$),
  ('set_billing_mode', $$SELECT set_billing_mode('orders', 'PAY_PER_REQUEST')$$),
  ('enable_pitr', $$SELECT enable_pitr('orders')$$),
  ('disable_pitr', $$SELECT disable_pitr('orders')$$),
  ('restore_table_to_point_in_time', $$SELECT restore_table_to_point_in_time('orders', 'x_copy')$$),
  ('add_replica', $$SELECT add_replica('orders', 'us-west-2')$$),
  ('remove_replica', $$SELECT remove_replica('orders', 'us-west-2')$$)) AS v(f, q);
-- reading is allowed, but only with a user mapping of one's own
SELECT * FROM list_tables();
RESET ROLE;

-- A DBA role, granted as the README's DBA guide shows, signs with its own mapping.
CREATE ROLE regress_maip_dba;
GRANT USAGE ON SCHEMA maip_fdw TO regress_maip_dba;
GRANT USAGE ON FOREIGN SERVER maip TO regress_maip_dba;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA maip_fdw TO regress_maip_dba;
GRANT EXECUTE ON FUNCTION error_of(text) TO regress_maip_dba;
CREATE USER MAPPING FOR regress_maip_dba SERVER maip
  OPTIONS (access_key_id :'access_key', secret_access_key 'not-the-secret');
SET ROLE regress_maip_dba;
SELECT (error_of($$SELECT create_backup('orders', 'maip-dev-orders-by-dba')$$)).state;
RESET ROLE;
ALTER USER MAPPING FOR regress_maip_dba SERVER maip
  OPTIONS (SET secret_access_key :'secret_key');
SET ROLE regress_maip_dba;
SELECT create_backup('orders', 'maip-dev-orders-by-dba') AS dba_arn \gset
SELECT backup_name, status FROM delete_backup(:'dba_arn');
RESET ROLE;

--
-- Global tables, against the recording endpoint.
-- Seed: maip-prod && aws dynamodb update-table --table-name maip-prod-merchant-analytics
--   --replica-updates 'Create={RegionName=us-west-2}'
-- Seed: aws dynamodb describe-table --table-name maip-prod-merchant-analytics --query 'Table.Replicas'
--
\set recorder `bash test/recorder/run.sh recorder.py start`
\setenv RECORDER :recorder
CREATE SERVER maip_rec FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', env 'prod', endpoint :'recorder', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_rec
  OPTIONS (access_key_id 'AKIARECORDER', secret_access_key 'recorder-secret');
-- two servers now: the server argument is required
SELECT * FROM list_replicas('merchant_analytics');
SELECT * FROM list_replicas('merchant_analytics', server => 'maip_rec');
SELECT * FROM add_replica('merchant_analytics', 'us-west-2', server => 'maip_rec');
SELECT * FROM list_replicas('merchant_analytics', server => 'maip_rec');
SELECT * FROM wait_for_table('merchant_analytics', server => 'maip_rec');
SELECT table_name, status, billing_mode, stream, pitr_status, replicas, created_at
  FROM describe_table('merchant_analytics', server => 'maip_rec');
SELECT * FROM remove_replica('merchant_analytics', 'us-west-2', wait => true, server => 'maip_rec');
SELECT * FROM add_replica('merchant_analytics', 'ap-southeast-2', wait => true, server => 'maip_rec');
-- adding it twice is AWS's validation error
SELECT * FROM error_of($$SELECT * FROM add_replica('merchant_analytics', 'ap-southeast-2', server => 'maip_rec')$$);
\! bash test/recorder/run.sh recorder.py log "$RECORDER"
-- ListTables and ListBackups: every page is read
SELECT * FROM list_tables(server => 'maip_rec');
SELECT * FROM list_backups(server => 'maip_rec');
SELECT backup_name FROM list_backups('merchant_analytics', server => 'maip_rec');
\! bash test/recorder/run.sh recorder.py log "$RECORDER"

-- Waiting ends at the timeout, and query cancel stops it.
SELECT * FROM wait_for_table('stuck', timeout => '1 second', server => 'maip_rec');
SET statement_timeout = '2s';
SELECT * FROM wait_for_table('stuck', server => 'maip_rec');
RESET statement_timeout;
-- (how often it polled depends on timing: each request once)
\! bash test/recorder/run.sh recorder.py log --unique "$RECORDER"

-- Names from AWS appear in messages without their control characters.
SELECT * FROM wait_for_table('odd', timeout => '1 second', server => 'maip_rec');

-- An AWS refusal names the access key in its HINT, but a non-superuser who
-- signs with the server process's own (ambient) credentials does not see it.
CREATE FUNCTION hint_of(query text, OUT state text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  state := 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, hint = PG_EXCEPTION_HINT;
END $$;
CREATE SERVER maip_rec_ambient FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', env 'prod', endpoint :'recorder', max_retries '0',
           ambient_credentials 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_rec_ambient;
CREATE USER MAPPING FOR regress_maip_plain SERVER maip_rec_ambient;
GRANT USAGE ON FOREIGN SERVER maip_rec_ambient TO regress_maip_plain;
SELECT state, position(:'access_key' in hint) > 0 AS hint_shows_key
  FROM hint_of($$SELECT * FROM describe_table('denied', server => 'maip_rec_ambient')$$);
SET ROLE regress_maip_plain;
SELECT state, position(:'access_key' in hint) > 0 AS hint_shows_key
  FROM hint_of($$SELECT * FROM describe_table('denied', server => 'maip_rec_ambient')$$);
RESET ROLE;
-- keys from one's own user mapping are shown
SELECT state, position('AKIARECORDER' in hint) > 0 AS hint_shows_key
  FROM hint_of($$SELECT * FROM describe_table('denied', server => 'maip_rec')$$);

-- An operation on a backup names the backup, not the server.
SELECT * FROM describe_backup('arn:aws:dynamodb:us-east-1:123456789012:table/maip-prod-orders/backup/01700000000000-abcdef12', server => 'maip_rec');

-- A session token echoed in an AWS message is redacted where it stands as a
-- token of its own; a string too short to be a secret is left alone (it
-- would only garble the message).
CREATE SERVER maip_rec_token FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', env 'prod', endpoint :'recorder', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_rec_token
  OPTIONS (access_key_id 'AKIARECORDER', secret_access_key 'recorder-secret',
           session_token 'RedactMeRedactMe2026');
SELECT * FROM describe_table('maip-prod-RedactMeRedactMe2026', server => 'maip_rec_token');
ALTER USER MAPPING FOR CURRENT_USER SERVER maip_rec_token OPTIONS (SET session_token 'e');
SELECT * FROM describe_table('maip-prod-RedactMeRedactMe2026', server => 'maip_rec_token');
\! bash test/recorder/run.sh recorder.py log --unique "$RECORDER"

--
-- Bad input: a clear error, and nothing is sent (the recorder's log stays empty).
--
SELECT create_backup('orders', 'ab', server => 'maip_rec');
SELECT create_backup('orders', 'nightly backup!', server => 'maip_rec');
SELECT * FROM error_of($$SELECT create_backup('orders', repeat('b', 256), server => 'maip_rec')$$);
SELECT create_backup('Orders Table', server => 'maip_rec');
SELECT * FROM error_of($$SELECT create_backup('maip-' || repeat('x', 251), server => 'maip_rec')$$);
SELECT * FROM error_of($$SELECT create_backup('maip-' || repeat('x', 250), server => 'maip_rec')$$);
SELECT create_backup(NULL, server => 'maip_rec');
SELECT * FROM describe_backup('not-an-arn', server => 'maip_rec');
SELECT * FROM describe_backup('arn:aws:dynamodb:us-east-1:12345:table/maip-prod-audit/backup/01700000000000-abcdef12', server => 'maip_rec');
SELECT * FROM delete_backup('arn:aws:s3:::maip-prod-backups/orders', server => 'maip_rec');
SELECT * FROM restore_table_from_backup('orders_copy', 'arn:aws:dynamodb:us-east-1:123456789012:table/maip-prod-orders/stream/2026-11-24T21:46:40.000', server => 'maip_rec');
SELECT * FROM restore_table_from_backup('orders_copy', 'arn:aws:dynamodb:us-east-1:123456789012:table/maip-prod-orders/backup/01700000000000-abcdef12', wait => true, timeout => NULL, server => 'maip_rec');
SELECT * FROM add_replica('merchant_analytics', 'mars-north-1a', server => 'maip_rec');
SELECT * FROM add_replica('merchant_analytics', 'US-WEST-2', server => 'maip_rec');
SELECT * FROM add_replica('merchant_analytics', 'us-east-1', server => 'maip_rec');
SELECT * FROM remove_replica('merchant_analytics', '', server => 'maip_rec');
SELECT * FROM update_capacity('orders', 0, 5, server => 'maip_rec');
SELECT * FROM update_capacity('orders', 5, -1, server => 'maip_rec');
SELECT * FROM update_capacity('orders', NULL, 5, server => 'maip_rec');
SELECT * FROM set_billing_mode('orders', 'PROVISIONED', server => 'maip_rec');
SELECT * FROM set_billing_mode('orders', 'free', server => 'maip_rec');
SELECT * FROM wait_for_table('orders', '0 seconds', server => 'maip_rec');
SELECT * FROM wait_for_table('orders', '-1 minute', server => 'maip_rec');
SELECT * FROM wait_for_table('orders', '30 days', server => 'maip_rec');
SELECT * FROM restore_table_to_point_in_time('orders', 'orders', server => 'maip_rec');
SELECT * FROM restore_table_to_point_in_time('orders', 'orders_then', now() + interval '1 day', server => 'maip_rec');
SELECT * FROM restore_table_to_point_in_time('orders', 'orders_then', 'infinity', server => 'maip_rec');
SELECT * FROM list_tables('dev/../prod', server => 'maip_rec');
SELECT * FROM list_tables(server => 'no_such_server');
CREATE FOREIGN DATA WRAPPER regress_other_fdw;
CREATE SERVER regress_other FOREIGN DATA WRAPPER regress_other_fdw;
SELECT * FROM list_tables(server => 'regress_other');
SET ROLE regress_maip_plain;
SELECT * FROM list_tables(server => 'maip_rec');
RESET ROLE;
\! bash test/recorder/run.sh recorder.py log "$RECORDER"
\! bash test/recorder/run.sh recorder.py stop "$RECORDER"

--
-- Clean up: the tables restored here, this database and the roles.
--
\! bash test/recorder/run.sh awscheck.py drop-tables maip-restore-
\c :regress_db
DROP DATABASE maip_admin_test;
DROP ROLE regress_maip_plain;
DROP ROLE regress_maip_dba;
