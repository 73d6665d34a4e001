/* SPDX-License-Identifier: MIT */
/*
 * The register marshalling of every TDCALL leaf and TDVMCALL wrapper,
 * checked through a recording custom transport: inputs must land in the
 * registers the TDX ABI names (guest.md §1.4, §2.4, §7) and outputs must be
 * decoded from the right ones.  Also: argument checks happen before any
 * TDCALL, and statuses map to the documented error codes.
 */
#include <string.h>

#include "harness.h"

/* What the transport saw, and what it answers. */
static tdx_regs seen, answer;
static int calls;
static int answer_mode; /* 0: answer = `answer` as is */

static int recorder(void *ctx, tdx_regs *r)
{
	(void)ctx;
	seen = *r;
	calls++;
	*r = answer;
	(void)answer_mode;
	return 0;
}

static tdx_guest *g;

static void reset(void)
{
	memset(&seen, 0xEE, sizeof(seen));
	memset(&answer, 0, sizeof(answer));
	calls = 0;
}

/* Registers the TDVMCALL wrappers expose: R10-R15 (td-shim, tdx-guest). */
#define STD_MASK 0xFC00ULL

static void expect_vmcall(uint64_t subfn)
{
	CU_ASSERT_EQUAL(seen.rax, 0);
	CU_ASSERT_EQUAL(seen.rcx, STD_MASK);
	CU_ASSERT_EQUAL(seen.r10, 0);
	CU_ASSERT_EQUAL(seen.r11, subfn);
}

static void test_custom_open(void)
{
	tdx_guest *x;

	TDX_ASSERT_FAILS(tdx_guest_open_custom(NULL, recorder, NULL), TDX_E_INVALID, "out");
	TDX_ASSERT_FAILS(tdx_guest_open_custom(&x, NULL, NULL), TDX_E_INVALID, "transport");
	CU_ASSERT_PTR_NULL(x);
	CU_ASSERT_STRING_EQUAL(tdx_guest_backend_name(g), "custom");
}

static void test_vp_info(void)
{
	TDX_OPTS(tdx_vp_info, v);

	reset();
	answer = (tdx_regs){ .rcx = 52, .rdx = 0x10000000, .r8 = (8ULL << 32) | 4, .r9 = 3,
			     .r10 = 1 };
	CU_ASSERT_EQUAL(tdx_tdg_vp_info(g, &v), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 1);
	CU_ASSERT_EQUAL(v.gpaw, 52);
	CU_ASSERT_EQUAL(v.attributes, 0x10000000);
	CU_ASSERT_EQUAL(v.num_vcpus, 4);
	CU_ASSERT_EQUAL(v.max_vcpus, 8);
	CU_ASSERT_EQUAL(v.vcpu_index, 3);
	CU_ASSERT_EQUAL(v.sys_rd_available, 1);
	TDX_ASSERT_FAILS(tdx_tdg_vp_info(g, NULL), TDX_E_INVALID, "info");
	TDX_ASSERT_FAILS(tdx_tdg_vp_info(NULL, &v), TDX_E_INVALID, "tdx_guest_open");
}

static void test_rtmr_extend(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_mr_rtmr_extend(g, 0x5040, 2), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 2);
	CU_ASSERT_EQUAL(seen.rcx, 0x5040);
	CU_ASSERT_EQUAL(seen.rdx, 2);
	reset();
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(g, 0x5041, 0), TDX_E_INVALID, "64-byte aligned");
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(g, 0x5040, 4), TDX_E_INVALID, "RTMR 0..3");
	CU_ASSERT_EQUAL(calls, 0); /* rejected before any TDCALL */
}

static void test_veinfo_get(void)
{
	TDX_OPTS(tdx_ve_info, ve);

	reset();
	answer = (tdx_regs){ .rcx = 48, .rdx = 0x181, .r8 = 0xffff8000, .r9 = 0x7000,
			     .r10 = (0x1234ULL << 32) | 3 };
	CU_ASSERT_EQUAL(tdx_tdg_vp_veinfo_get(g, &ve), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 3);
	CU_ASSERT_EQUAL(ve.exit_reason, 48);
	CU_ASSERT_EQUAL(ve.exit_qualification, 0x181);
	CU_ASSERT_EQUAL(ve.guest_linear_address, 0xffff8000);
	CU_ASSERT_EQUAL(ve.guest_physical_address, 0x7000);
	CU_ASSERT_EQUAL(ve.instruction_length, 3);
	CU_ASSERT_EQUAL(ve.instruction_information, 0x1234);
}

