/* SPDX-License-Identifier: MIT */
/*
 * TD quote parsing against the seven real quotes in ../shared/vectors.
 * Besides the published field values, OpenSSL checks that each quote's
 * attestation-key signature verifies over tdx_quote_signed_data and that
 * the QE report is signed by the PCK leaf and binds the attestation key:
 * only correct offsets make all three hold.  Then the error paths: every
 * truncation, each bad header and length field, and byte mutations (run
 * under ASan to show the parser never reads out of bounds).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ZERO48 "000000000000000000000000000000000000000000000000" \
	       "000000000000000000000000000000000000000000000000"
#define INTEL_QE_VENDOR_ID "939a7233f79c4ca9940a0db3957f0607"
#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

#define SPR_E4 "go-tdx-guest_quote_v4_prod_SPR_E4.bin"
#define V5_SAMPLE "go-tdx-guest_quote_v5_sample.bin"
#define TRUSTEE_V4 "coco-trustee_quote_v4_tdx10.bin"

/* Offsets the tests poke at (v4: body at 48; v5: type/size at 48, body at 54). */
#define V4_SIG_LEN 632
#define V5_BODY_TYPE 48
#define V5_BODY_SIZE 50
#define V5_SIG_LEN (54 + 648)

typedef struct expected_quote {
	const char *file;
	int version, body_type;
	size_t body_size, signed_len, size, trailing;
	uint64_t td_attributes, xfam;
	const char *tee_tcb_svn, *mrseam, *mrtd, *report_data;
	const char *rtmr[4];
	const char *tee_tcb_svn2, *mrservicetd; /* body type 3 */
} expected_quote;

