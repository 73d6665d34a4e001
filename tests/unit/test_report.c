/* SPDX-License-Identifier: MIT */
/*
 * TDREPORT parsing against two real reports (../shared/vectors): every
 * field the vectors' README and expected_values.json state, the error
 * paths, and the JSON export.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ZERO48 "000000000000000000000000000000000000000000000000" \
	       "000000000000000000000000000000000000000000000000"

typedef struct expected_report {
	const char *file;
	int type, subtype, version;
	uint64_t valid, seam_attributes, attributes, xfam;
	const char *cpusvn, *report_data, *tee_tcb_svn, *tee_tcb_svn2, *mrseam, *mrtd;
	const char *rtmr[4];
	const char *servtd_hash;
} expected_report;

static const expected_report reports[] = {
	{
		.file = "coco-guest-components_tdreport_hw.bin",
		.type = 0x81, .subtype = 0, .version = 1,
		.valid = 0x301ff, .seam_attributes = 0,
		.attributes = 0x10000000, .xfam = 0x642e7,
		.cpusvn = "0202181a03ff00060000000000000000",
		.report_data = ZERO48 "00000000000000000000000000000000",
		.tee_tcb_svn = "05010200000000000000000000000000",
		.tee_tcb_svn2 = "05010200000000000000000000000000",
		.mrseam = "1cc6a17ab799e9a693fac7536be61c12ee1e0fabada82d0c"
			  "999e08ccee2aa86de77b0870f558c570e7ffe55d6d47fa04",
		.mrtd = "98bbc39e3e27b4cb27ed6d21870b187738f64ec44b9f3f93"
			"d603b35a84e610dcb45f1b6d79c648c7bf8e68f7a37b8ab5",
		.rtmr = {
			"f4ec1a04670fe7926cd5de4aef9aaa7689ab4ceaa132d7c5"
			"242b47f67dfaaea64c372a17ad68fef9a6ac99aabbddabdc",
			"4e5f8826653198ab4bc5156fbe4bc99db054c0b8239a16c4"
			"b59249fb427f4acc50eed1b46a85c7d526c4e1e47621b14c",
			ZERO48, ZERO48,
		},
		.servtd_hash = "383c87d3bbb047b2d171eaca95312ede99f258088dc788f6"
			       "ae2ccf8b6dd848fe8d47629e08b3f6cbd4a00dd47a5a033d",
	},
	{
		.file = "intel-dcap_tdreport_td-ql-logic-rs.bin",
		.type = 0x81, .subtype = 0, .version = 0,
		.valid = 0x1ff, .seam_attributes = 0,
		.attributes = 0x50000000, .xfam = 0x602e7,
		.cpusvn = "05050f1103ff00040000000000000000",
		.report_data = "b46a00ebf78bcdff4a1d54bd4d8780427f9dbace511059be"
			       "041209444c7bde00e5deebdc6ab9dcb4d6307123b7f16536"
			       "8e1f04df305d9d3470a679bc2257bd07",
		.tee_tcb_svn = "04000500000000000000000000000000",
		.tee_tcb_svn2 = "00000000000000000000000000000000",
		.mrseam = "48fa69949db08002ee84252847f572988b1d6e568ec1353f"
			  "64cb6c0fd905375f69ad959c0eaf7747ac70a392789302a1",
		.mrtd = "bb1249bde960ef9b22d56eefb94b7f40ca3b528b31e6e4af"
			"0babb075c02ce5c1f63681101779927ea604f5aa49ec95b3",
		.rtmr = {
			"e1af75e61927410e42b54b39f6681cf9b0bfbae512b15e87"
			"0e4c8d9d5a5cb385571b0e1dc2f70bf9ccef08560f0a2b58",
			"eac22f0257a3dcce04d13a8ec1e5e89112e1bc649e743845"
			"f58598f6e13bc7fc62506296235aa300eab6b16292cd8a9c",
			ZERO48, ZERO48,
		},
		.servtd_hash = ZERO48,
	},
};

static int sha384_is(const uint8_t *digest, const uint8_t *data, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	return digest && EVP_Digest(data, n, md, &md_len, EVP_sha384(), NULL) == 1 &&
	       md_len == 48 && memcmp(md, digest, 48) == 0;
}

static tdx_report *parse_vector(const char *name)
{
	size_t len = 0;
	unsigned char *buf = tdx_test_read_vector(name, &len);
	tdx_report *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL(tdx_report_parse(&r, buf, len), TDX_OK);
	/* The parser keeps its own copy. */
	memset(buf, 0xEE, len);
	free(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r;
}

