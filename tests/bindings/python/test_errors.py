# SPDX-License-Identifier: MIT
"""Error paths and the exception classes."""

import errno
import os
import subprocess
import sys

import pytest

import tdx
import tdx.lowlevel as ll
from conftest import EMU_MRTD


def test_bad_backend_is_invalid_argument():
    with pytest.raises(tdx.InvalidArgument, match='backend "bogus" is not known') as ei:
        tdx.Guest("bogus")
    e = ei.value
    assert (e.code, e.layer, e.hw_status, e.errno) == (ll.TDX_E_INVALID, ll.TDX_LAYER_LIBRARY, 0, 0)
    assert isinstance(e, tdx.Error)
    with pytest.raises(tdx.InvalidArgument):
        tdx.Host("bogus")


def test_no_device_without_backend(monkeypatch):
    if os.path.exists("/dev/tdx_guest"):
        pytest.skip("this machine is a TD")
    monkeypatch.delenv("LIBTDX_BACKEND", raising=False)
    with pytest.raises(tdx.NoDevice) as ei:
        tdx.Guest()
    # The message names the probes and the explicit way to the emulator.
    assert "no TD found" in ei.value.message
    assert "LIBTDX_BACKEND=emu" in ei.value.message


def test_backend_from_environment(monkeypatch):
    monkeypatch.setenv("LIBTDX_BACKEND", "emu")
    with tdx.Guest() as g:
        assert g.backend == "emu"


def test_os_error_is_an_oserror(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_bytes(b"x")
    with pytest.raises(OSError) as ei:
        tdx.measure.tdvf(not_a_dir / "image.fd")
    e = ei.value
    assert isinstance(e, tdx.OsError) and isinstance(e, tdx.Error)
    assert e.errno == errno.ENOTDIR and e.layer_name == "os"
    assert e.code == ll.TDX_E_OS
    assert "Not a directory" in str(e)


def test_missing_file_is_no_device(tmp_path):
    with pytest.raises(tdx.NoDevice) as ei:
        tdx.measure.tdvf(tmp_path / "absent.fd")
    assert ei.value.errno == errno.ENOENT


def test_tdcall_error_carries_the_module_status(guest):
    with pytest.raises(tdx.TdcallError) as ei:
        ll.tdx_tdg_vp_veinfo_get(guest.handle)  # no #VE pending
    e = ei.value
    assert e.layer == ll.TDX_LAYER_MODULE and e.layer_name == "tdx-module"
    assert ll.tdx_module_status_name(e.hw_status) == "TDX_NO_VALID_VE_INFO"
    assert "TDX_NO_VALID_VE_INFO" in e.message


def test_vmcall_error_carries_r10(guest):
    with pytest.raises(tdx.VmcallError) as ei:
        ll.tdx_tdvmcall_rdmsr(guest.handle, 0x12345)
    e = ei.value
    assert e.layer == ll.TDX_LAYER_VMCALL
    assert ll.tdx_vmcall_status_name(e.hw_status) == "TDVMCALL_STATUS_INVALID_OPERAND"


def test_state_error_from_finalized_mrtd():
    m = ll.tdx_mrtd_new()
    ll.tdx_mrtd_finalize(m)
    with pytest.raises(tdx.StateError, match="already finalized"):
        ll.tdx_mrtd_page_add(m, 0)
    ll.tdx_mrtd_free(m)


def test_every_code_has_its_class():
    classes = {
        "TDX_E_INVALID": tdx.InvalidArgument, "TDX_E_NOT_SUPPORTED": tdx.NotSupported,
        "TDX_E_NO_DEVICE": tdx.NoDevice, "TDX_E_PERM": tdx.PermissionDenied,
        "TDX_E_BUFFER_TOO_SMALL": tdx.BufferTooSmall, "TDX_E_RETRY": tdx.Retry,
        "TDX_E_TDCALL": tdx.TdcallError, "TDX_E_VMCALL": tdx.VmcallError,
        "TDX_E_OS": tdx.OsError, "TDX_E_STATE": tdx.StateError,
        "TDX_E_ABI_MISMATCH": tdx.AbiMismatch, "TDX_E_NOMEM": tdx.OutOfMemory,
        "TDX_E_VERIFY": tdx.VerificationError, "TDX_E_QUOTE_FORMAT": tdx.QuoteFormatError,
        "TDX_E_CERT_CHAIN": tdx.CertChainError, "TDX_E_EXPIRED": tdx.ExpiredError,
        "TDX_E_QE_REPORT_SIGNATURE": tdx.QeReportSignatureError,
        "TDX_E_QE_REPORT_DATA": tdx.QeReportDataError,
        "TDX_E_QUOTE_SIGNATURE": tdx.QuoteSignatureError, "TDX_E_REVOKED": tdx.RevokedError,
        "TDX_E_COLLATERAL": tdx.CollateralError, "TDX_E_QE_IDENTITY": tdx.QeIdentityError,
        "TDX_E_TDX_MODULE": tdx.TdxModuleError, "TDX_E_TCB": tdx.TcbError,
    }
    codes = [n for n in dir(ll) if n.startswith("TDX_E_")]
    assert sorted(codes) == sorted(classes)
    for name, cls in classes.items():
        code = getattr(ll, name)
        e = tdx.errors._from_record(code, ll.TDX_LAYER_LIBRARY, 0, 0, ll.tdx_strerror(code))
        assert type(e) is cls and e.code == code == cls.default_code
        assert issubclass(cls, tdx.Error)


def test_error_record_matches_exception(guest):
    with pytest.raises(tdx.InvalidArgument) as ei:
        guest.get_report(b"")
    rec = ll.tdx_error_last()
    assert (rec.code, rec.layer, rec.message) == (ei.value.code, ei.value.layer,
                                                  ei.value.message)


def test_done_when_one_liner():
    line = ('import tdx; g = tdx.Guest("emu"); '
            'r = tdx.Report.parse(g.get_report(bytes(64))); print(r.mrtd.hex())')
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}  # rpath suffices
    out = subprocess.run([sys.executable, "-c", line], check=True, env=env, cwd="/",
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert out == EMU_MRTD.hex() + "\n"
