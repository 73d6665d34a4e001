/* SPDX-License-Identifier: MIT */
/*
 * The emulated TDX module and host model, leaf by leaf: success and each
 * failure status guest.md documents.  Calls go through the public
 * wrappers where they can; raw() drives the module directly for inputs the
 * wrappers refuse before any TDCALL (so the module's own checks are
 * exercised too).
 */
#include <string.h>

#include <openssl/evp.h>

#include "emu/emu_internal.h"
#include "harness.h"

static tdx_emu *E;   /* default TD: module 1.5, 2 L2 VMs, a service TD */
static tdx_guest *G;
static tdx_regs out;

#define SHARED (1ULL << 47)
#define BUF 0x100000ULL       /* a private, accepted scratch area for tests */
#define PENDING 0x2000000ULL  /* first pending GPA (32 MiB) */

static uint64_t raw(tdx_regs r)
{
	tdx__emu_tdcall(E, &r);
	out = r;
	return r.rax;
}

static uint64_t status(void)
{
	return tdx_guest_last_status(G);
}

static void wr(uint64_t gpa, const void *p, size_t n)
{
	CU_ASSERT_EQUAL(tdx_emu_mem_write(E, gpa, p, n), TDX_OK);
}

static void rd(uint64_t gpa, void *p, size_t n)
{
	CU_ASSERT_EQUAL(tdx_emu_mem_read(E, gpa, p, n), TDX_OK);
}

static void get_report(uint8_t report[1024])
{
	uint8_t data[64] = { 0x42 };
	size_t len = 1024;

	CU_ASSERT_EQUAL(tdx_guest_get_report(G, data, 64, report, &len), TDX_OK);
}

/* ---- TDCALL leaves ---- */

static void test_vp_info(void)
{
	TDX_OPTS(tdx_vp_info, v);
	TDX_OPTS(tdx_emu_config, c);
	tdx_emu *e;
	tdx_guest *g;

	CU_ASSERT_EQUAL(tdx_tdg_vp_info(G, &v), TDX_OK);
	CU_ASSERT_EQUAL(v.gpaw, 48);
	CU_ASSERT_EQUAL(v.attributes, 0x10000000);
	CU_ASSERT_EQUAL(v.num_vcpus, 1);
	CU_ASSERT_EQUAL(v.sys_rd_available, 1);
	CU_ASSERT_EQUAL(tdx_emu_config_parse(&c, "module=1.0,gpaw=52,vcpus=4,vcpu=2"), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, &c), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_guest(e, &g), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_info(g, &v), TDX_OK);
	CU_ASSERT_EQUAL(v.gpaw, 52);
	CU_ASSERT_EQUAL(v.num_vcpus, 4);
	CU_ASSERT_EQUAL(v.vcpu_index, 2);
	CU_ASSERT_EQUAL(v.sys_rd_available, 0);
	/* Leaves after TDG.VM.WR arrived with TDX 1.5. */
	{
		uint64_t val;

		TDX_ASSERT_FAILS(tdx_tdg_sys_rd(g, TDX_MD_FIELD_NULL, &val, NULL), TDX_E_TDCALL,
				 "TDX_OPERAND_INVALID, operand RAX");
	}
	tdx_guest_close(g);
	tdx_emu_close(e);
	/* Reserved RAX bits and leaf versions are invalid operands (RAX). */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 1 | (1ULL << 16) }), TDX_OPERAND_INVALID | OP_RAX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 1 | (1ULL << 40) }), TDX_OPERAND_INVALID | OP_RAX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 13 }), TDX_OPERAND_INVALID | OP_RAX);
}

static void test_rtmr_extend(void)
{
	uint8_t report[1024], before[48], digest[48], buf[96], want[48];
	unsigned n = 0;

	get_report(report);
	memcpy(before, report + 512 + 208 + 2 * 48, 48);
	for (int i = 0; i < 48; i++)
		digest[i] = (uint8_t)(i * 7);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(G, 2, digest, 48), TDX_OK);
	get_report(report);
	memcpy(buf, before, 48);
	memcpy(buf + 48, digest, 48);
	EVP_Digest(buf, 96, want, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(report + 512 + 208 + 2 * 48, want, 48), 0);
	/* The module's own checks. */
	wr(BUF, digest, 48);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 2, .rcx = BUF + 8, .rdx = 0 }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 2, .rcx = BUF, .rdx = 4 }),
			TDX_OPERAND_INVALID | OP_RDX);
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(G, PENDING, 0), TDX_E_TDCALL, "operand RCX");
	TDX_ASSERT_FAILS(tdx_tdg_mr_rtmr_extend(G, SHARED | BUF, 0), TDX_E_TDCALL, "operand RCX");
	TDX_ASSERT_FAILS(tdx_guest_rtmr_extend(G, 0, digest, 32), TDX_E_INVALID, "48-byte");
}

static void test_veinfo(void)
{
	TDX_OPTS(tdx_ve_info, ve);
	TDX_OPTS(tdx_ve_info, inj, .exit_reason = 48, .exit_qualification = 0x182,
		 .guest_linear_address = 0xffff800000001000ULL, .guest_physical_address = 0x5000,
		 .instruction_length = 4, .instruction_information = 9);

	TDX_ASSERT_FAILS(tdx_tdg_vp_veinfo_get(G, &ve), TDX_E_TDCALL, "TDX_NO_VALID_VE_INFO");
	CU_ASSERT_EQUAL(status(), TDX_NO_VALID_VE_INFO);
	CU_ASSERT_EQUAL(tdx_emu_inject_ve(E, &inj), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_veinfo_get(G, &ve), TDX_OK);
	CU_ASSERT_EQUAL(ve.exit_reason, 48);
	CU_ASSERT_EQUAL(ve.exit_qualification, 0x182);
	CU_ASSERT_EQUAL(ve.guest_linear_address, 0xffff800000001000ULL);
	CU_ASSERT_EQUAL(ve.guest_physical_address, 0x5000);
	CU_ASSERT_EQUAL(ve.instruction_length, 4);
	CU_ASSERT_EQUAL(ve.instruction_information, 9);
	/* Reading clears the valid flag. */
	TDX_ASSERT_FAILS(tdx_tdg_vp_veinfo_get(G, &ve), TDX_E_TDCALL, "TDX_NO_VALID_VE_INFO");
	TDX_ASSERT_FAILS(tdx_emu_inject_ve(E, NULL), TDX_E_INVALID, "ve");
}

