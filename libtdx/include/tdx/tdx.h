/* SPDX-License-Identifier: MIT */
/*
 * libtdx: drive Intel TDX from a Trust Domain (guest) and from the host
 * that launches it.  Include this umbrella header; link with
 * `pkg-config --libs libtdx` or the CMake target libtdx::tdx.
 *
 * Thread safety.  libtdx needs no global initialisation.  Distinct handles
 * (tdx_guest, tdx_host, tdx_vm, tdx_vcpu, tdx_emu) may be used at the same
 * time from different threads, including handles that share a parent or
 * the same tdx_emu.  A single handle must not be used by two threads at
 * once unless a function's documentation says it may; serialise access
 * yourself.  tdx_error_last() is per-thread and describes only the calling
 * thread's last failed call.  Parsed objects (tdx_report, tdx_quote, ...)
 * are read-only after creation and may be shared between threads.
 * Callbacks run on the calling thread.  libtdx never starts threads.
 *
 * Ownership.  Out-parameters come first.  What comes back through a
 * `**out` belongs to the caller, who releases it with that type's
 * NULL-safe close/free function.  Pointers returned directly are borrowed
 * and live as long as their parent.  The library never keeps a caller's
 * buffer after returning.
 */
#ifndef TDX_TDX_H
#define TDX_TDX_H

#include <tdx/common.h>
#include <tdx/version.h>
#include <tdx/errors.h>
#include <tdx/machine.h>
#include <tdx/guest.h>
#include <tdx/emu.h>
#include <tdx/host.h>
#include <tdx/report.h>
#include <tdx/quote.h>
#include <tdx/verify.h>
#include <tdx/measure.h>
#include <tdx/eventlog.h>

#endif /* TDX_TDX_H */
