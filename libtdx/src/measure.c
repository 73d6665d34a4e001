/* SPDX-License-Identifier: MIT */
/*
 * MRTD, RTMR extension and TEE_INFO_HASH (../shared/reference/host.md §3).
 *
 * MRTD is one incremental SHA-384 (OpenSSL EVP) over 128-byte blocks.  The
 * blocks are assembled in a staging buffer inside the context and handed to
 * EVP_DigestUpdate many at a time: one update call per 128-byte block would
 * cost more in call overhead than the copy into the buffer does.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"
#include "layout.h"

#define PAGE_SIZE TDX_MEASURE_PAGE_SIZE
#define CHUNK_SIZE TDX_MEASURE_CHUNK_SIZE
#define BLOCK_SIZE 128 /* one SHA-384 block; the unit the TDX module feeds */
#define CHUNKS_PER_PAGE (PAGE_SIZE / CHUNK_SIZE)
#define GPA_OFFSET 16 /* the GPA's place in a PAGE.ADD / MR.EXTEND block */
/* The staging buffer: 192 blocks (a page of single-pass input is 49), small
 * enough to stay in L1 between being written and being hashed. */
#define STAGE_SIZE (24 * 1024)

_Static_assert(STAGE_SIZE % BLOCK_SIZE == 0, "the stage holds whole blocks");
_Static_assert(SHA384_SIZE == TDX_MEASURE_DIGEST_SIZE, "one digest size");

enum mrtd_state { MRTD_OPEN, MRTD_FINALIZED, MRTD_BROKEN };

struct tdx_mrtd {
	EVP_MD_CTX *ctx;
	enum mrtd_state state;
	size_t fill; /* bytes staged */
	uint8_t stage[STAGE_SIZE];
};

/* The 16-byte API-name fields of the two block kinds. */
static const uint8_t PAGE_ADD_NAME[16] = "MEM.PAGE.ADD";
static const uint8_t MR_EXTEND_NAME[16] = "MR.EXTEND";

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * Fixed-size copies, written out: each 16-byte memcpy becomes one vector
 * load/store pair.  As loops (or one variable-length memcpy) GCC turns them
 * into rep movs / rep stos, whose start-up cost per 256-byte chunk was most
 * of libtdx's own time in bench/bench_mrtd.
 */
static inline void copy16(uint8_t *dst, const uint8_t *src)
{
	memcpy(dst, src, 16);
}

static inline void copy64(uint8_t *dst, const uint8_t *src)
{
	copy16(dst, src);
	copy16(dst + 16, src + 16);
	copy16(dst + 32, src + 32);
	copy16(dst + 48, src + 48);
}

static inline void copy256(uint8_t *dst, const uint8_t *src)
{
	copy64(dst, src);
	copy64(dst + 64, src + 64);
	copy64(dst + 128, src + 128);
	copy64(dst + 192, src + 192);
}

static const uint8_t ZEROS[128];

/* Hand the staged blocks to OpenSSL. */
static int stage_flush(tdx_mrtd *m, const char *where)
{
	if (m->fill && EVP_DigestUpdate(m->ctx, m->stage, m->fill) != 1) {
		m->state = MRTD_BROKEN;
		return tdx__error_set(TDX_E_STATE, TDX_LAYER_LIBRARY, 0, 0, where,
				      "OpenSSL's SHA-384 update failed; this MRTD context is "
				      "unusable: free it and start again");
	}
	m->fill = 0;
	return TDX_OK;
}

/* Room for n more bytes in the stage (n <= STAGE_SIZE). */
static inline int stage_reserve(tdx_mrtd *m, size_t n, const char *where)
{
	return m->fill + n > STAGE_SIZE ? stage_flush(m, where) : TDX_OK;
}

/* An API-name block: name (zero-padded to 16), gpa (LE), zeros to 128. */
static inline void put_header(uint8_t *b, const uint8_t name[16], uint64_t gpa)
{
	copy16(b, name);
	put_le64(b + GPA_OFFSET, gpa);
	memcpy(b + GPA_OFFSET + 8, ZEROS, 8);
	copy16(b + 32, ZEROS);
	copy16(b + 48, ZEROS);
	copy64(b + 64, ZEROS);
}

