/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the TD CPUID list handling (tdx__cpuid_filter,
 * tdx__cpuid_vcpu_model) on arbitrary configurable and requested lists,
 * GPAWs and capacities.  A successful filter must yield only configurable
 * leaves with values inside their masks, no leaf twice, exactly one
 * 0x80000008 (index 0) carrying the GPAW, and, when the configurable list names no
 * slot twice and holds 0x80000008, a list KVM's setup_tdparams_cpuids()
 * takes: each slot found by kvm_find_cpuid_entry2() and copy_cnt == nent.
 * The vCPU model must make a shared GPA legal (MAXPHYADDR >= GPAW).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 64

static size_t take(const uint8_t **data, size_t *size, void *out, size_t n)
{
	size_t k = n < *size ? n : *size;

	memset(out, 0, n);
	memcpy(out, *data, k);
	*data += k;
	*size -= k;
	return k;
}

/* kvm_find_cpuid_entry2(): an entry without SIGNIFCANT_INDEX matches any index. */
static const struct kvm_cpuid_entry2 *kvm_find(const struct kvm_cpuid_entry2 *e, uint32_t n,
					       uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < n; i++)
		if (e[i].function == function &&
		    (!(e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e[i].index == index))
			return &e[i];
	return NULL;
}

static void check_kvm_takes(const struct kvm_cpuid_entry2 *conf, uint32_t nconf,
			    const struct kvm_cpuid_entry2 *out, uint32_t nout)
{
	uint32_t copied = 0;
	int addr = 0;

	for (uint32_t i = 0; i < nconf; i++) {
		for (uint32_t k = 0; k < i; k++)
			if (conf[k].function == conf[i].function && conf[k].index == conf[i].index)
				return; /* a slot twice: KVM would count it twice */
		addr |= conf[i].function == 0x80000008 && conf[i].index == 0;
	}
	if (!addr)
		return; /* the library adds 0x80000008 that no slot takes */
	for (uint32_t i = 0; i < nconf; i++) {
		const struct kvm_cpuid_entry2 *e = kvm_find(out, nout, conf[i].function, conf[i].index);

		if (!e)
			continue;
		if (e->function != conf[i].function || e->index != conf[i].index)
			__builtin_trap(); /* KVM would put this entry in another slot */
		copied++;
	}
	if (copied != nout)
		__builtin_trap(); /* setup_tdparams_cpuids(): -EINVAL */
}

static void check_model(const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw)
{
	struct kvm_cpuid_entry2 *m;
	const struct kvm_cpuid_entry2 *ext, *addr;
	uint32_t n;

	if (tdx__cpuid_vcpu_model(want, nwant, gpaw, &m, &n) != TDX_OK)
		return;
	ext = kvm_find(m, n, 0x80000000, 0);
	addr = kvm_find(m, n, 0x80000008, 0);
	if (!ext || ext->eax < 0x80000008 || !addr || (addr->eax & 0xFF) < gpaw)
		__builtin_trap(); /* cpuid_query_maxphyaddr() would refuse the shared bit */
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvm_cpuid_entry2 conf[MAX_ENTRIES], want[MAX_ENTRIES], out[MAX_ENTRIES + 1];
	uint8_t hdr[4];
	uint32_t nconf, nwant, nout;
	unsigned gpaw;

	take(&data, &size, hdr, sizeof(hdr));
	nconf = hdr[0] % MAX_ENTRIES;
	nwant = hdr[1] % MAX_ENTRIES;
	gpaw = hdr[2] & 1 ? 52 : (hdr[2] & 2 ? 48 : hdr[2]);
	nout = hdr[3] % (MAX_ENTRIES + 2);
	for (uint32_t i = 0; i < nconf; i++)
		take(&data, &size, &conf[i], 28); /* function .. edx */
	for (uint32_t i = 0; i < nwant; i++)
		take(&data, &size, &want[i], 28);
	check_model(want, nwant, gpaw);
	if (tdx__cpuid_filter(conf, nconf, want, nwant, gpaw, out, &nout) != TDX_OK)
		return 0;
	check_kvm_takes(conf, nconf, out, nout);
	if (nout > (uint32_t)(hdr[3] % (MAX_ENTRIES + 2)))
		__builtin_trap();
	for (uint32_t i = 0, addr = 0; i < nout; i++) {
		const struct kvm_cpuid_entry2 *c = NULL;

		for (uint32_t k = 0; k < i; k++)
			if (out[k].function == out[i].function && out[k].index == out[i].index)
				__builtin_trap(); /* a leaf twice */
		if (out[i].function == 0x80000008 && out[i].index == 0) {
			if (++addr > 1 || ((out[i].eax >> 16) & 0xFF) != gpaw)
				__builtin_trap();
			continue;
		}
		/* Some configurable entry for this leaf must allow every bit (a
		 * malformed list may name a leaf twice). */
		for (uint32_t k = 0; k < nconf && !c; k++)
			if (conf[k].function == out[i].function &&
			    (!(conf[k].flags & 1) || conf[k].index == out[i].index) &&
			    !(out[i].eax & ~conf[k].eax) && !(out[i].ebx & ~conf[k].ebx) &&
			    !(out[i].ecx & ~conf[k].ecx) && !(out[i].edx & ~conf[k].edx))
				c = &conf[k];
		if (!c)
			__builtin_trap(); /* not configurable, or bits outside the mask */
	}
	return 0;
}
