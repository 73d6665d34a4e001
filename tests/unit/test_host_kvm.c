/* SPDX-License-Identifier: MIT */
/*
 * The host API against the real /dev/kvm: the probe reports the kernel's
 * VM-type mask and why TDX is absent; a TDX VM is refused with that reason
 * where TDX is absent; and a plain-KVM VM built with the same sequence
 * runs real guest code (port I/O and HLT) through tdx_vcpu_run; a TDCALL
 * in such a VM stops it with KVM's emulation error; the guest's CPUID is
 * the model libtdx set with KVM_SET_CPUID2.
 * Skips (77) without /dev/kvm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"

static tdx_host *H;

static void test_probe_matches_kernel(void)
{
	TDX_OPTS(tdx_host_info, info);
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int types = ioctl(fd, 0xAE03, 235); /* KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES) */
	char mask[32];

	CU_ASSERT_EQUAL_FATAL(tdx_host_probe(H, &info), TDX_OK);
	CU_ASSERT_EQUAL(info.api_version, ioctl(fd, 0xAE00, 0));
	CU_ASSERT_EQUAL(info.vm_types, types > 0 ? (uint64_t)types : 1);
	CU_ASSERT_EQUAL(info.tdx, (int)((info.vm_types >> 5) & 1));
	snprintf(mask, sizeof(mask), "0x%llx", (unsigned long long)info.vm_types);
	CU_ASSERT_PTR_NOT_NULL(strstr(info.tdx_detail, mask));
	if (!info.tdx)
		CU_ASSERT_PTR_NOT_NULL(strstr(info.tdx_detail, "no TDX"));
	close(fd);
	TDX_ASSERT_FAILS(tdx_host_probe(NULL, &info), TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx_host_probe(H, NULL), TDX_E_INVALID, "NULL");
}

static void test_tdx_vm_refused_without_tdx(void)
{
	TDX_OPTS(tdx_host_info, info);
	tdx_vm *vm = NULL;

	CU_ASSERT_EQUAL_FATAL(tdx_host_probe(H, &info), TDX_OK);
	if (info.tdx) {
		fprintf(stderr, "(this kernel offers TDX VMs: nothing to refuse)\n");
		return;
	}
	TDX_ASSERT_FAILS(tdx_vm_create(&vm, H, NULL), TDX_E_NOT_SUPPORTED, "no TDX");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "plain"));
	CU_ASSERT_PTR_NULL(vm);
}

/* mov al,0x41; out 0x80,al; in al,0x81; out 0x82,al; hlt  (at the reset vector) */
static const uint8_t guest_code[] = { 0xb0, 0x41, 0xe6, 0x80, 0xe4, 0x81, 0xe6, 0x82, 0xf4 };

