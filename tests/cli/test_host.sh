#!/usr/bin/env bash
# test_host.sh TDX: tdx host probe, launch and demo.
set -euo pipefail
tdx=$1
fails=0
check() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cmd in host launch demo; do
	check "$cmd --help" grep -q "usage: tdx" <<<"$("$tdx" "$cmd" --help)"
done

# The emulated host offers TDX.
check "host probe on the emulator" python3 - "$("$tdx" --backend emu --json host probe)" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["backend"] == "emu" and d["tdx"] is True and d["vm_types"] & (1 << 5), d
PY

# The real kernel: its mask, and why TDX is absent.
if [ -w /dev/kvm ]; then
	check "host probe on /dev/kvm" python3 - "$(env -u LIBTDX_BACKEND "$tdx" --json host probe)" <<'PY'
import json, os, sys
d = json.loads(sys.argv[1])
assert d["backend"] == "kvm" and d["api_version"] == 12, d
assert d["tdx"] == bool(d["vm_types"] & (1 << 5)), d
if not d["tdx"]:
    assert "no TDX" in d["tdx_detail"] and ("0x%x" % d["vm_types"]) in d["tdx_detail"], d
PY
else
	echo "skip: no writable /dev/kvm for the real host probe"
fi

# launch: the MRTD printed equals the offline prediction from tdx measure.
head -c 10000 /dev/urandom >"$tmp/payload.bin"
mrtd=$("$tdx" --backend emu --json launch --payload "$tmp/payload.bin" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["matches_prediction"]; print(d["mrtd"])')
# 10000 bytes = 3 pages placed at 4 GiB - 3 pages, measured.
want=$("$tdx" --json measure --region "0xFFFFD000:$tmp/payload.bin:extend" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["mrtd"])')
check "launch MRTD = tdx measure prediction" test "$mrtd" = "$want"
check "launch needs a payload" bash -c "! '$tdx' --backend emu launch 2>/dev/null"

# The end-to-end demo.
out=$("$tdx" demo)
check "demo: MRTD prediction = report MRTD" grep -q "ok:  MRTD prediction = report MRTD" <<<"$out"
check "demo: quote through KVM_EXIT_TDX" grep -q "ok:  the quote came through KVM_EXIT_TDX" <<<"$out"
check "demo: parsed quote" grep -q "^quote: version 5, body type 3" <<<"$out"
check "demo passed" grep -q "^demo passed$" <<<"$out"

if [ "$fails" -ne 0 ]; then
	echo "$fails host CLI check(s) failed" >&2
	exit 1
fi