static void test_mr_report(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_mr_report(g, 0x8000, 0x9040, 0), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 4);
	CU_ASSERT_EQUAL(seen.rcx, 0x8000);
	CU_ASSERT_EQUAL(seen.rdx, 0x9040);
	CU_ASSERT_EQUAL(seen.r8, 0);
	reset();
	TDX_ASSERT_FAILS(tdx_tdg_mr_report(g, 0x8200, 0x9040, 0), TDX_E_INVALID, "1024-byte aligned");
	TDX_ASSERT_FAILS(tdx_tdg_mr_report(g, 0x8000, 0x9020, 0), TDX_E_INVALID, "64-byte aligned");
	TDX_ASSERT_FAILS(tdx_tdg_mr_report(g, 0x8000, 0x9040, 1), TDX_E_INVALID, "subtype");
	CU_ASSERT_EQUAL(calls, 0);
}

static void test_cpuidve_set(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_vp_cpuidve_set(g, 3), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 5);
	CU_ASSERT_EQUAL(seen.rcx, 3);
	TDX_ASSERT_FAILS(tdx_tdg_vp_cpuidve_set(g, 4), TDX_E_INVALID, "bits");
}

static void test_page_accept(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(g, 0x200000, TDX_PAGE_LEVEL_2M), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 6);
	CU_ASSERT_EQUAL(seen.rcx, 0x200001);
	reset();
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(g, 0x1000, TDX_PAGE_LEVEL_2M), TDX_E_INVALID,
			 "aligned");
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(g, 0x1000, 3), TDX_E_INVALID, "level");
	CU_ASSERT_EQUAL(calls, 0);
}

/* A warning status (bit 63 clear) succeeds and stays observable. */
static void test_warning_status(void)
{
	reset();
	answer.rax = 0x00000B0A00000000ULL; /* TDX_PAGE_ALREADY_ACCEPTED */
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(g, 0x1000, 0), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_last_status(g), 0x00000B0A00000000ULL);
}

/* Error statuses: TDX_E_TDCALL (busy: TDX_E_RETRY) with the raw status. */
static void test_error_status(void)
{
	reset();
	answer.rax = 0xC000010000000002ULL; /* OPERAND_INVALID, operand RDX */
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(g, 0x40, 1), TDX_E_TDCALL, "TDX_OPERAND_INVALID");
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0xC000010000000002ULL);
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_MODULE);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "operand RDX"));
	reset();
	answer.rax = 0x80000200000000A8ULL; /* OPERAND_BUSY, RTMR */
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(g, 0x40, 1), TDX_E_RETRY, "TDX_OPERAND_BUSY");
}

static void test_vm_rd_wr(void)
{
	uint64_t v = 0, next = 0, old = 0;

	reset();
	answer = (tdx_regs){ .rdx = 0x1110000300000001ULL, .r8 = 0x1234 };
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(g, 0x1110000300000000ULL, 1, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 7 | (1 << 16));
	CU_ASSERT_EQUAL(seen.rcx, 0);
	CU_ASSERT_EQUAL(seen.rdx, 0x1110000300000000ULL);
	CU_ASSERT_EQUAL(v, 0x1234);
	CU_ASSERT_EQUAL(next, 0x1110000300000001ULL);
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(g, 0x1110000300000000ULL, 0, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 7);
	CU_ASSERT_EQUAL(next, TDX_MD_FIELD_NULL); /* version 0 reports no next field */
	TDX_ASSERT_FAILS(tdx_tdg_vm_rd(g, 0, 2, &v, NULL), TDX_E_INVALID, "version");
	reset();
	answer.r8 = 0x7;
	CU_ASSERT_EQUAL(tdx_tdg_vm_wr(g, 0x9110000300000010ULL, 1, 1, &old), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 8);
	CU_ASSERT_EQUAL(seen.rdx, 0x9110000300000010ULL);
	CU_ASSERT_EQUAL(seen.r8, 1);
	CU_ASSERT_EQUAL(seen.r9, 1);
	CU_ASSERT_EQUAL(old, 0x7);
}

