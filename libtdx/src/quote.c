/* SPDX-License-Identifier: MIT */
/*
 * TD quote (v4, v5) parsing, accessors and JSON export.  The parser checks
 * every length field against what precedes it before reading past it, so
 * any byte string is safe to hand to tdx_quote_parse.
 */
#include <stdlib.h>
#include <string.h>

#include "hexjson.h"
#include "internal.h"
#include "layout.h"

/* Field sizes layout.h gives only in comments. */
#define SVN_SIZE 16
#define U64_SIZE 8
#define QE_VENDOR_ID_SIZE 16
#define USER_DATA_SIZE 20
#define HEADER_RESERVED_SIZE 4
#define ECDSA_SIG_SIZE 64
#define ECDSA_KEY_SIZE 64
#define LEN_FIELD_SIZE 4   /* the u32 signature-data length */
/* Inside type-6 certification data: u16 auth-data size, then the data. */
#define QE_AUTH_OFF (QE_REPORT_SIZE + QE_REPORT_SIG_SIZE)
#define QE_AUTH_DATA_OFF (QE_AUTH_OFF + 2)
#define CERT_HEADER_SIZE 6 /* u16 type, u32 size */
#define QR_CPUSVN_SIZE 16
#define QR_ATTRIBUTES_SIZE 16
#define QR_MEASUREMENT_SIZE 32

struct tdx_quote {
	size_t size;     /* through the end of the signature data */
	size_t trailing; /* buffer bytes after that */
	int version;
	int body_type;
	size_t body_off, body_size;
	size_t sig_off, sig_len;
	int cert_type; /* outer certification data */
	size_t cert_off, cert_len;
	int has_qe_report; /* outer type 6: QE report, signature, auth data */
	size_t auth_off, auth_len;
	int pck_type; /* the certification data holding the PCK chain */
	size_t pck_off, pck_len;
	uint8_t raw[]; /* the quote's `size` bytes */
};

static int truncated(const char *what, size_t end, size_t len)
{
	return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, "tdx_quote_parse",
			      "truncated quote: %s ends at byte %zu but the buffer has %zu bytes; "
			      "pass the whole quote", what, end, len);
}

/* Version, key type, TEE type and body placement; fills q's body fields. */
static int parse_header_and_body(tdx_quote *q, const uint8_t *buf, size_t len)
{
	unsigned att_key_type, body_type;
	uint32_t tee_type, body_size, want;

	/* DICE-based TDX platforms answer with a CBOR Web Token (tag 61), often
	 * inside COSE_Sign1 (tag 18), instead (Linux Documentation/ABI/testing/
	 * configfs-tsm-report: "indicated by the Quote size exceeding 8KB"). */
	if (len >= 2 && ((buf[0] == 0xD8 && buf[1] == 61) || buf[0] == 0xD2))
		return tdx__fail(TDX_E_NOT_SUPPORTED, "this is a CBOR Web Token (tag %u), the quote "
				 "format of DICE-based TDX platforms, not a DCAP quote; libtdx parses "
				 "DCAP TD quotes (versions 4 and 5) only", buf[0] == 0xD2 ? 18u : 61u);
	if (len < QUOTE_HEADER_SIZE)
		return truncated("the header", QUOTE_HEADER_SIZE, len);
	q->version = tdx__le16(buf + QH_VERSION);
	if (q->version != 4 && q->version != 5)
		return tdx__fail(TDX_E_INVALID,
				 "quote version %d at offset %d is not supported; only TD quote "
				 "versions 4 and 5 are parsed", q->version, QH_VERSION);
	att_key_type = tdx__le16(buf + QH_ATT_KEY_TYPE);
	if (att_key_type != QUOTE_ATT_KEY_ECDSA_P256)
		return tdx__fail(TDX_E_NOT_SUPPORTED,
				 "attestation key type %u at offset %d is not supported; only %d "
				 "(ECDSA-256-with-P-256) quotes are parsed", att_key_type,
				 QH_ATT_KEY_TYPE, QUOTE_ATT_KEY_ECDSA_P256);
	tee_type = tdx__le32(buf + QH_TEE_TYPE);
	if (tee_type != QUOTE_TEE_TYPE_TDX)
		return tdx__fail(TDX_E_INVALID,
				 "TEE type 0x%x at offset %d is not TDX (0x%x): not a TD quote "
				 "(0 is SGX)", tee_type, QH_TEE_TYPE, QUOTE_TEE_TYPE_TDX);
	if (q->version == 4) {
		q->body_type = QUOTE_BODY_TYPE_TDX10;
		q->body_off = QUOTE_V4_BODY;
		q->body_size = QUOTE_BODY_TDX10_SIZE;
		return TDX_OK;
	}
	if (len < QUOTE_V5_BODY)
		return truncated("the v5 body type and size", QUOTE_V5_BODY, len);
	body_type = tdx__le16(buf + QUOTE_V5_BODY_TYPE);
	if (body_type == QUOTE_BODY_TYPE_TDX10)
		want = QUOTE_BODY_TDX10_SIZE;
	else if (body_type == QUOTE_BODY_TYPE_TDX15)
		want = QUOTE_BODY_TDX15_SIZE;
	else
		return tdx__fail(TDX_E_INVALID,
				 "v5 body type %u at offset %d is not a TD report; expected %d "
				 "(TDX 1.0) or %d (TDX 1.5)", body_type, QUOTE_V5_BODY_TYPE,
				 QUOTE_BODY_TYPE_TDX10, QUOTE_BODY_TYPE_TDX15);
	body_size = tdx__le32(buf + QUOTE_V5_BODY_SIZE);
	if (body_size != want)
		return tdx__fail(TDX_E_INVALID,
				 "v5 body size %u at offset %d does not match body type %u, which "
				 "is %u bytes; the quote is malformed", body_size,
				 QUOTE_V5_BODY_SIZE, body_type, want);
	q->body_type = (int)body_type;
	q->body_off = QUOTE_V5_BODY;
	q->body_size = body_size;
	return TDX_OK;
}

