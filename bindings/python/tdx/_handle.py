# SPDX-License-Identifier: MIT
"""The lifetime rule every wrapper class shares."""

from .errors import StateError


class Handle:
    """Owns one libtdx handle from tdx.lowlevel.

    The handle is released by close(), by leaving a ``with`` block, or when
    the object is garbage-collected (the generated proxy's destructor calls
    the C close/free function).  libtdx reference-counts parents (a VM stays
    alive while its vCPUs do, an emulator while its guest handles do), so
    objects may be closed in any order; children also keep a reference to
    their parent object here so that Python never collects it first.
    """

    _close_fn = None  # the lowlevel close/free function

    def __init__(self, handle, parent=None, borrowed=False):
        self._h = handle
        self._parent = parent
        # A borrowed handle (tdx_vm_emu) lives only as long as its parent's.
        self._lender = parent if borrowed else None

    @property
    def handle(self):
        """The tdx.lowlevel object, for calls this layer does not wrap."""
        if self._h is None:
            raise StateError("%s is closed" % type(self).__name__)
        if self._lender is not None and self._lender._h is None:
            raise StateError("%s belongs to a %s that is closed"
                             % (type(self).__name__, type(self._lender).__name__))
        return self._h

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Release the handle now (idempotent)."""
        h, self._h = self._h, None
        self._parent = self._lender = None
        if h is not None and h.thisown:
            type(self)._close_fn(h)  # disowns h: its destructor will not run again

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
