/* SPDX-License-Identifier: MIT */
/*
 * tdx_quote_verify on the real quotes and collateral in ../shared/vectors
 * (expected results: ../shared/reference/verify.md §4): every signature
 * chain to Intel's root, UpToDate for the dcap-qvl v4 pair, "no matching
 * TCB level" for the dcap-qvl v5 pair; each tampered part fails at its own
 * step; time windows; bad arguments.  Skips (77) without the vectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define T_2023_07_01 1688173200LL  /* 2023-07-01T01:00:00Z */
#define T_2026_02_03 1770080400LL  /* 2026-02-03T01:00:00Z */
#define T_2025_07_19 1752919234LL  /* 2025-07-19T10:00:34Z */
#define T_2026_03_20 1774003274LL  /* 2026-03-20T10:41:14Z */
#define T_2053_07_01 2634944400LL  /* 2053-07-01T01:00:00Z */

static const struct {
	const char *file;
	long long at;
} quotes[] = {
	{ "go-tdx-guest_quote_v4_prod_SPR_E4.bin", T_2023_07_01 },
	{ "go-tdx-guest_quote_v5_sample.bin", T_2026_02_03 },
	{ "go-tdx-guest_quote_v4_cos113_matching_ccel.bin", T_2026_02_03 },
	{ "coco-trustee_quote_v4_tdx10.bin", T_2026_02_03 },
	{ "coco-trustee_quote_v5_tdx15.bin", T_2026_02_03 },
	{ "dcap-qvl_quote_v4_uptodate.bin", T_2025_07_19 },
	{ "dcap-qvl_quote_v5_outdated.bin", T_2026_03_20 },
};

static tdx_quote *load(const char *name, uint8_t **raw, size_t *len)
{
	tdx_quote *q = NULL;

	*raw = tdx_test_read_vector(name, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*raw);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, *raw, *len), TDX_OK);
	return q;
}

/* Verify quote bytes with optional collateral at a time; the status. */
static int verify_bytes(const uint8_t *raw, size_t len, const char *collateral, long long at,
			tdx_verify_result **res)
{
	TDX_OPTS(tdx_verify_opts, o, .at = at, .collateral = collateral,
		 .collateral_len = collateral ? strlen(collateral) : 0);
	tdx_quote *q = NULL;
	int rc;

	*res = NULL;
	rc = tdx_quote_parse(&q, raw, len);
	if (rc)
		return rc;
	rc = tdx_quote_verify(q, &o, res);
	tdx_quote_free(q);
	return rc;
}

static void test_chains_to_intel_root(void)
{
	for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		tdx_verify_result *r = NULL;
		uint8_t *raw;
		size_t len;
		tdx_quote *q = load(quotes[i].file, &raw, &len);
		TDX_OPTS(tdx_verify_opts, o, .at = quotes[i].at);

		tdx_test_context = quotes[i].file;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		for (int s = TDX_VERIFY_QUOTE_FORMAT; s <= TDX_VERIFY_QUOTE_SIGNATURE; s++)
			CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, s), TDX_STEP_PASSED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_COLLATERAL), TDX_STEP_SKIPPED);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_UNKNOWN);
		CU_ASSERT_PTR_NOT_NULL(tdx_verify_result_pck(r));
		if (tdx_verify_result_status(r))
			fprintf(stderr, "%s: %s\n", quotes[i].file, tdx_error_last()->message);
		tdx_verify_result_free(r);
		/* Long after the leaf expired: the chain fails on time. */
		o.at = T_2053_07_01;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_EXPIRED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_PCK_CHAIN), TDX_STEP_FAILED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_QUOTE_SIGNATURE), TDX_STEP_NOT_RUN);
		tdx_verify_result_free(r);
		tdx_quote_free(q);
		free(raw);
	}
}