/* The type-6 certification data: QE report, its signature, auth data and
 * the nested certification data; every size within the outer one. */
static int parse_qe_cert_data(tdx_quote *q, const uint8_t *buf)
{
	size_t c = q->cert_off, inner;
	uint32_t pck_len;

	if (q->cert_len < QE_AUTH_DATA_OFF)
		return tdx__fail(TDX_E_INVALID,
				 "type-%d certification data size %zu at offset %zu is below the "
				 "%d bytes of QE report, its signature and the auth-data size",
				 CERT_TYPE_QE_REPORT, q->cert_len, q->sig_off + QS_CERT_SIZE,
				 QE_AUTH_DATA_OFF);
	q->has_qe_report = 1;
	q->auth_len = tdx__le16(buf + c + QE_AUTH_OFF);
	q->auth_off = c + QE_AUTH_DATA_OFF;
	inner = QE_AUTH_DATA_OFF + q->auth_len;
	if (q->cert_len < inner + CERT_HEADER_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "QE auth-data size %zu at offset %zu leaves no room for the PCK "
				 "certification data within the %zu bytes of certification data",
				 q->auth_len, c + QE_AUTH_OFF, q->cert_len);
	q->pck_type = tdx__le16(buf + c + inner);
	pck_len = tdx__le32(buf + c + inner + 2);
	if (pck_len > q->cert_len - inner - CERT_HEADER_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "PCK certification data size %u at offset %zu runs past the outer "
				 "certification data (%zu bytes left)", pck_len, c + inner + 2,
				 q->cert_len - inner - CERT_HEADER_SIZE);
	q->pck_off = c + inner + CERT_HEADER_SIZE;
	q->pck_len = pck_len;
	return TDX_OK;
}

/* The signature data: its length against the buffer, the certification
 * data against the signature data. */
