/* SPDX-License-Identifier: MIT */
/*
 * TDVF metadata and tdx_measure_tdvf on synthetic firmware images built
 * here: an OVMF-style image (GUIDed footer table with the TDX metadata
 * offset entry; BFV extended, CFV, TD_HOB, TempMem) and a td-shim-style
 * image (legacy location; also PermMem/PAGE.AUG, an extended Payload with
 * a partial last page, PayloadParam and TD_INFO).  The MRTD from the file
 * is compared with an independent OpenSSL computation on the documented
 * block format and with tdx_mrtd_add_region, single and two pass; every
 * validity error must fail with TDX_E_INVALID naming the field; mutated
 * and truncated images must never be read out of bounds (run under ASan).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"

#define PAGE 4096
#define CHUNK 256
#define IMG_SIZE 0xC0000u  /* 768 KiB: the BFV streams through several buffers */
#define META_OFF 0xBE000u  /* metadata GUID; the descriptor follows it */
#define DESC_OFF (META_OFF + 16)
#define SEC_OFF(i) (DESC_OFF + 16 + 32 * (i))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct sec {
	uint32_t off, raw;
	uint64_t addr, size;
	uint32_t type, attr;
} sec;

static const sec OVMF_SECTIONS[] = {
	/* Content to the image end, 2 pages of zero tail in memory. */
	{ 0x30000, 0x90000, 0xFFF6E000, 0x92000, TDX_TDVF_SECTION_BFV, TDX_TDVF_ATTR_MR_EXTEND },
	{ 0x0, 0x30000, 0xFFC00000, 0x30000, TDX_TDVF_SECTION_CFV, 0 },
	{ 0, 0, 0x809000, 0x2000, TDX_TDVF_SECTION_TD_HOB, 0 },
	{ 0, 0, 0x800000, 0x9000, TDX_TDVF_SECTION_TEMP_MEM, 0 },
};

static const sec SHIM_SECTIONS[] = {
	{ 0x40000, 0x80000, 0xFFF80000, 0x80000, TDX_TDVF_SECTION_BFV, TDX_TDVF_ATTR_MR_EXTEND },
	{ 0, 0, 0x820000, 0x20000, TDX_TDVF_SECTION_TD_HOB, 0 },
	{ 0, 0, 0xFF000000, 0x1000, TDX_TDVF_SECTION_TEMP_MEM, 0 },
	{ 0, 0, 0x1000000, 0x10000000, TDX_TDVF_SECTION_PERM_MEM, TDX_TDVF_ATTR_PAGE_AUG },
	{ 0x10000, 0x12345, 0x1200000, 0x20000, TDX_TDVF_SECTION_PAYLOAD,
	  TDX_TDVF_ATTR_MR_EXTEND },
	{ 0x0, 0x8000, 0x1100000, 0x8000, TDX_TDVF_SECTION_PAYLOAD_PARAM, 0 },
	{ 0x41000, 0x200, 0, 0, TDX_TDVF_SECTION_TD_INFO, 0 },
};

