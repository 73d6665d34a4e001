# SPDX-License-Identifier: MIT
"""tdx_ctypes against libtdx: the declarations match the ABI (libtdx.map,
the headers, the C compiler's struct layout), and the guest and host flows
work end to end on the emulator through ctypes alone.

Run with LIBTDX_PATH=BUILD/libtdx.so.1 PYTHONPATH=bindings/ctypes (see
scripts/test-ctypes.sh).
"""
import ctypes
import hashlib
import json
import mmap
import re
from ctypes import POINTER, byref, c_char, c_char_p, c_int, c_size_t, c_uint, c_uint8, c_uint16
from ctypes import c_uint32, c_uint64, c_void_p, sizeof
from pathlib import Path

import pytest

import tdx_ctypes as tdx
from tdx_ctypes import abi

ROOT = Path(__file__).resolve().parents[3]
MAP = ROOT / "libtdx" / "libtdx.map"
INCLUDE = ROOT / "libtdx" / "include" / "tdx"
HEADERS = sorted([*INCLUDE.glob("*.h"), *INCLUDE.glob("*.h.in")])
FFI_TEST = ROOT / "tests" / "abi-ffi"

EMU_MRTD = hashlib.sha384(b"libtdx emulated TD").digest()
EMU_MRSEAM = hashlib.sha384(b"libtdx emulated TDX module 1.5").digest()


def map_symbols():
    return re.findall(r"^\s+(tdx_\w+);", MAP.read_text(), re.M)


def err():
    return tdx.tdx_error_last().contents


def msg():
    m = err().message
    return m.decode() if m else ""


# ---------------------------------------------------------------------------
# (1) the declared function set is the exported one
# ---------------------------------------------------------------------------

def test_declared_functions_equal_map():
    exported = map_symbols()
    assert len(exported) == len(set(exported)), "a symbol is listed twice in libtdx.map"
    missing = sorted(set(exported) - set(tdx.SYMBOLS))
    extra = sorted(set(tdx.SYMBOLS) - set(exported))
    assert not missing, f"exported by libtdx.map but not declared in tdx_ctypes: {missing}"
    assert not extra, f"declared in tdx_ctypes but not exported: {extra}"
    assert len(tdx.SYMBOLS) == len(set(tdx.SYMBOLS))


def test_every_declared_function_is_bound():
    assert tdx.MISSING == [], f"the loaded library lacks {tdx.MISSING}"
    for name in tdx.SYMBOLS:
        assert tdx.declared(name)
        fn = getattr(tdx, name)
        restype, argtypes = abi.FUNCTIONS[name]
        assert fn.restype is restype, name
        assert list(fn.argtypes) == list(argtypes), name
    assert not tdx.declared("tdx_no_such_function")


def test_declared_functions_equal_dynamic_symbols():
    """libtdx.map against what the loaded libtdx.so.1 really exports."""
    import os
    import shutil
    import subprocess
    if not os.path.exists(tdx.LIBRARY_PATH) or not shutil.which("nm"):
        pytest.skip("needs LIBTDX_PATH to name a file, and nm")
    out = subprocess.run(["nm", "-D", "--defined-only", tdx.LIBRARY_PATH], check=True,
                         capture_output=True, text=True).stdout
    exported = {m.split("@")[0] for m in re.findall(r" T (tdx_\w+(?:@@?\S+)?)$", out, re.M)}
    assert exported == set(tdx.SYMBOLS)


# ---- the declarations against the headers ---------------------------------

def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def header_prototypes():
    """name -> (return type text, [parameter texts]) of every TDX_API function."""
    protos = {}
    for h in HEADERS:
        text = _strip_comments(h.read_text())
        for m in re.finditer(r"TDX_API\s+([^;(]*?)\b(tdx_\w+)\s*\(([^;]*?)\)\s*;", text, re.S):
            ret, name, params = m.group(1), m.group(2), " ".join(m.group(3).split())
            plist = [] if params in ("", "void") else [p.strip() for p in params.split(",")]
            protos[name] = (" ".join(ret.split()), plist)
    return protos


_BASE = {
    "int": c_int, "unsigned": c_uint, "size_t": c_size_t, "uint64_t": c_uint64,
    "uint32_t": c_uint32, "uint16_t": c_uint16, "uint8_t": c_uint8, "char": c_char,
    "tdx_status": c_int, "tdx_transport_fn": abi.tdx_transport_fn,
    "tdx_exit_handler": abi.tdx_exit_handler,
}


def ctype_of(decl, is_return=False):
    """The ctypes type a C declaration ("const uint8_t *digest", "uint64_t
    out[4]", "tdx_guest **out") maps to under tdx_ctypes' rules."""
    const = bool(re.search(r"\bconst\b", decl))
    decl = re.sub(r"\bconst\b", " ", decl)
    stars = decl.count("*") + decl.count("[")
    words = re.sub(r"\[[^\]]*\]", " ", decl).replace("*", " ").split()
    base = words[0] if is_return or len(words) == 1 else " ".join(words[:-1])
    assert " " not in base, decl
    if base == "void":
        return None if stars == 0 else c_void_p
    if base == "char" and stars == 1:
        return c_char_p if const else POINTER(c_char)
    t = _BASE.get(base) or abi.STRUCTS.get(base) or abi.HANDLES.get(base)
    assert t is not None, f"no ctypes mapping for {decl!r}"
    for _ in range(stars):
        t = POINTER(t)
    return t


