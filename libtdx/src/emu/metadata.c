/* SPDX-License-Identifier: MIT */
/*
 * The emulated TDX module's metadata: field tables for the TD, vCPU and
 * global scopes with their guest and service-TD masks, and the read,
 * write, "next field" and list-dump rules of TDG.VM/VP/SYS/SERVTD.RD/WR
 * and TDG.SYS.RDALL (guest.md §7.1-7.4, from the TDX 1.5.01 module's
 * metadata tables and handlers).  Only the fields listed in
 * docs/emulator.md are modelled; any other id is FIELD_ID_INCORRECT.
 */
#include <string.h>

#include "emu_internal.h"

/* FIELD_IDENTIFIER components (guest.md §7.1). */
#define FID_CODE(id) ((uint32_t)((id) & 0xFFFFFF))
#define FID_SIZE(id) ((unsigned)(((id) >> 32) & 3))
#define FID_CLASS(id) ((unsigned)(((id) >> 56) & 0x3F))
#define FID_CONTEXT_SHIFT 52
#define FID_LAST_ELEM_SHIFT 34
#define FID_LAST_FIELD_SHIFT 38
/* Reserved 31:24, 49:47, 55, 62 and the sequence-only LAST_* fields. */
#define FID_SINGLE_MBZ 0x4083FFFCFF000000ULL
#define FID_NULL(id) (((id) | 0x0070000000000000ULL) == 0xFFFFFFFFFFFFFFFFULL)

enum scope { SCOPE_SYS = 0, SCOPE_TD = 1, SCOPE_VP = 2 };

/* What the value of a field element is; see get()/set(). */
enum key {
	K_TD_UUID, K_NUM_VCPUS, K_NUM_L2_VMS, K_ATTRIBUTES, K_XFAM, K_MAX_VCPUS, K_GPAW, K_EPTP,
	K_TSC_FREQUENCY, K_NOTIFY_ENABLES, K_CONFIG_FLAGS, K_TD_CTLS, K_MRTD, K_MRCONFIGID,
	K_MROWNER, K_MROWNERCONFIG, K_RTMR, K_MIG_DEC_KEY, K_MIG_VERSION, K_PRE_IMPORT_UUID,
	K_SERVTD_HASH, K_SERVTD_NUM, K_SERVTD_BINDINGS,
	K_VCPU_INDEX, K_CPUID_SUPERVISOR_VE, K_CPUID_USER_VE, K_L2_CTLS, K_L2_TSC_DEADLINE,
	K_CPUID_CONTROL, K_L2_GUEST_RIP, K_L2_VAPIC,
	K_VENDOR_ID, K_MINOR_VERSION, K_MAJOR_VERSION, K_SYS_ATTRIBUTES, K_NUM_TDX_FEATURES,
	K_TDX_FEATURES0, K_MIG_ATTRIBUTES, K_MIN_EXPORT_VERSION, K_MAX_EXPORT_VERSION,
	K_MIN_IMPORT_VERSION, K_MAX_IMPORT_VERSION, K_GUEST_L2_GPA_ATTR_MASK, K_HOST_ONLY,
};

#define ALL ~0ULL
typedef struct md_field {
	uint64_t id;          /* the module's canonical id of element 0 of field 0 */
	unsigned elems;       /* elements per field */
	unsigned fields;      /* fields in this entry (RTMR: 4) */
	uint64_t rd, wr;      /* the TD's own read and write masks */
	uint64_t srv_rd, srv_wr; /* a service TD's masks on its target (TD scope) */
	enum key key;
	unsigned l2_vm;       /* > 0: exists only when the TD has this many L2 VMs */
} md_field;

