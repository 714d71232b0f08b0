#!/usr/bin/env bash
# Run the regression suite with every PostgreSQL process under valgrind
# memcheck, then report each error valgrind found, marking those with a
# maip_fdw frame in their stack.  Not part of .ci/run (it takes several
# minutes); run it as `make valgrind-check` or `bash test/valgrind.sh`.
#
# memcheck looks for invalid reads and writes, uses of uninitialised values,
# bad frees and overlapping copies.  Leak checking is off: PostgreSQL frees
# memory by dropping whole memory contexts, so "leaks" at exit say nothing.
# Known noise from PostgreSQL, libcurl and OpenSSL is suppressed by
# test/valgrind.supp (Debian does not ship PostgreSQL's src/tools/valgrind.supp).
#
# Its own stack (test/stack.sh) in $MAIP_TEST_STATE, default
# /tmp/maip_fdw_valgrind on ports 44100 (moto, +1 blackhole, +2 fault proxy)
# and 44432, without dynalite.  valgrind logs, one per process, go to
# $MAIP_TEST_STATE-valgrind/ (kept afterwards).
#
# Environment: VALGRIND_TESTS (default: the Makefile's REGRESS list),
# VALGRIND_OPTS (extra valgrind options), PG_CONFIG, MAIP_TEST_KEEP=1 to
# leave the stack running.
#
# Exit status: 0 when valgrind reported no error (whatever the regression
# diffs: timings under valgrind can differ), 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export MAIP_TEST_STATE=${MAIP_TEST_STATE:-/tmp/maip_fdw_valgrind}
export MAIP_TEST_MOTO_PORT=${MAIP_TEST_MOTO_PORT:-44100}
export MAIP_TEST_PGPORT=${MAIP_TEST_PGPORT:-44432}
export MAIP_TEST_DYNALITE=0
export MAIP_TEST_PG_START_TIMEOUT=${MAIP_TEST_PG_START_TIMEOUT:-300}
export MAIP_TEST_LIFETIME=${MAIP_TEST_LIFETIME:-7200}
VG_DIR=${MAIP_TEST_STATE%/}-valgrind
PG_BIN=$("$PG_CONFIG" --bindir)
T0=$(date +%s)

command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

# the same build everybody installs
make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >/dev/null
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null

rm -rf "$VG_DIR"
mkdir -p "$VG_DIR"
cp "$ROOT/test/valgrind.supp" "$VG_DIR/valgrind.supp"
cat >"$VG_DIR/postgres" <<EOF
#!/bin/sh
# pg_ctl starts this instead of postgres (test/stack.sh MAIP_TEST_PG_WRAPPER)
exec valgrind --quiet --tool=memcheck --leak-check=no --track-origins=yes \\
    --num-callers=40 --error-limit=no --read-inline-info=yes --trace-children=no \\
    --suppressions="$VG_DIR/valgrind.supp" --gen-suppressions=all \\
    --log-file="$VG_DIR/%p.log" ${VALGRIND_OPTS:-} "$PG_BIN/postgres" "\$@"
EOF
chmod 755 "$VG_DIR" "$VG_DIR/postgres"
chmod 644 "$VG_DIR/valgrind.supp"
[ "$(id -u)" = 0 ] && chown postgres "$VG_DIR"
export MAIP_TEST_PG_WRAPPER="$VG_DIR/postgres"

stack_up=0
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    if [ "$stack_up" = 1 ] && [ -z "${MAIP_TEST_KEEP:-}" ]; then
        bash "$ROOT/test/stack.sh" down || true
    fi
}
trap cleanup EXIT

echo "valgrind.sh: starting the stack with PostgreSQL under valgrind (logs in $VG_DIR)"
bash "$ROOT/test/stack.sh" up
stack_up=1
# shellcheck disable=SC1090,SC1091
source "$(bash "$ROOT/test/stack.sh" env)"
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGPASSWORD PGSSLMODE

# shellcheck disable=SC2016
tests=${VALGRIND_TESTS:-$(make -s --no-print-directory -f Makefile \
    -f <(printf 'print-regress:\n\t@echo $(REGRESS)\n') print-regress PG_CONFIG="$PG_CONFIG")}
echo "valgrind.sh: running: $tests"
rm -rf "$ROOT/results/valgrind"
rc=0
# shellcheck disable=SC2086
make installcheck PG_CONFIG="$PG_CONFIG" REGRESS="$tests" CONTRIB_TESTDB=contrib_regression_valgrind \
    EXTRA_REGRESS_OPTS="--outputdir=$ROOT/results/valgrind" 2>&1 | tee "$VG_DIR/regress.log" || rc=$?

# stop PostgreSQL so every process finishes its log
bash "$ROOT/test/stack.sh" down
stack_up=0

# ---- report
vg=0
python3 - "$VG_DIR" "$ROOT/maip_fdw.c" "$ROOT"/src/*.c <<'EOF' || vg=$?
import glob, os, re, sys
d = sys.argv[1]
our_files = {os.path.basename(a) for a in sys.argv[2:]}
errors = []          # (log, header, frames)
for log in sorted(glob.glob(os.path.join(d, "*.log"))):
    if os.path.basename(log) == "regress.log":
        continue
    block = None
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"==\d+== (.*)", line.rstrip("\n"))
            if not m:
                if block is not None:
                    errors.append(block)
                    block = None
                continue
            text = m.group(1)
            if block is None:
                if text and not text.startswith(" ") and not text.startswith("Warning"):
                    block = (log, text, [])
            elif text == "":
                errors.append(block)
                block = None
            else:
                block[2].append(text.strip())
    if block is not None:
        errors.append(block)
def is_ours(frame):
    m = re.search(r"\(([^():]+\.c):\d+\)$", frame)
    return "maip_fdw.so" in frame or (m is not None and m.group(1) in our_files)
ours = [e for e in errors if any(is_ours(f) for f in e[2])]
for log, head, frames in errors:
    tag = "OURS" if (log, head, frames) in ours else "other"
    print("---- [%s] %s: %s" % (tag, os.path.basename(log), head))
    for fr in frames[:25]:
        print("     " + fr)
print("valgrind: %d error(s) in %d process log(s); %d with a maip_fdw frame"
      % (len(errors), len({e[0] for e in errors}), len(ours)))
sys.exit(1 if errors else 0)
EOF
echo "valgrind.sh: regression under valgrind: $(grep -cE '^test .* ok|^ +[a-z_]+ +\.\.\. ok' "$VG_DIR/regress.log" || true) ok," \
    "$(grep -cE '\.\.\. FAILED' "$VG_DIR/regress.log" || true) failed (make exit $rc); took $(( $(date +%s) - T0 )) s"
exit "$vg"
