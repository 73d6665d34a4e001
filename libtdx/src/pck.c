/* SPDX-License-Identifier: MIT */
/*
 * PCK certificates and their SGX extensions (OID 1.2.840.113741.1.13.1;
 * verify.md §2.2): X.509 and DER through OpenSSL, the extension's
 * SEQUENCE of (OID, value) pairs through its generic ASN.1 types.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "parse_cache.h"
#include "pck.h"

#define SGX_OID "1.2.840.113741.1.13.1"

/* The leaf's SGX extension values, in OID order. */
enum { SGX_PPID = 1, SGX_TCB, SGX_PCEID, SGX_FMSPC, SGX_TYPE, SGX_PLATFORM_ID, SGX_CONFIG };

static int x509_up_ref(void *x)
{
	return X509_up_ref(x);
}

static void x509_free(void *x)
{
	X509_free(x);
}

/* Certificates by their DER, and by their PEM block's text. */
static tdx__parse_cache cert_cache = TDX__PARSE_CACHE_INIT(x509_up_ref, x509_free);

static X509 *d2i_cached(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = tdx__parse_cache_get(&cert_cache, der, len);

	if (x)
		return x;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		return NULL;
	}
	tdx__parse_cache_put(&cert_cache, der, len, x);
	return x;
}

X509 *tdx__x509_read(const uint8_t *buf, size_t len, size_t *used)
{
	static const char pem_end[] = "-----END CERTIFICATE-----";
	const uint8_t *end;
	size_t text_len;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	X509 *x = NULL;
	BIO *b;

	if (len && buf[0] == 0x30) { /* DER: the outer SEQUENCE's length */
		const unsigned char *p = buf;
		long plen;
		int tag, cls;

		if (ASN1_get_object(&p, &plen, &tag, &cls, (long)len) & 0x80 ||
		    (size_t)(p - buf) + (size_t)plen > len)
			return NULL;
		x = d2i_cached(buf, (size_t)(p - buf) + (size_t)plen);
		if (x && used)
			*used = (size_t)(p - buf) + (size_t)plen;
		return x;
	}
	/* PEM: a block seen before is found by its text (decoding the base64
	 * costs as much as a signature check). */
	end = memmem(buf, len, pem_end, sizeof(pem_end) - 1);
	text_len = end ? (size_t)(end - buf) + sizeof(pem_end) - 1 : 0;
	if (end && (x = tdx__parse_cache_get(&cert_cache, buf, text_len)) != NULL) {
		if (used)
			*used = text_len;
		return x;
	}
	b = BIO_new_mem_buf(buf, (int)len);
	if (b && PEM_read_bio(b, &name, &header, &der, &der_len) == 1 &&
	    !strcmp(name, PEM_STRING_X509) && der_len > 0)
		x = d2i_cached(der, (size_t)der_len);
	if (x && end)
		tdx__parse_cache_put(&cert_cache, buf, text_len, x);
	if (x && used)
		*used = len - (size_t)BIO_pending(b);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(b);
	return x;
}

/* The arc after SGX_OID ("...13.1.2.17" -> 2, 17), or 0. */
static int arcs(const ASN1_OBJECT *o, unsigned *a, unsigned *b)
{
	char txt[80];
	size_t n = strlen(SGX_OID);
	char *end;

	*a = *b = 0;
	if (OBJ_obj2txt(txt, sizeof(txt), o, 1) <= 0 || strncmp(txt, SGX_OID ".", n + 1))
		return 0;
	*a = (unsigned)strtoul(txt + n + 1, &end, 10);
	if (*end == '.')
		*b = (unsigned)strtoul(end + 1, &end, 10);
	return *end == '\0';
}

/* A DER SEQUENCE of (OID, value) pairs, each passed to fn. */
typedef int (*pair_fn)(tdx_pck *p, unsigned a, unsigned b, const ASN1_TYPE *v);

static int walk_pairs(tdx_pck *p, const unsigned char *der, long len, pair_fn fn)
{
	const unsigned char *q = der;
	STACK_OF(ASN1_TYPE) *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &q, len);
	int rc = TDX_OK;

	if (!seq || q != der + len) {
		sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
		return tdx__fail(TDX_E_INVALID, "the PCK certificate's SGX extension is not a DER "
				 "SEQUENCE of (OID, value) pairs");
	}
	for (int i = 0; i < sk_ASN1_TYPE_num(seq) && !rc; i++) {
		const ASN1_TYPE *t = sk_ASN1_TYPE_value(seq, i);
		STACK_OF(ASN1_TYPE) *pair = NULL;
		unsigned a, b;

		if (t->type == V_ASN1_SEQUENCE) {
			const unsigned char *r = t->value.sequence->data;

			pair = d2i_ASN1_SEQUENCE_ANY(NULL, &r, t->value.sequence->length);
		}
		if (!pair || sk_ASN1_TYPE_num(pair) != 2 ||
		    sk_ASN1_TYPE_value(pair, 0)->type != V_ASN1_OBJECT)
			rc = tdx__fail(TDX_E_INVALID, "the PCK certificate's SGX extension has an "
				       "element that is not an (OID, value) pair");
		else if (arcs(sk_ASN1_TYPE_value(pair, 0)->value.object, &a, &b))
			rc = fn(p, a, b, sk_ASN1_TYPE_value(pair, 1));
		sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
	}
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return rc;
}

