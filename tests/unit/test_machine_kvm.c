/* SPDX-License-Identifier: MIT */
/*
 * tdx_machine_probe against the real /dev/kvm: the answer must match what
 * the kernel says when asked directly.  Skips (77) where /dev/kvm is absent.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"

static int kvm_fd = -1;

static void test_probe_matches_kernel(void)
{
	TDX_OPTS(tdx_machine_info, m);
	int api = ioctl(kvm_fd, 0xAE00 /* KVM_GET_API_VERSION */, 0);
	int types = ioctl(kvm_fd, 0xAE03 /* KVM_CHECK_EXTENSION */, 235 /* VM_TYPES */);
	char mask[32];

	CU_ASSERT_EQUAL_FATAL(tdx_machine_probe(&m), TDX_OK);
	CU_ASSERT_EQUAL(m.kvm, 1);
	CU_ASSERT_EQUAL(m.kvm_api_version, api);
	if (types > 0) {
		CU_ASSERT_EQUAL(m.kvm_vm_types, (uint64_t)types);
		snprintf(mask, sizeof(mask), "0x%x", types);
		CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, mask));
	}
	CU_ASSERT_EQUAL(m.kvm_tdx, types > 0 && (types & (1 << 5)));
	if (!m.kvm_tdx) {
		CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, "no TDX"));
		CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, "kvm_intel.tdx=1"));
	}
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_probe_matches_kernel),
		{ NULL, NULL },
	};
	int rc;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		perror("SKIP: this test needs /dev/kvm");
		return TDX_TEST_SKIP;
	}
	rc = tdx_test_run("machine-kvm", tests);
	close(kvm_fd);
	return rc;
}
