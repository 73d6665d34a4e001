#!/usr/bin/env bash
# test_box.sh TDX: TD-in-a-box -- tdx selftest --kvm and tdx demo --kvm on
# /dev/kvm (exit 77 without it), the payload's MRTD against `tdx measure`,
# and the guest's quote read back by `tdx quote --parse`.
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

check "selftest --help" grep -q "usage: tdx .*selftest --kvm" <<<"$("$tdx" selftest --help)"
set +e
"$tdx" selftest >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "selftest without --kvm is a usage error" test "$rc" = 2
check "... that names --kvm" grep -q -- "--kvm" "$tmp/err"

if [ ! -w /dev/kvm ]; then
	set +e
	"$tdx" selftest --kvm 2>"$tmp/err"
	rc=$?
	set -e
	check "selftest --kvm skips (77) without /dev/kvm" test "$rc" = 77
	check "... saying why" grep -q "needs /dev/kvm" "$tmp/err"
	[ "$fails" = 0 ] || exit 1
	echo "SKIP: no writable /dev/kvm: TD-in-a-box cannot run here" >&2
	exit 77
fi

# The conformance suite: every case passes, every leaf and TDVMCALL ran.
"$tdx" --json selftest --kvm --emit "$tmp/layout" --quote-out "$tmp/quote.bin" \
	--report-out "$tmp/report.bin" >"$tmp/selftest.json"
check "selftest --kvm --json: all passed" python3 - "$tmp/selftest.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[0])
assert d["failed"] == 0 and d["passed"] == len(d["cases"]) >= 80, d
names = {c["name"]: c for c in d["cases"]}
for need in ("host: every TDCALL leaf ran", "host: every TDVMCALL ran"):
    assert names[need]["ok"], names[need]
assert names["host: every TDCALL leaf ran"]["detail"] == "21 of 21"
assert names["host: every TDVMCALL ran"]["detail"] == "16 of 16"
assert d["mrtd"] == d["predicted_mrtd"], d
assert len(lines) == 1, lines[1:]
PY
out=$("$tdx" selftest --kvm)
check "selftest --kvm: a line per case, then N passed, 0 failed" \
	grep -qE "^[0-9]+ passed, 0 failed$" <<<"$(tail -n 1 <<<"$out")"
check "... and no failing case" test "$(grep -c '^FAIL' <<<"$out" || true)" = 0

# MRTD: what the TD reports = `tdx measure` of the same layout.
measured=$("$tdx" measure --region "0x100000:$tmp/layout/payload.bin:extend" \
	--region "0xFFFFF000:$tmp/layout/reset.bin:extend" | sed -n 's/^mrtd: //p')
check "payload MRTD = tdx measure of its layout" python3 - "$tmp/selftest.json" "$measured" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["mrtd"] == sys.argv[2], (d["mrtd"], sys.argv[2])
PY

# The guest's quote, parsed by the tool: its body is the guest's TDREPORT.
"$tdx" --json quote --parse "$tmp/quote.bin" >"$tmp/quote.json"
"$tdx" --json report --parse "$tmp/report.bin" >"$tmp/report.json"
check "tdx quote --parse: body = the guest's TDREPORT" python3 - "$tmp/quote.json" \
	"$tmp/report.json" "$tmp/selftest.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))["body"]
r = json.load(open(sys.argv[2]))
s = json.loads(open(sys.argv[3]).readline())
ti = r["td_info"]
assert q["mrtd"] == ti["mrtd"] == s["mrtd"], (q["mrtd"], ti["mrtd"])
assert q["rtmr"] == ti["rtmr"], (q["rtmr"], ti["rtmr"])
assert q["report_data"] == r["report_data"], (q["report_data"], r["report_data"])
PY

# The end-to-end demo with the guest side running in the VM.
out=$("$tdx" demo --kvm)
check "demo --kvm: MRTD prediction = report MRTD" grep -q "ok:  MRTD prediction = report MRTD" <<<"$out"
check "demo --kvm: the guest ran in the VM" grep -q "^guest: TDG.MR.RTMR.EXTEND" <<<"$out"
check "demo --kvm passed" grep -q "^demo passed$" <<<"$out"

# The backend itself.
check "host probe on kvm:emulate-tdx" python3 - "$("$tdx" --backend kvm:emulate-tdx --json host probe)" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["backend"] == "kvm:emulate-tdx" and d["tdx"] is True, d
PY

[ "$fails" = 0 ]
