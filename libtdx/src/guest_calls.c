/* SPDX-License-Identifier: MIT */
/*
 * The TDCALL / TDVMCALL register marshallers: one function per leaf and
 * sub-function.  Register usage per leaf: ../shared/reference/guest.md
 * §1.4, §2.4, §7 (TDX module 1.5.01 source, Linux, td-shim, the tdx-guest
 * crate).  Nothing here knows how a leaf is answered: that is the
 * transport's job.
 *
 * Freestanding: this file is also built -ffreestanding -nostdlib into the
 * TD-in-a-box guest payload (tools/payload), so it uses no libc (only
 * compiler builtins) and reaches errors through tdx__error_set alone.
 */
#include "guest_backend.h"
#include "layout.h"

/* TDCALL leaf numbers (guest.md §1.2). */
enum {
	TDG_VP_VMCALL = 0,
	TDG_VP_INFO = 1,
	TDG_MR_RTMR_EXTEND = 2,
	TDG_VP_VEINFO_GET = 3,
	TDG_MR_REPORT = 4,
	TDG_VP_CPUIDVE_SET = 5,
	TDG_MEM_PAGE_ACCEPT = 6,
	TDG_VM_RD = 7,
	TDG_VM_WR = 8,
	TDG_VP_RD = 9,
	TDG_VP_WR = 10,
	TDG_SYS_RD = 11,
	TDG_SYS_RDALL = 12,
	TDG_SERVTD_RD = 18,
	TDG_SERVTD_WR = 20,
	TDG_MR_VERIFYREPORT = 22,
	TDG_MEM_PAGE_ATTR_RD = 23,
	TDG_MEM_PAGE_ATTR_WR = 24,
	TDG_VP_ENTER = 25,
	TDG_VP_INVEPT = 26,
	TDG_VP_INVGLA = 27,
};

/* TDVMCALL sub-functions (R11) and statuses (R10), guest.md §2.2-2.3. */
enum {
	VMCALL_CPUID = 10,
	VMCALL_HLT = 12,
	VMCALL_IO = 30,
	VMCALL_RDMSR = 31,
	VMCALL_WRMSR = 32,
	VMCALL_MMIO = 48,
	VMCALL_WBINVD = 54,
	VMCALL_PCONFIG = 65,
	VMCALL_GET_TDVMCALL_INFO = 0x10000,
	VMCALL_MAP_GPA = 0x10001,
	VMCALL_GET_QUOTE = 0x10002,
	VMCALL_REPORT_FATAL_ERROR = 0x10003,
	VMCALL_SETUP_EVENT_NOTIFY = 0x10004,
	VMCALL_SERVICE = 0x10005,
};
#define VMCALL_STATUS_RETRY 1ULL

/* Register-exposure masks (RCX of TDG.VP.VMCALL): bit n = GPR n. */
#define EXPOSE(reg) (1ULL << (reg))
enum { GPR_RDX = 2, GPR_RBX = 3, GPR_RSI = 6, GPR_RDI = 7, GPR_R8 = 8, GPR_R9 = 9,
       GPR_R10 = 10, GPR_R11 = 11, GPR_R12 = 12, GPR_R13 = 13, GPR_R14 = 14, GPR_R15 = 15 };
/* R10-R15, what td-shim and the tdx-guest crate expose for every call. */
#define EXPOSE_STANDARD 0xFC00ULL
/* ReportFatalError's message also travels in RBX, RSI, RDI, R8, R9, RDX. */
#define EXPOSE_FATAL_MESSAGE                                                            \
	(EXPOSE_STANDARD | EXPOSE(GPR_RDX) | EXPOSE(GPR_RBX) | EXPOSE(GPR_RSI) |        \
	 EXPOSE(GPR_RDI) | EXPOSE(GPR_R8) | EXPOSE(GPR_R9))

/*
 * A register block with the given inputs, every other register zero.  Built
 * through a const temporary: GCC then zeroes it with vector stores instead
 * of "rep stos", whose start-up cost was a third of a TDCALL on the
 * emulator (bench/bench_vp_info).
 */
#define REGS(...)                                       \
	({                                              \
		const tdx_regs in_ = { __VA_ARGS__ };   \
		in_;                                    \
	})

#define TDX_STATUS_CLASS(s) ((unsigned)(((s) >> 40) & 0xFF))
#define MODULE_CLASS_BUSY 0x02

/* ---- the marshalling core ---- */

