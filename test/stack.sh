#!/usr/bin/env bash
# maip_fdw test stack: moto (DynamoDB + IAM, SigV4 verified) and a throwaway
# PostgreSQL 15 cluster, both on 127.0.0.1 only.
#
#   test/stack.sh up       (re)create everything; prints nothing unless it fails
#   test/stack.sh down     stop PostgreSQL and moto (state dir is kept for logs)
#   test/stack.sh env      print the path of the sourceable env file
#   test/stack.sh status   exit 0 if both services answer
#
# Settings (environment):
#   MAIP_TEST_STATE      state dir            (default /tmp/maip_fdw_test)
#   MAIP_TEST_MOTO_PORT  moto port            (default 25100; below the ephemeral port range, so that no outgoing connection holds it)
#   MAIP_TEST_BLACKHOLE_PORT   endpoint that never answers  (default moto + 1)
#   MAIP_TEST_FAULTPROXY_PORT  fault-injecting proxy to moto (default moto + 2)
#   MAIP_TEST_DYNALITE_PORT    dynalite, a second DynamoDB implementation
#                              (default moto + 3)
#   MAIP_TEST_DYNALITE=0 do not start dynalite
#   MAIP_TEST_LIFETIME   seconds after which the helper services (blackhole,
#                        fault proxy, dynalite) stop by themselves (default 3600)
#   MAIP_TEST_PG_WRAPPER an executable pg_ctl starts instead of postgres (it
#                        gets postgres's arguments; test/valgrind.sh uses it)
#   MAIP_TEST_PG_START_TIMEOUT  seconds pg_ctl waits for the start (default 60)
#   MAIP_TEST_PGPORT     PostgreSQL port      (default 25432)
#   MAIP_TEST_PG_BIN     PostgreSQL bin dir   (default /usr/lib/postgresql/15/bin)
#   MAIP_TEST_PYTHON     python with boto3+moto (default: auto-detected)
#   MAIP_TEST_VERBOSE=1  progress messages on stderr
#
# State dir layout: env, moto.pid, moto.log, moto-key.json, auth-check.json,
# aws/{credentials,config}, dump/*.jsonl + dump/summary.json, pgdata/, pg.log,
# pghome/ (HOME of the server process), the server's unix socket,
# {blackhole,faultproxy,dynalite}.{pid,log}, dynalite-dump/ (the same dump
# format, read back from dynalite), dynalite-load.log.
#
# dynalite (npm, pinned in test/package.json) is installed into
# test/node_modules on first use and runs in memory.  It does not check
# signatures, so it gets no IAM bootstrap; fixtures.py loads the same items.
# If it cannot be installed or started, `up` still succeeds (moto is the
# primary backend) and the env file says MAIP_TEST_DYNALITE_ERROR=<log file>.
#
# moto is started with INITIAL_NO_AUTH_ACTION_COUNT=3: the first three actions
# (IAM CreateUser, PutUserPolicy, CreateAccessKey, done by `fixtures.py
# bootstrap`) are unauthenticated, every later action must carry a valid SigV4
# signature of that user's access key.  Do not POST /moto-api/reset: it wipes
# IAM too, after which every request fails with InvalidClientTokenId.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE=${MAIP_TEST_STATE:-/tmp/maip_fdw_test}
MOTO_PORT=${MAIP_TEST_MOTO_PORT:-25100}
BLACKHOLE_PORT=${MAIP_TEST_BLACKHOLE_PORT:-$((MOTO_PORT + 1))}
FAULTPROXY_PORT=${MAIP_TEST_FAULTPROXY_PORT:-$((MOTO_PORT + 2))}
DYNALITE_PORT=${MAIP_TEST_DYNALITE_PORT:-$((MOTO_PORT + 3))}
LIFETIME=${MAIP_TEST_LIFETIME:-3600}
PG_WRAPPER=${MAIP_TEST_PG_WRAPPER:-}
PG_START_TIMEOUT=${MAIP_TEST_PG_START_TIMEOUT:-60}
PG_PORT=${MAIP_TEST_PGPORT:-25432}
PG_BIN=${MAIP_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
REGION=us-east-1
MOTO_BOOTSTRAP_ACTIONS=3 # must equal fixtures.py BOOTSTRAP_ACTIONS (checked)
MARKER=.maip_fdw_test_state

case "$STATE" in /*) ;; *) STATE=$(pwd)/$STATE ;; esac
STATE=${STATE%/}
PGDATA_DIR=$STATE/pgdata

T_START=$(date +%s%N)
log() {
    if [ -n "${MAIP_TEST_VERBOSE:-}" ]; then
        local ms=$((($(date +%s%N) - T_START) / 1000000))
        printf 'stack: [%d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*" >&2
    fi
}
die() { echo "stack.sh: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# run a command as the PostgreSQL OS user (postgres refuses to run as root)
if is_root; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
as_pg() { "${AS_PG[@]}" "$@"; }

find_python() {
    local c
    for c in "${MAIP_TEST_PYTHON:-}" python3 /root/.pyenv/shims/python3 /root/.pyenv/versions/*/bin/python3; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import boto3, moto.server' >/dev/null 2>&1; then
            "$c" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

# Close every inherited descriptor above 2 in the current (sub)shell, so the
# long-lived daemons do not keep a caller's pipes or lock files open.
close_fds() {
    local fd n
    for fd in /proc/"$BASHPID"/fd/*; do
        n=${fd##*/}
        case "$n" in '' | *[!0-9]*) continue ;; esac
        if [ "$n" -gt 2 ] && [ "$n" -ne 255 ]; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

