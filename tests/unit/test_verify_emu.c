/* SPDX-License-Identifier: MIT */
/*
 * The emulator's quotes under tdx_quote_verify: end to end (signatures,
 * chain, CRLs, TCB Info, QE Identity, UpToDate) with the emulator root
 * trusted explicitly and its collateral (tdx_emu_collateral); refused with
 * the default Intel root; revoked with a CRL that lists the PCK; for TDX
 * 1.0 (v4) and 1.5 (v5) modules.  Needs no vectors.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

static tdx_quote *emu_quote(tdx_emu *e)
{
	static uint8_t quote[32768];
	uint8_t data[64] = { 0x5e };
	size_t len = sizeof(quote);
	tdx_guest *g;
	tdx_quote *q = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_emu_guest(e, &g), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_quote(g, data, sizeof(data), quote, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	tdx_guest_close(g);
	return q;
}

static char *collateral(tdx_emu *e, unsigned flags)
{
	size_t len = 0;
	char *buf;

	CU_ASSERT_EQUAL(tdx_emu_collateral(e, flags, NULL, &len), TDX_E_BUFFER_TOO_SMALL);
	buf = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_collateral(e, flags, buf, &len), TDX_OK);
	CU_ASSERT_TRUE(tdx_test_json_valid(buf));
	return buf;
}

static void verify_module(const char *conf, int version)
{
	TDX_OPTS(tdx_emu_config, cfg);
	tdx_emu *e;
	tdx_quote *q;
	tdx_verify_result *r = NULL;
	char *col, *revoked;
	const char *root;

	CU_ASSERT_EQUAL_FATAL(tdx_emu_config_parse(&cfg, conf), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, &cfg), TDX_OK);
	q = emu_quote(e);
	CU_ASSERT_EQUAL(tdx_quote_version(q), version);
	root = tdx_emu_root_ca_pem(e);
	col = collateral(e, 0);
	{
		TDX_OPTS(tdx_verify_opts, o, .roots = (const uint8_t *)root, .roots_len = strlen(root),
			 .collateral = col, .collateral_len = strlen(col), .require_collateral = 1,
			 .require_crls = 1);

		/* The emulator root trusted: every step passes, UpToDate. */
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		for (int s = 0; s < TDX_VERIFY_STEPS; s++)
			CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, s), TDX_STEP_PASSED);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_UP_TO_DATE);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_level(r), 0);
		CU_ASSERT_EQUAL(tdx_verify_result_advisory_count(r), 0);
		if (tdx_verify_result_status(r))
			fprintf(stderr, "%s: %s\n", conf, tdx_error_last()->message);
		tdx_verify_result_free(r);
		/* Revoked: the PCK CRL lists the leaf. */
		revoked = collateral(e, TDX_EMU_COLLATERAL_REVOKE_PCK);
		o.collateral = revoked;
		o.collateral_len = strlen(revoked);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_REVOKED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_CRLS), TDX_STEP_FAILED);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, TDX_VERIFY_CRLS), "revoked"));
		tdx_verify_result_free(r);
		free(revoked);
		/* Behind a newer level: OutOfDate, with the advisory and the reason. */
		revoked = collateral(e, TDX_EMU_COLLATERAL_OUT_OF_DATE);
		o.collateral = revoked;
		o.collateral_len = strlen(revoked);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_TCB);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_OUT_OF_DATE);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_TCB_LEVEL), TDX_STEP_PASSED);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_POLICY), TDX_STEP_FAILED);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_level(r), 1);
		CU_ASSERT_STRING_EQUAL(tdx_verify_result_tcb_date(r), "2025-01-01T00:00:00Z");
		CU_ASSERT_EQUAL_FATAL(tdx_verify_result_advisory_count(r), 1);
		CU_ASSERT_STRING_EQUAL(tdx_verify_result_advisory(r, 0), "LIBTDX-EMU-SA-0002");
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r),
					      "SGX TCB component 0 is 3, the newest level "
					      "(2026-01-01T00:00:00Z) needs 4"));
		tdx_verify_result_free(r);
		/* A policy that accepts OutOfDate passes it. */
		o.accept = TDX_TCB_ACCEPT(TDX_TCB_UP_TO_DATE) | TDX_TCB_ACCEPT(TDX_TCB_OUT_OF_DATE);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_OK);
		tdx_verify_result_free(r);
		o.accept = 0;
		free(revoked);
		/* The default trust anchor (Intel's root) refuses the emulator's chain. */
		o.roots = NULL;
		o.roots_len = 0;
		o.collateral = col;
		o.collateral_len = strlen(col);
		CU_ASSERT_EQUAL(tdx_quote_verify(q, &o, &r), TDX_E_CERT_CHAIN);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_PCK_CHAIN), TDX_STEP_FAILED);
		CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_UNKNOWN);
		tdx_verify_result_free(r);
	}
	free(col);
	tdx_quote_free(q);
	tdx_emu_close(e);
}

static void test_emulator_module_15(void)
{
	verify_module("module=1.5", 5);
}

static void test_emulator_module_10(void)
{
	verify_module("module=1.0", 4);
}

