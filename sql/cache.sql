--
-- cache: DescribeTable answers (key schema, item count) are cached for a
-- minute per server, user and table, so that planning costs no round trip.
-- A change to the server, the user mapping or a foreign table empties the
-- cache: the very next query describes the table again.
--
-- The table maip-cache-twin has partition key "a" in moto and "b" in
-- dynalite (test/twin_table.py, through boto3).  Planned with the wrong
-- key schema, "a <> 'zzz'" would go out as an exact filter on a key and
-- return dynalite's item that has no "a" at all.
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv dynalite MAIP_TEST_DYNALITE_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\! python3 test/twin_table.py create maip-cache-twin
CREATE SCHEMA cache;
SET search_path = cache, public;
CREATE SERVER twin FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'us-east-1', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER twin
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE twin (a text, b text) SERVER twin OPTIONS (table 'maip-cache-twin');

-- moto: "a" is the partition key, so the filter on it is exact
EXPLAIN (VERBOSE, COSTS OFF) SELECT a, b FROM twin WHERE a <> 'zzz';
SELECT a, b FROM twin WHERE a <> 'zzz' ORDER BY b;

-- the same table name on another endpoint, with another key schema: the
-- next query plans with "b" as the key, and "a" gets a guarded filter
-- that PostgreSQL rechecks
ALTER SERVER twin OPTIONS (SET endpoint :'dynalite');
EXPLAIN (VERBOSE, COSTS OFF) SELECT a, b FROM twin WHERE a <> 'zzz';
SELECT a, b FROM twin WHERE a <> 'zzz' ORDER BY b;
SELECT a, b FROM twin WHERE b = 'y';

-- a user mapping change: the next plan describes the table again (with
-- keys that moto refuses, even EXPLAIN fails; from the cache it would not)
ALTER SERVER twin OPTIONS (SET endpoint :'endpoint');
EXPLAIN (COSTS OFF) SELECT a FROM twin WHERE a = '1';
ALTER USER MAPPING FOR CURRENT_USER SERVER twin OPTIONS (SET secret_access_key 'not-the-secret');
SELECT state FROM error_of($$EXPLAIN (COSTS OFF) SELECT a FROM twin WHERE a = '1'$$);
ALTER USER MAPPING FOR CURRENT_USER SERVER twin OPTIONS (SET secret_access_key :'secret_key');
EXPLAIN (COSTS OFF) SELECT a FROM twin WHERE a = '1';

DROP SERVER twin CASCADE;

-- A principal that may read but not describe: planning falls back to
-- default estimates, and the refusal is cached like an answer (one
-- DescribeTable for two plans, counted by the fault proxy in front of
-- moto, with no faults); ANALYZE samples anyway.
\getenv state MAIP_TEST_STATE
\getenv faultproxy MAIP_TEST_FAULTPROXY
\set keys_file :state '/no-describe.csv'
\! python3 test/iam_user.py create maip-no-describe dynamodb:DescribeTable "$MAIP_TEST_STATE/no-describe.csv"
CREATE TEMP TABLE nd_keys (key_id text, secret text);
COPY nd_keys FROM :'keys_file' WITH (FORMAT csv);
SELECT key_id AS nd_key, secret AS nd_secret FROM nd_keys \gset
CREATE SERVER nodesc FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'us-east-1', endpoint :'faultproxy');
CREATE USER MAPPING FOR CURRENT_USER SERVER nodesc
  OPTIONS (access_key_id :'nd_key', secret_access_key :'nd_secret');
CREATE FOREIGN TABLE nd_products (product_id text OPTIONS (attribute 'productId'), version numeric)
  SERVER nodesc OPTIONS (table 'maip-dev-products');
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
EXPLAIN (COSTS OFF) SELECT * FROM nd_products WHERE product_id = 'prod-001';
EXPLAIN (COSTS OFF) SELECT * FROM nd_products WHERE product_id = 'prod-002';
\! curl -sS "$MAIP_TEST_FAULTPROXY/__fault" | python3 -c 'import json, sys; print("DescribeTable requests:", json.load(sys.stdin)["stats"]["by_op"].get("DescribeTable", 0))'
SELECT count(*) FROM nd_products WHERE product_id = 'prod-001';
ANALYZE nd_products;
SELECT reltuples FROM pg_class WHERE oid = 'nd_products'::regclass;
DROP SERVER nodesc CASCADE;
\! python3 test/twin_table.py drop maip-cache-twin