def test_signatures_match_headers():
    protos = header_prototypes()
    assert sorted(protos) == sorted(abi.FUNCTIONS), "headers and tdx_ctypes declare different sets"
    assert sorted(protos) == sorted(map_symbols())
    for name, (ret, params) in protos.items():
        restype, argtypes = abi.FUNCTIONS[name]
        assert restype is ctype_of(ret, is_return=True), f"{name}: return type {ret}"
        assert len(argtypes) == len(params), f"{name}: {len(params)} parameters in the header"
        for i, (p, a) in enumerate(zip(params, argtypes)):
            assert a is ctype_of(p), f"{name}: parameter {i} ({p}) declared as {a}"
        assert (name in abi.STATUS_FUNCTIONS) == (ret == "tdx_status"), name


# ---- constants against the headers ----------------------------------------

_NOT_CONSTANTS = {"TDX_API", "TDX_DEPRECATED", "TDX_BEGIN_DECLS", "TDX_END_DECLS", "TDX_OPTS"}


def header_constants():
    consts = {}
    for h in HEADERS:
        if h.name == "version.h.in":
            continue
        text = _strip_comments(h.read_text())
        for m in re.finditer(r"^#define\s+(TDX_\w+)(\([^)]*\))?[ \t]+([^\n]+)$", text, re.M):
            name, fnlike, value = m.group(1), m.group(2), m.group(3).strip()
            if fnlike or name in _NOT_CONSTANTS or name.endswith("_H"):
                continue
            consts[name] = value
        for body in re.findall(r"typedef enum \w+ \{(.*?)\}", text, re.S):
            for name, value in re.findall(r"(TDX_\w+)\s*=\s*(-?\w+)", body):
                consts[name] = value
    return consts


def c_value(expr):
    expr = re.sub(r"(?<=[0-9a-fA-F])(ULL|ull|UL|ul|LL|ll|U|u|L)\b", "", expr)
    assert re.fullmatch(r"[0-9a-fA-FxX()<\s+\-|]+", expr), expr
    return eval(expr, {"__builtins__": {}})  # digits, shifts and parentheses only


def test_constants_match_headers():
    consts = header_constants()
    assert len(consts) > 50
    for name, expr in consts.items():
        assert name in abi.CONSTANTS, f"{name} ({expr}) is not declared in tdx_ctypes"
        assert abi.CONSTANTS[name] == c_value(expr), name
    extra = set(abi.CONSTANTS) - set(consts)
    assert not extra, f"tdx_ctypes declares constants the headers lack: {extra}"
    assert tdx.TDX_MD_FIELD_NULL == 2**64 - 1 and tdx.TDX_E_VERIFY == -13


# ---------------------------------------------------------------------------
# (2) struct sizes and offsets are the C compiler's
# ---------------------------------------------------------------------------

