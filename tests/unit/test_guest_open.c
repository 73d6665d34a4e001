/* SPDX-License-Identifier: MIT */
/* Backend selection: explicit specs, LIBTDX_BACKEND, and never the emulator by default. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static void test_default_is_never_the_emulator(void)
{
	tdx_guest *g = (tdx_guest *)1;

	if (access("/dev/tdx_guest", F_OK) == 0)
		return; /* a real TD: the default is the hardware */
	unsetenv("LIBTDX_BACKEND");
	TDX_ASSERT_FAILS(tdx_guest_open(&g, NULL), TDX_E_NO_DEVICE, "no TD found");
	CU_ASSERT_PTR_NULL(g);
	/* The message lists what was probed and how to choose the emulator. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "/dev/tdx_guest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "CPUID"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "LIBTDX_BACKEND=emu"));
	TDX_ASSERT_FAILS(tdx_guest_open(&g, ""), TDX_E_NO_DEVICE, "no TD found");
}

static void test_environment_variable(void)
{
	tdx_guest *g;

	setenv("LIBTDX_BACKEND", "emu:vcpus=3", 1);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, NULL), TDX_OK);
	CU_ASSERT_STRING_EQUAL(tdx_guest_backend_name(g), "emu");
	{
		TDX_OPTS(tdx_vp_info, v);

		CU_ASSERT_EQUAL(tdx_tdg_vp_info(g, &v), TDX_OK);
		CU_ASSERT_EQUAL(v.num_vcpus, 3);
	}
	tdx_guest_close(g);
	/* An explicit spec wins over the variable. */
	setenv("LIBTDX_BACKEND", "bogus", 1);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, "emu"), TDX_OK);
	tdx_guest_close(g);
	unsetenv("LIBTDX_BACKEND");
}

static void test_tdcall_refused_in_user_space(void)
{
	tdx_guest *g;

	TDX_ASSERT_FAILS(tdx_guest_open(&g, "tdcall"), TDX_E_NOT_SUPPORTED, "CPL 3");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "\"linux\" backend"));
	TDX_ASSERT_FAILS(tdx_guest_open(&g, "tdcall:x"), TDX_E_INVALID, "no options");
}

static void test_bad_specs(void)
{
	tdx_guest *g;

	if (access("/dev/tdx_guest", F_OK) != 0)
		TDX_ASSERT_FAILS(tdx_guest_open(&g, "linux"), TDX_E_NO_DEVICE, "tdx_guest driver");
	TDX_ASSERT_FAILS(tdx_guest_open(&g, "kvm"), TDX_E_INVALID, "not known");
	TDX_ASSERT_FAILS(tdx_guest_open(&g, "averyveryverylongbackendnamethatgoesonandon:x"),
			 TDX_E_INVALID, "not a known backend");
	TDX_ASSERT_FAILS(tdx_guest_open(&g, "emu:vcpus=x"), TDX_E_INVALID, "not a number");
	TDX_ASSERT_FAILS(tdx_guest_open(NULL, "emu"), TDX_E_INVALID, "out");
	CU_ASSERT_PTR_NULL(tdx_guest_backend_name(NULL));
	CU_ASSERT_EQUAL(tdx_guest_last_status(NULL), 0);
	tdx_guest_close(NULL); /* NULL-safe */
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_default_is_never_the_emulator),
		TDX_TEST(test_environment_variable),
		TDX_TEST(test_tdcall_refused_in_user_space),
		TDX_TEST(test_bad_specs),
		{ NULL, NULL },
	};
	return tdx_test_run("guest-open", tests);
}
