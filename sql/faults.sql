--
-- faults: the FDW through test/faultproxy.py, a proxy in front of the
-- emulator that throttles, fails with 5xx, drops connections, truncates or
-- garbles answers, answers slowly and leaves BatchGetItem keys unprocessed.
-- Results must be exactly right or a clear error; never partial rows, never
-- a crash, and the session goes on.  Faults are set per test through the
-- proxy's control endpoint; a fixed seed keeps every run the same.  Only
-- booleans and counts that do not depend on timing are printed.
--
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\getenv proxy MAIP_TEST_FAULTPROXY
\getenv dump MAIP_TEST_DUMP
\set ma_dump :dump '/maip-dev-merchant-analytics.jsonl'
\set products_dump :dump '/maip-dev-products.jsonl'
\set orders_dump :dump '/maip-dev-orders.jsonl'
\set types_dump :dump '/maip-fixture-types.jsonl'
\set summary_file :dump '/summary.json'
\set VERBOSITY terse
\set SHOW_CONTEXT never

CREATE SCHEMA faults;
SET search_path = faults, public;

-- no faults to begin with
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"

CREATE TABLE local_ma (doc jsonb);
COPY local_ma (doc) FROM :'ma_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_products (doc jsonb);
COPY local_products (doc) FROM :'products_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_orders (doc jsonb);
COPY local_orders (doc) FROM :'orders_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_types (doc jsonb);
COPY local_types (doc) FROM :'types_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE summary (doc jsonb);
COPY summary (doc) FROM :'summary_file' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');

-- The proxy's counters, as jsonb (\set ... `curl` then :'stats').
CREATE FUNCTION proxy_stats(s text) RETURNS jsonb LANGUAGE sql AS $$ SELECT s::jsonb->'stats' $$;
-- SQLSTATE and DETAIL of an error whose DETAIL has no emulator or libcurl
-- wording in it (the proxy's own answers), without the request id.
CREATE FUNCTION failure_of(query text, OUT state text, OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  state := 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
  detail := regexp_replace(detail, ' Request id \S+\.$', '');
END $$;

-- A server behind the proxy, patient enough for 27% failed attempts.
CREATE SERVER maip_faulty FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'proxy', max_retries '10');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_faulty
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE ma (
  merchant_id text OPTIONS (attribute 'merchantId'),
  event_sk    text OPTIONS (attribute 'eventType#timestamp'),
  item        jsonb OPTIONS (item 'true')
) SERVER maip_faulty OPTIONS (table 'maip-dev-merchant-analytics');
CREATE FOREIGN TABLE products (
  product_id text OPTIONS (attribute 'productId'),
  version    integer,
  item       jsonb OPTIONS (item 'true')
) SERVER maip_faulty OPTIONS (table 'maip-dev-products');
CREATE FOREIGN TABLE types (
  id   text,
  item jsonb OPTIONS (item 'true')
) SERVER maip_faulty OPTIONS (table 'maip-fixture-types');
CREATE FOREIGN TABLE orders (
  order_id text OPTIONS (attribute 'orderId'),
  item     jsonb OPTIONS (item 'true')
) SERVER maip_faulty OPTIONS (table 'maip-dev-orders', page_size '50');

-- Without faults the proxy is transparent (the SigV4 signature survives it).
SELECT count(*) FROM orders;

--
-- 1. 20% throttling, 5% HTTP 5xx, 2% dropped connections: a full Scan of
-- the largest table (several 1 MB pages) returns exactly the dumped items,
-- and EXPLAIN ANALYZE counts the retries.  The script makes sure each kind
-- of fault happens at least once, whatever the seed.  (Plans first, without
-- faults: DescribeTable is then cached and the script hits the Scan.)
--
EXPLAIN (COSTS OFF) SELECT item FROM ma;
\! curl -sS -f -o /dev/null -d '{"throttle":0.2,"error5xx":0.05,"drop":0.02,"seed":42,"script":["throttle","error5xx","drop"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT (p->>'DynamoDB Retries')::int > 0 AS retried,
       (p->>'DynamoDB Requests')::int > (p->>'DynamoDB Pages')::int AS more_requests_than_pages,
       (p->>'DynamoDB Pages')::int = (SELECT (doc->'tables'->'maip-dev-merchant-analytics'->>'scan_pages')::int FROM summary)
         AS same_pages_as_boto3,
       (p->>'Actual Rows')::int AS rows
FROM explain_analyze('CREATE TABLE got_ma AS SELECT merchant_id, event_sk, item FROM ma') AS p;
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->>'throttle')::int > 0 AS throttled, (s->>'error5xx')::int > 0 AS failed_5xx,
       (s->>'drop')::int > 0 AS dropped
