/* SPDX-License-Identifier: MIT */
/*
 * The verifier's collateral rules, each broken on purpose: the emulator's
 * collateral with one document rewritten and re-signed with the emulator's
 * TCB Signing key (tdx__qe_tcb_sign), so the signature still verifies and
 * the rule itself must catch the change, at its step, with its code.  Also
 * the status merges (QE and TDX module behind, revoked, below every level)
 * and a CRL from an issuer outside the chain.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "emu/qe.h"
#include "harness.h"
#include "hexjson.h"
#include "jsonparse.h"

static tdx_emu *E;
static tdx_quote *Q; /* module 1.5: v5, TEE_TCB_SVN 05 01 02 */
static const char *Root;
static tdx__jval *Col;

/* text with the first (or last) `from` replaced by `to`; malloc'd. */
static char *replaced(const char *text, const char *from, const char *to, int last)
{
	const char *at = strstr(text, from), *next;
	char *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	while (last && (next = strstr(at + 1, from)))
		at = next;
	out = malloc(strlen(text) - strlen(from) + strlen(to) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memcpy(out, text, (size_t)(at - text));
	strcpy(out + (at - text), to);
	strcat(out, at + strlen(from));
	return out;
}

typedef struct edit {
	const char *doc; /* "tcb_info" or "qe_identity" */
	char *text, *sig;
} edit;

static void emit_collateral(tdx__json *j, const void *obj)
{
	const edit *e = obj;
	char sig_key[64];

	snprintf(sig_key, sizeof(sig_key), "%s_signature", e->doc);
	tdx__json_object_open(j, NULL);
	for (const tdx__jval *m = Col->child; m; m = m->next)
		tdx__json_string(j, m->key, !strcmp(m->key, e->doc) ? e->text
					    : !strcmp(m->key, sig_key) ? e->sig : m->str);
	tdx__json_object_close(j);
}

/* The emulator's collateral with doc replaced by text, re-signed;
 * verified; the status.  *r keeps the result. */
static int verify_text(const char *doc, char *text, tdx_verify_result **r)
{
	edit e = { .doc = doc, .text = text };
	char *json;
	size_t len = 0;
	int rc;

	CU_ASSERT_EQUAL_FATAL(tdx__qe_tcb_sign(text, &e.sig), TDX_OK);
	tdx__json_export(emit_collateral, &e, NULL, &len, "test");
	json = malloc(len);
	CU_ASSERT_EQUAL_FATAL(tdx__json_export(emit_collateral, &e, json, &len, "test"), TDX_OK);
	{
		TDX_OPTS(tdx_verify_opts, o, .roots = (const uint8_t *)Root, .roots_len = strlen(Root),
			 .collateral = json, .collateral_len = strlen(json));

		rc = tdx_quote_verify(Q, &o, r);
	}
	free(json);
	free(e.sig);
	CU_ASSERT_PTR_NOT_NULL(*r);
	return rc;
}

/* As verify_text, with doc's first (or last) `from` made `to`. */
static int verify_edited(const char *doc, const char *from, const char *to, int last,
			 tdx_verify_result **r)
{
	char *text = replaced(tdx__jval_get(Col, doc)->str, from, to, last);
	int rc = verify_text(doc, text, r);

	free(text);
	return rc;
}

/* One broken rule: the code, the step that fails, a word of its message. */
static void breaks(const char *doc, const char *from, const char *to, int last, int code,
		   int step, const char *word)
{
	tdx_verify_result *r = NULL;
	int rc = verify_edited(doc, from, to, last, &r);

	if (rc != code || tdx_verify_step_outcome(r, step) != TDX_STEP_FAILED ||
	    !strstr(tdx_verify_step_message(r, step), word))
		fprintf(stderr, "%s: '%s' -> '%s': got %d at %s: %s\n", doc, from, to, rc,
			tdx_verify_step_name(step), tdx_verify_step_message(r, step));
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, step), TDX_STEP_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, step), word));
	tdx_verify_result_free(r);
}

static void test_unedited_passes(void)
{
	tdx_verify_result *r = NULL;

	/* A no-op edit re-signed: the helper itself leaves a valid collateral. */
	CU_ASSERT_EQUAL(verify_edited("tcb_info", "\"version\":3", "\"version\":3", 0, &r), TDX_OK);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_UP_TO_DATE);
	tdx_verify_result_free(r);
}