/* TD scope (tdr_tdcs_fields_lookup), sorted by class then field code. */
static const md_field td_fields[] = {
	{ 0x8010000300000020ULL, 4, 1, ALL, 0, ALL, 0, K_TD_UUID, 0 },
	{ 0x9010000200000001ULL, 1, 1, ALL, 0, 0, 0, K_NUM_VCPUS, 0 },
	{ 0x9010000100000005ULL, 1, 1, ALL, 0, ALL, 0, K_NUM_L2_VMS, 0 },
	{ 0x1110000300000000ULL, 1, 1, ALL, 0, ALL, 0, K_ATTRIBUTES, 0 },
	{ 0x1110000300000001ULL, 1, 1, ALL, 0, ALL, 0, K_XFAM, 0 },
	{ 0x1110000200000002ULL, 1, 1, ALL, 0, 0, 0, K_MAX_VCPUS, 0 },
	{ 0x1110000000000003ULL, 1, 1, ALL, 0, ALL, 0, K_GPAW, 0 },
	{ 0x1110000300000004ULL, 1, 1, 0, 0, 0xFFF0000000000FFFULL, 0, K_EPTP, 0 },
	{ 0x111000010000000CULL, 1, 1, ALL, 0, 0, 0, K_TSC_FREQUENCY, 0 },
	{ 0x9110000300000010ULL, 1, 1, 0x1, 0x1, 0, 0, K_NOTIFY_ENABLES, 0 },
	{ 0x1110000300000016ULL, 1, 1, ALL, 0, ALL, 0, K_CONFIG_FLAGS, 0 },
	{ 0x1110000300000017ULL, 1, 1, ALL, 0x1, 0, 0, K_TD_CTLS, 0 },
	{ 0x1310000300000000ULL, 6, 1, ALL, 0, 0, 0, K_MRTD, 0 },
	{ 0x1310000300000010ULL, 6, 1, ALL, 0, 0, 0, K_MRCONFIGID, 0 },
	{ 0x1310000300000018ULL, 6, 1, ALL, 0, 0, 0, K_MROWNER, 0 },
	{ 0x1310000300000020ULL, 6, 1, ALL, 0, 0, 0, K_MROWNERCONFIG, 0 },
	{ 0x1310000300000040ULL, 6, 4, ALL, 0, 0, 0, K_RTMR, 0 },
	{ 0x9810000300000010ULL, 4, 1, 0, 0, ALL, ALL, K_MIG_DEC_KEY, 0 },
	{ 0x9810000100000020ULL, 1, 1, 0, 0, ALL, 0xFFFF, K_MIG_VERSION, 0 },
	{ 0x9810000300000040ULL, 4, 1, ALL, 0, ALL, 0, K_PRE_IMPORT_UUID, 0 },
	{ 0x9910000300000000ULL, 6, 1, ALL, 0, ALL, 0, K_SERVTD_HASH, 0 },
	{ 0x9910000100000006ULL, 1, 1, ALL, 0, ALL, 0, K_SERVTD_NUM, 0 },
	{ 0x9910000300000080ULL, 16, 1, ALL, 0, 0, 0, K_SERVTD_BINDINGS, 0 },
};

/* vCPU scope (tdvps_fields_lookup): the TDVPS classes and the L2 VMCS
 * fields libtdx models (Guest RIP 0x681E, Virtual-APIC address 0x2012). */
#define L2_VMCS(vm, size, enc) \
	((((uint64_t)(36 + 8 * ((vm) - 1))) << 56) | (2ULL << 52) | (1ULL << 50) | \
	 ((uint64_t)(size) << 32) | (enc))
