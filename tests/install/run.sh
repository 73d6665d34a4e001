#!/usr/bin/env bash
# run.sh BUILD_DIR pkgconfig|cmake [EXTRA_CFLAGS]
#
# Install the build into a temporary prefix, then build the three-line
# program hello.c against it the way a user would: with the flags from
# `pkg-config --cflags --libs libtdx`, or from a CMake project that calls
# find_package(libtdx 1 CONFIG).  It must print the library's version.
set -euo pipefail
build=$1 how=$2 extra=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
want=$(sed -n 's/^#define TDX_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/tdx/version.h")

case "$how" in
pkgconfig)
	pcdir=$(dirname "$(find "$prefix" -name libtdx.pc)")
	# The .pc names its configured prefix; point it at the temporary one.
	pc() { PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$prefix" "$@" libtdx; }
	libdir=$(pc --variable=libdir)
	# shellcheck disable=SC2046,SC2086
	cc -std=c11 -Wall -Wextra -Werror $extra "$here/hello.c" -o "$tmp/hello" \
		$(pc --cflags --libs) -Wl,-rpath,"$libdir"
	;;
cmake)
	# shellcheck disable=SC2086
	cmake -S "$here/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
		-DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" >"$tmp/configure.log"
	cmake --build "$tmp/consumer" >"$tmp/build.log"
	cp "$tmp/consumer/hello" "$tmp/hello"
	;;
*)
	echo "usage: $0 BUILD_DIR pkgconfig|cmake [EXTRA_CFLAGS]" >&2
	exit 2
	;;
esac

got=$("$tmp/hello")
if [ "$got" != "$want" ]; then
	echo "installed program printed '$got', expected '$want'" >&2
	exit 1
fi
echo "$how: built against $prefix, printed $got"