static void test_real_reports(void)
{
	for (size_t i = 0; i < ARRAY_LEN(reports); i++) {
		const expected_report *e = &reports[i];
		tdx_report *r = parse_vector(e->file);

		tdx_test_context = e->file;
		CU_ASSERT_EQUAL(tdx_report_type(r), e->type);
		CU_ASSERT_EQUAL(tdx_report_subtype(r), e->subtype);
		CU_ASSERT_EQUAL(tdx_report_version(r), e->version);
		CU_ASSERT(tdx_test_hex_is(tdx_report_cpusvn(r), e->cpusvn));
		CU_ASSERT(tdx_test_hex_is(tdx_report_report_data(r), e->report_data));
		CU_ASSERT_EQUAL(tdx_report_tee_tcb_valid(r), e->valid);
		CU_ASSERT(tdx_test_hex_is(tdx_report_tee_tcb_svn(r), e->tee_tcb_svn));
		CU_ASSERT(tdx_test_hex_is(tdx_report_tee_tcb_svn2(r), e->tee_tcb_svn2));
		CU_ASSERT(tdx_test_hex_is(tdx_report_mrseam(r), e->mrseam));
		CU_ASSERT(tdx_test_hex_is(tdx_report_mrsignerseam(r), ZERO48));
		CU_ASSERT_EQUAL(tdx_report_seam_attributes(r), e->seam_attributes);
		CU_ASSERT_EQUAL(tdx_report_attributes(r), e->attributes);
		CU_ASSERT_EQUAL(tdx_report_xfam(r), e->xfam);
		CU_ASSERT(tdx_test_hex_is(tdx_report_mrtd(r), e->mrtd));
		for (unsigned k = 0; k < 4; k++)
			CU_ASSERT(tdx_test_hex_is(tdx_report_rtmr(r, k), e->rtmr[k]));
		CU_ASSERT(tdx_test_hex_is(tdx_report_servtd_hash(r), e->servtd_hash));
		/* The REPORTMACSTRUCT hashes cover TEE_TCB_INFO and TDINFO. */
		CU_ASSERT(sha384_is(tdx_report_tee_tcb_info_hash(r), tdx_report_raw(r) + 256, 239));
		CU_ASSERT(sha384_is(tdx_report_tee_info_hash(r), tdx_report_raw(r) + 512, 512));
		/* Fields without published values: at their layout offsets. */
		CU_ASSERT_PTR_EQUAL(tdx_report_mac_struct(r), tdx_report_raw(r));
		CU_ASSERT_PTR_EQUAL(tdx_report_mac(r), tdx_report_raw(r) + 224);
		CU_ASSERT_PTR_EQUAL(tdx_report_mrconfigid(r), tdx_report_raw(r) + 576);
		CU_ASSERT_PTR_EQUAL(tdx_report_mrowner(r), tdx_report_raw(r) + 624);
		CU_ASSERT_PTR_EQUAL(tdx_report_mrownerconfig(r), tdx_report_raw(r) + 672);
		tdx_report_free(r);
	}
}

/* A minimal report: only the type byte set. */
static void make_report(unsigned char *buf)
{
	memset(buf, 0, TDX_REPORT_SIZE + 1);
	buf[0] = 0x81;
}

