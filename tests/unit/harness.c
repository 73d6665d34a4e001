/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <CUnit/Basic.h>
#include <stdio.h>

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