static const expected_quote quotes[] = {
	{
		.file = SPR_E4,
		.version = 4, .body_type = 2, .body_size = 584, .signed_len = 632,
		.size = 4935, .trailing = 39,
		.td_attributes = 0x40000000, .xfam = 0x61ae7,
		.tee_tcb_svn = "03000400000000000000000000000000",
		.mrseam = "2fd279c16164a93dd5bf373d834328d46008c2b693af9ebb"
			  "865b08b2ced320c9a89b4869a9fab60fbe9d0c5a5363c656",
		.mrtd = "6363b8043668a3ad953278e10389574d326c6749fb78aa81"
			"0ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb",
		.report_data = "6c62dec1b8191749a31dab490be532a35944dea47caef1f9"
			       "80863993d9899545eb7406a38d1eed313b987a467dacead6"
			       "f0c87a6d766c66f6f29f8acb281f1113",
		.rtmr = {
			"2927da70461cd63266f43230cc1849c03ef25ebe490062a8"
			"01d8fcc80af42976823adf08f833c1e50b51779c6593f32a",
			"2c700b8ba9b85783f8be9fb9443647bdc0bb3c50747f0629"
			"7cc6538c25a5f589c4b56d035c59107c6bc5800db2cacb61",
			"8652f0caaba7e215ea442dc36a4499d8fec3362f3a0b2ca1"
			"51cbe4b3e6466fe59c7368b3c2287fc7c3bf5c924eb4424e",
			ZERO48,
		},
	},
	{
		.file = V5_SAMPLE,
		.version = 5, .body_type = 3, .body_size = 648, .signed_len = 702,
		.size = 5006, .trailing = 0,
		.td_attributes = 0x10000000, .xfam = 0x602e7,
		.tee_tcb_svn = "0b010400000000000000000000000000",
		.mrseam = "7bf063280e94fb051f5dd7b1fc59ce9aac42bb961df8d44b"
			  "709c9b0ff87a7b4df648657ba6d1189589feab1d5a3c9a9d",
		.mrtd = "7348651a34b2d2d3462822e3a750ec6110125f36757c7848"
			"0bbfc69cc0d21fb001a1ced3ee19747dda8f750c3bc8f876",
		.report_data = "945eaacf5abc1f719d8666a942fda03d1edcb44902773960"
			       "93dc5a5289ab9f1e094aed63060cd4a4933a4dd537ed1255"
			       "c9c79ecb3ed82cd1b486233e31c25c3a",
		.rtmr = {
			"5c8daf76063a71ac8fcef4067564661fc682ed7944c7a5d2"
			"1dbbced02f61ceff4ba0678c6aef3bdae8cbc614cec24619",
			"463acaace1b6e97c76e92e41fe312aa66f3fd4dad60ec7ac"
			"f169859db0343e3d1e591646795cdc80fbc0ca5f7041d253",
			"6369b9c9a3b791ebcbdc5a0bb9536cfb57f50df2b393b33c"
			"8b29616d3568baa61f4b59dc6092e31ea8764bcbdfc69f20",
			ZERO48,
		},
		.tee_tcb_svn2 = "0d010400000000000000000000000000",
		.mrservicetd = ZERO48,
	},
	{
		.file = "go-tdx-guest_quote_v4_cos113_matching_ccel.bin",
		.version = 4, .body_type = 2, .body_size = 584, .signed_len = 632,
		.size = 4935, .trailing = 8000 - 4935,
		.td_attributes = 0x10000000, .xfam = 0x600e7,
		.tee_tcb_svn = "04010700000000000000000000000000",
		.mrseam = "ffc97a88587660fb04e1f7c851300c96ae0b5a463ac46d03"
			  "5d16c2d9f36d0ed1d23775bcbd27deb219e3a3cc28023895",
		.mrtd = "dae67181d3d65e073ad8f95b7907d5e927bfe9761c9ff3e9"
			"b89734a45d8954dba41394c7717cb2735396c1d04231f94a",
		.report_data = ZERO48 "00000000000000000000000000000000",
		/* expected_values.json ccel_replay for the paired log. */
		.rtmr = {
			"3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1"
			"b7df60f21f37b19297fc35e544039c7e1edece752afd17f6",
			"f62dbc072bd5d3f3438b7b35c39a727f5aea2ffc2473f437"
			"23953f530daf62504f0a7944aa62c41a86e8a878c2b122c1",
			"4969684dc87381fc3b3134176c8d8806eaf0a901859f5f70"
			"cfae8d17714b46c10a8de219048c9fc09f11f381a6fbe7c1",
			ZERO48,
		},
	},
	{
		.file = TRUSTEE_V4,
		.version = 4, .body_type = 2, .body_size = 584, .signed_len = 632,
		.size = 4936, .trailing = 0,
		.td_attributes = 0x10000001, .xfam = 0x642e7,
		.tee_tcb_svn = "03000500000000000000000000000000",
		.mrseam = "2fd279c16164a93dd5bf373d834328d46008c2b693af9ebb"
			  "865b08b2ced320c9a89b4869a9fab60fbe9d0c5a5363c656",
		.mrtd = "705ee9381b8633a9fbe532b52345e8433343d2868959f578"
			"89d84ca377c395b689cac1599ccea1b7d420483a9ce5f031",
		.report_data = "7c71fe2c86eff65a7cf8dbc22b3275689fd0464a267baced"
			       "1bf94fc1324656aeb755da3d44d098c0c87382f3a5f85b45"
			       "c8a28fee1d3bdb38342bf96671501429",
		.rtmr = {
			"e940da7c2712d2790e2961e00484f4fa8e6f9eed71361655"
			"ae22699476b14f9e63867eb41edd4b480fef0c59f496b288",
			"559cfcf42716ed6c40a48a73d5acb7da255435012f0a9f00"
			"fbe8c1c57612ede486a5684c4c9ff3ddf52315fcdca3a596",
			ZERO48, ZERO48,
		},
	},
	{
		.file = "coco-trustee_quote_v5_tdx15.bin",
		.version = 5, .body_type = 3, .body_size = 648, .signed_len = 702,
		.size = 5006, .trailing = 0,
		.td_attributes = 0x10000000, .xfam = 0x642e7,
		.tee_tcb_svn = "05010200000000000000000000000000",
		.mrseam = "1cc6a17ab799e9a693fac7536be61c12ee1e0fabada82d0c"
			  "999e08ccee2aa86de77b0870f558c570e7ffe55d6d47fa04",
		.mrtd = "dfba221b48a22af8511542ee796603f37382800840dcd978"
			"703909bf8e64d4c8a1e9de86e7c9638bfcba422f3886400a",
		.report_data = "6d6ab13b046cff606ac0074be13981b07b6325dba10b5fac"
			       "c96febf551c0c3be2b75f92fe1f88f4bb996969ad0174b4b"
			       "7a70261b7b85c844f4b33a4674fd049f",
		.rtmr = {
			"9b529f3689e2e8ebb899e9abbbc3dab394d6545e8cdb28a2"
			"abb9cc2f377b83a65c01ba56b824cd3ee885df20051f5128",
			"ca5a979317ffe8a527a3b7aadab03976d7cb6eef1041fb9b"
			"d9d69e6fafa7252cdc10e4c2a55e7ecbd2ddb5cacc867430",
			ZERO48, ZERO48,
		},
		.tee_tcb_svn2 = "05010200000000000000000000000000",
		.mrservicetd = "383c87d3bbb047b2d171eaca95312ede99f258088dc788f6"
			       "ae2ccf8b6dd848fe8d47629e08b3f6cbd4a00dd47a5a033d",
	},
	{
		.file = "dcap-qvl_quote_v4_uptodate.bin",
		.version = 4, .body_type = 2, .body_size = 584, .signed_len = 632,
		.size = 4936, .trailing = 70,
		.td_attributes = 0x10000000, .xfam = 0x602e7,
		.tee_tcb_svn = "06010300000000000000000000000000",
		.mrseam = "5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab5"
			  "8c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1",
		.mrtd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a"
			"3520c942a604a407de03ae6dc5f87f27428b2538873118b7",
		.report_data = "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd5518"
			       "62c1211d35c304f9eca3efdbb481601c163cf52493d6e44a"
			       "ed55d51ec39b7e518fadb92c2b523f20",
		.rtmr = {
			"44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b"
			"8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0",
			"0084452c01668329d4bc06acdf58a7205c26743304509973"
			"949e5619bf81a6a7aea8c323c173019b3093d54e579e9378",
			"d833feef2cd945148aa38ead2c53e9b7f138190aaaebfc55"
			"1dccd829fc207aa3ba80b70870d7330733642e01d48c3132",
			ZERO48,
		},
	},
	{
		.file = "dcap-qvl_quote_v5_outdated.bin",
		.version = 5, .body_type = 3, .body_size = 648, .signed_len = 702,
		.size = 5006, .trailing = 0,
		.td_attributes = 0x10000000, .xfam = 0x618e7,
		.tee_tcb_svn = "07010300000000000000000000000000",
		.mrseam = "49b66faa451d19ebbdbe89371b8daf2b65aa3984ec901103"
			  "43e9e2eec116af08850fa20e3b1aa9a874d77a65380ee7e6",
		.mrtd = "273828c46252fcbdd8ad2dd907130222b03466d52a2911d7"
			"0c1a5950895d6bd1ae451d382d5a9b1b4c0ed0e5ae9a3dbd",
		.report_data = "d2142b643598eb5fae2bc8529dd79a558b29f868ccbb6531"
			       "cb28dab9dce47728000000000000000000000000000000000000000000000000"
			       "0000000000000000",
		.rtmr = { ZERO48, ZERO48, ZERO48, ZERO48 },
		.tee_tcb_svn2 = "0d010300000000000000000000000000",
		.mrservicetd = ZERO48,
	},
};