/* GUIDs, on-disk byte order. */
static const uint8_t FOOTER_GUID[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
					 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
static const uint8_t OFFSET_GUID[16] = { 0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
					 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };
static const uint8_t META_GUID[16] = { 0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
				       0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae };
/* Some other table entry (OVMF has several, e.g. SEV ones). */
static const uint8_t OTHER_GUID[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* The footer table's layout from the end (see build_image). */
#define FOOTER_AT (IMG_SIZE - 48)
#define TABLE_LEN_AT (FOOTER_AT - 2)
#define NEAR_ENTRY_LEN 24 /* other entry, 6 data bytes, next to the footer */
#define TDX_ENTRY_LEN 22  /* u32 offset */
#define FAR_ENTRY_LEN 20  /* other entry, 2 data bytes */
#define NEAR_ENTRY_LEN_AT (TABLE_LEN_AT - 18)
#define TDX_ENTRY_AT (TABLE_LEN_AT - NEAR_ENTRY_LEN - TDX_ENTRY_LEN)
#define TABLE_TOTAL (NEAR_ENTRY_LEN + TDX_ENTRY_LEN + FAR_ENTRY_LEN + 18)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A table entry ending at `end`: [data][u16 len][guid]. */
static void put_entry(uint8_t *img, size_t end, const uint8_t guid[16], const uint8_t *data,
		      size_t dlen)
{
	memcpy(img + end - 16, guid, 16);
	put16(img + end - 18, (uint16_t)(dlen + 18));
	memcpy(img + end - 18 - dlen, data, dlen);
}

/* An image: pseudo-random bytes, metadata at META_OFF, and either the
 * OVMF footer table or td-shim's legacy pointer. */
static uint8_t *build_image(int legacy, const sec *s, size_t n)
{
	uint8_t *img = malloc(IMG_SIZE);
	uint32_t seed = legacy ? 77 : 11;

	CU_ASSERT_FATAL(img != NULL);
	for (size_t i = 0; i < IMG_SIZE; i++) {
		seed = seed * 1664525u + 1013904223u;
		img[i] = (uint8_t)(seed >> 24);
	}
	memcpy(img + META_OFF, META_GUID, 16);
	put32(img + DESC_OFF, 0x46564454);
	put32(img + DESC_OFF + 4, (uint32_t)(16 + 32 * n));
	put32(img + DESC_OFF + 8, 1);
	put32(img + DESC_OFF + 12, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = img + SEC_OFF(i);

		put32(e, s[i].off);
		put32(e + 4, s[i].raw);
		put64(e + 8, s[i].addr);
		put64(e + 16, s[i].size);
		put32(e + 24, s[i].type);
		put32(e + 28, s[i].attr);
	}
	memset(img + IMG_SIZE - 48, 0, 48);
	if (legacy) {
		put32(img + IMG_SIZE - 0x20, DESC_OFF);
	} else {
		uint8_t off[4], other[6] = { 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };

		memcpy(img + FOOTER_AT, FOOTER_GUID, 16);
		put16(img + TABLE_LEN_AT, TABLE_TOTAL);
		put_entry(img, TABLE_LEN_AT, OTHER_GUID, other, 6);
		put32(off, IMG_SIZE - DESC_OFF);
		put_entry(img, TABLE_LEN_AT - NEAR_ENTRY_LEN, OFFSET_GUID, off, 4);
		put_entry(img, TABLE_LEN_AT - NEAR_ENTRY_LEN - TDX_ENTRY_LEN, OTHER_GUID, other, 2);
	}
	return img;
}

static char *write_temp(const uint8_t *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	FILE *f;
	int fd;

	CU_ASSERT_FATAL(path != NULL);
	snprintf(path, 4096, "%s/tdx-tdvf-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "wb");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(fwrite(p, 1, n, f) == n);
	CU_ASSERT_FATAL(fclose(f) == 0);
	return path;
}

static int measured(const sec *s)
{
	return s->type != TDX_TDVF_SECTION_PERM_MEM && s->type != TDX_TDVF_SECTION_TD_INFO &&
	       s->type != TDX_TDVF_SECTION_TD_PARAMS && !(s->attr & TDX_TDVF_ATTR_PAGE_AUG);
}

/* ---- the independent model: OpenSSL, one block per update ---- */

static void ref_block(EVP_MD_CTX *c, const char *name, uint64_t gpa)
{
	uint8_t b[128] = { 0 };

	memcpy(b, name, strlen(name));
	put64(b + 16, gpa);
	CU_ASSERT_EQUAL(EVP_DigestUpdate(c, b, sizeof(b)), 1);
}

static void ref_extend_page(EVP_MD_CTX *c, const uint8_t *img, const sec *s, uint64_t p)
{
	for (unsigned k = 0; k < PAGE / CHUNK; k++) {
		uint8_t chunk[CHUNK] = { 0 };
		uint64_t off = p * PAGE + k * CHUNK;

		for (unsigned i = 0; i < CHUNK; i++)
			if (off + i < s->raw)
				chunk[i] = img[s->off + off + i];
		ref_block(c, "MR.EXTEND", s->addr + off);
		CU_ASSERT_EQUAL(EVP_DigestUpdate(c, chunk, 128), 1);
		CU_ASSERT_EQUAL(EVP_DigestUpdate(c, chunk + 128, 128), 1);
	}
}

static void ref_mrtd(const uint8_t *img, const sec *ss, size_t n, int two_pass, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned len = 0;

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(EVP_DigestInit_ex(c, EVP_sha384(), NULL), 1);
	for (size_t i = 0; i < n; i++) {
		const sec *s = &ss[i];
		int ext = s->attr & TDX_TDVF_ATTR_MR_EXTEND;

		if (!measured(s))
			continue;
		for (uint64_t p = 0; p < s->size / PAGE; p++) {
			ref_block(c, "MEM.PAGE.ADD", s->addr + p * PAGE);
			if (ext && !two_pass)
				ref_extend_page(c, img, s, p);
		}
		if (ext && two_pass)
			for (uint64_t p = 0; p < s->size / PAGE; p++)
				ref_extend_page(c, img, s, p);
	}
	CU_ASSERT_EQUAL(EVP_DigestFinal_ex(c, out, &len), 1);
	EVP_MD_CTX_free(c);
}

/* The same through tdx_mrtd_add_region, one call per section. */
static void lib_mrtd(const uint8_t *img, const sec *ss, size_t n, int two_pass, uint8_t out[48])
{
	tdx_mrtd *m = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	for (size_t i = 0; i < n; i++) {
		const sec *s = &ss[i];
		unsigned flags = two_pass ? TDX_MEASURE_TWO_PASS : 0;

		if (!measured(s))
			continue;
		if (s->attr & TDX_TDVF_ATTR_MR_EXTEND)
			flags |= TDX_MEASURE_EXTEND;
		CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, s->addr, s->size / PAGE, img + s->off, s->raw,
						    flags), TDX_OK);
	}
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, out), TDX_OK);
	tdx_mrtd_free(m);
}

