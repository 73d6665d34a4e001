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

typedef struct tdx__kvm_ops {
	const char *name;
	/* The system fd (/dev/kvm); >= 0, or -errno. */
	int (*open_system)(void *ctx);
	/* One ioctl: its result (>= 0: value or new fd), or -errno.  Exactly
	 * the kernel's semantics, including structs written back on failure. */
	long (*ioctl)(void *ctx, int fd, unsigned long request, void *arg);
	int (*close)(void *ctx, int fd);
	/* The vCPU's kvm_run area (size from KVM_GET_VCPU_MMAP_SIZE), or NULL
	 * with errno set. */
	struct kvm_run *(*map_run)(void *ctx, int vcpu_fd, size_t size);
	void (*unmap_run)(void *ctx, struct kvm_run *run, size_t size);
	void (*destroy)(void *ctx);
} tdx__kvm_ops;

/* The real kernel: ctx is the device path ("/dev/kvm"). */
extern const tdx__kvm_ops tdx__kvm_real_ops;

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
} tdx__kvm_emu_faults;

/* Create an emulated KVM from "key=value,..." (the part after "emu:"),
 * whose TDs use the emulated TDX module configured the same way. */
int tdx__kvm_emu_create(void **ctx, const char *conf);
extern const tdx__kvm_ops tdx__kvm_emu_ops;
/* TD-in-a-box ("kvm:emulate-tdx"): the emulated KVM whose TD vCPUs run on
 * the real KVM at `device`, their TDCALLs answered by the emulated module. */
int tdx__kvm_box_create(void **ctx, const char *device, const char *conf);
int tdx__kvm_emu_is_box(void *ctx);
void tdx__kvm_emu_set_faults(void *ctx, const tdx__kvm_emu_faults *faults);

/*
 * A TD's exit, produced while the guest side of an emulated TD makes a
 * TDVMCALL: the emulated KVM fills `run` exactly as KVM_RUN would
 * (KVM_EXIT_TDX, KVM_EXIT_HYPERCALL, KVM_EXIT_SYSTEM_EVENT) and calls
 * this; on return it completes the TDVMCALL from `run` as KVM does on the
 * next KVM_RUN.  host.c installs it per VM.
 */
typedef void (*tdx__kvm_emu_exit_fn)(void *host_ctx, int vcpu_fd, struct kvm_run *run);
void tdx__kvm_emu_set_exit_handler(void *ctx, int vm_fd, tdx__kvm_emu_exit_fn fn, void *host_ctx);

/* The guest side of a finalized emulated TD: a tdx_guest whose TDX module
 * reports the TD's attributes, XFAM, MRTD and MRCONFIGID/MROWNER/
 * MROWNERCONFIG, and whose TDVMCALLs reach the exit handler above. */
int tdx__kvm_emu_guest(void *ctx, int vm_fd, tdx_guest **out);
/* The emulated TDX platform behind the emulated KVM (borrowed). */
tdx_emu *tdx__kvm_emu_platform(void *ctx, int vm_fd);

/*
 * cpuid.c: the TD's CPUID for KVM_TDX_INIT_VM (and a plain VM's
 * KVM_SET_CPUID2): keep the requested leaves that are configurable, AND
 * them with the configurable bits, and set leaf 0x80000008 EAX[23:16] to
 * the GPAW (adding the leaf if missing; KVM requires it).  Duplicates keep
 * the first.  out has room for *nout entries; on return *nout is the count.
 * Fails with TDX_E_INVALID for a bad GPAW, TDX_E_BUFFER_TOO_SMALL if out
 * is too small (with *nout = the count needed).
 */
int tdx__cpuid_filter(const struct kvm_cpuid_entry2 *configurable, uint32_t nconf,
		      const struct kvm_cpuid_entry2 *want, uint32_t nwant, unsigned gpaw,
		      struct kvm_cpuid_entry2 *out, uint32_t *nout);

/* host.c: the backend context of a host (for white-box tests and tools). */
void *tdx__host_ctx(tdx_host *h);

#endif
