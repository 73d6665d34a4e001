/* SPDX-License-Identifier: MIT */
/*
 * TD-in-a-box through the host API ("kvm:emulate-tdx"): a TD whose vCPU
 * runs hand-assembled guest code in a VM on /dev/kvm.  Its TDCALL reaches
 * the emulated TDX module (the registers come back with the answer), its
 * TDVMCALL<HLT> stops KVM_RUN, the real VM's own exits (port I/O both
 * ways, a triple fault) reach the caller, and what a box refuses is refused.
 * The full conformance suite is `tdx selftest --kvm` (tests/cli/test_box.sh).
 * Skips (77) without /dev/kvm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CODE_GPA 0xFFFFF000ULL

/* 32-bit code at CODE_GPA; the reset vector (0xFFFFFFF0) jumps to it. */
static const uint8_t code[] = {
	0xB8, 0x01, 0x00, 0x00, 0x00, /* mov eax, 1 (TDG.VP.INFO) */
	0x66, 0x0F, 0x01, 0xCC,       /* tdcall */
	0x88, 0xC8,                   /* mov al, cl (the GPAW) */
	0xE6, 0x80,                   /* out 0x80, al */
	0xE4, 0x81,                   /* in al, 0x81 */
	0xE6, 0x82,                   /* out 0x82, al */
	0x31, 0xC0,                   /* xor eax, eax (TDG.VP.VMCALL) */
	0xB9, 0x00, 0xFC, 0x00, 0x00, /* mov ecx, 0xFC00 (expose R10-R15) */
	0x66, 0x0F, 0x01, 0xCC,       /* tdcall: R10 = 1 (VP.INFO's), a non-GHCI call */
	0xF4,                         /* hlt (a real one) */
	0x0F, 0x0B,                   /* ud2: no IDT, so a triple fault */
};
/* jmp rel32 from 0xFFFFFFF0 to CODE_GPA */
static const uint8_t reset[] = { 0xE9, 0x0B, 0xF0, 0xFF, 0xFF };

/* The TD with the code page; a second vCPU too when `second` is given. */
static tdx_vm *build(tdx_host *h, tdx_vcpu **vcpu, tdx_vcpu **second)
{
	uint8_t *page = aligned_alloc(4096, 4096);
	tdx_vm *vm = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0, 4096);
	memcpy(page, code, sizeof(code));
	memcpy(page + 0xFF0, reset, sizeof(reset));
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, h, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(vm, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(vm, CODE_GPA, 0x1000), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(vcpu, vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(*vcpu, 0), TDX_OK);
	if (second) {
		CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(second, vm), TDX_OK);
		CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(*second, 0), TDX_OK);
	}
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(*vcpu, page, CODE_GPA, 1, 1), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(vm), TDX_OK);
	free(page);
	return vm;
}

static void test_guest_code_runs(void)
{
	TDX_OPTS(tdx_exit, ex);
	tdx_host *h;
	tdx_vcpu *vcpu;
	tdx_vm *vm;
	tdx_guest *g = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "kvm:emulate-tdx,mem=2M"), TDX_OK);
	CU_ASSERT_STRING_EQUAL(tdx_host_backend_name(h), "kvm:emulate-tdx");
	vm = build(h, &vcpu, NULL);

	/* TDG.VP.INFO answered by the module: RCX = GPAW 48 reaches port 0x80. */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x80);
	CU_ASSERT_TRUE(ex.io_out);
	CU_ASSERT_EQUAL(ex.data[0], 48);
	/* IN: the caller's answer goes back into the VM and comes out again. */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x81);
	CU_ASSERT_FALSE(ex.io_out);
	ex.data[0] = 0x77;
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.io_port, 0x82);
	CU_ASSERT_EQUAL(ex.data[0], 0x77);
	/* The TDVMCALL is answered in place (32-bit code cannot set R10/R11
	 * for a GHCI call; `tdx selftest --kvm` does); the real HLT stops. */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_HLT);
	/* ud2 without an IDT: the VM's triple fault reaches the caller. */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_SHUTDOWN);

	/* The module saw the TD the host built. */
	CU_ASSERT_PTR_NOT_NULL(tdx_vm_emu(vm));
	/* The guest side is the code in the VM: no tdx_guest for it. */
	TDX_ASSERT_FAILS(tdx_vm_guest(vm, &g), TDX_E_NOT_SUPPORTED, "running in the VM");
	CU_ASSERT_PTR_NULL(g);
	tdx_vcpu_close(vcpu);
	tdx_vm_close(vm);
	tdx_host_close(h);
}

/* One vCPU runs in the box (the module's VCPU_INDEX, the TD's first). */
static void test_second_vcpu_refused(void)
{
	TDX_OPTS(tdx_exit, ex);
	tdx_host *h;
	tdx_vcpu *first, *second;
	tdx_vm *vm;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "kvm:emulate-tdx,mem=2M"), TDX_OK);
	vm = build(h, &first, &second);
	TDX_ASSERT_FAILS(tdx_vcpu_run(second, &ex), TDX_E_OS, "KVM_RUN");
	CU_ASSERT_EQUAL(tdx_error_last()->os_errno, EINVAL);
	/* The first still runs, and the second stays refused. */
	CU_ASSERT_EQUAL(tdx_vcpu_run(first, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	TDX_ASSERT_FAILS(tdx_vcpu_run(second, &ex), TDX_E_OS, "KVM_RUN");
	tdx_vcpu_close(second);
	tdx_vcpu_close(first);
	tdx_vm_close(vm);
	tdx_host_close(h);
}

static void test_bad_specs(void)
{
	tdx_host *h = NULL;

	TDX_ASSERT_FAILS(tdx_host_open(&h, "kvm:emulate-tdx,bogus=1"), TDX_E_INVALID, "bogus");
	CU_ASSERT_PTR_NULL(h);
	TDX_ASSERT_FAILS(tdx_host_open(&h, "kvm:emulate-tdx,mem"), TDX_E_INVALID, "key=value");
	/* "kvm:emulate-tdxx" is a device path for the real backend, not the box. */
	TDX_ASSERT_FAILS(tdx_host_open(&h, "kvm:emulate-tdxx"), TDX_E_NO_DEVICE, "cannot open");
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_guest_code_runs),
		TDX_TEST(test_second_vcpu_refused),
		TDX_TEST(test_bad_specs),
		{ NULL, NULL },
	};

	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		perror("SKIP: TD-in-a-box needs /dev/kvm");
		return TDX_TEST_SKIP;
	}
	return tdx_test_run("box", tests);
}
