/* SPDX-License-Identifier: MIT */
/*
 * The emulated quoting enclave (see qe.h for the key derivation).  Every
 * part of a quote that does not depend on the TDREPORT (the QE report, its
 * PCK signature, the auth data and the PEM chain) is built once in
 * tdx__qe_create; a quote is then header | body | AK signature | that data.
 */
#include "emu/qe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "layout.h"

#define P256_COORD 32
#define AK_PUB_SIZE (2 * P256_COORD)
#define ECDSA_RAW_SIZE (2 * P256_COORD)
#define PLATFORM_ID_SIZE 16
#define QE_AUTH_DATA_SIZE 32
#define SGX_EXT_OID "1.2.840.113741.1.13.1"

/* Intel's QE vendor id: the format's value, which verifiers require. */
static const uint8_t qe_vendor_id[16] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
};

/*
 * The emulator's PKI has Intel's shape (verify.md §2.1): root, Platform CA,
 * PCK leaf, and a TCB Signing certificate for the collateral, with Intel's
 * common names, which strict verifiers require verbatim (go-tdx-guest).
 * What sets them apart is the organization, which says TEST ONLY, and the
 * keys: Intel's root never verifies them.
 */
static const char root_ikm[] = "libtdx emulator root CA";
static const char root_cn[] = "Intel SGX Root CA";
static const char ca_cn[] = "Intel SGX PCK Platform CA";
static const char pck_cn[] = "Intel SGX PCK Certificate";
static const char tcb_cn[] = "Intel SGX TCB Signing";
static const char cert_org[] = "libtdx emulator (TEST ONLY, not Intel)";
/* Fixed validity, so verification at any date in the range works anywhere. */
static const char not_before[] = "20200101000000Z";
static const char not_after[] = "20491231235959Z";

/*
 * QE report identity.  MRENCLAVE and MRSIGNER are readable ASCII, not
 * Intel's values, so a QE Identity policy for Intel's TD_QE rejects them;
 * ISVPRODID 2 (TD_QE) and the ATTRIBUTES/XFRM of Intel's production QE
 * keep the rest of the report shaped like the real one.
 */
static const char qe_mrenclave[32] = "libtdx emulated quoting enclave";
static const char qe_mrsigner[32] = "libtdx emulator QE signer";
#define QE_ISVPRODID 2
#define QE_ATTRIBUTES_FLAGS 0x15 /* INIT | MODE64BIT | PROVISIONKEY */
#define QE_ATTRIBUTES_XFRM 0xe7

struct tdx__qe {
	tdx__qe_params params;
	EVP_PKEY *ak;
	uint8_t ak_pub[AK_PUB_SIZE];
	uint8_t platform_id[PLATFORM_ID_SIZE];
	/* Type-6 certification data: the same in every quote of this QE. */
	uint8_t *cert_data;
	size_t cert_data_len;
	char *root_pem;
	char *chain_pem;
	/* The PKI, kept for the collateral (tdx__qe_collateral). */
	EVP_PKEY *root_key, *ca_key;
	X509 *root, *ca, *leaf;
	/* Built once per variant (index: the TDX_QE_COLLATERAL_* flags), so
	 * that repeated calls return the same bytes (ECDSA is randomised). */
	tdx__qe_collateral_doc collateral[4];
};

static void collateral_free(tdx__qe_collateral_doc *c);

void tdx__qe_params_default(tdx__qe_params *p)
{
	static const uint8_t svn[16] = { 3, 3, 2, 2, 4, 1, 0, 5 };

	memset(p, 0, sizeof(*p));
	memcpy(p->fmspc, "\x90\xc0\x6f\x00\x00\x00", sizeof(p->fmspc));
	p->pce_svn = 13;
	memcpy(p->cpu_svn, svn, sizeof(svn));
	memcpy(p->tcb_comp_svn, svn, sizeof(svn));
	p->qe_svn = 4;
	memcpy(p->ppid, "libtdx-emu-PPID!", sizeof(p->ppid));
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, (uint16_t)v);
	put_u16(p + 2, (uint16_t)(v >> 16));
}

/* Record an OpenSSL failure, with libcrypto's reason, and clear its queue. */
static int crypto_fail(const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[256] = "no libcrypto error recorded";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	return tdx__fail(TDX_E_NOMEM, "emulated QE: OpenSSL could not %s (%s); out of memory, "
			 "or libcrypto lacks its default provider", what, reason);
}

static int hkdf(const void *ikm, size_t ikm_len, const char *info, uint8_t *out, size_t n)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
						  strlen(info)),
		OSSL_PARAM_construct_end(),
	};
	int ok = ctx && EVP_KDF_derive(ctx, out, n, params) == 1;

	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return ok ? TDX_OK : crypto_fail("derive a key with HKDF-SHA256");
}

/*
 * A P-256 key pair from HKDF output: 48 bytes (so the reduction's bias is
 * negligible) reduced to [1, n-1].  pub, when not NULL, gets x||y.
 */
