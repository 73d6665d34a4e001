/* SPDX-License-Identifier: MIT */
/*
 * The emulated quoting enclave, checked the way a verifier would: with
 * OpenSSL, against the quote layout, the TDREPORT it came from and the
 * emulator's test PKI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emu/qe.h"
#include "harness.h"
#include "layout.h"

#define SGX_OID "1.2.840.113741.1.13.1"
#define T_2030 1893456000 /* 2030-01-01, inside the emulator PKI's validity */
#define T_2051 2556144000 /* 2051-01-01, after it */

static const uint8_t seed_a[32] = {
	0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};
static const uint8_t seed_b[32] = { 0xff, 0xee, 0xdd };

/*
 * Keys and platform id for seed_a and the root, computed independently
 * (Python cryptography: HKDF-SHA256, 48 bytes, mod (n-1) + 1) from the
 * derivation documented in qe.h, so a change to it fails here.
 */
static const char root_pub_hex[] =
	"2d458db82bcac7828bf7a261a4d68e3a520f32168fb2e987ad75235f272e001e"
	"77bf722753143ce5214e6c9cbe075ca64a4c5ec60b8294e79dee2a5c7c36340e";
static const char ak_pub_a_hex[] =
	"f81588d4cc505d8ff6ead52051e81eab0c80df385e4ffb593df5c2964627d7cb"
	"4b5cbc100446a2e6b76e01f09a4a0120deb6ead83ad5ae07e080be7fe64bac0c";
static const char pck_pub_a_hex[] =
	"41b3a35ce56641faefb9f27366b6b09619d603bf0607f400285913029978e8d4"
	"88ecac1556de6229ede4355768663048fdc801d5f3e8b039d31a13f2060092a2";
static const char platform_id_a_hex[] = "abbe7f901340adf582a2cc5d4b41adfa";

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
	return get_u16(p) | (uint32_t)get_u16(p + 2) << 16;
}

/*
 * A TDREPORT whose every byte differs from its neighbours' and from the
 * bytes 256 and 512 away, so a field copied from a wrong offset shows.
 */
static void make_report(uint8_t r[TDREPORT_SIZE])
{
	for (size_t i = 0; i < TDREPORT_SIZE; i++)
		r[i] = (uint8_t)(i * 13 + (i >> 8) * 101);
	r[RM_REPORT_TYPE] = REPORT_TYPE_TDX;
}

/* Quote `report`, asking for the size first as callers do. */
static uint8_t *make_quote(tdx__qe *qe, const uint8_t *report, int version, size_t *len)
{
	uint8_t *q;
	size_t got = 0;

	CU_ASSERT_EQUAL_FATAL(tdx__qe_quote(qe, report, TDREPORT_SIZE, version, NULL, 0, len),
			      TDX_E_BUFFER_TOO_SMALL);
	q = malloc(*len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL_FATAL(tdx__qe_quote(qe, report, TDREPORT_SIZE, version, q, *len, &got),
			      TDX_OK);
	CU_ASSERT_EQUAL(got, *len);
	return q;
}

static tdx__qe *new_qe(const uint8_t *seed, const tdx__qe_params *params)
{
	tdx__qe *qe = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx__qe_create(&qe, seed, params), TDX_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(qe);
	return qe;
}

static EVP_PKEY *pub_from_raw(const uint8_t xy[64])
{
	uint8_t pt[65] = { 0x04 };
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)),
		OSSL_PARAM_construct_end(),
	};

	memcpy(pt + 1, xy, 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(EVP_PKEY_fromdata_init(c), 1);
	CU_ASSERT_EQUAL(EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, params), 1);
	EVP_PKEY_CTX_free(c);
	return k;
}

/* x||y of an EC public key. */
static void raw_pub(EVP_PKEY *k, uint8_t xy[64])
{
	uint8_t pt[65];
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt,
							      sizeof(pt), &n), 1);
	CU_ASSERT_EQUAL_FATAL(n, sizeof(pt));
	memcpy(xy, pt + 1, 64);
}

