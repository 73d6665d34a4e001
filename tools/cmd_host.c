/* SPDX-License-Identifier: MIT */
/* tdx host probe | launch | demo: front ends over the host API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

#include "cli.h"
#include "json.h"

#define PAGE 4096u
#define FOUR_GIB 0x100000000ULL
#define TD_RAM (64ULL << 20) /* the emulated TD's memory (mem=64M, the default) */

int cmd_host(const cli *c)
{
	TDX_OPTS(tdx_host_info, info);
	tdx_host *h;

	if (c->argc != 1 || strcmp(c->argv[0], "probe"))
		return cli_usage_error("host", "expected: host probe");
	if (tdx_host_open(&h, c->backend))
		return cli_fail("opening the host");
	if (tdx_host_probe(h, &info)) {
		tdx_host_close(h);
		return cli_fail("probing the host");
	}
	if (c->json) {
		json j;

		json_begin(&j, stdout);
		json_string(&j, "backend", tdx_host_backend_name(h));
		json_int(&j, "api_version", info.api_version);
		json_uint(&j, "vm_types", info.vm_types);
		json_bool(&j, "tdx", info.tdx);
		json_string(&j, "tdx_detail", info.tdx_detail);
		json_int(&j, "max_vcpus", info.max_vcpus);
		json_bool(&j, "guest_memfd", info.guest_memfd);
		json_bool(&j, "user_memory2", info.user_memory2);
		json_uint(&j, "memory_attributes", info.memory_attributes);
		json_uint(&j, "exit_hypercall", info.exit_hypercall);
		json_end(&j);
	} else {
		printf("backend:           %s\nKVM API version:   %d\nVM types:          0x%llx\n"
		       "TDX:               %s\nmax vCPUs:         %u\nguest_memfd:       %s\n"
		       "private memory:    %s\nMapGPA exits:      %s\n",
		       tdx_host_backend_name(h), info.api_version,
		       (unsigned long long)info.vm_types, info.tdx_detail, info.max_vcpus,
		       info.guest_memfd ? "yes" : "no",
		       info.memory_attributes & 8 ? "yes" : "no",
		       info.exit_hypercall & (1u << 12) ? "yes" : "no");
	}
	tdx_host_close(h);
	return 0;
}

/* A TD launched from an image placed just below 4 GiB (where firmware goes). */
typedef struct launched {
	tdx_host *host;
	tdx_vm *vm;
	tdx_vcpu *vcpu;
	uint64_t gpa;
	uint64_t npages;
} launched;

static void launch_close(launched *l)
{
	tdx_vcpu_close(l->vcpu);
	tdx_vm_close(l->vm);
	tdx_host_close(l->host);
	memset(l, 0, sizeof(*l));
}

static int launch(const char *backend, const uint8_t *image, size_t len, int verbose, launched *l)
{
	uint8_t *pages;
	int rc;

	memset(l, 0, sizeof(*l));
	l->npages = (len + PAGE - 1) / PAGE;
	l->gpa = FOUR_GIB - l->npages * PAGE;
	pages = aligned_alloc(PAGE, l->npages * PAGE);
	if (!pages) {
		fprintf(stderr, "tdx: out of memory\n");
		return 1;
	}
	memset(pages, 0, l->npages * PAGE);
	memcpy(pages, image, len);
#define STEP(what, call)                                                     \
	do {                                                                 \
		if (verbose)                                                 \
			printf("host:  %s\n", what);                         \
		if ((call)) {                                                \
			rc = cli_fail(what);                                 \
			goto out;                                            \
		}                                                            \
	} while (0)
	rc = 0;
	STEP("open the host (KVM)", tdx_host_open(&l->host, backend));
	STEP("create the VM (KVM_CREATE_VM type TDX, split irqchip, MapGPA exits)",
	     tdx_vm_create(&l->vm, l->host, NULL));
	STEP("initialise the TD (KVM_TDX_INIT_VM: attributes, XFAM, CPUID)",
	     tdx_vm_init(l->vm, NULL));
	STEP("add private memory for the image (guest_memfd, marked private)",
	     tdx_vm_add_private_memory(l->vm, l->gpa, l->npages * PAGE));
	STEP("add the TD's RAM at GPA 0 (private; what it shares is seen through it)",
	     tdx_vm_add_private_memory(l->vm, 0, TD_RAM));
	STEP("create vCPU 0", tdx_vcpu_create(&l->vcpu, l->vm));
	STEP("initialise vCPU 0 (KVM_SET_CPUID2 with x2APIC, KVM_TDX_INIT_VCPU)",
	     tdx_vcpu_init(l->vcpu, 0));
	STEP("copy and measure the image (KVM_TDX_INIT_MEM_REGION: PAGE.ADD + MR.EXTEND)",
	     tdx_vm_init_mem_region(l->vcpu, pages, l->gpa, l->npages, 1));
	STEP("finalize (KVM_TDX_FINALIZE_VM: the MRTD is sealed)", tdx_vm_finalize(l->vm));
#undef STEP
out:
	free(pages);
	if (rc)
		launch_close(l);
	return rc;
}