static int derive_p256(const void *ikm, size_t ikm_len, const char *info, EVP_PKEY **out,
		       uint8_t pub[AK_PUB_SIZE])
{
	uint8_t okm[48], point[1 + AK_PUB_SIZE];
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BN_CTX *bn = BN_CTX_new();
	BIGNUM *x = BN_new(), *nm1 = BN_new(), *d = BN_secure_new();
	EC_POINT *q = group ? EC_POINT_new(group) : NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	int rc;

	*out = NULL;
	if ((rc = hkdf(ikm, ikm_len, info, okm, sizeof(okm))))
		goto out;
	if (!bn || !x || !nm1 || !d || !q || !bld || !pctx ||
	    !BN_bin2bn(okm, sizeof(okm), x) || !BN_copy(nm1, EC_GROUP_get0_order(group)) ||
	    !BN_sub_word(nm1, 1) || !BN_nnmod(d, x, nm1, bn) || !BN_add_word(d, 1) ||
	    !EC_POINT_mul(group, q, d, NULL, NULL, bn) ||
	    EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point),
			       bn) != sizeof(point) ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, out, EVP_PKEY_KEYPAIR, params) != 1) {
		rc = crypto_fail("make a P-256 key pair from the derived scalar");
		goto out;
	}
	if (pub)
		memcpy(pub, point + 1, AK_PUB_SIZE);
out:
	OPENSSL_cleanse(okm, sizeof(okm));
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(q);
	BN_clear_free(d);
	BN_free(nm1);
	BN_clear_free(x);
	BN_CTX_free(bn);
	EC_GROUP_free(group);
	return rc;
}

/* ECDSA-P256/SHA-256 over msg, as the quote format's raw r||s. */
static int sign_raw(EVP_PKEY *key, const uint8_t *msg, size_t n, uint8_t sig[ECDSA_RAW_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[80];
	size_t der_len = sizeof(der);
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestSign(md, der, &der_len, msg, n) == 1 &&
		 (es = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) != NULL;

	if (ok) {
		ECDSA_SIG_get0(es, &r, &s);
		ok = BN_bn2binpad(r, sig, P256_COORD) == P256_COORD &&
		     BN_bn2binpad(s, sig + P256_COORD, P256_COORD) == P256_COORD;
	}
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return ok ? TDX_OK : crypto_fail("sign with ECDSA-P256/SHA-256");
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02X", b[i]);
}

/* One SEQUENCE { OID 1.2.840.113741.1.13.1.<oid>, value } section. */
static void sgx_pair(BIO *b, const char *section, const char *oid, const char *value)
{
	BIO_printf(b, "[%s]\noid = OID:" SGX_EXT_OID ".%s\nvalue = %s\n", section, oid, value);
}

/*
 * The SGX extension of Intel's PCK certificates (SGX PCK Certificate and
 * CRL Profile): a SEQUENCE of SEQUENCE { OID, value } for PPID, TCB (16
 * component SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC, SGX Type, Platform
 * Instance ID and Configuration, as an OpenSSL ASN1_generate config whose
 * top section is "sgx".  Values as in Intel's Platform-CA leaves: SGX Type
 * 1 (Scalable), dynamic platform and SMT on, cached keys off.
 */
static int sgx_ext_conf(const tdx__qe *qe, CONF **out)
{
	const tdx__qe_params *p = &qe->params;
	BIO *b = BIO_new(BIO_s_mem());
	char h[2 * 16 + 1], v[64], sec[16], oid[16];
	long eline = 0;

	*out = NULL;
	if (!b)
		return crypto_fail("allocate a memory BIO");
	BIO_puts(b, "[sgx]\nppid = SEQUENCE:ppid\ntcb = SEQUENCE:tcb\npceid = SEQUENCE:pceid\n"
		    "fmspc = SEQUENCE:fmspc\ntype = SEQUENCE:type\n"
		    "instance = SEQUENCE:instance\nconfig = SEQUENCE:config\n");
	hex(p->ppid, sizeof(p->ppid), h);
	snprintf(v, sizeof(v), "FORMAT:HEX,OCTETSTRING:%s", h);
	sgx_pair(b, "ppid", "1", v);
	sgx_pair(b, "tcb", "2", "SEQUENCE:tcb_items");
	BIO_puts(b, "[tcb_items]\n");
	for (int i = 1; i <= 18; i++)
		BIO_printf(b, "c%d = SEQUENCE:tcb%d\n", i, i);
	for (int i = 1; i <= 16; i++) {
		snprintf(sec, sizeof(sec), "tcb%d", i);
		snprintf(oid, sizeof(oid), "2.%d", i);
		snprintf(v, sizeof(v), "INTEGER:%u", p->tcb_comp_svn[i - 1]);
		sgx_pair(b, sec, oid, v);
	}
	snprintf(v, sizeof(v), "INTEGER:%u", p->pce_svn);
	sgx_pair(b, "tcb17", "2.17", v);
	hex(p->cpu_svn, sizeof(p->cpu_svn), h);
	snprintf(v, sizeof(v), "FORMAT:HEX,OCTETSTRING:%s", h);
	sgx_pair(b, "tcb18", "2.18", v);
	hex(p->pce_id, sizeof(p->pce_id), h);
	snprintf(v, sizeof(v), "FORMAT:HEX,OCTETSTRING:%s", h);
	sgx_pair(b, "pceid", "3", v);
	hex(p->fmspc, sizeof(p->fmspc), h);
	snprintf(v, sizeof(v), "FORMAT:HEX,OCTETSTRING:%s", h);
	sgx_pair(b, "fmspc", "4", v);
	sgx_pair(b, "type", "5", "ENUMERATED:1");
	hex(qe->platform_id, sizeof(qe->platform_id), h);
	snprintf(v, sizeof(v), "FORMAT:HEX,OCTETSTRING:%s", h);
	sgx_pair(b, "instance", "6", v);
	sgx_pair(b, "config", "7", "SEQUENCE:config_items");
	BIO_puts(b, "[config_items]\ndynamic = SEQUENCE:dynamic\ncached = SEQUENCE:cached\n"
		    "smt = SEQUENCE:smt\n");
	sgx_pair(b, "dynamic", "7.1", "BOOLEAN:TRUE");
	sgx_pair(b, "cached", "7.2", "BOOLEAN:FALSE");
	sgx_pair(b, "smt", "7.3", "BOOLEAN:TRUE");

	*out = NCONF_new(NULL);
	if (!*out || NCONF_load_bio(*out, b, &eline) != 1) {
		NCONF_free(*out);
		*out = NULL;
		BIO_free(b);
		return crypto_fail("build the PCK certificate's SGX extension");
	}
	BIO_free(b);
	return TDX_OK;
}

typedef struct cert_ext {
	const char *name; /* short name or dotted OID */
	const char *value; /* OpenSSL x509v3_config syntax */
} cert_ext;

/* Extensions of the root, as in Intel's SGX Root CA. */
static const cert_ext root_exts[] = {
	{ "subjectKeyIdentifier", "hash" },
	{ "authorityKeyIdentifier", "keyid:always" },
	{ "keyUsage", "critical,keyCertSign,cRLSign" },
	{ "basicConstraints", "critical,CA:TRUE,pathlen:1" },
};

/* The Platform CA's and the TCB Signing certificate's, as Intel's. */
static const cert_ext ca_exts[] = {
	{ "authorityKeyIdentifier", "keyid:always" },
	{ "crlDistributionPoints", "URI:https://libtdx.invalid/emulator/rootcacrl" },
	{ "subjectKeyIdentifier", "hash" },
	{ "keyUsage", "critical,keyCertSign,cRLSign" },
	{ "basicConstraints", "critical,CA:TRUE,pathlen:0" },
};
static const cert_ext tcb_exts[] = {
	{ "authorityKeyIdentifier", "keyid:always" },
	{ "crlDistributionPoints", "URI:https://libtdx.invalid/emulator/rootcacrl" },
	{ "subjectKeyIdentifier", "hash" },
	{ "keyUsage", "critical,digitalSignature,nonRepudiation" },
	{ "basicConstraints", "critical,CA:FALSE" },
};

/*
 * Intel's six PCK leaf extensions, in Intel's order (GTG requires exactly
 * six).  The CRL URL is under .invalid: the emulator's CRLs come with its
 * collateral (tdx__qe_collateral).
 */
static const cert_ext pck_exts[] = {
	{ "authorityKeyIdentifier", "keyid:always" },
	{ "crlDistributionPoints", "URI:https://libtdx.invalid/emulator/pckcrl" },
	{ "subjectKeyIdentifier", "hash" },
	{ "keyUsage", "critical,digitalSignature,nonRepudiation" },
	{ "basicConstraints", "critical,CA:FALSE" },
	{ SGX_EXT_OID, "ASN1:SEQUENCE:sgx" },
};

static int set_name(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
					  -1, -1, 0) == 1 &&
	       X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
					  (const unsigned char *)cert_org, -1, -1, 0) == 1;
}