static void test_pck_extensions(void)
{
	tdx_verify_result *r;
	uint8_t *raw;
	size_t len;
	tdx_quote *q = load("dcap-qvl_quote_v4_uptodate.bin", &raw, &len);
	TDX_OPTS(tdx_verify_opts, o, .at = T_2025_07_19);
	const tdx_pck *p;
	static const int comps[8] = { 3, 3, 2, 2, 4, 1, 0, 5 };

	CU_ASSERT_EQUAL_FATAL(tdx_quote_verify(q, &o, &r), TDX_OK);
	p = tdx_verify_result_pck(r);
	CU_ASSERT_TRUE(tdx_test_hex_is(tdx_pck_fmspc(p), "b0c06f000000"));
	CU_ASSERT_TRUE(tdx_test_hex_is(tdx_pck_pceid(p), "0000"));
	CU_ASSERT_EQUAL(tdx_pck_pcesvn(p), 11);
	for (unsigned i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(tdx_pck_tcb_component(p, i), i < 8 ? comps[i] : 0);
	CU_ASSERT_EQUAL(memcmp(tdx_pck_cpusvn(p), (uint8_t[]){ 3, 3, 2, 2, 4, 1, 0, 5 }, 8), 0);
	CU_ASSERT_EQUAL(tdx_pck_sgx_type(p), 1);
	CU_ASSERT_PTR_NOT_NULL(tdx_pck_platform_instance_id(p));
	CU_ASSERT(tdx_pck_config(p, TDX_PCK_DYNAMIC_PLATFORM) >= 0);
	CU_ASSERT_EQUAL(tdx_pck_tcb_component(p, 16), -1);
	CU_ASSERT_EQUAL(tdx_pck_config(p, 3), -1);
	CU_ASSERT_EQUAL(tdx_pck_tcb_component(NULL, 0), -1);
	tdx_verify_result_free(r);
	tdx_quote_free(q);
	free(raw);
}

static void test_dcap_qvl_v4_up_to_date(void)
{
	tdx_verify_result *r;
	uint8_t *raw;
	size_t len, clen;
	char *col = (char *)tdx_test_read_vector("dcap-qvl_quote_v4_uptodate_collateral.json", &clen);
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(col);
	col[clen] = '\0';
	raw = tdx_test_read_vector("dcap-qvl_quote_v4_uptodate.bin", &len);
	rc = verify_bytes(raw, len, col, T_2025_07_19, &r);
	CU_ASSERT_EQUAL(rc, TDX_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (rc)
		fprintf(stderr, "%s\n", tdx_error_last()->message);
	for (int s = 0; s < TDX_VERIFY_STEPS; s++)
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, s), TDX_STEP_PASSED);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_UP_TO_DATE);
	CU_ASSERT_STRING_EQUAL(tdx_tcb_status_name(tdx_verify_result_tcb_status(r)), "UpToDate");
	CU_ASSERT_EQUAL(tdx_verify_result_advisory_count(r), 0);
	CU_ASSERT_PTR_NOT_NULL(tdx_verify_result_tcb_date(r));
	if (tdx_verify_result_tcb_date(r))
		CU_ASSERT_EQUAL(strncmp(tdx_verify_result_tcb_date(r), "2024-03-13", 10), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r), "UpToDate"));
	{
		char json[8192];
		size_t n = sizeof(json);

		CU_ASSERT_EQUAL(tdx_verify_result_to_json(r, json, &n), TDX_OK);
		CU_ASSERT_TRUE(tdx_test_json_valid(json));
		CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"tcb_status\":\"UpToDate\""));
	}
	tdx_verify_result_free(r);

	/* Before the PCK leaf was issued (2025-02-06): not yet valid. */
	CU_ASSERT_EQUAL(verify_bytes(raw, len, NULL, 1735689600LL /* 2025-01-01 */, &r), TDX_E_EXPIRED);
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_PCK_CHAIN), TDX_STEP_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, TDX_VERIFY_PCK_CHAIN), "not yet valid"));
	tdx_verify_result_free(r);
	/* Before the collateral was issued, and after the PCK CRL's nextUpdate. */
	CU_ASSERT_EQUAL(verify_bytes(raw, len, col, T_2025_07_19 - 40 * 86400, &r), TDX_E_EXPIRED);
	tdx_verify_result_free(r);
	CU_ASSERT_EQUAL(verify_bytes(raw, len, col, T_2025_07_19 + 2, &r), TDX_E_EXPIRED);
	tdx_verify_result_free(r);
	/* A policy that requires CRLs is met (both come with the collateral). */
	{
		tdx_quote *q = NULL;
		TDX_OPTS(tdx_verify_opts, o, .at = T_2025_07_19, .collateral = col, .collateral_len = clen,
			 .require_crls = 1, .require_collateral = 1);

		CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, raw, len), TDX_OK);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
		tdx_verify_result_free(r);
		/* Without collateral the same policy fails. */
		o.collateral = NULL;
		o.collateral_len = 0;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_COLLATERAL);
		tdx_verify_result_free(r);
		tdx_quote_free(q);
	}
	/* The collateral's signed TCB Info altered by one byte. */
	{
		char *t = strstr(col, "\"tcbEvaluationDataNumber\\\":");

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		t[strlen("\"tcbEvaluationDataNumber\\\":")] ^= 1;
		CU_ASSERT_EQUAL(verify_bytes(raw, len, col, T_2025_07_19, &r), TDX_E_COLLATERAL);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_COLLATERAL), TDX_STEP_FAILED);
		tdx_verify_result_free(r);
	}
	free(col);
	free(raw);
}

