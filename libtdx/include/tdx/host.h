/* SPDX-License-Identifier: MIT */
/*
 * The host side: what a VMM needs to create, measure, finalize and run a
 * TD through KVM, with the kernel's rules (ordering, retries, resume,
 * buffer growth) built in.  The functions speak libtdx's terms; the KVM
 * uAPI behind them is libtdx's business (and may change with the kernel).
 *
 * The sequence:
 *   tdx_host_open -> tdx_vm_create -> tdx_vm_get_capabilities (any time)
 *   -> tdx_vm_init -> tdx_vm_add_private_memory (any time; the initial
 *   image needs it before tdx_vm_init_mem_region)
 *   -> tdx_vcpu_create -> tdx_vcpu_init -> tdx_vm_init_mem_region ...
 *   -> tdx_vm_finalize -> tdx_vcpu_run ...
 * A call out of order fails with TDX_E_STATE before the kernel sees it.
 *
 * Backends: "kvm[:/dev/kvm]" (the kernel), "emu[:key=value,...]" (an
 * emulated KVM + TDX module, keys as in tdx_emu_config_parse, plus
 * "kernel=MAJOR.MINOR", the Linux generation it behaves as, default 7.2),
 * "kvm:emulate-tdx[,key=value,...]" (the same, the TD's vCPU running in a
 * VM on /dev/kvm), NULL ($LIBTDX_BACKEND, else /dev/kvm; never the
 * emulator).  Every backend is driven by the same code through KVM's
 * ioctls, kvm_run and errno values.  On a host without TDX,
 * tdx_vm_opts.plain creates an ordinary KVM VM and does the TDX-only steps
 * in software, so the memory setup and run loop still meet the kernel.
 */
#ifndef TDX_HOST_H
#define TDX_HOST_H

#include <tdx/common.h>
#include <tdx/emu.h>
#include <tdx/guest.h>

TDX_BEGIN_DECLS

typedef struct tdx_host tdx_host;
typedef struct tdx_vm tdx_vm;
typedef struct tdx_vcpu tdx_vcpu;

TDX_API tdx_status tdx_host_open(tdx_host **out, const char *backend);
TDX_API void tdx_host_close(tdx_host *h);
/* "kvm" or "emu". */
TDX_API const char *tdx_host_backend_name(const tdx_host *h);

/* What the host's KVM offers (a growable output struct). */
typedef struct tdx_host_info {
	size_t sz;
	int api_version;
	uint64_t vm_types;          /* KVM_CAP_VM_TYPES mask (bit 5: TDX) */
	int tdx;                    /* 1: TDX VMs can be created */
	uint32_t max_vcpus;         /* the system's; a VM's own: tdx_vm_caps */
	int guest_memfd;
	int user_memory2;
	uint64_t memory_attributes; /* supported attributes (bit 3: private) */
	uint64_t exit_hypercall;    /* KVM_CAP_EXIT_HYPERCALL mask (bit 12: MapGPA) */
	char tdx_detail[256];       /* why TDX is (not) available, in words */
} tdx_host_info;
TDX_API tdx_status tdx_host_info_init(tdx_host_info *info, size_t sz);
TDX_API tdx_status tdx_host_probe(tdx_host *h, tdx_host_info *info);

/* Options of tdx_vm_create. */
typedef struct tdx_vm_opts {
	size_t sz;
	int plain;          /* 1: an ordinary KVM VM; TDX-only steps in software */
	uint32_t tsc_khz;   /* 0: KVM's default; else a multiple of 25000 */
} tdx_vm_opts;
TDX_API tdx_status tdx_vm_opts_init(tdx_vm_opts *opts, size_t sz);

/* Create the VM (KVM_X86_TDX_VM, split irqchip, MapGPA exits). */
TDX_API tdx_status tdx_vm_create(tdx_vm **out, tdx_host *h, const tdx_vm_opts *opts);
/* The VM stays alive until it and all its vCPUs are closed. */
TDX_API void tdx_vm_close(tdx_vm *vm);

/* One CPUID leaf: for the configurable list, the bits are the mask of
 * what may be set; for a TD's CPUID, the values. */
typedef struct tdx_cpuid_entry {
	uint32_t function;
	uint32_t index;
	uint32_t flags;     /* TDX_CPUID_FLAG_INDEX: index is significant */
	uint32_t eax, ebx, ecx, edx;
} tdx_cpuid_entry;
#define TDX_CPUID_FLAG_INDEX 1u