static void test_parse_errors(void)
{
	unsigned char buf[TDX_REPORT_SIZE + 1];
	tdx_report *r = (tdx_report *)buf;

	make_report(buf);
	TDX_ASSERT_FAILS(tdx_report_parse(NULL, buf, TDX_REPORT_SIZE), TDX_E_INVALID, "out");
	TDX_ASSERT_FAILS(tdx_report_parse(&r, NULL, TDX_REPORT_SIZE), TDX_E_INVALID, "buf");
	CU_ASSERT_PTR_NULL(r);
	TDX_ASSERT_FAILS(tdx_report_parse(&r, buf, TDX_REPORT_SIZE - 1), TDX_E_INVALID, "1023");
	TDX_ASSERT_FAILS(tdx_report_parse(&r, buf, TDX_REPORT_SIZE + 1), TDX_E_INVALID, "1025");
	TDX_ASSERT_FAILS(tdx_report_parse(&r, buf, 0), TDX_E_INVALID, "exactly 1024");
	buf[0] = 0x00;
	TDX_ASSERT_FAILS(tdx_report_parse(&r, buf, TDX_REPORT_SIZE), TDX_E_INVALID,
			 "not a TDX report (type 0x00");
	CU_ASSERT_PTR_NULL(r);
	buf[0] = 0x81;
	CU_ASSERT_EQUAL(tdx_report_parse(&r, buf, TDX_REPORT_SIZE), TDX_OK);
	CU_ASSERT_EQUAL(tdx_report_type(r), 0x81);
	tdx_report_free(r);
	tdx_report_free(NULL);
}

static void test_accessor_errors(void)
{
	unsigned char buf[TDX_REPORT_SIZE + 1];
	tdx_report *r = NULL;

	make_report(buf);
	CU_ASSERT_EQUAL_FATAL(tdx_report_parse(&r, buf, TDX_REPORT_SIZE), TDX_OK);
	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_report_rtmr(r, 4));
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "index 4"));
	CU_ASSERT_PTR_EQUAL(tdx_report_rtmr(r, 3), tdx_report_raw(r) + 864);

	tdx_error_clear();
	CU_ASSERT_PTR_NULL(tdx_report_mrtd(NULL));
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "tdx_report_mrtd"));
	CU_ASSERT_PTR_NULL(tdx_report_rtmr(NULL, 0));
	CU_ASSERT_PTR_NULL(tdx_report_raw(NULL));
	CU_ASSERT_EQUAL(tdx_report_type(NULL), 0);
	CU_ASSERT_EQUAL(tdx_report_attributes(NULL), 0);
	CU_ASSERT_EQUAL(tdx_report_tee_tcb_valid(NULL), 0);
	tdx_report_free(r);
}

static void test_attribute_names(void)
{
	static const struct { unsigned bit; const char *name; uint64_t mask; } named[] = {
		{ 0, "DEBUG", TDX_TD_ATTR_DEBUG },
		{ 4, "HGS_PLUS_PROF", TDX_TD_ATTR_HGS_PLUS_PROF },
		{ 5, "PERF_PROF", TDX_TD_ATTR_PERF_PROF },
		{ 6, "PMT_PROF", TDX_TD_ATTR_PMT_PROF },
		{ 16, "ICSSD", TDX_TD_ATTR_ICSSD },
		{ 27, "LASS", TDX_TD_ATTR_LASS },
		{ 28, "SEPT_VE_DISABLE", TDX_TD_ATTR_SEPT_VE_DISABLE },
		{ 29, "MIGRATABLE", TDX_TD_ATTR_MIGRATABLE },
		{ 30, "PKS", TDX_TD_ATTR_PKS },
		{ 31, "KL", TDX_TD_ATTR_KL },
		{ 62, "TPA", TDX_TD_ATTR_TPA },
		{ 63, "PERFMON", TDX_TD_ATTR_PERFMON },
	};
	unsigned count = 0;

	for (size_t i = 0; i < ARRAY_LEN(named); i++) {
		CU_ASSERT_STRING_EQUAL(tdx_td_attribute_name(named[i].bit), named[i].name);
		CU_ASSERT_EQUAL(named[i].mask, 1ULL << named[i].bit);
	}
	for (unsigned bit = 0; bit < 70; bit++)
		count += tdx_td_attribute_name(bit) != NULL;
	CU_ASSERT_EQUAL(count, ARRAY_LEN(named));
	CU_ASSERT_PTR_NULL(tdx_td_attribute_name(1));
	CU_ASSERT_PTR_NULL(tdx_td_attribute_name(64));
	CU_ASSERT_PTR_NULL(tdx_td_attribute_name(~0u));
}

