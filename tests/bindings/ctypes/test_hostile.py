# SPDX-License-Identifier: MIT
"""Hostile inputs through the C ABI (ctypes), under ASan too: every-length
truncation of real and emulated quotes and reports, huge and deeply nested
collateral JSON, hostile emulator state files.  Each must be refused with
a clear error and leave nothing behind: a NULL out-pointer, the file
untouched.

Also crafted linux:root= trees: a regular file for the device, a short
RTMR, configfs without a provider, a 1 TiB event log.

Run with LIBTDX_PATH=BUILD/libtdx.so.1 PYTHONPATH=bindings/ctypes (see
scripts/test-ctypes.sh).
"""
import hashlib
import os
from ctypes import POINTER, byref, c_size_t, c_uint8
from pathlib import Path

import pytest

import tdx_ctypes as tdx
from tdx_ctypes import abi

ROOT = Path(__file__).resolve().parents[3]
VECTORS = Path(os.environ.get("TDX_VECTORS_DIR", ROOT.parent / "shared" / "vectors"))


def message():
    m = tdx.tdx_error_last().contents.message
    return m.decode() if m else ""


def emu_evidence():
    g = tdx.guest_open(b"emu")
    try:
        return tdx.get_report(g, bytes(64)), tdx.get_quote(g, bytes(64))
    finally:
        tdx.tdx_guest_close(g)


def evidence():
    """(name, bytes, kind) for the emulator's report and quote, and every
    real one in the vectors."""
    report, quote = emu_evidence()
    items = [("emu report", report, "report"), ("emu quote", quote, "quote")]
    if VECTORS.is_dir():
        for p in sorted(VECTORS.glob("*.bin")):
            data = p.read_bytes()
            if len(data) == 1024 and "report" in p.name.lower():
                items.append((p.name, data, "report"))
            elif "quote" in p.name.lower() and len(data) < 65536:
                items.append((p.name, data, "quote"))
    return items


