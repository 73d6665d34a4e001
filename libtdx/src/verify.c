/* SPDX-License-Identifier: MIT */
/*
 * Offline TD quote verification (<tdx/verify.h>), step by step as
 * ../shared/reference/verify.md describes Intel's QVL: the section numbers
 * below are that file's.  Certificates, CRLs, ECDSA and hashes are
 * OpenSSL's; this file decides what to check and in which order.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tdx/verify.h>

#include "hexjson.h"
#include "jsonparse.h"
#include "layout.h"
#include "parse_cache.h"
#include "pck.h"
#include "verify_internal.h"

#define MAX_LEVELS 256

static const uint8_t intel_qe_vendor[16] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
};

static const char *const step_names[TDX_VERIFY_STEPS] = {
	"quote_format", "pck_chain", "qe_report_signature", "qe_report_data", "quote_signature",
	"crls", "collateral", "qe_identity", "tdx_module", "tcb_level", "policy",
};

/* tcbStatus strings, indexed by tdx_tcb_status. */
static const char *const status_names[] = {
	"Unknown", "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded",
	"ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked",
	"NotSupported", "TDRelaunchAdvised", "TDRelaunchAdvisedConfigurationNeeded",
};

struct tdx_verify_result {
	int status;
	int outcome[TDX_VERIFY_STEPS];
	int error[TDX_VERIFY_STEPS];
	char *message[TDX_VERIFY_STEPS];
	int tcb_status;
	char **advisories;
	size_t nadvisories;
	char *tcb_date;
	int tcb_level;
	char *explanation;
	tdx_pck *pck;
};

/* One TCB level of TCB Info, as QVL orders them. */
typedef struct level {
	const tdx__jval *json;
	int index;              /* in the JSON array */
	uint8_t sgx[16], tdx[16];
	unsigned pcesvn;
	int status;
	const char *date;
} level;

typedef struct ctx {
	const tdx_quote *q;
	const tdx_verify_opts *o;
	tdx_verify_result *r;
	int64_t at;
	STACK_OF(X509) *roots;
	STACK_OF(X509) *chain; /* the quote's PCK chain: leaf, CA, root */
	X509 *leaf, *ca;
	STACK_OF(X509_CRL) *crls;
	tdx__jval *doc, *tcb_doc, *qe_doc;
	const tdx__jval *tcb, *qe; /* tcbInfo, enclaveIdentity objects */
	X509 *tcb_signer;
	level *levels;
	size_t nlevels;
	int qe_status, module_status;  /* tdx_tcb_status; NOT_SUPPORTED: none */
	const tdx__jval *module_identity, *qe_level, *module_level;
} ctx;

/* ---- results ---- */

/* What a step found: its outcome, its error code (failures) and words. */
static void record(ctx *c, int step, int outcome, int code, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	free(c->r->message[step]);
	c->r->message[step] = msg;
	c->r->outcome[step] = outcome;
	c->r->error[step] = code;
}

__attribute__((format(printf, 3, 4)))
static void pass(ctx *c, int step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(c, step, TDX_STEP_PASSED, TDX_OK, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static void skip(ctx *c, int step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(c, step, TDX_STEP_SKIPPED, TDX_OK, fmt, ap);
	va_end(ap);
}

/* A failing step: recorded in the result and returned (the run stops). */
__attribute__((format(printf, 4, 5)))
static int fail(ctx *c, int step, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(c, step, TDX_STEP_FAILED, code, fmt, ap);
	va_end(ap);
	return code;
}

/* SHA-256, fetched once: each implicit fetch (EVP_sha256()) takes locks. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
	pthread_once(&sha256_once, fetch_sha256);
	return sha256_md ? sha256_md : EVP_sha256();
}

/* ---- time ---- */

static int64_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return INT64_MIN;
	return (int64_t)timegm(&tm);
}

static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == INT64_MIN || !gmtime_r(&tt, &tm))
		snprintf(out, 32, "(none)");
	else
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* RFC 3339 "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)"; INT64_MIN if not. */
static int64_t parse_time(const char *s)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, n = 0, off = 0;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return INT64_MIN;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 + ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '+')
			off = -off;
	} else {
		return INT64_MIN;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm) + off;
}

/* ---- small helpers ---- */

static const char *jstr(const tdx__jval *obj, const char *key)
{
	const tdx__jval *v = tdx__jval_get(obj, key);

	return v && v->type == TDX_JV_STRING ? v->str : NULL;
}

/* A non-negative integer member (<= max), or -1. */
static long long jint(const tdx__jval *obj, const char *key, long long max)
{
	const tdx__jval *v = tdx__jval_get(obj, key);

	if (!v || v->type != TDX_JV_NUMBER || v->num < 0 || v->num > (double)max ||
	    v->num != (double)(long long)v->num)
		return -1;
	return (long long)v->num;
}

static int status_of(const char *s)
{
	for (int i = TDX_TCB_UP_TO_DATE; i <= TDX_TCB_REVOKED; i++)
		if (s && !strcmp(s, status_names[i]))
			return i;
	return TDX_TCB_UNKNOWN;
}

static const char *cn_of(X509 *x, char *buf, size_t n)
{
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, (int)n) < 0)
		snprintf(buf, n, "(no CN)");
	return buf;
}

/* ECDSA P-256/SHA-256 of msg with a raw r||s signature. */
static int ecdsa_ok(EVP_PKEY *key, const uint8_t *msg, size_t n, const uint8_t sig[64])
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int len, ok = 0;

	if (s && r && ss && ECDSA_SIG_set0(s, r, ss)) {
		r = ss = NULL;
		len = i2d_ECDSA_SIG(s, &der);
		ok = len > 0 && md && EVP_DigestVerifyInit(md, NULL, sha256(), NULL, key) == 1 &&
		     EVP_DigestVerify(md, der, (size_t)len, msg, n) == 1;
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return ok;
}

/* The attestation key: raw x||y on P-256 (rejected off the curve). */
static EVP_PKEY *raw_p256(const uint8_t xy[64])
{
	uint8_t point[65] = { 0x04 };
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	memcpy(point + 1, xy, 64);
	if (b && kc && OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) &&
	    (params = OSSL_PARAM_BLD_to_param(b)) && EVP_PKEY_fromdata_init(kc) == 1 &&
	    EVP_PKEY_fromdata(kc, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
	if (key) { /* fromdata does not check the point: is it on the curve? */
		EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

		if (!chk || EVP_PKEY_public_check_quick(chk) != 1) {
			EVP_PKEY_free(key);
			key = NULL;
		}
		EVP_PKEY_CTX_free(chk);
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(kc);
	return key;
}

/* Every certificate in buf (PEM blocks, or concatenated DER). */
static STACK_OF(X509) *read_certs(const uint8_t *buf, size_t len)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	size_t off = 0;

	while (sk && off < len) {
		size_t used = 0;
		X509 *x;

		while (off < len && (buf[off] == '\n' || buf[off] == '\r' || buf[off] == ' ' ||
				     buf[off] == '\0'))
			off++;
		if (off >= len)
			break;
		x = tdx__x509_read(buf + off, len - off, &used);
		if (!x || !used) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
		sk_X509_push(sk, x);
		off += used;
	}
	return sk;
}

static int crl_up_ref(void *crl)
{
	return X509_CRL_up_ref(crl);
}

static void crl_free(void *crl)
{
	X509_CRL_free(crl);
}

/* CRLs by their DER: PCS's PCK CRL lists dozens of serials and is the
 * same for every quote of a platform CA. */
static tdx__parse_cache crl_cache = TDX__PARSE_CACHE_INIT(crl_up_ref, crl_free);

static X509_CRL *d2i_crl_cached(const uint8_t *der, size_t len, size_t *used)
{
	const unsigned char *p = der;
	X509_CRL *crl;
	long plen;
	int tag, cls;

	if (ASN1_get_object(&p, &plen, &tag, &cls, (long)len) & 0x80 ||
	    (size_t)(p - der) + (size_t)plen > len)
		return NULL;
	len = (size_t)(p - der) + (size_t)plen;
	crl = tdx__parse_cache_get(&crl_cache, der, len);
	if (!crl) {
		p = der;
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (!crl || p != der + len) {
			X509_CRL_free(crl);
			return NULL;
		}
		tdx__parse_cache_put(&crl_cache, der, len, crl);
	}
	*used = len;
	return crl;
}

/* Every CRL in buf (PEM blocks, or concatenated DER), appended to sk. */
static int read_crls(STACK_OF(X509_CRL) *sk, const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		X509_CRL *crl = NULL;

		while (off < len && (buf[off] == '\n' || buf[off] == '\r' || buf[off] == ' '))
			off++;
		if (off >= len)
			break;
		if (buf[off] == 0x30) {
			size_t used = 0;

			crl = d2i_crl_cached(buf + off, len - off, &used);
			off += used;
		} else {
			BIO *b = BIO_new_mem_buf(buf + off, (int)(len - off));

			crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
			if (crl)
				off = len - (size_t)BIO_pending(b);
			BIO_free(b);
		}
		if (!crl)
			return -1;
		sk_X509_CRL_push(sk, crl);
	}
	return 0;
}

