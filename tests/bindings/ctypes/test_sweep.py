# SPDX-License-Identifier: MIT
"""The bad-input sweep: every exported libtdx function, called through
tdx_ctypes with bad inputs wherever the API allows a check.

SWEEP maps each function name to a list of Case(label, args-builder,
expect).  The builder gets the session's Ctx (valid emulated handles for
the arguments that are not under test) and returns the argument tuple.
What a case must show depends on the function's return type:

  tdx_status  a negative code (expect: that TDX_E_* code, or a predicate on
              it), tdx_error_last() recording that code with a non-empty
              message;
  a pointer   NULL (or 0 for a value) and an error recorded (code != 0,
  or value    non-empty message) -- or, with Total(pred), a defined result
              for functions that take any input (tdx_strerror(9999), ...);
  void        NULL accepted (close/free), nothing more to see.

Never a crash: under scripts/test-ctypes.sh the sanitizer build runs this
with ASan+UBSan preloaded, and $TDX_SWEEP_TRACE names a file that always
holds the case being called, so a crash can be pinned on one call.

test_sweep_covers_every_export fails when libtdx.map exports a function
the table does not sweep.  Library defects found by the sweep are entries
with xfail=reason (pytest.mark.xfail(strict=True)): they must keep failing
until the library is fixed, then the mark goes.
"""
import ctypes
import mmap
import os
import re
from ctypes import POINTER, byref, c_char, c_size_t, c_uint, c_uint8, c_uint32, c_uint64
from pathlib import Path

import pytest

import tdx_ctypes as tdx
from tdx_ctypes import abi

ROOT = Path(__file__).resolve().parents[3]
MAP = ROOT / "libtdx" / "libtdx.map"

E = tdx  # codes: E.TDX_E_INVALID, ...

# Emulated TD geometry (docs/emulator.md): 64 MiB at GPA 0, the first 32 MiB
# accepted, GPAW 48; libtdx's own scratch is the last 64 KiB below 32 MiB.
BUF = 0x100000            # private, accepted, unused by libtdx
PENDING = 0x2000000       # the first pending page
OUTSIDE = 1 << 40         # outside the TD's memory
SHARED = 1 << 47          # the shared bit
# The emulated host's TD (as tests/abi-ffi/manifest_host.inc builds it).
IMAGE_GPA = 0xFFFFC000
IMAGE_PAGES = 4
SHARED_GPA = 0x10000000
RAM_GPA, RAM_SIZE = 0x200000, (64 << 20) - 0x200000  # the emulated TD's RAM
U64_MAX = 2**64 - 1
U32_MAX = 2**32 - 1


# ---------------------------------------------------------------------------
# the machinery
# ---------------------------------------------------------------------------

class Total:
    """Expectation for a function that accepts any input: pred(result)."""

    def __init__(self, pred, what):
        self.pred, self.what = pred, what


class Case:
    """label; build(ctx) -> args; expect: a TDX_E_* code, a predicate on the
    code, Total(...), or None (void); post(ctx, args) -> bool: a check of what
    the call left in its arguments; xfail: the reason of a known library
    defect."""

    def __init__(self, label, build, expect=E.TDX_E_INVALID, xfail=None, post=None):
        self.label, self.build, self.expect, self.xfail = label, build, expect, xfail
        self.post = post


def neg(rc):
    """Any error code."""
    return rc < 0


def one_of(*codes):
    def pred(rc):
        return rc in codes
    pred.__name__ = "one_of(" + ",".join(tdx.code_name(c) for c in codes) + ")"
    return pred


class Stage:
    """The emulated host's launch sequence, one step each."""
    OPENED, CREATED, INITIALIZED, MEMORY, VCPU, VCPU_INIT, IMAGE, FINALIZED, GUEST = range(1, 10)


class HostTD:
    def __init__(self):
        self.h = POINTER(abi.tdx_host)()
        self.vm = POINTER(abi.tdx_vm)()
        self.vcpu = POINTER(abi.tdx_vcpu)()
        self.g = POINTER(abi.tdx_guest)()
        self.src = None
        self.mm = None
        self.stage = 0

    def advance(self, stage):
        while self.stage < stage:
            s = self.stage + 1
            if s == Stage.OPENED:
                tdx.check(tdx.tdx_host_open(byref(self.h), b"emu"), "tdx_host_open")
            elif s == Stage.CREATED:
                tdx.check(tdx.tdx_vm_create(byref(self.vm), self.h, None), "tdx_vm_create")
            elif s == Stage.INITIALIZED:
                tdx.check(tdx.tdx_vm_init(self.vm, None), "tdx_vm_init")
            elif s == Stage.MEMORY:
                tdx.check(tdx.tdx_vm_add_private_memory(self.vm, IMAGE_GPA, IMAGE_PAGES * 4096))
                tdx.check(tdx.tdx_vm_add_shared_memory(self.vm, SHARED_GPA, 0x1000))
                tdx.check(tdx.tdx_vm_add_private_memory(self.vm, RAM_GPA, RAM_SIZE))  # TD RAM
            elif s == Stage.VCPU:
                tdx.check(tdx.tdx_vcpu_create(byref(self.vcpu), self.vm), "tdx_vcpu_create")
            elif s == Stage.VCPU_INIT:
                tdx.check(tdx.tdx_vcpu_init(self.vcpu, 0), "tdx_vcpu_init")
            elif s == Stage.IMAGE:
                self.mm, self.src = page_buffer(IMAGE_PAGES)
                tdx.check(tdx.tdx_vm_init_mem_region(self.vcpu, self.src, IMAGE_GPA,
                                                     IMAGE_PAGES, 1), "tdx_vm_init_mem_region")
            elif s == Stage.FINALIZED:
                tdx.check(tdx.tdx_vm_finalize(self.vm), "tdx_vm_finalize")
            elif s == Stage.GUEST:
                tdx.check(tdx.tdx_vm_guest(self.vm, byref(self.g)), "tdx_vm_guest")
            self.stage = s
        return self

    def close(self):
        tdx.tdx_guest_close(self.g)
        tdx.tdx_vcpu_close(self.vcpu)
        tdx.tdx_vm_close(self.vm)
        tdx.tdx_host_close(self.h)


def page_buffer(npages, offset=0):
    """(mmap, address + offset): 4 KiB-aligned memory for the host's image."""
    mm = mmap.mmap(-1, (npages + 1) * 4096)
    for i in range(npages * 4096):
        mm[i] = (i * 7 + 1) & 0xFF
    return mm, ctypes.addressof(c_char.from_buffer(mm)) + offset


def tdvf_image():
    """A td-shim-style image (legacy metadata location), as
    tests/abi-ffi/manifest_measure.inc builds it: BFV + TempMem."""
    img = bytearray((i * 13 + 1) & 0xFF for i in range(0x4000))
    desc = 0x3010
    img[desc - 16:desc] = bytes([0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
                                 0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae])
    le = int.to_bytes
    img[desc:desc + 16] = (le(0x46564454, 4, "little") + le(16 + 64, 4, "little") +
                           le(1, 4, "little") + le(2, 4, "little"))
    s = desc + 16
    img[s:s + 32] = (le(0x2000, 4, "little") + le(0x2000, 4, "little") +
                     le(0xFFFFE000, 8, "little") + le(0x2000, 8, "little") +
                     le(tdx.TDX_TDVF_SECTION_BFV, 4, "little") +
                     le(tdx.TDX_TDVF_ATTR_MR_EXTEND, 4, "little"))
    img[s + 32:s + 64] = (bytes(8) + le(0x800000, 8, "little") + le(0x1000, 8, "little") +
                          le(tdx.TDX_TDVF_SECTION_TEMP_MEM, 4, "little") + bytes(4))
    img[0x4000 - 0x20:0x4000 - 0x1C] = le(desc, 4, "little")
    return bytes(img)


def eventlog_bytes():
    """A CC event log: SHA-384-only spec-ID event, two events (MR index 1
    and 3), 0xFF padding (as tests/abi-ffi/manifest_eventlog.inc)."""
    le = int.to_bytes
    data = (b"Spec ID Event03\0" + bytes(4) + b"\0\2\0\2" + le(1, 4, "little") +
            b"\x0c\x00\x30\x00" + b"\0")
    log = le(0, 4, "little") + le(3, 4, "little") + bytes(20) + le(len(data), 4, "little") + data
    for mr, typ, fill, d in ((1, 0x80000008, 0x11, b"fw"), (3, 0x0D, 0x22, b"ipl")):
        log += (le(mr, 4, "little") + le(typ, 4, "little") + le(1, 4, "little") +
                b"\x0c\x00" + bytes([fill]) * 48 + le(len(d), 4, "little") + d)
    return log + b"\xff" * 64


def ccel_table_bytes():
    t = bytearray(56)
    t[0:4] = b"CCEL"
    t[4] = 56
    t[8] = 1
    t[36] = 2
    t[40:48] = (0x40000).to_bytes(8, "little")
    t[48:56] = (0xBEDBF000).to_bytes(8, "little")
    t[9] = (-sum(t)) & 0xFF
    return bytes(t)


class Ctx:
    """Valid handles for the arguments not under test, built once per
    module; objects a case's builder makes fresh (td(), mrtd(), ...) are
    released after that case."""

    def __init__(self, tmp):
        self.tmp = tmp
        self._after = []
        self.emu = POINTER(abi.tdx_emu)()
        tdx.check(tdx.tdx_emu_open(byref(self.emu), None))
        self.g = POINTER(abi.tdx_guest)()
        tdx.check(tdx.tdx_emu_guest(self.emu, byref(self.g)))
        self.report = tdx.get_report(self.g, bytes(range(64)))
        self.r = tdx.report_parse(self.report)
        self.quote = tdx.get_quote(self.g, bytes(range(64)))
        self.q = tdx.quote_parse(self.quote)
        # the same quote with outer certification data type 5 instead of 6
        # (no QE report): offset 48 header + 6 v5 descriptor + 648 body + 4
        # length + 64 signature + 64 key
        self.q5 = tdx.quote_parse(self.quote[:834] + b"\x05\x00" + self.quote[836:])
        with tdx.guest("emu:module=1.0") as g1:
            self.q4 = tdx.quote_parse(tdx.get_quote(g1, bytes(64)))
        self.image = tdvf_image()
        self.tdvf = POINTER(abi.tdx_tdvf)()
        img = tdx.u8_array(self.image)
        tdx.check(tdx.tdx_tdvf_parse(byref(self.tdvf), img, len(img)))
        self.tdvf_path = str(tmp / "tdvf.bin")
        Path(self.tdvf_path).write_bytes(self.image)
        self.zeros_path = str(tmp / "zeros.bin")
        Path(self.zeros_path).write_bytes(bytes(0x4000))
        self.empty_path = str(tmp / "empty.bin")
        Path(self.empty_path).write_bytes(b"")
        self.eventlog_data = eventlog_bytes()
        self.eventlog = POINTER(abi.tdx_eventlog)()
        ev = tdx.u8_array(self.eventlog_data)
        tdx.check(tdx.tdx_eventlog_parse(byref(self.eventlog), ev, len(ev)))
        self.ccel_table = ccel_table_bytes()
        self.host = HostTD().advance(Stage.GUEST)  # a launched TD, its guest side
        self.h = self.host.h
        # The quote verified with the emulator's root and collateral, and its PCK.
        n = c_size_t(0)
        tdx.tdx_emu_collateral(self.emu, 0, None, byref(n))
        buf = new(c_char * n.value)
        tdx.check(tdx.tdx_emu_collateral(self.emu, 0, buf, byref(n)))
        self.collateral = buf.value
        self.root = tdx.tdx_emu_root_ca_pem(self.emu)
        opts = sized(T.tdx_verify_opts, roots=ctypes.cast(ctypes.c_char_p(self.root),
                                                          POINTER(c_uint8)),
                     roots_len=len(self.root), collateral=self.collateral,
                     collateral_len=len(self.collateral))
        self.vr = POINTER(abi.tdx_verify_result)()
        tdx.check(tdx.tdx_quote_verify(self.q, opts, byref(self.vr)))
        self.pck = tdx.tdx_verify_result_pck(self.vr)

    # -- fresh objects ------------------------------------------------------
    def after(self, fn):
        self._after.append(fn)

    def cleanup_case(self):
        while self._after:
            self._after.pop()()

    def td(self, stage):
        """A fresh emulated-host TD taken to `stage`."""
        t = HostTD()
        self.after(t.close)
        return t.advance(stage)

    def mrtd(self, finalized=False):
        m = POINTER(abi.tdx_mrtd)()
        tdx.check(tdx.tdx_mrtd_new(byref(m)))
        self.after(lambda: tdx.tdx_mrtd_free(m))
        if finalized:
            tdx.check(tdx.tdx_mrtd_finalize(m, (c_uint8 * 48)()))
        return m

    def fresh_guest(self, spec=b"emu"):
        g = POINTER(abi.tdx_guest)()
        tdx.check(tdx.tdx_guest_open(byref(g), spec))
        self.after(lambda: tdx.tdx_guest_close(g))
        return g

    def emu_fatal(self):
        """A fresh emulator whose TD has reported a fatal error."""
        emu = POINTER(abi.tdx_emu)()
        g = POINTER(abi.tdx_guest)()
        tdx.check(tdx.tdx_emu_open(byref(emu), None))
        tdx.check(tdx.tdx_emu_guest(emu, byref(g)))
        self.after(lambda: (tdx.tdx_guest_close(g), tdx.tdx_emu_close(emu)))
        tdx.check(tdx.tdx_tdvmcall_report_fatal_error(g, 7, b"boom", 0))
        return emu

    def uninit_vcpu(self):
        """A vCPU never initialised, of a TD finalized through another vCPU."""
        t = self.td(Stage.VCPU_INIT)
        v = POINTER(abi.tdx_vcpu)()
        tdx.check(tdx.tdx_vcpu_create(byref(v), t.vm))
        self.after(lambda: tdx.tdx_vcpu_close(v))
        t.advance(Stage.FINALIZED)
        return v

    def unset_env(self, name):
        old = os.environ.pop(name, None)
        if old is not None:
            self.after(lambda: os.environ.__setitem__(name, old))

    def close(self):
        self.cleanup_case()
        tdx.tdx_verify_result_free(self.vr)
        tdx.tdx_quote_free(self.q4)
        tdx.tdx_quote_free(self.q5)
        tdx.tdx_quote_free(self.q)
        tdx.tdx_report_free(self.r)
        tdx.tdx_tdvf_free(self.tdvf)
        tdx.tdx_eventlog_free(self.eventlog)
        tdx.tdx_guest_close(self.g)
        tdx.tdx_emu_close(self.emu)
        self.host.close()