static int parse_signature_data(tdx_quote *q, const uint8_t *buf, size_t len)
{
	size_t len_off = q->body_off + q->body_size;
	uint32_t sig_len, cert_len;

	if (len < len_off + LEN_FIELD_SIZE)
		return truncated("the body and signature-data length", len_off + LEN_FIELD_SIZE,
				 len);
	sig_len = tdx__le32(buf + len_off);
	q->sig_off = len_off + LEN_FIELD_SIZE;
	if (sig_len > len - q->sig_off)
		return tdx__fail(TDX_E_INVALID,
				 "signature-data length %u at offset %zu runs past the buffer, which "
				 "has %zu bytes after offset %zu; the quote is truncated", sig_len,
				 len_off, len - q->sig_off, q->sig_off);
	if (sig_len < QS_CERT_DATA)
		return tdx__fail(TDX_E_INVALID,
				 "signature-data length %u at offset %zu is below the %d bytes of "
				 "signature, attestation key and certification-data header",
				 sig_len, len_off, QS_CERT_DATA);
	q->sig_len = sig_len;
	q->cert_type = tdx__le16(buf + q->sig_off + QS_CERT_TYPE);
	cert_len = tdx__le32(buf + q->sig_off + QS_CERT_SIZE);
	if (cert_len > sig_len - QS_CERT_DATA)
		return tdx__fail(TDX_E_INVALID,
				 "certification data size %u at offset %zu runs past the signature "
				 "data (%u bytes left)", cert_len, q->sig_off + QS_CERT_SIZE,
				 sig_len - QS_CERT_DATA);
	q->cert_off = q->sig_off + QS_CERT_DATA;
	q->cert_len = cert_len;
	if (q->cert_type == CERT_TYPE_QE_REPORT)
		return parse_qe_cert_data(q, buf);
	q->pck_type = q->cert_type;
	q->pck_off = q->cert_off;
	q->pck_len = q->cert_len;
	return TDX_OK;
}

tdx_status tdx_quote_parse(tdx_quote **out, const uint8_t *buf, size_t len)
{
	tdx_quote parsed, *q;
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_quote *");
	*out = NULL;
	if (!buf)
		return tdx__fail(TDX_E_INVALID, "buf is NULL; pass the quote's bytes");
	memset(&parsed, 0, sizeof(parsed));
	rc = parse_header_and_body(&parsed, buf, len);
	if (rc == TDX_OK)
		rc = parse_signature_data(&parsed, buf, len);
	if (rc != TDX_OK)
		return rc;
	parsed.size = parsed.sig_off + parsed.sig_len;
	parsed.trailing = len - parsed.size;
	q = malloc(sizeof(*q) + parsed.size);
	if (!q)
		return tdx__fail(TDX_E_NOMEM, "out of memory copying a %zu-byte quote", parsed.size);
	*q = parsed;
	memcpy(q->raw, buf, parsed.size);
	*out = q;
	return TDX_OK;
}

void tdx_quote_free(tdx_quote *q)
{
	free(q);
}

static int null_quote(const char *where)
{
	return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
			      "quote is NULL; pass one from tdx_quote_parse");
}

/* q->raw + off, or NULL (with the error recorded) for a NULL quote. */
static const uint8_t *at(const tdx_quote *q, size_t off, const char *where)
{
	if (!q) {
		null_quote(where);
		return NULL;
	}
	return q->raw + off;
}

static const uint8_t *in_body(const tdx_quote *q, size_t off, const char *where)
{
	return at(q, q ? q->body_off + off : 0, where);
}

static const uint8_t *in_sig(const tdx_quote *q, size_t off, const char *where)
{
	return at(q, q ? q->sig_off + off : 0, where);
}

/* A variable-length field, its length stored through the optional len. */
static const uint8_t *span(const tdx_quote *q, size_t off, size_t n, size_t *len,
			   const char *where)
{
	const uint8_t *p = at(q, off, where);

	if (len)
		*len = p ? n : 0;
	return p;
}

static uint64_t le64_or_zero(const uint8_t *p)
{
	return p ? tdx__le64(p) : 0;
}

#define HEADER(off) at(q, (off), __func__)
#define BODY(off) in_body(q, (off), __func__)
#define SIG(off) in_sig(q, (off), __func__)
/* A value of q, or 0 with the error recorded for a NULL quote. */
#define VALUE(expr) (q ? (expr) : (null_quote(__func__), 0))

int tdx_quote_version(const tdx_quote *q)
{
	return VALUE(q->version);
}

