#!/usr/bin/env bash
# test_verify.sh TDX: tdx verify and tdx emu root|collateral -- the
# emulator's quotes end to end, refused with the default root, revoked,
# out of date; the real vectors when ../shared/vectors is present.
set -euo pipefail
tdx=$1
fails=0
check() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
status() { # the exit status of a command, without stopping on failure
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	echo $?
	set -e
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cmd in verify emu; do
	check "$cmd --help" grep -q "usage: tdx" <<<"$("$tdx" "$cmd" --help)"
done
check "verify without a quote is a usage error" test "$(status "$tdx" verify)" = 2
check "verify --at junk is a usage error" test "$(status "$tdx" verify q --at yesterday)" = 2
check "verify --accept junk is a usage error" test "$(status "$tdx" verify q --accept Fine)" = 2

# The emulator: one platform (state file) for quote and collateral.
emu=emu:state=$tmp/platform
"$tdx" --backend "$emu" quote --out "$tmp/q.bin"
"$tdx" --backend "$emu" emu root --out "$tmp/root.pem"
"$tdx" --backend "$emu" emu collateral --out "$tmp/c.json"
"$tdx" --backend "$emu" emu collateral --revoke-pck --out "$tmp/revoked.json"
"$tdx" --backend "$emu" emu collateral --out-of-date --out "$tmp/old.json"
check "emulator quote: passes with its root and collateral" \
	test "$(status "$tdx" verify "$tmp/q.bin" --root "$tmp/root.pem" --collateral "$tmp/c.json" \
		--require-collateral --require-crls)" = 0
check "... every step ok, UpToDate" grep -q "^tcb_status: UpToDate" "$tmp/out"
check "emulator quote: fails with the default (Intel) root" \
	test "$(status "$tdx" verify "$tmp/q.bin" --collateral "$tmp/c.json")" = 1
check "... at the PCK chain" grep -q "^pck_chain .*FAILED.*not a trusted root" "$tmp/out"
check "revoked PCK: fails" \
	test "$(status "$tdx" verify "$tmp/q.bin" --root "$tmp/root.pem" --collateral "$tmp/revoked.json")" = 1
check "... on the CRL" grep -q "^crls .*FAILED.*revoked by the PCK CRL" "$tmp/out"
check "out of date: fails the default policy" \
	test "$(status "$tdx" --json verify "$tmp/q.bin" --root "$tmp/root.pem" --collateral "$tmp/old.json")" = 1
check "... JSON: status, advisory, explanation, steps" python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["result"] == "fail" and d["tcb_status"] == "OutOfDate", d
assert d["advisory_ids"] == ["LIBTDX-EMU-SA-0002"], d
assert "SGX TCB component 0 is 3" in d["explanation"], d["explanation"]
assert d["steps"]["tcb_level"]["outcome"] == "passed" and d["steps"]["policy"]["outcome"] == "failed"
PY
check "out of date: passes when the policy accepts OutOfDate" \
	test "$(status "$tdx" verify "$tmp/q.bin" --root "$tmp/root.pem" --collateral "$tmp/old.json" \
		--accept UpToDate,OutOfDate)" = 0

# Real quotes (../shared/vectors).
vec=${TDX_VECTORS_DIR:-$(dirname "$0")/../../../shared/vectors}
if [ -f "$vec/dcap-qvl_quote_v4_uptodate.bin" ]; then
	check "dcap-qvl v4 + collateral: UpToDate" \
		test "$(status "$tdx" verify "$vec/dcap-qvl_quote_v4_uptodate.bin" \
			--collateral "$vec/dcap-qvl_quote_v4_uptodate_collateral.json" \
			--at 2025-07-19T10:00:34Z)" = 0
	check "dcap-qvl v5 + collateral: no matching TCB level" \
		test "$(status "$tdx" verify "$vec/dcap-qvl_quote_v5_outdated.bin" \
			--collateral "$vec/dcap-qvl_quote_v5_outdated_collateral.json" \
			--at 2026-03-20T10:41:14Z)" = 1
	check "... with the reason" grep -q "component 7 is 3 and even the oldest level" "$tmp/out"
	check "SPR_E4 with PCS CRLs in 2023: passes" \
		test "$(status "$tdx" verify "$vec/go-tdx-guest_quote_v4_prod_SPR_E4.bin" \
			--crl "$vec/go-tdx-guest_pcs_pckcrl_platform.der" \
			--crl "$vec/go-tdx-guest_intel_sgx_root_ca_crl.der" --require-crls \
			--at 2023-07-01T01:00:00Z)" = 0
	check "SPR_E4 in 2053: expired" \
		test "$(status "$tdx" verify "$vec/go-tdx-guest_quote_v4_prod_SPR_E4.bin" \
			--at 2053-07-01T01:00:00Z)" = 1
	check "... on the chain" grep -q "^pck_chain .*FAILED.*expired" "$tmp/out"
else
	echo "skip: no vectors at $vec"
fi
[ "$fails" = 0 ]
