# SPDX-License-Identifier: MIT
"""The software TDX platform (emulated TD, host model, quoting enclave)."""

from . import lowlevel as _ll
from ._handle import Handle
from .guest import Guest


class Emu(Handle):
    """An emulated TD: ``with tdx.Emu("module=1.0,gpaw=52") as e: ...``.

    spec: the emulator's keys ("key=value,..."; an "emu:" prefix is
    accepted), or None for the defaults (docs/emulator.md).
    """

    _close_fn = staticmethod(_ll.tdx_emu_close)

    def __init__(self, spec=None):
        cfg = _ll.tdx_emu_config()
        if spec:
            if spec == "emu" or spec.startswith("emu:"):
                spec = spec[4:]
            _ll.tdx_emu_config_parse(cfg, spec)
        super().__init__(_ll.tdx_emu_open(cfg))

    @classmethod
    def _borrow(cls, handle, parent):
        """The platform of an emulated host's TD: not ours to close."""
        e = cls.__new__(cls)
        Handle.__init__(e, handle, parent, borrowed=True)
        return e

    def guest(self):
        """A guest handle whose TDCALLs this platform answers."""
        return Guest._wrap(_ll.tdx_emu_guest(self.handle), self)

    def mem_read(self, gpa, size):
        """size bytes of the TD's memory at gpa (the host's view)."""
        return _ll.tdx_emu_mem_read(self.handle, gpa, size)

    def mem_write(self, gpa, data):
        _ll.tdx_emu_mem_write(self.handle, gpa, data)

    @property
    def root_ca_pem(self):
        """The emulator's test root CA (PEM): trust it to verify its quotes."""
        return _ll.tdx_emu_root_ca_pem(self.handle)

    def collateral(self, flags=0):
        """This platform's collateral (JSON text) for tdx.verify, under
        root_ca_pem; flags: TDX_EMU_COLLATERAL_REVOKE_PCK, _OUT_OF_DATE."""
        return _ll.tdx_emu_collateral(self.handle, flags)

    def quote(self, report):
        """The emulated quoting enclave's quote for a TDREPORT of this platform."""
        return _ll.tdx_emu_quote(self.handle, getattr(report, "raw", report))

    def console(self):
        """The bytes the TD wrote to COM1."""
        return _ll.tdx_emu_console(self.handle)

    def fatal_error(self):
        """(error_code, message) of the TD's ReportFatalError; StateError if none."""
        code, message = _ll.tdx_emu_fatal_error(self.handle)
        return code, message

    def event_notify(self):
        """(vector, times raised) of SetupEventNotifyInterrupt."""
        vector, raised = _ll.tdx_emu_event_notify(self.handle)
        return vector, raised
