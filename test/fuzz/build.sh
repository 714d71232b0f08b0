#!/bin/sh
# build.sh - build the libFuzzer target for src/sigv4.c and run it.
#
#   test/fuzz/build.sh                 build, then fuzz for $FUZZ_SECONDS (30)
#   FUZZ_SECONDS=600 test/fuzz/build.sh
#   FUZZ_WORKDIR=/some/dir ...         keep binary, corpus and crash files
#                                      there (default: a fresh temp dir)
#   test/fuzz/build.sh crash-<sha1>    build, then replay that input only
#
# Built with clang -g -O1 -fsanitize=fuzzer,address,undefined and
# -fno-sanitize-recover=undefined, so undefined behaviour aborts like a
# memory error instead of printing a warning and carrying on.  Exit status
# is libFuzzer's: 0 when the time ran out without finding anything.

set -eu

# work from the repository root whatever the caller's cwd
cd "$(dirname "$0")/../.."
root=$(pwd)

CLANG=${CLANG:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

if [ -n "${FUZZ_WORKDIR:-}" ]; then
    work=$FUZZ_WORKDIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_sigv4.XXXXXX")
fi
mkdir -p "$work/corpus" "$work/artifacts"

"$CLANG" -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o "$work/fuzz_sigv4" test/fuzz/fuzz_sigv4.c src/sigv4.c -lcrypto
echo "fuzz_sigv4: built $work/fuzz_sigv4"

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $# -gt 0 ]; then
    # replay given inputs (e.g. a crash file) instead of fuzzing
    exec "$work/fuzz_sigv4" "$@"
fi

# A few seeds shaped like real requests so the fuzzer starts past the
# validation checks: flags, small outlen, max headers, then NUL-separated
# method, path, query, region, service, access key, secret, date, headers,
# and the body.
seed() {
    printf "$2" >"$work/corpus/$1"
}
seed ddb_scan '\001\100\004POST\000/\000\000us-east-1\000dynamodb\000AKID\000secret\00020261125T101112Z\000host\000127.0.0.1:45100\000content-type\000application/x-amz-json-1.0\000x-amz-target\000DynamoDB_20120810.Scan\000x-amz-date\00020261125T101112Z\000{"TableName":"t"}'
seed query_path '\000\040\003GET\000/a b/./../c//d%%20\000a=b c&z=1&A=~x&&q=%%zz&r\000eu-west-1\000service\000AK\000SK\00020240229T235959Z\000Host\000  a   b  \000X-Dup\000one\000x-dup\000 two \000'
seed unsigned '\005\000\002put\000\000\000r\000s\000\000\00019700101T000000Z\000x-amz-content-sha256\000UNSIGNED-PAYLOAD\000HOST\000h\000body'

echo "fuzz_sigv4: fuzzing for ${FUZZ_SECONDS}s, work dir $work"
status=0
"$work/fuzz_sigv4" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" || status=$?
echo "fuzz_sigv4: finished with status $status (work dir $work)"
exit $status
