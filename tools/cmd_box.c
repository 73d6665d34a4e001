/* SPDX-License-Identifier: MIT */
/*
 * tdx selftest --kvm | demo --kvm: TD-in-a-box (docs/td-in-a-box.md).  The
 * payload (tools/payload, built into this tool) runs in a VM on /dev/kvm
 * as a TD would, its TDCALLs answered by libtdx's emulated TDX module
 * (host backend "kvm:emulate-tdx").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "cli.h"
#include "json.h"

#define MAX_RUNS 100000 /* tdx_vcpu_run calls before giving up */

/* A launched payload and what the tool's VMM saw of it. */
typedef struct boxed {
	box b;
	cli_vmm vmm;
	unsigned hlt_exits;
} boxed;

static void boxed_close(boxed *x)
{
	box_close(&x->b);
	free(x->vmm.quote);
	memset(x, 0, sizeof(*x));
}

/* Skipped (77) without /dev/kvm, saying why. */
static int kvm_missing(const char *cmd)
{
	const char *why = box_kvm_missing();

	if (why)
		fprintf(stderr, "tdx %s: skipped: TD-in-a-box needs /dev/kvm (%s)\n", cmd, why);
	return why != NULL;
}

static int boxed_launch(boxed *x, uint64_t rcx, int verbose)
{
	const char *step;

	memset(x, 0, sizeof(*x));
	if (box_launch(&x->b, rcx, verbose, &step))
		return cli_fail(step);
	x->vmm.vm = x->b.vm;
	x->vmm.verbose = verbose;
	tdx_vm_set_exit_handler(x->b.vm, cli_vmm_handler, &x->vmm);
	return 0;
}

/* Run until the payload prints a line starting with "done" (its HLTs and
 * its test of ReportFatalError in between resume).  0, or 1 with a message. */
static int boxed_run(boxed *x, const char *cmd)
{
	TDX_OPTS(tdx_exit, e);

	for (unsigned i = 0; i < MAX_RUNS; i++) {
		const char *con;

		if (tdx_vcpu_run(x->b.vcpu, &e))
			return cli_fail("running the TD (KVM_RUN)");
		if (e.reason == TDX_EXIT_FATAL)
			continue; /* recorded by the handler; the payload goes on */
		if (e.reason != TDX_EXIT_HLT) {
			fprintf(stderr, "tdx %s: the TD stopped with exit %d (KVM exit %u, subtype %u)\n",
				cmd, e.reason, e.kvm_exit_reason, e.subtype);
			return 1;
		}
		x->hlt_exits++;
		con = box_console(&x->b);
		if (!strncmp(con, "done", 4) || strstr(con, "\ndone"))
			return 0;
	}
	fprintf(stderr, "tdx %s: the payload did not finish\n", cmd);
	return 1;
}

/* ---- tdx selftest --kvm ---- */

/* What the payload's case names must cover: every leaf and TDVMCALL. */
static const char *const leaves[] = {
	"tdg.vp.vmcall", "tdg.vp.info", "tdg.mr.rtmr.extend", "tdg.vp.veinfo.get",
	"tdg.mr.report", "tdg.vp.cpuidve.set", "tdg.mem.page.accept", "tdg.vm.rd",
	"tdg.vm.wr", "tdg.vp.rd", "tdg.vp.wr", "tdg.sys.rd", "tdg.sys.rdall",
	"tdg.servtd.rd", "tdg.servtd.wr", "tdg.mr.verifyreport", "tdg.mem.page.attr.rd",
	"tdg.mem.page.attr.wr", "tdg.vp.enter", "tdg.vp.invept", "tdg.vp.invgla",
};
static const char *const tdvmcalls[] = {
	"tdvmcall gettdvmcallinfo", "tdvmcall mapgpa", "tdvmcall getquote",
	"tdvmcall reportfatalerror", "tdvmcall setupeventnotifyinterrupt", "tdvmcall service",
	"tdvmcall cpuid", "tdvmcall hlt", "tdvmcall io read", "tdvmcall io write",
	"tdvmcall rdmsr", "tdvmcall wrmsr", "tdvmcall mmio read", "tdvmcall mmio write",
	"tdvmcall wbinvd", "tdvmcall pconfig",
};

typedef struct results {
	json j;
	int json;
	unsigned passed, failed;
	char covered_text[8192]; /* the case names seen, one per line */
	size_t covered_len;
} results;

static void record(results *r, const char *name, int ok, const char *detail)
{
	size_t n = strlen(name);

	if (ok)
		r->passed++;
	else
		r->failed++;
	if (r->covered_len + n + 2 < sizeof(r->covered_text)) {
		memcpy(r->covered_text + r->covered_len, name, n);
		r->covered_len += n;
		r->covered_text[r->covered_len++] = '\n';
		r->covered_text[r->covered_len] = '\0';
	}
	if (r->json) {
		json_object_open(&r->j, NULL);
		json_string(&r->j, "name", name);
		json_bool(&r->j, "ok", ok);
		if (detail && *detail)
			json_string(&r->j, "detail", detail);
		json_object_close(&r->j);
	} else {
		printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", name, detail && *detail ? ": " : "",
		       detail ? detail : "");
	}
}