static void test_mr_report(void)
{
	uint8_t data[64], report[1024], hash[48];
	unsigned n = 0;

	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(0xA0 + i);
	wr(BUF + 0x1000, data, 64);
	CU_ASSERT_EQUAL(tdx_tdg_mr_report(G, BUF, BUF + 0x1000, 0), TDX_OK);
	rd(BUF, report, 1024);
	CU_ASSERT_EQUAL(report[0], 0x81);
	CU_ASSERT_EQUAL(report[1], 0);
	CU_ASSERT_EQUAL(report[2], 0);
	CU_ASSERT_EQUAL(memcmp(report + 128, data, 64), 0);
	/* The hashes bind TEE_TCB_INFO and TDINFO; MRSEAM marks the emulator. */
	EVP_Digest(report + 256, 239, hash, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(report + 32, hash, 48), 0);
	EVP_Digest(report + 512, 512, hash, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(report + 80, hash, 48), 0);
	EVP_Digest("libtdx emulated TDX module 1.5", 30, hash, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(report + 256 + 24, hash, 48), 0);
	CU_ASSERT_EQUAL(report[256], 0xFF); /* VALID 0x301FF */
	CU_ASSERT_EQUAL(report[258], 0x03);
	/* Failures: alignment, unaccepted memory, subtype. */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 4, .rcx = BUF + 0x200, .rdx = BUF + 0x1000 }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 4, .rcx = BUF, .rdx = BUF + 0x1010 }),
			TDX_OPERAND_INVALID | OP_RDX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 4, .rcx = BUF, .rdx = BUF + 0x1000, .r8 = 1 }),
			TDX_OPERAND_INVALID | OP_R8);
	TDX_ASSERT_FAILS(tdx_tdg_mr_report(G, PENDING, BUF + 0x1000, 0), TDX_E_TDCALL,
			 "operand RCX");
	TDX_ASSERT_FAILS(tdx_tdg_mr_report(G, BUF, PENDING, 0), TDX_E_TDCALL, "operand RDX");
}

static void test_verifyreport(void)
{
	uint8_t report[1024];

	get_report(report);
	CU_ASSERT_EQUAL(tdx_guest_verify_report(G, report, 1024), TDX_OK);
	/* Any single byte flipped anywhere in the report is caught. */
	for (size_t i = 0; i < sizeof(report); i++) {
		report[i] ^= 0x01;
		if (tdx_guest_verify_report(G, report, 1024) != TDX_E_VERIFY) {
			CU_FAIL("a flipped report byte was accepted");
			break;
		}
		report[i] ^= 0x01;
	}
	/* The leaf itself: MAC, CPUSVN and alignment. */
	wr(BUF, report, 256);
	CU_ASSERT_EQUAL(tdx_tdg_mr_verifyreport(G, BUF), TDX_OK);
	report[224] ^= 1;
	wr(BUF, report, 256);
	TDX_ASSERT_FAILS(tdx_tdg_mr_verifyreport(G, BUF), TDX_E_TDCALL, "TDX_INVALID_REPORTMACSTRUCT");
	report[224] ^= 1;
	report[16] ^= 1;
	wr(BUF, report, 256);
	TDX_ASSERT_FAILS(tdx_tdg_mr_verifyreport(G, BUF), TDX_E_TDCALL, "TDX_INVALID_CPUSVN");
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 22, .rcx = BUF + 0x80 }), TDX_OPERAND_INVALID | OP_RCX);
	/* A report from another emulated platform does not verify here. */
	{
		tdx_guest *other;
		uint8_t data[64] = { 0 }, theirs[1024];
		size_t len = sizeof(theirs);

		CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&other, "emu"), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_get_report(other, data, 64, theirs, &len), TDX_OK);
		TDX_ASSERT_FAILS(tdx_guest_verify_report(G, theirs, 1024), TDX_E_VERIFY,
				 "TDX_INVALID_REPORTMACSTRUCT");
		tdx_guest_close(other);
	}
}

static void test_cpuidve_set(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(tdx_tdg_vp_cpuidve_set(G, 2), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(G, 0xA020000000000008ULL, &v, NULL), TDX_OK); /* CPUID_USER_VE */
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(G, 0xA020000000000007ULL, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 5, .rcx = 4 }), TDX_OPERAND_INVALID | OP_RCX);
}

static void test_page_accept(void)
{
	uint8_t byte = 0x77;

	/* 2M-mapped pending memory: accept at 2M; 4K is a size mismatch. */
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(G, PENDING, 0), TDX_E_TDCALL,
			 "TDX_PAGE_SIZE_MISMATCH");
	CU_ASSERT_EQUAL(status(), 0xC0000B0B00000000ULL);
	wr(PENDING + 0x1000, &byte, 1);
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(G, PENDING, 1), TDX_OK);
	CU_ASSERT_EQUAL(status(), TDX_SUCCESS);
	rd(PENDING + 0x1000, &byte, 1);
	CU_ASSERT_EQUAL(byte, 0); /* accepted pages are zeroed */
	/* Again: a warning (bit 63 clear) with the level; the call succeeds. */
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(G, PENDING, 1), TDX_OK);
	CU_ASSERT_EQUAL(status(), 0x00000B0A00000001ULL);
	/* Accepted 2M memory at 4K: size mismatch (td-shim's 2M-level constant the other way). */
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(G, 0x200000, 0), TDX_E_TDCALL,
			 "TDX_PAGE_SIZE_MISMATCH");
	/* Split a chunk with MapGPA, then 2M fails with level 1 and 4K works. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | (PENDING + 0x203000), 0x1000, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(G, PENDING + 0x200000, 1), TDX_E_TDCALL,
			 "TDX_PAGE_SIZE_MISMATCH");
	CU_ASSERT_EQUAL(status(), 0xC0000B0B00000001ULL);
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(G, PENDING + 0x201000, 0), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(G, PENDING + 0x201000, 0), TDX_OK);
	CU_ASSERT_EQUAL(status(), 0x00000B0A00000000ULL);
	/* A shared page is not in the private mapping. */
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(G, PENDING + 0x203000, 0), TDX_E_TDCALL,
			 "TDX_EPT_WALK_FAILED");
	/* 1G is not accepted by TDX 1.5.01; nor reserved bits or the shared bit. */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 6, .rcx = 0x40000000 | 2 }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 6, .rcx = PENDING | 0x8 }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 6, .rcx = SHARED | PENDING }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 6, .rcx = (PENDING + 0x1000) | 1 }),
			TDX_OPERAND_INVALID | OP_RCX);
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(G, 0x100000000ULL, 0), TDX_E_TDCALL,
			 "TDX_EPT_WALK_FAILED");
}

