#!/usr/bin/env bash
# test_cli.sh TDX: the tdx tool's commands, help, JSON and failures.
set -euo pipefail
tdx=$1
fails=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)'; }

out=$("$tdx" version)
check "version names the library" grep -q "^libtdx [0-9]*\.[0-9]*\.[0-9]*" <<<"$out"
check "version --json is JSON" json_ok <<<"$("$tdx" --json version)"

info=$("$tdx" info --json)
check "info --json is JSON" json_ok <<<"$info"
check "info --json describes this machine" python3 - "$info" <<'PY'
import json, os, sys
d = json.loads(sys.argv[1])
g, k = d["guest"]["tdx_guest_device"], d["host"]["kvm"]
assert g["available"] == os.path.exists("/dev/tdx_guest"), g
assert "/dev/tdx_guest" in g["detail"]
assert d["guest"]["configfs_tsm"]["detail"]
lb = d["guest"]["linux_backend"]
if not os.path.exists("/dev/tdx_guest") and not os.path.exists("/sys/kernel/config/tsm/report"):
    assert lb["available"] is False and "/dev/tdx_guest" in lb["detail"], lb
assert k["available"] == os.access("/dev/kvm", os.R_OK | os.W_OK), k
if k["available"]:
    assert k["api_version"] == 12, k
    assert k["vm_types"] & 1, k
    assert k["tdx"] == bool(k["vm_types"] & (1 << 5)), k
    if not k["tdx"]:
        assert "no TDX" in k["detail"], k
        assert "0x%x" % k["vm_types"] in k["detail"], k
else:
    assert "/dev/kvm" in k["detail"] and not k["tdx"], k
PY
check "info (text) has the KVM line" grep -q "/dev/kvm" <<<"$("$tdx" info)"
check "--backend is reported" grep -q '"backend":"emu"' <<<"$("$tdx" --backend emu --json info)"
check "LIBTDX_BACKEND is reported" grep -q '"backend":"emu"' <<<"$(LIBTDX_BACKEND=emu "$tdx" --json info)"

for cmd in version info; do
	check "$cmd --help" grep -q "usage: tdx" <<<"$("$tdx" "$cmd" --help)"
done
check "--help lists commands" grep -q "info" <<<"$("$tdx" --help)"

set +e
"$tdx" frobnicate 2>"${TMPDIR:-/tmp}/tdx-cli-err.$$"
rc=$?
set -e
check "unknown command fails with 2" test "$rc" -eq 2
check "unknown command is named" grep -q "unknown command 'frobnicate'" "${TMPDIR:-/tmp}/tdx-cli-err.$$"
rm -f "${TMPDIR:-/tmp}/tdx-cli-err.$$"
check "extra argument fails" bash -c "! '$tdx' version extra 2>/dev/null"
check "no command fails" bash -c "! '$tdx' 2>/dev/null"
check "--backend without SPEC fails" bash -c "! '$tdx' --backend 2>/dev/null"

# ---- guest commands on the emulator ----
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Without a backend on a machine that is not a TD: no TD, and how to use the emulator.
set +e
env -u LIBTDX_BACKEND "$tdx" report >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "report without a backend fails" test "$rc" -ne 0
check "... saying no TD was found" grep -q "no TD found" "$tmp/err"
check "... and how to choose the emulator" grep -q "LIBTDX_BACKEND=emu" "$tmp/err"

for cmd in report quote rtmr vp-info; do
	check "$cmd --help" grep -q "usage: tdx" <<<"$("$tdx" "$cmd" --help)"
done

check "vp-info on the emulator" python3 - "$("$tdx" --backend emu --json vp-info)" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["gpaw"] == 48 and d["num_vcpus"] == 1 and d["attributes"] == 0x10000000, d
PY

# rtmr extend in one process, the report of the next shows SHA384(old || d).
state="emu:mem=8M,accepted=4M,state=$tmp/td.state"
digest=$(printf 'ab%.0s' $(seq 48))
check "rtmr extend" "$tdx" --backend "$state" rtmr extend 2 "$digest"
check "report shows the extend" python3 - "$("$tdx" --backend "$state" --json report)" "$digest" <<'PY'
import hashlib, json, sys
d = json.loads(sys.argv[1])
want = hashlib.sha384(bytes(48) + bytes.fromhex(sys.argv[2])).hexdigest()
assert d["td_info"]["rtmr"][2] == want, (d["td_info"]["rtmr"][2], want)
assert d["td_info"]["rtmr"][0] == "00" * 48
PY
check "rtmr extend rejects a bad index" bash -c "! '$tdx' --backend emu rtmr extend 4 $digest 2>/dev/null"
check "rtmr extend rejects a short digest" bash -c "! '$tdx' --backend emu rtmr extend 1 abcd 2>/dev/null"

# report --data / --out / --parse
data=$(printf '5a%.0s' $(seq 64))
check "report --out" "$tdx" --backend emu report --data "$data" --out "$tmp/report.bin"
check "report file is 1024 bytes" test "$(stat -c %s "$tmp/report.bin")" -eq 1024
check "report --parse --json" python3 - "$("$tdx" --json report --parse "$tmp/report.bin")" "$data" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["report_data"] == sys.argv[2], d["report_data"]
assert d["report_type"]["type"] == 0x81
PY
check "report --data rejects short data" bash -c "! '$tdx' --backend emu report --data abcd 2>/dev/null"

# quote --out, then parse it: JSON, report data, body type 3 on TDX 1.5.
check "quote --out" "$tdx" --backend emu quote --data "$data" --out "$tmp/quote.bin"
check "quote --parse --json" python3 - "$("$tdx" --json quote --parse "$tmp/quote.bin")" "$data" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["header"]["version"] == 5 and d["body_type"] == 3, d["header"]
assert d["body"]["report_data"] == sys.argv[2]
assert d["signature_data"]["pck_chain"].startswith("-----BEGIN CERTIFICATE-----")
PY
check "quote --parse (text)" grep -q "^version: *5" <<<"$("$tdx" quote --parse "$tmp/quote.bin")"
check "quote needs --out" bash -c "! '$tdx' --backend emu quote 2>/dev/null"
check "quote --parse of a non-quote fails" bash -c "! '$tdx' quote --parse '$tmp/report.bin' 2>/dev/null"
check "a TDX 1.0 TD gives a v4 quote" "$tdx" --backend emu:module=1.0 quote --out "$tmp/q4.bin"
check "... which parses as v4" grep -q "^version: *4" <<<"$("$tdx" quote --parse "$tmp/q4.bin")"

if [ "$fails" -ne 0 ]; then
	echo "$fails CLI check(s) failed" >&2
	exit 1
fi
