/* SPDX-License-Identifier: MIT */
/* tdx verify: offline quote verification (tdx_quote_verify). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* RFC 3339 UTC ("2025-07-19T10:00:34Z"); -1 if not. */
static long long parse_at(const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!end || (strcmp(end, "Z") && strcmp(end, "+00:00")))
		return -1;
	return (long long)timegm(&tm);
}

/* Append a file's bytes to *buf. */
static int append_file(const char *path, uint8_t **buf, size_t *len)
{
	size_t n;
	uint8_t *data = cli_read_file(path, &n), *grown;

	if (!data)
		return 1;
	grown = realloc(*buf, *len + n + 1);
	if (!grown) {
		free(data);
		return cli_usage_error("verify", "out of memory");
	}
	memcpy(grown + *len, data, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
	free(data);
	return 0;
}

static int accept_list(const char *list, uint32_t *mask)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return 1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int found = 0;

		for (int s = TDX_TCB_UP_TO_DATE; s <= TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED; s++)
			if (!strcmp(t, tdx_tcb_status_name(s))) {
				*mask |= TDX_TCB_ACCEPT(s);
				found = 1;
			}
		if (!found) {
			int rc = cli_usage_error("verify", "--accept: '%s' is not a TCB status (UpToDate, "
						 "SWHardeningNeeded, ConfigurationNeeded, OutOfDate, ...)", t);

			free(copy);
			return rc;
		}
	}
	free(copy);
	return 0;
}

static void print_text(const tdx_verify_result *r)
{
	static const char *const outcomes[] = { "not run", "ok", "FAILED", "skipped" };
	size_t n = tdx_verify_result_advisory_count(r);

	for (int s = 0; s < TDX_VERIFY_STEPS; s++)
		printf("%-20s %-8s %s\n", tdx_verify_step_name(s),
		       outcomes[tdx_verify_step_outcome(r, s)], tdx_verify_step_message(r, s));
	printf("tcb_status: %s\n", tdx_tcb_status_name(tdx_verify_result_tcb_status(r)));
	if (tdx_verify_result_tcb_date(r))
		printf("tcb_date: %s (level %d)\n", tdx_verify_result_tcb_date(r),
		       tdx_verify_result_tcb_level(r));
	printf("advisory_ids:");
	for (size_t i = 0; i < n; i++)
		printf(" %s", tdx_verify_result_advisory(r, i));
	printf("%s\nexplanation: %s\n", n ? "" : " (none)", tdx_verify_result_explanation(r));
}

