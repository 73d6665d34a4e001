/* SPDX-License-Identifier: MIT */
/*
 * The CC event log: the four real CCEL logs of the vectors directory
 * replay to the RTMRs their sources assert; the COS-113 log matches its
 * paired quote and a one-byte change is caught with the right mismatch
 * bit; the CCEL ACPI table vector parses; synthetic logs built here cover
 * each validity error (which must name the field), truncation at every
 * length (run under ASan), older struct sizes and the JSON.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct expected {
	const char *file;
	const char *rtmr[4];
	size_t count;
} expected;

/* From the vectors README and expected_values.json (ccel_replay). */
#define ZERO48 "000000000000000000000000000000000000000000000000" \
	       "000000000000000000000000000000000000000000000000"
static const expected LOGS[] = {
	{ "coco-trustee_ccel_event_log_ovmf.bin",
	  { "8566f998798db09443b244c62de9a3041fb02e2e6936c4396d784bba2e90177329ec5aba3bb484404f2ab9cc90abe193",
	    "775b9f6bfe99f8a31396f0d0218e67ffa796d3b96ccf961cbb0deba48c79c00f082cda1a5567c1c16305f1fc210c13c6",
	    "94eaf7a7bf398ed8d888c91057ae0261802e4f3df084213a76ca7f0b5055ac9d2241de43cd58d9e8b49c503bbf25f34a",
	    ZERO48 }, 20 },
	{ "coco-trustee_ccel_event_log_grub_gke.bin",
	  { "bc9945139042cf2cc75caf920aa57f14884ecfd7e893bccc51250c8ce90eb53ce72741e6adaa18183eb1331a87d4544a",
	    "c17cb288a4dee302bb9ed8d27257a168f3264ad68cab53757f37eeaa7039657fa887cad65cf910e0fdc435ff110f8a7b",
	    "334aeba2c985f8886cea97d1ecffbd512769d528b9a94009583db667ad7d2faa7d37fa145d75b192ceee2d2f10b2eb6d",
	    ZERO48 }, 35 },
	{ "go-tdx-guest_ccel_event_log_cos113.bin",
	  { "3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd17f6",
	    "f62dbc072bd5d3f3438b7b35c39a727f5aea2ffc2473f43723953f530daf62504f0a7944aa62c41a86e8a878c2b122c1",
	    "4969684dc87381fc3b3134176c8d8806eaf0a901859f5f70cfae8d17714b46c10a8de219048c9fc09f11f381a6fbe7c1",
	    ZERO48 }, 43 },
	{ "coco-trustee_ccel_event_log_1MiB.bin.gz",
	  { "2dc712306a963eadb894ad47dbaa17df44814151555aee11cbb843becca88950ffd079664902e6f22c66f7c8213543f4",
	    "0fa3be56af61208bbd179dc7b124988eb929319154663c539d6f46445ecac2fec287075047ff7bd1922829fec28cd3cf",
	    ZERO48, ZERO48 }, 5 },
};