FROM proxy_stats(:'stats') AS s;
SELECT count(*) AS rows, count(DISTINCT (merchant_id, event_sk)) AS distinct_keys,
       count(*) FILTER (WHERE merchant_id IS DISTINCT FROM item->>'merchantId'
                           OR event_sk IS DISTINCT FROM item->>'eventType#timestamp') AS inconsistent
FROM got_ma;
SELECT (SELECT count(*) FROM (SELECT doc FROM local_ma EXCEPT ALL SELECT item FROM got_ma) d) AS missing,
       (SELECT count(*) FROM (SELECT item FROM got_ma EXCEPT ALL SELECT doc FROM local_ma) d) AS extra;

--
-- 2. Key lookups in batches (BatchGetItem: a list of partition keys with the
-- sort key fixed, 150 keys = requests of 100 + 50) under the same faults,
-- and 30% of the requested keys handed back as UnprocessedKeys each time.
--
SELECT array_agg(format('prod-%s', lpad(i::text, 3, '0')) ORDER BY i) AS ids
FROM generate_series(1, 150) AS i \gset
EXPLAIN (COSTS OFF)
SELECT * FROM products WHERE product_id = ANY(:'ids'::text[]) AND version = 2;
\! curl -sS -f -o /dev/null -d '{"throttle":0.2,"error5xx":0.05,"drop":0.02,"unprocessed":0.3,"seed":7,"script":["unprocessed","throttle"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT p->>'DynamoDB Operation' AS operation,
       (p->>'DynamoDB Retries')::int > 0 AS retried,
       (p->>'DynamoDB Requests')::int > 2 AS more_than_two_requests,
       (p->>'Actual Rows')::int AS rows
FROM explain_analyze(format('CREATE TABLE got_products AS SELECT product_id, version, item FROM products
                             WHERE product_id = ANY(%L::text[]) AND version = 2', :'ids')) AS p;
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->>'unprocessed_keys')::int > 0 AS keys_left_unprocessed,
       (s->>'unprocessed_responses')::int > 1 AS in_several_answers,
       (s->>'throttle')::int > 0 AS throttled
FROM proxy_stats(:'stats') AS s;
SELECT (SELECT count(*) FROM (SELECT doc FROM local_products
                              WHERE doc->>'productId' = ANY(:'ids'::text[]) AND (doc->>'version')::int = 2
                              EXCEPT ALL SELECT item FROM got_products) d) AS missing,
       (SELECT count(*) FROM (SELECT item FROM got_products
                              EXCEPT ALL SELECT doc FROM local_products
                              WHERE doc->>'productId' = ANY(:'ids'::text[]) AND (doc->>'version')::int = 2) d) AS extra,
       (SELECT count(*) FROM got_products WHERE product_id IS DISTINCT FROM item->>'productId'
                                             OR version IS DISTINCT FROM (item->>'version')::int) AS inconsistent;
-- a table with a partition key only: every key unprocessed the first time
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
EXPLAIN (COSTS OFF) SELECT id FROM types WHERE id IN ('all', 'missing', 'nope');
\! curl -sS -f -o /dev/null -d '{"unprocessed":0.5,"seed":1,"script":["unprocessed","unprocessed"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT p->>'DynamoDB Operation' AS operation, (p->>'DynamoDB Retries')::int > 0 AS retried,
       (p->>'Actual Rows')::int AS rows
FROM explain_analyze($$SELECT id FROM types WHERE id IN ('all', 'missing', 'nope')$$) AS p;
SELECT t.id, t.item = l.doc AS same_item
FROM types t LEFT JOIN local_types l ON l.doc->>'id' = t.id
WHERE t.id IN ('all', 'missing', 'nope') ORDER BY t.id;

--
-- 3. Retries run out: a clear error naming the operation and the number of
-- attempts; the next query in the same session works.
--
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
CREATE SERVER maip_fragile FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'proxy', max_retries '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_fragile
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE orders_fragile (
  order_id text OPTIONS (attribute 'orderId'),
  item     jsonb OPTIONS (item 'true')
) SERVER maip_fragile OPTIONS (table 'maip-dev-orders', page_size '50');
SELECT count(*) FROM orders_fragile;
-- throttled every time
\! curl -sS -f -o /dev/null -d '{"throttle":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM error_of('SELECT order_id FROM orders_fragile');
-- HTTP 500 with a JSON error, every time
\! curl -sS -f -o /dev/null -d '{"error5xx":1.0,"status5xx":[500],"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM failure_of('SELECT order_id FROM orders_fragile');
-- HTTP 503 with a plain-text page, every time
\! curl -sS -f -o /dev/null -d '{"error5xx":1.0,"status5xx":[503],"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM failure_of('SELECT order_id FROM orders_fragile');
-- the connection closed without an answer, every time
\! curl -sS -f -o /dev/null -d '{"drop":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM error_of('SELECT order_id FROM orders_fragile');
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) AS works FROM orders_fragile;

