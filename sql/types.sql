--
-- types: every DynamoDB type into the PostgreSQL types it maps to, and the
-- errors for values that do not fit.  The fixture items were written by
-- boto3 (test/fixtures.py), not by the FDW.
--

-- Every attribute in its text form: S as is, N as digits, B as base64,
-- BOOL as true/false, M/L/sets as plain JSON, NULL as SQL NULL.
CREATE FOREIGN TABLE types_as_text (
  id text, s text, n text, nfrac text, b text, t text, nul text,
  m text, l text, ss text, ns text, bs text, absent text
) SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM types_as_text WHERE id = 'all';

-- The natural types.
CREATE FOREIGN TABLE types_typed (
  id        text,
  s         varchar(20),
  n         numeric,               -- 38 digits, none lost
  nfrac     numeric(10,5),
  nint      integer,
  nint8     bigint OPTIONS (attribute 'nint'),
  nint2     smallint OPTIONS (attribute 'nint'),
  nfloat    double precision,
  nfloat4   real OPTIONS (attribute 'nfloat'),
  nexp      numeric,
  b         bytea,
  t         boolean,
  f         boolean,
  nul       integer,
  date      date,
  ts        timestamptz,
  ts_local  timestamp OPTIONS (attribute 'ts'),
  uuid      uuid,
  ss        text[],
  ns        numeric[],
  bs        bytea[],
  ltext     text[],
  lnum      integer[],
  absent    numeric
) SERVER maip OPTIONS (table 'maip-fixture-types');
SET timezone = 'UTC';
\x on
SELECT * FROM types_typed WHERE id = 'all';
\x off
SELECT n = 12345678901234567890123456789012345678 AS n_exact,
       nfrac = -3.14159 AS nfrac_exact,
       nexp = 15000000000 AS nexp_exact,
       b = '\x0001feff'::bytea AS bytes_exact
FROM types_typed WHERE id = 'all';

-- An item without the attributes: all NULL, no error.
SELECT * FROM types_typed WHERE id = 'missing';

-- M and L as plain JSON, numbers staying numbers.
CREATE FOREIGN TABLE types_json (
  id text, m jsonb, m_json json OPTIONS (attribute 'm'), l jsonb,
  ss jsonb, ns jsonb, bs jsonb, n jsonb, s jsonb, t jsonb, nul jsonb
) SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT m, m_json, l, ss, ns, bs, n, s, t, nul FROM types_json WHERE id = 'all';
SELECT jsonb_typeof(m->'a') AS a_type, m->'c'->0 AS c0, m->'d'->'e' AS de,
       jsonb_typeof(n) AS n_type
FROM types_json WHERE id = 'all';

-- Attribute names that are reserved words, or contain '.' or '#': all taken literally.
CREATE FOREIGN TABLE types_names (
  id text, status text, "timestamp" text,
  a_dot_b text OPTIONS (attribute 'a.b'),
  x_hash_y text OPTIONS (attribute 'x#y')
) SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM types_names WHERE id = 'all';
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM types_names;

-- The whole item as jsonb.
CREATE FOREIGN TABLE types_item (
  id text, item jsonb OPTIONS (item 'true')
) SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT item FROM types_item WHERE id = 'missing';
SELECT item->'n', item->'m', item->'b', item->'nul' FROM types_item WHERE id = 'all';
-- an item column must hold JSON
CREATE FOREIGN TABLE types_item_bad (id text, item integer OPTIONS (item 'true'))
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM types_item_bad;

-- Values that do not convert: an error naming the column, the attribute
-- and the item's key; the session goes on.
CREATE FOREIGN TABLE bad_number (id text, n numeric)
  SERVER maip OPTIONS (table 'maip-fixture-types-bad');
SELECT * FROM bad_number;
CREATE FOREIGN TABLE bad_bool (id text, t boolean)
  SERVER maip OPTIONS (table 'maip-fixture-types-bad');
SELECT * FROM bad_bool;
CREATE FOREIGN TABLE bad_date (id text, date date)
  SERVER maip OPTIONS (table 'maip-fixture-types-bad');
SELECT * FROM bad_date;
CREATE FOREIGN TABLE bad_bigint (id text, nint bigint)
  SERVER maip OPTIONS (table 'maip-fixture-types-bad');