/* The guest's lines: "ok NAME" or "FAIL NAME rc=.. status=..". */
static void guest_results(results *r, const char *text)
{
	char console[8192];

	snprintf(console, sizeof(console), "%s", text);
	for (char *line = strtok(console, "\n"); line; line = strtok(NULL, "\n")) {
		char name[160];
		const char *detail;

		if (!strncmp(line, "ok ", 3)) {
			snprintf(name, sizeof(name), "guest: %s", line + 3);
			record(r, name, 1, NULL);
		} else if (!strncmp(line, "FAIL ", 5)) {
			detail = strstr(line, " rc=");
			snprintf(name, sizeof(name), "guest: %.*s",
				 (int)(detail ? detail - line - 5 : (long)strlen(line + 5)), line + 5);
			record(r, name, 0, detail ? detail + 1 : "");
		}
	}
}

static unsigned coverage(const results *r, const char *const *names, size_t n, char *missing,
			 size_t cap)
{
	unsigned found = 0;

	missing[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char pattern[64];

		snprintf(pattern, sizeof(pattern), "guest: %s", names[i]);
		if (strstr(r->covered_text, pattern))
			found++;
		else if (strlen(missing) + strlen(names[i]) + 2 < cap)
			strcat(strcat(missing, missing[0] ? ", " : ""), names[i]);
	}
	return found;
}

/* The host's side of the cases: what it saw of the guest's actions. */
static void host_results(results *r, boxed *x, const uint8_t predicted[48])
{
	uint8_t rtmr2[48] = { 0 }, digest[48];
	tdx_report *rep = NULL;
	tdx_quote *q = NULL;
	char missing[512], detail[600];
	unsigned n;

	record(r, "host: MRTD = offline prediction of the payload layout",
	       !memcmp(x->b.mrtd, predicted, 48), NULL);
	record(r, "host: GetQuote reached the host handler (KVM_EXIT_TDX)", x->vmm.quotes == 1,
	       NULL);
	if (!tdx_report_parse(&rep, x->vmm.report, sizeof(x->vmm.report))) {
		record(r, "host: the guest's TDREPORT has the MRTD", !memcmp(tdx_report_mrtd(rep), x->b.mrtd, 48),
		       NULL);
		memset(digest, 0x5A, sizeof(digest));
		tdx_measure_rtmr_extend(rtmr2, digest, 48);
		record(r, "host: the guest's RTMR2 extend is in its next TDREPORT",
		       !memcmp(tdx_report_rtmr(rep, 2), rtmr2, 48), NULL);
	} else {
		record(r, "host: the guest's TDREPORT parses", 0, tdx_error_last()->message);
	}
	if (x->vmm.quote && !tdx_quote_parse(&q, x->vmm.quote, x->vmm.quote_len) && rep) {
		int same = !memcmp(tdx_quote_mrtd(q), tdx_report_mrtd(rep), 48) &&
			   !memcmp(tdx_quote_report_data(q), tdx_report_report_data(rep), 64);

		for (unsigned i = 0; i < 4; i++)
			same &= !memcmp(tdx_quote_rtmr(q, i), tdx_report_rtmr(rep, i), 48);
		record(r, "host: the quote parses and its body is the guest's TDREPORT", same, NULL);
	} else {
		record(r, "host: the quote parses", 0, x->vmm.quote ? tdx_error_last()->message : "no quote");
	}
	record(r, "host: SetupEventNotifyInterrupt reached the host handler (vector 0x40)",
	       x->vmm.notify_vector == 0x40, NULL);
	record(r, "host: ReportFatalError reached the host handler",
	       x->vmm.fatal == 1 && x->vmm.fatal_code == 0x1234 &&
		       !strncmp(x->vmm.fatal_message, "libtdx selftest: fatal-error case", 33),
	       x->vmm.fatal_message);
	record(r, "host: TDVMCALL<HLT> stopped KVM_RUN with KVM_EXIT_HLT", x->hlt_exits >= 2, NULL);
	n = coverage(r, leaves, sizeof(leaves) / sizeof(leaves[0]), missing, sizeof(missing));
	snprintf(detail, sizeof(detail), "%u of %zu%s%s", n, sizeof(leaves) / sizeof(leaves[0]),
		 *missing ? "; missing " : "", missing);
	record(r, "host: every TDCALL leaf ran", n == sizeof(leaves) / sizeof(leaves[0]), detail);
	n = coverage(r, tdvmcalls, sizeof(tdvmcalls) / sizeof(tdvmcalls[0]), missing, sizeof(missing));
	snprintf(detail, sizeof(detail), "%u of %zu%s%s", n, sizeof(tdvmcalls) / sizeof(tdvmcalls[0]),
		 *missing ? "; missing " : "", missing);
	record(r, "host: every TDVMCALL ran", n == sizeof(tdvmcalls) / sizeof(tdvmcalls[0]), detail);
	tdx_quote_free(q);
	tdx_report_free(rep);
}

