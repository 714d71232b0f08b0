#!/usr/bin/env bash
# Whole maip_fdw test suite:
#   scripts/install-deps.sh, make && make install (PGXS), test/stack.sh up,
#   unit tests (test/unit/run.sh, if present), make installcheck (pg_regress)
#   against the stack (moto; faults.sql goes through test/faultproxy.py), the
#   read-path regression files again against dynalite (a second DynamoDB
#   implementation; same expected files, results in results/dynalite/),
#   test/stack.sh down.
# The last line of output is always exactly "N passed, M failed" (unit +
# regression tests; a stage that fails before any test could run counts as
# one failure).  Exit status is non-zero if anything failed.
#
# Environment: PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config),
# MAIP_TEST_KEEP=1 to leave the stack running afterwards,
# MAIP_TEST_DYNALITE_TESTS the files run against dynalite (default
# "init types scan security": the read path; errors, import and admin test
# moto's IAM/auth and control plane, and pushdown's join plans depend on
# DescribeTable's ItemCount, which moto keeps exact and DynamoDB and
# dynalite do not; MAIP_TEST_DYNALITE=0 skips that stage), plus
# everything test/stack.sh understands (MAIP_TEST_STATE, MAIP_TEST_MOTO_PORT, ...).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
STATE=${MAIP_TEST_STATE:-/tmp/maip_fdw_test}
# tests run before this script (.ci/run's demo) join the tally
PASSED=${MAIP_TEST_PRIOR_PASSED:-0}
FAILED=${MAIP_TEST_PRIOR_FAILED:-0}
STACK_UP=0
DYNALITE_TESTS=${MAIP_TEST_DYNALITE_TESTS:-init types scan edges parallel security}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/maip_fdw_run.XXXXXX")

stack_down() {
    if [ "$STACK_UP" = 1 ] && [ -z "${MAIP_TEST_KEEP:-}" ]; then
        bash "$ROOT/test/stack.sh" down 9>&- || echo "run_tests.sh: stack.sh down failed" >&2
    fi
    STACK_UP=0
}

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    stack_down
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish() {
    stack_down
    if [ -n "${MAIP_TEST_KEEP:-}" ] && [ -f "$STATE/env" ]; then
        echo "stack left running (MAIP_TEST_KEEP): source $STATE/env; stop with test/stack.sh down"
    fi
    echo "$PASSED passed, $FAILED failed"
    if [ "$FAILED" -eq 0 ]; then exit 0; else exit 1; fi
}

stage_failed() { # message [log file]
    echo "run_tests.sh: $1" >&2
    if [ -n "${2:-}" ] && [ -s "$2" ]; then cat "$2"; fi
    FAILED=$((FAILED + 1))
}

