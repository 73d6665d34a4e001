/* SPDX-License-Identifier: MIT */
/*
 * TD-in-a-box: an emulated TD's vCPU executed by the real KVM.
 *
 * A plain KVM VM gets the TD's memory: the emulated module's memory at GPA
 * 0 (private), the image pages above it, and at the shared bit the VMM's
 * own memory (aliases added by the emulated KVM, as KVM maps shared GPAs).
 * Its one vCPU starts in a TD vCPU's initial state.
 *
 * KVM cannot execute TDCALL (66 0F 01 CC) in a VMX guest: KVM_RUN stops
 * with KVM_EXIT_INTERNAL_ERROR (KVM_INTERNAL_ERROR_EMULATION), RIP on the
 * instruction and the registers intact.  The box hands the registers to
 * the emulated TDX module, writes its answer back, steps over the
 * instruction, makes sure no exception was left pending and resumes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "box.h"

#define TDCALL_LEN 4
#define VMCALL_HLT 12
#define PIO_OFFSET 4096 /* KVM_PIO_PAGE_OFFSET * PAGE_SIZE: where KVM puts IO data */

static const uint8_t tdcall_bytes[TDCALL_LEN] = { 0x66, 0x0F, 0x01, 0xCC };

struct mapping {
	uint64_t gpa, size;
	uint8_t *host;
	int owned; /* mapped by the box (else the module's memory) */
};

struct tdx__box {
	tdx_emu *emu;
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	struct mapping *maps;
	size_t nmaps;
	struct kvm_run *owed; /* the caller's area owes an IN / MMIO read answer */
};

static int add_slot(tdx__box *b, uint64_t gpa, uint64_t size, uint8_t *host, int owned)
{
	struct kvm_userspace_memory_region m = { .slot = (uint32_t)b->nmaps, .guest_phys_addr = gpa,
						 .memory_size = size,
						 .userspace_addr = (uint64_t)(uintptr_t)host };
	struct mapping *grown = realloc(b->maps, (b->nmaps + 1) * sizeof(*grown));

	if (!grown)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	b->maps = grown;
	if (ioctl(b->vm, KVM_SET_USER_MEMORY_REGION, &m) < 0)
		return tdx__fail_os(errno, "KVM_SET_USER_MEMORY_REGION [0x%llx, 0x%llx): %s",
				    (unsigned long long)gpa, (unsigned long long)(gpa + size),
				    strerror(errno));
	b->maps[b->nmaps++] = (struct mapping){ gpa, size, host, owned };
	return TDX_OK;
}

/* The host address of [gpa, gpa+len) if one mapping holds it all. */
static uint8_t *host_of(const tdx__box *b, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < b->nmaps; i++) {
		const struct mapping *m = &b->maps[i];

		if (gpa >= m->gpa && gpa - m->gpa < m->size && len <= m->size - (gpa - m->gpa))
			return m->host + (gpa - m->gpa);
	}
	return NULL;
}

static int set_cpuid(tdx__box *b, int kvm)
{
	struct kvm_cpuid2 *c = NULL;
	uint32_t n = 64;
	int rc;

	/* The CPU the VM really has (KVM checks EFER.LME against it); what the
	 * TD is told by TDVMCALL<CPUID> is the module's business. */
	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return tdx__fail(TDX_E_NOMEM, "out of memory");
		c->nent = n;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		if (errno != E2BIG || n >= 4096) {
			rc = tdx__fail_os(errno, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
			free(c);
			return rc;
		}
		n *= 2;
	}
	/* MAXPHYADDR = the GPAW, so that the guest may set the shared bit. */
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x80000008)
			c->entries[i].eax = (c->entries[i].eax & ~0xFFu) | b->emu->cfg.gpaw;
	rc = ioctl(b->vcpu, KVM_SET_CPUID2, c) < 0
		     ? tdx__fail_os(errno, "KVM_SET_CPUID2: %s", strerror(errno))
		     : TDX_OK;
	free(c);
	return rc;
}

/*
 * A TD vCPU's initial state (TDX module TDH.VP.INIT; TDVF's and td-shim's
 * reset vectors rely on it): 32-bit protected mode, paging off, flat
 * segments, RIP at the reset vector, CR0.NE and CR4.MCE set, RCX the
 * initial value, RBX[6:0] the GPAW, RSI the VCPU_INDEX.
 */
