#!/usr/bin/env bash
# maip_fdw demo: brings up the test stack (moto + PostgreSQL 15 on 127.0.0.1,
# see test/stack.sh), builds and installs the extension, creates a database
# `maip_demo` with a foreign table on maip-dev-orders and runs a few queries.
# The stack is left running; the script prints how to connect and to stop it.
#
#   scripts/demo.sh            reuse a running stack, or start one
#   scripts/demo.sh --fresh    always restart the stack (reloads the fixtures)
#
# MAIP_DEMO_TABLE_OPTIONS overrides the foreign table's OPTIONS (...) content
# (default: table 'maip-dev-orders').
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
DB=maip_demo
TABLE_OPTIONS=${MAIP_DEMO_TABLE_OPTIONS:-"table 'maip-dev-orders'"}

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
# a fresh machine has only what the image ships: PostgreSQL's server
# headers, libcurl, cJSON and OpenSSL come from Debian, dynalite from npm
echo "demo: installing what is missing (scripts/install-deps.sh) ..."
if ! bash scripts/install-deps.sh >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "demo: scripts/install-deps.sh failed" >&2
    exit 1
fi

if [ "${1:-}" = --fresh ] || ! bash test/stack.sh status >/dev/null 2>&1; then
    echo "demo: starting the test stack (moto + PostgreSQL) ..."
    bash test/stack.sh up
fi
ENV_FILE=$(bash test/stack.sh env)
# shellcheck disable=SC1090
source "$ENV_FILE"
export PGHOST PGPORT PGUSER
unset PGDATABASE PGHOSTADDR PGSERVICE

echo "demo: building and installing maip_fdw ..."
if ! { make -j"$(nproc)" PG_CONFIG="$PG_CONFIG" && make install PG_CONFIG="$PG_CONFIG"; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "demo: build failed (the stack is still running; stop it with test/stack.sh down)" >&2
    exit 1
fi

PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

echo
psql -X -v ON_ERROR_STOP=1 -d "$DB" \
    -v endpoint="$MAIP_TEST_ENDPOINT" \
    -v ak="$MAIP_TEST_ACCESS_KEY" \
    -v sk="$MAIP_TEST_SECRET_KEY" \
    -v ordersdump="$MAIP_TEST_DUMP/maip-dev-orders.jsonl" \
    -v tableopts="$TABLE_OPTIONS" \
    -f - <<'SQL'
\set QUIET 1
\pset null '(null)'

-- what DynamoDB holds, straight from the fixture dump (no FDW involved)
CREATE TABLE orders_dump (doc jsonb);
COPY orders_dump (doc) FROM :'ordersdump' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
\echo '== maip-dev-orders according to the raw dump (for comparison) =='
SELECT doc->>'status' AS status, count(*), sum((doc->>'total')::numeric) AS sum
  FROM orders_dump GROUP BY 1 ORDER BY 1;

CREATE EXTENSION maip_fdw;
CREATE SERVER maip_dev FOREIGN DATA WRAPPER maip_fdw
    OPTIONS (endpoint :'endpoint', region 'us-east-1', env 'dev');
CREATE USER MAPPING FOR CURRENT_USER SERVER maip_dev
    OPTIONS (access_key_id :'ak', secret_access_key :'sk');
CREATE FOREIGN TABLE orders (
    order_id text    OPTIONS (attribute 'orderId'),
    sk       text    OPTIONS (attribute 'customerId#timestamp'),
    total    numeric,
    paid     boolean,
    status   text,
    item     jsonb   OPTIONS (item 'true')
) SERVER maip_dev OPTIONS (:tableopts);

\echo '== orders by status, through maip_fdw =='
SELECT status, count(*), sum(total) FROM orders GROUP BY 1 ORDER BY 1;

\echo '== top 5 orders by total =='
SELECT order_id, split_part(sk, '#', 1) AS customer, total, paid, status
  FROM orders ORDER BY total DESC, order_id LIMIT 5;

-- a small local table to join with
CREATE TABLE vip_customers (customer_id text PRIMARY KEY, account_manager text NOT NULL);
INSERT INTO vip_customers VALUES
    ('cust-1', 'Alice'), ('cust-7', 'Bob'), ('cust-12', 'Chandra'), ('cust-23', 'Dmitri');

\echo '== VIP customers: foreign orders joined with a local table =='
SELECT v.account_manager, v.customer_id, count(*) AS orders,
       sum(o.total) AS revenue, count(*) FILTER (WHERE NOT o.paid) AS unpaid
  FROM orders o
  JOIN vip_customers v ON v.customer_id = split_part(o.sk, '#', 1)
 GROUP BY 1, 2 ORDER BY revenue DESC;

\echo '== nested attributes from the whole-item jsonb column =='
SELECT order_id, jsonb_array_length(item->'items') AS lines,
       item->'items'->0->>'sku' AS first_sku, item->'tags' AS tags, item->>'note' AS note
  FROM orders WHERE status = 'refunded' ORDER BY order_id LIMIT 5;

\echo '== one order by key: a single GetItem/Query, as EXPLAIN shows =='
EXPLAIN (COSTS OFF) SELECT * FROM orders WHERE order_id = 'ord-00001';
SELECT order_id, total, status FROM orders WHERE order_id = 'ord-00001';

\echo '== all eight MAIP tables of env dev, imported in one statement =='
CREATE SCHEMA maip_dev;
IMPORT FOREIGN SCHEMA dev FROM SERVER maip_dev INTO maip_dev;
SELECT foreign_table_name FROM information_schema.foreign_tables
 WHERE foreign_table_schema = 'maip_dev' ORDER BY 1;
SELECT count(*) AS audit_entries_for_ord_00001 FROM maip_dev.audit
 WHERE entity_type = 'order' AND entity_id = 'ord-00001';

\echo '== DBA: describe, back up and list backups of the orders table =='
SELECT table_name, status, item_count, billing_mode FROM maip_fdw.describe_table('orders');
SELECT maip_fdw.create_backup('orders', 'maip-dev-orders-demo') LIKE 'arn:%' AS backup_created;
SELECT backup_name, status, type FROM maip_fdw.list_backups('orders') ORDER BY 1;
SQL

cat <<EOF

The test stack is still running.
  connect:  psql -h $PGHOST -p $PGPORT -U $PGUSER $DB
       or:  source $ENV_FILE && psql $DB
  stop:     $ROOT/test/stack.sh down
EOF
