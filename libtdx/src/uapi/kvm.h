/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Private copy of the KVM uAPI libtdx uses: the mainline 6.16+ KVM TDX ABI
 * (arch/x86/include/uapi/asm/kvm.h), guest_memfd, memory attributes,
 * KVM_SET_USER_MEMORY_REGION2 and the kvm_run exits TDX produces
 * (include/uapi/linux/kvm.h), plus the long-stable basics (regs, sregs,
 * memory regions, IO/MMIO/HLT exits).  Values and layouts are checked
 * against ../shared/reference/host.md §1.1-1.4 by the _Static_asserts
 * below.  Debian 12's system headers predate the TDX uAPI, so libtdx
 * never includes <linux/kvm.h>.  Never installed.
 *
 * Pre-mainline ABIs (KVM_X86_TDX_VM = 2, the attrs_fixed0/1
 * kvm_tdx_capabilities, a 5-field kvm_tdx_cmd) are incompatible and not
 * supported (host.md §0).
 */
#ifndef TDX_UAPI_KVM_H
#define TDX_UAPI_KVM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/ioctl.h>

#define KVMIO 0xAE
#define KVM_API_VERSION 12

/* ---- ioctls ---- */
#define KVM_GET_API_VERSION _IO(KVMIO, 0x00)
#define KVM_CREATE_VM _IO(KVMIO, 0x01)
#define KVM_CHECK_EXTENSION _IO(KVMIO, 0x03)
#define KVM_GET_VCPU_MMAP_SIZE _IO(KVMIO, 0x04)
#define KVM_GET_SUPPORTED_CPUID _IOWR(KVMIO, 0x05, struct kvm_cpuid2)
#define KVM_CREATE_VCPU _IO(KVMIO, 0x41)
#define KVM_SET_USER_MEMORY_REGION _IOW(KVMIO, 0x46, struct kvm_userspace_memory_region)
#define KVM_SET_USER_MEMORY_REGION2 _IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#define KVM_CREATE_IRQCHIP _IO(KVMIO, 0x60)
#define KVM_RUN _IO(KVMIO, 0x80)
#define KVM_GET_REGS _IOR(KVMIO, 0x81, struct kvm_regs)
#define KVM_SET_REGS _IOW(KVMIO, 0x82, struct kvm_regs)
#define KVM_GET_SREGS _IOR(KVMIO, 0x83, struct kvm_sregs)
#define KVM_SET_SREGS _IOW(KVMIO, 0x84, struct kvm_sregs)
#define KVM_TRANSLATE _IOWR(KVMIO, 0x85, struct kvm_translation)
#define KVM_GET_VCPU_EVENTS _IOR(KVMIO, 0x9f, struct kvm_vcpu_events)
#define KVM_SET_VCPU_EVENTS _IOW(KVMIO, 0xa0, struct kvm_vcpu_events)
#define KVM_SET_CPUID2 _IOW(KVMIO, 0x90, struct kvm_cpuid2)
#define KVM_SET_TSC_KHZ _IO(KVMIO, 0xa2)
#define KVM_ENABLE_CAP _IOW(KVMIO, 0xa3, struct kvm_enable_cap)
#define KVM_MEMORY_ENCRYPT_OP _IOWR(KVMIO, 0xba, unsigned long)
#define KVM_SET_MEMORY_ATTRIBUTES _IOW(KVMIO, 0xd2, struct kvm_memory_attributes)
#define KVM_CREATE_GUEST_MEMFD _IOWR(KVMIO, 0xd4, struct kvm_create_guest_memfd)

/* ---- capabilities ---- */
#define KVM_CAP_IRQCHIP 0
#define KVM_CAP_USER_MEMORY 3
#define KVM_CAP_MAX_VCPUS 66
#define KVM_CAP_SPLIT_IRQCHIP 121
#define KVM_CAP_X2APIC_API 129
#define KVM_CAP_EXIT_HYPERCALL 201
#define KVM_CAP_VM_TSC_CONTROL 214
#define KVM_CAP_USER_MEMORY2 231
#define KVM_CAP_MEMORY_ATTRIBUTES 233
#define KVM_CAP_GUEST_MEMFD 234
#define KVM_CAP_VM_TYPES 235
#define KVM_CAP_X86_APIC_BUS_CYCLES_NS 237