static int octets(const ASN1_TYPE *v, uint8_t *out, int n, const char *what)
{
	if (v->type != V_ASN1_OCTET_STRING || v->value.octet_string->length != n)
		return tdx__fail(TDX_E_INVALID, "the PCK certificate's %s is not a %d-byte OCTET STRING",
				 what, n);
	memcpy(out, v->value.octet_string->data, (size_t)n);
	return TDX_OK;
}

static int integer(const ASN1_TYPE *v, int type, long max, long *out, const char *what)
{
	int64_t x;
	int ok = v->type == type &&
		 (type == V_ASN1_ENUMERATED ? ASN1_ENUMERATED_get_int64(&x, v->value.enumerated)
					    : ASN1_INTEGER_get_int64(&x, v->value.integer));

	if (!ok || x < 0 || x > max)
		return tdx__fail(TDX_E_INVALID, "the PCK certificate's %s is not an %s in 0..%ld",
				 what, type == V_ASN1_ENUMERATED ? "ENUMERATED" : "INTEGER", max);
	*out = (long)x;
	return TDX_OK;
}

static int tcb_pair(tdx_pck *p, unsigned a, unsigned b, const ASN1_TYPE *v)
{
	long x;
	int rc;

	(void)a;
	if (b >= 1 && b <= 16) {
		rc = integer(v, V_ASN1_INTEGER, 255, &x, "TCB component SVN");
		p->comp_svn[b - 1] = (uint8_t)x;
		p->have_tcb |= 1u << (b - 1);
		return rc;
	}
	if (b == 17) {
		rc = integer(v, V_ASN1_INTEGER, 65535, &x, "PCESVN");
		p->pcesvn = (uint16_t)x;
		p->have_tcb |= 1u << 16;
		return rc;
	}
	if (b == 18) {
		p->have_tcb |= 1u << 17;
		return octets(v, p->cpusvn, 16, "CPUSVN");
	}
	return TDX_OK;
}

static int config_pair(tdx_pck *p, unsigned a, unsigned b, const ASN1_TYPE *v)
{
	(void)a;
	if (b < 1 || b > 3)
		return TDX_OK;
	if (v->type != V_ASN1_BOOLEAN)
		return tdx__fail(TDX_E_INVALID, "the PCK certificate's configuration flag %u is not "
				 "a BOOLEAN", b);
	p->config[b - 1] = v->value.boolean ? 1 : 0;
	return TDX_OK;
}

static int top_pair(tdx_pck *p, unsigned a, unsigned b, const ASN1_TYPE *v)
{
	long x;
	int rc;

	/* A sub-arc at the top level, or an arc QVL does not know (the arc is
	 * the certificate's, any unsigned number): not ours. */
	if (b || a < SGX_PPID || a > SGX_CONFIG)
		return TDX_OK;
	p->have |= 1u << a;
	switch (a) {
	case SGX_PPID:
		return octets(v, p->ppid, 16, "PPID");
	case SGX_TCB:
	case SGX_CONFIG:
		if (v->type != V_ASN1_SEQUENCE)
			return tdx__fail(TDX_E_INVALID, "the PCK certificate's %s is not a SEQUENCE",
					 a == SGX_TCB ? "TCB" : "configuration");
		return walk_pairs(p, v->value.sequence->data, v->value.sequence->length,
				  a == SGX_TCB ? tcb_pair : config_pair);
	case SGX_PCEID:
		return octets(v, p->pceid, 2, "PCE-ID");
	case SGX_FMSPC:
		return octets(v, p->fmspc, 6, "FMSPC");
	case SGX_TYPE:
		rc = integer(v, V_ASN1_ENUMERATED, 2, &x, "SGX type");
		p->sgx_type = (int)x;
		return rc;
	case SGX_PLATFORM_ID:
		return octets(v, p->platform_id, 16, "platform instance ID");
	default:
		return TDX_OK;
	}
}