static unsigned char *read_vector(const char *name, size_t *len)
{
	unsigned char *buf = tdx_test_read_vector(name, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	return buf;
}

static tdx_quote *parse_ok(const unsigned char *buf, size_t len)
{
	tdx_quote *q = NULL;
	int rc = tdx_quote_parse(&q, buf, len);

	if (rc != TDX_OK)
		fprintf(stderr, "\n  %s: %s\n", tdx_test_context, tdx_error_last()->message);
	CU_ASSERT_EQUAL_FATAL(rc, TDX_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	return q;
}

/* An uncompressed P-256 public key from x||y. */
static EVP_PKEY *p256_key(const uint8_t *xy)
{
	unsigned char point[65] = { 0x04 };
	char group[] = "prime256v1";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	memcpy(point + 1, xy, 64);
	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* ECDSA-SHA256 over msg with a raw r||s (big-endian) signature. */
static int ecdsa_verifies(EVP_PKEY *key, const uint8_t *rs, const uint8_t *msg, size_t n)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int der_len, ok = 0;

	if (key && sig && r && s && md && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL; /* owned by sig now */
		der_len = i2d_ECDSA_SIG(sig, &der);
		ok = der_len > 0 &&
		     EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		     EVP_DigestVerify(md, der, (size_t)der_len, msg, n) == 1;
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return ok;
}

static int quote_signature_verifies(const tdx_quote *q)
{
	EVP_PKEY *key = p256_key(tdx_quote_attestation_key(q));
	size_t len = 0;
	const uint8_t *signed_data = tdx_quote_signed_data(q, &len);
	int ok = ecdsa_verifies(key, tdx_quote_signature(q), signed_data, len);

	EVP_PKEY_free(key);
	return ok;
}

/* The QE report is signed by the PCK leaf (first PEM certificate) and its
 * REPORTDATA is SHA-256(attestation key || QE auth data) || 32 zero bytes. */
static void check_qe_report(const tdx_quote *q)
{
	size_t chain_len = 0, auth_len = 0;
	const uint8_t *chain = tdx_quote_pck_chain(q, &chain_len);
	const uint8_t *auth = tdx_quote_qe_auth_data(q, &auth_len);
	const uint8_t *qe_report = tdx_quote_qe_report(q);
	BIO *bio = BIO_new_mem_buf(chain, (int)chain_len);
	X509 *leaf = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	unsigned char binding[64], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int md_len = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(qe_report);
	CU_ASSERT_PTR_NOT_NULL(leaf);
	CU_ASSERT(ecdsa_verifies(leaf ? X509_get0_pubkey(leaf) : NULL,
				 tdx_quote_qe_report_signature(q), qe_report, 384));
	CU_ASSERT(ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
		  EVP_DigestUpdate(ctx, tdx_quote_attestation_key(q), 64) == 1 &&
		  EVP_DigestUpdate(ctx, auth, auth_len) == 1 &&
		  EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len == 32);
	memset(binding, 0, sizeof(binding));
	memcpy(binding, md, 32);
	CU_ASSERT(memcmp(qe_report + 320, binding, sizeof(binding)) == 0);
	EVP_MD_CTX_free(ctx);
	X509_free(leaf);
	BIO_free(bio);
}

static void check_quote(const expected_quote *e, const tdx_quote *q)
{
	size_t len = 0;
	const uint8_t *signed_data = tdx_quote_signed_data(q, &len);

	CU_ASSERT_EQUAL(tdx_quote_version(q), e->version);
	CU_ASSERT_EQUAL(tdx_quote_att_key_type(q), 2);
	CU_ASSERT_EQUAL(tdx_quote_tee_type(q), 0x81);
	CU_ASSERT(tdx_test_hex_is(tdx_quote_header_reserved(q), "00000000"));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_qe_vendor_id(q), INTEL_QE_VENDOR_ID));
	CU_ASSERT_PTR_EQUAL(tdx_quote_user_data(q), signed_data + 28);
	CU_ASSERT_EQUAL(tdx_quote_body_type(q), e->body_type);
	CU_ASSERT_EQUAL(tdx_quote_body_size(q), e->body_size);
	CU_ASSERT_EQUAL(len, e->signed_len);
	CU_ASSERT_PTR_EQUAL(tdx_quote_body(q), signed_data + len - e->body_size);
	CU_ASSERT(tdx_test_hex_is(tdx_quote_tee_tcb_svn(q), e->tee_tcb_svn));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrseam(q), e->mrseam));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrsignerseam(q), ZERO48));
	CU_ASSERT_EQUAL(tdx_quote_seam_attributes(q), 0);
	CU_ASSERT_EQUAL(tdx_quote_td_attributes(q), e->td_attributes);
	CU_ASSERT_EQUAL(tdx_quote_xfam(q), e->xfam);
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrtd(q), e->mrtd));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrconfigid(q), ZERO48));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrowner(q), ZERO48));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrownerconfig(q), ZERO48));
	for (unsigned k = 0; k < 4; k++)
		CU_ASSERT(tdx_test_hex_is(tdx_quote_rtmr(q, k), e->rtmr[k]));
	CU_ASSERT(tdx_test_hex_is(tdx_quote_report_data(q), e->report_data));
	if (e->body_type == 3) {
		CU_ASSERT(tdx_test_hex_is(tdx_quote_tee_tcb_svn2(q), e->tee_tcb_svn2));
		CU_ASSERT(tdx_test_hex_is(tdx_quote_mrservicetd(q), e->mrservicetd));
	} else {
		CU_ASSERT_PTR_NULL(tdx_quote_tee_tcb_svn2(q));
		CU_ASSERT_PTR_NULL(tdx_quote_mrservicetd(q));
	}
	CU_ASSERT_EQUAL(tdx_quote_size(q), e->size);
	CU_ASSERT_EQUAL(tdx_quote_trailing_bytes(q), e->trailing);
	CU_ASSERT_PTR_EQUAL(tdx_quote_signature(q), signed_data + len + 4);
	CU_ASSERT_PTR_EQUAL(tdx_quote_attestation_key(q), signed_data + len + 4 + 64);
	CU_ASSERT(quote_signature_verifies(q));
	CU_ASSERT_EQUAL(tdx_quote_cert_data_type(q), 6);
	CU_ASSERT_EQUAL(tdx_quote_pck_cert_type(q), 5);
	CU_ASSERT_PTR_NOT_NULL(tdx_quote_qe_report_signature(q));
	CU_ASSERT_PTR_NOT_NULL(tdx_quote_qe_auth_data(q, &len));
	CU_ASSERT_EQUAL(len, 32);
	CU_ASSERT_PTR_NOT_NULL(tdx_quote_pck_chain(q, &len));
	CU_ASSERT(len > 3000 && !memcmp(tdx_quote_pck_chain(q, NULL), PEM_BEGIN,
					strlen(PEM_BEGIN)));
	check_qe_report(q);
}