/* VM types: bit n of the KVM_CAP_VM_TYPES mask. */
#define KVM_X86_DEFAULT_VM 0
#define KVM_X86_SW_PROTECTED_VM 1
#define KVM_X86_SEV_VM 2
#define KVM_X86_SEV_ES_VM 3
#define KVM_X86_SNP_VM 4
#define KVM_X86_TDX_VM 5

#define KVM_MEMORY_ATTRIBUTE_PRIVATE (1ULL << 3)
#define KVM_MEM_GUEST_MEMFD (1U << 2)
#define KVM_HC_MAP_GPA_RANGE 12
#define KVM_MAP_GPA_RANGE_ENCRYPTED (1ULL << 4)
#define KVM_MAP_GPA_RANGE_DECRYPTED (0ULL << 4)
#define KVM_EXIT_HYPERCALL_LONG_MODE (1ULL << 0)

/* ---- exits ---- */
#define KVM_EXIT_UNKNOWN 0
#define KVM_EXIT_EXCEPTION 1
#define KVM_EXIT_IO 2
#define KVM_EXIT_HYPERCALL 3
#define KVM_EXIT_HLT 5
#define KVM_EXIT_MMIO 6
#define KVM_EXIT_SHUTDOWN 8
#define KVM_EXIT_FAIL_ENTRY 9
#define KVM_EXIT_INTERNAL_ERROR 17
#define KVM_EXIT_SYSTEM_EVENT 24
#define KVM_EXIT_MEMORY_FAULT 39
#define KVM_EXIT_TDX 40
#define KVM_EXIT_IO_IN 0
#define KVM_EXIT_IO_OUT 1
#define KVM_SYSTEM_EVENT_TDX_FATAL 7
#define KVM_MEMORY_EXIT_FLAG_PRIVATE (1ULL << 3)

/* ---- TDX (KVM_MEMORY_ENCRYPT_OP) ---- */
enum kvm_tdx_cmd_id {
	KVM_TDX_CAPABILITIES = 0,
	KVM_TDX_INIT_VM,
	KVM_TDX_INIT_VCPU,
	KVM_TDX_INIT_MEM_REGION,
	KVM_TDX_FINALIZE_VM,
	KVM_TDX_GET_CPUID,
	KVM_TDX_CMD_NR_MAX,
};
#define KVM_TDX_MEASURE_MEMORY_REGION (1U << 0)
#define KVM_MAX_CPUID_ENTRIES 256

struct kvm_tdx_cmd {
	uint32_t id;
	uint32_t flags;
	uint64_t data;
	uint64_t hw_error;
};

struct kvm_cpuid_entry2 {
	uint32_t function;
	uint32_t index;
	uint32_t flags;
	uint32_t eax, ebx, ecx, edx;
	uint32_t padding[3];
};
#define KVM_CPUID_FLAG_SIGNIFCANT_INDEX (1U << 0)

struct kvm_cpuid2 {
	uint32_t nent;
	uint32_t padding;
	struct kvm_cpuid_entry2 entries[];
};

/* Mainline 6.16 final; 6.16-rc1 had reserved[254] at 16 (same size). */
struct kvm_tdx_capabilities {
	uint64_t supported_attrs;
	uint64_t supported_xfam;
	uint64_t kernel_tdvmcallinfo_1_r11;
	uint64_t user_tdvmcallinfo_1_r11;
	uint64_t kernel_tdvmcallinfo_1_r12;
	uint64_t user_tdvmcallinfo_1_r12;
	uint64_t reserved[250];
	struct kvm_cpuid2 cpuid;
};

struct kvm_tdx_init_vm {
	uint64_t attributes;
	uint64_t xfam;
	uint64_t mrconfigid[6];
	uint64_t mrowner[6];
	uint64_t mrownerconfig[6];
	uint64_t reserved[12];
	struct kvm_cpuid2 cpuid;
};

struct kvm_tdx_init_mem_region {
	uint64_t source_addr;
	uint64_t gpa;
	uint64_t nr_pages;
};

/* ---- memory ---- */
struct kvm_userspace_memory_region {
	uint32_t slot;
	uint32_t flags;
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
};

