/* SPDX-License-Identifier: MIT */
/*
 * tdx measure: predict an MRTD, from regions of files placed at GPAs or
 * from a TDX firmware image's TDVF metadata.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

#include "cli.h"
#include "json.h"

#define CMD "measure"
#define PAGE TDX_MEASURE_PAGE_SIZE

typedef struct region {
	uint64_t gpa;
	char *file; /* points into a copy of the argument */
	int extend;
	size_t bytes;
	uint64_t pages;
} region;

static const char *const type_names[] = {
	"BFV", "CFV", "TD_HOB", "TEMP_MEM", "PERM_MEM", "PAYLOAD", "PAYLOAD_PARAM",
	"TD_INFO", "TD_PARAMS",
};

static void json_gpa(json *j, const char *key, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	json_string(j, key, s);
}

/* A GPA: 0x-prefixed hex or decimal, the whole string. */
static int parse_u64(const char *s, uint64_t *out)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

/* GPA:FILE[:extend]; on success r->file is malloc'd. */
static int parse_region(const char *arg, region *r)
{
	const char *colon = strchr(arg, ':'), *file;
	char gpa[32];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!colon || colon == arg || !colon[1])
		return cli_usage_error(CMD, "--region '%s' is not GPA:FILE[:extend]", arg);
	if ((size_t)(colon - arg) >= sizeof(gpa))
		return cli_usage_error(CMD, "--region '%s': GPA is too long", arg);
	memcpy(gpa, arg, (size_t)(colon - arg));
	gpa[colon - arg] = '\0';
	if (parse_u64(gpa, &r->gpa))
		return cli_usage_error(CMD, "--region '%s': GPA '%s' is not a number (0x-prefixed "
				       "hex or decimal)", arg, gpa);
	file = colon + 1;
	n = strlen(file);
	if (n >= 7 && !strcmp(file + n - 7, ":extend")) {
		r->extend = 1;
		n -= 7;
	}
	if (!n)
		return cli_usage_error(CMD, "--region '%s' names no FILE", arg);
	r->file = strndup(file, n);
	if (!r->file) {
		fprintf(stderr, "tdx: out of memory\n");
		return 1;
	}
	return 0;
}

#define STREAM_CHUNK (1u << 20) /* read a region 1 MiB at a time: memory stays bounded */

/* Up to STREAM_CHUNK bytes of f into buf; the count, or (size_t)-1 on error. */
static size_t read_chunk(FILE *f, uint8_t *buf)
{
	size_t got = fread(buf, 1, STREAM_CHUNK, f);

	return ferror(f) ? (size_t)-1 : got;
}

/*
 * Measure one region's file without holding it: single-pass order goes
 * through tdx_mrtd_add_region chunk by chunk (region by region in order is
 * the same MRTD); two-pass adds every page first, then extends them as the
 * file is read again.  Sets r->bytes and r->pages.
 */
static int measure_file(tdx_mrtd *m, region *r, unsigned order)
{
	uint8_t *buf = malloc(STREAM_CHUNK);
	FILE *f = fopen(r->file, "rb");
	uint64_t gpa = r->gpa;
	size_t got;
	int rc = 0;

	if (!buf || !f) {
		if (!f)
			fprintf(stderr, "tdx measure: cannot open %s: %s\n", r->file, strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return 1;
	}
	r->bytes = 0;
	if (order == TDX_MEASURE_TWO_PASS && r->extend) {
		/* Pass 1: the size, then a PAGE.ADD per page. */
		while ((got = read_chunk(f, buf)) != (size_t)-1 && got)
			r->bytes += got;
		r->pages = (r->bytes + PAGE - 1) / PAGE;
		for (uint64_t p = 0; !rc && p < r->pages; p++)
			rc = tdx_mrtd_page_add(m, r->gpa + p * PAGE) ? cli_fail("measuring a page") : 0;
		/* Pass 2: MR.EXTEND each 256 bytes, the last page zero-padded. */
		rewind(f);
		while (!rc && gpa < r->gpa + r->pages * PAGE) {
			size_t n = read_chunk(f, buf), whole;

			if (n == (size_t)-1)
				break;
			whole = (n + PAGE - 1) / PAGE * PAGE;
			memset(buf + n, 0, whole - n);
			for (size_t off = 0; !rc && off < whole; off += TDX_MEASURE_CHUNK_SIZE)
				rc = tdx_mrtd_extend(m, gpa + off, buf + off, TDX_MEASURE_CHUNK_SIZE)
					     ? cli_fail("measuring a page's content") : 0;
			gpa += whole;
			if (!n)
				break;
		}
	} else {
		while (!rc && (got = read_chunk(f, buf)) != (size_t)-1 && got) {
			uint64_t pages = (got + PAGE - 1) / PAGE;

			r->bytes += got;
			if (tdx_mrtd_add_region(m, gpa, pages, r->extend ? buf : NULL,
						r->extend ? got : 0,
						(r->extend ? TDX_MEASURE_EXTEND : 0) | order))
				rc = cli_fail("measuring a region");
			gpa += pages * PAGE;
		}
		r->pages = (r->bytes + PAGE - 1) / PAGE;
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "tdx measure: cannot read %s\n", r->file);
		rc = 1;
	}
	fclose(f);
	free(buf);
	return rc;
}