# pg_regress output (file) -> "passed failed"
count_regress() {
    local rp rf rn sp sf
    # PG <= 15:  "test init                         ... ok           12 ms"
    #            "     init                         ... FAILED       12 ms"
    # PG >= 16:  "ok 1         - init                                      12 ms"
    #            "not ok 2     + init                                      12 ms"
    read -r rp rf rn sp sf < <(awk '
        /^(not )?ok [0-9]+ +[-+] / {
            if ($1 == "not" && $0 !~ /# *\(?ignored/) f++; else p++
            next
        }
        /^(test +| +)[^ ]+ +\.\.\. +(ok|FAILED|failed)/ {
            if ($0 ~ /\.\.\. +ok/ || $0 ~ /failed \(ignored\)/) p++; else f++
            next
        }
        # summaries: "All 5 tests passed." / "2 of 5 tests failed." (PG16: "# ...")
        /All [0-9]+ tests passed/ { for (i = 1; i <= NF; i++) if ($i == "All") sp = $(i + 1) }
        / of [0-9]+ tests failed/ { for (i = 1; i <= NF; i++) if ($i == "of") { sf = $(i - 1); st = $(i + 1) } }
        END {
            if (sf != "") sp = st - sf
            printf "%d %d %d %d %d\n", p, f, p + f, sp + 0, sf + 0
        }' "$1")
    if [ "$rn" -eq 0 ] && [ $((sp + sf)) -gt 0 ]; then
        rp=$sp
        rf=$sf
    fi
    echo "$rp $rf"
}

# one run at a time per state dir (same ports)
exec 9>"$STATE.lock"
if ! flock -w 900 9; then
    stage_failed "another run holds $STATE.lock"
    finish
fi

# ---- 1. dependencies
if ! bash scripts/install-deps.sh >"$WORK/deps.log" 2>&1; then
    stage_failed "scripts/install-deps.sh failed" "$WORK/deps.log"
    finish
fi
[ -x "$PG_CONFIG" ] || { stage_failed "pg_config not found at $PG_CONFIG"; finish; }

# ---- 2. build + install
BUILT=0
if make -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >"$WORK/build.log" 2>&1 &&
    make install PG_CONFIG="$PG_CONFIG" >>"$WORK/build.log" 2>&1; then
    BUILT=1
else
    stage_failed "build (make && make install) failed" "$WORK/build.log"
fi

# ---- 3. stack
if bash test/stack.sh up 9>&-; then
    STACK_UP=1
    # shellcheck disable=SC1090,SC1091
    source "$(bash test/stack.sh env)"
    unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGPASSWORD PGSSLMODE
    export PGHOST PGPORT PGUSER MAIP_TEST_ENDPOINT MAIP_TEST_ACCESS_KEY MAIP_TEST_SECRET_KEY \
        MAIP_TEST_DUMP MAIP_TEST_STATE
else
    stage_failed "test/stack.sh up failed"
fi

# ---- 4. unit tests
if [ -f test/unit/run.sh ]; then
    rc=0
    bash test/unit/run.sh 2>&1 | tee "$WORK/unit.log" || rc=$?
    # lines like "sigv4: 12 passed, 0 failed" (one per suite; summed)
    read -r up uf un < <(awk '
        match($0, /^[A-Za-z0-9_.\/-]+: [0-9]+ passed, [0-9]+ failed[[:space:]]*$/) {
            n = split($0, w, /[ ,]+/); p += w[2]; f += w[4]; c++
        }
        END { printf "%d %d %d\n", p, f, c }' "$WORK/unit.log")
    PASSED=$((PASSED + up))
    FAILED=$((FAILED + uf))
    if [ "$un" -eq 0 ]; then
        stage_failed "test/unit/run.sh printed no 'NAME: N passed, M failed' line (exit $rc)"
    elif [ "$rc" -ne 0 ] && [ "$uf" -eq 0 ]; then
        stage_failed "test/unit/run.sh exited $rc but reported no failures"
    fi
fi

# ---- 5. regression tests (pg_regress via PGXS installcheck)
if [ "$BUILT" = 1 ] && [ "$STACK_UP" = 1 ]; then
    rm -f regression.diffs regression.out
    rc=0
    make installcheck PG_CONFIG="$PG_CONFIG" 2>&1 | tee "$WORK/regress.log" || rc=$?
    read -r rp rf < <(count_regress "$WORK/regress.log")
    PASSED=$((PASSED + rp))
    FAILED=$((FAILED + rf))
    if [ "$rc" -ne 0 ] && [ "$rf" -eq 0 ]; then
        stage_failed "make installcheck exited $rc without a failed test (see output above)"
    fi
    if { [ "$rf" -gt 0 ] || [ "$rc" -ne 0 ]; } && [ -s regression.diffs ]; then
        echo "======================== regression.diffs ========================"
        cat regression.diffs
        echo "=================================================================="
    fi
fi

# ---- 6. the read-path tests again, against dynalite
if [ "$BUILT" = 1 ] && [ "$STACK_UP" = 1 ] && [ "${MAIP_TEST_DYNALITE:-1}" != 0 ]; then
    if [ -z "${MAIP_TEST_DYNALITE_ENDPOINT:-}" ]; then
        stage_failed "dynalite is not running" "${MAIP_TEST_DYNALITE_ERROR:-}"
    else
        echo "============== the read-path tests again, against dynalite =============="
        rm -rf "$ROOT/results/dynalite"
        rc=0
        MAIP_TEST_ENDPOINT=$MAIP_TEST_DYNALITE_ENDPOINT MAIP_TEST_DUMP=$MAIP_TEST_DYNALITE_DUMP \
            make installcheck PG_CONFIG="$PG_CONFIG" REGRESS="$DYNALITE_TESTS" \
            CONTRIB_TESTDB=contrib_regression_dynalite \
            EXTRA_REGRESS_OPTS="--outputdir=$ROOT/results/dynalite" 2>&1 | tee "$WORK/dynalite.log" || rc=$?
        read -r rp rf < <(count_regress "$WORK/dynalite.log")
        PASSED=$((PASSED + rp))
        FAILED=$((FAILED + rf))
        if [ "$rc" -ne 0 ] && [ "$rf" -eq 0 ]; then
            stage_failed "make installcheck against dynalite exited $rc without a failed test (see output above)"
        fi
        if { [ "$rf" -gt 0 ] || [ "$rc" -ne 0 ]; } && [ -s "$ROOT/results/dynalite/regression.diffs" ]; then
            echo "=================== regression.diffs (dynalite) =================="
            cat "$ROOT/results/dynalite/regression.diffs"
            echo "=================================================================="
        fi
    fi
fi

finish