int tdx__pck_from_x509(tdx_pck **out, X509 *x)
{
	static const char *const names[] = { NULL, "PPID", "TCB", "PCE-ID", "FMSPC", "SGX type" };
	ASN1_OBJECT *oid = OBJ_txt2obj(SGX_OID, 1);
	int idx = oid ? X509_get_ext_by_OBJ(x, oid, -1) : -1;
	const ASN1_OCTET_STRING *val;
	tdx_pck *p;
	int rc;

	ASN1_OBJECT_free(oid);
	*out = NULL;
	if (idx < 0)
		return tdx__fail(TDX_E_INVALID, "the certificate has no SGX extension (OID " SGX_OID
				 "): it is not a PCK certificate");
	p = calloc(1, sizeof(*p));
	if (!p)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	memset(p->config, -1, sizeof(p->config));
	val = X509_EXTENSION_get_data(X509_get_ext(x, idx));
	rc = walk_pairs(p, val->data, val->length, top_pair);
	/* QVL's required extensions (PCK_REQUIRED_SGX_EXTENSIONS, TCB_REQUIRED_...). */
	for (int a = SGX_PPID; !rc && a <= SGX_TYPE; a++)
		if (!(p->have & (1u << a)))
			rc = tdx__fail(TDX_E_INVALID, "the PCK certificate's SGX extension lacks %s",
				       names[a]);
	if (!rc && p->have_tcb != 0x3FFFF)
		rc = tdx__fail(TDX_E_INVALID, "the PCK certificate's TCB lacks some of the 16 "
			       "component SVNs, PCESVN and CPUSVN");
	if (rc) {
		free(p);
		return rc;
	}
	X509_up_ref(x);
	p->x509 = x;
	*out = p;
	return TDX_OK;
}

tdx_status tdx_pck_parse(tdx_pck **out, const uint8_t *cert, size_t len)
{
	X509 *x;
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_pck pointer");
	*out = NULL;
	if (!cert || !len)
		return tdx__fail(TDX_E_INVALID, "cert is %s; pass a PCK certificate (PEM or DER)",
				 cert ? "empty" : "NULL");
	x = tdx__x509_read(cert, len, NULL);
	if (!x)
		return tdx__fail(TDX_E_INVALID, "not an X.509 certificate (PEM or DER)");
	rc = tdx__pck_from_x509(out, x);
	X509_free(x);
	return rc;
}

void tdx_pck_free(tdx_pck *p)
{
	if (!p)
		return;
	X509_free(p->x509);
	free(p);
}

#define CHECK_PCK(p, ret)                                                              \
	do {                                                                           \
		if (!(p)) {                                                            \
			tdx__fail(TDX_E_INVALID, "p is NULL; parse one with tdx_pck_parse"); \
			return ret;                                                    \
		}                                                                      \
	} while (0)

const uint8_t *tdx_pck_ppid(const tdx_pck *p)
{
	CHECK_PCK(p, NULL);
	return p->ppid;
}

const uint8_t *tdx_pck_cpusvn(const tdx_pck *p)
{
	CHECK_PCK(p, NULL);
	return p->cpusvn;
}

int tdx_pck_tcb_component(const tdx_pck *p, unsigned index)
{
	CHECK_PCK(p, -1);
	if (index >= 16) {
		tdx__fail(TDX_E_INVALID, "component index %u is out of range (0..15)", index);
		return -1;
	}
	return p->comp_svn[index];
}

int tdx_pck_pcesvn(const tdx_pck *p)
{
	CHECK_PCK(p, -1);
	return p->pcesvn;
}

const uint8_t *tdx_pck_pceid(const tdx_pck *p)
{
	CHECK_PCK(p, NULL);
	return p->pceid;
}

const uint8_t *tdx_pck_fmspc(const tdx_pck *p)
{
	CHECK_PCK(p, NULL);
	return p->fmspc;
}

int tdx_pck_sgx_type(const tdx_pck *p)
{
	CHECK_PCK(p, -1);
	return p->sgx_type;
}

const uint8_t *tdx_pck_platform_instance_id(const tdx_pck *p)
{
	CHECK_PCK(p, NULL);
	if (!(p->have & (1u << SGX_PLATFORM_ID))) {
		tdx__fail(TDX_E_NOT_SUPPORTED, "this PCK certificate has no platform instance ID "
			  "(a Processor-CA certificate)");
		return NULL;
	}
	return p->platform_id;
}

int tdx_pck_config(const tdx_pck *p, unsigned flag)
{
	CHECK_PCK(p, -1);
	if (flag > TDX_PCK_SMT_ENABLED) {
		tdx__fail(TDX_E_INVALID, "configuration flag %u is out of range (0..2)", flag);
		return -1;
	}
	return p->config[flag];
}