/* ---- parsing ---- */

static void check_sections(const tdx_tdvf *t, const sec *s, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(tdx_tdvf_section_count(t), n);
	for (size_t i = 0; i < n; i++) {
		TDX_OPTS(tdx_tdvf_section, got);

		CU_ASSERT_EQUAL_FATAL(tdx_tdvf_get_section(t, i, &got), TDX_OK);
		CU_ASSERT_EQUAL(got.sz, sizeof(got));
		CU_ASSERT_EQUAL(got.data_offset, s[i].off);
		CU_ASSERT_EQUAL(got.raw_data_size, s[i].raw);
		CU_ASSERT_EQUAL(got.memory_address, s[i].addr);
		CU_ASSERT_EQUAL(got.memory_data_size, s[i].size);
		CU_ASSERT_EQUAL(got.type, s[i].type);
		CU_ASSERT_EQUAL(got.attributes, s[i].attr);
	}
}

static void check_parse(int legacy, const sec *s, size_t n)
{
	uint8_t *img = build_image(legacy, s, n);
	char *path = write_temp(img, IMG_SIZE);
	tdx_tdvf *t = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_tdvf_parse(&t, img, IMG_SIZE), TDX_OK);
	memset(img, 0, IMG_SIZE); /* the parser kept nothing of the buffer */
	check_sections(t, s, n);
	tdx_tdvf_free(t);
	t = NULL;
	CU_ASSERT_EQUAL_FATAL(tdx_tdvf_open(&t, path), TDX_OK);
	check_sections(t, s, n);
	tdx_tdvf_free(t);
	unlink(path);
	free(path);
	free(img);
}

