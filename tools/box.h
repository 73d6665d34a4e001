/* SPDX-License-Identifier: MIT */
/*
 * Launching the TD-in-a-box payload (tools/payload, built in): shared by
 * `tdx selftest --kvm`, `tdx demo --kvm` and bench/bench_box.
 */
#ifndef TDX_TOOLS_BOX_H
#define TDX_TOOLS_BOX_H

#include <stddef.h>
#include <stdint.h>

#include <tdx/tdx.h>

#define BOX_BACKEND "kvm:emulate-tdx,l2=2,servtd=1"
#define BOX_PAYLOAD_GPA 0x100000ULL /* tools/payload/payload.ld */
#define BOX_RESET_GPA 0xFFFFF000ULL /* tools/payload/reset.ld */

/* Payload modes: the vCPU's initial RCX bits 7:0 (tools/payload/payload.h);
 * bench takes its iteration count in the bits above. */
enum { BOX_SELFTEST = 0, BOX_BENCH = 1, BOX_DEMO = 2 };

typedef struct box {
	tdx_host *host;
	tdx_vm *vm;
	tdx_vcpu *vcpu;
	uint8_t mrtd[48];
} box;

const uint8_t *box_payload(size_t *len);
const uint8_t *box_reset_page(void); /* 4 KiB */
/* The MRTD a verifier predicts from the layout alone. */
int box_predict(uint8_t mrtd[48]);
/* Build the TD with the payload as its initial image; verbose prints each
 * step.  On failure *step names the step (tdx_error_last() says why). */
int box_launch(box *b, uint64_t rcx, int verbose, const char **step);
void box_close(box *b);
/* The guest's console so far (COM1 through TDVMCALL<IO>). */
const char *box_console(box *b);
/* Is /dev/kvm usable?  NULL, or why not. */
const char *box_kvm_missing(void);

#endif