/* What the TDX module + KVM let a TD be (a growable output struct). */
typedef struct tdx_vm_caps {
	size_t sz;
	uint64_t supported_attrs;
	uint64_t supported_xfam;
	uint64_t kernel_tdvmcallinfo_1_r11; /* TDVMCALLs KVM answers itself */
	uint64_t user_tdvmcallinfo_1_r11;   /* ... and those it hands to the VMM */
	uint64_t kernel_tdvmcallinfo_1_r12;
	uint64_t user_tdvmcallinfo_1_r12;
	uint32_t num_cpuid_configs;         /* see tdx_vm_cpuid_config */
	uint32_t max_vcpus;                 /* KVM_CAP_MAX_VCPUS of this VM (a TD:
					     * at most the host's present CPUs) */
} tdx_vm_caps;
TDX_API tdx_status tdx_vm_caps_init(tdx_vm_caps *caps, size_t sz);
TDX_API tdx_status tdx_vm_get_capabilities(tdx_vm *vm, tdx_vm_caps *caps);
/* Configurable CPUID leaf `index` (< num_cpuid_configs). */
TDX_API tdx_status tdx_vm_cpuid_config(tdx_vm *vm, uint32_t index, tdx_cpuid_entry *entry);

/* Options of tdx_vm_init. */
typedef struct tdx_vm_init_opts {
	size_t sz;
	uint64_t attributes;    /* 0: SEPT_VE_DISABLE */
	uint64_t xfam;          /* 0: x87|SSE|AVX (0xe7 ... within supported_xfam) */
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	unsigned gpaw;          /* 48 (default) or 52 */
	/* The TD's CPUID (NULL: the host's supported CPUID).  For
	 * KVM_TDX_INIT_VM libtdx takes each configurable (function, index) by
	 * exact match, masked to the configurable bits, and sets leaf
	 * 0x80000008 EAX[23:16] to the GPAW.  The whole list is also each
	 * vCPU's KVM_SET_CPUID2 model (what KVM answers CPUID 0x40000000+ from
	 * and checks MapGPA against), with x2APIC and TSC-deadline added and
	 * MAXPHYADDR raised to the GPAW if lower. */
	const tdx_cpuid_entry *cpuid;
	uint32_t ncpuid;
} tdx_vm_init_opts;
TDX_API tdx_status tdx_vm_init_opts_init(tdx_vm_init_opts *opts, size_t sz);
/* KVM_TDX_INIT_VM, retried on -EAGAIN; a TDX-module refusal leaves its
 * status in tdx_error_last()->hw_status with the operand named. */
TDX_API tdx_status tdx_vm_init(tdx_vm *vm, const tdx_vm_init_opts *opts);

/* Guest memory.  Private memory (guest_memfd, marked private) can receive
 * the initial image; shared memory is what the host and the TD both see.
 * Both 4 KiB aligned. */
TDX_API tdx_status tdx_vm_add_private_memory(tdx_vm *vm, uint64_t gpa, uint64_t size);
TDX_API tdx_status tdx_vm_add_shared_memory(tdx_vm *vm, uint64_t gpa, uint64_t size);
/* The host's view of guest memory at gpa (shared bit ignored): shared
 * memory, or a plain VM's memory.  GetQuote handlers use these. */
TDX_API tdx_status tdx_vm_read(tdx_vm *vm, uint64_t gpa, void *buf, size_t len);
TDX_API tdx_status tdx_vm_write(tdx_vm *vm, uint64_t gpa, const void *buf, size_t len);

TDX_API tdx_status tdx_vcpu_create(tdx_vcpu **out, tdx_vm *vm);
TDX_API void tdx_vcpu_close(tdx_vcpu *vcpu);
/* KVM_SET_CPUID2 (the TD's CPU model, see tdx_vm_init_opts.cpuid) then
 * KVM_TDX_INIT_VCPU(rcx); both retried on -EBUSY (Linux 7.2's guard). */
TDX_API tdx_status tdx_vcpu_init(tdx_vcpu *vcpu, uint64_t initial_rcx);
/* The TD's effective CPUID.  *count in: capacity of entries; out: the
 * number (TDX_E_BUFFER_TOO_SMALL with the number needed). */
TDX_API tdx_status tdx_vcpu_get_cpuid(tdx_vcpu *vcpu, tdx_cpuid_entry *entries, uint32_t *count);

/* Copy npages from src into private memory at gpa (PAGE.ADD), measured
 * into MRTD if `measure`; resumes after -EINTR/-EAGAIN/-EBUSY from the
 * kernel's written-back progress, never adding a page twice. */
TDX_API tdx_status tdx_vm_init_mem_region(tdx_vcpu *vcpu, const void *src, uint64_t gpa,
					  uint64_t npages, int measure);
/* KVM_TDX_FINALIZE_VM, retried on -EBUSY. */
TDX_API tdx_status tdx_vm_finalize(tdx_vm *vm);
/* The TD's MRTD as libtdx measured what it added (after finalize). */
TDX_API tdx_status tdx_vm_mrtd(tdx_vm *vm, uint8_t mrtd[48]);

/* ---- running ---- */