# ---- argument helpers -----------------------------------------------------
#
# Every buffer handed to the library is a C heap block of exactly its size
# (libc malloc, which is ASan's when the sanitizer build is tested), so a
# read or write past what a case declares is caught; they are freed after
# the case.

_libc = ctypes.CDLL(None)
_libc.malloc.restype = ctypes.c_void_p
_libc.malloc.argtypes = [c_size_t]
_libc.free.restype = None
_libc.free.argtypes = [ctypes.c_void_p]
_ALLOCS = []


def new(ctype, *init, **fields):
    """A ctype instance in its own malloc'd block (zeroed, then set)."""
    n = ctypes.sizeof(ctype)
    addr = _libc.malloc(max(n, 1))
    assert addr, "malloc failed"
    _ALLOCS.append(addr)
    ctypes.memset(addr, 0, n)
    obj = ctype.from_address(addr)
    if init:
        if issubclass(ctype, ctypes.Array):
            obj[:len(init[0])] = init[0]
        else:
            obj.value = init[0]
    for k, v in fields.items():
        setattr(obj, k, v)
    return obj


def free_allocs():
    while _ALLOCS:
        _libc.free(_ALLOCS.pop())


def ref(ctype, *init, **fields):
    """byref to a new() instance: a T * argument."""
    return byref(new(ctype, *init, **fields))


def out(handle_type):
    """An out-parameter: the address of a NULL handle pointer."""
    return ref(POINTER(handle_type))


def sized(cls, sz=None, tail=False, **fields):
    """A growable struct: sz = sizeof (default), sz given (0: bad), or
    tail=True: 16 bytes longer with sz covering them and one of them
    non-zero (a field of a newer libtdx: TDX_E_ABI_MISMATCH)."""
    size = ctypes.sizeof(cls)
    raw = new(c_uint8 * (size + 16 if tail else size))
    s = cls.from_address(ctypes.addressof(raw))
    s.sz = size if sz is None else sz
    if tail:
        s.sz = size + 16
        raw[size + 5] = 0x5A
    for k, v in fields.items():
        setattr(s, k, v)
    return ctypes.pointer(s)


def u8(n_or_bytes):
    """uint8_t[n] (zeroed) or a copy of bytes, exactly that long."""
    if isinstance(n_or_bytes, int):
        return new(c_uint8 * n_or_bytes)
    data = bytes(n_or_bytes)
    return new(c_uint8 * len(data), data)


def chars(n):
    """char[n] for an output string."""
    return new(c_char * n)


def u64(v=0):
    return ref(c_uint64, v)


def size_p(v):
    return ref(c_size_t, v)


def u32_p(v):
    return ref(c_uint32, v)


def arr(ctype, n):
    return new(ctype * n)


def len_zeroed(i):
    """Post-condition: the size_t *len at argument i was set to 0."""
    def post(ctx, args):
        return args[i]._obj.value == 0
    post.__doc__ = f"*{'len'} (argument {i}) set to 0"
    return post


def len_is(i, pred, what):
    """Post-condition: the size_t/uint32_t at argument i satisfies pred."""
    def post(ctx, args):
        return pred(ctx, args[i]._obj.value)
    post.__doc__ = f"argument {i}: {what}"
    return post


def flipped(data, off):
    b = bytearray(data)
    b[off] ^= 0xFF
    return u8(b)


def patched(data, off, value):
    b = bytearray(data)
    b[off:off + len(value)] = value
    return u8(b)


def null_each(name, build_valid, pointer_positions, expect=E.TDX_E_INVALID, prefix="NULL "):
    """One case per pointer argument: that argument NULL, the others valid."""
    params = PARAM_NAMES.get(name)
    cases = []
    for i in pointer_positions:
        def b(ctx, i=i):
            args = list(build_valid(ctx))
            args[i] = None
            return tuple(args)
        label = prefix + (params[i] if params else f"arg{i}")
        cases.append(Case(label, b, expect))
    return cases


def header_param_names():
    names = {}
    for h in (ROOT / "libtdx" / "include" / "tdx").glob("*.h*"):
        text = re.sub(r"/\*.*?\*/", " ", h.read_text(), flags=re.S)
        for m in re.finditer(r"\b(tdx_\w+)\s*\(([^;]*?)\)\s*;", text, re.S):
            ps = " ".join(m.group(2).split())
            if ps in ("", "void"):
                continue
            names[m.group(1)] = [re.sub(r"\[.*?\]", "", p).replace("*", " ").split()[-1]
                                 for p in ps.split(",")]
    return names


PARAM_NAMES = header_param_names()


def init_cases(cls):
    """tdx_<type>_init(ptr, sz): NULL ptr, sz 0, sz smaller than the sz field."""
    return [
        Case("NULL ptr", lambda c: (None, ctypes.sizeof(cls))),
        Case("sz 0", lambda c: (sized(cls), 0)),
        Case("sz 4 (< sizeof sz)", lambda c: (sized(cls), 4)),
    ]


def struct_cases(build, pos, cls, label="struct"):
    """A growable struct argument at `pos` with sz 0 and with a non-zero tail."""
    def with_struct(ctx, s):
        args = list(build(ctx))
        args[pos] = s
        return tuple(args)
    return [
        Case(f"{label}.sz 0", lambda c: with_struct(c, sized(cls, 0))),
        Case(f"{label}.sz 7", lambda c: with_struct(c, sized(cls, 7))),
        Case(f"{label} unknown non-zero tail", lambda c: with_struct(c, sized(cls, tail=True)),
             E.TDX_E_ABI_MISMATCH),
    ]


def guest(ctx):
    return ctx.g


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------

T = abi
SWEEP = {}
#: int-returning functions whose 0 is a valid value: they fail with -1.
MINUS_ONE_ON_ERROR = frozenset({
    "tdx_pck_tcb_component", "tdx_pck_pcesvn", "tdx_pck_sgx_type", "tdx_pck_config",
    "tdx_verify_step_outcome", "tdx_verify_result_tcb_status", "tdx_verify_result_tcb_level"})
#: Functions that hand out their result when the verification itself fails.
RESULT_ON_FAILURE = frozenset({"tdx_quote_verify"})


def sweep(name, *cases):
    assert name not in SWEEP, name
    SWEEP[name] = [c for group in cases for c in (group if isinstance(group, list) else [group])]


# ---- foundation -----------------------------------------------------------

sweep("tdx_version",
      Case("all NULL", lambda c: (None, None, None), None),
      Case("major NULL", lambda c: (None, ref(ctypes.c_int), ref(ctypes.c_int)), None),
      Case("patch NULL", lambda c: (ref(ctypes.c_int), ref(ctypes.c_int), None), None))
sweep("tdx_version_string",
      Case("no input", lambda c: (), Total(lambda s: s and s.count(b".") == 2, "a version")))
sweep("tdx_error_last",
      Case("no input", lambda c: (), Total(lambda p: bool(p) and p.contents.message, "a record")))
sweep("tdx_error_clear",
      Case("no input", lambda c: (), None))
sweep("tdx_strerror",
      *[Case(f"code {v}", lambda c, v=v: (v,), Total(lambda s: bool(s), "a string"))
        for v in (1, -14, -999, 2**31 - 1, -2**31)])
sweep("tdx_layer_name",
      *[Case(f"layer {v}", lambda c, v=v: (v,), Total(lambda s: bool(s), "a string"))
        for v in (-1, 6, 2**31 - 1)])
sweep("tdx_module_status_name",
      *[Case(f"status 0x{v:x}", lambda c, v=v: (v,),
             Total(lambda s: s == b"TDX_UNKNOWN_STATUS", "TDX_UNKNOWN_STATUS"))
        for v in (U64_MAX, 0xC0FFEE0000000000)])
sweep("tdx_module_status_operand",
      *[Case(f"status 0x{v:x}", lambda c, v=v: (v,), Total(lambda s: s is None, "NULL"))
        for v in (0, 0xC0000100FFFFFFFF)])
sweep("tdx_vmcall_status_name",
      *[Case(f"status 0x{v:x}", lambda c, v=v: (v,),
             Total(lambda s: s == b"TDVMCALL_STATUS_UNKNOWN", "TDVMCALL_STATUS_UNKNOWN"))
        for v in (U64_MAX, 2, 0x8000000000000099)])
sweep("tdx_machine_info_init", init_cases(T.tdx_machine_info))
sweep("tdx_machine_probe",
      Case("NULL info", lambda c: (None,)),
      struct_cases(lambda c: (None,), 0, T.tdx_machine_info, "info"))

# ---- guest: handles -------------------------------------------------------