static void test_real_quotes(void)
{
	for (size_t i = 0; i < ARRAY_LEN(quotes); i++) {
		size_t len = 0;
		unsigned char *buf = read_vector(quotes[i].file, &len);
		tdx_quote *q;

		tdx_test_context = quotes[i].file;
		q = parse_ok(buf, len);
		/* The parser keeps its own copy. */
		memset(buf, 0xEE, len);
		free(buf);
		check_quote(&quotes[i], q);
		tdx_quote_free(q);
	}
}

/* A changed signed byte must break the signature: the check above means it. */
static void test_signature_covers_body(void)
{
	size_t len = 0;
	unsigned char *buf = read_vector(V5_SAMPLE, &len);
	tdx_quote *q;

	tdx_test_context = V5_SAMPLE;
	buf[V5_SIG_LEN - 1] ^= 1; /* the last byte of MRSERVICETD */
	q = parse_ok(buf, len);
	CU_ASSERT_FALSE(quote_signature_verifies(q));
	tdx_quote_free(q);
	free(buf);
}

static void test_spr_e4_pck_chain_matches_pem(void)
{
	size_t len = 0, pem_len = 0, chain_len = 0;
	unsigned char *buf = read_vector(SPR_E4, &len);
	unsigned char *pem = read_vector("go-tdx-guest_quote_v4_prod_SPR_E4_pck_chain.pem",
					 &pem_len);
	tdx_quote *q;
	const uint8_t *chain;

	tdx_test_context = SPR_E4;
	q = parse_ok(buf, len);
	chain = tdx_quote_pck_chain(q, &chain_len);
	CU_ASSERT_EQUAL(chain_len, 3677);
	CU_ASSERT_EQUAL_FATAL(chain_len, pem_len);
	CU_ASSERT(memcmp(chain, pem, pem_len) == 0);
	/* The 39 trailing bytes are not part of the quote. */
	CU_ASSERT(memcmp(buf + tdx_quote_size(q), "\nextra bytes(only for testing purpose)\n",
			 39) == 0);
	tdx_quote_free(q);
	free(pem);
	free(buf);
}

