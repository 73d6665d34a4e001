/* SPDX-License-Identifier: MIT */
/* tdx report | quote | rtmr | vp-info: front ends over the guest API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

#include "cli.h"
#include "json.h"

#define QUOTE_MAX (64 * 1024)

/* Options shared by report and quote. */
typedef struct guest_opts {
	uint8_t data[64];
	const char *out;
	const char *parse;
} guest_opts;

static int parse_guest_opts(const char *cmd, const cli *c, guest_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];

		if ((!strcmp(a, "--data") || !strcmp(a, "--out") || !strcmp(a, "--parse")) &&
		    i + 1 >= c->argc)
			return cli_usage_error(cmd, "%s needs a value", a);
		if (!strcmp(a, "--data")) {
			if (cli_unhex(c->argv[++i], o->data, sizeof(o->data)))
				return cli_usage_error(cmd, "--data needs 128 hex digits (64 bytes)");
		} else if (!strcmp(a, "--out")) {
			o->out = c->argv[++i];
		} else if (!strcmp(a, "--parse")) {
			o->parse = c->argv[++i];
		} else {
			return cli_usage_error(cmd, "unexpected argument '%s'", a);
		}
	}
	return 0;
}

static int open_guest(const cli *c, tdx_guest **g)
{
	if (tdx_guest_open(g, c->backend))
		return cli_fail("opening the TD");
	return 0;
}

/* Print a library object's JSON (the *_to_json size protocol). */
static int print_json(tdx_status (*to_json)(const void *, char *, size_t *), const void *obj)
{
	size_t len = 0;
	char *buf;

	if (to_json(obj, NULL, &len) != TDX_E_BUFFER_TOO_SMALL)
		return cli_fail("formatting JSON");
	buf = malloc(len);
	if (!buf || to_json(obj, buf, &len)) {
		free(buf);
		return cli_fail("formatting JSON");
	}
	puts(buf);
	free(buf);
	return 0;
}

static tdx_status report_json(const void *r, char *buf, size_t *len)
{
	return tdx_report_to_json(r, buf, len);
}

static tdx_status quote_json(const void *q, char *buf, size_t *len)
{
	return tdx_quote_to_json(q, buf, len);
}

static int show_report(const cli *c, const uint8_t *buf, size_t len)
{
	tdx_report *r;
	int rc;

	if (tdx_report_parse(&r, buf, len))
		return cli_fail("parsing the report");
	if (c->json) {
		rc = print_json(report_json, r);
	} else {
		printf("mrtd:        ");
		cli_print_hex(tdx_report_mrtd(r), 48);
		for (unsigned i = 0; i < 4; i++) {
			printf("\nrtmr%u:       ", i);
			cli_print_hex(tdx_report_rtmr(r, i), 48);
		}
		printf("\nreport_data: ");
		cli_print_hex(tdx_report_report_data(r), 64);
		printf("\nattributes:  %016llx\nxfam:        %016llx\nmrseam:      ",
		       (unsigned long long)tdx_report_attributes(r),
		       (unsigned long long)tdx_report_xfam(r));
		cli_print_hex(tdx_report_mrseam(r), 48);
		printf("\n");
		rc = 0;
	}
	tdx_report_free(r);
	return rc;
}

/* --parse FILE: show what FILE holds instead of asking the guest. */
static int show_file(const cli *c, const char *path,
		     int (*show)(const cli *c, const uint8_t *buf, size_t len))
{
	size_t len = 0;
	uint8_t *buf = cli_read_file(path, &len);
	int rc;

	if (!buf)
		return 1;
	rc = show(c, buf, len);
	free(buf);
	return rc;
}

int cmd_report(const cli *c)
{
	guest_opts o;
	tdx_guest *g;
	uint8_t report[TDX_REPORT_SIZE];
	size_t len = sizeof(report);
	int rc = parse_guest_opts("report", c, &o);

	if (rc)
		return rc;
	if (o.parse)
		return show_file(c, o.parse, show_report);
	if (open_guest(c, &g))
		return 1;
	rc = tdx_guest_get_report(g, o.data, sizeof(o.data), report, &len);
	tdx_guest_close(g);
	if (rc)
		return cli_fail("getting a report");
	if (o.out)
		return cli_write_file(o.out, report, len);
	if (c->json)
		return show_report(c, report, len);
	cli_print_hex(report, len);
	printf("\n");
	return 0;
}

