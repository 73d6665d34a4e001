/* SPDX-License-Identifier: MIT */
/*
 * The TD-in-a-box payload: guest code that runs in a VM and reaches the
 * TDX module through the TDCALL instruction, with libtdx's own wrappers
 * (guest_calls.c) over its own transport (tdcall.c), built freestanding.
 *
 * Modes (the initial RCX, bits 7:0; the rest is the mode's argument):
 *  - selftest: every TDCALL leaf and TDVMCALL, success and failure cases,
 *    one line per case on COM1 ("ok NAME" / "FAIL NAME ..."), then
 *    "done PASSED FAILED";
 *  - bench: the argument's count of TDG.VP.INFO, then of TDVMCALL
 *    GetTdVmCallInfo(1) (answered by the host's handler), then of OUT to
 *    port 0x80 (a plain KVM exit), each batch between TDVMCALL<HLT>s;
 *  - demo: extend RTMR2, get a TDREPORT and a quote for a nonce.
 * Memory is identity-mapped: a buffer's address is its GPA.
 */
#include "payload.h"
#include "layout.h"

#define G (&payload_guest)

/* TDX module statuses the cases expect (guest.md §1.3). */
#define ST_NO_VALID_VE_INFO 0xC000070400000000ULL
#define ST_OPERAND_INVALID 0xC000010000000000ULL
#define ST_PAGE_ALREADY_ACCEPTED 0x00000B0A00000000ULL
#define ST_PAGE_SIZE_MISMATCH 0xC0000B0B00000000ULL
#define ST_EPT_WALK_FAILED 0xC0000B0000000000ULL
#define ST_FIELD_ID_INCORRECT 0xC0000C0000000000ULL
#define ST_FIELD_NOT_WRITABLE 0xC0000C0100000000ULL
#define ST_FIRST_FIELD_ID 0x00000C0B00000000ULL
#define ST_TARGET_UUID_MISMATCH 0xC0000D0700000000ULL
#define ST_TARGET_UUID_UPDATED 0xC0000D0800000000ULL
#define ST_INVALID_REPORTMACSTRUCT 0xC000100100000000ULL
#define ST_PAGE_ATTR_INVALID 0xC0000B1100000000ULL
#define ST_GLA_NOT_CANONICAL 0xC000116000000000ULL
#define STATUS_CLASS(s) ((s) & 0xFFFFFFFF00000000ULL)
/* TDVMCALL statuses (R10). */
#define VM_INVALID_OPERAND 0x8000000000000000ULL
#define VM_ALIGN_ERROR 0x8000000000000002ULL
#define VM_SUBFUNC_UNSUPPORTED 0x8000000000000003ULL

/* Metadata field ids (guest.md §7). */
#define MD_ATTRIBUTES 0x1110000300000000ULL
#define MD_TD_UUID 0x8010000300000020ULL
#define MD_NOTIFY_ENABLES 0x9110000300000010ULL
#define MD_VCPU_INDEX 0xA020000200000002ULL
#define MD_CPUID_USER_VE 0xA020000000000008ULL
#define MD_L2_VAPIC_GPA_VM1 0x2424000300002012ULL
#define MD_VENDOR_ID 0x0800000200000000ULL
#define MD_MINOR_VERSION 0x0800000100000003ULL
#define MD_MIG_VERSION 0x9810000100000020ULL

#define PENDING 0x2000000ULL /* the first pending GPA (the emulator's accepted size) */
#define EMU_MMIO 0xFEB00000ULL

static unsigned passed, failed;
static uint64_t shared_bit;

static _Alignas(4096) uint8_t buf[4096];       /* private scratch */
static _Alignas(4096) uint8_t report[TDREPORT_SIZE];
static _Alignas(4096) uint8_t quote_buf[8 * 4096]; /* shared for GetQuote */
static _Alignas(64) uint8_t report_data[64];
static _Alignas(64) uint8_t digest[48];

static uint64_t status(void)
{
	return G->last_status;
}

static void check(const char *name, int ok, int rc)
{
	out_str(ok ? "ok " : "FAIL ");
	out_str(name);
	if (!ok) {
		out_str(" rc=");
		out_dec((uint64_t)(rc < 0 ? -rc : rc));
		out_str(" status=");
		out_hex(status());
	}
	out_str("\n");
	if (ok)
		passed++;
	else
		failed++;
}

