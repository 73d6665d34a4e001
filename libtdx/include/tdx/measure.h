/* SPDX-License-Identifier: MIT */
/*
 * Measurement: the MRTD a TD gets, RTMR extension, TEE_INFO_HASH, and the
 * TDVF (TDX OVMF / td-shim) metadata that says how a firmware image is
 * loaded and measured.
 *
 * MRTD is one SHA-384 over 128-byte blocks, in the order the host issues
 * the TDX module calls (TDH.MNG.INIT starts it, TDH.MR.FINALIZE ends it):
 *   TDH.MEM.PAGE.ADD(gpa):  "MEM.PAGE.ADD" | zeros to 16 | gpa (u64 LE) | zeros to 128
 *   TDH.MR.EXTEND(gpa, c):  "MR.EXTEND" | zeros to 16 | gpa (u64 LE) | zeros to 128,
 *                           then the 256 bytes c (two blocks)
 * Mainline KVM adds and extends one page at a time ("single pass"); older
 * out-of-tree stacks (QEMU 8.x era) added all pages of a region first and
 * extended them afterwards ("two pass"): the same firmware then gives a
 * different MRTD.
 *
 * Contexts (tdx_mrtd, tdx_tdvf) are independent of each other: distinct
 * ones may be used from different threads at once.  A parsed tdx_tdvf is
 * read-only and may be shared.
 */
#ifndef TDX_MEASURE_H
#define TDX_MEASURE_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

#define TDX_MEASURE_DIGEST_SIZE 48 /* SHA-384 */
#define TDX_MEASURE_PAGE_SIZE 4096
#define TDX_MEASURE_CHUNK_SIZE 256 /* bytes per TDH.MR.EXTEND */

/* ---- MRTD, incrementally ---- */

typedef struct tdx_mrtd tdx_mrtd;

/* A new MRTD computation, as after TDH.MNG.INIT.  Free with tdx_mrtd_free. */
TDX_API tdx_status tdx_mrtd_new(tdx_mrtd **out);
/* NULL-safe. */
TDX_API void tdx_mrtd_free(tdx_mrtd *m);

/* TDH.MEM.PAGE.ADD: gpa 4 KiB aligned.  Page contents are not measured. */
TDX_API tdx_status tdx_mrtd_page_add(tdx_mrtd *m, uint64_t gpa);

/* TDH.MR.EXTEND: gpa 256-byte aligned, chunk exactly 256 bytes. */
TDX_API tdx_status tdx_mrtd_extend(tdx_mrtd *m, uint64_t gpa, const uint8_t *chunk,
				   size_t len);

/*
 * A region of npages (>= 1) whole pages at gpa (4 KiB aligned; the region
 * must not wrap past 2^64) holding data[0..len) zero-extended to
 * npages * 4096 (len <= npages * 4096).  For each page: PAGE.ADD, then,
 * with TDX_MEASURE_EXTEND, its 16 MR.EXTENDs (single pass, mainline KVM);
 * with TDX_MEASURE_EXTEND | TDX_MEASURE_TWO_PASS, all PAGE.ADDs of the
 * region first, then all its MR.EXTENDs.  data may be NULL when len is 0
 * (all-zero content) or when TDX_MEASURE_EXTEND is not given.  Feeding a
 * large image region by region in order gives the same MRTD as one call in
 * single-pass order; a two-pass region must be passed in one call.
 */
#define TDX_MEASURE_EXTEND 0x1u
#define TDX_MEASURE_TWO_PASS 0x2u
TDX_API tdx_status tdx_mrtd_add_region(tdx_mrtd *m, uint64_t gpa, uint64_t npages,
				       const uint8_t *data, size_t len, unsigned flags);

/*
 * TDH.MR.FINALIZE: write the MRTD.  Afterwards every call on m except
 * tdx_mrtd_free fails with TDX_E_STATE.
 */
TDX_API tdx_status tdx_mrtd_finalize(tdx_mrtd *m, uint8_t mrtd[48]);

/* ---- RTMR and TEE_INFO_HASH ---- */

/*
 * TDG.MR.RTMR.EXTEND as the TDX module computes it:
 * rtmr := SHA-384(rtmr || digest), digest exactly 48 bytes (it may alias rtmr).
 */
TDX_API tdx_status tdx_measure_rtmr_extend(uint8_t rtmr[48], const uint8_t *digest,
					   size_t len);

/*
 * The fields of a TDINFO_STRUCT (a growable input struct: `sz` first; see
 * TDX_OPTS in <tdx/common.h>).  A field an older caller's struct does not
 * reach is taken as zero.
 */
typedef struct tdx_td_info {
	size_t sz;
	uint64_t attributes;
	uint64_t xfam;
	uint8_t mrtd[48];
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t rtmr[4][48];
	uint8_t servtd_hash[48]; /* TDX 1.5; zero when no service TD is bound */
} tdx_td_info;

#define tdx_td_info__last_field servtd_hash