/* A hex-of-DER CRL from the collateral, if present. */
static int collateral_crl(ctx *c, const char *key)
{
	const char *hex = jstr(c->doc, key);
	size_t n;
	uint8_t *der;
	int rc;

	if (!hex)
		return 0;
	n = strlen(hex) / 2;
	der = malloc(n ? n : 1);
	if (!der)
		return -1;
	rc = tdx__unhex(hex, der, n) || read_crls(c->crls, der, n) ? -1 : 0;
	free(der);
	return rc;
}

/* ---- a memo of deterministic results ----
 *
 * A verifier meets the same platforms again and again: the same PCK chain,
 * the same QE report (one per QE, not per quote) and attestation key.  Path
 * validation is a function of the certificates, the trust anchors and the
 * time, and the time matters only through the validity windows, so a chain
 * that verified is remembered with the window in which it is valid; a QE
 * report whose signature verified, and the parsed attestation key, likewise
 * (valid always), and the PCK leaf's parsed SGX extensions.  Keys are
 * SHA-256 over every byte the result depends on.
 * Only successes are kept; each quote's own signature is always checked.
 */
enum { MEMO_CHAIN, MEMO_SIGNED, MEMO_AK, MEMO_PCK };
#define MEMO_SIZE 256

static struct memo {
	int kind;
	uint8_t key[SHA256_DIGEST_LENGTH];
	int64_t from, to; /* MEMO_CHAIN: when the chain is valid */
	EVP_PKEY *pkey;   /* MEMO_AK */
	tdx_pck pck;      /* MEMO_PCK (without its X509) */
} memo[MEMO_SIZE];
static unsigned memo_next;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static void memo_key(uint8_t key[SHA256_DIGEST_LENGTH], const void *a, size_t an, const void *b,
		     size_t bn, const void *c, size_t cn)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memset(key, 0, SHA256_DIGEST_LENGTH);
	if (md && EVP_DigestInit_ex(md, sha256(), NULL) && EVP_DigestUpdate(md, a, an) &&
	    EVP_DigestUpdate(md, b, bn) && EVP_DigestUpdate(md, c, cn))
		EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
}

/* 1 (and the entry's window, key (up-ref'd) or PCK) when remembered. */
static int memo_get(int kind, const uint8_t *key, int64_t *from, int64_t *to, EVP_PKEY **pkey,
		    tdx_pck *pck)
{
	int hit = 0;

	pthread_mutex_lock(&memo_lock);
	for (unsigned i = 0; i < MEMO_SIZE && !hit; i++) {
		struct memo *m = &memo[i];

		if (m->kind != kind || memcmp(m->key, key, SHA256_DIGEST_LENGTH) ||
		    (kind == MEMO_AK && (!m->pkey || !EVP_PKEY_up_ref(m->pkey))))
			continue;
		hit = 1;
		if (from)
			*from = m->from, *to = m->to;
		if (pkey)
			*pkey = m->pkey;
		if (pck)
			*pck = m->pck;
	}
	pthread_mutex_unlock(&memo_lock);
	return hit;
}

static void memo_put(int kind, const uint8_t *key, int64_t from, int64_t to, EVP_PKEY *pkey,
		     const tdx_pck *pck)
{
	struct memo *m;

	if (pkey && !EVP_PKEY_up_ref(pkey))
		return;
	pthread_mutex_lock(&memo_lock);
	m = &memo[memo_next++ % MEMO_SIZE];
	EVP_PKEY_free(m->pkey);
	*m = (struct memo){ .kind = kind, .from = from, .to = to, .pkey = pkey };
	if (pck) {
		m->pck = *pck;
		m->pck.x509 = NULL;
	}
	memcpy(m->key, key, SHA256_DIGEST_LENGTH);
	pthread_mutex_unlock(&memo_lock);
}

/* A signature by `signer`'s key over msg, remembered once it verified. */
static int signed_by(X509 *signer, const uint8_t *msg, size_t n, const uint8_t sig[64]);

/* The DER of a certificate, for memo keys (OpenSSL caches it in the X509). */
static int cert_der(X509 *x, uint8_t h[SHA256_DIGEST_LENGTH])
{
	unsigned n = 0;

	return X509_digest(x, sha256(), h, &n) == 1 && n == SHA256_DIGEST_LENGTH;
}

static int signed_by(X509 *signer, const uint8_t *msg, size_t n, const uint8_t sig[64])
{
	uint8_t h[32], key[32];
	int keyed = cert_der(signer, h);

	if (keyed) {
		uint8_t m[32];

		memo_key(m, msg, n, NULL, 0, NULL, 0);
		memo_key(key, h, sizeof(h), m, sizeof(m), sig, 64);
		if (memo_get(MEMO_SIGNED, key, NULL, NULL, NULL, NULL))
			return 1;
	}
	if (!ecdsa_ok(X509_get0_pubkey(signer), msg, n, sig))
		return 0;
	if (keyed)
		memo_put(MEMO_SIGNED, key, 0, 0, NULL, NULL);
	return 1;
}

/* Verify `x` (with `untrusted` for intermediates) to one of the trusted
 * roots at the verification time.  0, or the X509_V_ERR code. */
static int chain_to_roots(ctx *c, X509 *x, STACK_OF(X509) *untrusted)
{
	X509_STORE *st;
	X509_STORE_CTX *sc;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t h[32], key[32];
	int64_t from = INT64_MIN, to = INT64_MAX;
	int err = X509_V_ERR_UNSPECIFIED;
	int keyed = md && EVP_DigestInit_ex(md, sha256(), NULL) && cert_der(x, h) &&
		    EVP_DigestUpdate(md, h, sizeof(h));

	/* The memo's key: the certificate, the intermediates, every trusted root. */
	for (int i = 0; keyed && i < sk_X509_num(untrusted); i++)
		keyed = cert_der(sk_X509_value(untrusted, i), h) && EVP_DigestUpdate(md, h, sizeof(h));
	for (int i = 0; keyed && i < sk_X509_num(c->roots); i++)
		keyed = cert_der(sk_X509_value(c->roots, i), h) && EVP_DigestUpdate(md, "r", 1) &&
			EVP_DigestUpdate(md, h, sizeof(h));
	keyed = keyed && EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
	if (keyed && memo_get(MEMO_CHAIN, key, &from, &to, NULL, NULL) && c->at >= from && c->at <= to)
		return 0;
	st = X509_STORE_new();
	sc = X509_STORE_CTX_new();
	if (st && sc) {
		for (int i = 0; i < sk_X509_num(c->roots); i++)
			X509_STORE_add_cert(st, sk_X509_value(c->roots, i));
		if (X509_STORE_CTX_init(sc, st, x, untrusted) == 1) {
			X509_STORE_CTX_set_time(sc, 0, (time_t)c->at);
			err = X509_verify_cert(sc) == 1 ? 0 : X509_STORE_CTX_get_error(sc);
		}
	}
	if (!err && keyed) { /* valid while every certificate of the path is */
		STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(sc);

		for (int i = 0; i < sk_X509_num(path); i++) {
			int64_t nb = asn1_time(X509_get0_notBefore(sk_X509_value(path, i)));
			int64_t na = asn1_time(X509_get0_notAfter(sk_X509_value(path, i)));

			from = nb > from ? nb : from;
			to = na < to ? na : to;
		}
		if (sk_X509_num(path) > 0)
			memo_put(MEMO_CHAIN, key, from, to, NULL, NULL);
	}
	X509_STORE_CTX_free(sc);
	X509_STORE_free(st);
	return err;
}

static int chain_error_code(int err)
{
	return err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID
		       ? TDX_E_EXPIRED
		       : TDX_E_CERT_CHAIN;
}

/* ---- §1: the quote's own signatures ---- */