static int feed_page_add(tdx_mrtd *m, uint64_t gpa, const char *where)
{
	int rc = stage_reserve(m, BLOCK_SIZE, where);

	if (rc)
		return rc;
	put_header(m->stage + m->fill, PAGE_ADD_NAME, gpa);
	m->fill += BLOCK_SIZE;
	return TDX_OK;
}

/* MR.EXTEND of one chunk: data[0..n) zero-extended to 256 bytes (data may
 * be NULL when n is 0). */
static inline int feed_extend(tdx_mrtd *m, uint64_t gpa, const uint8_t *data, size_t n,
			      const char *where)
{
	int rc = stage_reserve(m, BLOCK_SIZE + CHUNK_SIZE, where);
	uint8_t *b;

	if (rc)
		return rc;
	b = m->stage + m->fill;
	put_header(b, MR_EXTEND_NAME, gpa);
	b += BLOCK_SIZE;
	if (n == CHUNK_SIZE) {
		copy256(b, data);
	} else {
		if (n)
			memcpy(b, data, n);
		memset(b + n, 0, CHUNK_SIZE - n);
	}
	m->fill += BLOCK_SIZE + CHUNK_SIZE;
	return TDX_OK;
}

/* The 16 MR.EXTENDs of the page at gpa whose content starts at byte `off`
 * of data[0..len) (zero beyond len). */
static int feed_page_extends(tdx_mrtd *m, uint64_t gpa, const uint8_t *data, size_t len,
			     uint64_t off, const char *where)
{
	for (unsigned c = 0; c < CHUNKS_PER_PAGE; c++, off += CHUNK_SIZE) {
		size_t n = off >= len ? 0 : len - off < CHUNK_SIZE ? (size_t)(len - off) : CHUNK_SIZE;
		int rc = feed_extend(m, gpa + (uint64_t)c * CHUNK_SIZE, n ? data + off : NULL, n,
				     where);

		if (rc)
			return rc;
	}
	return TDX_OK;
}

/* Common checks: the context exists and still takes input. */
static int check_open(const tdx_mrtd *m, const char *where)
{
	if (!m)
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
				      "m is NULL; pass a context from tdx_mrtd_new");
	if (m->state == MRTD_FINALIZED)
		return tdx__error_set(TDX_E_STATE, TDX_LAYER_LIBRARY, 0, 0, where,
				      "this MRTD was already finalized (TDH.MR.FINALIZE) and takes "
				      "no more input; start a new one with tdx_mrtd_new");
	if (m->state == MRTD_BROKEN)
		return tdx__error_set(TDX_E_STATE, TDX_LAYER_LIBRARY, 0, 0, where,
				      "an earlier OpenSSL failure left this MRTD context unusable; "
				      "free it and start again");
	return TDX_OK;
}

tdx_status tdx_mrtd_new(tdx_mrtd **out)
{
	tdx_mrtd *m;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_mrtd *");
	*out = NULL;
	m = malloc(sizeof(*m));
	if (!m)
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating an MRTD context");
	m->state = MRTD_OPEN;
	m->fill = 0;
	m->ctx = EVP_MD_CTX_new();
	if (!m->ctx) {
		free(m);
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating an OpenSSL digest context");
	}
	if (EVP_DigestInit_ex(m->ctx, EVP_sha384(), NULL) != 1) {
		EVP_MD_CTX_free(m->ctx);
		free(m);
		return tdx__fail(TDX_E_NOT_SUPPORTED,
				 "OpenSSL cannot start a SHA-384 digest; check the OpenSSL "
				 "configuration (providers) of this process");
	}
	*out = m;
	return TDX_OK;
}

void tdx_mrtd_free(tdx_mrtd *m)
{
	if (!m)
		return;
	EVP_MD_CTX_free(m->ctx);
	free(m);
}

