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

if [ "$fails" -ne 0 ]; then
	echo "$fails CLI check(s) failed" >&2
	exit 1
fi
