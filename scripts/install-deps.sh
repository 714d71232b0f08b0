#!/usr/bin/env bash
# Install the Debian packages maip_fdw needs to build and test, and check that
# python3 has boto3 + moto (they cannot be installed from here).
# Quiet when everything is already present; apt-get update only runs when a
# package is missing.
set -euo pipefail

PACKAGES=(postgresql-15 postgresql-server-dev-15 libcurl4-openssl-dev libcjson-dev libssl-dev)

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done
command -v curl >/dev/null 2>&1 || missing+=(curl) # used by test/stack.sh

if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: need root to install: ${missing[*]}" >&2; exit 1; }
        SUDO=(sudo)
    fi
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    echo "install-deps.sh: installing ${missing[*]}" >&2
    if ! { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-deps.sh: apt-get failed" >&2
        exit 1
    fi
    for p in "${missing[@]}"; do
        installed "$p" || { echo "install-deps.sh: $p still not installed" >&2; exit 1; }
    done
fi

# python3 with boto3 and moto (pyenv's python on the test machine)
py_ok=""
for c in "${MAIP_TEST_PYTHON:-}" python3 /root/.pyenv/shims/python3 /root/.pyenv/versions/*/bin/python3; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import boto3, botocore, moto, moto.server' >/dev/null 2>&1; then
        py_ok=$c
        break
    fi
done
if [ -z "$py_ok" ]; then
    echo "install-deps.sh: no python3 that can import boto3 and moto (set MAIP_TEST_PYTHON)" >&2
    exit 1
fi
exit 0