static void test_dcap_qvl_v5_no_matching_level(void)
{
	tdx_verify_result *r;
	uint8_t *raw;
	size_t len, clen;
	char *col = (char *)tdx_test_read_vector("dcap-qvl_quote_v5_outdated_collateral.json", &clen);

	CU_ASSERT_PTR_NOT_NULL_FATAL(col);
	col[clen] = '\0';
	raw = tdx_test_read_vector("dcap-qvl_quote_v5_outdated.bin", &len);
	CU_ASSERT_EQUAL(verify_bytes(raw, len, col, T_2026_03_20, &r), TDX_E_TCB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_NOT_SUPPORTED);
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_TCB_LEVEL), TDX_STEP_FAILED);
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_COLLATERAL), TDX_STEP_PASSED);
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_CRLS), TDX_STEP_PASSED);
	/* The reason: SGX component 8 (index 7) is 3 where every level needs 5. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r), "component 7 is 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r), "needs 5"));
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_level(r), -1);
	CU_ASSERT_PTR_NULL(tdx_verify_result_tcb_date(r));
	tdx_verify_result_free(r);
	free(col);
	free(raw);
}

/* Flip one byte at `off` of a copy; the verification must fail with `want`
 * at `step`. */
static void flip_fails(const uint8_t *raw, size_t len, size_t off, int want, int step,
		       const char *what)
{
	uint8_t *copy = malloc(len);
	tdx_verify_result *r = NULL;
	int rc;

	memcpy(copy, raw, len);
	copy[off] ^= 0x01;
	rc = verify_bytes(copy, len, NULL, T_2025_07_19, &r);
	if (rc != want || !r || tdx_verify_step_outcome(r, step) != TDX_STEP_FAILED)
		fprintf(stderr, "flipping %s (byte %zu): got %d at %s, want %d at step %d\n", what,
			off, rc, tdx_error_last()->message, want, step);
	CU_ASSERT_EQUAL(rc, want);
	if (r)
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, step), TDX_STEP_FAILED);
	tdx_verify_result_free(r);
	free(copy);
}