/* Does the raw r||s signature verify over msg, as the quote's verifiers do? */
static int verify_raw(EVP_PKEY *k, const uint8_t *msg, size_t n, const uint8_t rs[64])
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *der = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int der_len, ok;

	ECDSA_SIG_set0(sig, BN_bin2bn(rs, 32, NULL), BN_bin2bn(rs + 32, 32, NULL));
	der_len = i2d_ECDSA_SIG(sig, &der);
	ok = der_len > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)der_len, msg, n) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return ok;
}

/* The certificates of a PEM text, in order; returns how many (at most max). */
static int read_pem_certs(const char *pem, size_t len, X509 **certs, int max)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	int n = 0;

	while (n < max && (certs[n] = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		n++;
	BIO_free(b);
	return n;
}

static X509 *root_cert(const tdx__qe *qe)
{
	X509 *root = NULL;

	CU_ASSERT_EQUAL_FATAL(read_pem_certs(tdx__qe_root_pem(qe), strlen(tdx__qe_root_pem(qe)),
					     &root, 1), 1);
	return root;
}

/* X509_verify_cert of leaf (with `untrusted` offered) against `trusted` at time t. */
static int chain_verifies(X509 *leaf, X509 *untrusted, X509 *trusted, time_t t)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok;

	CU_ASSERT_EQUAL_FATAL(X509_STORE_add_cert(store, trusted), 1);
	CU_ASSERT_FATAL(sk_X509_push(chain, untrusted) > 0);
	CU_ASSERT_EQUAL_FATAL(X509_STORE_CTX_init(ctx, store, leaf, chain), 1);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	sk_X509_free(chain);
	X509_STORE_free(store);
	return ok;
}

/* The pieces of a quote a verifier looks at. */
typedef struct parsed {
	const uint8_t *body, *sig, *qe_report, *qe_report_sig, *auth, *pem;
	size_t signed_len, sig_len, auth_len, pem_len;
} parsed;

static void parse_quote(const uint8_t *q, size_t len, int version, parsed *p)
{
	const uint8_t *cd, *inner;
	size_t body_size = version == 4 ? QUOTE_BODY_TDX10_SIZE : QUOTE_BODY_TDX15_SIZE;

	CU_ASSERT_EQUAL(get_u16(q + QH_VERSION), version);
	if (version == 4) {
		p->body = q + QUOTE_V4_BODY;
		CU_ASSERT_EQUAL(QUOTE_V4_BODY + body_size, QUOTE_V4_SIG_LEN);
	} else {
		CU_ASSERT_EQUAL(get_u16(q + QUOTE_V5_BODY_TYPE), QUOTE_BODY_TYPE_TDX15);
		CU_ASSERT_EQUAL(get_u32(q + QUOTE_V5_BODY_SIZE), QUOTE_BODY_TDX15_SIZE);
		p->body = q + QUOTE_V5_BODY;
	}
	p->signed_len = (size_t)(p->body - q) + body_size;
	p->sig_len = get_u32(q + p->signed_len);
	p->sig = q + p->signed_len + 4;
	/* The quote ends exactly where its signature data says. */
	CU_ASSERT_EQUAL_FATAL(p->signed_len + 4 + p->sig_len, len);
	CU_ASSERT_EQUAL(get_u16(p->sig + QS_CERT_TYPE), CERT_TYPE_QE_REPORT);
	CU_ASSERT_EQUAL_FATAL(get_u32(p->sig + QS_CERT_SIZE) + QS_CERT_DATA, p->sig_len);
	cd = p->sig + QS_CERT_DATA;
	p->qe_report = cd;
	p->qe_report_sig = cd + QE_REPORT_SIZE;
	p->auth_len = get_u16(cd + QE_REPORT_SIZE + QE_REPORT_SIG_SIZE);
	p->auth = cd + QE_REPORT_SIZE + QE_REPORT_SIG_SIZE + 2;
	CU_ASSERT_EQUAL(p->auth_len, 32);
	inner = p->auth + p->auth_len;
	CU_ASSERT_EQUAL(get_u16(inner), CERT_TYPE_PCK_CHAIN);
	p->pem_len = get_u32(inner + 2);
	p->pem = inner + 6;
	CU_ASSERT_EQUAL_FATAL(p->pem + p->pem_len, q + len);
}