/* Parse an exact-size heap copy so ASan sees any read past len. */
static int parse_copy(const unsigned char *buf, size_t len, tdx_quote **q)
{
	unsigned char *copy = malloc(len ? len : 1);
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, buf, len);
	rc = tdx_quote_parse(q, copy, len);
	free(copy);
	return rc;
}

static void test_every_truncation_fails(void)
{
	static const char *const files[] = { SPR_E4, V5_SAMPLE };

	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		size_t len = 0, size;
		unsigned char *buf = read_vector(files[f], &len);
		tdx_quote *q = NULL;
		unsigned bad = 0;

		tdx_test_context = files[f];
		q = parse_ok(buf, len);
		size = tdx_quote_size(q);
		tdx_quote_free(q);
		for (size_t n = 0; n < size; n++) {
			q = (tdx_quote *)buf; /* must be reset to NULL */
			if (parse_copy(buf, n, &q) != TDX_E_INVALID || q != NULL ||
			    tdx_error_last()->code != TDX_E_INVALID) {
				if (!bad++)
					fprintf(stderr, "\n  %s: length %zu did not fail cleanly\n",
						files[f], n);
			}
		}
		CU_ASSERT_EQUAL(bad, 0);
		for (size_t n = size; n <= len; n++) {
			CU_ASSERT_EQUAL_FATAL(parse_copy(buf, n, &q), TDX_OK);
			CU_ASSERT_EQUAL(tdx_quote_trailing_bytes(q), n - size);
			tdx_quote_free(q);
		}
		q = NULL;
		TDX_ASSERT_FAILS(parse_copy(buf, 47, &q), TDX_E_INVALID, "header ends at byte 48");
		TDX_ASSERT_FAILS(parse_copy(buf, 700, &q), TDX_E_INVALID, "truncated");
		TDX_ASSERT_FAILS(parse_copy(buf, size - 1, &q), TDX_E_INVALID,
				 "runs past the buffer");
		free(buf);
	}
}

static void test_trailing_bytes_tolerated(void)
{
	size_t len = 0;
	unsigned char *buf = read_vector(TRUSTEE_V4, &len);
	unsigned char *big = malloc(len + 100);
	tdx_quote *q;

	tdx_test_context = TRUSTEE_V4;
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memcpy(big, buf, len);
	memset(big + len, 0xAB, 100);
	q = parse_ok(big, len + 100);
	CU_ASSERT_EQUAL(tdx_quote_size(q), len);
	CU_ASSERT_EQUAL(tdx_quote_trailing_bytes(q), 100);
	CU_ASSERT(quote_signature_verifies(q));
	tdx_quote_free(q);
	free(big);
	free(buf);
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void test_header_errors(void)
{
	size_t len = 0;
	unsigned char *buf = read_vector(TRUSTEE_V4, &len);
	tdx_quote *q = NULL;

	TDX_ASSERT_FAILS(tdx_quote_parse(NULL, buf, len), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, NULL, len), TDX_E_INVALID, "buf is NULL");
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, 0), TDX_E_INVALID, "has 0 bytes");

	put16(buf, 3);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "version 3 at offset 0");
	put16(buf, 6);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "version 6");
	put16(buf, 4);
	put16(buf + 2, 3);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_NOT_SUPPORTED,
			 "attestation key type 3 at offset 2");
	put16(buf + 2, 2);
	put32(buf + 4, 0);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "TEE type 0x0 at offset 4 is not TDX");
	put32(buf + 4, 0x181);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "TEE type 0x181");
	put32(buf + 4, 0x81);
	q = parse_ok(buf, len);
	tdx_quote_free(q);
	tdx_quote_free(NULL);
	free(buf);
}

