/* maip_fdw extension script: the wrapper itself.  Control-plane functions
 * (backups, capacity, replicas) arrive in later versions of this file. */

\echo Use "CREATE EXTENSION maip_fdw" to load this file. \quit

CREATE FUNCTION maip_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION maip_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER maip_fdw
  HANDLER maip_fdw_handler
  VALIDATOR maip_fdw_validator;

COMMENT ON FOREIGN DATA WRAPPER maip_fdw IS 'Amazon DynamoDB tables of the MAIP platform';
