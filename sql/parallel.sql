--
-- parallel: a Scan split into DynamoDB segments that the processes of a
-- Gather claim in turn.  Every item must come back exactly once: compared
-- with the local copy of the data that boto3 dumped.
--
\getenv dump MAIP_TEST_DUMP
\set ma_dump :dump '/maip-dev-merchant-analytics.jsonl'
CREATE SCHEMA parallel;
SET search_path = parallel, public;

CREATE TEMP TABLE raw (doc jsonb);
COPY raw (doc) FROM :'ma_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_ma AS
  SELECT doc->>'merchantId' AS merchant_id, doc->>'eventType#timestamp' AS sk,
         (doc->>'durationMs')::bigint AS duration_ms
  FROM raw;

-- the table option segments: 4 segments, so 3 workers and the leader
CREATE FOREIGN TABLE ma (
  merchant_id text OPTIONS (attribute 'merchantId'),
  sk          text OPTIONS (attribute 'eventType#timestamp'),
  duration_ms bigint OPTIONS (attribute 'durationMs')
) SERVER maip OPTIONS (table 'maip-dev-merchant-analytics', segments '4', page_size '100');
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET max_parallel_workers_per_gather = 3;

EXPLAIN (COSTS OFF) SELECT merchant_id, sk FROM ma;
SELECT mismatches('SELECT merchant_id, sk FROM ma', 'SELECT merchant_id, sk FROM local_ma');
EXPLAIN (COSTS OFF) SELECT count(*), sum(duration_ms) FROM ma;
SELECT (SELECT count(*) FROM ma) = (SELECT count(*) FROM local_ma) AS same_count,
       (SELECT sum(duration_ms) FROM ma) = (SELECT sum(duration_ms) FROM local_ma) AS same_sum;
-- a filter goes to every segment
SELECT mismatches($$SELECT merchant_id, sk FROM ma WHERE duration_ms > 100000$$,
                  $$SELECT merchant_id, sk FROM local_ma WHERE duration_ms > 100000$$);

-- a rescan under Gather unclaims every segment: the same rows each time
CREATE TEMP TABLE outer_rows AS SELECT generate_series(1, 3) AS i;
ANALYZE outer_rows;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
EXPLAIN (COSTS OFF)
SELECT o.i, count(*) FROM outer_rows o, LATERAL (SELECT * FROM ma WHERE ma.duration_ms > o.i) m GROUP BY o.i ORDER BY o.i;
SELECT o.i, count(*) = (SELECT count(*) FROM local_ma WHERE duration_ms > o.i) AS same
FROM outer_rows o, LATERAL (SELECT * FROM ma WHERE ma.duration_ms > o.i) m GROUP BY o.i ORDER BY o.i;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;

-- under faults (throttling and HTTP 5xx on a fifth of the Scans, through
-- the fault proxy in front of moto): retried in every process, every item
-- still exactly once
\getenv faultproxy MAIP_TEST_FAULTPROXY
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
CREATE SERVER maip_par_faulty FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'faultproxy', max_retries '8');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_par_faulty
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE ma_faulty (merchant_id text OPTIONS (attribute 'merchantId'),
                                sk text OPTIONS (attribute 'eventType#timestamp'))
  SERVER maip_par_faulty OPTIONS (table 'maip-dev-merchant-analytics', segments '4', page_size '200');
\! curl -sS -f -o /dev/null -d '{"throttle":0.15,"error5xx":0.05,"seed":7,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
EXPLAIN (COSTS OFF) SELECT merchant_id, sk FROM ma_faulty;
SELECT mismatches('SELECT merchant_id, sk FROM ma_faulty', 'SELECT merchant_id, sk FROM local_ma');
\! curl -sS "$MAIP_TEST_FAULTPROXY/__fault" | python3 -c 'import json, sys; s = json.load(sys.stdin)["stats"]; print("faults injected:", s["throttle"] + s["error5xx"] > 0)'
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"

-- key lookups are never split: a Query has no segments
EXPLAIN (COSTS OFF) SELECT * FROM ma WHERE merchant_id = 'merch-01';

-- without the option, a table this small is read by one process
ALTER FOREIGN TABLE ma OPTIONS (DROP segments);
EXPLAIN (COSTS OFF) SELECT merchant_id, sk FROM ma;
ALTER FOREIGN TABLE ma OPTIONS (ADD segments '0');
DROP SERVER maip_par_faulty CASCADE;