/* Everything a verifier checks, for a quote of `report` by `qe`. */
static void check_quote(tdx__qe *qe, const uint8_t *report, int version)
{
	static const uint8_t intel_vendor[16] = {
		0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
		0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
	};
	tdx__qe_params def;
	uint8_t bind[64 + 32], digest[32], zero[32] = { 0 };
	X509 *certs[4] = { NULL }, *root = root_cert(qe);
	EVP_PKEY *ak;
	size_t len;
	uint8_t *q = make_quote(qe, report, version, &len);
	parsed p;

	tdx__qe_params_default(&def);
	parse_quote(q, len, version, &p);

	/* Header. */
	CU_ASSERT_EQUAL(get_u16(q + QH_ATT_KEY_TYPE), QUOTE_ATT_KEY_ECDSA_P256);
	CU_ASSERT_EQUAL(get_u32(q + QH_TEE_TYPE), QUOTE_TEE_TYPE_TDX);
	CU_ASSERT_EQUAL(get_u16(q + QH_RESERVED), def.pce_svn);
	CU_ASSERT_EQUAL(get_u16(q + QH_RESERVED + 2), def.qe_svn);
	CU_ASSERT_EQUAL(memcmp(q + QH_QE_VENDOR_ID, intel_vendor, 16), 0);
	CU_ASSERT_EQUAL(memcmp(q + QH_USER_DATA + 16, zero, 4), 0);

	/* Body, against the TDREPORT at Linux's absolute offsets (guest.md §3.1). */
	CU_ASSERT_EQUAL(memcmp(p.body + QB_TEE_TCB_SVN, report + 264, 16), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MRSEAM, report + 280, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MRSIGNERSEAM, report + 328, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_SEAM_ATTRIBUTES, report + 376, 8), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_TD_ATTRIBUTES, report + 512, 8), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_XFAM, report + 520, 8), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MRTD, report + 528, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MRCONFIGID, report + 576, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MROWNER, report + 624, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_MROWNERCONFIG, report + 672, 48), 0);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(memcmp(p.body + QB_RTMR + 48 * i, report + 720 + 48 * i, 48), 0);
	CU_ASSERT_EQUAL(memcmp(p.body + QB_REPORT_DATA, report + 128, 64), 0);
	if (version == 5) {
		CU_ASSERT_EQUAL(memcmp(p.body + QB_TEE_TCB_SVN2, report + 384, 16), 0);
		CU_ASSERT_EQUAL(memcmp(p.body + QB_MRSERVICETD, report + 912, 48), 0);
	}

	/* The attestation key signs header..body (v5: with the type/size descriptor). */
	ak = pub_from_raw(p.sig + QS_ATTESTATION_KEY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ak);
	CU_ASSERT(verify_raw(ak, q, p.signed_len, p.sig + QS_SIGNATURE));
	q[p.signed_len - 1] ^= 1;
	CU_ASSERT_FALSE(verify_raw(ak, q, p.signed_len, p.sig + QS_SIGNATURE));
	q[p.signed_len - 1] ^= 1;

	/* QE report: emulator identity, bound to the AK and auth data. */
	CU_ASSERT_EQUAL(memcmp(p.qe_report + QR_CPUSVN, def.cpu_svn, 16), 0);
	CU_ASSERT_EQUAL(get_u16(p.qe_report + QR_ISVPRODID), 2);
	CU_ASSERT_EQUAL(get_u16(p.qe_report + QR_ISVSVN), def.qe_svn);
	CU_ASSERT_EQUAL(memcmp(p.qe_report + QR_MRSIGNER, "libtdx", 6), 0);
	memcpy(bind, p.sig + QS_ATTESTATION_KEY, 64);
	memcpy(bind + 64, p.auth, 32);
	CU_ASSERT_EQUAL_FATAL(EVP_Digest(bind, sizeof(bind), digest, NULL, EVP_sha256(), NULL), 1);
	CU_ASSERT_EQUAL(memcmp(p.qe_report + QR_REPORT_DATA, digest, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.qe_report + QR_REPORT_DATA + 32, zero, 32), 0);

	/* PCK chain in the quote: leaf, Platform CA, root (Intel's shape), no
	 * NUL, the QE's own chain. */
	CU_ASSERT_EQUAL(p.pem_len, strlen(tdx__qe_pck_chain_pem(qe)));
	CU_ASSERT_EQUAL(memcmp(p.pem, tdx__qe_pck_chain_pem(qe), p.pem_len), 0);
	CU_ASSERT_EQUAL_FATAL(read_pem_certs((const char *)p.pem, p.pem_len, certs, 4), 3);
	CU_ASSERT_EQUAL(X509_cmp(certs[2], root), 0);
	CU_ASSERT(verify_raw(X509_get0_pubkey(certs[0]), p.qe_report, QE_REPORT_SIZE,
			     p.qe_report_sig));
	CU_ASSERT_FALSE(verify_raw(ak, p.qe_report, QE_REPORT_SIZE, p.qe_report_sig));
	CU_ASSERT(chain_verifies(certs[0], certs[1], root, T_2030));

	for (int i = 0; i < 3; i++)
		X509_free(certs[i]);
	X509_free(root);
	EVP_PKEY_free(ak);
	free(q);
}