typedef enum tdx_exit_reason {
	TDX_EXIT_UNKNOWN = 0,
	TDX_EXIT_IO = 1,
	TDX_EXIT_MMIO = 2,
	TDX_EXIT_HLT = 3,
	TDX_EXIT_SHUTDOWN = 4,
	TDX_EXIT_TDVMCALL = 5,     /* KVM_EXIT_TDX: GetQuote, GetTdVmCallInfo, ... */
	TDX_EXIT_MAP_GPA = 6,      /* MapGPA (KVM_EXIT_HYPERCALL); libtdx converts */
	TDX_EXIT_MEMORY_FAULT = 7, /* KVM_EXIT_MEMORY_FAULT (KVM_RUN -1/EFAULT);
				    * libtdx converts; seen only if it cannot */
	TDX_EXIT_FATAL = 8,        /* the TD's ReportFatalError */
	TDX_EXIT_SYSTEM_EVENT = 9,
	TDX_EXIT_INTERNAL_ERROR = 10,
	TDX_EXIT_FAIL_ENTRY = 11,
	TDX_EXIT_EXCEPTION = 12    /* KVM_EXIT_EXCEPTION: subtype = vector,
				    * hw_reason = error code */
} tdx_exit_reason;

/* TDVMCALL numbers seen in TDX_EXIT_TDVMCALL. */
#define TDX_TDVMCALL_GET_TDVMCALL_INFO 0x10000ULL
#define TDX_TDVMCALL_GET_QUOTE 0x10002ULL
#define TDX_TDVMCALL_SETUP_EVENT_NOTIFY 0x10004ULL

/* A decoded exit (a growable struct). */
typedef struct tdx_exit {
	size_t sz;
	int reason;                /* tdx_exit_reason */
	uint32_t kvm_exit_reason;  /* KVM's own number */
	/* IO: for an IN, put the value in data before the next tdx_vcpu_run */
	uint16_t io_port;
	uint8_t io_size;
	uint8_t io_out;
	uint32_t io_count;
	/* MMIO: likewise for a read */
	uint64_t mmio_gpa;
	uint32_t mmio_len;
	uint8_t mmio_write;
	uint8_t data[8];           /* IO or MMIO data */
	/* TDVMCALL: nr; ret is pre-set as KVM does, the handler may change it */
	uint64_t tdvmcall_nr;
	uint64_t tdvmcall_ret;
	uint64_t tdvmcall_args[5]; /* GetQuote: gpa, size; GetTdVmCallInfo: leaf,
				    * r11..r14 (in/out); SetupEventNotify: vector */
	/* MAP_GPA / MEMORY_FAULT */
	uint64_t gpa;
	uint64_t size;
	int to_private;
	/* FATAL */
	uint64_t error_code;
	uint64_t fatal_gpa;        /* valid when bit 63 of error_code is set */
	char message[65];
	/* SYSTEM_EVENT / INTERNAL_ERROR / FAIL_ENTRY / EXCEPTION */
	uint32_t subtype;
	uint64_t hw_reason;
} tdx_exit;
TDX_API tdx_status tdx_exit_init(tdx_exit *exit_info, size_t sz);

/*
 * Called for TDVMCALL, MAP_GPA, MEMORY_FAULT and FATAL exits before libtdx
 * completes them, on the thread that runs the vCPU.  A TDVMCALL is answered
 * from exit_info->tdvmcall_ret (and the GetTdVmCallInfo outputs).  For
 * MAP_GPA, tdvmcall_ret is an errno the kernel passes on: 0 (pre-set)
 * converts the range, EAGAIN asks the TD to retry (Linux >= 7.2; older
 * kernels make it a refusal), anything else refuses it, sent as EINVAL
 * (Linux 7.2 fails KVM_RUN for other values).  libtdx converts only memory
 * added with tdx_vm_add_private_memory (it has a guest_memfd) and frees the
 * side no longer used, as QEMU does.  A MEMORY_FAULT is converted after the
 * handler returns.  Without a handler the kernel's pre-set answers stand.
 */
typedef void (*tdx_exit_handler)(void *ctx, tdx_vcpu *vcpu, tdx_exit *exit_info);
TDX_API tdx_status tdx_vm_set_exit_handler(tdx_vm *vm, tdx_exit_handler fn, void *ctx);

/* Run until an exit the caller must see (IO, MMIO, HLT, FATAL, ...);
 * TDVMCALL, MapGPA and memory-fault exits are completed inside (a memory
 * fault arrives as KVM_RUN = -1/EFAULT: converted and resumed). */
TDX_API tdx_status tdx_vcpu_run(tdx_vcpu *vcpu, tdx_exit *exit_info);

/* The guest side of an emulated TD (after finalize; "emu" backend only).
 * Its shared memory is the VM's (add the TD's RAM with
 * tdx_vm_add_private_memory: the emulator's default is 64 MiB at GPA 0).
 * A TDVMCALL that needs the host runs the TD's first vCPU through
 * tdx_vcpu_run on the calling thread: the exit handler sees it as it
 * would on a TDX host.  Do not run that vCPU from another thread at the
 * same time.  The guest side keeps the VM open until it is closed. */
TDX_API tdx_status tdx_vm_guest(tdx_vm *vm, tdx_guest **out);
/* The emulated platform of an emulated TD (borrowed; NULL elsewhere or
 * before tdx_vm_guest). */
TDX_API tdx_emu *tdx_vm_emu(tdx_vm *vm);

TDX_END_DECLS

#endif /* TDX_HOST_H */
