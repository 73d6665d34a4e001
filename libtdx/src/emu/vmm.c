/* SPDX-License-Identifier: MIT */
/*
 * The emulator's host model: what a VMM (KVM + QEMU) answers to each
 * TDVMCALL (guest.md §2.2-2.5, §7.5).  It sees only the registers the TD
 * exposed.  Devices are a small documented model (docs/emulator.md):
 * COM1 at 0x3F8, a POST-code latch at 0x80, a 4 KiB register file at
 * shared GPA EMU_MMIO_BASE, and a few MSRs.
 */
#include <cpuid.h>
#include <string.h>

#include "emu_internal.h"

#define MAP_GPA_CHUNK EMU_2M /* KVM converts 2 MiB per exit, then RETRY */
#define GQ_MAX_BUF (128u * 1024) /* QEMU's TDX_GET_QUOTE_MAX_BUF_LEN */
#define MSR_APIC_BASE 0x1B
#define MSR_MISC_ENABLE 0x1A0
#define MSR_TSC_DEADLINE 0x6E0
#define MSR_X2APIC_ID 0x802

/* A shared range of the TD's memory, as the host maps it. */
static uint8_t *shared_mem(struct tdx_emu *e, uint64_t gpa, uint64_t len)
{
	if (!(gpa & emu_shared_bit(e)))
		return NULL;
	gpa &= ~emu_shared_bit(e);
	for (uint64_t p = gpa & ~(EMU_PAGE - 1); p < gpa + len; p += EMU_PAGE) {
		uint8_t *st = tdx__emu_page_state(e, p);

		if (!st || *st != PAGE_SHARED)
			return NULL;
	}
	/* Behind a host (the emulated KVM), shared memory is the host's. */
	if (e->host.shared)
		return e->host.shared(e->host.ctx, gpa, len);
	return tdx__emu_mem(e, gpa, len);
}

/*
 * CPUID as the VMM reports it to a TD: this CPU's values with the TD's
 * virtualised view (hypervisor present; no VMX, SMX or MONITOR), and the
 * hypervisor leaves naming the emulator.
 */
static void vmcall_cpuid(tdx_regs *r)
{
	uint32_t leaf = (uint32_t)r->r12, sub = (uint32_t)r->r13;
	unsigned a = 0, b = 0, c = 0, d = 0;

	if (leaf == 0x40000000) {
		a = 0x40000001;
		memcpy(&b, "libt", 4); /* "libtdxEmuVMM" */
		memcpy(&c, "dxEm", 4);
		memcpy(&d, "uVMM", 4);
	} else if (leaf == 0x40000001) {
		a = b = c = d = 0;
	} else {
		__cpuid_count(leaf, sub, a, b, c, d);
		if (leaf == 1) {
			c |= 1u << 31;                              /* hypervisor */
			c &= ~((1u << 3) | (1u << 5) | (1u << 6)); /* MONITOR, VMX, SMX */
		}
	}
	r->r12 = a;
	r->r13 = b;
	r->r14 = c;
	r->r15 = d;
	r->r10 = TDVMCALL_SUCCESS;
}

static uint64_t io(struct tdx_emu *e, tdx_regs *r)
{
	unsigned size = (unsigned)r->r12, port = (unsigned)r->r14;
	uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;

	if ((size != 1 && size != 2 && size != 4) || r->r13 > 1 || r->r14 > 0xFFFF)
		return TDVMCALL_INVALID_OPERAND;
	if (r->r13 == 1) { /* out */
		if (port == EMU_COM1 && e->console_len < sizeof(e->console) - 1)
			e->console[e->console_len++] = (char)r->r15;
		else if (port == EMU_POST_PORT)
			e->post_code = (uint32_t)r->r15 & mask;
		return TDVMCALL_SUCCESS;
	}
	if (port == EMU_COM1 + 5)
		r->r11 = 0x60; /* line status: transmitter empty */
	else if (port == EMU_POST_PORT)
		r->r11 = e->post_code;
	else if (port == EMU_COM1)
		r->r11 = 0;
	else
		r->r11 = mask; /* nothing there: the bus floats high */
	r->r11 &= mask;
	return TDVMCALL_SUCCESS;
}

static uint64_t rdmsr(struct tdx_emu *e, tdx_regs *r)
{
	switch (r->r12) {
	case MSR_APIC_BASE: r->r11 = 0xFEE00000ULL | (1 << 11) | (1 << 10) |
				   (e->cfg.vcpu_index == 0 ? 1 << 8 : 0); break;
	case MSR_MISC_ENABLE: r->r11 = 1; break; /* fast strings */
	case MSR_TSC_DEADLINE: r->r11 = e->msr_tsc_deadline; break;
	case MSR_X2APIC_ID: r->r11 = e->cfg.vcpu_index; break;
	default: return TDVMCALL_INVALID_OPERAND; /* KVM: #GP becomes INVALID_OPERAND */
	}
	return TDVMCALL_SUCCESS;
}