SELECT * FROM bad_bigint;
-- type mismatches: a set into an integer, a map into a date, a boolean into numeric
CREATE FOREIGN TABLE bad_kinds (id text, ss integer)
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM bad_kinds;
CREATE FOREIGN TABLE bad_kinds2 (id text, m date)
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM bad_kinds2;
CREATE FOREIGN TABLE bad_kinds3 (id text, t numeric)
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM bad_kinds3;
CREATE FOREIGN TABLE bad_kinds4 (id text, b integer)
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM bad_kinds4;
-- a string too long for varchar(3)
CREATE FOREIGN TABLE bad_length (id text, s varchar(3))
  SERVER maip OPTIONS (table 'maip-fixture-types');
SELECT * FROM bad_length;
-- still working after all of the above
SELECT count(*) FROM types_typed;

-- Strings PostgreSQL text cannot hold (maip-fixture-edge-strings).
-- U+0000 ("abc\u0000def"): an error naming the column, attribute and key
-- (22P05), never a string cut at the NUL; a json column keeps it as
-- \u0000, jsonb refuses it as PostgreSQL's jsonb input does.
CREATE FOREIGN TABLE edge (
  id text, status text, doc json, docb jsonb OPTIONS (attribute 'doc'), tags text[],
  item json OPTIONS (item 'true')
) SERVER maip OPTIONS (table 'maip-fixture-edge-strings');
SELECT count(*) FROM edge;
SELECT id, status, doc, tags FROM edge WHERE id = 'plain';
SELECT status FROM edge WHERE id = 'nul';
SELECT tags FROM edge WHERE id = 'nul';
SELECT doc, strpos(item::text, '"status":"abc\u0000def"') > 0 AS item_keeps_it
  FROM edge WHERE id = 'nul';
SELECT docb FROM edge WHERE id = 'nul';
-- pushed down, DynamoDB compares the whole string; evaluated here, the
-- NUL item is an error instead of a second 'abc'
SELECT id FROM edge WHERE status = 'abc';
SELECT id FROM edge WHERE status || '' = 'abc' ORDER BY id;

-- Bytes that are not UTF-8 in an answer (test/faultproxy.py's badutf8
-- mode turns BADUTF8 into 0xFF 0xFE): an error (22021), never stored,
-- whose text (message, DETAIL or CONTEXT) names the attribute and the key.
CREATE FUNCTION utf8_failure(query text, attr text, key text,
                             OUT state text, OUT names_attribute_and_key boolean)
LANGUAGE plpgsql AS $$
DECLARE
  msg text; det text; ctx text;
BEGIN
  EXECUTE query;
  state := 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, ctx = PG_EXCEPTION_CONTEXT;
  names_attribute_and_key := strpos(concat_ws(' ', msg, det, ctx), attr) > 0
                             AND strpos(concat_ws(' ', msg, det, ctx), key) > 0;
END $$;
\getenv proxy MAIP_TEST_FAULTPROXY
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
CREATE SERVER maip_badutf8 FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'proxy');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_badutf8
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE edge_bad (id text, status text, item jsonb OPTIONS (item 'true'))
  SERVER maip_badutf8 OPTIONS (table 'maip-fixture-edge-strings');
\! curl -sS -f -o /dev/null -d '{"badutf8":1.0}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT id, status FROM edge_bad WHERE id = 'plain';
SELECT * FROM utf8_failure($$CREATE TABLE kept AS SELECT id, status FROM edge_bad WHERE id = 'bad'$$,
                            '"status"', 'id="bad"');
SELECT to_regclass('kept') IS NULL AS nothing_kept;
-- in an attribute name
SELECT * FROM utf8_failure($$SELECT item FROM edge_bad WHERE id = 'badname'$$,
                            'name\xff\xfe', 'id="badname"');
\! curl -sS -f -o /dev/null -d '{}' "$MAIP_TEST_FAULTPROXY/__fault"
SELECT id, status FROM edge_bad WHERE id = 'bad';
DROP SERVER maip_badutf8 CASCADE;
DROP FUNCTION utf8_failure(text, text, text);
