# SPDX-License-Identifier: MIT
"""The guest side: a TD's reports, quotes, RTMRs and TDG.VP.INFO."""

from dataclasses import dataclass
from typing import NamedTuple

from . import lowlevel as _ll
from ._handle import Handle


class VpInfo(NamedTuple):
    """TDG.VP.INFO.  (A NamedTuple, not a dataclass: vp_info() is a hot
    call and a tuple is several times cheaper to build.)"""
    gpaw: int               #: 48 or 52; the shared bit is 1 << (gpaw - 1)
    attributes: int         #: TD ATTRIBUTES (TDX_TD_ATTR_*)
    num_vcpus: int
    max_vcpus: int
    vcpu_index: int
    sys_rd_available: bool  #: TDG.SYS.RD/RDALL available


@dataclass(frozen=True)
class GuestCaps:
    """What a guest handle can do here (tdx_guest_capabilities)."""
    tdcall: bool       #: TDCALL leaves (tdx_tdg_*, tdx_tdvmcall_*)
    report: bool       #: get_report
    quote: bool        #: get_quote
    rtmr_read: bool    #: rtmr_read
    rtmr_extend: bool  #: rtmr_extend
    eventlog: bool     #: get_eventlog
    detail: str        #: for each missing one, why, in words


class Guest(Handle):
    """A guest handle: ``with tdx.Guest("emu") as g: ...``.

    backend: "tdcall", "emu[:key=value,...]", "linux[:...]", or None for
    $LIBTDX_BACKEND, else real TDX hardware (never the emulator unless
    chosen explicitly).
    """

    _close_fn = staticmethod(_ll.tdx_guest_close)

    def __init__(self, backend=None):
        super().__init__(_ll.tdx_guest_open(backend))

    @classmethod
    def _wrap(cls, handle, parent):
        """A Guest over a handle another object made (Emu.guest, Vm.guest)."""
        g = cls.__new__(cls)
        Handle.__init__(g, handle, parent)
        return g

    @property
    def backend(self):
        """"emu", "tdcall", ..."""
        return _ll.tdx_guest_backend_name(self.handle)

    @property
    def last_status(self):
        """The raw completion status (RAX) of the handle's last TDCALL."""
        return _ll.tdx_guest_last_status(self.handle)

    def get_report(self, report_data=bytes(64)):
        """A 1024-byte TDREPORT binding 64 bytes of report data."""
        return _ll.tdx_guest_get_report(self.handle, report_data)

    def get_quote(self, report_data=bytes(64)):
        """A quote (v4 or v5) for 64 bytes of report data."""
        return _ll.tdx_guest_get_quote(self.handle, report_data)

    def rtmr_extend(self, index, digest):
        """RTMR[index] = SHA-384(RTMR[index] || digest), digest 48 bytes."""
        _ll.tdx_guest_rtmr_extend(self.handle, index, digest)

    def rtmr_read(self, index):
        """RTMR[index] (0..3) as 48 bytes."""
        return _ll.tdx_guest_rtmr_read(self.handle, index)

    def get_eventlog(self):
        """The TD's CC event log (the CCEL log area) as bytes, for
        tdx.EventLog; raises NotSupported where there is none (the emulator)."""
        return _ll.tdx_guest_get_eventlog(self.handle)

    def capabilities(self):
        """What this handle can do here, as a GuestCaps."""
        c = _ll.tdx_guest_capabilities(self.handle)
        return GuestCaps(bool(c.tdcall), bool(c.report), bool(c.quote), bool(c.rtmr_read),
                         bool(c.rtmr_extend), bool(c.eventlog), c.detail)

    def verify_report(self, report):
        """Check a TDREPORT (bytes or Report) made on this platform; raises
        VerificationError if its hashes or MAC do not hold."""
        raw = getattr(report, "raw", report)
        _ll.tdx_guest_verify_report(self.handle, raw)

    def vp_info(self):
        """TDG.VP.INFO as a VpInfo."""
        # The generated helper reads all fields in C: tdx_tdg_vp_info's
        # struct would cost a proxy attribute read per field.
        return VpInfo._make(_ll._vp_info_fields(self.handle))