static void test_collateral_arguments(void)
{
	tdx_emu *e;
	size_t len = 10;
	char small[10];

	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_emu_collateral(NULL, 0, small, &len), TDX_E_INVALID, "emu");
	TDX_ASSERT_FAILS(tdx_emu_collateral(e, 0, small, NULL), TDX_E_INVALID, "len");
	TDX_ASSERT_FAILS(tdx_emu_collateral(e, 4, small, &len), TDX_E_INVALID, "flags");
	TDX_ASSERT_FAILS(tdx_emu_collateral(e, 0, small, &len), TDX_E_BUFFER_TOO_SMALL, "bytes");
	CU_ASSERT(len > sizeof(small));
	tdx_emu_close(e);
}

/*
 * The emulator's PCK certificate with one more pair in its SGX extension,
 * under arc `arc` of 1.2.840.113741.1.13.1 (a later SGX/TDX field), as PEM.
 */
static char *pck_with_arc(tdx_emu *e, unsigned arc)
{
	tdx_quote *q = emu_quote(e);
	size_t len = 0;
	const uint8_t *chain = tdx_quote_pck_chain(q, &len);
	BIO *in = BIO_new_mem_buf(chain, (int)len), *out = BIO_new(BIO_s_mem());
	X509 *x = PEM_read_bio_X509(in, NULL, NULL, NULL);
	ASN1_OBJECT *sgx = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
	X509_EXTENSION *ext = X509_get_ext(x, X509_get_ext_by_OBJ(x, sgx, -1));
	const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
	const unsigned char *p = ASN1_STRING_get0_data(data);
	ASN1_SEQUENCE_ANY *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, ASN1_STRING_length(data));
	ASN1_SEQUENCE_ANY *pair = sk_ASN1_TYPE_new_null();
	ASN1_TYPE *oid = ASN1_TYPE_new(), *val = ASN1_TYPE_new(), *wrapped = ASN1_TYPE_new();
	ASN1_INTEGER *one = ASN1_INTEGER_new();
	ASN1_OCTET_STRING *newdata = ASN1_OCTET_STRING_new();
	unsigned char *der = NULL, *pairder = NULL;
	char txt[64], *pem;
	int n, pn;

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(seq);
	snprintf(txt, sizeof(txt), "1.2.840.113741.1.13.1.%u", arc);
	ASN1_TYPE_set(oid, V_ASN1_OBJECT, OBJ_txt2obj(txt, 1));
	ASN1_INTEGER_set(one, 1);
	ASN1_TYPE_set(val, V_ASN1_INTEGER, one);
	sk_ASN1_TYPE_push(pair, oid);
	sk_ASN1_TYPE_push(pair, val);
	pn = i2d_ASN1_SEQUENCE_ANY(pair, &pairder);
	{
		ASN1_STRING *s = ASN1_STRING_new();

		ASN1_STRING_set(s, pairder, pn);
		ASN1_TYPE_set(wrapped, V_ASN1_SEQUENCE, s);
	}
	sk_ASN1_TYPE_push(seq, wrapped);
	n = i2d_ASN1_SEQUENCE_ANY(seq, &der);
	ASN1_OCTET_STRING_set(newdata, der, n);
	X509_EXTENSION_set_data(ext, newdata);
	i2d_re_X509_tbs(x, NULL); /* encode the edited TBS anew (the signature no longer holds) */
	PEM_write_bio_X509(out, x);
	n = (int)BIO_pending(out);
	pem = calloc(1, (size_t)n + 1);
	BIO_read(out, pem, n);
	OPENSSL_free(der);
	OPENSSL_free(pairder);
	ASN1_OCTET_STRING_free(newdata);
	sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	ASN1_OBJECT_free(sgx);
	X509_free(x);
	BIO_free(in);
	BIO_free(out);
	tdx_quote_free(q);
	return pem;
}

/* Arcs the parser does not know are ignored, however large: 33 once
 * cleared a known field's bit (1u << 33 wraps on x86), and any arc >= 32
 * was undefined behaviour. */
static void test_pck_unknown_arcs(void)
{
	static const unsigned arcs[] = { 8, 31, 32, 33, 39, 64, 1000, 4000000000u };
	tdx_emu *e;

	CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&e, NULL), TDX_OK);
	for (size_t i = 0; i < sizeof(arcs) / sizeof(arcs[0]); i++) {
		char *pem = pck_with_arc(e, arcs[i]);
		tdx_pck *p = NULL;

		CU_ASSERT_EQUAL(tdx_pck_parse(&p, (const uint8_t *)pem, strlen(pem)), TDX_OK);
		if (p)
			CU_ASSERT_EQUAL(tdx_pck_pcesvn(p), 13);
		tdx_pck_free(p);
		free(pem);
	}
	tdx_emu_close(e);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_emulator_module_15),
		TDX_TEST(test_emulator_module_10),
		TDX_TEST(test_collateral_arguments),
		TDX_TEST(test_pck_unknown_arcs),
		{ NULL, NULL },
	};

	return tdx_test_run("verify-emu", tests);
}