/* A v3 certificate for `key`, issued by issuer/issuer_key (NULL: self-signed). */
static int make_cert(X509 **out, const char *cn, const uint8_t *serial, size_t serial_len,
		     EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, const cert_ext *exts,
		     size_t n_exts, CONF *conf)
{
	X509 *x = X509_new();
	BIGNUM *sn = BN_bin2bn(serial, (int)serial_len, NULL);
	X509V3_CTX ctx;
	int ok = x && sn && X509_set_version(x, X509_VERSION_3) == 1 &&
		 BN_to_ASN1_INTEGER(sn, X509_get_serialNumber(x)) &&
		 set_name(X509_get_subject_name(x), cn) &&
		 X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x)) == 1 &&
		 ASN1_TIME_set_string_X509(X509_getm_notBefore(x), not_before) == 1 &&
		 ASN1_TIME_set_string_X509(X509_getm_notAfter(x), not_after) == 1 &&
		 X509_set_pubkey(x, key) == 1;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	for (size_t i = 0; ok && i < n_exts; i++) {
		X509_EXTENSION *e = X509V3_EXT_nconf(conf, &ctx, exts[i].name, exts[i].value);

		ok = e && X509_add_ext(x, e, -1) == 1;
		X509_EXTENSION_free(e);
	}
	ok = ok && X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	BN_free(sn);
	if (!ok) {
		X509_free(x);
		return crypto_fail("build an emulator certificate");
	}
	*out = x;
	return TDX_OK;
}