/* --emit DIR: the payload's layout as files, for `tdx measure`. */
static int emit(const char *dir)
{
	char path[4096];
	size_t len;
	const uint8_t *p = box_payload(&len);

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/payload.bin", dir);
	if (cli_write_file(path, p, len))
		return 1;
	snprintf(path, sizeof(path), "%s/reset.bin", dir);
	return cli_write_file(path, box_reset_page(), 4096);
}

int cmd_selftest(const cli *c)
{
	const char *emit_dir = NULL, *quote_out = NULL, *report_out = NULL;
	uint8_t predicted[48];
	results r = { .json = c->json };
	int kvm = 0, rc;
	boxed x;

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (!strcmp(a, "--kvm"))
			kvm = 1;
		else if ((!strcmp(a, "--emit") || !strcmp(a, "--quote-out") ||
			  !strcmp(a, "--report-out")) && i + 1 < c->argc)
			*(!strcmp(a, "--emit") ? &emit_dir : !strcmp(a, "--quote-out") ? &quote_out
											 : &report_out) =
				c->argv[++i];
		else
			return cli_usage_error("selftest", "unexpected argument '%s'", a);
	}
	if (!kvm)
		return cli_usage_error("selftest", "say where to run it: --kvm (a VM on /dev/kvm with "
				       "the emulated TDX module)");
	if (emit_dir && emit(emit_dir))
		return 1;
	if (kvm_missing("selftest"))
		return 77;
	if (box_predict(predicted))
		return cli_fail("predicting the payload's MRTD");
	if (boxed_launch(&x, BOX_SELFTEST, 0))
		return 1;
	rc = boxed_run(&x, "selftest");
	if (c->json) {
		json_begin(&r.j, stdout);
		json_hex(&r.j, "mrtd", x.b.mrtd, 48);
		json_hex(&r.j, "predicted_mrtd", predicted, 48);
		json_array_open(&r.j, "cases");
	}
	guest_results(&r, box_console(&x.b));
	host_results(&r, &x, predicted);
	if (quote_out && x.vmm.quote && cli_write_file(quote_out, x.vmm.quote, x.vmm.quote_len))
		rc = 1;
	if (report_out && cli_write_file(report_out, x.vmm.report, sizeof(x.vmm.report)))
		rc = 1;
	if (c->json) {
		json_array_close(&r.j);
		json_uint(&r.j, "passed", r.passed);
		json_uint(&r.j, "failed", r.failed);
		json_end(&r.j);
	} else {
		printf("%u passed, %u failed\n", r.passed, r.failed);
	}
	boxed_close(&x);
	return rc || r.failed ? 1 : 0;
}

/* ---- tdx demo --kvm ---- */

int cmd_demo_kvm(const cli *c)
{
	uint8_t predicted[48], data[64] = { 0 }, digest[48];
	int fails = 0;
	size_t len;
	boxed x;

	(void)c;
	box_payload(&len);
	if (kvm_missing("demo --kvm"))
		return 77;
	printf("== 1. Predict the TD's MRTD offline from the payload layout (%zu bytes at 1 MiB,\n"
	       "      the reset vector's page at 4 GiB - 4 KiB)\n", len);
	if (box_predict(predicted))
		return cli_fail("predicting the MRTD");
	printf("verifier: predicted MRTD ");
	cli_print_hex(predicted, 48);
	printf("\n\n== 2. Build the TD: a VM on /dev/kvm whose TDX module is libtdx's emulator\n");
	if (boxed_launch(&x, BOX_DEMO, 1))
		return 1;
	printf("host:  the TD's MRTD is ");
	cli_print_hex(x.b.mrtd, 48);
	printf("\n\n== 3. Run it: the guest code executes TDCALL; KVM stops on each and the\n"
	       "      emulated module answers\n");
	x.vmm.verbose = 1;
	fails += boxed_run(&x, "demo");
	fputs(box_console(&x.b), stdout);
	memcpy(data, "nonce from the verifier", 23);
	memset(digest, 0xab, sizeof(digest));
	if (!fails)
		fails += cli_demo_verify(predicted, x.b.mrtd, x.vmm.report, x.vmm.quote,
					 x.vmm.quote_len, data, digest, x.vmm.quotes);
	boxed_close(&x);
	printf("\n%s\n", fails ? "demo FAILED" : "demo passed");
	return fails ? 1 : 0;
}