/* ---- metadata ---- */

static void test_vm_rd_wr(void)
{
	uint64_t v = 0, next = 0, old = 0;

	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(G, 0x1110000300000000ULL, 0, &v, NULL), TDX_OK); /* ATTRIBUTES */
	CU_ASSERT_EQUAL(v, 0x10000000);
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(G, 0x1110000300000001ULL, 1, &v, &next), TDX_OK); /* XFAM */
	CU_ASSERT_EQUAL(v, 0x602e7);
	CU_ASSERT_EQUAL(next, 0x1110000200000002ULL); /* MAX_VCPUS */
	/* Version 1 with the null id: the first readable field, a warning. */
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(G, TDX_MD_FIELD_NULL, 1, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(status(), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	CU_ASSERT_EQUAL(next, 0x8010000300000020ULL); /* TD_UUID */
	/* Version 0 does not: the null id is simply invalid. */
	TDX_ASSERT_FAILS(tdx_tdg_vm_rd(G, TDX_MD_FIELD_NULL, 0, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	/* An RTMR element by its field code: RTMR1 element 0 = 0x40 + 6. */
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(G, 0x1310000300000046ULL, 0, &v, NULL), TDX_OK);
	/* Context and size codes are ignored (Linux's NOTIFY_ENABLES id). */
	CU_ASSERT_EQUAL(tdx_tdg_vm_wr(G, 0x9100000000000010ULL, 1, ~0ULL & 1, &old), TDX_OK);
	CU_ASSERT_EQUAL(old, 0);
	CU_ASSERT_EQUAL(tdx_tdg_vm_rd(G, 0x9110000300000010ULL, 0, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(v, 1);
	/* Unknown, unreadable, unwritable, invalid value, reserved bits, RCX. */
	TDX_ASSERT_FAILS(tdx_tdg_vm_rd(G, 0x1110000300000099ULL, 0, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	CU_ASSERT_EQUAL(v, 0);
	TDX_ASSERT_FAILS(tdx_tdg_vm_rd(G, 0x1110000300000004ULL, 0, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_NOT_READABLE"); /* EPTP: service TDs only */
	TDX_ASSERT_FAILS(tdx_tdg_vm_wr(G, 0x1110000300000000ULL, 0, ~0ULL, &old), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_NOT_WRITABLE");
	TDX_ASSERT_FAILS(tdx_tdg_vm_wr(G, 0x9110000300000010ULL, 2, 3, &old), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_VALUE_NOT_VALID");
	TDX_ASSERT_FAILS(tdx_tdg_vm_rd(G, 0x1110000301000000ULL, 0, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 7, .rcx = 1, .rdx = 0x1110000300000000ULL }),
			TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 7 | (2 << 16), .rdx = 0x1110000300000000ULL }),
			TDX_OPERAND_INVALID | OP_RAX);
	/* TD_CTLS.PENDING_VE_DISABLE may change (FLEXIBLE_PENDING_VE is set). */
	CU_ASSERT_EQUAL(tdx_tdg_vm_wr(G, 0x1110000300000017ULL, 1, 1, &old), TDX_OK);
}

static void test_vp_rd_wr(void)
{
	uint64_t v = 0, next = 0, old = 0;

	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(G, TDX_MD_FIELD_NULL, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(status(), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	CU_ASSERT_EQUAL(next, 0xA020000200000002ULL); /* VCPU_INDEX */
	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(G, 0xA020000200000002ULL, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(next, 0xA020000000000007ULL);
	CU_ASSERT_EQUAL(tdx_tdg_vp_wr(G, 0xA120000000000005ULL, 3, 0x3, &old), TDX_OK); /* CPUID_CONTROL[5] */
	CU_ASSERT_EQUAL(tdx_tdg_vp_rd(G, 0xA120000000000005ULL, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(v, 3);
	/* L2 fields exist for the TD's L2 VMs only (2 here). */
	CU_ASSERT_EQUAL(tdx_tdg_vp_wr(G, 0xA020000300000052ULL, 5, 0x7, &old), TDX_OK); /* L2_CTLS[2] */
	TDX_ASSERT_FAILS(tdx_tdg_vp_rd(G, 0xA020000300000053ULL, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	TDX_ASSERT_FAILS(tdx_tdg_vp_wr(G, 0xA020000200000002ULL, 1, ~0ULL, &old), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_NOT_WRITABLE");
	/* Bits outside the write mask must keep their value (mask 0x7 of L2_CTLS). */
	TDX_ASSERT_FAILS(tdx_tdg_vp_wr(G, 0xA020000300000052ULL, 0x8, 0xF, &old), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_VALUE_NOT_VALID");
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 9, .rcx = 1 }), TDX_OPERAND_INVALID | OP_RCX);
}

static void test_sys_rd_rdall(void)
{
	uint64_t v = 0, next = 0, first = 0, hdr;
	uint8_t page[4096];
	uint16_t used, seqs;
	int found_vendor = 0;

	CU_ASSERT_EQUAL(tdx_tdg_sys_rd(G, 0x0800000200000000ULL, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(v, 0x8086);
	CU_ASSERT_EQUAL(next, 0x0800000100000003ULL); /* BUILD_DATE/NUM skipped: host only */
	CU_ASSERT_EQUAL(tdx_tdg_sys_rd(G, 0x0800000100000003ULL, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(v, 5); /* MINOR_VERSION of a 1.5 module */
	TDX_ASSERT_FAILS(tdx_tdg_sys_rd(G, 0x8800000200000001ULL, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_NOT_READABLE");
	TDX_ASSERT_FAILS(tdx_tdg_sys_rd(G, 0x0800000200000077ULL, &v, NULL), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	CU_ASSERT_EQUAL(tdx_tdg_sys_rd(G, TDX_MD_FIELD_NULL, &v, &first), TDX_OK);
	CU_ASSERT_EQUAL(status(), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	CU_ASSERT_EQUAL(first, 0x0800000200000000ULL);

	/* RDALL: the whole guest-readable set fits one page. */
	CU_ASSERT_EQUAL(tdx_tdg_sys_rdall(G, BUF, TDX_MD_FIELD_NULL, &next), TDX_OK);
	CU_ASSERT_EQUAL(next, TDX_MD_FIELD_NULL);
	rd(BUF, page, sizeof(page));
	memcpy(&used, page, 2);
	memcpy(&seqs, page + 2, 2);
	CU_ASSERT(used > 8 && used < 4096);
	CU_ASSERT(seqs >= 5);
	/* Walk the sequences: every value is where the header says. */
	for (size_t off = 8, s = 0; s < seqs && off < used; s++) {
		unsigned elems, fields;

		memcpy(&hdr, page + off, 8);
		elems = (unsigned)((hdr >> 34) & 15) + 1;
		fields = (unsigned)((hdr >> 38) & 511) + 1;
		if ((hdr & 0xFFFFFF) == 0 && ((hdr >> 56) & 0x3F) == 8) {
			memcpy(&v, page + off + 8, 8);
			found_vendor = v == 0x8086;
		}
		off += 8 + 8ULL * elems * fields;
		if (s == seqs - 1u)
			CU_ASSERT_EQUAL(off, used);
	}
	CU_ASSERT(found_vendor);
	/* MINOR and MAJOR_VERSION (codes 3, 4) share one sequence of two fields. */
	{
		int found = 0;

		for (size_t off = 8; off + 8 <= used;) {
			unsigned elems, fields;

			memcpy(&hdr, page + off, 8);
			elems = (unsigned)((hdr >> 34) & 15) + 1;
			fields = (unsigned)((hdr >> 38) & 511) + 1;
			if ((hdr & 0xFFFFFF) == 3 && ((hdr >> 56) & 0x3F) == 8)
				found = fields == 2;
			off += 8 + 8ULL * elems * fields;
		}
		CU_ASSERT(found);
	}
	/* Errors: alignment, not the first element of a field, size code. */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 12, .rdx = BUF + 8, .r8 = TDX_MD_FIELD_NULL }),
			TDX_OPERAND_INVALID | OP_RDX);
	TDX_ASSERT_FAILS(tdx_tdg_sys_rdall(G, BUF, 0x0800000300000000ULL, &next), TDX_E_TDCALL,
			 "TDX_METADATA_FIELD_ID_INCORRECT");
	TDX_ASSERT_FAILS(tdx_tdg_sys_rdall(G, PENDING + 0x400000, TDX_MD_FIELD_NULL, &next),
			 TDX_E_TDCALL, "operand RDX");
	/* Starting mid-way dumps the rest. */
	CU_ASSERT_EQUAL(tdx_tdg_sys_rdall(G, BUF, 0x2000000100000001ULL, &next), TDX_OK);
}

static void test_servtd(void)
{
	uint64_t uuid[4] = { 0 }, v = 0, old = 0, next = 0;
	tdx_guest *plain;

	/* A TD without a binding: SERVTD_NOT_BOUND (slot 0). */
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&plain, "emu"), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdg_servtd_rd(plain, 0, 0x1110000300000000ULL, uuid, &v, NULL),
			 TDX_E_TDCALL, "TDX_SERVTD_NOT_BOUND");
	tdx_guest_close(plain);
	/* Wrong UUID; then the pre-import UUID is updated to the current one. */
	TDX_ASSERT_FAILS(tdx_tdg_servtd_rd(G, 0, 0x1110000300000000ULL, uuid, &v, NULL),
			 TDX_E_TDCALL, "TDX_TARGET_UUID_MISMATCH");
	memcpy(uuid, E->td.target_pre_import_uuid, sizeof(uuid));
	TDX_ASSERT_FAILS(tdx_tdg_servtd_rd(G, 0, 0x1110000300000000ULL, uuid, &v, NULL),
			 TDX_E_TDCALL, "TDX_TARGET_UUID_UPDATED");
	CU_ASSERT_EQUAL(memcmp(uuid, E->td.target_uuid, sizeof(uuid)), 0);
	/* With the current UUID: read the target's ATTRIBUTES and its EPTP
	 * (readable by a service TD only), write MIG_VERSION. */
	CU_ASSERT_EQUAL(tdx_tdg_servtd_rd(G, 0, 0x1110000300000000ULL, uuid, &v, &next), TDX_OK);
	CU_ASSERT_EQUAL(v, 0x10000000);
	CU_ASSERT_EQUAL(tdx_tdg_servtd_rd(G, 0, 0x1110000300000004ULL, uuid, &v, NULL), TDX_OK);
	CU_ASSERT_EQUAL(v & ~0xFFF0000000000FFFULL, 0);
	CU_ASSERT_EQUAL(tdx_tdg_servtd_wr(G, 0, 0x9810000100000020ULL, uuid, 2, 0xFFFF, &old), TDX_OK);
	CU_ASSERT_EQUAL(old, 1);
	TDX_ASSERT_FAILS(tdx_tdg_servtd_wr(G, 0, 0x9810000100000020ULL, uuid, 9, 0xFFFF, &old),
			 TDX_E_TDCALL, "TDX_METADATA_FIELD_VALUE_NOT_VALID");
	TDX_ASSERT_FAILS(tdx_tdg_servtd_wr(G, 0, 0x1110000300000000ULL, uuid, 0, ~0ULL, &old),
			 TDX_E_TDCALL, "TDX_METADATA_FIELD_NOT_WRITABLE");
	TDX_ASSERT_FAILS(tdx_tdg_servtd_rd(G, 1, 0x1110000300000000ULL, uuid, &v, NULL),
			 TDX_E_TDCALL, "operand RCX");
}

/* ---- L2 ---- */

static void test_page_attr(void)
{
	TDX_OPTS(tdx_page_attr, a);

	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_rd(G, BUF, &a), TDX_OK);
	CU_ASSERT_EQUAL(a.level, 1);
	CU_ASSERT_EQUAL(a.gpa, 0);
	CU_ASSERT_EQUAL(a.pending, 0);
	CU_ASSERT_EQUAL(a.attr[0], 0x800F);
	CU_ASSERT_EQUAL(a.attr[1], 0x8000);
	CU_ASSERT_EQUAL(a.attr[3], 0); /* VM 3 does not exist */
	/* Write R+W for VM 1, X for VM 2 on the 2M page. */
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_wr(G, 0, 1, (0x3ULL << 16) | (0x4ULL << 32), 0, &a),
			TDX_OK);
	CU_ASSERT_EQUAL(a.attr[1], 0x8003);
	CU_ASSERT_EQUAL(a.attr[2], 0x8004);
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_rd(G, 0x1F000, &a), TDX_OK);
	CU_ASSERT_EQUAL(a.attr[1], 0x8003);
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_attr_wr(G, 0, 0, 1ULL << 16, 0, &a), TDX_E_TDCALL,
			 "TDX_PAGE_SIZE_MISMATCH");
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_attr_wr(G, 0, 1, 0x100ULL << 16, 0, &a), TDX_E_TDCALL,
			 "TDX_PAGE_ATTR_INVALID");
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_attr_wr(G, 0, 1, 0x1ULL << 48, 0, &a), TDX_E_TDCALL,
			 "TDX_PAGE_ATTR_INVALID"); /* VM 3 absent */
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_attr_wr(G, 0x100000000ULL, 0, 0, 0, &a), TDX_E_TDCALL,
			 "TDX_L2_SEPT_WALK_FAILED");
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_attr_rd(G, SHARED | BUF, &a), TDX_E_TDCALL, "operand RCX");
}

static void test_vp_enter(void)
{
	TDX_OPTS(tdx_l2_exit, x);
	uint64_t old;

	/* Without a virtual-APIC page the L2 VM cannot run (operand 170). */
	TDX_ASSERT_FAILS(tdx_tdg_vp_enter(G, 1, 0, BUF, &x), TDX_E_TDCALL, "L2_VAPIC_GPA");
	CU_ASSERT_EQUAL(status(), 0xC0000100000000AAULL);
	CU_ASSERT_EQUAL(tdx_tdg_vp_wr(G, 0x2424000300002012ULL, 0x7000, ~0ULL << 12, &old), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_enter(G, 1, 0, BUF, &x), TDX_OK);
	CU_ASSERT_EQUAL(x.exit_class, 0);
	CU_ASSERT_EQUAL(x.exit_reason, 12);
	CU_ASSERT_EQUAL(x.instruction >> 32, 1);
	TDX_ASSERT_FAILS(tdx_tdg_vp_enter(G, 3, 0, BUF, &x), TDX_E_TDCALL, "operand RCX");
	TDX_ASSERT_FAILS(tdx_tdg_vp_enter(G, 1, 0, PENDING + 0x400000, &x), TDX_E_TDCALL,
			 "operand RDX");
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 25, .rcx = (1ULL << 52) | 4, .rdx = BUF }),
			TDX_OPERAND_INVALID | OP_RCX);
}

static void test_invept_invgla(void)
{
	uint64_t list[4] = { 0x1000, 0xffff800000002000ULL, 0x0000900000000000ULL, 0x3000 };
	uint64_t info;

	CU_ASSERT_EQUAL(tdx_tdg_vp_invept(G, 0x6), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdg_vp_invept(G, 0x1), TDX_E_TDCALL, "operand RCX");
	TDX_ASSERT_FAILS(tdx_tdg_vp_invept(G, 0x8), TDX_E_TDCALL, "operand RCX"); /* VM 3 absent */
	info = 0x7fff00000000ULL | 3;
	CU_ASSERT_EQUAL(tdx_tdg_vp_invgla(G, 1ULL << 52, &info), TDX_OK);
	info = 0x0000900000000000ULL;
	TDX_ASSERT_FAILS(tdx_tdg_vp_invgla(G, 1ULL << 52, &info), TDX_E_TDCALL,
			 "TDX_GLA_NOT_CANONICAL");
	/* List mode stops at the first non-canonical entry (index 2). */
	wr(BUF, list, sizeof(list));
	info = BUF | (4ULL << 52);
	TDX_ASSERT_FAILS(tdx_tdg_vp_invgla(G, 1 | (2ULL << 52), &info), TDX_E_TDCALL,
			 "TDX_GLA_NOT_CANONICAL");
	CU_ASSERT_EQUAL(info & 0x1FF, 2);
	CU_ASSERT_EQUAL((info >> 52) & 0x3FF, 2);
	list[2] = 0x4000;
	wr(BUF, list, sizeof(list));
	CU_ASSERT_EQUAL(tdx_tdg_vp_invgla(G, 1 | (2ULL << 52), &info), TDX_OK);
	CU_ASSERT_EQUAL(info, BUF | 4);
	info = 0;
	TDX_ASSERT_FAILS(tdx_tdg_vp_invgla(G, 0, &info), TDX_E_TDCALL, "operand RCX");
}

/* ---- TDVMCALLs and the host model ---- */

static void test_vmcall_leaf(void)
{
	/* RAX, RCX or RSP exposed, or reserved bits: the module refuses. */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 0, .rcx = 0xFC01 }), TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 0, .rcx = 0xFC10 }), TDX_OPERAND_INVALID | OP_RCX);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 0, .rcx = 1ULL << 40 }), TDX_OPERAND_INVALID | OP_RCX);
	/* Registers not exposed are not seen by the host, nor changed. */
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 0, .rcx = 0x0C00, .r10 = 0, .r11 = 10, .r12 = 0,
					.r13 = 0x1234 }), TDX_SUCCESS);
	CU_ASSERT_EQUAL(out.r13, 0x1234);
	CU_ASSERT_EQUAL(out.r10, TDVMCALL_SUCCESS);
	/* A vendor (non-zero R10) call is not modelled. */
	{
		tdx_regs r = { .rcx = 0xFC00, .r10 = 1, .r11 = 9 };

		TDX_ASSERT_FAILS(tdx_tdg_vp_vmcall(G, &r), TDX_E_VMCALL, "SUBFUNC_UNSUPPORTED");
	}
}

