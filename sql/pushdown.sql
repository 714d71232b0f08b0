--
-- pushdown: key conditions become GetItem / Query / BatchGetItem, the rest
-- a guarded FilterExpression or a local qual.  Every query is compared
-- with the same query on a local copy of the data (dumped by boto3).
--
\getenv dump MAIP_TEST_DUMP
\set orders_dump :dump '/maip-dev-orders.jsonl'
\set audit_dump :dump '/maip-dev-audit.jsonl'
\set ma_dump :dump '/maip-dev-merchant-analytics.jsonl'
\set products_dump :dump '/maip-dev-products.jsonl'
CREATE SCHEMA pushdown;
SET search_path = pushdown, public;

CREATE TEMP TABLE raw (doc jsonb);
COPY raw (doc) FROM :'orders_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_orders AS
  SELECT doc->>'orderId' AS order_id, doc->>'customerId#timestamp' COLLATE "C" AS sk,
         doc->>'customerId' AS customer_id, (doc->>'total')::numeric AS total,
         (doc->>'paid')::boolean AS paid, doc->>'status' AS status, doc->>'note' AS note
  FROM raw;
TRUNCATE raw;
COPY raw (doc) FROM :'audit_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_audit AS
  SELECT split_part(doc->>'entityType#entityId', '#', 1) AS entity_type,
         substr(doc->>'entityType#entityId', strpos(doc->>'entityType#entityId', '#') + 1) AS entity_id,
         doc->>'timestamp' COLLATE "C" AS ts, doc->>'action' AS action
  FROM raw;
TRUNCATE raw;
COPY raw (doc) FROM :'ma_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_ma AS
  SELECT doc->>'merchantId' AS merchant_id, split_part(doc->>'eventType#timestamp', '#', 1) AS event_type,
         substr(doc->>'eventType#timestamp', strpos(doc->>'eventType#timestamp', '#') + 1) COLLATE "C" AS event_ts,
         (doc->>'durationMs')::bigint AS duration_ms
  FROM raw;
TRUNCATE raw;
COPY raw (doc) FROM :'products_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_products AS
  SELECT doc->>'productId' AS product_id, (doc->>'version')::int AS version,
         (doc->>'price')::float8 AS price, doc->>'status' AS status
  FROM raw;