static void test_vp_rd_wr(void)
{
	uint64_t v = 0, next = 0, old = 0;

	reset();
	answer = (tdx_regs){ .rdx = 0xA020000000000007ULL, .r8 = 5 };
	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(g, 0xA020000200000002ULL, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 9);
	CU_ASSERT_EQUAL(seen.rdx, 0xA020000200000002ULL);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(next, 0xA020000000000007ULL);
	reset();
	answer.r8 = 9;
	CU_ASSERT_EQUAL(tdx_tdg_vp_wr(g, 0xA020000000000007ULL, 1, 0xFF, &old), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 10);
	CU_ASSERT_EQUAL(seen.r8, 1);
	CU_ASSERT_EQUAL(seen.r9, 0xFF);
	CU_ASSERT_EQUAL(old, 9);
}

static void test_sys_rd_rdall(void)
{
	uint64_t v = 0, next = 0;

	reset();
	answer = (tdx_regs){ .rdx = 0x0800000100000003ULL, .r8 = 0x8086 };
	CU_ASSERT_EQUAL(tdx_tdg_sys_rd(g, 0x0800000200000000ULL, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 11);
	CU_ASSERT_EQUAL(seen.rdx, 0x0800000200000000ULL);
	CU_ASSERT_EQUAL(v, 0x8086);
	CU_ASSERT_EQUAL(next, 0x0800000100000003ULL);
	reset();
	answer.r8 = TDX_MD_FIELD_NULL;
	CU_ASSERT_EQUAL(tdx_tdg_sys_rdall(g, 0x3000, TDX_MD_FIELD_NULL, &next), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 12);
	CU_ASSERT_EQUAL(seen.rdx, 0x3000);
	CU_ASSERT_EQUAL(seen.r8, TDX_MD_FIELD_NULL);
	CU_ASSERT_EQUAL(next, TDX_MD_FIELD_NULL);
	TDX_ASSERT_FAILS(tdx_tdg_sys_rdall(g, 0x3008, 0, &next), TDX_E_INVALID, "4096-byte");
}

static void test_servtd(void)
{
	uint64_t uuid[4] = { 1, 2, 3, 4 }, v = 0, old = 0;

	reset();
	answer = (tdx_regs){ .r8 = 0x10000000, .rdx = 0x1110000300000001ULL };
	CU_ASSERT_EQUAL(tdx_tdg_servtd_rd(g, 0x7000, 0x1110000300000000ULL, uuid, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 18);
	CU_ASSERT_EQUAL(seen.rcx, 0x7000);
	CU_ASSERT_EQUAL(seen.rdx, 0x1110000300000000ULL);
	CU_ASSERT_EQUAL(seen.r10, 1);
	CU_ASSERT_EQUAL(seen.r11, 2);
	CU_ASSERT_EQUAL(seen.r12, 3);
	CU_ASSERT_EQUAL(seen.r13, 4);
	CU_ASSERT_EQUAL(v, 0x10000000);
	/* TDX_TARGET_UUID_UPDATED hands back the new UUID in R10-R13. */
	reset();
	answer = (tdx_regs){ .rax = 0xC0000D0800000000ULL, .r10 = 5, .r11 = 6, .r12 = 7, .r13 = 8 };
	TDX_ASSERT_FAILS(tdx_tdg_servtd_wr(g, 0x7000, 0x9810000100000020ULL, uuid, 1, 0xFFFF, &old),
			 TDX_E_TDCALL, "TDX_TARGET_UUID_UPDATED");
	CU_ASSERT_EQUAL(seen.rax, 20);
	CU_ASSERT_EQUAL(seen.r8, 1);
	CU_ASSERT_EQUAL(seen.r9, 0xFFFF);
	CU_ASSERT_EQUAL(uuid[0], 5);
	CU_ASSERT_EQUAL(uuid[3], 8);
	TDX_ASSERT_FAILS(tdx_tdg_servtd_rd(g, 0, 0, NULL, &v, NULL), TDX_E_INVALID, "UUID");
}

static void test_verifyreport(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_mr_verifyreport(g, 0x4100), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 22);
	CU_ASSERT_EQUAL(seen.rcx, 0x4100);
	TDX_ASSERT_FAILS(tdx_tdg_mr_verifyreport(g, 0x4080), TDX_E_INVALID, "256-byte aligned");
}

static void test_page_attr(void)
{
	TDX_OPTS(tdx_page_attr, a);

	reset();
	answer = (tdx_regs){ .rcx = 0x200000 | 1 | (1ULL << 62),
			     .rdx = 0x800FULL | (0x8003ULL << 16) | (0x8001ULL << 32) };
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_rd(g, 0x201000, &a), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 23);
	CU_ASSERT_EQUAL(seen.rcx, 0x201000);
	CU_ASSERT_EQUAL(a.gpa, 0x200000);
	CU_ASSERT_EQUAL(a.level, 1);
	CU_ASSERT_EQUAL(a.pending, 1);
	CU_ASSERT_EQUAL(a.attr[0], 0x800F);
	CU_ASSERT_EQUAL(a.attr[1], 0x8003);
	CU_ASSERT_EQUAL(a.attr[2], 0x8001);
	CU_ASSERT_EQUAL(a.attr[3], 0);
	reset();
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_wr(g, 0x3000, 0, 0x3ULL << 16, 1ULL << 31, &a), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 24);
	CU_ASSERT_EQUAL(seen.rcx, 0x3000);
	CU_ASSERT_EQUAL(seen.rdx, 0x3ULL << 16);
	CU_ASSERT_EQUAL(seen.r8, 1ULL << 31);
}