static void test_quote_v4(void)
{
	uint8_t report[TDREPORT_SIZE];
	tdx__qe *qe = new_qe(seed_a, NULL);

	make_report(report);
	check_quote(qe, report, 4);
	tdx__qe_destroy(qe);
}

static void test_quote_v5(void)
{
	uint8_t report[TDREPORT_SIZE];
	tdx__qe *qe = new_qe(seed_a, NULL);
	size_t len;
	uint8_t *q;

	make_report(report);
	check_quote(qe, report, 5);
	q = make_quote(qe, report, 5, &len);
	/* v5 signs 702 bytes, like the v5 vectors, and has its sig data at 706. */
	CU_ASSERT_EQUAL(get_u32(q + 702) + 706, len);
	free(q);
	tdx__qe_destroy(qe);
}

static void test_v4_offsets(void)
{
	uint8_t report[TDREPORT_SIZE];
	tdx__qe *qe = new_qe(seed_a, NULL);
	size_t len;
	uint8_t *q;

	make_report(report);
	q = make_quote(qe, report, 4, &len);
	CU_ASSERT_EQUAL(QUOTE_V4_SIG_LEN, 632);
	CU_ASSERT_EQUAL(get_u32(q + 632) + 636, len);
	CU_ASSERT_EQUAL(get_u16(q + 636 + QS_CERT_TYPE), CERT_TYPE_QE_REPORT);
	/* Above go-tdx-guest's minimum quote size. */
	CU_ASSERT(len > 1020);
	free(q);
	tdx__qe_destroy(qe);
}

/* The AK of a QE, as its quotes carry it. */
static void quote_ak(tdx__qe *qe, uint8_t ak[64])
{
	uint8_t report[TDREPORT_SIZE];
	size_t len;
	uint8_t *q;

	make_report(report);
	q = make_quote(qe, report, 4, &len);
	memcpy(ak, q + QUOTE_V4_SIG_DATA + QS_ATTESTATION_KEY, 64);
	free(q);
}

static void chain_pubs(tdx__qe *qe, uint8_t pck[64], uint8_t root[64])
{
	X509 *certs[3] = { NULL };
	const char *pem = tdx__qe_pck_chain_pem(qe);

	CU_ASSERT_EQUAL_FATAL(read_pem_certs(pem, strlen(pem), certs, 3), 3);
	raw_pub(X509_get0_pubkey(certs[0]), pck);
	raw_pub(X509_get0_pubkey(certs[2]), root);
	for (int i = 0; i < 3; i++)
		X509_free(certs[i]);
}

