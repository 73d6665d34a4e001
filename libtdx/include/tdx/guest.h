/* SPDX-License-Identifier: MIT */
/*
 * The guest side: a tdx_guest handle over a transport, one function per
 * TDCALL leaf of the TDX module and one per TDVMCALL sub-function, and the
 * high-level report/quote/RTMR calls built on them.
 *
 * Leaf and TDVMCALL functions are register marshallers: they put their
 * arguments into the registers the TDX ABI names, run one TDCALL through
 * the handle's transport, and decode the outputs.  Buffers are passed as
 * guest-physical addresses (GPAs), as the TDX module sees them: on the
 * "tdcall" backend those are physical addresses (identity-mapped ring-0
 * code), on the emulator they address the emulated TD's memory
 * (tdx_emu_mem_read/tdx_emu_mem_write).
 *
 * Errors: a completion status with the error bit set gives TDX_E_TDCALL
 * (TDX_E_RETRY for OPERAND_BUSY and interrupted leaves) with the raw
 * status, its name and the bad operand in tdx_error_last(); a TDVMCALL
 * that the host refused gives TDX_E_VMCALL (TDX_E_RETRY for
 * TDVMCALL_STATUS_RETRY) with R10 as hw_status.  Warning statuses (such
 * as TDX_PAGE_ALREADY_ACCEPTED) succeed; tdx_guest_last_status() shows them.
 */
#ifndef TDX_GUEST_H
#define TDX_GUEST_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

typedef struct tdx_guest tdx_guest;

/* The registers TDCALL reads and writes (RSP and RBP are never used). */
typedef struct tdx_regs {
	uint64_t rax, rcx, rdx, rbx, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
} tdx_regs;

/*
 * A transport executes one TDCALL: RAX holds the leaf and every input
 * register is set; on return the registers hold the TDX module's outputs
 * and RAX its completion status.  Return 0 when the call was made
 * (whatever its status), or a negative TDX_E_* code when it could not be.
 */
typedef int (*tdx_transport_fn)(void *ctx, tdx_regs *regs);

/*
 * Open a guest handle on a backend:
 *   "tdcall"            the TDCALL instruction, for ring-0 code (TD
 *                       firmware, kernel modules, unikernels; buffers are
 *                       identity-mapped).  Refused in a user process.
 *   "emu[:key=val,...]" a new emulated TD (keys as for tdx_emu_open's
 *                       spec, e.g. "emu:state=/tmp/td.state").
 *   "linux[:...]"       the Linux kernel interfaces (not yet available).
 *   NULL                $LIBTDX_BACKEND, else real TDX hardware; never the
 *                       emulator unless chosen explicitly.
 */
TDX_API tdx_status tdx_guest_open(tdx_guest **out, const char *backend);

/* A guest handle over a caller-supplied transport (a VMM or a test). */
TDX_API tdx_status tdx_guest_open_custom(tdx_guest **out, tdx_transport_fn fn, void *ctx);

TDX_API void tdx_guest_close(tdx_guest *g);

/* "tdcall", "emu", "custom", ...; never NULL for a valid handle. */
TDX_API const char *tdx_guest_backend_name(const tdx_guest *g);

/* The raw completion status (RAX) of the handle's last TDCALL (0, with
 * TDX_E_INVALID recorded, for NULL). */
TDX_API uint64_t tdx_guest_last_status(const tdx_guest *g);

/* ---- TDCALL leaves (TDX module ABI; guest.md §1.4, §7) ---- */

/* Output of TDG.VP.INFO (a growable struct: see TDX_OPTS). */
typedef struct tdx_vp_info {
	size_t sz;
	unsigned gpaw;            /* 48 or 52; the shared bit is 1 << (gpaw - 1) */
	uint64_t attributes;      /* TD ATTRIBUTES (TDX_TD_ATTR_*) */
	uint32_t num_vcpus;
	uint32_t max_vcpus;
	uint32_t vcpu_index;
	int sys_rd_available;     /* R10 bit 0: TDG.SYS.RD/RDALL available */
} tdx_vp_info;
TDX_API tdx_status tdx_vp_info_init(tdx_vp_info *info, size_t sz);

/* Output of TDG.VP.VEINFO.GET. */
typedef struct tdx_ve_info {
	size_t sz;
	uint32_t exit_reason;
	uint64_t exit_qualification;
	uint64_t guest_linear_address;
	uint64_t guest_physical_address;
	uint32_t instruction_length;
	uint32_t instruction_information;
} tdx_ve_info;
TDX_API tdx_status tdx_ve_info_init(tdx_ve_info *info, size_t sz);