int cmd_verify(const cli *c)
{
	const char *quote_path = NULL, *collateral_path = NULL;
	uint8_t *roots = NULL, *crls = NULL, *quote = NULL, *collateral = NULL;
	size_t roots_len = 0, crls_len = 0, qlen = 0, clen = 0;
	TDX_OPTS(tdx_verify_opts, o);
	tdx_verify_result *r = NULL;
	tdx_quote *q = NULL;
	int rc = 0;

	for (int i = 0; i < c->argc && !rc; i++) {
		const char *a = c->argv[i];
		int has_value = i + 1 < c->argc;

		if (!strcmp(a, "--collateral") && has_value)
			collateral_path = c->argv[++i];
		else if (!strcmp(a, "--root") && has_value)
			rc = append_file(c->argv[++i], &roots, &roots_len);
		else if (!strcmp(a, "--crl") && has_value)
			rc = append_file(c->argv[++i], &crls, &crls_len);
		else if (!strcmp(a, "--at") && has_value) {
			long long t = parse_at(c->argv[++i]);

			if (t < 0)
				rc = cli_usage_error("verify", "--at '%s' is not RFC 3339 UTC "
						     "(YYYY-MM-DDThh:mm:ssZ)", c->argv[i]);
			o.at = t;
		} else if (!strcmp(a, "--accept") && has_value)
			rc = accept_list(c->argv[++i], &o.accept);
		else if (!strcmp(a, "--require-collateral"))
			o.require_collateral = 1;
		else if (!strcmp(a, "--require-crls"))
			o.require_crls = 1;
		else if (a[0] != '-' && !quote_path)
			quote_path = a;
		else
			rc = cli_usage_error("verify", "unexpected argument '%s'", a);
	}
	if (!rc && !quote_path)
		rc = cli_usage_error("verify", "name the quote file: tdx verify QUOTE [options]");
	if (!rc && !(quote = cli_read_file(quote_path, &qlen)))
		rc = 1;
	if (!rc && collateral_path && append_file(collateral_path, &collateral, &clen))
		rc = 1;
	if (rc)
		goto out;
	if (tdx_quote_parse(&q, quote, qlen)) {
		rc = cli_fail("parsing the quote");
		goto out;
	}
	o.roots = roots;
	o.roots_len = roots_len;
	o.collateral = (const char *)collateral;
	o.collateral_len = clen;
	o.crls = crls;
	o.crls_len = crls_len;
	if (tdx_quote_verify(q, &o, &r) && !r) {
		rc = cli_fail("verifying");
		goto out;
	}
	if (c->json) {
		char *json = NULL;
		size_t len = 0;

		tdx_verify_result_to_json(r, NULL, &len);
		json = malloc(len);
		if (!json || tdx_verify_result_to_json(r, json, &len)) {
			free(json);
			rc = cli_fail("writing the result as JSON");
			goto out;
		}
		puts(json);
		free(json);
	} else {
		print_text(r);
		printf("%s\n", tdx_verify_result_status(r) ? "verification FAILED" : "verification passed");
	}
	rc = tdx_verify_result_status(r) ? 1 : 0;
out:
	tdx_verify_result_free(r);
	tdx_quote_free(q);
	free(quote);
	free(collateral);
	free(roots);
	free(crls);
	return rc;
}

/* tdx emu collateral|root: what verifying the emulator's quotes needs. */
int cmd_emu(const cli *c)
{
	const char *what = c->argc ? c->argv[0] : "", *out = NULL, *spec = c->backend;
	TDX_OPTS(tdx_emu_config, cfg);
	unsigned flags = 0;
	tdx_emu *e = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = 0;

	if (strcmp(what, "collateral") && strcmp(what, "root"))
		return cli_usage_error("emu", "say what: collateral or root");
	for (int i = 1; i < c->argc && !rc; i++) {
		if (!strcmp(c->argv[i], "--out") && i + 1 < c->argc)
			out = c->argv[++i];
		else if (!strcmp(c->argv[i], "--revoke-pck") && *what == 'c')
			flags |= TDX_EMU_COLLATERAL_REVOKE_PCK;
		else if (!strcmp(c->argv[i], "--out-of-date") && *what == 'c')
			flags |= TDX_EMU_COLLATERAL_OUT_OF_DATE;
		else
			rc = cli_usage_error("emu", "unexpected argument '%s'", c->argv[i]);
	}
	if (rc)
		return rc;
	if (!spec || !*spec)
		spec = "emu";
	if (strncmp(spec, "emu", 3) || (spec[3] && spec[3] != ':'))
		return cli_usage_error("emu", "the backend must be the emulator (emu[:key=value,...]), "
				       "not '%s'", spec);
	if (tdx_emu_config_parse(&cfg, spec[3] ? spec + 4 : "") || tdx_emu_open(&e, &cfg))
		return cli_fail("opening the emulator");
	if (*what == 'r') {
		text = strdup(tdx_emu_root_ca_pem(e));
		len = text ? strlen(text) : 0;
	} else if (tdx_emu_collateral(e, flags, NULL, &len) == TDX_E_BUFFER_TOO_SMALL &&
		   (text = malloc(len)) && !tdx_emu_collateral(e, flags, text, &len)) {
		len = strlen(text);
	} else {
		free(text);
		text = NULL;
	}
	if (!text)
		rc = cli_fail("getting the emulator's collateral");
	else if (out)
		rc = cli_write_file(out, (const uint8_t *)text, len) ? 1 : 0;
	else
		printf("%s%s", text, *what == 'c' ? "\n" : "");
	free(text);
	tdx_emu_close(e);
	return rc;
}
