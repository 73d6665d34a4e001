/* SPDX-License-Identifier: MIT */
/*
 * The emulated TDX module: every guest TDCALL leaf, with the statuses the
 * TDX 1.5.01 module returns (../shared/reference/guest.md §1.3-1.4, §7),
 * over the emulator's state.  Metadata leaves are in metadata.c, the host's
 * side of TDG.VP.VMCALL in vmm.c.  What is not modelled: docs/emulator.md.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "emu_internal.h"

#define STATUS(code, operand) ((code) | (uint64_t)(operand))

/* The TDX 1.0 module has leaves 0..8; the rest arrived with TDX 1.5. */
#define LAST_TDX10_LEAF 8

/* A private, accepted range the module may read or write. */
static uint8_t *private_mem(struct tdx_emu *e, uint64_t gpa, uint64_t len)
{
	if (gpa & emu_shared_bit(e))
		return NULL;
	for (uint64_t p = gpa & ~(EMU_PAGE - 1); p < gpa + len; p += EMU_PAGE) {
		uint8_t *st = tdx__emu_page_state(e, p);

		if (!st || *st != PAGE_ACCEPTED)
			return NULL;
	}
	return tdx__emu_mem(e, gpa, len);
}

static int sha384(const void *data, size_t n, uint8_t out[SHA384_SIZE])
{
	unsigned len = 0;

	return EVP_Digest(data, n, out, &len, EVP_sha384(), NULL) && len == SHA384_SIZE;
}