static void test_plain_vm_runs_guest_code(void)
{
	TDX_OPTS(tdx_vm_opts, opts, .plain = 1);
	TDX_OPTS(tdx_vm_caps, caps);
	TDX_OPTS(tdx_exit, ex);
	tdx_vm *vm;
	tdx_vcpu *vcpu;
	uint8_t *page = aligned_alloc(4096, 4096), mrtd[48], want[48];
	tdx_mrtd *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0, 4096);
	memcpy(page + 0xFF0, guest_code, sizeof(guest_code));

	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, H, &opts), TDX_OK);
	CU_ASSERT_EQUAL(tdx_vm_get_capabilities(vm, &caps), TDX_OK);
	CU_ASSERT(caps.num_cpuid_configs > 0);
	CU_ASSERT(caps.supported_attrs & (1ULL << 28));
	/* Order is enforced by the library, before the kernel sees anything. */
	TDX_ASSERT_FAILS(tdx_vcpu_create(&vcpu, vm), TDX_E_STATE, "tdx_vm_init first");
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(vm, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_init(vm, NULL), TDX_E_STATE, "already");
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(vm, 0xFFFFF000ULL, 0x1000), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_add_private_memory(vm, 0xFFFFF000ULL, 0x1000), TDX_E_INVALID,
			 "overlaps");
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&vcpu, vm), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(vcpu, page, 0xFFFFF000ULL, 1, 1), TDX_E_STATE,
			 "tdx_vcpu_init");
	TDX_ASSERT_FAILS(tdx_vm_finalize(vm), TDX_E_STATE, "at least one vCPU");
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(vcpu, 0x1234), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vcpu_run(vcpu, &ex), TDX_E_STATE, "tdx_vm_finalize first");
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(vcpu, page, 0xFFFFF000ULL, 1, 1), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(vm), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(vcpu, page, 0xFFFFF000ULL, 1, 1), TDX_E_STATE,
			 "finalized");

	/* The MRTD a TDX module would compute for that page. */
	CU_ASSERT_EQUAL(tdx_vm_mrtd(vm, mrtd), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, 0xFFFFF000ULL, 1, page, 4096, TDX_MEASURE_EXTEND),
			TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, want), TDX_OK);
	tdx_mrtd_free(m);
	CU_ASSERT_EQUAL(memcmp(mrtd, want, 48), 0);

	/* The guest runs: OUT 0x80 = 0x41, IN from 0x81 (answered 0x5a), OUT 0x82, HLT. */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x80);
	CU_ASSERT_EQUAL(ex.io_size, 1);
	CU_ASSERT_EQUAL(ex.io_out, 1);
	CU_ASSERT_EQUAL(ex.data[0], 0x41);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x81);
	CU_ASSERT_EQUAL(ex.io_out, 0);
	ex.data[0] = 0x5a;
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x82);
	CU_ASSERT_EQUAL(ex.data[0], 0x5a);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_HLT);

	/* The guest sees the memory the library loaded. */
	{
		uint8_t back[sizeof(guest_code)];

		CU_ASSERT_EQUAL(tdx_vm_read(vm, 0xFFFFFFF0ULL, back, sizeof(back)), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(back, guest_code, sizeof(back)), 0);
		TDX_ASSERT_FAILS(tdx_vm_read(vm, 0x10000, back, 1), TDX_E_INVALID, "not in memory");
	}
	/* The VM outlives its handle while a vCPU is open (any close order). */
	tdx_vm_close(vm);
	tdx_vcpu_close(vcpu);
	free(page);
}

/*
 * What TD-in-a-box builds on: plain KVM cannot emulate TDCALL (66 0F 01 CC),
 * so the vCPU stops with an emulation error instead of the guest taking #UD.
 * Guest: OUT 0x80 = 0x41, TDCALL.
 */
static const uint8_t tdcall_code[] = { 0xb0, 0x41, 0xe6, 0x80, 0x66, 0x0f, 0x01, 0xcc };

/* A finalized plain VM whose one page below 4 GiB is `page`. */
static void plain_vm_with_page(const uint8_t *page, tdx_vm **vm, tdx_vcpu **vcpu)
{
	TDX_OPTS(tdx_vm_opts, opts, .plain = 1);

	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(vm, H, &opts), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(*vm, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(*vm, 0xFFFFF000ULL, 0x1000), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(vcpu, *vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(*vcpu, 0), TDX_OK); /* KVM_SET_CPUID2 taken */
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(*vcpu, page, 0xFFFFF000ULL, 1, 1), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(*vm), TDX_OK);
}

static void test_plain_vm_traps_tdcall(void)
{
	TDX_OPTS(tdx_exit, ex);
	tdx_vm *vm;
	tdx_vcpu *vcpu;
	uint8_t *page = aligned_alloc(4096, 4096);

	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0, 4096);
	memcpy(page + 0xFF0, tdcall_code, sizeof(tdcall_code));
	plain_vm_with_page(page, &vm, &vcpu);

	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.data[0], 0x41);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_INTERNAL_ERROR);
	CU_ASSERT_EQUAL(ex.subtype, 1); /* KVM_INTERNAL_ERROR_EMULATION */

	tdx_vcpu_close(vcpu);
	tdx_vm_close(vm);
	free(page);
}

