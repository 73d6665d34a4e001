/* SPDX-License-Identifier: MIT */
/*
 * MRTD, RTMR and TEE_INFO_HASH: every synthetic vector of host.md §3.5,
 * an independent MRTD computed here with OpenSSL one 128-byte block at a
 * time for several layouts (compared with tdx_mrtd_add_region and with
 * per-call page_add/extend, single and two pass), every argument and state
 * error, and TEE_INFO_HASH against a hand-built TDINFO and against real
 * TDREPORTs (skipped when the vectors are absent).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"
#include "layout.h"

#define PAGE 4096
#define CHUNK 256

static const char *const V_EMPTY =
	"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b";
static const char *const V_ONE_ADD =
	"8f3e9a8aca6784eab874f7aa4dda5d49104a88047f1f86695ef2a88f5691a90e34aac48ce45ffa1f5a23c7d62980d570";
static const char *const V_ZERO_PAGE =
	"07f08f558c5e2593b33452cf00c12a165c07b027a36424ecfa15ebf39b5415e0ed62418458e4bfd77f16fec0f1568dc9";
static const char *const V_PATTERN_PAGE =
	"cd9d793217c8e5918ad18eca449ba10dcfc5faafc19ceeae46b925d054f3b68f85127312438aeba5bc187d9dc73a20fa";
static const char *const V_TWO_PAGES_SINGLE =
	"22e6ba8936e6dc4a4e544ac1b4a9ee2734f20c5e73a9080f72a3a6d6bad356a11f9adacd3b7b16d004a08402093a03ad";
static const char *const V_TWO_PAGES_TWO_PASS =
	"888990f91e52e88cb63bce5af0dd8cdeba6751daa71fd6bb219be6e83592c9eab803d48cacb1e9aee1fbd5ddf8bec660";
static const char *const V_RTMR_1 =
	"21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc500a";
static const char *const V_RTMR_2 =
	"e1cf1b313b50e5ad9cd4154047919717d4aa8713d191a915bfb8bb865f344051dbcc6c0f86d0c94b3850b7673e3e42f5";

static void assert_hex(const uint8_t got[48], const char *want_hex)
{
	uint8_t want[48];

	CU_ASSERT_EQUAL_FATAL(tdx_test_unhex(want_hex, want, sizeof(want)), 0);
	if (memcmp(got, want, sizeof(want))) {
		fprintf(stderr, "\n  got  ");
		for (int i = 0; i < 48; i++)
			fprintf(stderr, "%02x", got[i]);
		fprintf(stderr, "\n  want %s\n", want_hex);
	}
	CU_ASSERT(memcmp(got, want, sizeof(want)) == 0);
}

static void sha384(const void *p, size_t n, uint8_t out[48])
{
	unsigned len = 0;

	CU_ASSERT_EQUAL_FATAL(EVP_Digest(p, n, out, &len, EVP_sha384(), NULL), 1);
}

/* ---- the independent model: OpenSSL, one 128-byte block per update ---- */

typedef struct ref_region {
	uint64_t gpa, npages;
	const uint8_t *data;
	size_t len;
	int extend;
} ref_region;