/* A call expected to succeed (rc 0). */
#define OK(name, call, cond)                                  \
	do {                                                  \
		int rc_ = (call);                             \
		check(name, rc_ == TDX_OK && (cond), rc_);    \
	} while (0)
/* A call expected to fail with a module status (or a TDVMCALL status). */
#define FAILS_TDCALL(name, call, st)                                         \
	do {                                                                 \
		int rc_ = (call);                                            \
		check(name, rc_ == TDX_E_TDCALL && STATUS_CLASS(status()) == (st), rc_); \
	} while (0)
/* A TDVMCALL expected to fail with the host's status r10 (the wrappers
 * record it as the error's hardware status). */
#define FAILS_VMCALL(name, call, r10)                                                   \
	do {                                                                            \
		int rc_ = (call);                                                       \
		check(name, rc_ == TDX_E_VMCALL && payload_last_hw_status == (r10), rc_); \
	} while (0)

/* A TDVMCALL with registers the wrappers refuse to build. */
static int raw_vmcall(uint64_t r11, uint64_t r12, uint64_t r13, uint64_t r14)
{
	tdx_regs r = { .rcx = 0xFC00, .r11 = r11, .r12 = r12, .r13 = r13, .r14 = r14 };

	return tdx_tdg_vp_vmcall(G, &r);
}

static int get_report(const uint8_t *data)
{
	memcpy(report_data, data, 64);
	return tdx_tdg_mr_report(G, (uint64_t)(uintptr_t)report, (uint64_t)(uintptr_t)report_data, 0);
}

/* ---- TDCALL leaves ---- */

