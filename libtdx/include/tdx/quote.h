/* SPDX-License-Identifier: MIT */
/*
 * TD quotes, versions 4 and 5, with ECDSA-256-with-P-256 signature data,
 * as produced by Intel's quoting enclave (DCAP):
 *
 *   v4: header (48) | TD quote body (584) | u32 sig-data length | sig data
 *   v5: header (48) | u16 body type | u32 body size | body (584 for type 2,
 *       648 for type 3 = TDX 1.5) | u32 sig-data length | sig data
 *
 * Signature data: signature (64) | attestation key (64) | certification
 * data (u16 type | u32 size | data).  Type 6 nests: QE report (384) | QE
 * report signature (64) | u16 auth-data size | auth data | certification
 * data (normally type 5: the PCK certificate chain, PEM).
 *
 * tdx_quote_parse copies the quote and checks every length against the
 * buffer; the accessors return pointers into that copy (borrowed: valid
 * until tdx_quote_free).  The quote's size comes from its signature-data
 * length, not from the buffer: bytes after it are tolerated and counted
 * (tdx_quote_trailing_bytes).  An accessor given a NULL quote, an index out
 * of range, or asked for a field this quote lacks returns NULL or 0 and
 * records why in tdx_error_last() (TDX_E_INVALID).  Functions with a
 * `size_t *len` parameter store the field's length there (0 when they
 * return NULL); len may be NULL.
 */
#ifndef TDX_QUOTE_H
#define TDX_QUOTE_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

typedef struct tdx_quote tdx_quote;

/*
 * Parse a quote from buf[0..len) into a new *out (free with
 * tdx_quote_free).  Fails with TDX_E_INVALID, naming the offset, field and
 * value, for a truncated buffer, a version other than 4 or 5, a TEE type
 * other than 0x81, a v5 body type other than 2 or 3 or a body size that
 * does not match it, signature data that runs past the buffer, or
 * certification data that runs past the signature data; and with
 * TDX_E_NOT_SUPPORTED for an attestation key type other than 2
 * (ECDSA-256-with-P-256).
 */
TDX_API tdx_status tdx_quote_parse(tdx_quote **out, const uint8_t *buf, size_t len);
TDX_API void tdx_quote_free(tdx_quote *q);

