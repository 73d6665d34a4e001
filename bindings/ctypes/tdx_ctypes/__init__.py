# SPDX-License-Identifier: MIT
"""tdx_ctypes: libtdx (libtdx.so.1) from Python through ctypes, no compiler.

The whole C ABI is declared (tdx_ctypes.abi): every exported function as a
module attribute with the header's argtypes/restype (tdx_ctypes.tdx_guest_open,
...), every public struct as a ctypes.Structure (growable ones have .new(),
the TDX_OPTS of C), the constants and the callback types.  Raw calls return
what C returns: a tdx_status int, a pointer, a value.

A small convenience layer sits on top: TdxError and check(rc), which turns a
negative status into TdxError filled from tdx_error_last(); guest_open,
get_report, get_quote, rtmr_extend, verify_report, vp_info, host_open, ...

Pointers: pass None for a NULL pointer argument, ctypes.byref(x) or an array
for an address; a NULL callback is the type called with no argument
(tdx_exit_handler()).  Returned `const uint8_t *` fields are read with
bytes_at(ptr, n).

The library loaded is $LIBTDX_PATH, else what ctypes.util.find_library("tdx")
finds, else "libtdx.so.1" from the dynamic linker's path.

    import tdx_ctypes as tdx
    g = tdx.guest_open("emu")
    try:
        report = tdx.get_report(g, bytes(64))
        quote = tdx.get_quote(g, bytes(64))
    finally:
        tdx.tdx_guest_close(g)
"""
import contextlib
import ctypes
import ctypes.util
import os

from . import abi  # noqa: F401  (tdx_ctypes.abi: the declarations alone)
from .abi import *  # noqa: F401,F403  (constants, structs, handles, callback types)
from .abi import CONSTANTS, FUNCTIONS, tdx_guest, tdx_host, tdx_quote, tdx_report, tdx_vp_info

__version__ = "1.0.0"

#: What was asked of the dynamic loader.
LIBRARY_PATH = os.environ.get("LIBTDX_PATH") or ctypes.util.find_library("tdx") or "libtdx.so.1"

try:
    lib = ctypes.CDLL(LIBRARY_PATH)
except OSError as e:  # pragma: no cover - depends on the machine
    raise ImportError(f"tdx_ctypes cannot load libtdx from {LIBRARY_PATH!r}: {e}; "
                      "install libtdx or set LIBTDX_PATH to its libtdx.so.1") from e

#: Every function name declared here (the whole ABI), in header order.
SYMBOLS = list(FUNCTIONS)
#: Declared functions the loaded library does not export (an older libtdx).
MISSING = []


def declared(name):
    """True when `name` is a function this module declares."""
    return name in FUNCTIONS


def _bind():
    g = globals()
    for name, (restype, argtypes) in FUNCTIONS.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            MISSING.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
        g[name] = fn


_bind()


# ---- errors ---------------------------------------------------------------

class TdxError(Exception):
    """A libtdx failure: the status code and the thread's tdx_error record."""

    def __init__(self, code, layer=TDX_LAYER_NONE, hw_status=0, errno=0, message="",
                 function=None):
        self.code = code
        self.layer = layer
        self.hw_status = hw_status
        self.errno = errno
        self.message = message
        self.function = function
        super().__init__(code, message)

    @property
    def name(self):
        """TDX_E_* name of the code ("TDX_E_UNKNOWN" if none)."""
        return code_name(self.code)

    def __str__(self):
        where = f"{self.function}: " if self.function else ""
        extra = f" (hw_status 0x{self.hw_status:x})" if self.hw_status else ""
        if self.errno:
            extra += f" (errno {self.errno})"
        return f"{where}{self.name}: {self.message}{extra}"


def code_name(code):
    for k, v in CONSTANTS.items():
        if v == code and (k.startswith("TDX_E_") or k == "TDX_OK"):
            return k
    return "TDX_E_UNKNOWN"


def last_error(function=None):
    """The calling thread's tdx_error_last() as a TdxError (not raised)."""
    e = tdx_error_last().contents
    msg = e.message.decode("utf-8", "replace") if e.message else ""
    return TdxError(e.code, e.layer, e.hw_status, e.os_errno, msg, function)


def check(rc, function=None):
    """Return rc when it is TDX_OK (or positive); raise TdxError otherwise."""
    if rc < 0:
        err = last_error(function)
        if err.code != rc:  # the record describes another failure: keep rc
            err = TdxError(rc, err.layer, err.hw_status, err.errno, err.message, function)
        raise err
    return rc


def check_ptr(ptr, function=None):
    """Return ptr when it is not NULL; raise the recorded TdxError otherwise."""
    if not ptr:
        err = last_error(function)
        raise err if err.code else TdxError(TDX_E_INVALID, message="NULL returned",
                                            function=function)
    return ptr


def strerror(code):
    return tdx_strerror(code).decode()