/* A .gz vector through `gzip -dc` (no zlib dependency); NULL if gzip is absent. */
static unsigned char *read_gz_vector(const char *name, size_t *len)
{
	char cmd[4096];
	const char *dir = getenv("TDX_VECTORS_DIR");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	FILE *f;

	if (system("gzip --version >/dev/null 2>&1") != 0)
		return NULL;
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s/%s'", dir && *dir ? dir : "../shared/vectors",
		 name);
	if (!(f = popen(cmd, "r")))
		return NULL;
	for (;;) {
		size_t r;

		if (n == cap) {
			unsigned char *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (!nb)
				break;
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		if ((r = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	if (pclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void test_vectors_replay(void)
{
	tdx_test_vectors_required();
	for (size_t i = 0; i < ARRAY_LEN(LOGS); i++) {
		const expected *x = &LOGS[i];
		unsigned char want[192], got[192];
		unsigned mismatch = 99;
		unsigned char *buf;
		tdx_eventlog *l = NULL;
		size_t len = 0;

		if (strstr(x->file, ".gz")) {
			buf = read_gz_vector(x->file, &len);
			if (!buf) {
				fprintf(stderr, "SKIP %s: gzip is not available to decompress it\n",
					x->file);
				continue;
			}
			CU_ASSERT_EQUAL(len, 1048576);
		} else {
			buf = tdx_test_read_vector(x->file, &len);
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		for (int r = 0; r < 4; r++)
			CU_ASSERT_EQUAL(tdx_test_unhex(x->rtmr[r], want + 48 * r, 48), 0);
		CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, buf, len), TDX_OK);
		CU_ASSERT_EQUAL(tdx_eventlog_count(l), x->count);
		CU_ASSERT_EQUAL(tdx_eventlog_replay(l, got, sizeof(got)), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(got, want, sizeof(want)), 0);
		if (memcmp(got, want, sizeof(want)) != 0)
			fprintf(stderr, "replay of %s differs\n", x->file);
		CU_ASSERT_EQUAL(tdx_eventlog_check(l, want, sizeof(want), &mismatch), TDX_OK);
		CU_ASSERT_EQUAL(mismatch, 0);
		/* Every event's data lies inside the log. */
		for (size_t k = 0; k < tdx_eventlog_count(l); k++) {
			TDX_OPTS(tdx_event, e);

			CU_ASSERT_EQUAL(tdx_eventlog_event(l, k, &e), TDX_OK);
			CU_ASSERT(e.data_offset + e.data_size <= len);
			CU_ASSERT(e.event_type == TDX_EV_NO_ACTION || e.has_sha384);
		}
		tdx_eventlog_free(l);
		free(buf);
	}
}

/* The GKE log has EV_NO_ACTION events (MR index 0) that must not be
 * extended: the replay (checked above) skips them before the MR index. */
static void test_gke_no_action(void)
{
	unsigned char *buf;
	tdx_eventlog *l = NULL;
	size_t len = 0, seen = 0;

	tdx_test_vectors_required();
	buf = tdx_test_read_vector("coco-trustee_ccel_event_log_grub_gke.bin", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, buf, len), TDX_OK);
	for (size_t k = 0; k < tdx_eventlog_count(l); k++) {
		TDX_OPTS(tdx_event, e);

		CU_ASSERT_EQUAL(tdx_eventlog_event(l, k, &e), TDX_OK);
		if (e.event_type == TDX_EV_NO_ACTION && e.mr_index == 0)
			seen++;
	}
	CU_ASSERT(seen >= 1);
	tdx_eventlog_free(l);
	free(buf);
}

static void test_cos113_matches_quote(void)
{
	unsigned char *logb, *qb, rtmr[192];
	size_t loglen = 0, qlen = 0;
	tdx_eventlog *l = NULL;
	tdx_quote *q = NULL;
	unsigned mismatch = 99;

	tdx_test_vectors_required();
	logb = tdx_test_read_vector("go-tdx-guest_ccel_event_log_cos113.bin", &loglen);
	qb = tdx_test_read_vector("go-tdx-guest_quote_v4_cos113_matching_ccel.bin", &qlen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(logb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(qb);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, qb, qlen), TDX_OK);
	for (unsigned i = 0; i < 4; i++)
		memcpy(rtmr + 48 * i, tdx_quote_rtmr(q, i), 48);
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, logb, loglen), TDX_OK);
	CU_ASSERT_EQUAL(tdx_eventlog_check(l, rtmr, sizeof(rtmr), &mismatch), TDX_OK);
	CU_ASSERT_EQUAL(mismatch, 0);
	CU_ASSERT_EQUAL(tdx_eventlog_check(l, rtmr, sizeof(rtmr), NULL), TDX_OK);
	tdx_eventlog_free(l);
	l = NULL;

	/* One SHA-384 digest byte of the first RTMR1 event changed. */
	{
		TDX_OPTS(tdx_event, e);
		tdx_eventlog *l0 = NULL;
		size_t k, off = 0;

		CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l0, logb, loglen), TDX_OK);
		for (k = 0; k < tdx_eventlog_count(l0); k++) {
			CU_ASSERT_EQUAL(tdx_eventlog_event(l0, k, &e), TDX_OK);
			if (e.mr_index == 2 && e.event_type != TDX_EV_NO_ACTION && e.has_sha384)
				break;
		}
		CU_ASSERT_FATAL(k < tdx_eventlog_count(l0));
		/* Find the digest in the bytes before the event data. */
		for (size_t p = 0; p + 48 <= e.data_offset; p++)
			if (memcmp(logb + p, e.sha384, 48) == 0)
				off = p;
		CU_ASSERT_FATAL(off != 0);
		logb[off + 7] ^= 0x01;
		tdx_eventlog_free(l0);
	}
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, logb, loglen), TDX_OK);
	TDX_ASSERT_FAILS(tdx_eventlog_check(l, rtmr, sizeof(rtmr), &mismatch), TDX_E_VERIFY,
			 "RTMR1");
	CU_ASSERT_EQUAL(mismatch, 0x2u);
	/* The message carries both values. */
	{
		char hexq[97];

		for (int i = 0; i < 48; i++)
			snprintf(hexq + 2 * i, 3, "%02x", rtmr[48 + i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, hexq));
		CU_ASSERT_PTR_NULL(strstr(tdx_error_last()->message, "RTMR0"));
	}
	tdx_eventlog_free(l);
	tdx_quote_free(q);
	free(logb);
	free(qb);
}