static int step_format(ctx *c)
{
	const tdx_quote *q = c->q;

	if (tdx_quote_tee_type(q) != 0x81)
		return fail(c, TDX_VERIFY_QUOTE_FORMAT, TDX_E_QUOTE_FORMAT,
			    "TEE type 0x%x is not TDX (0x81)", tdx_quote_tee_type(q));
	if (memcmp(tdx_quote_qe_vendor_id(q), intel_qe_vendor, 16))
		return fail(c, TDX_VERIFY_QUOTE_FORMAT, TDX_E_QUOTE_FORMAT,
			    "the QE vendor ID is not Intel's (939a7233f79c4ca9940a0db3957f0607)");
	if (tdx_quote_cert_data_type(q) != 6)
		return fail(c, TDX_VERIFY_QUOTE_FORMAT, TDX_E_QUOTE_FORMAT,
			    "certification data type %d: v4/v5 quotes carry type 6 (QE report)",
			    tdx_quote_cert_data_type(q));
	if (tdx_quote_pck_cert_type(q) != 5)
		return fail(c, TDX_VERIFY_QUOTE_FORMAT, TDX_E_QUOTE_FORMAT,
			    "inner certification data type %d: only type 5 (the PCK chain, PEM) "
			    "can be verified offline", tdx_quote_pck_cert_type(q));
	pass(c, TDX_VERIFY_QUOTE_FORMAT, "v%d quote, TD report body type %d, ECDSA P-256, "
	     "Intel QE, QE report certification data with a PCK chain",
	     tdx_quote_version(q), tdx_quote_body_type(q));
	return TDX_OK;
}

/* §2.1: leaf, CA, root from the quote, chained to a trusted root. */
static int step_chain(ctx *c)
{
	size_t len;
	const uint8_t *pem = tdx_quote_pck_chain(c->q, &len);
	char leaf_cn[128], ca_cn[128];
	X509 *root;
	int err, found = 0, rc;

	/* One trailing NUL is tolerated (GTG PR #36). */
	if (len && pem[len - 1] == '\0')
		len--;
	c->chain = read_certs(pem, len);
	if (!c->chain || sk_X509_num(c->chain) != 3)
		return fail(c, TDX_VERIFY_PCK_CHAIN, TDX_E_CERT_CHAIN,
			    "the PCK chain in the quote %s", c->chain ? "does not hold exactly 3 "
			    "certificates (leaf, CA, root)" : "is not a sequence of PEM certificates");
	c->leaf = sk_X509_value(c->chain, 0);
	c->ca = sk_X509_value(c->chain, 1);
	root = sk_X509_value(c->chain, 2);
	cn_of(c->leaf, leaf_cn, sizeof(leaf_cn));
	cn_of(c->ca, ca_cn, sizeof(ca_cn));
	if (!strstr(leaf_cn, "SGX PCK Certificate") || !strstr(ca_cn, "CA"))
		return fail(c, TDX_VERIFY_PCK_CHAIN, TDX_E_CERT_CHAIN,
			    "the chain's leaf \"%s\" is no SGX PCK Certificate, or its issuer \"%s\" "
			    "no CA", leaf_cn, ca_cn);
	/* A trust anchor is a name and a key (RFC 5280 §6.1.1): the same root
	 * re-issued (the emulator's are, per process) is the same anchor. */
	for (int i = 0; i < sk_X509_num(c->roots); i++) {
		X509 *t = sk_X509_value(c->roots, i);

		found |= !X509_NAME_cmp(X509_get_subject_name(root), X509_get_subject_name(t)) &&
			 EVP_PKEY_eq(X509_get0_pubkey(root), X509_get0_pubkey(t)) == 1;
	}
	if (!found)
		return fail(c, TDX_VERIFY_PCK_CHAIN, TDX_E_CERT_CHAIN,
			    "the chain's root \"%s\" is not a trusted root%s",
			    cn_of(root, ca_cn, sizeof(ca_cn)),
			    c->o->roots ? "" : " (the default trust anchor is the Intel SGX Root CA; "
			    "pass roots to trust another)");
	{
		STACK_OF(X509) *untrusted = sk_X509_new_null();

		sk_X509_push(untrusted, c->ca);
		err = chain_to_roots(c, c->leaf, untrusted);
		sk_X509_free(untrusted);
	}
	if (err) {
		char at[32];

		format_time(c->at, at);
		return fail(c, TDX_VERIFY_PCK_CHAIN, chain_error_code(err),
			    "the PCK chain does not verify at %s: %s", at,
			    X509_verify_cert_error_string(err));
	}
	{
		uint8_t key[32];
		tdx_pck *p = calloc(1, sizeof(*p));
		int keyed = cert_der(c->leaf, key);

		if (p && keyed && memo_get(MEMO_PCK, key, NULL, NULL, NULL, p) && X509_up_ref(c->leaf)) {
			p->x509 = c->leaf;
			c->r->pck = p;
			rc = TDX_OK;
		} else {
			free(p);
			rc = tdx__pck_from_x509(&c->r->pck, c->leaf);
			if (!rc && keyed)
				memo_put(MEMO_PCK, key, 0, 0, NULL, c->r->pck);
		}
	}
	if (rc)
		return fail(c, TDX_VERIFY_PCK_CHAIN, TDX_E_CERT_CHAIN, "the PCK leaf: %s",
			    tdx_error_last()->message);
	pass(c, TDX_VERIFY_PCK_CHAIN, "\"%s\" <- \"%s\" <- a trusted root, valid at the time",
	     leaf_cn, ca_cn);
	return TDX_OK;
}

static int step_qe_report(ctx *c)
{
	const tdx_quote *q = c->q;
	const uint8_t *rep = tdx_quote_qe_report(q);
	size_t auth_len;
	const uint8_t *auth = tdx_quote_qe_auth_data(q, &auth_len);
	uint8_t digest[32];
	EVP_MD_CTX *md;
	unsigned n = 0;
	int ok;

	ok = signed_by(c->leaf, rep, QE_REPORT_SIZE, tdx_quote_qe_report_signature(q));
	if (!ok)
		return fail(c, TDX_VERIFY_QE_REPORT_SIGNATURE, TDX_E_QE_REPORT_SIGNATURE,
			    "the QE report's signature does not verify with the PCK leaf's key");
	pass(c, TDX_VERIFY_QE_REPORT_SIGNATURE, "the PCK leaf's key signed the QE report");
	/* §1.3: REPORTDATA[0..32] = SHA-256(AK || QE auth data) (QVL: 32 bytes). */
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestInit_ex(md, sha256(), NULL) &&
	     EVP_DigestUpdate(md, tdx_quote_attestation_key(q), 64) &&
	     EVP_DigestUpdate(md, auth, auth_len) && EVP_DigestFinal_ex(md, digest, &n);
	EVP_MD_CTX_free(md);
	if (!ok || memcmp(digest, rep + QR_REPORT_DATA, 32))
		return fail(c, TDX_VERIFY_QE_REPORT_DATA, TDX_E_QE_REPORT_DATA,
			    "the QE report data is not SHA-256(attestation key || %zu bytes of QE "
			    "auth data): the attestation key is not the QE's", auth_len);
	pass(c, TDX_VERIFY_QE_REPORT_DATA, "the QE report data binds the attestation key and "
	     "%zu bytes of QE auth data", auth_len);
	return TDX_OK;
}

static int step_quote_signature(ctx *c)
{
	size_t len;
	const uint8_t *signed_data = tdx_quote_signed_data(c->q, &len);
	const uint8_t *xy = tdx_quote_attestation_key(c->q);
	EVP_PKEY *ak = NULL;
	uint8_t key[32];
	int ok;

	memo_key(key, xy, 64, NULL, 0, NULL, 0);
	if (!memo_get(MEMO_AK, key, NULL, NULL, &ak, NULL)) {
		ak = raw_p256(xy);
		if (ak)
			memo_put(MEMO_AK, key, 0, 0, ak, NULL);
	}
	ok = ak && ecdsa_ok(ak, signed_data, len, tdx_quote_signature(c->q));

	EVP_PKEY_free(ak);
	if (!ok)
		return fail(c, TDX_VERIFY_QUOTE_SIGNATURE, TDX_E_QUOTE_SIGNATURE,
			    ak ? "the attestation key's signature over the %zu signed bytes does not "
			    "verify" : "the attestation key is not a P-256 point (%zu signed bytes)",
			    len);
	pass(c, TDX_VERIFY_QUOTE_SIGNATURE, "the attestation key signed the header and TD report "
	     "body (%zu bytes)", len);
	return TDX_OK;
}

/* ---- §2.3: CRLs ---- */

/* The CRL's signature by issuer's key, remembered once it verified. */
static int crl_signed_by(X509_CRL *crl, X509 *issuer)
{
	uint8_t hc[32], hi[32], key[32];
	unsigned n = 0;
	int keyed = X509_CRL_digest(crl, sha256(), hc, &n) == 1 && cert_der(issuer, hi);

	if (keyed) {
		memo_key(key, "crl", 3, hc, sizeof(hc), hi, sizeof(hi));
		if (memo_get(MEMO_SIGNED, key, NULL, NULL, NULL, NULL))
			return 1;
	}
	if (X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1)
		return 0;
	if (keyed)
		memo_put(MEMO_SIGNED, key, 0, 0, NULL, NULL);
	return 1;
}

