/* SPDX-License-Identifier: MIT */
/*
 * The plain-KVM launch sequence (create, memory, vCPU, CPUID, reset state,
 * load a page, run port I/O to HLT, tear down) through libtdx against the
 * same ioctls issued directly, in the same run.  Goal: ratio <= 1.05.
 * Needs /dev/kvm (prints why not and exits 0 without it).
 *
 * usage: bench_kvm_plain [ITERATIONS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <tdx/tdx.h>

#include "uapi/kvm.h"

#define GPA 0xFFFFF000ULL
static const uint8_t code[] = { 0xb0, 0x41, 0xe6, 0x80, 0xe4, 0x81, 0xe6, 0x82, 0xf4 };
static uint8_t page[4096] __attribute__((aligned(4096)));

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int via_libtdx(tdx_host *h)
{
	TDX_OPTS(tdx_vm_opts, o, .plain = 1);
	TDX_OPTS(tdx_exit, ex);
	tdx_vm *vm;
	tdx_vcpu *v;
	int exits = 0;

	if (tdx_vm_create(&vm, h, &o) || tdx_vm_init(vm, NULL) ||
	    tdx_vm_add_private_memory(vm, GPA, 4096) || tdx_vcpu_create(&v, vm))
		return -1;
	if (tdx_vcpu_init(v, 0) || tdx_vm_init_mem_region(v, page, GPA, 1, 1) || tdx_vm_finalize(vm))
		return -1;
	do {
		if (tdx_vcpu_run(v, &ex))
			return -1;
		exits++;
	} while (ex.reason == TDX_EXIT_IO);
	tdx_vcpu_close(v);
	tdx_vm_close(vm);
	return exits;
}

static int direct(int kvm)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct kvm_userspace_memory_region m = { .guest_phys_addr = GPA, .memory_size = 4096 };
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = 0xFFFFFFF0ULL, .rflags = 2 };
	struct kvm_segment flat = { .limit = 0xFFFFFFFF, .selector = 0x10, .type = 3, .present = 1,
				    .db = 1, .s = 1, .g = 1 };
	int vm, vcpu, exits = 0;
	long mmap_size;
	struct kvm_run *run;
	uint8_t *mem;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	c->nent = 256;
	ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c);
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	m.userspace_addr = (uint64_t)(uintptr_t)mem;
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, KVM_SET_CPUID2, c);
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.ds = s.es = s.fs = s.gs = s.ss = s.cs = flat;
	s.cs.selector = 0x08;
	s.cs.type = 11;
	s.cr0 = 0x11;
	s.cr4 = 0;
	s.efer = 0;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	ioctl(vcpu, KVM_SET_REGS, &r);
	memcpy(mem, page, 4096);
	do {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return -1;
		exits++;
	} while (run->exit_reason == KVM_EXIT_IO);
	munmap(run, (size_t)mmap_size);
	close(vcpu);
	munmap(mem, 4096);
	close(vm);
	free(c);
	return exits;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200, kvm;
	double t0, lib = 1e300, dir = 1e300;
	tdx_host *h;

	memcpy(page + 0xFF0, code, sizeof(code));
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0 || tdx_host_open(&h, "kvm")) {
		printf("bench_kvm_plain: no /dev/kvm here; nothing to measure\n");
		return 0;
	}
	if (n <= 0 || via_libtdx(h) != 4 || direct(kvm) != 4) {
		fprintf(stderr, "bench_kvm_plain: the sequence failed: %s\n", tdx_error_last()->message);
		return 1;
	}
	/* Best of 3 rounds each, interleaved. */
	for (int round = 0; round < 3; round++) {
		t0 = now_ns();
		for (int i = 0; i < n; i++)
			via_libtdx(h);
		if ((now_ns() - t0) / n < lib)
			lib = (now_ns() - t0) / n;
		t0 = now_ns();
		for (int i = 0; i < n; i++)
			direct(kvm);
		if ((now_ns() - t0) / n < dir)
			dir = (now_ns() - t0) / n;
	}
	printf("plain-KVM sequence through libtdx: %.1f us\n", lib / 1000);
	printf("same ioctls issued directly:       %.1f us\n", dir / 1000);
	printf("ratio libtdx/direct: %.3fx (goal <= 1.05x)\n", lib / dir);
	tdx_host_close(h);
	close(kvm);
	return 0;
}