static void ref_block(EVP_MD_CTX *c, const char *name, uint64_t gpa)
{
	uint8_t b[128] = { 0 };

	memcpy(b, name, strlen(name));
	for (int i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(gpa >> (8 * i));
	CU_ASSERT_EQUAL(EVP_DigestUpdate(c, b, sizeof(b)), 1);
}

static void ref_extend_page(EVP_MD_CTX *c, const ref_region *r, uint64_t p)
{
	for (unsigned k = 0; k < PAGE / CHUNK; k++) {
		uint8_t chunk[CHUNK] = { 0 };
		uint64_t off = p * PAGE + k * CHUNK;

		for (unsigned i = 0; i < CHUNK; i++)
			if (off + i < r->len)
				chunk[i] = r->data[off + i];
		ref_block(c, "MR.EXTEND", r->gpa + off);
		CU_ASSERT_EQUAL(EVP_DigestUpdate(c, chunk, 128), 1);
		CU_ASSERT_EQUAL(EVP_DigestUpdate(c, chunk + 128, 128), 1);
	}
}

static void ref_mrtd(const ref_region *rs, size_t n, int two_pass, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned len = 0;

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(EVP_DigestInit_ex(c, EVP_sha384(), NULL), 1);
	for (size_t i = 0; i < n; i++) {
		const ref_region *r = &rs[i];

		for (uint64_t p = 0; p < r->npages; p++) {
			ref_block(c, "MEM.PAGE.ADD", r->gpa + p * PAGE);
			if (r->extend && !two_pass)
				ref_extend_page(c, r, p);
		}
		if (r->extend && two_pass)
			for (uint64_t p = 0; p < r->npages; p++)
				ref_extend_page(c, r, p);
	}
	CU_ASSERT_EQUAL(EVP_DigestFinal_ex(c, out, &len), 1);
	CU_ASSERT_EQUAL(len, 48);
	EVP_MD_CTX_free(c);
}

/* The same layout through tdx_mrtd_add_region. */
static void lib_regions(const ref_region *rs, size_t n, int two_pass, uint8_t out[48])
{
	tdx_mrtd *m = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, rs[i].gpa, rs[i].npages, rs[i].data, rs[i].len,
						    (rs[i].extend ? TDX_MEASURE_EXTEND : 0) |
						    (two_pass ? TDX_MEASURE_TWO_PASS : 0)), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	tdx_mrtd_free(m);
}

static void lib_extend_page(tdx_mrtd *m, const ref_region *r, uint64_t p)
{
	for (unsigned k = 0; k < PAGE / CHUNK; k++) {
		uint8_t chunk[CHUNK] = { 0 };
		uint64_t off = p * PAGE + k * CHUNK;

		if (off < r->len)
			memcpy(chunk, r->data + off, r->len - off < CHUNK ? r->len - off : CHUNK);
		CU_ASSERT_EQUAL(tdx_mrtd_extend(m, r->gpa + off, chunk, CHUNK), TDX_OK);
	}
}

/* The same layout through per-call tdx_mrtd_page_add / tdx_mrtd_extend. */
static void lib_calls(const ref_region *rs, size_t n, int two_pass, uint8_t out[48])
{
	tdx_mrtd *m = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	for (size_t i = 0; i < n; i++) {
		const ref_region *r = &rs[i];

		for (uint64_t p = 0; p < r->npages; p++) {
			CU_ASSERT_EQUAL(tdx_mrtd_page_add(m, r->gpa + p * PAGE), TDX_OK);
			if (r->extend && !two_pass)
				lib_extend_page(m, r, p);
		}
		if (r->extend && two_pass)
			for (uint64_t p = 0; p < r->npages; p++)
				lib_extend_page(m, r, p);
	}
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	tdx_mrtd_free(m);
}

/* All three agree, and (if given) equal the expected vector. */
static void check_layout(const ref_region *rs, size_t n, int two_pass, const char *want)
{
	uint8_t ref[48], reg[48], calls[48];

	ref_mrtd(rs, n, two_pass, ref);
	lib_regions(rs, n, two_pass, reg);
	lib_calls(rs, n, two_pass, calls);
	CU_ASSERT(memcmp(ref, reg, 48) == 0);
	CU_ASSERT(memcmp(ref, calls, 48) == 0);
	if (want)
		assert_hex(reg, want);
}

/* ---- host.md §3.5 vectors ---- */

static void test_vector_empty(void)
{
	tdx_mrtd *m = NULL;
	uint8_t out[48];

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	assert_hex(out, V_EMPTY);
	tdx_mrtd_free(m);
	check_layout(NULL, 0, 0, V_EMPTY);
}

static void test_vector_one_page_add(void)
{
	ref_region r = { .gpa = 0, .npages = 1 };
	tdx_mrtd *m = NULL;
	uint8_t out[48];

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_page_add(m, 0), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	assert_hex(out, V_ONE_ADD);
	tdx_mrtd_free(m);
	check_layout(&r, 1, 0, V_ONE_ADD);
	check_layout(&r, 1, 1, V_ONE_ADD);
}