static void test_tdvmcall_info(void)
{
	uint64_t o[4] = { 9, 9, 9, 9 };

	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(G, 0, o), TDX_OK);
	CU_ASSERT(o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(G, 1, o), TDX_OK);
	CU_ASSERT_EQUAL(o[0], 2); /* SetupEventNotifyInterrupt */
	TDX_ASSERT_FAILS(tdx_tdvmcall_get_tdvmcall_info(G, 2, o), TDX_E_VMCALL, "INVALID_OPERAND");
}

static void test_map_gpa(void)
{
	uint64_t done = 0;
	TDX_OPTS(tdx_page_attr, a);

	/* 5 MiB in 2 MiB steps: the wrapper follows RETRY to the end. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | 0x3000000, 0x500000, &done), TDX_OK);
	CU_ASSERT_EQUAL(done, SHARED | 0x3500000);
	CU_ASSERT_EQUAL(E->page_state[0x3400000 / 4096], PAGE_SHARED);
	/* Back to private: pending until accepted. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, 0x3000000, 0x500000, NULL), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_attr_rd(G, 0x3000000, &a), TDX_OK);
	CU_ASSERT_EQUAL(a.pending, 1);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rax = 0, .rcx = 0xFC00, .r11 = 0x10001, .r12 = 0x3000800,
					.r13 = 0x1000 }), TDX_SUCCESS);
	CU_ASSERT_EQUAL(out.r10, TDVMCALL_ALIGN_ERROR);
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(G, 0x8000000, 0x1000, &done), TDX_E_VMCALL,
			 "INVALID_OPERAND"); /* beyond the TD's memory */
	CU_ASSERT_EQUAL(done, 0x8000000);
}

