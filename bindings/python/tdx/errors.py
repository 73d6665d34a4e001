# SPDX-License-Identifier: MIT
"""libtdx's error model as exceptions.

Every failed libtdx call raises a subclass of :class:`Error` chosen by the
``TDX_E_*`` code, carrying the calling thread's error record: ``code``,
``layer``, ``hw_status`` (the raw TDX-module / TDVMCALL status or KVM
hw_error), ``errno`` and ``message``.

This module is pure Python and imports nothing from the extension: the
generated wrapper calls :func:`_from_record` to build its exceptions.
"""

import builtins

__all__ = [
    "Error", "InvalidArgument", "NotSupported", "NoDevice", "PermissionDenied",
    "BufferTooSmall", "Retry", "TdcallError", "VmcallError", "OsError", "StateError",
    "AbiMismatch", "OutOfMemory", "VerificationError", "QuoteFormatError", "CertChainError",
    "ExpiredError", "QeReportSignatureError", "QeReportDataError", "QuoteSignatureError",
    "RevokedError", "CollateralError", "QeIdentityError", "TdxModuleError", "TcbError",
]

# tdx_layer values and their tdx_layer_name() spellings.
LAYER_NONE, LAYER_LIBRARY, LAYER_OS, LAYER_MODULE, LAYER_VMCALL, LAYER_KVM = range(6)
_LAYER_NAMES = {0: "none", 1: "library", 2: "os", 3: "tdx-module", 4: "tdvmcall", 5: "kvm"}


class Error(Exception):
    """A libtdx failure.  Subclasses name the ``TDX_E_*`` code."""

    #: the TDX_E_* code of the subclass (Error itself: whatever came back)
    default_code = 0

    def __init__(self, message, code=None, layer=LAYER_LIBRARY, hw_status=0, errno=0):
        super().__init__(message)
        self.code = self.default_code if code is None else code
        self.layer = layer
        self.hw_status = hw_status
        self.errno = errno
        self.message = message

    @property
    def layer_name(self):
        """The layer the failure came from, as tdx_layer_name() spells it."""
        return _LAYER_NAMES.get(self.layer, "unknown")

    def __str__(self):
        return self.message

    def __repr__(self):
        extra = ""
        if self.hw_status:
            extra += ", hw_status=%#x" % self.hw_status
        if self.errno:
            extra += ", errno=%d" % self.errno
        return "%s(%r, code=%d, layer=%s%s)" % (
            type(self).__name__, self.message, self.code, self.layer_name, extra)


class InvalidArgument(Error):
    """TDX_E_INVALID: an invalid argument."""
    default_code = -1


class NotSupported(Error):
    """TDX_E_NOT_SUPPORTED: the backend, kernel or TDX module lacks it."""
    default_code = -2


class NoDevice(Error):
    """TDX_E_NO_DEVICE: device absent, or no backend chosen and no TDX."""
    default_code = -3


class PermissionDenied(Error):
    """TDX_E_PERM: permission denied."""
    default_code = -4


class BufferTooSmall(Error):
    """TDX_E_BUFFER_TOO_SMALL (the bindings size buffers themselves)."""
    default_code = -5


class Retry(Error):
    """TDX_E_RETRY: busy; try the call again."""
    default_code = -6


class TdcallError(Error):
    """TDX_E_TDCALL: the TDX module returned an error (see hw_status)."""
    default_code = -7


class VmcallError(Error):
    """TDX_E_VMCALL: the host refused a TDVMCALL (hw_status is R10)."""
    default_code = -8


class OsError(Error, builtins.OSError):
    """TDX_E_OS: a system call failed.  Also an OSError, with its errno."""
    default_code = -9

    def __init__(self, message, code=None, layer=LAYER_OS, hw_status=0, errno=0):
        Error.__init__(self, message, code, layer, hw_status, errno)
        # OSError's own slots, so `except OSError as e: e.errno` works.
        self.errno = errno
        self.strerror = message

    def __str__(self):
        return self.message


class StateError(Error):
    """TDX_E_STATE: a call out of order or in the wrong state."""
    default_code = -10


class AbiMismatch(Error):
    """TDX_E_ABI_MISMATCH: struct or interface version mismatch."""
    default_code = -11


class OutOfMemory(Error):
    """TDX_E_NOMEM: out of memory."""
    default_code = -12


class VerificationError(Error):
    """TDX_E_VERIFY: verification failed."""
    default_code = -13


# tdx_quote_verify's failing steps: each a VerificationError of its own.

class QuoteFormatError(VerificationError):
    """TDX_E_QUOTE_FORMAT: a field the verifier requires is wrong."""
    default_code = -14


class CertChainError(VerificationError):
    """TDX_E_CERT_CHAIN: a certificate chain does not reach a trusted root."""
    default_code = -15


class ExpiredError(VerificationError):
    """TDX_E_EXPIRED: a certificate, CRL or collateral is not valid at the time."""
    default_code = -16


class QeReportSignatureError(VerificationError):
    """TDX_E_QE_REPORT_SIGNATURE: the PCK key did not sign the QE report."""
    default_code = -17


class QeReportDataError(VerificationError):
    """TDX_E_QE_REPORT_DATA: the QE report does not bind the attestation key."""
    default_code = -18


class QuoteSignatureError(VerificationError):
    """TDX_E_QUOTE_SIGNATURE: the attestation key did not sign the quote."""
    default_code = -19


class RevokedError(VerificationError):
    """TDX_E_REVOKED: a certificate is on its CRL."""
    default_code = -20


class CollateralError(VerificationError):
    """TDX_E_COLLATERAL: collateral missing, malformed, mis-signed or another platform's."""
    default_code = -21


class QeIdentityError(VerificationError):
    """TDX_E_QE_IDENTITY: the QE report does not match QE Identity."""
    default_code = -22


class TdxModuleError(VerificationError):
    """TDX_E_TDX_MODULE: the TDX module does not match TCB Info's identity."""
    default_code = -23


class TcbError(VerificationError):
    """TDX_E_TCB: no matching TCB level, or a status the policy refuses."""
    default_code = -24


_BY_CODE = {cls.default_code: cls for cls in (
    InvalidArgument, NotSupported, NoDevice, PermissionDenied, BufferTooSmall, Retry,
    TdcallError, VmcallError, OsError, StateError, AbiMismatch, OutOfMemory,
    VerificationError, QuoteFormatError, CertChainError, ExpiredError, QeReportSignatureError,
    QeReportDataError, QuoteSignatureError, RevokedError, CollateralError, QeIdentityError,
    TdxModuleError, TcbError)}


def _from_record(code, layer, hw_status, errno, message):
    """The exception for one error record (called by the generated wrapper)."""
    cls = _BY_CODE.get(code, Error)
    return cls(message, code=code, layer=layer, hw_status=hw_status, errno=errno)
