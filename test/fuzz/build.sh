#!/bin/sh
# build.sh - build the libFuzzer targets and run each for a bounded time.
#
#   fuzz_sigv4  src/sigv4.c: SigV4 canonicalisation and signing
#   fuzz_wire   src/wire.c: DynamoDB answers (error bodies, result pages,
#               AttributeValues) -> structs
#
#   test/fuzz/build.sh                 build both, fuzz each for
#                                      $FUZZ_SECONDS (30) seconds
#   FUZZ_SECONDS=600 test/fuzz/build.sh
#   FUZZ_TARGETS=wire test/fuzz/build.sh    only some targets
#   FUZZ_WORKDIR=/some/dir ...         keep binaries, corpora and crash files
#                                      there (default: a fresh temp dir)
#   test/fuzz/build.sh wire crash-<sha1>    build, then replay inputs on that
#                                      target only (sigv4 or wire; a first
#                                      argument that is no target name means
#                                      sigv4, as before there were two)
#   CJSON_SRC=/path/to/cJSON ...      compile cJSON.c and cJSON.h from that
#                                      source directory into fuzz_wire, with
#                                      the same instrumentation, instead of
#                                      linking the system libcjson: coverage
#                                      then guides the fuzzer through cJSON's
#                                      parser too, and ASan sees cJSON's own
#                                      reads (the system library is not
#                                      instrumented)
#   `make fuzz` runs the first form.
#
# Built with clang -g -O1 -fsanitize=fuzzer,address,undefined and
# -fno-sanitize-recover=undefined, so undefined behaviour aborts like a
# memory error instead of printing a warning and carrying on.  Exit status
# is 0 when every target's time ran out without finding anything; a crash
# input is left in <work dir>/artifacts/<target>/ (add it to the unit tests
# as a regression case once fixed).

set -eu

# work from the repository root whatever the caller's cwd
cd "$(dirname "$0")/../.."

CLANG=${CLANG:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TARGETS=${FUZZ_TARGETS:-sigv4 wire}

if [ -n "${FUZZ_WORKDIR:-}" ]; then
    work=$FUZZ_WORKDIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_maip.XXXXXX")
fi

if [ -n "${CJSON_SRC:-}" ]; then
    # src/wire.h includes <cjson/cJSON.h>: give it the source tree's header
    mkdir -p "$work/cjson-include/cjson"
    cp "$CJSON_SRC/cJSON.h" "$work/cjson-include/cjson/cJSON.h"
    CJSON_CFLAGS="-I$work/cjson-include"
    CJSON_LIBS="$CJSON_SRC/cJSON.c"
else
    CJSON_CFLAGS=$(pkg-config --cflags libcjson 2>/dev/null || true)
    CJSON_LIBS=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
fi

replay_target=
if [ $# -gt 0 ]; then
    case $1 in
        sigv4 | wire)
            replay_target=$1
            shift
            ;;
        *) replay_target=sigv4 ;;
    esac
    FUZZ_TARGETS=$replay_target
fi

CFLAGS_FUZZ="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

build() { # target
    case $1 in
        sigv4)
            # shellcheck disable=SC2086
            "$CLANG" $CFLAGS_FUZZ -o "$work/fuzz_sigv4" \
                test/fuzz/fuzz_sigv4.c src/sigv4.c -lcrypto
            ;;
        wire)
            # shellcheck disable=SC2086
            "$CLANG" $CFLAGS_FUZZ $CJSON_CFLAGS -o "$work/fuzz_wire" \
                test/fuzz/fuzz_wire.c src/wire.c $CJSON_LIBS
            ;;
        *)
            echo "build.sh: unknown target \"$1\" (sigv4, wire)" >&2
            exit 2
            ;;
    esac
    echo "fuzz_$1: built $work/fuzz_$1"
}

for t in $FUZZ_TARGETS; do
    build "$t"
done

UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export UBSAN_OPTIONS

if [ -n "$replay_target" ]; then
    # replay given inputs (e.g. a crash file) instead of fuzzing
    exec "$work/fuzz_$replay_target" "$@"
fi

# Seeds for fuzz_sigv4, shaped like real requests so the fuzzer starts past
# the validation checks: flags, small outlen, max headers, then
# NUL-separated method, path, query, region, service, access key, secret,
# date, headers, and the body.
seed() {
    # shellcheck disable=SC2059  # the seeds are written as printf escapes
    printf "$2" >"$work/corpus/sigv4/$1"
}
mkdir -p "$work/corpus/sigv4" "$work/corpus/wire"
seed ddb_scan '\001\100\004POST\000/\000\000us-east-1\000dynamodb\000AKID\000secret\00020261125T101112Z\000host\000127.0.0.1:45100\000content-type\000application/x-amz-json-1.0\000x-amz-target\000DynamoDB_20120810.Scan\000x-amz-date\00020261125T101112Z\000{"TableName":"t"}'
seed query_path '\000\040\003GET\000/a b/./../c//d%%20\000a=b c&z=1&A=~x&&q=%%zz&r\000eu-west-1\000service\000AK\000SK\00020240229T235959Z\000Host\000  a   b  \000X-Dup\000one\000x-dup\000 two \000'
seed unsigned '\005\000\002put\000\000\000r\000s\000\000\00019700101T000000Z\000x-amz-content-sha256\000UNSIGNED-PAYLOAD\000HOST\000h\000body'

# Seeds for fuzz_wire: answers captured from moto and dynalite (Scan, Query,
# GetItem, BatchGetItem, JSON and XML errors), copied so that the files
# libFuzzer adds go to the work dir, never into the repository; its
# dictionary is test/fuzz/wire.dict.
cp test/fuzz/corpus/wire/* "$work/corpus/wire/"

status=0
for t in $FUZZ_TARGETS; do
    mkdir -p "$work/artifacts/$t"
    echo "fuzz_$t: fuzzing for ${FUZZ_SECONDS}s, work dir $work"
    dict=
    if [ -f "test/fuzz/$t.dict" ]; then
        dict="-dict=test/fuzz/$t.dict"
    fi
    rc=0
    # shellcheck disable=SC2086  # $dict is one word or none
    "$work/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 $dict \
        -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t" || rc=$?
    echo "fuzz_$t: finished with status $rc (work dir $work)"
    if [ "$rc" -ne 0 ]; then
        status=$rc
    fi
done
exit $status