static void test_vp_enter(void)
{
	TDX_OPTS(tdx_l2_exit, x);

	reset();
	answer = (tdx_regs){ .rax = 30, .rcx = 0x11, .rdx = 0x22, .rsi = 0x33, .rdi = 0x44,
			     .r8 = 0x55, .r9 = 0x66, .r10 = 0x77, .r11 = 2ULL << 32, .r12 = 3,
			     .r13 = 0x99 };
	CU_ASSERT_EQUAL(tdx_tdg_vp_enter(g, 2, 1, 0x6100, &x), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 25);
	CU_ASSERT_EQUAL(seen.rcx, (2ULL << 52) | 1);
	CU_ASSERT_EQUAL(seen.rdx, 0x6100);
	CU_ASSERT_EQUAL(x.exit_class, 0);
	CU_ASSERT_EQUAL(x.exit_reason, 30);
	CU_ASSERT_EQUAL(x.exit_qualification, 0x11);
	CU_ASSERT_EQUAL(x.guest_linear_address, 0x22);
	CU_ASSERT_EQUAL(x.cs, 0x33);
	CU_ASSERT_EQUAL(x.cs_base, 0x44);
	CU_ASSERT_EQUAL(x.guest_physical_address, 0x55);
	CU_ASSERT_EQUAL(x.interruption, 0x66);
	CU_ASSERT_EQUAL(x.idt_vectoring, 0x77);
	CU_ASSERT_EQUAL(x.instruction, 2ULL << 32);
	CU_ASSERT_EQUAL(x.additional, 3);
	CU_ASSERT_EQUAL(x.extended_qualification, 0x99);
	TDX_ASSERT_FAILS(tdx_tdg_vp_enter(g, 0, 0, 0x6100, &x), TDX_E_INVALID, "1..3");
	TDX_ASSERT_FAILS(tdx_tdg_vp_enter(g, 1, 0, 0x6180, &x), TDX_E_INVALID, "256-byte");
}

static void test_invept_invgla(void)
{
	uint64_t info = 0x12345000ULL | (4ULL << 52);

	reset();
	CU_ASSERT_EQUAL(tdx_tdg_vp_invept(g, 0x6), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 26);
	CU_ASSERT_EQUAL(seen.rcx, 0x6);
	reset();
	answer.rdx = 0x12345004ULL;
	CU_ASSERT_EQUAL(tdx_tdg_vp_invgla(g, 1 | (1ULL << 52), &info), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 27);
	CU_ASSERT_EQUAL(seen.rcx, 1 | (1ULL << 52));
	CU_ASSERT_EQUAL(seen.rdx, 0x12345000ULL | (4ULL << 52));
	CU_ASSERT_EQUAL(info, 0x12345004ULL);
}

