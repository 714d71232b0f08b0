--
-- errors: options, credentials, and every way a request can fail.  Each
-- failure is followed by a query that works, in the same session.
-- Messages are ours; the emulator's wording (and request ids) stay out of
-- the output: remote failures are shown tersely, and their DETAIL is
-- checked through error_of().
--
\getenv endpoint MAIP_TEST_ENDPOINT
\getenv access_key MAIP_TEST_ACCESS_KEY
\getenv secret_key MAIP_TEST_SECRET_KEY
\getenv blackhole MAIP_TEST_BLACKHOLE
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Options: unknown names get the closest valid one as a hint; bad values are refused.
CREATE SERVER s_typo FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpiont 'http://127.0.0.1:1');
CREATE SERVER s_typo FOREIGN DATA WRAPPER maip_fdw OPTIONS (regoin 'us-east-1');
CREATE SERVER s_typo FOREIGN DATA WRAPPER maip_fdw OPTIONS (zzzzzz '1');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint 'ftp://127.0.0.1/');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'US East');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (connect_timeout '0');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (request_timeout 'soon');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (max_retries '-1');
CREATE SERVER s_bad FOREIGN DATA WRAPPER maip_fdw OPTIONS (env 'dev/../prod');
ALTER USER MAPPING FOR CURRENT_USER SERVER maip OPTIONS (ADD secret_acces_key 'x');
CREATE FOREIGN TABLE t_bad (id text) SERVER maip OPTIONS (table 'x');
CREATE FOREIGN TABLE t_bad (id text) SERVER maip OPTIONS (table 'maip dev orders');
CREATE FOREIGN TABLE t_bad (id text) SERVER maip OPTIONS (table 'maip-dev-orders', page_size '0');
CREATE FOREIGN TABLE t_bad (id text OPTIONS (atribute 'x')) SERVER maip OPTIONS (table 'maip-dev-orders');
CREATE FOREIGN TABLE t_bad (id text OPTIONS (item 'maybe')) SERVER maip OPTIONS (table 'maip-dev-orders');
CREATE FOREIGN TABLE no_table_option (id text) SERVER maip;
SELECT * FROM no_table_option;

CREATE FOREIGN TABLE customers (
  customer_id text OPTIONS (attribute 'customerId'),
  ts text OPTIONS (attribute 'timestamp')
) SERVER maip OPTIONS (table 'maip-dev-customers');
SELECT count(*) > 0 AS works FROM customers;

\set VERBOSITY terse
-- A table that does not exist: fdw_table_not_found, with the AWS error type in DETAIL.
CREATE FOREIGN TABLE missing (id text) SERVER maip OPTIONS (table 'maip-dev-does-not-exist');
SELECT * FROM missing;
SELECT * FROM error_of('SELECT * FROM missing');
SELECT count(*) > 0 AS works FROM customers;

-- A wrong secret: moto checks the signature and refuses it.
CREATE SERVER maip_wrong_secret FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_wrong_secret
  OPTIONS (access_key_id :'access_key', secret_access_key 'not-the-secret');
CREATE FOREIGN TABLE customers_wrong_secret (customer_id text OPTIONS (attribute 'customerId'))
  SERVER maip_wrong_secret OPTIONS (table 'maip-dev-customers');
SELECT * FROM customers_wrong_secret;
SELECT * FROM error_of('SELECT * FROM customers_wrong_secret');
-- an access key nobody issued
ALTER USER MAPPING FOR CURRENT_USER SERVER maip_wrong_secret
  OPTIONS (SET access_key_id 'AKIANOTAREALKEY00000');
SELECT * FROM error_of('SELECT * FROM customers_wrong_secret');
SELECT count(*) > 0 AS works FROM customers;

-- An endpoint where nothing listens: fdw_unable_to_establish_connection, no retries.
CREATE SERVER maip_unreachable FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (endpoint 'http://127.0.0.1:9', connect_timeout '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_unreachable
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key 'secret');
CREATE FOREIGN TABLE unreachable (id text) SERVER maip_unreachable OPTIONS (table 'maip-dev-orders');
SELECT * FROM unreachable;
SELECT count(*) > 0 AS works FROM customers;