int tdx_quote_att_key_type(const tdx_quote *q)
{
	return VALUE(tdx__le16(q->raw + QH_ATT_KEY_TYPE));
}

uint32_t tdx_quote_tee_type(const tdx_quote *q)
{
	return VALUE(tdx__le32(q->raw + QH_TEE_TYPE));
}

const uint8_t *tdx_quote_header_reserved(const tdx_quote *q)
{
	return HEADER(QH_RESERVED);
}

const uint8_t *tdx_quote_qe_vendor_id(const tdx_quote *q)
{
	return HEADER(QH_QE_VENDOR_ID);
}

const uint8_t *tdx_quote_user_data(const tdx_quote *q)
{
	return HEADER(QH_USER_DATA);
}

int tdx_quote_body_type(const tdx_quote *q)
{
	return VALUE(q->body_type);
}

size_t tdx_quote_body_size(const tdx_quote *q)
{
	return VALUE(q->body_size);
}

const uint8_t *tdx_quote_body(const tdx_quote *q)
{
	return BODY(0);
}

const uint8_t *tdx_quote_tee_tcb_svn(const tdx_quote *q)
{
	return BODY(QB_TEE_TCB_SVN);
}

const uint8_t *tdx_quote_mrseam(const tdx_quote *q)
{
	return BODY(QB_MRSEAM);
}

const uint8_t *tdx_quote_mrsignerseam(const tdx_quote *q)
{
	return BODY(QB_MRSIGNERSEAM);
}

uint64_t tdx_quote_seam_attributes(const tdx_quote *q)
{
	return le64_or_zero(BODY(QB_SEAM_ATTRIBUTES));
}

uint64_t tdx_quote_td_attributes(const tdx_quote *q)
{
	return le64_or_zero(BODY(QB_TD_ATTRIBUTES));
}

uint64_t tdx_quote_xfam(const tdx_quote *q)
{
	return le64_or_zero(BODY(QB_XFAM));
}

const uint8_t *tdx_quote_mrtd(const tdx_quote *q)
{
	return BODY(QB_MRTD);
}

const uint8_t *tdx_quote_mrconfigid(const tdx_quote *q)
{
	return BODY(QB_MRCONFIGID);
}

const uint8_t *tdx_quote_mrowner(const tdx_quote *q)
{
	return BODY(QB_MROWNER);
}

const uint8_t *tdx_quote_mrownerconfig(const tdx_quote *q)
{
	return BODY(QB_MROWNERCONFIG);
}

const uint8_t *tdx_quote_rtmr(const tdx_quote *q, unsigned index)
{
	if (q && index >= RTMR_COUNT) {
		tdx__fail(TDX_E_INVALID, "RTMR index %u is out of range; use 0..%d", index,
			  RTMR_COUNT - 1);
		return NULL;
	}
	return BODY(QB_RTMR + (size_t)index * SHA384_SIZE);
}

const uint8_t *tdx_quote_report_data(const tdx_quote *q)
{
	return BODY(QB_REPORT_DATA);
}

/* A TDX 1.5 body field, NULL (with the reason) for a TDX 1.0 body. */
static const uint8_t *tdx15_field(const tdx_quote *q, size_t off, const char *field,
				  const char *where)
{
	if (q && q->body_type != QUOTE_BODY_TYPE_TDX15) {
		tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
			       "the quote has body type %d (TDX 1.0), which has no %s; only "
			       "body type %d (TDX 1.5) carries it", q->body_type, field,
			       QUOTE_BODY_TYPE_TDX15);
		return NULL;
	}
	return in_body(q, off, where);
}

const uint8_t *tdx_quote_tee_tcb_svn2(const tdx_quote *q)
{
	return tdx15_field(q, QB_TEE_TCB_SVN2, "TEE_TCB_SVN2", __func__);
}

const uint8_t *tdx_quote_mrservicetd(const tdx_quote *q)
{
	return tdx15_field(q, QB_MRSERVICETD, "MRSERVICETD", __func__);
}

const uint8_t *tdx_quote_signed_data(const tdx_quote *q, size_t *len)
{
	return span(q, 0, q ? q->body_off + q->body_size : 0, len, __func__);
}

