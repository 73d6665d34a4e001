/* SPDX-License-Identifier: MIT */
/*
 * A quote from the emulator, end to end through the public API: its body
 * equals the TDREPORT it came from, its attestation-key signature verifies
 * with OpenSSL, and its certificate chain ends at the emulator's test root
 * (never at Intel's).
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

static tdx_emu *E;
static tdx_guest *G;

/* ECDSA-P256/SHA-256 over msg with the raw x||y key and r||s signature. */
static int p256_verify(const uint8_t *xy, const uint8_t *rs, const uint8_t *msg, size_t n)
{
	uint8_t point[65] = { 0x04 };
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *der = NULL;
	int der_len, ok = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memcpy(point + 1, xy, 64);
	OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
	OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params = OSSL_PARAM_BLD_to_param(bld);
	if (EVP_PKEY_fromdata_init(pctx) == 1 &&
	    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
	    ECDSA_SIG_set0(sig, BN_bin2bn(rs, 32, NULL), BN_bin2bn(rs + 32, 32, NULL)) == 1 &&
	    (der_len = i2d_ECDSA_SIG(sig, &der)) > 0 &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
		ok = EVP_DigestVerify(md, der, (size_t)der_len, msg, n) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_PKEY_free(key);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pctx);
	return ok;
}

static void get_both(const uint8_t data[64], tdx_report **r, tdx_quote **q, uint8_t *quote,
		     size_t *qlen)
{
	uint8_t report[1024];
	size_t len = sizeof(report);

	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_report(G, data, 64, report, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_report_parse(r, report, len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_quote(G, data, 64, quote, qlen), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(q, quote, *qlen), TDX_OK);
}

static void test_body_equals_report(void)
{
	static uint8_t quote[32768];
	uint8_t data[64], d[48] = { 9, 9, 9 };
	size_t qlen = sizeof(quote);
	tdx_report *r;
	tdx_quote *q;

	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(255 - i);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(G, 3, d, 48), TDX_OK);
	get_both(data, &r, &q, quote, &qlen);
	CU_ASSERT_EQUAL(tdx_quote_version(q), 5);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_tee_tcb_svn(q), tdx_report_tee_tcb_svn(r), 16), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrseam(q), tdx_report_mrseam(r), 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrsignerseam(q), tdx_report_mrsignerseam(r), 48), 0);
	CU_ASSERT_EQUAL(tdx_quote_seam_attributes(q), tdx_report_seam_attributes(r));
	CU_ASSERT_EQUAL(tdx_quote_td_attributes(q), tdx_report_attributes(r));
	CU_ASSERT_EQUAL(tdx_quote_xfam(q), tdx_report_xfam(r));
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrtd(q), tdx_report_mrtd(r), 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrconfigid(q), tdx_report_mrconfigid(r), 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrowner(q), tdx_report_mrowner(r), 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrownerconfig(q), tdx_report_mrownerconfig(r), 48), 0);
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(memcmp(tdx_quote_rtmr(q, i), tdx_report_rtmr(r, i), 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_report_data(q), data, 64), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_tee_tcb_svn2(q), tdx_report_tee_tcb_svn2(r), 16), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrservicetd(q), tdx_report_servtd_hash(r), 48), 0);
	tdx_report_free(r);
	tdx_quote_free(q);
}

static void test_signature_verifies(void)
{
	static uint8_t quote[32768];
	uint8_t data[64] = { 1 };
	size_t qlen = sizeof(quote), signed_len = 0;
	const uint8_t *signed_data;
	tdx_report *r;
	tdx_quote *q;

	get_both(data, &r, &q, quote, &qlen);
	signed_data = tdx_quote_signed_data(q, &signed_len);
	CU_ASSERT_EQUAL(signed_len, 702);
	CU_ASSERT(p256_verify(tdx_quote_attestation_key(q), tdx_quote_signature(q), signed_data,
			      signed_len));
	/* One flipped byte of the body breaks it. */
	quote[100] ^= 1;
	CU_ASSERT_FALSE(p256_verify(tdx_quote_attestation_key(q), tdx_quote_signature(q), quote,
				    signed_len));
	tdx_report_free(r);
	tdx_quote_free(q);
}

/* The PCK chain verifies to the emulator root only. */
static int chain_verifies(const char *chain_pem, size_t chain_len, const char *root_pem)
{
	BIO *cb = BIO_new_mem_buf(chain_pem, (int)chain_len), *rb = BIO_new_mem_buf(root_pem, -1);
	X509 *leaf = PEM_read_bio_X509(cb, NULL, NULL, NULL), *ca = PEM_read_bio_X509(cb, NULL, NULL, NULL);
	X509 *root = PEM_read_bio_X509(rb, NULL, NULL, NULL);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int ok = 0;

	if (leaf && ca && root && untrusted && sk_X509_push(untrusted, ca) > 0 &&
	    X509_STORE_add_cert(store, root) == 1 &&
	    X509_STORE_CTX_init(ctx, store, leaf, untrusted) == 1)
		ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	X509_free(ca);
	X509_free(leaf);
	X509_free(root);
	BIO_free(cb);
	BIO_free(rb);
	return ok;
}

static void test_chain_to_emulator_root_only(void)
{
	static uint8_t quote[32768];
	uint8_t data[64] = { 2 };
	size_t qlen = sizeof(quote), chain_len = 0, intel_len = 0;
	const char *chain;
	tdx_report *r;
	tdx_quote *q;
	char *intel;

	get_both(data, &r, &q, quote, &qlen);
	chain = (const char *)tdx_quote_pck_chain(q, &chain_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(chain);
	CU_ASSERT(chain_verifies(chain, chain_len, tdx_emu_root_ca_pem(E)));
	intel = (char *)tdx_test_read_vector("go-tdx-guest_intel_sgx_root_ca.pem", &intel_len);
	if (intel) {
		intel[intel_len] = '\0';
		CU_ASSERT_FALSE(chain_verifies(chain, chain_len, intel));
		free(intel);
	}
	tdx_report_free(r);
	tdx_quote_free(q);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_body_equals_report),
		TDX_TEST(test_signature_verifies),
		TDX_TEST(test_chain_to_emulator_root_only),
		{ NULL, NULL },
	};
	int rc;

	if (tdx_emu_open(&E, NULL) || tdx_emu_guest(E, &G))
		return 1;
	rc = tdx_test_run("emu-quote", tests);
	tdx_guest_close(G);
	tdx_emu_close(E);
	return rc;
}