/* The MRTD predicted offline from the image alone (what a verifier does). */
static int predict(const uint8_t *image, size_t len, uint64_t gpa, uint8_t mrtd[48])
{
	tdx_mrtd *m;
	int rc = tdx_mrtd_new(&m);

	if (!rc)
		rc = tdx_mrtd_add_region(m, gpa, (len + PAGE - 1) / PAGE, image, len,
					 TDX_MEASURE_EXTEND);
	if (!rc)
		rc = tdx_mrtd_finalize(m, mrtd);
	tdx_mrtd_free(m);
	return rc;
}

int cmd_launch(const cli *c)
{
	const char *payload = NULL;
	uint8_t *image, mrtd[48], predicted[48];
	size_t len = 0;
	launched l;
	int rc;

	for (int i = 0; i < c->argc; i++) {
		if (!strcmp(c->argv[i], "--payload") && i + 1 < c->argc)
			payload = c->argv[++i];
		else
			return cli_usage_error("launch", "unexpected argument '%s'", c->argv[i]);
	}
	if (!payload)
		return cli_usage_error("launch", "--payload FILE is required");
	image = cli_read_file(payload, &len);
	if (!image)
		return 1;
	if (!len) {
		free(image);
		return cli_usage_error("launch", "the payload %s is empty", payload);
	}
	rc = launch(c->backend, image, len, !c->json, &l);
	if (!rc && (tdx_vm_mrtd(l.vm, mrtd) || predict(image, len, l.gpa, predicted)))
		rc = cli_fail("measuring");
	if (!rc && c->json) {
		json j;
		char hex[97];

		for (int i = 0; i < 48; i++)
			snprintf(hex + 2 * i, 3, "%02x", mrtd[i]);
		json_begin(&j, stdout);
		json_string(&j, "mrtd", hex);
		json_uint(&j, "gpa", l.gpa);
		json_uint(&j, "pages", l.npages);
		json_bool(&j, "matches_prediction", !memcmp(mrtd, predicted, 48));
		json_end(&j);
	} else if (!rc) {
		printf("mrtd: ");
		cli_print_hex(mrtd, 48);
		printf("\n");
	}
	if (!rc && memcmp(mrtd, predicted, 48)) {
		fprintf(stderr, "tdx launch: the TD's MRTD differs from the offline prediction\n");
		rc = 1;
	}
	if (!rc)
		launch_close(&l);
	free(image);
	return rc;
}

/* ---- the demo ---- */

/*
 * The tool's VMM side of a TD: MapGPA shown, GetQuote served by the
 * emulated quoting enclave (KVM_EXIT_TDX -> the shared buffer), the event
 * notification vector and a fatal error recorded.
 */
