# SPDX-License-Identifier: MIT
"""tdx.EventLog: a CC event log built here (replay checked with hashlib),
and the go-tdx-guest COS-113 log against its paired quote when the
vectors directory ($TDX_VECTORS_DIR, else ../shared/vectors beside the
source tree) is present."""

import hashlib
import os
import struct
from pathlib import Path

import pytest

import tdx

ROOT = Path(__file__).resolve().parents[3]
VECTORS = Path(os.environ.get("TDX_VECTORS_DIR") or ROOT.parent / "shared" / "vectors")


def _log():
    spec = (b"Spec ID Event03\0" + bytes(4) + b"\0\2\0\2" + struct.pack("<I", 1) +
            struct.pack("<HH", 0x000C, 48) + b"\0")
    log = struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(spec)) + spec
    for mr, typ, fill, data in ((1, 0x80000008, 0x11, b"fw"), (1, 3, 0x99, b"skip"),
                                (3, 0x0D, 0x22, b"ipl")):
        log += (struct.pack("<III", mr, typ, 1) + struct.pack("<H", 0x000C) +
                bytes([fill]) * 48 + struct.pack("<I", len(data)) + data)
    return log + b"\xff" * 64


def _expected():
    r = [bytes(48)] * 4
    r[0] = hashlib.sha384(bytes(48) + b"\x11" * 48).digest()
    r[2] = hashlib.sha384(bytes(48) + b"\x22" * 48).digest()
    return r


def test_parse_replay_check():
    log = tdx.EventLog.parse(_log())
    assert len(log) == 3
    e = log.event(2)
    assert (e.mr_index, e.event_type, e.data_size) == (3, 0x0D, 3)
    assert e.has_sha384 and e.sha384 == b"\x22" * 48
    assert _log()[e.data_offset:e.data_offset + 3] == b"ipl"
    want = _expected()
    assert log.replay() == want
    assert log.check(want) is True
    assert log.check(b"".join(want)) is True
    assert log.mismatches(want) == []
    bad = list(want)
    bad[2] = bytes(48)
    # Fails closed: a mismatch raises, for a caller who checks nothing else.
    # The library's own message: what RTMR2 replays to, and what was expected.
    with pytest.raises(tdx.VerificationError,
                       match="RTMR2: log replays to %s, expected %s$"
                       % (want[2].hex(), "00" * 48)) as e:
        log.check(bad)
    assert e.value.registers == [2]
    assert e.value.code == tdx.VerificationError.default_code
    assert log.mismatches(bad) == [2]
    with pytest.raises(tdx.InvalidArgument):
        log.check(bytes(100))


def test_to_json():
    d = tdx.EventLog.parse(_log()).to_json()
    assert [e["mr_index"] for e in d["events"]] == [1, 1, 3]
    assert d["events"][1]["event_type_name"] == "EV_NO_ACTION"
    assert d["events"][0]["digests"]["sha384"] == "11" * 48
    assert d["rtmr"] == [r.hex() for r in _expected()]


def test_errors():
    with pytest.raises(tdx.InvalidArgument, match="truncated"):
        tdx.EventLog.parse(_log()[:100])
    with pytest.raises(tdx.InvalidArgument, match="spec-ID event type"):
        tdx.EventLog.parse(bytes(64))
    with pytest.raises(tdx.InvalidArgument):
        tdx.lowlevel.tdx_eventlog_event(tdx.EventLog.parse(_log())._log, 3)


def test_ccel_table():
    t = bytearray(56)
    t[0:4], t[4], t[36] = b"CCEL", 56, 2
    t[40:56] = struct.pack("<QQ", 0x40000, 0xBEDBF000)
    t[9] = -sum(t) & 0xFF
    tab = tdx.lowlevel.tdx_ccel_table_parse(bytes(t))
    assert (tab.cc_type, tab.log_area_minimum_length, tab.log_area_start_address) == \
        (2, 0x40000, 0xBEDBF000)
    t[9] ^= 1
    with pytest.raises(tdx.InvalidArgument, match="checksum"):
        tdx.lowlevel.tdx_ccel_table_parse(bytes(t))


def test_cos113_matches_its_quote():
    log_path = VECTORS / "go-tdx-guest_ccel_event_log_cos113.bin"
    quote_path = VECTORS / "go-tdx-guest_quote_v4_cos113_matching_ccel.bin"
    if not log_path.exists() or not quote_path.exists():
        pytest.skip(f"the CCEL vectors are not in {VECTORS}")
    log = tdx.EventLog.parse(log_path.read_bytes())
    q = tdx.Quote.parse(quote_path.read_bytes())
    assert len(log) == 43
    assert log.replay() == list(q.rtmr)
    assert log.check(q.rtmr) is True