static void test_tcb_info_rules(void)
{
	breaks("tcb_info", "\"version\":3", "\"version\":2", 0, TDX_E_COLLATERAL,
	       TDX_VERIFY_COLLATERAL, "version 3");
	breaks("tcb_info", "\"id\":\"TDX\"", "\"id\":\"SGX\"", 0, TDX_E_COLLATERAL,
	       TDX_VERIFY_COLLATERAL, "\"TDX\"");
	breaks("tcb_info", "\"tcbType\":0", "\"tcbType\":1", 0, TDX_E_COLLATERAL,
	       TDX_VERIFY_COLLATERAL, "tcbType");
	breaks("tcb_info", "\"fmspc\":\"90C06F000000\"", "\"fmspc\":\"00606A000000\"", 0,
	       TDX_E_COLLATERAL, TDX_VERIFY_COLLATERAL, "not this platform's");
	breaks("tcb_info", "\"nextUpdate\":\"2049-12-31T23:59:59Z\"",
	       "\"nextUpdate\":\"2021-01-01T00:00:00Z\"", 0, TDX_E_EXPIRED, TDX_VERIFY_COLLATERAL,
	       "TCB Info is valid from");
	/* A level with 15 SGX components; an unknown status. */
	breaks("tcb_info", ",{\"svn\":0}],\"pcesvn\":0", "],\"pcesvn\":0", 1, TDX_E_COLLATERAL,
	       TDX_VERIFY_TCB_LEVEL, "16 SGX and 16 TDX components");
	breaks("tcb_info", "\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"Fine\"", 1,
	       TDX_E_COLLATERAL, TDX_VERIFY_TCB_LEVEL, "known tcbStatus");
}

static void test_tdx_module_rules(void)
{
	/* The quote's module (TDX_01) has no identity; or another signer. */
	breaks("tcb_info", "\"id\":\"TDX_01\"", "\"id\":\"TDX_02\"", 0, TDX_E_TDX_MODULE,
	       TDX_VERIFY_TDX_MODULE, "no identity TDX_01");
	breaks("tcb_info", "\"id\":\"TDX_01\",\"mrsigner\":\"00", "\"id\":\"TDX_01\",\"mrsigner\":\"11",
	       0, TDX_E_TDX_MODULE, TDX_VERIFY_TDX_MODULE, "MRSIGNERSEAM");
	breaks("tcb_info", "\"tdxModule\"", "\"tdxModuleX\"", 0, TDX_E_COLLATERAL,
	       TDX_VERIFY_TDX_MODULE, "lacks tdxModule");
}

static void test_qe_identity_rules(void)
{
	breaks("qe_identity", "\"isvprodid\":2", "\"isvprodid\":3", 0, TDX_E_QE_IDENTITY,
	       TDX_VERIFY_QE_IDENTITY, "ISVPRODID");
	breaks("qe_identity", "\"mrsigner\":\"6C", "\"mrsigner\":\"6D", 0, TDX_E_QE_IDENTITY,
	       TDX_VERIFY_QE_IDENTITY, "MRSIGNER");
	breaks("qe_identity", "\"miscselect\":\"00000000\"", "\"miscselect\":\"00000001\"", 0,
	       TDX_E_QE_IDENTITY, TDX_VERIFY_QE_IDENTITY, "MISCSELECT");
	breaks("qe_identity", "\"id\":\"TD_QE\"", "\"id\":\"QE\"", 0, TDX_E_COLLATERAL,
	       TDX_VERIFY_COLLATERAL, "TD_QE");
}

/* The final status: a behind QE or module merges into OutOfDate; a revoked
 * QE level is Revoked; a QE below every level is NotSupported. */
static void test_status_merges(void)
{
	tdx_verify_result *r = NULL;

	CU_ASSERT_EQUAL(verify_edited("qe_identity", "\"isvsvn\":4", "\"isvsvn\":9", 0, &r),
			TDX_E_TCB);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_OUT_OF_DATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r), "QE: OutOfDate"));
	CU_ASSERT_EQUAL(tdx_verify_result_advisory_count(r), 1); /* the QE level's */
	tdx_verify_result_free(r);

	CU_ASSERT_EQUAL(verify_edited("tcb_info", "\"isvsvn\":5", "\"isvsvn\":9", 0, &r), TDX_E_TCB);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_OUT_OF_DATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_result_explanation(r), "TDX module: OutOfDate"));
	tdx_verify_result_free(r);

	CU_ASSERT_EQUAL(verify_edited("qe_identity", "\"tcbStatus\":\"UpToDate\"",
				      "\"tcbStatus\":\"Revoked\"", 0, &r), TDX_E_TCB);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_REVOKED);
	tdx_verify_result_free(r);
}