static void test_ccel_table(void)
{
	TDX_OPTS(tdx_ccel_table, t);
	unsigned char *b, copy[56];
	size_t len = 0;

	tdx_test_vectors_required();
	b = tdx_test_read_vector("go-tdx-guest_ccel_acpi_table_cos113.bin", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(len, 56);
	CU_ASSERT_EQUAL(tdx_ccel_table_parse(&t, b, len), TDX_OK);
	CU_ASSERT_EQUAL(t.cc_type, 2);
	CU_ASSERT_EQUAL(t.cc_subtype, 0);
	CU_ASSERT_EQUAL(t.log_area_minimum_length, 0x40000u);
	CU_ASSERT_EQUAL(t.log_area_start_address, 0xbedbf000u);

	memcpy(copy, b, 56);
	copy[0] = 'X';
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(&t, copy, 56), TDX_E_INVALID, "signature");
	memcpy(copy, b, 56);
	copy[40] ^= 1;
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(&t, copy, 56), TDX_E_INVALID, "checksum");
	memcpy(copy, b, 56);
	copy[4] = 100;
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(&t, copy, 56), TDX_E_INVALID, "length");
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(&t, b, 55), TDX_E_INVALID, "56");
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(&t, NULL, 56), TDX_E_INVALID, "table");
	TDX_ASSERT_FAILS(tdx_ccel_table_parse(NULL, b, 56), TDX_E_INVALID, "out");
	/* An older, smaller struct gets only what it holds. */
	{
		tdx_ccel_table small;

		CU_ASSERT_EQUAL(tdx_ccel_table_init(&small, offsetof(tdx_ccel_table,
								     log_area_start_address)), TDX_OK);
		small.log_area_start_address = 0x1234;
		CU_ASSERT_EQUAL(tdx_ccel_table_parse(&small, b, 56), TDX_OK);
		CU_ASSERT_EQUAL(small.log_area_minimum_length, 0x40000u);
		CU_ASSERT_EQUAL(small.log_area_start_address, 0x1234);
	}
	free(b);
}

/* ---- synthetic logs ---- */

typedef struct wbuf {
	unsigned char b[4096];
	size_t n;
} wbuf;

