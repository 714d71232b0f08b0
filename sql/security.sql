--
-- security: no SSRF through a server's endpoint (DynamoDB hosts and
-- regions only), plain http only where allowed (loopback by address),
-- superuser-only options, credentials without control characters, user
-- text never becomes expression syntax, secrets never reach the server log.
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

-- DynamoDB's own endpoints only: regional, FIPS, dual-stack, China and
-- GovCloud hosts are the owner's...
SET ROLE maip_owner;
BEGIN;
SELECT e AS endpoint, (error_of(format('CREATE SERVER %I FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint %L)',
                                       'probe_' || n, e))).state
FROM unnest(ARRAY['https://dynamodb.us-east-1.api.aws',
                  'https://dynamodb-fips.us-east-2.api.aws',
                  'https://dynamodb.cn-north-1.amazonaws.com.cn',
                  'https://dynamodb.cn-northwest-1.api.amazonwebservices.com.cn',
                  'https://dynamodb.us-gov-east-1.amazonaws.com',
                  'https://dynamodb.eusc-de-east-1.amazonaws.eu']) WITH ORDINALITY AS t(e, n);
ROLLBACK;
-- ...S3 bucket hosts and other names under amazonaws.com are not
BEGIN;
SELECT e AS endpoint, (error_of(format('CREATE SERVER %I FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint %L)',
                                       'probe_' || n, e))).state
FROM unnest(ARRAY['https://dynamodb-fips.s3.amazonaws.com',
                  'https://dynamodb.s3-us-west-2.amazonaws.com',
                  'https://dynamodb.s3.amazonaws.com',
                  'https://dynamodb.us-east-1.elb.amazonaws.com',
                  'https://dynamodb.execute-api.amazonaws.com',
                  'https://dynamodb.eu-west-1a.amazonaws.com',
                  'https://dynamodb.us-east-1.amazonaws.com.cn',
                  'https://dynamodb.cn-north-1.amazonaws.com',
                  'https://dynamodb.us-east-1.api.aws.evil.example',
                  'https://DynamoDB.us-east-1.amazonaws.com']) WITH ORDINALITY AS t(e, n);
ROLLBACK;
-- Regions follow AWS's grammar (they also name the default endpoint,
-- dynamodb.<region>.amazonaws.com): refused when set, for everyone.
SELECT r AS region, (error_of(format('ALTER SERVER owned_default OPTIONS (SET region %L)', r))).state
FROM unnest(ARRAY['us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'eusc-de-east-1', 'ap-southeast-7',
                  's3', 's3-us-west-2', 'us-east-1.s3', 'US-EAST-1', 'us-east', 'us-east-1-', 'useast-1',
                  'us-east-123', 'us--east-1', 'us-gov-1x']) AS r;
RESET ROLE;
CREATE SERVER super_s3 FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 's3');

-- Loopback is an address (127.0.0.0/8, ::1) or localhost, not a prefix:
-- 127.attacker.example is a DNS name anyone can point anywhere.
BEGIN;
SELECT e AS endpoint, (error_of(format('CREATE SERVER %I FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint %L)',
                                       'probe_' || n, e))).state
FROM unnest(ARRAY['http://127.0.0.1:8000', 'http://127.1.2.3:8000', 'http://[::1]:8000',
                  'http://localhost:8000', 'http://[::ffff:127.0.0.1]:8000',
                  'http://127.attacker.example:8000', 'http://127.0.0.1.nip.io:8000',
                  'http://localhost.attacker.example:8000', 'http://[::2]:8000',
                  'http://[::ffff:10.0.0.1]:8000', 'http://128.0.0.1:8000']) WITH ORDINALITY AS t(e, n);
ROLLBACK;
CREATE SERVER http_lookalike FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'http://127.attacker.example:8000');