static void leaves(void)
{
	TDX_OPTS(tdx_vp_info, info);
	TDX_OPTS(tdx_ve_info, ve);
	TDX_OPTS(tdx_page_attr, pa);
	TDX_OPTS(tdx_l2_exit, l2);
	uint64_t v = 0, next = 0, old = 0, uuid[4] = { 0 }, gla;
	uint8_t before[48], zero[64] = { 0 };
	uint64_t bufgpa = (uint64_t)(uintptr_t)buf;

	OK("tdg.vp.info", tdx_tdg_vp_info(G, &info),
	   info.gpaw == 48 && info.num_vcpus == 1 && info.vcpu_index == 0 && info.sys_rd_available);
	shared_bit = 1ULL << (info.gpaw - 1);

	FAILS_TDCALL("tdg.vp.veinfo.get: no #VE pending", tdx_tdg_vp_veinfo_get(G, &ve),
		     ST_NO_VALID_VE_INFO);

	/* TDG.MR.REPORT: the report carries the data; misaligned refused. */
	for (int i = 0; i < 64; i++)
		zero[i] = (uint8_t)(0xA0 + i);
	OK("tdg.mr.report", get_report(zero),
	   report[RM_REPORT_TYPE] == REPORT_TYPE_TDX && !memcmp(report + RM_REPORT_DATA, zero, 64));
	FAILS_TDCALL("tdg.mr.report: pending memory", tdx_tdg_mr_report(G, PENDING, (uint64_t)(uintptr_t)report_data, 0),
		     ST_OPERAND_INVALID);

	/* RTMR2: the next report shows the change, RTMR3 unchanged. */
	memcpy(before, report + TDINFO_OFF + TI_RTMR + 2 * SHA384_SIZE, SHA384_SIZE);
	memset(digest, 0x5A, sizeof(digest));
	OK("tdg.mr.rtmr.extend", tdx_tdg_mr_rtmr_extend(G, (uint64_t)(uintptr_t)digest, 2), 1);
	memset(zero, 0, sizeof(zero));
	OK("tdg.mr.report after extend: rtmr2 changed", get_report(zero),
	   memcmp(report + TDINFO_OFF + TI_RTMR + 2 * SHA384_SIZE, before, SHA384_SIZE) != 0);
	FAILS_TDCALL("tdg.mr.rtmr.extend: shared gpa",
		     tdx_tdg_mr_rtmr_extend(G, shared_bit | (uint64_t)(uintptr_t)digest, 0),
		     ST_OPERAND_INVALID);

	/* VERIFYREPORT: the REPORTMACSTRUCT just made, then with its MAC flipped. */
	memcpy(buf, report, 256);
	OK("tdg.mr.verifyreport", tdx_tdg_mr_verifyreport(G, bufgpa), 1);
	buf[224] ^= 1;
	FAILS_TDCALL("tdg.mr.verifyreport: bad mac", tdx_tdg_mr_verifyreport(G, bufgpa),
		     ST_INVALID_REPORTMACSTRUCT);

	OK("tdg.vp.cpuidve.set", tdx_tdg_vp_cpuidve_set(G, 2), 1);
	OK("tdg.vp.rd: cpuid_user_ve", tdx_tdg_vp_rd(G, MD_CPUID_USER_VE, &v, NULL), v == 1);
	OK("tdg.vp.cpuidve.set: back to 0", tdx_tdg_vp_cpuidve_set(G, 0), 1);

	/* PAGE.ACCEPT of pending memory: 2M, again (a warning), 4K mismatch. */
	FAILS_TDCALL("tdg.mem.page.accept: 4k in a 2m page", tdx_tdg_mem_page_accept(G, PENDING, 0),
		     ST_PAGE_SIZE_MISMATCH);
	OK("tdg.mem.page.accept", tdx_tdg_mem_page_accept(G, PENDING, 1), status() == 0);
	OK("tdg.mem.page.accept: again", tdx_tdg_mem_page_accept(G, PENDING, 1),
	   STATUS_CLASS(status()) == ST_PAGE_ALREADY_ACCEPTED);
	*(volatile uint8_t *)(uintptr_t)(PENDING + 0x1000) = 0x77; /* accepted memory is usable */
	FAILS_TDCALL("tdg.mem.page.accept: beyond memory",
		     tdx_tdg_mem_page_accept(G, 0x100000000ULL, 0), ST_EPT_WALK_FAILED);

	/* Metadata. */
	OK("tdg.vm.rd: attributes", tdx_tdg_vm_rd(G, MD_ATTRIBUTES, 0, &v, NULL),
	   v == info.attributes);
	OK("tdg.vm.rd: first field", tdx_tdg_vm_rd(G, TDX_MD_FIELD_NULL, 1, &v, &next),
	   status() == ST_FIRST_FIELD_ID && next != TDX_MD_FIELD_NULL);
	FAILS_TDCALL("tdg.vm.rd: unknown field", tdx_tdg_vm_rd(G, 0x1110000300000099ULL, 0, &v, NULL),
		     ST_FIELD_ID_INCORRECT);
	OK("tdg.vm.wr: notify_enables", tdx_tdg_vm_wr(G, MD_NOTIFY_ENABLES, 1, 1, &old), old == 0);
	FAILS_TDCALL("tdg.vm.wr: read-only field", tdx_tdg_vm_wr(G, MD_ATTRIBUTES, 0, ~0ULL, &old),
		     ST_FIELD_NOT_WRITABLE);
	OK("tdg.vp.rd: vcpu_index", tdx_tdg_vp_rd(G, MD_VCPU_INDEX, &v, &next), v == 0);
	OK("tdg.vp.wr: l2 vapic gpa", tdx_tdg_vp_wr(G, MD_L2_VAPIC_GPA_VM1, 0x7000, ~0ULL << 12, &old), 1);
	FAILS_TDCALL("tdg.vp.wr: read-only field", tdx_tdg_vp_wr(G, MD_VCPU_INDEX, 1, ~0ULL, &old),
		     ST_FIELD_NOT_WRITABLE);
	OK("tdg.sys.rd: vendor id", tdx_tdg_sys_rd(G, MD_VENDOR_ID, &v, &next), v == 0x8086);
	OK("tdg.sys.rd: minor version", tdx_tdg_sys_rd(G, MD_MINOR_VERSION, &v, NULL), v == 5);
	FAILS_TDCALL("tdg.sys.rd: unknown field", tdx_tdg_sys_rd(G, 0x0800000200000077ULL, &v, NULL),
		     ST_FIELD_ID_INCORRECT);
	OK("tdg.sys.rdall", tdx_tdg_sys_rdall(G, bufgpa, TDX_MD_FIELD_NULL, &next),
	   next == TDX_MD_FIELD_NULL && *(uint16_t *)buf > 8);
	FAILS_TDCALL("tdg.sys.rdall: pending page", tdx_tdg_sys_rdall(G, PENDING + 0x400000, TDX_MD_FIELD_NULL, &next),
		     ST_OPERAND_INVALID);

	/* Service TD: the emulator binds a target whose pre-import UUID is
	 * derived from this TD's TD_UUID (docs/emulator.md). */
	FAILS_TDCALL("tdg.servtd.rd: wrong uuid",
		     tdx_tdg_servtd_rd(G, 0, MD_ATTRIBUTES, uuid, &v, NULL), ST_TARGET_UUID_MISMATCH);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t mine = 0;

		tdx_tdg_vm_rd(G, MD_TD_UUID + ((i + 1) % 4), 0, &mine, NULL);
		uuid[i] = mine ^ 0x5A5A5A5A5A5A5A5AULL;
	}
	FAILS_TDCALL("tdg.servtd.rd: pre-import uuid updated",
		     tdx_tdg_servtd_rd(G, 0, MD_ATTRIBUTES, uuid, &v, NULL), ST_TARGET_UUID_UPDATED);
	OK("tdg.servtd.rd", tdx_tdg_servtd_rd(G, 0, MD_ATTRIBUTES, uuid, &v, NULL), v == info.attributes);
	OK("tdg.servtd.wr: mig_version", tdx_tdg_servtd_wr(G, 0, MD_MIG_VERSION, uuid, 2, 0xFFFF, &old), 1);
	FAILS_TDCALL("tdg.servtd.wr: read-only field",
		     tdx_tdg_servtd_wr(G, 0, MD_ATTRIBUTES, uuid, 0, ~0ULL, &old), ST_FIELD_NOT_WRITABLE);

	/* L2: attributes, entry, TLB invalidation. */
	OK("tdg.mem.page.attr.rd", tdx_tdg_mem_page_attr_rd(G, bufgpa, &pa), !pa.pending && pa.attr[0] == 0x800F);
	OK("tdg.mem.page.attr.wr", tdx_tdg_mem_page_attr_wr(G, 0, 1, (0x3ULL << 16) | (0x4ULL << 32), 0, &pa),
	   pa.attr[1] == 0x8003 && pa.attr[2] == 0x8004);
	FAILS_TDCALL("tdg.mem.page.attr.wr: absent l2 vm",
		     tdx_tdg_mem_page_attr_wr(G, 0, 1, 0x1ULL << 48, 0, &pa), ST_PAGE_ATTR_INVALID);
	OK("tdg.vp.enter", tdx_tdg_vp_enter(G, 1, 0, bufgpa, &l2), l2.exit_reason == 12);
	FAILS_TDCALL("tdg.vp.enter: absent l2 vm", tdx_tdg_vp_enter(G, 3, 0, bufgpa, &l2), ST_OPERAND_INVALID);
	OK("tdg.vp.invept", tdx_tdg_vp_invept(G, 0x6), 1);
	FAILS_TDCALL("tdg.vp.invept: vm 0", tdx_tdg_vp_invept(G, 0x1), ST_OPERAND_INVALID);
	gla = 0x7fff00000000ULL | 3;
	OK("tdg.vp.invgla", tdx_tdg_vp_invgla(G, 1ULL << 52, &gla), 1);
	gla = 0x0000900000000000ULL;
	FAILS_TDCALL("tdg.vp.invgla: non-canonical", tdx_tdg_vp_invgla(G, 1ULL << 52, &gla),
		     ST_GLA_NOT_CANONICAL);

	/* TDG.VP.VMCALL itself: RAX exposed is refused by the module. */
	{
		tdx_regs r = { .rcx = 0xFC01, .r11 = 10 };

		FAILS_TDCALL("tdg.vp.vmcall: rax exposed", tdx_tdg_vp_vmcall(G, &r), ST_OPERAND_INVALID);
	}
}