static void test_v5_body_errors(void)
{
	size_t len = 0;
	unsigned char *buf = read_vector(V5_SAMPLE, &len);
	tdx_quote *q = NULL;

	put16(buf + V5_BODY_TYPE, 1);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "v5 body type 1 at offset 48 is not a TD report");
	put16(buf + V5_BODY_TYPE, 4);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "body type 4");
	put16(buf + V5_BODY_TYPE, 3);
	put32(buf + V5_BODY_SIZE, 584);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "v5 body size 584 at offset 50 does not match body type 3");
	put32(buf + V5_BODY_SIZE, 0xffffffff);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "body size 4294967295");
	put16(buf + V5_BODY_TYPE, 2);
	put32(buf + V5_BODY_SIZE, 648);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "which is 584 bytes");
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, 53), TDX_E_INVALID, "v5 body type and size");
	CU_ASSERT_PTR_NULL(q);
	free(buf);
}

/* A v5 quote with a TDX 1.0 body (type 2), rebuilt from a v4 quote. */
static void test_v5_body_type_2(void)
{
	size_t len = 0;
	unsigned char *v4 = read_vector(TRUSTEE_V4, &len);
	unsigned char *v5 = malloc(len + 6);
	tdx_quote *q;
	size_t signed_len = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v5);
	memcpy(v5, v4, 48);
	put16(v5, 5);
	put16(v5 + V5_BODY_TYPE, 2);
	put32(v5 + V5_BODY_SIZE, 584);
	memcpy(v5 + 54, v4 + 48, len - 48);
	tdx_test_context = "v5 body type 2";
	q = parse_ok(v5, len + 6);
	CU_ASSERT_EQUAL(tdx_quote_version(q), 5);
	CU_ASSERT_EQUAL(tdx_quote_body_type(q), 2);
	CU_ASSERT_EQUAL(tdx_quote_body_size(q), 584);
	CU_ASSERT_PTR_NOT_NULL(tdx_quote_signed_data(q, &signed_len));
	CU_ASSERT_EQUAL(signed_len, 638);
	CU_ASSERT(tdx_test_hex_is(tdx_quote_mrtd(q), quotes[3].mrtd));
	CU_ASSERT_EQUAL(tdx_quote_size(q), len + 6);
	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_quote_tee_tcb_svn2(q));
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "no TEE_TCB_SVN2"));
	tdx_quote_free(q);
	free(v5);
	free(v4);
}

/* Each length field of the signature data, too large for what holds it. */
static void test_length_field_errors(void)
{
	size_t len = 0;
	unsigned char *orig = read_vector(TRUSTEE_V4, &len);
	unsigned char *buf = malloc(len);
	const size_t sig = V4_SIG_LEN + 4, cert = sig + 134, auth = cert + 448;
	const uint32_t sig_len = (uint32_t)(len - sig), cert_len = sig_len - 134;
	const size_t pck = auth + 2 + 32;
	tdx_quote *q = NULL;
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
#define RESET() memcpy(buf, orig, len)
	RESET();
	put32(buf + V4_SIG_LEN, sig_len + 1);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "signature-data length 4301 at offset 632 runs past the buffer");
	put32(buf + V4_SIG_LEN, 0xffffffff);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "runs past the buffer");
	put32(buf + V4_SIG_LEN, 133);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "signature-data length 133 at offset 632 is below");

	RESET();
	put32(buf + sig + 130, cert_len + 1);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "certification data size 4167 at offset 766 runs past the signature data");
	put32(buf + sig + 130, 0xffffffff);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "runs past the signature");
	put32(buf + sig + 130, 449);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "type-6 certification data size 449");

	RESET();
	put16(buf + auth, 0xffff);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "QE auth-data size 65535");

	RESET();
	put32(buf + pck + 2, 0xffffffff);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID,
			 "PCK certification data size 4294967295");
	put32(buf + pck + 2, cert_len - (448 + 2 + 32 + 6) + 1);
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, len), TDX_E_INVALID, "runs past the outer");
	CU_ASSERT_PTR_NULL(q);

	/* Smaller sizes are fine: slack inside the outer structures is allowed. */
	put32(buf + pck + 2, 10);
	q = parse_ok(buf, len);
	CU_ASSERT_PTR_NOT_NULL(tdx_quote_pck_chain(q, &n));
	CU_ASSERT_EQUAL(n, 10);
	tdx_quote_free(q);
#undef RESET
	free(buf);
	free(orig);
}