const uint8_t *tdx_quote_signature(const tdx_quote *q)
{
	return SIG(QS_SIGNATURE);
}

const uint8_t *tdx_quote_attestation_key(const tdx_quote *q)
{
	return SIG(QS_ATTESTATION_KEY);
}

int tdx_quote_cert_data_type(const tdx_quote *q)
{
	return VALUE(q->cert_type);
}

/* A part of the type-6 certification data, NULL (with the reason) without. */
static const uint8_t *qe_part(const tdx_quote *q, size_t off, size_t n, size_t *len,
			      const char *where)
{
	if (q && !q->has_qe_report) {
		tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
			       "the quote's certification data has type %d, not %d: it carries "
			       "no QE report", q->cert_type, CERT_TYPE_QE_REPORT);
		if (len)
			*len = 0;
		return NULL;
	}
	return span(q, off, n, len, where);
}

const uint8_t *tdx_quote_qe_report(const tdx_quote *q)
{
	return qe_part(q, q ? q->cert_off : 0, QE_REPORT_SIZE, NULL, __func__);
}

const uint8_t *tdx_quote_qe_report_signature(const tdx_quote *q)
{
	return qe_part(q, q ? q->cert_off + QE_REPORT_SIZE : 0, QE_REPORT_SIG_SIZE, NULL,
		       __func__);
}

const uint8_t *tdx_quote_qe_auth_data(const tdx_quote *q, size_t *len)
{
	return qe_part(q, q ? q->auth_off : 0, q ? q->auth_len : 0, len, __func__);
}

int tdx_quote_pck_cert_type(const tdx_quote *q)
{
	return VALUE(q->pck_type);
}

const uint8_t *tdx_quote_pck_chain(const tdx_quote *q, size_t *len)
{
	return span(q, q ? q->pck_off : 0, q ? q->pck_len : 0, len, __func__);
}

size_t tdx_quote_size(const tdx_quote *q)
{
	return VALUE(q->size);
}

size_t tdx_quote_trailing_bytes(const tdx_quote *q)
{
	return VALUE(q->trailing);
}

static void emit_qe_report(tdx__json *j, const uint8_t *qr)
{
	tdx__json_object_open(j, "qe_report");
	tdx__json_hex(j, "cpusvn", qr + QR_CPUSVN, QR_CPUSVN_SIZE);
	tdx__json_uint(j, "miscselect", tdx__le32(qr + QR_MISCSELECT));
	tdx__json_hex(j, "attributes", qr + QR_ATTRIBUTES, QR_ATTRIBUTES_SIZE);
	tdx__json_hex(j, "mrenclave", qr + QR_MRENCLAVE, QR_MEASUREMENT_SIZE);
	tdx__json_hex(j, "mrsigner", qr + QR_MRSIGNER, QR_MEASUREMENT_SIZE);
	tdx__json_uint(j, "isvprodid", tdx__le16(qr + QR_ISVPRODID));
	tdx__json_uint(j, "isvsvn", tdx__le16(qr + QR_ISVSVN));
	tdx__json_hex(j, "report_data", qr + QR_REPORT_DATA, REPORT_DATA_SIZE);
	tdx__json_object_close(j);
}