--
-- 4. Truncated and garbled answers: a clear error, never partial rows.
--
-- the body ends before its Content-Length
\! curl -sS -f -o /dev/null -d '{"truncate":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM error_of('SELECT order_id FROM orders_fragile');
-- 200 with a body that is not JSON
\! curl -sS -f -o /dev/null -d '{"garbage":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT * FROM failure_of('SELECT order_id FROM orders_fragile');
-- valid JSON whose items are not objects: an error, never a crash
\! curl -sS -f -o /dev/null -d '{"malformed":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) > 0 AS works FROM orders_fragile;
-- the first page (50 rows) is fine, the second one is truncated twice: the
-- query fails instead of returning 50 rows as if they were all
\! curl -sS -f -o /dev/null -d '{"ops":["Scan"],"script":["ok","truncate","truncate"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) FROM orders_fragile;
\! curl -sS -f -o /dev/null -d '{"ops":["Scan"],"script":["ok","garbage","garbage"]}' "$MAIP_TEST_FAULTPROXY/__fault"
CREATE TABLE partial AS SELECT * FROM orders_fragile;
SELECT to_regclass('partial') IS NULL AS nothing_kept;
-- with retries left, truncated and garbled pages are fetched again: exact result
\! curl -sS -f -o /dev/null -d '{"truncate":0.25,"garbage":0.25,"seed":3,"script":["truncate","garbage"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT (p->>'DynamoDB Retries')::int > 0 AS retried, (p->>'Actual Rows')::int AS rows
FROM explain_analyze('CREATE TABLE got_orders AS SELECT order_id, item FROM orders') AS p;
SELECT (SELECT count(*) FROM (SELECT doc FROM local_orders EXCEPT ALL SELECT item FROM got_orders) d) AS missing,
       (SELECT count(*) FROM (SELECT item FROM got_orders EXCEPT ALL SELECT doc FROM local_orders) d) AS extra;
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) AS works FROM orders_fragile;

--
-- 5. statement_timeout stops a slow answer (30 s) within a second, and also
-- a query that is waiting between retries.
--
\! curl -sS -f -o /dev/null -d '{"slow_ms":30000,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '500ms';
SELECT count(*) FROM orders;
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '1.5 s' AS stopped_within_1s_of_timeout;
\! curl -sS -f -o /dev/null -d '{"throttle":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '500ms';
SELECT count(*) FROM orders;
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '1.5 s' AS stopped_within_1s_of_timeout;
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) AS works FROM orders;

--
-- 6. pg_cancel_backend from a second session stops a slow answer within a
-- second.  A background shell polls pg_stat_activity for the statement
-- marked "cancel me", cancels it and logs when.  (statement_timeout is only
-- a safety net here: it would show up as a different error.)
--
CREATE TABLE cancel_log (canceled_at timestamptz);
SELECT current_database() AS db \gset
\setenv PGDATABASE :db
\! curl -sS -f -o /dev/null -d '{"slow_ms":30000,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
\! (for i in $(seq 1 150); do sleep 0.1; n=$(psql -XAtq -c "INSERT INTO faults.cancel_log SELECT clock_timestamp() FROM (SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%cancel me%' OFFSET 0) a WHERE pg_cancel_backend(a.pid) RETURNING 1"); [ -n "$n" ] && break; done) >/dev/null 2>&1 &
SET statement_timeout = '20s';
SELECT count(*) /* cancel me */ FROM orders;
SELECT clock_timestamp() AS t_end \gset
RESET statement_timeout;
-- the canceling session may still be committing its log row
DO $$ BEGIN
  FOR i IN 1..50 LOOP
    EXIT WHEN EXISTS (SELECT FROM faults.cancel_log);
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
SELECT count(*) AS cancels, bool_and(:'t_end'::timestamptz - canceled_at < interval '1 s') AS stopped_within_1s
FROM cancel_log;
\setenv PGDATABASE
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"

