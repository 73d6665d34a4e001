/* SPDX-License-Identifier: MIT */
/*
 * TD-in-a-box: an emulated TD's vCPU executed by the real KVM, its TDCALLs
 * answered by the emulated TDX module (box.c).  Used by the emulated KVM
 * (kvm.c) when the host backend is "kvm:emulate-tdx".  Library-private.
 */
#ifndef TDX_EMU_BOX_H
#define TDX_EMU_BOX_H

#include <stddef.h>
#include <stdint.h>

#include "emu_internal.h"
#include "../uapi/kvm.h"

typedef struct tdx__box tdx__box;

/*
 * A plain VM on the KVM system fd `kvm` with the module's memory at GPA 0
 * (the private side), and one vCPU in a TD vCPU's initial state
 * (RCX = initial_rcx, RBX = GPAW, RSI = VCPU_INDEX).  The module is
 * borrowed and must outlive the box.
 */
int tdx__box_create(tdx__box **out, int kvm, tdx_emu *e, uint64_t initial_rcx);
/* Back [gpa, gpa+size) (outside the module's memory) with fresh zeroed
 * memory; returns where the host sees it, NULL on failure (error set). */
uint8_t *tdx__box_memory(tdx__box *b, uint64_t gpa, uint64_t size);
/* Map the caller's memory `host` (borrowed) at [gpa, gpa+size). */
int tdx__box_alias(tdx__box *b, uint64_t gpa, uint64_t size, uint8_t *host);
/*
 * Run until an exit the VMM must see, filled into `out` (an emulated
 * kvm_run area of out_size bytes) as KVM_RUN fills its own: TDVMCALL
 * HLT -> KVM_EXIT_HLT; exits of the real VM (IO, MMIO, HLT, SHUTDOWN,
 * FAIL_ENTRY, an INTERNAL_ERROR that is no TDCALL) copied.  TDCALLs are
 * answered on the way; one the module defers (its host hook filled `out`
 * with an exit for the VMM) ends the run with RIP still on it, to be
 * executed again on the next run.  0, or -errno.
 */
long tdx__box_run(tdx__box *b, struct kvm_run *out, size_t out_size);
void tdx__box_destroy(tdx__box *b);

#endif