static void test_keys_deterministic(void)
{
	tdx__qe *a1 = new_qe(seed_a, NULL), *a2 = new_qe(seed_a, NULL), *b = new_qe(seed_b, NULL);
	uint8_t ak_a1[64], ak_a2[64], ak_b[64], pck_a1[64], pck_a2[64], pck_b[64];
	uint8_t root_a1[64], root_a2[64], root_b[64], want[64], pid[16];
	uint8_t report[TDREPORT_SIZE];
	size_t len;
	uint8_t *q;

	quote_ak(a1, ak_a1);
	quote_ak(a2, ak_a2);
	quote_ak(b, ak_b);
	chain_pubs(a1, pck_a1, root_a1);
	chain_pubs(a2, pck_a2, root_a2);
	chain_pubs(b, pck_b, root_b);

	CU_ASSERT_EQUAL(memcmp(ak_a1, ak_a2, 64), 0);
	CU_ASSERT_EQUAL(memcmp(pck_a1, pck_a2, 64), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(ak_a1, ak_b, 64), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(pck_a1, pck_b, 64), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(ak_a1, pck_a1, 64), 0);
	CU_ASSERT_EQUAL(memcmp(root_a1, root_a2, 64), 0);
	CU_ASSERT_EQUAL(memcmp(root_a1, root_b, 64), 0);

	/* The same values in every process: pinned to the documented derivation. */
	CU_ASSERT_EQUAL_FATAL(tdx_test_unhex(root_pub_hex, want, 64), 0);
	CU_ASSERT_EQUAL(memcmp(root_a1, want, 64), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_test_unhex(ak_pub_a_hex, want, 64), 0);
	CU_ASSERT_EQUAL(memcmp(ak_a1, want, 64), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_test_unhex(pck_pub_a_hex, want, 64), 0);
	CU_ASSERT_EQUAL(memcmp(pck_a1, want, 64), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_test_unhex(platform_id_a_hex, pid, 16), 0);
	make_report(report);
	q = make_quote(a1, report, 4, &len);
	CU_ASSERT_EQUAL(memcmp(q + QH_USER_DATA, pid, 16), 0);
	free(q);

	tdx__qe_destroy(a1);
	tdx__qe_destroy(a2);
	tdx__qe_destroy(b);
}

static void test_chain_trust(void)
{
	tdx__qe *qe = new_qe(seed_a, NULL), *other = new_qe(seed_b, NULL);
	X509 *certs[3] = { NULL }, *root = root_cert(qe), *other_root = root_cert(other);
	X509 *intel = NULL;
	const char *pem = tdx__qe_pck_chain_pem(qe);
	unsigned char *intel_pem;
	size_t intel_len = 0;
	char *cn;

	CU_ASSERT_EQUAL_FATAL(read_pem_certs(pem, strlen(pem), certs, 3), 3);
	cn = X509_NAME_oneline(X509_get_subject_name(root), NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cn, "CN=Intel SGX Root CA/O=libtdx emulator (TEST ONLY, not Intel)"));
	OPENSSL_free(cn);
	cn = X509_NAME_oneline(X509_get_subject_name(certs[1]), NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cn, "CN=Intel SGX PCK Platform CA/O=libtdx emulator (TEST ONLY, not Intel)"));
	OPENSSL_free(cn);
	cn = X509_NAME_oneline(X509_get_subject_name(certs[0]), NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cn, "CN=Intel SGX PCK Certificate/O=libtdx emulator (TEST ONLY, not Intel)"));
	OPENSSL_free(cn);
	CU_ASSERT_EQUAL(X509_check_issued(certs[1], certs[0]), X509_V_OK);
	CU_ASSERT_EQUAL(X509_check_issued(root, certs[1]), X509_V_OK);
	CU_ASSERT_EQUAL(X509_check_issued(root, root), X509_V_OK);
	/* Intel's leaf shape: six extensions. */
	CU_ASSERT_EQUAL(X509_get_ext_count(certs[0]), 6);

	CU_ASSERT(chain_verifies(certs[0], certs[1], root, T_2030));
	/* Any emulator's root will do: they share one key and name. */
	CU_ASSERT(chain_verifies(certs[0], certs[1], other_root, T_2030));
	CU_ASSERT_FALSE(chain_verifies(certs[0], certs[1], root, T_2051));

	intel_pem = tdx_test_read_vector("go-tdx-guest_intel_sgx_root_ca.pem", &intel_len);
	if (intel_pem) {
		CU_ASSERT_EQUAL_FATAL(read_pem_certs((const char *)intel_pem, intel_len, &intel, 1),
				      1);
		CU_ASSERT_FALSE(chain_verifies(certs[0], certs[1], intel, T_2030));
		X509_free(intel);
		free(intel_pem);
	}

	for (int i = 0; i < 3; i++)
		X509_free(certs[i]);
	X509_free(root);
	X509_free(other_root);
	tdx__qe_destroy(qe);
	tdx__qe_destroy(other);
}

