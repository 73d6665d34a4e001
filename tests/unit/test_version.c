/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void test_runtime_matches_headers(void)
{
	int major = -1, minor = -1, patch = -1;
	char want[32];

	tdx_version(&major, &minor, &patch);
	CU_ASSERT_EQUAL(major, TDX_VERSION_MAJOR);
	CU_ASSERT_EQUAL(minor, TDX_VERSION_MINOR);
	CU_ASSERT_EQUAL(patch, TDX_VERSION_PATCH);
	snprintf(want, sizeof(want), "%d.%d.%d", major, minor, patch);
	CU_ASSERT_STRING_EQUAL(tdx_version_string(), want);
	CU_ASSERT_STRING_EQUAL(tdx_version_string(), TDX_VERSION_STRING);
}

static void test_null_outputs_are_allowed(void)
{
	int minor = -1;

	tdx_version(NULL, &minor, NULL);
	CU_ASSERT_EQUAL(minor, TDX_VERSION_MINOR);
	tdx_version(NULL, NULL, NULL);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_runtime_matches_headers),
		TDX_TEST(test_null_outputs_are_allowed),
		{ NULL, NULL },
	};
	return tdx_test_run("version", tests);
}