static void test_parse_ovmf(void)
{
	check_parse(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
}

static void test_parse_td_shim_legacy(void)
{
	check_parse(1, SHIM_SECTIONS, ARRAY_LEN(SHIM_SECTIONS));
}

/* One section is enough (QEMU wants two; see tdvf.c). */
static void test_parse_single_section(void)
{
	check_parse(0, OVMF_SECTIONS, 1);
	check_parse(1, SHIM_SECTIONS, 1);
}

/* An older caller's section struct gets only the fields it has. */
static void test_section_older_struct(void)
{
	uint8_t *img = build_image(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
	tdx_tdvf_section s;
	tdx_tdvf *t = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_tdvf_parse(&t, img, IMG_SIZE), TDX_OK);
	memset(&s, 0xEE, sizeof(s));
	s.sz = offsetof(tdx_tdvf_section, type);
	CU_ASSERT_EQUAL(tdx_tdvf_get_section(t, 0, &s), TDX_OK);
	CU_ASSERT_EQUAL(s.sz, offsetof(tdx_tdvf_section, type));
	CU_ASSERT_EQUAL(s.memory_data_size, OVMF_SECTIONS[0].size);
	CU_ASSERT_EQUAL(s.type, 0xEEEEEEEEu); /* beyond sz: untouched */
	CU_ASSERT_EQUAL(s.attributes, 0xEEEEEEEEu);
	CU_ASSERT_EQUAL(tdx_tdvf_section_init(&s, sizeof(s)), TDX_OK);
	CU_ASSERT_EQUAL(s.sz, sizeof(s));
	CU_ASSERT_EQUAL(s.type, 0);
	tdx_tdvf_free(t);
	free(img);
}

/* ---- measurement ---- */

static void check_measure(int legacy, const sec *s, size_t n)
{
	uint8_t *img = build_image(legacy, s, n);
	char *path = write_temp(img, IMG_SIZE);
	uint8_t file1[48], file2[48], ref1[48], ref2[48], lib1[48], lib2[48];

	CU_ASSERT_EQUAL(tdx_measure_tdvf(path, 0, file1), TDX_OK);
	CU_ASSERT_EQUAL(tdx_measure_tdvf(path, TDX_MEASURE_TWO_PASS, file2), TDX_OK);
	ref_mrtd(img, s, n, 0, ref1);
	ref_mrtd(img, s, n, 1, ref2);
	lib_mrtd(img, s, n, 0, lib1);
	lib_mrtd(img, s, n, 1, lib2);
	CU_ASSERT(memcmp(file1, ref1, 48) == 0);
	CU_ASSERT(memcmp(file1, lib1, 48) == 0);
	CU_ASSERT(memcmp(file2, ref2, 48) == 0);
	CU_ASSERT(memcmp(file2, lib2, 48) == 0);
	CU_ASSERT(memcmp(file1, file2, 48) != 0); /* the order matters */
	unlink(path);
	free(path);
	free(img);
}

static void test_measure_ovmf(void)
{
	check_measure(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
}

static void test_measure_td_shim(void)
{
	check_measure(1, SHIM_SECTIONS, ARRAY_LEN(SHIM_SECTIONS));
}

/* Content of sections without MR.EXTEND does not change the MRTD; the
 * last byte of an extended section's content does. */
static void test_measure_depends_on_the_right_bytes(void)
{
	uint8_t *img = build_image(1, SHIM_SECTIONS, ARRAY_LEN(SHIM_SECTIONS));
	uint8_t base[48], other[48];
	char *path = write_temp(img, IMG_SIZE);

	CU_ASSERT_EQUAL(tdx_measure_tdvf(path, 0, base), TDX_OK);
	unlink(path);
	free(path);
	/* (The metadata lies inside the extended BFV, so PermMem's and
	 * TD_INFO's exclusion is checked against the model above instead.) */
	img[SHIM_SECTIONS[5].off + 5] ^= 1; /* PayloadParam: not extended */
	path = write_temp(img, IMG_SIZE);
	CU_ASSERT_EQUAL(tdx_measure_tdvf(path, 0, other), TDX_OK);
	CU_ASSERT(memcmp(base, other, 48) == 0);
	unlink(path);
	free(path);
	img[SHIM_SECTIONS[4].off + SHIM_SECTIONS[4].raw - 1] ^= 1; /* Payload's last byte */
	path = write_temp(img, IMG_SIZE);
	CU_ASSERT_EQUAL(tdx_measure_tdvf(path, 0, other), TDX_OK);
	CU_ASSERT(memcmp(base, other, 48) != 0);
	unlink(path);
	free(path);
	free(img);
}

/* ---- validity errors ---- */

typedef struct mutation {
	const char *what;
	size_t at;      /* offset into the OVMF image */
	unsigned width; /* 2, 4 or 8 */
	uint64_t value;
	const char *message;
} mutation;

static const mutation MUTATIONS[] = {
	{ "signature", DESC_OFF, 4, 0x46564458, "Signature 0x46564458 is not \"TDVF\"" },
	{ "version", DESC_OFF + 8, 4, 2, "Version 2 is not 1" },
	{ "length", DESC_OFF + 4, 4, 16 + 32 * 4 + 1, "Length 145 is not 16 + 32 x "
						      "NumberOfSectionEntries (4) = 144" },
	{ "no sections", DESC_OFF + 12, 4, 0, "NumberOfSectionEntries 0 is not between 1" },
	{ "too many sections", DESC_OFF + 12, 4, 70000, "NumberOfSectionEntries 70000" },
	{ "misaligned address", SEC_OFF(2) + 8, 8, 0x1234,
	  "TDVF section 2: MemoryAddress 0x1234 is not 4 KiB aligned" },
	{ "misaligned size", SEC_OFF(3) + 16, 8, 0x9100,
	  "TDVF section 3: MemoryDataSize 0x9100 is not 4 KiB aligned" },
	{ "raw > memory size", SEC_OFF(0) + 16, 8, 0x8F000,
	  "TDVF section 0: MemoryDataSize 0x8f000 is smaller than RawDataSize 0x90000" },
	{ "data beyond the image", SEC_OFF(0), 4, 0x30001,
	  "TDVF section 0: DataOffset 0x30001 + RawDataSize 0x90000 runs past the end" },
	{ "data offset wraps", SEC_OFF(1), 4, 0xFFFFFFFF, "DataOffset 0xffffffff" },
	{ "address wraps", SEC_OFF(3) + 8, 8, 0xFFFFFFFFFFFFF000ULL,
	  "runs past the 64-bit address space" },
	{ "unknown type", SEC_OFF(3) + 24, 4, 9, "TDVF section 3: Type 9 is unknown" },
	{ "reserved attribute", SEC_OFF(1) + 28, 4, 0x4,
	  "TDVF section 1: Attributes 0x4 has reserved bits 0x4 set" },
	{ "extend + aug", SEC_OFF(0) + 28, 4, 0x3, "Attributes 0x3 asks for MR.EXTEND" },
	{ "extend on PermMem", SEC_OFF(3) + 24, 4, TDX_TDVF_SECTION_PERM_MEM,
	  "TDVF section 3: Attributes 0x1 asks for MR.EXTEND" }, /* with attr below */
	{ "BFV without content", SEC_OFF(0) + 4, 4, 0, "TDVF section 0: RawDataSize is 0" },
	{ "TD_HOB with content", SEC_OFF(2) + 4, 4, 0x1000,
	  "TDVF section 2: RawDataSize 0x1000 must be 0" },
	{ "TempMem without pages", SEC_OFF(3) + 16, 8, 0, "TDVF section 3: MemoryDataSize is 0" },
	{ "bad footer GUID", FOOTER_AT + 3, 2, 0x1234, "OVMF footer table GUID" },
	{ "table length too small", TABLE_LEN_AT, 2, 17, "OVMF footer table length 17" },
	{ "entry length too small", NEAR_ENTRY_LEN_AT, 2, 5,
	  "OVMF footer table entry length 5" },
	{ "entry length too large", NEAR_ENTRY_LEN_AT, 2, 2000,
	  "OVMF footer table entry length 2000" },
	{ "no TDX entry", TDX_ENTRY_AT + 6, 4, 0x12345678, "no TDX metadata offset entry" },
	{ "metadata offset past the start", TDX_ENTRY_AT, 4, IMG_SIZE + 1,
	  "TDX metadata offset 786433" },
	{ "metadata offset leaves no descriptor", TDX_ENTRY_AT, 4, 8, "TDX metadata offset 8" },
	{ "metadata at a random place", TDX_ENTRY_AT, 4, 0x1000, "Signature" },
};

static void test_validity_errors(void)
{
	uint8_t *base = build_image(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
	uint8_t *img = malloc(IMG_SIZE);

	CU_ASSERT_FATAL(img != NULL);
	for (size_t k = 0; k < ARRAY_LEN(MUTATIONS); k++) {
		const mutation *mu = &MUTATIONS[k];
		tdx_tdvf *t = (tdx_tdvf *)1;
		int rc;

		memcpy(img, base, IMG_SIZE);
		if (mu->width == 2)
			put16(img + mu->at, (uint16_t)mu->value);
		else if (mu->width == 4)
			put32(img + mu->at, (uint32_t)mu->value);
		else
			put64(img + mu->at, mu->value);
		if (!strcmp(mu->what, "extend on PermMem"))
			put32(img + SEC_OFF(3) + 28, TDX_TDVF_ATTR_MR_EXTEND);
		rc = tdx_tdvf_parse(&t, img, IMG_SIZE);
		if (rc != TDX_E_INVALID || !strstr(tdx_error_last()->message, mu->message))
			fprintf(stderr, "\n  %s: rc %d, message: %s\n", mu->what, rc,
				tdx_error_last()->message);
		CU_ASSERT_EQUAL(rc, TDX_E_INVALID);
		CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_LIBRARY);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, mu->message));
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "tdx_tdvf_parse: "));
		CU_ASSERT_PTR_NULL(t);
	}
	free(img);
	free(base);
}

