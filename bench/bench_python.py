#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ns per tdx_tdg_vp_info on the emulator through the Python binding.

Three loops over one emulated guest handle, best of 5 interleaved rounds:
  lowlevel  tdx.lowlevel.tdx_tdg_vp_info(g): the SWIG call, which fills and
            returns a new tdx_vp_info (sz set by tdx_vp_info_init);
  Guest     tdx.Guest.vp_info(): one generated call that runs the leaf and
            returns its fields as a tuple (no struct proxy), made a VpInfo;
  floor     tdx.lowlevel.tdx_guest_last_status(g): a SWIG call that does no
            TDCALL, i.e. the binding's fixed cost per call.
Compare lowlevel with bench/bench_vp_info (the same leaf from C) for the
binding's overhead.

usage: bench_python.py [ITERATIONS]   (needs the tdx package installed,
e.g. by scripts/test-python.sh into BUILD_DIR/venv-python)
"""

import sys
import time

import tdx
import tdx.lowlevel as ll


def _once(fn, n):
    t0 = time.perf_counter_ns()
    fn(n)
    return (time.perf_counter_ns() - t0) / n


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    if n <= 0:
        sys.exit("usage: bench_python.py [ITERATIONS>0]")
    with tdx.Guest("emu") as g:
        h = g.handle
        vp_info, last_status, guest_vp_info = ll.tdx_tdg_vp_info, ll.tdx_guest_last_status, g.vp_info

        def lowlevel(k):
            for _ in range(k):
                vp_info(h)

        def guest(k):
            for _ in range(k):
                guest_vp_info()

        def floor(k):
            for _ in range(k):
                last_status(h)

        assert vp_info(h).gpaw == 48 and guest_vp_info().gpaw == 48
        res = {"lowlevel": 1e300, "Guest": 1e300, "floor": 1e300}
        # Interleaved rounds, best of each, to damp noise from other work.
        for _ in range(5):
            res["lowlevel"] = min(res["lowlevel"], _once(lowlevel, n))
            res["Guest"] = min(res["Guest"], _once(guest, n))
            res["floor"] = min(res["floor"], _once(floor, n))

    print("tdx.lowlevel.tdx_tdg_vp_info (SWIG, emu): %.1f ns/call" % res["lowlevel"])
    print("tdx.Guest.vp_info (SWIG + VpInfo, emu):   %.1f ns/call" % res["Guest"])
    print("tdx.lowlevel.tdx_guest_last_status:       %.1f ns/call" % res["floor"])
    print("ratio Guest/lowlevel: %.2fx" % (res["Guest"] / res["lowlevel"]))


if __name__ == "__main__":
    main()