static void test_get_quote(void)
{
	static uint8_t quote[32768];
	uint8_t data[64] = { 7 }, report[1024];
	size_t len = sizeof(quote), small = 100;
	tdx_quote *q;
	unsigned vec = 0;
	uint64_t raised = 0;

	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(G, 0x40), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_get_quote(G, data, 64, quote, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	CU_ASSERT_EQUAL(tdx_quote_version(q), 5);
	CU_ASSERT_EQUAL(tdx_quote_body_type(q), 3);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_report_data(q), data, 64), 0);
	tdx_quote_free(q);
	CU_ASSERT_EQUAL(tdx_emu_event_notify(E, &vec, &raised), TDX_OK);
	CU_ASSERT_EQUAL(vec, 0x40);
	CU_ASSERT(raised >= 1);
	TDX_ASSERT_FAILS(tdx_tdvmcall_setup_event_notify_interrupt(G, 300), TDX_E_INVALID, "32..255");
	/* Too small a buffer: the size is written back. */
	TDX_ASSERT_FAILS(tdx_guest_get_quote(G, data, 64, quote, &small), TDX_E_BUFFER_TOO_SMALL,
			 "bytes");
	CU_ASSERT_EQUAL(small, len);
	/* The scratch pages are private and accepted again afterwards. */
	get_report(report);

	/* Raw GetQuote: private GPA, misalignment; a foreign report -> status ERROR. */
	TDX_ASSERT_FAILS(tdx_tdvmcall_get_quote(G, BUF, 0x2000), TDX_E_VMCALL, "INVALID_OPERAND");
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | 0x400000, 0x2000, NULL), TDX_OK);
	{
		uint8_t hdr[24 + 1024] = { 1 };
		uint64_t st;

		hdr[16] = 0x00;
		hdr[17] = 0x04; /* in_len 1024 */
		get_report(report);
		report[600] ^= 1; /* not what this platform's module wrote */
		memcpy(hdr + 24, report, 1024);
		wr(0x400000, hdr, sizeof(hdr));
		CU_ASSERT_EQUAL(tdx_tdvmcall_get_quote(G, SHARED | 0x400000, 0x2000), TDX_OK);
		rd(0x400008, &st, 8);
		CU_ASSERT_EQUAL(st, 0x8000000000000000ULL);
		hdr[0] = 2; /* header version must be 1 */
		wr(0x400000, hdr, sizeof(hdr));
		TDX_ASSERT_FAILS(tdx_tdvmcall_get_quote(G, SHARED | 0x400000, 0x2000), TDX_E_VMCALL,
				 "INVALID_OPERAND");
		hdr[0] = 1; /* ... as a 64-bit value (QEMU reads le64) */
		hdr[4] = 1;
		wr(0x400000, hdr, sizeof(hdr));
		TDX_ASSERT_FAILS(tdx_tdvmcall_get_quote(G, SHARED | 0x400000, 0x2000), TDX_E_VMCALL,
				 "INVALID_OPERAND");
		hdr[4] = 0; /* a buffer over QEMU's 128 KiB */
		wr(0x400000, hdr, sizeof(hdr));
		CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | 0x400000, 0x21000, NULL), TDX_OK);
		TDX_ASSERT_FAILS(tdx_tdvmcall_get_quote(G, SHARED | 0x400000, 0x21000), TDX_E_VMCALL,
				 "INVALID_OPERAND");
		CU_ASSERT_EQUAL(tdx_tdvmcall_get_quote(G, SHARED | 0x400000, 0x20000), TDX_OK);
	}
}

