#!/usr/bin/env bash
# bench_bindings.sh BUILD_DIR: the per-call cost of tdx_tdg_vp_info on the
# emulator from C, Python (SWIG), Python (ctypes) and Go, as ratios to C
# measured in the same run.  Needs the environments test-python.sh and
# test-go.sh leave in BUILD_DIR (run those first).  Prints; asserts nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)

ns() { grep -o '[0-9.]* ns' | head -n 1 | cut -d' ' -f1; }

c=$("$build/bench/bench_vp_info" 200000 | grep "public API" | ns)
swig=$("$build/venv-python/bin/python" "$root/bench/bench_python.py" 2>/dev/null | grep "lowlevel.tdx_tdg_vp_info" | ns)
ctypes=$(LIBTDX_PATH=$build/libtdx.so.1 PYTHONPATH=$root/bindings/ctypes python3 \
	"$root/bench/bench_ctypes.py" 2>/dev/null | grep "raw" | ns)
go=$(cd "$root/bindings/go" &&
	PKG_CONFIG_PATH=$(dirname "$(find "$build/prefix-go" -name libtdx.pc -print -quit)") \
	CGO_LDFLAGS="-Wl,-rpath,$(find "$build/prefix-go" -name 'libtdx.so.1' -printf '%h' -quit)" \
	go test -run '^$' -bench 'VPInfo' -benchtime 200000x . 2>/dev/null |
	awk '/ns\/op/ { print $3; exit }')

printf '%-28s %10s %8s\n' "tdx_tdg_vp_info on emu" "ns/call" "vs C"
for row in "C:$c" "Python (SWIG):$swig" "Python (ctypes):$ctypes" "Go (SWIG/cgo):$go"; do
	name=${row%%:*} v=${row#*:}
	if [ -n "$v" ]; then
		awk -v n="$name" -v v="$v" -v c="$c" 'BEGIN { printf "%-28s %10.1f %7.1fx\n", n, v, v / c }'
	else
		printf '%-28s %10s\n' "$name" "n/a"
	fi
done