static int check_crl(ctx *c, X509_CRL *crl, X509 *issuer, X509 *subject, const char *what,
		     int *revoked_step)
{
	char from[32], to[32], at[32];
	int64_t this_update = asn1_time(X509_CRL_get0_lastUpdate(crl));
	int64_t next_update = asn1_time(X509_CRL_get0_nextUpdate(crl));
	X509_REVOKED *rev = NULL;

	*revoked_step = 0;
	if (!crl_signed_by(crl, issuer))
		return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "the %s's signature does not verify "
			    "with its issuer's key", what);
	if (X509_CRL_get_ext_by_NID(crl, NID_crl_number, -1) < 0 ||
	    X509_CRL_get_ext_by_NID(crl, NID_authority_key_identifier, -1) < 0)
		return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "the %s lacks the CRL Number or "
			    "Authority Key Identifier extension", what);
	format_time(this_update, from);
	format_time(next_update, to);
	format_time(c->at, at);
	if (this_update == INT64_MIN || next_update == INT64_MIN || c->at < this_update ||
	    c->at > next_update)
		return fail(c, TDX_VERIFY_CRLS, TDX_E_EXPIRED, "the %s is valid from %s to %s, not "
			    "at %s", what, from, to, at);
	if (X509_CRL_get0_by_serial(crl, &rev, X509_get0_serialNumber(subject)) == 1) {
		char cn[128];

		*revoked_step = 1;
		return fail(c, TDX_VERIFY_CRLS, TDX_E_REVOKED, "\"%s\" is revoked by the %s",
			    cn_of(subject, cn, sizeof(cn)), what);
	}
	return TDX_OK;
}

static int step_crls(ctx *c, X509 *root)
{
	int have_root = 0, have_pck = 0, rc, revoked;

	for (int i = 0; i < sk_X509_CRL_num(c->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(c->crls, i);
		const X509_NAME *iss = X509_CRL_get_issuer(crl);

		if (!X509_NAME_cmp(iss, X509_get_subject_name(c->ca))) {
			rc = check_crl(c, crl, c->ca, c->leaf, "PCK CRL", &revoked);
			have_pck = 1;
		} else if (!X509_NAME_cmp(iss, X509_get_subject_name(root))) {
			rc = check_crl(c, crl, root, c->ca, "root CA CRL", &revoked);
			if (!rc && c->tcb_signer)
				rc = check_crl(c, crl, root, c->tcb_signer, "root CA CRL", &revoked);
			have_root = 1;
		} else {
			char name[256];

			X509_NAME_oneline(iss, name, sizeof(name));
			return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "a CRL issued by %s: neither "
				    "the root nor the PCK chain's CA", name);
		}
		if (rc)
			return rc;
	}
	if (!have_root && !have_pck) {
		if (c->o->require_crls)
			return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "no CRLs were given and the "
				    "policy requires them");
		skip(c, TDX_VERIFY_CRLS, "no CRLs given: revocation not checked");
		return TDX_OK;
	}
	if (c->o->require_crls && (!have_root || !have_pck))
		return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "the %s is missing and the policy "
			    "requires both CRLs", have_root ? "PCK CRL" : "root CA CRL");
	pass(c, TDX_VERIFY_CRLS, "%s%s%s current and revoking nothing in the chain",
	     have_root ? "root CA CRL" : "", have_root && have_pck ? " and " : "",
	     have_pck ? "PCK CRL" : "");
	return TDX_OK;
}

/* ---- §3: collateral ---- */

/* A signed document of the collateral: its text (kept byte-exact), its
 * signature by the TCB Signing certificate, its issuer chain. */
static int signed_doc(ctx *c, const char *key, const char *member_id, tdx__jval **doc,
		      const tdx__jval **inner)
{
	char sig_key[64], chain_key[64], cn[128], name[80];
	const char *text = jstr(c->doc, key), *sig_hex, *chain_pem;
	uint8_t sig[64];
	STACK_OF(X509) *chain;
	int err;

	snprintf(sig_key, sizeof(sig_key), "%s_signature", key);
	snprintf(chain_key, sizeof(chain_key), "%s_issuer_chain", key);
	sig_hex = jstr(c->doc, sig_key);
	chain_pem = jstr(c->doc, chain_key);
	if (!text || !sig_hex || !chain_pem)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "the collateral lacks \"%s\", "
			    "\"%s\" or \"%s\"", key, sig_key, chain_key);
	if (tdx__unhex(sig_hex, sig, sizeof(sig)))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "\"%s\" is not 128 hex digits",
			    sig_key);
	chain = read_certs((const uint8_t *)chain_pem, strlen(chain_pem));
	if (!chain || sk_X509_num(chain) < 1) {
		sk_X509_pop_free(chain, X509_free);
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "\"%s\" holds no PEM "
			    "certificates", chain_key);
	}
	if (!c->tcb_signer) {
		c->tcb_signer = sk_X509_value(chain, 0);
		X509_up_ref(c->tcb_signer);
	} else if (X509_cmp(c->tcb_signer, sk_X509_value(chain, 0))) {
		sk_X509_pop_free(chain, X509_free);
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "TCB Info and QE Identity "
			    "name different signing certificates");
	}
	sk_X509_pop_free(chain, X509_free);
	if (!strstr(cn_of(c->tcb_signer, cn, sizeof(cn)), "TCB Signing"))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_CERT_CHAIN, "\"%s\" is signed by \"%s\", "
			    "not a TCB Signing certificate", key, cn);
	err = chain_to_roots(c, c->tcb_signer, NULL);
	if (err)
		return fail(c, TDX_VERIFY_COLLATERAL, chain_error_code(err), "the TCB Signing "
			    "certificate does not verify to a trusted root at the time: %s",
			    X509_verify_cert_error_string(err));
	if (!signed_by(c->tcb_signer, (const uint8_t *)text, strlen(text), sig))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "the signature over \"%s\" "
			    "does not verify with the TCB Signing key", key);
	snprintf(name, sizeof(name), "the collateral's \"%s\"", key);
	if (tdx__jval_parse(doc, text, strlen(text), name))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "%s",
			    tdx_error_last()->message);
	/* PCS wraps the member ({"tcbInfo": {...}}) in its responses; the
	 * collateral carries the member itself. */
	*inner = (*doc)->type == TDX_JV_OBJECT && tdx__jval_get(*doc, member_id)
			 ? tdx__jval_get(*doc, member_id) : *doc;
	return TDX_OK;
}

static int doc_time(ctx *c, const tdx__jval *d, const char *what)
{
	int64_t issue = parse_time(jstr(d, "issueDate")), next = parse_time(jstr(d, "nextUpdate"));
	char from[32], to[32], at[32];

	if (issue == INT64_MIN || next == INT64_MIN)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "%s lacks an RFC 3339 "
			    "issueDate or nextUpdate", what);
	format_time(issue, from);
	format_time(next, to);
	format_time(c->at, at);
	if (c->at < issue || c->at > next)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_EXPIRED, "%s is valid from %s to %s, not "
			    "at %s", what, from, to, at);
	return TDX_OK;
}