--
-- 7. libcurl resends a request by itself when a kept-alive connection turns
-- out to be dead (the proxy reads the Query and closes the connection):
-- the resend is counted as a request and a retry.
--
EXPLAIN (COSTS OFF) SELECT order_id FROM orders WHERE order_id = 'ord-00001';
\! curl -sS -f -o /dev/null -d '{"ops":["Query"],"script":["drop"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT p->>'DynamoDB Operation' AS operation, p->>'DynamoDB Requests' AS requests,
       p->>'DynamoDB Retries' AS retries, p->>'Actual Rows' AS rows
FROM explain_analyze($$SELECT order_id FROM orders WHERE order_id = 'ord-00001'$$) AS p;
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->>'drop')::int AS dropped, (s->'by_op'->>'Query')::int AS query_requests
FROM proxy_stats(:'stats') AS s;

--
-- 8. Changes are never applied twice, nor reported as failed when they
-- worked.  The proxy forwards a change to moto and then answers HTTP 500
-- (error5xx_after) or closes the connection (drop_after): the FDW cannot
-- know whether it happened, so it looks at the state instead of sending it
-- again.  The proxy counts the requests per operation; boto3 (awscheck.py)
-- reads moto directly.
--
\! bash test/recorder/run.sh awscheck.py cleanup maip-restore-faults maip-dev-orders-faults-
\! curl -sS -f -o /dev/null -d '{"ops":["CreateBackup"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT maip_fdw.create_backup('maip-dev-orders', 'maip-dev-orders-faults-5xx', server => 'maip_faulty') AS arn_5xx \gset
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->>'error5xx_after')::int AS failed_after_forwarding,
       (s->'by_op'->>'CreateBackup')::int AS create_backup_requests
FROM proxy_stats(:'stats') AS s;
\! bash test/recorder/run.sh awscheck.py backups-named maip-dev-orders-faults-5xx
SELECT backup_name, backup_arn = :'arn_5xx' AS same_arn, status
FROM maip_fdw.list_backups('maip-dev-orders', server => 'maip_faulty')
WHERE backup_name = 'maip-dev-orders-faults-5xx';
-- the connection closes after the request went out (on a kept-alive
-- connection libcurl would resend it by itself)
SELECT count(*) FROM orders WHERE order_id = 'ord-00001';
\! curl -sS -f -o /dev/null -d '{"ops":["CreateBackup"],"script":["drop_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT maip_fdw.create_backup('maip-dev-orders', 'maip-dev-orders-faults-drop', server => 'maip_faulty') AS arn_drop \gset
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->>'drop_after')::int AS dropped_after_forwarding,
       (s->'by_op'->>'CreateBackup')::int AS create_backup_requests
FROM proxy_stats(:'stats') AS s;
\! bash test/recorder/run.sh awscheck.py backups-named maip-dev-orders-faults-drop
-- DeleteBackup: done, though the answer was a 500 (moto now says BackupNotFound)
\! curl -sS -f -o /dev/null -d '{"ops":["DeleteBackup"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT table_name, backup_arn = :'arn_5xx' AS same_arn, status
FROM maip_fdw.delete_backup(:'arn_5xx', server => 'maip_faulty');
\setenv ARN_5XX :arn_5xx
\! bash test/recorder/run.sh awscheck.py backup "$ARN_5XX"
-- a backup that does not exist: 42704, also without faults
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT * FROM error_of(format('SELECT * FROM maip_fdw.delete_backup(%L, server => %L)', :'arn_5xx', 'maip_faulty'));
-- RestoreTableFromBackup: done, though the answer was a 500 (a resend would
-- meet TableAlreadyExists)
\! curl -sS -f -o /dev/null -d '{"ops":["RestoreTableFromBackup"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT table_name, status
FROM maip_fdw.restore_table_from_backup('maip-restore-faults', :'arn_drop', server => 'maip_faulty');
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->'by_op'->>'RestoreTableFromBackup')::int AS restore_requests FROM proxy_stats(:'stats') AS s;
\! bash test/recorder/run.sh awscheck.py same-items maip-dev-orders maip-restore-faults
-- a 500 before anything happened, over a table that exists already: the
-- table is not this restore's, so TableAlreadyExists (42P07) stands
\! curl -sS -f -o /dev/null -d '{"ops":["RestoreTableFromBackup"],"script":["error5xx"],"status5xx":[500]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT (failure_of(format('SELECT * FROM maip_fdw.restore_table_from_backup(%L, %L, server => %L)',
                          'maip-dev-customers', :'arn_drop', 'maip_faulty'))).state;
