# SPDX-License-Identifier: MIT
"""The generated module under the C names, and the typemaps' contracts."""

import inspect

import pytest

import tdx
import tdx.lowlevel as ll


def test_version():
    major, minor, patch = ll.tdx_version()
    assert tdx.__version__ == ll.tdx_version_string() == "%d.%d.%d" % (major, minor, patch)
    assert major == ll.TDX_VERSION_MAJOR  # what the import-time check enforces
    assert tdx.tdx_version_string is ll.tdx_version_string  # C names on the package too


def test_no_length_parameters_left():
    # Every (pointer, length) pair is one bytes argument in Python; a
    # header change that adds a pair with new names shows up here.
    offenders = []
    for name, fn in vars(ll).items():
        if name.startswith("tdx_") and inspect.isfunction(fn):
            params = inspect.signature(fn).parameters
            if any(p == "len" or p.endswith("_len") for p in params):
                offenders.append(name)
    assert offenders == []


def test_out_structs_are_returned_initialised(guest):
    info = ll.tdx_tdg_vp_info(guest.handle)
    assert isinstance(info, ll.tdx_vp_info)
    assert info.sz == ll.tdx_vp_info().sz > 0
    assert info.gpaw == 48


def test_guest_caps_lowlevel(guest):
    caps = ll.tdx_guest_capabilities(guest.handle)
    assert isinstance(caps, ll.tdx_guest_caps)
    assert caps.sz == ll.tdx_guest_caps().sz > 0
    assert (caps.report, caps.eventlog) == (1, 0)
    mine = ll.tdx_guest_caps()
    mine.sz = 0
    ll.tdx_guest_caps_init(mine, 8)  # the _init function stays callable by its C name
    assert mine.sz == 8
    assert len(ll.tdx_guest_rtmr_read(guest.handle, 0)) == 48
    with pytest.raises(tdx.InvalidArgument):
        ll.tdx_guest_rtmr_read(None, 0)
    with pytest.raises(tdx.InvalidArgument):
        ll.tdx_guest_get_eventlog(None)
    with pytest.raises(tdx.InvalidArgument):
        ll.tdx_guest_capabilities(None)


def test_structs_start_with_sz():
    for cls in (ll.tdx_machine_info, ll.tdx_vp_info, ll.tdx_emu_config, ll.tdx_vm_opts,
                ll.tdx_vm_init_opts, ll.tdx_exit, ll.tdx_td_info, ll.tdx_tdvf_section):
        assert cls().sz > 0, cls
    info = ll.tdx_vp_info()
    info.sz = 0
    ll.tdx_vp_info_init(info, 8)  # the _init function stays callable by its C name
    assert info.sz == 8


def test_metadata_reads(guest):
    value, next_id = ll.tdx_tdg_vm_rd(guest.handle, ll.TDX_MD_FIELD_NULL, 1)
    assert isinstance(value, int) and next_id != ll.TDX_MD_FIELD_NULL


def test_tdvmcall_cpuid_and_console():
    with tdx.Emu() as e, e.guest() as g:
        eax, ebx, ecx, edx = ll.tdx_tdvmcall_cpuid(g.handle, 0x40000000, 0)
        vendor = b"".join(x.to_bytes(4, "little") for x in (ebx, ecx, edx))
        assert vendor == b"libtdxEmuVMM"
        for ch in b"hi\n":
            ll.tdx_tdvmcall_io_write(g.handle, 0x3F8, 1, ch)
        assert e.console() == b"hi\n"
        assert ll.tdx_tdvmcall_io_read(g.handle, 0x3FD, 1) == 0x60


def test_machine_probe():
    info = ll.tdx_machine_probe()
    assert isinstance(info.kvm_detail, str) and info.kvm_detail


def test_emu_config_byte_fields():
    cfg = ll.tdx_emu_config()
    cfg.mrowner = b"\x01\x02"
    assert cfg.mrowner == b"\x01\x02" + bytes(46)  # zero-extended
    with pytest.raises(ValueError):
        cfg.mrowner = bytes(49)
    ll.tdx_emu_config_parse(cfg, "mrconfigid=" + "ab" * 48 + ",gpaw=52")
    assert cfg.mrconfigid == b"\xab" * 48 and cfg.gpaw == 52
    emu = ll.tdx_emu_open(cfg)
    g = ll.tdx_emu_guest(emu)
    r = tdx.Report.parse(ll.tdx_guest_get_report(g, bytes(64)))
    assert r.mrconfigid == b"\xab" * 48
    assert ll.tdx_tdg_vp_info(g).gpaw == 52


def test_closing_by_hand_disowns(guest):
    h = ll.tdx_guest_open("emu")
    assert h.thisown
    ll.tdx_guest_close(h)
    assert not h.thisown  # the destructor will not close it again
    del h


def test_accessor_error_raises(guest):
    r = ll.tdx_report_parse(guest.get_report(bytes(64)))
    with pytest.raises(tdx.InvalidArgument, match="RTMR index 4"):
        ll.tdx_report_rtmr(r, 4)
    assert len(ll.tdx_report_rtmr(r, 3)) == 48