static void test_raw_vmcall(void)
{
	tdx_regs r = { .rcx = 0xFC00, .r11 = 0x10000, .r12 = 1 };

	reset();
	answer.r11 = 2;
	CU_ASSERT_EQUAL(tdx_tdg_vp_vmcall(g, &r), TDX_OK);
	CU_ASSERT_EQUAL(seen.rax, 0);
	CU_ASSERT_EQUAL(seen.rcx, 0xFC00);
	CU_ASSERT_EQUAL(seen.r12, 1);
	CU_ASSERT_EQUAL(r.r11, 2);
	reset();
	answer.r10 = 0x8000000000000000ULL;
	TDX_ASSERT_FAILS(tdx_tdg_vp_vmcall(g, &r), TDX_E_VMCALL, "INVALID_OPERAND");
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
}

static void test_tdvmcall_info_cpuid(void)
{
	uint64_t out[4];
	uint32_t regs[4];

	reset();
	answer = (tdx_regs){ .r11 = 2, .r12 = 3, .r13 = 4, .r14 = 5 };
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 1, out), TDX_OK);
	expect_vmcall(0x10000);
	CU_ASSERT_EQUAL(seen.r12, 1);
	CU_ASSERT_EQUAL(out[0], 2);
	CU_ASSERT_EQUAL(out[3], 5);
	reset();
	answer = (tdx_regs){ .r12 = 0xA, .r13 = 0xB, .r14 = 0xC, .r15 = 0xD };
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000000, 7, regs), TDX_OK);
	expect_vmcall(10);
	CU_ASSERT_EQUAL(seen.r12, 0x40000000);
	CU_ASSERT_EQUAL(seen.r13, 7);
	CU_ASSERT_EQUAL(regs[0], 0xA);
	CU_ASSERT_EQUAL(regs[3], 0xD);
}

/* A transport that answers MapGPA RETRY with R11 = resume address. */
static uint64_t map_calls[8][2];
static int map_n, map_mode;
static int map_transport(void *ctx, tdx_regs *r)
{
	(void)ctx;
	if (map_n < 8) {
		map_calls[map_n][0] = r->r12;
		map_calls[map_n][1] = r->r13;
	}
	map_n++;
	r->rax = 0;
	if (map_mode == 0 && r->r13 > 0x200000) { /* progress in 2M steps */
		r->r10 = 1;
		r->r11 = r->r12 + 0x200000;
	} else if (map_mode == 1) { /* no progress, ever */
		r->r10 = 1;
		r->r11 = r->r12;
	} else if (map_mode == 2) { /* resume at the end: outside [start, end) */
		r->r10 = 1;
		r->r11 = r->r12 + r->r13;
	} else {
		r->r10 = 0;
	}
	return 0;
}

static void test_map_gpa_retry(void)
{
	tdx_guest *m;
	uint64_t done = 0;

	CU_ASSERT_EQUAL_FATAL(tdx_guest_open_custom(&m, map_transport, NULL), TDX_OK);
	map_n = 0;
	map_mode = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(m, 0x800000000000ULL | 0x400000, 0x500000, &done), TDX_OK);
	CU_ASSERT_EQUAL(map_n, 3);
	CU_ASSERT_EQUAL(map_calls[1][0], 0x800000000000ULL | 0x600000);
	CU_ASSERT_EQUAL(map_calls[1][1], 0x300000);
	CU_ASSERT_EQUAL(done, 0x800000000000ULL | 0x900000);
	map_n = 0;
	map_mode = 1;
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(m, 0x400000, 0x1000, &done), TDX_E_RETRY, "no progress");
	CU_ASSERT_EQUAL(map_n, 3); /* Linux tdx_map_gpa: 3 RETRYs without progress */
	CU_ASSERT_EQUAL(done, 0x400000);
	map_n = 0;
	map_mode = 2; /* Linux refuses R11 == end too */
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(m, 0x400000, 0x1000, &done), TDX_E_VMCALL, "outside");
	CU_ASSERT_EQUAL(map_n, 1);
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(m, 0x400800, 0x1000, &done), TDX_E_INVALID, "4 KiB");
	tdx_guest_close(m);
}