sweep("tdx_guest_open",
      Case("NULL out", lambda c: (None, b"emu")),
      Case("unknown backend", lambda c: (out(T.tdx_guest), b"bogus")),
      Case("backend name too long", lambda c: (out(T.tdx_guest), b"x" * 200 + b":y")),
      Case("emu: unknown key", lambda c: (out(T.tdx_guest), b"emu:bogus=1")),
      Case("emu: not key=value", lambda c: (out(T.tdx_guest), b"emu:module")),
      Case("emu: module=2.0", lambda c: (out(T.tdx_guest), b"emu:module=2.0")),
      Case("emu: gpaw=50", lambda c: (out(T.tdx_guest), b"emu:gpaw=50")),
      Case("emu: vcpu=1 of vcpus=1", lambda c: (out(T.tdx_guest), b"emu:vcpus=1,vcpu=1")),
      Case("emu: accepted > mem", lambda c: (out(T.tdx_guest), b"emu:mem=16M,accepted=32M")),
      Case("emu: l2=4", lambda c: (out(T.tdx_guest), b"emu:l2=4")),
      Case("emu: mrtd not hex", lambda c: (out(T.tdx_guest), b"emu:mrtd=zz")),
      Case("emu: state file in a missing directory",
           lambda c: (out(T.tdx_guest), b"emu:state=/nonexistent/dir/td.state"), neg),
      Case("emu: state file that is not a state file",
           lambda c: (out(T.tdx_guest), b"emu:state=" + c.zeros_path.encode())),
      Case("linux outside a TD", lambda c: (out(T.tdx_guest), b"linux:root=/nonexistent"),
           E.TDX_E_NO_DEVICE),
      Case("tdcall in a user process", lambda c: (out(T.tdx_guest), b"tdcall"), neg),
      Case("NULL backend, no $LIBTDX_BACKEND",
           lambda c: (c.unset_env("LIBTDX_BACKEND"), (out(T.tdx_guest), None))[1],
           one_of(E.TDX_E_NO_DEVICE, E.TDX_E_NOT_SUPPORTED)))
sweep("tdx_guest_open_custom",
      Case("NULL out", lambda c: (None, T.tdx_transport_fn(lambda ctx, r: 0), None)),
      Case("NULL fn", lambda c: (out(T.tdx_guest), T.tdx_transport_fn(), None)))
sweep("tdx_guest_close", Case("NULL", lambda c: (None,), None))
sweep("tdx_guest_backend_name", Case("NULL g", lambda c: (None,)))
sweep("tdx_guest_last_status",
      Case("NULL g", lambda c: (None,)))
sweep("tdx_vp_info_init", init_cases(T.tdx_vp_info))
sweep("tdx_ve_info_init", init_cases(T.tdx_ve_info))
sweep("tdx_page_attr_init", init_cases(T.tdx_page_attr))
sweep("tdx_l2_exit_init", init_cases(T.tdx_l2_exit))
sweep("tdx_guest_caps_init", init_cases(T.tdx_guest_caps))

# ---- guest: TDCALL leaves -------------------------------------------------

sweep("tdx_tdg_vp_vmcall",
      null_each("tdx_tdg_vp_vmcall", lambda c: (c.g, ref(T.tdx_regs, rcx=0xFC00)), [0, 1]),
      Case("RCX exposes RSP", lambda c: (c.g, ref(T.tdx_regs, rcx=0x10)), E.TDX_E_TDCALL),
      Case("RCX bits 63:32", lambda c: (c.g, ref(T.tdx_regs, rcx=1 << 40)), E.TDX_E_TDCALL),
      Case("unknown sub-function", lambda c: (c.g, ref(T.tdx_regs, rcx=0xFC00, r11=0x7777)),
           E.TDX_E_VMCALL))
sweep("tdx_tdg_vp_info",
      null_each("tdx_tdg_vp_info", lambda c: (c.g, sized(T.tdx_vp_info)), [0, 1]),
      struct_cases(lambda c: (c.g, None), 1, T.tdx_vp_info, "info"))
