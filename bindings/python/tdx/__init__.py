# SPDX-License-Identifier: MIT
"""libtdx for Python: Intel TDX from a Trust Domain and from its host.

    >>> import tdx
    >>> with tdx.Guest("emu") as g:
    ...     r = tdx.Report.parse(g.get_report(bytes(64)))

Every failure raises a tdx.Error subclass (tdx.StateError, tdx.NoDevice,
...) carrying libtdx's error record.  The whole C API is in tdx.lowlevel
under its C names (tdx.lowlevel.tdx_tdg_vm_rd, ...), also reachable as
tdx.<name>.
"""

from . import lowlevel
from .errors import (Error, InvalidArgument, NotSupported, NoDevice, PermissionDenied,
                     BufferTooSmall, Retry, TdcallError, VmcallError, OsError, StateError,
                     AbiMismatch, OutOfMemory, VerificationError, QuoteFormatError,
                     CertChainError, ExpiredError, QeReportSignatureError, QeReportDataError,
                     QuoteSignatureError, RevokedError, CollateralError, QeIdentityError,
                     TdxModuleError, TcbError)
from .guest import Guest, GuestCaps, VpInfo
from .emu import Emu
from .host import Host, Vm, Vcpu, Exit, HostInfo, VmCaps, CpuidEntry
from .parse import Report, Quote
from .eventlog import EventLog
from .verify import verify, VerifyResult, Pck
from . import measure


def _check_version():
    # The wrapper was generated from one major version's headers; another
    # major's library has a different ABI.
    built = lowlevel.TDX_VERSION_MAJOR
    major, _minor, _patch = lowlevel.tdx_version()
    if major != built:
        raise ImportError("tdx: the loaded libtdx is %s (major %d) but this module was "
                          "built for major %d; rebuild it against the installed libtdx"
                          % (lowlevel.tdx_version_string(), major, built))


_check_version()

#: the loaded libtdx's version ("MAJOR.MINOR.PATCH")
__version__ = lowlevel.tdx_version_string()


def __getattr__(name):
    # tdx.tdx_version_string, tdx.TDX_TD_ATTR_DEBUG, ...: the C names.
    if name.startswith(("tdx_", "TDX_")):
        try:
            return getattr(lowlevel, name)
        except AttributeError:
            pass
    raise AttributeError("module 'tdx' has no attribute %r" % name)


__all__ = [
    "lowlevel", "measure", "Error", "InvalidArgument", "NotSupported", "NoDevice",
    "PermissionDenied", "BufferTooSmall", "Retry", "TdcallError", "VmcallError", "OsError",
    "StateError", "AbiMismatch", "OutOfMemory", "VerificationError", "Guest", "GuestCaps",
    "VpInfo", "Emu", "Host", "Vm", "Vcpu", "Exit", "HostInfo", "VmCaps", "CpuidEntry", "Report",
    "Quote", "EventLog", "verify", "VerifyResult", "Pck", "QuoteFormatError", "CertChainError",
    "ExpiredError", "QeReportSignatureError", "QeReportDataError", "QuoteSignatureError",
    "RevokedError", "CollateralError", "QeIdentityError", "TdxModuleError", "TcbError",
]