struct kvm_userspace_memory_region2 {
	uint32_t slot;
	uint32_t flags;
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t guest_memfd_offset;
	uint32_t guest_memfd;
	uint32_t pad1;
	uint64_t pad2[14];
};

struct kvm_memory_attributes {
	uint64_t address;
	uint64_t size;
	uint64_t attributes;
	uint64_t flags;
};

struct kvm_create_guest_memfd {
	uint64_t size;
	uint64_t flags;
	uint64_t reserved[6];
};

struct kvm_enable_cap {
	uint32_t cap;
	uint32_t flags;
	uint64_t args[4];
	uint8_t pad[64];
};

/* ---- registers ---- */
struct kvm_regs {
	uint64_t rax, rbx, rcx, rdx;
	uint64_t rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11;
	uint64_t r12, r13, r14, r15;
	uint64_t rip, rflags;
};

struct kvm_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type;
	uint8_t present, dpl, db, s, l, g, avl;
	uint8_t unusable;
	uint8_t padding;
};

struct kvm_dtable {
	uint64_t base;
	uint16_t limit;
	uint16_t padding[3];
};

struct kvm_sregs {
	struct kvm_segment cs, ds, es, fs, gs, ss;
	struct kvm_segment tr, ldt;
	struct kvm_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t apic_base;
	uint64_t interrupt_bitmap[(256 + 63) / 64];
};

/* ---- kvm_run (the parts libtdx reads; the exit union is 256 bytes at 32) ---- */
/* KVM_TRANSLATE: a guest linear address to its GPA (TD-in-a-box). */
struct kvm_translation {
	uint64_t linear_address;
	uint64_t physical_address;
	uint8_t valid, writeable, usermode, pad[5];
};

/* KVM_GET/SET_VCPU_EVENTS (only the exception part is used). */
struct kvm_vcpu_events {
	struct {
		uint8_t injected, nr, has_error_code, pending;
		uint32_t error_code;
	} exception;
	struct {
		uint8_t injected, nr, soft, shadow;
	} interrupt;
	struct {
		uint8_t injected, pending, masked, pad;
	} nmi;
	uint32_t sipi_vector;
	uint32_t flags;
	struct {
		uint8_t smm, pending, smm_inside_nmi, latched_init;
	} smi;
	struct {
		uint8_t pending;
	} triple_fault;
	uint8_t reserved[26];
	uint8_t exception_has_payload;
	uint64_t exception_payload;
};

#define KVM_VCPUEVENT_VALID_PAYLOAD 0x00000010
#define KVM_INTERNAL_ERROR_EMULATION 1

struct kvm_run {
	uint8_t request_interrupt_window;
	uint8_t immediate_exit;
	uint8_t padding1[6];
	uint32_t exit_reason;
	uint8_t ready_for_interrupt_injection;
	uint8_t if_flag;
	uint16_t flags;
	uint64_t cr8;
	uint64_t apic_base;
	union {
		struct {
			uint64_t hardware_exit_reason;
		} hw;
		struct {
			uint64_t hardware_entry_failure_reason;
			uint32_t cpu;
		} fail_entry;
		struct {
			uint32_t exception;
			uint32_t error_code;
		} ex;
		struct {
			uint8_t direction;
			uint8_t size;
			uint16_t port;
			uint32_t count;
			uint64_t data_offset;
		} io;
		struct {
			uint64_t phys_addr;
			uint8_t data[8];
			uint32_t len;
			uint8_t is_write;
		} mmio;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint64_t ret;
			uint64_t flags;
		} hypercall;
		struct {
			uint32_t suberror;
			uint32_t ndata;
			uint64_t data[16];
		} internal;
		struct {
			uint32_t type;
			uint32_t ndata;
			uint64_t data[16];
		} system_event;
		struct {
			uint64_t flags;
			uint64_t gpa;
			uint64_t size;
		} memory_fault;
		struct {
			uint64_t flags;
			uint64_t nr;
			union {
				struct {
					uint64_t ret;
					uint64_t data[5];
				} unknown;
				struct {
					uint64_t ret;
					uint64_t gpa;
					uint64_t size;
				} get_quote;
				struct {
					uint64_t ret;
					uint64_t leaf;
					uint64_t r11, r12, r13, r14;
				} get_tdvmcall_info;
				struct {
					uint64_t ret;
					uint64_t vector;
				} setup_event_notify;
			};
		} tdx;
		char padding[256];
	};
};

