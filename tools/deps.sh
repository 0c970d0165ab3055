#!/usr/bin/env bash
# tools/deps.sh - install the Debian packages a make target needs, if any are missing.
#
# Usage: tools/deps.sh build|run|check|bench
# Checks each package with dpkg-query; installs only the missing ones with
# apt-get (as root).  Not root and something missing: prints the command to run.
set -euo pipefail

build_pkgs="meson ninja-build pkg-config gcc python3 libmicrohttpd-dev libjansson-dev
libsqlite3-dev libpq-dev libsodium-dev liboath-dev libssl-dev libgmime-3.0-dev
libgpgme-dev libgcrypt20-dev libcurl4-openssl-dev libmagic-dev libzip-dev gnupg
libcmark-gfm-dev libcmark-gfm-extensions-dev"
check_pkgs="$build_pkgs clang libclang-rt-14-dev libcmocka-dev postgresql-15
postgresql-client-15 curl python3-aiosmtpd python3-jsonschema
chromium nodejs fonts-wqy-microhei"
bench_pkgs="$build_pkgs wrk curl chromium nodejs fonts-wqy-microhei"

case "${1:-}" in
    build|run) want=$build_pkgs ;;
    check) want=$check_pkgs ;;
    bench) want=$bench_pkgs ;;
    -h|--help|"") echo "usage: tools/deps.sh build|run|check|bench"; exit 0 ;;
    *) echo "tools/deps.sh: unknown target '$1'" >&2; exit 2 ;;
esac

missing=()
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done
# the browser tests (tests/ui) need npm: Debian's package, unless the nodejs installed
# already brings it (NodeSource's nodejs includes npm and conflicts with Debian's)
if [[ $want == "$check_pkgs" ]] && ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# the package lists of a fresh machine may be empty or stale: refresh once if needed
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