-- A superuser-only option a superuser set does not lock the server's
-- owner out of ALTER SERVER: they may keep or drop it, not add or change it.
CREATE SERVER owned_ambient FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'eu-west-1', ambient_credentials 'true');
ALTER SERVER owned_ambient OWNER TO maip_owner;
SET ROLE maip_owner;
ALTER SERVER owned_ambient OPTIONS (SET region 'eu-west-2');
ALTER SERVER owned_ambient OPTIONS (ADD endpoint 'https://dynamodb.eu-west-2.amazonaws.com', max_retries '2');
ALTER SERVER owned_ambient OPTIONS (SET ambient_credentials 'on');
ALTER SERVER owned_ambient OPTIONS (ADD allow_insecure_http 'true');
ALTER SERVER owned_ambient OPTIONS (ADD ca_file '/etc/passwd');
SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'owned_ambient';
-- Another server with what a superuser gave one of theirs is no more than
-- they have; a combination none of their servers holds is refused
-- (owned_aws has allow_insecure_http, owned_ambient ambient_credentials).
CREATE SERVER owned_ambient2 FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'eu-west-1', ambient_credentials 'true');
CREATE SERVER owned_ambient3 FOREIGN DATA WRAPPER maip_fdw OPTIONS (ambient_credentials 'true', allow_insecure_http 'true');
DROP SERVER owned_ambient2;
ALTER SERVER owned_ambient OPTIONS (DROP ambient_credentials);
ALTER SERVER owned_ambient OPTIONS (ADD ambient_credentials 'true');
RESET ROLE;
-- servers of a wrapper without maip_fdw's validator do not count
CREATE FOREIGN DATA WRAPPER other_wrapper;
GRANT USAGE ON FOREIGN DATA WRAPPER other_wrapper TO maip_owner;
SET ROLE maip_owner;
CREATE SERVER owned_other FOREIGN DATA WRAPPER other_wrapper OPTIONS (ambient_credentials 'true');
CREATE SERVER owned_ambient2 FOREIGN DATA WRAPPER maip_fdw OPTIONS (ambient_credentials 'true');
RESET ROLE;
DROP SERVER owned_other, owned_ambient;
DROP FOREIGN DATA WRAPPER other_wrapper;

-- Credentials are printable ASCII: a CR or LF would end the header a key
-- travels in.  Errors never show the value.  log_min_error_statement
-- (superuser-only) keeps these failing statements, secrets included, out
-- of the server log; see the end of this file.
SET log_min_error_statement = panic;
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key E'unlogged-secret\r\n');
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key 'x', session_token E'unlogged-token\r\nX-Injected: 1');
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id E'AKIA\nEXAMPLE', secret_access_key 'x');
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key E'unlogged\tsecret');
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key 'unlogged-sécret');
ALTER USER MAPPING FOR maip_owner SERVER owned_local OPTIONS (ADD session_token E'unlogged-token\x01');
ALTER USER MAPPING FOR maip_owner SERVER owned_local OPTIONS (SET secret_access_key '');
RESET log_min_error_statement;
-- By default PostgreSQL logs the text of a failing statement, option values included.
CREATE USER MAPPING FOR maip_owner SERVER owned_aws
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key E'logged-secret\n');
SELECT position('logged-secret' IN pg_read_file(:'state' || '/pg.log')) > 0 AS failing_statement_logged;
-- Keys that reach the catalog by another way (a wrapper without a
-- validator, an older version) or come from the server process's
-- environment or credentials file are checked again before use.
CREATE FOREIGN DATA WRAPPER maip_unchecked HANDLER maip_fdw.maip_fdw_handler;
CREATE SERVER unchecked FOREIGN DATA WRAPPER maip_unchecked OPTIONS (endpoint :'endpoint', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER unchecked
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key', session_token E'unlogged-token\r\nX-Injected: 1');
CREATE FOREIGN TABLE owned.unchecked (customer_id text OPTIONS (attribute 'customerId'))
  SERVER unchecked OPTIONS (table 'maip-dev-customers');
SELECT count(*) FROM owned.unchecked;
DROP FOREIGN TABLE owned.unchecked;
DROP USER MAPPING FOR CURRENT_USER SERVER unchecked;
DROP SERVER unchecked;
DROP FOREIGN DATA WRAPPER maip_unchecked;
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
-- Nor do the values of the failing statements above, run under
-- log_min_error_statement = panic: neither PostgreSQL's STATEMENT line nor
-- an error message of ours carries them.
SELECT position('unlogged' IN pg_read_file(:'state' || '/pg.log')) = 0 AS refused_values_not_in_log;