tdx_status tdx_mrtd_page_add(tdx_mrtd *m, uint64_t gpa)
{
	int rc = check_open(m, __func__);

	if (rc)
		return rc;
	if (gpa % PAGE_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "gpa 0x%llx is not 4 KiB aligned; TDH.MEM.PAGE.ADD takes the "
				 "page's first address", (unsigned long long)gpa);
	return feed_page_add(m, gpa, __func__);
}

tdx_status tdx_mrtd_extend(tdx_mrtd *m, uint64_t gpa, const uint8_t *chunk, size_t len)
{
	int rc = check_open(m, __func__);

	if (rc)
		return rc;
	if (gpa % CHUNK_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "gpa 0x%llx is not 256-byte aligned; TDH.MR.EXTEND measures "
				 "aligned 256-byte chunks", (unsigned long long)gpa);
	if (!chunk)
		return tdx__fail(TDX_E_INVALID, "chunk is NULL; pass the 256 bytes at gpa");
	if (len != CHUNK_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "len is %zu but TDH.MR.EXTEND measures exactly %d bytes; pass one "
				 "256-byte chunk per call (or use tdx_mrtd_add_region)",
				 len, CHUNK_SIZE);
	return feed_extend(m, gpa, chunk, CHUNK_SIZE, __func__);
}

tdx_status tdx_mrtd_add_region(tdx_mrtd *m, uint64_t gpa, uint64_t npages, const uint8_t *data,
			       size_t len, unsigned flags)
{
	const unsigned known = TDX_MEASURE_EXTEND | TDX_MEASURE_TWO_PASS;
	int rc = check_open(m, __func__);
	uint64_t size;

	if (rc)
		return rc;
	if (flags & ~known)
		return tdx__fail(TDX_E_INVALID,
				 "flags 0x%x has unknown bits 0x%x; use TDX_MEASURE_EXTEND and "
				 "TDX_MEASURE_TWO_PASS", flags, flags & ~known);
	if (gpa % PAGE_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "gpa 0x%llx is not 4 KiB aligned; a region starts on a page",
				 (unsigned long long)gpa);
	if (npages == 0)
		return tdx__fail(TDX_E_INVALID, "npages is 0; a region has at least one page");
	size = npages <= UINT64_MAX / PAGE_SIZE ? npages * PAGE_SIZE : 0;
	if (!size || size - 1 > UINT64_MAX - gpa)
		return tdx__fail(TDX_E_INVALID,
				 "gpa 0x%llx + npages %llu x 4 KiB runs past the end of the "
				 "64-bit address space", (unsigned long long)gpa,
				 (unsigned long long)npages);
	if ((uint64_t)len > size)
		return tdx__fail(TDX_E_INVALID,
				 "len %zu is more than the region's %llu pages hold (%llu bytes); "
				 "pass npages >= ceil(len / 4096)", len, (unsigned long long)npages,
				 (unsigned long long)size);
	if (!(flags & TDX_MEASURE_EXTEND))
		len = 0; /* the content is not measured */
	else if (!data && len)
		return tdx__fail(TDX_E_INVALID,
				 "data is NULL but len is %zu; pass the region's content", len);

	if ((flags & TDX_MEASURE_EXTEND) && (flags & TDX_MEASURE_TWO_PASS)) {
		for (uint64_t p = 0; p < npages; p++)
			if ((rc = feed_page_add(m, gpa + p * PAGE_SIZE, __func__)))
				return rc;
		for (uint64_t p = 0; p < npages; p++)
			if ((rc = feed_page_extends(m, gpa + p * PAGE_SIZE, data, len,
						    p * PAGE_SIZE, __func__)))
				return rc;
		return TDX_OK;
	}
	for (uint64_t p = 0; p < npages; p++) {
		if ((rc = feed_page_add(m, gpa + p * PAGE_SIZE, __func__)))
			return rc;
		if ((flags & TDX_MEASURE_EXTEND) &&
		    (rc = feed_page_extends(m, gpa + p * PAGE_SIZE, data, len, p * PAGE_SIZE,
					    __func__)))
			return rc;
	}
	return TDX_OK;
}