@pytest.mark.parametrize("name,data,kind", evidence(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_truncation_refused(name, data, kind):
    parse = tdx.tdx_report_parse if kind == "report" else tdx.tdx_quote_parse
    free = tdx.tdx_report_free if kind == "report" else tdx.tdx_quote_free
    obj_type = abi.tdx_report if kind == "report" else abi.tdx_quote
    buf = (c_uint8 * len(data)).from_buffer_copy(data)
    out = POINTER(obj_type)()
    assert parse(byref(out), buf, len(data)) == tdx.TDX_OK, message()
    # Bytes after what a quote declares are tolerated: cut within the rest.
    declared = tdx.tdx_quote_size(out) if kind == "quote" else len(data)
    free(out)
    for n in range(declared):
        out = POINTER(obj_type)()
        rc = parse(byref(out), buf, n)
        assert rc in (tdx.TDX_E_INVALID, tdx.TDX_E_NOT_SUPPORTED), (n, rc)
        assert not out, f"{name}: a refused {n}-byte prefix left an object"
        assert message(), f"{name}: no message for a {n}-byte prefix"


@pytest.mark.parametrize("collateral", [
    b"[" * 100000,                             # nested far past any sane depth
    b'{"a":' * 50000 + b"1" + b"}" * 50000,
    b'"' + b"x" * (16 << 20) + b'"',           # one 16 MiB string
    b"{" + b'"k":1,' * 200000 + b'"k":1}',     # 200k members
])
def test_hostile_collateral_refused(collateral):
    _, quote = emu_evidence()
    q = tdx.quote_parse(quote)
    try:
        opts = abi.tdx_verify_opts.new()
        opts.collateral = collateral
        opts.collateral_len = len(collateral)
        r = POINTER(abi.tdx_verify_result)()
        rc = tdx.tdx_quote_verify(q, byref(opts), byref(r))
        assert rc < 0, "hostile collateral passed"
        assert message()
        tdx.tdx_verify_result_free(r)
    finally:
        tdx.tdx_quote_free(q)


def state_file(tmp_path):
    """A real state file (a TD with RTMR 2 extended) and its bytes."""
    path = tmp_path / "td.state"
    g = tdx.guest_open(b"emu:mem=1M,accepted=512K,state=" + str(path).encode())
    tdx.check(tdx.tdx_guest_rtmr_extend(g, 2, tdx.u8_array(bytes(48)), 48))
    tdx.tdx_guest_close(g)
    return path, path.read_bytes()


def open_fails(path, *words):
    g = POINTER(abi.tdx_guest)()
    rc = tdx.tdx_guest_open(byref(g), b"emu:state=" + str(path).encode())
    assert rc < 0 and not g
    for w in words:
        assert w in message(), message()


def test_hostile_state_files(tmp_path):
    path, good = state_file(tmp_path)
    cases = {
        "truncated": (good[:len(good) // 2], "size does not match"),
        "one byte flipped": (good[:300] + bytes([good[300] ^ 1]) + good[301:], "checksum"),
        "foreign": (b"#!/bin/sh\necho hello\n" * 10, "not a libtdx emulator state file"),
        "empty": (b"", "not a libtdx emulator state file"),
    }
    for name, (content, word) in cases.items():
        p = tmp_path / name.replace(" ", "-")
        p.write_bytes(content)
        os.chmod(p, 0o600)
        open_fails(p, word)
        assert p.read_bytes() == content, f"{name}: the refused file was changed"
    # A stored memory size of 0 with a valid checksum: it would be completed
    # to the 64 MiB default, whose page tables the file does not hold.
    pages = (1 << 20) // 4096
    td_len = len(good) - 20 - 272 - pages - 1 - pages * 6 - 32
    sc = bytearray(good[20:20 + 272])
    sc[7 * 8:8 * 8] = bytes(8)
    crafted = good[:20] + bytes(sc) + good[292:292 + td_len]
    crafted += hashlib.sha256(crafted).digest()
    p = tmp_path / "mem0"
    p.write_bytes(crafted)
    os.chmod(p, 0o600)
    open_fails(p, "corrupt")
    link = tmp_path / "link"
    link.symlink_to(path)
    open_fails(link, "symbolic link")
    os.chmod(path, 0o666)
    open_fails(path, "writable by everyone")
    assert path.read_bytes() == good


def crafted_root(tmp_path):
    """A linux:root= tree a hostile or broken kernel might present."""
    root = tmp_path / "root"
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "tdx_guest").write_bytes(b"not a device")
    meas = root / "sys/devices/virtual/misc/tdx_guest/measurements"
    meas.mkdir(parents=True)
    (meas / "rtmr0:sha384").write_bytes(b"short")
    (root / "sys/kernel/config/tsm/report").mkdir(parents=True)
    ccel = root / "sys/firmware/acpi/tables/data"
    ccel.mkdir(parents=True)
    with open(ccel / "CCEL", "wb") as f:
        f.truncate(1 << 40)  # a 1 TiB (sparse) "event log"
    return root


def test_crafted_linux_root(tmp_path):
    root = crafted_root(tmp_path)
    g = tdx.guest_open(b"linux:root=" + str(root).encode())
    try:
        out = (c_uint8 * 1024)()
        n = c_size_t(1024)
        data = tdx.u8_array(bytes(64))
        # A regular file where the device should be: a clean error.
        assert tdx.tdx_guest_get_report(g, data, 64, out, byref(n)) < 0 and message()
        # An RTMR file shorter than 48 bytes.
        r = (c_uint8 * 48)()
        assert tdx.tdx_guest_rtmr_read(g, 0, r, 48) < 0
        assert "48 bytes" in message()
        # configfs without a provider in the new entry.
        q = (c_uint8 * 16384)()
        qn = c_size_t(16384)
        assert tdx.tdx_guest_get_quote(g, data, 64, q, byref(qn)) < 0
        assert "provider" in message()
        # A 1 TiB event log is refused, not sized for the caller to allocate.
        ln = c_size_t(0)
        assert tdx.tdx_guest_get_eventlog(g, None, byref(ln)) == tdx.TDX_E_NOT_SUPPORTED
        assert "more than any CC event log" in message()
    finally:
        tdx.tdx_guest_close(g)
