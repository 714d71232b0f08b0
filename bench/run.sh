#!/usr/bin/env bash
# maip_fdw benchmark, one command (also `make bench`):
#
#   bench/run.sh
#
# Builds and installs the extension, brings up its own stack (test/stack.sh
# with a bench-only state dir and ports, so it never touches a test run),
# loads BENCH_ITEMS items of every attribute type into dynalite (bench/gen.py),
# builds the parse-only floor (bench/floor.c), times every client on the same
# endpoint (bench/bench.py) and writes bench/report.md and bench/chart.png.
# The previous report is kept as bench/report.prev.md and its figures are
# printed beside the new ones.  Not part of the timed CI tests.
#
# Settings (environment):
#   BENCH_ITEMS       items in the table            (default 100000)
#   BENCH_REPEAT      runs per figure, median kept  (default 3)
#   BENCH_STATE       stack state dir               (default /tmp/maip_fdw_bench)
#   BENCH_MOTO_PORT   moto port; dynalite is +3     (default 26100)
#   BENCH_PGPORT      PostgreSQL port               (default 26432)
#   BENCH_SYNTH_ITEMS items the synthetic endpoint (bench/synth.py, port
#                     moto + 10) serves for the memory-at-1M figure
#                     (default 1000000; 0 skips it)
#   BENCH_KEEP=1      leave the stack running
#   BENCH_NO_NODE=1   skip the JavaScript SDK (no npm install)
#   PG_CONFIG         pg_config of the PostgreSQL 15 to install into (default: pg_config)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
BENCH=$ROOT/bench
export BENCH_ITEMS=${BENCH_ITEMS:-100000}
export BENCH_REPEAT=${BENCH_REPEAT:-3}
STATE=${BENCH_STATE:-/tmp/maip_fdw_bench}
MOTO_PORT=${BENCH_MOTO_PORT:-26100}
PGPORT=${BENCH_PGPORT:-26432}
PG_CONFIG=${PG_CONFIG:-pg_config}
PG_BIN=$("$PG_CONFIG" --bindir)
T0=$(date +%s)

say() { printf 'bench: [%ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }

stack() {
    MAIP_TEST_STATE=$STATE MAIP_TEST_MOTO_PORT=$MOTO_PORT MAIP_TEST_PGPORT=$PGPORT \
        MAIP_TEST_PG_BIN=$PG_BIN bash "$ROOT/test/stack.sh" "$@"
}

find_python() {
    local c
    for c in python3 /root/.pyenv/shims/python3; do
        command -v "$c" >/dev/null 2>&1 && "$c" -c 'import boto3' 2>/dev/null && { echo "$c"; return 0; }
    done
    return 1
}
PY=$(find_python) || { echo "bench: no python3 with boto3" >&2; exit 1; }

# gnuplot for the chart: from Debian if missing; the chart is skipped otherwise
if ! command -v gnuplot >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing gnuplot-nox (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1; } ||
        say "gnuplot could not be installed; the report will have no chart"
fi

# the JavaScript SDK v3, pinned in bench/package.json, into bench/node_modules
NODE=""
if [ -z "${BENCH_NO_NODE:-}" ] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ ! -d "$BENCH/node_modules/@aws-sdk/client-dynamodb" ]; then
        say "installing @aws-sdk/client-dynamodb into bench/node_modules"
        (cd "$BENCH" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null 2>&1) ||
            say "npm install failed; the JavaScript SDK is skipped"
    fi
    [ -d "$BENCH/node_modules/@aws-sdk/client-dynamodb" ] && NODE=$(command -v node)
fi

say "building and installing maip_fdw ($PG_CONFIG)"
make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null

say "building the floor (bench/floor.c)"
FLOOR=$STATE-floor
# shellcheck disable=SC2046
cc -O2 -Wall -o "$FLOOR" "$BENCH/floor.c" $(pkg-config --cflags --libs libcurl libcjson 2>/dev/null || echo -lcurl -lcjson)

say "starting the stack in $STATE (moto $MOTO_PORT, dynalite $((MOTO_PORT + 3)), PostgreSQL $PGPORT)"
stack up
if [ -z "${BENCH_KEEP:-}" ]; then trap 'stack down >/dev/null 2>&1 || true' EXIT; fi
# shellcheck disable=SC1090
source "$(stack env)"
[ -n "${MAIP_TEST_DYNALITE_ENDPOINT:-}" ] || { echo "bench: dynalite did not start (see ${MAIP_TEST_DYNALITE_ERROR:-$STATE})" >&2; exit 1; }

say "loading $BENCH_ITEMS items into dynalite"
"$PY" "$BENCH/gen.py" --endpoint "$MAIP_TEST_DYNALITE_ENDPOINT" --items "$BENCH_ITEMS" --keys-out "$STATE/keys.tsv"
chmod 644 "$STATE/keys.tsv"

AWS_BIN=$(command -v aws || true)
[ -n "$AWS_BIN" ] || { echo "bench: the aws CLI is not installed" >&2; exit 1; }

SYNTH=""
SYNTH_ITEMS=${BENCH_SYNTH_ITEMS:-1000000}
SYNTH_PID=""
if [ "$SYNTH_ITEMS" -gt 0 ]; then
    SYNTH_PORT=$((MOTO_PORT + 10))
    (exec setsid timeout 3600 "$PY" "$BENCH/synth.py" --port "$SYNTH_PORT" --items "$SYNTH_ITEMS" \
        </dev/null >"$STATE/synth.log" 2>&1) &
    SYNTH_PID=$!
    trap '[ -n "$SYNTH_PID" ] && kill "$SYNTH_PID" 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || stack down >/dev/null 2>&1 || true' EXIT
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$SYNTH_PORT/" && break
        sleep 0.05
    done
    SYNTH=http://127.0.0.1:$SYNTH_PORT
fi

say "measuring ($BENCH_REPEAT runs per figure)"
BENCH_PSQL=$PG_BIN/psql BENCH_PGPORT=$PGPORT BENCH_ENDPOINT=$MAIP_TEST_DYNALITE_ENDPOINT \
    BENCH_KEYS=$STATE/keys.tsv BENCH_FLOOR=$FLOOR BENCH_DIR=$BENCH BENCH_OUT=$STATE \
    BENCH_AWS=$AWS_BIN BENCH_NODE=$NODE BENCH_SYNTH_ENDPOINT=$SYNTH BENCH_SYNTH_ITEMS=$SYNTH_ITEMS \
    "$PY" "$BENCH/bench.py"
say "done: bench/report.md$([ -f "$BENCH/chart.png" ] && echo ' and bench/chart.png')"