/* Run one TDCALL and turn a failing completion status into an error. */
static int tdcall(tdx_guest *g, const char *fn, const char *leaf, tdx_regs *r)
{
	uint64_t status;
	const char *operand;
	int rc;

	rc = g->ops->tdcall(g->ctx, r);
	if (rc)
		return rc;
	status = g->last_status = r->rax;
	if (!(status >> 63))
		return TDX_OK; /* success, or a warning status (bit 63 clear) */
	operand = tdx_module_status_operand(status);
	return tdx__error_set(TDX_STATUS_CLASS(status) == MODULE_CLASS_BUSY ||
				      (status >> 32) == 0x80000003 || (status >> 32) == 0x80000004
			      ? TDX_E_RETRY : TDX_E_TDCALL,
			      TDX_LAYER_MODULE, status, 0, fn,
			      "%s returned 0x%016llx %s%s%s", leaf, (unsigned long long)status,
			      tdx_module_status_name(status), operand ? ", operand " : "",
			      operand ? operand : "");
}

/* TDG.VP.VMCALL: the module's status in RAX, the host's in R10. */
static int vmcall(tdx_guest *g, const char *fn, const char *name, uint64_t expose, tdx_regs *r)
{
	int rc;

	r->rax = TDG_VP_VMCALL;
	r->rcx = expose;
	r->r10 = 0; /* a standard GHCI call */
	rc = tdcall(g, fn, "TDG.VP.VMCALL", r);
	if (rc)
		return rc;
	if (r->r10 == 0)
		return TDX_OK;
	return tdx__error_set(r->r10 == VMCALL_STATUS_RETRY ? TDX_E_RETRY : TDX_E_VMCALL,
			      TDX_LAYER_VMCALL, r->r10, 0, fn, "TDVMCALL %s: the host returned %s (0x%llx)",
			      name, tdx_vmcall_status_name(r->r10), (unsigned long long)r->r10);
}

#define CHECK_GUEST(g)                                                             \
	do {                                                                       \
		if (!(g))                                                          \
			return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle " \
					 "with tdx_guest_open");                   \
	} while (0)

#define CHECK_ALIGNED(gpa, align, what, leaf)                                         \
	do {                                                                          \
		if ((gpa) & ((align) - 1))                                            \
			return tdx__fail(TDX_E_INVALID, "%s 0x%llx must be %u-byte aligned " \
					 "(%s rule)", what, (unsigned long long)(gpa),      \
					 (unsigned)(align), leaf);                        \
	} while (0)

/* ---- TDCALL leaves ---- */

tdx_status tdx_tdg_vp_vmcall(tdx_guest *g, tdx_regs *regs)
{
	int rc;

	CHECK_GUEST(g);
	if (!regs)
		return tdx__fail(TDX_E_INVALID, "regs is NULL; pass the TDVMCALL's registers");
	regs->rax = TDG_VP_VMCALL;
	rc = tdcall(g, __func__, "TDG.VP.VMCALL", regs);
	if (rc)
		return rc;
	if (regs->r10 == 0)
		return TDX_OK;
	return tdx__error_set(regs->r10 == VMCALL_STATUS_RETRY ? TDX_E_RETRY : TDX_E_VMCALL,
			      TDX_LAYER_VMCALL, regs->r10, 0, __func__,
			      "TDVMCALL 0x%llx: the host returned %s (0x%llx)",
			      (unsigned long long)regs->r11, tdx_vmcall_status_name(regs->r10),
			      (unsigned long long)regs->r10);
}

tdx_status tdx_vp_info_init(tdx_vp_info *info, size_t sz)
{
	return TDX_STRUCT_INIT(info, sz, tdx_vp_info);
}

/* Copy a fully-built output struct into the caller's, up to its sz. */
static inline void put_struct(void *dst, const void *src, size_t known)
{
	size_t sz = *(const size_t *)dst;

	if (sz >= known) /* inlined as a fixed-size copy: the common case */
		__builtin_memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
		       known - sizeof(size_t));
	else
		__builtin_memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
		       sz - sizeof(size_t));
}

