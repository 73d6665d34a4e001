#!/usr/bin/env bash
# test.sh: the whole test suite, as CI runs it.  Installs missing Debian
# packages, then builds and tests twice: a plain build, and one with
# AddressSanitizer + UndefinedBehaviorSanitizer (-fno-sanitize-recover).
# Tests that need an absent device (TDX hardware, /dev/kvm) are reported
# as skipped, with their reason.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
run() { # run BUILD_DIR CMAKE_ARGS...
	local dir=$1
	shift
	echo "=== $dir: configure, build, test" >&2
	cmake -S . -B "$dir" -G Ninja "$@"
	cmake --build "$dir" -j "$jobs"
	ctest --test-dir "$dir" -j "$jobs" --output-on-failure
	# ctest prints skipped tests in its summary; list them with their reason too.
	grep -h "^SKIP" "$dir"/Testing/Temporary/LastTest.log 2>/dev/null | sort -u || true
}

run build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo
run build/sanitize -DCMAKE_BUILD_TYPE=Debug -DTDX_SANITIZE=ON

# ThreadSanitizer over the tests that share handles between threads (each
# thread checks that it got its own answers), with races fatal.
echo "=== build/tsan: ThreadSanitizer" >&2
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTDX_TSAN=ON \
	-DTDX_BUILD_TOOLS=OFF
cmake --build build/tsan -j "$jobs" --target test_threads internal_kvm_emu internal_host_emu \
	test_errors
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	ctest --test-dir build/tsan -R '^(unit_threads|internal_kvm_emu|internal_host_emu|unit_errors)$' \
	--output-on-failure

# The bindings: ctypes (with the bad-input sweep) on both builds, the SWIG
# Python and Go bindings against the installed plain build.
echo "=== bindings" >&2
scripts/test-ctypes.sh build/test
scripts/test-ctypes.sh build/sanitize
scripts/test-python.sh build/test
scripts/test-go.sh build/test

# The ABI gate, and the proof that it bites.
echo "=== ABI gate" >&2
scripts/check-abi.sh
scripts/check-abi-bites.sh

# The fuzz targets, for a bounded time each (clang's libFuzzer).
echo "=== build/fuzz: libFuzzer targets" >&2
CC=clang cmake -S . -B build/fuzz -G Ninja -DTDX_BUILD_FUZZ=ON -DTDX_BUILD_TOOLS=OFF
cmake --build build/fuzz -j "$jobs" --target fuzz_tdvf fuzz_cpuid fuzz_eventlog fuzz_verify fuzz_json fuzz_spec fuzz_state fuzz_linux
ctest --test-dir build/fuzz -R '^fuzz_' --output-on-failure

# Per-call cost from each language, as ratios to C (printed, not asserted).
echo "=== bindings benchmark" >&2
bench/bench_bindings.sh build/test
echo "=== TD-in-a-box benchmark" >&2
build/test/bench/bench_box 500
echo "=== quote verification benchmark (libtdx and go-tdx-guest)" >&2
bench/bench_verify.sh build/test

echo "=== all tests passed (plain, sanitized, ABI gate, fuzzed)" >&2