/* Decode a SEQUENCE-typed ASN1_TYPE into its elements. */
static ASN1_SEQUENCE_ANY *seq_of(const ASN1_TYPE *t)
{
	const unsigned char *p;

	CU_ASSERT_EQUAL_FATAL(t->type, V_ASN1_SEQUENCE);
	p = t->value.sequence->data;
	return d2i_ASN1_SEQUENCE_ANY(NULL, &p, t->value.sequence->length);
}

/*
 * Element i of an SGX-extension SEQUENCE must be SEQUENCE { OID <SGX_OID>.<suffix>,
 * value of `type` }; returns the decoded pair (value at index 1).
 */
static ASN1_SEQUENCE_ANY *sgx_pair(const ASN1_SEQUENCE_ANY *seq, int i, const char *suffix,
				   int type)
{
	ASN1_SEQUENCE_ANY *pair = seq_of(sk_ASN1_TYPE_value(seq, i));
	char oid[64], want[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(pair);
	CU_ASSERT_EQUAL_FATAL(sk_ASN1_TYPE_num(pair), 2);
	CU_ASSERT_EQUAL_FATAL(sk_ASN1_TYPE_value(pair, 0)->type, V_ASN1_OBJECT);
	OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_TYPE_value(pair, 0)->value.object, 1);
	snprintf(want, sizeof(want), SGX_OID ".%s", suffix);
	CU_ASSERT_STRING_EQUAL(oid, want);
	CU_ASSERT_EQUAL(sk_ASN1_TYPE_value(pair, 1)->type, type);
	return pair;
}

static void free_seq(ASN1_SEQUENCE_ANY *s)
{
	sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free);
}

static int octets_equal(const ASN1_SEQUENCE_ANY *pair, const uint8_t *want, int n)
{
	const ASN1_STRING *s = sk_ASN1_TYPE_value(pair, 1)->value.octet_string;

	return ASN1_STRING_length(s) == n && memcmp(ASN1_STRING_get0_data(s), want, (size_t)n) == 0;
}

static long int_value(const ASN1_SEQUENCE_ANY *pair)
{
	return ASN1_INTEGER_get(sk_ASN1_TYPE_value(pair, 1)->value.integer);
}

