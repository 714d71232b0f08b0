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

pass_sigv4=0
fail_sigv4=0
pass_wire=0
fail_wire=0

finish() {
    echo "sigv4: $pass_sigv4 passed, $fail_sigv4 failed"
    echo "wire: $pass_wire passed, $fail_wire failed"
    if [ "$fail_sigv4" -ne 0 ] || [ "$fail_wire" -ne 0 ]; then
        exit 1
    fi
    exit 0
}

# add SUITE PASSED FAILED: add to a suite's totals (sigv4 or wire)
add() {
    eval "pass_$1=\$((pass_$1 + $2))"
    eval "fail_$1=\$((fail_$1 + $3))"
}

have_vectors=1
if ! "$PYTHON" test/unit/gen_vectors.py "$tmp/vectors.txt"; then
    echo "# could not generate vectors (python3 with botocore required)"
    add sigv4 0 1
    have_vectors=0
fi

# run_build SUITE NAME "LIB_ONLY_FLAGS" "LIB_CFLAGS" "LIBS" INPUT EXTRA_CFLAGS...:
# compile src/SUITE.c (LIB_ONLY_FLAGS go to it alone) and
# test/unit/SUITE_test.c, run the test on INPUT and add up its summary
# line "SUITE: P passed, F failed".  A crash before the summary, or a
# non-zero exit after all cases passed (LeakSanitizer at exit), is a failure.
run_build() {
    suite=$1
    name=$2
    lib_only=$3
    lib_cflags=$4
    libs=$5
    input=$6
    shift 6
    label=$name
    [ "$suite" = sigv4 ] || label="$suite $name"
    bin="$tmp/${suite}_test_$name"
    # shellcheck disable=SC2086
    if ! $CC -O2 $CFLAGS_COMMON $lib_cflags $lib_only "$@" -c -o "$tmp/${suite}_$name.o" \
            "src/$suite.c" ||
       ! $CC -O2 $CFLAGS_COMMON $lib_cflags "$@" -o "$bin" \
            "test/unit/${suite}_test.c" "$tmp/${suite}_$name.o" $libs; then
        echo "# $label: build failed"
        add "$suite" 0 1
        return
    fi
    "$bin" "$input" >"$tmp/out_${suite}_$name" 2>"$tmp/err_${suite}_$name"
    rc=$?
    # the test's own summary is reported as a comment; the case lines as-is
    grep -v "^$suite: " "$tmp/out_${suite}_$name"
    cat "$tmp/err_${suite}_$name" >&2
    summary=$(grep "^$suite: " "$tmp/out_${suite}_$name" | tail -n 1)
    p=$(echo "$summary" | sed -n "s/^$suite: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
    f=$(echo "$summary" | sed -n "s/^$suite: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
    if [ -z "$p" ] || [ -z "$f" ]; then
        echo "# $label: no summary line, exit status $rc"
        p=0
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "# $label: all cases passed but exit status was $rc"
        f=1
    fi
    echo "# $label: $p passed, $f failed"
    add "$suite" "$p" "$f"
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
    run_build sigv4 plain "" "" -lcrypto "$tmp/vectors.txt"

    # allocation-failure build: every malloc/calloc/realloc in src/sigv4.c
    # goes through hooks in sigv4_test.c that can fail on demand
    run_build sigv4 allocfail \
        "-Dmalloc=sigv4_test_malloc -Dcalloc=sigv4_test_calloc -Drealloc=sigv4_test_realloc -Dfree=sigv4_test_free" \
        "" -lcrypto "$tmp/vectors.txt" -DSIGV4_TEST_ALLOC_HOOKS

    if [ "$have_asan" = 1 ]; then
        # shellcheck disable=SC2086
        run_build sigv4 asan_ubsan "" "" -lcrypto "$tmp/vectors.txt" $SANITIZE
    else
        echo "# asan_ubsan: -fsanitize=address,undefined not available, skipped"
    fi
fi

# ---- wire: src/wire.c against test/unit/wire_test.c
CJSON_CFLAGS=$(pkg-config --cflags libcjson 2>/dev/null || true)
CJSON_LIBS=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)

run_build wire plain "" "$CJSON_CFLAGS" "$CJSON_LIBS" test/fuzz/corpus/wire
run_build wire allocfail "-Dmalloc=wire_test_malloc -Dfree=wire_test_free" \
    "$CJSON_CFLAGS" "$CJSON_LIBS" test/fuzz/corpus/wire -DWIRE_TEST_ALLOC_HOOKS
if [ "$have_asan" = 1 ]; then
    # shellcheck disable=SC2086
    run_build wire asan_ubsan "" "$CJSON_CFLAGS" "$CJSON_LIBS" test/fuzz/corpus/wire $SANITIZE
else
    echo "# wire asan_ubsan: -fsanitize=address,undefined not available, skipped"
fi

finish
