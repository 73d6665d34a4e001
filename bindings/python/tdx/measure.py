# SPDX-License-Identifier: MIT
"""Measurement: the MRTD a TD will get, RTMR extension, TEE_INFO_HASH, TDVF.

All hashing is libtdx's (tdx_mrtd_*, tdx_measure_*); nothing here computes
a digest itself.
"""

import os
from dataclasses import dataclass

from . import lowlevel as _ll

PAGE_SIZE = _ll.TDX_MEASURE_PAGE_SIZE


def mrtd(regions, two_pass=False):
    """The MRTD of a TD built from regions, in the order given.

    regions: (gpa, data, extend) tuples (extend defaults to True in a
    2-tuple).  Each region is data zero-extended to whole 4 KiB pages at
    gpa: PAGE.ADD for every page, and with extend its MR.EXTENDs, page by
    page as mainline KVM does, or with two_pass all PAGE.ADDs of the region
    before its MR.EXTENDs (QEMU 8.x-era stacks).
    """
    m = _ll.tdx_mrtd_new()
    try:
        for region in regions:
            gpa, data, extend = (tuple(region) + (True,))[:3]
            npages = max(1, -(-len(data) // PAGE_SIZE))
            flags = 0
            if extend:
                flags = _ll.TDX_MEASURE_EXTEND
                if two_pass:
                    flags |= _ll.TDX_MEASURE_TWO_PASS
            _ll.tdx_mrtd_add_region(m, gpa, npages, data, flags)
        return _ll.tdx_mrtd_finalize(m)
    finally:
        _ll.tdx_mrtd_free(m)


def rtmr_extend(rtmr, digest):
    """SHA-384(rtmr || digest) as TDG.MR.RTMR.EXTEND computes it (48 bytes each)."""
    return _ll.tdx_measure_rtmr_extend(rtmr, digest)


def tdvf(path, two_pass=False):
    """The MRTD of a TD launched from the TDVF image (OVMF, td-shim) at path."""
    return _ll.tdx_measure_tdvf(os.fspath(path), _ll.TDX_MEASURE_TWO_PASS if two_pass else 0)


def tee_info_hash(attributes=0, xfam=0, mrtd=b"", mrconfigid=b"", mrowner=b"",
                  mrownerconfig=b"", rtmr=None, servtd_hash=b""):
    """TEE_INFO_HASH: SHA-384 of the TDINFO_STRUCT holding these fields
    (byte fields shorter than 48 bytes are zero-extended)."""
    info = _ll.tdx_td_info()
    info.attributes = attributes
    info.xfam = xfam
    info.mrtd = mrtd
    info.mrconfigid = mrconfigid
    info.mrowner = mrowner
    info.mrownerconfig = mrownerconfig
    info.rtmr = list(rtmr) if rtmr is not None else [bytes(48)] * 4
    info.servtd_hash = servtd_hash
    return _ll.tdx_measure_tee_info_hash(info)


@dataclass(frozen=True)
class TdvfSection:
    """One TDVF metadata section."""
    data_offset: int
    raw_data_size: int
    memory_address: int
    memory_data_size: int
    type: int          #: TDX_TDVF_SECTION_*
    attributes: int    #: TDX_TDVF_ATTR_*


def tdvf_sections(image):
    """The metadata sections of a firmware image (a path, or its bytes)."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        t = _ll.tdx_tdvf_parse(image)
    else:
        t = _ll.tdx_tdvf_open(os.fspath(image))
    try:
        out = []
        for i in range(_ll.tdx_tdvf_section_count(t)):
            s = _ll.tdx_tdvf_get_section(t, i)
            out.append(TdvfSection(s.data_offset, s.raw_data_size, s.memory_address,
                                   s.memory_data_size, s.type, s.attributes))
        return out
    finally:
        _ll.tdx_tdvf_free(t)