static int cert_pem(X509 *x, char **out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;

	*out = NULL;
	if (!b || PEM_write_bio_X509(b, x) != 1 || (n = BIO_get_mem_data(b, &data)) <= 0 ||
	    !(*out = malloc((size_t)n + 1))) {
		BIO_free(b);
		return crypto_fail("write a certificate as PEM");
	}
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	BIO_free(b);
	return TDX_OK;
}

/* Root, Platform CA and PCK leaf; sets qe->root_pem and qe->chain_pem
 * (leaf, CA, root, as Intel's quotes carry them). */
static int build_chain(tdx__qe *qe, EVP_PKEY *pck, const uint8_t seed[TDX_QE_SEED_SIZE])
{
	static const uint8_t root_serial[] = { 0x01 }, ca_serial[] = { 0x02 };
	uint8_t pck_serial[16];
	CONF *conf = NULL;
	char *leaf_pem = NULL, *ca_pem = NULL;
	int rc;

	if ((rc = derive_p256(root_ikm, strlen(root_ikm), "libtdx emulator root CA key",
			      &qe->root_key, NULL)) ||
	    (rc = derive_p256(root_ikm, strlen(root_ikm), "libtdx emulator PCK platform CA key",
			      &qe->ca_key, NULL)) ||
	    (rc = hkdf(seed, TDX_QE_SEED_SIZE, "libtdx emulator PCK serial", pck_serial,
		       sizeof(pck_serial))))
		goto out;
	/* A positive 16-byte serial (RFC 5280: positive, at most 20 bytes). */
	pck_serial[0] = (uint8_t)((pck_serial[0] & 0x7f) | 0x40);
	if ((rc = sgx_ext_conf(qe, &conf)) ||
	    (rc = make_cert(&qe->root, root_cn, root_serial, sizeof(root_serial), qe->root_key,
			    NULL, NULL, root_exts, TDX_ARRAY_SIZE(root_exts), NULL)) ||
	    (rc = make_cert(&qe->ca, ca_cn, ca_serial, sizeof(ca_serial), qe->ca_key, qe->root,
			    qe->root_key, ca_exts, TDX_ARRAY_SIZE(ca_exts), NULL)) ||
	    (rc = make_cert(&qe->leaf, pck_cn, pck_serial, sizeof(pck_serial), pck, qe->ca,
			    qe->ca_key, pck_exts, TDX_ARRAY_SIZE(pck_exts), conf)) ||
	    (rc = cert_pem(qe->root, &qe->root_pem)) || (rc = cert_pem(qe->ca, &ca_pem)) ||
	    (rc = cert_pem(qe->leaf, &leaf_pem)))
		goto out;
	qe->chain_pem = malloc(strlen(leaf_pem) + strlen(ca_pem) + strlen(qe->root_pem) + 1);
	if (!qe->chain_pem) {
		rc = tdx__fail(TDX_E_NOMEM, "emulated QE: out of memory for the PCK chain");
		goto out;
	}
	strcpy(qe->chain_pem, leaf_pem);
	strcat(qe->chain_pem, ca_pem);
	strcat(qe->chain_pem, qe->root_pem);
out:
	free(leaf_pem);
	free(ca_pem);
	NCONF_free(conf);
	return rc;
}

/*
 * QE report (bound to the AK by report data = SHA-256(AK || auth data)) |
 * its PCK signature | auth data | type 5 PCK chain.
 */
static int build_cert_data(tdx__qe *qe, EVP_PKEY *pck)
{
	uint8_t bind[AK_PUB_SIZE + QE_AUTH_DATA_SIZE];
	uint8_t *auth = bind + AK_PUB_SIZE, *r, *p;
	size_t pem_len = strlen(qe->chain_pem);
	int rc;

	qe->cert_data_len = QE_REPORT_SIZE + QE_REPORT_SIG_SIZE + 2 + QE_AUTH_DATA_SIZE + 2 + 4 +
			    pem_len;
	r = qe->cert_data = calloc(1, qe->cert_data_len);
	if (!r)
		return tdx__fail(TDX_E_NOMEM, "emulated QE: out of memory for certification data");
	memcpy(r + QR_CPUSVN, qe->params.cpu_svn, sizeof(qe->params.cpu_svn));
	r[QR_ATTRIBUTES] = QE_ATTRIBUTES_FLAGS;
	r[QR_ATTRIBUTES + 8] = QE_ATTRIBUTES_XFRM;
	memcpy(r + QR_MRENCLAVE, qe_mrenclave, sizeof(qe_mrenclave));
	memcpy(r + QR_MRSIGNER, qe_mrsigner, sizeof(qe_mrsigner));
	put_u16(r + QR_ISVPRODID, QE_ISVPRODID);
	put_u16(r + QR_ISVSVN, qe->params.qe_svn);
	memcpy(bind, qe->ak_pub, AK_PUB_SIZE);
	for (int i = 0; i < QE_AUTH_DATA_SIZE; i++)
		auth[i] = (uint8_t)i;
	if (EVP_Digest(bind, sizeof(bind), r + QR_REPORT_DATA, NULL, EVP_sha256(), NULL) != 1)
		return crypto_fail("hash the attestation key with SHA-256");
	if ((rc = sign_raw(pck, r, QE_REPORT_SIZE, r + QE_REPORT_SIZE)))
		return rc;
	p = r + QE_REPORT_SIZE + QE_REPORT_SIG_SIZE;
	put_u16(p, QE_AUTH_DATA_SIZE);
	memcpy(p + 2, auth, QE_AUTH_DATA_SIZE);
	p += 2 + QE_AUTH_DATA_SIZE;
	put_u16(p, CERT_TYPE_PCK_CHAIN);
	put_u32(p + 2, (uint32_t)pem_len);
	memcpy(p + 6, qe->chain_pem, pem_len);
	return TDX_OK;
}