/* ---- checks against host.md §1.1-1.4 ---- */
_Static_assert(KVM_CHECK_EXTENSION == 0xAE03, "KVM_CHECK_EXTENSION");
_Static_assert(KVM_CREATE_VM == 0xAE01, "KVM_CREATE_VM");
_Static_assert(KVM_GET_SUPPORTED_CPUID == 0xC008AE05, "KVM_GET_SUPPORTED_CPUID");
_Static_assert(KVM_CREATE_VCPU == 0xAE41, "KVM_CREATE_VCPU");
_Static_assert(KVM_SET_USER_MEMORY_REGION2 == 0x40A0AE49, "KVM_SET_USER_MEMORY_REGION2");
_Static_assert(KVM_RUN == 0xAE80, "KVM_RUN");
_Static_assert(KVM_SET_CPUID2 == 0x4008AE90, "KVM_SET_CPUID2");
_Static_assert(KVM_SET_TSC_KHZ == 0xAEA2, "KVM_SET_TSC_KHZ");
_Static_assert(KVM_ENABLE_CAP == 0x4068AEA3, "KVM_ENABLE_CAP");
_Static_assert(KVM_MEMORY_ENCRYPT_OP == 0xC008AEBA, "KVM_MEMORY_ENCRYPT_OP");
_Static_assert(KVM_SET_MEMORY_ATTRIBUTES == 0x4020AED2, "KVM_SET_MEMORY_ATTRIBUTES");
_Static_assert(KVM_CREATE_GUEST_MEMFD == 0xC040AED4, "KVM_CREATE_GUEST_MEMFD");
_Static_assert(KVM_SET_USER_MEMORY_REGION == 0x4020AE46, "KVM_SET_USER_MEMORY_REGION");
_Static_assert(KVM_GET_REGS == 0x8090AE81, "KVM_GET_REGS");
_Static_assert(KVM_SET_SREGS == 0x4138AE84, "KVM_SET_SREGS");
_Static_assert(KVM_TRANSLATE == 0xC018AE85, "KVM_TRANSLATE");
_Static_assert(KVM_GET_VCPU_EVENTS == 0x8040AE9F, "KVM_GET_VCPU_EVENTS");
_Static_assert(KVM_SET_VCPU_EVENTS == 0x4040AEA0, "KVM_SET_VCPU_EVENTS");
_Static_assert(sizeof(struct kvm_translation) == 24, "kvm_translation");
_Static_assert(offsetof(struct kvm_run, ex.error_code) == 36, "kvm_run.ex");
_Static_assert(sizeof(struct kvm_vcpu_events) == 64, "kvm_vcpu_events");
_Static_assert(offsetof(struct kvm_vcpu_events, flags) == 20, "kvm_vcpu_events.flags");
_Static_assert(offsetof(struct kvm_vcpu_events, exception_payload) == 56, "events.payload");