-- UpdateTable: sent once
\! curl -sS -f -o /dev/null -d '{"ops":["UpdateTable"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT * FROM maip_fdw.update_capacity('maip-restore-faults', 11, 7, server => 'maip_faulty');
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->'by_op'->>'UpdateTable')::int AS update_table_requests FROM proxy_stats(:'stats') AS s;
\! bash test/recorder/run.sh awscheck.py billing maip-restore-faults
-- UpdateContinuousBackups: sent once
\! curl -sS -f -o /dev/null -d '{"ops":["UpdateContinuousBackups"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT continuous_backups, pitr_status FROM maip_fdw.enable_pitr('maip-restore-faults', server => 'maip_faulty');
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->'by_op'->>'UpdateContinuousBackups')::int AS update_requests FROM proxy_stats(:'stats') AS s;
\! bash test/recorder/run.sh awscheck.py pitr maip-restore-faults
-- reads are still simply retried after a 500
\! curl -sS -f -o /dev/null -d '{"ops":["ListBackups"],"script":["error5xx_after"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) FROM maip_fdw.list_backups('maip-dev-orders', server => 'maip_faulty')
WHERE backup_name LIKE 'maip-dev-orders-faults-%';
\set stats `curl -sS "$MAIP_TEST_FAULTPROXY/__fault"`
SELECT (s->'by_op'->>'ListBackups')::int AS list_backups_requests FROM proxy_stats(:'stats') AS s;
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT backup_name, status FROM maip_fdw.delete_backup(:'arn_drop', server => 'maip_faulty');
\! bash test/recorder/run.sh awscheck.py drop-tables maip-restore-faults

--
-- 9. An answer larger than any DynamoDB answer (20 MB) is refused, not
-- buffered; the session goes on.
--
\! curl -sS -f -o /dev/null -d '{"ops":["Scan"],"script":["oversize"]}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT order_id FROM orders_fragile;
SELECT count(*) AS works FROM orders_fragile;

--
-- 10. While a request is in flight, pg_stat_activity shows a wait event.
-- A background shell samples the slow statement until it sees one.
--
CREATE TABLE wait_log (wait_event_type text, wait_event text);
\setenv PGDATABASE :db
\! curl -sS -f -o /dev/null -d '{"slow_ms":2500,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
\! (for i in $(seq 1 20); do sleep 0.1; n=$(psql -XAtq -c "INSERT INTO faults.wait_log SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%show my wait%' AND wait_event IS NOT NULL RETURNING 1"); [ -n "$n" ] && break; done) >/dev/null 2>&1 &
SELECT count(*) /* show my wait */ FROM orders;
DO $$ BEGIN
  FOR i IN 1..30 LOOP
    EXIT WHEN EXISTS (SELECT FROM faults.wait_log);
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
SELECT wait_event_type, wait_event IN ('Extension', 'MaipDynamoDBRequest') AS ours FROM wait_log;
\setenv PGDATABASE
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"

-- The backend survived all of it, and the same session still reads everything.
SELECT count(*) AS works FROM orders;
SELECT count(*) = (SELECT count(*) FROM local_orders) AS all_orders FROM orders_fragile;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA faults CASCADE;
DROP USER MAPPING FOR CURRENT_USER SERVER maip_faulty;
DROP USER MAPPING FOR CURRENT_USER SERVER maip_fragile;
DROP SERVER maip_faulty;
DROP SERVER maip_fragile;
RESET client_min_messages;