static void put(wbuf *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void put32(wbuf *w, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
	put(w, b, 4);
}

static void put16(wbuf *w, uint16_t v)
{
	unsigned char b[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	put(w, b, 2);
}

/* Spec-ID event listing SHA-256 (32) and SHA-384 (48). */
static void spec_id(wbuf *w)
{
	static const unsigned char zero[20];

	put32(w, 0);
	put32(w, 3);
	put(w, zero, 20);
	put32(w, 16 + 4 + 4 + 4 + 2 * 4 + 1);
	put(w, "Spec ID Event03", 16);
	put32(w, 0);         /* platformClass */
	put(w, "\0\2\0\2", 4); /* minor, major, errata, uintnSize */
	put32(w, 2);
	put16(w, 0x000B);
	put16(w, 32);
	put16(w, 0x000C);
	put16(w, 48);
	put(w, "\0", 1); /* vendorInfoSize */
}

static void event2(wbuf *w, uint32_t mr, uint32_t type, unsigned char fill, const char *data)
{
	unsigned char d[48];

	put32(w, mr);
	put32(w, type);
	put32(w, 2);
	put16(w, 0x000B);
	memset(d, fill, sizeof(d));
	put(w, d, 32);
	put16(w, 0x000C);
	put(w, d, 48);
	put32(w, (uint32_t)strlen(data));
	put(w, data, strlen(data));
}

static void build(wbuf *w)
{
	memset(w, 0, sizeof(*w));
	spec_id(w);
	event2(w, 1, 0x80000008u, 0x11, "fw");
	event2(w, 1, 3, 0x22, "noaction");
	event2(w, 2, 0x0d, 0x33, "ipl");
	event2(w, 4, 0x80000007u, 0x44, "act\xff\"");
}

static void extend(unsigned char *r, unsigned char fill)
{
	unsigned char d[48];

	memset(d, fill, sizeof(d));
	CU_ASSERT_EQUAL(tdx_measure_rtmr_extend(r, d, 48), TDX_OK);
}

static void test_synthetic(void)
{
	wbuf w;
	tdx_eventlog *l = NULL;
	unsigned char want[192] = { 0 }, got[192];
	unsigned mismatch;
	size_t plain;

	build(&w);
	plain = w.n;
	memset(w.b + w.n, 0xFF, 200); /* padding */
	w.n += 200;
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, w.b, w.n), TDX_OK);
	CU_ASSERT_EQUAL(tdx_eventlog_count(l), 4);
	extend(want, 0x11);
	extend(want + 48, 0x33);
	extend(want + 144, 0x44);
	CU_ASSERT_EQUAL(tdx_eventlog_replay(l, got, sizeof(got)), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(got, want, 192), 0);
	{
		TDX_OPTS(tdx_event, e);

		CU_ASSERT_EQUAL(tdx_eventlog_event(l, 2, &e), TDX_OK);
		CU_ASSERT_EQUAL(e.mr_index, 2);
		CU_ASSERT_EQUAL(e.event_type, 0x0d);
		CU_ASSERT_EQUAL(e.data_size, 3);
		CU_ASSERT_EQUAL(memcmp(w.b + e.data_offset, "ipl", 3), 0);
		CU_ASSERT(e.has_sha384);
		CU_ASSERT_EQUAL(e.sha384[0], 0x33);
		TDX_ASSERT_FAILS(tdx_eventlog_event(l, 4, &e), TDX_E_INVALID, "out of range");
		TDX_ASSERT_FAILS(tdx_eventlog_event(l, 0, NULL), TDX_E_INVALID, "out");
	}
	/* Older struct: only up to data_offset. */
	{
		tdx_event small;

		CU_ASSERT_EQUAL(tdx_event_init(&small, offsetof(tdx_event, data_size)), TDX_OK);
		small.data_size = 777;
		CU_ASSERT_EQUAL(tdx_eventlog_event(l, 0, &small), TDX_OK);
		CU_ASSERT_EQUAL(small.mr_index, 1);
		CU_ASSERT_EQUAL(small.data_size, 777);
	}
	/* RTMR2 and RTMR3 wrong. */
	memcpy(got, want, 192);
	got[100] ^= 1;
	got[191] ^= 1;
	TDX_ASSERT_FAILS(tdx_eventlog_check(l, got, 192, &mismatch), TDX_E_VERIFY, "RTMR3");
	CU_ASSERT_EQUAL(mismatch, 0xCu);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "RTMR2"));
	TDX_ASSERT_FAILS(tdx_eventlog_check(l, got, 191, &mismatch), TDX_E_INVALID, "192");
	TDX_ASSERT_FAILS(tdx_eventlog_replay(l, got, 48), TDX_E_INVALID, "192");
	TDX_ASSERT_FAILS(tdx_eventlog_replay(NULL, got, 192), TDX_E_INVALID, "log");
	tdx_eventlog_free(l);
	l = NULL;

	/* Zero padding, and no padding at all. */
	memset(w.b + plain, 0, 200);
	CU_ASSERT_EQUAL(tdx_eventlog_parse(&l, w.b, w.n), TDX_OK);
	CU_ASSERT_EQUAL(tdx_eventlog_count(l), 4);
	tdx_eventlog_free(l);
	l = NULL;
	CU_ASSERT_EQUAL(tdx_eventlog_parse(&l, w.b, plain), TDX_OK);
	CU_ASSERT_EQUAL(tdx_eventlog_count(l), 4);
	tdx_eventlog_free(l);
}