/* The MAC covers REPORTMACSTRUCT up to the MAC field. */
int tdx__emu_report_mac(const struct tdx_emu *e, const uint8_t *mac_struct, uint8_t out[32])
{
	unsigned len = 0;

	return HMAC(EVP_sha256(), e->mac_key, sizeof(e->mac_key), mac_struct, RM_MAC, out, &len) &&
	       len == 32;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int tdx__emu_report_genuine(const struct tdx_emu *e, const uint8_t *report)
{
	uint8_t mac[32], hash[SHA384_SIZE];

	return report[RM_REPORT_TYPE] == REPORT_TYPE_TDX && tdx__emu_report_mac(e, report, mac) &&
	       !CRYPTO_memcmp(mac, report + RM_MAC, sizeof(mac)) &&
	       sha384(report + TEE_TCB_INFO_OFF, TEE_TCB_INFO_SIZE, hash) &&
	       !memcmp(hash, report + RM_TEE_TCB_INFO_HASH, SHA384_SIZE) &&
	       sha384(report + TDINFO_OFF, TDINFO_SIZE, hash) &&
	       !memcmp(hash, report + RM_TEE_INFO_HASH, SHA384_SIZE);
}

void tdx__emu_make_report(struct tdx_emu *e, const uint8_t *report_data, uint8_t *out)
{
	uint8_t *mac = out + REPORTMAC_OFF, *tcb = out + TEE_TCB_INFO_OFF, *ti = out + TDINFO_OFF;
	int v15 = e->cfg.module_version >= 15;
	static const uint8_t svn10[16] = { 0x03, 0x00, 0x04 };
	static const uint8_t svn15[16] = { 0x05, 0x01, 0x02 };

	memset(out, 0, TDREPORT_SIZE);
	mac[RM_REPORT_TYPE] = REPORT_TYPE_TDX; /* subtype 0, version 0: no service TDs bound */
	memcpy(mac + RM_CPUSVN, e->cpusvn, sizeof(e->cpusvn));
	memcpy(mac + RM_REPORT_DATA, report_data, REPORT_DATA_SIZE);

	/* VALID: bit i = the field at byte 8*i; 1.5 adds TEE_TCB_SVN2 (bits 16-17). */
	put_u64(tcb + TT_VALID, v15 ? 0x301FF : 0x1FF);
	memcpy(tcb + TT_TEE_TCB_SVN, v15 ? svn15 : svn10, 16);
	memcpy(tcb + TT_MRSEAM, e->mrseam, SHA384_SIZE);
	if (v15)
		memcpy(tcb + TT_TEE_TCB_SVN2, svn15, 16);

	put_u64(ti + TI_ATTRIBUTES, e->cfg.attributes);
	put_u64(ti + TI_XFAM, e->cfg.xfam);
	memcpy(ti + TI_MRTD, e->cfg.mrtd, SHA384_SIZE);
	memcpy(ti + TI_MRCONFIGID, e->cfg.mrconfigid, SHA384_SIZE);
	memcpy(ti + TI_MROWNER, e->cfg.mrowner, SHA384_SIZE);
	memcpy(ti + TI_MROWNERCONFIG, e->cfg.mrownerconfig, SHA384_SIZE);
	memcpy(ti + TI_RTMR, e->td.rtmr, sizeof(e->td.rtmr));

	sha384(tcb, TEE_TCB_INFO_SIZE, mac + RM_TEE_TCB_INFO_HASH);
	sha384(ti, TDINFO_SIZE, mac + RM_TEE_INFO_HASH);
	tdx__emu_report_mac(e, mac, mac + RM_MAC);
}

static uint64_t vp_info(struct tdx_emu *e, tdx_regs *r)
{
	r->rcx = e->cfg.gpaw;
	r->rdx = e->cfg.attributes;
	r->r8 = e->cfg.num_vcpus | ((uint64_t)e->cfg.num_vcpus << 32); /* MAX_VCPUS = NUM */
	r->r9 = e->cfg.vcpu_index;
	r->r10 = e->cfg.module_version >= 15; /* TDG.SYS.RD/RDALL available */
	r->r11 = 0;
	return TDX_SUCCESS;
}

static uint64_t rtmr_extend(struct tdx_emu *e, tdx_regs *r)
{
	uint8_t buf[2 * SHA384_SIZE], *data;

	if (r->rcx & 63 || !(data = private_mem(e, r->rcx, SHA384_SIZE)))
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	if (r->rdx >= RTMR_COUNT)
		return STATUS(TDX_OPERAND_INVALID, OP_RDX);
	memcpy(buf, e->td.rtmr[r->rdx], SHA384_SIZE);
	memcpy(buf + SHA384_SIZE, data, SHA384_SIZE);
	sha384(buf, sizeof(buf), e->td.rtmr[r->rdx]);
	return TDX_SUCCESS;
}

static uint64_t veinfo_get(struct tdx_emu *e, tdx_regs *r)
{
	if (!e->ve_valid) {
		r->rcx = r->rdx = r->r8 = r->r9 = r->r10 = 0;
		return TDX_NO_VALID_VE_INFO;
	}
	r->rcx = e->ve.exit_reason;
	r->rdx = e->ve.exit_qualification;
	r->r8 = e->ve.guest_linear_address;
	r->r9 = e->ve.guest_physical_address;
	r->r10 = e->ve.instruction_length | ((uint64_t)e->ve.instruction_information << 32);
	e->ve_valid = 0; /* reading clears the #VE-valid flag */
	return TDX_SUCCESS;
}

static uint64_t mr_report(struct tdx_emu *e, tdx_regs *r)
{
	uint8_t *out, *data, report[TDREPORT_SIZE];

	if (r->rcx & (TDREPORT_ALIGN - 1) || !(out = private_mem(e, r->rcx, TDREPORT_SIZE)))
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	if (r->rdx & (REPORT_DATA_ALIGN - 1) || !(data = private_mem(e, r->rdx, REPORT_DATA_SIZE)))
		return STATUS(TDX_OPERAND_INVALID, OP_RDX);
	if (r->r8 != 0)
		return STATUS(TDX_OPERAND_INVALID, OP_R8);
	tdx__emu_make_report(e, data, report);
	memcpy(out, report, sizeof(report));
	return TDX_SUCCESS;
}

static uint64_t cpuidve_set(struct tdx_emu *e, tdx_regs *r)
{
	if (r->rcx & ~3ULL)
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	e->td.cpuid_supervisor_ve = r->rcx & 1;
	e->td.cpuid_user_ve = (r->rcx >> 1) & 1;
	return TDX_SUCCESS;
}

/* Page info (RCX): level 2:0, reserved 11:3, GPA 51:12, reserved 63:52. */
static int page_info(struct tdx_emu *e, uint64_t rcx, unsigned max_level, uint64_t *gpa,
		     unsigned *level)
{
	*level = (unsigned)(rcx & 7);
	*gpa = rcx & 0x000FFFFFFFFFF000ULL;
	if (rcx & 0xFF8ULL || rcx >> 52 || *level > max_level || (*gpa & emu_shared_bit(e)))
		return -1;
	return (*gpa & ((EMU_PAGE << (9 * *level)) - 1)) ? -1 : 0;
}

static uint64_t page_accept(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t gpa, size;
	unsigned level;
	uint8_t *st;

	/* TDX 1.5.01 accepts 4K and 2M only; 1G is an invalid operand. */
	if (page_info(e, r->rcx, 1, &gpa, &level))
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	size = EMU_PAGE << (9 * level);
	st = tdx__emu_page_state(e, gpa);
	if (!st || gpa + size > e->mem_size)
		return STATUS(TDX_EPT_WALK_FAILED, level);
	/* The host's memory there must be private first (KVM: a memory-fault
	 * exit); it then maps a fresh private page. */
	if (e->host.accept && e->host.accept(e->host.ctx, gpa, size) == EMU_HOOK_DEFER) {
		e->deferred = 1;
		return TDX_SUCCESS;
	}
	if (*st == PAGE_SHARED)
		return STATUS(TDX_EPT_WALK_FAILED, level);
	if (e->map_2m[gpa / EMU_2M] != (level == 1))
		return STATUS(TDX_PAGE_SIZE_MISMATCH, level);
	if (*st == PAGE_ACCEPTED)
		return STATUS(TDX_PAGE_ALREADY_ACCEPTED, level); /* a warning: bit 63 clear */
	memset(tdx__emu_mem(e, gpa, size), 0, size); /* accepted pages start zeroed */
	memset(st, PAGE_ACCEPTED, size / EMU_PAGE);
	return TDX_SUCCESS;
}

static uint64_t verifyreport(struct tdx_emu *e, tdx_regs *r)
{
	uint8_t *mac, expect[32];

	if (r->rcx & (REPORTMAC_ALIGN - 1) || !(mac = private_mem(e, r->rcx, REPORTMAC_SIZE)))
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	if (memcmp(mac + RM_CPUSVN, e->cpusvn, sizeof(e->cpusvn)))
		return TDX_INVALID_CPUSVN;
	if (mac[RM_REPORT_TYPE] != REPORT_TYPE_TDX || !tdx__emu_report_mac(e, mac, expect) ||
	    CRYPTO_memcmp(expect, mac + RM_MAC, sizeof(expect)))
		return TDX_INVALID_REPORTMACSTRUCT;
	return TDX_SUCCESS;
}

/* Attributes of one page as ATTR.RD reports them: L1 R/W/XS/XU + VALID. */
static uint64_t page_attrs(struct tdx_emu *e, uint64_t gpa)
{
	uint64_t attrs = 0x800F;

	for (unsigned vm = 1; vm <= e->cfg.num_l2_vms; vm++)
		attrs |= (uint64_t)(e->l2_attr[gpa / EMU_PAGE][vm - 1] | 0x8000) << (16 * vm);
	return attrs;
}

static void mapping_out(struct tdx_emu *e, tdx_regs *r, uint64_t gpa)
{
	unsigned level = e->map_2m[gpa / EMU_2M];
	uint64_t base = gpa & ~((EMU_PAGE << (9 * level)) - 1);

	r->rcx = base | level | ((uint64_t)(*tdx__emu_page_state(e, gpa) == PAGE_PENDING) << 62);
	r->rdx = page_attrs(e, gpa);
}

static uint64_t page_attr_rd(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t gpa = r->rcx & 0x000FFFFFFFFFF000ULL;
	uint8_t *st = tdx__emu_page_state(e, gpa);

	if ((r->rcx & emu_shared_bit(e)) || !st || *st == PAGE_SHARED) {
		r->rcx = r->rdx = 0;
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	}
	mapping_out(e, r, gpa);
	return TDX_SUCCESS;
}

static uint64_t page_attr_wr(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t gpa, pages;
	unsigned level;
	uint8_t *st;

	if (page_info(e, r->rcx, 1, &gpa, &level)) {
		r->rcx = r->rdx = 0;
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	}
	st = tdx__emu_page_state(e, gpa);
	pages = 1ULL << (9 * level);
	if (!st || gpa + pages * EMU_PAGE > e->mem_size || *st == PAGE_SHARED) {
		r->rcx = r->rdx = 0;
		return STATUS(TDX_L2_SEPT_WALK_FAILED, level);
	}
	if (e->map_2m[gpa / EMU_2M] != level) {
		r->rcx = r->rdx = 0;
		return STATUS(TDX_PAGE_SIZE_MISMATCH, level);
	}
	/* Each L2 VM's field: R W XS XU VGP PWA SSS SVE (GUEST_L2_GPA_ATTR_MASK);
	 * reserved bits 14:8, or any attribute for an absent VM, is invalid. */
	for (unsigned vm = 1; vm <= EMU_MAX_L2; vm++) {
		uint16_t a = (uint16_t)(r->rdx >> (16 * vm)) & 0x7FFF;

		if ((a & 0x7F00) || (a && vm > e->cfg.num_l2_vms)) {
			r->rcx = r->rdx = 0;
			return TDX_PAGE_ATTR_INVALID;
		}
	}
	for (uint64_t i = 0; i < pages; i++)
		for (unsigned vm = 1; vm <= e->cfg.num_l2_vms; vm++)
			e->l2_attr[gpa / EMU_PAGE + i][vm - 1] = (uint16_t)(r->rdx >> (16 * vm)) & 0xFF;
	mapping_out(e, r, gpa);
	return TDX_SUCCESS;
}

/*
 * TDG.VP.ENTER: inputs are checked as the module does (§7.7); L2 code is
 * not executed: the entry returns at once with an L2->L1 exit for HLT.
 */
static uint64_t vp_enter(struct tdx_emu *e, tdx_regs *r)
{
	unsigned vm = (unsigned)((r->rcx >> 52) & 3);
	uint8_t *state;

	if ((r->rcx & ~(3ULL | (3ULL << 52))) || vm == 0 || vm > e->cfg.num_l2_vms)
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	if (r->rdx & 255 || !(state = private_mem(e, r->rdx, 154)))
		return STATUS(TDX_OPERAND_INVALID, OP_RDX);
	if (!e->td.l2_vapic_gpa[vm])
		return STATUS(TDX_OPERAND_INVALID, OP_L2_VAPIC_GPA);
	(void)state;
	r->rax = 12; /* class 0 (ordinary L2->L1 exit), VMX exit reason HLT */
	r->rbx = 0;
	r->rcx = 0;
	r->rdx = 0;
	r->rsi = 0x0008 | (0xA09BULL << 16) | (0xFFFFFFFFULL << 32); /* 64-bit code segment */
	r->rdi = 0;
	r->r8 = 0;
	r->r9 = 0;
	r->r10 = 0;
	r->r11 = 1ULL << 32; /* instruction length 1 */
	r->r12 = 0;
	r->r13 = 0;
	r->r14 = r->r15 = 0;
	return r->rax;
}

static uint64_t vp_invept(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t allowed = ((1ULL << (e->cfg.num_l2_vms + 1)) - 1) & ~1ULL;

	if (r->rcx & ~allowed)
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	return TDX_SUCCESS;
}

/* A 4-level-paging canonical address: bits 63:47 all equal. */
static int canonical(uint64_t gla)
{
	uint64_t top = gla >> 47;

	return top == 0 || top == 0x1FFFF;
}

static uint64_t vp_invgla(struct tdx_emu *e, tdx_regs *r)
{
	unsigned vm = (unsigned)((r->rcx >> 52) & 3);
	uint64_t first, count, list_gpa;
	uint8_t *list;

	if ((r->rcx & ~(1ULL | (3ULL << 52))) || vm == 0 || vm > e->cfg.num_l2_vms)
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	if (!(r->rcx & 1)) /* one entry: base GLA 63:12, last index 11:0 */
		return canonical(r->rdx & ~0xFFFULL) ? TDX_SUCCESS : TDX_GLA_NOT_CANONICAL;
	/* List info: first entry 8:0, list page GPA 51:12, entries 61:52. */
	first = r->rdx & 0x1FF;
	count = (r->rdx >> 52) & 0x3FF;
	list_gpa = r->rdx & 0x000FFFFFFFFFF000ULL;
	if (r->rdx & 0xC000000000000E00ULL || count > 512 || first + count > 512 ||
	    !(list = private_mem(e, list_gpa, EMU_PAGE)))
		return STATUS(TDX_OPERAND_INVALID, OP_RDX);
	for (; count; first++, count--) {
		uint64_t entry;

		memcpy(&entry, list + 8 * first, 8);
		if (!canonical(entry & ~0xFFFULL))
			break;
	}
	r->rdx = list_gpa | first | (count << 52);
	return count ? TDX_GLA_NOT_CANONICAL : TDX_SUCCESS;
}

/* TDG.VP.VMCALL: hand the exposed registers to the host model. */
static uint64_t vp_vmcall(struct tdx_emu *e, tdx_regs *r)
{
	uint64_t *gpr[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, NULL, &r->rsi, &r->rdi,
			      &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15 };
	uint64_t mask = r->rcx;
	tdx_regs host = { 0 };
	uint64_t *hgpr[16] = { &host.rax, &host.rcx, &host.rdx, &host.rbx, NULL, NULL, &host.rsi,
			       &host.rdi, &host.r8, &host.r9, &host.r10, &host.r11, &host.r12,
			       &host.r13, &host.r14, &host.r15 };

	/* RAX, RCX, RSP may not be exposed; RBP is not modelled; bits 63:32 reserved. */
	if (mask & (0x13ULL | 0x20ULL | 0xFFFFFFFF00000000ULL))
		return STATUS(TDX_OPERAND_INVALID, OP_RCX);
	for (int i = 0; i < 16; i++)
		if ((mask >> i) & 1 && gpr[i])
			*hgpr[i] = *gpr[i];
	host.rcx = mask; /* the VMM sees which registers were exposed (KVM: data[1]) */
	if (tdx__emu_vmm(e, &host)) {
		e->deferred = 1; /* executed again once the host has answered */
		return TDX_SUCCESS;
	}
	for (int i = 0; i < 16; i++)
		if ((mask >> i) & 1 && gpr[i])
			*gpr[i] = *hgpr[i];
	return TDX_SUCCESS;
}

int tdx__emu_tdcall(struct tdx_emu *e, tdx_regs *r)
{
	unsigned leaf = (unsigned)(r->rax & 0xFFFF), version = (unsigned)((r->rax >> 16) & 0xFF);
	uint64_t status;
	tdx_regs before = *r;

	/* RAX: leaf 15:0, version 23:16 (only VM.RD has a version 1), rest 0. */
	if (r->rax >> 24 || (version && !(leaf == 7 && version == 1)) ||
	    (e->cfg.module_version < 15 && leaf > LAST_TDX10_LEAF)) {
		r->rax = STATUS(TDX_OPERAND_INVALID, OP_RAX);
		return 0;
	}
	e->deferred = 0;
	switch (leaf) {
	case 0: status = vp_vmcall(e, r); break;
	case 1: status = vp_info(e, r); break;
	case 2: status = rtmr_extend(e, r); break;
	case 3: status = veinfo_get(e, r); break;
	case 4: status = mr_report(e, r); break;
	case 5: status = cpuidve_set(e, r); break;
	case 6: status = page_accept(e, r); break;
	case 7: status = tdx__md_vm_rd(e, r, (int)version); break;
	case 8: status = tdx__md_vm_wr(e, r); break;
	case 9: status = tdx__md_vp_rd(e, r); break;
	case 10: status = tdx__md_vp_wr(e, r); break;
	case 11: status = tdx__md_sys_rd(e, r); break;
	case 12: status = tdx__md_sys_rdall(e, r); break;
	case 18: status = tdx__md_servtd(e, r, 0); break;
	case 20: status = tdx__md_servtd(e, r, 1); break;
	case 22: status = verifyreport(e, r); break;
	case 23: status = page_attr_rd(e, r); break;
	case 24: status = page_attr_wr(e, r); break;
	case 25: status = vp_enter(e, r); break;
	case 26: status = vp_invept(e, r); break;
	case 27: status = vp_invgla(e, r); break;
	default: status = STATUS(TDX_OPERAND_INVALID, OP_RAX); break;
	}
	if (e->deferred) {
		*r = before;
		return 1;
	}
	r->rax = status;
	return 0;
}