tdx_status tdx_tdg_vp_info(tdx_guest *g, tdx_vp_info *info)
{
	tdx_regs r = REGS(.rax = TDG_VP_INFO);
	tdx_vp_info v = { .sz = sizeof(v) };
	int rc;

	CHECK_GUEST(g);
	if (!info)
		return tdx__fail(TDX_E_INVALID, "info is NULL; pass a tdx_vp_info set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(info, tdx_vp_info);
	if (rc)
		return rc;
	rc = tdcall(g, __func__, "TDG.VP.INFO", &r);
	if (rc)
		return rc;
	v.gpaw = (unsigned)(r.rcx & 0x3F);
	v.attributes = r.rdx;
	v.num_vcpus = (uint32_t)r.r8;
	v.max_vcpus = (uint32_t)(r.r8 >> 32);
	v.vcpu_index = (uint32_t)r.r9;
	v.sys_rd_available = (int)(r.r10 & 1);
	put_struct(info, &v, sizeof(v));
	return TDX_OK;
}

tdx_status tdx_tdg_mr_rtmr_extend(tdx_guest *g, uint64_t data_gpa, unsigned index)
{
	tdx_regs r = REGS(.rax = TDG_MR_RTMR_EXTEND, .rcx = data_gpa, .rdx = index);

	CHECK_GUEST(g);
	CHECK_ALIGNED(data_gpa, 64, "data_gpa", "TDG.MR.RTMR.EXTEND");
	if (index >= RTMR_COUNT)
		return tdx__fail(TDX_E_INVALID, "RTMR index %u is out of range; TDs have RTMR 0..3",
				 index);
	return tdcall(g, __func__, "TDG.MR.RTMR.EXTEND", &r);
}

tdx_status tdx_ve_info_init(tdx_ve_info *info, size_t sz)
{
	return TDX_STRUCT_INIT(info, sz, tdx_ve_info);
}

tdx_status tdx_tdg_vp_veinfo_get(tdx_guest *g, tdx_ve_info *info)
{
	tdx_regs r = REGS(.rax = TDG_VP_VEINFO_GET);
	tdx_ve_info v = { .sz = sizeof(v) };
	int rc;

	CHECK_GUEST(g);
	if (!info)
		return tdx__fail(TDX_E_INVALID, "info is NULL; pass a tdx_ve_info set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(info, tdx_ve_info);
	if (rc)
		return rc;
	rc = tdcall(g, __func__, "TDG.VP.VEINFO.GET", &r);
	if (rc)
		return rc;
	v.exit_reason = (uint32_t)r.rcx;
	v.exit_qualification = r.rdx;
	v.guest_linear_address = r.r8;
	v.guest_physical_address = r.r9;
	v.instruction_length = (uint32_t)r.r10;
	v.instruction_information = (uint32_t)(r.r10 >> 32);
	put_struct(info, &v, sizeof(v));
	return TDX_OK;
}

tdx_status tdx_tdg_mr_report(tdx_guest *g, uint64_t report_gpa, uint64_t report_data_gpa,
			     unsigned subtype)
{
	tdx_regs r = REGS(.rax = TDG_MR_REPORT, .rcx = report_gpa, .rdx = report_data_gpa,
		       .r8 = subtype);

	CHECK_GUEST(g);
	CHECK_ALIGNED(report_gpa, TDREPORT_ALIGN, "report_gpa", "TDG.MR.REPORT");
	CHECK_ALIGNED(report_data_gpa, REPORT_DATA_ALIGN, "report_data_gpa", "TDG.MR.REPORT");
	if (subtype != 0)
		return tdx__fail(TDX_E_INVALID, "report subtype %u is not defined; TDX has subtype 0",
				 subtype);
	return tdcall(g, __func__, "TDG.MR.REPORT", &r);
}

tdx_status tdx_tdg_vp_cpuidve_set(tdx_guest *g, uint64_t flags)
{
	tdx_regs r = REGS(.rax = TDG_VP_CPUIDVE_SET, .rcx = flags);

	CHECK_GUEST(g);
	if (flags & ~3ULL)
		return tdx__fail(TDX_E_INVALID, "flags 0x%llx has bits other than 0 (supervisor) and "
				 "1 (user) set", (unsigned long long)flags);
	return tdcall(g, __func__, "TDG.VP.CPUIDVE.SET", &r);
}

tdx_status tdx_tdg_mem_page_accept(tdx_guest *g, uint64_t gpa, unsigned level)
{
	tdx_regs r = REGS(.rax = TDG_MEM_PAGE_ACCEPT, .rcx = gpa | level);

	CHECK_GUEST(g);
	if (level > TDX_PAGE_LEVEL_1G)
		return tdx__fail(TDX_E_INVALID, "page level %u is not 0 (4K), 1 (2M) or 2 (1G)", level);
	CHECK_ALIGNED(gpa, 4096ULL << (9 * level), "gpa", "TDG.MEM.PAGE.ACCEPT at this level");
	return tdcall(g, __func__, "TDG.MEM.PAGE.ACCEPT", &r);
}

tdx_status tdx_tdg_vm_rd(tdx_guest *g, uint64_t field_id, unsigned version, uint64_t *value,
			 uint64_t *next_field_id)
{
	tdx_regs r = REGS(.rax = TDG_VM_RD | ((uint64_t)version << 16), .rdx = field_id);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the field");
	if (version > 1)
		return tdx__fail(TDX_E_INVALID, "TDG.VM.RD version %u does not exist (0 or 1)", version);
	rc = tdcall(g, __func__, "TDG.VM.RD", &r);
	*value = r.r8;
	if (next_field_id)
		*next_field_id = version ? r.rdx : TDX_MD_FIELD_NULL;
	return rc;
}

tdx_status tdx_tdg_vm_wr(tdx_guest *g, uint64_t field_id, uint64_t value, uint64_t mask,
			 uint64_t *old_value)
{
	tdx_regs r = REGS(.rax = TDG_VM_WR, .rdx = field_id, .r8 = value, .r9 = mask);
	int rc;

	CHECK_GUEST(g);
	rc = tdcall(g, __func__, "TDG.VM.WR", &r);
	if (old_value)
		*old_value = r.r8;
	return rc;
}

tdx_status tdx_tdg_vp_rd(tdx_guest *g, uint64_t field_id, uint64_t *value, uint64_t *next_field_id)
{
	tdx_regs r = REGS(.rax = TDG_VP_RD, .rdx = field_id);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the field");
	rc = tdcall(g, __func__, "TDG.VP.RD", &r);
	*value = r.r8;
	if (next_field_id)
		*next_field_id = r.rdx;
	return rc;
}

tdx_status tdx_tdg_vp_wr(tdx_guest *g, uint64_t field_id, uint64_t value, uint64_t mask,
			 uint64_t *old_value)
{
	tdx_regs r = REGS(.rax = TDG_VP_WR, .rdx = field_id, .r8 = value, .r9 = mask);
	int rc;

	CHECK_GUEST(g);
	rc = tdcall(g, __func__, "TDG.VP.WR", &r);
	if (old_value)
		*old_value = r.r8;
	return rc;
}

tdx_status tdx_tdg_sys_rd(tdx_guest *g, uint64_t field_id, uint64_t *value,
			  uint64_t *next_field_id)
{
	tdx_regs r = REGS(.rax = TDG_SYS_RD, .rdx = field_id);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the field");
	rc = tdcall(g, __func__, "TDG.SYS.RD", &r);
	*value = r.r8;
	if (next_field_id)
		*next_field_id = r.rdx;
	return rc;
}

tdx_status tdx_tdg_sys_rdall(tdx_guest *g, uint64_t list_gpa, uint64_t first_field_id,
			     uint64_t *next_field_id)
{
	tdx_regs r = REGS(.rax = TDG_SYS_RDALL, .rdx = list_gpa, .r8 = first_field_id);
	int rc;

	CHECK_GUEST(g);
	CHECK_ALIGNED(list_gpa, 4096, "list_gpa", "TDG.SYS.RDALL");
	rc = tdcall(g, __func__, "TDG.SYS.RDALL", &r);
	if (next_field_id)
		*next_field_id = r.r8;
	return rc;
}

static int servtd(tdx_guest *g, const char *fn, int write, uint64_t handle, uint64_t field_id,
		  uint64_t uuid[4], uint64_t value, uint64_t mask, uint64_t *out, uint64_t *next)
{
	tdx_regs r = REGS(.rax = write ? TDG_SERVTD_WR : TDG_SERVTD_RD, .rcx = handle,
		       .rdx = field_id, .r8 = value, .r9 = mask);
	int rc;

	CHECK_GUEST(g);
	if (!uuid)
		return tdx__fail(TDX_E_INVALID, "target_uuid is NULL; pass the target TD's UUID "
				 "(4 qwords)");
	r.r10 = uuid[0];
	r.r11 = uuid[1];
	r.r12 = uuid[2];
	r.r13 = uuid[3];
	rc = tdcall(g, fn, write ? "TDG.SERVTD.WR" : "TDG.SERVTD.RD", &r);
	if ((r.rax >> 32) == 0xC0000D08) { /* TDX_TARGET_UUID_UPDATED: learn the new UUID */
		uuid[0] = r.r10;
		uuid[1] = r.r11;
		uuid[2] = r.r12;
		uuid[3] = r.r13;
	}
	if (out)
		*out = r.r8;
	if (next)
		*next = r.rdx;
	return rc;
}

tdx_status tdx_tdg_servtd_rd(tdx_guest *g, uint64_t binding_handle, uint64_t field_id,
			     uint64_t target_uuid[4], uint64_t *value, uint64_t *next_field_id)
{
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the field");
	return servtd(g, __func__, 0, binding_handle, field_id, target_uuid, 0, 0, value,
		      next_field_id);
}

tdx_status tdx_tdg_servtd_wr(tdx_guest *g, uint64_t binding_handle, uint64_t field_id,
			     uint64_t target_uuid[4], uint64_t value, uint64_t mask,
			     uint64_t *old_value)
{
	return servtd(g, __func__, 1, binding_handle, field_id, target_uuid, value, mask,
		      old_value, NULL);
}

tdx_status tdx_tdg_mr_verifyreport(tdx_guest *g, uint64_t report_mac_gpa)
{
	tdx_regs r = REGS(.rax = TDG_MR_VERIFYREPORT, .rcx = report_mac_gpa);

	CHECK_GUEST(g);
	CHECK_ALIGNED(report_mac_gpa, REPORTMAC_ALIGN, "report_mac_gpa", "TDG.MR.VERIFYREPORT");
	return tdcall(g, __func__, "TDG.MR.VERIFYREPORT", &r);
}

tdx_status tdx_page_attr_init(tdx_page_attr *attr, size_t sz)
{
	return TDX_STRUCT_INIT(attr, sz, tdx_page_attr);
}

/* RCX = GPA mapping (level 2:0, GPA 51:12, PENDING 62), RDX = 4 x 16-bit attributes. */
static void decode_page_attr(const tdx_regs *r, tdx_page_attr *attr)
{
	tdx_page_attr v = { .sz = sizeof(v) };

	v.level = (unsigned)(r->rcx & 7);
	v.gpa = r->rcx & 0x000FFFFFFFFFF000ULL;
	v.pending = (int)((r->rcx >> 62) & 1);
	for (int i = 0; i < 4; i++)
		v.attr[i] = (uint16_t)(r->rdx >> (16 * i));
	put_struct(attr, &v, sizeof(v));
}

tdx_status tdx_tdg_mem_page_attr_rd(tdx_guest *g, uint64_t gpa, tdx_page_attr *attr)
{
	tdx_regs r = REGS(.rax = TDG_MEM_PAGE_ATTR_RD, .rcx = gpa);
	int rc;

	CHECK_GUEST(g);
	if (!attr)
		return tdx__fail(TDX_E_INVALID, "attr is NULL; pass a tdx_page_attr set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(attr, tdx_page_attr);
	if (rc)
		return rc;
	rc = tdcall(g, __func__, "TDG.MEM.PAGE.ATTR.RD", &r);
	if (rc)
		return rc;
	decode_page_attr(&r, attr);
	return TDX_OK;
}

tdx_status tdx_tdg_mem_page_attr_wr(tdx_guest *g, uint64_t gpa, unsigned level, uint64_t attrs,
				    uint64_t flags, tdx_page_attr *attr)
{
	tdx_regs r = REGS(.rax = TDG_MEM_PAGE_ATTR_WR, .rcx = gpa | level, .rdx = attrs, .r8 = flags);
	int rc;

	CHECK_GUEST(g);
	if (level > TDX_PAGE_LEVEL_2M)
		return tdx__fail(TDX_E_INVALID, "page level %u is not 0 (4K) or 1 (2M)", level);
	CHECK_ALIGNED(gpa, 4096ULL << (9 * level), "gpa", "TDG.MEM.PAGE.ATTR.WR at this level");
	if (attr) {
		rc = TDX_STRUCT_CHECK(attr, tdx_page_attr);
		if (rc)
			return rc;
	}
	rc = tdcall(g, __func__, "TDG.MEM.PAGE.ATTR.WR", &r);
	if (rc)
		return rc;
	if (attr)
		decode_page_attr(&r, attr);
	return TDX_OK;
}

tdx_status tdx_l2_exit_init(tdx_l2_exit *e, size_t sz)
{
	return TDX_STRUCT_INIT(e, sz, tdx_l2_exit);
}

tdx_status tdx_tdg_vp_enter(tdx_guest *g, unsigned vm, unsigned invalidate, uint64_t state_gpa,
			    tdx_l2_exit *exit_info)
{
	tdx_regs r = REGS(.rax = TDG_VP_ENTER, .rcx = ((uint64_t)vm << 52) | invalidate,
		       .rdx = state_gpa);
	tdx_l2_exit v = { .sz = sizeof(v) };
	int rc;

	CHECK_GUEST(g);
	if (vm < 1 || vm > 3)
		return tdx__fail(TDX_E_INVALID, "L2 VM index %u is out of range (1..3)", vm);
	if (invalidate > 3)
		return tdx__fail(TDX_E_INVALID, "invalidate control %u is out of range (0..3)",
				 invalidate);
	CHECK_ALIGNED(state_gpa, 256, "state_gpa", "TDG.VP.ENTER");
	if (exit_info) {
		rc = TDX_STRUCT_CHECK(exit_info, tdx_l2_exit);
		if (rc)
			return rc;
	}
	rc = tdcall(g, __func__, "TDG.VP.ENTER", &r);
	if (rc)
		return rc;
	if (exit_info) {
		v.exit_class = (uint32_t)(r.rax >> 32);
		v.exit_reason = (uint32_t)r.rax;
		v.exit_qualification = r.rcx;
		v.guest_linear_address = r.rdx;
		v.cs = r.rsi;
		v.cs_base = r.rdi;
		v.guest_physical_address = r.r8;
		v.interruption = r.r9;
		v.idt_vectoring = r.r10;
		v.instruction = r.r11;
		v.additional = r.r12;
		v.extended_qualification = r.r13;
		put_struct(exit_info, &v, sizeof(v));
	}
	return TDX_OK;
}

tdx_status tdx_tdg_vp_invept(tdx_guest *g, uint64_t vm_bitmap)
{
	tdx_regs r = REGS(.rax = TDG_VP_INVEPT, .rcx = vm_bitmap);

	CHECK_GUEST(g);
	return tdcall(g, __func__, "TDG.VP.INVEPT", &r);
}

tdx_status tdx_tdg_vp_invgla(tdx_guest *g, uint64_t control, uint64_t *gla_info)
{
	tdx_regs r = REGS(.rax = TDG_VP_INVGLA, .rcx = control);
	int rc;

	CHECK_GUEST(g);
	if (!gla_info)
		return tdx__fail(TDX_E_INVALID, "gla_info is NULL; pass the GLA entry or list info");
	r.rdx = *gla_info;
	rc = tdcall(g, __func__, "TDG.VP.INVGLA", &r);
	*gla_info = r.rdx;
	return rc;
}

/* ---- TDVMCALL sub-functions ---- */

tdx_status tdx_tdvmcall_get_tdvmcall_info(tdx_guest *g, uint64_t leaf, uint64_t out[4])
{
	tdx_regs r = REGS(.r11 = VMCALL_GET_TDVMCALL_INFO, .r12 = leaf);
	int rc;

	CHECK_GUEST(g);
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass 4 qwords for R11..R14");
	rc = vmcall(g, __func__, "GetTdVmCallInfo", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	out[0] = r.r11;
	out[1] = r.r12;
	out[2] = r.r13;
	out[3] = r.r14;
	return TDX_OK;
}

/*
 * MapGPA with the GHCI RETRY protocol as Linux's tdx_map_gpa()
 * (arch/x86/coco/tdx/tdx.c) runs it: on RETRY the host says in R11 where
 * to resume, which must lie in [start, end); give up after 3 RETRYs in a
 * row without progress.
 */
tdx_status tdx_tdvmcall_map_gpa(tdx_guest *g, uint64_t gpa, uint64_t size, uint64_t *done_until)
{
	uint64_t start = gpa, end = gpa + size;
	int stuck = 0, rc = TDX_OK;

	CHECK_GUEST(g);
	if (done_until)
		*done_until = gpa;
	if ((gpa | size) & 4095 || !size)
		return tdx__fail(TDX_E_INVALID, "gpa 0x%llx and size 0x%llx must be non-zero multiples "
				 "of 4 KiB (MapGPA rule)", (unsigned long long)gpa,
				 (unsigned long long)size);
	if (end < gpa)
		return tdx__fail(TDX_E_INVALID, "gpa + size overflows");
	while (start < end) {
		tdx_regs r = REGS(.r11 = VMCALL_MAP_GPA, .r12 = start, .r13 = end - start);

		rc = vmcall(g, __func__, "MapGPA", EXPOSE_STANDARD, &r);
		if (rc == TDX_OK) {
			start = end;
			break;
		}
		if (rc != TDX_E_RETRY || r.r10 != VMCALL_STATUS_RETRY)
			break;
		if (r.r11 < start || r.r11 >= end) {
			rc = tdx__error_set(TDX_E_VMCALL, TDX_LAYER_VMCALL, r.r10, 0, __func__,
					    "MapGPA: the host asked to resume at 0x%llx, outside "
					    "[0x%llx, 0x%llx); converted up to 0x%llx",
					    (unsigned long long)r.r11, (unsigned long long)start,
					    (unsigned long long)end, (unsigned long long)start);
			break;
		}
		if (r.r11 == start && ++stuck >= 3) {
			rc = tdx__error_set(TDX_E_RETRY, TDX_LAYER_VMCALL, r.r10, 0, __func__,
					    "MapGPA: the host made no progress at 0x%llx, 3 RETRYs "
					    "in a row; converted [0x%llx, 0x%llx) of [0x%llx, 0x%llx)",
					    (unsigned long long)start, (unsigned long long)gpa,
					    (unsigned long long)start, (unsigned long long)gpa,
					    (unsigned long long)end);
			break;
		}
		if (r.r11 > start)
			stuck = 0;
		start = r.r11;
	}
	if (done_until)
		*done_until = start;
	return start == end ? TDX_OK : rc;
}

tdx_status tdx_tdvmcall_get_quote(tdx_guest *g, uint64_t shared_gpa, uint64_t size)
{
	tdx_regs r = REGS(.r11 = VMCALL_GET_QUOTE, .r12 = shared_gpa, .r13 = size);

	CHECK_GUEST(g);
	if ((shared_gpa | size) & 4095 || !size)
		return tdx__fail(TDX_E_INVALID, "shared_gpa 0x%llx and size 0x%llx must be non-zero "
				 "multiples of 4 KiB (GetQuote rule)", (unsigned long long)shared_gpa,
				 (unsigned long long)size);
	return vmcall(g, __func__, "GetQuote", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_report_fatal_error(tdx_guest *g, uint32_t error_code, const char *message,
					   uint64_t message_gpa)
{
	tdx_regs r = REGS(.r11 = VMCALL_REPORT_FATAL_ERROR, .r12 = error_code, .r13 = message_gpa);
	uint64_t *slots[] = { &r.r14, &r.r15, &r.rbx, &r.rdi, &r.rsi, &r.r8, &r.r9, &r.rdx };
	uint64_t expose = EXPOSE_STANDARD;
	char msg[64] = { 0 };

	CHECK_GUEST(g);
	if (message_gpa) {
		CHECK_ALIGNED(message_gpa, 4096, "message_gpa", "ReportFatalError");
		r.r12 |= 1ULL << 63; /* R13 holds a GPA */
	}
	if (message) {
		size_t n = __builtin_strlen(message);

		if (n > sizeof(msg))
			return tdx__fail(TDX_E_INVALID, "message is %zu bytes; at most 64 travel in "
					 "registers (put longer text in the page at message_gpa)", n);
		__builtin_memcpy(msg, message, n);
		/* 8 bytes per register, little-endian, in the GHCI's order. */
		for (size_t i = 0; i < 8; i++)
			__builtin_memcpy(slots[i], msg + 8 * i, 8);
		expose = EXPOSE_FATAL_MESSAGE;
	}
	return vmcall(g, __func__, "ReportFatalError", expose, &r);
}

tdx_status tdx_tdvmcall_setup_event_notify_interrupt(tdx_guest *g, unsigned vector)
{
	tdx_regs r = REGS(.r11 = VMCALL_SETUP_EVENT_NOTIFY, .r12 = vector);

	CHECK_GUEST(g);
	if (vector < 32 || vector > 255)
		return tdx__fail(TDX_E_INVALID, "vector %u is out of range: use 32..255", vector);
	return vmcall(g, __func__, "SetupEventNotifyInterrupt", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_service(tdx_guest *g, uint64_t command_gpa, uint64_t response_gpa,
				unsigned vector, uint64_t timeout)
{
	tdx_regs r = REGS(.r11 = VMCALL_SERVICE, .r12 = command_gpa, .r13 = response_gpa, .r14 = vector,
		       .r15 = timeout);

	CHECK_GUEST(g);
	CHECK_ALIGNED(command_gpa, 4096, "command_gpa", "Service");
	CHECK_ALIGNED(response_gpa, 4096, "response_gpa", "Service");
	if (vector > 255 || (vector >= 1 && vector <= 31))
		return tdx__fail(TDX_E_INVALID, "vector %u: use 0 (blocking) or 32..255", vector);
	return vmcall(g, __func__, "Service", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_cpuid(tdx_guest *g, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	tdx_regs r = REGS(.r11 = VMCALL_CPUID, .r12 = leaf, .r13 = subleaf);
	int rc;

	CHECK_GUEST(g);
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass 4 words for EAX, EBX, ECX, EDX");
	rc = vmcall(g, __func__, "Instruction.CPUID", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	out[0] = (uint32_t)r.r12;
	out[1] = (uint32_t)r.r13;
	out[2] = (uint32_t)r.r14;
	out[3] = (uint32_t)r.r15;
	return TDX_OK;
}

tdx_status tdx_tdvmcall_hlt(tdx_guest *g, int interrupts_blocked)
{
	tdx_regs r = REGS(.r11 = VMCALL_HLT, .r12 = interrupts_blocked ? 1 : 0);

	CHECK_GUEST(g);
	return vmcall(g, __func__, "Instruction.HLT", EXPOSE_STANDARD, &r);
}

static int check_io_size(unsigned size)
{
	if (size != 1 && size != 2 && size != 4)
		return tdx__fail(TDX_E_INVALID, "I/O size %u is not 1, 2 or 4", size);
	return TDX_OK;
}

tdx_status tdx_tdvmcall_io_read(tdx_guest *g, uint16_t port, unsigned size, uint32_t *value)
{
	tdx_regs r = REGS(.r11 = VMCALL_IO, .r12 = size, .r13 = 0, .r14 = port);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the value read");
	rc = check_io_size(size);
	if (rc)
		return rc;
	rc = vmcall(g, __func__, "Instruction.IO", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	*value = (uint32_t)(r.r11 & (size == 4 ? 0xFFFFFFFFULL : (1ULL << (8 * size)) - 1));
	return TDX_OK;
}

tdx_status tdx_tdvmcall_io_write(tdx_guest *g, uint16_t port, unsigned size, uint32_t value)
{
	tdx_regs r = REGS(.r11 = VMCALL_IO, .r12 = size, .r13 = 1, .r14 = port, .r15 = value);
	int rc;

	CHECK_GUEST(g);
	rc = check_io_size(size);
	if (rc)
		return rc;
	return vmcall(g, __func__, "Instruction.IO", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_rdmsr(tdx_guest *g, uint32_t msr, uint64_t *value)
{
	tdx_regs r = REGS(.r11 = VMCALL_RDMSR, .r12 = msr);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the MSR");
	rc = vmcall(g, __func__, "Instruction.RDMSR", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	*value = r.r11;
	return TDX_OK;
}

tdx_status tdx_tdvmcall_wrmsr(tdx_guest *g, uint32_t msr, uint64_t value)
{
	tdx_regs r = REGS(.r11 = VMCALL_WRMSR, .r12 = msr, .r13 = value);

	CHECK_GUEST(g);
	return vmcall(g, __func__, "Instruction.WRMSR", EXPOSE_STANDARD, &r);
}

static int check_mmio_size(unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return tdx__fail(TDX_E_INVALID, "MMIO size %u is not 1, 2, 4 or 8", size);
	return TDX_OK;
}

tdx_status tdx_tdvmcall_mmio_read(tdx_guest *g, uint64_t gpa, unsigned size, uint64_t *value)
{
	tdx_regs r = REGS(.r11 = VMCALL_MMIO, .r12 = size, .r13 = 0, .r14 = gpa);
	int rc;

	CHECK_GUEST(g);
	if (!value)
		return tdx__fail(TDX_E_INVALID, "value is NULL; pass where to store the value read");
	rc = check_mmio_size(size);
	if (rc)
		return rc;
	rc = vmcall(g, __func__, "#VE.RequestMMIO", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	*value = size == 8 ? r.r11 : r.r11 & ((1ULL << (8 * size)) - 1);
	return TDX_OK;
}

tdx_status tdx_tdvmcall_mmio_write(tdx_guest *g, uint64_t gpa, unsigned size, uint64_t value)
{
	tdx_regs r = REGS(.r11 = VMCALL_MMIO, .r12 = size, .r13 = 1, .r14 = gpa, .r15 = value);
	int rc;

	CHECK_GUEST(g);
	rc = check_mmio_size(size);
	if (rc)
		return rc;
	return vmcall(g, __func__, "#VE.RequestMMIO", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_wbinvd(tdx_guest *g, int noinvd)
{
	tdx_regs r = REGS(.r11 = VMCALL_WBINVD, .r12 = noinvd ? 1 : 0);

	CHECK_GUEST(g);
	return vmcall(g, __func__, "Instruction.WBINVD", EXPOSE_STANDARD, &r);
}

tdx_status tdx_tdvmcall_pconfig(tdx_guest *g, uint64_t leaf, uint64_t r13, uint64_t r14,
				uint64_t r15, uint64_t out[5])
{
	tdx_regs r = REGS(.r11 = VMCALL_PCONFIG, .r12 = leaf, .r13 = r13, .r14 = r14, .r15 = r15);
	int rc;

	CHECK_GUEST(g);
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass 5 qwords for R11..R15");
	rc = vmcall(g, __func__, "Instruction.PCONFIG", EXPOSE_STANDARD, &r);
	if (rc)
		return rc;
	out[0] = r.r11;
	out[1] = r.r12;
	out[2] = r.r13;
	out[3] = r.r14;
	out[4] = r.r15;
	return TDX_OK;
}
