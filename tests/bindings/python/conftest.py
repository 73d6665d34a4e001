# SPDX-License-Identifier: MIT
"""Fixtures for the Python binding's tests (run by scripts/test-python.sh
against an installed libtdx and the `tdx` package built from it)."""

import hashlib

import pytest

import tdx

# The emulator's documented defaults (docs/emulator.md, "The TD").
EMU_MRTD = hashlib.sha384(b"libtdx emulated TD").digest()
EMU_MRSEAM_15 = hashlib.sha384(b"libtdx emulated TDX module 1.5").digest()
EMU_MRSEAM_10 = hashlib.sha384(b"libtdx emulated TDX module 1.0").digest()
EMU_ATTRIBUTES = 0x10000000  # SEPT_VE_DISABLE
EMU_XFAM = 0x602E7


@pytest.fixture
def guest():
    with tdx.Guest("emu") as g:
        yield g


@pytest.fixture
def nonce():
    # 64 distinct bytes, so a misplaced or truncated copy shows.
    return bytes(range(0x40, 0x80))