static void test_tampering(void)
{
	uint8_t *raw;
	size_t len, sig = 632 + 4, auth_len, chain_len;
	tdx_quote *q = load("dcap-qvl_quote_v4_uptodate.bin", &raw, &len);
	const uint8_t *auth = tdx_quote_qe_auth_data(q, &auth_len);
	const uint8_t *chain = tdx_quote_pck_chain(q, &chain_len);
	size_t auth_off = (size_t)(auth - tdx_quote_body(q)) + 48;
	size_t chain_off = (size_t)(chain - tdx_quote_body(q)) + 48;

	/* Signed region: the header's user data, the body's MRTD, REPORTDATA. */
	flip_fails(raw, len, 30, TDX_E_QUOTE_SIGNATURE, TDX_VERIFY_QUOTE_SIGNATURE, "user data");
	flip_fails(raw, len, 48 + 136, TDX_E_QUOTE_SIGNATURE, TDX_VERIFY_QUOTE_SIGNATURE, "MRTD");
	flip_fails(raw, len, 48 + 583, TDX_E_QUOTE_SIGNATURE, TDX_VERIFY_QUOTE_SIGNATURE,
		   "REPORTDATA");
	flip_fails(raw, len, sig + 10, TDX_E_QUOTE_SIGNATURE, TDX_VERIFY_QUOTE_SIGNATURE,
		   "the quote signature");
	/* The attestation key is bound by the QE report data. */
	flip_fails(raw, len, sig + 64 + 5, TDX_E_QE_REPORT_DATA, TDX_VERIFY_QE_REPORT_DATA,
		   "the attestation key");
	flip_fails(raw, len, sig + 134 + 100, TDX_E_QE_REPORT_SIGNATURE,
		   TDX_VERIFY_QE_REPORT_SIGNATURE, "the QE report");
	flip_fails(raw, len, sig + 518 + 3, TDX_E_QE_REPORT_SIGNATURE,
		   TDX_VERIFY_QE_REPORT_SIGNATURE, "the QE report signature");
	flip_fails(raw, len, auth_off + 7, TDX_E_QE_REPORT_DATA, TDX_VERIFY_QE_REPORT_DATA,
		   "the QE auth data");
	/* A base64 character inside the leaf certificate's body. */
	flip_fails(raw, len, chain_off + 300, TDX_E_CERT_CHAIN, TDX_VERIFY_PCK_CHAIN,
		   "the PCK leaf certificate");
	/* Header fields the verifier requires. */
	flip_fails(raw, len, 12, TDX_E_QUOTE_FORMAT, TDX_VERIFY_QUOTE_FORMAT, "the QE vendor ID");
	tdx_quote_free(q);
	free(raw);
}