static int set_initial_state(tdx__box *b, uint64_t rcx)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rcx = rcx, .rbx = b->emu->cfg.gpaw, .rsi = b->emu->cfg.vcpu_index,
			      .rip = 0xFFFFFFF0ULL, .rflags = 2 };
	struct kvm_segment flat = { .base = 0, .limit = 0xFFFFFFFF, .selector = 0x10, .type = 3,
				    .present = 1, .db = 1, .s = 1, .g = 1 };

	if (ioctl(b->vcpu, KVM_GET_SREGS, &s) < 0)
		return tdx__fail_os(errno, "KVM_GET_SREGS: %s", strerror(errno));
	s.ds = s.es = s.fs = s.gs = s.ss = flat;
	s.cs = flat;
	s.cs.selector = 0x08;
	s.cs.type = 11;
	s.cr0 = 0x31; /* PE, ET, NE */
	s.cr4 = 0x40; /* MCE */
	s.efer = 0;
	if (ioctl(b->vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(b->vcpu, KVM_SET_REGS, &r) < 0)
		return tdx__fail_os(errno, "setting the initial vCPU state: %s", strerror(errno));
	return TDX_OK;
}

int tdx__box_create(tdx__box **out, int kvm, tdx_emu *e, uint64_t initial_rcx)
{
	tdx__box *b = calloc(1, sizeof(*b));
	long size = 0;
	int rc;

	*out = NULL;
	if (!b)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	b->emu = e;
	b->vcpu = -1;
	b->vm = ioctl(kvm, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	if (b->vm < 0) {
		rc = tdx__fail_os(errno, "KVM_CREATE_VM: %s", strerror(errno));
		free(b);
		return rc;
	}
	rc = add_slot(b, 0, e->mem_size, e->mem, 0);
	if (!rc) {
		b->vcpu = ioctl(b->vm, KVM_CREATE_VCPU, 0);
		size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
		if (b->vcpu < 0 || size < (long)sizeof(struct kvm_run))
			rc = tdx__fail_os(errno, "KVM_CREATE_VCPU: %s", strerror(errno));
	}
	if (!rc) {
		b->run_size = (size_t)size;
		b->run = mmap(NULL, b->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, b->vcpu, 0);
		if (b->run == MAP_FAILED) {
			b->run = NULL;
			rc = tdx__fail_os(errno, "mapping the vCPU's kvm_run: %s", strerror(errno));
		}
	}
	if (!rc)
		rc = set_cpuid(b, kvm);
	if (!rc)
		rc = set_initial_state(b, initial_rcx);
	if (rc) {
		tdx__box_destroy(b);
		return rc;
	}
	*out = b;
	return TDX_OK;
}

uint8_t *tdx__box_memory(tdx__box *b, uint64_t gpa, uint64_t size)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);

	if (p == MAP_FAILED) {
		tdx__fail_os(errno, "cannot map %llu bytes of guest memory", (unsigned long long)size);
		return NULL;
	}
	if (add_slot(b, gpa, size, p, 1)) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

int tdx__box_alias(tdx__box *b, uint64_t gpa, uint64_t size, uint8_t *host)
{
	return add_slot(b, gpa, size, host, 0);
}

void tdx__box_destroy(tdx__box *b)
{
	if (!b)
		return;
	if (b->run)
		munmap(b->run, b->run_size);
	if (b->vcpu >= 0)
		close(b->vcpu);
	close(b->vm);
	for (size_t i = 0; i < b->nmaps; i++)
		if (b->maps[i].owned)
			munmap(b->maps[i].host, b->maps[i].size);
	free(b->maps);
	free(b);
}

/* Is the instruction at the guest's RIP a TDCALL?  Its bytes are read
 * through the guest's own page tables (KVM_TRANSLATE). */
static int at_tdcall(tdx__box *b, uint64_t rip)
{
	uint8_t insn[TDCALL_LEN];

	for (unsigned i = 0; i < TDCALL_LEN; i++) {
		struct kvm_translation t = { .linear_address = rip + i };
		const uint8_t *p;

		if (ioctl(b->vcpu, KVM_TRANSLATE, &t) < 0 || !t.valid)
			return 0;
		p = host_of(b, t.physical_address, 1);
		if (!p)
			return 0;
		insn[i] = *p;
	}
	return !memcmp(insn, tdcall_bytes, TDCALL_LEN);
}

