#!/usr/bin/env bash
# bench_verify.sh BUILD_DIR: verified quotes per second, libtdx against
# github.com/google/go-tdx-guest in the same run on the same quotes (the
# v4 vectors: the release of go-tdx-guest on the module proxy reads v4 only;
# signatures and PCK chain, no collateral), from Go, as a ratio; then
# libtdx alone on all seven vectors with their collateral (bench_verify).
# Needs the Go environment test-go.sh leaves in BUILD_DIR.  Prints; asserts
# nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
export TDX_VECTORS_DIR=${TDX_VECTORS_DIR:-$root/../shared/vectors}

"$build/bench/bench_verify" 2000 || true
pc=$(dirname "$(find "$build/prefix-go" -name libtdx.pc -print -quit)")
lib=$(find "$build/prefix-go" -name 'libtdx.so.1' -printf '%h' -quit)
out=$(cd "$root/tests/peer" && PKG_CONFIG_PATH=$pc CGO_LDFLAGS="-Wl,-rpath,$lib" \
	go test -run '^$' -bench . -benchtime 1000x -benchmem -v . 2>/dev/null || true)
what=$(grep -o 'quotes: .*' <<<"$out" | head -n 1 | cut -c9-)
ours=$(awk '/^BenchmarkVerifyLibtdx/ { print $3 }' <<<"$out")
theirs=$(awk '/ns\/op/ && !/Libtdx/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "ns/op") print $i }' <<<"$out" | tail -n 1)
if [ -z "$ours" ] || [ -z "$theirs" ]; then
	echo "bench_verify.sh: skipped the comparison (no Go environment)"
	exit 0
fi
awk -v a="$ours" -v b="$theirs" -v w="$what" 'BEGIN {
	printf "from Go, %s, warm: libtdx %.0f us/quote (%.0f/s), go-tdx-guest %.0f us/quote (%.0f/s): libtdx %.1fx\n",
	       w, a / 1000, 1e9 / a, b / 1000, 1e9 / b, b / a }'
grep -h "B/op" <<<"$out" | sed 's/^/  /' | grep -v WARN || true