/* Errors that need a differently shaped image. */
static void test_validity_errors_shape(void)
{
	uint8_t *img = build_image(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
	uint8_t *shim = build_image(1, SHIM_SECTIONS, ARRAY_LEN(SHIM_SECTIONS));
	tdx_tdvf *t = NULL;
	char *path;

	/* The last 64 bytes keep the footer, but the table no longer fits. */
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, img + IMG_SIZE - 64, 64), TDX_E_INVALID,
			 "OVMF footer table length 84 (u16 at offset 0xe) reaches before the start");
	/* The last 4 KiB keep the table, but the metadata is 8 KiB from the end. */
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, img + IMG_SIZE - 4096, 4096), TDX_E_INVALID,
			 "TDX metadata offset 8176");
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, img, 10), TDX_E_INVALID, "10 bytes, too small");
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, img, 0), TDX_E_INVALID, "too small");
	/* Metadata length past the image end: the count fits the Length
	 * rule but not the image. */
	put32(img + DESC_OFF + 12, 0x200);
	put32(img + DESC_OFF + 4, 16 + 32 * 0x200);
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, img, IMG_SIZE), TDX_E_INVALID,
			 "Length 16400 runs past the end of the image");

	/* td-shim: the pointer must follow the metadata GUID. */
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, shim, IMG_SIZE - 1), TDX_E_INVALID,
			 "the OVMF footer table GUID");
	shim[META_OFF] ^= 0xFF;
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, shim, IMG_SIZE), TDX_E_INVALID,
			 "is not td-shim's metadata offset");
	shim[META_OFF] ^= 0xFF;
	put32(shim + IMG_SIZE - 0x20, 0xFFFFFFFF);
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, shim, IMG_SIZE), TDX_E_INVALID, "(0xffffffff)");
	put32(shim + IMG_SIZE - 0x20, IMG_SIZE - 8);
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, shim, IMG_SIZE), TDX_E_INVALID,
			 "is not td-shim's metadata offset");

	/* A file's errors name the file; tdx_measure_tdvf reports them too. */
	put32(shim + IMG_SIZE - 0x20, DESC_OFF);
	put32(shim + SEC_OFF(2) + 8, 0xFF000800);
	path = write_temp(shim, IMG_SIZE);
	TDX_ASSERT_FAILS(tdx_tdvf_open(&t, path), TDX_E_INVALID,
			 "TDVF section 2: MemoryAddress 0xff000800 is not 4 KiB aligned");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, path));
	{
		uint8_t mrtd[48];

		TDX_ASSERT_FAILS(tdx_measure_tdvf(path, 0, mrtd), TDX_E_INVALID,
				 "tdx_measure_tdvf: ");
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "TDVF section 2"));
	}
	unlink(path);
	free(path);
	free(shim);
	free(img);
}

