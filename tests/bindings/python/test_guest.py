# SPDX-License-Identifier: MIT
"""The guest flow on the emulator: open, VP.INFO, RTMRs, reports, quotes."""

import hashlib

import pytest

import tdx
from conftest import EMU_ATTRIBUTES, EMU_MRSEAM_10, EMU_MRSEAM_15, EMU_MRTD, EMU_XFAM


def test_open_and_backend(guest):
    assert guest.backend == "emu"
    assert not guest.closed


def test_context_manager_closes():
    with tdx.Guest("emu") as g:
        pass
    assert g.closed
    with pytest.raises(tdx.StateError, match="Guest is closed"):
        g.get_report(bytes(64))
    g.close()  # idempotent


def test_vp_info_defaults(guest):
    info = guest.vp_info()
    assert info == tdx.VpInfo(gpaw=48, attributes=EMU_ATTRIBUTES, num_vcpus=1, max_vcpus=1,
                              vcpu_index=0, sys_rd_available=True)


def test_vp_info_configured():
    with tdx.Guest("emu:gpaw=52,vcpus=4,vcpu=2,module=1.0") as g:
        info = g.vp_info()
    assert (info.gpaw, info.num_vcpus, info.max_vcpus, info.vcpu_index) == (52, 4, 4, 2)
    assert info.sys_rd_available is False  # TDG.SYS.RD is TDX 1.5


def test_rtmr_extend_matches_sha384(guest, nonce):
    d1 = hashlib.sha384(b"first event").digest()
    d2 = hashlib.sha384(b"second event").digest()
    guest.rtmr_extend(2, d1)
    guest.rtmr_extend(2, d2)
    r = tdx.Report.parse(guest.get_report(nonce))
    want = hashlib.sha384(hashlib.sha384(bytes(48) + d1).digest() + d2).digest()
    assert r.rtmr[2] == want
    assert r.rtmr[0] == r.rtmr[1] == r.rtmr[3] == bytes(48)
    # The library's own RTMR arithmetic agrees.
    assert tdx.measure.rtmr_extend(tdx.measure.rtmr_extend(bytes(48), d1), d2) == want


def test_rtmr_extend_rejects_bad_input(guest):
    with pytest.raises(tdx.InvalidArgument, match="48"):
        guest.rtmr_extend(0, b"short")
    with pytest.raises(tdx.InvalidArgument):
        guest.rtmr_extend(4, bytes(48))


def test_rtmr_read_matches_report(guest, nonce):
    d = hashlib.sha384(b"read me back").digest()
    guest.rtmr_extend(1, d)
    got = guest.rtmr_read(1)
    assert isinstance(got, bytes) and len(got) == 48
    assert got == hashlib.sha384(bytes(48) + d).digest()
    r = tdx.Report.parse(guest.get_report(nonce))
    assert [guest.rtmr_read(i) for i in range(4)] == list(r.rtmr)


def test_rtmr_read_rejects_bad_index(guest):
    with pytest.raises(tdx.InvalidArgument, match="0..3"):
        guest.rtmr_read(4)


def test_get_eventlog_not_on_the_emulator(guest):
    with pytest.raises(tdx.NotSupported, match="event log"):
        guest.get_eventlog()


def test_capabilities_on_the_emulator(guest):
    caps = guest.capabilities()
    assert isinstance(caps, tdx.GuestCaps)
    assert (caps.tdcall, caps.report, caps.quote, caps.rtmr_read, caps.rtmr_extend,
            caps.eventlog) == (True, True, True, True, True, False)
    assert "event log" in caps.detail


def test_closed_guest_new_calls():
    with tdx.Guest("emu") as g:
        pass
    for call in (lambda: g.rtmr_read(0), g.get_eventlog, g.capabilities):
        with pytest.raises(tdx.StateError, match="Guest is closed"):
            call()


def test_report_fields(guest, nonce):
    raw = guest.get_report(nonce)
    assert isinstance(raw, bytes) and len(raw) == 1024
    r = tdx.Report.parse(raw)
    assert r.raw == raw
    assert r.report_type == 0x81
    assert r.report_data == nonce
    assert r.mrtd == EMU_MRTD
    assert r.mrseam == EMU_MRSEAM_15
    assert r.attributes == EMU_ATTRIBUTES
    assert r.xfam == EMU_XFAM
    assert "SEPT_VE_DISABLE" in r.attributes_names
    assert r.mrconfigid == r.mrowner == r.mrownerconfig == bytes(48)
    assert r.servtd_hash == bytes(48)
    assert len(r.mac) == 32 and len(r.cpusvn) == 16
    assert len(r.tee_tcb_svn) == 16 and len(r.tee_tcb_svn2) == 16
    assert len(r.mrsignerseam) == 48
    assert r.raw[128:192] == nonce  # REPORTDATA's place in REPORTMACSTRUCT


def test_report_data_round_trip_types(guest):
    data = bytes(range(64))
    for arg in (data, bytearray(data), memoryview(data)):
        assert tdx.Report.parse(guest.get_report(arg)).report_data == data


def test_report_to_json(guest, nonce):
    r = tdx.Report.parse(guest.get_report(nonce))
    j = r.to_json()
    assert j["report_type"]["type"] == 0x81
    assert j["report_data"] == nonce.hex()
    assert j["td_info"]["mrtd"] == EMU_MRTD.hex()
    assert j["td_info"]["rtmr"] == [x.hex() for x in r.rtmr]
    assert "SEPT_VE_DISABLE" in j["td_info"]["attributes_names"]


