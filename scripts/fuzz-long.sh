#!/usr/bin/env bash
# fuzz-long.sh [SECONDS]: build the libFuzzer targets (clang) and run each
# for SECONDS (default 3600, an hour), seeded with fuzz/corpus and the real
# vectors (../shared/vectors or $TDX_VECTORS_DIR, read in place), keeping
# what they find in build/fuzz-long/corpus-NAME.  Prints, per target, the
# executions, the coverage reached and the crashes found; exit 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-3600}
jobs=$(nproc 2>/dev/null || echo 2)
build=build/fuzz-long
vectors=${TDX_VECTORS_DIR:-$(cd .. && pwd)/shared/vectors}
targets=(tdvf cpuid eventlog verify json spec state linux)
declare -A max_len=([eventlog]=1048576 [verify]=16384 [json]=16384 [spec]=512 [state]=65536 [linux]=65536)

CC=clang cmake -S . -B "$build" -G Ninja -DTDX_BUILD_FUZZ=ON -DTDX_BUILD_TOOLS=OFF \
	-DTDX_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null

found=0
printf '%-10s %12s %8s %8s %s\n' target execs cov ft crashes
for t in "${targets[@]}"; do
	corpus=$build/corpus-$t
	mkdir -p "$corpus" "$build/artifacts-$t"
	seeds=()
	[ -d "fuzz/corpus/$t" ] && seeds+=("fuzz/corpus/$t")
	[ -d "$vectors" ] && seeds+=("$vectors")
	log=$build/$t.log
	"$build/fuzz/fuzz_$t" -max_total_time="$secs" -max_len="${max_len[$t]:-4096}" \
		-print_final_stats=1 -artifact_prefix="$build/artifacts-$t/" \
		"$corpus" "${seeds[@]}" >"$log" 2>&1 || true
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
	crashes=$(find "$build/artifacts-$t" -type f | wc -l)
	printf '%-10s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
	[ "$crashes" -eq 0 ] || found=1
done
exit $found
