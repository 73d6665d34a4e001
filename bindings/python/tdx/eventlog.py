# SPDX-License-Identifier: MIT
"""The CC event log (CCEL): parse, replay to RTMRs, check against a report
or quote.  All parsing and hashing is libtdx's (tdx_eventlog_*)."""

import json

from . import lowlevel as _ll
from .errors import VerificationError


def _rtmr_bytes(rtmr):
    """RTMR0..3 as 192 bytes, from bytes or a list of four 48-byte values."""
    if isinstance(rtmr, (bytes, bytearray, memoryview)):
        return rtmr
    return b"".join(bytes(r) for r in rtmr)


class EventLog:
    """A parsed CC event log (what /sys/firmware/acpi/tables/data/CCEL holds)."""

    @classmethod
    def parse(cls, buf):
        """Parse a CCEL log area; trailing 0xFF/0x00 padding ends it.
        InvalidArgument (naming the offset and field) for a malformed log."""
        self = cls.__new__(cls)
        self._log = _ll.tdx_eventlog_parse(buf)
        return self

    def __len__(self):
        """The number of events after the spec-ID event."""
        return _ll.tdx_eventlog_count(self._log)

    def event(self, index):
        """Event `index` as a tdx_event (mr_index, event_type, has_sha384,
        sha384, data_offset, data_size)."""
        return _ll.tdx_eventlog_event(self._log, index)

    def replay(self):
        """The RTMRs the log replays to: a list of four 48-byte values."""
        r = _ll.tdx_eventlog_replay(self._log)
        return [r[i * 48:(i + 1) * 48] for i in range(4)]

    def mismatches(self, rtmr):
        """Compare the replay with RTMR0..3 (a list of four 48-byte values,
        or 192 bytes): the indexes of the registers that differ ([] when
        all four match).  A report, not a check: see check()."""
        mismatch = _ll.tdx_eventlog_check(self._log, _rtmr_bytes(rtmr), False)
        return [i for i in range(4) if mismatch >> i & 1]

    def check(self, rtmr):
        """Check the replay against RTMR0..3: True when all four match;
        else raise tdx.VerificationError with the library's message (each
        register that differs, replayed and expected); its ``registers``
        attribute lists them.  It fails closed."""
        try:
            _ll.tdx_eventlog_check(self._log, _rtmr_bytes(rtmr), True)
        except VerificationError as e:
            e.registers = self.mismatches(rtmr)
            raise
        return True

    def to_json(self):
        """The log as libtdx's JSON (tdx_eventlog_to_json), as a dict."""
        return json.loads(_ll.tdx_eventlog_to_json(self._log))

    def __repr__(self):
        return "<tdx.EventLog events=%d>" % len(self)