/* ---- TDVMCALLs ---- */

/* GetQuote through a shared buffer: MapGPA it shared, write the header and
 * the TDREPORT through the shared mapping, ask, read the quote back. */
static void get_quote(const uint8_t data[64])
{
	volatile uint8_t *q = (volatile uint8_t *)(uintptr_t)(SHARED_VA + (uintptr_t)quote_buf);
	uint64_t gpa = (uint64_t)(uintptr_t)quote_buf, st;
	uint32_t out_len = 0;
	int rc;

	OK("tdg.mr.report for the quote", get_report(data), 1);
	OK("tdvmcall mapgpa: buffer to shared",
	   tdx_tdvmcall_map_gpa(G, shared_bit | gpa, sizeof(quote_buf), NULL), 1);
	for (size_t i = 0; i < GQ_DATA; i++)
		q[i] = 0;
	q[GQ_VERSION] = 1;
	q[GQ_IN_LEN + 1] = TDREPORT_SIZE >> 8;
	for (size_t i = 0; i < TDREPORT_SIZE; i++)
		q[GQ_DATA + i] = report[i];
	rc = tdx_tdvmcall_get_quote(G, shared_bit | gpa, sizeof(quote_buf));
	memcpy(&st, (const void *)(q + GQ_STATUS), 8);
	memcpy(&out_len, (const void *)(q + GQ_OUT_LEN), 4);
	check("tdvmcall getquote", rc == TDX_OK && st == GQ_STATUS_SUCCESS &&
	      out_len > QUOTE_V4_SIG_DATA, rc);
	/* The quote's TD report body carries the TDREPORT's MRTD, RTMRs and
	 * REPORTDATA. */
	{
		volatile uint8_t *quote = q + GQ_DATA;
		volatile uint8_t *body = quote + (quote[QH_VERSION] == 5 ? QUOTE_V5_BODY : QUOTE_V4_BODY);
		const uint8_t *td = report + TDINFO_OFF;
		int same = 1;

		for (int i = 0; i < SHA384_SIZE; i++)
			same &= body[QB_MRTD + i] == td[TI_MRTD + i];
		for (int i = 0; i < RTMR_COUNT * SHA384_SIZE; i++)
			same &= body[QB_RTMR + i] == td[TI_RTMR + i];
		for (int i = 0; i < REPORT_DATA_SIZE; i++)
			same &= body[QB_REPORT_DATA + i] == report[RM_REPORT_DATA + i];
		check("getquote: quote body = tdreport", same, 0);
	}
	FAILS_VMCALL("tdvmcall getquote: private gpa refused",
		     tdx_tdvmcall_get_quote(G, gpa, sizeof(quote_buf)), VM_INVALID_OPERAND);
	OK("tdvmcall mapgpa: back to private", tdx_tdvmcall_map_gpa(G, gpa, sizeof(quote_buf), NULL), 1);
	for (uint64_t p = gpa; p < gpa + sizeof(quote_buf); p += 4096)
		tdx_tdg_mem_page_accept(G, p, 0);
	OK("tdg.mem.page.accept: buffer private again", tdx_tdg_mem_page_accept(G, gpa, 0),
	   STATUS_CLASS(status()) == ST_PAGE_ALREADY_ACCEPTED);
}

