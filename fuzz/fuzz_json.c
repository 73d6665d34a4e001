/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: TDREPORT and quote parsing and their JSON export on
 * arbitrary bytes.  What parses must export JSON that fits the size the
 * first (measuring) call asked for, NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_json(int (*to_json)(const void *, char *, size_t *), const void *obj)
{
	size_t need = 0;
	char *buf;

	if (to_json(obj, NULL, &need) != TDX_E_BUFFER_TOO_SMALL || !need)
		__builtin_trap();
	buf = malloc(need);
	if (!buf)
		return;
	if (to_json(obj, buf, &need) != TDX_OK || strlen(buf) + 1 != need)
		__builtin_trap();
	free(buf);
}

static int report_json(const void *r, char *b, size_t *n)
{
	return tdx_report_to_json(r, b, n);
}

static int quote_json(const void *q, char *b, size_t *n)
{
	return tdx_quote_to_json(q, b, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tdx_report *r = NULL;
	tdx_quote *q = NULL;

	if (tdx_report_parse(&r, data, size) == TDX_OK)
		check_json(report_json, r);
	tdx_report_free(r);
	if (tdx_quote_parse(&q, data, size) == TDX_OK)
		check_json(quote_json, q);
	tdx_quote_free(q);
	return 0;
}