static const md_field vp_fields[] = {
	{ 0xA020000200000002ULL, 1, 1, ALL, 0, 0, 0, K_VCPU_INDEX, 0 },
	{ 0xA020000000000007ULL, 1, 1, ALL, 0xFF, 0, 0, K_CPUID_SUPERVISOR_VE, 0 },
	{ 0xA020000000000008ULL, 1, 1, ALL, 0xFF, 0, 0, K_CPUID_USER_VE, 0 },
	{ 0xA020000300000051ULL, 1, 1, ALL, 0x7, 0, 0, K_L2_CTLS, 1 },
	{ 0xA020000300000052ULL, 1, 1, ALL, 0x7, 0, 0, K_L2_CTLS, 2 },
	{ 0xA020000300000053ULL, 1, 1, ALL, 0x7, 0, 0, K_L2_CTLS, 3 },
	{ 0xA020000300000059ULL, 1, 1, ALL, ALL, 0, 0, K_L2_TSC_DEADLINE, 1 },
	{ 0xA02000030000005AULL, 1, 1, ALL, ALL, 0, 0, K_L2_TSC_DEADLINE, 2 },
	{ 0xA02000030000005BULL, 1, 1, ALL, ALL, 0, 0, K_L2_TSC_DEADLINE, 3 },
	{ 0xA120000000000000ULL, 128, 1, ALL, 0x3, 0, 0, K_CPUID_CONTROL, 0 },
	{ L2_VMCS(1, 3, 0x2012), 1, 1, ALL, 0xFFFFFFFFFFFFF000ULL, 0, 0, K_L2_VAPIC, 1 },
	{ L2_VMCS(1, 3, 0x681E), 1, 1, ALL, ALL, 0, 0, K_L2_GUEST_RIP, 1 },
	{ L2_VMCS(2, 3, 0x2012), 1, 1, ALL, 0xFFFFFFFFFFFFF000ULL, 0, 0, K_L2_VAPIC, 2 },
	{ L2_VMCS(2, 3, 0x681E), 1, 1, ALL, ALL, 0, 0, K_L2_GUEST_RIP, 2 },
	{ L2_VMCS(3, 3, 0x2012), 1, 1, ALL, 0xFFFFFFFFFFFFF000ULL, 0, 0, K_L2_VAPIC, 3 },
	{ L2_VMCS(3, 3, 0x681E), 1, 1, ALL, ALL, 0, 0, K_L2_GUEST_RIP, 3 },
};

/* Global scope (global_sys_fields_lookup): the guest-readable fields, and
 * host-only ones a TD gets FIELD_NOT_READABLE for. */
