#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The ctypes binding's tests (tests/bindings/ctypes: the declarations against
# the ABI, the guest and host flows on the emulator, the bad-input sweep of
# every exported function) against the libtdx.so.1 in BUILD_DIR.
#
# usage: scripts/test-ctypes.sh BUILD_DIR [PYTEST_ARGS...]
#
# A sanitizer build (-DTDX_SANITIZE=ON: libtdx.so.1 linked against libasan)
# is recognised and Python runs with the ASan and UBSan runtimes preloaded
# (Python is not built with them), leak detection off (Python leaks by
# design), and any ASan report or UBSan runtime error fatal (abort).  While the
# sweep runs, $TDX_SWEEP_TRACE holds the call in progress, so a crash is
# pinned on one call.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [PYTEST_ARGS...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
shift
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$build/libtdx.so.1

if [ ! -e "$lib" ]; then
	echo "$0: $lib not found; build libtdx first" >&2
	exit 2
fi

trace=$(mktemp "${TMPDIR:-/tmp}/tdx-sweep-trace.XXXXXX")
trap 'rm -f "$trace"' EXIT INT TERM

set -- -p no:cacheprovider --capture=sys -q -rfEX "$root/tests/bindings/ctypes" "$@"

if ldd "$lib" | grep -q libasan; then
	cc=${CC:-gcc}
	asan=$($cc -print-file-name=libasan.so)
	ubsan=$($cc -print-file-name=libubsan.so)
	for f in "$asan" "$ubsan"; do
		if [ ! -e "$f" ]; then
			echo "$0: $lib is an ASan build but $cc has no $f" >&2
			exit 2
		fi
	done
	echo "test-ctypes: sanitizer build ($lib): preloading $asan and $ubsan"
	kind=asan
else
	echo "test-ctypes: plain build ($lib)"
	kind=plain
fi

rc=0
if [ "$kind" = asan ]; then
	env LD_PRELOAD="$asan:$ubsan" \
	    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
	    LIBTDX_PATH="$lib" PYTHONPATH="$root/bindings/ctypes${PYTHONPATH:+:$PYTHONPATH}" \
	    TDX_SWEEP_TRACE="$trace" PYTHONDONTWRITEBYTECODE=1 \
	    python3 -m pytest "$@" || rc=$?
else
	env LIBTDX_PATH="$lib" PYTHONPATH="$root/bindings/ctypes${PYTHONPATH:+:$PYTHONPATH}" \
	    TDX_SWEEP_TRACE="$trace" PYTHONDONTWRITEBYTECODE=1 \
	    python3 -m pytest "$@" || rc=$?
fi

# The sweep writes "NAME: CASE" before each call and appends "(returned)"
# when the call is over: without it, the process died inside that call.
if [ "$rc" -ne 0 ] && [ -s "$trace" ] && ! grep -q '(returned)$' "$trace"; then
	echo "test-ctypes: the process died (exit $rc) inside the sweep call $(cat "$trace")" >&2
fi
exit "$rc"