int tdx__qe_create(tdx__qe **out, const uint8_t seed[TDX_QE_SEED_SIZE],
		   const tdx__qe_params *params)
{
	EVP_PKEY *pck = NULL;
	tdx__qe *qe;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !seed)
		return tdx__fail(TDX_E_INVALID, "emulated QE: out and seed must not be NULL");
	qe = calloc(1, sizeof(*qe));
	if (!qe)
		return tdx__fail(TDX_E_NOMEM, "emulated QE: out of memory");
	if (params)
		qe->params = *params;
	else
		tdx__qe_params_default(&qe->params);
	if ((rc = derive_p256(seed, TDX_QE_SEED_SIZE, "libtdx emulator attestation key", &qe->ak,
			      qe->ak_pub)) ||
	    (rc = derive_p256(seed, TDX_QE_SEED_SIZE, "libtdx emulator PCK key", &pck, NULL)) ||
	    (rc = hkdf(seed, TDX_QE_SEED_SIZE, "libtdx emulator platform id", qe->platform_id,
		       sizeof(qe->platform_id))) ||
	    (rc = build_chain(qe, pck, seed)) || (rc = build_cert_data(qe, pck))) {
		EVP_PKEY_free(pck);
		tdx__qe_destroy(qe);
		return rc;
	}
	EVP_PKEY_free(pck);
	*out = qe;
	return TDX_OK;
}

void tdx__qe_destroy(tdx__qe *qe)
{
	if (!qe)
		return;
	EVP_PKEY_free(qe->ak);
	EVP_PKEY_free(qe->root_key);
	EVP_PKEY_free(qe->ca_key);
	X509_free(qe->root);
	X509_free(qe->ca);
	X509_free(qe->leaf);
	for (size_t i = 0; i < TDX_ARRAY_SIZE(qe->collateral); i++)
		collateral_free(&qe->collateral[i]);
	free(qe->cert_data);
	free(qe->root_pem);
	free(qe->chain_pem);
	free(qe);
}

const char *tdx__qe_root_pem(const tdx__qe *qe)
{
	return qe ? qe->root_pem : NULL;
}

const char *tdx__qe_pck_chain_pem(const tdx__qe *qe)
{
	return qe ? qe->chain_pem : NULL;
}

/* Copy the TD quote body fields out of the TDREPORT (body type 2 or 3). */
static void fill_body(uint8_t *body, const uint8_t *rep, int tdx15)
{
	static const struct {
		unsigned short body, report, size;
	} map[] = {
		{ QB_TEE_TCB_SVN, TEE_TCB_INFO_OFF + TT_TEE_TCB_SVN, 16 },
		{ QB_MRSEAM, TEE_TCB_INFO_OFF + TT_MRSEAM, SHA384_SIZE },
		{ QB_MRSIGNERSEAM, TEE_TCB_INFO_OFF + TT_MRSIGNERSEAM, SHA384_SIZE },
		{ QB_SEAM_ATTRIBUTES, TEE_TCB_INFO_OFF + TT_ATTRIBUTES, 8 },
		{ QB_TD_ATTRIBUTES, TDINFO_OFF + TI_ATTRIBUTES, 8 },
		{ QB_XFAM, TDINFO_OFF + TI_XFAM, 8 },
		{ QB_MRTD, TDINFO_OFF + TI_MRTD, SHA384_SIZE },
		{ QB_MRCONFIGID, TDINFO_OFF + TI_MRCONFIGID, SHA384_SIZE },
		{ QB_MROWNER, TDINFO_OFF + TI_MROWNER, SHA384_SIZE },
		{ QB_MROWNERCONFIG, TDINFO_OFF + TI_MROWNERCONFIG, SHA384_SIZE },
		{ QB_RTMR, TDINFO_OFF + TI_RTMR, RTMR_COUNT * SHA384_SIZE },
		{ QB_REPORT_DATA, REPORTMAC_OFF + RM_REPORT_DATA, REPORT_DATA_SIZE },
		/* TDX 1.5 body only: */
		{ QB_TEE_TCB_SVN2, TEE_TCB_INFO_OFF + TT_TEE_TCB_SVN2, 16 },
		{ QB_MRSERVICETD, TDINFO_OFF + TI_SERVTD_HASH, SHA384_SIZE },
	};
	size_t n = TDX_ARRAY_SIZE(map) - (tdx15 ? 0 : 2);

	for (size_t i = 0; i < n; i++)
		memcpy(body + map[i].body, rep + map[i].report, map[i].size);
}