static void test_quote_v4_for_tdx10(void)
{
	TDX_OPTS(tdx_emu_config, c);
	tdx_emu *e;
	tdx_guest *g;
	static uint8_t quote[32768];
	uint8_t data[64] = { 1 };
	size_t len = sizeof(quote);
	tdx_quote *q;

	CU_ASSERT_EQUAL(tdx_emu_config_parse(&c, "module=1.0"), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, &c), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_guest(e, &g), TDX_OK);
	tdx_emu_close(e); /* the guest keeps it alive */
	CU_ASSERT_EQUAL(tdx_guest_get_quote(g, data, 64, quote, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	CU_ASSERT_EQUAL(tdx_quote_version(q), 4);
	CU_ASSERT_EQUAL(tdx_quote_body_type(q), 2);
	tdx_quote_free(q);
	tdx_guest_close(g);
}

static void test_fatal_error(void)
{
	char msg[128];
	size_t len = sizeof(msg);
	uint64_t code = 0;
	const char *page_text = "more detail from the shared page";

	TDX_ASSERT_FAILS(tdx_emu_fatal_error(E, &code, msg, &len), TDX_E_STATE, "fatal");
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | 0x500000, 0x1000, NULL), TDX_OK);
	wr(0x500000, page_text, strlen(page_text) + 1);
	CU_ASSERT_EQUAL(tdx_tdvmcall_report_fatal_error(G, 0x1234, "panic: out of cheese",
							SHARED | 0x500000), TDX_OK);
	CU_ASSERT_EQUAL(tdx_emu_fatal_error(E, &code, msg, &len), TDX_OK);
	CU_ASSERT_EQUAL(code, 0x1234 | (1ULL << 63));
	CU_ASSERT_STRING_EQUAL(msg, "panic: out of cheesemore detail from the shared page");
	len = 4;
	TDX_ASSERT_FAILS(tdx_emu_fatal_error(E, &code, msg, &len), TDX_E_BUFFER_TOO_SMALL, "bytes");
}