void cli_vmm_handler(void *ctx, tdx_vcpu *vcpu, tdx_exit *e)
{
	cli_vmm *d = ctx;
	uint8_t hdr[24], *quote;
	uint64_t gpa = e->tdvmcall_args[0], size = e->tdvmcall_args[1], status;
	size_t qlen;
	uint32_t out_len;

	(void)vcpu;
	if (e->reason == TDX_EXIT_MAP_GPA) {
		if (d->verbose)
			printf("host:  KVM_EXIT_HYPERCALL MapGPA [0x%llx, +0x%llx) to %s: converted\n",
			       (unsigned long long)e->gpa, (unsigned long long)e->size,
			       e->to_private ? "private" : "shared");
		return;
	}
	if (e->reason == TDX_EXIT_FATAL) {
		d->fatal++;
		d->fatal_code = e->error_code;
		memcpy(d->fatal_message, e->message, sizeof(d->fatal_message));
		return;
	}
	if (e->reason != TDX_EXIT_TDVMCALL)
		return;
	if (e->tdvmcall_nr == TDX_TDVMCALL_SETUP_EVENT_NOTIFY) {
		d->notify_vector = (unsigned)e->tdvmcall_args[0];
		e->tdvmcall_ret = 0;
		return;
	}
	if (e->tdvmcall_nr != TDX_TDVMCALL_GET_QUOTE)
		return;
	if (d->verbose)
		printf("host:  KVM_EXIT_TDX GetQuote: shared buffer at GPA 0x%llx, %llu bytes\n",
		       (unsigned long long)gpa, (unsigned long long)size);
	quote = malloc(QUOTE_BUF_MAX);
	qlen = size > 24 ? size - 24 : 0;
	if (!quote || tdx_vm_read(d->vm, gpa, hdr, sizeof(hdr)) ||
	    tdx_vm_read(d->vm, gpa + 24, d->report, sizeof(d->report)) ||
	    tdx_emu_quote(tdx_vm_emu(d->vm), d->report, sizeof(d->report), quote, &qlen)) {
		printf("host:  the quoting enclave failed: %s\n", tdx_error_last()->message);
		status = 0x8000000000000000ULL; /* GET_QUOTE_ERROR */
		out_len = 0;
		free(quote);
	} else {
		status = 0;
		out_len = (uint32_t)qlen;
		tdx_vm_write(d->vm, gpa + 24, quote, qlen);
		d->quotes++;
		free(d->quote);
		d->quote = quote;
		d->quote_len = qlen;
		if (d->verbose)
			printf("host:  the quoting enclave signed a %zu-byte quote into the buffer\n",
			       qlen);
	}
	/* The header last, as QEMU does: out_len, then the status. */
	tdx_vm_write(d->vm, gpa + 20, &out_len, 4);
	tdx_vm_write(d->vm, gpa + 8, &status, 8);
	e->tdvmcall_ret = 0; /* TDVMCALL_STATUS_SUCCESS: queued (here: done) */
}

static int demo_check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "  ok: " : "FAIL: ", what);
	return ok ? 0 : 1;
}

/* The demo's step 4, for both hosts: check the TD's report and quote as a
 * verifier would.  Returns the number of failed checks. */
int cli_demo_verify(const uint8_t predicted[48], const uint8_t mrtd[48], const uint8_t *report,
		    const uint8_t *quote, size_t quote_len, const uint8_t data[64],
		    const uint8_t digest[48], int quotes)
{
	uint8_t want[48] = { 0 };
	tdx_report *r = NULL;
	tdx_quote *q = NULL;
	int fails = 0;

	printf("\n== 4. Check, as a verifier would\n");
	if (tdx_report_parse(&r, report, 1024) || !quote || tdx_quote_parse(&q, quote, quote_len)) {
		fails += cli_fail(r ? "parsing the quote" : "parsing the report");
		goto out;
	}
	printf("report MRTD:     ");
	cli_print_hex(tdx_report_mrtd(r), 48);
	printf("\npredicted MRTD:  ");
	cli_print_hex(predicted, 48);
	printf("\n");
	fails += demo_check(!memcmp(tdx_report_mrtd(r), predicted, 48),
			    "MRTD prediction = report MRTD");
	fails += demo_check(!memcmp(tdx_report_mrtd(r), mrtd, 48), "report MRTD = the host's MRTD");
	fails += demo_check(!memcmp(tdx_report_report_data(r), data, 64),
			    "the report carries the nonce");
	tdx_measure_rtmr_extend(want, digest, 48);
	fails += demo_check(!memcmp(tdx_report_rtmr(r, 2), want, 48),
			    "RTMR2 = SHA384(0^48 || ab..ab)");
	printf("quote: version %d, body type %d, %zu bytes; MRTD ", tdx_quote_version(q),
	       tdx_quote_body_type(q), tdx_quote_size(q));
	cli_print_hex(tdx_quote_mrtd(q), 48);
	printf("\n");
	fails += demo_check(quotes == 1, "the quote came through KVM_EXIT_TDX to the host handler");
	fails += demo_check(!memcmp(tdx_quote_mrtd(q), predicted, 48), "quote MRTD = prediction");
	fails += demo_check(!memcmp(tdx_quote_rtmr(q, 2), tdx_report_rtmr(r, 2), 48) &&
				    !memcmp(tdx_quote_report_data(q), data, 64),
			    "quote body = the TD's report (RTMR2, nonce)");
	printf("note: this quote is signed under libtdx's emulator test root, never Intel's.\n");
out:
	tdx_quote_free(q);
	tdx_report_free(r);
	return fails;
}