static void test_json(void)
{
	wbuf w;
	tdx_eventlog *l = NULL;
	size_t len = 0;
	char *buf;

	build(&w);
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, w.b, w.n), TDX_OK);
	TDX_ASSERT_FAILS(tdx_eventlog_to_json(l, NULL, &len), TDX_E_BUFFER_TOO_SMALL, "bytes");
	CU_ASSERT(len > 1);
	buf = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	{
		size_t small = len - 1;

		CU_ASSERT_EQUAL(tdx_eventlog_to_json(l, buf, &small), TDX_E_BUFFER_TOO_SMALL);
		CU_ASSERT_EQUAL(small, len);
	}
	CU_ASSERT_EQUAL(tdx_eventlog_to_json(l, buf, &len), TDX_OK);
	CU_ASSERT_EQUAL(strlen(buf) + 1, len);
	CU_ASSERT(tdx_test_json_valid(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"event_type_name\":\"EV_EFI_PLATFORM_FIRMWARE_BLOB\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"sha384\":\"333333"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"data\":\"69706c\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rtmr\":["));
	TDX_ASSERT_FAILS(tdx_eventlog_to_json(NULL, buf, &len), TDX_E_INVALID, "log");
	TDX_ASSERT_FAILS(tdx_eventlog_to_json(l, buf, NULL), TDX_E_INVALID, "len");
	free(buf);
	tdx_eventlog_free(l);

	/* An unreplayable log (MR index 0) gives "rtmr": null and valid JSON. */
	memset(&w, 0, sizeof(w));
	spec_id(&w);
	event2(&w, 0, 1, 0x55, "x");
	CU_ASSERT_EQUAL_FATAL(tdx_eventlog_parse(&l, w.b, w.n), TDX_OK);
	len = 0;
	CU_ASSERT_EQUAL(tdx_eventlog_to_json(l, NULL, &len), TDX_E_BUFFER_TOO_SMALL);
	buf = malloc(len);
	CU_ASSERT_EQUAL(tdx_eventlog_to_json(l, buf, &len), TDX_OK);
	CU_ASSERT(tdx_test_json_valid(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rtmr\":null}"));
	free(buf);
	{
		unsigned char r[192];

		TDX_ASSERT_FAILS(tdx_eventlog_replay(l, r, 192), TDX_E_INVALID, "MR index 0");
	}
	tdx_eventlog_free(l);
}

/* Patch the little-endian u32 at off. */
static void set32(wbuf *w, size_t off, uint32_t v)
{
	w->b[off] = (unsigned char)v;
	w->b[off + 1] = (unsigned char)(v >> 8);
	w->b[off + 2] = (unsigned char)(v >> 16);
	w->b[off + 3] = (unsigned char)(v >> 24);
}

#define SPEC_END (32 + 16 + 4 + 4 + 4 + 8 + 1) /* the first event2 */