static const md_field sys_fields[] = {
	{ 0x0800000200000000ULL, 1, 1, ALL, 0, 0, 0, K_VENDOR_ID, 0 },
	{ 0x8800000200000001ULL, 1, 1, 0, 0, 0, 0, K_HOST_ONLY, 0 }, /* BUILD_DATE */
	{ 0x8800000100000002ULL, 1, 1, 0, 0, 0, 0, K_HOST_ONLY, 0 }, /* BUILD_NUM */
	{ 0x0800000100000003ULL, 1, 1, ALL, 0, 0, 0, K_MINOR_VERSION, 0 },
	{ 0x0800000100000004ULL, 1, 1, ALL, 0, 0, 0, K_MAJOR_VERSION, 0 },
	{ 0x0800000100000005ULL, 1, 1, 0, 0, 0, 0, K_HOST_ONLY, 0 }, /* UPDATE_VERSION */
	{ 0x0A00000200000000ULL, 1, 1, ALL, 0, 0, 0, K_SYS_ATTRIBUTES, 0 },
	{ 0x0A00000000000001ULL, 1, 1, ALL, 0, 0, 0, K_NUM_TDX_FEATURES, 0 },
	{ 0x0A00000300000008ULL, 1, 1, ALL, 0, 0, 0, K_TDX_FEATURES0, 0 },
	{ 0x9000000100000000ULL, 1, 1, 0, 0, 0, 0, K_HOST_ONLY, 0 }, /* NUM_CMRS */
	{ 0xA000000300000000ULL, 1, 1, ALL, 0, 0, 0, K_MIG_ATTRIBUTES, 0 },
	{ 0x2000000100000001ULL, 1, 1, ALL, 0, 0, 0, K_MIN_EXPORT_VERSION, 0 },
	{ 0x2000000100000002ULL, 1, 1, ALL, 0, 0, 0, K_MAX_EXPORT_VERSION, 0 },
	{ 0x2000000100000003ULL, 1, 1, ALL, 0, 0, 0, K_MIN_IMPORT_VERSION, 0 },
	{ 0x2000000100000004ULL, 1, 1, ALL, 0, 0, 0, K_MAX_IMPORT_VERSION, 0 },
	{ 0xA200000100000000ULL, 1, 1, ALL, 0, 0, 0, K_GUEST_L2_GPA_ATTR_MASK, 0 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct {
	const md_field *f;
	size_t n;
} tables[] = {
	[SCOPE_SYS] = { sys_fields, N(sys_fields) },
	[SCOPE_TD] = { td_fields, N(td_fields) },
	[SCOPE_VP] = { vp_fields, N(vp_fields) },
};

/* The migration-version range the emulated module supports. */
#define EMU_MIG_VERSION_MIN 1
#define EMU_MIG_VERSION_MAX 2

static uint64_t size_mask(const md_field *f)
{
	unsigned bits = 8u << FID_SIZE(f->id);

	return bits == 64 ? ALL : (1ULL << bits) - 1;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* One element's value; `target`: the service TD's bound target TD. */
static uint64_t get(struct tdx_emu *e, const md_field *f, unsigned field, unsigned elem,
		    int target)
{
	const tdx_emu_config *c = &e->cfg;

	switch (f->key) {
	case K_TD_UUID: return target ? e->td.target_uuid[elem] : le64(e->td.seed + 8 * elem);
	case K_NUM_VCPUS:
	case K_MAX_VCPUS: return c->num_vcpus;
	case K_NUM_L2_VMS: return target ? 0 : c->num_l2_vms;
	case K_ATTRIBUTES: return target ? 0x10000000ULL : c->attributes;
	case K_XFAM: return target ? 0x602e7ULL : c->xfam;
	case K_GPAW: return target ? 0 : c->gpaw == 52;
	case K_EPTP: return 0x0000000123456000ULL | 0x5E; /* 4-level, WB, A/D */
	case K_TSC_FREQUENCY: return 100; /* units of 25 MHz: 2.5 GHz */
	case K_NOTIFY_ENABLES: return e->td.notify_enables;
	case K_CONFIG_FLAGS: return target ? 0 : e->config_flags;
	case K_TD_CTLS: return e->td.td_ctls;
	case K_MRTD: return le64(c->mrtd + 8 * elem);
	case K_MRCONFIGID: return le64(c->mrconfigid + 8 * elem);
	case K_MROWNER: return le64(c->mrowner + 8 * elem);
	case K_MROWNERCONFIG: return le64(c->mrownerconfig + 8 * elem);
	case K_RTMR: return le64(e->td.rtmr[field] + 8 * elem);
	case K_MIG_DEC_KEY: return e->td.target_mig_dec_key[elem];
	case K_MIG_VERSION: return e->td.target_mig_version;
	case K_PRE_IMPORT_UUID: return target ? e->td.target_pre_import_uuid[elem] : 0;
	case K_SERVTD_HASH:
	case K_SERVTD_NUM:
	case K_SERVTD_BINDINGS: return 0; /* no service TDs are bound to this TD */
	case K_VCPU_INDEX: return c->vcpu_index;
	case K_CPUID_SUPERVISOR_VE: return e->td.cpuid_supervisor_ve;
	case K_CPUID_USER_VE: return e->td.cpuid_user_ve;
	case K_L2_CTLS: return e->td.l2_ctls[f->l2_vm];
	case K_L2_TSC_DEADLINE: return e->td.l2_tsc_deadline[f->l2_vm];
	case K_CPUID_CONTROL: return e->td.cpuid_control[elem];
	case K_L2_GUEST_RIP: return e->td.l2_guest_rip[f->l2_vm];
	case K_L2_VAPIC: return e->td.l2_vapic_gpa[f->l2_vm];
	case K_VENDOR_ID: return 0x8086;
	case K_MINOR_VERSION: return c->module_version % 10;
	case K_MAJOR_VERSION: return c->module_version / 10;
	case K_NUM_TDX_FEATURES: return 1;
	case K_MIN_EXPORT_VERSION:
	case K_MIN_IMPORT_VERSION: return EMU_MIG_VERSION_MIN;
	case K_MAX_EXPORT_VERSION:
	case K_MAX_IMPORT_VERSION: return EMU_MIG_VERSION_MAX;
	case K_GUEST_L2_GPA_ATTR_MASK: return 0xFF;
	default: return 0;
	}
}

/* Store a checked new value; a field-specific rule may refuse it. */
static uint64_t set(struct tdx_emu *e, const md_field *f, unsigned elem, uint64_t old,
		    uint64_t v)
{
	switch (f->key) {
	case K_NOTIFY_ENABLES: e->td.notify_enables = v; break;
	case K_TD_CTLS:
		/* PENDING_VE_DISABLE may change only with CONFIG_FLAGS.FLEXIBLE_PENDING_VE. */
		if (((old ^ v) & 1) && !(e->config_flags & 2))
			return TDX_METADATA_FIELD_VALUE_NOT_VALID;
		e->td.td_ctls = v;
		break;
	case K_MIG_DEC_KEY: e->td.target_mig_dec_key[elem] = v; break;
	case K_MIG_VERSION:
		if (v < EMU_MIG_VERSION_MIN || v > EMU_MIG_VERSION_MAX)
			return TDX_METADATA_FIELD_VALUE_NOT_VALID;
		e->td.target_mig_version = (uint16_t)v;
		break;
	case K_CPUID_SUPERVISOR_VE: e->td.cpuid_supervisor_ve = (uint8_t)v; break;
	case K_CPUID_USER_VE: e->td.cpuid_user_ve = (uint8_t)v; break;
	case K_L2_CTLS: e->td.l2_ctls[f->l2_vm] = v; break;
	case K_L2_TSC_DEADLINE: e->td.l2_tsc_deadline[f->l2_vm] = v; break;
	case K_CPUID_CONTROL: e->td.cpuid_control[elem] = (uint8_t)v; break;
	case K_L2_GUEST_RIP: e->td.l2_guest_rip[f->l2_vm] = v; break;
	case K_L2_VAPIC: e->td.l2_vapic_gpa[f->l2_vm] = v; break;
	default: return TDX_METADATA_FIELD_NOT_WRITABLE;
	}
	return TDX_SUCCESS;
}

static int present(const struct tdx_emu *e, const md_field *f)
{
	return f->l2_vm <= e->cfg.num_l2_vms;
}

static uint64_t rd_mask(const md_field *f, int srv)
{
	return (srv ? f->srv_rd : f->rd) & size_mask(f);
}

/* Element k of entry f: its id, with the table's size and context codes. */
static uint64_t element_id(const md_field *f, enum scope s, unsigned k)
{
	return (f->id & ~(0xFFFFFFULL | (7ULL << FID_CONTEXT_SHIFT))) |
	       ((uint64_t)s << FID_CONTEXT_SHIFT) | (FID_CODE(f->id) + k);
}

/* Find the entry and element index k an id names (context and size ignored). */
static const md_field *lookup(const struct tdx_emu *e, enum scope s, uint64_t id, unsigned *k)
{
	for (size_t i = 0; i < tables[s].n; i++) {
		const md_field *f = &tables[s].f[i];
		uint32_t base = FID_CODE(f->id), code = FID_CODE(id);

		if (FID_CLASS(f->id) == FID_CLASS(id) && code >= base &&
		    code < base + f->elems * f->fields && present(e, f)) {
			*k = code - base;
			return f;
		}
	}
	return NULL;
}

/* The first readable element after (f, k), or at/after it when `at`. */
static uint64_t next_readable(const struct tdx_emu *e, enum scope s, const md_field *f,
			      unsigned k, int at, int srv)
{
	size_t i = f ? (size_t)(f - tables[s].f) : 0;

	if (f && !at)
		k++;
	for (; i < tables[s].n; i++, k = 0) {
		const md_field *t = &tables[s].f[i];

		if (present(e, t) && rd_mask(t, srv) && k < t->elems * t->fields)
			return element_id(t, s, k);
	}
	return TDX_MD_FIELD_NULL;
}

/*
 * Read one element: the shared core of VM.RD, VP.RD, SYS.RD and SERVTD.RD.
 * Null ids return the first readable id with a warning (unless null_ok is 0).
 */
static uint64_t md_read(struct tdx_emu *e, enum scope s, tdx_regs *r, int null_ok, int srv)
{
	const md_field *f;
	unsigned k;

	r->r8 = 0;
	if (null_ok && FID_NULL(r->rdx)) {
		r->rdx = next_readable(e, s, NULL, 0, 1, srv);
		return TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT;
	}
	if ((r->rdx & FID_SINGLE_MBZ) || !(f = lookup(e, s, r->rdx, &k))) {
		r->rdx = TDX_MD_FIELD_NULL;
		return TDX_METADATA_FIELD_ID_INCORRECT;
	}
	if (!rd_mask(f, srv)) {
		r->rdx = TDX_MD_FIELD_NULL;
		return TDX_METADATA_FIELD_NOT_READABLE;
	}
	r->r8 = get(e, f, k / f->elems, k % f->elems, srv) & rd_mask(f, srv);
	r->rdx = next_readable(e, s, f, k, 0, srv);
	return TDX_SUCCESS;
}

/* Write one element (guest.md §7.2, "Write"): the shared core of *.WR. */
static uint64_t md_write(struct tdx_emu *e, enum scope s, tdx_regs *r, int srv)
{
	const md_field *f;
	uint64_t w, m = r->r9, old, new, status;
	unsigned k;

	if ((r->rdx & FID_SINGLE_MBZ) || !(f = lookup(e, s, r->rdx, &k))) {
		r->r8 = 0;
		return TDX_METADATA_FIELD_ID_INCORRECT;
	}
	w = (srv ? f->srv_wr : f->wr) & size_mask(f);
	old = get(e, f, k / f->elems, k % f->elems, srv);
	if (!(w & m)) {
		r->r8 = 0;
		return TDX_METADATA_FIELD_NOT_WRITABLE;
	}
	/* Bits in the mask but not writable must keep their current value. */
	if ((r->r8 ^ old) & m & ~w & size_mask(f)) {
		r->r8 = 0;
		return TDX_METADATA_FIELD_VALUE_NOT_VALID;
	}
	new = (old & ~(w & m)) | (r->r8 & w & m);
	status = set(e, f, k % f->elems, old, new);
	r->r8 = status == TDX_SUCCESS ? old & rd_mask(f, srv) : 0;
	return status;
}

uint64_t tdx__md_vm_rd(struct tdx_emu *e, tdx_regs *r, int version)
{
	uint64_t rdx = r->rdx, status;

	if (r->rcx)
		return TDX_OPERAND_INVALID | OP_RCX;
	status = md_read(e, SCOPE_TD, r, version == 1, 0);
	if (version == 0)
		r->rdx = rdx; /* version 0 does not report the next field */
	return status;
}

uint64_t tdx__md_vm_wr(struct tdx_emu *e, tdx_regs *r)
{
	if (r->rcx)
		return TDX_OPERAND_INVALID | OP_RCX;
	return md_write(e, SCOPE_TD, r, 0);
}

uint64_t tdx__md_vp_rd(struct tdx_emu *e, tdx_regs *r)
{
	if (r->rcx)
		return TDX_OPERAND_INVALID | OP_RCX;
	return md_read(e, SCOPE_VP, r, 1, 0);
}

uint64_t tdx__md_vp_wr(struct tdx_emu *e, tdx_regs *r)
{
	if (r->rcx)
		return TDX_OPERAND_INVALID | OP_RCX;
	return md_write(e, SCOPE_VP, r, 0);
}

uint64_t tdx__md_sys_rd(struct tdx_emu *e, tdx_regs *r)
{
	return md_read(e, SCOPE_SYS, r, 1, 0);
}

/*
 * TDG.SYS.RDALL: the list page (guest.md §7.4) is an 8-byte header
 * {u16 bytes used, u16 sequences, u32 0} then sequences: a header id
 * (LAST_ELEMENT, LAST_FIELD set) and 8 bytes per element.  A sequence
 * groups consecutive readable fields of one class, contiguous codes,
 * same element count and size.
 */
uint64_t tdx__md_sys_rdall(struct tdx_emu *e, tdx_regs *r)
{
	const md_field *f = NULL;
	uint8_t *page;
	size_t used = 8, seq_off = 0;
	unsigned sequences = 0, seq_fields = 0, k = 0;
	uint64_t seq_id = 0;
	uint32_t next_code = 0;

	if (r->rdx & (EMU_PAGE - 1) || (r->rdx & emu_shared_bit(e)))
		return TDX_OPERAND_INVALID | OP_RDX;
	page = tdx__emu_mem(e, r->rdx, EMU_PAGE);
	if (!page || *tdx__emu_page_state(e, r->rdx) != PAGE_ACCEPTED)
		return TDX_OPERAND_INVALID | OP_RDX;
	if (!FID_NULL(r->r8)) {
		/* The start must be the first element of a field, with its size code. */
		f = lookup(e, SCOPE_SYS, r->r8, &k);
		if (!f || k % f->elems || FID_SIZE(r->r8) != FID_SIZE(f->id) ||
		    (r->r8 & FID_SINGLE_MBZ)) {
			r->r8 = TDX_MD_FIELD_NULL;
			return TDX_METADATA_FIELD_ID_INCORRECT;
		}
	}
	memset(page, 0, EMU_PAGE);
	for (size_t i = f ? (size_t)(f - sys_fields) : 0; i < N(sys_fields); i++, k = 0) {
		const md_field *t = &sys_fields[i];

		for (unsigned field = k / t->elems; field < t->fields; field++) {
			uint32_t code = FID_CODE(t->id) + field * t->elems;
			int extend = seq_fields && FID_CLASS(t->id) == FID_CLASS(seq_id) &&
				     code == next_code && t->elems == ((seq_id >> FID_LAST_ELEM_SHIFT) & 15) + 1 &&
				     FID_SIZE(t->id) == FID_SIZE(seq_id);
			size_t need = (extend ? 0 : 8) + 8 * t->elems;

			if (!rd_mask(t, 0))
				continue;
			if (used + need > EMU_PAGE) {
				r->r8 = element_id(t, SCOPE_SYS, field * t->elems);
				goto overflow;
			}
			if (!extend) {
				seq_off = used;
				seq_id = element_id(t, SCOPE_SYS, field * t->elems) |
					 ((uint64_t)(t->elems - 1) << FID_LAST_ELEM_SHIFT);
				seq_fields = 0;
				sequences++;
				used += 8;
			}
			for (unsigned el = 0; el < t->elems; el++, used += 8) {
				uint64_t v = get(e, t, field, el, 0) & rd_mask(t, 0);

				memcpy(page + used, &v, 8);
			}
			seq_fields++;
			next_code = code + t->elems;
			{
				uint64_t hdr = seq_id |
					       ((uint64_t)(seq_fields - 1) << FID_LAST_FIELD_SHIFT);

				memcpy(page + seq_off, &hdr, 8);
			}
		}
	}
	r->r8 = TDX_MD_FIELD_NULL;
	page[0] = (uint8_t)used;
	page[1] = (uint8_t)(used >> 8);
	page[2] = (uint8_t)sequences;
	page[3] = (uint8_t)(sequences >> 8);
	return TDX_SUCCESS;
overflow:
	page[0] = (uint8_t)used;
	page[1] = (uint8_t)(used >> 8);
	page[2] = (uint8_t)sequences;
	page[3] = (uint8_t)(sequences >> 8);
	return TDX_METADATA_LIST_OVERFLOW;
}

/*
 * TDG.SERVTD.RD/WR on the bound target TD.  The binding handle's slot is
 * in bits 11:0 and 1.5.01 has one slot.  A binding failure is delivered
 * to the service TD as the status it sees when resumed (the module's
 * asynchronous CROSS_TD_TRAP exit is not modelled).
 */
uint64_t tdx__md_servtd(struct tdx_emu *e, tdx_regs *r, int write)
{
	uint64_t uuid[4] = { r->r10, r->r11, r->r12, r->r13 };
	unsigned slot = (unsigned)(r->rcx & 0xFFF);

	if (slot >= 1)
		return TDX_OPERAND_INVALID | OP_RCX;
	if (!e->cfg.servtd)
		return TDX_SERVTD_NOT_BOUND | slot;
	if (memcmp(uuid, e->td.target_uuid, sizeof(uuid))) {
		if (memcmp(uuid, e->td.target_pre_import_uuid, sizeof(uuid)))
			return TDX_TARGET_UUID_MISMATCH;
		r->r10 = e->td.target_uuid[0];
		r->r11 = e->td.target_uuid[1];
		r->r12 = e->td.target_uuid[2];
		r->r13 = e->td.target_uuid[3];
		return TDX_TARGET_UUID_UPDATED;
	}
	return write ? md_write(e, SCOPE_TD, r, 1) : md_read(e, SCOPE_TD, r, 1, 1);
}
