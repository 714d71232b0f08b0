--
-- ratelimit: read_rate_limit (read capacity units per second) paces Scans
-- and Queries by the capacity DynamoDB reports per page, for all the
-- processes of a parallel scan together, so that an analyst's scan cannot
-- starve the application.  A paced wait ends on cancel and
-- statement_timeout.  moto reports about one unit a page.
--
CREATE SCHEMA ratelimit;
SET search_path = ratelimit, public;
CREATE FOREIGN TABLE ma (
  merchant_id text OPTIONS (attribute 'merchantId'),
  sk          text OPTIONS (attribute 'eventType#timestamp')
) SERVER maip OPTIONS (table 'maip-dev-merchant-analytics', page_size '100', read_rate_limit '20');
EXPLAIN (VERBOSE, COSTS OFF) SELECT merchant_id, sk FROM ma;

-- pages, the capacity they used, and whether that stayed within the rate
-- (plus 10%) over the time the query took; the Foreign Scan of a plan
-- without workers counts every page
CREATE FUNCTION paced(query text, rate numeric, OUT pages int, OUT units numeric, OUT within_rate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  node jsonb;
  seconds numeric;
BEGIN
  node := jsonb_path_query_first(explain_analyze(query), 'strict $.** ? (@."Node Type" == "Foreign Scan")');
  seconds := extract(epoch FROM clock_timestamp() - t0);
  pages := (node->>'DynamoDB Pages')::int;
  units := (node->>'DynamoDB Read Capacity Units')::numeric;
  within_rate := units / seconds <= rate * 1.1;
END $$;
SELECT pages >= 10 AS at_least_ten_pages, within_rate FROM paced('SELECT merchant_id, sk FROM ma', 20);
-- a Query is paced too
SELECT within_rate FROM paced($$SELECT merchant_id, sk FROM ma WHERE merchant_id = 'merch-01'$$, 20);

-- a parallel scan shares one budget: four processes together within the rate
ALTER FOREIGN TABLE ma OPTIONS (ADD segments '4');
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET max_parallel_workers_per_gather = 3;
EXPLAIN (COSTS OFF) SELECT merchant_id, sk FROM ma;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM ma;
-- 3,200 items in pages of 100 cost at least 32 units: 1.6 s at 20 units/s
SELECT clock_timestamp() - :'t0'::timestamptz >= interval '1.45 s' AS within_rate;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET max_parallel_workers_per_gather;
ALTER FOREIGN TABLE ma OPTIONS (DROP segments);

-- statement_timeout ends a paced wait promptly
ALTER FOREIGN TABLE ma OPTIONS (SET read_rate_limit '1');
SET statement_timeout = '300ms';
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM ma;
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '3 s' AS stopped_promptly;
