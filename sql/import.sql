--
-- import: IMPORT FOREIGN SCHEMA <env>, the remote schema being a MAIP
-- environment.  The eight fixture tables of the seed must come out with
-- the expected columns, and each imported table must return the rows that
-- boto3 dumped (test/fixtures.py dump).
--
\getenv dump MAIP_TEST_DUMP

CREATE SCHEMA maip_dev;
IMPORT FOREIGN SCHEMA dev FROM SERVER maip INTO maip_dev;

-- the columns of every imported table
CREATE VIEW imported_columns AS
SELECT n.nspname AS schema, c.relname AS table_name, a.attnum, a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS type,
       (SELECT collname FROM pg_collation WHERE oid = a.attcollation AND collname <> 'default') AS coll,
       a.attnotnull AS not_null,
       array_to_string(a.attfdwoptions, ', ') AS options
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'f' AND a.attnum > 0 AND NOT a.attisdropped;

SELECT table_name, column_name, type, coll, not_null, options
  FROM imported_columns WHERE schema = 'maip_dev' ORDER BY table_name, attnum;
SELECT c.relname, s.srvname, array_to_string(ft.ftoptions, ', ') AS options
  FROM pg_foreign_table ft
  JOIN pg_class c ON c.oid = ft.ftrelid
  JOIN pg_foreign_server s ON s.oid = ft.ftserver
 WHERE c.relnamespace = 'maip_dev'::regnamespace ORDER BY 1;

-- Every imported table returns the fixture rows: its items equal the dump
-- (both ways), and every key and key-part column equals the attribute (or
-- '#'-part of it) in the item.
CREATE TEMP TABLE fixture AS
SELECT c.relname AS table_name, line::jsonb AS doc
  FROM pg_foreign_table ft
  JOIN pg_class c ON c.oid = ft.ftrelid,
       unnest(ft.ftoptions) AS o,
       regexp_split_to_table(pg_read_file(:'dump' || '/' || substr(o, 7) || '.jsonl'), e'\n') AS line
 WHERE c.relnamespace = 'maip_dev'::regnamespace AND o LIKE 'table=%' AND line <> '';

CREATE FUNCTION check_imported(tbl regclass, OUT fixture_items bigint, OUT rows bigint,
                               OUT missing bigint, OUT extra bigint, OUT wrong_key_values bigint)
LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = tbl);
  col record;
  checks text := '0';
BEGIN
  -- one Scan per table: the rows go into a local copy first
  EXECUTE format('CREATE TEMP TABLE got AS SELECT * FROM %s', tbl);
  SELECT count(*) INTO fixture_items FROM fixture f WHERE f.table_name = name;
  SELECT count(*) INTO rows FROM got;
  SELECT count(*) INTO missing
    FROM (SELECT doc FROM fixture f WHERE f.table_name = name EXCEPT SELECT item FROM got) x;
  SELECT count(*) INTO extra
    FROM (SELECT item FROM got EXCEPT SELECT doc FROM fixture f WHERE f.table_name = name) x;
  FOR col IN
    SELECT a.attname,
           (SELECT substr(o, 11) FROM unnest(a.attfdwoptions) o WHERE o LIKE 'attribute=%') AS attr,
           (SELECT substr(o, 6)::int FROM unnest(a.attfdwoptions) o WHERE o LIKE 'part=%') AS part
      FROM pg_attribute a WHERE a.attrelid = tbl AND a.attnum > 0
  LOOP
    CONTINUE WHEN col.attr IS NULL;
    checks := checks || format(' + count(*) FILTER (WHERE %I::text IS DISTINCT FROM %s)', col.attname,
                               CASE WHEN col.part IS NULL THEN format('item->>%L', col.attr)
                                    ELSE format('split_part(item->>%L, ''#'', %s)', col.attr, col.part) END);
  END LOOP;
  EXECUTE format('SELECT %s FROM got', checks) INTO wrong_key_values;
  DROP TABLE got;
END $$;

SELECT c.relname, r.*
  FROM pg_class c, check_imported(c.oid) r
 WHERE c.relnamespace = 'maip_dev'::regnamespace ORDER BY 1;

-- key and part columns in use
SELECT entity_type, entity_id, "timestamp"
  FROM maip_dev.audit WHERE entity_type = 'quote' AND entity_id = 'q-00007' ORDER BY "timestamp";
SELECT product_id, version, item->>'name' AS name
  FROM maip_dev.products WHERE product_id = 'prod-004' ORDER BY version DESC LIMIT 2;
SELECT order_id, customer_id, customer_id_timestamp_part1 = customer_id AS part_matches
  FROM maip_dev.orders WHERE order_id = 'ord-00042';

-- LIMIT TO and EXCEPT use the local names; unknown names are ignored
CREATE SCHEMA maip_some;
IMPORT FOREIGN SCHEMA dev LIMIT TO (orders, pricing_rules, no_such_table)
  FROM SERVER maip INTO maip_some;
