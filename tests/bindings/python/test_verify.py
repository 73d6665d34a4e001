# SPDX-License-Identifier: MIT
"""tdx.verify: emulator quotes end to end with the emulator root, refused
with the default root; the vectors' dcap-qvl pairs when present."""

import os
from pathlib import Path

import pytest

import tdx


def _emu_quote_and_collateral(flags=0):
    emu = tdx.Emu()
    g = emu.guest()
    q = g.get_quote(b"\x01" * 64)
    return emu, q, emu.collateral(flags)


def test_emulator_quote_verifies_with_its_root():
    emu, q, col = _emu_quote_and_collateral()
    r = tdx.verify(q, roots=emu.root_ca_pem, collateral=col, require_collateral=True,
                   require_crls=True)
    assert r.ok and r.error is None
    assert r.tcb_status == "UpToDate" and r.tcb_level == 0 and r.advisory_ids == []
    assert all(outcome == "passed" for outcome, _ in r.steps.values())
    assert r.pck.fmspc == bytes.fromhex("90c06f000000") and r.pck.pcesvn == 13
    assert r.json["tcb_status"] == "UpToDate"


def test_emulator_quote_fails_with_the_default_root():
    emu, q, col = _emu_quote_and_collateral()
    # Fails closed: a caller who checks nothing else gets the exception.
    with pytest.raises(tdx.CertChainError) as e:
        tdx.verify(q, collateral=col)
    assert not e.value.result.ok
    assert e.value.result.steps["pck_chain"][0] == "failed"
    # The result, when asked for explicitly.
    r = tdx.verify(q, collateral=col, raise_on_failure=False)
    assert not r.ok
    assert isinstance(r.error, tdx.CertChainError)
    with pytest.raises(tdx.CertChainError):
        r.raise_for_status()


def test_tampered_quote_raises():
    emu, q, col = _emu_quote_and_collateral()
    bad = bytearray(q)
    bad[48 + 16] ^= 1  # a byte of the body's MRTD: the signature no longer holds
    with pytest.raises(tdx.VerificationError):
        tdx.verify(bytes(bad), roots=emu.root_ca_pem, collateral=col)


def test_out_of_date_with_advisory_and_policy():
    emu, q, col = _emu_quote_and_collateral(tdx.lowlevel.TDX_EMU_COLLATERAL_OUT_OF_DATE)
    r = tdx.verify(q, roots=emu.root_ca_pem, collateral=col, raise_on_failure=False)
    assert isinstance(r.error, tdx.TcbError)
    assert r.tcb_status == "OutOfDate" and r.advisory_ids == ["LIBTDX-EMU-SA-0002"]
    assert "needs 4" in r.explanation
    r = tdx.verify(q, roots=emu.root_ca_pem, collateral=col, accept={"UpToDate", "OutOfDate"})
    assert r.ok


def test_bad_arguments_raise():
    with pytest.raises(tdx.InvalidArgument):
        tdx.verify(b"not a quote")
    emu, q, _ = _emu_quote_and_collateral()
    with pytest.raises(tdx.InvalidArgument):
        tdx.verify(q, roots=b"junk")
    with pytest.raises(tdx.InvalidArgument, match="'Fine' is not a TCB status"):
        tdx.verify(q, accept={"Fine"})


VECTORS = Path(os.environ.get("TDX_VECTORS_DIR", Path(__file__).resolve().parents[3].parent
                              / "shared" / "vectors"))


@pytest.mark.skipif(not (VECTORS / "dcap-qvl_quote_v4_uptodate.bin").exists(),
                    reason="no ../shared/vectors")
def test_dcap_qvl_pairs():
    q4 = (VECTORS / "dcap-qvl_quote_v4_uptodate.bin").read_bytes()
    c4 = (VECTORS / "dcap-qvl_quote_v4_uptodate_collateral.json").read_text()
    r = tdx.verify(q4, collateral=c4, at="2025-07-19T10:00:34Z")
    assert r.ok and r.tcb_status == "UpToDate"
    q5 = (VECTORS / "dcap-qvl_quote_v5_outdated.bin").read_bytes()
    c5 = (VECTORS / "dcap-qvl_quote_v5_outdated_collateral.json").read_text()
    r = tdx.verify(q5, collateral=c5, at="2026-03-20T10:41:14Z", raise_on_failure=False)
    assert isinstance(r.error, tdx.TcbError) and r.tcb_status == "NotSupported"
    assert "component 7 is 3" in r.explanation