/*
 * The real kernel takes the vCPU model libtdx gives KVM_SET_CPUID2 and
 * answers the guest's CPUID from it: MAXPHYADDR (0x80000008 EAX[7:0]) at
 * least the GPAW, so a GPA with the shared bit is legal (KVM checks MapGPA
 * against it), and TSC-deadline with x2APIC in leaf 1.
 * Guest: CPUID 0x80000008, OUT 0x80 = AL; CPUID 1, OUT 0x81 = ECX[31:24],
 * OUT 0x82 = ECX[23:16]; HLT.
 */
static const uint8_t cpuid_code[] = {
	0xb8, 0x08, 0x00, 0x00, 0x80, 0x0f, 0xa2, 0xe6, 0x80, /* mov eax,0x80000008; cpuid; out */
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2,              /* mov eax,1; cpuid */
	0x89, 0xc8, 0xc1, 0xe8, 0x18, 0xe6, 0x81,              /* mov eax,ecx; shr eax,24; out */
	0x89, 0xc8, 0xc1, 0xe8, 0x10, 0xe6, 0x82,              /* mov eax,ecx; shr eax,16; out */
	0xf4,
};

static void test_plain_vm_cpuid_model(void)
{
	TDX_OPTS(tdx_exit, ex);
	tdx_vm *vm;
	tdx_vcpu *vcpu;
	uint8_t *page = aligned_alloc(4096, 4096);

	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	memset(page, 0xf4, 4096);
	/* at 0xFFFFF000 + 0xF80, reached by a jmp at the reset vector */
	memcpy(page + 0xF80, cpuid_code, sizeof(cpuid_code));
	page[0xFF0] = 0xeb; /* jmp rel8 to 0xF80: 0xF80 - 0xFF2 */
	page[0xFF1] = (uint8_t)(0xF80 - 0xFF2);
	plain_vm_with_page(page, &vm, &vcpu);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(ex.reason, TDX_EXIT_IO);
	CU_ASSERT_EQUAL(ex.io_port, 0x80);
	CU_ASSERT(ex.data[0] >= 48); /* MAXPHYADDR >= the GPAW */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.io_port, 0x81);
	CU_ASSERT(ex.data[0] & 1);   /* ECX[24]: TSC-deadline */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.io_port, 0x82);
	CU_ASSERT(ex.data[0] & 0x20); /* ECX[21]: x2APIC */
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_run(vcpu, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_HLT);
	tdx_vcpu_close(vcpu);
	tdx_vm_close(vm);
	free(page);
}

static void test_bad_arguments(void)
{
	tdx_vm *vm;
	tdx_host *h;
	TDX_OPTS(tdx_vm_opts, opts, .plain = 1, .tsc_khz = 12345);

	TDX_ASSERT_FAILS(tdx_vm_create(&vm, H, &opts), TDX_E_INVALID, "25000");
	TDX_ASSERT_FAILS(tdx_vm_create(&vm, NULL, NULL), TDX_E_INVALID, "tdx_host_open");
	TDX_ASSERT_FAILS(tdx_host_open(&h, "kvm:/nonexistent/kvm"), TDX_E_NO_DEVICE, "cannot open");
	TDX_ASSERT_FAILS(tdx_host_open(&h, "xen"), TDX_E_INVALID, "not known");
	opts.tsc_khz = 0;
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, H, &opts), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_add_private_memory(vm, 0x1001, 0x1000), TDX_E_INVALID, "4 KiB");
	TDX_ASSERT_FAILS(tdx_vm_finalize(vm), TDX_E_STATE, "tdx_vm_init first");
	tdx_vm_close(vm);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_probe_matches_kernel),
		TDX_TEST(test_tdx_vm_refused_without_tdx),
		TDX_TEST(test_plain_vm_runs_guest_code),
		TDX_TEST(test_plain_vm_traps_tdcall),
		TDX_TEST(test_plain_vm_cpuid_model),
		TDX_TEST(test_bad_arguments),
		{ NULL, NULL },
	};
	int rc;

	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		perror("SKIP: this test needs /dev/kvm");
		return TDX_TEST_SKIP;
	}
	if (tdx_host_open(&H, "kvm")) {
		fprintf(stderr, "cannot open the host: %s\n", tdx_error_last()->message);
		return 1;
	}
	rc = tdx_test_run("host-kvm", tests);
	tdx_host_close(H);
	return rc;
}
