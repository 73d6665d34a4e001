#!/usr/bin/env bash
# check-abi.sh [SRC_DIR]: the ABI gate.  Builds SRC_DIR (default: this tree)
# as the baseline was built and compares it with abi-dumps/libtdx.so.1.abi
# using abidiff.  ANY non-zero abidiff status fails: real breaks (a moved
# field, a new parameter) come back as 4, not 8.  Added symbols fail too,
# until the baseline is regenerated with the CHANGELOG entry that adds them.
# Only tail-appends to the sz-first structs are allowed (libtdx.abignore).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$("$here/scripts/abi-build.sh" "$src" "$tmp")
set +e
abidiff --suppressions "$here/abi-dumps/libtdx.abignore" \
	--headers-dir1 "$tmp/stage/include/tdx" --headers-dir2 "$tmp/stage/include/tdx" \
	"$here/abi-dumps/libtdx.so.1.abi" "$lib" >"$tmp/abidiff.txt"
status=$?
set -e
if [ "$status" -ne 0 ]; then
	cat "$tmp/abidiff.txt"
	echo "check-abi: abidiff exit $status: the ABI differs from abi-dumps/libtdx.so.1.abi." >&2
	echo "check-abi: if that is intended, run scripts/update-abi-baseline.sh and commit the" >&2
	echo "check-abi: baseline with a CHANGELOG entry (Added with its node, or ABI-tagged)." >&2
	exit 1
fi

# The baseline changes only together with the CHANGELOG (in a git checkout).
if git -C "$here" rev-parse --git-dir >/dev/null 2>&1; then
	for c in $(git -C "$here" log --format=%H -- abi-dumps/libtdx.so.1.abi); do
		if ! git -C "$here" show --name-only --format= "$c" | grep -qx CHANGELOG.md; then
			echo "check-abi: commit $c changes the ABI baseline without a CHANGELOG entry" >&2
			exit 1
		fi
	done
fi
echo "check-abi: the ABI matches abi-dumps/libtdx.so.1.abi"
