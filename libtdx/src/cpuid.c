/* SPDX-License-Identifier: MIT */
/*
 * CPUID list handling for TD creation (host.md §1.5 INIT_VM, §2.4): KVM
 * accepts only entries that match a configurable leaf/subleaf reported by
 * KVM_TDX_CAPABILITIES, and requires 0x80000008 with the GPAW in
 * EAX[23:16].  Input comes from callers and the kernel, so it is checked
 * (this file is fuzzed: fuzz/fuzz_cpuid.c).
 */
#include <string.h>

#include "host_backend.h"

#define LEAF_ADDR_SIZES 0x80000008u

static int same_leaf(const struct kvm_cpuid_entry2 *a, const struct kvm_cpuid_entry2 *b)
{
	if (a->function != b->function)
		return 0;
	/* The subleaf matters only where the configurable entry says so. */
	return !(a->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || a->index == b->index;
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *list, uint32_t n,
					   const struct kvm_cpuid_entry2 *e)
{
	for (uint32_t i = 0; i < n; i++)
		if (same_leaf(&list[i], e))
			return &list[i];
	return NULL;
}

/* The (function, index) a requested entry becomes, or 0 if not configurable. */
static int placed(const struct kvm_cpuid_entry2 *configurable, uint32_t nconf,
		  const struct kvm_cpuid_entry2 *want, uint32_t *function, uint32_t *index)
{
	const struct kvm_cpuid_entry2 *c = find(configurable, nconf, want);

	if (!c)
		return 0;
	*function = want->function;
	/* One address-size leaf only: it carries the GPAW. */
	*index = (c->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && want->function != LEAF_ADDR_SIZES
			 ? want->index : 0;
	return 1;
}

int tdx__cpuid_filter(const struct kvm_cpuid_entry2 *configurable, uint32_t nconf,
		      const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
		      struct kvm_cpuid_entry2 *out, uint32_t *nout)
{
	uint32_t cap = *nout, n = 0, need = 0;
	int have_addr = 0;

	if (gpaw != 48 && gpaw != 52)
		return tdx__fail(TDX_E_INVALID, "GPAW %u: TDs have a GPAW of 48 or 52", gpaw);
	if ((!configurable && nconf) || (!want && nwant) || (!out && cap))
		return tdx__fail(TDX_E_INVALID, "a CPUID list pointer is NULL with a non-zero count");
	for (uint32_t i = 0; i < nwant; i++) {
		const struct kvm_cpuid_entry2 *c = find(configurable, nconf, &want[i]);
		struct kvm_cpuid_entry2 e;
		uint32_t fn, idx, fk = 0, ik = 0;
		int dup = 0;

		if (!placed(configurable, nconf, &want[i], &fn, &idx))
			continue; /* not configurable: the TDX module decides it */
		for (uint32_t k = 0; k < i && !dup; k++) /* the first request for a leaf wins */
			dup = placed(configurable, nconf, &want[k], &fk, &ik) && fk == fn && ik == idx;
		if (dup)
			continue;
		memset(&e, 0, sizeof(e));
		e.function = fn;
		e.index = idx;
		e.flags = c->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		e.eax = want[i].eax & c->eax;
		e.ebx = want[i].ebx & c->ebx;
		e.ecx = want[i].ecx & c->ecx;
		e.edx = want[i].edx & c->edx;
		if (e.function == LEAF_ADDR_SIZES) {
			e.eax = (e.eax & ~0x00FF0000u) | (gpaw << 16);
			have_addr = 1;
		}
		if (n < cap)
			out[n] = e;
		n++;
	}
	need = n + !have_addr;
	if (need > cap) {
		*nout = need;
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the TD's CPUID needs %u entries", need);
	}
	if (!have_addr) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].function = LEAF_ADDR_SIZES;
		out[n].eax = gpaw << 16;
		n++;
	}
	*nout = n;
	return TDX_OK;
}