-- the Foreign Scan node of an EXPLAIN ANALYZE
CREATE FUNCTION foreign_scan(query text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_path_query_first(explain_analyze(query), 'strict $.** ? (@."Node Type" == "Foreign Scan")')
$$;

CREATE FOREIGN TABLE orders (
  order_id    text OPTIONS (attribute 'orderId'),
  sk          text OPTIONS (attribute 'customerId#timestamp') COLLATE "C",
  customer_id text OPTIONS (attribute 'customerId'),
  total       numeric,
  paid        boolean,
  status      text,
  note        text
) SERVER maip OPTIONS (table 'maip-dev-orders');

-- Full primary key: GetItem.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM orders WHERE order_id = 'ord-00001' AND sk = 'cust-4#2026-01-01T01:59:30Z';
SELECT order_id, sk, total FROM orders WHERE order_id = 'ord-00001' AND sk = 'cust-4#2026-01-01T01:59:30Z';
SELECT p->>'DynamoDB Operation' AS op, p->>'DynamoDB Requests' AS requests, p->>'Actual Rows' AS rows
FROM foreign_scan($$SELECT * FROM orders WHERE order_id = 'ord-00001' AND sk = 'cust-4#2026-01-01T01:59:30Z'$$) p;
-- a key that is not there: no row, one request
SELECT count(*) FROM orders WHERE order_id = 'ord-00001' AND sk = 'nope';

-- Partition key only: Query; the other quals go into a guarded filter
-- (or stay local: a Query's filter may not name key attributes).
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_id, total FROM orders WHERE order_id = 'ord-00002' AND total > 10 AND sk <> 'x';
SELECT mismatches($$SELECT order_id, total FROM orders WHERE order_id = 'ord-00002' AND total > 10$$,
                  $$SELECT order_id, total FROM local_orders WHERE order_id = 'ord-00002' AND total > 10$$);
SELECT p->>'DynamoDB Operation' AS op, p->>'DynamoDB Requests' AS requests
FROM foreign_scan($$SELECT * FROM orders WHERE order_id = 'ord-00002'$$) p;

-- Sort-key conditions in the KeyConditionExpression: range, BETWEEN, prefix.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM orders WHERE order_id = 'ord-00003' AND sk >= 'cust-' AND sk <= 'cust-9';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM orders WHERE order_id = 'ord-00003' AND sk LIKE 'cust-1%';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM orders WHERE order_id = 'ord-00003' AND starts_with(sk, 'cust-1');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM orders WHERE sk ^@ 'cust-2';
SELECT (SELECT count(*) FROM orders WHERE sk ^@ 'cust-2') = (SELECT count(*) FROM local_orders WHERE sk ^@ 'cust-2') AS same,
       (SELECT count(*) FROM local_orders WHERE sk ^@ 'cust-2') > 0 AS nonempty;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM orders WHERE order_id = 'ord-00003' AND sk > 'cust-1';
SELECT mismatches($$SELECT order_id, sk FROM orders WHERE order_id IN ('ord-00003','ord-00004') AND sk > 'cust-1'$$,
                  $$SELECT order_id, sk FROM local_orders WHERE order_id IN ('ord-00003','ord-00004') AND sk > 'cust-1'$$);

-- Partition key IN (...): BatchGetItem with the full key, one Query per key otherwise.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_id, total FROM orders WHERE order_id IN ('ord-00001', 'ord-00002', 'ord-00001', NULL);
SELECT mismatches($$SELECT order_id, total FROM orders WHERE order_id IN ('ord-00001', 'ord-00002', 'ord-00001', NULL)$$,
                  $$SELECT order_id, total FROM local_orders WHERE order_id IN ('ord-00001', 'ord-00002')$$);
CREATE FOREIGN TABLE audit_keys (
  entity text OPTIONS (attribute 'entityType#entityId'),
  ts     text OPTIONS (attribute 'timestamp') COLLATE "C",
  action text
) SERVER maip OPTIONS (table 'maip-dev-audit');
CREATE TEMP TABLE some_audit AS
  SELECT entity_type || '#' || entity_id AS entity, ts FROM local_audit ORDER BY 1, 2 LIMIT 150;
SELECT array_agg(DISTINCT entity) AS entities, array_agg(DISTINCT ts) AS tss FROM some_audit \gset
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM audit_keys WHERE entity = ANY(:'entities'::text[]) AND ts = 'x';
-- 150 full keys (50 real entities, 100 that do not exist): BatchGetItem
-- in requests of at most 100 keys, the same rows as locally
SELECT (:'entities'::text[] || array(SELECT 'order#nope-' || i FROM generate_series(1, 100) i))::text AS many_entities \gset
SELECT p->>'DynamoDB Operation' AS op, p->>'DynamoDB Requests' AS requests
FROM foreign_scan(format($$SELECT * FROM audit_keys WHERE entity = ANY(%L::text[]) AND ts = '2026-01-01T18:24:29Z'$$,
                         :'many_entities')) p;
SELECT mismatches(format($$SELECT entity, ts, action FROM audit_keys WHERE entity = ANY(%L::text[]) AND ts = '2026-01-01T18:24:29Z'$$, :'many_entities'),
                  format($$SELECT entity_type || '#' || entity_id, ts, action FROM local_audit
                           WHERE entity_type || '#' || entity_id = ANY(%L::text[]) AND ts = '2026-01-01T18:24:29Z'$$, :'many_entities')),
       (SELECT count(*) FROM local_audit WHERE ts = '2026-01-01T18:24:29Z') AS local_rows;
SELECT mismatches(
  $$SELECT entity, ts, action FROM audit_keys WHERE entity IN ('order#ord-00001','order#ord-00002','customer#cust-1')$$,
  $$SELECT entity_type || '#' || entity_id, ts, action FROM local_audit
    WHERE entity_type || '#' || entity_id IN ('order#ord-00001','order#ord-00002','customer#cust-1')$$);

-- Anything else: Scan, with the quals that translate as a guarded filter.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_id FROM orders WHERE status = 'delivered' AND total >= 300 AND paid AND note IS NULL;
SELECT mismatches($$SELECT order_id FROM orders WHERE status = 'delivered' AND total >= 300 AND paid AND note IS NULL$$,
                  $$SELECT order_id FROM local_orders WHERE status = 'delivered' AND total >= 300 AND paid AND note IS NULL$$);
-- OR of conditions that translate: one filter term, each arm guarded, rechecked
EXPLAIN (VERBOSE, COSTS OFF) SELECT order_id FROM orders WHERE status IN ('shipped', 'cancelled') OR total < 50;
SELECT mismatches($$SELECT order_id FROM orders WHERE status IN ('shipped', 'cancelled') OR total < 50$$,
                  $$SELECT order_id FROM local_orders WHERE status IN ('shipped', 'cancelled') OR total < 50$$);
SELECT mismatches($$SELECT order_id FROM orders WHERE status IN ('shipped', 'cancelled') AND note IS NOT NULL$$,
                  $$SELECT order_id FROM local_orders WHERE status IN ('shipped', 'cancelled') AND note IS NOT NULL$$);
SELECT mismatches($$SELECT order_id FROM orders WHERE note IS NULL OR (total > 900 AND paid)$$,
                  $$SELECT order_id FROM local_orders WHERE note IS NULL OR (total > 900 AND paid)$$);
SELECT mismatches($$SELECT order_id FROM orders WHERE NOT (status = 'delivered' OR total > 100)$$,
                  $$SELECT order_id FROM local_orders WHERE NOT (status = 'delivered' OR total > 100)$$);
SELECT mismatches($$SELECT order_id FROM orders WHERE NOT paid AND status <> 'delivered'$$,
                  $$SELECT order_id FROM local_orders WHERE NOT paid AND status <> 'delivered'$$);
-- IS [NOT] NULL is exact: count(*) needs no item at all
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM orders WHERE note IS NOT NULL;
SELECT (SELECT count(*) FROM orders WHERE note IS NOT NULL) = (SELECT count(*) FROM local_orders WHERE note IS NOT NULL) AS same;
-- a filter on a key attribute in a Scan is exact too
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM orders WHERE sk LIKE 'cust-1#%';
SELECT (SELECT count(*) FROM orders WHERE sk LIKE 'cust-1#%') = (SELECT count(*) FROM local_orders WHERE sk LIKE 'cust-1#%') AS same;

-- ORDER BY the sort key on a Query: ScanIndexForward, no Sort node, and
-- LIMIT goes to DynamoDB when nothing is checked locally.
CREATE FOREIGN TABLE audit (
  entity_type text OPTIONS (attribute 'entityType#entityId', part '1'),
  entity_id   text OPTIONS (attribute 'entityType#entityId', part '2'),
  ts          text OPTIONS (attribute 'timestamp') COLLATE "C",
  action      text
) SERVER maip OPTIONS (table 'maip-dev-audit');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM audit_keys WHERE entity = 'order#ord-00001' ORDER BY ts DESC LIMIT 2;
SELECT ts FROM audit_keys WHERE entity = 'order#ord-00001' ORDER BY ts DESC LIMIT 2;
SELECT ts FROM local_audit WHERE entity_type = 'order' AND entity_id = 'ord-00001' ORDER BY ts DESC LIMIT 2;

-- Composite keys: part columns.  All parts of the partition key equal ->
-- one Query; the part quals are rechecked (a part may contain '#').
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM audit WHERE entity_type = 'order' AND entity_id = 'ord-00001' ORDER BY ts DESC LIMIT 5;
SELECT mismatches($$SELECT * FROM audit WHERE entity_type = 'order' AND entity_id = 'ord-00001'$$,
                  $$SELECT * FROM local_audit WHERE entity_type = 'order' AND entity_id = 'ord-00001'$$);
SELECT p->>'DynamoDB Operation' AS op, p->>'DynamoDB Requests' AS requests
FROM foreign_scan($$SELECT * FROM audit WHERE entity_type = 'order' AND entity_id = 'ord-00001' ORDER BY ts DESC LIMIT 5$$) p;
-- only one part: no key condition, a Scan
EXPLAIN (COSTS OFF) SELECT * FROM audit WHERE entity_type = 'order';
SELECT mismatches($$SELECT * FROM audit WHERE entity_type = 'order'$$,
                  $$SELECT * FROM local_audit WHERE entity_type = 'order'$$);

CREATE FOREIGN TABLE merchant_analytics (
  merchant_id text OPTIONS (attribute 'merchantId'),
  event_type  text OPTIONS (attribute 'eventType#timestamp', part '1') COLLATE "C",
  event_ts    text OPTIONS (attribute 'eventType#timestamp', part '2') COLLATE "C",
  duration_ms bigint OPTIONS (attribute 'durationMs')
) SERVER maip OPTIONS (table 'maip-dev-merchant-analytics');
-- equal leading sort-key part -> begins_with
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM merchant_analytics WHERE merchant_id = 'merch-01' AND event_type = 'purchase';
SELECT mismatches($$SELECT * FROM merchant_analytics WHERE merchant_id = 'merch-01' AND event_type = 'purchase'$$,
                  $$SELECT * FROM local_ma WHERE merchant_id = 'merch-01' AND event_type = 'purchase'$$);
-- and a range on the next part -> BETWEEN on the joined prefix
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM merchant_analytics WHERE merchant_id = 'merch-02' AND event_type = 'click'
  AND event_ts >= '2026-01-01T05' AND event_ts < '2026-01-01T12';
SELECT mismatches($$SELECT * FROM merchant_analytics WHERE merchant_id = 'merch-02' AND event_type = 'click'
                      AND event_ts >= '2026-01-01T05' AND event_ts < '2026-01-01T12'$$,
                  $$SELECT * FROM local_ma WHERE merchant_id = 'merch-02' AND event_type = 'click'
                      AND event_ts >= '2026-01-01T05' AND event_ts < '2026-01-01T12'$$);
SELECT mismatches($$SELECT * FROM merchant_analytics WHERE merchant_id = 'merch-03' AND event_type = 'view' AND event_ts > '2026-01-01T20'$$,
                  $$SELECT * FROM local_ma WHERE merchant_id = 'merch-03' AND event_type = 'view' AND event_ts > '2026-01-01T20'$$);

-- Joins: a small local table drives one Query per row (parameterized
-- path); no Scan of the 3200-item table.
CREATE TABLE five_merchants (merchant_id text);
INSERT INTO five_merchants VALUES ('merch-01'), ('merch-05'), ('merch-09'), ('merch-13'), ('merch-17');
ANALYZE five_merchants;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT f.merchant_id, count(*) FROM five_merchants f JOIN merchant_analytics m USING (merchant_id) GROUP BY 1;
SELECT p->>'DynamoDB Operation' AS op, p->>'Actual Loops' AS loops, p->>'DynamoDB Requests' AS requests
FROM foreign_scan($$SELECT * FROM five_merchants f JOIN merchant_analytics m USING (merchant_id)$$) p;
SELECT mismatches($$SELECT f.merchant_id, m.event_type, m.event_ts FROM five_merchants f JOIN merchant_analytics m USING (merchant_id)$$,
                  $$SELECT f.merchant_id, m.event_type, m.event_ts FROM five_merchants f JOIN local_ma m USING (merchant_id)$$);
-- a large outer side of distinct keys: one Scan, joined locally
CREATE TABLE many_merchants AS SELECT 'merch-' || lpad(i::text, 2, '0') AS merchant_id FROM generate_series(1, 2000) i;
ANALYZE many_merchants;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM many_merchants f JOIN merchant_analytics m USING (merchant_id);

-- Parameters: a prepared statement's generic plan sends $1 as the key.
PREPARE by_order(text) AS SELECT order_id, total FROM orders WHERE order_id = $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_order('ord-00005');
EXECUTE by_order('ord-00005');
EXECUTE by_order(NULL);
RESET plan_cache_mode;

-- Numbers: an N sort key compares as numbers; floats never go remote.
CREATE FOREIGN TABLE products (
  product_id text OPTIONS (attribute 'productId'),
  version    integer,
  price      double precision,
  status     text
) SERVER maip OPTIONS (table 'maip-dev-products');
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM products WHERE product_id = 'prod-001' AND version >= 2 AND price > 100;
SELECT mismatches($$SELECT * FROM products WHERE product_id = 'prod-001' AND version >= 2 AND price > 100$$,
                  $$SELECT * FROM local_products WHERE product_id = 'prod-001' AND version >= 2 AND price > 100$$);
SELECT mismatches($$SELECT * FROM products WHERE version = 2$$, $$SELECT * FROM local_products WHERE version = 2$$);

-- A non-C collation: DynamoDB's byte order is not en-x-icu's, so ranges
-- stay local; equality (deterministic) still goes remote.
CREATE FOREIGN TABLE orders_icu (
  order_id text OPTIONS (attribute 'orderId'),
  sk       text OPTIONS (attribute 'customerId#timestamp') COLLATE "en-x-icu"
) SERVER maip OPTIONS (table 'maip-dev-orders');
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM orders_icu WHERE order_id = 'ord-00007' AND sk > 'CUST';
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM orders_icu WHERE sk < 'Cust-2' ORDER BY sk;
SELECT mismatches($$SELECT * FROM orders_icu WHERE sk < 'Cust-2'$$,
                  $$SELECT order_id, sk COLLATE "en-x-icu" FROM local_orders WHERE sk COLLATE "en-x-icu" < 'Cust-2'$$);
SELECT count(*) > 0 AS icu_order_differs FROM local_orders WHERE (sk COLLATE "en-x-icu" < 'Cust-2') <> (sk COLLATE "C" < 'Cust-2');

-- A secondary index: equality on its partition key -> Query on the index
-- (customer-index projects ALL, so it holds every column).
EXPLAIN (VERBOSE, COSTS OFF) SELECT order_id, total FROM orders WHERE customer_id = 'cust-4';
SELECT mismatches($$SELECT order_id, total FROM orders WHERE customer_id = 'cust-4'$$,
                  $$SELECT order_id, total FROM local_orders WHERE customer_id = 'cust-4'$$),
       (SELECT count(*) FROM local_orders WHERE customer_id = 'cust-4') AS local_rows;
SELECT p->>'DynamoDB Operation' AS op, p->>'DynamoDB Index' AS index, p->>'DynamoDB Requests' AS requests
FROM foreign_scan($$SELECT * FROM orders WHERE customer_id = 'cust-7'$$) p;

-- consistent_read, per table or server
ALTER FOREIGN TABLE orders OPTIONS (ADD consistent_read 'true');
EXPLAIN (VERBOSE, COSTS OFF) SELECT total FROM orders WHERE order_id = 'ord-00001';
SELECT count(*) FROM orders WHERE order_id = 'ord-00001';

-- a global index is eventually consistent: with consistent_read the table is scanned instead
EXPLAIN (COSTS OFF) SELECT order_id, total FROM orders WHERE customer_id = 'cust-4';
ALTER FOREIGN TABLE orders OPTIONS (DROP consistent_read);

-- Values no DynamoDB key can have: nothing is sent, no row comes back.
SELECT count(*) FROM orders WHERE order_id = '';
SELECT p->>'DynamoDB Requests' AS requests FROM foreign_scan($$SELECT * FROM orders WHERE order_id = ''$$) p;
-- empty strings in sort-key ranges are PostgreSQL's to decide
SELECT count(*) FROM orders WHERE order_id = 'ord-00001' AND sk > '';
SELECT count(*) FROM orders WHERE order_id = 'ord-00001' AND sk <= '';
-- a BETWEEN whose bounds are reversed (DynamoDB would refuse it)
SELECT count(*) FROM orders WHERE order_id = 'ord-00001' AND sk >= 'z' AND sk <= 'a';
PREPARE between_keys(text, text) AS
  SELECT count(*) FROM orders WHERE order_id = 'ord-00001' AND sk >= $1 AND sk <= $2;
SET plan_cache_mode = force_generic_plan;
EXECUTE between_keys('z', 'a');
EXECUTE between_keys('a', 'z');
-- OR arms with parameters stay local: a NULL in one arm must not empty the result
PREPARE either(text, numeric) AS SELECT order_id FROM orders WHERE status = $1 OR total > $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE either(NULL, 900);
SELECT mismatches($$SELECT order_id FROM orders WHERE status = NULL OR total > 900$$,
                  $$SELECT order_id FROM local_orders WHERE status = NULL OR total > 900$$);
CREATE TEMP TABLE either_result AS EXECUTE either(NULL, 900);
SELECT (SELECT count(*) FROM either_result) = (SELECT count(*) FROM local_orders WHERE total > 900) AS same,
       (SELECT count(*) FROM either_result) > 0 AS nonempty;
RESET plan_cache_mode;

-- numeric(p,s) and varchar(n) columns show values rounded or cut: no
-- comparison on them goes to DynamoDB (IS NULL still does).
CREATE FOREIGN TABLE orders_rounded (
  order_id text OPTIONS (attribute 'orderId'),
  total    numeric(10,1),
  status   varchar(4)
) SERVER maip OPTIONS (table 'maip-dev-orders');
EXPLAIN (VERBOSE, COSTS OFF) SELECT order_id FROM orders_rounded WHERE total = 254.8 AND status = 'deli' AND total IS NOT NULL;
SELECT mismatches($$SELECT order_id FROM orders_rounded WHERE total = 254.8$$,
                  $$SELECT order_id FROM local_orders WHERE round(total, 1) = 254.8$$),
       (SELECT count(*) FROM local_orders WHERE round(total, 1) = 254.8) AS local_rows;

-- Composite keys with part columns next to the raw key (no crash, right rows).
CREATE FOREIGN TABLE orders_parts (
  order_id    text OPTIONS (attribute 'orderId'),
  sk          text OPTIONS (attribute 'customerId#timestamp') COLLATE "C",
  customer_id text OPTIONS (attribute 'customerId'),
  cust        text OPTIONS (attribute 'customerId#timestamp', part '1') COLLATE "C",
  ts          text OPTIONS (attribute 'customerId#timestamp', part '2') COLLATE "C"
) SERVER maip OPTIONS (table 'maip-dev-orders');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_id FROM orders_parts WHERE order_id = 'ord-00001' AND cust = 'cust-4' AND sk > 'cust-4#2026';
SELECT mismatches($$SELECT order_id, sk FROM orders_parts WHERE order_id = 'ord-00001' AND cust = 'cust-4' AND sk > 'cust-4#2026'$$,
                  $$SELECT order_id, sk FROM local_orders WHERE order_id = 'ord-00001' AND split_part(sk, '#', 1) = 'cust-4' AND sk > 'cust-4#2026'$$);
EXPLAIN (COSTS OFF) SELECT order_id FROM orders_parts WHERE customer_id = 'cust-4' AND cust = 'cust-4';
SELECT mismatches($$SELECT order_id FROM orders_parts WHERE customer_id = 'cust-4' AND cust = 'cust-4'$$,
                  $$SELECT order_id FROM local_orders WHERE customer_id = 'cust-4' AND split_part(sk, '#', 1) = 'cust-4'$$);
SELECT mismatches($$SELECT order_id FROM orders_parts WHERE order_id = 'ord-00001' AND cust = 'cust-4'$$,
                  $$SELECT order_id FROM local_orders WHERE order_id = 'ord-00001' AND split_part(sk, '#', 1) = 'cust-4'$$);

-- ANALYZE samples items with a bounded Scan, and the planner uses the statistics.
ANALYZE merchant_analytics;
SELECT attname, n_distinct FROM pg_stats WHERE schemaname = 'pushdown' AND tablename = 'merchant_analytics' AND attname IN ('merchant_id', 'event_type') ORDER BY 1;
SELECT reltuples FROM pg_class WHERE oid = 'merchant_analytics'::regclass;