_Static_assert(sizeof(struct kvm_tdx_cmd) == 24, "kvm_tdx_cmd");
_Static_assert(offsetof(struct kvm_tdx_cmd, flags) == 4, "kvm_tdx_cmd.flags");
_Static_assert(offsetof(struct kvm_tdx_cmd, data) == 8, "kvm_tdx_cmd.data");
_Static_assert(offsetof(struct kvm_tdx_cmd, hw_error) == 16, "kvm_tdx_cmd.hw_error");
_Static_assert(sizeof(struct kvm_cpuid_entry2) == 40, "kvm_cpuid_entry2");
_Static_assert(offsetof(struct kvm_tdx_capabilities, supported_xfam) == 8, "caps.xfam");
_Static_assert(offsetof(struct kvm_tdx_capabilities, kernel_tdvmcallinfo_1_r11) == 16, "caps.k_r11");
_Static_assert(offsetof(struct kvm_tdx_capabilities, user_tdvmcallinfo_1_r11) == 24, "caps.u_r11");
_Static_assert(offsetof(struct kvm_tdx_capabilities, kernel_tdvmcallinfo_1_r12) == 32, "caps.k_r12");
_Static_assert(offsetof(struct kvm_tdx_capabilities, user_tdvmcallinfo_1_r12) == 40, "caps.u_r12");
_Static_assert(offsetof(struct kvm_tdx_capabilities, reserved) == 48, "caps.reserved");
_Static_assert(offsetof(struct kvm_tdx_capabilities, cpuid) == 2048, "caps.cpuid");
_Static_assert(offsetof(struct kvm_tdx_capabilities, cpuid.entries) == 2056, "caps.cpuid.entries");
_Static_assert(offsetof(struct kvm_tdx_init_vm, mrconfigid) == 16, "init_vm.mrconfigid");
_Static_assert(offsetof(struct kvm_tdx_init_vm, mrowner) == 64, "init_vm.mrowner");
_Static_assert(offsetof(struct kvm_tdx_init_vm, mrownerconfig) == 112, "init_vm.mrownerconfig");
_Static_assert(offsetof(struct kvm_tdx_init_vm, reserved) == 160, "init_vm.reserved");
_Static_assert(offsetof(struct kvm_tdx_init_vm, cpuid) == 256, "init_vm.cpuid");
_Static_assert(offsetof(struct kvm_tdx_init_vm, cpuid.entries) == 264, "init_vm.cpuid.entries");
_Static_assert(sizeof(struct kvm_tdx_init_mem_region) == 24, "init_mem_region");
_Static_assert(offsetof(struct kvm_tdx_init_mem_region, nr_pages) == 16, "init_mem_region.nr_pages");
_Static_assert(sizeof(struct kvm_memory_attributes) == 32, "kvm_memory_attributes");
_Static_assert(offsetof(struct kvm_memory_attributes, flags) == 24, "attributes.flags");
_Static_assert(sizeof(struct kvm_create_guest_memfd) == 64, "kvm_create_guest_memfd");
_Static_assert(sizeof(struct kvm_userspace_memory_region2) == 160, "memory_region2");
_Static_assert(offsetof(struct kvm_userspace_memory_region2, guest_memfd_offset) == 32, "region2.off");
_Static_assert(offsetof(struct kvm_userspace_memory_region2, guest_memfd) == 40, "region2.fd");
_Static_assert(offsetof(struct kvm_userspace_memory_region2, pad2) == 48, "region2.pad2");
_Static_assert(sizeof(struct kvm_userspace_memory_region) == 32, "memory_region");
_Static_assert(sizeof(struct kvm_enable_cap) == 104, "kvm_enable_cap");
_Static_assert(sizeof(struct kvm_regs) == 144, "kvm_regs");
_Static_assert(sizeof(struct kvm_segment) == 24, "kvm_segment");
_Static_assert(sizeof(struct kvm_sregs) == 312, "kvm_sregs");
_Static_assert(offsetof(struct kvm_run, exit_reason) == 8, "kvm_run.exit_reason");
_Static_assert(offsetof(struct kvm_run, io) == 32, "kvm_run exit union");
_Static_assert(sizeof(struct kvm_run) == 32 + 256, "kvm_run through the exit union");
_Static_assert(offsetof(struct kvm_run, tdx.nr) == 40, "kvm_run.tdx.nr");
_Static_assert(offsetof(struct kvm_run, tdx.get_quote.ret) == 48, "tdx.get_quote.ret");
_Static_assert(offsetof(struct kvm_run, tdx.get_quote.size) == 64, "tdx.get_quote.size");
_Static_assert(offsetof(struct kvm_run, tdx.get_tdvmcall_info.r14) == 88, "tdx.info.r14");
_Static_assert(offsetof(struct kvm_run, tdx.setup_event_notify.vector) == 56, "tdx.notify.vector");
_Static_assert(offsetof(struct kvm_run, hypercall.ret) == 88, "hypercall.ret");
_Static_assert(offsetof(struct kvm_run, hypercall.flags) == 96, "hypercall.flags");
_Static_assert(offsetof(struct kvm_run, memory_fault.gpa) == 40, "memory_fault.gpa");
_Static_assert(offsetof(struct kvm_run, system_event.ndata) == 36, "system_event.ndata");
_Static_assert(offsetof(struct kvm_run, system_event.data) == 40, "system_event.data");

#endif /* TDX_UAPI_KVM_H */
