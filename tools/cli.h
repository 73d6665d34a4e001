/* SPDX-License-Identifier: MIT */
/* Shared pieces of the tdx tool's subcommands. */
#ifndef TDX_TOOLS_CLI_H
#define TDX_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <tdx/tdx.h>

#define QUOTE_BUF_MAX (64 * 1024)

typedef struct cli {
	int json;
	const char *backend; /* --backend SPEC, else LIBTDX_BACKEND, else NULL */
	int argc;            /* the subcommand's own arguments */
	char **argv;
} cli;

/* Print the library's last error for `what`; returns the exit status 1. */
int cli_fail(const char *what);
/* Print a usage error for `cmd`; returns the exit status 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse exactly n bytes of hex; 0 on success. */
int cli_unhex(const char *hex, uint8_t *out, size_t n);
void cli_print_hex(const uint8_t *p, size_t n);
/* Read a whole file (malloc'd; NULL with a message on failure). */
uint8_t *cli_read_file(const char *path, size_t *len);
int cli_write_file(const char *path, const uint8_t *p, size_t n);

/* Guest commands (cmd_guest.c). */
int cmd_report(const cli *c);
int cmd_quote(const cli *c);
int cmd_rtmr(const cli *c);
int cmd_vp_info(const cli *c);

/* Host commands (cmd_host.c). */
int cmd_host(const cli *c);
int cmd_launch(const cli *c);
int cmd_demo(const cli *c);

/* The tool's VMM side of a TD (cmd_host.c): GetQuote served by the emulated
 * quoting enclave, the event-notification vector and fatal errors recorded. */
typedef struct cli_vmm {
	tdx_vm *vm;
	int verbose;                /* print each exit */
	int quotes;                 /* GetQuotes served */
	uint8_t report[1024];       /* the last GetQuote's TDREPORT */
	uint8_t *quote;             /* the last quote (malloc'd; free it) */
	size_t quote_len;
	unsigned notify_vector;     /* SetupEventNotifyInterrupt's vector */
	int fatal;                  /* ReportFatalErrors seen */
	uint64_t fatal_code;
	char fatal_message[65];
} cli_vmm;
void cli_vmm_handler(void *ctx, tdx_vcpu *vcpu, tdx_exit *e);
/* The demo's checks of a TD's report and quote (cmd_host.c); the failures. */
int cli_demo_verify(const uint8_t predicted[48], const uint8_t mrtd[48], const uint8_t *report,
		    const uint8_t *quote, size_t quote_len, const uint8_t data[64],
		    const uint8_t digest[48], int quotes);

/* Quote verification (cmd_verify.c). */
int cmd_verify(const cli *c);
int cmd_emu(const cli *c);

/* TD-in-a-box (cmd_box.c). */
int cmd_selftest(const cli *c);
int cmd_demo_kvm(const cli *c);

/* Measurement (cmd_measure.c). */
int cmd_measure(const cli *c);

/* CC event log (cmd_eventlog.c). */
int cmd_eventlog(const cli *c);

#endif
