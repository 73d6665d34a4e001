/* SPDX-License-Identifier: MIT */
/*
 * The TD's CPUID, in the two lists KVM takes.  Input comes from callers
 * and the kernel, so it is checked (this file is fuzzed: fuzz/fuzz_cpuid.c).
 *
 * KVM_TDX_INIT_VM: setup_tdparams_cpuids() (Linux arch/x86/kvm/vmx/tdx.c)
 * walks the TDX module's configurable (function, index) slots, looks each
 * up in the VMM's list with kvm_find_cpuid_entry2() (an entry without
 * KVM_CPUID_FLAG_SIGNIFCANT_INDEX matches every index of its function) and
 * fails with -EINVAL unless every entry was taken exactly once (copy_cnt
 * == nent).  KVM_TDX_CAPABILITIES reports the slots with flags 0
 * (td_init_cpuid_entry2), so they say nothing about indexing.  Hence: one
 * entry per configurable slot the caller asked for, found by exact
 * (function, index) as QEMU's tdx_filter_cpuid() finds it, masked to the
 * configurable bits, and flagged SIGNIFCANT_INDEX whenever its function has
 * more than one slot (or the caller flagged it), so that KVM's lookup takes
 * it for its own slot only.  0x80000008 EAX[23:16] carries the GPAW
 * (setup_tdparams_eptp_controls() requires 48 or 52).
 *
 * KVM_SET_CPUID2: the vCPU's CPU model; see tdx__cpuid_vcpu_model.
 */
#include <stdlib.h>
#include <string.h>

#include "host_backend.h"

#define LEAF_MAX_EXT 0x80000000u
#define LEAF_ADDR_SIZES 0x80000008u
#define LEAF_KVM_FEATURES 0x40000001u
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
/*
 * The KVM paravirt features QEMU gives a TD (TDX_SUPPORTED_KVM_FEATURES in
 * QEMU target/i386/kvm/tdx.c): NOP_IO_DELAY 1, PV_UNHALT 7, PV_TLB_FLUSH 9,
 * PV_SEND_IPI 11, POLL_CONTROL 12, PV_SCHED_YIELD 13, MSI_EXT_DEST_ID 15.
 */
#define KVM_FEATURE_MSI_EXT_DEST_ID (1u << 15)
#define TDX_KVM_FEATURES ((1u << 1) | (1u << 7) | (1u << 9) | (1u << 11) | (1u << 12) | \
			  (1u << 13) | KVM_FEATURE_MSI_EXT_DEST_ID)

static const struct kvm_cpuid_entry2 *find_exact(const struct kvm_cpuid_entry2 *list, uint32_t n,
						 uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i].function == function && list[i].index == index)
			return &list[i];
	return NULL;
}

static int slots_of(const struct kvm_cpuid_entry2 *conf, uint32_t nconf, uint32_t function)
{
	int n = 0;

	for (uint32_t i = 0; i < nconf; i++)
		n += conf[i].function == function;
	return n;
}

int tdx__cpuid_filter(const struct kvm_cpuid_entry2 *configurable, uint32_t nconf,
		      const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
		      struct kvm_cpuid_entry2 *out, uint32_t *nout)
{
	uint32_t cap = *nout, n = 0;
	int have_addr = 0;