/* Without type-6 data the outer certification data is the PCK data. */
static void test_other_cert_data_type(void)
{
	size_t len = 0, n = 99;
	unsigned char *buf = read_vector(TRUSTEE_V4, &len);
	const size_t sig = V4_SIG_LEN + 4;
	tdx_quote *q;
	char json[16384];
	size_t json_len = sizeof(json);

	put16(buf + sig + 128, 5);
	tdx_test_context = "outer type 5";
	q = parse_ok(buf, len);
	CU_ASSERT_EQUAL(tdx_quote_cert_data_type(q), 5);
	CU_ASSERT_EQUAL(tdx_quote_pck_cert_type(q), 5);
	CU_ASSERT_PTR_EQUAL(tdx_quote_pck_chain(q, &n), tdx_quote_signature(q) + 134);
	CU_ASSERT_EQUAL(n, len - sig - 134);
	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_quote_qe_report(q));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "no QE report"));
	CU_ASSERT_PTR_NULL(tdx_quote_qe_report_signature(q));
	CU_ASSERT_PTR_NULL(tdx_quote_qe_auth_data(q, &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_to_json(q, json, &json_len), TDX_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"cert_data_type\":5,\"qe_report\":null,"
				      "\"qe_report_signature\":null,\"qe_auth_data\":null,"
				      "\"pck_cert_type\":5,\"pck_chain\":\""));
	tdx_quote_free(q);
	free(buf);
}

static void test_accessor_errors(void)
{
	size_t len = 0, n = 99;
	unsigned char *buf = read_vector(SPR_E4, &len);
	tdx_quote *q = parse_ok(buf, len);

	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_quote_rtmr(q, 4));
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "RTMR index 4"));
	CU_ASSERT_PTR_NULL(tdx_quote_mrservicetd(q));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "no MRSERVICETD"));

	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_quote_mrtd(NULL));
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "tdx_quote_mrtd: quote is NULL"));
	CU_ASSERT_EQUAL(tdx_quote_version(NULL), 0);
	CU_ASSERT_EQUAL(tdx_quote_tee_type(NULL), 0);
	CU_ASSERT_EQUAL(tdx_quote_body_size(NULL), 0);
	CU_ASSERT_EQUAL(tdx_quote_td_attributes(NULL), 0);
	CU_ASSERT_EQUAL(tdx_quote_size(NULL), 0);
	CU_ASSERT_PTR_NULL(tdx_quote_rtmr(NULL, 0));
	CU_ASSERT_PTR_NULL(tdx_quote_tee_tcb_svn2(NULL));
	CU_ASSERT_PTR_NULL(tdx_quote_qe_report(NULL));
	CU_ASSERT_PTR_NULL(tdx_quote_signed_data(NULL, &n));
	CU_ASSERT_EQUAL(n, 0);
	n = 99;
	CU_ASSERT_PTR_NULL(tdx_quote_pck_chain(NULL, &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(tdx_quote_qe_auth_data(NULL, NULL));
	tdx_quote_free(q);
	free(buf);
}

static char *quote_json(const tdx_quote *q)
{
	size_t need = 0, len;
	char *buf;

	CU_ASSERT_EQUAL_FATAL(tdx_quote_to_json(q, NULL, &need), TDX_E_BUFFER_TOO_SMALL);
	buf = malloc(need);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	len = need;
	CU_ASSERT_EQUAL_FATAL(tdx_quote_to_json(q, buf, &len), TDX_OK);
	CU_ASSERT_EQUAL(len, need);
	CU_ASSERT_EQUAL(strlen(buf), need - 1);
	return buf;
}

static void test_json(void)
{
	size_t len = 0, need = 0, small;
	unsigned char *raw = read_vector(SPR_E4, &len);
	tdx_quote *q = parse_ok(raw, len);
	char *json, tiny[8] = "xxxxxxx";

	CU_ASSERT_EQUAL(tdx_quote_to_json(q, NULL, &need), TDX_E_BUFFER_TOO_SMALL);
	small = sizeof(tiny);
	TDX_ASSERT_FAILS(tdx_quote_to_json(q, tiny, &small), TDX_E_BUFFER_TOO_SMALL, "needs");
	CU_ASSERT_EQUAL(small, need);
	CU_ASSERT_EQUAL(tiny[0], 'x');
	TDX_ASSERT_FAILS(tdx_quote_to_json(NULL, tiny, &small), TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx_quote_to_json(q, tiny, NULL), TDX_E_INVALID, "len");

	json = quote_json(q);
	CU_ASSERT(tdx_test_json_valid(json));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"header\":{\"version\":4,\"att_key_type\":2,"
				      "\"tee_type\":129,\"reserved\":\"00000000\","
				      "\"qe_vendor_id\":\"" INTEL_QE_VENDOR_ID "\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"body_type\":2,\"body\":{\"tee_tcb_svn\":"
				      "\"03000400000000000000000000000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"seam_attributes\":\"0000000000000000\","
				      "\"td_attributes\":\"0000004000000000\","
				      "\"xfam\":\"e71a060000000000\","
				      "\"mrtd\":\"6363b8043668a3ad953278e10389574d326c6749fb78aa81"
				      "0ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb\""));
	CU_ASSERT_PTR_NULL(strstr(json, "mrservicetd"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"cert_data_type\":6,\"qe_report\":{\"cpusvn\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"pck_cert_type\":5,\"pck_chain\":\""
				      PEM_BEGIN "\\nMII"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "-----END CERTIFICATE-----\\n\"},"
				      "\"quote_size\":4935,\"trailing_bytes\":39}"));
	free(json);
	tdx_quote_free(q);
	free(raw);

	raw = read_vector(V5_SAMPLE, &len);
	q = parse_ok(raw, len);
	json = quote_json(q);
	CU_ASSERT(tdx_test_json_valid(json));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"tee_tcb_svn2\":\"0d010400000000000000000000000000\","
				      "\"mrservicetd\":\"" ZERO48 "\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"qe_auth_data\":\"000102030405060708090a0b0c0d0e0f"
				      "101112131415161718191a1b1c1d1e1f\""));
	free(json);
	tdx_quote_free(q);
	free(raw);
}