static int measure_regions(const cli *c, region *rs, int n, unsigned order)
{
	uint8_t mrtd[TDX_MEASURE_DIGEST_SIZE];
	tdx_mrtd *m = NULL;
	int rc = 0;

	if (tdx_mrtd_new(&m))
		return cli_fail("starting the MRTD");
	for (int i = 0; i < n && !rc; i++) {
		rc = measure_file(m, &rs[i], order);
		if (!rc && !rs[i].bytes) {
			fprintf(stderr, "tdx measure: region %d: %s is empty; a region covers its "
				"file's size rounded up to 4 KiB, so the file needs at least one "
				"byte\n", i + 1, rs[i].file);
			rc = 1;
		}
	}
	if (!rc && tdx_mrtd_finalize(m, mrtd))
		rc = cli_fail("finalizing the MRTD");
	tdx_mrtd_free(m);
	if (rc)
		return rc;
	if (c->json) {
		json j;

		json_begin(&j, stdout);
		json_hex(&j, "mrtd", mrtd, sizeof(mrtd));
		json_string(&j, "order", order ? "two-pass" : "single-pass");
		json_array_open(&j, "regions");
		for (int i = 0; i < n; i++) {
			json_object_open(&j, NULL);
			json_gpa(&j, "gpa", rs[i].gpa);
			json_string(&j, "file", rs[i].file);
			json_uint(&j, "bytes", rs[i].bytes);
			json_uint(&j, "pages", rs[i].pages);
			json_bool(&j, "extend", rs[i].extend);
			json_object_close(&j);
		}
		json_array_close(&j);
		json_end(&j);
	} else {
		printf("mrtd: ");
		cli_print_hex(mrtd, sizeof(mrtd));
		printf("\n");
	}
	return 0;
}

static int measure_image(const cli *c, const char *path, unsigned order)
{
	uint8_t mrtd[TDX_MEASURE_DIGEST_SIZE];
	tdx_tdvf *t = NULL;
	json j;

	if (tdx_tdvf_open(&t, path))
		return cli_fail("reading the TDVF metadata");
	if (tdx_measure_tdvf(path, order, mrtd)) {
		tdx_tdvf_free(t);
		return cli_fail("measuring the firmware image");
	}
	if (!c->json) {
		printf("mrtd: ");
		cli_print_hex(mrtd, sizeof(mrtd));
		printf("\n");
		tdx_tdvf_free(t);
		return 0;
	}
	json_begin(&j, stdout);
	json_hex(&j, "mrtd", mrtd, sizeof(mrtd));
	json_string(&j, "order", order ? "two-pass" : "single-pass");
	json_string(&j, "image", path);
	json_array_open(&j, "sections");
	for (size_t i = 0; i < tdx_tdvf_section_count(t); i++) {
		TDX_OPTS(tdx_tdvf_section, s);
		int aug, added;

		if (tdx_tdvf_get_section(t, i, &s)) {
			tdx_tdvf_free(t);
			return cli_fail("reading a TDVF section");
		}
		aug = !!(s.attributes & TDX_TDVF_ATTR_PAGE_AUG);
		added = !aug && s.type != TDX_TDVF_SECTION_PERM_MEM &&
			s.type != TDX_TDVF_SECTION_TD_INFO && s.type != TDX_TDVF_SECTION_TD_PARAMS;
		json_object_open(&j, NULL);
		json_uint(&j, "index", i);
		json_string(&j, "type", s.type < sizeof(type_names) / sizeof(type_names[0])
						? type_names[s.type] : "unknown");
		json_uint(&j, "type_id", s.type);
		json_uint(&j, "data_offset", s.data_offset);
		json_uint(&j, "raw_data_size", s.raw_data_size);
		json_gpa(&j, "memory_address", s.memory_address);
		json_uint(&j, "memory_data_size", s.memory_data_size);
		json_uint(&j, "attributes", s.attributes);
		json_bool(&j, "mr_extend", !!(s.attributes & TDX_TDVF_ATTR_MR_EXTEND));
		json_bool(&j, "page_aug", aug);
		json_string(&j, "mrtd", !added ? "none"
					: s.attributes & TDX_TDVF_ATTR_MR_EXTEND ? "pages+content"
										 : "pages");
		json_object_close(&j);
	}
	json_array_close(&j);
	json_end(&j);
	tdx_tdvf_free(t);
	return 0;
}

int cmd_measure(const cli *c)
{
	region *rs = calloc((size_t)c->argc + 1, sizeof(*rs));
	const char *tdvf = NULL;
	unsigned order = 0;
	int n = 0, rc = 0;

	if (!rs) {
		fprintf(stderr, "tdx: out of memory\n");
		return 1;
	}
	for (int i = 0; i < c->argc && !rc; i++) {
		const char *a = c->argv[i];

		if ((!strcmp(a, "--region") || !strcmp(a, "--tdvf")) && i + 1 >= c->argc)
			rc = cli_usage_error(CMD, "%s needs a value", a);
		else if (!strcmp(a, "--region"))
			rc = parse_region(c->argv[++i], &rs[n++]);
		else if (!strcmp(a, "--tdvf") && tdvf)
			rc = cli_usage_error(CMD, "--tdvf given twice");
		else if (!strcmp(a, "--tdvf"))
			tdvf = c->argv[++i];
		else if (!strcmp(a, "--two-pass"))
			order = TDX_MEASURE_TWO_PASS;
		else
			rc = cli_usage_error(CMD, "unexpected argument '%s'", a);
	}
	if (!rc && tdvf && n)
		rc = cli_usage_error(CMD, "give either --tdvf or --region, not both");
	else if (!rc && !tdvf && !n)
		rc = cli_usage_error(CMD, "nothing to measure: give --region GPA:FILE[:extend] "
				     "or --tdvf IMAGE");
	if (!rc)
		rc = tdvf ? measure_image(c, tdvf, order) : measure_regions(c, rs, n, order);
	for (int i = 0; i < n; i++)
		free(rs[i].file);
	free(rs);
	return rc;
}