def version():
    """(major, minor, patch) of the loaded library."""
    a, b, c = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    tdx_version(ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
    return a.value, b.value, c.value


# ---- buffers --------------------------------------------------------------

def u8_array(data):
    """bytes -> a (c_uint8 * n) copy; an int -> n zero bytes."""
    if isinstance(data, int):
        return (ctypes.c_uint8 * data)()
    data = bytes(data)
    return (ctypes.c_uint8 * len(data)).from_buffer_copy(data) if data else (ctypes.c_uint8 * 0)()


def bytes_at(ptr, n):
    """n bytes at a returned pointer (None for NULL)."""
    return ctypes.string_at(ptr, n) if ptr else None


# ---- guest ----------------------------------------------------------------

def guest_open(spec=None):
    """A guest handle (POINTER(tdx_guest)); close it with tdx_guest_close."""
    g = ctypes.POINTER(tdx_guest)()
    check(tdx_guest_open(ctypes.byref(g), spec.encode() if isinstance(spec, str) else spec),
          "tdx_guest_open")
    return g


@contextlib.contextmanager
def guest(spec=None):
    """with tdx_ctypes.guest("emu") as g: ..."""
    g = guest_open(spec)
    try:
        yield g
    finally:
        tdx_guest_close(g)


def vp_info(g):
    info = tdx_vp_info.new()
    check(tdx_tdg_vp_info(g, ctypes.byref(info)), "tdx_tdg_vp_info")
    return info


def get_report(g, data=bytes(64)):
    """A 1024-byte TDREPORT for 64 bytes of report data."""
    out = (ctypes.c_uint8 * TDX_REPORT_SIZE)()
    n = ctypes.c_size_t(len(out))
    d = u8_array(data)
    check(tdx_guest_get_report(g, d, len(d), out, ctypes.byref(n)), "tdx_guest_get_report")
    return bytes(out)[:n.value]


def get_quote(g, data=bytes(64), capacity=16384):
    """A quote for 64 bytes of report data (the buffer grows if needed)."""
    d = u8_array(data)
    for _ in range(2):
        out = (ctypes.c_uint8 * capacity)()
        n = ctypes.c_size_t(capacity)
        rc = tdx_guest_get_quote(g, d, len(d), out, ctypes.byref(n))
        if rc == TDX_E_BUFFER_TOO_SMALL and n.value > capacity:
            capacity = n.value
            continue
        check(rc, "tdx_guest_get_quote")
        return bytes(out)[:n.value]
    raise TdxError(TDX_E_BUFFER_TOO_SMALL, message="the quote kept growing",
                   function="tdx_guest_get_quote")


def rtmr_extend(g, index, digest):
    d = u8_array(digest)
    check(tdx_guest_rtmr_extend(g, index, d, len(d)), "tdx_guest_rtmr_extend")


def verify_report(g, report):
    r = u8_array(report)
    check(tdx_guest_verify_report(g, r, len(r)), "tdx_guest_verify_report")


# ---- parsing --------------------------------------------------------------

def report_parse(buf):
    """POINTER(tdx_report); free it with tdx_report_free."""
    r = ctypes.POINTER(tdx_report)()
    b = u8_array(buf)
    check(tdx_report_parse(ctypes.byref(r), b, len(b)), "tdx_report_parse")
    return r


def quote_parse(buf):
    """POINTER(tdx_quote); free it with tdx_quote_free."""
    q = ctypes.POINTER(tdx_quote)()
    b = u8_array(buf)
    check(tdx_quote_parse(ctypes.byref(q), b, len(b)), "tdx_quote_parse")
    return q


def _to_json(fn, obj, name):
    n = ctypes.c_size_t(0)
    rc = fn(obj, None, ctypes.byref(n))
    if rc != TDX_E_BUFFER_TOO_SMALL:
        check(rc, name)
    buf = ctypes.create_string_buffer(n.value)
    check(fn(obj, buf, ctypes.byref(n)), name)
    return buf.value.decode()


def report_to_json(r):
    return _to_json(tdx_report_to_json, r, "tdx_report_to_json")


def quote_to_json(q):
    return _to_json(tdx_quote_to_json, q, "tdx_quote_to_json")


# ---- host and measurement -------------------------------------------------

def host_open(spec=None):
    """A host handle (POINTER(tdx_host)); close it with tdx_host_close."""
    h = ctypes.POINTER(tdx_host)()
    check(tdx_host_open(ctypes.byref(h), spec.encode() if isinstance(spec, str) else spec),
          "tdx_host_open")
    return h


def vm_mrtd(vm):
    out = (ctypes.c_uint8 * 48)()
    check(tdx_vm_mrtd(vm, out), "tdx_vm_mrtd")
    return bytes(out)


def measure_rtmr_extend(rtmr, digest):
    """SHA-384(rtmr || digest) as the TDX module computes it."""
    r = u8_array(rtmr)
    d = u8_array(digest)
    check(tdx_measure_rtmr_extend(r, d, len(d)), "tdx_measure_rtmr_extend")
    return bytes(r)
