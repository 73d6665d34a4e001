/* SPDX-License-Identifier: MIT */
/*
 * The "tdcall" transport: the TDCALL instruction itself, for code running
 * at CPL 0 inside a TD (firmware, kernel modules, unikernels, the
 * TD-in-a-box payload).  Buffers for the high-level calls are
 * identity-mapped (GPA = address), as in such environments.  Opening it
 * (with its CPL check) is guest.c's job.
 *
 * Freestanding, like guest_calls.c: built into the payload too.
 */

#include <stdatomic.h>

#include "guest_backend.h"

/* The TDCALL instruction, emitted as bytes (66 0F 01 CC) for assemblers
 * that do not know the mnemonic (guest.md §1.1). */
static int tdcall_insn(void *ctx, tdx_regs *r)
{
	register uint64_t r8 __asm__("r8") = r->r8;
	register uint64_t r9 __asm__("r9") = r->r9;
	register uint64_t r10 __asm__("r10") = r->r10;
	register uint64_t r11 __asm__("r11") = r->r11;
	register uint64_t r12 __asm__("r12") = r->r12;
	register uint64_t r13 __asm__("r13") = r->r13;
	register uint64_t r14 __asm__("r14") = r->r14;
	register uint64_t r15 __asm__("r15") = r->r15;

	(void)ctx;
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(r->rax), "+c"(r->rcx), "+d"(r->rdx), "+b"(r->rbx), "+S"(r->rsi),
			   "+D"(r->rdi), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11), "+r"(r12),
			   "+r"(r13), "+r"(r14), "+r"(r15)
			 :
			 : "memory", "cc");
	r->r8 = r8;
	r->r9 = r9;
	r->r10 = r10;
	r->r11 = r11;
	r->r12 = r12;
	r->r13 = r13;
	r->r14 = r14;
	r->r15 = r15;
	return TDX_OK;
}

static _Alignas(4096) unsigned char scratch_area[TDX_SCRATCH_SIZE];
static atomic_flag scratch_busy = ATOMIC_FLAG_INIT; /* freestanding: no mutex */

static void tdcall_stage(void *ctx, int hold)
{
	(void)ctx;
	if (!hold)
		atomic_flag_clear_explicit(&scratch_busy, memory_order_release);
	else
		while (atomic_flag_test_and_set_explicit(&scratch_busy, memory_order_acquire))
			__builtin_ia32_pause();
}

static int tdcall_scratch(void *ctx, uint64_t *gpa)
{
	(void)ctx;
	*gpa = (uint64_t)(uintptr_t)scratch_area;
	return TDX_OK;
}

static int tdcall_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	__builtin_memcpy(buf, (const void *)(uintptr_t)gpa, len);
	return TDX_OK;
}

static int tdcall_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	__builtin_memcpy((void *)(uintptr_t)gpa, buf, len);
	return TDX_OK;
}

const tdx__guest_ops tdx__tdcall_ops = {
	.name = "tdcall",
	.tdcall = tdcall_insn,
	.scratch = tdcall_scratch,
	.stage = tdcall_stage,
	.mem_read = tdcall_read,
	.mem_write = tdcall_write,
};
