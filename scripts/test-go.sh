#!/usr/bin/env bash
# test-go.sh BUILD_DIR: test the Go binding (bindings/go) against the
# libtdx built in BUILD_DIR, as CI runs it:
#   1. install BUILD_DIR into BUILD_DIR/prefix-go;
#   2. scripts/regen-go.sh --check (the committed SWIG output is current);
#   3. go vet and go test in bindings/go, finding libtdx through pkg-config
#      only (plus LD_LIBRARY_PATH to run the test binaries);
#   4. a Go program outside the repository, with its own go.mod requiring
#      the module through a replace directive, built with `go build` and
#      run: what a user of the binding does.
# No network: the module has no requirements (GOPROXY=off).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
	echo "usage: $0 BUILD_DIR (a configured and built libtdx build directory)" >&2
	exit 2
fi
if ! command -v go >/dev/null; then
	echo "test-go: needs Go >= 1.19 with cgo (Debian: golang-go) and a C compiler" >&2
	exit 1
fi
build=$(cd "$1" && pwd)
prefix=$build/prefix-go
work=$build/go-test
mkdir -p "$work"

echo "=== go: $(go version); install libtdx into $prefix" >&2
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name libtdx.pc -path '*/pkgconfig/*' | head -1)
[ -n "$pc" ] || { echo "test-go: no libtdx.pc under $prefix" >&2; exit 1; }

# The .pc names the prefix the build was configured with; --define-prefix
# derives it from the file's location instead (libtdx.pc keeps its paths
# relative to ${prefix} for this).  cgo runs $PKG_CONFIG as one program.
cat >"$work/pkg-config" <<'EOF'
#!/bin/sh
exec pkg-config --define-prefix "$@"
EOF
chmod +x "$work/pkg-config"
export PKG_CONFIG=$work/pkg-config
export PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
libdir=$("$PKG_CONFIG" --variable=libdir libtdx)
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export GOPATH=$work/gopath GOCACHE=$work/gocache GOFLAGS=-mod=mod GOPROXY=off \
	GOTOOLCHAIN=local CGO_ENABLED=1
unset LIBTDX_BACKEND # the tests choose their backends explicitly

echo "=== go: scripts/regen-go.sh --check" >&2
LIBTDX_INCLUDEDIR=$("$PKG_CONFIG" --variable=includedir libtdx) scripts/regen-go.sh --check

echo "=== go: go vet" >&2
cd "$root/bindings/go"
# SWIG's runtime code may trip the unsafeptr check in the generated
# tdx.go; that is tolerated there and nowhere else.
vet_out=$(go vet ./... 2>&1) || true
vet_bad=$(printf '%s\n' "$vet_out" | grep -v -e '^#' -e '^$' |
	grep -v -E '^(\./)?tdx\.go:[0-9]+:[0-9]+: possible misuse of unsafe\.Pointer$' || true)
if [ -n "$vet_bad" ]; then
	printf '%s\n' "$vet_out" >&2
	echo "test-go: go vet failed" >&2
	exit 1
fi

echo "=== go: go test" >&2
go test -count=1 ./...
# The error record is copied on the failing thread: check it under the
# race detector with goroutines moving between threads.
go test -count=1 -race -run 'Concurrent|Closed' ./...
# Benchmarks compile and run (timings are for bench comparisons, not here).
go test -count=1 -run '^$' -bench . -benchtime 100x ./... >/dev/null

echo "=== go: cross-check with github.com/google/go-tdx-guest (tests/peer)" >&2
# The peer comes from the Go module proxy (go.sum pins it).
(cd "$root/tests/peer" && GOPROXY=https://proxy.golang.org,direct go test -count=1 -v . 2>&1 |
	{ grep -v '^WARN' || true; })

echo "=== go: a program outside the repository, through pkg-config" >&2
consumer=$(mktemp -d "${TMPDIR:-/tmp}/libtdx-go-consumer.XXXXXX")
trap 'rm -rf "$consumer"' EXIT
cat >"$consumer/go.mod" <<EOF
module example.com/tdxconsumer

go 1.19

require github.com/libtdx/libtdx/bindings/go v0.0.0

replace github.com/libtdx/libtdx/bindings/go => $root/bindings/go
EOF
cat >"$consumer/main.go" <<'EOF'
// A user's program: a report from an emulated TD, checked.
package main

import (
	"bytes"
	"fmt"
	"os"

	tdx "github.com/libtdx/libtdx/bindings/go"
)

func main() {
	g, err := tdx.OpenGuest("emu")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer g.Close()
	data := bytes.Repeat([]byte{0xa5}, tdx.ReportDataSize)
	raw, err := g.GetReport(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := tdx.ParseReport(raw)
	if err != nil || !bytes.Equal(r.ReportData(), data) {
		fmt.Fprintln(os.Stderr, "report does not bind the data:", err)
		os.Exit(1)
	}
	fmt.Printf("libtdx %s: report of %d bytes, MRTD %x\n", tdx.Version(), len(raw), r.MRTD())
}
EOF
(cd "$consumer" && go build -o consumer . && ./consumer)

echo "=== go: all Go binding checks passed" >&2
