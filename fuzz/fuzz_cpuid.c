/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the TD CPUID list handling (tdx__cpuid_filter) on
 * arbitrary configurable and requested lists, GPAWs and capacities.  A
 * successful filter must yield only configurable leaves with values inside
 * their masks, no leaf twice, and exactly one 0x80000008 carrying the GPAW.
 */
#include <stdint.h>
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
	if (tdx__cpuid_filter(conf, nconf, want, nwant, gpaw, out, &nout) != TDX_OK)
		return 0;
	if (nout > (uint32_t)(hdr[3] % (MAX_ENTRIES + 2)))
		__builtin_trap();
	for (uint32_t i = 0, addr = 0; i < nout; i++) {
		const struct kvm_cpuid_entry2 *c = NULL;

		for (uint32_t k = 0; k < i; k++)
			if (out[k].function == out[i].function && out[k].index == out[i].index)
				__builtin_trap(); /* a leaf twice */
		if (out[i].function == 0x80000008) {
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