# sizeof and offsetof as gcc 12 (x86_64) computes them from the public
# headers (printed once by a throwaway C program; tests/abi-ffi/test_ffi.c
# checks the same numbers against the compiler in every build).
LAYOUT = {
    "tdx_error": (32, {"code": 0, "layer": 4, "hw_status": 8, "os_errno": 16, "message": 24}),
    "tdx_machine_info": (808, {"sz": 0, "guest_device": 8, "configfs_tsm": 12, "kvm": 16,
                               "kvm_api_version": 20, "kvm_vm_types": 24, "kvm_tdx": 32,
                               "guest_device_detail": 36, "configfs_tsm_detail": 292,
                               "kvm_detail": 548}),
    "tdx_regs": (112, {"rax": 0, "rcx": 8, "rdx": 16, "rbx": 24, "rsi": 32, "rdi": 40, "r8": 48,
                       "r9": 56, "r10": 64, "r11": 72, "r12": 80, "r13": 88, "r14": 96,
                       "r15": 104}),
    "tdx_vp_info": (40, {"sz": 0, "gpaw": 8, "attributes": 16, "num_vcpus": 24, "max_vcpus": 28,
                         "vcpu_index": 32, "sys_rd_available": 36}),
    "tdx_ve_info": (48, {"sz": 0, "exit_reason": 8, "exit_qualification": 16,
                         "guest_linear_address": 24, "guest_physical_address": 32,
                         "instruction_length": 40, "instruction_information": 44}),
    "tdx_page_attr": (32, {"sz": 0, "gpa": 8, "level": 16, "pending": 20, "attr": 24}),
    "tdx_l2_exit": (96, {"sz": 0, "exit_class": 8, "exit_reason": 12, "exit_qualification": 16,
                         "guest_linear_address": 24, "cs": 32, "cs_base": 40,
                         "guest_physical_address": 48, "interruption": 56, "idt_vectoring": 64,
                         "instruction": 72, "additional": 80, "extended_qualification": 88}),
    "tdx_guest_caps": (544, {"sz": 0, "tdcall": 8, "report": 12, "quote": 16, "rtmr_read": 20,
                             "rtmr_extend": 24, "eventlog": 28, "detail": 32}),
    "tdx_emu_config": (1288, {"sz": 0, "module_version": 8, "attributes": 16, "xfam": 24,
                              "mrtd": 32, "mrconfigid": 80, "mrowner": 128, "mrownerconfig": 176,
                              "gpaw": 224, "num_vcpus": 228, "vcpu_index": 232, "num_l2_vms": 236,
                              "mem_size": 240, "accepted_size": 248, "servtd": 256,
                              "state_file": 260}),
    "tdx_host_info": (312, {"sz": 0, "api_version": 8, "vm_types": 16, "tdx": 24, "max_vcpus": 28,
                            "guest_memfd": 32, "user_memory2": 36, "memory_attributes": 40,
                            "exit_hypercall": 48, "tdx_detail": 56}),
    "tdx_vm_opts": (16, {"sz": 0, "plain": 8, "tsc_khz": 12}),
    "tdx_cpuid_entry": (28, {"function": 0, "index": 4, "flags": 8, "eax": 12, "ebx": 16,
                             "ecx": 20, "edx": 24}),
    "tdx_vm_caps": (64, {"sz": 0, "supported_attrs": 8, "supported_xfam": 16,
                         "kernel_tdvmcallinfo_1_r11": 24, "user_tdvmcallinfo_1_r11": 32,
                         "kernel_tdvmcallinfo_1_r12": 40, "user_tdvmcallinfo_1_r12": 48,
                         "num_cpuid_configs": 56, "max_vcpus": 60}),
    "tdx_vm_init_opts": (192, {"sz": 0, "attributes": 8, "xfam": 16, "mrconfigid": 24,
                               "mrowner": 72, "mrownerconfig": 120, "gpaw": 168, "cpuid": 176,
                               "ncpuid": 184}),
    "tdx_exit": (224, {"sz": 0, "reason": 8, "kvm_exit_reason": 12, "io_port": 16, "io_size": 18,
                       "io_out": 19, "io_count": 20, "mmio_gpa": 24, "mmio_len": 32,
                       "mmio_write": 36, "data": 37, "tdvmcall_nr": 48, "tdvmcall_ret": 56,
                       "tdvmcall_args": 64, "gpa": 104, "size": 112, "to_private": 120,
                       "error_code": 128, "fatal_gpa": 136, "message": 144, "subtype": 212,
                       "hw_reason": 216}),
    "tdx_td_info": (456, {"sz": 0, "attributes": 8, "xfam": 16, "mrtd": 24, "mrconfigid": 72,
                          "mrowner": 120, "mrownerconfig": 168, "rtmr": 216, "servtd_hash": 408}),
    "tdx_tdvf_section": (40, {"sz": 0, "data_offset": 8, "raw_data_size": 12,
                              "memory_address": 16, "memory_data_size": 24, "type": 32,
                              "attributes": 36}),
    "tdx_event": (88, {"sz": 0, "mr_index": 8, "event_type": 12, "has_sha384": 16, "sha384": 20,
                       "data_offset": 72, "data_size": 80}),
    "tdx_ccel_table": (32, {"sz": 0, "cc_type": 8, "cc_subtype": 9,
                            "log_area_minimum_length": 16, "log_area_start_address": 24}),
    "tdx_verify_opts": (80, {"sz": 0, "roots": 8, "roots_len": 16, "collateral": 24,
                             "collateral_len": 32, "crls": 40, "crls_len": 48, "at": 56,
                             "accept": 64, "require_collateral": 68, "require_crls": 72}),
}


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_struct_layout(name):
    size, offsets = LAYOUT[name]
    cls = abi.STRUCTS[name]
    assert sizeof(cls) == size
    assert [f[0] for f in cls._fields_] == list(offsets), "fields differ in name or order"
    for field, off in offsets.items():
        assert getattr(cls, field).offset == off, f"{name}.{field}"
    if "sz" in offsets:
        assert issubclass(cls, abi.SizedStruct) and cls._fields_[0] == ("sz", c_size_t)
        assert cls.new().sz == size


def test_every_header_struct_is_declared():
    names = set()
    for h in HEADERS:
        names |= set(re.findall(r"typedef struct (\w+) \{", h.read_text()))
    assert names == set(abi.STRUCTS) == set(LAYOUT)
    opaque = set()
    for h in HEADERS:
        opaque |= {a for a, b in re.findall(r"typedef struct (\w+) (\w+);", h.read_text())}
    assert opaque == set(abi.HANDLES)


def test_layout_table_agrees_with_test_ffi():
    """The literal table above = tests/abi-ffi's (which the compiler checks)."""
    text = "".join(p.read_text() for p in [FFI_TEST / "test_ffi.c",
                                           *sorted(FFI_TEST.glob("manifest_*.inc"))])
    sizes = dict(re.findall(r"sizeof\((tdx_\w+)\),\s*(\d+)\)", text))
    offs = re.findall(r"offsetof\((tdx_\w+),\s*(\w+)\),\s*(\d+)\)", text)
    assert sizes and offs
    for name, size in sizes.items():
        if name in LAYOUT:
            assert LAYOUT[name][0] == int(size), name
    for name, field, off in offs:
        if name in LAYOUT:
            assert LAYOUT[name][1][field] == int(off), f"{name}.{field}"
    assert set(sizes) == set(LAYOUT), "tests/abi-ffi and this table cover different structs"


def test_callback_types():
    assert abi.tdx_transport_fn._restype_ is c_int
    assert abi.tdx_transport_fn._argtypes_ == (c_void_p, POINTER(abi.tdx_regs))
    assert abi.tdx_exit_handler._restype_ is None
    assert abi.tdx_exit_handler._argtypes_ == (c_void_p, POINTER(abi.tdx_vcpu),
                                               POINTER(abi.tdx_exit))


# ---------------------------------------------------------------------------
# basics and the convenience layer
# ---------------------------------------------------------------------------

