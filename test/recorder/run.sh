#!/usr/bin/env bash
# Run one of the helpers in test/recorder, from any working directory:
#   bash test/recorder/run.sh recorder.py start
#   bash test/recorder/run.sh awscheck.py same-items maip-dev-orders maip-restore-orders
# Interpreters are tried in the order test/stack.sh uses; a helper that
# needs a module the interpreter lacks exits with status 87 before doing
# anything, and the next interpreter is tried.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
script=$1
shift
for c in "${MAIP_TEST_PYTHON:-}" python3 /root/.pyenv/shims/python3 /root/.pyenv/versions/*/bin/python3; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || continue
    "$c" "$HERE/$script" "$@"
    rc=$?
    [ "$rc" -eq 87 ] || exit "$rc"
done
echo "test/recorder/run.sh: no python3 can run $script (set MAIP_TEST_PYTHON)" >&2
exit 1