/* Output of TDG.MEM.PAGE.ATTR.RD/WR. */
typedef struct tdx_page_attr {
	size_t sz;
	uint64_t gpa;       /* aligned to the mapping level */
	unsigned level;     /* 0 = 4 KiB, 1 = 2 MiB */
	int pending;
	uint16_t attr[4];   /* [0] L1, [1..3] L2 VM 1..3 (R W XS XU VGP PWA SSS SVE ... VALID) */
} tdx_page_attr;
TDX_API tdx_status tdx_page_attr_init(tdx_page_attr *attr, size_t sz);

/* Output of TDG.VP.ENTER when the L2 VM exits to L1 (guest.md §7.7). */
typedef struct tdx_l2_exit {
	size_t sz;
	uint32_t exit_class;             /* RAX 63:32: 0, or TDX_L2_EXIT_* class */
	uint32_t exit_reason;            /* RAX 31:0: VMX exit reason */
	uint64_t exit_qualification;     /* RCX */
	uint64_t guest_linear_address;   /* RDX */
	uint64_t cs;                     /* RSI: selector 15:0, AR 31:16, limit 63:32 */
	uint64_t cs_base;                /* RDI */
	uint64_t guest_physical_address; /* R8 */
	uint64_t interruption;           /* R9: info 31:0, error code 63:32 */
	uint64_t idt_vectoring;          /* R10: info 31:0, error code 63:32 */
	uint64_t instruction;            /* R11: info 31:0, length 63:32 */
	uint64_t additional;             /* R12: bits 1:0 L2 CPL */
	uint64_t extended_qualification; /* R13 */
} tdx_l2_exit;
TDX_API tdx_status tdx_l2_exit_init(tdx_l2_exit *e, size_t sz);

/* Page levels for PAGE.ACCEPT / ATTR.WR. */
#define TDX_PAGE_LEVEL_4K 0
#define TDX_PAGE_LEVEL_2M 1
#define TDX_PAGE_LEVEL_1G 2

/* Null metadata field id: "first field" on input, "none" on output. */
#define TDX_MD_FIELD_NULL 0xFFFFFFFFFFFFFFFFULL

/* Raw TDG.VP.VMCALL (leaf 0): regs->rcx is the register-exposure mask,
 * r10/r11 select the call; every register is updated with the outputs. */
TDX_API tdx_status tdx_tdg_vp_vmcall(tdx_guest *g, tdx_regs *regs);
/* Leaf 1. */
TDX_API tdx_status tdx_tdg_vp_info(tdx_guest *g, tdx_vp_info *info);
/* Leaf 2: RTMR[index] = SHA384(RTMR[index] || 48 bytes at data_gpa); data_gpa 64-byte aligned. */
TDX_API tdx_status tdx_tdg_mr_rtmr_extend(tdx_guest *g, uint64_t data_gpa, unsigned index);
/* Leaf 3: TDX_E_TDCALL (TDX_NO_VALID_VE_INFO) when no #VE is pending. */
TDX_API tdx_status tdx_tdg_vp_veinfo_get(tdx_guest *g, tdx_ve_info *info);
/* Leaf 4: TDREPORT (1024-byte aligned) from REPORTDATA (64-byte aligned); subtype 0. */
TDX_API tdx_status tdx_tdg_mr_report(tdx_guest *g, uint64_t report_gpa, uint64_t report_data_gpa,
				     unsigned subtype);
/* Leaf 5: bit 0 #VE on CPUID at CPL 0, bit 1 at CPL > 0. */
TDX_API tdx_status tdx_tdg_vp_cpuidve_set(tdx_guest *g, uint64_t flags);
/* Leaf 6: accept the private page at gpa (aligned to level). */
TDX_API tdx_status tdx_tdg_mem_page_accept(tdx_guest *g, uint64_t gpa, unsigned level);
/* Leaf 7: version 0 or 1; next_field_id (version 1 only) may be NULL. */
TDX_API tdx_status tdx_tdg_vm_rd(tdx_guest *g, uint64_t field_id, unsigned version, uint64_t *value,
				 uint64_t *next_field_id);
/* Leaf 8: write the bits of value selected by mask; old_value may be NULL. */
TDX_API tdx_status tdx_tdg_vm_wr(tdx_guest *g, uint64_t field_id, uint64_t value, uint64_t mask,
				 uint64_t *old_value);
/* Leaf 9. */
TDX_API tdx_status tdx_tdg_vp_rd(tdx_guest *g, uint64_t field_id, uint64_t *value,
				 uint64_t *next_field_id);
/* Leaf 10. */
TDX_API tdx_status tdx_tdg_vp_wr(tdx_guest *g, uint64_t field_id, uint64_t value, uint64_t mask,
				 uint64_t *old_value);
/* Leaf 11. */
TDX_API tdx_status tdx_tdg_sys_rd(tdx_guest *g, uint64_t field_id, uint64_t *value,
				  uint64_t *next_field_id);
