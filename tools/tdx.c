/* SPDX-License-Identifier: MIT */
/*
 * tdx: the libtdx command-line tool.  Each subcommand is a thin front end
 * over public library calls; on failure it prints the library's message
 * and exits non-zero.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

#include "cli.h"
#include "json.h"

typedef struct command {
	const char *name;
	int (*run)(const cli *c);
	const char *summary;
	const char *usage;
	int max_args; /* positional arguments accepted; -1: any */
} command;

int cli_fail(const char *what)
{
	const tdx_error *e = tdx_error_last();

	fprintf(stderr, "tdx: %s: %s (%s)\n", what, e->message, tdx_strerror(e->code));
	return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tdx %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see tdx %s --help)\n", cmd);
	return 2;
}

int cli_unhex(const char *hex, uint8_t *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

void cli_print_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

uint8_t *cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f) {
		fprintf(stderr, "tdx: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		fprintf(stderr, "tdx: cannot read %s\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int cli_write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		fprintf(stderr, "tdx: cannot write %s: %s\n", path, strerror(errno));
	return ok ? 0 : 1;
}

static int cmd_version(const cli *c)
{
	int major, minor, patch;

	tdx_version(&major, &minor, &patch);
	if (c->json) {
		json j;

		json_begin(&j, stdout);
		json_string(&j, "version", tdx_version_string());
		json_int(&j, "major", major);
		json_int(&j, "minor", minor);
		json_int(&j, "patch", patch);
		json_string(&j, "headers", TDX_VERSION_STRING);
		json_end(&j);
	} else {
		printf("libtdx %s (tdx tool built with headers %s)\n", tdx_version_string(),
		       TDX_VERSION_STRING);
	}
	return 0;
}

static int cmd_info(const cli *c)
{
	TDX_OPTS(tdx_machine_info, m);
	TDX_OPTS(tdx_guest_caps, caps);
	char linux_detail[1024];
	tdx_guest *g = NULL;
	int linux_ok;

	if (tdx_machine_probe(&m))
		return cli_fail("probing this machine");
	/* What a process in this TD gets from the kernel (the linux backend). */
	linux_ok = tdx_guest_open(&g, "linux") == TDX_OK && tdx_guest_capabilities(g, &caps) == 0;
	snprintf(linux_detail, sizeof(linux_detail), "%s",
		 linux_ok ? caps.detail : tdx_error_last()->message);
	tdx_guest_close(g);
	if (c->json) {
		json j;

		json_begin(&j, stdout);
		json_string(&j, "libtdx", tdx_version_string());
		json_string(&j, "backend", c->backend);
		json_object_open(&j, "guest");
		json_object_open(&j, "tdx_guest_device");
		json_string(&j, "path", "/dev/tdx_guest");
		json_bool(&j, "available", m.guest_device);
		json_string(&j, "detail", m.guest_device_detail);
		json_object_close(&j);
		json_object_open(&j, "configfs_tsm");
		json_string(&j, "path", "/sys/kernel/config/tsm/report");
		json_bool(&j, "available", m.configfs_tsm);
		json_string(&j, "detail", m.configfs_tsm_detail);
		json_object_close(&j);
		json_object_open(&j, "linux_backend");
		json_bool(&j, "available", linux_ok);
		json_bool(&j, "report", caps.report);
		json_bool(&j, "quote", caps.quote);
		json_bool(&j, "rtmr_read", caps.rtmr_read);
		json_bool(&j, "rtmr_extend", caps.rtmr_extend);
		json_bool(&j, "eventlog", caps.eventlog);
		json_string(&j, "detail", linux_detail);
		json_object_close(&j);
		json_object_close(&j);
		json_object_open(&j, "host");
		json_object_open(&j, "kvm");
		json_string(&j, "path", "/dev/kvm");
		json_bool(&j, "available", m.kvm);
		json_int(&j, "api_version", m.kvm_api_version);
		json_uint(&j, "vm_types", m.kvm_vm_types);
		json_bool(&j, "tdx", m.kvm_tdx);
		json_string(&j, "detail", m.kvm_detail);
		json_object_close(&j);
		json_object_close(&j);
		json_end(&j);
	} else {
		printf("libtdx %s\n", tdx_version_string());
		printf("backend: %s\n", c->backend ? c->backend : "(none chosen: real hardware only)");
		printf("guest:\n  %s\n  %s\n  linux backend: %s\n", m.guest_device_detail,
		       m.configfs_tsm_detail, linux_ok ? "available" : "not available");
		printf("    %s\n", linux_detail);
		printf("host:\n  %s\n", m.kvm_detail);
	}
	return 0;
}

static const command commands[] = {
	{ "version", cmd_version, "print the library version",
	  "usage: tdx [--json] version\n\nPrint the version of the loaded libtdx.\n", 0 },
	{ "info", cmd_info, "show what this machine offers for TDX",
	  "usage: tdx [--json] info\n\n"
	  "Probe /dev/tdx_guest, configfs-tsm and /dev/kvm (with its VM types) and say\n"
	  "for each what is there and, if not, why and what to do.\n", 0 },
	{ "report", cmd_report, "get, or parse, a TDREPORT",
	  "usage: tdx [--backend SPEC] report [--data HEX64] [--json | --out FILE]\n"
	  "       tdx report --parse FILE [--json]\n\n"
	  "Get a TDREPORT for 64 bytes of report data (128 hex digits; default zeros)\n"
	  "and print it as hex, as JSON, or write it to FILE; or parse a saved one.\n", -1 },
	{ "quote", cmd_quote, "get, or parse, a TD quote",
	  "usage: tdx [--backend SPEC] quote [--data HEX64] --out FILE\n"
	  "       tdx quote --parse FILE [--json]\n\n"
	  "Get a quote for 64 bytes of report data (128 hex digits; default zeros) and\n"
	  "write it to FILE; or parse a saved quote (v4 or v5).\n", -1 },
	{ "verify", cmd_verify, "verify a quote offline (signatures, PCK chain, CRLs, TCB status)",
	  "usage: tdx [--json] verify QUOTE [--collateral FILE.json] [--root PEM] [--crl FILE ...]\n"
	  "                  [--at RFC3339] [--accept STATUS,...] [--require-collateral]\n"
	  "                  [--require-crls]\n\n"
	  "Verify QUOTE's signature chain to the Intel SGX Root CA (or the --root\n"
	  "certificates, which replace it), the CRLs (--crl, PEM or DER, and the\n"
	  "collateral's), and with --collateral (Intel PCS v4 collateral as JSON, with\n"
	  "tcb_info, qe_identity, their signatures and issuer chains, pck_crl and\n"
	  "root_ca_crl) the QE identity, TDX module and TCB level.  --at verifies at that\n"
	  "time (default now).  Prints each step, the TCB status, advisory IDs and an\n"
	  "explanation; exit 0 only when every step passes and the TCB status is one\n"
	  "--accept lists (default UpToDate).\n", -1 },
	{ "emu", cmd_emu, "the emulator's root CA and collateral, to verify its quotes",
	  "usage: tdx [--backend emu[:...]] emu root [--out FILE]\n"
	  "       tdx [--backend emu[:...]] emu collateral [--revoke-pck] [--out-of-date] [--out FILE]\n\n"
	  "Print the emulator's test root CA (PEM; trust it with tdx verify --root) or\n"
	  "its collateral (JSON for tdx verify --collateral).  --revoke-pck lists this\n"
	  "platform's PCK certificate on the PCK CRL (use emu:state=FILE so that quotes\n"
	  "and collateral come from one platform); --out-of-date adds a newer TCB level\n"
	  "the platform does not reach.  Never Intel's: the default root refuses them.\n", -1 },
	{ "rtmr", cmd_rtmr, "extend an RTMR",
	  "usage: tdx [--backend SPEC] rtmr extend INDEX HEX48\n\n"
	  "Extend RTMR INDEX (0..3) with a SHA-384 digest (96 hex digits).\n", -1 },
	{ "host", cmd_host, "probe the host's KVM for TDX",
	  "usage: tdx [--backend SPEC] [--json] host probe\n\n"
	  "Show what the host's KVM offers: API version, VM types, TDX (with the\n"
	  "reason when absent), guest_memfd, private memory, MapGPA exits.\n", -1 },
	{ "launch", cmd_launch, "build a TD from a payload and print its MRTD",
	  "usage: tdx --backend SPEC [--json] launch --payload FILE\n\n"
	  "Create, initialise and finalize a TD whose initial image is FILE (placed\n"
	  "just below 4 GiB, measured), then print its MRTD and check it against\n"
	  "the offline prediction.  SPEC: emu, or kvm on a TDX host.\n", -1 },
	{ "selftest", cmd_selftest, "run guest code that executes TDCALL in a VM (TD-in-a-box)",
	  "usage: tdx [--json] selftest --kvm [--emit DIR] [--quote-out FILE] [--report-out FILE]\n\n"
	  "Run libtdx's freestanding guest payload in a VM on /dev/kvm whose TDCALLs\n"
	  "are answered by the emulated TDX module (host backend kvm:emulate-tdx): every\n"
	  "TDCALL leaf and TDVMCALL, success and failure cases, then the host's checks\n"
	  "(MRTD = offline prediction, RTMR extend in the next report, GetQuote through\n"
	  "a shared buffer).  Prints each case and `N passed, M failed`; exit 0 when all\n"
	  "pass, 77 when /dev/kvm is absent.  --emit writes the payload layout\n"
	  "(payload.bin at 0x100000, reset.bin at 0xFFFFF000) for `tdx measure`;\n"
	  "--quote-out and --report-out save the guest's quote and TDREPORT.\n", -1 },
	{ "demo", cmd_demo, "the end-to-end tour on an emulated TDX host",
	  "usage: tdx demo [--kvm]\n\n"
	  "Predict an MRTD offline, build that TD on an emulated TDX host, then from\n"
	  "inside it extend an RTMR and get a report and a quote (GetQuote goes\n"
	  "through KVM_EXIT_TDX to a host handler), and check the MRTD matches.\n"
	  "--kvm: the TD's guest side is real code executing TDCALL in a VM on\n"
	  "/dev/kvm, answered by the emulated TDX module (TD-in-a-box).\n", -1 },
	{ "vp-info", cmd_vp_info, "show TDG.VP.INFO",
	  "usage: tdx [--backend SPEC] [--json] vp-info\n\n"
	  "Show the TD's GPAW, attributes, vCPU count and this vCPU's index.\n", 0 },
	{ "measure", cmd_measure, "predict an MRTD",
	  "usage: tdx [--json] measure --region GPA:FILE[:extend] [--region ...] [--two-pass]\n"
	  "       tdx [--json] measure --tdvf IMAGE [--two-pass]\n\n"
	  "Predict the MRTD of a TD.  Each --region places FILE's bytes at GPA (4 KiB\n"
	  "aligned; 0x-prefixed hex or decimal) on whole pages (the size rounded up to\n"
	  "4 KiB), adds them with PAGE.ADD and, with :extend, measures their content with\n"
	  "MR.EXTEND, in the order given.  --tdvf measures a TDX firmware image (OVMF or\n"
	  "td-shim) as its TDVF metadata says.  Pages are added and extended one at a\n"
	  "time, as mainline KVM does; --two-pass adds all pages of a region first and\n"
	  "extends them afterwards, as QEMU 8.x-era stacks did.  Prints `mrtd: HEX`;\n"
	  "--json adds the order and the regions or the firmware's sections.\n", -1 },
	{ "eventlog", cmd_eventlog, "parse, replay and check the CC event log",
	  "usage: tdx [--json] eventlog [--file LOG] [--replay] [--check QUOTE_OR_REPORT]\n\n"
	  "Parse the CC event log (CCEL) in LOG, by default " "/sys/firmware/acpi/tables/data/CCEL,\n"
	  "and list its events.  --replay prints the RTMRs it replays to.  --check\n"
	  "compares them with the RTMRs of a 1024-byte TDREPORT or a TD quote, printing\n"
	  "match or MISMATCH with both values per register; the exit status is 0 only\n"
	  "when all four match.  --json prints the parsed log (or the check) as JSON.\n", -1 },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: tdx [--json] [--backend SPEC] COMMAND [ARGS]\n\n"
		     "Global options:\n"
		     "  --json          machine-readable output\n"
		     "  --backend SPEC  backend to use, e.g. emu, linux, kvm (default:\n"
		     "                  $LIBTDX_BACKEND, else real hardware; never the emulator)\n"
		     "  -h, --help      this help; `tdx COMMAND --help` for a command\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	cli c = { .backend = getenv("LIBTDX_BACKEND") };
	const command *cmd = NULL;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int help = 0, rc;

	if (!rest) {
		fprintf(stderr, "tdx: out of memory\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			c.json = 1;
		} else if (!strcmp(a, "--backend")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tdx: --backend needs a SPEC (e.g. --backend emu)\n");
				free(rest);
				return 2;
			}
			c.backend = argv[++i];
		} else if (!strncmp(a, "--backend=", 10)) {
			c.backend = a + 10;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			help = 1;
		} else if (!cmd && a[0] != '-') {
			for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
				if (!strcmp(a, commands[k].name))
					cmd = &commands[k];
			if (!cmd) {
				fprintf(stderr, "tdx: unknown command '%s'\n\n", a);
				usage(stderr);
				free(rest);
				return 2;
			}
		} else if (cmd) {
			rest[c.argc++] = argv[i];
		} else {
			fprintf(stderr, "tdx: unknown option '%s'\n\n", a);
			usage(stderr);
			free(rest);
			return 2;
		}
	}
	c.argv = rest;
	if (!cmd) {
		usage(help ? stdout : stderr);
		free(rest);
		return help ? 0 : 2;
	}
	if (help) {
		fputs(cmd->usage, stdout);
		free(rest);
		return 0;
	}
	if (cmd->max_args >= 0 && c.argc > cmd->max_args) {
		fprintf(stderr, "tdx %s: unexpected argument '%s'\n\n%s", cmd->name, c.argv[0],
			cmd->usage);
		free(rest);
		return 2;
	}
	rc = cmd->run(&c);
	free(rest);
	return rc;
}