def test_version_and_errors():
    major, minor, patch = tdx.version()
    assert tdx.tdx_version_string() == f"{major}.{minor}.{patch}".encode()
    assert major == 1
    tdx.tdx_error_clear()
    assert err().code == tdx.TDX_OK and msg() == "no error"
    assert tdx.strerror(tdx.TDX_E_NOMEM) == "out of memory"
    assert tdx.tdx_layer_name(tdx.TDX_LAYER_MODULE) == b"tdx-module"
    assert tdx.tdx_module_status_name(0x8000020000000000) == b"TDX_OPERAND_BUSY"
    assert tdx.tdx_module_status_operand(0xC000010000000008) == b"R8"
    assert tdx.tdx_vmcall_status_name(1) == b"TDVMCALL_STATUS_RETRY"
    assert tdx.tdx_td_attribute_name(28) == b"SEPT_VE_DISABLE"


def test_check_raises_tdx_error():
    g = POINTER(abi.tdx_guest)()
    with pytest.raises(tdx.TdxError) as ei:
        tdx.check(tdx.tdx_guest_open(byref(g), b"no-such-backend"), "tdx_guest_open")
    e = ei.value
    assert e.code == tdx.TDX_E_INVALID and e.name == "TDX_E_INVALID"
    assert e.layer == tdx.TDX_LAYER_LIBRARY and e.errno == 0 and e.hw_status == 0
    assert "no-such-backend" in e.message and "tdx_guest_open" in str(e)
    assert not g
    assert tdx.check(tdx.TDX_OK) == 0
    with pytest.raises(tdx.TdxError):
        tdx.guest_open("no-such-backend")


def test_machine_probe():
    info = abi.tdx_machine_info()
    assert tdx.tdx_machine_info_init(byref(info), sizeof(info)) == tdx.TDX_OK
    assert info.sz == sizeof(info)
    assert tdx.tdx_machine_probe(byref(info)) == tdx.TDX_OK
    assert b"/dev/kvm" in info.kvm_detail


# ---------------------------------------------------------------------------
# (3) the guest flow on the emulator
# ---------------------------------------------------------------------------

@pytest.fixture
def guest():
    g = tdx.guest_open("emu")
    yield g
    tdx.tdx_guest_close(g)


RTMR_OFF = 512 + 208  # TDINFO.RTMR[0] in a TDREPORT


def test_guest_vp_info(guest):
    assert tdx.tdx_guest_backend_name(guest) == b"emu"
    info = abi.tdx_vp_info()
    assert tdx.tdx_vp_info_init(byref(info), sizeof(info)) == tdx.TDX_OK
    assert tdx.tdx_tdg_vp_info(guest, byref(info)) == tdx.TDX_OK
    assert info.gpaw == 48
    assert info.attributes == tdx.TDX_TD_ATTR_SEPT_VE_DISABLE
    assert (info.num_vcpus, info.max_vcpus, info.vcpu_index) == (1, 1, 0)
    assert info.sys_rd_available == 1
    assert tdx.vp_info(guest).gpaw == 48
    assert tdx.tdx_guest_last_status(guest) == 0


def test_guest_rtmr_extend_matches_hashlib(guest):
    before = tdx.get_report(guest, bytes(64))
    digest = hashlib.sha384(b"ctypes event").digest()
    for index in range(4):
        old = before[RTMR_OFF + 48 * index:RTMR_OFF + 48 * (index + 1)]
        tdx.rtmr_extend(guest, index, digest)
        after = tdx.get_report(guest, bytes(64))
        new = after[RTMR_OFF + 48 * index:RTMR_OFF + 48 * (index + 1)]
        assert new == hashlib.sha384(old + digest).digest()
        assert tdx.measure_rtmr_extend(old, digest) == new
        r = tdx.report_parse(after)
        try:
            assert tdx.bytes_at(tdx.tdx_report_rtmr(r, index), 48) == new
        finally:
            tdx.tdx_report_free(r)
        before = after
    with pytest.raises(tdx.TdxError) as ei:
        tdx.rtmr_extend(guest, 4, digest)
    assert ei.value.code == tdx.TDX_E_INVALID


def test_guest_report_parse_and_accessors(guest):
    data = bytes(range(64))
    report = tdx.get_report(guest, data)
    assert len(report) == tdx.TDX_REPORT_SIZE
    r = tdx.report_parse(report)
    try:
        b = tdx.bytes_at
        assert b(tdx.tdx_report_raw(r), 1024) == report
        assert tdx.tdx_report_type(r) == 0x81
        assert tdx.tdx_report_subtype(r) == 0
        assert tdx.tdx_report_version(r) in (0, 1)
        assert b(tdx.tdx_report_report_data(r), 64) == data
        assert b(tdx.tdx_report_mac_struct(r), 256) == report[:256]
        assert b(tdx.tdx_report_cpusvn(r), 16) == report[16:32]
        assert b(tdx.tdx_report_tee_tcb_info_hash(r), 48) == hashlib.sha384(
            report[256:256 + 239]).digest()
        assert b(tdx.tdx_report_tee_info_hash(r), 48) == hashlib.sha384(report[512:]).digest()
        assert len(b(tdx.tdx_report_mac(r), 32)) == 32
        assert b(tdx.tdx_report_mrseam(r), 48) == EMU_MRSEAM
        assert b(tdx.tdx_report_mrtd(r), 48) == EMU_MRTD
        assert b(tdx.tdx_report_mrconfigid(r), 48) == bytes(48)
        assert b(tdx.tdx_report_mrowner(r), 48) == bytes(48)
        assert b(tdx.tdx_report_mrownerconfig(r), 48) == bytes(48)
        assert len(b(tdx.tdx_report_mrsignerseam(r), 48)) == 48
        assert len(b(tdx.tdx_report_tee_tcb_svn(r), 16)) == 16
        assert len(b(tdx.tdx_report_tee_tcb_svn2(r), 16)) == 16
        assert len(b(tdx.tdx_report_servtd_hash(r), 48)) == 48
        assert tdx.tdx_report_tee_tcb_valid(r) == 0x301FF
        assert tdx.tdx_report_seam_attributes(r) == 0
        assert tdx.tdx_report_attributes(r) == tdx.TDX_TD_ATTR_SEPT_VE_DISABLE
        assert tdx.tdx_report_xfam(r) == 0x602E7
        tdx.tdx_error_clear()
        assert not tdx.tdx_report_rtmr(r, 4)
        assert err().code == tdx.TDX_E_INVALID
        j = json.loads(tdx.report_to_json(r))
        assert j["report_type"]["type"] == 0x81
        assert j["td_info"]["mrtd"] == EMU_MRTD.hex()
        assert j["report_data"] == data.hex()
        assert "SEPT_VE_DISABLE" in j["td_info"]["attributes_names"]
    finally:
        tdx.tdx_report_free(r)