static void test_service(void)
{
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(G, SHARED | 0x600000, 0x2000, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdvmcall_service(G, SHARED | 0x600000, SHARED | 0x601000, 0, 0),
			 TDX_E_VMCALL, "SUBFUNC_UNSUPPORTED");
	TDX_ASSERT_FAILS(tdx_tdvmcall_service(G, 0x600000, 0x601000, 0, 0), TDX_E_VMCALL,
			 "INVALID_OPERAND");
}

static void test_instructions(void)
{
	uint32_t r[4], v32;
	uint64_t v, o[5];
	char console[64];
	size_t len = sizeof(console);
	unsigned a, b, c, d;

	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(G, 0x40000000, 0, r), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(&r[1], "libt", 4), 0);
	CU_ASSERT_EQUAL(memcmp(&r[2], "dxEm", 4), 0);
	CU_ASSERT_EQUAL(memcmp(&r[3], "uVMM", 4), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(G, 1, 0, r), TDX_OK);
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	CU_ASSERT_EQUAL(r[0], a);
	CU_ASSERT(r[2] & (1u << 31)); /* hypervisor */
	CU_ASSERT_FALSE(r[2] & (1u << 5)); /* no VMX */

	CU_ASSERT_EQUAL(tdx_tdvmcall_hlt(G, 0), TDX_OK);
	CU_ASSERT_EQUAL(E->hlt_count, 1);

	CU_ASSERT_EQUAL(tdx_tdvmcall_io_write(G, 0x3F8, 1, 'h'), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_write(G, 0x3F8, 1, 'i'), TDX_OK);
	CU_ASSERT_EQUAL(tdx_emu_console(E, console, &len), TDX_OK);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(memcmp(console, "hi", 2), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_write(G, 0x80, 1, 0x5A), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_read(G, 0x80, 1, &v32), TDX_OK);
	CU_ASSERT_EQUAL(v32, 0x5A);
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_read(G, 0x3FD, 1, &v32), TDX_OK);
	CU_ASSERT_EQUAL(v32, 0x60);
	CU_ASSERT_EQUAL(tdx_tdvmcall_io_read(G, 0x1234, 2, &v32), TDX_OK);
	CU_ASSERT_EQUAL(v32, 0xFFFF);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rcx = 0xFC00, .r11 = 30, .r12 = 3, .r14 = 0x80 }), 0);
	CU_ASSERT_EQUAL(out.r10, TDVMCALL_INVALID_OPERAND);

	CU_ASSERT_EQUAL(tdx_tdvmcall_rdmsr(G, 0x1B, &v), TDX_OK);
	CU_ASSERT_EQUAL(v & 0xFFFFF000, 0xFEE00000);
	CU_ASSERT_EQUAL(tdx_tdvmcall_wrmsr(G, 0x6E0, 12345), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_rdmsr(G, 0x6E0, &v), TDX_OK);
	CU_ASSERT_EQUAL(v, 12345);
	TDX_ASSERT_FAILS(tdx_tdvmcall_rdmsr(G, 0xC0DE, &v), TDX_E_VMCALL, "INVALID_OPERAND");
	TDX_ASSERT_FAILS(tdx_tdvmcall_wrmsr(G, 0x1B, 0), TDX_E_VMCALL, "INVALID_OPERAND");

	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_write(G, SHARED | 0xFEB00010, 8, 0x1122334455667788ULL),
			TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_read(G, SHARED | 0xFEB00010, 8, &v), TDX_OK);
	CU_ASSERT_EQUAL(v, 0x1122334455667788ULL);
	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_read(G, SHARED | 0xFEB00014, 2, &v), TDX_OK);
	CU_ASSERT_EQUAL(v, 0x3344);
	CU_ASSERT_EQUAL(tdx_tdvmcall_mmio_read(G, SHARED | 0xFEC00000, 4, &v), TDX_OK);
	CU_ASSERT_EQUAL(v, 0xFFFFFFFF);
	TDX_ASSERT_FAILS(tdx_tdvmcall_mmio_read(G, 0xFEB00010, 8, &v), TDX_E_VMCALL,
			 "INVALID_OPERAND"); /* private GPA */

	CU_ASSERT_EQUAL(tdx_tdvmcall_wbinvd(G, 0), TDX_OK);
	CU_ASSERT_EQUAL(raw((tdx_regs){ .rcx = 0xFC00, .r11 = 54, .r12 = 2 }), 0);
	CU_ASSERT_EQUAL(out.r10, TDVMCALL_INVALID_OPERAND);
	TDX_ASSERT_FAILS(tdx_tdvmcall_pconfig(G, 0, 0, 0, 0, o), TDX_E_VMCALL, "SUBFUNC_UNSUPPORTED");
}