static void test_get_quote_fatal_notify_service(void)
{
	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_quote(g, 0x800000010000ULL, 0x2000), TDX_OK);
	expect_vmcall(0x10002);
	CU_ASSERT_EQUAL(seen.r12, 0x800000010000ULL);
	CU_ASSERT_EQUAL(seen.r13, 0x2000);
	TDX_ASSERT_FAILS(tdx_tdvmcall_get_quote(g, 0x10800, 0x2000), TDX_E_INVALID, "4 KiB");

	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_report_fatal_error(g, 7, "0123456789abcdefXYZ", 0x5000), TDX_OK);
	CU_ASSERT_EQUAL(seen.r11, 0x10003);
	CU_ASSERT_EQUAL(seen.r12, 7 | (1ULL << 63));
	CU_ASSERT_EQUAL(seen.r13, 0x5000);
	CU_ASSERT_EQUAL(seen.r14, 0x3736353433323130ULL); /* "01234567", little-endian */
	CU_ASSERT_EQUAL(seen.r15, 0x6665646362613938ULL); /* "89abcdef" */
	CU_ASSERT_EQUAL(seen.rbx, 0x5A5958ULL);           /* "XYZ" */
	CU_ASSERT_EQUAL(seen.rcx & 0xFFCC, 0xFFCC);        /* RDX RBX RSI RDI R8-R15 exposed */
	TDX_ASSERT_FAILS(tdx_tdvmcall_report_fatal_error(
				 g, 1, "this message is far too long to travel in eight registers, "
				       "so it must be refused", 0),
			 TDX_E_INVALID, "64");

	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(g, 0x40), TDX_OK);
	expect_vmcall(0x10004);
	CU_ASSERT_EQUAL(seen.r12, 0x40);
	TDX_ASSERT_FAILS(tdx_tdvmcall_setup_event_notify_interrupt(g, 31), TDX_E_INVALID, "32..255");

	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_service(g, 0x1000, 0x2000, 0x30, 99), TDX_OK);
	expect_vmcall(0x10005);
	CU_ASSERT_EQUAL(seen.r12, 0x1000);
	CU_ASSERT_EQUAL(seen.r13, 0x2000);
	CU_ASSERT_EQUAL(seen.r14, 0x30);
	CU_ASSERT_EQUAL(seen.r15, 99);
	TDX_ASSERT_FAILS(tdx_tdvmcall_service(g, 0x1000, 0x2000, 5, 0), TDX_E_INVALID, "vector");
}

static void test_instruction_vmcalls(void)
{
	uint32_t v32 = 0;
	uint64_t v = 0, out[5];

	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_hlt(g, 1), TDX_OK);
	expect_vmcall(12);
	CU_ASSERT_EQUAL(seen.r12, 1);

	reset();
	answer.r11 = 0x1ABCD;
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_read(g, 0x3F8, 2, &v32), TDX_OK);
	expect_vmcall(30);
	CU_ASSERT_EQUAL(seen.r12, 2);
	CU_ASSERT_EQUAL(seen.r13, 0);
	CU_ASSERT_EQUAL(seen.r14, 0x3F8);
	CU_ASSERT_EQUAL(v32, 0xABCD); /* masked to the access size */
	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_write(g, 0x80, 1, 0x55), TDX_OK);
	CU_ASSERT_EQUAL(seen.r13, 1);
	CU_ASSERT_EQUAL(seen.r15, 0x55);
	TDX_ASSERT_FAILS(tdx_tdvmcall_io_write(g, 0x80, 3, 0), TDX_E_INVALID, "size");

	reset();
	answer.r11 = 0xFEE00D00;
	CU_ASSERT_EQUAL(tdx_tdvmcall_rdmsr(g, 0x1B, &v), TDX_OK);
	expect_vmcall(31);
	CU_ASSERT_EQUAL(seen.r12, 0x1B);
	CU_ASSERT_EQUAL(v, 0xFEE00D00);
	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_wrmsr(g, 0x6E0, 77), TDX_OK);
	expect_vmcall(32);
	CU_ASSERT_EQUAL(seen.r12, 0x6E0);
	CU_ASSERT_EQUAL(seen.r13, 77);

	reset();
	answer.r11 = 0x1122334455667788ULL;
	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_read(g, 0x8000FEB00000ULL, 4, &v), TDX_OK);
	expect_vmcall(48);
	CU_ASSERT_EQUAL(seen.r12, 4);
	CU_ASSERT_EQUAL(seen.r13, 0);
	CU_ASSERT_EQUAL(seen.r14, 0x8000FEB00000ULL);
	CU_ASSERT_EQUAL(v, 0x55667788);
	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_write(g, 0x8000FEB00008ULL, 8, 9), TDX_OK);
	CU_ASSERT_EQUAL(seen.r13, 1);
	CU_ASSERT_EQUAL(seen.r15, 9);
	TDX_ASSERT_FAILS(tdx_tdvmcall_mmio_write(g, 0x1000, 3, 0), TDX_E_INVALID, "size");

	reset();
	CU_ASSERT_EQUAL(tdx_tdvmcall_wbinvd(g, 1), TDX_OK);
	expect_vmcall(54);
	CU_ASSERT_EQUAL(seen.r12, 1);

	reset();
	answer = (tdx_regs){ .r11 = 1, .r12 = 2, .r13 = 3, .r14 = 4, .r15 = 5 };
	CU_ASSERT_EQUAL(tdx_tdvmcall_pconfig(g, 0, 6, 7, 8, out), TDX_OK);
	expect_vmcall(65);
	CU_ASSERT_EQUAL(seen.r13, 6);
	CU_ASSERT_EQUAL(seen.r15, 8);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[4], 5);
}

