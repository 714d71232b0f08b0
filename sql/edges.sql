--
-- edges: values DynamoDB cannot take (NULL and empty keys, numbers it
-- cannot store, LIKE patterns known only at execution), mixed integer
-- types in one range, long ORs, operators that only look like ours, and
-- EvalPlanQual.  Every answer is compared with the same query on a local
-- copy of the data (dumped by boto3), so a condition decided wrongly
-- before sending shows up as a mismatch, and one sent wrongly as an error.
--
\getenv dump MAIP_TEST_DUMP
\set ma_dump :dump '/maip-dev-merchant-analytics.jsonl'
\set products_dump :dump '/maip-dev-products.jsonl'
\set orders_dump :dump '/maip-dev-orders.jsonl'
CREATE SCHEMA edges;
SET search_path = edges, public;

CREATE TEMP TABLE raw (doc jsonb);
COPY raw (doc) FROM :'ma_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_ma AS
  SELECT doc->>'merchantId' AS merchant_id, doc->>'eventType#timestamp' COLLATE "C" AS sk,
         (doc->>'durationMs')::bigint AS duration_ms
  FROM raw;
TRUNCATE raw;
COPY raw (doc) FROM :'products_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_products AS
  SELECT doc->>'productId' AS product_id, (doc->>'version')::numeric AS version,
         (doc->>'price')::numeric AS price, doc->>'status' AS status
  FROM raw;
TRUNCATE raw;
COPY raw (doc) FROM :'orders_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_orders AS
  SELECT doc->>'orderId' AS order_id, doc->>'customerId#timestamp' AS sk,
         doc->>'customerId' AS customer_id, doc->>'status' AS status, (doc->>'total')::numeric AS total
  FROM raw;

CREATE FOREIGN TABLE ma (
  merchant_id text OPTIONS (attribute 'merchantId'),
  sk          text OPTIONS (attribute 'eventType#timestamp') COLLATE "C",
  duration_ms bigint OPTIONS (attribute 'durationMs')
) SERVER maip OPTIONS (table 'maip-dev-merchant-analytics');
CREATE FOREIGN TABLE products (
  product_id text OPTIONS (attribute 'productId'),
  version    numeric,
  price      numeric,
  status     text
) SERVER maip OPTIONS (table 'maip-dev-products');
CREATE FOREIGN TABLE products_i8 (
  product_id text OPTIONS (attribute 'productId'),
  version    int8
) SERVER maip OPTIONS (table 'maip-dev-products');
CREATE FOREIGN TABLE orders (
  order_id    text OPTIONS (attribute 'orderId'),
  sk          text OPTIONS (attribute 'customerId#timestamp') COLLATE "C",
  customer_id text OPTIONS (attribute 'customerId'),
  status      text,
  total       numeric
) SERVER maip OPTIONS (table 'maip-dev-orders');

-- 1. NULL arrays and NULL elements in partition-key IN lists match
-- nothing; planning them must not read the array (it used to crash).
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM products WHERE product_id = ANY (NULL::text[]);
SELECT count(*) FROM products WHERE product_id = ANY (NULL::text[]);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM products WHERE product_id = ANY (NULL::text[]) AND version = 1;
SELECT count(*) FROM products WHERE product_id = ANY (NULL::text[]) AND version = 1;
SELECT count(*) FROM products WHERE product_id = ANY (ARRAY[NULL, 'prod-002', NULL]) AND version = 1;
SELECT count(*) FROM products WHERE product_id = ANY (ARRAY[NULL, NULL]::text[]);
SET plan_cache_mode = force_custom_plan;
PREPARE any_keys(text[]) AS SELECT count(*) FROM products WHERE product_id = ANY ($1);
EXECUTE any_keys(NULL);
EXECUTE any_keys(ARRAY['prod-001', NULL]);
PREPARE any_full_keys(text[]) AS SELECT count(*) FROM products WHERE product_id = ANY ($1) AND version = 2;
EXECUTE any_full_keys(NULL);
EXECUTE any_full_keys(ARRAY['prod-001', NULL, 'prod-003']);
RESET plan_cache_mode;