def test_guest_verify_report(guest):
    report = tdx.get_report(guest, b"\x5a" * 64)
    tdx.verify_report(guest, report)
    for off in (0x80, 256 + 20, 512 + 16, 1023):  # REPORTDATA (MAC), TEE_TCB_INFO, TDINFO
        bad = bytearray(report)
        bad[off] ^= 1
        rc = tdx.tdx_guest_verify_report(guest, tdx.u8_array(bad), len(bad))
        assert rc == tdx.TDX_E_VERIFY, off
        assert err().code == tdx.TDX_E_VERIFY and msg()
    # A report made by another emulated platform (another MAC key) is refused too.
    with tdx.guest("emu") as other:
        rc = tdx.tdx_guest_verify_report(other, tdx.u8_array(report), len(report))
        assert rc == tdx.TDX_E_VERIFY


def test_guest_quote(guest):
    data = hashlib.sha512(b"nonce").digest()
    report = tdx.get_report(guest, data)
    quote = tdx.get_quote(guest, data)
    q = tdx.quote_parse(quote)
    try:
        b = tdx.bytes_at
        assert tdx.tdx_quote_version(q) == 5
        assert tdx.tdx_quote_body_type(q) == 3
        assert tdx.tdx_quote_body_size(q) == 648
        assert tdx.tdx_quote_att_key_type(q) == 2
        assert tdx.tdx_quote_tee_type(q) == 0x81
        assert tdx.tdx_quote_size(q) == len(quote)
        assert tdx.tdx_quote_trailing_bytes(q) == 0
        assert b(tdx.tdx_quote_report_data(q), 64) == data
        assert b(tdx.tdx_quote_mrtd(q), 48) == EMU_MRTD
        assert b(tdx.tdx_quote_mrseam(q), 48) == EMU_MRSEAM
        for i in range(4):
            assert b(tdx.tdx_quote_rtmr(q, i), 48) == report[RTMR_OFF + 48 * i:RTMR_OFF + 48 * i + 48]
        assert tdx.tdx_quote_td_attributes(q) == tdx.TDX_TD_ATTR_SEPT_VE_DISABLE
        assert tdx.tdx_quote_xfam(q) == 0x602E7
        n = c_size_t(0)
        assert tdx.tdx_quote_signed_data(q, byref(n)) and n.value == 702
        assert tdx.tdx_quote_cert_data_type(q) == 6
        assert tdx.tdx_quote_pck_cert_type(q) == 5
        chain = b(tdx.tdx_quote_pck_chain(q, byref(n)), n.value)
        assert b"BEGIN CERTIFICATE" in chain
        assert tdx.tdx_quote_qe_auth_data(q, byref(n)) and n.value == 32
        j = json.loads(tdx.quote_to_json(q))
        assert j["header"]["version"] == 5 and j["body"]["report_data"] == data.hex()
    finally:
        tdx.tdx_quote_free(q)
    # the buffer-too-small protocol
    d = tdx.u8_array(data)
    small = (c_uint8 * 16)()
    n = c_size_t(16)
    assert tdx.tdx_guest_get_quote(guest, d, 64, small, byref(n)) == tdx.TDX_E_BUFFER_TOO_SMALL
    assert n.value == len(quote)


def test_guest_v4_quote_on_tdx_1_0():
    with tdx.guest("emu:module=1.0") as g:
        q = tdx.quote_parse(tdx.get_quote(g, bytes(64)))
        try:
            assert tdx.tdx_quote_version(q) == 4 and tdx.tdx_quote_body_type(q) == 2
            tdx.tdx_error_clear()
            assert not tdx.tdx_quote_mrservicetd(q)
            assert err().code == tdx.TDX_E_INVALID
        finally:
            tdx.tdx_quote_free(q)