/* A failed emulation must not leave a #UD behind. */
static int drop_exception(tdx__box *b)
{
	struct kvm_vcpu_events ev;

	if (ioctl(b->vcpu, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	if (ev.exception.injected || ev.exception.pending) {
		ev.exception.injected = ev.exception.pending = 0;
		ev.flags = 0;
		if (ioctl(b->vcpu, KVM_SET_VCPU_EVENTS, &ev) < 0)
			return -errno;
	}
	return 0;
}

/*
 * The vCPU stopped on an emulation failure: if it is a TDCALL, answer it
 * and step over it (1; *halted when it was a successful TDVMCALL<HLT>),
 * 2 if the module deferred it (RIP stays), else 0 (the caller sees the
 * failure), or -errno.
 */
static int trap_tdcall(tdx__box *b, int *halted)
{
	struct kvm_regs k;
	tdx_regs r;
	int hlt, rc;

	if (ioctl(b->vcpu, KVM_GET_REGS, &k) < 0)
		return -errno;
	if (!at_tdcall(b, k.rip))
		return 0;
	r = (tdx_regs){ .rax = k.rax, .rcx = k.rcx, .rdx = k.rdx, .rbx = k.rbx, .rsi = k.rsi,
			.rdi = k.rdi, .r8 = k.r8, .r9 = k.r9, .r10 = k.r10, .r11 = k.r11,
			.r12 = k.r12, .r13 = k.r13, .r14 = k.r14, .r15 = k.r15 };
	hlt = r.rax == 0 && r.r10 == 0 && r.r11 == VMCALL_HLT;
	if (tdx__emu_execute(b->emu, &r) == 1) {
		rc = drop_exception(b);
		return rc ? rc : 2;
	}
	*halted = hlt && r.rax == 0 && r.r10 == 0;
	k.rax = r.rax, k.rcx = r.rcx, k.rdx = r.rdx, k.rbx = r.rbx, k.rsi = r.rsi, k.rdi = r.rdi;
	k.r8 = r.r8, k.r9 = r.r9, k.r10 = r.r10, k.r11 = r.r11, k.r12 = r.r12, k.r13 = r.r13;
	k.r14 = r.r14, k.r15 = r.r15;
	k.rip += TDCALL_LEN;
	if (ioctl(b->vcpu, KVM_SET_REGS, &k) < 0)
		return -errno;
	rc = drop_exception(b);
	return rc ? rc : 1;
}

/* Copy the real VM's exit into the caller's kvm_run area. */
static void forward(tdx__box *b, struct kvm_run *out, size_t out_size)
{
	const struct kvm_run *in = b->run;

	out->exit_reason = in->exit_reason;
	memcpy(out->padding, in->padding, sizeof(out->padding));
	if (in->exit_reason == KVM_EXIT_IO) {
		size_t n = (size_t)in->io.size * in->io.count;

		if (in->io.data_offset + n > b->run_size || PIO_OFFSET + n > out_size) {
			out->exit_reason = KVM_EXIT_INTERNAL_ERROR; /* no room for the data */
			out->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
			out->internal.ndata = 0;
			return;
		}
		out->io.data_offset = PIO_OFFSET;
		memcpy((uint8_t *)out + PIO_OFFSET, (const uint8_t *)in + in->io.data_offset, n);
		if (in->io.direction == KVM_EXIT_IO_IN)
			b->owed = out;
	} else if (in->exit_reason == KVM_EXIT_MMIO && !in->mmio.is_write) {
		b->owed = out;
	}
}

/* Hand the VMM's answer to the last IN / MMIO read to the real vCPU. */
static void settle(tdx__box *b)
{
	struct kvm_run *in = b->run, *out = b->owed;

	b->owed = NULL;
	if (in->exit_reason == KVM_EXIT_IO)
		memcpy((uint8_t *)in + in->io.data_offset, (const uint8_t *)out + PIO_OFFSET,
		       (size_t)in->io.size * in->io.count);
	else if (in->exit_reason == KVM_EXIT_MMIO)
		memcpy(in->mmio.data, out->mmio.data, sizeof(in->mmio.data));
}

long tdx__box_run(tdx__box *b, struct kvm_run *out, size_t out_size)
{
	if (b->owed)
		settle(b);
	for (;;) {
		int halted = 0, rc;

		if (ioctl(b->vcpu, KVM_RUN, 0) < 0)
			return -errno;
		if (b->run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
		    b->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
			rc = trap_tdcall(b, &halted);
			if (rc < 0)
				return rc;
			if (rc == 2)
				return 0; /* `out` holds the module's exit for the VMM */
			if (rc && halted) {
				memset(out->padding, 0, sizeof(out->padding));
				out->exit_reason = KVM_EXIT_HLT;
				return 0;
			}
			if (rc)
				continue;
		}
		forward(b, out, out_size);
		return 0;
	}
}