/* Zero *info and set info->sz = sz (sz: the caller's sizeof). */
TDX_API tdx_status tdx_td_info_init(tdx_td_info *info, size_t sz);

/*
 * TEE_INFO_HASH (REPORTMACSTRUCT bytes 80..127 of a TDREPORT): SHA-384 of
 * the 512-byte TDINFO_STRUCT holding these fields (reserved bytes zero).
 */
TDX_API tdx_status tdx_measure_tee_info_hash(const tdx_td_info *info, uint8_t out[48]);

/* ---- TDVF metadata ---- */

typedef struct tdx_tdvf tdx_tdvf;

/* Section types (TDVF / td-shim specifications). */
#define TDX_TDVF_SECTION_BFV 0           /* boot firmware volume: PAGE.ADD + MR.EXTEND */
#define TDX_TDVF_SECTION_CFV 1           /* configuration volume: PAGE.ADD */
#define TDX_TDVF_SECTION_TD_HOB 2        /* TD hand-off block: PAGE.ADD */
#define TDX_TDVF_SECTION_TEMP_MEM 3      /* temporary memory: PAGE.ADD */
#define TDX_TDVF_SECTION_PERM_MEM 4      /* permanent memory: PAGE.AUG, unmeasured */
#define TDX_TDVF_SECTION_PAYLOAD 5       /* payload: PAGE.ADD (+ MR.EXTEND) */
#define TDX_TDVF_SECTION_PAYLOAD_PARAM 6 /* payload parameters: PAGE.ADD */
#define TDX_TDVF_SECTION_TD_INFO 7       /* data in the image, not loaded */
#define TDX_TDVF_SECTION_TD_PARAMS 8     /* data in the image, not loaded */

/* Section attributes. */
#define TDX_TDVF_ATTR_MR_EXTEND 0x1u /* the VMM TDH.MR.EXTENDs the content */
#define TDX_TDVF_ATTR_PAGE_AUG 0x2u  /* added later with PAGE.AUG: not in MRTD */

/* One metadata section entry (a growable output struct, `sz` first). */
typedef struct tdx_tdvf_section {
	size_t sz;
	uint32_t data_offset;      /* DataOffset: where the content is in the image */
	uint32_t raw_data_size;    /* RawDataSize: its length in the image */
	uint64_t memory_address;   /* MemoryAddress: the GPA */
	uint64_t memory_data_size; /* MemoryDataSize: bytes of TD memory */
	uint32_t type;             /* TDX_TDVF_SECTION_* */
	uint32_t attributes;       /* TDX_TDVF_ATTR_* */
} tdx_tdvf_section;

#define tdx_tdvf_section__last_field attributes

/* Zero *s and set s->sz = sz (sz: the caller's sizeof). */
TDX_API tdx_status tdx_tdvf_section_init(tdx_tdvf_section *s, size_t sz);

/*
 * Find and check the TDX metadata of a firmware image: through the OVMF
 * GUIDed footer table (TDX metadata offset entry), else at td-shim's
 * legacy location (u32 at image size - 0x20).  Every section is checked;
 * an invalid image fails with TDX_E_INVALID and a message naming the
 * field and its value.
 *
 * tdx_tdvf_open reads only the footer table and the metadata from the file
 * (memory does not grow with the image); an unreadable file fails with the
 * OS layer's error.  tdx_tdvf_parse copies what it needs from image and
 * never keeps it.  Free the result with tdx_tdvf_free (NULL-safe).
 */
TDX_API tdx_status tdx_tdvf_open(tdx_tdvf **out, const char *path);
TDX_API tdx_status tdx_tdvf_parse(tdx_tdvf **out, const uint8_t *image, size_t len);
TDX_API void tdx_tdvf_free(tdx_tdvf *t);

/* The number of sections (0, with TDX_E_INVALID recorded, for NULL). */
TDX_API size_t tdx_tdvf_section_count(const tdx_tdvf *t);
/* Section `index` (metadata order) into *out (set up with TDX_OPTS or
 * tdx_tdvf_section_init). */
TDX_API tdx_status tdx_tdvf_get_section(const tdx_tdvf *t, size_t index,
				    tdx_tdvf_section *out);

/*
 * Predict the MRTD of a TD launched from the firmware image at path:
 * every section that is PAGE.ADDed (not PAGE.AUG, not TD_INFO, TD_PARAMS
 * or PERM_MEM) contributes its pages in metadata order; MR.EXTEND sections
 * also their content (the file's bytes from DataOffset, RawDataSize long,
 * zero-extended to MemoryDataSize).  flags: 0 for single pass (mainline
 * KVM) or TDX_MEASURE_TWO_PASS.  The image is streamed through a
 * fixed-size buffer: memory does not grow with the image.
 */
TDX_API tdx_status tdx_measure_tdvf(const char *path, unsigned flags, uint8_t mrtd[48]);

TDX_END_DECLS

#endif /* TDX_MEASURE_H */