/* ---- configuration ---- */

static void test_config(void)
{
	TDX_OPTS(tdx_emu_config, c);
	tdx_emu *e;

	CU_ASSERT_EQUAL(tdx_emu_config_parse(&c, "mem=8M,accepted=4M,attributes=0x50000000,"
						 "xfam=0x3,l2=3,vcpus=2"), TDX_OK);
	CU_ASSERT_EQUAL(c.mem_size, 8ULL << 20);
	CU_ASSERT_EQUAL(c.accepted_size, 4ULL << 20);
	CU_ASSERT_EQUAL(c.attributes, 0x50000000);
	CU_ASSERT_EQUAL(c.num_l2_vms, 3);
	TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, "bogus=1"), TDX_E_INVALID, "unknown key");
	{
		/* Hex is 96 digits and nothing else: sscanf("%2x") took "-1" x 48 and
		 * " f" as bytes. */
		char spec[128], digits[97];

		memset(digits, '-', 96);
		for (int i = 1; i < 96; i += 2)
			digits[i] = '1';
		digits[96] = '\0';
		snprintf(spec, sizeof(spec), "mrtd=%s", digits);
		TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, spec), TDX_E_INVALID, "hex digits");
		memset(digits, 'a', 96);
		digits[10] = ' ';
		snprintf(spec, sizeof(spec), "mrowner=%s", digits);
		TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, spec), TDX_E_INVALID, "hex digits");
		digits[10] = 'F';
		snprintf(spec, sizeof(spec), "mrowner=%s", digits);
		CU_ASSERT_EQUAL(tdx_emu_config_parse(&c, spec), TDX_OK);
		CU_ASSERT_EQUAL(c.mrowner[5], 0xFA);
	}
	TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, "mem"), TDX_E_INVALID, "key=value");
	TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, "mrtd=abcd"), TDX_E_INVALID, "96 hex");
	TDX_ASSERT_FAILS(tdx_emu_config_parse(&c, "module=2.0"), TDX_E_INVALID, "1.0 or 1.5");
	CU_ASSERT_EQUAL(c.num_l2_vms, 3); /* a failed parse leaves cfg alone */
	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, &c), TDX_OK);
	tdx_emu_close(e);
	c.gpaw = 50;
	TDX_ASSERT_FAILS(tdx_emu_open(&e, &c), TDX_E_INVALID, "48 or 52");
	c.gpaw = 48;
	c.vcpu_index = 2;
	TDX_ASSERT_FAILS(tdx_emu_open(&e, &c), TDX_E_INVALID, "vcpu index");
	c.vcpu_index = 0;
	c.accepted_size = 4096;
	TDX_ASSERT_FAILS(tdx_emu_open(&e, &c), TDX_E_INVALID, "64 KiB");
	c.accepted_size = 0;
	c.module_version = 10;
	TDX_ASSERT_FAILS(tdx_emu_open(&e, &c), TDX_E_INVALID, "L2 VMs");
	TDX_ASSERT_FAILS(tdx_emu_open(NULL, NULL), TDX_E_INVALID, "out");
	TDX_ASSERT_FAILS(tdx_emu_mem_read(E, 64ULL << 20, &c, 1), TDX_E_INVALID, "outside");
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_vp_info),
		TDX_TEST(test_rtmr_extend),
		TDX_TEST(test_veinfo),
		TDX_TEST(test_mr_report),
		TDX_TEST(test_verifyreport),
		TDX_TEST(test_cpuidve_set),
		TDX_TEST(test_page_accept),
		TDX_TEST(test_vm_rd_wr),
		TDX_TEST(test_vp_rd_wr),
		TDX_TEST(test_sys_rd_rdall),
		TDX_TEST(test_servtd),
		TDX_TEST(test_page_attr),
		TDX_TEST(test_vp_enter),
		TDX_TEST(test_invept_invgla),
		TDX_TEST(test_vmcall_leaf),
		TDX_TEST(test_tdvmcall_info),
		TDX_TEST(test_map_gpa),
		TDX_TEST(test_get_quote),
		TDX_TEST(test_quote_v4_for_tdx10),
		TDX_TEST(test_fatal_error),
		TDX_TEST(test_service),
		TDX_TEST(test_instructions),
		TDX_TEST(test_config),
		{ NULL, NULL },
	};
	TDX_OPTS(tdx_emu_config, cfg);
	int rc;

	if (tdx_emu_config_parse(&cfg, "l2=2,servtd=1") || tdx_emu_open(&E, &cfg) ||
	    tdx_emu_guest(E, &G)) {
		fprintf(stderr, "cannot open the emulator: %s\n", tdx_error_last()->message);
		return 1;
	}
	rc = tdx_test_run("emulator", tests);
	tdx_guest_close(G);
	tdx_emu_close(E);
	return rc;
}