/* Bytes >= 0x80 and control characters in the PEM still give valid JSON. */
static void test_json_escapes_binary_cert_data(void)
{
	size_t len = 0;
	unsigned char *buf = read_vector(TRUSTEE_V4, &len);
	const size_t pem = V4_SIG_LEN + 4 + 134 + 450 + 32 + 6;
	tdx_quote *q;
	char *json;

	buf[pem] = 0xff;
	buf[pem + 1] = '"';
	buf[pem + 2] = '\\';
	buf[pem + 3] = 0x01;
	q = parse_ok(buf, len);
	json = quote_json(q);
	CU_ASSERT(tdx_test_json_valid(json));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"pck_chain\":\"\\u00ff\\\"\\\\\\u0001-BEGIN"));
	free(json);
	tdx_quote_free(q);
	free(buf);
}

/*
 * Every byte of the header, body and length fields set to a few values:
 * the parser either accepts (and then every accessor and the JSON work) or
 * fails with a recorded reason.  Under ASan this also shows no byte outside
 * the buffer is read.
 */
/* configfs-tsm on DICE-based TDX platforms: a CBOR Web Token (> 8 KiB),
 * named as such instead of a bad quote version. */
static void test_cbor_web_token(void)
{
	unsigned char *buf = calloc(1, 9000);
	tdx_quote *q = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	buf[0] = 0xD8; /* tag(61): CWT */
	buf[1] = 61;
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, 9000), TDX_E_NOT_SUPPORTED, "CBOR Web Token");
	CU_ASSERT_PTR_NULL(q);
	buf[0] = 0xD2; /* tag(18): COSE_Sign1 */
	TDX_ASSERT_FAILS(tdx_quote_parse(&q, buf, 9000), TDX_E_NOT_SUPPORTED, "tag 18");
	free(buf);
}

static void test_mutations(void)
{
	static const char *const files[] = { TRUSTEE_V4, V5_SAMPLE };
	static const unsigned char values[] = { 0x00, 0x01, 0x7f, 0xff };

	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		size_t len = 0, end;
		unsigned char *orig = read_vector(files[f], &len);
		unsigned char *buf = malloc(len);
		unsigned unexpected = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		end = len < 1400 ? len : 1400; /* through the PCK certification header */
		for (size_t off = 0; off < end; off++)
			for (size_t v = 0; v < ARRAY_LEN(values); v++) {
				tdx_quote *q = NULL;
				int rc;

				memcpy(buf, orig, len);
				buf[off] = values[v];
				rc = parse_copy(buf, len, &q);
				if (rc == TDX_OK) {
					char *json = quote_json(q);

					unexpected += !tdx_test_json_valid(json);
					unexpected += tdx_quote_size(q) +
						      tdx_quote_trailing_bytes(q) != len;
					free(json);
					tdx_quote_free(q);
				} else if ((rc != TDX_E_INVALID && rc != TDX_E_NOT_SUPPORTED) ||
					   q != NULL) {
					unexpected++;
				}
			}
		CU_ASSERT_EQUAL(unexpected, 0);
		free(buf);
		free(orig);
	}
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_real_quotes),
		TDX_TEST(test_signature_covers_body),
		TDX_TEST(test_spr_e4_pck_chain_matches_pem),
		TDX_TEST(test_every_truncation_fails),
		TDX_TEST(test_trailing_bytes_tolerated),
		TDX_TEST(test_header_errors),
		TDX_TEST(test_v5_body_errors),
		TDX_TEST(test_v5_body_type_2),
		TDX_TEST(test_length_field_errors),
		TDX_TEST(test_other_cert_data_type),
		TDX_TEST(test_accessor_errors),
		TDX_TEST(test_json),
		TDX_TEST(test_json_escapes_binary_cert_data),
		TDX_TEST(test_mutations),
		TDX_TEST(test_cbor_web_token),
		{ NULL, NULL },
	};

	tdx_test_vectors_required();
	return tdx_test_run("quote", tests);
}