static void test_vector_zero_page(void)
{
	static const uint8_t zeros[PAGE];
	ref_region with_data = { 0xFFFFF000, 1, zeros, PAGE, 1 };
	ref_region short_data = { 0xFFFFF000, 1, zeros, 17, 1 };
	ref_region no_data = { 0xFFFFF000, 1, NULL, 0, 1 };

	check_layout(&with_data, 1, 0, V_ZERO_PAGE);
	check_layout(&with_data, 1, 1, V_ZERO_PAGE); /* one page: both orders agree */
	check_layout(&short_data, 1, 0, V_ZERO_PAGE);
	check_layout(&no_data, 1, 0, V_ZERO_PAGE); /* data NULL, len 0: zero content */
}

static void test_vector_pattern_page(void)
{
	uint8_t data[PAGE];
	ref_region r = { 0xFFFFF000, 1, data, PAGE, 1 };

	for (int i = 0; i < PAGE; i++)
		data[i] = (uint8_t)(i & 0xFF);
	check_layout(&r, 1, 0, V_PATTERN_PAGE);
	check_layout(&r, 1, 1, V_PATTERN_PAGE);
}

static void test_vector_two_pages(void)
{
	uint8_t data[2 * PAGE];
	ref_region r = { 0x800000, 2, data, sizeof(data), 1 };

	for (int i = 0; i < 2 * PAGE; i++)
		data[i] = (uint8_t)((7 * i) & 0xFF);
	check_layout(&r, 1, 0, V_TWO_PAGES_SINGLE);
	check_layout(&r, 1, 1, V_TWO_PAGES_TWO_PASS);
}

static void test_vector_rtmr(void)
{
	uint8_t rtmr[48] = { 0 }, d[48], zero4[4] = { 0 };

	sha384("", 0, d);
	CU_ASSERT_EQUAL(tdx_measure_rtmr_extend(rtmr, d, sizeof(d)), TDX_OK);
	assert_hex(rtmr, V_RTMR_1);
	sha384(zero4, sizeof(zero4), d);
	CU_ASSERT_EQUAL(tdx_measure_rtmr_extend(rtmr, d, sizeof(d)), TDX_OK);
	assert_hex(rtmr, V_RTMR_2);
}

/* The extend value may be the RTMR itself. */
static void test_rtmr_aliasing(void)
{
	uint8_t a[48], b[48], cat[96];

	for (int i = 0; i < 48; i++)
		a[i] = (uint8_t)(i * 5 + 3);
	memcpy(cat, a, 48);
	memcpy(cat + 48, a, 48);
	sha384(cat, sizeof(cat), b);
	CU_ASSERT_EQUAL(tdx_measure_rtmr_extend(a, a, 48), TDX_OK);
	CU_ASSERT(memcmp(a, b, 48) == 0);
}

/* ---- layouts against the independent model ---- */

static uint8_t *pattern(size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n ? n : 1);

	CU_ASSERT_FATAL(p != NULL);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	return p;
}

static void test_layouts_against_openssl(void)
{
	/* 40 pages is more than the library's staging buffer holds. */
	uint8_t *a = pattern(5 * PAGE - 100, 1), *d = pattern(40 * PAGE - 3, 2);
	uint8_t *e = pattern(300, 3);
	ref_region rs[] = {
		{ 0xFFC00000, 5, a, 5 * PAGE - 100, 1 }, /* zero-extended tail */
		{ 0x100000, 3, NULL, 0, 0 },             /* pages only */
		{ 0x0, 1, NULL, 0, 1 },                  /* extended, all zero */
		{ 0x7FFF000000, 40, d, 40 * PAGE - 3, 1 },
		{ 0x5000, 2, e, 300, 1 },                /* content in the first page only */
		{ 0x9000, 2, a, 2 * PAGE, 0 },           /* data given but not extended */
	};

	for (size_t n = 1; n <= sizeof(rs) / sizeof(rs[0]); n++) {
		check_layout(rs, n, 0, NULL);
		check_layout(rs, n, 1, NULL);
	}
	free(a);
	free(d);
	free(e);
}