static void test_qe_below_every_level(void)
{
	tdx_verify_result *r = NULL;
	char *once = replaced(tdx__jval_get(Col, "qe_identity")->str, "\"isvsvn\":4", "\"isvsvn\":9", 0);
	char *twice = replaced(once, "\"isvsvn\":0", "\"isvsvn\":8", 0);

	CU_ASSERT_EQUAL(verify_text("qe_identity", twice, &r), TDX_E_TCB);
	CU_ASSERT_EQUAL(tdx_verify_result_tcb_status(r), TDX_TCB_NOT_SUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, TDX_VERIFY_QE_IDENTITY),
				      "below every level"));
	tdx_verify_result_free(r);
	free(twice);
	free(once);
}

/* A CRL whose issuer is neither the root nor the PCK chain's CA. */
static void test_crl_from_elsewhere(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509_CRL *crl = X509_CRL_new();
	X509_NAME *name = X509_NAME_new();
	ASN1_TIME *t = ASN1_TIME_new();
	unsigned char *der = NULL;
	tdx_verify_result *r = NULL;
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(key);
	CU_ASSERT_FATAL(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						   (const unsigned char *)"Some Other CA", -1, -1, 0));
	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, name);
	ASN1_TIME_set_string_X509(t, "20200101000000Z");
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_set_string_X509(t, "20490101000000Z");
	X509_CRL_set1_nextUpdate(crl, t);
	CU_ASSERT_FATAL(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	n = i2d_X509_CRL(crl, &der);
	CU_ASSERT_FATAL(n > 0);
	{
		TDX_OPTS(tdx_verify_opts, o, .roots = (const uint8_t *)Root, .roots_len = strlen(Root),
			 .crls = der, .crls_len = (size_t)n);

		CU_ASSERT_EQUAL(tdx_quote_verify(Q, &o, &r), TDX_E_COLLATERAL);
		CU_ASSERT_EQUAL(tdx_verify_step_outcome(r, TDX_VERIFY_CRLS), TDX_STEP_FAILED);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_verify_step_message(r, TDX_VERIFY_CRLS),
					      "Some Other CA"));
		tdx_verify_result_free(r);
	}
	OPENSSL_free(der);
	ASN1_TIME_free(t);
	X509_NAME_free(name);
	X509_CRL_free(crl);
	EVP_PKEY_free(key);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_unedited_passes),
		TDX_TEST(test_tcb_info_rules),
		TDX_TEST(test_tdx_module_rules),
		TDX_TEST(test_qe_identity_rules),
		TDX_TEST(test_status_merges),
		TDX_TEST(test_qe_below_every_level),
		TDX_TEST(test_crl_from_elsewhere),
		{ NULL, NULL },
	};
	static uint8_t quote[16384];
	uint8_t data[64] = { 0 };
	size_t len = sizeof(quote), clen = 0;
	tdx_guest *g;
	char *col;
	int rc;

	if (tdx_emu_open(&E, NULL) || tdx_emu_guest(E, &g) ||
	    tdx_guest_get_quote(g, data, sizeof(data), quote, &len) ||
	    tdx_quote_parse(&Q, quote, len)) {
		fprintf(stderr, "setup: %s\n", tdx_error_last()->message);
		return 1;
	}
	tdx_guest_close(g);
	Root = tdx_emu_root_ca_pem(E);
	tdx_emu_collateral(E, 0, NULL, &clen);
	col = malloc(clen);
	if (!col || tdx_emu_collateral(E, 0, col, &clen) ||
	    tdx__jval_parse(&Col, col, strlen(col), "collateral")) {
		fprintf(stderr, "setup: %s\n", tdx_error_last()->message);
		return 1;
	}
	rc = tdx_test_run("verify-rules", tests);
	tdx__jval_free(Col);
	free(col);
	tdx_quote_free(Q);
	tdx_emu_close(E);
	return rc;
}