static void emit_body(tdx__json *j, const tdx_quote *q)
{
	const uint8_t *b = q->raw + q->body_off;

	tdx__json_object_open(j, "body");
	tdx__json_hex(j, "tee_tcb_svn", b + QB_TEE_TCB_SVN, SVN_SIZE);
	tdx__json_hex(j, "mrseam", b + QB_MRSEAM, SHA384_SIZE);
	tdx__json_hex(j, "mrsignerseam", b + QB_MRSIGNERSEAM, SHA384_SIZE);
	tdx__json_hex(j, "seam_attributes", b + QB_SEAM_ATTRIBUTES, U64_SIZE);
	tdx__json_hex(j, "td_attributes", b + QB_TD_ATTRIBUTES, U64_SIZE);
	tdx__json_hex(j, "xfam", b + QB_XFAM, U64_SIZE);
	tdx__json_hex(j, "mrtd", b + QB_MRTD, SHA384_SIZE);
	tdx__json_hex(j, "mrconfigid", b + QB_MRCONFIGID, SHA384_SIZE);
	tdx__json_hex(j, "mrowner", b + QB_MROWNER, SHA384_SIZE);
	tdx__json_hex(j, "mrownerconfig", b + QB_MROWNERCONFIG, SHA384_SIZE);
	tdx__json_array_open(j, "rtmr");
	for (unsigned i = 0; i < RTMR_COUNT; i++)
		tdx__json_hex(j, NULL, b + QB_RTMR + i * SHA384_SIZE, SHA384_SIZE);
	tdx__json_array_close(j);
	tdx__json_hex(j, "report_data", b + QB_REPORT_DATA, REPORT_DATA_SIZE);
	if (q->body_type == QUOTE_BODY_TYPE_TDX15) {
		tdx__json_hex(j, "tee_tcb_svn2", b + QB_TEE_TCB_SVN2, SVN_SIZE);
		tdx__json_hex(j, "mrservicetd", b + QB_MRSERVICETD, SHA384_SIZE);
	}
	tdx__json_object_close(j);
}

static void emit_signature_data(tdx__json *j, const tdx_quote *q)
{
	const uint8_t *sig = q->raw + q->sig_off;
	const uint8_t *cert = q->raw + q->cert_off;
	size_t pem_len = q->pck_len;

	tdx__json_object_open(j, "signature_data");
	tdx__json_hex(j, "signature", sig + QS_SIGNATURE, ECDSA_SIG_SIZE);
	tdx__json_hex(j, "attestation_key", sig + QS_ATTESTATION_KEY, ECDSA_KEY_SIZE);
	tdx__json_uint(j, "cert_data_type", (uint64_t)q->cert_type);
	if (q->has_qe_report) {
		emit_qe_report(j, cert);
		tdx__json_hex(j, "qe_report_signature", cert + QE_REPORT_SIZE, QE_REPORT_SIG_SIZE);
		tdx__json_hex(j, "qe_auth_data", q->raw + q->auth_off, q->auth_len);
	} else {
		tdx__json_null(j, "qe_report");
		tdx__json_null(j, "qe_report_signature");
		tdx__json_null(j, "qe_auth_data");
	}
	tdx__json_uint(j, "pck_cert_type", (uint64_t)q->pck_type);
	/* QEs NUL-terminate the PEM; the JSON string carries only the text. */
	while (pem_len && q->raw[q->pck_off + pem_len - 1] == '\0')
		pem_len--;
	tdx__json_bytes_string(j, "pck_chain", q->raw + q->pck_off, pem_len);
	tdx__json_object_close(j);
}

static void emit_quote(tdx__json *j, const void *obj)
{
	const tdx_quote *q = obj;

	tdx__json_object_open(j, NULL);
	tdx__json_object_open(j, "header");
	tdx__json_uint(j, "version", (uint64_t)q->version);
	tdx__json_uint(j, "att_key_type", tdx__le16(q->raw + QH_ATT_KEY_TYPE));
	tdx__json_uint(j, "tee_type", tdx__le32(q->raw + QH_TEE_TYPE));
	tdx__json_hex(j, "reserved", q->raw + QH_RESERVED, HEADER_RESERVED_SIZE);
	tdx__json_hex(j, "qe_vendor_id", q->raw + QH_QE_VENDOR_ID, QE_VENDOR_ID_SIZE);
	tdx__json_hex(j, "user_data", q->raw + QH_USER_DATA, USER_DATA_SIZE);
	tdx__json_object_close(j);
	tdx__json_uint(j, "body_type", (uint64_t)q->body_type);
	emit_body(j, q);
	emit_signature_data(j, q);
	tdx__json_uint(j, "quote_size", q->size);
	tdx__json_uint(j, "trailing_bytes", q->trailing);
	tdx__json_object_close(j);
}

tdx_status tdx_quote_to_json(const tdx_quote *q, char *buf, size_t *len)
{
	if (!q)
		return null_quote(__func__);
	if (!len)
		return tdx__fail(TDX_E_INVALID,
				 "len is NULL; pass the address of the buffer's capacity");
	return tdx__json_export(emit_quote, q, buf, len, __func__);
}