tdx_status tdx_mrtd_finalize(tdx_mrtd *m, uint8_t mrtd[48])
{
	unsigned n = 0;
	int rc = check_open(m, __func__);

	if (rc)
		return rc;
	if (!mrtd)
		return tdx__fail(TDX_E_INVALID, "mrtd is NULL; pass a 48-byte buffer");
	if ((rc = stage_flush(m, __func__)))
		return rc;
	if (EVP_DigestFinal_ex(m->ctx, mrtd, &n) != 1 || n != SHA384_SIZE) {
		m->state = MRTD_BROKEN;
		return tdx__fail(TDX_E_STATE,
				 "OpenSSL's SHA-384 finalisation failed; this MRTD context is "
				 "unusable: free it and start again");
	}
	m->state = MRTD_FINALIZED;
	return TDX_OK;
}

/* SHA-384 of the concatenation of two buffers. */
static int sha384_2(const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
		    uint8_t out[SHA384_SIZE], const char *where)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned n = 0;
	int ok;

	if (!ctx)
		return tdx__error_set(TDX_E_NOMEM, TDX_LAYER_LIBRARY, 0, 0, where,
				      "out of memory allocating an OpenSSL digest context");
	ok = EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, a, an) == 1 && (!bn || EVP_DigestUpdate(ctx, b, bn) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == SHA384_SIZE;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_LIBRARY, 0, 0, where,
				      "OpenSSL's SHA-384 failed; check the OpenSSL configuration "
				      "(providers) of this process");
	return TDX_OK;
}

tdx_status tdx_measure_rtmr_extend(uint8_t rtmr[48], const uint8_t *digest, size_t len)
{
	uint8_t out[SHA384_SIZE];
	int rc;

	if (!rtmr)
		return tdx__fail(TDX_E_INVALID, "rtmr is NULL; pass the 48-byte RTMR to extend");
	if (!digest)
		return tdx__fail(TDX_E_INVALID, "digest is NULL; pass the 48-byte extend value");
	if (len != SHA384_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "len is %zu but an RTMR is extended with exactly %d bytes (a "
				 "SHA-384 digest); hash the event first", len, SHA384_SIZE);
	if ((rc = sha384_2(rtmr, SHA384_SIZE, digest, SHA384_SIZE, out, __func__)))
		return rc;
	memcpy(rtmr, out, SHA384_SIZE);
	return TDX_OK;
}

tdx_status tdx_td_info_init(tdx_td_info *info, size_t sz)
{
	return TDX_STRUCT_INIT(info, sz, tdx_td_info);
}

tdx_status tdx_measure_tee_info_hash(const tdx_td_info *info, uint8_t out[48])
{
	uint8_t ti[TDINFO_SIZE];
	tdx_td_info in;
	int rc;

	if (!info)
		return tdx__fail(TDX_E_INVALID,
				 "info is NULL; pass a tdx_td_info set up with TDX_OPTS or "
				 "tdx_td_info_init");
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass a 48-byte buffer");
	if ((rc = TDX_STRUCT_CHECK(info, tdx_td_info)))
		return rc;
	/* Fields beyond an older caller's struct read as zero. */
	memset(&in, 0, sizeof(in));
	memcpy(&in, info, info->sz < sizeof(in) ? info->sz : sizeof(in));

	memset(ti, 0, sizeof(ti));
	put_le64(ti + TI_ATTRIBUTES, in.attributes);
	put_le64(ti + TI_XFAM, in.xfam);
	memcpy(ti + TI_MRTD, in.mrtd, SHA384_SIZE);
	memcpy(ti + TI_MRCONFIGID, in.mrconfigid, SHA384_SIZE);
	memcpy(ti + TI_MROWNER, in.mrowner, SHA384_SIZE);
	memcpy(ti + TI_MROWNERCONFIG, in.mrownerconfig, SHA384_SIZE);
	for (int i = 0; i < RTMR_COUNT; i++)
		memcpy(ti + TI_RTMR + i * SHA384_SIZE, in.rtmr[i], SHA384_SIZE);
	memcpy(ti + TI_SERVTD_HASH, in.servtd_hash, SHA384_SIZE);
	return sha384_2(ti, sizeof(ti), NULL, 0, out, __func__);
}