static void test_json(void)
{
	tdx_report *r = parse_vector(reports[1].file);
	size_t need = 0, len;
	char *buf;

	CU_ASSERT_EQUAL(tdx_report_to_json(r, NULL, &need), TDX_E_BUFFER_TOO_SMALL);
	CU_ASSERT_FATAL(need > 1000);
	buf = malloc(need);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	len = need - 1;
	memset(buf, 'x', need);
	TDX_ASSERT_FAILS(tdx_report_to_json(r, buf, &len), TDX_E_BUFFER_TOO_SMALL, "needs");
	CU_ASSERT_EQUAL(len, need);
	CU_ASSERT_EQUAL(buf[0], 'x');
	len = need;
	CU_ASSERT_EQUAL_FATAL(tdx_report_to_json(r, buf, &len), TDX_OK);
	CU_ASSERT_EQUAL(len, need);
	CU_ASSERT_EQUAL(strlen(buf), need - 1);
	CU_ASSERT(tdx_test_json_valid(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "{\"report_type\":{\"type\":129,\"subtype\":0,"
				     "\"version\":0},\"cpusvn\":\"05050f1103ff00040000000000000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"mrtd\":\"bb1249bde960ef9b22d56eefb94b7f40ca3b528b"
				     "31e6e4af0babb075c02ce5c1f63681101779927ea604f5aa49ec95b3\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"tee_tcb_info\":{\"valid\":\"ff01000000000000\","
				     "\"tee_tcb_svn\":\"04000500000000000000000000000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"td_info\":{\"attributes\":\"0000005000000000\","
				     "\"attributes_names\":[\"SEPT_VE_DISABLE\",\"PKS\"],"
				     "\"xfam\":\"e702060000000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rtmr\":[\"e1af75e61927410e42b54b39f6681cf9b0bfbae5"
				     "12b15e870e4c8d9d5a5cb385571b0e1dc2f70bf9ccef08560f0a2b58\","
				     "\"eac22f02"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"servtd_hash\":\"" ZERO48 "\"}}"));

	TDX_ASSERT_FAILS(tdx_report_to_json(NULL, buf, &len), TDX_E_INVALID, "NULL");
	TDX_ASSERT_FAILS(tdx_report_to_json(r, buf, NULL), TDX_E_INVALID, "len");
	free(buf);
	tdx_report_free(r);
}

/* A report with no attribute bits: an empty names list, still valid JSON. */
static void test_json_minimal(void)
{
	unsigned char raw[TDX_REPORT_SIZE + 1];
	tdx_report *r = NULL;
	char buf[4096];
	size_t len = sizeof(buf);

	make_report(raw);
	CU_ASSERT_EQUAL_FATAL(tdx_report_parse(&r, raw, TDX_REPORT_SIZE), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_report_to_json(r, buf, &len), TDX_OK);
	CU_ASSERT(tdx_test_json_valid(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"attributes_names\":[],"));
	tdx_report_free(r);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_real_reports),
		TDX_TEST(test_parse_errors),
		TDX_TEST(test_accessor_errors),
		TDX_TEST(test_attribute_names),
		TDX_TEST(test_json),
		TDX_TEST(test_json_minimal),
		{ NULL, NULL },
	};

	tdx_test_vectors_required();
	return tdx_test_run("report", tests);
}