CREATE SCHEMA maip_rest;
IMPORT FOREIGN SCHEMA dev EXCEPT (orders, pricing_rules, audit)
  FROM SERVER maip INTO maip_rest;
SELECT relnamespace::regnamespace AS schema, relname
  FROM pg_class WHERE relnamespace IN ('maip_some'::regnamespace, 'maip_rest'::regnamespace)
 ORDER BY 1, 2;

-- import_sample_size: a typed column per attribute of the sampled items
-- (every DynamoDB type in products; NULL-only attributes become jsonb)
CREATE SCHEMA maip_sampled;
IMPORT FOREIGN SCHEMA dev LIMIT TO (products, orders)
  FROM SERVER maip INTO maip_sampled OPTIONS (import_sample_size '1000');
SELECT table_name, column_name, type, coll, not_null, options
  FROM imported_columns WHERE schema = 'maip_sampled' ORDER BY table_name, attnum;
SELECT product_id, version, price, active, sizes, scores, thumbnail, checksums,
       dimensions->>'unit' AS unit, discontinued_at, meta_version
  FROM maip_sampled.products WHERE product_id IN ('prod-002', 'prod-007') ORDER BY 1, 2;
SELECT count(*), sum(total), count(tags), count(coupon), count(note)
  FROM maip_sampled.orders;
-- Type mapping cases, in an environment of their own (boto3 creates it):
-- attributes of mixed types become jsonb, NULL fits any type, a '.' in a
-- table name becomes '_', number and binary keys, an acronym in an
-- attribute name, a key of three '#'-parts (the last keeps any further '#')
\! bash test/recorder/run.sh awscheck.py import-tables
CREATE SCHEMA maip_importtest;
IMPORT FOREIGN SCHEMA importtest FROM SERVER maip INTO maip_importtest
  OPTIONS (import_sample_size '10');
SELECT table_name, column_name, type, coll, not_null, options
  FROM imported_columns WHERE schema = 'maip_importtest' ORDER BY table_name, attnum;
SELECT id, mixed, flag, note, tags, blob, maybe, nums FROM maip_importtest.mixed ORDER BY id;
SELECT http_request_id, event_seq_part, event, seq, part, blob_key
  FROM maip_importtest.v1_events ORDER BY event_seq_part;
\! bash test/recorder/run.sh awscheck.py drop-tables maip-importtest-

-- errors
IMPORT FOREIGN SCHEMA staging FROM SERVER maip INTO maip_some;
IMPORT FOREIGN SCHEMA "dev/../prod" FROM SERVER maip INTO maip_some;
IMPORT FOREIGN SCHEMA dev FROM SERVER maip INTO maip_some OPTIONS (import_sample_size '-1');
IMPORT FOREIGN SCHEMA dev FROM SERVER maip INTO maip_some OPTIONS (sample_size '10');
-- importing again into the same schema: the tables exist already
IMPORT FOREIGN SCHEMA dev LIMIT TO (orders) FROM SERVER maip INTO maip_some;

-- Broken answers while sampling (through test/faultproxy.py): an error
-- naming what is wrong, never a crash, and the session goes on.  Items
-- that are not objects ([{"S":"x"}] instead of {...}):
\getenv proxy MAIP_TEST_FAULTPROXY
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
CREATE SERVER maip_import_proxy FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'proxy');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_import_proxy
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE SCHEMA maip_broken;
\! curl -sS -f -o /dev/null -d '{"malformed":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
IMPORT FOREIGN SCHEMA dev LIMIT TO (orders) FROM SERVER maip_import_proxy INTO maip_broken
  OPTIONS (import_sample_size '5');
-- a value or an attribute name that is not UTF-8 (BADUTF8 becomes 0xFF
-- 0xFE; which one comes first depends on the Scan order)
\! curl -sS -f -o /dev/null -d '{"badutf8":1.0,"ops":["Scan"]}' "$MAIP_TEST_FAULTPROXY/__fault"
\set VERBOSITY terse
IMPORT FOREIGN SCHEMA fixture LIMIT TO (edge_strings) FROM SERVER maip_import_proxy INTO maip_broken
  OPTIONS (import_sample_size '10');
\set VERBOSITY default
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT count(*) AS nothing_imported FROM pg_class WHERE relnamespace = 'maip_broken'::regnamespace;
-- without faults the same import works (U+0000 in a value is no problem for sampling)
IMPORT FOREIGN SCHEMA fixture LIMIT TO (edge_strings) FROM SERVER maip_import_proxy INTO maip_broken
  OPTIONS (import_sample_size '10');
SELECT table_name, column_name, type, options
  FROM imported_columns WHERE schema = 'maip_broken' ORDER BY table_name, attnum;
DROP SCHEMA maip_broken CASCADE;
DROP SERVER maip_import_proxy CASCADE;

SET client_min_messages = warning;
DROP SCHEMA maip_dev, maip_some, maip_rest, maip_sampled, maip_importtest CASCADE;
RESET client_min_messages;
DROP VIEW imported_columns;
DROP FUNCTION check_imported(regclass);
