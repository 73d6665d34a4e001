/* SPDX-License-Identifier: MIT */
/* A thin CUnit runner shared by the unit tests. */
#ifndef TDX_TEST_HARNESS_H
#define TDX_TEST_HARNESS_H

#include <CUnit/CUnit.h>

#include <tdx/tdx.h>

#define TDX_TEST_SKIP 77

typedef struct tdx_test {
	const char *name;
	void (*fn)(void);
} tdx_test;

#define TDX_TEST(fn) { #fn, fn }

/* Run `tests` (terminated by {NULL, NULL}) as one suite; 0 when all pass. */
int tdx_test_run(const char *suite, const tdx_test *tests);

/* Assert that the last call failed with `code` and a message mentioning `word`. */
#define TDX_ASSERT_FAILS(call, want, word)                                     \
	do {                                                                  \
		CU_ASSERT_EQUAL((call), (want));                              \
		CU_ASSERT_EQUAL(tdx_error_last()->code, (want));              \
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, (word))); \
	} while (0)

/*
 * Read a file from the vectors directory ($TDX_VECTORS_DIR) into a malloc'd
 * buffer; NULL (with a message on stderr) when absent.  Tests that need a
 * vector call tdx_test_vectors_required() first, which exits 77 if the
 * directory is missing.
 */
void tdx_test_vectors_required(void);
unsigned char *tdx_test_read_vector(const char *name, size_t *len);

/* 1 if s is exactly one strict JSON value (a checker for *_to_json). */
int tdx_test_json_valid(const char *s);

/* Parse a lowercase/uppercase hex string into out[n]; 0 on success. */
int tdx_test_unhex(const char *hex, unsigned char *out, size_t n);

/* What a test is looking at (a vector's file name), named in mismatch messages. */
extern const char *tdx_test_context;

/* 1 if p holds the bytes `hex` spells; prints both on a mismatch. */
int tdx_test_hex_is(const void *p, const char *hex);

#endif
