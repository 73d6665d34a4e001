/* SPDX-License-Identifier: MIT */
/*
 * The host side's backend: a KVM ioctl interface.  host.c speaks KVM's
 * uAPI (uapi/kvm.h) through these operations; the "kvm" backend passes
 * them to the kernel, the "emu" backend to the emulated KVM + TDX module
 * (emu/kvm.c), which answers with the same structures and errno values.
 * Library-private.
 */
#ifndef TDX_HOST_BACKEND_H
#define TDX_HOST_BACKEND_H

#include <stddef.h>

#include "internal.h"
#include "uapi/kvm.h"

/* Linux 7.2 (3e2dec1ede0a) gave MapGPA's hypercall.ret a meaning: EAGAIN
 * asks the guest to retry (arch/x86/kvm/vmx/tdx.c tdx_complete_vmcall_map_gpa). */
#define TDX_KERNEL_MAPGPA_RET 0x0702u

/*
 * How an emulated TD's guest side has its vCPU run while one of its TDCALLs
 * waits for the VMM: run(ctx, vcpu_fd) runs that vCPU through the VMM's
 * own run loop (KVM_RUN, decoded exits, the exit handler) up to an exit the
 * loop's caller would see; TDX_OK or an error (set).  release(ctx) when the
 * guest side is closed.
 */
typedef struct tdx__td_runner {
	int (*run)(void *ctx, int vcpu_fd);
	void (*release)(void *ctx);
	void *ctx;
} tdx__td_runner;

typedef struct tdx__kvm_ops {
	/* The system fd (/dev/kvm); >= 0, or -errno. */
	int (*open_system)(void *ctx);
	/* One ioctl: its result (>= 0: value or new fd), or -errno.  Exactly
	 * the kernel's semantics, including structs written back on failure
	 * and KVM_RUN's -1/EFAULT with KVM_EXIT_MEMORY_FAULT. */
	long (*ioctl)(void *ctx, int fd, unsigned long request, void *arg);
	int (*close)(void *ctx, int fd);
	/* The vCPU's kvm_run area (size from KVM_GET_VCPU_MMAP_SIZE), or NULL
	 * with errno set. */
	struct kvm_run *(*map_run)(void *ctx, int vcpu_fd, size_t size);
	void (*unmap_run)(void *ctx, struct kvm_run *run, size_t size);
	/* fallocate(2) (a guest_memfd's PUNCH_HOLE): 0 or -errno. */
	int (*fallocate)(void *ctx, int fd, int mode, uint64_t offset, uint64_t len);
	/* The kernel's release, major << 8 | minor (uname(2)); 0: unknown;
	 * compared with the TDX_KERNEL_* releases below. */
	unsigned (*kernel_version)(void *ctx);
	void (*destroy)(void *ctx);
	/* What only an emulated TD has (NULL: the backend has none).  The
	 * guest side keeps its VM; the caller keeps the backend (ctx) alive
	 * until the runner's release. */
	int (*td_guest)(void *ctx, int vm_fd, const tdx__td_runner *runner, tdx_guest **out);
	tdx_emu *(*td_platform)(void *ctx, int vm_fd); /* borrowed, or NULL */
} tdx__kvm_ops;

/* The backends; each sets *ops and *ctx.  The kernel at `device`: */
int tdx__kvm_real_create(const tdx__kvm_ops **ops, void **ctx, const char *device);

/*
 * The emulated KVM.  Test hooks make it fail the way the kernel can, so
 * that libtdx's retry and resume logic is exercised.
 */
typedef struct tdx__kvm_emu_faults {
	unsigned init_vm_eagain;      /* INIT_VM: -EAGAIN this many times first */
	unsigned finalize_ebusy;      /* FINALIZE_VM: -EBUSY this many times first */
	unsigned mem_region_eintr_after; /* INIT_MEM_REGION: -EINTR after this many
					  * pages of a call (0: never) */
	unsigned mem_region_eintr_times; /* ... and this many times in all */
	unsigned mem_region_eagain_times; /* INIT_MEM_REGION: -EAGAIN (no progress) */
	unsigned state_guard_ebusy;   /* INIT_VM, INIT_VCPU, INIT_MEM_REGION,
				       * FINALIZE_VM: -EBUSY this many times first (a
				       * vCPU creation in flight, Linux 7.2's guard) */
	unsigned exception_vector;    /* the next KVM_RUN of a TD: KVM_EXIT_EXCEPTION
				       * with this vector (an exception the TD exited
				       * with, tdx_handle_exception_nmi); 0: none */
} tdx__kvm_emu_faults;

/* An emulated KVM from "key=value,..." (the part after "emu:"), whose TDs
 * use the emulated TDX module configured the same way; "kernel=X.Y" picks
 * the kernel generation it behaves as (default 7.2). */
int tdx__kvm_emu_create(const tdx__kvm_ops **ops, void **ctx, const char *conf);
/* TD-in-a-box ("kvm:emulate-tdx"): the emulated KVM whose TD vCPUs run on
 * the real KVM at `device`, their TDCALLs answered by the emulated module. */
int tdx__kvm_box_create(const tdx__kvm_ops **ops, void **ctx, const char *device,
			const char *conf);
void tdx__kvm_emu_set_faults(void *ctx, const tdx__kvm_emu_faults *faults);

/* The emulated platform behind an emulated VM (borrowed). */
tdx_emu *tdx__kvm_emu_platform(void *ctx, int vm_fd);

/*
 * cpuid.c: the TD's CPUID for KVM_TDX_INIT_VM (and a plain VM's stand-in):
 * one entry per distinct configurable (function, index) slot that `want`
 * has by exact (function, index), ANDed with the configurable bits,
 * SIGNIFCANT_INDEX where the function has several slots, in slot order;
 * 0x80000008 always, with EAX[23:16] = the GPAW.  out has room for *nout
 * entries; on return *nout is the count.  Fails with TDX_E_INVALID for a
 * bad GPAW, TDX_E_BUFFER_TOO_SMALL if out is too small (with *nout = the
 * count needed).
 */
int tdx__cpuid_filter(const struct kvm_cpuid_entry2 *configurable, uint32_t nconf,
		      const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
		      struct kvm_cpuid_entry2 *out, uint32_t *nout);

/*
 * cpuid.c: a TD vCPU's KVM_SET_CPUID2 model, as QEMU passes its CPU model
 * (the uAPI's struct kvm_tdx_init_vm asks the VMM to keep it consistent
 * with the TD's CPUID, or KVM mis-emulates what the module leaves to it:
 * CPUID 0x40000000+, the x2APIC timer, MSR_IA32_TSC_DEADLINE, and the
 * MAXPHYADDR it checks MapGPA ranges against).  `want` (first of each
 * (function, index)), leaf 1 with x2APIC and TSC-deadline (KVM emulates
 * both; INIT_VCPU needs x2APIC), 0x80000000 reaching 0x80000008,
 * 0x80000008 with MAXPHYADDR (EAX[7:0]) at least the GPAW, so that a GPA
 * with the shared bit is legal, and the GPAW in EAX[23:16]; KVM's leaf
 * 0x40000001 limited to what QEMU gives a TD.  *out is malloc'ed.
 */
int tdx__cpuid_vcpu_model(const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
			  struct kvm_cpuid_entry2 **out, uint32_t *nout);

/* host.c: the backend context of a host (for white-box tests and tools). */
void *tdx__host_ctx(tdx_host *h);

#endif
