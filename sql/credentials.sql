--
-- credentials: assumed roles as options (role_arn, external_id,
-- role_session_name, duration; sts_endpoint), whoami(), and the privilege
-- rules around them.  moto plays STS: it checks the role's trust policy
-- (principal and sts:ExternalId condition) on AssumeRole, and the role's
-- own policy on DynamoDB requests signed with the temporary credentials.
-- test/iam_role.py makes two roles the test user may assume with external
-- id maip-ext-ok: maip-test-reader (dynamodb:*) and maip-test-no-scan
-- (dynamodb:* but dynamodb:Scan denied).
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\! python3 test/iam_role.py create maip-test-reader none
\! python3 test/iam_role.py create maip-test-no-scan dynamodb:Scan
CREATE SCHEMA creds;
SET search_path = creds, public;
-- the secret, for the checks that it appears nowhere
SELECT set_config('creds.secret', :'secret_key', false) IS NOT NULL AS secret_set;
\set reader 'arn:aws:iam::123456789012:role/maip-test-reader'
\set no_scan 'arn:aws:iam::123456789012:role/maip-test-no-scan'

-- Values are checked when set (external ids are never echoed)
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (role_arn 'arn:aws:iam::12345:role/x');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (role_arn 'arn:aws:s3:::bucket');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (role_arn 'arn:aws:iam::123456789012:role/a b');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (duration '899');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (duration '43201');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (duration '1h');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (role_session_name 'x');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (external_id 'not allowed');
CREATE SERVER bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (sts_endpoint 'ftp://sts.example');
CREATE SERVER ok_limits FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (duration '900', role_arn 'arn:aws-cn:iam::123456789012:role/path/to/maip-prod');
ALTER SERVER ok_limits OPTIONS (SET duration '43200');
CREATE USER MAPPING FOR CURRENT_USER SERVER ok_limits OPTIONS (duration '0');
DROP SERVER ok_limits;

-- A server per environment: the mapping's keys assume the role, and
-- DynamoDB requests are signed with the temporary credentials.
CREATE SERVER prod FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint', sts_endpoint :'endpoint',
           role_arn :'reader', external_id 'maip-ext-ok', role_session_name 'maip-regress',
           duration '3600');
CREATE USER MAPPING FOR CURRENT_USER SERVER prod
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE products (product_id text OPTIONS (attribute 'productId'))
  SERVER prod OPTIONS (table 'maip-dev-products');
SELECT count(*) FROM products;
SELECT account, arn, user_id LIKE '%:maip-regress' AS session_in_user_id, source
  FROM maip_fdw.whoami('prod');
-- the temporary credentials are cached: one AssumeRole (logged at DEBUG1)
-- after a change, none for the next queries
ALTER SERVER prod OPTIONS (SET duration '1800');
\set VERBOSITY terse
SET client_min_messages = debug1;
SELECT count(*) FROM products;
SELECT count(*) FROM products;
SELECT source FROM maip_fdw.whoami('prod');
RESET client_min_messages;
\set VERBOSITY default

-- The role's own policy applies, so the role's credentials are in use:
-- the test user may Scan, maip-test-no-scan may not.  ALTER SERVER drops
-- the cached credentials, within the same session.
ALTER SERVER prod OPTIONS (SET role_arn :'no_scan');
SELECT * FROM error_of('SELECT count(*) FROM creds.products');
SELECT arn FROM maip_fdw.whoami('prod');
-- a user mapping's role_arn overrides the server's (ALTER USER MAPPING too drops the cache)
ALTER USER MAPPING FOR CURRENT_USER SERVER prod OPTIONS (ADD role_arn :'reader');
SELECT count(*) FROM products;
SELECT arn FROM maip_fdw.whoami('prod');
ALTER USER MAPPING FOR CURRENT_USER SERVER prod OPTIONS (DROP role_arn);

-- The default session name says which PostgreSQL user assumed the role
ALTER SERVER prod OPTIONS (DROP role_session_name, SET role_arn :'reader');
SELECT split_part(arn, '/', 3) = 'maip_fdw-' || current_user AS session_is_user FROM maip_fdw.whoami('prod');

-- The trust policy's external id condition: a wrong one is refused by STS,
-- with the AWS error in DETAIL; neither the secret key nor anything else
-- secret reaches the message, detail, hint or context.
ALTER SERVER prod OPTIONS (SET external_id 'maip-ext-wrong');
SELECT * FROM error_of('SELECT count(*) FROM creds.products');
SELECT * FROM error_of('SELECT * FROM maip_fdw.whoami(''prod'')');
\set VERBOSITY terse
SELECT count(*) FROM products;
\set VERBOSITY default
DO $$
DECLARE
  m text; d text; h text; c text;