/* Any image: a valid result or TDX_E_INVALID, never an out-of-bounds read
 * (this test is the fuzzer's smoke run; run it under ASan). */
static void test_mutated_and_truncated_images(void)
{
	uint8_t *ovmf = build_image(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
	uint8_t *shim = build_image(1, SHIM_SECTIONS, ARRAY_LEN(SHIM_SECTIONS));
	uint8_t *imgs[] = { ovmf, shim };
	uint32_t seed = 5;
	unsigned ok = 0, invalid = 0;

	for (int k = 0; k < 2; k++) {
		uint8_t *img = imgs[k];

		/* Prefixes and suffixes (the footer is at the end). */
		for (size_t n = 0; n <= 0x3000; n += 7) {
			tdx_tdvf *t = NULL;
			int rc = tdx_tdvf_parse(&t, img + IMG_SIZE - n, n);

			CU_ASSERT(rc == TDX_OK || rc == TDX_E_INVALID);
			rc == TDX_OK ? ok++ : invalid++;
			tdx_tdvf_free(t);
			t = NULL;
			rc = tdx_tdvf_parse(&t, img, n);
			CU_ASSERT(rc == TDX_E_INVALID);
			tdx_tdvf_free(t);
		}
		/* Random byte changes in the metadata and table area, each
		 * parse on a copy exactly as long as the image. */
		for (int i = 0; i < 3000; i++) {
			uint8_t *copy = malloc(IMG_SIZE);
			tdx_tdvf *t = NULL;
			size_t at;
			int rc;

			CU_ASSERT_FATAL(copy != NULL);
			memcpy(copy, img, IMG_SIZE);
			for (int j = 0; j < 1 + i % 4; j++) {
				seed = seed * 1103515245u + 12345u;
				at = (seed >> 8) % 2 ? META_OFF + (seed >> 9) % 400
						     : IMG_SIZE - 1 - (seed >> 9) % 160;
				copy[at] = (uint8_t)(seed >> 3);
			}
			rc = tdx_tdvf_parse(&t, copy, IMG_SIZE);
			CU_ASSERT(rc == TDX_OK || rc == TDX_E_INVALID);
			if (rc == TDX_OK) {
				size_t n = tdx_tdvf_section_count(t);

				for (size_t s = 0; s < n; s++) {
					TDX_OPTS(tdx_tdvf_section, sec);

					CU_ASSERT_EQUAL(tdx_tdvf_get_section(t, s, &sec), TDX_OK);
					CU_ASSERT(sec.type <= TDX_TDVF_SECTION_TD_PARAMS);
					CU_ASSERT((uint64_t)sec.data_offset + sec.raw_data_size <=
						  IMG_SIZE);
				}
				ok++;
			} else {
				invalid++;
			}
			tdx_tdvf_free(t);
			free(copy);
		}
	}
	CU_ASSERT(ok > 0);
	CU_ASSERT(invalid > 0);
	free(ovmf);
	free(shim);
}

/* ---- API and OS errors ---- */

static void test_api_errors(void)
{
	uint8_t *img = build_image(0, OVMF_SECTIONS, ARRAY_LEN(OVMF_SECTIONS));
	TDX_OPTS(tdx_tdvf_section, s);
	char *path = write_temp(img, IMG_SIZE);
	tdx_tdvf *t = NULL;
	uint8_t mrtd[48];

	TDX_ASSERT_FAILS(tdx_tdvf_parse(NULL, img, IMG_SIZE), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_tdvf_parse(&t, NULL, IMG_SIZE), TDX_E_INVALID, "image is NULL");
	TDX_ASSERT_FAILS(tdx_tdvf_open(NULL, path), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_tdvf_open(&t, NULL), TDX_E_INVALID, "path is NULL");
	TDX_ASSERT_FAILS(tdx_measure_tdvf(NULL, 0, mrtd), TDX_E_INVALID, "path is NULL");
	TDX_ASSERT_FAILS(tdx_measure_tdvf(path, 0, NULL), TDX_E_INVALID, "mrtd is NULL");
	TDX_ASSERT_FAILS(tdx_measure_tdvf(path, TDX_MEASURE_EXTEND, mrtd), TDX_E_INVALID,
			 "only TDX_MEASURE_TWO_PASS");
	TDX_ASSERT_FAILS(tdx_measure_tdvf(path, 0x8, mrtd), TDX_E_INVALID, "flags 0x8");
	TDX_ASSERT_FAILS(tdx_tdvf_section_init(NULL, sizeof(s)), TDX_E_INVALID, "s is NULL");
	TDX_ASSERT_FAILS(tdx_tdvf_section_init(&s, 1), TDX_E_INVALID, "sz 1");

	tdx_error_clear();
	CU_ASSERT_EQUAL(tdx_tdvf_section_count(NULL), 0);
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	TDX_ASSERT_FAILS(tdx_tdvf_get_section(NULL, 0, &s), TDX_E_INVALID, "t is NULL");

	CU_ASSERT_EQUAL_FATAL(tdx_tdvf_open(&t, path), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdvf_get_section(t, 0, NULL), TDX_E_INVALID, "out is NULL");
	TDX_ASSERT_FAILS(tdx_tdvf_get_section(t, 4, &s), TDX_E_INVALID, "index 4 is out of range");
	s.sz = 3;
	TDX_ASSERT_FAILS(tdx_tdvf_get_section(t, 0, &s), TDX_E_INVALID, "sz is 3");
	{
		struct {
			tdx_tdvf_section s;
			uint64_t newer;
		} big;

		memset(&big, 0, sizeof(big));
		big.s.sz = sizeof(big);
		CU_ASSERT_EQUAL(tdx_tdvf_get_section(t, 1, &big.s), TDX_OK);
		CU_ASSERT_EQUAL(big.s.type, TDX_TDVF_SECTION_CFV);
		big.newer = 1;
		TDX_ASSERT_FAILS(tdx_tdvf_get_section(t, 1, &big.s), TDX_E_ABI_MISMATCH, "newer");
	}
	tdx_tdvf_free(t);
	tdx_tdvf_free(NULL);
	unlink(path);
	free(path);
	free(img);
}

static void test_os_errors(void)
{
	const char *missing = "/nonexistent-libtdx-dir/OVMF.fd";
	tdx_tdvf *t = (tdx_tdvf *)1;
	uint8_t mrtd[48];

	CU_ASSERT_NOT_EQUAL(tdx_tdvf_open(&t, missing), TDX_OK);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_OS);
	CU_ASSERT_EQUAL(tdx_error_last()->os_errno, ENOENT);
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_NO_DEVICE); /* the ENOENT mapping */
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, missing));
	CU_ASSERT_NOT_EQUAL(tdx_measure_tdvf(missing, 0, mrtd), TDX_OK);
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_OS);
	CU_ASSERT_EQUAL(tdx_error_last()->os_errno, ENOENT);
	TDX_ASSERT_FAILS(tdx_tdvf_open(&t, "/"), TDX_E_INVALID, "not a regular file");
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_parse_ovmf),
		TDX_TEST(test_parse_td_shim_legacy),
		TDX_TEST(test_parse_single_section),
		TDX_TEST(test_section_older_struct),
		TDX_TEST(test_measure_ovmf),
		TDX_TEST(test_measure_td_shim),
		TDX_TEST(test_measure_depends_on_the_right_bytes),
		TDX_TEST(test_validity_errors),
		TDX_TEST(test_validity_errors_shape),
		TDX_TEST(test_mutated_and_truncated_images),
		TDX_TEST(test_api_errors),
		TDX_TEST(test_os_errors),
		{ NULL, NULL },
	};

	return tdx_test_run("tdvf", tests);
}
