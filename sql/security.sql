--
-- security: no SSRF through a server's endpoint, plain http only where
-- allowed, user text never becomes expression syntax, secrets never reach
-- the server log.
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\getenv state MAIP_TEST_STATE

-- A non-superuser who owns a server may point it at AWS...
CREATE ROLE maip_owner;
GRANT USAGE ON FOREIGN DATA WRAPPER maip_fdw TO maip_owner;
CREATE SCHEMA owned AUTHORIZATION maip_owner;
SET ROLE maip_owner;
CREATE SERVER owned_aws FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'https://dynamodb.eu-west-1.amazonaws.com');
CREATE SERVER owned_fips FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'https://dynamodb-fips.us-gov-west-1.amazonaws.com');
CREATE SERVER owned_default FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'eu-west-1');
-- ...but not at a local service, a metadata service or a look-alike host
SELECT state FROM error_of(format('CREATE SERVER owned_local FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint %L)', :'endpoint'));
CREATE SERVER owned_meta FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'http://169.254.169.254/');
CREATE SERVER owned_lookalike FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'https://dynamodb.us-east-1.amazonaws.com.evil.example');
CREATE SERVER owned_userinfo FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'https://x@dynamodb.us-east-1.amazonaws.com');
CREATE SERVER owned_port FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'https://dynamodb.us-east-1.amazonaws.com:8443');
CREATE SERVER owned_http FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'http://dynamodb.us-east-1.amazonaws.com');
ALTER SERVER owned_aws OPTIONS (SET endpoint 'http://127.0.0.1:5432');
-- and cannot widen the allow list itself
SET maip_fdw.allowed_endpoints = 'http://127.0.0.1:5432';
RESET ROLE;

-- A superuser can allow an endpoint for non-superusers.
SET maip_fdw.allowed_endpoints = :'endpoint';
SET ROLE maip_owner;
CREATE SERVER owned_local FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint :'endpoint', region 'us-east-1');
CREATE USER MAPPING FOR maip_owner SERVER owned_local
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE owned.customers (customer_id text OPTIONS (attribute 'customerId'))
  SERVER owned_local OPTIONS (table 'maip-dev-customers');
SELECT count(*) > 0 AS works FROM owned.customers;
RESET ROLE;
-- The check is made again at use, as the server's owner: withdrawn, refused.
RESET maip_fdw.allowed_endpoints;
SET ROLE maip_owner;
SELECT state FROM error_of('SELECT count(*) FROM owned.customers');
RESET ROLE;

-- Plain http beyond the loopback interface: refused unless a superuser allows it.
CREATE SERVER http_remote FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'http://dynamodb.example.com');
CREATE SERVER http_remote FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (endpoint 'http://dynamodb.example.com', allow_insecure_http 'true');
ALTER SERVER owned_aws OPTIONS (ADD allow_insecure_http 'true');
DROP SERVER http_remote;
DROP SERVER owned_aws, owned_fips, owned_default;
DROP SCHEMA owned CASCADE;
DROP USER MAPPING FOR maip_owner SERVER owned_local;
DROP SERVER owned_local;
REVOKE USAGE ON FOREIGN DATA WRAPPER maip_fdw FROM maip_owner;
DROP ROLE maip_owner;

CREATE SCHEMA security;
SET search_path = security, public;
-- Expression injection: keys and attribute names full of quotes, ':', '#',
-- ')' and OR are data, never syntax.
CREATE FOREIGN TABLE adversarial (
  k      text COLLATE "C",
  n      integer,
  colon  text OPTIONS (attribute ':x'),
  hash   text OPTIONS (attribute '#y'),
  paren  text OPTIONS (attribute 'a) OR (b'),
  uni    text OPTIONS (attribute '名前'),
  status text,
  blob   text
) SERVER maip OPTIONS (table 'maip-fixture-adversarial');
SELECT k, n, colon, hash, paren, uni, status, length(blob) AS blob_length FROM adversarial ORDER BY n;
-- each key, looked up by GetItem, finds exactly its own item
EXPLAIN (VERBOSE, COSTS OFF) SELECT n FROM adversarial WHERE k = 'x) OR (attribute_exists(k)';
SELECT a.k, (SELECT count(*) FROM adversarial b WHERE b.k = a.k) AS found,
       (SELECT b.n FROM adversarial b WHERE b.k = a.k) = a.n AS same_item
FROM adversarial a ORDER BY a.n;
-- the same keys through BatchGetItem
SELECT count(*) FROM adversarial WHERE k IN (':v0', '#n0', 'x) OR (attribute_exists(k)', 'a''b"c', 'OR');
-- names as filters, values that look like syntax
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k FROM adversarial WHERE colon = 'colon' AND hash = 'hash' AND paren = ') OR (1 = 1';
SELECT count(*) FROM adversarial WHERE colon = 'colon' AND hash = 'hash' AND paren = 'paren' AND uni = 'unicode' AND status = 'reserved';
SELECT count(*) FROM adversarial WHERE paren = ') OR (1 = 1';
SELECT count(*) FROM adversarial WHERE colon = ':x' OR hash = '#y';
-- 64 KB values
SELECT k FROM adversarial WHERE blob = repeat('x', 65536);
SELECT count(*) FROM adversarial WHERE blob = repeat('x', 65535) || 'y';
-- a key longer than DynamoDB allows matches nothing, and nothing is sent
SELECT count(*) FROM adversarial WHERE k = repeat('k', 3000);
SELECT p->>'DynamoDB Requests' AS requests FROM explain_analyze($$SELECT * FROM adversarial WHERE k = repeat('k', 3000)$$) p;
SELECT count(*) FROM adversarial WHERE k IN (repeat('k', 3000), 'OR');
SELECT count(*) FROM adversarial;

-- Secrets never reach the server log, through any of the failures of this
-- whole suite (wrong secrets, timeouts, refused credentials included).
SELECT position(:'secret_key' IN pg_read_file(:'state' || '/pg.log')) = 0 AS secret_not_in_log,
       position('not-the-secret' IN pg_read_file(:'state' || '/pg.log')) = 0 AS wrong_secret_not_in_log,
       position('analyst-secret' IN pg_read_file(:'state' || '/pg.log')) = 0 AS analyst_secret_not_in_log;