/* Single pass composes: one region equals the same pages fed in pieces. */
static void test_single_pass_composes(void)
{
	uint8_t *d = pattern(9 * PAGE, 9), whole[48], parts[48];
	ref_region r = { 0x200000, 9, d, 9 * PAGE, 1 };
	tdx_mrtd *m = NULL;

	lib_regions(&r, 1, 0, whole);
	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, 0x200000, 4, d, 4 * PAGE, TDX_MEASURE_EXTEND), 0);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, 0x204000, 1, d + 4 * PAGE, PAGE,
					    TDX_MEASURE_EXTEND), 0);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, 0x205000, 4, d + 5 * PAGE, 4 * PAGE,
					    TDX_MEASURE_EXTEND), 0);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, parts), TDX_OK);
	CU_ASSERT(memcmp(whole, parts, 48) == 0);
	tdx_mrtd_free(m);
	free(d);
}

/* ---- errors ---- */

static void test_mrtd_errors(void)
{
	uint8_t chunk[CHUNK] = { 0 }, out[48], data[PAGE + 1] = { 0 };
	tdx_mrtd *m = NULL;

	TDX_ASSERT_FAILS(tdx_mrtd_new(NULL), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_page_add(NULL, 0), TDX_E_INVALID, "m is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(NULL, 0, chunk, CHUNK), TDX_E_INVALID, "m is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(NULL, 0, 1, NULL, 0, 0), TDX_E_INVALID, "m is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_finalize(NULL, out), TDX_E_INVALID, "m is NULL");
	tdx_mrtd_free(NULL);

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	TDX_ASSERT_FAILS(tdx_mrtd_page_add(m, 0x1001), TDX_E_INVALID, "0x1001 is not 4 KiB aligned");
	TDX_ASSERT_FAILS(tdx_mrtd_page_add(m, 0x800), TDX_E_INVALID, "not 4 KiB aligned");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(m, 0x80, chunk, CHUNK), TDX_E_INVALID,
			 "0x80 is not 256-byte aligned");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(m, 0x100, chunk, CHUNK - 1), TDX_E_INVALID,
			 "len is 255");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(m, 0x100, chunk, CHUNK + 1), TDX_E_INVALID,
			 "exactly 256 bytes");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(m, 0x100, NULL, CHUNK), TDX_E_INVALID, "chunk is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0x1100, 1, NULL, 0, 0), TDX_E_INVALID,
			 "gpa 0x1100 is not 4 KiB aligned");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0x1000, 0, NULL, 0, 0), TDX_E_INVALID,
			 "npages is 0");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0xFFFFFFFFFFFFF000ULL, 2, NULL, 0, 0),
			 TDX_E_INVALID, "64-bit address space");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0, UINT64_MAX, NULL, 0, 0), TDX_E_INVALID,
			 "64-bit address space");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0, 1, data, PAGE + 1, TDX_MEASURE_EXTEND),
			 TDX_E_INVALID, "len 4097 is more than");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0, 1, NULL, 10, TDX_MEASURE_EXTEND),
			 TDX_E_INVALID, "data is NULL");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0, 1, NULL, 0, 0x4), TDX_E_INVALID,
			 "unknown bits 0x4");
	TDX_ASSERT_FAILS(tdx_mrtd_finalize(m, NULL), TDX_E_INVALID, "mrtd is NULL");
	/* The last page of the address space is fine; failures fed nothing. */
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, 0xFFFFFFFFFFFFF000ULL, 1, NULL, 0, 0), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	{
		tdx_mrtd *m2 = NULL;
		uint8_t want[48];

		CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m2), TDX_OK);
		CU_ASSERT_EQUAL(tdx_mrtd_page_add(m2, 0xFFFFFFFFFFFFF000ULL), TDX_OK);
		CU_ASSERT_EQUAL(tdx_mrtd_finalize(m2, want), TDX_OK);
		CU_ASSERT(memcmp(out, want, 48) == 0);
		tdx_mrtd_free(m2);
	}

	/* Finalized: everything but free is refused. */
	TDX_ASSERT_FAILS(tdx_mrtd_page_add(m, 0), TDX_E_STATE, "already finalized");
	TDX_ASSERT_FAILS(tdx_mrtd_extend(m, 0, chunk, CHUNK), TDX_E_STATE, "already finalized");
	TDX_ASSERT_FAILS(tdx_mrtd_add_region(m, 0, 1, NULL, 0, 0), TDX_E_STATE,
			 "already finalized");
	TDX_ASSERT_FAILS(tdx_mrtd_finalize(m, out), TDX_E_STATE, "tdx_mrtd_new");
	tdx_mrtd_free(m);
}