static void test_pck_sgx_extension(void)
{
	static const uint8_t fmspc_der[] = { 0x04, 0x06, 0x00, 0x90, 0x6e, 0xd5, 0x00, 0x01 };
	tdx__qe_params params;
	tdx__qe *qe;
	X509 *leaf = NULL;
	ASN1_OBJECT *obj = OBJ_txt2obj(SGX_OID, 1);
	const ASN1_OCTET_STRING *ext;
	const unsigned char *der;
	ASN1_SEQUENCE_ANY *top, *pair, *tcb, *cfg, *item;
	uint8_t report[TDREPORT_SIZE];
	size_t len;
	uint8_t *q;
	int idx;

	tdx__qe_params_default(&params);
	memcpy(params.fmspc, fmspc_der + 2, 6);
	memcpy(params.pce_id, "\x12\x34", 2);
	params.pce_svn = 300; /* more than one byte */
	for (int i = 0; i < 16; i++) {
		params.tcb_comp_svn[i] = (uint8_t)(i * 17);
		params.cpu_svn[i] = (uint8_t)(0xc0 + i);
	}
	params.qe_svn = 9;
	memcpy(params.ppid, "0123456789abcdef", 16);
	qe = new_qe(seed_a, &params);
	CU_ASSERT_EQUAL_FATAL(read_pem_certs(tdx__qe_pck_chain_pem(qe),
					     strlen(tdx__qe_pck_chain_pem(qe)), &leaf, 1), 1);

	idx = X509_get_ext_by_OBJ(leaf, obj, -1);
	CU_ASSERT_FATAL(idx >= 0);
	CU_ASSERT_FALSE(X509_EXTENSION_get_critical(X509_get_ext(leaf, idx)));
	ext = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
	CU_ASSERT_PTR_NOT_NULL(memmem(ASN1_STRING_get0_data(ext), (size_t)ASN1_STRING_length(ext),
				      fmspc_der, sizeof(fmspc_der)));

	der = ASN1_STRING_get0_data(ext);
	top = d2i_ASN1_SEQUENCE_ANY(NULL, &der, ASN1_STRING_length(ext));
	CU_ASSERT_PTR_NOT_NULL_FATAL(top);
	CU_ASSERT_EQUAL_FATAL(sk_ASN1_TYPE_num(top), 7);

	pair = sgx_pair(top, 0, "1", V_ASN1_OCTET_STRING);
	CU_ASSERT(octets_equal(pair, params.ppid, 16));
	free_seq(pair);

	pair = sgx_pair(top, 1, "2", V_ASN1_SEQUENCE);
	tcb = seq_of(sk_ASN1_TYPE_value(pair, 1));
	CU_ASSERT_EQUAL_FATAL(sk_ASN1_TYPE_num(tcb), 18);
	for (int i = 0; i < 16; i++) {
		char suffix[8];

		snprintf(suffix, sizeof(suffix), "2.%d", i + 1);
		item = sgx_pair(tcb, i, suffix, V_ASN1_INTEGER);
		CU_ASSERT_EQUAL(int_value(item), params.tcb_comp_svn[i]);
		free_seq(item);
	}
	item = sgx_pair(tcb, 16, "2.17", V_ASN1_INTEGER);
	CU_ASSERT_EQUAL(int_value(item), 300);
	free_seq(item);
	item = sgx_pair(tcb, 17, "2.18", V_ASN1_OCTET_STRING);
	CU_ASSERT(octets_equal(item, params.cpu_svn, 16));
	free_seq(item);
	free_seq(tcb);
	free_seq(pair);

	pair = sgx_pair(top, 2, "3", V_ASN1_OCTET_STRING);
	CU_ASSERT(octets_equal(pair, params.pce_id, 2));
	free_seq(pair);
	pair = sgx_pair(top, 3, "4", V_ASN1_OCTET_STRING);
	CU_ASSERT(octets_equal(pair, params.fmspc, 6));
	free_seq(pair);
	pair = sgx_pair(top, 4, "5", V_ASN1_ENUMERATED);
	CU_ASSERT_EQUAL(ASN1_ENUMERATED_get(sk_ASN1_TYPE_value(pair, 1)->value.enumerated), 1);
	free_seq(pair);
	pair = sgx_pair(top, 5, "6", V_ASN1_OCTET_STRING);
	CU_ASSERT_EQUAL(ASN1_STRING_length(sk_ASN1_TYPE_value(pair, 1)->value.octet_string), 16);
	free_seq(pair);
	pair = sgx_pair(top, 6, "7", V_ASN1_SEQUENCE);
	cfg = seq_of(sk_ASN1_TYPE_value(pair, 1));
	CU_ASSERT_EQUAL_FATAL(sk_ASN1_TYPE_num(cfg), 3);
	for (int i = 0; i < 3; i++) {
		char suffix[8];

		snprintf(suffix, sizeof(suffix), "7.%d", i + 1);
		item = sgx_pair(cfg, i, suffix, V_ASN1_BOOLEAN);
		free_seq(item);
	}
	free_seq(cfg);
	free_seq(pair);
	free_seq(top);

	/* The quote header and QE report carry the same TCB. */
	make_report(report);
	q = make_quote(qe, report, 5, &len);
	CU_ASSERT_EQUAL(get_u16(q + QH_RESERVED), 300);
	CU_ASSERT_EQUAL(get_u16(q + QH_RESERVED + 2), 9);
	CU_ASSERT_EQUAL(get_u16(q + 706 + QS_CERT_DATA + QR_ISVSVN), 9);
	CU_ASSERT_EQUAL(memcmp(q + 706 + QS_CERT_DATA + QR_CPUSVN, params.cpu_svn, 16), 0);
	free(q);

	ASN1_OBJECT_free(obj);
	X509_free(leaf);
	tdx__qe_destroy(qe);
}

