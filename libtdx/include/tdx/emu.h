/* SPDX-License-Identifier: MIT */
/*
 * tdx_emu: a software TDX platform.  It holds one emulated TD: a TDX module
 * (every guest TDCALL leaf, with the module's status codes, over real
 * state: RTMRs, page states, metadata, #VE info, L2 attributes), a host
 * model answering TDVMCALLs (CPUID, a small device model for IO/MSR/MMIO,
 * MapGPA, GetQuote through an emulated quoting enclave), and the TD's
 * memory.  docs/emulator.md lists what is modelled and what is not.
 *
 * Evidence it produces is marked as emulated: TDREPORTs carry the
 * emulator's own MRSEAM and quotes are signed under the emulator's test
 * root CA (tdx_emu_root_ca_pem), never under Intel's.
 *
 * The emulator is only ever used when chosen explicitly.
 */
#ifndef TDX_EMU_H
#define TDX_EMU_H

#include <tdx/common.h>
#include <tdx/guest.h>

TDX_BEGIN_DECLS

typedef struct tdx_emu tdx_emu;

/*
 * The emulated TD's configuration: a growable struct (TDX_OPTS or
 * tdx_emu_config_init).  Zero means "the default" for every field.
 */
typedef struct tdx_emu_config {
	size_t sz;
	unsigned module_version;  /* 10 = TDX 1.0, 15 = TDX 1.5 (default) */
	uint64_t attributes;      /* TD ATTRIBUTES (default SEPT_VE_DISABLE) */
	uint64_t xfam;            /* default 0x602e7 (as on real TDs) */
	uint8_t mrtd[48];         /* default: SHA-384 of "libtdx emulated TD" */
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	unsigned gpaw;            /* 48 (default) or 52 */
	unsigned num_vcpus;       /* default 1 */
	unsigned vcpu_index;      /* the caller's vCPU, < num_vcpus */
	unsigned num_l2_vms;      /* 0..3, TDX 1.5 only */
	uint64_t mem_size;        /* private memory at GPA 0 (default 64 MiB) */
	uint64_t accepted_size;   /* of which accepted from GPA 0 (default 32 MiB) */
	int servtd;               /* 1: a service TD bound to one target TD */
	char state_file[1024];    /* persist across processes ("": none) */
} tdx_emu_config;

#define tdx_emu_config__last_field state_file

TDX_API tdx_status tdx_emu_config_init(tdx_emu_config *cfg, size_t sz);

/*
 * Fill cfg from a spec string "key=value,..." (the part after "emu:" in a
 * backend spec).  Keys: module=1.0|1.5, attributes=HEX, xfam=HEX,
 * mrtd=HEX48, mrconfigid=HEX48, mrowner=HEX48, mrownerconfig=HEX48,
 * gpaw=48|52, vcpus=N, vcpu=I, l2=N, mem=SIZE, accepted=SIZE (K/M/G
 * suffixes), servtd=0|1, state=FILE.  Keys not given keep their value.
 */
TDX_API tdx_status tdx_emu_config_parse(tdx_emu_config *cfg, const char *spec);

/*
 * Open an emulated TD (cfg NULL: all defaults).  With a state file that
 * exists, the TD is loaded from it (a corrupt or foreign file is refused
 * and left untouched; configuration fields that are set must match it);
 * the state is saved atomically (write, then rename) on close.
 */
TDX_API tdx_status tdx_emu_open(tdx_emu **out, const tdx_emu_config *cfg);
TDX_API void tdx_emu_close(tdx_emu *emu);

/* A guest handle whose TDCALLs this emulator answers (the emulator stays
 * alive until both are closed). */
TDX_API tdx_status tdx_emu_guest(tdx_emu *emu, tdx_guest **out);

/* The TD's memory as the host sees it (private or shared GPAs; the shared
 * bit is ignored).  Fails for ranges outside the TD's memory. */
TDX_API tdx_status tdx_emu_mem_read(tdx_emu *emu, uint64_t gpa, void *buf, size_t len);
TDX_API tdx_status tdx_emu_mem_write(tdx_emu *emu, uint64_t gpa, const void *buf, size_t len);

/* Make a #VE pending, as a VM exit the module would reflect to the TD,
 * for TDG.VP.VEINFO.GET to return. */
TDX_API tdx_status tdx_emu_inject_ve(tdx_emu *emu, const tdx_ve_info *ve);

/* What the host model recorded: the last ReportFatalError (code and the
 * message, NUL-terminated into buf of *len bytes) ... */
TDX_API tdx_status tdx_emu_fatal_error(tdx_emu *emu, uint64_t *error_code, char *message,
				       size_t *len);
/* ... the event-notify vector (0: none) and how often it was raised ... */
TDX_API tdx_status tdx_emu_event_notify(tdx_emu *emu, unsigned *vector, uint64_t *raised);
/* ... and the bytes the TD wrote to the emulated serial port (COM1). */
TDX_API tdx_status tdx_emu_console(tdx_emu *emu, char *buf, size_t *len);

/*
 * The emulated quoting enclave as a host-side quote service (what a VMM's
 * GetQuote handler calls): a quote for `report` (a TDREPORT made by this
 * platform's TDX module; others are refused with TDX_E_VERIFY), v5 for a
 * TDX 1.5 platform, v4 for 1.0.  *len in: capacity of quote; out: its size
 * (TDX_E_BUFFER_TOO_SMALL with the size needed).
 */
TDX_API tdx_status tdx_emu_quote(tdx_emu *emu, const uint8_t *report, size_t report_len,
				 uint8_t *quote, size_t *len);

/* PEM of the emulator's test root CA: trust it explicitly to verify
 * emulated quotes.  Borrowed; valid until tdx_emu_close. */
TDX_API const char *tdx_emu_root_ca_pem(tdx_emu *emu);

/*
 * The collateral Intel's PCS would serve for this emulated platform, in
 * the form tdx_verify_opts.collateral takes (<tdx/verify.h>): TCB Info and
 * QE Identity signed by the emulator's TCB Signing certificate, the root CA
 * and PCK CRLs, their issuer chains; all under tdx_emu_root_ca_pem, so the
 * emulator's quotes verify end to end only when that root is trusted
 * explicitly.  Valid from 2020 to 2049.  flags: TDX_EMU_COLLATERAL_REVOKE_PCK
 * lists this platform's PCK certificate on the PCK CRL (to test
 * revocation); TDX_EMU_COLLATERAL_OUT_OF_DATE adds a newer TCB level this
 * platform does not reach, so its own is OutOfDate (with an advisory ID).  NUL-terminated JSON into buf; *len in: buf's size, out: the
 * size needed (TDX_E_BUFFER_TOO_SMALL when it did not fit).
 */
#define TDX_EMU_COLLATERAL_REVOKE_PCK 1u
#define TDX_EMU_COLLATERAL_OUT_OF_DATE 2u
TDX_API tdx_status tdx_emu_collateral(tdx_emu *emu, unsigned flags, char *buf, size_t *len);

TDX_END_DECLS

#endif /* TDX_EMU_H */