/* Leaf 12: dump global metadata into the 4 KiB page at list_gpa (format:
 * guest.md §7.4); TDX_E_TDCALL with TDX_METADATA_LIST_OVERFLOW means call
 * again from *next_field_id. */
TDX_API tdx_status tdx_tdg_sys_rdall(tdx_guest *g, uint64_t list_gpa, uint64_t first_field_id,
				     uint64_t *next_field_id);
/* Leaf 18: target_uuid (4 qwords) in, and updated on TDX_TARGET_UUID_UPDATED. */
TDX_API tdx_status tdx_tdg_servtd_rd(tdx_guest *g, uint64_t binding_handle, uint64_t field_id,
				     uint64_t target_uuid[4], uint64_t *value,
				     uint64_t *next_field_id);
/* Leaf 20. */
TDX_API tdx_status tdx_tdg_servtd_wr(tdx_guest *g, uint64_t binding_handle, uint64_t field_id,
				     uint64_t target_uuid[4], uint64_t value, uint64_t mask,
				     uint64_t *old_value);
/* Leaf 22: check the MAC of the REPORTMACSTRUCT (256-byte aligned) at gpa. */
TDX_API tdx_status tdx_tdg_mr_verifyreport(tdx_guest *g, uint64_t report_mac_gpa);
/* Leaf 23. */
TDX_API tdx_status tdx_tdg_mem_page_attr_rd(tdx_guest *g, uint64_t gpa, tdx_page_attr *attr);
/* Leaf 24: attrs = four 16-bit fields (L1 ignored), flags = per-VM INVEPT
 * request bits; the resulting mapping and attributes go to *attr. */
TDX_API tdx_status tdx_tdg_mem_page_attr_wr(tdx_guest *g, uint64_t gpa, unsigned level,
					    uint64_t attrs, uint64_t flags, tdx_page_attr *attr);
/* Leaf 25: enter L2 VM vm (1..3); state_gpa 256-byte aligned guest state. */
TDX_API tdx_status tdx_tdg_vp_enter(tdx_guest *g, unsigned vm, unsigned invalidate,
				    uint64_t state_gpa, tdx_l2_exit *exit_info);
/* Leaf 26: vm_bitmap bit n = L2 VM n (bit 0 must be 0). */
TDX_API tdx_status tdx_tdg_vp_invept(tdx_guest *g, uint64_t vm_bitmap);
/* Leaf 27: control = RCX (LIST flag, VM index); *gla_info = RDX in/out. */
TDX_API tdx_status tdx_tdg_vp_invgla(tdx_guest *g, uint64_t control, uint64_t *gla_info);

/* ---- TDVMCALL sub-functions (GHCI; guest.md §2) ---- */

/* GetTdVmCallInfo: out[0..3] = R11..R14. */
TDX_API tdx_status tdx_tdvmcall_get_tdvmcall_info(tdx_guest *g, uint64_t leaf, uint64_t out[4]);
/* MapGPA: convert [gpa, gpa+size) to shared (gpa has the shared bit) or
 * private, following RETRY to completion.  On failure *done_until (may be
 * NULL) is the GPA up to which the conversion completed. */
TDX_API tdx_status tdx_tdvmcall_map_gpa(tdx_guest *g, uint64_t gpa, uint64_t size,
					uint64_t *done_until);
/* GetQuote: submit the shared buffer (header + TDREPORT); success means
 * queued: poll the buffer's status field for completion. */
TDX_API tdx_status tdx_tdvmcall_get_quote(tdx_guest *g, uint64_t shared_gpa, uint64_t size);
/* ReportFatalError: message (up to 64 bytes, may be NULL) travels in
 * registers; message_gpa (0: none) names a shared page with more text.
 * QEMU drops a report whose error_code has any of bits 15:0 set ("invalid
 * error code", tdx_handle_report_fatal_error); 0 is the GHCI's panic. */
TDX_API tdx_status tdx_tdvmcall_report_fatal_error(tdx_guest *g, uint32_t error_code,
						   const char *message, uint64_t message_gpa);
TDX_API tdx_status tdx_tdvmcall_setup_event_notify_interrupt(tdx_guest *g, unsigned vector);
/* Service (GHCI 1.5).  KVM does not serve it, WBINVD nor PCONFIG (Linux
 * tdcall_to_vmx_exit_reason, handle_tdvmcall): under KVM they fail with
 * TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED and never reach the VMM. */
TDX_API tdx_status tdx_tdvmcall_service(tdx_guest *g, uint64_t command_gpa, uint64_t response_gpa,
					unsigned vector, uint64_t timeout);
/* Instruction.CPUID: out = EAX, EBX, ECX, EDX. */
TDX_API tdx_status tdx_tdvmcall_cpuid(tdx_guest *g, uint32_t leaf, uint32_t subleaf,
				      uint32_t out[4]);
