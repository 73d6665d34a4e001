#!/usr/bin/env bash
# install-deps.sh: install the Debian packages libtdx needs to build and
# test, if any is missing.  Needs root (or sudo) only when it installs.
set -euo pipefail

packages=(
	build-essential cmake ninja-build pkg-config python3
	libssl-dev        # libcrypto: SHA-384, HMAC, ECDSA, X.509
	libcunit1-dev     # unit tests
	libffi-dev        # ABI conformance tests
	clang libclang-rt-14-dev # libFuzzer targets (fuzz/)
	abigail-tools     # the ABI gate (abidw, abidiff)
	swig              # the Python and Go bindings
	libfuse3-dev fuse3 # tdx-fakefs, the fake TDX guest kernel (tools/fakefs.c)
)

# Go: any go on PATH will do (the machine's own is preferred to Debian's).
command -v go >/dev/null || packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps: need root to install ${missing[*]}; run as root or install them" >&2
		exit 1
	}
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
