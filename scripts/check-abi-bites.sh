#!/usr/bin/env bash
# check-abi-bites.sh: prove the ABI gate bites.  Copies the tree, breaks
# the ABI the two ways the gate exists for (a field inserted mid-struct, a
# function removed), and expects scripts/check-abi.sh to fail on each; then
# appends a field to a sz-first struct, which the rules allow, and expects
# it to pass.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

copy() { # copy NAME: a fresh copy of the sources
	mkdir -p "$tmp/$1"
	(cd "$here" && tar -cf - --exclude=./build --exclude='./build-*' --exclude=./.git .) |
		tar -xf - -C "$tmp/$1"
	echo "$tmp/$1"
}
expect() { # expect pass|fail DESCRIPTION DIR
	local want=$1 what=$2 dir=$3 got
	if "$here/scripts/check-abi.sh" "$dir" >"$tmp/out.txt" 2>&1; then got=pass; else got=fail; fi
	if [ "$got" != "$want" ]; then
		cat "$tmp/out.txt"
		echo "check-abi-bites: $what: the gate said $got, expected $want" >&2
		exit 1
	fi
	echo "check-abi-bites: $what: the gate says $got, as it should"
}

d=$(copy mid-struct)
sed -i 's/^\tunsigned gpaw;            \/\* 48 or 52;/\tuint32_t inserted;\n&/' "$d/libtdx/include/tdx/guest.h"
grep -q "uint32_t inserted;" "$d/libtdx/include/tdx/guest.h"
expect fail "a field inserted in the middle of tdx_vp_info" "$d"

d=$(copy removed)
sed -i '/^\t\ttdx_strerror;$/d' "$d/libtdx/libtdx.map"
! grep -q "tdx_strerror;" "$d/libtdx/libtdx.map"
expect fail "tdx_strerror removed from the version script" "$d"

d=$(copy appended)
sed -i 's/^\tuint32_t tsc_khz;   \/\* 0: KVM.s default; else a multiple of 25000 \*\//&\n\tuint32_t appended;/' \
	"$d/libtdx/include/tdx/host.h"
grep -q "uint32_t appended;" "$d/libtdx/include/tdx/host.h"
expect pass "a field appended to the sz-first tdx_vm_opts" "$d"