static int show_quote(const cli *c, const uint8_t *buf, size_t len)
{
	tdx_quote *q;
	int rc = 0;

	if (tdx_quote_parse(&q, buf, len))
		return cli_fail("parsing the quote");
	if (c->json) {
		rc = print_json(quote_json, q);
	} else {
		printf("version:     %d (body type %d, %zu bytes; %zu trailing)\nmrtd:        ",
		       tdx_quote_version(q), tdx_quote_body_type(q), tdx_quote_size(q),
		       tdx_quote_trailing_bytes(q));
		cli_print_hex(tdx_quote_mrtd(q), 48);
		for (unsigned i = 0; i < 4; i++) {
			printf("\nrtmr%u:       ", i);
			cli_print_hex(tdx_quote_rtmr(q, i), 48);
		}
		printf("\nreport_data: ");
		cli_print_hex(tdx_quote_report_data(q), 64);
		printf("\nmrseam:      ");
		cli_print_hex(tdx_quote_mrseam(q), 48);
		printf("\n");
	}
	tdx_quote_free(q);
	return rc;
}

int cmd_quote(const cli *c)
{
	guest_opts o;
	tdx_guest *g;
	uint8_t *quote;
	size_t len = QUOTE_MAX;
	int rc = parse_guest_opts("quote", c, &o);

	if (rc)
		return rc;
	if (o.parse)
		return show_file(c, o.parse, show_quote);
	if (!o.out)
		return cli_usage_error("quote", "--out FILE is required (a quote is binary)");
	quote = malloc(QUOTE_MAX);
	if (!quote)
		return cli_usage_error("quote", "out of memory");
	if (open_guest(c, &g)) {
		free(quote);
		return 1;
	}
	rc = tdx_guest_get_quote(g, o.data, sizeof(o.data), quote, &len);
	tdx_guest_close(g);
	if (rc) {
		free(quote);
		return cli_fail("getting a quote");
	}
	rc = cli_write_file(o.out, quote, len);
	free(quote);
	return rc;
}

int cmd_rtmr(const cli *c)
{
	uint8_t digest[48];
	tdx_guest *g;
	char *end;
	unsigned long index;
	int rc;

	if (c->argc != 3 || strcmp(c->argv[0], "extend"))
		return cli_usage_error("rtmr", "expected: rtmr extend INDEX HEX48");
	index = strtoul(c->argv[1], &end, 10);
	if (*end || end == c->argv[1] || index > 3)
		return cli_usage_error("rtmr", "INDEX must be 0..3");
	if (cli_unhex(c->argv[2], digest, sizeof(digest)))
		return cli_usage_error("rtmr", "the digest needs 96 hex digits (48 bytes)");
	if (open_guest(c, &g))
		return 1;
	rc = tdx_guest_rtmr_extend(g, (unsigned)index, digest, sizeof(digest));
	tdx_guest_close(g);
	return rc ? cli_fail("extending the RTMR") : 0;
}

int cmd_vp_info(const cli *c)
{
	TDX_OPTS(tdx_vp_info, info);
	tdx_guest *g;
	int rc;

	if (open_guest(c, &g))
		return 1;
	rc = tdx_tdg_vp_info(g, &info);
	tdx_guest_close(g);
	if (rc)
		return cli_fail("TDG.VP.INFO");
	if (c->json) {
		json j;

		json_begin(&j, stdout);
		json_int(&j, "gpaw", info.gpaw);
		json_uint(&j, "attributes", info.attributes);
		json_int(&j, "num_vcpus", info.num_vcpus);
		json_int(&j, "max_vcpus", info.max_vcpus);
		json_int(&j, "vcpu_index", info.vcpu_index);
		json_bool(&j, "sys_rd_available", info.sys_rd_available);
		json_end(&j);
	} else {
		printf("gpaw:       %u\nattributes: 0x%016llx\nvcpus:      %u of %u\nvcpu index: "
		       "%u\nsys.rd:     %s\n", info.gpaw, (unsigned long long)info.attributes,
		       info.num_vcpus, info.max_vcpus, info.vcpu_index,
		       info.sys_rd_available ? "available" : "not available");
	}
	return 0;
}