int cmd_demo(const cli *c)
{
	/* The "firmware": a few pages a TD would boot from. */
	static const char text[] = "libtdx demo payload: this page is measured into MRTD\n";
	uint8_t image[3 * PAGE], predicted[48], mrtd[48], data[64], digest[48], report[1024];
	uint8_t *quote = NULL;
	size_t rlen = sizeof(report), qlen = QUOTE_BUF_MAX;
	cli_vmm d = { .verbose = 1 };
	tdx_guest *g = NULL;
	launched l;
	int fails = 0;

	for (int i = 0; i < c->argc; i++) {
		if (!strcmp(c->argv[i], "--kvm"))
			return cmd_demo_kvm(c);
		return cli_usage_error("demo", "unexpected argument '%s'", c->argv[i]);
	}
	memset(image, 0, sizeof(image));
	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 31 + 7);
	memcpy(image, text, sizeof(text));

	printf("== 1. Predict the TD's MRTD offline from the image (%zu bytes at 4 GiB - %zu)\n",
	       sizeof(image), sizeof(image));
	if (predict(image, sizeof(image), FOUR_GIB - sizeof(image), predicted))
		return cli_fail("predicting the MRTD");
	printf("verifier: predicted MRTD ");
	cli_print_hex(predicted, 48);
	printf("\n\n== 2. Build the TD on an emulated TDX host (the same KVM ioctls as a real one)\n");
	if (launch("emu", image, sizeof(image), 1, &l))
		return 1;
	d.vm = l.vm;
	tdx_vm_set_exit_handler(l.vm, cli_vmm_handler, &d);
	tdx_vm_mrtd(l.vm, mrtd);
	printf("host:  the TD's MRTD is ");
	cli_print_hex(mrtd, 48);
	printf("\n\n== 3. Inside the TD: extend RTMR2, get a TDREPORT and a quote\n");
	if (tdx_vm_guest(l.vm, &g)) {
		fails += cli_fail("getting the TD's guest side");
		goto out;
	}
	memset(digest, 0xab, sizeof(digest));
	memset(data, 0, sizeof(data));
	memcpy(data, "nonce from the verifier", 23);
	printf("guest: TDG.MR.RTMR.EXTEND RTMR2 with ab..ab\n");
	if (tdx_guest_rtmr_extend(g, 2, digest, sizeof(digest)))
		fails += cli_fail("extending RTMR2");
	printf("guest: TDG.MR.REPORT with the verifier's nonce as report data\n");
	if (tdx_guest_get_report(g, data, sizeof(data), report, &rlen)) {
		fails += cli_fail("getting the report");
		goto out;
	}
	printf("guest: GetQuote: MapGPA the buffer to shared, TDVMCALL GetQuote, wait\n");
	quote = malloc(QUOTE_BUF_MAX);
	if (!quote || tdx_guest_get_quote(g, data, sizeof(data), quote, &qlen)) {
		fails += cli_fail("getting the quote");
		goto out;
	}
	fails += cli_demo_verify(predicted, mrtd, report, quote, qlen, data, digest, d.quotes);
out:
	free(quote);
	free(d.quote);
	tdx_guest_close(g);
	launch_close(&l);
	printf("\n%s\n", fails ? "demo FAILED" : "demo passed");
	return fails ? 1 : 0;
}