int tdx__qe_quote(tdx__qe *qe, const uint8_t *tdreport, size_t report_len, int version,
		  uint8_t *out, size_t cap, size_t *len)
{
	size_t body_off, signed_len, sig_len, need;
	uint8_t *sig;

	if (!qe || !tdreport || !len || (!out && cap))
		return tdx__fail(TDX_E_INVALID, "emulated QE: qe, tdreport and len must not be "
				 "NULL (out may be NULL only when cap is 0)");
	if (report_len != TDREPORT_SIZE)
		return tdx__fail(TDX_E_INVALID, "emulated QE: a TDREPORT is %d bytes, got %zu",
				 TDREPORT_SIZE, report_len);
	if (tdreport[REPORTMAC_OFF + RM_REPORT_TYPE] != REPORT_TYPE_TDX)
		return tdx__fail(TDX_E_INVALID, "emulated QE: report type is 0x%02x, not TDX (0x81); "
				 "pass a TDREPORT from TDG.MR.REPORT",
				 tdreport[REPORTMAC_OFF + RM_REPORT_TYPE]);
	if (version != 4 && version != 5)
		return tdx__fail(TDX_E_INVALID, "emulated QE: quote version %d is not supported; "
				 "use 4 or 5", version);

	body_off = version == 4 ? QUOTE_V4_BODY : QUOTE_V5_BODY;
	signed_len = body_off + (version == 4 ? QUOTE_BODY_TDX10_SIZE : QUOTE_BODY_TDX15_SIZE);
	sig_len = QS_CERT_DATA + qe->cert_data_len;
	need = signed_len + 4 + sig_len;
	*len = need;
	if (cap < need)
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "emulated QE: the quote needs %zu bytes, "
				 "the buffer holds %zu; retry with a buffer of the size in *len",
				 need, cap);

	memset(out, 0, signed_len);
	put_u16(out + QH_VERSION, (uint16_t)version);
	put_u16(out + QH_ATT_KEY_TYPE, QUOTE_ATT_KEY_ECDSA_P256);
	put_u32(out + QH_TEE_TYPE, QUOTE_TEE_TYPE_TDX);
	/* go-tdx-guest reads the reserved bytes as PCE SVN, QE SVN. */
	put_u16(out + QH_RESERVED, qe->params.pce_svn);
	put_u16(out + QH_RESERVED + 2, qe->params.qe_svn);
	memcpy(out + QH_QE_VENDOR_ID, qe_vendor_id, sizeof(qe_vendor_id));
	memcpy(out + QH_USER_DATA, qe->platform_id, sizeof(qe->platform_id));
	if (version == 5) {
		put_u16(out + QUOTE_V5_BODY_TYPE, QUOTE_BODY_TYPE_TDX15);
		put_u32(out + QUOTE_V5_BODY_SIZE, QUOTE_BODY_TDX15_SIZE);
	}
	fill_body(out + body_off, tdreport, version == 5);

	put_u32(out + signed_len, (uint32_t)sig_len);
	sig = out + signed_len + 4;
	memcpy(sig + QS_ATTESTATION_KEY, qe->ak_pub, AK_PUB_SIZE);
	put_u16(sig + QS_CERT_TYPE, CERT_TYPE_QE_REPORT);
	put_u32(sig + QS_CERT_SIZE, (uint32_t)qe->cert_data_len);
	memcpy(sig + QS_CERT_DATA, qe->cert_data, qe->cert_data_len);
	return sign_raw(qe->ak, out, signed_len, sig + QS_SIGNATURE);
}

/* ---- collateral: what Intel's PCS serves for a platform, for this one ---- */

/* Valid as long as the certificates, so verification works at any date. */
static const char col_issue[] = "2020-01-01T00:00:00Z";
static const char col_next[] = "2049-12-31T23:59:59Z";
static const char col_tcb_date[] = "2025-01-01T00:00:00Z";
static const char col_newer_date[] = "2026-01-01T00:00:00Z";
static const char col_advisory[] = "LIBTDX-EMU-SA-0001";
static const char col_behind_advisory[] = "LIBTDX-EMU-SA-0002";

static int crl_der_hex(X509 *issuer, EVP_PKEY *key, X509 *revoked, char **out)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509V3_CTX ctx;
	X509_EXTENSION *aki = NULL;
	unsigned char *der = NULL;
	int n = -1, ok;

	*out = NULL;
	ok = crl && t && num && X509_CRL_set_version(crl, 1) == 1 &&
	     X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) == 1 &&
	     ASN1_TIME_set_string_X509(t, not_before) == 1 && X509_CRL_set1_lastUpdate(crl, t) == 1 &&
	     ASN1_TIME_set_string_X509(t, not_after) == 1 && X509_CRL_set1_nextUpdate(crl, t) == 1 &&
	     ASN1_INTEGER_set(num, 1) == 1 &&
	     X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) == 1;
	if (ok) {
		X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
		aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
		ok = aki && X509_CRL_add_ext(crl, aki, -1) == 1;
	}
	if (ok && revoked) {
		X509_REVOKED *r = X509_REVOKED_new();

		ok = r && X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked)) == 1 &&
		     ASN1_TIME_set_string_X509(t, not_before) == 1 &&
		     X509_REVOKED_set_revocationDate(r, t) == 1 && X509_CRL_add0_revoked(crl, r) == 1;
		if (!ok)
			X509_REVOKED_free(r);
	}
	ok = ok && X509_CRL_sort(crl) == 1 && X509_CRL_sign(crl, key, EVP_sha256()) > 0 &&
	     (n = i2d_X509_CRL(crl, &der)) > 0 && (*out = malloc(2 * (size_t)n + 1)) != NULL;
	if (ok) {
		for (int i = 0; i < n; i++)
			snprintf(*out + 2 * i, 3, "%02x", der[i]);
	}
	OPENSSL_free(der);
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return ok ? TDX_OK : crypto_fail("build an emulator CRL");
}

