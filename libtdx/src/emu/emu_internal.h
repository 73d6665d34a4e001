/* SPDX-License-Identifier: MIT */
/*
 * The software TDX platform's private state.  module.c is the TDX module
 * (TDCALL leaves), metadata.c its metadata tables, vmm.c the host model
 * answering TDVMCALLs, qe.c the quoting enclave, emu.c the object, its
 * memory and its persistence.
 */
#ifndef TDX_EMU_INTERNAL_H
#define TDX_EMU_INTERNAL_H

#include <pthread.h>

#include "../internal.h"
#include "../layout.h"
#include "qe.h"

#define EMU_PAGE 4096ULL
#define EMU_2M (2ULL << 20)
#define EMU_MAX_L2 3

/* Per-4K-page state of the TD's memory (the Secure-EPT view). */
enum emu_page_state { PAGE_PENDING = 0, PAGE_ACCEPTED = 1, PAGE_SHARED = 2 };

/*
 * A host that takes over part of the platform (the emulated KVM):
 *   vmcall  answers a TDVMCALL: EMU_HOOK_DONE (answered), EMU_HOOK_PASS
 *           (the host model answers), EMU_HOOK_DEFER (the host must run
 *           first: the TDCALL leaves the registers alone and is executed
 *           again later, as a vCPU re-enters after an exit);
 *   accept  before TDG.MEM.PAGE.ACCEPT of [gpa, gpa+size): EMU_HOOK_PASS
 *           or EMU_HOOK_DEFER (the host's memory is not private there yet);
 *   shared  the host's memory behind a shared GPA range, or NULL.
 * Any hook may be NULL.  They run with the emulator's lock held.
 */
enum { EMU_HOOK_PASS = 0, EMU_HOOK_DONE = 1, EMU_HOOK_DEFER = 2 };
typedef struct tdx__emu_host {
	int (*vmcall)(void *ctx, tdx_regs *regs);
	int (*accept)(void *ctx, uint64_t gpa, uint64_t size);
	uint8_t *(*shared)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
} tdx__emu_host;

/* The TD (and platform) state that persists in a state file. */
typedef struct emu_td {
	/* measurement */
	uint8_t rtmr[RTMR_COUNT][SHA384_SIZE];
	/* TD-scope metadata the guest can change */
	uint64_t notify_enables;
	uint64_t td_ctls;
	/* vCPU-scope metadata (the calling vCPU) */
	uint8_t cpuid_supervisor_ve;
	uint8_t cpuid_user_ve;
	uint8_t cpuid_control[128];
	uint64_t l2_ctls[EMU_MAX_L2 + 1];
	uint64_t l2_tsc_deadline[EMU_MAX_L2 + 1];
	uint64_t l2_guest_rip[EMU_MAX_L2 + 1];
	uint64_t l2_vapic_gpa[EMU_MAX_L2 + 1];
	/* service-TD view of the bound target TD */
	uint64_t target_uuid[4];
	uint64_t target_pre_import_uuid[4];
	uint16_t target_mig_version;
	uint64_t target_mig_dec_key[4];
	/* the platform's identity: derives the report MAC key and QE keys */
	uint8_t seed[32];
} emu_td;

struct tdx_emu {
	pthread_mutex_t lock; /* serialises every TDCALL and accessor */
	pthread_mutex_t stage_lock; /* the scratch area's user (tdx__emu_stage) */
	int refs;             /* the emu handle plus each guest handle */
	tdx_emu_config cfg;
	emu_td td;
	uint64_t config_flags; /* CONFIG_FLAGS (read-only; GPAW bit) */
	uint8_t mrseam[SHA384_SIZE];
	uint8_t cpusvn[16];
	uint8_t mac_key[32];
	/* memory: cfg.mem_size bytes at GPA 0, with per-page state */
	uint8_t *mem;
	uint64_t mem_size;
	uint8_t *page_state;  /* per 4K page: enum emu_page_state */
	uint8_t *map_2m;      /* per 2M chunk: 1 = mapped as one 2M page */
	uint16_t (*l2_attr)[EMU_MAX_L2]; /* per 4K page: L2 VM 1..3 attributes */
	/* #VE info for TDG.VP.VEINFO.GET */
	int ve_valid;
	tdx_ve_info ve;
	/* host model */
	tdx__qe *qe;
	uint64_t fatal_code;
	char fatal_message[4097];
	int fatal;
	unsigned notify_vector;
	uint64_t notify_raised;
	char console[4096];
	size_t console_len;
	uint32_t post_code;
	uint64_t msr_tsc_deadline;
	uint8_t mmio[4096];
	uint64_t hlt_count;
	/* A host that takes over (the emulated KVM); see tdx__emu_host. */
	tdx__emu_host host;
	int deferred; /* the TDCALL in progress waits for the host */
	/* persistence */
	int lock_fd;
};

/* Install (or, with NULL, remove) the host hooks of this TD. */
void tdx__emu_set_host(struct tdx_emu *e, const tdx__emu_host *host);