-- 2. A two-sided range whose bounds have different integer types: each
-- bound is sent (and compared for BETWEEN's order) through its own type.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM products_i8 WHERE product_id = 'prod-002' AND version >= 1::int4 AND version <= 4294967296::int8;
SELECT mismatches($$SELECT product_id, version FROM products_i8 WHERE product_id = 'prod-002' AND version >= 1::int4 AND version <= 4294967296::int8$$,
                  $$SELECT product_id, version FROM local_products WHERE product_id = 'prod-002'$$) AS mismatches,
       (SELECT count(*) FROM products_i8 WHERE product_id = 'prod-002' AND version >= 1::int4 AND version <= 4294967296::int8) AS n;
SELECT count(*) FROM products_i8 WHERE product_id = 'prod-002' AND version >= 4294967296::int8 AND version <= 2::int2;

-- 3. Numbers DynamoDB cannot store (NaN, Infinity, beyond 1E+126 or below
-- 1E-130 in magnitude, more than 38 significant digits) are never sent:
-- such a bound makes the sort-key condition true for every key (left
-- out), false for every key (no request), or equal to one on a storable
-- neighbour; in a filter, such a constant stays local.  Prepared with a
-- generic plan, the values are decided at execution.
CREATE TEMP TABLE number_cases (op text, v text);
INSERT INTO number_cases VALUES
  ('>', '1e200'), ('<', '1e200'), ('>=', '-1e200'), ('<=', '-1e200'), ('=', '1e200'),
  ('>', 'NaN'), ('<', 'NaN'), ('<=', 'Infinity'), ('>', '-Infinity'), ('<', '-Infinity'),
  ('>', '1e-200'), ('>=', '1e-200'), ('<', '1e-200'), ('<=', '-1e-200'),
  ('>', '2.00000000000000000000000000000000000000001'), ('>=', '1.99999999999999999999999999999999999999999'),
  ('<', '2.00000000000000000000000000000000000000001'), ('<=', '2.00000000000000000000000000000000000000001'),
  ('=', '2.00000000000000000000000000000000000000001'), ('>', '3');
-- q (one %s for the operator, one %L for the value) on the foreign
-- table and on local_products: rows found remotely, and rows that differ
CREATE FUNCTION const_vs_local(q text, op text, v text) RETURNS TABLE (remote bigint, mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SELECT count(*) FROM (' || q || ') r', 'products', op, v) INTO remote;
  mismatches := mismatches(format(q, 'products', op, v), format(q, 'local_products', op, v));
  RETURN NEXT;
END $$;
-- the same with the value as the parameter $1 of a generic plan
CREATE FUNCTION generic_vs_local(q text, argtype text, op text, v text,
                                 rt text DEFAULT 'products', lt text DEFAULT 'local_products')
RETURNS TABLE (remote bigint, mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL plan_cache_mode = force_generic_plan;
  -- left over by an earlier call that failed
  IF EXISTS (SELECT FROM pg_prepared_statements WHERE name = 'gvl') THEN DEALLOCATE gvl; END IF;
  IF to_regclass('gvl_remote') IS NOT NULL THEN DROP TABLE gvl_remote; END IF;
  EXECUTE format('PREPARE gvl(%s) AS ', argtype) || format(q, rt, op, '$1');
  EXECUTE format('CREATE TEMP TABLE gvl_remote AS EXECUTE gvl(%L)', v);
  DEALLOCATE gvl;
  SELECT count(*) INTO remote FROM gvl_remote;
  mismatches := mismatches('SELECT * FROM gvl_remote',
                           format(q, lt, op, quote_literal(v) || '::' || argtype));
  DROP TABLE gvl_remote;
  RETURN NEXT;
END $$;
-- as constants in the sort-key condition (a Query per product)
SELECT c.op, c.v, r.* FROM number_cases c,
  const_vs_local($$SELECT product_id, version FROM %s WHERE product_id = 'prod-002' AND version %s %L::numeric$$, c.op, c.v) r;
-- as constants in a filter on another attribute (a Scan)
SELECT c.op, c.v, r.* FROM number_cases c,
  const_vs_local($$SELECT product_id, version FROM %s WHERE price %s %L::numeric$$, c.op, c.v) r;
-- as parameters of a generic plan: sort key, then filter
PREPARE version_above(numeric) AS SELECT product_id, version FROM products WHERE product_id = 'prod-002' AND version > $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE version_above(1e200);
RESET plan_cache_mode;
SELECT c.op, c.v, r.* FROM number_cases c,
  generic_vs_local($$SELECT product_id, version FROM %s WHERE product_id = 'prod-002' AND version %s %s$$, 'numeric', c.op, c.v) r;
SELECT c.op, c.v, r.* FROM number_cases c,
  generic_vs_local($$SELECT product_id, version FROM %s WHERE price %s %s$$, 'numeric', c.op, c.v) r;

-- 4. Empty strings: no key holds one.  In a sort-key condition an empty
-- bound is decided at execution ("sk > ''" holds for every key, "sk <= ''"
-- for none, begins_with '' is no condition); as a partition or index key
-- it matches nothing; a filter takes it as it is.
CREATE TEMP TABLE empty_cases (op text);
INSERT INTO empty_cases VALUES ('>'), ('>='), ('<'), ('<='), ('='), ('^@'), ('LIKE');
PREPARE ma_range(text) AS SELECT merchant_id, sk FROM ma WHERE merchant_id = 'merch-03' AND sk > $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE ma_range('');
RESET plan_cache_mode;
SELECT c.op, r.* FROM empty_cases c,
  generic_vs_local($$SELECT merchant_id, sk FROM %s WHERE merchant_id = 'merch-03' AND sk %s %s$$,
                   'text', c.op, '', 'ma', 'local_ma') r;
SET plan_cache_mode = force_generic_plan;
-- BETWEEN with an empty low bound is "<= high"; with an empty high bound, nothing
PREPARE ma_between(text, text) AS SELECT merchant_id, sk FROM ma WHERE merchant_id = 'merch-03' AND sk >= $1 AND sk <= $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE ma_between('', 'click#2026-01-02');
CREATE TEMP TABLE between_remote AS EXECUTE ma_between('', 'click#2026-01-02');
SELECT count(*) AS remote, mismatches('SELECT * FROM between_remote',
  $$SELECT merchant_id, sk FROM local_ma WHERE merchant_id = 'merch-03' AND sk <= 'click#2026-01-02'$$) FROM between_remote;
CREATE TEMP TABLE between_remote2 AS EXECUTE ma_between('click#2026-01-02', '');
SELECT count(*) AS remote FROM between_remote2;
-- an empty partition key, index key and filter value
PREPARE by_key(text) AS SELECT count(*) FROM orders WHERE order_id = $1;
EXECUTE by_key('');
PREPARE by_customer(text) AS SELECT count(*) FROM orders WHERE customer_id = $1;
EXPLAIN (COSTS OFF) EXECUTE by_customer('');
EXECUTE by_customer('');
PREPARE by_status(text) AS SELECT count(*) FROM orders WHERE status > $1;
EXECUTE by_status('');
RESET plan_cache_mode;
SELECT count(*) = (SELECT count(*) FROM local_orders) AS all_orders FROM orders WHERE status > '';
-- a part column equal to '' under an ICU collation: begins_with '' is left out
CREATE FOREIGN TABLE orders_parts_icu (
  order_id text OPTIONS (attribute 'orderId'),
  cust     text OPTIONS (attribute 'customerId#timestamp', part '1') COLLATE "en-x-icu",
  ts       text OPTIONS (attribute 'customerId#timestamp', part '2') COLLATE "en-x-icu"
) SERVER maip OPTIONS (table 'maip-dev-orders');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM orders_parts_icu WHERE order_id = 'ord-00001' AND cust = '';
SELECT count(*) FROM orders_parts_icu WHERE order_id = 'ord-00001' AND cust = '';
SELECT count(*) FROM orders_parts_icu WHERE order_id = 'ord-00001' AND cust = 'cust-4';

-- 5. LIKE with a parameter: the pattern's literal prefix is found at
-- execution and becomes begins_with; PostgreSQL rechecks the pattern.
-- A constant pattern with more than a trailing % is a prefix too.
PREPARE ma_like(text) AS SELECT merchant_id, sk FROM ma WHERE merchant_id = 'merch-03' AND sk LIKE $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE ma_like('view#%');
CREATE TEMP TABLE like_cases (pattern text);
INSERT INTO like_cases VALUES ('view#%'), ('%'), (''), ('view#2026-01-01T0_:%'), ('%#2026-01-01%'),
  ('view\#%'), ('nothing%'), ('view#2026-01-01T00:25:58.376Z');
SELECT c.pattern, r.* FROM like_cases c,
  generic_vs_local($$SELECT merchant_id, sk FROM %s WHERE merchant_id = 'merch-03' AND sk %s %s$$,
                   'text', 'LIKE', c.pattern, 'ma', 'local_ma') r;
RESET plan_cache_mode;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT merchant_id, sk FROM ma WHERE merchant_id = 'merch-03' AND sk LIKE 'view#2026-01-01T0_:%';

-- 6. A long OR of equalities on one attribute becomes IN lists under one
-- type guard, within DynamoDB's 4 KB and 300-operator expression limits;
-- an OR too long even so stays local.
SELECT 'SELECT order_id FROM orders WHERE ' || string_agg(format('status = %L', 's' || i), ' OR ') AS long_or
FROM generate_series(1, 120) i \gset
SELECT 'SELECT order_id FROM orders WHERE ' || string_agg(format('status > %L', 's' || i), ' OR ') AS long_range_or
FROM generate_series(1, 120) i \gset
CREATE FUNCTION scan_filter(query text) RETURNS TABLE (filter_bytes int, operators int, vals int)
LANGUAGE plpgsql AS $$
DECLARE plan jsonb; f text;
BEGIN
  EXECUTE 'EXPLAIN (VERBOSE, FORMAT JSON) ' || query INTO plan;
  f := jsonb_path_query_first(plan, 'strict $.** ? (@."Node Type" == "Foreign Scan")."DynamoDB Filter"') #>> '{}';
  filter_bytes := octet_length(f);
  operators := (SELECT count(*) FROM regexp_matches(coalesce(f, ''), '[=<>]+|[A-Za-z_]+\(| IN | OR | AND |NOT ', 'g'));
  vals := (SELECT count(*) FROM regexp_matches(coalesce(f, ''), ':v[0-9]+', 'g'));
  RETURN NEXT;
END $$;
SELECT * FROM scan_filter(:'long_or');
SELECT mismatches(:'long_or', replace(:'long_or', 'FROM orders', 'FROM local_orders'));
SELECT * FROM scan_filter(:'long_range_or');
SELECT mismatches(:'long_range_or', replace(:'long_range_or', 'FROM orders', 'FROM local_orders'));
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_id FROM orders WHERE status = 'pending' OR status = 'paid' OR status IN ('shipped', NULL);

-- 7. ^@ and LIKE are recognised by operator, not by name: a user's own ^@
-- (here "ends with") earlier in the search path stays local.
CREATE SCHEMA edges_ops;
CREATE FUNCTION edges_ops.ends_with(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT right($1, length($2)) = $2 $$;
CREATE OPERATOR edges_ops.^@ (LEFTARG = text, RIGHTARG = text, FUNCTION = edges_ops.ends_with);
SET search_path = edges_ops, edges, public, pg_catalog;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ma WHERE merchant_id = 'merch-03' AND sk ^@ 'Z';
SELECT (SELECT count(*) FROM ma WHERE merchant_id = 'merch-03' AND sk ^@ 'Z') AS remote,
       (SELECT count(*) FROM local_ma WHERE merchant_id = 'merch-03' AND sk ^@ 'Z') AS local;
SET search_path = edges, public;

-- 8. EvalPlanQual: a join clause pushed into a parameterized Query is
-- rechecked when the outer row changed under FOR UPDATE.  A second
-- session waits for our update of x, then sees the new x: the old
-- foreign row no longer joins.
CREATE TABLE epq_l (id int PRIMARY KEY, x text);
INSERT INTO epq_l VALUES (1, 'ord-00001');
ANALYZE epq_l;
EXPLAIN (COSTS OFF)
SELECT l.x, o.order_id FROM epq_l l JOIN orders o ON o.order_id = l.x WHERE l.id = 1 FOR UPDATE OF l;
\setenv PGDATABASE :DBNAME
\! rm -f "$MAIP_TEST_STATE/epq.out"
BEGIN;
UPDATE epq_l SET x = 'ord-00002' WHERE id = 1;
\! (psql -XAtq -c "SELECT l.x, o.order_id /* epq waiter */ FROM edges.epq_l l JOIN edges.orders o ON o.order_id = l.x WHERE l.id = 1 FOR UPDATE OF l" > "$MAIP_TEST_STATE/epq.tmp" 2>&1; mv "$MAIP_TEST_STATE/epq.tmp" "$MAIP_TEST_STATE/epq.out") &
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    EXIT WHEN EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%epq waiter%');
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
COMMIT;
\! for i in $(seq 1 300); do [ -f "$MAIP_TEST_STATE/epq.out" ] && break; sleep 0.1; done; echo "rows: $(wc -l < "$MAIP_TEST_STATE/epq.out")"; cat "$MAIP_TEST_STATE/epq.out"

-- 9. ANALYZE samples across the key space (8 Scan segments), not the
-- first items of one Scan, which hold a few partitions only: a sample of
-- 300 of the 3,200 items (160 per merchant) sees most merchants.
SET default_statistics_target = 1;
ANALYZE ma;
SELECT n_distinct >= 5 AS spread_over_merchants
FROM pg_stats WHERE schemaname = 'edges' AND tablename = 'ma' AND attname = 'merchant_id';
RESET default_statistics_target;