/* n SVNs as a TCB Info component array. */
static void put_components(FILE *f, const uint8_t *svn)
{
	fputc('[', f);
	for (int i = 0; i < 16; i++)
		fprintf(f, "%s{\"svn\":%u}", i ? "," : "", svn ? svn[i] : 0);
	fputc(']', f);
}

/* A module identity's or QE's level list: current SVN UpToDate, 0 OutOfDate. */
static void put_isv_levels(FILE *f, unsigned svn)
{
	fprintf(f, "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%u},\"tcbDate\":\"%s\",\"tcbStatus\":"
		   "\"UpToDate\"},{\"tcb\":{\"isvsvn\":0},\"tcbDate\":\"%s\",\"tcbStatus\":"
		   "\"OutOfDate\",\"advisoryIDs\":[\"%s\"]}]", svn, col_tcb_date, col_issue,
		col_advisory);
}

/*
 * TCB Info (v3, TDX) as PCS would serve it for this platform: two levels,
 * this platform's TCB (UpToDate) and an all-zero one (OutOfDate, with an
 * advisory); the module identity TDX_<major> likewise.
 */
static char *tcb_info_text(const tdx__qe *qe, const uint8_t tee[16], int out_of_date)
{
	const tdx__qe_params *p = &qe->params;
	char fmspc[13], pceid[5], *text = NULL;
	static const char zeros48[] = "0000000000000000000000000000000000000000000000000000000000"
				      "00000000000000000000000000000000000000";
	size_t n;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return NULL;
	hex(p->fmspc, 6, fmspc);
	hex(p->pce_id, 2, pceid);
	fprintf(f, "{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
		   "\"fmspc\":\"%s\",\"pceId\":\"%s\",\"tcbType\":0,\"tcbEvaluationDataNumber\":1,"
		   "\"tdxModule\":{\"mrsigner\":\"%s\",\"attributes\":\"0000000000000000\","
		   "\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},\"tdxModuleIdentities\":[{\"id\":"
		   "\"TDX_%02X\",\"mrsigner\":\"%s\",\"attributes\":\"0000000000000000\","
		   "\"attributesMask\":\"FFFFFFFFFFFFFFFF\",", col_issue, col_next, fmspc, pceid,
		zeros48, tee[1] ? tee[1] : 1, zeros48);
	put_isv_levels(f, tee[0]);
	fprintf(f, "}],\"tcbLevels\":[");
	if (out_of_date) { /* a newer level: SGX component 0 one higher */
		uint8_t newer[16];

		memcpy(newer, p->tcb_comp_svn, 16);
		newer[0]++;
		fprintf(f, "{\"tcb\":{\"sgxtcbcomponents\":");
		put_components(f, newer);
		fprintf(f, ",\"pcesvn\":%u,\"tdxtcbcomponents\":", p->pce_svn);
		put_components(f, tee);
		fprintf(f, "},\"tcbDate\":\"%s\",\"tcbStatus\":\"UpToDate\"},", col_newer_date);
	}
	fprintf(f, "{\"tcb\":{\"sgxtcbcomponents\":");
	put_components(f, p->tcb_comp_svn);
	fprintf(f, ",\"pcesvn\":%u,\"tdxtcbcomponents\":", p->pce_svn);
	put_components(f, tee);
	if (out_of_date)
		fprintf(f, "},\"tcbDate\":\"%s\",\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"%s\"]},",
			col_tcb_date, col_behind_advisory);
	else
		fprintf(f, "},\"tcbDate\":\"%s\",\"tcbStatus\":\"UpToDate\"},", col_tcb_date);
	fprintf(f, "{\"tcb\":{\"sgxtcbcomponents\":");
	put_components(f, NULL);
	fprintf(f, ",\"pcesvn\":0,\"tdxtcbcomponents\":");
	put_components(f, NULL);
	fprintf(f, "},\"tcbDate\":\"%s\",\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"%s\"]}]}",
		col_issue, col_advisory);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* QE Identity (v2, TD_QE) matching this QE's report. */
static char *qe_identity_text(const tdx__qe *qe)
{
	const uint8_t *r = qe->cert_data;
	char attrs[33], mrsigner[65], *text = NULL;
	size_t n;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return NULL;
	/* The identity's attributes are the QE's under the mask (Intel's
	 * mask leaves out MODE64BIT, flags bit 2, and the XFRM). */
	{
		static const uint8_t mask[16] = { 0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
		uint8_t masked[16];

		for (int i = 0; i < 16; i++)
			masked[i] = r[QR_ATTRIBUTES + i] & mask[i];
		hex(masked, 16, attrs);
	}
	hex(r + QR_MRSIGNER, 32, mrsigner);
	fprintf(f, "{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
		   "\"tcbEvaluationDataNumber\":1,\"miscselect\":\"00000000\",\"miscselectMask\":"
		   "\"FFFFFFFF\",\"attributes\":\"%s\",\"attributesMask\":"
		   "\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"%s\",\"isvprodid\":%u,",
		col_issue, col_next, attrs, mrsigner, QE_ISVPRODID);
	put_isv_levels(f, qe->params.qe_svn);
	fputc('}', f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static char *sig_hex(EVP_PKEY *key, const char *text, int *rc)
{
	uint8_t sig[ECDSA_RAW_SIZE];
	char *h = malloc(2 * sizeof(sig) + 1);

	*rc = h ? sign_raw(key, (const uint8_t *)text, strlen(text), sig)
		: tdx__fail(TDX_E_NOMEM, "emulated PCS: out of memory");
	if (*rc) {
		free(h);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(sig); i++)
		snprintf(h + 2 * i, 3, "%02x", sig[i]);
	return h;
}

static int tcb_signing_key(EVP_PKEY **key)
{
	return derive_p256(root_ikm, strlen(root_ikm), "libtdx emulator TCB signing key", key, NULL);
}

int tdx__qe_tcb_sign(const char *text, char **sig)
{
	EVP_PKEY *key = NULL;
	int rc = tcb_signing_key(&key);

	*sig = rc ? NULL : sig_hex(key, text, &rc);
	EVP_PKEY_free(key);
	return rc;
}

static char *concat(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);

	if (s) {
		strcpy(s, a);
		strcat(s, b);
	}
	return s;
}

static int build_collateral(tdx__qe *qe, const uint8_t tee_tcb_svn[16], unsigned flags,
			    tdx__qe_collateral_doc *c)
{
	static const uint8_t tcb_serial[] = { 0x03 };
	EVP_PKEY *tcb_key = NULL;
	X509 *tcb = NULL;
	char *ca_pem = NULL, *tcb_pem = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = tcb_signing_key(&tcb_key)) ||
	    (rc = make_cert(&tcb, tcb_cn, tcb_serial, sizeof(tcb_serial), tcb_key, qe->root,
			    qe->root_key, tcb_exts, TDX_ARRAY_SIZE(tcb_exts), NULL)) ||
	    (rc = cert_pem(tcb, &tcb_pem)) || (rc = cert_pem(qe->ca, &ca_pem)) ||
	    (rc = crl_der_hex(qe->root, qe->root_key, NULL, &c->root_ca_crl)) ||
	    (rc = crl_der_hex(qe->ca, qe->ca_key,
			      flags & TDX_QE_COLLATERAL_REVOKE_PCK ? qe->leaf : NULL, &c->pck_crl)))
		goto out;
	c->pck_crl_issuer_chain = concat(ca_pem, qe->root_pem);
	c->tcb_info_issuer_chain = concat(tcb_pem, qe->root_pem);
	c->qe_identity_issuer_chain = concat(tcb_pem, qe->root_pem);
	c->tcb_info = tcb_info_text(qe, tee_tcb_svn, flags & TDX_QE_COLLATERAL_OUT_OF_DATE);
	c->qe_identity = qe_identity_text(qe);
	if (!c->pck_crl_issuer_chain || !c->tcb_info_issuer_chain || !c->qe_identity_issuer_chain ||
	    !c->tcb_info || !c->qe_identity) {
		rc = tdx__fail(TDX_E_NOMEM, "emulated PCS: out of memory for the collateral");
		goto out;
	}
	if (!(rc = tdx__qe_tcb_sign(c->tcb_info, &c->tcb_info_signature)))
		rc = tdx__qe_tcb_sign(c->qe_identity, &c->qe_identity_signature);
out:
	if (rc)
		collateral_free(c);
	free(ca_pem);
	free(tcb_pem);
	X509_free(tcb);
	EVP_PKEY_free(tcb_key);
	return rc;
}

const tdx__qe_collateral_doc *tdx__qe_collateral(tdx__qe *qe, const uint8_t tee_tcb_svn[16],
						  unsigned flags)
{
	tdx__qe_collateral_doc *c = &qe->collateral[flags & 3];

	if (!c->tcb_info && build_collateral(qe, tee_tcb_svn, flags & 3, c))
		return NULL;
	return c;
}

static void collateral_free(tdx__qe_collateral_doc *c)
{
	free(c->pck_crl_issuer_chain);
	free(c->root_ca_crl);
	free(c->pck_crl);
	free(c->tcb_info_issuer_chain);
	free(c->tcb_info);
	free(c->tcb_info_signature);
	free(c->qe_identity_issuer_chain);
	free(c->qe_identity);
	free(c->qe_identity_signature);
	memset(c, 0, sizeof(*c));
}