is_our_moto() { # pid
    [ -n "$1" ] && [ -d "/proc/$1" ] && cmdline "$1" | grep -q 'moto.server -H 127.0.0.1 -p '
}

listener_pids() { # port -> pids listening on 127.0.0.1:port
    command -v ss >/dev/null 2>&1 || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

kill_wait() { # pid: TERM, wait up to 10 s, then KILL
    local pid=$1
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        [ -d "/proc/$pid" ] || return 0
        # a zombie child of ours counts as gone
        grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

stop_moto() {
    local pid=""
    if [ -f "$STATE/moto.pid" ]; then
        pid=$(cat "$STATE/moto.pid" 2>/dev/null || true)
        if is_our_moto "$pid"; then
            log "stopping moto (pid $pid)"
            kill_wait "$pid"
        fi
        rm -f "$STATE/moto.pid"
    fi
    # state dir gone but a moto of ours still holds the port?
    if port_busy "$MOTO_PORT"; then
        for pid in $(listener_pids "$MOTO_PORT"); do
            if cmdline "$pid" | grep -q "moto.server -H 127.0.0.1 -p $MOTO_PORT\( \|$\)"; then
                log "stopping stale moto on port $MOTO_PORT (pid $pid)"
                kill_wait "$pid"
            fi
        done
    fi
}

stop_pg() {
    local pid
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        log "stopping PostgreSQL"
        (cd / && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop) >/dev/null 2>&1 ||
            (cd / && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop) >/dev/null 2>&1 || true
    fi
    if port_busy "$PG_PORT"; then
        for pid in $(listener_pids "$PG_PORT"); do
            if cmdline "$pid" | grep -q -- "-D $PGDATA_DIR\( \|$\)"; then
                log "stopping stale PostgreSQL on port $PG_PORT (pid $pid)"
                kill -INT "$pid" 2>/dev/null || true # fast shutdown
                for _ in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
            fi
        done
    fi
}

stop_blackhole() {
    local pid
    if [ -f "$STATE/blackhole.pid" ]; then
        pid=$(cat "$STATE/blackhole.pid")
        if [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'blackhole.py'; then
            kill "$pid" 2>/dev/null || true
        fi
        rm -f "$STATE/blackhole.pid"
    fi
}

# stop_helper NAME PATTERN: the process in NAME.pid, if its command line
# matches PATTERN (so a recycled pid is left alone)
stop_helper() {
    local pid
    if [ -f "$STATE/$1.pid" ]; then
        pid=$(cat "$STATE/$1.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && [ -d "/proc/$pid" ] && cmdline "$pid" | grep -q -- "$2"; then
            log "stopping $1 (pid $pid)"
            kill_wait "$pid"
        fi
        rm -f "$STATE/$1.pid"
    fi
}

stop_faultproxy() { stop_helper faultproxy 'faultproxy\.py'; }
stop_dynalite() { stop_helper dynalite 'dynalite/cli\.js'; }

cmd_down() {
    stop_pg
    stop_moto
    stop_blackhole
    stop_faultproxy
    stop_dynalite
}

# dynalite, pinned in test/package.json, into test/node_modules (gitignored)
ensure_dynalite() {
    local want have=""
    want=$(sed -n 's/.*"dynalite": *"\([^"]*\)".*/\1/p' "$ROOT/test/package.json")
    [ -f "$ROOT/test/node_modules/dynalite/package.json" ] &&
        have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/test/node_modules/dynalite/package.json")
    [ -n "$want" ] && [ "$have" = "$want" ] && return 0
    command -v node >/dev/null 2>&1 || { echo "node is not installed (Debian: nodejs)"; return 1; }
    command -v npm >/dev/null 2>&1 || { echo "npm is not installed (Debian: npm)"; return 1; }
    echo "installing dynalite $want into $ROOT/test/node_modules"
    # two stacks coming up at once must not run npm in the same directory
    (
        flock -w 300 8 || { echo "timed out waiting for another npm install"; exit 1; }
        cd "$ROOT/test" && npm install --no-audit --no-fund --no-package-lock --loglevel=error
    ) 8>"${TMPDIR:-/tmp}/maip_fdw_npm_install.lock"
}

# dynalite on 127.0.0.1, fixtures loaded and dumped; run in the background,
# output in dynalite-load.log.  Its dump is a separate directory: the tests
# compare each backend with what boto3 read back from that same backend.
start_dynalite() {
    local py=$1 pid
    ensure_dynalite || return 1
    (close_fds; exec setsid timeout "$LIFETIME" node "$ROOT/test/node_modules/dynalite/cli.js" \
        --host 127.0.0.1 --port "$DYNALITE_PORT" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
        </dev/null >"$STATE/dynalite.log" 2>&1) &
    pid=$!
    echo "$pid" >"$STATE/dynalite.pid"
    for _ in $(seq 1 200); do
        # any answer (dynalite refuses an unsigned request) means it is up
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$DYNALITE_PORT/"; then break; fi
        [ -d "/proc/$pid" ] || { echo "dynalite exited during start-up"; cat "$STATE/dynalite.log"; return 1; }
        sleep 0.05
    done
    mkdir -p "$STATE/dynalite-dump"
    chmod 755 "$STATE/dynalite-dump"
    # any key works: dynalite does not verify signatures
    "$py" "$ROOT/test/fixtures.py" --endpoint "http://127.0.0.1:$DYNALITE_PORT" --region "$REGION" \
        --access-key AKIAMAIPDYNALITE0000 --secret-key maip-dynalite-secret \
        --dump-dir "$STATE/dynalite-dump" load --dump
}

show_logs() {
    local f
    for f in moto.log initdb.log load.log pg.log; do
        if [ -s "$STATE/$f" ]; then
            echo "---- $STATE/$f (tail) ----" >&2
            tail -n 30 "$STATE/$f" >&2
        fi
    done
}

BG_PIDS=()
up_cleanup() {
    local rc=$? p
    trap - EXIT
    trap '' PIPE INT TERM # finish the clean-up even if our stderr is gone
    if [ "$rc" -ne 0 ]; then
        set +e
        for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
        for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
        cmd_down
        {
            echo "stack.sh up: FAILED (exit $rc); logs in $STATE"
            show_logs
        } >&2
    fi
    exit "$rc"
}

wait_moto() {
    local pid=$1
    for _ in $(seq 1 300); do
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$MOTO_PORT/moto-api/"; then
            return 0
        fi
        [ -d "/proc/$pid" ] || die "moto exited during start-up"
        sleep 0.05
    done
    die "moto did not answer on 127.0.0.1:$MOTO_PORT within 15 s"
}

write_pg_conf() {
    cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# ---- maip_fdw test stack ----
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$STATE'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
datestyle = 'iso, mdy'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

cmd_up() {
    local py key secret moto_pid initdb_pid load_pid dynalite_pid="" dynalite_ok=0
    py=$(find_python) || die "no python3 that can import boto3 and moto (set MAIP_TEST_PYTHON)"
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then die "PostgreSQL binaries not found in $PG_BIN"; fi
    command -v curl >/dev/null 2>&1 || die "curl is required"
    if is_root; then id postgres >/dev/null 2>&1 || die "OS user postgres does not exist"; fi

    # a previous run of ours (pid files in the state dir) goes first
    cmd_down
    port_busy "$MOTO_PORT" && die "port 127.0.0.1:$MOTO_PORT is in use by something else (set MAIP_TEST_MOTO_PORT)"
    port_busy "$PG_PORT" && die "port 127.0.0.1:$PG_PORT is in use by something else (set MAIP_TEST_PGPORT)"

    if [ -e "$STATE" ]; then
        if [ -f "$STATE/$MARKER" ] || [ -z "$(ls -A "$STATE" 2>/dev/null)" ]; then
            rm -rf "$STATE"
        else
            die "$STATE exists and is not a maip_fdw test state dir; refusing to wipe it"
        fi
    fi
    mkdir -p "$STATE"/{dump,aws,pghome}
    touch "$STATE/$MARKER"
    chmod 755 "$STATE" "$STATE/dump"
    chmod 700 "$STATE/aws" "$STATE/pghome"
    if is_root; then chown postgres:postgres "$STATE" "$STATE/aws" "$STATE/pghome"; fi
    as_pg test -w "$STATE" || die "$STATE is not writable by the postgres user (are its parents traversable?)"
    cd "$STATE"

    trap up_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 141' PIPE

    # (a) moto, verifying SigV4 after the bootstrap actions
    log "starting moto on 127.0.0.1:$MOTO_PORT"
    (close_fds; INITIAL_NO_AUTH_ACTION_COUNT=$MOTO_BOOTSTRAP_ACTIONS exec setsid "$py" -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" \
        </dev/null >"$STATE/moto.log" 2>&1) &
    moto_pid=$!
    echo "$moto_pid" >"$STATE/moto.pid"

    # an endpoint that accepts and never answers, for timeout and cancel tests
    stop_blackhole
    (close_fds; exec setsid "$py" "$ROOT/test/blackhole.py" --port "$BLACKHOLE_PORT" --lifetime "$LIFETIME" \
        </dev/null >"$STATE/blackhole.log" 2>&1) &
    echo "$!" >"$STATE/blackhole.pid"

    # the fault-injection proxy in front of moto (faults set by the tests)
    port_busy "$FAULTPROXY_PORT" && die "port 127.0.0.1:$FAULTPROXY_PORT is in use by something else (set MAIP_TEST_FAULTPROXY_PORT)"
    (close_fds; exec setsid "$py" "$ROOT/test/faultproxy.py" --port "$FAULTPROXY_PORT" \
        --upstream "http://127.0.0.1:$MOTO_PORT" --lifetime "$LIFETIME" \
        </dev/null >"$STATE/faultproxy.log" 2>&1) &
    echo "$!" >"$STATE/faultproxy.pid"

    # dynalite, the second implementation, loads in the background
    if [ "${MAIP_TEST_DYNALITE:-1}" != 0 ]; then
        if port_busy "$DYNALITE_PORT"; then
            echo "port 127.0.0.1:$DYNALITE_PORT is in use by something else (set MAIP_TEST_DYNALITE_PORT)" >"$STATE/dynalite-load.log"
            dynalite_pid=""
        else
            log "starting dynalite on 127.0.0.1:$DYNALITE_PORT"
            (start_dynalite "$py") >"$STATE/dynalite-load.log" 2>&1 &
            dynalite_pid=$!
            BG_PIDS+=("$dynalite_pid")
        fi
    fi

    # (d, part 1) initdb runs while moto starts and the fixtures load
    log "initdb"
    (cd "$STATE" && exec "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-sync \
        -E UTF8 --locale=C >"$STATE/initdb.log" 2>&1) &
    initdb_pid=$!
    BG_PIDS+=("$initdb_pid")

    wait_moto "$moto_pid"
    is_our_moto "$moto_pid" || die "moto pid $moto_pid is not the moto server"

    log "bootstrapping IAM user and access key"
    "$py" "$ROOT/test/fixtures.py" --endpoint "http://127.0.0.1:$MOTO_PORT" --region "$REGION" \
        bootstrap --expect-actions "$MOTO_BOOTSTRAP_ACTIONS" --out "$STATE/moto-key.json"
    {
        read -r key
        read -r secret
    } < <("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["access_key_id"]); print(d["secret_access_key"])' "$STATE/moto-key.json")
    if [ -z "$key" ] || [ -z "$secret" ]; then die "bootstrap produced no access key"; fi
    chmod 644 "$STATE/moto-key.json"

    export MAIP_TEST_ENDPOINT="http://127.0.0.1:$MOTO_PORT" MAIP_TEST_ACCESS_KEY="$key" \
        MAIP_TEST_SECRET_KEY="$secret" MAIP_TEST_DUMP="$STATE/dump" MAIP_TEST_REGION="$REGION"

    log "verifying that moto checks signatures"
    "$py" "$ROOT/test/fixtures.py" verify-auth --out "$STATE/auth-check.json"

    # (b)+(c) fixtures + dumps, in the background while PostgreSQL starts
    log "loading fixtures"
    (exec "$py" "$ROOT/test/fixtures.py" load --dump) >"$STATE/load.log" 2>&1 &
    load_pid=$!
    BG_PIDS+=("$load_pid")

    # ambient credentials for the server process
    umask 077
    cat >"$STATE/aws/credentials" <<EOF
[maip-test]
aws_access_key_id = $key
aws_secret_access_key = $secret

[maip-bad]
aws_access_key_id = $key
aws_secret_access_key = ${secret%????}XXXX
EOF
    cat >"$STATE/aws/config" <<EOF
[profile maip-test]
region = $REGION

[profile maip-bad]
region = $REGION
EOF
    umask 022
    if is_root; then chown postgres:postgres "$STATE/aws/credentials" "$STATE/aws/config"; fi

    # (d, part 2) PostgreSQL
    wait "$initdb_pid" || die "initdb failed"
    write_pg_conf
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    (close_fds; cd "$STATE" && as_pg env -i \
        PATH=/usr/local/bin:/usr/bin:/bin \
        HOME="$STATE/pghome" \
        LANG=C.UTF-8 \
        TZ=UTC \
        AWS_ACCESS_KEY_ID="$key" \
        AWS_SECRET_ACCESS_KEY="$secret" \
        AWS_REGION="$REGION" \
        AWS_SHARED_CREDENTIALS_FILE="$STATE/aws/credentials" \
        AWS_CONFIG_FILE="$STATE/aws/config" \
        AWS_EC2_METADATA_DISABLED=true \
        "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$STATE/pg.log" -w -t "$PG_START_TIMEOUT" -s \
        ${PG_WRAPPER:+-p "$PG_WRAPPER"} start) >/dev/null ||
        die "PostgreSQL failed to start"

    log "PostgreSQL is up; waiting for fixtures"
    wait "$load_pid" || die "loading/dumping fixtures failed (see $STATE/load.log)"
    log "fixtures loaded and dumped"
    if [ "${MAIP_TEST_DYNALITE:-1}" != 0 ]; then
        if [ -n "$dynalite_pid" ] && wait "$dynalite_pid"; then
            dynalite_ok=1
            log "dynalite loaded and dumped"
        else
            log "dynalite failed (see $STATE/dynalite-load.log)"
            stop_dynalite
        fi
    fi
    # the proxy must answer before the tests use it
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$FAULTPROXY_PORT/__fault" && break
        sleep 0.05
    done
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$FAULTPROXY_PORT/__fault" ||
        die "the fault proxy did not answer on 127.0.0.1:$FAULTPROXY_PORT (see $STATE/faultproxy.log)"

    # (e) env file
    {
        echo "# maip_fdw test stack; source this file"
        printf 'export PGHOST=%q\n' 127.0.0.1
        printf 'export PGPORT=%q\n' "$PG_PORT"
        printf 'export PGUSER=%q\n' postgres
        printf 'export MAIP_TEST_ENDPOINT=%q\n' "http://127.0.0.1:$MOTO_PORT"
        printf 'export MAIP_TEST_ACCESS_KEY=%q\n' "$key"
        printf 'export MAIP_TEST_SECRET_KEY=%q\n' "$secret"
        printf 'export MAIP_TEST_DUMP=%q\n' "$STATE/dump"
        printf 'export MAIP_TEST_STATE=%q\n' "$STATE"
        printf 'export MAIP_TEST_REGION=%q\n' "$REGION"
        printf 'export MAIP_TEST_MOTO_PORT=%q\n' "$MOTO_PORT"
        printf 'export MAIP_TEST_BLACKHOLE=%q\n' "http://127.0.0.1:$BLACKHOLE_PORT"
        printf 'export MAIP_TEST_FAULTPROXY=%q\n' "http://127.0.0.1:$FAULTPROXY_PORT"
        if [ "$dynalite_ok" = 1 ]; then
            printf 'export MAIP_TEST_DYNALITE_ENDPOINT=%q\n' "http://127.0.0.1:$DYNALITE_PORT"
            printf 'export MAIP_TEST_DYNALITE_DUMP=%q\n' "$STATE/dynalite-dump"
        elif [ "${MAIP_TEST_DYNALITE:-1}" != 0 ]; then
            printf 'export MAIP_TEST_DYNALITE_ERROR=%q\n' "$STATE/dynalite-load.log"
        fi
        printf 'export MAIP_TEST_PGPORT=%q\n' "$PG_PORT"
        printf 'export MAIP_TEST_CREDENTIALS_FILE=%q\n' "$STATE/aws/credentials"
        printf 'export MAIP_TEST_PROFILE=%q\n' maip-test
        printf 'export MAIP_TEST_BAD_PROFILE=%q\n' maip-bad
    } >"$STATE/env.tmp"
    chmod 644 "$STATE/env.tmp"
    mv "$STATE/env.tmp" "$STATE/env"

    trap - EXIT INT TERM PIPE
    log "up; source $STATE/env"
}

cmd_status() {
    local ok=0
    if [ -f "$STATE/moto.pid" ] && is_our_moto "$(cat "$STATE/moto.pid")" &&
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$MOTO_PORT/moto-api/"; then
        echo "moto: running on 127.0.0.1:$MOTO_PORT"
    else
        echo "moto: not running"
        ok=1
    fi
    if [ -f "$PGDATA_DIR/postmaster.pid" ] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
        echo "postgres: running on 127.0.0.1:$PG_PORT"
    else
        echo "postgres: not running"
        ok=1
    fi
    if [ -f "$STATE/faultproxy.pid" ] && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$FAULTPROXY_PORT/__fault"; then
        echo "faultproxy: running on 127.0.0.1:$FAULTPROXY_PORT"
    else
        echo "faultproxy: not running"
        ok=1
    fi
    if [ -f "$STATE/dynalite.pid" ] && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$DYNALITE_PORT/"; then
        echo "dynalite: running on 127.0.0.1:$DYNALITE_PORT"
    else
        echo "dynalite: not running"
    fi
    [ -f "$STATE/env" ] && echo "env: $STATE/env"
    return $ok
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
env)
    [ -f "$STATE/env" ] || die "no env file at $STATE/env (run: $0 up)"
    echo "$STATE/env"
    ;;
status) cmd_status ;;
*)
    echo "usage: $0 up|down|env|status" >&2
    exit 2
    ;;
esac