-- An endpoint that accepts connections and never answers: request_timeout
-- ends each attempt, and the error says how many were made.
CREATE SERVER maip_silent FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (endpoint :'blackhole', request_timeout '0.3', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_silent
  OPTIONS (access_key_id 'AKIAEXAMPLE', secret_access_key 'secret');
CREATE FOREIGN TABLE silent (id text) SERVER maip_silent OPTIONS (table 'maip-dev-orders');
SELECT * FROM silent;
SELECT count(*) > 0 AS works FROM customers;
-- statement_timeout interrupts a request that would otherwise wait 60 s
ALTER SERVER maip_silent OPTIONS (SET request_timeout '60', SET max_retries '0');
SET statement_timeout = '500ms';
SELECT * FROM silent;
RESET statement_timeout;
SELECT count(*) > 0 AS works FROM customers;

-- A long scan (thousands of one-item pages) canceled by statement_timeout.
CREATE FOREIGN TABLE ma_slow (merchant_id text OPTIONS (attribute 'merchantId'))
  SERVER maip OPTIONS (table 'maip-dev-merchant-analytics', page_size '1');
SET statement_timeout = '1s';
SELECT count(merchant_id) FROM ma_slow;
RESET statement_timeout;
SELECT count(*) > 0 AS works FROM customers;

\set VERBOSITY default
-- Credentials.  Without keys in the mapping a superuser falls back to the
-- server process's AWS environment (the test cluster has valid keys there).
CREATE SERVER maip_ambient FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_ambient;
CREATE FOREIGN TABLE customers_ambient (customer_id text OPTIONS (attribute 'customerId'))
  SERVER maip_ambient OPTIONS (table 'maip-dev-customers');
SELECT count(*) > 0 AS superuser_uses_ambient FROM customers_ambient;
-- half a key pair is refused
ALTER USER MAPPING FOR CURRENT_USER SERVER maip_ambient OPTIONS (ADD access_key_id 'AKIAEXAMPLE');
SELECT * FROM customers_ambient;
ALTER USER MAPPING FOR CURRENT_USER SERVER maip_ambient OPTIONS (DROP access_key_id);

-- A non-superuser never borrows the server's credentials...
CREATE ROLE maip_analyst;
GRANT USAGE ON FOREIGN SERVER maip_ambient TO maip_analyst;
GRANT SELECT ON customers_ambient TO maip_analyst;
CREATE USER MAPPING FOR maip_analyst SERVER maip_ambient;
SET ROLE maip_analyst;
SELECT count(*) FROM customers_ambient;
RESET ROLE;
-- ...and cannot allow itself to, even on a server it owns
GRANT USAGE ON FOREIGN DATA WRAPPER maip_fdw TO maip_analyst;
CREATE SERVER analyst_owned FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint :'endpoint');
ALTER SERVER analyst_owned OWNER TO maip_analyst;
SET ROLE maip_analyst;
ALTER SERVER analyst_owned OPTIONS (ADD ambient_credentials 'true');
ALTER SERVER analyst_owned OPTIONS (ADD ca_file '/etc/passwd');
RESET ROLE;
DROP SERVER analyst_owned;
REVOKE USAGE ON FOREIGN DATA WRAPPER maip_fdw FROM maip_analyst;
-- unless a superuser allows it on the server
ALTER SERVER maip_ambient OPTIONS (ADD ambient_credentials 'true');
SET ROLE maip_analyst;
SELECT count(*) > 0 AS analyst_uses_ambient FROM customers_ambient;
RESET ROLE;
ALTER SERVER maip_ambient OPTIONS (DROP ambient_credentials);

-- Secrets stay out of other users' sight: pg_user_mappings hides options.
CREATE USER MAPPING FOR maip_analyst SERVER maip
  OPTIONS (access_key_id 'AKIAANALYST', secret_access_key 'analyst-secret');
SET ROLE maip_analyst;
SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'maip' ORDER BY usename;
RESET ROLE;
-- and out of EXPLAIN
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM customers;

DROP USER MAPPING FOR maip_analyst SERVER maip;
DROP USER MAPPING FOR maip_analyst SERVER maip_ambient;
REVOKE ALL ON customers_ambient FROM maip_analyst;
REVOKE ALL ON FOREIGN SERVER maip_ambient FROM maip_analyst;
DROP ROLE maip_analyst;

-- DynamoDB speaks UTF-8: a database in another encoding is refused clearly.
\set regress_db :DBNAME
CREATE DATABASE maip_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c maip_latin1
CREATE EXTENSION maip_fdw;
CREATE SERVER maip FOREIGN DATA WRAPPER maip_fdw OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip
  OPTIONS (access_key_id :'access_key', secret_access_key :'secret_key');
CREATE FOREIGN TABLE customers (customer_id text OPTIONS (attribute 'customerId'))
  SERVER maip OPTIONS (table 'maip-dev-customers');
SELECT count(*) FROM customers;
\c :regress_db
DROP DATABASE maip_latin1;
SELECT count(*) > 0 AS works FROM customers;
