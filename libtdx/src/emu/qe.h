/* SPDX-License-Identifier: MIT */
/*
 * The emulated quoting enclave: turns a TDREPORT into a DCAP ECDSA-P256 TD
 * quote (v4, or v5 with body type 3) signed under the emulator's test PKI.
 * The quotes are byte-compatible with Intel's format; their chain (leaf,
 * Platform CA, root) carries Intel's common names but the organization
 * "libtdx emulator (TEST ONLY, not Intel)" and the emulator's keys, never
 * Intel's, so no verifier that trusts only Intel's root accepts them.
 *
 * Keys (all P-256), derived with HKDF-SHA256 (no salt) so that a QE
 * re-created from the same seed in another process has the same keys:
 *   attestation key  IKM = seed, info "libtdx emulator attestation key"
 *   PCK key          IKM = seed, info "libtdx emulator PCK key"
 *   root CA key      IKM = "libtdx emulator root CA" (a public constant:
 *                    one test PKI shared by every emulator),
 *                    info "libtdx emulator root CA key"
 * Each takes 48 bytes of HKDF output as a big-endian integer x and uses the
 * scalar (x mod (n - 1)) + 1, n the P-256 group order.  The 16-byte platform
 * id (quote header user data, PCK Platform Instance ID) and the PCK serial
 * number come from the seed the same way (info "libtdx emulator platform
 * id", "libtdx emulator PCK serial").  Certificates are signed with
 * OpenSSL's randomised ECDSA, so their bytes (not their keys) differ
 * between QEs.
 */
#ifndef TDX_EMU_QE_H
#define TDX_EMU_QE_H

#include <stddef.h>
#include <stdint.h>

#define TDX_QE_SEED_SIZE 32

typedef struct tdx__qe tdx__qe;

/* The platform TCB the PCK certificate and the quote header claim. */
typedef struct tdx__qe_params {
	uint8_t fmspc[6];
	uint8_t pce_id[2];
	uint16_t pce_svn;
	uint8_t cpu_svn[16];
	uint8_t tcb_comp_svn[16]; /* sgxTcbComp01..16 SVN */
	uint16_t qe_svn;
	uint8_t ppid[16];
} tdx__qe_params;

/*
 * Defaults: an Emerald Rapids TDX 1.5 platform as in Intel's sample TCB
 * Info (FMSPC 90C06F000000, PCE-ID 0000) at its UpToDate level: SGX TCB
 * components 3,3,2,2,4,1,0,5,0..., CPUSVN the same 16 bytes, PCESVN 13,
 * QE SVN 4; PPID "libtdx-emu-PPID!" (ASCII).
 */
void tdx__qe_params_default(tdx__qe_params *p);

/* A QE with keys from `seed`; `params` NULL means the defaults. */
int tdx__qe_create(tdx__qe **out, const uint8_t seed[TDX_QE_SEED_SIZE],
		   const tdx__qe_params *params);
void tdx__qe_destroy(tdx__qe *qe);

/*
 * Quote `tdreport` (TDREPORT_SIZE bytes, type 0x81).  version 4 gives body
 * type 2 (TDX 1.0 body), version 5 body type 3 (adds TEE_TCB_SVN2 and
 * MRSERVICETD).  Writes the quote to out[cap] and its size to *len; when
 * cap is too small returns TDX_E_BUFFER_TOO_SMALL with the size needed in
 * *len (out may be NULL when cap is 0).  Safe to call from several threads
 * on one QE.
 */
int tdx__qe_quote(tdx__qe *qe, const uint8_t *tdreport, size_t report_len, int version,
		  uint8_t *out, size_t cap, size_t *len);

/* PEM of the emulator root CA, and of the PCK chain (leaf, then root); valid while qe lives. */
const char *tdx__qe_root_pem(const tdx__qe *qe);
const char *tdx__qe_pck_chain_pem(const tdx__qe *qe);

/*
 * The collateral Intel's PCS would serve for this platform, under the
 * emulator's PKI: its root CA and PCK CRLs (hex of DER; with REVOKE_PCK the
 * PCK CRL lists this QE's PCK certificate), TCB Info for a TDX module
 * reporting tee_tcb_svn (with OUT_OF_DATE a newer level this platform does
 * not reach comes first and its own is OutOfDate, with an advisory), QE
 * Identity for this QE, each signed (hex r||s)
 * by the emulator's TCB Signing certificate; issuer chains in PEM.  Built
 * once per variant and kept (borrowed; valid while qe lives); NULL with
 * the error recorded on failure.
 */
typedef struct tdx__qe_collateral_doc {
	char *pck_crl_issuer_chain, *root_ca_crl, *pck_crl;
	char *tcb_info_issuer_chain, *tcb_info, *tcb_info_signature;
	char *qe_identity_issuer_chain, *qe_identity, *qe_identity_signature;
} tdx__qe_collateral_doc;
#define TDX_QE_COLLATERAL_REVOKE_PCK 1u
#define TDX_QE_COLLATERAL_OUT_OF_DATE 2u
const tdx__qe_collateral_doc *tdx__qe_collateral(tdx__qe *qe, const uint8_t tee_tcb_svn[16],
						  unsigned flags);
/* text signed by the emulator's TCB Signing key, as its TCB Info and QE
 * Identity are: *sig is hex r||s, malloc'd (NULL on failure). */
int tdx__qe_tcb_sign(const char *text, char **sig);

#endif /* TDX_EMU_QE_H */