static void test_errors(void)
{
	uint8_t report[TDREPORT_SIZE], small[100];
	tdx__qe *qe = new_qe(seed_a, NULL), *none = (tdx__qe *)1;
	size_t len = 0, need = 0;

	make_report(report);
	TDX_ASSERT_FAILS(tdx__qe_create(NULL, seed_a, NULL), TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx__qe_create(&none, NULL, NULL), TDX_E_INVALID, "NULL");
	CU_ASSERT_PTR_NULL(none);

	TDX_ASSERT_FAILS(tdx__qe_quote(NULL, report, TDREPORT_SIZE, 4, small, sizeof(small), &len),
			 TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, NULL, TDREPORT_SIZE, 4, small, sizeof(small), &len),
			 TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, small, sizeof(small), NULL),
			 TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, NULL, sizeof(small), &len),
			 TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, 1023, 4, small, sizeof(small), &len),
			 TDX_E_INVALID, "1024");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, 1025, 4, small, sizeof(small), &len),
			 TDX_E_INVALID, "1024");
	report[RM_REPORT_TYPE] = 0x00; /* an SGX report */
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, small, sizeof(small), &len),
			 TDX_E_INVALID, "0x81");
	report[RM_REPORT_TYPE] = REPORT_TYPE_TDX;
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 3, small, sizeof(small), &len),
			 TDX_E_INVALID, "version 3");
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 6, small, sizeof(small), &len),
			 TDX_E_INVALID, "version 6");

	/* Too small: the size needed comes back, and that size is enough. */
	TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, small, sizeof(small), &need),
			 TDX_E_BUFFER_TOO_SMALL, "bytes");
	CU_ASSERT(need > sizeof(small));
	{
		uint8_t *q = malloc(need);

		CU_ASSERT_PTR_NOT_NULL_FATAL(q);
		TDX_ASSERT_FAILS(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, q, need - 1, &len),
				 TDX_E_BUFFER_TOO_SMALL, "bytes");
		CU_ASSERT_EQUAL(len, need);
		CU_ASSERT_EQUAL(tdx__qe_quote(qe, report, TDREPORT_SIZE, 4, q, need, &len), TDX_OK);
		CU_ASSERT_EQUAL(len, need);
		free(q);
	}
	CU_ASSERT_EQUAL(tdx__qe_quote(qe, report, TDREPORT_SIZE, 5, NULL, 0, &len),
			TDX_E_BUFFER_TOO_SMALL);
	CU_ASSERT_EQUAL(len, need + QUOTE_BODY_TDX15_SIZE - QUOTE_BODY_TDX10_SIZE + 6);

	CU_ASSERT_PTR_NULL(tdx__qe_root_pem(NULL));
	CU_ASSERT_PTR_NULL(tdx__qe_pck_chain_pem(NULL));
	tdx__qe_destroy(NULL);
	tdx__qe_destroy(qe);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_keys_deterministic),
		TDX_TEST(test_quote_v4),
		TDX_TEST(test_quote_v5),
		TDX_TEST(test_v4_offsets),
		TDX_TEST(test_chain_trust),
		TDX_TEST(test_pck_sgx_extension),
		TDX_TEST(test_errors),
		{ NULL, NULL },
	};

	return tdx_test_run("internal_qe", tests);
}
