#!/usr/bin/env bash
# The other awks a Debian or Raspberry Pi OS host may run as `awk` (gawk, busybox's, original-awk), unpacked from
# Debian's packages for the unit tests, never installed (installing gawk would make it this machine's awk). The probe's
# awk must print the same under each as under mawk, the default (test/unit/facts/awk-implementations.test.ts).
# Usage: bash scripts/test-awks.sh [DIR]   (default $PROVISION_TEST_AWKS, else /var/cache/provision-test/awks)
set -euo pipefail
dir=${1:-${PROVISION_TEST_AWKS:-/var/cache/provision-test/awks}}
names=(gawk busybox original-awk)
ready() { for a in "${names[@]}"; do "$dir/$a/awk" 'BEGIN { exit 0 }' 2>/dev/null || return 1; done; }
if ready; then exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fetch() { apt-get download "$@" >/dev/null 2>&1; }
fetch gawk busybox original-awk || { apt-get update -qq && fetch gawk busybox original-awk; }
fetch libsigsegv2 || true # gawk's library on Debian 12; later releases may not need it
for d in ./*.deb; do dpkg-deb -x "$d" root; done

mkdir -p "$dir"
rm -rf "$dir/root"
mv root "$dir/root"
lib=$(find "$dir/root" -name 'lib*.so*' -printf '%h\n' | sort -u | tr '\n' ':')
wrap() { mkdir -p "$dir/$1"; printf '#!/bin/sh\n%s\n' "$2" > "$dir/$1/awk"; chmod 755 "$dir/$1/awk"; }
wrap gawk "LD_LIBRARY_PATH=${lib%:} exec $dir/root/usr/bin/gawk \"\$@\""
wrap busybox "exec $dir/root/bin/busybox awk \"\$@\""
wrap original-awk "exec $dir/root/usr/bin/original-awk \"\$@\""
ready || { echo "test-awks: an awk unpacked in $dir does not run" >&2; exit 1; }
echo "test-awks: ${names[*]} in $dir"
