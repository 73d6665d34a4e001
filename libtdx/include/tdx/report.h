/* SPDX-License-Identifier: MIT */
/*
 * TDREPORT_STRUCT: the 1024-byte report TDG.MR.REPORT produces
 * (REPORTMACSTRUCT 256 | TEE_TCB_INFO 239 + 17 reserved | TDINFO 512).
 *
 * tdx_report_parse copies and checks the bytes; the accessors return
 * pointers into that copy (borrowed: valid until tdx_report_free).  Byte
 * fields are returned as stored; multi-byte integers are little-endian in
 * the structure and returned as host integers.  An accessor given a NULL
 * report (or an index out of range) returns NULL or 0 and records
 * TDX_E_INVALID in tdx_error_last().
 */
#ifndef TDX_REPORT_H
#define TDX_REPORT_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

#define TDX_REPORT_SIZE 1024

/* TD ATTRIBUTES bits (TDINFO_STRUCT.ATTRIBUTES, the quote's td_attributes). */
#define TDX_TD_ATTR_DEBUG (1ULL << 0)
#define TDX_TD_ATTR_HGS_PLUS_PROF (1ULL << 4)
#define TDX_TD_ATTR_PERF_PROF (1ULL << 5)
#define TDX_TD_ATTR_PMT_PROF (1ULL << 6)
#define TDX_TD_ATTR_ICSSD (1ULL << 16)
#define TDX_TD_ATTR_LASS (1ULL << 27)
#define TDX_TD_ATTR_SEPT_VE_DISABLE (1ULL << 28)
#define TDX_TD_ATTR_MIGRATABLE (1ULL << 29)
#define TDX_TD_ATTR_PKS (1ULL << 30)
#define TDX_TD_ATTR_KL (1ULL << 31)
#define TDX_TD_ATTR_TPA (1ULL << 62)
#define TDX_TD_ATTR_PERFMON (1ULL << 63)

typedef struct tdx_report tdx_report;

/*
 * Parse exactly TDX_REPORT_SIZE bytes into a new *out (free with
 * tdx_report_free).  Fails with TDX_E_INVALID for a NULL argument, any
 * other length, or REPORTTYPE.TYPE other than 0x81 (TDX).
 */
TDX_API tdx_status tdx_report_parse(tdx_report **out, const uint8_t *buf, size_t len);
TDX_API void tdx_report_free(tdx_report *r);
/* The TDX_REPORT_SIZE bytes. */
TDX_API const uint8_t *tdx_report_raw(const tdx_report *r);

/* REPORTMACSTRUCT (bytes 0..255). */
TDX_API int tdx_report_type(const tdx_report *r);    /* 0x81 */
TDX_API int tdx_report_subtype(const tdx_report *r);
TDX_API int tdx_report_version(const tdx_report *r); /* 1: SERVTD_HASH valid */
TDX_API const uint8_t *tdx_report_cpusvn(const tdx_report *r);            /* 16 */
TDX_API const uint8_t *tdx_report_tee_tcb_info_hash(const tdx_report *r); /* 48 */
TDX_API const uint8_t *tdx_report_tee_info_hash(const tdx_report *r);     /* 48 */
TDX_API const uint8_t *tdx_report_report_data(const tdx_report *r);       /* 64 */
TDX_API const uint8_t *tdx_report_mac(const tdx_report *r);               /* 32 */
TDX_API const uint8_t *tdx_report_mac_struct(const tdx_report *r);        /* 256 */

/* TEE_TCB_INFO (bytes 256..494). */
TDX_API uint64_t tdx_report_tee_tcb_valid(const tdx_report *r);
TDX_API const uint8_t *tdx_report_tee_tcb_svn(const tdx_report *r);  /* 16 */
TDX_API const uint8_t *tdx_report_mrseam(const tdx_report *r);       /* 48 */
TDX_API const uint8_t *tdx_report_mrsignerseam(const tdx_report *r); /* 48 */
TDX_API uint64_t tdx_report_seam_attributes(const tdx_report *r);
TDX_API const uint8_t *tdx_report_tee_tcb_svn2(const tdx_report *r); /* 16 */

/* TDINFO_STRUCT (bytes 512..1023); every hash is 48 bytes (SHA-384). */
TDX_API uint64_t tdx_report_attributes(const tdx_report *r); /* TDX_TD_ATTR_* */
TDX_API uint64_t tdx_report_xfam(const tdx_report *r);
TDX_API const uint8_t *tdx_report_mrtd(const tdx_report *r);
TDX_API const uint8_t *tdx_report_mrconfigid(const tdx_report *r);
TDX_API const uint8_t *tdx_report_mrowner(const tdx_report *r);
TDX_API const uint8_t *tdx_report_mrownerconfig(const tdx_report *r);
/* RTMR[index], index 0..3. */
TDX_API const uint8_t *tdx_report_rtmr(const tdx_report *r, unsigned index);
TDX_API const uint8_t *tdx_report_servtd_hash(const tdx_report *r);

/*
 * The name of TD ATTRIBUTES bit `bit` ("DEBUG", "SEPT_VE_DISABLE", ...);
 * NULL for a bit without a name or bit >= 64.  Static storage.
 */
TDX_API const char *tdx_td_attribute_name(unsigned bit);

/*
 * The report as one line of JSON.  Keys are the spec's field names in
 * lower snake case: report_type {type, subtype, version}, cpusvn,
 * tee_tcb_info_hash, tee_info_hash, report_data, mac, tee_tcb_info {valid,
 * tee_tcb_svn, mrseam, mrsignerseam, attributes, tee_tcb_svn2}, td_info
 * {attributes, attributes_names, xfam, mrtd, mrconfigid, mrowner,
 * mrownerconfig, rtmr [4], servtd_hash}.  Byte fields are lowercase hex of
 * their bytes in structure order; small integers are numbers.  The 64-bit
 * bit fields (valid, attributes, xfam) are hex strings of their 8 bytes in
 * structure (little-endian) order, so ATTRIBUTES 0x50000000 reads
 * "0000005000000000".  attributes_names lists the names of the set bits
 * that have one.
 *
 * *len in: the capacity of buf; out: the bytes needed including the NUL.
 * buf NULL (a size query) or a buffer too small fails with
 * TDX_E_BUFFER_TOO_SMALL and *len set to the size needed.
 */
TDX_API tdx_status tdx_report_to_json(const tdx_report *r, char *buf, size_t *len);

TDX_END_DECLS

#endif /* TDX_REPORT_H */