def test_emu_platform_and_root_ca():
    cfg = abi.tdx_emu_config.new()
    assert tdx.tdx_emu_config_parse(byref(cfg), b"gpaw=52,vcpus=2,vcpu=1") == tdx.TDX_OK
    assert (cfg.gpaw, cfg.num_vcpus, cfg.vcpu_index) == (52, 2, 1)
    emu = POINTER(abi.tdx_emu)()
    tdx.check(tdx.tdx_emu_open(byref(emu), byref(cfg)))
    g = POINTER(abi.tdx_guest)()
    try:
        assert tdx.tdx_emu_root_ca_pem(emu).startswith(b"-----BEGIN CERTIFICATE-----")
        tdx.check(tdx.tdx_emu_guest(emu, byref(g)))
        info = tdx.vp_info(g)
        assert (info.gpaw, info.num_vcpus, info.vcpu_index) == (52, 2, 1)
        # memory, the serial port and the host model's records
        buf = ctypes.create_string_buffer(b"hello", 8)
        tdx.check(tdx.tdx_emu_mem_write(emu, 0x100000, buf, 8))
        out = ctypes.create_string_buffer(8)
        tdx.check(tdx.tdx_emu_mem_read(emu, 0x100000, out, 8))
        assert out.raw == buf.raw
        for ch in b"hi\n":
            tdx.check(tdx.tdx_tdvmcall_io_write(g, 0x3F8, 1, ch))
        con = ctypes.create_string_buffer(64)
        n = c_size_t(64)
        tdx.check(tdx.tdx_emu_console(emu, con, byref(n)))
        assert con.value == b"hi\n"
        tdx.check(tdx.tdx_tdvmcall_setup_event_notify_interrupt(g, 40))
        vec, raised = c_uint(0), c_uint64(0)
        tdx.check(tdx.tdx_emu_event_notify(emu, byref(vec), byref(raised)))
        assert vec.value == 40
        # an injected #VE comes back through TDG.VP.VEINFO.GET
        ve = abi.tdx_ve_info.new(exit_reason=48, guest_physical_address=0x1234000)
        tdx.check(tdx.tdx_emu_inject_ve(emu, byref(ve)))
        got = abi.tdx_ve_info.new()
        tdx.check(tdx.tdx_tdg_vp_veinfo_get(g, byref(got)))
        assert (got.exit_reason, got.guest_physical_address) == (48, 0x1234000)
        assert tdx.tdx_tdg_vp_veinfo_get(g, byref(got)) == tdx.TDX_E_TDCALL
        assert err().layer == tdx.TDX_LAYER_MODULE and err().hw_status >> 63
    finally:
        tdx.tdx_guest_close(g)
        tdx.tdx_emu_close(emu)


def test_custom_transport_callback():
    seen = []

    @abi.tdx_transport_fn
    def transport(ctx, regs):
        r = regs.contents
        seen.append(r.rax)
        if r.rax == 1:  # TDG.VP.INFO
            r.rax, r.rcx, r.rdx, r.r8, r.r9, r.r10 = 0, 52, 1 << 28, (4 << 32) | 4, 3, 1
            return 0
        return tdx.TDX_E_NOT_SUPPORTED

    g = POINTER(abi.tdx_guest)()
    tdx.check(tdx.tdx_guest_open_custom(byref(g), transport, None))
    try:
        assert tdx.tdx_guest_backend_name(g) == b"custom"
        info = tdx.vp_info(g)
        assert (info.gpaw, info.attributes) == (52, 1 << 28)
        assert (info.num_vcpus, info.max_vcpus, info.vcpu_index) == (4, 4, 3)
        rc = tdx.tdx_tdg_vp_cpuidve_set(g, 0)
        assert rc == tdx.TDX_E_NOT_SUPPORTED
        assert seen == [1, 5]
    finally:
        tdx.tdx_guest_close(g)


# ---------------------------------------------------------------------------
# (3) the host flow on the emulated host
# ---------------------------------------------------------------------------

IMAGE_GPA = 0xFFFFC000
IMAGE_PAGES = 4
SHARED_GPA = 0x10000000
REPORT_MRTD = 512 + 16


def page_buffer(data):
    """A 4 KiB-aligned copy of data (tdx_vm_init_mem_region's rule):
    (mmap, its address); keep the mmap alive while the address is used."""
    mm = mmap.mmap(-1, max(len(data), 4096))
    mm[:len(data)] = data
    return mm, ctypes.addressof(c_char.from_buffer(mm))


@pytest.fixture
def host():
    h = tdx.host_open("emu")
    yield h
    tdx.tdx_host_close(h)


def launch(h, image):
    """The whole sequence; returns (vm, vcpu, keepalive)."""
    vm, vcpu = POINTER(abi.tdx_vm)(), POINTER(abi.tdx_vcpu)()
    tdx.check(tdx.tdx_vm_create(byref(vm), h, None))
    caps = abi.tdx_vm_caps.new()
    tdx.check(tdx.tdx_vm_get_capabilities(vm, byref(caps)))
    assert caps.supported_attrs & tdx.TDX_TD_ATTR_SEPT_VE_DISABLE
    assert caps.num_cpuid_configs == 16
    assert caps.max_vcpus == 64
    entry = abi.tdx_cpuid_entry()
    tdx.check(tdx.tdx_vm_cpuid_config(vm, 0, byref(entry)))
    opts = abi.tdx_vm_init_opts.new()
    opts.mrconfigid[:] = list(range(48))
    tdx.check(tdx.tdx_vm_init(vm, byref(opts)))
    tdx.check(tdx.tdx_vm_add_private_memory(vm, IMAGE_GPA, IMAGE_PAGES * 4096))
    tdx.check(tdx.tdx_vm_add_shared_memory(vm, SHARED_GPA, 0x1000))
    tdx.check(tdx.tdx_vm_add_private_memory(vm, 0x200000, (64 << 20) - 0x200000))  # TD RAM
    tdx.check(tdx.tdx_vcpu_create(byref(vcpu), vm))
    tdx.check(tdx.tdx_vcpu_init(vcpu, 0))
    n = c_uint32(0)
    assert tdx.tdx_vcpu_get_cpuid(vcpu, None, byref(n)) == tdx.TDX_E_BUFFER_TOO_SMALL
    entries = (abi.tdx_cpuid_entry * n.value)()
    tdx.check(tdx.tdx_vcpu_get_cpuid(vcpu, entries, byref(n)))
    keep = page_buffer(image)
    tdx.check(tdx.tdx_vm_init_mem_region(vcpu, keep[1], IMAGE_GPA, IMAGE_PAGES, 1))
    tdx.check(tdx.tdx_vm_finalize(vm))
    return vm, vcpu, keep


