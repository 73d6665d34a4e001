/* SPDX-License-Identifier: MIT */
/*
 * Offline verification of TD quotes (v4 and v5, ECDSA-256 with P-256), as
 * Intel's Quote Verification Library does it (../shared/reference/verify.md):
 *
 *   1. the attestation key's signature over the header and the TD report
 *      body (v5: with its 6-byte descriptor);
 *   2. the QE report's signature by the PCK leaf certificate;
 *   3. the QE report data binding the attestation key and QE auth data;
 *   4. the PCK chain (leaf, Platform or Processor CA, root) to a trusted
 *      root, each certificate valid at the verification time;
 *   5. with CRLs: the root CA CRL and the PCK CRL signed by their issuers,
 *      current, and listing neither the CA nor the leaf;
 *   6. with collateral: TCB Info (v3, id TDX) and QE Identity (v2, TD_QE)
 *      signed by the Intel SGX TCB Signing certificate (to the same root),
 *      current, and for this platform (FMSPC, PCE-ID);
 *   7. the QE report against QE Identity; MRSIGNERSEAM and SEAMATTRIBUTES
 *      against the TDX module identity; the TCB level matching the PCK's
 *      SGX SVNs and the quote's TEE_TCB_SVN, merged with the module's and
 *      the QE's status into the final TCB status.
 *
 * Where verifiers disagree, libtdx follows Intel's QVL; for time it is the
 * strictest: every certificate notBefore <= t <= notAfter, every CRL
 * thisUpdate <= t <= nextUpdate, every collateral document issueDate <= t
 * <= nextUpdate.
 */
#ifndef TDX_VERIFY_H
#define TDX_VERIFY_H

#include <tdx/common.h>
#include <tdx/quote.h>

TDX_BEGIN_DECLS

/* ---- PCK certificates and their SGX extensions ---- */

typedef struct tdx_pck tdx_pck;

/* Parse a PCK certificate (PEM or DER) and its SGX extensions; free with
 * tdx_pck_free.  TDX_E_INVALID names what is missing or malformed. */
TDX_API tdx_status tdx_pck_parse(tdx_pck **out, const uint8_t *cert, size_t len);
TDX_API void tdx_pck_free(tdx_pck *p);
TDX_API const uint8_t *tdx_pck_ppid(const tdx_pck *p);   /* 16 */
TDX_API const uint8_t *tdx_pck_cpusvn(const tdx_pck *p); /* 16 */
/* SGX TCB component index (0..15) SVN, 0..255; -1 on error. */
TDX_API int tdx_pck_tcb_component(const tdx_pck *p, unsigned index);
TDX_API int tdx_pck_pcesvn(const tdx_pck *p);                  /* -1 on error */
TDX_API const uint8_t *tdx_pck_pceid(const tdx_pck *p);        /* 2 */
TDX_API const uint8_t *tdx_pck_fmspc(const tdx_pck *p);        /* 6 */
/* 0 standard, 1 scalable, 2 scalable with integrity; -1 on error. */
TDX_API int tdx_pck_sgx_type(const tdx_pck *p);
/* 16 bytes, as stored; NULL (TDX_E_NOT_SUPPORTED) for Processor-CA certificates. */
TDX_API const uint8_t *tdx_pck_platform_instance_id(const tdx_pck *p);
#define TDX_PCK_DYNAMIC_PLATFORM 0
#define TDX_PCK_CACHED_KEYS 1
#define TDX_PCK_SMT_ENABLED 2
/* A configuration flag: 1 or 0, -1 when the certificate has none. */
TDX_API int tdx_pck_config(const tdx_pck *p, unsigned flag);

/* ---- TCB statuses ---- */

typedef enum tdx_tcb_status {
	TDX_TCB_UNKNOWN = 0, /* not evaluated (no collateral, or a step before failed) */
	TDX_TCB_UP_TO_DATE = 1,
	TDX_TCB_SW_HARDENING_NEEDED = 2,
	TDX_TCB_CONFIGURATION_NEEDED = 3,
	TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED = 4,
	TDX_TCB_OUT_OF_DATE = 5,
	TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED = 6,
	TDX_TCB_REVOKED = 7,
	TDX_TCB_NOT_SUPPORTED = 8, /* no TCB level matches this platform */
	TDX_TCB_TD_RELAUNCH_ADVISED = 9,
	TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED = 10
} tdx_tcb_status;
#define TDX_TCB_ACCEPT(status) (1u << (status))

/* "UpToDate", "OutOfDate", ... as TCB Info spells them; "NotSupported",
 * "Unknown", "TDRelaunchAdvised", "TDRelaunchAdvisedConfigurationNeeded". */
TDX_API const char *tdx_tcb_status_name(int status);

/* ---- verification ---- */

typedef enum tdx_verify_step {
	TDX_VERIFY_QUOTE_FORMAT = 0,     /* key type, TEE, QE vendor, certification data */
	TDX_VERIFY_PCK_CHAIN = 1,        /* leaf <- CA <- a trusted root, at the time */
	TDX_VERIFY_QE_REPORT_SIGNATURE = 2,
	TDX_VERIFY_QE_REPORT_DATA = 3,
	TDX_VERIFY_QUOTE_SIGNATURE = 4,
	TDX_VERIFY_CRLS = 5,
	TDX_VERIFY_COLLATERAL = 6,       /* TCB Info and QE Identity: chain, signatures, time */
	TDX_VERIFY_QE_IDENTITY = 7,
	TDX_VERIFY_TDX_MODULE = 8,
	TDX_VERIFY_TCB_LEVEL = 9,
	TDX_VERIFY_POLICY = 10,          /* the final status is one the caller accepts */
	TDX_VERIFY_STEPS = 11
} tdx_verify_step;

