/* SPDX-License-Identifier: MIT */
/*
 * The "tdcall" backend: the TDCALL instruction itself, for code running at
 * CPL 0 inside a TD (firmware, kernel modules, unikernels).  Buffers for
 * the high-level calls are identity-mapped (GPA = address), as in such
 * environments.  A user process cannot execute TDCALL (it would fault), so
 * opening this backend at CPL 3 fails and points to the linux backend.
 */
#include <stdlib.h>
#include <string.h>

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

static unsigned current_cpl(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static _Alignas(4096) unsigned char scratch_area[TDX_SCRATCH_SIZE];

static int tdcall_scratch(void *ctx, uint64_t *gpa)
{
	(void)ctx;
	*gpa = (uint64_t)(uintptr_t)scratch_area;
	return TDX_OK;
}

static int tdcall_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)gpa, len);
	return TDX_OK;
}

static int tdcall_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	memcpy((void *)(uintptr_t)gpa, buf, len);
	return TDX_OK;
}

static const tdx__guest_ops tdcall_ops = {
	.name = "tdcall",
	.tdcall = tdcall_insn,
	.scratch = tdcall_scratch,
	.mem_read = tdcall_read,
	.mem_write = tdcall_write,
};

int tdx__tdcall_open(tdx_guest **out, const char *conf)
{
	unsigned cpl = current_cpl();

	if (conf && *conf)
		return tdx__fail(TDX_E_INVALID, "the tdcall backend takes no options (got \"%s\")", conf);
	if (cpl != 0)
		return tdx__fail(TDX_E_NOT_SUPPORTED,
				 "TDCALL needs CPL 0 and this code runs at CPL %u (a user process); "
				 "use the \"linux\" backend (/dev/tdx_guest, configfs-tsm) from user "
				 "space, or \"emu\" for the emulator", cpl);
	return tdx__guest_new(out, &tdcall_ops, NULL);
}
