# SPDX-License-Identifier: MIT
"""Offline quote verification (tdx_quote_verify): signature chain, PCK
certificate and CRLs, collateral, TCB status with its explanation."""

import datetime
import json

from . import lowlevel as _ll
from .errors import InvalidArgument, VerificationError

_OUTCOMES = ("not_run", "passed", "failed", "skipped")

#: tdx_tcb_status values by their TCB Info names ("UpToDate", ...).
TCB_STATUSES = {_ll.tdx_tcb_status_name(i): i
                for i in range(_ll.TDX_TCB_UNKNOWN, _ll.TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED + 1)}


class Pck:
    """A PCK certificate's SGX extensions (read at construction)."""

    def __init__(self, handle):
        self.ppid = _ll.tdx_pck_ppid(handle)
        self.cpusvn = _ll.tdx_pck_cpusvn(handle)
        self.tcb_components = [_ll.tdx_pck_tcb_component(handle, i) for i in range(16)]
        self.pcesvn = _ll.tdx_pck_pcesvn(handle)
        self.pce_id = _ll.tdx_pck_pceid(handle)
        self.fmspc = _ll.tdx_pck_fmspc(handle)
        self.sgx_type = _ll.tdx_pck_sgx_type(handle)
        try:
            self.platform_instance_id = _ll.tdx_pck_platform_instance_id(handle)
        except Exception:  # a Processor-CA certificate has none
            self.platform_instance_id = None

    @classmethod
    def parse(cls, cert):
        """Parse a PCK certificate (PEM or DER)."""
        return cls(_ll.tdx_pck_parse(cert))


class VerifyResult:
    """What tdx_quote_verify found, read into plain attributes.

    ``ok`` is True when every step passed and the policy accepts the TCB
    status; ``error`` is then None, else the tdx.VerificationError subclass
    instance naming the first failing step (raise it to fail loudly).
    """

    def __init__(self, handle):
        # First, while the thread's error record still describes the
        # verification: the failing step's exception (tdx_status raises).
        try:
            _ll.tdx_verify_result_status(handle)
            self.error = None
        except VerificationError as e:
            self.error = e
        self.ok = self.error is None
        self.steps = {}
        for s in range(_ll.TDX_VERIFY_STEPS):
            outcome = _ll.tdx_verify_step_outcome(handle, s)
            self.steps[_ll.tdx_verify_step_name(s)] = (_OUTCOMES[outcome],
                                                     _ll.tdx_verify_step_message(handle, s))
        self.tcb_status = _ll.tdx_tcb_status_name(_ll.tdx_verify_result_tcb_status(handle))
        self.advisory_ids = [_ll.tdx_verify_result_advisory(handle, i)
                             for i in range(_ll.tdx_verify_result_advisory_count(handle))]
        self.tcb_date = _ll.tdx_verify_result_tcb_date(handle)
        level = _ll.tdx_verify_result_tcb_level(handle)
        self.tcb_level = None if level < 0 else level
        self.explanation = _ll.tdx_verify_result_explanation(handle)
        pck = _ll.tdx_verify_result_pck(handle)
        self.pck = Pck(pck) if pck is not None else None
        self.json = json.loads(_ll.tdx_verify_result_to_json(handle))

    def raise_for_status(self):
        """Raise the failing step's exception, if any."""
        if self.error is not None:
            raise self.error


def _seconds(at):
    if at is None:
        return 0
    if isinstance(at, datetime.datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=datetime.timezone.utc)
        return int(at.timestamp())
    if isinstance(at, str):
        return _seconds(datetime.datetime.fromisoformat(at.replace("Z", "+00:00")))
    return int(at)


def _bytes(v):
    return v.encode() if isinstance(v, str) else v


def verify(quote, roots=None, collateral=None, crls=None, at=None, accept=None,
           require_collateral=False, require_crls=False, raise_on_failure=True):
    """Verify a quote (bytes) offline; return a VerifyResult.

    roots: trusted root certificate(s), PEM or DER (None: Intel's SGX Root
    CA); collateral: PCS v4 collateral JSON (str or bytes); crls: CRLs, PEM
    or concatenated DER; at: when (datetime, RFC 3339 string or seconds;
    None: now); accept: the TCB status names the policy accepts (default
    {"UpToDate"}).  Bad arguments raise.  It fails closed: a failed
    verification raises the failing step's tdx.VerificationError subclass,
    whose ``result`` attribute holds the VerifyResult; only with
    raise_on_failure=False does it return a result with ok False instead.
    """
    mask = 0
    for name in accept or ():
        if name not in TCB_STATUSES:
            raise InvalidArgument("verify: %r is not a TCB status; use one of %s"
                                  % (name, ", ".join(sorted(TCB_STATUSES))))
        mask |= 1 << TCB_STATUSES[name]
    q = _ll.tdx_quote_parse(quote)
    try:
        r = _ll.tdx_quote_verify(q, _bytes(roots), _bytes(collateral), _bytes(crls), _seconds(at),
                                 mask, int(require_collateral), int(require_crls))
        result = VerifyResult(r)
        if raise_on_failure and result.error is not None:
            result.error.result = result
            raise result.error
        return result
    finally:
        _ll.tdx_quote_free(q)