static uint64_t wrmsr(struct tdx_emu *e, tdx_regs *r)
{
	if (r->r12 == MSR_TSC_DEADLINE) {
		e->msr_tsc_deadline = r->r13;
		return TDVMCALL_SUCCESS;
	}
	return TDVMCALL_INVALID_OPERAND;
}

static uint64_t mmio(struct tdx_emu *e, tdx_regs *r)
{
	unsigned size = (unsigned)r->r12;
	uint64_t gpa = r->r14, off;

	if ((size != 1 && size != 2 && size != 4 && size != 8) || r->r13 > 1 || (gpa & (size - 1)))
		return TDVMCALL_INVALID_OPERAND;
	if (!(gpa & emu_shared_bit(e)))
		return TDVMCALL_INVALID_OPERAND; /* KVM refuses MMIO to private GPAs */
	gpa &= ~emu_shared_bit(e);
	if (gpa < EMU_MMIO_BASE || gpa + size > EMU_MMIO_BASE + sizeof(e->mmio)) {
		if (r->r13 == 0)
			r->r11 = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
		return TDVMCALL_SUCCESS; /* unassigned MMIO reads all-ones */
	}
	off = gpa - EMU_MMIO_BASE;
	if (r->r13 == 1)
		memcpy(e->mmio + off, &r->r15, size);
	else {
		r->r11 = 0;
		memcpy(&r->r11, e->mmio + off, size);
	}
	return TDVMCALL_SUCCESS;
}

/* GetTdVmCallInfo (§7.5): leaf 1 R11 bit 1 = SetupEventNotifyInterrupt. */
static uint64_t tdvmcall_info(tdx_regs *r)
{
	uint64_t leaf = r->r12;

	if (leaf > 1)
		return TDVMCALL_INVALID_OPERAND;
	r->r11 = leaf == 1 ? 1ULL << 1 : 0;
	r->r12 = r->r13 = r->r14 = 0;
	return TDVMCALL_SUCCESS;
}