static void tdvmcalls(void)
{
	uint64_t info[4] = { 9, 9, 9, 9 }, v = 0, o[5];
	uint32_t r[4], v32 = 0;
	uint8_t data[64];

	OK("tdvmcall gettdvmcallinfo", tdx_tdvmcall_get_tdvmcall_info(G, 0, info),
	   !info[0] && !info[1] && !info[2] && !info[3]);
	OK("tdvmcall gettdvmcallinfo leaf 1", tdx_tdvmcall_get_tdvmcall_info(G, 1, info), 1);
	FAILS_VMCALL("tdvmcall gettdvmcallinfo: leaf 2 invalid", raw_vmcall(0x10000, 2, 0, 0),
		     VM_INVALID_OPERAND);
	OK("tdvmcall mapgpa", tdx_tdvmcall_map_gpa(G, shared_bit | 0x3000000, 0x500000, &v),
	   v == (shared_bit | 0x3500000));
	OK("tdvmcall mapgpa: to private", tdx_tdvmcall_map_gpa(G, 0x3000000, 0x500000, NULL), 1);
	FAILS_VMCALL("tdvmcall mapgpa: misaligned", raw_vmcall(0x10001, 0x3000800, 0x1000, 0),
		     VM_ALIGN_ERROR);
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(0x30 + i);
	get_quote(data);
	OK("tdvmcall setupeventnotifyinterrupt", tdx_tdvmcall_setup_event_notify_interrupt(G, 0x40), 1);
	FAILS_VMCALL("tdvmcall setupeventnotifyinterrupt: vector 7", raw_vmcall(0x10004, 7, 0, 0),
		     VM_INVALID_OPERAND);
	FAILS_VMCALL("tdvmcall service: no service here",
		     tdx_tdvmcall_service(G, shared_bit | 0x600000, shared_bit | 0x601000, 0, 0),
		     VM_SUBFUNC_UNSUPPORTED);
	/* KVM answers from the VMM's KVM_SET_CPUID2 model: its own leaves. */
	OK("tdvmcall cpuid", tdx_tdvmcall_cpuid(G, 0x40000000, 0, r), !memcmp(&r[1], "KVMKVMKVM", 9));
	OK("tdvmcall hlt", tdx_tdvmcall_hlt(G, 0), 1);
	OK("tdvmcall io write", tdx_tdvmcall_io_write(G, 0x80, 1, 0x5A), 1);
	OK("tdvmcall io read", tdx_tdvmcall_io_read(G, 0x80, 1, &v32), v32 == 0x5A);
	OK("tdvmcall wrmsr", tdx_tdvmcall_wrmsr(G, 0x6E0, 12345), 1);
	OK("tdvmcall rdmsr", tdx_tdvmcall_rdmsr(G, 0x6E0, &v), v == 12345);
	FAILS_VMCALL("tdvmcall rdmsr: unknown msr", tdx_tdvmcall_rdmsr(G, 0xC0DE, &v),
		     VM_INVALID_OPERAND);
	OK("tdvmcall mmio write", tdx_tdvmcall_mmio_write(G, shared_bit | (EMU_MMIO + 0x10), 8, 0x1122334455667788ULL), 1);
	OK("tdvmcall mmio read", tdx_tdvmcall_mmio_read(G, shared_bit | (EMU_MMIO + 0x10), 8, &v),
	   v == 0x1122334455667788ULL);
	FAILS_VMCALL("tdvmcall mmio read: private gpa", tdx_tdvmcall_mmio_read(G, EMU_MMIO + 0x10, 8, &v),
		     VM_INVALID_OPERAND);
	/* KVM serves neither (tdcall_to_vmx_exit_reason, handle_tdvmcall). */
	FAILS_VMCALL("tdvmcall wbinvd: not served by KVM", tdx_tdvmcall_wbinvd(G, 0),
		     VM_SUBFUNC_UNSUPPORTED);
	FAILS_VMCALL("tdvmcall pconfig: unsupported", tdx_tdvmcall_pconfig(G, 0, 0, 0, 0, o),
		     VM_SUBFUNC_UNSUPPORTED);
	OK("tdvmcall reportfatalerror", tdx_tdvmcall_report_fatal_error(G, 0x1234, "libtdx selftest: fatal-error case", 0), 1);
}