static void test_rtmr_errors(void)
{
	uint8_t r[48] = { 0 }, d[49] = { 0 };

	TDX_ASSERT_FAILS(tdx_measure_rtmr_extend(NULL, d, 48), TDX_E_INVALID, "rtmr is NULL");
	TDX_ASSERT_FAILS(tdx_measure_rtmr_extend(r, NULL, 48), TDX_E_INVALID, "digest is NULL");
	TDX_ASSERT_FAILS(tdx_measure_rtmr_extend(r, d, 47), TDX_E_INVALID, "len is 47");
	TDX_ASSERT_FAILS(tdx_measure_rtmr_extend(r, d, 49), TDX_E_INVALID, "exactly 48 bytes");
	for (int i = 0; i < 48; i++)
		CU_ASSERT_EQUAL(r[i], 0); /* untouched */
}

/* ---- TEE_INFO_HASH ---- */

static void fill_td_info(tdx_td_info *ti)
{
	uint8_t *f[] = { ti->mrtd, ti->mrconfigid, ti->mrowner, ti->mrownerconfig,
			 ti->rtmr[0], ti->rtmr[1], ti->rtmr[2], ti->rtmr[3], ti->servtd_hash };

	ti->attributes = 0x1000000050000001ULL;
	ti->xfam = 0x00000000000602E7ULL;
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
		for (int i = 0; i < 48; i++)
			f[k][i] = (uint8_t)(0x10 * (k + 1) + i);
}

/* The 512-byte TDINFO_STRUCT built by hand at layout.h's offsets. */
static void hand_tdinfo(const tdx_td_info *ti, int with_servtd, uint8_t out[48])
{
	uint8_t b[TDINFO_SIZE] = { 0 };

	for (int i = 0; i < 8; i++) {
		b[TI_ATTRIBUTES + i] = (uint8_t)(ti->attributes >> (8 * i));
		b[TI_XFAM + i] = (uint8_t)(ti->xfam >> (8 * i));
	}
	memcpy(b + TI_MRTD, ti->mrtd, 48);
	memcpy(b + TI_MRCONFIGID, ti->mrconfigid, 48);
	memcpy(b + TI_MROWNER, ti->mrowner, 48);
	memcpy(b + TI_MROWNERCONFIG, ti->mrownerconfig, 48);
	for (int r = 0; r < 4; r++)
		memcpy(b + TI_RTMR + 48 * r, ti->rtmr[r], 48);
	if (with_servtd)
		memcpy(b + TI_SERVTD_HASH, ti->servtd_hash, 48);
	sha384(b, sizeof(b), out);
}

static void test_tee_info_hash(void)
{
	TDX_OPTS(tdx_td_info, ti);
	tdx_td_info init;
	uint8_t got[48], want[48];

	fill_td_info(&ti);
	CU_ASSERT_EQUAL(tdx_measure_tee_info_hash(&ti, got), TDX_OK);
	hand_tdinfo(&ti, 1, want);
	CU_ASSERT(memcmp(got, want, 48) == 0);

	/* An older caller's struct without servtd_hash: that field reads as zero. */
	ti.sz = offsetof(tdx_td_info, servtd_hash);
	CU_ASSERT_EQUAL(tdx_measure_tee_info_hash(&ti, got), TDX_OK);
	hand_tdinfo(&ti, 0, want);
	CU_ASSERT(memcmp(got, want, 48) == 0);

	/* tdx_td_info_init zeroes and sets sz. */
	memset(&init, 0xAB, sizeof(init));
	CU_ASSERT_EQUAL(tdx_td_info_init(&init, sizeof(init)), TDX_OK);
	CU_ASSERT_EQUAL(init.sz, sizeof(init));
	CU_ASSERT_EQUAL(init.attributes, 0);
	CU_ASSERT_EQUAL(init.servtd_hash[47], 0);
	CU_ASSERT_EQUAL(tdx_measure_tee_info_hash(&init, got), TDX_OK);
	{
		uint8_t zeros[TDINFO_SIZE] = { 0 };

		sha384(zeros, sizeof(zeros), want);
		CU_ASSERT(memcmp(got, want, 48) == 0);
	}
}