BEGIN
  PERFORM count(*) FROM creds.products;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT,
                          c = PG_EXCEPTION_CONTEXT;
  RAISE NOTICE 'names the source: %, secret absent: %, external id absent: %',
    c LIKE '%credentials from the user mapping%',
    position(current_setting('creds.secret') IN concat(m, d, h, c)) = 0,
    position('maip-ext-wrong' IN concat(m, d, h, c)) = 0;
END $$;
ALTER SERVER prod OPTIONS (SET external_id 'maip-ext-ok');

-- Base keys STS does not accept: 28000, the AWS error type in DETAIL
ALTER USER MAPPING FOR CURRENT_USER SERVER prod OPTIONS (SET secret_access_key 'wrong-secret-0123456789abcdef');
SELECT state, detail_starts IS NOT NULL AS aws_error_in_detail FROM error_of('SELECT count(*) FROM creds.products');
ALTER USER MAPPING FOR CURRENT_USER SERVER prod OPTIONS (SET secret_access_key :'secret_key');
SELECT count(*) FROM products;

-- A superuser's mapping without keys: the server process's own identity
-- (the test stack gives it the test user's keys in AWS_ACCESS_KEY_ID) is
-- the base, and whoami says so
ALTER USER MAPPING FOR CURRENT_USER SERVER prod OPTIONS (DROP access_key_id, DROP secret_access_key);
SELECT split_part(arn, '/', 2) AS role, source FROM maip_fdw.whoami('prod');
ALTER USER MAPPING FOR CURRENT_USER SERVER prod
  OPTIONS (ADD access_key_id :'access_key', ADD secret_access_key :'secret_key');
SELECT source FROM maip_fdw.whoami('prod');

-- Neither keys nor temporary credentials in EXPLAIN
CREATE FUNCTION plan_text(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
  t text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    t := t || r."QUERY PLAN" || E'\n';
  END LOOP;
  RETURN t;
END $$;
SELECT position(current_setting('creds.secret') IN p) = 0 AS secret_absent,
       p !~ 'ASIA|AKIA' AS key_ids_absent, p LIKE '%Foreign Scan%' AS is_plan
  FROM plan_text('SELECT * FROM creds.products') AS p;

-- Non-superusers: sts_endpoint follows endpoint's allow-list rule
CREATE ROLE maip_cred_user;
GRANT USAGE ON FOREIGN DATA WRAPPER maip_fdw TO maip_cred_user;
GRANT USAGE ON FOREIGN SERVER prod TO maip_cred_user;
GRANT USAGE ON SCHEMA creds, maip_fdw TO maip_cred_user;
GRANT SELECT ON creds.products TO maip_cred_user;
SET ROLE maip_cred_user;
CREATE SERVER own_sts FOREIGN DATA WRAPPER maip_fdw OPTIONS (sts_endpoint 'https://sts.eu-west-1.amazonaws.com');
ALTER SERVER own_sts OPTIONS (SET sts_endpoint 'https://sts.amazonaws.com');
ALTER SERVER own_sts OPTIONS (SET sts_endpoint 'https://sts-fips.us-gov-west-1.amazonaws.com');
SELECT state FROM error_of(format('ALTER SERVER own_sts OPTIONS (SET sts_endpoint %L)', :'endpoint'));
ALTER SERVER own_sts OPTIONS (SET sts_endpoint 'https://sts.us-east-1.amazonaws.com.evil.example');
ALTER SERVER own_sts OPTIONS (SET sts_endpoint 'http://169.254.169.254/');
ALTER SERVER own_sts OPTIONS (SET sts_endpoint 'https://dynamodb.us-east-1.amazonaws.com');
CREATE SERVER own_sts2 FOREIGN DATA WRAPPER maip_fdw OPTIONS (sts_endpoint 'https://sts.us-east-1.amazonaws.com:8443');
DROP SERVER own_sts;
-- a non-superuser assumes a role only from their own mapping's keys,
-- never from the server's ambient credentials
CREATE USER MAPPING FOR maip_cred_user SERVER prod OPTIONS (role_arn :'reader');
SELECT count(*) FROM creds.products;
SELECT * FROM maip_fdw.whoami('prod');
ALTER USER MAPPING FOR maip_cred_user SERVER prod
  OPTIONS (ADD access_key_id :'access_key', ADD secret_access_key :'secret_key');
SELECT count(*) FROM creds.products;
SELECT split_part(arn, '/', 2) AS role, split_part(arn, '/', 3) AS session, source
  FROM maip_fdw.whoami('prod');
RESET ROLE;

DROP USER MAPPING FOR maip_cred_user SERVER prod;
DROP USER MAPPING FOR CURRENT_USER SERVER prod;
DROP SCHEMA creds CASCADE;
DROP SERVER prod;
REVOKE ALL ON SCHEMA maip_fdw FROM maip_cred_user;
REVOKE ALL ON FOREIGN DATA WRAPPER maip_fdw FROM maip_cred_user;
DROP ROLE maip_cred_user;