sweep("tdx_tdg_mr_rtmr_extend",
      Case("NULL g", lambda c: (None, BUF, 2)),
      Case("GPA not 64-byte aligned", lambda c: (c.g, BUF + 8, 2)),
      Case("index 4", lambda c: (c.g, BUF, 4), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("index UINT_MAX", lambda c: (c.g, BUF, U32_MAX), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("pending GPA", lambda c: (c.g, PENDING, 2), E.TDX_E_TDCALL),
      Case("shared GPA", lambda c: (c.g, BUF | SHARED, 2), E.TDX_E_TDCALL),
      Case("GPA outside the TD", lambda c: (c.g, OUTSIDE, 2), E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_veinfo_get",
      null_each("tdx_tdg_vp_veinfo_get", lambda c: (c.g, sized(T.tdx_ve_info)), [0, 1]),
      struct_cases(lambda c: (c.g, None), 1, T.tdx_ve_info, "info"),
      Case("no #VE pending", lambda c: (c.fresh_guest(), sized(T.tdx_ve_info)), E.TDX_E_TDCALL))
sweep("tdx_tdg_mr_report",
      Case("NULL g", lambda c: (None, BUF, BUF + 4096, 0)),
      Case("report GPA not 1024-byte aligned", lambda c: (c.g, BUF + 512, BUF + 4096, 0)),
      Case("data GPA not 64-byte aligned", lambda c: (c.g, BUF, BUF + 4096 + 8, 0)),
      Case("subtype 1", lambda c: (c.g, BUF, BUF + 4096, 1), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("pending report GPA", lambda c: (c.g, PENDING, BUF + 4096, 0), E.TDX_E_TDCALL),
      Case("shared data GPA", lambda c: (c.g, BUF, (BUF + 4096) | SHARED, 0), E.TDX_E_TDCALL),
      Case("GPA outside the TD", lambda c: (c.g, OUTSIDE, BUF + 4096, 0), E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_cpuidve_set",
      Case("NULL g", lambda c: (None, 0)),
      Case("reserved flag bits", lambda c: (c.g, 0x4), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("all flag bits", lambda c: (c.g, U64_MAX), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)))
sweep("tdx_tdg_mem_page_accept",
      Case("NULL g", lambda c: (None, PENDING, 0)),
      Case("GPA not 4K aligned", lambda c: (c.g, PENDING + 8, 0),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("GPA not 2M aligned for level 2M", lambda c: (c.g, PENDING + 4096, 1),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("level 1G", lambda c: (c.g, 0, 2), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("level 7", lambda c: (c.g, PENDING, 7), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("GPA outside the TD", lambda c: (c.g, OUTSIDE, 0), E.TDX_E_TDCALL))
sweep("tdx_tdg_vm_rd",
      null_each("tdx_tdg_vm_rd", lambda c: (c.g, tdx.TDX_MD_FIELD_NULL, 0, u64(), u64()), [0, 3]),
      Case("version 2", lambda c: (c.g, tdx.TDX_MD_FIELD_NULL, 2, u64(), u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("unknown field id", lambda c: (c.g, 0x9999000000000001, 0, u64(), None),
           E.TDX_E_TDCALL))
sweep("tdx_tdg_vm_wr",
      Case("NULL g", lambda c: (None, 0x9999000000000001, 0, U64_MAX, None)),
      Case("unknown field id", lambda c: (c.g, 0x9999000000000001, 0, U64_MAX, u64()),
           E.TDX_E_TDCALL),
      Case("null field id", lambda c: (c.g, tdx.TDX_MD_FIELD_NULL, 0, U64_MAX, u64()),
           E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_rd",
      null_each("tdx_tdg_vp_rd", lambda c: (c.g, tdx.TDX_MD_FIELD_NULL, u64(), u64()), [0, 2]),
      Case("unknown field id", lambda c: (c.g, 0x9999000000000001, u64(), None), E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_wr",
      Case("NULL g", lambda c: (None, 0x9999000000000001, 0, U64_MAX, None)),
      Case("unknown field id", lambda c: (c.g, 0x9999000000000001, 0, U64_MAX, u64()),
           E.TDX_E_TDCALL))
sweep("tdx_tdg_sys_rd",
      null_each("tdx_tdg_sys_rd", lambda c: (c.g, tdx.TDX_MD_FIELD_NULL, u64(), u64()), [0, 2]),
      Case("unknown field id", lambda c: (c.g, 0x9999000000000001, u64(), None), E.TDX_E_TDCALL),
      Case("host-only field (NUM_CMRS)", lambda c: (c.g, 0x9000000100000000, u64(), None),
           neg))
sweep("tdx_tdg_sys_rdall",
      # next_field_id is an optional output (the code accepts NULL): not swept as NULL
      null_each("tdx_tdg_sys_rdall", lambda c: (c.g, BUF, tdx.TDX_MD_FIELD_NULL, u64()), [0]),
      Case("list GPA not 4K aligned", lambda c: (c.g, BUF + 64, tdx.TDX_MD_FIELD_NULL, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("list GPA pending", lambda c: (c.g, PENDING, tdx.TDX_MD_FIELD_NULL, u64()),
           E.TDX_E_TDCALL),
      Case("list GPA outside", lambda c: (c.g, OUTSIDE, tdx.TDX_MD_FIELD_NULL, u64()),
           E.TDX_E_TDCALL),
      Case("unknown start field", lambda c: (c.g, BUF, 0x9999000000000001, u64()), E.TDX_E_TDCALL))
sweep("tdx_tdg_servtd_rd",
      null_each("tdx_tdg_servtd_rd",
                lambda c: (c.g, 0, tdx.TDX_MD_FIELD_NULL, arr(c_uint64, 4), u64(), u64()),
                [0, 3, 4]),
      Case("not a service TD (not bound)",
           lambda c: (c.g, 0, tdx.TDX_MD_FIELD_NULL, arr(c_uint64, 4), u64(), u64()),
           E.TDX_E_TDCALL),
      Case("binding handle 4095", lambda c: (c.g, 4095, tdx.TDX_MD_FIELD_NULL,
                                              arr(c_uint64, 4), u64(), u64()), E.TDX_E_TDCALL))
sweep("tdx_tdg_servtd_wr",
      null_each("tdx_tdg_servtd_wr",
                lambda c: (c.g, 0, 0x9999000000000001, arr(c_uint64, 4), 0, U64_MAX, u64()),
                [0, 3]),
      Case("not a service TD (not bound)",
           lambda c: (c.g, 0, 0x9999000000000001, arr(c_uint64, 4), 0, U64_MAX, u64()),
           E.TDX_E_TDCALL))
sweep("tdx_tdg_mr_verifyreport",
      Case("NULL g", lambda c: (None, BUF)),
      Case("GPA not 256-byte aligned", lambda c: (c.g, BUF + 64)),
      Case("zeroed REPORTMACSTRUCT", lambda c: (c.fresh_guest(), BUF), E.TDX_E_TDCALL),
      Case("GPA outside", lambda c: (c.g, OUTSIDE), E.TDX_E_TDCALL))
sweep("tdx_tdg_mem_page_attr_rd",
      null_each("tdx_tdg_mem_page_attr_rd", lambda c: (c.g, BUF, sized(T.tdx_page_attr)), [0, 2]),
      struct_cases(lambda c: (c.g, BUF, None), 2, T.tdx_page_attr, "attr"),
      Case("GPA outside", lambda c: (c.g, OUTSIDE, sized(T.tdx_page_attr)), E.TDX_E_TDCALL))
sweep("tdx_tdg_mem_page_attr_wr",
      null_each("tdx_tdg_mem_page_attr_wr",
                lambda c: (c.g, BUF, 0, 0, 0, sized(T.tdx_page_attr)), [0]),  # attr: optional
      struct_cases(lambda c: (c.g, BUF, 0, 0, 0, None), 5, T.tdx_page_attr, "attr"),
      Case("GPA not 4K aligned", lambda c: (c.g, BUF + 8, 0, 0, 0, sized(T.tdx_page_attr)),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("level 7", lambda c: (c.g, BUF, 7, 0, 0, sized(T.tdx_page_attr)),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("attributes for an absent L2 VM",
           lambda c: (c.g, BUF, 0, 0x8000 << 16, 0, sized(T.tdx_page_attr)), E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_enter",
      # exit_info is an optional output (the code accepts NULL)
      null_each("tdx_tdg_vp_enter", lambda c: (c.g, 1, 0, BUF, sized(T.tdx_l2_exit)), [0]),
      struct_cases(lambda c: (c.g, 1, 0, BUF, None), 4, T.tdx_l2_exit, "exit_info"),
      Case("VM 0", lambda c: (c.g, 0, 0, BUF, sized(T.tdx_l2_exit)),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("VM 4", lambda c: (c.g, 4, 0, BUF, sized(T.tdx_l2_exit)),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("VM 1 absent (no L2 VMs)", lambda c: (c.g, 1, 0, BUF, sized(T.tdx_l2_exit)),
           E.TDX_E_TDCALL),
      Case("state GPA not 256-byte aligned",
           lambda c: (c.fresh_guest(b"emu:l2=1"), 1, 0, BUF + 8, sized(T.tdx_l2_exit)),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)))
sweep("tdx_tdg_vp_invept",
      Case("NULL g", lambda c: (None, 2)),
      Case("bit 0 set", lambda c: (c.g, 1), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("absent VM", lambda c: (c.g, 2), E.TDX_E_TDCALL))
sweep("tdx_tdg_vp_invgla",
      null_each("tdx_tdg_vp_invgla", lambda c: (c.g, 1 << 52, u64()), [0, 2]),
      Case("VM 0", lambda c: (c.g, 0, u64()), one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)),
      Case("absent VM", lambda c: (c.g, 1 << 52, u64()), E.TDX_E_TDCALL),
      Case("reserved control bits", lambda c: (c.g, U64_MAX, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_TDCALL)))

# ---- guest: TDVMCALLs -----------------------------------------------------

sweep("tdx_tdvmcall_get_tdvmcall_info",
      null_each("tdx_tdvmcall_get_tdvmcall_info", lambda c: (c.g, 0, arr(c_uint64, 4)), [0, 2]),
      Case("leaf 7", lambda c: (c.g, 7, arr(c_uint64, 4)), E.TDX_E_VMCALL))
sweep("tdx_tdvmcall_map_gpa",
      Case("NULL g", lambda c: (None, PENDING | SHARED, 4096, None)),
      Case("GPA not 4K aligned", lambda c: (c.g, (PENDING + 8) | SHARED, 4096, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("size 0", lambda c: (c.g, PENDING | SHARED, 0, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("size not 4K multiple", lambda c: (c.g, PENDING | SHARED, 100, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("range outside the TD", lambda c: (c.g, OUTSIDE | SHARED, 4096, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("range wraps", lambda c: (c.g, U64_MAX - 4095, 8192, u64()),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)))
sweep("tdx_tdvmcall_get_quote",
      Case("NULL g", lambda c: (None, BUF | SHARED, 8192)),
      Case("size 0", lambda c: (c.g, BUF | SHARED, 0), one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("private buffer", lambda c: (c.g, BUF, 8192), one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("GPA not 4K aligned", lambda c: (c.g, (BUF + 8) | SHARED, 8192),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("outside the TD", lambda c: (c.g, OUTSIDE | SHARED, 8192),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)))
sweep("tdx_tdvmcall_report_fatal_error",
      Case("NULL g", lambda c: (None, 1, b"x", 0)),
      Case("message longer than 64 bytes", lambda c: (c.fresh_guest(), 1, b"m" * 100, 0)),
      Case("message GPA not 4K aligned", lambda c: (c.fresh_guest(), 1 << 63, b"x", BUF | SHARED | 8),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)))
sweep("tdx_tdvmcall_setup_event_notify_interrupt",
      Case("NULL g", lambda c: (None, 40)),
      *[Case(f"vector {v}", lambda c, v=v: (c.g, v), one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL))
        for v in (0, 31, 256, U32_MAX)])
sweep("tdx_tdvmcall_service",
      Case("NULL g", lambda c: (None, BUF | SHARED, (BUF + 4096) | SHARED, 0, 0)),
      Case("command GPA not 4K aligned",
           lambda c: (c.g, (BUF + 8) | SHARED, (BUF + 4096) | SHARED, 0, 0),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("private buffers", lambda c: (c.g, BUF, BUF + 4096, 0, 0),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("vector 300", lambda c: (c.g, BUF | SHARED, (BUF + 4096) | SHARED, 300, 0),
           one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)),
      Case("no services (valid call)",
           lambda c: (c.g, BUF | SHARED, (BUF + 4096) | SHARED, 0, 0), E.TDX_E_VMCALL))
sweep("tdx_tdvmcall_cpuid",
      null_each("tdx_tdvmcall_cpuid", lambda c: (c.g, 0, 0, arr(c_uint32, 4)), [0, 3]))
sweep("tdx_tdvmcall_hlt",
      Case("NULL g", lambda c: (None, 0)))
sweep("tdx_tdvmcall_io_read",
      null_each("tdx_tdvmcall_io_read", lambda c: (c.g, 0x3FD, 1, u32_p(0)), [0, 3]),
      *[Case(f"size {s}", lambda c, s=s: (c.g, 0x3FD, s, u32_p(0)),
             one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)) for s in (0, 3, 8, U32_MAX)])
sweep("tdx_tdvmcall_io_write",
      Case("NULL g", lambda c: (None, 0x80, 1, 0)),
      *[Case(f"size {s}", lambda c, s=s: (c.g, 0x80, s, 0),
             one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)) for s in (0, 3, 8)])
sweep("tdx_tdvmcall_rdmsr",
      null_each("tdx_tdvmcall_rdmsr", lambda c: (c.g, 0x1B, u64()), [0, 2]),
      Case("unknown MSR", lambda c: (c.g, 0xDEAD, u64()), E.TDX_E_VMCALL))
sweep("tdx_tdvmcall_wrmsr",
      Case("NULL g", lambda c: (None, 0x6E0, 0)),
      Case("unknown MSR", lambda c: (c.g, 0xDEAD, 0), E.TDX_E_VMCALL))
sweep("tdx_tdvmcall_mmio_read",
      null_each("tdx_tdvmcall_mmio_read", lambda c: (c.g, 0xFEB00000 | SHARED, 4, u64()), [0, 3]),
      *[Case(f"size {s}", lambda c, s=s: (c.g, 0xFEB00000 | SHARED, s, u64()),
             one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)) for s in (0, 3, 16)],
      Case("private GPA", lambda c: (c.g, BUF, 4, u64()), one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)))
sweep("tdx_tdvmcall_mmio_write",
      Case("NULL g", lambda c: (None, 0xFEB00000 | SHARED, 4, 0)),
      *[Case(f"size {s}", lambda c, s=s: (c.g, 0xFEB00000 | SHARED, s, 0),
             one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)) for s in (0, 3, 16)],
      Case("private GPA", lambda c: (c.g, BUF, 4, 0), one_of(E.TDX_E_INVALID, E.TDX_E_VMCALL)))
sweep("tdx_tdvmcall_wbinvd",
      Case("NULL g", lambda c: (None, 0)))
sweep("tdx_tdvmcall_pconfig",
      null_each("tdx_tdvmcall_pconfig", lambda c: (c.g, 0, 0, 0, 0, arr(c_uint64, 5)), [0, 5]),
      Case("unsupported (emulator)", lambda c: (c.g, 0, 0, 0, 0, arr(c_uint64, 5)),
           E.TDX_E_VMCALL))

# ---- guest: high level ----------------------------------------------------


def _report_args(c, data_len=64, cap=1024):
    return (c.g, u8(64), data_len, u8(1024), size_p(cap))


sweep("tdx_guest_get_report",
      null_each("tdx_guest_get_report", _report_args, [0, 1, 4]),
      Case("NULL report", lambda c: (c.g, u8(64), 64, None, size_p(1024)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(4, lambda c, n: n == 1024, "*len = 1024")),
      *[Case(f"report_data_len {n}", lambda c, n=n: _report_args(c, data_len=n))
        for n in (0, 63, 65, U64_MAX)],
      *[Case(f"*len {n}", lambda c, n=n: _report_args(c, cap=n), E.TDX_E_BUFFER_TOO_SMALL,
             post=len_is(4, lambda c, n: n == 1024, "*len = 1024")) for n in (0, 1023)])


def _quote_args(c, data_len=64, cap=16384):
    return (c.g, u8(64), data_len, u8(16384), size_p(cap))


sweep("tdx_guest_get_quote",
      null_each("tdx_guest_get_quote", _quote_args, [0, 1, 4]),
      Case("NULL quote", lambda c: (c.g, u8(64), 64, None, size_p(16384)),
           E.TDX_E_BUFFER_TOO_SMALL,
           post=len_is(4, lambda c, n: n == len(c.quote), "*len = the quote's size")),
      *[Case(f"report_data_len {n}", lambda c, n=n: _quote_args(c, data_len=n))
        for n in (0, 63, 65)],
      *[Case(f"*len {n}", lambda c, n=n: _quote_args(c, cap=n), E.TDX_E_BUFFER_TOO_SMALL,
             post=len_is(4, lambda c, n: n == len(c.quote), "*len = the quote's size"))
        for n in (0, 100)])
sweep("tdx_guest_rtmr_extend",
      null_each("tdx_guest_rtmr_extend", lambda c: (c.g, 2, u8(48), 48), [0, 2]),
      *[Case(f"digest_len {n}", lambda c, n=n: (c.g, 2, u8(64), n)) for n in (0, 47, 49)],
      *[Case(f"index {i}", lambda c, i=i: (c.g, i, u8(48), 48)) for i in (4, U32_MAX)])
sweep("tdx_guest_rtmr_read",
      null_each("tdx_guest_rtmr_read", lambda c: (c.g, 2, u8(48), 48), [0, 2]),
      *[Case(f"rtmr_len {n}", lambda c, n=n: (c.g, 2, u8(64), n)) for n in (0, 47, 49)],
      Case("rtmr_len SIZE_MAX", lambda c: (c.g, 2, u8(48), U64_MAX)),
      *[Case(f"index {i}", lambda c, i=i: (c.g, i, u8(48), 48)) for i in (4, U32_MAX)])
sweep("tdx_guest_get_eventlog",
      null_each("tdx_guest_get_eventlog", lambda c: (c.g, u8(64), size_p(64)), [0, 2]),
      Case("no event log (emulator)", lambda c: (c.g, u8(64), size_p(64)),
           E.TDX_E_NOT_SUPPORTED),
      Case("NULL log, *len 0 (emulator)", lambda c: (c.g, None, size_p(0)),
           E.TDX_E_NOT_SUPPORTED),
      Case("*len SIZE_MAX (emulator)", lambda c: (c.g, u8(64), size_p(U64_MAX)),
           E.TDX_E_NOT_SUPPORTED))
sweep("tdx_guest_capabilities",
      null_each("tdx_guest_capabilities", lambda c: (c.g, sized(T.tdx_guest_caps)), [0, 1]),
      struct_cases(lambda c: (c.g, None), 1, T.tdx_guest_caps, "caps"))
sweep("tdx_guest_verify_report",
      null_each("tdx_guest_verify_report", lambda c: (c.g, u8(c.report), 1024), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: (c.g, u8(c.report + bytes(8)), n)) for n in (0, 1023, 1025)],
      Case("all zero", lambda c: (c.g, u8(1024), 1024), E.TDX_E_VERIFY),
      Case("report data flipped (MAC)", lambda c: (c.g, flipped(c.report, 128), 1024), E.TDX_E_VERIFY),
      Case("TEE_TCB_INFO flipped", lambda c: (c.g, flipped(c.report, 300), 1024), E.TDX_E_VERIFY),
      Case("TDINFO flipped", lambda c: (c.g, flipped(c.report, 600), 1024), E.TDX_E_VERIFY),
      Case("reserved byte set", lambda c: (c.g, flipped(c.report, 500), 1024), E.TDX_E_VERIFY))

# ---- emulator -------------------------------------------------------------

sweep("tdx_emu_config_init", init_cases(T.tdx_emu_config))
sweep("tdx_emu_config_parse",
      Case("NULL cfg", lambda c: (None, b"gpaw=52")),
      struct_cases(lambda c: (None, b"gpaw=52"), 0, T.tdx_emu_config, "cfg"),
      *[Case(f"spec {s!r}", lambda c, s=s: (sized(T.tdx_emu_config), s)) for s in (
          b"bogus=1", b"gpaw", b"module=2.0", b"mrtd=zz", b"mrtd=00", b"mem=12Q",
          b"vcpus=abc", b"vcpus=70000", b"attributes=0x1g", b"=", b",,=1")],
      Case("spec longer than 2047 bytes", lambda c: (sized(T.tdx_emu_config), b"a" * 5000)),
      Case("state path longer than state_file",
           lambda c: (sized(T.tdx_emu_config), b"state=/" + b"p" * 1100)))


sweep("tdx_emu_open",
      Case("NULL out", lambda c: (None, None)),
      struct_cases(lambda c: (out(T.tdx_emu), None), 1, T.tdx_emu_config, "cfg"),
      *[Case(f"cfg {kw}", lambda c, kw=kw: (out(T.tdx_emu), sized(T.tdx_emu_config, **kw)),
             one_of(E.TDX_E_INVALID, E.TDX_E_NOT_SUPPORTED)) for kw in (
          {"module_version": 99}, {"gpaw": 50}, {"num_vcpus": 2, "vcpu_index": 2},
          {"num_l2_vms": 4}, {"module_version": 10, "num_l2_vms": 1},
          {"mem_size": 1 << 20, "accepted_size": 2 << 20}, {"mem_size": 4095},
          {"accepted_size": 4096})],
      *[Case(f"cfg {kw}", lambda c, kw=kw: (out(T.tdx_emu), sized(T.tdx_emu_config, **kw)),
             one_of(E.TDX_E_INVALID, E.TDX_E_NOT_SUPPORTED))
        for kw in ({"attributes": 1 << 1}, {"xfam": 1 << 63}, {"xfam": 0x4})],
      Case("cfg state_file unterminated", lambda c: (out(T.tdx_emu), sized(T.tdx_emu_config,
          state_file=b"s" * 1024)), neg),
      Case("cfg state file in a missing directory", lambda c: (out(T.tdx_emu), sized(T.tdx_emu_config,
          state_file=b"/nonexistent/dir/x")), neg),
      Case("cfg state file that is no state file", lambda c: (out(T.tdx_emu), sized(T.tdx_emu_config,
          state_file=c.zeros_path.encode()))),
      Case("cfg state file empty", lambda c: (out(T.tdx_emu), sized(T.tdx_emu_config,
          state_file=c.empty_path.encode()))))
sweep("tdx_emu_close", Case("NULL", lambda c: (None,), None))
sweep("tdx_emu_guest",
      null_each("tdx_emu_guest", lambda c: (c.emu, out(T.tdx_guest)), [0, 1]))
for _n in ("tdx_emu_mem_read", "tdx_emu_mem_write"):
    sweep(_n,
          null_each(_n, lambda c: (c.emu, BUF, chars(16), 16), [0, 2]),
          Case("range outside the TD", lambda c: (c.emu, OUTSIDE, chars(16), 16)),
          Case("range ends past the TD",
               lambda c: (c.emu, (64 << 20) - 8, chars(16), 16)),
          Case("range wraps", lambda c: (c.emu, U64_MAX - 7, chars(16), 16)),
          Case("len SIZE_MAX", lambda c: (c.emu, BUF, chars(16), U64_MAX)))
sweep("tdx_emu_inject_ve",
      null_each("tdx_emu_inject_ve", lambda c: (c.emu, sized(T.tdx_ve_info)), [0, 1]),
      struct_cases(lambda c: (c.emu, None), 1, T.tdx_ve_info, "ve"))
sweep("tdx_emu_fatal_error",
      Case("NULL emu", lambda c: (None, u64(), chars(128), size_p(128))),
      Case("no fatal error reported", lambda c: (c.emu, u64(), chars(128),
                                                  size_p(128)), E.TDX_E_STATE),
      Case("NULL len", lambda c: (c.emu_fatal(), u64(), chars(128), None)),
      Case("NULL message", lambda c: (c.emu_fatal(), u64(), None, size_p(128)),
           E.TDX_E_BUFFER_TOO_SMALL),
      Case("*len 2", lambda c: (c.emu_fatal(), u64(), chars(2), size_p(2)),
           E.TDX_E_BUFFER_TOO_SMALL))
sweep("tdx_emu_event_notify",
      Case("NULL emu", lambda c: (None, ref(c_uint), u64())))


def _console_emu(c):
    """The session's emulator, with something on its serial console."""
    tdx.check(tdx.tdx_tdvmcall_io_write(c.g, 0x3F8, 1, ord("x")))
    return c.emu


sweep("tdx_emu_console",
      Case("NULL emu", lambda c: (None, chars(64), size_p(64))),
      Case("NULL len", lambda c: (c.emu, chars(64), None)),
      Case("NULL buf with output", lambda c: (_console_emu(c), None, size_p(64)),
           E.TDX_E_BUFFER_TOO_SMALL),
      Case("*len 0 with output", lambda c: (_console_emu(c), chars(1),
                                            size_p(0)), E.TDX_E_BUFFER_TOO_SMALL))


def _emu_quote_args(c, report=None, rlen=1024, cap=16384):
    return (c.emu, u8(c.report if report is None else report), rlen, u8(16384), size_p(cap))


sweep("tdx_emu_quote",
      null_each("tdx_emu_quote", _emu_quote_args, [0, 1, 4]),
      Case("NULL quote", lambda c: (c.emu, u8(c.report), 1024, None, size_p(16384)),
           E.TDX_E_BUFFER_TOO_SMALL,
           post=len_is(4, lambda c, n: n == len(c.quote), "*len = the quote's size")),
      *[Case(f"report_len {n}", lambda c, n=n: _emu_quote_args(c, c.report + bytes(8), rlen=n))
        for n in (0, 1023, 1025)],
      Case("*len 100", lambda c: _emu_quote_args(c, cap=100), E.TDX_E_BUFFER_TOO_SMALL,
           post=len_is(4, lambda c, n: n == len(c.quote), "*len = the quote's size")),
      Case("altered report", lambda c: _emu_quote_args(c, report=bytes(flipped(c.report, 600))),
           E.TDX_E_VERIFY),
      Case("report of another platform",
           lambda c: _emu_quote_args(c, report=tdx.get_report(c.fresh_guest(), bytes(64))),
           E.TDX_E_VERIFY),
      Case("all-zero report", lambda c: _emu_quote_args(c, report=bytes(1024)),
           one_of(E.TDX_E_VERIFY, E.TDX_E_INVALID)))
sweep("tdx_emu_root_ca_pem", Case("NULL emu", lambda c: (None,)))

# ---- host -----------------------------------------------------------------

sweep("tdx_host_open",
      Case("NULL out", lambda c: (None, b"emu")),
      Case("unknown backend", lambda c: (out(T.tdx_host), b"bogus")),
      Case("emu: unknown key", lambda c: (out(T.tdx_host), b"emu:bogus=1")),
      Case("kvm: missing device", lambda c: (out(T.tdx_host), b"kvm:/nonexistent/kvm"),
           one_of(E.TDX_E_NO_DEVICE, E.TDX_E_OS, E.TDX_E_PERM)),
      Case("kvm: not a KVM device", lambda c: (out(T.tdx_host), b"kvm:/dev/null"),
           E.TDX_E_NOT_SUPPORTED),
      Case("name too long", lambda c: (out(T.tdx_host), b"k" * 300)))
sweep("tdx_host_close", Case("NULL", lambda c: (None,), None))
sweep("tdx_host_backend_name", Case("NULL h", lambda c: (None,)))
sweep("tdx_host_info_init", init_cases(T.tdx_host_info))
sweep("tdx_host_probe",
      null_each("tdx_host_probe", lambda c: (c.h, sized(T.tdx_host_info)), [0, 1]),
      struct_cases(lambda c: (c.h, None), 1, T.tdx_host_info, "info"))
sweep("tdx_vm_opts_init", init_cases(T.tdx_vm_opts))


sweep("tdx_vm_create",
      null_each("tdx_vm_create", lambda c: (out(T.tdx_vm), c.h, None), [0, 1]),
      struct_cases(lambda c: (out(T.tdx_vm), c.h, None), 2, T.tdx_vm_opts, "opts"),
      *[Case(f"tsc_khz {k}", lambda c, k=k: (out(T.tdx_vm), c.h, sized(T.tdx_vm_opts, tsc_khz=k)))
        for k in (12345, 25000, 10025000, U32_MAX)])
sweep("tdx_vm_close", Case("NULL", lambda c: (None,), None))
sweep("tdx_vm_caps_init", init_cases(T.tdx_vm_caps))
sweep("tdx_vm_get_capabilities",
      null_each("tdx_vm_get_capabilities", lambda c: (c.host.vm, sized(T.tdx_vm_caps)), [0, 1]),
      struct_cases(lambda c: (c.host.vm, None), 1, T.tdx_vm_caps, "caps"))
sweep("tdx_vm_cpuid_config",
      null_each("tdx_vm_cpuid_config", lambda c: (c.host.vm, 0, ref(T.tdx_cpuid_entry)),
                [0, 2]),
      *[Case(f"index {i}", lambda c, i=i: (c.host.vm, i, ref(T.tdx_cpuid_entry)))
        for i in (16, U32_MAX)],
      Case("index 100 on a fresh VM",
           lambda c: (c.td(Stage.CREATED).vm, 100, ref(T.tdx_cpuid_entry))))
sweep("tdx_vm_init_opts_init", init_cases(T.tdx_vm_init_opts))


sweep("tdx_vm_init",
      Case("NULL vm", lambda c: (None, None)),
      struct_cases(lambda c: (c.td(Stage.CREATED).vm, None), 1, T.tdx_vm_init_opts, "opts"),
      Case("gpaw 50", lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts, gpaw=50))),
      Case("ncpuid 5, cpuid NULL", lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts, ncpuid=5))),
      Case("ncpuid 100000", lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts,
          ncpuid=100000, cpuid=arr(T.tdx_cpuid_entry, 1)))),
      Case("unsupported attribute (DEBUG)",
           lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts, attributes=tdx.TDX_TD_ATTR_DEBUG)), neg),
      Case("all attributes", lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts, attributes=U64_MAX)),
           neg),
      Case("unsupported xfam", lambda c: (c.td(Stage.CREATED).vm, sized(T.tdx_vm_init_opts, xfam=U64_MAX)), neg),
      Case("a second time", lambda c: (c.td(Stage.INITIALIZED).vm, None), E.TDX_E_STATE),
      Case("after finalize", lambda c: (c.host.vm, None), E.TDX_E_STATE))
for _n in ("tdx_vm_add_private_memory", "tdx_vm_add_shared_memory"):
    sweep(_n,
          Case("NULL vm", lambda c: (None, 0x20000000, 4096)),
          Case("GPA not 4K aligned", lambda c: (c.host.vm, 0x20000008, 4096)),
          Case("size 0", lambda c: (c.host.vm, 0x20000000, 0)),
          Case("size not 4K multiple", lambda c: (c.host.vm, 0x20000000, 100)),
          Case("range wraps", lambda c: (c.host.vm, U64_MAX - 4095, 8192)),
          Case("overlaps the image", lambda c: (c.host.vm, IMAGE_GPA, 4096)),
          Case("size beyond the address space", lambda c: (c.td(Stage.INITIALIZED).vm, 0,
                                                           1 << 62), neg))
for _n in ("tdx_vm_read", "tdx_vm_write"):
    sweep(_n,
          null_each(_n, lambda c: (c.host.vm, SHARED_GPA, chars(16), 16),
                    [0, 2]),
          Case("range not in the VM's memory (before finalize)",
               lambda c: (c.td(Stage.MEMORY).vm, 0x40000000, chars(16), 16)),
          Case("range past its region (before finalize)",
               lambda c: (c.td(Stage.MEMORY).vm, SHARED_GPA + 4090,
                          chars(16), 16)),
          Case("range wraps (before finalize)",
               lambda c: (c.td(Stage.MEMORY).vm, U64_MAX - 7, chars(16), 16)),
          Case("range outside the TD (after finalize)",
               lambda c: (c.host.vm, OUTSIDE, chars(16), 16)),
          Case("len SIZE_MAX", lambda c: (c.host.vm, SHARED_GPA, chars(16),
                                          U64_MAX)))
sweep("tdx_vcpu_create",
      null_each("tdx_vcpu_create", lambda c: (out(T.tdx_vcpu), c.td(Stage.INITIALIZED).vm), [0, 1]),
      Case("before tdx_vm_init", lambda c: (out(T.tdx_vcpu), c.td(Stage.CREATED).vm), E.TDX_E_STATE),
      Case("after finalize", lambda c: (out(T.tdx_vcpu), c.host.vm), E.TDX_E_STATE))
sweep("tdx_vcpu_close", Case("NULL", lambda c: (None,), None))
sweep("tdx_vcpu_init",
      Case("NULL vcpu", lambda c: (None, 0)),
      Case("a second time", lambda c: (c.td(Stage.VCPU_INIT).vcpu, 0), E.TDX_E_STATE),
      Case("after finalize", lambda c: (c.host.vcpu, 0), E.TDX_E_STATE))
sweep("tdx_vcpu_get_cpuid",
      null_each("tdx_vcpu_get_cpuid",
                lambda c: (c.td(Stage.VCPU_INIT).vcpu, arr(T.tdx_cpuid_entry, 256),
                           u32_p(256)), [0, 2]),
      Case("NULL entries, count 5", lambda c: (c.td(Stage.VCPU_INIT).vcpu, None,
                                               u32_p(5))),
      Case("count 1", lambda c: (c.td(Stage.VCPU_INIT).vcpu, arr(T.tdx_cpuid_entry, 1),
                                 u32_p(1)), E.TDX_E_BUFFER_TOO_SMALL,
           post=len_is(2, lambda c, n: n > 1, "*count = the number needed")),
      Case("after finalize", lambda c: (c.host.vcpu, arr(T.tdx_cpuid_entry, 256),
                                        u32_p(256)), E.TDX_E_STATE))


def _region(c, stage=Stage.VCPU_INIT, gpa=IMAGE_GPA, npages=1, src_offset=0, src=True):
    t = c.td(stage)
    if not src:
        return (t.vcpu, None, gpa, npages, 1)
    t.mm, addr = page_buffer(max(1, min(npages, 4)), src_offset)
    return (t.vcpu, addr, gpa, npages, 1)


sweep("tdx_vm_init_mem_region",
      Case("NULL vcpu", lambda c: (None,) + _region(c)[1:]),
      Case("NULL src", lambda c: _region(c, src=False)),
      Case("src not 4K aligned", lambda c: _region(c, src_offset=8)),
      Case("GPA not 4K aligned", lambda c: _region(c, gpa=IMAGE_GPA + 8)),
      Case("npages 0", lambda c: _region(c, npages=0)),
      Case("npages wraps the address space", lambda c: _region(c, npages=2**52)),
      Case("vCPU not initialised", lambda c: _region(c, stage=Stage.VCPU), E.TDX_E_STATE),
      Case("GPA not in private memory", lambda c: _region(c, gpa=0x40000000), neg),
      Case("GPA in shared memory", lambda c: _region(c, gpa=SHARED_GPA), neg),
      Case("runs past private memory", lambda c: _region(c, gpa=IMAGE_GPA + 0x3000, npages=2),
           neg),
      Case("page added twice", lambda c: _region(c, stage=Stage.IMAGE), neg),
      Case("after finalize", lambda c: (c.host.vcpu,) + _region(c)[1:], E.TDX_E_STATE))
sweep("tdx_vm_finalize",
      Case("NULL vm", lambda c: (None,)),
      Case("before tdx_vm_init", lambda c: (c.td(Stage.CREATED).vm,), E.TDX_E_STATE),
      Case("no vCPU", lambda c: (c.td(Stage.MEMORY).vm,), E.TDX_E_STATE),
      Case("vCPU not initialised", lambda c: (c.td(Stage.VCPU).vm,), E.TDX_E_STATE),
      Case("a second time", lambda c: (c.host.vm,), E.TDX_E_STATE))
sweep("tdx_vm_mrtd",
      null_each("tdx_vm_mrtd", lambda c: (c.host.vm, u8(48)), [0, 1]),
      Case("before finalize", lambda c: (c.td(Stage.IMAGE).vm, u8(48)), E.TDX_E_STATE))
sweep("tdx_exit_init", init_cases(T.tdx_exit))


def _noop_handler():
    return T.tdx_exit_handler(lambda ctx, vcpu, e: None)


sweep("tdx_vm_set_exit_handler",
      Case("NULL vm", lambda c: (None, _noop_handler(), None)))
sweep("tdx_vcpu_run",
      null_each("tdx_vcpu_run", lambda c: (c.host.vcpu, sized(T.tdx_exit)), [0, 1]),
      struct_cases(lambda c: (c.host.vcpu, None), 1, T.tdx_exit, "exit_info"),
      Case("before finalize", lambda c: (c.td(Stage.IMAGE).vcpu, sized(T.tdx_exit)), E.TDX_E_STATE),
      Case("vCPU not initialised (VM finalized)", lambda c: (c.uninit_vcpu(), sized(T.tdx_exit)),
           E.TDX_E_STATE))
sweep("tdx_vm_guest",
      null_each("tdx_vm_guest", lambda c: (c.td(Stage.FINALIZED).vm, out(T.tdx_guest)), [0, 1]),
      Case("before finalize", lambda c: (c.td(Stage.IMAGE).vm, out(T.tdx_guest)), E.TDX_E_STATE))
sweep("tdx_vm_emu",
      Case("NULL vm", lambda c: (None,)),
      Case("before tdx_vm_guest (documented NULL)", lambda c: (c.td(Stage.FINALIZED).vm,),
           Total(lambda p: not p, "NULL")))

# ---- report ---------------------------------------------------------------

sweep("tdx_report_parse",
      null_each("tdx_report_parse", lambda c: (out(T.tdx_report), u8(c.report), 1024), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: (out(T.tdx_report), u8(c.report + bytes(8)), n))
        for n in (0, 1023, 1025)],
      Case("type 0x00 (SGX)", lambda c: (out(T.tdx_report), patched(c.report, 0, b"\x00"), 1024)),
      Case("all 0xFF", lambda c: (out(T.tdx_report), u8(b"\xff" * 1024), 1024)))
sweep("tdx_report_free", Case("NULL", lambda c: (None,), None))
for _n in ("tdx_report_raw", "tdx_report_type", "tdx_report_subtype", "tdx_report_version",
           "tdx_report_cpusvn", "tdx_report_tee_tcb_info_hash", "tdx_report_tee_info_hash",
           "tdx_report_report_data", "tdx_report_mac", "tdx_report_mac_struct",
           "tdx_report_tee_tcb_valid", "tdx_report_tee_tcb_svn", "tdx_report_mrseam",
           "tdx_report_mrsignerseam", "tdx_report_seam_attributes", "tdx_report_tee_tcb_svn2",
           "tdx_report_attributes", "tdx_report_xfam", "tdx_report_mrtd", "tdx_report_mrconfigid",
           "tdx_report_mrowner", "tdx_report_mrownerconfig", "tdx_report_servtd_hash"):
    sweep(_n, Case("NULL report", lambda c: (None,)))
sweep("tdx_report_rtmr",
      Case("NULL report", lambda c: (None, 0)),
      *[Case(f"index {i}", lambda c, i=i: (c.r, i)) for i in (4, U32_MAX)])
sweep("tdx_td_attribute_name",  # a name lookup: NULL is its documented "no name"
      *[Case(f"bit {b}", lambda c, b=b: (b,), Total(lambda s: s is None, "NULL"))
        for b in (64, 1000, U32_MAX)])
sweep("tdx_report_to_json",
      Case("NULL report", lambda c: (None, chars(8192), size_p(8192))),
      Case("NULL len", lambda c: (c.r, chars(8192), None)),
      Case("NULL buf (size query)", lambda c: (c.r, None, size_p(8192)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(2, lambda c, n: n > 1000, "*len = the size needed")),
      *[Case(f"*len {n}", lambda c, n=n: (c.r, chars(64), size_p(n)),
             E.TDX_E_BUFFER_TOO_SMALL) for n in (0, 1, 64)])

# ---- quote ----------------------------------------------------------------


def _hdr(c, off, value):
    return (out(T.tdx_quote), patched(c.quote, off, value), len(c.quote))


sweep("tdx_quote_parse",
      null_each("tdx_quote_parse", lambda c: (out(T.tdx_quote), u8(c.quote), len(c.quote)), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: (out(T.tdx_quote), u8(c.quote), n))
        for n in (0, 1, 47, 48, 100, 700)],
      Case("truncated by one byte", lambda c: (out(T.tdx_quote), u8(c.quote), len(c.quote) - 1)),
      Case("version 3", lambda c: _hdr(c, 0, b"\x03\x00")),
      Case("version 0xFFFF", lambda c: _hdr(c, 0, b"\xff\xff")),
      Case("attestation key type 3", lambda c: _hdr(c, 2, b"\x03\x00"), E.TDX_E_NOT_SUPPORTED),
      Case("TEE type 0 (SGX)", lambda c: _hdr(c, 4, b"\x00\x00\x00\x00")),
      Case("v5 body type 7", lambda c: _hdr(c, 48, b"\x07\x00")),
      Case("v5 body size mismatch", lambda c: _hdr(c, 50, b"\x00\x01\x00\x00")),
      Case("v5 body size 0xFFFFFFFF", lambda c: _hdr(c, 50, b"\xff\xff\xff\xff")),
      Case("signature data length 0xFFFFFFFF",
           lambda c: _hdr(c, 48 + 6 + 648, b"\xff\xff\xff\xff")),
      Case("signature data length 0", lambda c: _hdr(c, 48 + 6 + 648, b"\x00\x00\x00\x00")),
      Case("certification data size 0xFFFFFFFF",
           lambda c: _hdr(c, 48 + 6 + 648 + 4 + 128 + 2, b"\xff\xff\xff\xff")),
      Case("all 0xFF", lambda c: (out(T.tdx_quote), u8(b"\xff" * 5000), 5000)),
      Case("all zero", lambda c: (out(T.tdx_quote), u8(5000), 5000)))
sweep("tdx_quote_free", Case("NULL", lambda c: (None,), None))
for _n in ("tdx_quote_version", "tdx_quote_att_key_type", "tdx_quote_tee_type",
           "tdx_quote_header_reserved", "tdx_quote_qe_vendor_id", "tdx_quote_user_data",
           "tdx_quote_body_type", "tdx_quote_body_size", "tdx_quote_body", "tdx_quote_tee_tcb_svn",
           "tdx_quote_mrseam", "tdx_quote_mrsignerseam", "tdx_quote_seam_attributes",
           "tdx_quote_td_attributes", "tdx_quote_xfam", "tdx_quote_mrtd", "tdx_quote_mrconfigid",
           "tdx_quote_mrowner", "tdx_quote_mrownerconfig", "tdx_quote_report_data",
           "tdx_quote_signature", "tdx_quote_attestation_key", "tdx_quote_cert_data_type",
           "tdx_quote_pck_cert_type", "tdx_quote_size", "tdx_quote_trailing_bytes"):
    sweep(_n, Case("NULL quote", lambda c: (None,)))
for _n in ("tdx_quote_qe_report", "tdx_quote_qe_report_signature"):
    sweep(_n,
          Case("NULL quote", lambda c: (None,)),
          Case("outer certification data type 5 (no QE report)", lambda c: (c.q5,)))
for _n in ("tdx_quote_tee_tcb_svn2", "tdx_quote_mrservicetd"):
    sweep(_n,
          Case("NULL quote", lambda c: (None,)),
          Case("v4 quote (body type 2)", lambda c: (c.q4,)))
sweep("tdx_quote_rtmr",
      Case("NULL quote", lambda c: (None, 0)),
      *[Case(f"index {i}", lambda c, i=i: (c.q, i)) for i in (4, U32_MAX)])
for _n in ("tdx_quote_signed_data", "tdx_quote_qe_auth_data", "tdx_quote_pck_chain"):
    sweep(_n,
          Case("NULL quote", lambda c: (None, size_p(7)), post=len_zeroed(1)),
          Case("NULL quote, NULL len", lambda c: (None, None)),
          *([Case("outer certification data type 5 (no QE report)", lambda c: (c.q5, size_p(7)),
                  post=len_zeroed(1))]
            if _n == "tdx_quote_qe_auth_data" else []))
sweep("tdx_quote_to_json",
      Case("NULL quote", lambda c: (None, chars(16384), size_p(16384))),
      Case("NULL len", lambda c: (c.q, chars(16384), None)),
      Case("NULL buf (size query)", lambda c: (c.q, None, size_p(16384)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(2, lambda c, n: n > 1000, "*len = the size needed")),
      *[Case(f"*len {n}", lambda c, n=n: (c.q, chars(64), size_p(n)),
             E.TDX_E_BUFFER_TOO_SMALL) for n in (0, 1, 64)])

# ---- verification ---------------------------------------------------------

def _vopts(c, **fields):
    return sized(T.tdx_verify_opts, at=1_800_000_000, **fields)


def _junk(data):
    return ctypes.cast(ctypes.c_char_p(data), POINTER(c_uint8))


sweep("tdx_emu_collateral",
      Case("NULL emu", lambda c: (None, 0, chars(65536), size_p(65536))),
      Case("NULL len", lambda c: (c.emu, 0, chars(65536), None)),
      Case("flags 4", lambda c: (c.emu, 4, chars(65536), size_p(65536))),
      Case("NULL buf (size query)", lambda c: (c.emu, 0, None, size_p(65536)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(3, lambda c, n: n == len(c.collateral) + 1,
                                                 "*len = the size needed")),
      *[Case(f"*len {n}", lambda c, n=n: (c.emu, 0, chars(64), size_p(n)),
             E.TDX_E_BUFFER_TOO_SMALL) for n in (0, 1, 64)])
sweep("tdx_pck_parse",
      null_each("tdx_pck_parse", lambda c: (out(T.tdx_pck), _junk(c.root), len(c.root)), [0, 1]),
      Case("len 0", lambda c: (out(T.tdx_pck), _junk(c.root), 0)),
      Case("not a certificate", lambda c: (out(T.tdx_pck), u8(b"hello"), 5)),
      Case("DER garbage", lambda c: (out(T.tdx_pck), u8(b"\x30\x82\xff\xff" + bytes(60)), 64)),
      Case("a root CA (no SGX extension)", lambda c: (out(T.tdx_pck), _junk(c.root),
                                                       len(c.root))))
sweep("tdx_pck_free", Case("NULL", lambda c: (None,), None))
for _n in ("tdx_pck_ppid", "tdx_pck_cpusvn", "tdx_pck_pcesvn", "tdx_pck_pceid", "tdx_pck_fmspc",
           "tdx_pck_sgx_type", "tdx_pck_platform_instance_id"):
    sweep(_n, Case("NULL p", lambda c: (None,)))
sweep("tdx_pck_tcb_component",
      Case("NULL p", lambda c: (None, 0)),
      *[Case(f"index {i}", lambda c, i=i: (c.pck, i)) for i in (16, U32_MAX)])
sweep("tdx_pck_config",
      Case("NULL p", lambda c: (None, 0)),
      *[Case(f"flag {i}", lambda c, i=i: (c.pck, i)) for i in (3, U32_MAX)])
sweep("tdx_tcb_status_name", *[Case(f"status {i}", lambda c, i=i: (i,)) for i in (-1, 11, 2**31 - 1)])
sweep("tdx_verify_step_name", *[Case(f"step {i}", lambda c, i=i: (i,)) for i in (-1, 11)])
sweep("tdx_verify_opts_init", init_cases(T.tdx_verify_opts))
sweep("tdx_quote_verify",
      Case("NULL q", lambda c: (None, _vopts(c), out(T.tdx_verify_result))),
      Case("NULL out", lambda c: (c.q, _vopts(c), None)),
      struct_cases(lambda c: (c.q, None, out(T.tdx_verify_result)), 1, T.tdx_verify_opts, "opts"),
      Case("roots_len without roots", lambda c: (c.q, _vopts(c, roots_len=5),
                                                 out(T.tdx_verify_result))),
      Case("roots without roots_len", lambda c: (c.q, _vopts(c, roots=_junk(c.root)),
                                                 out(T.tdx_verify_result))),
      Case("roots not certificates", lambda c: (c.q, _vopts(c, roots=_junk(b"junk"), roots_len=4),
                                                out(T.tdx_verify_result))),
      Case("crls not CRLs", lambda c: (c.q, _vopts(c, crls=_junk(b"junk"), crls_len=4),
                                       out(T.tdx_verify_result))),
      Case("collateral_len without collateral", lambda c: (c.q, _vopts(c, collateral_len=9),
                                                           out(T.tdx_verify_result))),
      Case("accept bit 31", lambda c: (c.q, _vopts(c, accept=1 << 31), out(T.tdx_verify_result))),
      Case("the default root refuses the emulator's chain", lambda c: (
          c.q, _vopts(c), out(T.tdx_verify_result)), E.TDX_E_CERT_CHAIN),
      Case("collateral not JSON", lambda c: (
          c.q, _vopts(c, roots=_junk(c.root), roots_len=len(c.root), collateral=b"{",
                      collateral_len=1), out(T.tdx_verify_result)), E.TDX_E_COLLATERAL),
      Case("collateral for another platform", lambda c: (
          c.q, _vopts(c, roots=_junk(c.root), roots_len=len(c.root),
                      collateral=c.collateral.replace(b"90C06F000000", b"00606A000000"),
                      collateral_len=len(c.collateral)), out(T.tdx_verify_result)),
           E.TDX_E_COLLATERAL))
sweep("tdx_verify_result_free", Case("NULL", lambda c: (None,), None))
sweep("tdx_verify_result_status", Case("NULL r", lambda c: (None,)))
for _n in ("tdx_verify_step_outcome", "tdx_verify_step_error", "tdx_verify_step_message"):
    sweep(_n,
          Case("NULL r", lambda c: (None, 0)),
          *[Case(f"step {i}", lambda c, i=i: (c.vr, i)) for i in (-1, 11, 2**31 - 1)])
for _n in ("tdx_verify_result_tcb_status", "tdx_verify_result_advisory_count",
           "tdx_verify_result_tcb_date", "tdx_verify_result_tcb_level",
           "tdx_verify_result_explanation", "tdx_verify_result_pck"):
    sweep(_n, Case("NULL r", lambda c: (None,)))
sweep("tdx_verify_result_advisory",
      Case("NULL r", lambda c: (None, 0)),
      *[Case(f"index {i}", lambda c, i=i: (c.vr, i)) for i in (0, U64_MAX)])
sweep("tdx_verify_result_to_json",
      Case("NULL r", lambda c: (None, chars(8192), size_p(8192))),
      Case("NULL len", lambda c: (c.vr, chars(8192), None)),
      Case("NULL buf (size query)", lambda c: (c.vr, None, size_p(8192)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(2, lambda c, n: n > 500, "*len = the size needed")),
      *[Case(f"*len {n}", lambda c, n=n: (c.vr, chars(64), size_p(n)),
             E.TDX_E_BUFFER_TOO_SMALL) for n in (0, 1, 64)])
sweep("tdx_intel_sgx_root_ca_pem",
      Case("no arguments: the built-in root", lambda c: (),
           Total(lambda r: r.startswith(b"-----BEGIN CERTIFICATE-----"), "a PEM certificate")))

# ---- measurement ----------------------------------------------------------

sweep("tdx_mrtd_new", Case("NULL out", lambda c: (None,)))
sweep("tdx_mrtd_free", Case("NULL", lambda c: (None,), None))
sweep("tdx_mrtd_page_add",
      Case("NULL m", lambda c: (None, 0)),
      Case("GPA not 4K aligned", lambda c: (c.mrtd(), 0x1008)),
      Case("after finalize", lambda c: (c.mrtd(finalized=True), 0x1000), E.TDX_E_STATE))
sweep("tdx_mrtd_extend",
      null_each("tdx_mrtd_extend", lambda c: (c.mrtd(), 0x1000, u8(256), 256), [0, 2]),
      Case("GPA not 256-byte aligned", lambda c: (c.mrtd(), 0x1008, u8(256), 256)),
      *[Case(f"len {n}", lambda c, n=n: (c.mrtd(), 0x1000, u8(512), n)) for n in (0, 255, 257)],
      Case("after finalize", lambda c: (c.mrtd(finalized=True), 0x1000, u8(256), 256),
           E.TDX_E_STATE))
sweep("tdx_mrtd_add_region",
      Case("NULL m", lambda c: (None, 0x1000, 1, u8(4096), 4096, 1)),
      Case("NULL data, len 4096, EXTEND", lambda c: (c.mrtd(), 0x1000, 1, None, 4096, 1)),
      Case("GPA not 4K aligned", lambda c: (c.mrtd(), 0x1008, 1, u8(4096), 4096, 1)),
      Case("npages 0", lambda c: (c.mrtd(), 0x1000, 0, u8(4096), 0, 1)),
      Case("len > npages * 4096", lambda c: (c.mrtd(), 0x1000, 1, u8(8192), 4097, 1)),
      Case("region wraps past 2^64", lambda c: (c.mrtd(), U64_MAX - 4095, 2, None, 0, 0)),
      Case("npages * 4096 overflows", lambda c: (c.mrtd(), 0, 2**53, None, 0, 0)),
      Case("unknown flag 0x4", lambda c: (c.mrtd(), 0x1000, 1, u8(4096), 4096, 0x4)),
      Case("after finalize", lambda c: (c.mrtd(finalized=True), 0x1000, 1, None, 0, 0),
           E.TDX_E_STATE))
sweep("tdx_mrtd_finalize",
      null_each("tdx_mrtd_finalize", lambda c: (c.mrtd(), u8(48)), [0, 1]),
      Case("a second time", lambda c: (c.mrtd(finalized=True), u8(48)), E.TDX_E_STATE))
sweep("tdx_measure_rtmr_extend",
      null_each("tdx_measure_rtmr_extend", lambda c: (u8(48), u8(48), 48), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: (u8(48), u8(64), n)) for n in (0, 47, 49, U64_MAX)])
sweep("tdx_td_info_init", init_cases(T.tdx_td_info))
sweep("tdx_measure_tee_info_hash",
      null_each("tdx_measure_tee_info_hash", lambda c: (sized(T.tdx_td_info), u8(48)), [0, 1]),
      struct_cases(lambda c: (None, u8(48)), 0, T.tdx_td_info, "info"))
sweep("tdx_tdvf_section_init", init_cases(T.tdx_tdvf_section))
sweep("tdx_tdvf_open",
      null_each("tdx_tdvf_open", lambda c: (out(T.tdx_tdvf), c.tdvf_path.encode()), [0, 1]),
      Case("missing file", lambda c: (out(T.tdx_tdvf), b"/nonexistent/ovmf.fd"),
           one_of(E.TDX_E_OS, E.TDX_E_NO_DEVICE, E.TDX_E_INVALID)),
      Case("a directory", lambda c: (out(T.tdx_tdvf), str(c.tmp).encode()), neg),
      Case("empty file", lambda c: (out(T.tdx_tdvf), c.empty_path.encode())),
      Case("no TDX metadata (zeros)", lambda c: (out(T.tdx_tdvf), c.zeros_path.encode())),
      Case("empty path", lambda c: (out(T.tdx_tdvf), b""), neg))


def _tdvf_bad(c, off, value):
    img = patched(c.image, off, value)
    return (out(T.tdx_tdvf), img, len(img))


sweep("tdx_tdvf_parse",
      null_each("tdx_tdvf_parse", lambda c: (out(T.tdx_tdvf), u8(c.image), len(c.image)), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: (out(T.tdx_tdvf), u8(c.image), n)) for n in (0, 1, 0x20)],
      Case("no TDX metadata (zeros)", lambda c: (out(T.tdx_tdvf), u8(0x4000), 0x4000)),
      Case("metadata offset past the image", lambda c: _tdvf_bad(c, 0x4000 - 0x20,
                                                                 b"\xf0\xff\xff\xff")),
      Case("metadata offset 0", lambda c: _tdvf_bad(c, 0x4000 - 0x20, b"\x00\x00\x00\x00")),
      Case("bad signature", lambda c: _tdvf_bad(c, 0x3010, b"XXXX")),
      Case("descriptor length huge", lambda c: _tdvf_bad(c, 0x3014, b"\xff\xff\xff\xff")),
      Case("version 2", lambda c: _tdvf_bad(c, 0x3018, b"\x02\x00\x00\x00")),
      Case("section count huge", lambda c: _tdvf_bad(c, 0x301C, b"\xff\xff\xff\xff")),
      Case("section count 0", lambda c: _tdvf_bad(c, 0x301C, b"\x00\x00\x00\x00")),
      Case("section data past the image", lambda c: _tdvf_bad(c, 0x3020, b"\x00\x00\x00\xff")),
      Case("section GPA not 4K aligned", lambda c: _tdvf_bad(c, 0x3028, b"\x08\xe0\xff\xff")),
      Case("section type 99", lambda c: _tdvf_bad(c, 0x3038, b"\x63\x00\x00\x00")),
      Case("section memory size < raw size", lambda c: _tdvf_bad(c, 0x3030, b"\x00\x10\x00\x00")),
      Case("all 0xFF", lambda c: (out(T.tdx_tdvf), u8(b"\xff" * 0x4000), 0x4000)))
sweep("tdx_tdvf_free", Case("NULL", lambda c: (None,), None))
sweep("tdx_tdvf_section_count", Case("NULL t", lambda c: (None,)))
sweep("tdx_tdvf_get_section",
      null_each("tdx_tdvf_get_section", lambda c: (c.tdvf, 0, sized(T.tdx_tdvf_section)), [0, 2]),
      struct_cases(lambda c: (c.tdvf, 0, None), 2, T.tdx_tdvf_section, "out"),
      *[Case(f"index {i}", lambda c, i=i: (c.tdvf, i, sized(T.tdx_tdvf_section)))
        for i in (2, U64_MAX)])
sweep("tdx_measure_tdvf",
      null_each("tdx_measure_tdvf", lambda c: (c.tdvf_path.encode(), 0, u8(48)), [0, 2]),
      Case("missing file", lambda c: (b"/nonexistent/ovmf.fd", 0, u8(48)), neg),
      Case("no TDX metadata (zeros)", lambda c: (c.zeros_path.encode(), 0, u8(48))),
      Case("empty file", lambda c: (c.empty_path.encode(), 0, u8(48))),
      Case("a directory", lambda c: (str(c.tmp).encode(), 0, u8(48)), neg),
      *[Case(f"flags 0x{f:x}", lambda c, f=f: (c.tdvf_path.encode(), f, u8(48)))
        for f in (0x1, 0x4, 0xFFFFFFFF)])


# ---- event log ------------------------------------------------------------

EV_DIGEST_COUNT = 0x41 + 8  # the first event's digest count
EV_FIRST_ALG = 0x41 + 12    # its first algorithm id


def _ev(c, n=None):
    return (out(T.tdx_eventlog), u8(c.eventlog_data), len(c.eventlog_data) if n is None else n)


def _ev_bad(c, off, value):
    log = patched(c.eventlog_data, off, value)
    return (out(T.tdx_eventlog), log, len(c.eventlog_data))


sweep("tdx_eventlog_parse",
      null_each("tdx_eventlog_parse", lambda c: _ev(c), [0, 1]),
      *[Case(f"len {n}", lambda c, n=n: _ev(c, n)) for n in (0, 1, 31, 0x44, 0x50, 0x9A)],
      Case("all zeros", lambda c: (out(T.tdx_eventlog), u8(256), 256)),
      Case("all 0xFF", lambda c: (out(T.tdx_eventlog), u8(b"\xff" * 256), 256)),
      Case("spec-ID signature", lambda c: _ev_bad(c, 32, b"X")),
      Case("spec-ID event size huge", lambda c: _ev_bad(c, 28, b"\xff\xff\xff\xff")),
      Case("spec-ID 0 algorithms", lambda c: _ev_bad(c, 56, b"\x00\x00\x00\x00")),
      Case("digest count huge", lambda c: _ev_bad(c, EV_DIGEST_COUNT, b"\xff\xff\xff\xff")),
      Case("unknown algorithm", lambda c: _ev_bad(c, EV_FIRST_ALG, b"\x0d\x00")),
      Case("event size huge", lambda c: _ev_bad(c, EV_FIRST_ALG + 50, b"\xff\xff\xff\x7f")))
sweep("tdx_eventlog_free", Case("NULL", lambda c: (None,), None))
sweep("tdx_eventlog_count", Case("NULL log", lambda c: (None,)))
sweep("tdx_event_init", init_cases(T.tdx_event))
sweep("tdx_eventlog_event",
      null_each("tdx_eventlog_event", lambda c: (c.eventlog, 0, sized(T.tdx_event)), [0, 2]),
      struct_cases(lambda c: (c.eventlog, 0, None), 2, T.tdx_event, "out"),
      *[Case(f"index {i}", lambda c, i=i: (c.eventlog, i, sized(T.tdx_event)))
        for i in (2, U64_MAX)])
sweep("tdx_eventlog_replay",
      null_each("tdx_eventlog_replay", lambda c: (c.eventlog, u8(192), 192), [0, 1]),
      *[Case(f"rtmr_len {n}", lambda c, n=n: (c.eventlog, u8(256), n))
        for n in (0, 48, 191, 193, U64_MAX)])
sweep("tdx_eventlog_check",
      null_each("tdx_eventlog_check", lambda c: (c.eventlog, u8(192), 192, ref(c_uint)), [0, 1]),
      *[Case(f"rtmr_len {n}", lambda c, n=n: (c.eventlog, u8(256), n, ref(c_uint)))
        for n in (0, 191, U64_MAX)],
      Case("all-zero RTMRs (mismatch)", lambda c: (c.eventlog, u8(192), 192, ref(c_uint)),
           E.TDX_E_VERIFY, post=lambda c, a: a[3]._obj.value == 0x5))
sweep("tdx_eventlog_to_json",
      Case("NULL log", lambda c: (None, chars(8192), size_p(8192))),
      Case("NULL len", lambda c: (c.eventlog, chars(8192), None)),
      Case("NULL buf (size query)", lambda c: (c.eventlog, None, size_p(8192)),
           E.TDX_E_BUFFER_TOO_SMALL, post=len_is(2, lambda c, n: n > 200, "*len = the size needed")),
      *[Case(f"*len {n}", lambda c, n=n: (c.eventlog, chars(64), size_p(n)),
             E.TDX_E_BUFFER_TOO_SMALL) for n in (0, 1, 64)])
sweep("tdx_ccel_table_init", init_cases(T.tdx_ccel_table))
sweep("tdx_ccel_table_parse",
      null_each("tdx_ccel_table_parse",
                lambda c: (sized(T.tdx_ccel_table), u8(c.ccel_table), 56), [0, 1]),
      struct_cases(lambda c: (None, u8(c.ccel_table), 56), 0, T.tdx_ccel_table, "out"),
      *[Case(f"len {n}", lambda c, n=n: (sized(T.tdx_ccel_table), u8(c.ccel_table), n))
        for n in (0, 36, 55)],
      Case("bad signature", lambda c: (sized(T.tdx_ccel_table),
                                       patched(c.ccel_table, 0, b"XCEL"), 56)),
      Case("bad checksum", lambda c: (sized(T.tdx_ccel_table),
                                      patched(c.ccel_table, 9, b"\x00"), 56)),
      Case("length 57 > buffer", lambda c: (sized(T.tdx_ccel_table),
                                            patched(c.ccel_table, 4, b"\x39"), 56)))


# ---------------------------------------------------------------------------
# running it
# ---------------------------------------------------------------------------

CASES = [(name, case) for name, cases in SWEEP.items() for case in cases]
KNOWN_FAILURES = [(n, c) for n, c in CASES if c.xfail]


def _params():
    for name, case in CASES:
        # raises=AssertionError: only the library's answer is the known
        # failure; a builder that stops working fails loudly instead
        marks = ([pytest.mark.xfail(strict=True, raises=AssertionError, reason=case.xfail)]
                 if case.xfail else [])
        yield pytest.param(name, case, id=f"{name}[{case.label}]", marks=marks)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    c = Ctx(tmp_path_factory.mktemp("sweep"))
    yield c
    c.close()


class Trace:
    """$TDX_SWEEP_TRACE always holds the case about to be called."""

    def __init__(self):
        path = os.environ.get("TDX_SWEEP_TRACE")
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if path else None

    def __call__(self, text):
        if self.fd is not None:
            data = (text + "\n").encode()
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)


TRACE = Trace()


_OUT_HANDLE_TYPES = {POINTER(POINTER(h)) for h in abi.HANDLES.values()}


def _describe(rc):
    e = tdx.tdx_error_last().contents
    return (f"returned {rc!r}; tdx_error_last: code {e.code} ({tdx.code_name(e.code)}), "
            f"layer {e.layer}, message {e.message!r}")


@pytest.mark.parametrize("name,case", list(_params()))
def test_sweep(ctx, name, case):
    fn = getattr(tdx, name)
    restype = abi.FUNCTIONS[name][0]
    try:
        args = case.build(ctx)
        tdx.tdx_error_clear()
        TRACE(f"{name}: {case.label}")
        try:
            result = fn(*args)
        finally:  # reached unless the process dies inside the call
            TRACE(f"{name}: {case.label} (returned)")
        e = tdx.tdx_error_last().contents
        code, message = e.code, e.message
        if restype is None:  # void: it accepted the input, which is all there is to see
            assert result is None
        elif isinstance(case.expect, Total):
            assert case.expect.pred(result), f"expected {case.expect.what}, {_describe(result)}"
        elif name in abi.STATUS_FUNCTIONS:
            assert result < 0, f"expected an error, {_describe(result)}"
            if isinstance(case.expect, int):
                assert result == case.expect, (f"expected {tdx.code_name(case.expect)}, "
                                               f"{_describe(result)}")
            elif callable(case.expect):
                assert case.expect(result), f"expected {case.expect.__name__}, {_describe(result)}"
            assert code == result, f"the error record does not match: {_describe(result)}"
            assert message and message != b"no error", f"no message: {_describe(result)}"
            for i, t in enumerate(abi.FUNCTIONS[name][1]):  # no half-made handle comes back
                if t in _OUT_HANDLE_TYPES and isinstance(args[i], type(byref(c_uint8()))):
                    if name in RESULT_ON_FAILURE and result <= E.TDX_E_QUOTE_FORMAT:
                        # a verdict, not a half-made handle: it explains the failure
                        assert args[i]._obj, f"argument {i}: no result for a failed verification"
                        tdx.tdx_verify_result_free(args[i]._obj)
                        continue
                    assert not args[i]._obj, f"argument {i} (**out) is not NULL after a failure"
        elif name in MINUS_ONE_ON_ERROR:  # values where 0 is valid: -1 and an error recorded
            assert result == -1, f"expected -1, {_describe(result)}"
            assert code < 0 and message and message != b"no error", _describe(result)
        else:  # a pointer or a value: NULL / 0 and an error recorded
            value = result if not isinstance(result, ctypes._Pointer) else bool(result)
            assert not value, f"expected NULL/0, {_describe(result)}"
            assert code < 0, f"expected an error recorded, {_describe(result)}"
            assert message and message != b"no error", f"no message: {_describe(result)}"
            if case.expect is not None and isinstance(case.expect, int):
                assert code == case.expect, _describe(result)
        if case.post:
            assert case.post(ctx, args), f"{case.post.__doc__ or 'post-condition'} failed"
    finally:
        ctx.cleanup_case()
        free_allocs()


def map_symbols():
    return re.findall(r"^\s+(tdx_\w+);", MAP.read_text(), re.M)


def test_sweep_covers_every_export(capsys):
    exported = map_symbols()
    missing = sorted(set(exported) - set(SWEEP))
    assert not missing, f"exported but not in the bad-input sweep: {missing}"
    unknown = sorted(set(SWEEP) - set(exported))
    assert not unknown, f"swept but not exported: {unknown}"
    assert all(SWEEP[n] for n in exported), "a function without a single case"
    assert set(SWEEP) == set(tdx.SYMBOLS)
    with capsys.disabled():
        print(f"\nbad-input sweep: {len(SWEEP)} functions, {len(CASES)} calls, "
              f"{len(KNOWN_FAILURES)} known library failures (xfail)")
        for n, c in KNOWN_FAILURES:
            print(f"  known failure: {n}[{c.label}]: {c.xfail}")
