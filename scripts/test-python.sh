#!/usr/bin/env bash
# test-python.sh BUILD_DIR
#
# Test the Python binding the way a user gets it: install the libtdx built
# in BUILD_DIR into BUILD_DIR/prefix-python, `pip install` bindings/python
# against it (pkg-config finds it through PKG_CONFIG_PATH; the build runs
# SWIG on bindings/swig/python/tdx_python.i) into the throwaway venv
# BUILD_DIR/venv-python, then run pytest on tests/bindings/python and the
# binding's one-line check.  Use a plain (not sanitized) build: an ASan
# libtdx cannot be loaded into an uninstrumented python.
#
# Needs: python3 with venv, swig >= 4, pkg-config, a C compiler, the Python
# headers; pip fetches pytest and setuptools unless they are cached.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
if grep -q '^TDX_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	echo "$0: $build is a sanitized build; its libtdx cannot load into python: use the plain build" >&2
	exit 2
fi
prefix=$build/prefix-python
venv=$build/venv-python
src=$build/python-src
python=${PYTHON:-python3}

step() { printf '\n== %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

step "install libtdx from $build into $prefix"
rm -rf "$prefix"
run cmake --install "$build" --prefix "$prefix" >/dev/null
pcdir=$(dirname "$(find "$prefix" -name libtdx.pc -print -quit)")
export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
# The .pc keeps its configured prefix; setup.py falls back to
# --define-prefix when that has no headers.  Say which one it will see.
printf 'PKG_CONFIG_PATH=%s\n' "$PKG_CONFIG_PATH"

step "create the venv $venv"
rm -rf "$venv"
run "$python" -m venv "$venv"
vpy=$venv/bin/python
# Build without isolation so the build uses the venv's setuptools; a
# Python whose venvs lack setuptools (3.12+) gets it here with pytest, and
# wheel gives older setuptools its bdist_wheel.
run "$vpy" -m pip install --quiet --disable-pip-version-check pytest setuptools wheel

step "pip install bindings/python (SWIG at build time)"
# A copy of bindings/{python,swig}, laid out as in the tree: pip builds in
# place, and the build must not leave files in the source tree.
rm -rf "$src"
mkdir -p "$src"
cp -r "$root/bindings/python" "$src/python"
cp -r "$root/bindings/swig" "$src/swig"
run "$vpy" -m pip install --disable-pip-version-check --no-build-isolation "$src/python"

step "pytest tests/bindings/python"
# Run from outside the tree so `import tdx` is the installed package.
cd "$build"
run env -u LD_LIBRARY_PATH "$vpy" -m pytest -v -p no:cacheprovider "$root/tests/bindings/python"

step "the one-liner"
want=$(env -u LD_LIBRARY_PATH "$vpy" -c \
	'import hashlib; print(hashlib.sha384(b"libtdx emulated TD").hexdigest())')
got=$(env -u LD_LIBRARY_PATH "$vpy" -c \
	'import tdx; g = tdx.Guest("emu"); r = tdx.Report.parse(g.get_report(bytes(64))); print(r.mrtd.hex())')
echo "$got"
if [ "$got" != "$want" ]; then
	echo "FAIL: the emulated TD's MRTD is $got, expected $want" >&2
	exit 1
fi

step "Python binding: all passed"
