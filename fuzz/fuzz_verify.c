/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the verifier's parsers on arbitrary bytes.  The first
 * byte picks what the rest is:
 *   0  a quote: tdx_quote_parse, then tdx_quote_verify (the certification
 *      data's PEM chain, its PCK extensions, the signatures) at a fixed time;
 *   1  a PCK certificate: tdx_pck_parse (DER or PEM, the SGX extension's
 *      nested (OID, value) pairs) and every accessor;
 *   2  collateral JSON: an emulator quote verified with the emulator root
 *      and these bytes as collateral (the JSON reader, the signed-document
 *      checks, TCB Info / QE Identity evaluation);
 *   3  CRLs: the same quote with these bytes as CRLs.
 * A verification that runs must leave a result whose status matches the
 * return value; anything else traps.  See fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tdx_quote *emu_q;
static char *emu_root;

/* One emulator quote and its root, made once. */
static void setup(void)
{
	static uint8_t quote[16384];
	uint8_t rd[64] = { 0 };
	size_t len = sizeof(quote);
	tdx_emu *e;
	tdx_guest *g;

	if (emu_q || tdx_emu_open(&e, NULL))
		return;
	if (!tdx_emu_guest(e, &g)) {
		if (!tdx_guest_get_quote(g, rd, sizeof(rd), quote, &len))
			tdx_quote_parse(&emu_q, quote, len);
		tdx_guest_close(g);
	}
	emu_root = strdup(tdx_emu_root_ca_pem(e));
	tdx_emu_close(e);
}

static void run(const tdx_quote *q, const tdx_verify_opts *o)
{
	tdx_verify_result *r = NULL;
	int rc = tdx_quote_verify(q, o, &r);
	char json[16384];
	size_t n = sizeof(json);

	if (!r) {
		if (rc != TDX_E_INVALID && rc != TDX_E_NOMEM)
			__builtin_trap();
		return;
	}
	if (tdx_verify_result_status(r) != rc || tdx_verify_result_tcb_status(r) < 0 ||
	    !tdx_verify_result_explanation(r))
		__builtin_trap();
	for (size_t i = 0; i < tdx_verify_result_advisory_count(r); i++)
		if (!tdx_verify_result_advisory(r, i))
			__builtin_trap();
	if (tdx_verify_result_to_json(r, json, &n) == TDX_OK && strlen(json) + 1 != n)
		__builtin_trap();
	tdx_verify_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TDX_OPTS(tdx_verify_opts, o, .at = 1750000000);
	tdx_quote *q = NULL;
	tdx_pck *p = NULL;

	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0:
		if (tdx_quote_parse(&q, data + 1, size - 1) == TDX_OK) {
			run(q, &o);
			tdx_quote_free(q);
		}
		break;
	case 1:
		if (tdx_pck_parse(&p, data + 1, size - 1) == TDX_OK) {
			if (!tdx_pck_ppid(p) || !tdx_pck_fmspc(p) || tdx_pck_pcesvn(p) < 0 ||
			    tdx_pck_tcb_component(p, 15) < 0 || tdx_pck_sgx_type(p) < 0)
				__builtin_trap();
			tdx_pck_free(p);
		}
		break;
	default:
		setup();
		if (!emu_q)
			return 0;
		o.roots = (const uint8_t *)emu_root;
		o.roots_len = strlen(emu_root);
		if ((data[0] & 3) == 2) {
			o.collateral = (const char *)data + 1;
			o.collateral_len = size - 1;
		} else {
			o.crls = data + 1;
			o.crls_len = size - 1;
		}
		if (size > 1)
			run(emu_q, &o);
		break;
	}
	return 0;
}
