#!/usr/bin/env bash
# check-symbols.sh LIB MAP HEADER_DIR...
#
# The exported surface of LIB must be exactly what the public headers
# declare with TDX_API and the version script lists:
#   - every dynamic symbol LIB defines starts with tdx_ and is bound to a
#     LIBTDX_<major>.<minor> node (tdx_x@@LIBTDX_1.0);
#   - the set exported == the set listed in MAP == the set declared with
#     TDX_API in HEADER_DIR/**/*.h;
#   - the SONAME is libtdx.so.<major of the newest node>.
# Exits 1 listing every violation.
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 LIB MAP HEADER_DIR..." >&2
	exit 2
fi
lib=$1 map=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
complain() { echo "check-symbols: $*" >&2; bad=1; }

# Defined dynamic symbols with their versions (skip the node symbols
# themselves, which are ABS entries named after the node).
readelf --dyn-syms -W "$lib" |
	awk '$1 ~ /^[0-9]+:$/ && $7 != "UND" && $8 != "" && $5 != "LOCAL" && $4 != "SECTION" && $4 != "FILE" { print $8 }' |
	grep -v '^LIBTDX_[0-9A-Z_.]*$' | sort -u >"$tmp/dynsyms" || true
sed 's/@.*//' "$tmp/dynsyms" | sort -u >"$tmp/exported"

while read -r s; do
	case "$s" in
	tdx_*@@LIBTDX_[0-9]*.[0-9]*) ;;
	tdx_*) complain "$s is not bound to a LIBTDX_<major>.<minor> node (add it to the map)" ;;
	*) complain "$s is exported but does not start with tdx_ (hide it, or rename it tdx_*)" ;;
	esac
done <"$tmp/dynsyms"

grep -oE '^[[:space:]]+[A-Za-z_][A-Za-z0-9_]*;' "$map" | tr -d ' \t;' | sort -u >"$tmp/mapped"

# Declarations only: drop preprocessor lines and comments first.
find "$@" -name '*.h' -print0 | xargs -0 cat | grep -v '^[[:space:]]*#' |
	perl -0pe 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g' | tr '\n' ' ' |
	grep -oE 'TDX_API[^;{}]*\(' | grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\($' |
	tr -d ' \t(' | sort -u >"$tmp/declared"

comm -23 "$tmp/exported" "$tmp/declared" | while read -r s; do
	complain "$s is exported but no public header declares it with TDX_API"
done
comm -13 "$tmp/exported" "$tmp/declared" | while read -r s; do
	complain "$s is declared with TDX_API but not exported (missing from $map?)"
done
comm -13 "$tmp/exported" "$tmp/mapped" | while read -r s; do
	complain "$s is listed in $map but the library does not define it"
done
# The while-loops above run in subshells; recount their findings.
if [ -n "$(comm -3 "$tmp/exported" "$tmp/declared")" ] ||
	[ -n "$(comm -13 "$tmp/exported" "$tmp/mapped")" ]; then
	bad=1
fi

top=$(grep -oE '^LIBTDX_[0-9]+\.[0-9]+' "$map" | tail -n 1)
major=${top#LIBTDX_}
major=${major%%.*}
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libtdx.so.$major" ] || complain "SONAME is '$soname', expected libtdx.so.$major"

if [ "$bad" -ne 0 ]; then
	exit 1
fi
echo "check-symbols: $(wc -l <"$tmp/exported") symbols, all tdx_*, versioned, declared with TDX_API; SONAME $soname"
