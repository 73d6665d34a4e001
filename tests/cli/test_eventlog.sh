#!/usr/bin/env bash
# test_eventlog.sh TDX: `tdx eventlog` on the CCEL vectors: replay, --check
# against the paired quote (exit 0) and against a non-matching report
# (exit 1, MISMATCH with both values), JSON, and failures.
set -euo pipefail
tdx=$1
vec=${TDX_VECTORS_DIR:-$(dirname "$0")/../../../shared/vectors}
log=$vec/go-tdx-guest_ccel_event_log_cos113.bin
quote=$vec/go-tdx-guest_quote_v4_cos113_matching_ccel.bin
report=$vec/coco-guest-components_tdreport_hw.bin
if [ ! -f "$log" ] || [ ! -f "$quote" ] || [ ! -f "$report" ]; then
	echo "SKIP: the CCEL vectors are not in $vec (set TDX_VECTORS_DIR)"
	exit 77
fi
fails=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rtmr0=3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd17f6
check "list events" bash -c '"$0" eventlog --file "$1" | grep -qx "events: 43"' "$tdx" "$log"
check "replay" bash -c '"$0" eventlog --file "$1" --replay | grep -qx "rtmr0: $2"' "$tdx" "$log" "$rtmr0"
check "check against the paired quote" "$tdx" eventlog --file "$log" --check "$quote"
out=$("$tdx" eventlog --file "$log" --check "$quote")
check "four matches" [ "$(grep -c ': match ' <<<"$out")" = 4 ]

set +e
out=$("$tdx" eventlog --file "$log" --check "$report" 2>"$tmp/err")
rc=$?
set -e
check "check against another TD's report fails" [ "$rc" = 1 ]
check "MISMATCH names the register and both values" \
	bash -c 'grep -q "^rtmr0: MISMATCH log $1 report f4ec1a04" <<<"$0"' "$out" "$rtmr0"
check "rtmr3 (both zero) matches" bash -c 'grep -q "^rtmr3: match" <<<"$0"' "$out"

json=$("$tdx" --json eventlog --file "$log")
check "--json" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d["events"]) == 43 and d["rtmr"][0] == sys.argv[2], d["rtmr"]
assert all("sha384" in e["digests"] for e in d["events"])' "$json" "$rtmr0"
json=$("$tdx" eventlog --json --file "$log" --check "$quote")
check "--check --json" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["match"] is True and d["rtmr0"]["quote"] == d["rtmr0"]["log"]' "$json"

head -c 100 "$log" >"$tmp/short.bin"
check "a truncated log fails naming the field" \
	bash -c '! "$0" eventlog --file "$1" 2>"$2" && grep -q "truncated" "$2"' "$tdx" "$tmp/short.bin" "$tmp/e2"
check "--check needs a report or quote" \
	bash -c '! "$0" eventlog --file "$1" --check "$1" 2>/dev/null' "$tdx" "$log"
check "a missing file fails" bash -c '! "$0" eventlog --file /nonexistent 2>/dev/null' "$tdx"
check "unknown argument is a usage error (2)" \
	bash -c '"$0" eventlog --bogus 2>/dev/null; [ $? = 2 ]' "$tdx"
if [ ! -e /sys/firmware/acpi/tables/data/CCEL ]; then
	check "no CCEL here: says so" \
		bash -c 'out=$("$0" eventlog 2>&1); [ $? = 1 ] && grep -q "no CC event log here" <<<"$out"' "$tdx"
fi

[ "$fails" = 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "all eventlog CLI checks passed"