static int step_collateral(ctx *c)
{
	const tdx_pck *p = c->r->pck;
	uint8_t fmspc[6], pceid[2];
	int rc;

	if (!c->doc) {
		if (c->o->require_collateral)
			return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "no collateral was "
				    "given and the policy requires it");
		skip(c, TDX_VERIFY_COLLATERAL, "no collateral given: the TCB status is not evaluated");
		return TDX_OK;
	}
	rc = signed_doc(c, "tcb_info", "tcbInfo", &c->tcb_doc, &c->tcb);
	if (!rc)
		rc = signed_doc(c, "qe_identity", "enclaveIdentity", &c->qe_doc, &c->qe);
	if (rc)
		return rc;
	if (!jstr(c->tcb, "id") || strcmp(jstr(c->tcb, "id"), "TDX") || jint(c->tcb, "version", 99) != 3)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "TCB Info is not version 3 "
			    "with id \"TDX\" (id %s, version %lld)", jstr(c->tcb, "id") ?
			    jstr(c->tcb, "id") : "missing", jint(c->tcb, "version", 99));
	if (jint(c->tcb, "tcbType", 99) > 0)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "TCB Info tcbType %lld is not "
			    "0", jint(c->tcb, "tcbType", 99));
	if (!jstr(c->qe, "id") || strcmp(jstr(c->qe, "id"), "TD_QE") || jint(c->qe, "version", 99) != 2)
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "QE Identity is not version 2 "
			    "with id \"TD_QE\"");
	rc = doc_time(c, c->tcb, "TCB Info");
	if (!rc)
		rc = doc_time(c, c->qe, "QE Identity");
	if (rc)
		return rc;
	/* §3.1 step 5: FMSPC and PCE-ID bytes (hex case does not matter). */
	if (tdx__unhex(jstr(c->tcb, "fmspc"), fmspc, 6) || tdx__unhex(jstr(c->tcb, "pceId"), pceid, 2))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "TCB Info's fmspc or pceId "
			    "is not hex of 6 and 2 bytes");
	if (memcmp(fmspc, tdx_pck_fmspc(p), 6) || memcmp(pceid, tdx_pck_pceid(p), 2))
		return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "TCB Info is for FMSPC %s "
			    "PCE-ID %s, not this platform's (FMSPC %02x%02x%02x%02x%02x%02x PCE-ID "
			    "%02x%02x)", jstr(c->tcb, "fmspc"), jstr(c->tcb, "pceId"),
			    tdx_pck_fmspc(p)[0], tdx_pck_fmspc(p)[1], tdx_pck_fmspc(p)[2],
			    tdx_pck_fmspc(p)[3], tdx_pck_fmspc(p)[4], tdx_pck_fmspc(p)[5],
			    tdx_pck_pceid(p)[0], tdx_pck_pceid(p)[1]);
	{
		char cn[128];

		pass(c, TDX_VERIFY_COLLATERAL, "TCB Info (FMSPC %s, issued %s) and QE Identity "
		     "(issued %s) are signed by \"%s\" (to a trusted root) and current",
		     jstr(c->tcb, "fmspc"), jstr(c->tcb, "issueDate"), jstr(c->qe, "issueDate"),
		     cn_of(c->tcb_signer, cn, sizeof(cn)));
	}
	return TDX_OK;
}

/* ---- §3.5: QE Identity ---- */

static int masked_hex_ok(const char *want_hex, const char *mask_hex, const uint8_t *have, size_t n)
{
	uint8_t want[16], mask[16];

	if (n > 16 || tdx__unhex(want_hex, want, n) || tdx__unhex(mask_hex, mask, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((have[i] & mask[i]) != want[i])
			return 0;
	return 1;
}

static int step_qe_identity(ctx *c)
{
	const uint8_t *rep = tdx_quote_qe_report(c->q);
	uint8_t mrsigner[32];
	unsigned isvprodid = tdx__le16(rep + QR_ISVPRODID), isvsvn = tdx__le16(rep + QR_ISVSVN);
	const tdx__jval *levels = tdx__jval_get(c->qe, "tcbLevels");
	uint8_t misc_le[4];
	uint32_t misc = tdx__le32(rep + QR_MISCSELECT);

	/* MISCSELECT is compared as a little-endian u32: its hex is big-endian. */
	misc_le[0] = (uint8_t)(misc >> 24), misc_le[1] = (uint8_t)(misc >> 16);
	misc_le[2] = (uint8_t)(misc >> 8), misc_le[3] = (uint8_t)misc;
	if (!masked_hex_ok(jstr(c->qe, "miscselect"), jstr(c->qe, "miscselectMask"), misc_le, 4))
		return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_QE_IDENTITY, "the QE's MISCSELECT "
			    "0x%08x does not match QE Identity", misc);
	if (!masked_hex_ok(jstr(c->qe, "attributes"), jstr(c->qe, "attributesMask"), rep + QR_ATTRIBUTES, 16))
		return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_QE_IDENTITY, "the QE's ATTRIBUTES do not "
			    "match QE Identity");
	if (tdx__unhex(jstr(c->qe, "mrsigner"), mrsigner, 32) || memcmp(mrsigner, rep + QR_MRSIGNER, 32))
		return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_QE_IDENTITY, "the QE's MRSIGNER is not "
			    "QE Identity's");
	if (jint(c->qe, "isvprodid", 65535) != (long long)isvprodid)
		return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_QE_IDENTITY, "the QE's ISVPRODID %u is "
			    "not QE Identity's %lld", isvprodid, jint(c->qe, "isvprodid", 65535));
	if (!levels || levels->type != TDX_JV_ARRAY || !levels->count)
		return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_COLLATERAL, "QE Identity has no tcbLevels");
	c->qe_status = TDX_TCB_NOT_SUPPORTED;
	for (const tdx__jval *l = levels->child; l; l = l->next) {
		long long svn = jint(tdx__jval_get(l, "tcb"), "isvsvn", 65535);
		int st = status_of(jstr(l, "tcbStatus"));

		if (svn < 0 || st == TDX_TCB_UNKNOWN)
			return fail(c, TDX_VERIFY_QE_IDENTITY, TDX_E_COLLATERAL, "a QE Identity level "
				    "lacks tcb.isvsvn or has an unknown tcbStatus");
		if (svn <= (long long)isvsvn) {
			c->qe_status = st;
			c->qe_level = l;
			break;
		}
	}
	pass(c, TDX_VERIFY_QE_IDENTITY, "the QE matches QE Identity; ISVSVN %u: %s", isvsvn,
	     c->qe_level ? jstr(c->qe_level, "tcbStatus") : "below every level (not supported)");
	return TDX_OK;
}

/* ---- §3.4: TDX module identity ---- */

static int step_module(ctx *c)
{
	const uint8_t *svn = tdx_quote_tee_tcb_svn(c->q);
	const tdx__jval *m = tdx__jval_get(c->tcb, "tdxModule"), *ids, *lv;
	const char *mrsigner, *attrs;
	uint8_t want[48], want_attr[8], seam_attr[8];
	uint64_t sa = tdx_quote_seam_attributes(c->q);
	char id[8] = "";

	if (!m)
		return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_COLLATERAL, "TCB Info lacks tdxModule");
	mrsigner = jstr(m, "mrsigner");
	attrs = jstr(m, "attributes");
	c->module_status = TDX_TCB_UP_TO_DATE;
	if (svn[1] > 0) {
		ids = tdx__jval_get(c->tcb, "tdxModuleIdentities");
		if (!ids || ids->type != TDX_JV_ARRAY)
			return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_COLLATERAL, "the quote's TDX module "
				    "is version %u but TCB Info has no tdxModuleIdentities", svn[1]);
		snprintf(id, sizeof(id), "TDX_%02X", svn[1]);
		c->module_identity = NULL;
		for (const tdx__jval *e = ids->child; e; e = e->next)
			if (jstr(e, "id") && !strcasecmp(jstr(e, "id"), id))
				c->module_identity = e;
		if (!c->module_identity)
			return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_TDX_MODULE, "TCB Info has no "
				    "identity %s for the quote's TDX module", id);
		mrsigner = jstr(c->module_identity, "mrsigner");
		attrs = jstr(c->module_identity, "attributes");
	}
	if (tdx__unhex(mrsigner, want, 48) || memcmp(want, tdx_quote_mrsignerseam(c->q), 48))
		return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_TDX_MODULE, "MRSIGNERSEAM is not the "
			    "TDX module signer TCB Info names%s%s", *id ? " for " : "", id);
	/* QVL: SEAMATTRIBUTES equal to the expected attributes and zero. */
	for (int i = 0; i < 8; i++)
		seam_attr[i] = (uint8_t)(sa >> (8 * i));
	if (tdx__unhex(attrs, want_attr, 8) || memcmp(want_attr, seam_attr, 8) || sa)
		return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_TDX_MODULE, "SEAMATTRIBUTES 0x%016llx "
			    "are not TCB Info's (and zero)", (unsigned long long)sa);
	/* Module TCB status: the identity's levels by ISVSVN, descending. */
	if (c->module_identity) {
		const tdx__jval *best = NULL;
		long long best_svn = -1;

		lv = tdx__jval_get(c->module_identity, "tcbLevels");
		for (const tdx__jval *l = lv ? lv->child : NULL; l; l = l->next) {
			long long s = jint(tdx__jval_get(l, "tcb"), "isvsvn", 65535);

			if (s >= 0 && s <= svn[0] && s > best_svn) {
				best = l;
				best_svn = s;
			}
		}
		c->module_level = best;
		c->module_status = best ? status_of(jstr(best, "tcbStatus")) : TDX_TCB_NOT_SUPPORTED;
		if (best && c->module_status != TDX_TCB_UP_TO_DATE &&
		    c->module_status != TDX_TCB_OUT_OF_DATE && c->module_status != TDX_TCB_REVOKED)
			return fail(c, TDX_VERIFY_TDX_MODULE, TDX_E_COLLATERAL, "module level status "
				    "\"%s\" is not UpToDate, OutOfDate or Revoked",
				    jstr(best, "tcbStatus"));
	}
	pass(c, TDX_VERIFY_TDX_MODULE, "MRSIGNERSEAM and SEAMATTRIBUTES match%s%s; module "
	     "ISVSVN %u: %s", *id ? " " : "", id, svn[0],
	     c->module_identity ? (c->module_level ? jstr(c->module_level, "tcbStatus")
						   : "below every level") : "UpToDate (TDX 1.0)");
	return TDX_OK;
}