static void test_tee_info_hash_errors(void)
{
	TDX_OPTS(tdx_td_info, ti);
	struct {
		tdx_td_info ti;
		uint64_t newer;
	} big;
	uint8_t out[48];

	TDX_ASSERT_FAILS(tdx_measure_tee_info_hash(NULL, out), TDX_E_INVALID, "info is NULL");
	TDX_ASSERT_FAILS(tdx_measure_tee_info_hash(&ti, NULL), TDX_E_INVALID, "out is NULL");
	ti.sz = 4;
	TDX_ASSERT_FAILS(tdx_measure_tee_info_hash(&ti, out), TDX_E_INVALID, "tdx_td_info.sz is 4");
	/* A newer caller's struct: accepted while its unknown tail is zero. */
	memset(&big, 0, sizeof(big));
	big.ti.sz = sizeof(big);
	CU_ASSERT_EQUAL(tdx_measure_tee_info_hash(&big.ti, out), TDX_OK);
	big.newer = 1;
	TDX_ASSERT_FAILS(tdx_measure_tee_info_hash(&big.ti, out), TDX_E_ABI_MISMATCH, "newer libtdx");
	TDX_ASSERT_FAILS(tdx_td_info_init(NULL, sizeof(ti)), TDX_E_INVALID, "info is NULL");
	TDX_ASSERT_FAILS(tdx_td_info_init(&ti, 2), TDX_E_INVALID, "sz 2");
}

/* Real TDREPORTs: TEE_INFO_HASH (REPORTMACSTRUCT + 80) = our hash of the
 * report's own TDINFO fields. */
static void check_report_vector(const char *name)
{
	TDX_OPTS(tdx_td_info, ti);
	uint8_t got[48];
	tdx_report *r = NULL;
	unsigned char *buf;
	size_t len = 0;

	buf = tdx_test_read_vector(name, &len);
	if (!buf) {
		fprintf(stderr, "SKIP: %s absent; TEE_INFO_HASH vector check skipped\n", name);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(tdx_report_parse(&r, buf, len), TDX_OK);
	ti.attributes = tdx_report_attributes(r);
	ti.xfam = tdx_report_xfam(r);
	memcpy(ti.mrtd, tdx_report_mrtd(r), 48);
	memcpy(ti.mrconfigid, tdx_report_mrconfigid(r), 48);
	memcpy(ti.mrowner, tdx_report_mrowner(r), 48);
	memcpy(ti.mrownerconfig, tdx_report_mrownerconfig(r), 48);
	for (unsigned i = 0; i < 4; i++)
		memcpy(ti.rtmr[i], tdx_report_rtmr(r, i), 48);
	memcpy(ti.servtd_hash, tdx_report_servtd_hash(r), 48);
	CU_ASSERT_EQUAL(tdx_measure_tee_info_hash(&ti, got), TDX_OK);
	CU_ASSERT(memcmp(got, buf + REPORTMAC_OFF + RM_TEE_INFO_HASH, 48) == 0);
	CU_ASSERT(memcmp(got, tdx_report_tee_info_hash(r), 48) == 0);
	tdx_report_free(r);
	free(buf);
}

static void test_tee_info_hash_real_reports(void)
{
	check_report_vector("intel-dcap_tdreport_td-ql-logic-rs.bin");
	check_report_vector("coco-guest-components_tdreport_hw.bin"); /* SERVTD_HASH set */
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_vector_empty),
		TDX_TEST(test_vector_one_page_add),
		TDX_TEST(test_vector_zero_page),
		TDX_TEST(test_vector_pattern_page),
		TDX_TEST(test_vector_two_pages),
		TDX_TEST(test_vector_rtmr),
		TDX_TEST(test_rtmr_aliasing),
		TDX_TEST(test_layouts_against_openssl),
		TDX_TEST(test_single_pass_composes),
		TDX_TEST(test_mrtd_errors),
		TDX_TEST(test_rtmr_errors),
		TDX_TEST(test_tee_info_hash),
		TDX_TEST(test_tee_info_hash_errors),
		TDX_TEST(test_tee_info_hash_real_reports),
		{ NULL, NULL },
	};

	return tdx_test_run("measure", tests);
}