static void test_roots_and_arguments(void)
{
	uint8_t *raw;
	size_t len;
	tdx_quote *q = load("go-tdx-guest_quote_v4_prod_SPR_E4.bin", &raw, &len);
	tdx_verify_result *r = (tdx_verify_result *)1;
	const char *root = tdx_intel_sgx_root_ca_pem();
	size_t vlen;
	uint8_t *vroot = tdx_test_read_vector("go-tdx-guest_intel_sgx_root_ca.pem", &vlen);
	TDX_OPTS(tdx_verify_opts, o, .at = T_2023_07_01);

	/* The built-in root is the Intel SGX Root CA of the vectors. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(vroot);
	while (vlen && (vroot[vlen - 1] == '\n' || vroot[vlen - 1] == '\r'))
		vlen--;
	CU_ASSERT_TRUE(strlen(root) >= vlen && memcmp(root, vroot, vlen) == 0 &&
		       !strcmp(root + vlen, "\n"));
	/* Explicit roots replace it: the same root passes ... */
	o.roots = vroot;
	o.roots_len = vlen;
	CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
	tdx_verify_result_free(r);
	/* ... another root (the emulator's) fails on the chain. */
	{
		tdx_emu *e;
		const char *emu_root;

		CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, NULL), TDX_OK);
		emu_root = tdx_emu_root_ca_pem(e);
		o.roots = (const uint8_t *)emu_root;
		o.roots_len = strlen(emu_root);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_CERT_CHAIN);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, TDX_VERIFY_PCK_CHAIN),
					      "not a trusted root"));
		tdx_verify_result_free(r);
		tdx_emu_close(e);
	}
	o.roots = NULL;
	o.roots_len = 0;
	/* Bad arguments: no result, an error that says what. */
	TDX_ASSERT_FAILS(tdx_quote_verify(q, &o, NULL), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_quote_verify(NULL, &o, &r), TDX_E_INVALID, "q is NULL");
	CU_ASSERT_PTR_NULL(r);
	o.roots_len = 5;
	TDX_ASSERT_FAILS(tdx_quote_verify(q, &o, &r), TDX_E_INVALID, "length");
	o.roots = (const uint8_t *)"not a certificate";
	o.roots_len = 17;
	TDX_ASSERT_FAILS(tdx_quote_verify(q, &o, &r), TDX_E_INVALID, "roots");
	o.roots = NULL;
	o.roots_len = 0;
	o.accept = 1u << 30;
	TDX_ASSERT_FAILS(tdx_quote_verify(q, &o, &r), TDX_E_INVALID, "TDX_TCB_ACCEPT");
	o.accept = 0;
	o.crls = (const uint8_t *)"junk";
	o.crls_len = 4;
	TDX_ASSERT_FAILS(tdx_quote_verify(q, &o, &r), TDX_E_INVALID, "crls");
	o.crls = NULL;
	o.crls_len = 0;
	o.collateral = "{\"tcb_info\": 1";
	o.collateral_len = strlen(o.collateral);
	CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_COLLATERAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "not valid JSON"));
	tdx_verify_result_free(r);
	o.collateral = NULL;
	o.collateral_len = 0;
	TDX_ASSERT_FAILS(tdx_verify_result_status(NULL), TDX_E_INVALID, "NULL");
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(NULL, 0), -1);
	CU_ASSERT_PTR_NULL(tdx_verify_step_name(TDX_VERIFY_STEPS));
	CU_ASSERT_STRING_EQUAL(tdx_verify_step_name(TDX_VERIFY_CRLS), "crls");
	CU_ASSERT_PTR_NULL(tdx_tcb_status_name(99));
	/* The vectors' PCK CRL and root CA CRL, given as DER: current in 2023. */
	{
		size_t n1, n2;
		uint8_t *pck = tdx_test_read_vector("go-tdx-guest_pcs_pckcrl_platform.der", &n1);
		uint8_t *rootcrl = tdx_test_read_vector("go-tdx-guest_intel_sgx_root_ca_crl.der", &n2);
		uint8_t *both = malloc(n1 + n2);

		CU_ASSERT_PTR_NOT_NULL_FATAL(pck);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rootcrl);
		memcpy(both, pck, n1);
		memcpy(both + n1, rootcrl, n2);
		o.crls = both;
		o.crls_len = n1 + n2;
		o.require_crls = 1;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_CRLS), TDX_STEP_PASSED);
		tdx_verify_result_free(r);
		/* In 2023-08 the PCK CRL has expired. */
		o.at = T_2023_07_01 + 40 * 86400;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_EXPIRED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_CRLS), TDX_STEP_FAILED);
		tdx_verify_result_free(r);
		/* Only one CRL while both are required. */
		o.at = T_2023_07_01;
		o.crls_len = n1;
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_COLLATERAL);
		tdx_verify_result_free(r);
		free(both);
		free(pck);
		free(rootcrl);
	}
	free(vroot);
	tdx_quote_free(q);
	free(raw);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_chains_to_intel_root),
		TDX_TEST(test_pck_extensions),
		TDX_TEST(test_dcap_qvl_v4_up_to_date),
		TDX_TEST(test_dcap_qvl_v5_no_matching_level),
		TDX_TEST(test_tampering),
		TDX_TEST(test_roots_and_arguments),
		{ NULL, NULL },
	};

	tdx_test_vectors_required();
	return tdx_test_run("verify", tests);
}