def predict_mrtd(image, gpa):
    m = POINTER(abi.tdx_mrtd)()
    tdx.check(tdx.tdx_mrtd_new(byref(m)))
    try:
        data = tdx.u8_array(image)
        tdx.check(tdx.tdx_mrtd_add_region(m, gpa, (len(image) + 4095) // 4096, data, len(data),
                                          tdx.TDX_MEASURE_EXTEND))
        out = (c_uint8 * 48)()
        tdx.check(tdx.tdx_mrtd_finalize(m, out))
        return bytes(out)
    finally:
        tdx.tdx_mrtd_free(m)


def test_host_flow_mrtd_prediction(host):
    assert tdx.tdx_host_backend_name(host) == b"emu"
    info = abi.tdx_host_info.new()
    tdx.check(tdx.tdx_host_probe(host, byref(info)))
    assert info.tdx == 1 and info.guest_memfd == 1
    image = bytes((i * 7 + 1) & 0xFF for i in range(IMAGE_PAGES * 4096))
    vm, vcpu, keep = launch(host, image)
    g = POINTER(abi.tdx_guest)()
    try:
        mrtd = tdx.vm_mrtd(vm)
        assert mrtd == predict_mrtd(image, IMAGE_GPA)
        # the same MRTD from the page/extend primitives, one call per block
        m = POINTER(abi.tdx_mrtd)()
        tdx.check(tdx.tdx_mrtd_new(byref(m)))
        for p in range(IMAGE_PAGES):
            gpa = IMAGE_GPA + p * 4096
            tdx.check(tdx.tdx_mrtd_page_add(m, gpa))
            for c in range(16):
                chunk = tdx.u8_array(image[p * 4096 + c * 256:p * 4096 + c * 256 + 256])
                tdx.check(tdx.tdx_mrtd_extend(m, gpa + c * 256, chunk, 256))
        out = (c_uint8 * 48)()
        tdx.check(tdx.tdx_mrtd_finalize(m, out))
        tdx.tdx_mrtd_free(m)
        assert bytes(out) == mrtd
        # the TD's own report carries that MRTD and the host's MRCONFIGID
        tdx.check(tdx.tdx_vm_guest(vm, byref(g)))
        assert tdx.tdx_vm_emu(vm)
        report = tdx.get_report(g, bytes(64))
        assert report[REPORT_MRTD:REPORT_MRTD + 48] == mrtd
        r = tdx.report_parse(report)
        try:
            assert tdx.bytes_at(tdx.tdx_report_mrtd(r), 48) == mrtd
            assert tdx.bytes_at(tdx.tdx_report_mrconfigid(r), 48) == bytes(range(48))
        finally:
            tdx.tdx_report_free(r)
        # a vCPU run of the emulated TD is a HLT exit
        e = abi.tdx_exit.new()
        tdx.check(tdx.tdx_vcpu_run(vcpu, byref(e)))
        assert e.reason == tdx.TDX_EXIT_HLT
    finally:
        tdx.tdx_guest_close(g)
        tdx.tdx_vcpu_close(vcpu)
        tdx.tdx_vm_close(vm)


def test_host_quote_through_exit_handler(host):
    """A GetQuote handler in Python (tdx_exit_handler) serving the TD's
    GetQuote with the emulated quoting enclave, as `tdx demo` does in C."""
    image = bytes(IMAGE_PAGES * 4096)
    vm, vcpu, keep = launch(host, image)
    g = POINTER(abi.tdx_guest)()
    exits = []

    @abi.tdx_exit_handler
    def handler(ctx, vcpu_, e):
        e = e.contents
        exits.append((e.reason, e.tdvmcall_nr))
        if e.reason != tdx.TDX_EXIT_TDVMCALL or e.tdvmcall_nr != tdx.TDX_TDVMCALL_GET_QUOTE:
            return
        gpa, size = e.tdvmcall_args[0], e.tdvmcall_args[1]
        report = (c_uint8 * 1024)()
        tdx.check(tdx.tdx_vm_read(vm, gpa + 24, report, 1024))
        quote = (c_uint8 * (size - 24))()
        n = c_size_t(size - 24)
        tdx.check(tdx.tdx_emu_quote(tdx.tdx_vm_emu(vm), report, 1024, quote, byref(n)))
        tdx.check(tdx.tdx_vm_write(vm, gpa + 24, quote, n.value))
        tdx.check(tdx.tdx_vm_write(vm, gpa + 20, byref(c_uint32(n.value)), 4))
        tdx.check(tdx.tdx_vm_write(vm, gpa + 8, byref(c_uint64(0)), 8))
        e.tdvmcall_ret = 0

    try:
        tdx.check(tdx.tdx_vm_set_exit_handler(vm, handler, None))
        tdx.check(tdx.tdx_vm_guest(vm, byref(g)))
        quote = tdx.get_quote(g, b"\x11" * 64)
        q = tdx.quote_parse(quote)
        try:
            assert tdx.bytes_at(tdx.tdx_quote_mrtd(q), 48) == tdx.vm_mrtd(vm)
            assert tdx.bytes_at(tdx.tdx_quote_report_data(q), 64) == b"\x11" * 64
        finally:
            tdx.tdx_quote_free(q)
        assert (tdx.TDX_EXIT_TDVMCALL, tdx.TDX_TDVMCALL_GET_QUOTE) in exits
        assert any(r == tdx.TDX_EXIT_MAP_GPA for r, _ in exits)
    finally:
        tdx.tdx_vm_set_exit_handler(vm, abi.tdx_exit_handler(), None)  # NULL: none
        tdx.tdx_guest_close(g)
        tdx.tdx_vcpu_close(vcpu)
        tdx.tdx_vm_close(vm)