	if (gpaw != 48 && gpaw != 52)
		return tdx__fail(TDX_E_INVALID, "GPAW %u: TDs have a GPAW of 48 or 52", gpaw);
	if ((!configurable && nconf) || (!want && nwant) || (!out && cap))
		return tdx__fail(TDX_E_INVALID, "a CPUID list pointer is NULL with a non-zero count");
	for (uint32_t i = 0; i < nconf; i++) {
		const struct kvm_cpuid_entry2 *c = &configurable[i], *w;
		struct kvm_cpuid_entry2 e;
		int addr = c->function == LEAF_ADDR_SIZES && c->index == 0;

		if (find_exact(configurable, i, c->function, c->index))
			continue; /* a slot listed twice is one slot */
		w = find_exact(want, nwant, c->function, c->index);
		if (!w && !addr)
			continue; /* not asked for: the TDX module decides it */
		memset(&e, 0, sizeof(e));
		e.function = c->function;
		e.index = c->index;
		if (slots_of(configurable, nconf, c->function) > 1 ||
		    (w && (w->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			e.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		if (w) {
			e.eax = w->eax & c->eax;
			e.ebx = w->ebx & c->ebx;
			e.ecx = w->ecx & c->ecx;
			e.edx = w->edx & c->edx;
		}
		if (addr) {
			e.eax = (e.eax & ~0x00FF0000u) | (gpaw << 16);
			have_addr = 1;
		}
		if (n < cap)
			out[n] = e;
		n++;
	}
	if (!have_addr) {
		/* KVM needs the GPAW even from a module that lists no such slot. */
		if (n < cap) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].function = LEAF_ADDR_SIZES;
			out[n].eax = gpaw << 16;
		}
		n++;
	}
	if (n > cap) {
		*nout = n;
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the TD's CPUID needs %u entries", n);
	}
	*nout = n;
	return TDX_OK;
}

/* The model's entry for (function, 0), added (zeroed) if missing. */
static struct kvm_cpuid_entry2 *model_leaf(struct kvm_cpuid_entry2 *m, uint32_t *n, uint32_t function)
{
	for (uint32_t i = 0; i < *n; i++)
		if (m[i].function == function && m[i].index == 0)
			return &m[i];
	memset(&m[*n], 0, sizeof(m[*n]));
	m[*n].function = function;
	return &m[(*n)++];
}

int tdx__cpuid_vcpu_model(const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
			  struct kvm_cpuid_entry2 **out, uint32_t *nout)
{
	struct kvm_cpuid_entry2 *m, *e;
	uint32_t n = 0;

	*out = NULL;
	*nout = 0;
	if (gpaw != 48 && gpaw != 52)
		return tdx__fail(TDX_E_INVALID, "GPAW %u: TDs have a GPAW of 48 or 52", gpaw);
	if (!want && nwant)
		return tdx__fail(TDX_E_INVALID, "a CPUID list pointer is NULL with a non-zero count");
	m = calloc((size_t)nwant + 3, sizeof(*m)); /* + leaf 1, 0x80000000, 0x80000008 */
	if (!m)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < nwant; i++) {
		uint32_t fn = want[i].function;

		/* KVM reads leaves 1, 0x80000000 and 0x80000008 at index 0 with
		 * kvm_find_cpuid_entry(): no other index of them may be there. */
		if (want[i].index && (fn == 1 || fn == LEAF_MAX_EXT || fn == LEAF_ADDR_SIZES))
			continue;
		if (!find_exact(m, n, fn, want[i].index)) /* the first wins */
			m[n++] = want[i];
	}
	e = model_leaf(m, &n, 1);
	e->ecx |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;
	e = model_leaf(m, &n, LEAF_MAX_EXT);
	if (e->eax < LEAF_ADDR_SIZES)
		e->eax = LEAF_ADDR_SIZES;
	e = model_leaf(m, &n, LEAF_ADDR_SIZES);
	if ((e->eax & 0xFF) < gpaw)
		e->eax = (e->eax & ~0xFFu) | gpaw;
	e->eax = (e->eax & ~0x00FF0000u) | (gpaw << 16);
	/* With the split irqchip a TD has, QEMU adds MSI_EXT_DEST_ID to what KVM
	 * offers (target/i386/kvm/kvm.c kvm_arch_get_supported_cpuid). */
	for (uint32_t i = 0; i < n; i++)
		if (m[i].function == LEAF_KVM_FEATURES)
			m[i].eax = (m[i].eax | KVM_FEATURE_MSI_EXT_DEST_ID) & TDX_KVM_FEATURES;
	*out = m;
	*nout = n;
	return TDX_OK;
}
