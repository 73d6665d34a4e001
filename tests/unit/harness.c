/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <CUnit/Basic.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *vectors_dir(void)
{
	const char *d = getenv("TDX_VECTORS_DIR");

	return d && *d ? d : "../shared/vectors";
}

void tdx_test_vectors_required(void)
{
	struct stat st;

	if (stat(vectors_dir(), &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "SKIP: test vectors not found at %s (set TDX_VECTORS_DIR)\n",
			vectors_dir());
		exit(TDX_TEST_SKIP);
	}
}

unsigned char *tdx_test_read_vector(const char *name, size_t *len)
{
	char path[4096];
	unsigned char *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open vector %s\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

int tdx_test_unhex(const char *hex, unsigned char *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

const char *tdx_test_context = "";

int tdx_test_hex_is(const void *p, const char *hex)
{
	const unsigned char *bytes = p;
	size_t n = strlen(hex) / 2;
	unsigned char want[128];

	if (!p || n > sizeof(want) || tdx_test_unhex(hex, want, n) != 0)
		return 0;
	if (memcmp(p, want, n) == 0)
		return 1;
	fprintf(stderr, "\n  %s:\n  want %s\n  got  ", tdx_test_context, hex);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02x", bytes[i]);
	fputc('\n', stderr);
	return 0;
}

int tdx_test_run(const char *suite_name, const tdx_test *tests)
{
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite(suite_name, NULL, NULL);
	if (!suite)
		return 1;
	for (const tdx_test *t = tests; t->name; t++)
		if (!CU_add_test(suite, t->name, t->fn))
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failures = 1;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}

/* Minimal strict JSON checker: the end of one value at p, or NULL. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
	return p + 1;
}

static const char *json_members(const char *p, char close, int keyed)
{
	p = json_ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			if (!(p = json_string(json_ws(p))))
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		if (!(p = json_value(p)))
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{')
		return json_members(p + 1, '}', 1);
	if (*p == '[')
		return json_members(p + 1, ']', 0);
	if (*p == '"')
		return json_string(p);
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p))
			p++;
		return p;
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	return NULL;
}

int tdx_test_json_valid(const char *s)
{
	const char *end = json_value(s);

	return end && *json_ws(end) == '\0';
}