typedef enum tdx_step_outcome {
	TDX_STEP_NOT_RUN = 0, /* a step before it failed */
	TDX_STEP_PASSED = 1,
	TDX_STEP_FAILED = 2,
	TDX_STEP_SKIPPED = 3  /* its input (CRLs, collateral) was not given */
} tdx_step_outcome;

TDX_API const char *tdx_verify_step_name(int step);

/*
 * Options (a growable struct: TDX_OPTS).  Byte inputs are borrowed for the
 * call only.
 *
 * roots: trusted root certificates, PEM (one or more) or DER (one or more,
 *   concatenated); NULL: the built-in Intel SGX Root CA.  Explicit roots
 *   replace it.
 * collateral: JSON text with the keys of Intel PCS v4 collateral as
 *   dcap-qvl's QuoteCollateralV3 names them: "tcb_info" (the signed JSON
 *   text, exactly as served), "tcb_info_signature" (128 hex),
 *   "tcb_info_issuer_chain" (PEM), "qe_identity", "qe_identity_signature",
 *   "qe_identity_issuer_chain", and optionally "pck_crl", "root_ca_crl"
 *   (hex of DER) and "pck_crl_issuer_chain".
 * crls: CRLs besides the collateral's (PEM blocks, or DER, concatenated);
 *   each is matched to its issuer (the root, or the PCK chain's CA).
 * at: the time to verify at, seconds since 1970-01-01T00:00:00Z; 0: now.
 * accept: TDX_TCB_ACCEPT() bits of the final TCB statuses the policy
 *   accepts; 0: UpToDate only.  Without collateral the status is not
 *   evaluated and only the signature chain decides (unless
 *   require_collateral).
 */
typedef struct tdx_verify_opts {
	size_t sz;
	const uint8_t *roots;
	size_t roots_len;
	const char *collateral;
	size_t collateral_len;
	const uint8_t *crls;
	size_t crls_len;
	int64_t at;
	uint32_t accept;
	int require_collateral; /* fail (TDX_E_COLLATERAL) without TCB Info and QE Identity */
	int require_crls;       /* fail (TDX_E_COLLATERAL) without both CRLs */
} tdx_verify_opts;
TDX_API tdx_status tdx_verify_opts_init(tdx_verify_opts *opts, size_t sz);

typedef struct tdx_verify_result tdx_verify_result;

/*
 * Verify q; *out receives the result (free with tdx_verify_result_free)
 * whenever the verification ran, passed or not.  Returns TDX_OK when every
 * step passed and the policy accepts the TCB status, else the first failing
 * step's error: TDX_E_QUOTE_FORMAT, TDX_E_CERT_CHAIN, TDX_E_EXPIRED,
 * TDX_E_QE_REPORT_SIGNATURE, TDX_E_QE_REPORT_DATA, TDX_E_QUOTE_SIGNATURE,
 * TDX_E_REVOKED, TDX_E_COLLATERAL, TDX_E_QE_IDENTITY, TDX_E_TDX_MODULE,
 * TDX_E_TCB (no matching level, or a status the policy does not accept);
 * TDX_E_INVALID for bad arguments (then *out is NULL).
 */
TDX_API tdx_status tdx_quote_verify(const tdx_quote *q, const tdx_verify_opts *opts,
				    tdx_verify_result **out);
TDX_API void tdx_verify_result_free(tdx_verify_result *r);

/* TDX_OK, or the first failing step's error (as tdx_quote_verify returned). */
TDX_API tdx_status tdx_verify_result_status(const tdx_verify_result *r);
TDX_API int tdx_verify_step_outcome(const tdx_verify_result *r, int step);   /* TDX_STEP_* */
TDX_API tdx_status tdx_verify_step_error(const tdx_verify_result *r, int step);
/* What the step found, in words ("" when it did not run). */
TDX_API const char *tdx_verify_step_message(const tdx_verify_result *r, int step);
TDX_API int tdx_verify_result_tcb_status(const tdx_verify_result *r);        /* tdx_tcb_status */
TDX_API size_t tdx_verify_result_advisory_count(const tdx_verify_result *r);
TDX_API const char *tdx_verify_result_advisory(const tdx_verify_result *r, size_t index);
/* The matched TCB level's tcbDate (RFC 3339) and its index in TCB Info's
 * tcbLevels; NULL and -1 when none matched. */
TDX_API const char *tdx_verify_result_tcb_date(const tdx_verify_result *r);
TDX_API int tdx_verify_result_tcb_level(const tdx_verify_result *r);
/* Why the status is what it is: which component is behind, by how much,
 * since when. */
TDX_API const char *tdx_verify_result_explanation(const tdx_verify_result *r);
/* The quote's PCK leaf certificate (borrowed; NULL if it did not parse). */
TDX_API const tdx_pck *tdx_verify_result_pck(const tdx_verify_result *r);
/* The result as JSON (NUL-terminated; *len in: buf's size, out: the size
 * needed including the NUL; TDX_E_BUFFER_TOO_SMALL if it did not fit). */
TDX_API tdx_status tdx_verify_result_to_json(const tdx_verify_result *r, char *buf, size_t *len);

/* The built-in trust anchor: the Intel SGX Root CA certificate (PEM). */
TDX_API const char *tdx_intel_sgx_root_ca_pem(void);

TDX_END_DECLS

#endif