/* ---- §3.3, 3.6, 3.7: the TCB level and the final status ---- */

static int components(const tdx__jval *arr, uint8_t out[16])
{
	size_t i = 0;

	if (!arr || arr->type != TDX_JV_ARRAY || arr->count != 16)
		return -1;
	for (const tdx__jval *e = arr->child; e; e = e->next, i++) {
		long long s = jint(e, "svn", 255);

		if (s < 0)
			return -1;
		out[i] = (uint8_t)s;
	}
	return 0;
}

/* QVL's order: descending by SGX components, then PCESVN, then TDX components. */
static int level_cmp(const void *a, const void *b)
{
	const level *x = a, *y = b;
	int d = memcmp(y->sgx, x->sgx, 16);

	if (d)
		return d;
	if (x->pcesvn != y->pcesvn)
		return x->pcesvn < y->pcesvn ? 1 : -1;
	return memcmp(y->tdx, x->tdx, 16);
}

static int load_levels(ctx *c)
{
	const tdx__jval *arr = tdx__jval_get(c->tcb, "tcbLevels");
	size_t i = 0;

	if (!arr || arr->type != TDX_JV_ARRAY || !arr->count || arr->count > MAX_LEVELS)
		return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_COLLATERAL, "TCB Info has no tcbLevels "
			    "(or more than %d)", MAX_LEVELS);
	c->levels = calloc(arr->count, sizeof(*c->levels));
	if (!c->levels)
		return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_NOMEM, "out of memory");
	for (const tdx__jval *l = arr->child; l; l = l->next, i++) {
		const tdx__jval *tcb = tdx__jval_get(l, "tcb");
		level *v = &c->levels[i];
		long long pce = jint(tcb, "pcesvn", 65535);

		v->json = l;
		v->index = (int)i;
		v->status = status_of(jstr(l, "tcbStatus"));
		v->date = jstr(l, "tcbDate");
		v->pcesvn = (unsigned)pce;
		if (pce < 0 || components(tdx__jval_get(tcb, "sgxtcbcomponents"), v->sgx) ||
		    components(tdx__jval_get(tcb, "tdxtcbcomponents"), v->tdx) ||
		    v->status == TDX_TCB_UNKNOWN || !v->date)
			return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_COLLATERAL, "TCB level %zu lacks 16 "
				    "SGX and 16 TDX components, pcesvn, tcbDate or a known tcbStatus", i);
	}
	c->nlevels = i;
	qsort(c->levels, c->nlevels, sizeof(*c->levels), level_cmp);
	for (size_t k = 1; k < c->nlevels; k++)
		if (!level_cmp(&c->levels[k - 1], &c->levels[k]))
			return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_COLLATERAL, "TCB Info lists the same "
				    "TCB level twice");
	return TDX_OK;
}

static int sgx_ok(const ctx *c, const level *l, int *first_low)
{
	const tdx_pck *p = c->r->pck;

	for (int i = 0; i < 16; i++)
		if (p->comp_svn[i] < l->sgx[i]) {
			*first_low = i;
			return 0;
		}
	*first_low = p->pcesvn < l->pcesvn ? 16 : -1;
	return p->pcesvn >= l->pcesvn;
}

static int tdx_ok(const uint8_t *t, const level *l, int *first_low)
{
	for (int i = t[1] > 0 ? 2 : 0; i < 16; i++)
		if (t[i] < l->tdx[i]) {
			*first_low = i;
			return 0;
		}
	return 1;
}

static int add_advisories(ctx *c, const tdx__jval *lvl)
{
	const tdx__jval *ids = tdx__jval_get(lvl, "advisoryIDs");

	for (const tdx__jval *e = ids && ids->type == TDX_JV_ARRAY ? ids->child : NULL; e; e = e->next) {
		char **grown;
		int dup = 0;

		if (e->type != TDX_JV_STRING)
			continue;
		for (size_t i = 0; i < c->r->nadvisories; i++)
			dup |= !strcmp(c->r->advisories[i], e->str);
		if (dup)
			continue;
		grown = realloc(c->r->advisories, (c->r->nadvisories + 1) * sizeof(*grown));
		if (!grown)
			return -1;
		c->r->advisories = grown;
		grown[c->r->nadvisories] = strdup(e->str);
		if (!grown[c->r->nadvisories])
			return -1;
		c->r->nadvisories++;
	}
	return 0;
}

static int is_config(int s)
{
	return s == TDX_TCB_CONFIGURATION_NEEDED || s == TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED ||
	       s == TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
}

/* §3.6: relaunch advice for a v5 type-3 quote whose module is behind. */
static int relaunch(ctx *c, int sgx_status, int tdx_status)
{
	const uint8_t *s2 = tdx_quote_body_type(c->q) == 3 ? tdx_quote_tee_tcb_svn2(c->q) : NULL;
	const level *top = &c->levels[0];

	if (!s2 || c->qe_status == TDX_TCB_OUT_OF_DATE || c->qe_status == TDX_TCB_REVOKED ||
	    c->qe_status == TDX_TCB_NOT_SUPPORTED || c->module_status != TDX_TCB_OUT_OF_DATE ||
	    (tdx_status != TDX_TCB_OUT_OF_DATE && tdx_status != TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED) ||
	    !(sgx_status == TDX_TCB_UP_TO_DATE || sgx_status == TDX_TCB_SW_HARDENING_NEEDED ||
	      sgx_status == TDX_TCB_CONFIGURATION_NEEDED ||
	      sgx_status == TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED))
		return tdx_status;
	if (s2[1] == 0) {
		if (s2[0] < top->tdx[0] || s2[2] < top->tdx[2])
			return tdx_status;
	} else {
		const tdx__jval *ids = tdx__jval_get(c->tcb, "tdxModuleIdentities"), *id = NULL, *lv;
		char want[8];
		long long highest = -1;

		snprintf(want, sizeof(want), "TDX_%02X", s2[1]);
		for (const tdx__jval *e = ids ? ids->child : NULL; e; e = e->next)
			if (jstr(e, "id") && !strcasecmp(jstr(e, "id"), want))
				id = e;
		if (!id)
			return -1; /* TDX_MODULE_MISMATCH */
		lv = tdx__jval_get(id, "tcbLevels");
		for (const tdx__jval *l = lv ? lv->child : NULL; l; l = l->next) {
			long long s = jint(tdx__jval_get(l, "tcb"), "isvsvn", 65535);

			if (s > highest)
				highest = s;
		}
		if (s2[0] < highest || s2[2] < top->tdx[2])
			return tdx_status;
	}
	return is_config(sgx_status) || is_config(tdx_status)
		       ? TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
		       : TDX_TCB_TD_RELAUNCH_ADVISED;
}

/* Words for what is behind: the platform against the newest level. */
static void explain_behind(ctx *c, char *buf, size_t n, const level *matched)
{
	const uint8_t *t = tdx_quote_tee_tcb_svn(c->q);
	const level *top = &c->levels[0];
	size_t used = 0;

	buf[0] = '\0';
	if (matched == top)
		return;
	for (int i = 0; i < 16; i++)
		if (c->r->pck->comp_svn[i] < top->sgx[i])
			used += (size_t)snprintf(buf + used, used < n ? n - used : 0,
						 "; SGX TCB component %d is %u, the newest level (%s) "
						 "needs %u", i, c->r->pck->comp_svn[i], top->date,
						 top->sgx[i]);
	if (c->r->pck->pcesvn < top->pcesvn && used < n)
		used += (size_t)snprintf(buf + used, n - used, "; PCESVN is %u, the newest level "
					 "needs %u", c->r->pck->pcesvn, top->pcesvn);
	for (int i = t[1] > 0 ? 2 : 0; i < 16 && used < n; i++)
		if (t[i] < top->tdx[i])
			used += (size_t)snprintf(buf + used, n - used, "; TEE_TCB_SVN[%d] (TDX "
						 "component) is %u, the newest level needs %u", i, t[i],
						 top->tdx[i]);
}