/* TDX module ABI bits the emulator needs. */
#define TDX_SUCCESS 0x0000000000000000ULL
#define TDX_OPERAND_INVALID 0xC000010000000000ULL
#define TDX_OPERAND_BUSY 0x8000020000000000ULL
#define TDX_NO_VALID_VE_INFO 0xC000070400000000ULL
#define TDX_EPT_WALK_FAILED 0xC0000B0000000000ULL
#define TDX_PAGE_ALREADY_ACCEPTED 0x00000B0A00000000ULL
#define TDX_PAGE_SIZE_MISMATCH 0xC0000B0B00000000ULL
#define TDX_L2_SEPT_WALK_FAILED 0xC0000B0F00000000ULL
#define TDX_PAGE_ATTR_INVALID 0xC0000B1100000000ULL
#define TDX_METADATA_FIELD_ID_INCORRECT 0xC0000C0000000000ULL
#define TDX_METADATA_FIELD_NOT_WRITABLE 0xC0000C0100000000ULL
#define TDX_METADATA_FIELD_NOT_READABLE 0xC0000C0200000000ULL
#define TDX_METADATA_FIELD_VALUE_NOT_VALID 0xC0000C0300000000ULL
#define TDX_METADATA_LIST_OVERFLOW 0xC0000C0400000000ULL
#define TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT 0x00000C0B00000000ULL
#define TDX_SERVTD_NOT_BOUND 0xC0000D0500000000ULL
#define TDX_TARGET_UUID_MISMATCH 0xC0000D0700000000ULL
#define TDX_TARGET_UUID_UPDATED 0xC0000D0800000000ULL
#define TDX_INVALID_CPUSVN 0xC000100000000000ULL
#define TDX_INVALID_REPORTMACSTRUCT 0xC000100100000000ULL
#define TDX_PENDING_INTERRUPT 0x0000112000000000ULL
#define TDX_GLA_NOT_CANONICAL 0xC000116000000000ULL
/* Operand ids (low 32 bits). */
#define OP_RAX 0
#define OP_RCX 1
#define OP_RDX 2
#define OP_R8 8
#define OP_L2_VAPIC_GPA 170

#define TDVMCALL_SUCCESS 0x0ULL
#define TDVMCALL_RETRY 0x1ULL
#define TDVMCALL_INVALID_OPERAND 0x8000000000000000ULL
#define TDVMCALL_GPA_INUSE 0x8000000000000001ULL
#define TDVMCALL_ALIGN_ERROR 0x8000000000000002ULL
#define TDVMCALL_SUBFUNC_UNSUPPORTED 0x8000000000000003ULL

/* The emulated platform constants. */
#define EMU_MMIO_BASE 0xFEB00000ULL /* a 4 KiB register file (shared GPA) */
#define EMU_COM1 0x3F8
#define EMU_POST_PORT 0x80

static inline uint64_t emu_shared_bit(const struct tdx_emu *e)
{
	return 1ULL << (e->cfg.gpaw - 1);
}

/* emu.c: the emulator's transport: one TDCALL under the emulator's lock. */
int tdx__emu_transport(void *ctx, tdx_regs *regs);
/* emu.c: hold (1) or let go (0) of the TD's scratch area, for one
 * high-level call's write-call-read sequence (guest ops' stage). */
void tdx__emu_stage(struct tdx_emu *e, int hold);
/* emu.c: one TDCALL under the lock: TDX_OK; 1 if it was deferred (regs
 * untouched); a TDX_E_* error if its change could not be saved to the
 * state file (the change stays in memory). */
int tdx__emu_execute(struct tdx_emu *e, tdx_regs *regs);
/* module.c: one TDCALL (caller holds the lock); 1 if deferred. */
int tdx__emu_tdcall(struct tdx_emu *e, tdx_regs *r);
/* vmm.c: the host's answer to a TDVMCALL (exposed registers only); 1 if
 * the host deferred it. */
int tdx__emu_vmm(struct tdx_emu *e, tdx_regs *r);
/* metadata.c */
uint64_t tdx__md_vm_rd(struct tdx_emu *e, tdx_regs *r, int version);
uint64_t tdx__md_vm_wr(struct tdx_emu *e, tdx_regs *r);
uint64_t tdx__md_vp_rd(struct tdx_emu *e, tdx_regs *r);
uint64_t tdx__md_vp_wr(struct tdx_emu *e, tdx_regs *r);
uint64_t tdx__md_sys_rd(struct tdx_emu *e, tdx_regs *r);
uint64_t tdx__md_sys_rdall(struct tdx_emu *e, tdx_regs *r);
uint64_t tdx__md_servtd(struct tdx_emu *e, tdx_regs *r, int write);
/* emu.c: memory as the module sees it (GPA without the shared bit). */
uint8_t *tdx__emu_mem(struct tdx_emu *e, uint64_t gpa, uint64_t len);
uint8_t *tdx__emu_page_state(struct tdx_emu *e, uint64_t gpa);
/* Build the TDREPORT for report_data into out (module.c). */
void tdx__emu_make_report(struct tdx_emu *e, const uint8_t *report_data, uint8_t *out);
/* Was this TDREPORT made by this platform's module, unaltered (MAC and
 * both hashes)?  What a quoting enclave checks before signing (module.c). */
int tdx__emu_report_genuine(const struct tdx_emu *e, const uint8_t *report);
/* HMAC over a REPORTMACSTRUCT's MAC'd bytes (module.c). */
int tdx__emu_report_mac(const struct tdx_emu *e, const uint8_t *mac_struct, uint8_t out[32]);

#endif
