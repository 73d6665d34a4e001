/* SPDX-License-Identifier: MIT */
/*
 * tdx_machine_probe and, through it, the growable-struct (`sz`) rule every
 * options and output struct follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static void test_opts_macro_sets_size(void)
{
	TDX_OPTS(tdx_machine_info, m);

	CU_ASSERT_EQUAL(m.sz, sizeof(tdx_machine_info));
	CU_ASSERT_EQUAL(m.kvm, 0);
	CU_ASSERT_EQUAL(m.kvm_detail[0], '\0');
}

static void test_init_function(void)
{
	tdx_machine_info m;

	memset(&m, 0xAA, sizeof(m));
	CU_ASSERT_EQUAL(tdx_machine_info_init(&m, sizeof(m)), TDX_OK);
	CU_ASSERT_EQUAL(m.sz, sizeof(m));
	CU_ASSERT_EQUAL(m.kvm_vm_types, 0);
	TDX_ASSERT_FAILS(tdx_machine_info_init(NULL, sizeof(m)), TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx_machine_info_init(&m, 3), TDX_E_INVALID, "sizeof");
}

static void test_probe_fills_every_detail(void)
{
	TDX_OPTS(tdx_machine_info, m);

	CU_ASSERT_EQUAL_FATAL(tdx_machine_probe(&m), TDX_OK);
	CU_ASSERT_EQUAL(m.sz, sizeof(m));
	CU_ASSERT_PTR_NOT_NULL(strstr(m.guest_device_detail, "/dev/tdx_guest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m.configfs_tsm_detail, "/sys/kernel/config/tsm/report"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, "/dev/kvm"));
	/* The guest device answer agrees with the kernel. */
	CU_ASSERT_EQUAL(m.guest_device, access("/dev/tdx_guest", F_OK) == 0);
	if (!m.guest_device)
		CU_ASSERT_PTR_NOT_NULL(strstr(m.guest_device_detail, "not"));
	CU_ASSERT_EQUAL(m.kvm_tdx, (int)((m.kvm_vm_types >> 5) & 1));
	if (!m.kvm_tdx)
		CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, "no TDX"));
}

static void test_rejects_bad_struct(void)
{
	tdx_machine_info m;

	TDX_ASSERT_FAILS(tdx_machine_probe(NULL), TDX_E_INVALID, "NULL");
	memset(&m, 0, sizeof(m));
	/* sz left at 0: the caller forgot TDX_OPTS / _init. */
	TDX_ASSERT_FAILS(tdx_machine_probe(&m), TDX_E_INVALID, "TDX_OPTS");
}

/* An older caller's shorter struct: only its prefix is written. */
static void test_shorter_struct_from_older_caller(void)
{
	size_t old_sz = offsetof(tdx_machine_info, kvm_api_version);
	unsigned char *buf = malloc(sizeof(tdx_machine_info));
	tdx_machine_info *m = (tdx_machine_info *)buf;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, 0x5A, sizeof(tdx_machine_info));
	CU_ASSERT_EQUAL(tdx_machine_info_init(m, old_sz), TDX_OK);
	CU_ASSERT_EQUAL(tdx_machine_probe(m), TDX_OK);
	CU_ASSERT_EQUAL(m->sz, old_sz);
	for (size_t i = old_sz; i < sizeof(tdx_machine_info); i++)
		if (buf[i] != 0x5A) {
			CU_FAIL("probe wrote past the caller's sz");
			break;
		}
	free(buf);
}

/* A newer caller's longer struct: accepted while the unknown tail is zero. */
static void test_longer_struct_from_newer_caller(void)
{
	size_t big = sizeof(tdx_machine_info) + 64;
	unsigned char *buf = calloc(1, big);
	tdx_machine_info *m = (tdx_machine_info *)buf;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	m->sz = big;
	CU_ASSERT_EQUAL(tdx_machine_probe(m), TDX_OK);
	CU_ASSERT_EQUAL(m->sz, big);
	buf[sizeof(tdx_machine_info) + 10] = 1;
	TDX_ASSERT_FAILS(tdx_machine_probe(m), TDX_E_ABI_MISMATCH, "newer libtdx");
	free(buf);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_opts_macro_sets_size),
		TDX_TEST(test_init_function),
		TDX_TEST(test_probe_fills_every_detail),
		TDX_TEST(test_rejects_bad_struct),
		TDX_TEST(test_shorter_struct_from_older_caller),
		TDX_TEST(test_longer_struct_from_newer_caller),
		{ NULL, NULL },
	};
	return tdx_test_run("machine", tests);
}
