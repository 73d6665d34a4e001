#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ns per tdx_tdg_vp_info on the emulator through the ctypes binding.

Three ways of calling it, best of 5 interleaved rounds each:
  raw      tdx_ctypes.tdx_tdg_vp_info(g, byref(info)) with a struct made once
           (the binding's floor: ctypes argument conversion + the C call);
  helper   tdx_ctypes.vp_info(g): a new struct per call and check();
  untyped  the same C function through a c_void_p prototype: what the
           exact argtypes (POINTER(tdx_guest), POINTER(tdx_vp_info)) cost
           over untyped pointers;
  null     a ctypes call of the same library that does no work
           (tdx_guest_last_status(g)): the cost of crossing ctypes itself.
The C figure for the same call is bench/bench_vp_info's "public API" line;
the ratio raw / C is the price of calling from Python.

usage: LIBTDX_PATH=BUILD/libtdx.so.1 PYTHONPATH=bindings/ctypes \
       python3 bench/bench_ctypes.py [ITERATIONS]
"""
import ctypes
import sys
import time

import tdx_ctypes as tdx
from tdx_ctypes import abi


def _time(fn, n):
    t0 = time.perf_counter_ns()
    fn(n)
    return (time.perf_counter_ns() - t0) / n


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 200000
    if n <= 0:
        print(f"usage: {argv[0]} [ITERATIONS>0]", file=sys.stderr)
        return 2
    emu = ctypes.POINTER(abi.tdx_emu)()
    g = ctypes.POINTER(abi.tdx_guest)()
    tdx.check(tdx.tdx_emu_open(ctypes.byref(emu), None), "tdx_emu_open")
    tdx.check(tdx.tdx_emu_guest(emu, ctypes.byref(g)), "tdx_emu_guest")
    info = abi.tdx_vp_info.new()
    pinfo = ctypes.byref(info)
    vp_info, last_status, vp_info_helper = tdx.tdx_tdg_vp_info, tdx.tdx_guest_last_status, tdx.vp_info
    assert vp_info(g, pinfo) == 0 and info.gpaw == 48

    def raw(k):
        for _ in range(k):
            vp_info(g, pinfo)

    untyped_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
        ("tdx_tdg_vp_info", tdx.lib))
    gv = ctypes.cast(g, ctypes.c_void_p)
    infov = ctypes.c_void_p(ctypes.addressof(info))

    def untyped(k):
        for _ in range(k):
            untyped_fn(gv, infov)

    def helper(k):
        for _ in range(k):
            vp_info_helper(g)

    def null(k):
        for _ in range(k):
            last_status(g)

    results = {"raw": [], "untyped": [], "helper": [], "null": []}
    for _ in range(5):  # interleaved, to damp noise from other load
        results["raw"].append(_time(raw, n))
        results["untyped"].append(_time(untyped, n))
        results["helper"].append(_time(helper, max(n // 4, 1)))
        results["null"].append(_time(null, n))
    r, u, h, z = (min(results[k]) for k in ("raw", "untyped", "helper", "null"))
    print(f"tdx_tdg_vp_info via ctypes (emu, raw):      {r:.1f} ns/call")
    print(f"same, c_void_p prototype (untyped):         {u:.1f} ns/call")
    print(f"tdx_ctypes.vp_info() helper (emu):          {h:.1f} ns/call")
    print(f"ctypes null call (tdx_guest_last_status):   {z:.1f} ns/call")
    print(f"library {tdx.LIBRARY_PATH}, python {sys.version.split()[0]}, {n} calls x 5 rounds")
    tdx.tdx_guest_close(g)
    tdx.tdx_emu_close(emu)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