/* Header. */
TDX_API int tdx_quote_version(const tdx_quote *q); /* 4 or 5 */
TDX_API int tdx_quote_att_key_type(const tdx_quote *q); /* 2 */
TDX_API uint32_t tdx_quote_tee_type(const tdx_quote *q); /* 0x81 */
/* 4 bytes at offset 8 (go-tdx-guest reads u16 PCE SVN, u16 QE SVN). */
TDX_API const uint8_t *tdx_quote_header_reserved(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_qe_vendor_id(const tdx_quote *q); /* 16 */
TDX_API const uint8_t *tdx_quote_user_data(const tdx_quote *q);    /* 20 */

/* TD quote body; hashes are 48 bytes (SHA-384). */
TDX_API int tdx_quote_body_type(const tdx_quote *q);    /* 2 (TDX 1.0) or 3 (TDX 1.5) */
TDX_API size_t tdx_quote_body_size(const tdx_quote *q); /* 584 or 648 */
TDX_API const uint8_t *tdx_quote_body(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_tee_tcb_svn(const tdx_quote *q); /* 16 */
TDX_API const uint8_t *tdx_quote_mrseam(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_mrsignerseam(const tdx_quote *q);
TDX_API uint64_t tdx_quote_seam_attributes(const tdx_quote *q);
TDX_API uint64_t tdx_quote_td_attributes(const tdx_quote *q); /* TDX_TD_ATTR_* */
TDX_API uint64_t tdx_quote_xfam(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_mrtd(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_mrconfigid(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_mrowner(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_mrownerconfig(const tdx_quote *q);
/* RTMR[index], index 0..3. */
TDX_API const uint8_t *tdx_quote_rtmr(const tdx_quote *q, unsigned index);
TDX_API const uint8_t *tdx_quote_report_data(const tdx_quote *q); /* 64 */
/* Body type 3 only; NULL for body type 2. */
TDX_API const uint8_t *tdx_quote_tee_tcb_svn2(const tdx_quote *q); /* 16 */
TDX_API const uint8_t *tdx_quote_mrservicetd(const tdx_quote *q);

/*
 * What the attestation key signs: the quote from its first byte to the end
 * of the body (632 bytes for v4; for v5 the type/size descriptor is
 * included: 638 for body type 2, 702 for type 3).
 */
TDX_API const uint8_t *tdx_quote_signed_data(const tdx_quote *q, size_t *len);

/* Signature data. */
TDX_API const uint8_t *tdx_quote_signature(const tdx_quote *q); /* 64: r||s, big-endian */
TDX_API const uint8_t *tdx_quote_attestation_key(const tdx_quote *q); /* 64: x||y */
TDX_API int tdx_quote_cert_data_type(const tdx_quote *q); /* outer; normally 6 */
/* Present only when the outer certification data type is 6. */
TDX_API const uint8_t *tdx_quote_qe_report(const tdx_quote *q); /* 384: SGX report body */
TDX_API const uint8_t *tdx_quote_qe_report_signature(const tdx_quote *q); /* 64 */
TDX_API const uint8_t *tdx_quote_qe_auth_data(const tdx_quote *q, size_t *len);
/*
 * The certification data that carries the PCK certificates: the one nested
 * in type 6, or the outer one when the quote has another outer type.  Its
 * type is normally 5: a PEM chain (leaf first), which may end in a NUL.
 */
TDX_API int tdx_quote_pck_cert_type(const tdx_quote *q);
TDX_API const uint8_t *tdx_quote_pck_chain(const tdx_quote *q, size_t *len);

/* Bytes the quote declares: through the end of its signature data. */
TDX_API size_t tdx_quote_size(const tdx_quote *q);
/* Bytes of the parsed buffer after that (padding or extra data). */
TDX_API size_t tdx_quote_trailing_bytes(const tdx_quote *q);

/*
 * The quote as one line of JSON.  Keys are the spec's field names in lower
 * snake case: header {version, att_key_type, tee_type, reserved,
 * qe_vendor_id, user_data}, body_type, body {tee_tcb_svn, mrseam,
 * mrsignerseam, seam_attributes, td_attributes, xfam, mrtd, mrconfigid,
 * mrowner, mrownerconfig, rtmr [4], report_data, and for body type 3
 * tee_tcb_svn2, mrservicetd}, signature_data {signature, attestation_key,
 * cert_data_type, qe_report {cpusvn, miscselect, attributes, mrenclave,
 * mrsigner, isvprodid, isvsvn, report_data}, qe_report_signature,
 * qe_auth_data, pck_cert_type, pck_chain}, quote_size, trailing_bytes.
 * Byte fields are lowercase hex of their bytes in structure order;
 * integers are numbers, except the 64-bit bit fields (seam_attributes,
 * td_attributes, xfam), which are hex strings of their 8 bytes in
 * structure (little-endian) order: td_attributes 0x10000000 reads
 * "0000001000000000".  pck_chain is the certification data as a JSON
 * string (the PEM text for type 5; trailing NULs dropped).  Without a
 * type-6 outer certification data, qe_report, qe_report_signature and
 * qe_auth_data are null.
 *
 * *len in: the capacity of buf; out: the bytes needed including the NUL.
 * buf NULL (a size query) or a buffer too small fails with
 * TDX_E_BUFFER_TOO_SMALL and *len set to the size needed.
 */
TDX_API tdx_status tdx_quote_to_json(const tdx_quote *q, char *buf, size_t *len);

TDX_END_DECLS

#endif /* TDX_QUOTE_H */
