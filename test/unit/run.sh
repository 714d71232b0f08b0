#!/bin/sh
# run.sh - build and run the C unit tests: SigV4 (src/sigv4.c) against
# botocore-generated vectors, then the response parsers (src/wire.c).
#
# SigV4:
#   1. generate vectors with test/unit/gen_vectors.py (needs python3 +
#      botocore);
#   2. build test/unit/sigv4_test.c + src/sigv4.c with
#      cc -O2 -Wall -Wextra -Werror -std=c99 and run it on the vectors;
#   3. build again with src/sigv4.c's malloc/calloc/realloc/free routed
#      through failure-injecting hooks in sigv4_test.c, which adds a case
#      that fails every allocation in turn (error paths: -1, no leaks);
#   4. if this toolchain can build with -fsanitize=address,undefined, build
#      again that way and run the same vectors (catches overflows and leaks
#      that happen to give the right answer in the plain build).
#
# wire (test/unit/wire_test.c, needs cJSON): the same three builds - plain,
# allocation failures (src/wire.c's malloc/free and cJSON's hooks routed
# through failure-injecting hooks in wire_test.c), and ASan+UBSan - each
# run on the captured answers in test/fuzz/corpus/wire and the built-in
# cases.
#
# Everything is built in a temporary directory so the work tree stays clean.
# Per-build summaries are printed as "# <build>: ..."; the last two lines
# are always the combined "sigv4: P passed, F failed" and "wire: P passed,
# F failed" (test/run_tests.sh adds up every such line); the exit status is
# non-zero if anything failed or could not be built.
#
# Environment: CC (default cc), PYTHON (default python3).

set -u

# work from the repository root whatever the caller's cwd
cd "$(dirname "$0")/../.." || exit 1

CC=${CC:-cc}
PYTHON=${PYTHON:-python3}
CFLAGS_COMMON="-Wall -Wextra -Werror -std=c99 -pedantic"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sigv4_test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

total_pass=0
total_fail=0

wire_pass=0
wire_fail=0

finish() {
    echo "sigv4: $total_pass passed, $total_fail failed"
    echo "wire: $wire_pass passed, $wire_fail failed"
    if [ "$total_fail" -ne 0 ] || [ "$wire_fail" -ne 0 ]; then
        exit 1
    fi
    exit 0
}

have_vectors=1
if ! "$PYTHON" test/unit/gen_vectors.py "$tmp/vectors.txt"; then
    echo "# could not generate vectors (python3 with botocore required)"
    total_fail=$((total_fail + 1))
    have_vectors=0
fi

# run_build NAME "SIGV4_ONLY_FLAGS" EXTRA_CFLAGS...: compile (the second
# argument goes to src/sigv4.c only), run on the vectors, add up results
run_build() {
    name=$1
    lib_flags=$2
    shift 2
    bin="$tmp/sigv4_test_$name"
    # shellcheck disable=SC2086
    if ! $CC -O2 $CFLAGS_COMMON $lib_flags "$@" -c -o "$tmp/sigv4_$name.o" \
            src/sigv4.c ||
       ! $CC -O2 $CFLAGS_COMMON "$@" -o "$bin" \
            test/unit/sigv4_test.c "$tmp/sigv4_$name.o" -lcrypto; then
        echo "# $name: build failed"
        total_fail=$((total_fail + 1))
        return
    fi
    "$bin" "$tmp/vectors.txt" >"$tmp/out_$name" 2>"$tmp/err_$name"
    rc=$?
    # the test's own summary is reported as a comment; the case lines as-is
    grep -v '^sigv4: ' "$tmp/out_$name"
    cat "$tmp/err_$name" >&2
    summary=$(grep '^sigv4: ' "$tmp/out_$name" | tail -n 1)
    p=$(echo "$summary" | sed -n 's/^sigv4: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$summary" | sed -n 's/^sigv4: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ] || [ -z "$f" ]; then
        # crashed (e.g. a sanitizer abort) before printing its summary
        echo "# $name: no summary line, exit status $rc"
        p=0
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # e.g. LeakSanitizer reporting at exit after all cases passed
        echo "# $name: all cases passed but exit status was $rc"
        f=1
    fi
    echo "# $name: $p passed, $f failed"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

# sanitizer builds, only if the toolchain supports them here
echo 'int main(void) { return 0; }' >"$tmp/probe.c"
have_asan=0
if $CC -fsanitize=address,undefined -o "$tmp/probe" "$tmp/probe.c" \
        >/dev/null 2>&1 && "$tmp/probe"; then
    have_asan=1
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export ASAN_OPTIONS UBSAN_OPTIONS
fi
SANITIZE="-g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

if [ "$have_vectors" = 1 ]; then
    run_build plain ""

    # allocation-failure build: every malloc/calloc/realloc in src/sigv4.c
    # goes through hooks in sigv4_test.c that can fail on demand
    run_build allocfail \
        "-Dmalloc=sigv4_test_malloc -Dcalloc=sigv4_test_calloc -Drealloc=sigv4_test_realloc -Dfree=sigv4_test_free" \
        -DSIGV4_TEST_ALLOC_HOOKS

    if [ "$have_asan" = 1 ]; then
        # shellcheck disable=SC2086
        run_build asan_ubsan "" $SANITIZE
    else
        echo "# asan_ubsan: -fsanitize=address,undefined not available, skipped"
    fi
fi

# ---- wire: src/wire.c against test/unit/wire_test.c
CJSON_CFLAGS=$(pkg-config --cflags libcjson 2>/dev/null || true)
CJSON_LIBS=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)

# run_wire_build NAME "WIRE_ONLY_FLAGS" EXTRA_CFLAGS...: like run_build
run_wire_build() {
    name=$1
    lib_flags=$2
    shift 2
    bin="$tmp/wire_test_$name"
    # shellcheck disable=SC2086
    if ! $CC -O2 $CFLAGS_COMMON $CJSON_CFLAGS $lib_flags "$@" -c \
            -o "$tmp/wire_$name.o" src/wire.c ||
       ! $CC -O2 $CFLAGS_COMMON $CJSON_CFLAGS "$@" -o "$bin" \
            test/unit/wire_test.c "$tmp/wire_$name.o" $CJSON_LIBS; then
        echo "# wire $name: build failed"
        wire_fail=$((wire_fail + 1))
        return
    fi
    "$bin" test/fuzz/corpus/wire >"$tmp/wout_$name" 2>"$tmp/werr_$name"
    rc=$?
    grep -v '^wire: ' "$tmp/wout_$name"
    cat "$tmp/werr_$name" >&2
    summary=$(grep '^wire: ' "$tmp/wout_$name" | tail -n 1)
    p=$(echo "$summary" | sed -n 's/^wire: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$summary" | sed -n 's/^wire: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ] || [ -z "$f" ]; then
        echo "# wire $name: no summary line, exit status $rc"
        p=0
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "# wire $name: all cases passed but exit status was $rc"
        f=1
    fi
    echo "# wire $name: $p passed, $f failed"
    wire_pass=$((wire_pass + p))
    wire_fail=$((wire_fail + f))
}

run_wire_build plain ""
run_wire_build allocfail "-Dmalloc=wire_test_malloc -Dfree=wire_test_free" \
    -DWIRE_TEST_ALLOC_HOOKS
if [ "$have_asan" = 1 ]; then
    # shellcheck disable=SC2086
    run_wire_build asan_ubsan "" $SANITIZE
else
    echo "# wire asan_ubsan: -fsanitize=address,undefined not available, skipped"
fi

finish