/* The TDVMCALL status in R10 becomes TDX_E_VMCALL (RETRY: TDX_E_RETRY). */
static void test_vmcall_errors(void)
{
	uint64_t v;

	reset();
	answer.r10 = 0x8000000000000000ULL;
	TDX_ASSERT_FAILS(tdx_tdvmcall_rdmsr(g, 0x10, &v), TDX_E_VMCALL, "INVALID_OPERAND");
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_VMCALL);
	reset();
	answer.r10 = 1;
	TDX_ASSERT_FAILS(tdx_tdvmcall_hlt(g, 0), TDX_E_RETRY, "RETRY");
	/* A failure of TDCALL itself is the module's. */
	reset();
	answer.rax = 0xC000010000000001ULL;
	TDX_ASSERT_FAILS(tdx_tdvmcall_hlt(g, 0), TDX_E_TDCALL, "operand RCX");
}

/* A transport that cannot make the call passes its error through. */
static int broken(void *ctx, tdx_regs *r)
{
	(void)ctx;
	(void)r;
	return TDX_E_NO_DEVICE;
}

static void test_transport_failure(void)
{
	tdx_guest *b;
	TDX_OPTS(tdx_vp_info, v);

	CU_ASSERT_EQUAL_FATAL(tdx_guest_open_custom(&b, broken, NULL), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_info(b, &v), TDX_E_NO_DEVICE);
	/* The custom backend has no guest memory for the high-level calls. */
	{
		uint8_t rd[64] = { 0 }, rep[1024];
		size_t len = sizeof(rep);

		TDX_ASSERT_FAILS(tdx_guest_get_report(b, rd, 64, rep, &len), TDX_E_NOT_SUPPORTED,
				 "no guest memory");
	}
	tdx_guest_close(b);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_custom_open),
		TDX_TEST(test_vp_info),
		TDX_TEST(test_rtmr_extend),
		TDX_TEST(test_veinfo_get),
		TDX_TEST(test_mr_report),
		TDX_TEST(test_cpuidve_set),
		TDX_TEST(test_page_accept),
		TDX_TEST(test_warning_status),
		TDX_TEST(test_error_status),
		TDX_TEST(test_vm_rd_wr),
		TDX_TEST(test_vp_rd_wr),
		TDX_TEST(test_sys_rd_rdall),
		TDX_TEST(test_servtd),
		TDX_TEST(test_verifyreport),
		TDX_TEST(test_page_attr),
		TDX_TEST(test_vp_enter),
		TDX_TEST(test_invept_invgla),
		TDX_TEST(test_raw_vmcall),
		TDX_TEST(test_tdvmcall_info_cpuid),
		TDX_TEST(test_map_gpa_retry),
		TDX_TEST(test_get_quote_fatal_notify_service),
		TDX_TEST(test_instruction_vmcalls),
		TDX_TEST(test_vmcall_errors),
		TDX_TEST(test_transport_failure),
		{ NULL, NULL },
	};
	int rc;

	if (tdx_guest_open_custom(&g, recorder, NULL))
		return 1;
	rc = tdx_test_run("guest-wire", tests);
	tdx_guest_close(g);
	return rc;
}