/* MapGPA: convert page states, one 2 MiB chunk per call, then RETRY. */
static uint64_t map_gpa(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t shared = r->r12 & emu_shared_bit(e), gpa = r->r12 & ~emu_shared_bit(e);
	uint64_t size = r->r13, end = gpa + size, stop;

	if ((gpa | size) & (EMU_PAGE - 1))
		return TDVMCALL_ALIGN_ERROR;
	if (!size || end < gpa || end > e->mem_size)
		return TDVMCALL_INVALID_OPERAND;
	stop = (gpa & ~(MAP_GPA_CHUNK - 1)) + MAP_GPA_CHUNK;
	if (stop > end)
		stop = end;
	for (uint64_t p = gpa; p < stop; p += EMU_PAGE) {
		uint8_t *st = tdx__emu_page_state(e, p);

		if (shared) {
			*st = PAGE_SHARED;
		} else if (*st == PAGE_SHARED) {
			*st = PAGE_PENDING; /* back to private: to be accepted */
			memset(tdx__emu_mem(e, p, EMU_PAGE), 0, EMU_PAGE);
		}
	}
	/* Converting part of a 2M page splits its mapping (KVM demotes). */
	for (uint64_t c = gpa / EMU_2M; c <= (stop - 1) / EMU_2M; c++)
		if (gpa > c * EMU_2M || stop < (c + 1) * EMU_2M)
			e->map_2m[c] = 0;
	if (stop < end) {
		r->r11 = stop | shared;
		return TDVMCALL_RETRY;
	}
	return TDVMCALL_SUCCESS;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/*
 * GetQuote as QEMU's tdx_handle_get_quote() takes it (target/i386/kvm/
 * tdx.c): a non-empty shared buffer (INVALID_OPERAND), 4 KiB aligned
 * (ALIGN_ERROR), header {version = 1 as a 64-bit value, status, in_len,
 * out_len} with in_len within the buffer, the buffer at most 128 KiB
 * (TDX_GET_QUOTE_MAX_BUF_LEN: INVALID_OPERAND); the raw TDREPORT is
 * replaced by the quote.  Answered at once by the emulated quoting
 * enclave, so no request is ever in flight (QEMU answers RETRY past 16).
 */
static uint64_t get_quote(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t gpa = r->r12, size = r->r13;
	uint8_t *buf, report[TDREPORT_SIZE];
	uint64_t version;
	uint32_t in_len;
	size_t len = 0;

	if (!size || !(gpa & emu_shared_bit(e)))
		return TDVMCALL_INVALID_OPERAND;
	if ((gpa | size) & (EMU_PAGE - 1))
		return TDVMCALL_ALIGN_ERROR;
	buf = shared_mem(e, gpa, size);
	if (!buf)
		return TDVMCALL_INVALID_OPERAND;
	memcpy(&version, buf + GQ_VERSION, 8);
	memcpy(&in_len, buf + GQ_IN_LEN, 4);
	if (version != 1 || size > GQ_MAX_BUF || in_len > size - GQ_DATA)
		return TDVMCALL_INVALID_OPERAND;
	memcpy(report, buf + GQ_DATA, sizeof(report));
	/* The quoting enclave only signs reports made on this platform. */
	if (in_len != TDREPORT_SIZE || !tdx__emu_report_genuine(e, report)) {
		put_u64(buf + GQ_STATUS, GQ_STATUS_ERROR);
		memset(buf + GQ_OUT_LEN, 0, 4);
	} else if (tdx__qe_quote(e->qe, report, sizeof(report), e->cfg.module_version >= 15 ? 5 : 4,
				 buf + GQ_DATA, size - GQ_DATA, &len) != TDX_OK) {
		put_u64(buf + GQ_STATUS, GQ_STATUS_ERROR);
		memset(buf + GQ_OUT_LEN, 0, 4);
	} else {
		uint32_t out_len = (uint32_t)len;

		put_u64(buf + GQ_STATUS, GQ_STATUS_SUCCESS);
		memcpy(buf + GQ_OUT_LEN, &out_len, 4);
	}
	if (e->notify_vector)
		e->notify_raised++;
	return TDVMCALL_SUCCESS;
}

static uint64_t report_fatal_error(struct tdx_emu *e, tdx_regs *r)
{
	const uint64_t regs[8] = { r->r14, r->r15, r->rbx, r->rdi, r->rsi, r->r8, r->r9, r->rdx };
	size_t n = 0;

	e->fatal = 1;
	e->fatal_code = r->r12;
	memcpy(e->fatal_message, regs, 64);
	e->fatal_message[64] = '\0';
	n = strlen(e->fatal_message);
	if (r->r12 >> 63) { /* R13: a shared page with a NUL-terminated message */
		uint8_t *page = shared_mem(e, r->r13, EMU_PAGE);

		if (page) {
			size_t room = sizeof(e->fatal_message) - 1 - n;
			size_t m = strnlen((const char *)page, EMU_PAGE);

			memcpy(e->fatal_message + n, page, m < room ? m : room);
			e->fatal_message[n + (m < room ? m : room)] = '\0';
		}
	}
	return TDVMCALL_SUCCESS;
}

/* Service (GHCI 1.5): no services are offered; the call itself is checked. */
static uint64_t service(struct tdx_emu *e, tdx_regs *r)
{
	if ((r->r12 | r->r13) & (EMU_PAGE - 1))
		return TDVMCALL_ALIGN_ERROR;
	if (!shared_mem(e, r->r12, EMU_PAGE) || !shared_mem(e, r->r13, EMU_PAGE) ||
	    (r->r14 >= 1 && r->r14 <= 31) || r->r14 > 255)
		return TDVMCALL_INVALID_OPERAND;
	return TDVMCALL_SUBFUNC_UNSUPPORTED;
}

void tdx__emu_set_host(struct tdx_emu *e, const tdx__emu_host *host)
{
	pthread_mutex_lock(&e->lock);
	if (host)
		e->host = *host;
	else
		memset(&e->host, 0, sizeof(e->host));
	pthread_mutex_unlock(&e->lock);
}

int tdx__emu_vmm(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t status;

	if (e->host.vmcall) {
		int h = e->host.vmcall(e->host.ctx, r);

		if (h != EMU_HOOK_PASS)
			return h == EMU_HOOK_DEFER;
	}
	if (r->r10 != 0) { /* not a standard GHCI call: a KVM hypercall, not modelled */
		r->r10 = TDVMCALL_SUBFUNC_UNSUPPORTED;
		return 0;
	}
	switch (r->r11) {
	case 10: vmcall_cpuid(r); return 0;
	case 12: e->hlt_count++; status = TDVMCALL_SUCCESS; break;
	case 30: status = io(e, r); break;
	case 31: status = rdmsr(e, r); break;
	case 32: status = wrmsr(e, r); break;
	case 48: status = mmio(e, r); break;
	case 54: status = r->r12 > 1 ? TDVMCALL_INVALID_OPERAND : TDVMCALL_SUCCESS; break;
	case 0x10000: status = tdvmcall_info(r); break;
	case 0x10001: status = map_gpa(e, r); break;
	case 0x10002: status = get_quote(e, r); break;
	case 0x10003: status = report_fatal_error(e, r); break;
	case 0x10004:
		status = r->r12 < 32 || r->r12 > 255 ? TDVMCALL_INVALID_OPERAND : TDVMCALL_SUCCESS;
		if (status == TDVMCALL_SUCCESS)
			e->notify_vector = (unsigned)r->r12;
		break;
	case 0x10005: status = service(e, r); break;
	default: status = TDVMCALL_SUBFUNC_UNSUPPORTED; break; /* PCONFIG included (§7.6) */
	}
	r->r10 = status;
	return 0;
}