static int step_tcb(ctx *c)
{
	const uint8_t *t = tdx_quote_tee_tcb_svn(c->q);
	const level *sgx_level = NULL, *tdx_level = NULL;
	char why[1024], behind[768], at[32];
	int low = -1, tdx_low = -1, st, rc;

	rc = load_levels(c);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->nlevels && !tdx_level; i++) {
		int l;

		if (!sgx_ok(c, &c->levels[i], &l))
			continue;
		if (!sgx_level)
			sgx_level = &c->levels[i];
		if (tdx_ok(t, &c->levels[i], &l))
			tdx_level = &c->levels[i];
		else if (tdx_low < 0)
			tdx_low = l;
	}
	if (!tdx_level) {
		const level *lowest = &c->levels[c->nlevels - 1];

		c->r->tcb_status = TDX_TCB_NOT_SUPPORTED;
		if (!sgx_level) {
			sgx_ok(c, lowest, &low);
			if (low == 16)
				snprintf(why, sizeof(why), "no TCB level matches: the PCK's PCESVN is %u "
					 "and even the oldest level (%s) needs %u",
					 c->r->pck->pcesvn, lowest->date, lowest->pcesvn);
			else
				snprintf(why, sizeof(why), "no TCB level matches: the PCK's SGX TCB "
					 "component %d is %u and even the oldest level (%s) needs %u",
					 low, c->r->pck->comp_svn[low], lowest->date, lowest->sgx[low]);
		} else {
			snprintf(why, sizeof(why), "no TCB level matches: the SGX side matches the level "
				 "of %s but TEE_TCB_SVN[%d] is %u, below every TDX level that allows "
				 "it", sgx_level->date, tdx_low, t[tdx_low < 0 ? 0 : tdx_low]);
		}
		c->r->explanation = strdup(why);
		return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_TCB, "%s", why);
	}
	c->r->tcb_level = tdx_level->index;
	c->r->tcb_date = strdup(tdx_level->date);
	if (add_advisories(c, tdx_level->json) ||
	    (c->module_level && add_advisories(c, c->module_level)) ||
	    (c->qe_level && add_advisories(c, c->qe_level)))
		return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_NOMEM, "out of memory");
	/* §3.4 module merge, §3.6 relaunch, §3.7 QE merge. */
	st = tdx_level->status;
	if (c->module_status == TDX_TCB_NOT_SUPPORTED) {
		st = TDX_TCB_NOT_SUPPORTED;
	} else if (c->module_status == TDX_TCB_REVOKED) {
		st = TDX_TCB_REVOKED;
	} else if (c->module_status == TDX_TCB_OUT_OF_DATE) {
		if (st == TDX_TCB_UP_TO_DATE || st == TDX_TCB_SW_HARDENING_NEEDED)
			st = TDX_TCB_OUT_OF_DATE;
		else if (is_config(st) && st != TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED)
			st = TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
	}
	if (st != TDX_TCB_NOT_SUPPORTED && st != TDX_TCB_REVOKED) {
		st = relaunch(c, sgx_level->status, st);
		if (st < 0)
			return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_TDX_MODULE, "TEE_TCB_SVN2 names a "
				    "TDX module TCB Info has no identity for");
	}
	if (c->qe_status == TDX_TCB_REVOKED) {
		st = TDX_TCB_REVOKED;
	} else if (c->qe_status == TDX_TCB_NOT_SUPPORTED) {
		st = TDX_TCB_NOT_SUPPORTED;
	} else if (c->qe_status != TDX_TCB_UP_TO_DATE) { /* QVL: ISVSVN_OUT_OF_DATE */
		if (st == TDX_TCB_UP_TO_DATE || st == TDX_TCB_SW_HARDENING_NEEDED)
			st = TDX_TCB_OUT_OF_DATE;
		else if (st == TDX_TCB_CONFIGURATION_NEEDED ||
			 st == TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)
			st = TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
	}
	c->r->tcb_status = st;
	explain_behind(c, behind, sizeof(behind), tdx_level);
	format_time(c->at, at);
	snprintf(why, sizeof(why), "%s: the platform matches TCB level %d of %zu (tcbDate %s, "
		 "status %s)%s; TDX module: %s; QE: %s%s%s", status_names[st], tdx_level->index,
		 c->nlevels, tdx_level->date, status_names[tdx_level->status],
		 tdx_level == &c->levels[0] ? ", the newest" : "",
		 c->module_identity ? (c->module_level ? jstr(c->module_level, "tcbStatus")
						       : "below every level")
				    : "not versioned (TDX 1.0)",
		 c->qe_level ? jstr(c->qe_level, "tcbStatus") : "below every level",
		 *behind ? "; behind the newest level" : "", behind);
	c->r->explanation = strdup(why);
	if (st == TDX_TCB_NOT_SUPPORTED)
		return fail(c, TDX_VERIFY_TCB_LEVEL, TDX_E_TCB, "%s", why);
	pass(c, TDX_VERIFY_TCB_LEVEL, "%s", why);
	return TDX_OK;
}

static int step_policy(ctx *c)
{
	uint32_t accept = c->o->accept ? c->o->accept : TDX_TCB_ACCEPT(TDX_TCB_UP_TO_DATE);
	int st = c->r->tcb_status;

	if (st == TDX_TCB_UNKNOWN) {
		pass(c, TDX_VERIFY_POLICY, "the signature chain verifies; the TCB status was not "
		     "evaluated (no collateral) and the policy does not require it");
		return TDX_OK;
	}
	if (!(accept & TDX_TCB_ACCEPT(st)))
		return fail(c, TDX_VERIFY_POLICY, TDX_E_TCB, "the TCB status %s is not one the policy "
			    "accepts", status_names[st]);
	pass(c, TDX_VERIFY_POLICY, "the TCB status %s is accepted", status_names[st]);
	return TDX_OK;
}

/* ---- the run ---- */

static int run(ctx *c)
{
	X509 *root;
	int rc;

	rc = step_format(c);
	if (!rc)
		rc = step_chain(c);
	if (!rc)
		rc = step_qe_report(c);
	if (!rc)
		rc = step_quote_signature(c);
	if (rc)
		return rc;
	root = sk_X509_value(c->chain, 2);
	if (c->o->collateral) {
		if (tdx__jval_parse(&c->doc, c->o->collateral, c->o->collateral_len, "the collateral") ||
		    c->doc->type != TDX_JV_OBJECT)
			return fail(c, TDX_VERIFY_COLLATERAL, TDX_E_COLLATERAL, "%s",
				    c->doc ? "the collateral is not a JSON object"
					   : tdx_error_last()->message);
		if (collateral_crl(c, "pck_crl") || collateral_crl(c, "root_ca_crl"))
			return fail(c, TDX_VERIFY_CRLS, TDX_E_COLLATERAL, "the collateral's pck_crl or "
				    "root_ca_crl is not hex of a DER CRL");
	}
	/* Collateral first (its signing certificate is on the root CA CRL too). */
	rc = step_collateral(c);
	if (!rc)
		rc = step_crls(c, root);
	if (rc)
		return rc;
	if (!c->tcb) {
		skip(c, TDX_VERIFY_QE_IDENTITY, "no collateral given");
		skip(c, TDX_VERIFY_TDX_MODULE, "no collateral given");
		skip(c, TDX_VERIFY_TCB_LEVEL, "no collateral given: the TCB status is not evaluated");
		c->r->explanation = strdup("the TCB status was not evaluated: no collateral was given");
		return step_policy(c);
	}
	rc = step_qe_identity(c);
	if (!rc)
		rc = step_module(c);
	if (!rc)
		rc = step_tcb(c);
	if (!rc)
		rc = step_policy(c);
	return rc;
}

tdx_status tdx_verify_opts_init(tdx_verify_opts *opts, size_t sz)
{
	return TDX_STRUCT_INIT(opts, sz, tdx_verify_opts);
}

