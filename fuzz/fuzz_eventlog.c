/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: CC event log parsing (tdx_eventlog_parse) on arbitrary
 * bytes, then every accessor, the replay, the check and the JSON on what
 * it accepted; and the CCEL ACPI table parser on the same bytes.  Any
 * out-of-bounds access, leak or undefined behaviour is reported by the
 * sanitizers; a broken invariant of a successful parse traps.  See
 * fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdx_eventlog *l = NULL;
	uint8_t rtmr[192];
	size_t n, len = 0;
	unsigned mismatch;
	int rc;

	{
		TDX_OPTS(tdx_ccel_table, t);

		if (tdx_ccel_table_parse(&t, data, size) == TDX_OK && size < 56)
			__builtin_trap();
	}
	if (tdx_eventlog_parse(&l, data, size) != TDX_OK) {
		if (l || tdx_error_last()->code != TDX_E_INVALID || !tdx_error_last()->message[0])
			__builtin_trap();
		return 0;
	}
	n = tdx_eventlog_count(l);
	for (size_t i = 0; i < n; i++) {
		TDX_OPTS(tdx_event, e);

		if (tdx_eventlog_event(l, i, &e) != TDX_OK ||
		    e.data_offset + e.data_size > size)
			__builtin_trap();
	}
	{
		TDX_OPTS(tdx_event, e);

		if (tdx_eventlog_event(l, n, &e) != TDX_E_INVALID)
			__builtin_trap();
	}
	rc = tdx_eventlog_replay(l, rtmr, sizeof(rtmr));
	if (rc == TDX_OK) {
		if (tdx_eventlog_check(l, rtmr, sizeof(rtmr), &mismatch) != TDX_OK || mismatch)
			__builtin_trap();
		rtmr[0] ^= 1;
		if (tdx_eventlog_check(l, rtmr, sizeof(rtmr), &mismatch) != TDX_E_VERIFY ||
		    mismatch != 1)
			__builtin_trap();
	} else if (rc != TDX_E_INVALID) {
		__builtin_trap();
	}
	if (tdx_eventlog_to_json(l, NULL, &len) != TDX_E_BUFFER_TOO_SMALL || len == 0)
		__builtin_trap();
	{
		char *buf = malloc(len);

		if (!buf || tdx_eventlog_to_json(l, buf, &len) != TDX_OK || strlen(buf) + 1 != len)
			__builtin_trap();
		free(buf);
	}
	tdx_eventlog_free(l);
	return 0;
}
