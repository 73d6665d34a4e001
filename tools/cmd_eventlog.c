/* SPDX-License-Identifier: MIT */
/*
 * tdx eventlog: parse a CC event log (CCEL), replay it to RTMRs, and check
 * the replay against the RTMRs of a TDREPORT or a quote.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tdx/tdx.h>

#include "cli.h"
#include "json.h"

#define CMD "eventlog"
#define SYSFS_CCEL "/sys/firmware/acpi/tables/data/CCEL"
#define NRTMR TDX_EVENTLOG_RTMR_COUNT
#define RSIZE TDX_EVENTLOG_RTMR_SIZE

static void hexstr(char *dst, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(dst + 2 * i, 3, "%02x", p[i]);
	dst[2 * n] = '\0';
}

/* The RTMRs of a 1024-byte TDREPORT or a quote in file; 0 on success. */
static int read_rtmrs(const char *file, uint8_t rtmr[NRTMR * RSIZE], const char **kind)
{
	tdx_report *r = NULL;
	tdx_quote *q = NULL;
	uint8_t *buf;
	size_t len = 0;

	if (!(buf = cli_read_file(file, &len)))
		return 1;
	if (tdx_report_parse(&r, buf, len) == TDX_OK) {
		for (unsigned i = 0; i < NRTMR; i++)
			memcpy(rtmr + i * RSIZE, tdx_report_rtmr(r, i), RSIZE);
		tdx_report_free(r);
		*kind = "report";
	} else if (tdx_quote_parse(&q, buf, len) == TDX_OK) {
		for (unsigned i = 0; i < NRTMR; i++)
			memcpy(rtmr + i * RSIZE, tdx_quote_rtmr(q, i), RSIZE);
		tdx_quote_free(q);
		*kind = "quote";
	} else {
		fprintf(stderr, "tdx %s: %s is neither a TDREPORT (1024 bytes) nor a TD quote: "
			"%s\n", CMD, file, tdx_error_last()->message);
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}

static int print_json(const tdx_eventlog *l)
{
	size_t len = 0;
	char *buf;

	if (tdx_eventlog_to_json(l, NULL, &len) != TDX_E_BUFFER_TOO_SMALL)
		return cli_fail("eventlog to JSON");
	if (!(buf = malloc(len))) {
		fprintf(stderr, "tdx: out of memory\n");
		return 1;
	}
	if (tdx_eventlog_to_json(l, buf, &len) != TDX_OK) {
		free(buf);
		return cli_fail("eventlog to JSON");
	}
	puts(buf);
	free(buf);
	return 0;
}

static void print_events(const tdx_eventlog *l)
{
	size_t n = tdx_eventlog_count(l);

	printf("events: %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		TDX_OPTS(tdx_event, e);
		char h[2 * RSIZE + 1];

		if (tdx_eventlog_event(l, i, &e) != TDX_OK)
			continue;
		if (e.has_sha384)
			hexstr(h, e.sha384, RSIZE);
		else
			strcpy(h, "-");
		printf("%3zu mr_index %u type 0x%08x size %u sha384 %s\n", i, e.mr_index,
		       e.event_type, e.data_size, h);
	}
}

/* --check FILE: the log's replay against FILE's RTMRs, as text or JSON. */
static int check(const tdx_eventlog *l, const char *file, int as_json)
{
	uint8_t want[NRTMR * RSIZE], got[NRTMR * RSIZE];
	unsigned mismatch = 0;
	const char *kind = "";
	json j;
	int rc;

	if (read_rtmrs(file, want, &kind))
		return 1;
	if (tdx_eventlog_replay(l, got, sizeof(got)) != TDX_OK)
		return cli_fail("eventlog replay");
	rc = tdx_eventlog_check(l, want, sizeof(want), &mismatch);
	if (rc != TDX_OK && rc != TDX_E_VERIFY)
		return cli_fail("eventlog check");
	if (as_json) {
		json_begin(&j, stdout);
		json_bool(&j, "match", rc == TDX_OK);
		json_string(&j, "against", kind);
	}
	for (unsigned i = 0; i < NRTMR; i++) {
		char key[8], a[2 * RSIZE + 1], b[2 * RSIZE + 1];
		int match = !(mismatch & (1u << i));

		snprintf(key, sizeof(key), "rtmr%u", i);
		hexstr(a, got + i * RSIZE, RSIZE);
		hexstr(b, want + i * RSIZE, RSIZE);
		if (as_json) {
			json_object_open(&j, key);
			json_bool(&j, "match", match);
			json_string(&j, "log", a);
			json_string(&j, kind, b);
			json_object_close(&j);
		} else if (match) {
			printf("%s: match %s\n", key, a);
		} else {
			printf("%s: MISMATCH log %s %s %s\n", key, a, kind, b);
		}
	}
	if (as_json)
		json_end(&j);
	else if (rc == TDX_OK)
		printf("the event log matches the %s's RTMRs\n", kind);
	else
		fprintf(stderr, "tdx %s: the event log does not match the %s's RTMRs\n", CMD, kind);
	return rc == TDX_OK ? 0 : 1;
}

int cmd_eventlog(const cli *c)
{
	const char *file = NULL, *against = NULL;
	int replay = 0, rc;
	tdx_eventlog *l = NULL;
	uint8_t *buf;
	size_t len = 0;

	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (!strcmp(a, "--file") || !strcmp(a, "--check")) {
			if (i + 1 >= c->argc)
				return cli_usage_error(CMD, "%s needs a FILE", a);
			if (!strcmp(a, "--file"))
				file = c->argv[++i];
			else
				against = c->argv[++i];
		} else if (!strcmp(a, "--replay")) {
			replay = 1;
		} else {
			return cli_usage_error(CMD, "unknown argument '%s'", a);
		}
	}
	if (!file) {
		if (access(SYSFS_CCEL, F_OK) != 0) {
			fprintf(stderr, "tdx %s: no CC event log here: %s is absent (not a TD, or "
				"the kernel does not expose the ACPI CCEL table); pass --file LOG\n",
				CMD, SYSFS_CCEL);
			return 1;
		}
		file = SYSFS_CCEL;
	}
	if (!(buf = cli_read_file(file, &len)))
		return 1;
	rc = tdx_eventlog_parse(&l, buf, len);
	free(buf);
	if (rc != TDX_OK)
		return cli_fail(file);
	if (against)
		rc = check(l, against, c->json);
	else if (c->json)
		rc = print_json(l);
	else if (replay) {
		uint8_t r[NRTMR * RSIZE];

		if (tdx_eventlog_replay(l, r, sizeof(r)) != TDX_OK) {
			rc = cli_fail("eventlog replay");
		} else {
			for (unsigned i = 0; i < NRTMR; i++) {
				printf("rtmr%u: ", i);
				cli_print_hex(r + i * RSIZE, RSIZE);
				printf("\n");
			}
			rc = 0;
		}
	} else {
		print_events(l);
		rc = 0;
	}
	tdx_eventlog_free(l);
	return rc;
}