tdx_status tdx_quote_verify(const tdx_quote *q, const tdx_verify_opts *opts,
			    tdx_verify_result **out)
{
	tdx_verify_opts o = { .sz = sizeof(o) };
	ctx c = { 0 };
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a "
				 "tdx_verify_result pointer");
	*out = NULL;
	if (!q)
		return tdx__fail(TDX_E_INVALID, "q is NULL; parse the quote with tdx_quote_parse");
	if (opts) {
		rc = TDX_STRUCT_CHECK(opts, tdx_verify_opts);
		if (rc)
			return rc;
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
		o.sz = sizeof(o);
	}
	if ((o.roots && !o.roots_len) || (!o.roots && o.roots_len) ||
	    (!o.collateral && o.collateral_len) || (!o.crls && o.crls_len))
		return tdx__fail(TDX_E_INVALID, "a NULL pointer with a length, or a pointer with length "
				 "0, among roots, collateral and crls");
	if (o.collateral && !o.collateral_len)
		o.collateral_len = strlen(o.collateral);
	if (o.accept & ~((TDX_TCB_ACCEPT(TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED) << 1) - 2))
		return tdx__fail(TDX_E_INVALID, "accept 0x%x has bits that name no TCB status; build "
				 "it with TDX_TCB_ACCEPT()", o.accept);
	c.q = q;
	c.o = &o;
	c.at = o.at ? o.at : (int64_t)time(NULL);
	c.roots = o.roots ? read_certs(o.roots, o.roots_len)
			  : read_certs((const uint8_t *)tdx__intel_sgx_root_ca_pem,
				       strlen(tdx__intel_sgx_root_ca_pem));
	if (!c.roots || !sk_X509_num(c.roots)) {
		sk_X509_pop_free(c.roots, X509_free);
		return tdx__fail(TDX_E_INVALID, "roots holds no certificate (PEM or DER)");
	}
	c.crls = sk_X509_CRL_new_null();
	c.r = calloc(1, sizeof(*c.r));
	if (!c.crls || !c.r) {
		rc = tdx__fail(TDX_E_NOMEM, "out of memory");
		goto out;
	}
	c.r->tcb_level = -1;
	if (o.crls && read_crls(c.crls, o.crls, o.crls_len)) {
		tdx_verify_result_free(c.r);
		c.r = NULL;
		rc = tdx__fail(TDX_E_INVALID, "crls is not a sequence of CRLs (PEM or DER)");
		goto out;
	}
	rc = run(&c);
	c.r->status = rc;
	*out = c.r;
	if (rc) {
		for (int s = 0; s < TDX_VERIFY_STEPS; s++)
			if (c.r->outcome[s] == TDX_STEP_FAILED)
				tdx__error_set(rc, TDX_LAYER_LIBRARY, 0, 0, __func__, "%s: %s",
					       step_names[s], c.r->message[s]);
	}
out:
	sk_X509_pop_free(c.roots, X509_free);
	sk_X509_pop_free(c.chain, X509_free);
	sk_X509_CRL_pop_free(c.crls, X509_CRL_free);
	X509_free(c.tcb_signer);
	tdx__jval_free(c.doc);
	tdx__jval_free(c.tcb_doc);
	tdx__jval_free(c.qe_doc);
	free(c.levels);
	return rc;
}

/* ---- the result ---- */

void tdx_verify_result_free(tdx_verify_result *r)
{
	if (!r)
		return;
	for (int s = 0; s < TDX_VERIFY_STEPS; s++)
		free(r->message[s]);
	for (size_t i = 0; i < r->nadvisories; i++)
		free(r->advisories[i]);
	free(r->advisories);
	free(r->tcb_date);
	free(r->explanation);
	tdx_pck_free(r->pck);
	free(r);
}

#define CHECK_R(r, ret)                                                                \
	do {                                                                           \
		if (!(r)) {                                                            \
			tdx__fail(TDX_E_INVALID, "r is NULL; get one from tdx_quote_verify"); \
			return ret;                                                    \
		}                                                                      \
	} while (0)
#define CHECK_STEP(step, ret)                                                          \
	do {                                                                           \
		if ((step) < 0 || (step) >= TDX_VERIFY_STEPS) {                        \
			tdx__fail(TDX_E_INVALID, "step %d is out of range (0..%d)", step,     \
				  TDX_VERIFY_STEPS - 1);                               \
			return ret;                                                    \
		}                                                                      \
	} while (0)

tdx_status tdx_verify_result_status(const tdx_verify_result *r)
{
	if (!r)
		return tdx__fail(TDX_E_INVALID, "r is NULL; get one from tdx_quote_verify");
	return r->status;
}

int tdx_verify_step_outcome(const tdx_verify_result *r, int step)
{
	CHECK_R(r, -1);
	CHECK_STEP(step, -1);
	return r->outcome[step];
}

tdx_status tdx_verify_step_error(const tdx_verify_result *r, int step)
{
	if (!r)
		return tdx__fail(TDX_E_INVALID, "r is NULL; get one from tdx_quote_verify");
	if (step < 0 || step >= TDX_VERIFY_STEPS)
		return tdx__fail(TDX_E_INVALID, "step %d is out of range (0..%d)", step,
				 TDX_VERIFY_STEPS - 1);
	return r->error[step];
}

const char *tdx_verify_step_message(const tdx_verify_result *r, int step)
{
	CHECK_R(r, NULL);
	CHECK_STEP(step, NULL);
	return r->message[step] ? r->message[step] : "";
}

const char *tdx_verify_step_name(int step)
{
	CHECK_STEP(step, NULL);
	return step_names[step];
}

int tdx_verify_result_tcb_status(const tdx_verify_result *r)
{
	CHECK_R(r, -1);
	return r->tcb_status;
}

const char *tdx_tcb_status_name(int status)
{
	if (status < 0 || status > TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED) {
		tdx__fail(TDX_E_INVALID, "TCB status %d is not a tdx_tcb_status", status);
		return NULL;
	}
	return status_names[status];
}

size_t tdx_verify_result_advisory_count(const tdx_verify_result *r)
{
	CHECK_R(r, 0);
	return r->nadvisories;
}

const char *tdx_verify_result_advisory(const tdx_verify_result *r, size_t index)
{
	CHECK_R(r, NULL);
	if (index >= r->nadvisories) {
		tdx__fail(TDX_E_INVALID, "advisory %zu is out of range (%zu advisories)", index,
			  r->nadvisories);
		return NULL;
	}
	return r->advisories[index];
}

const char *tdx_verify_result_tcb_date(const tdx_verify_result *r)
{
	CHECK_R(r, NULL);
	return r->tcb_date;
}

int tdx_verify_result_tcb_level(const tdx_verify_result *r)
{
	CHECK_R(r, -1);
	return r->tcb_level;
}

const char *tdx_verify_result_explanation(const tdx_verify_result *r)
{
	CHECK_R(r, NULL);
	return r->explanation ? r->explanation : "";
}

const tdx_pck *tdx_verify_result_pck(const tdx_verify_result *r)
{
	CHECK_R(r, NULL);
	return r->pck;
}

static void emit(tdx__json *j, const void *obj)
{
	const tdx_verify_result *r = obj;
	static const char *const outcomes[] = { "not_run", "passed", "failed", "skipped" };

	tdx__json_object_open(j, NULL);
	tdx__json_string(j, "result", r->status ? "fail" : "pass");
	tdx__json_string(j, "error", r->status ? tdx_strerror(r->status) : NULL);
	tdx__json_object_open(j, "steps");
	for (int s = 0; s < TDX_VERIFY_STEPS; s++) {
		tdx__json_object_open(j, step_names[s]);
		tdx__json_string(j, "outcome", outcomes[r->outcome[s]]);
		tdx__json_string(j, "message", r->message[s] ? r->message[s] : "");
		tdx__json_object_close(j);
	}
	tdx__json_object_close(j);
	tdx__json_string(j, "tcb_status", status_names[r->tcb_status]);
	tdx__json_string(j, "tcb_date", r->tcb_date);
	if (r->tcb_level >= 0)
		tdx__json_uint(j, "tcb_level", (uint64_t)r->tcb_level);
	else
		tdx__json_null(j, "tcb_level");
	tdx__json_array_open(j, "advisory_ids");
	for (size_t i = 0; i < r->nadvisories; i++)
		tdx__json_string(j, NULL, r->advisories[i]);
	tdx__json_array_close(j);
	tdx__json_string(j, "explanation", r->explanation ? r->explanation : "");
	if (r->pck) {
		tdx__json_object_open(j, "pck");
		tdx__json_hex(j, "fmspc", r->pck->fmspc, 6);
		tdx__json_hex(j, "pce_id", r->pck->pceid, 2);
		tdx__json_uint(j, "pcesvn", r->pck->pcesvn);
		tdx__json_hex(j, "tcb_components", r->pck->comp_svn, 16);
		tdx__json_hex(j, "cpusvn", r->pck->cpusvn, 16);
		tdx__json_hex(j, "ppid", r->pck->ppid, 16);
		tdx__json_uint(j, "sgx_type", (uint64_t)r->pck->sgx_type);
		tdx__json_object_close(j);
	}
	tdx__json_object_close(j);
}

tdx_status tdx_verify_result_to_json(const tdx_verify_result *r, char *buf, size_t *len)
{
	if (!r)
		return tdx__fail(TDX_E_INVALID, "r is NULL; get one from tdx_quote_verify");
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the buffer's size");
	return tdx__json_export(emit, r, buf, len, __func__);
}

const char *tdx_intel_sgx_root_ca_pem(void)
{
	return tdx__intel_sgx_root_ca_pem;
}
