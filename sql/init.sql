--
-- init: the extension, a server on the test emulator and the user mapping
-- that the other test files use.  Endpoint and keys come from the
-- environment that test/stack.sh writes.
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\getenv dump MAIP_TEST_DUMP

CREATE EXTENSION maip_fdw;
\dx maip_fdw

CREATE SERVER maip FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', env 'dev', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');

-- The plan of a query as JSON after running it, so tests can assert on
-- DynamoDB counters (pages, requests) without depending on timings.
CREATE FUNCTION explain_analyze(query text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  plan jsonb;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF) ' || query INTO plan;
  RETURN plan->0->'Plan';
END $$;

-- The SQLSTATE and the start of DETAIL of an error, so tests can assert
-- on them without printing emulator-specific wording.
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

-- Rows in one query and not the other, both ways (0 = the same multiset):
-- how tests compare the FDW with a local copy of the data.
CREATE FUNCTION mismatches(q1 text, q2 text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d',
                 q1, q2, q2, q1) INTO n;
  RETURN n;
END $$;