static void selftest(void)
{
	out_str("libtdx TD-in-a-box selftest\n");
	leaves();
	tdvmcalls();
	out_str("done ");
	out_dec(passed);
	out_str(" ");
	out_dec(failed);
	out_str("\n");
}

/* Batches of round trips, each between TDVMCALL<HLT>s the host times. */
static void bench(uint64_t n)
{
	TDX_OPTS(tdx_vp_info, info);
	uint64_t out[4];

	tdx_tdvmcall_hlt(G, 1);
	for (uint64_t i = 0; i < n; i++)
		tdx_tdg_vp_info(G, &info);
	tdx_tdvmcall_hlt(G, 1);
	for (uint64_t i = 0; i < n; i++)
		tdx_tdvmcall_get_tdvmcall_info(G, 1, out);
	tdx_tdvmcall_hlt(G, 1);
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("outb %%al, $0x80" : : "a"(0));
	tdx_tdvmcall_hlt(G, 1);
	out_str("done\n");
}

/* The demo's guest side: RTMR2 extended with ab..ab, then a quote whose
 * report data is the verifier's nonce. */
static void demo(void)
{
	static const char nonce[] = "nonce from the verifier";
	uint8_t data[64] = { 0 };
	TDX_OPTS(tdx_vp_info, info);

	tdx_tdg_vp_info(G, &info);
	shared_bit = 1ULL << (info.gpaw - 1);
	out_str("guest: TDG.MR.RTMR.EXTEND RTMR2 with ab..ab\n");
	memset(digest, 0xab, sizeof(digest));
	if (tdx_tdg_mr_rtmr_extend(G, (uint64_t)(uintptr_t)digest, 2))
		out_str("guest: extend FAILED\n");
	memcpy(data, nonce, sizeof(nonce) - 1);
	out_str("guest: TDG.MR.REPORT with the nonce, GetQuote through a shared buffer\n");
	get_quote(data);
	out_str("done\n");
}

void payload_main(uint64_t rcx, unsigned gpaw);

void payload_main(uint64_t rcx, unsigned gpaw)
{
	shared_bit = 1ULL << (gpaw - 1);
	switch (rcx & 0xFF) {
	case PAYLOAD_BENCH:
		bench(rcx >> 8);
		break;
	case PAYLOAD_DEMO:
		demo();
		break;
	default:
		selftest();
		break;
	}
	for (;;)
		tdx_tdvmcall_hlt(G, 1);
}