# ---- error paths ----------------------------------------------------------

def expect_state(rc, *words):
    assert rc == tdx.TDX_E_STATE, msg()
    e = err()
    assert e.code == tdx.TDX_E_STATE and e.layer == tdx.TDX_LAYER_LIBRARY
    text = msg()
    assert "order" in text, text
    for w in words:
        assert w in text, text


def test_host_wrong_order(host):
    vm, vcpu = POINTER(abi.tdx_vm)(), POINTER(abi.tdx_vcpu)()
    tdx.check(tdx.tdx_vm_create(byref(vm), host, None))
    try:
        expect_state(tdx.tdx_vm_finalize(vm), "tdx_vm_init")
        expect_state(tdx.tdx_vcpu_create(byref(vcpu), vm), "tdx_vm_init")
        assert not vcpu
        out = (c_uint8 * 48)()
        expect_state(tdx.tdx_vm_mrtd(vm, out), "tdx_vm_finalize")
        g = POINTER(abi.tdx_guest)()
        expect_state(tdx.tdx_vm_guest(vm, byref(g)), "tdx_vm_finalize")
        tdx.check(tdx.tdx_vm_init(vm, None))
        expect_state(tdx.tdx_vm_init(vm, None), "tdx_vm_init")
        expect_state(tdx.tdx_vm_finalize(vm), "vCPU")
        tdx.check(tdx.tdx_vcpu_create(byref(vcpu), vm))
        e = abi.tdx_exit.new()
        expect_state(tdx.tdx_vcpu_run(vcpu, byref(e)), "tdx_vm_finalize")
        mm, addr = page_buffer(bytes(4096))
        tdx.check(tdx.tdx_vm_add_private_memory(vm, IMAGE_GPA, 4096))
        expect_state(tdx.tdx_vm_init_mem_region(vcpu, addr, IMAGE_GPA, 1, 1), "tdx_vcpu_init")
        with pytest.raises(tdx.TdxError) as ei:
            tdx.check(tdx.tdx_vm_finalize(vm), "tdx_vm_finalize")
        assert ei.value.code == tdx.TDX_E_STATE and "order" in ei.value.message
    finally:
        tdx.tdx_vcpu_close(vcpu)
        tdx.tdx_vm_close(vm)


def test_struct_abi_rules():
    """sz = 0 is refused; a longer struct with a zero tail is accepted, with
    a non-zero byte in the tail TDX_E_ABI_MISMATCH."""
    with tdx.guest("emu") as g:
        size = sizeof(abi.tdx_vp_info)
        buf = (c_uint8 * (size + 16))()
        info = abi.tdx_vp_info.from_buffer(buf)
        info.sz = 0
        assert tdx.tdx_tdg_vp_info(g, byref(info)) == tdx.TDX_E_INVALID
        info.sz = size + 16
        assert tdx.tdx_tdg_vp_info(g, byref(info)) == tdx.TDX_OK
        assert info.gpaw == 48
        buf[size + 9] = 1
        assert tdx.tdx_tdg_vp_info(g, byref(info)) == tdx.TDX_E_ABI_MISMATCH
        assert "newer" in msg()
        # an older, shorter struct: only its part is written
        buf2 = (c_uint8 * size)(*([0xEE] * size))
        short = abi.tdx_vp_info.from_buffer(buf2)
        short.sz = 16
        assert tdx.tdx_tdg_vp_info(g, byref(short)) == tdx.TDX_OK
        assert short.gpaw == 48 and bytes(buf2[16:]) == b"\xee" * (size - 16)


# ---------------------------------------------------------------------------
# the sanitizer run is live
# ---------------------------------------------------------------------------

def _asan_loaded():
    try:
        ctypes.CDLL(None).__asan_init
        return True
    except AttributeError:
        return False


@pytest.mark.skipif(not _asan_loaded(), reason="libtdx is not an ASan build (plain run)")
def test_sanitizer_catches_a_caller_overflow():
    """Under scripts/test-ctypes.sh on the -DTDX_SANITIZE=ON build, ASan must
    really watch libtdx's accesses from Python: a caller that lies about its
    buffer (16 bytes, *len = 1024) makes the library overrun it, and the
    process must die with ASan's report rather than carry on."""
    import subprocess
    import sys
    code = (
        "import ctypes, tdx_ctypes as t\n"
        "libc = ctypes.CDLL(None); libc.malloc.restype = ctypes.c_void_p\n"
        "libc.malloc.argtypes = [ctypes.c_size_t]\n"
        "g = t.guest_open('emu')\n"
        "buf = ctypes.cast(libc.malloc(16), ctypes.POINTER(ctypes.c_uint8))\n"
        "n = ctypes.c_size_t(1024)\n"
        "t.tdx_guest_get_report(g, t.u8_array(64), 64, buf, ctypes.byref(n))\n"
        "print('survived')\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert p.returncode != 0 and b"survived" not in p.stdout
    assert b"AddressSanitizer: heap-buffer-overflow" in p.stderr, p.stderr[-2000:]