static void test_errors(void)
{
	tdx_eventlog *l = (tdx_eventlog *)&l;
	wbuf w;

	TDX_ASSERT_FAILS(tdx_eventlog_parse(NULL, (const uint8_t *)"", 0), TDX_E_INVALID, "out");
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, NULL, 0), TDX_E_INVALID, "log");
	CU_ASSERT_PTR_NULL(l);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, (const uint8_t *)"", 0), TDX_E_INVALID,
			 "spec-ID event header");
	CU_ASSERT_EQUAL(tdx_eventlog_count(NULL), 0);
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	tdx_eventlog_free(NULL);
	TDX_ASSERT_FAILS(tdx_event_init(NULL, sizeof(tdx_event)), TDX_E_INVALID, "e");
	TDX_ASSERT_FAILS(tdx_ccel_table_init(NULL, sizeof(tdx_ccel_table)), TDX_E_INVALID, "t");

	/* Truncated event data. */
	build(&w);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n - 1), TDX_E_INVALID, "event data");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "truncated"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "offset 0x"));
	/* Digest count overflow. */
	build(&w);
	set32(&w, SPEC_END + 8, 0xFFFFFFFFu);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "digest count");
	/* An algorithm not in the spec-ID event: size unknown. */
	build(&w);
	w.b[SPEC_END + 12] = 0x0D; /* SHA-512, not listed */
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "digest algorithm id");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "0x000d"));
	/* Spec-ID: signature, type, algorithm count. */
	build(&w);
	w.b[32] = 'X';
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "spec-ID signature");
	build(&w);
	set32(&w, 4, 1);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "spec-ID event type");
	build(&w);
	set32(&w, 32 + 24, 1000);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "numberOfAlgorithms");
	build(&w);
	set32(&w, 28, 0xFFFFFFF0u);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "spec-ID event data");
	/* Huge event size. */
	build(&w);
	set32(&w, SPEC_END + 12 + 2 + 32 + 2 + 48, 0xFFFFFFFFu);
	TDX_ASSERT_FAILS(tdx_eventlog_parse(&l, w.b, w.n), TDX_E_INVALID, "event data");
	CU_ASSERT_PTR_NULL(l);
}

/* Every truncation and every single-byte mutation: no OOB (ASan), and a
 * failure always carries a message. */
static void test_truncated_and_mutated(void)
{
	wbuf w, m;

	build(&w);
	for (size_t n = 0; n <= w.n; n++) {
		tdx_eventlog *l = NULL;
		unsigned char *copy = malloc(n ? n : 1);

		memcpy(copy, w.b, n);
		if (tdx_eventlog_parse(&l, copy, n) != TDX_OK)
			CU_ASSERT(tdx_error_last()->message[0] != '\0');
		tdx_eventlog_free(l);
		free(copy);
	}
	for (size_t i = 0; i < w.n; i++) {
		static const unsigned char vals[] = { 0x00, 0xFF, 0x7F, 0x80 };

		for (size_t k = 0; k < ARRAY_LEN(vals); k++) {
			tdx_eventlog *l = NULL;
			unsigned char r[192];
			size_t len = 0;

			m = w;
			m.b[i] = vals[k];
			if (tdx_eventlog_parse(&l, m.b, m.n) == TDX_OK) {
				(void)tdx_eventlog_replay(l, r, sizeof(r));
				if (tdx_eventlog_to_json(l, NULL, &len) == TDX_E_BUFFER_TOO_SMALL) {
					char *j = malloc(len);

					CU_ASSERT_EQUAL(tdx_eventlog_to_json(l, j, &len), TDX_OK);
					CU_ASSERT(tdx_test_json_valid(j));
					free(j);
				}
			}
			tdx_eventlog_free(l);
		}
	}
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_synthetic),
		TDX_TEST(test_json),
		TDX_TEST(test_errors),
		TDX_TEST(test_truncated_and_mutated),
		TDX_TEST(test_vectors_replay),
		TDX_TEST(test_gke_no_action),
		TDX_TEST(test_cos113_matches_quote),
		TDX_TEST(test_ccel_table),
		{ NULL, NULL },
	};

	return tdx_test_run("eventlog", tests);
}
