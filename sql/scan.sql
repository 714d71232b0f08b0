--
-- scan: paginated Scan over the MAIP fixture tables, checked against a
-- local copy of the data that boto3 dumped (test/fixtures.py dump).
--
\getenv dump MAIP_TEST_DUMP
\set ma_dump :dump '/maip-dev-merchant-analytics.jsonl'
\set orders_dump :dump '/maip-dev-orders.jsonl'
\set summary :dump '/summary.json'

CREATE TABLE local_ma (doc jsonb);
COPY local_ma (doc) FROM :'ma_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE local_orders (doc jsonb);
COPY local_orders (doc) FROM :'orders_dump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
CREATE TABLE summary (doc jsonb);
COPY summary (doc) FROM :'summary' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');

CREATE FOREIGN TABLE merchant_analytics (
  merchant_id text OPTIONS (attribute 'merchantId'),
  event_sk    text OPTIONS (attribute 'eventType#timestamp'),
  item        jsonb OPTIONS (item 'true')
) SERVER maip OPTIONS (table 'maip-dev-merchant-analytics');

-- The plan: a Scan, asking only for the attributes used.
EXPLAIN (VERBOSE, COSTS OFF) SELECT merchant_id, event_sk FROM merchant_analytics;
EXPLAIN (VERBOSE, COSTS OFF) SELECT item FROM merchant_analytics;
-- No attribute used at all: Select COUNT, no items transferred.
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM merchant_analytics;

-- The large table needs several 1 MB pages, and every item comes back
-- exactly once: same count, no duplicate keys, identical items both ways.
SELECT (p->>'DynamoDB Pages')::int >= 3 AS three_or_more_pages,
       (p->>'DynamoDB Pages')::int = (SELECT (doc->'tables'->'maip-dev-merchant-analytics'->>'scan_pages')::int FROM summary)
         AS same_pages_as_boto3,
       (p->>'Actual Rows')::int = (SELECT count(*) FROM local_ma) AS all_rows
FROM explain_analyze('SELECT item FROM merchant_analytics') AS p;
SELECT count(*) AS fdw_rows, count(DISTINCT (merchant_id, event_sk)) AS distinct_keys,
       (SELECT count(*) FROM local_ma) AS local_rows
FROM merchant_analytics;
SELECT count(*) AS missing_from_fdw FROM
  (SELECT doc FROM local_ma EXCEPT ALL SELECT item FROM merchant_analytics) d;
SELECT count(*) AS extra_in_fdw FROM
  (SELECT item FROM merchant_analytics EXCEPT ALL SELECT doc FROM local_ma) d;
SELECT count(*) = (SELECT count(*) FROM local_ma) AS count_only_matches FROM merchant_analytics;

-- A small page_size: many more pages, the same rows.
ALTER FOREIGN TABLE merchant_analytics OPTIONS (ADD page_size '250');
SELECT (p->>'DynamoDB Pages')::int >= 13 AS many_pages,
       (p->>'Actual Rows')::int = (SELECT count(*) FROM local_ma) AS all_rows
FROM explain_analyze('SELECT merchant_id FROM merchant_analytics') AS p;
SELECT count(*) AS mismatches FROM (
  (SELECT merchant_id, event_sk FROM merchant_analytics
   EXCEPT ALL SELECT doc->>'merchantId', doc->>'eventType#timestamp' FROM local_ma)
  UNION ALL
  (SELECT doc->>'merchantId', doc->>'eventType#timestamp' FROM local_ma
   EXCEPT ALL SELECT merchant_id, event_sk FROM merchant_analytics)) d;
ALTER FOREIGN TABLE merchant_analytics OPTIONS (DROP page_size);

-- Orders, as an analyst maps them: the issue's example table.
CREATE FOREIGN TABLE orders (
  order_id   text    OPTIONS (attribute 'orderId'),
  sk         text    OPTIONS (attribute 'customerId#timestamp'),
  total      numeric,
  paid       boolean,
  status     text,
  note       text,
  item       jsonb   OPTIONS (item 'true')
) SERVER maip OPTIONS (table 'maip-dev-orders');
EXPLAIN (VERBOSE, COSTS OFF) SELECT order_id, total FROM orders WHERE paid AND total > 100;

-- Aggregates agree with the local copy.
SELECT (SELECT count(*) FROM orders) = (SELECT count(*) FROM local_orders) AS same_count,
       (SELECT sum(total) FROM orders) = (SELECT sum((doc->>'total')::numeric) FROM local_orders) AS same_sum,
       (SELECT count(*) FROM orders WHERE paid) = (SELECT count(*) FROM local_orders WHERE (doc->>'paid')::boolean) AS same_paid,
       (SELECT count(note) FROM orders) = (SELECT count(doc->>'note') FROM local_orders) AS same_notes;
-- Group by a reserved-word attribute, against the local copy.
SELECT count(*) AS mismatches FROM (
  (SELECT status, count(*), sum(total) FROM orders GROUP BY status
   EXCEPT SELECT doc->>'status', count(*), sum((doc->>'total')::numeric) FROM local_orders GROUP BY 1)
  UNION ALL
  (SELECT doc->>'status', count(*), sum((doc->>'total')::numeric) FROM local_orders GROUP BY 1
   EXCEPT SELECT status, count(*), sum(total) FROM orders GROUP BY status)) d;
-- Whole items are identical.
SELECT count(*) AS mismatches FROM (
  (SELECT item FROM orders EXCEPT ALL SELECT doc FROM local_orders)
  UNION ALL
  (SELECT doc FROM local_orders EXCEPT ALL SELECT item FROM orders)) d;

-- A join with a local table, and a rescan on the inner side.
CREATE TABLE vip (order_id text);
INSERT INTO vip SELECT doc->>'orderId' FROM local_orders ORDER BY doc->>'orderId' LIMIT 5;
SELECT count(*) FROM vip JOIN orders USING (order_id);
-- (lower() keeps the join condition away from DynamoDB: a plain Scan, rescanned per outer row)
SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_material = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM vip JOIN orders ON lower(orders.order_id) = vip.order_id;
SELECT count(*) FROM vip JOIN orders ON lower(orders.order_id) = vip.order_id;
RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_material;