def test_report_parse_rejects_bad_input():
    with pytest.raises(tdx.InvalidArgument):
        tdx.Report.parse(bytes(1023))
    with pytest.raises(tdx.InvalidArgument):
        tdx.Report.parse(bytes(1024))  # REPORTTYPE.TYPE 0, not 0x81


def test_report_data_must_be_64_bytes(guest):
    with pytest.raises(tdx.InvalidArgument, match="64 bytes"):
        guest.get_report(b"nonce")


def test_verify_report(guest, nonce):
    raw = guest.get_report(nonce)
    guest.verify_report(raw)
    guest.verify_report(tdx.Report.parse(raw))
    # A flipped byte in the MAC, in TDINFO (MRTD) and in TEE_TCB_INFO.
    for offset in (224, 512 + 16, 256 + 8):
        bad = bytearray(raw)
        bad[offset] ^= 0x01
        with pytest.raises(tdx.VerificationError) as ei:
            guest.verify_report(bytes(bad))
        assert ei.value.code == tdx.lowlevel.TDX_E_VERIFY
        assert ei.value.message


def test_verify_report_of_another_platform(nonce):
    # Each emulated platform has its own MAC key.
    with tdx.Guest("emu") as a, tdx.Guest("emu") as b:
        with pytest.raises(tdx.VerificationError):
            b.verify_report(a.get_report(nonce))


def test_quote_v5(guest, nonce):
    guest.rtmr_extend(3, hashlib.sha384(b"app").digest())
    r = tdx.Report.parse(guest.get_report(nonce))
    raw = guest.get_quote(nonce)
    q = tdx.Quote.parse(raw)
    assert (q.version, q.body_type, q.tee_type, q.att_key_type) == (5, 3, 0x81, 2)
    assert q.report_data == nonce
    assert q.mrtd == r.mrtd == EMU_MRTD
    assert q.rtmr == r.rtmr
    assert q.td_attributes == EMU_ATTRIBUTES
    assert q.xfam == EMU_XFAM
    assert q.mrseam == EMU_MRSEAM_15
    assert q.tee_tcb_svn == r.tee_tcb_svn
    assert q.tee_tcb_svn2 is not None and len(q.mrservicetd) == 48
    assert len(q.signature) == 64 and len(q.attestation_key) == 64
    assert q.cert_data_type == 6 and len(q.qe_report) == 384
    assert q.pck_cert_type == 5
    assert q.pck_chain.startswith(b"-----BEGIN CERTIFICATE-----")
    assert q.signed_data == raw[:702]  # header, body type/size, 648-byte body
    assert q.size == len(raw) and q.trailing_bytes == 0
    j = q.to_json()
    assert j["header"]["version"] == 5
    assert j["body"]["mrtd"] == EMU_MRTD.hex()
    assert j["body"]["report_data"] == nonce.hex()


def test_quote_v4_on_tdx_1_0(nonce):
    with tdx.Guest("emu:module=1.0") as g:
        q = tdx.Quote.parse(g.get_quote(nonce))
    assert (q.version, q.body_type) == (4, 2)
    assert q.mrseam == EMU_MRSEAM_10
    assert q.tee_tcb_svn2 is None and q.mrservicetd is None
    assert len(q.signed_data) == 632
    assert q.report_data == nonce


def test_quote_trailing_bytes(guest, nonce):
    raw = guest.get_quote(nonce)
    q = tdx.Quote.parse(raw + bytes(10))
    assert q.trailing_bytes == 10 and q.size == len(raw)


def test_quote_parse_rejects_truncated(guest, nonce):
    raw = guest.get_quote(nonce)
    with pytest.raises(tdx.InvalidArgument):
        tdx.Quote.parse(raw[:100])


def test_emu_object(nonce):
    with tdx.Emu("emu:module=1.5") as e:
        assert "BEGIN CERTIFICATE" in e.root_ca_pem
        with e.guest() as g:
            raw = g.get_report(nonce)
            g.verify_report(raw)
        q = tdx.Quote.parse(e.quote(raw))
        assert q.report_data == nonce
        e.mem_write(0x1000, b"hello TD")
        assert e.mem_read(0x1000, 8) == b"hello TD"
        with pytest.raises(tdx.StateError, match="fatal"):
            e.fatal_error()
        # The emulator's quoting enclave refuses an altered report.
        bad = bytearray(raw)
        bad[600] ^= 1
        with pytest.raises(tdx.VerificationError):
            e.quote(bytes(bad))


def test_emu_guests_share_the_td(nonce):
    digest = hashlib.sha384(b"shared").digest()
    with tdx.Emu() as e:
        with e.guest() as a:
            a.rtmr_extend(1, digest)
        with e.guest() as b:
            r = tdx.Report.parse(b.get_report(nonce))
    assert r.rtmr[1] == hashlib.sha384(bytes(48) + digest).digest()


def test_one_liner():
    # The "done when" line of the binding, verbatim.
    g = tdx.Guest("emu")
    r = tdx.Report.parse(g.get_report(bytes(64)))
    assert r.mrtd.hex() == EMU_MRTD.hex()
