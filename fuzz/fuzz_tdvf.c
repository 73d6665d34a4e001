/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: TDVF metadata parsing (tdx_tdvf_parse) on arbitrary
 * bytes, then every accessor on what it accepted, and the measurement of
 * the accepted sections' pages and content through tdx_mrtd_add_region
 * (bounded, so each input stays fast).  Any out-of-bounds access, leak or
 * undefined behaviour is reported by the sanitizers; a broken invariant
 * of a successful parse traps.  See fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>

#include <tdx/tdx.h>

#define MAX_MEASURED_PAGES 64 /* per input: keep an iteration in microseconds */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void measure(const tdx_tdvf *t, const uint8_t *data, size_t size)
{
	uint64_t budget = MAX_MEASURED_PAGES;
	uint8_t mrtd[48];
	tdx_mrtd *m = NULL;

	if (tdx_mrtd_new(&m) != TDX_OK)
		__builtin_trap();
	for (size_t i = 0; i < tdx_tdvf_section_count(t); i++) {
		TDX_OPTS(tdx_tdvf_section, s);
		uint64_t pages;
		unsigned flags;

		if (tdx_tdvf_get_section(t, i, &s) != TDX_OK)
			__builtin_trap();
		if (s.type == TDX_TDVF_SECTION_PERM_MEM || s.type == TDX_TDVF_SECTION_TD_INFO ||
		    s.type == TDX_TDVF_SECTION_TD_PARAMS || (s.attributes & TDX_TDVF_ATTR_PAGE_AUG))
			continue;
		pages = s.memory_data_size / 4096;
		if (pages > budget)
			break;
		budget -= pages;
		flags = s.attributes & TDX_TDVF_ATTR_MR_EXTEND ? TDX_MEASURE_EXTEND : 0;
		/* The parser checked alignment, raw <= memory size and the
		 * content inside the image: the region must be accepted. */
		if ((uint64_t)s.data_offset + s.raw_data_size > size ||
		    tdx_mrtd_add_region(m, s.memory_address, pages, data + s.data_offset,
					s.raw_data_size, flags) != TDX_OK)
			__builtin_trap();
	}
	if (tdx_mrtd_finalize(m, mrtd) != TDX_OK)
		__builtin_trap();
	tdx_mrtd_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdx_tdvf *t = NULL;
	size_t n;

	if (tdx_tdvf_parse(&t, data, size) != TDX_OK) {
		if (t || tdx_error_last()->code != TDX_E_INVALID || !tdx_error_last()->message[0])
			__builtin_trap();
		return 0;
	}
	n = tdx_tdvf_section_count(t);
	if (n == 0 || n > 65535)
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		TDX_OPTS(tdx_tdvf_section, s);

		if (tdx_tdvf_get_section(t, i, &s) != TDX_OK || s.type > TDX_TDVF_SECTION_TD_PARAMS)
			__builtin_trap();
	}
	{
		TDX_OPTS(tdx_tdvf_section, s);

		if (tdx_tdvf_get_section(t, n, &s) != TDX_E_INVALID)
			__builtin_trap();
	}
	measure(t, data, size);
	tdx_tdvf_free(t);
	return 0;
}
