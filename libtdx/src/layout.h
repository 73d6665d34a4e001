/* SPDX-License-Identifier: MIT */
/*
 * Byte layouts of the TDX structures libtdx reads and writes: TDREPORT,
 * the GetQuote shared buffer and TD quotes v4/v5.  The one place these
 * offsets live (the parser, the emulated TDX module and the emulated
 * quoting enclave all use it).  Source: ../shared/reference/guest.md §2.5,
 * §3.1-3.7 (TDX module td_report_t, DCAP sgx_quote_4.h/sgx_quote_5.h,
 * Linux tdx-guest.c).  All integers little-endian unless noted.
 */
#ifndef TDX_LAYOUT_H
#define TDX_LAYOUT_H

/* TDREPORT_STRUCT (1024 bytes, 1024-byte aligned for TDG.MR.REPORT). */
#define TDREPORT_SIZE 1024
#define TDREPORT_ALIGN 1024
/* REPORTMACSTRUCT at 0 (256 bytes, 256-byte aligned for VERIFYREPORT). */
#define REPORTMAC_OFF 0
#define REPORTMAC_SIZE 256
#define REPORTMAC_ALIGN 256
#define RM_REPORT_TYPE 0 /* u8 type (0x81 TDX), u8 subtype, u8 version, u8 rsvd */
#define RM_CPUSVN 16     /* 16 */
#define RM_TEE_TCB_INFO_HASH 32 /* 48: SHA-384 of TEE_TCB_INFO (239 bytes) */
#define RM_TEE_INFO_HASH 80     /* 48: SHA-384 of TDINFO_STRUCT (512 bytes) */
#define RM_REPORT_DATA 128      /* 64 */
#define RM_MAC 224              /* 32 */
#define REPORT_TYPE_TDX 0x81
/* TEE_TCB_INFO at 256 (239 bytes). */
#define TEE_TCB_INFO_OFF 256
#define TEE_TCB_INFO_SIZE 239
#define TT_VALID 0          /* 8 */
#define TT_TEE_TCB_SVN 8    /* 16 */
#define TT_MRSEAM 24        /* 48 */
#define TT_MRSIGNERSEAM 72  /* 48 */
#define TT_ATTRIBUTES 120   /* 8 */
#define TT_TEE_TCB_SVN2 128 /* 16 (TDX 1.5) */
/* TDINFO_STRUCT at 512 (512 bytes). */
#define TDINFO_OFF 512
#define TDINFO_SIZE 512
#define TI_ATTRIBUTES 0     /* 8 */
#define TI_XFAM 8           /* 8 */
#define TI_MRTD 16          /* 48 */
#define TI_MRCONFIGID 64    /* 48 */
#define TI_MROWNER 112      /* 48 */
#define TI_MROWNERCONFIG 160 /* 48 */
#define TI_RTMR 208         /* 4 x 48 */
#define TI_SERVTD_HASH 400  /* 48 (TDX 1.5) */

#define REPORT_DATA_SIZE 64
#define REPORT_DATA_ALIGN 64
#define SHA384_SIZE 48
#define RTMR_COUNT 4

/* GetQuote shared buffer header (24 bytes), then data. */
#define GQ_VERSION 0  /* u64, must be 1 */
#define GQ_STATUS 8   /* u64 */
#define GQ_IN_LEN 16  /* u32 */
#define GQ_OUT_LEN 20 /* u32 */
#define GQ_DATA 24
#define GQ_STATUS_SUCCESS 0x0ULL
#define GQ_STATUS_IN_FLIGHT 0xFFFFFFFFFFFFFFFFULL
#define GQ_STATUS_ERROR 0x8000000000000000ULL
#define GQ_STATUS_SERVICE_UNAVAILABLE 0x8000000000000001ULL

/* Quote header (48 bytes). */
#define QH_VERSION 0        /* u16: 4 or 5 */
#define QH_ATT_KEY_TYPE 2   /* u16: 2 = ECDSA-256-with-P-256 */
#define QH_TEE_TYPE 4       /* u32: 0x81 TDX */
#define QH_RESERVED 8       /* 4 (go-tdx-guest: u16 PCE SVN, u16 QE SVN) */
#define QH_QE_VENDOR_ID 12  /* 16 */
#define QH_USER_DATA 28     /* 20 */
#define QUOTE_HEADER_SIZE 48
#define QUOTE_TEE_TYPE_TDX 0x81
#define QUOTE_ATT_KEY_ECDSA_P256 2

/* TD quote body, offsets inside the body.  v4 = body type 2 (584 bytes);
 * v5 body type 3 (TDX 1.5) appends TEE_TCB_SVN2 and MRSERVICETD (648). */
#define QB_TEE_TCB_SVN 0
#define QB_MRSEAM 16
#define QB_MRSIGNERSEAM 64
#define QB_SEAM_ATTRIBUTES 112
#define QB_TD_ATTRIBUTES 120
#define QB_XFAM 128
#define QB_MRTD 136
#define QB_MRCONFIGID 184
#define QB_MROWNER 232
#define QB_MROWNERCONFIG 280
#define QB_RTMR 328
#define QB_REPORT_DATA 520
#define QB_TEE_TCB_SVN2 584
#define QB_MRSERVICETD 600
#define QUOTE_BODY_TDX10_SIZE 584
#define QUOTE_BODY_TDX15_SIZE 648

/* v4: header | body (584) | u32 sig-data length @632 | sig data @636.
 * v5: header | u16 body type @48 | u32 body size @50 | body @54 | u32 sig
 *     length | sig data. */
#define QUOTE_V4_BODY 48
#define QUOTE_V4_SIG_LEN 632
#define QUOTE_V4_SIG_DATA 636
#define QUOTE_V5_BODY_TYPE 48
#define QUOTE_V5_BODY_SIZE 50
#define QUOTE_V5_BODY 54
#define QUOTE_BODY_TYPE_SGX 1
#define QUOTE_BODY_TYPE_TDX10 2
#define QUOTE_BODY_TYPE_TDX15 3

/* ECDSA-P256 signature data, offsets inside it. */
#define QS_SIGNATURE 0        /* 64: r||s big-endian, over header..body */
#define QS_ATTESTATION_KEY 64 /* 64: x||y big-endian */
#define QS_CERT_TYPE 128      /* u16: 6 = QE report certification data */
#define QS_CERT_SIZE 130      /* u32 */
#define QS_CERT_DATA 134
#define CERT_TYPE_PCK_CHAIN 5
#define CERT_TYPE_QE_REPORT 6
/* Type-6 certification data: QE report (384) | QE report signature (64) |
 * u16 auth-data size | auth data | u16 cert type | u32 size | cert data. */
#define QE_REPORT_SIZE 384
#define QE_REPORT_SIG_SIZE 64
/* SGX report body fields inside the QE report. */
#define QR_CPUSVN 0
#define QR_MISCSELECT 16
#define QR_ATTRIBUTES 48
#define QR_MRENCLAVE 64
#define QR_MRSIGNER 128
#define QR_ISVPRODID 256
#define QR_ISVSVN 258
#define QR_REPORT_DATA 320

#endif /* TDX_LAYOUT_H */