TDX_API tdx_status tdx_tdvmcall_hlt(tdx_guest *g, int interrupts_blocked);
/* Instruction.IO: size 1, 2 or 4. */
TDX_API tdx_status tdx_tdvmcall_io_read(tdx_guest *g, uint16_t port, unsigned size,
					uint32_t *value);
TDX_API tdx_status tdx_tdvmcall_io_write(tdx_guest *g, uint16_t port, unsigned size,
					 uint32_t value);
TDX_API tdx_status tdx_tdvmcall_rdmsr(tdx_guest *g, uint32_t msr, uint64_t *value);
TDX_API tdx_status tdx_tdvmcall_wrmsr(tdx_guest *g, uint32_t msr, uint64_t value);
/* #VE.RequestMMIO: size 1, 2, 4 or 8; gpa must be shared. */
TDX_API tdx_status tdx_tdvmcall_mmio_read(tdx_guest *g, uint64_t gpa, unsigned size,
					  uint64_t *value);
TDX_API tdx_status tdx_tdvmcall_mmio_write(tdx_guest *g, uint64_t gpa, unsigned size,
					   uint64_t value);
/* Instruction.WBINVD: noinvd 1 = WBNOINVD. */
TDX_API tdx_status tdx_tdvmcall_wbinvd(tdx_guest *g, int noinvd);
/* Instruction.PCONFIG: raw pass-through (R12 = leaf, R13-R15 operands;
 * out[0..4] = R11-R15).  Its GHCI register map is unconfirmed. */
TDX_API tdx_status tdx_tdvmcall_pconfig(tdx_guest *g, uint64_t leaf, uint64_t r13, uint64_t r14,
					uint64_t r15, uint64_t out[5]);

/* ---- High level: what most programs want ---- */

/* A TDREPORT for 64 bytes of report data into report (*len >= 1024;
 * *len = 1024 on return). */
TDX_API tdx_status tdx_guest_get_report(tdx_guest *g, const uint8_t *report_data,
					size_t report_data_len, uint8_t *report, size_t *len);
/* A quote for 64 bytes of report data.  *len in: capacity; out: quote
 * size (TDX_E_BUFFER_TOO_SMALL with the needed size if it did not fit).
 * On DICE-based TDX platforms the kernel's configfs-tsm outblob (over 8
 * KiB) is a CBOR Web Token, returned as it is; tdx_quote_parse names it. */
TDX_API tdx_status tdx_guest_get_quote(tdx_guest *g, const uint8_t *report_data,
				       size_t report_data_len, uint8_t *quote, size_t *len);
/* Extend RTMR index (0..3) with a 48-byte SHA-384 digest. */
TDX_API tdx_status tdx_guest_rtmr_extend(tdx_guest *g, unsigned index, const uint8_t *digest,
					 size_t digest_len);
/* Read RTMR index (0..3) into rtmr (rtmr_len must be 48): the kernel's sysfs
 * register on linux (Linux 6.16+; else from a fresh TDREPORT), a TDREPORT
 * elsewhere. */
TDX_API tdx_status tdx_guest_rtmr_read(tdx_guest *g, unsigned index, uint8_t *rtmr,
				       size_t rtmr_len);
/* The TD's CC event log (the CCEL log area, for tdx_eventlog_parse).  *len
 * in: capacity; out: size (TDX_E_BUFFER_TOO_SMALL with the size needed).
 * linux: /sys/firmware/acpi/tables/data/CCEL, at most 64 MiB (a larger
 * one is TDX_E_NOT_SUPPORTED); the emulator has none. */
TDX_API tdx_status tdx_guest_get_eventlog(tdx_guest *g, uint8_t *log, size_t *len);

/* What a guest handle can do here (a growable output struct). */
typedef struct tdx_guest_caps {
	size_t sz;
	int tdcall;        /* TDCALL leaves (tdx_tdg_*, tdx_tdvmcall_*) */
	int report;        /* tdx_guest_get_report */
	int quote;         /* tdx_guest_get_quote */
	int rtmr_read;     /* tdx_guest_rtmr_read */
	int rtmr_extend;   /* tdx_guest_rtmr_extend */
	int eventlog;      /* tdx_guest_get_eventlog */
	char detail[512];  /* for each missing one, why, in words */
} tdx_guest_caps;
TDX_API tdx_status tdx_guest_caps_init(tdx_guest_caps *caps, size_t sz);
TDX_API tdx_status tdx_guest_capabilities(tdx_guest *g, tdx_guest_caps *caps);

/* Check a TDREPORT: its reserved bytes, its TEE_TCB_INFO and TDINFO hashes,
 * and its MAC with TDG.MR.VERIFYREPORT (TDX_E_VERIFY if any fails). */
TDX_API tdx_status tdx_guest_verify_report(tdx_guest *g, const uint8_t *report, size_t len);

TDX_END_DECLS

#endif /* TDX_GUEST_H */
