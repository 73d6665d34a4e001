/* SPDX-License-Identifier: MIT */
/* tdx_guest_rtmr_read, tdx_guest_get_eventlog and tdx_guest_capabilities
 * on the emulator and on the linux backend over plain directory trees. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"

static void test_emu(void)
{
	TDX_OPTS(tdx_guest_caps, caps);
	uint8_t before[48], after[48], d[48], buf[96], want[48], log[16];
	size_t len = sizeof(log);
	unsigned n = 0;
	tdx_guest *g;

	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, "emu"), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_read(g, 1, before, 48), TDX_OK);
	memset(d, 7, sizeof(d));
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(g, 1, d, 48), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_read(g, 1, after, 48), TDX_OK);
	memcpy(buf, before, 48);
	memcpy(buf + 48, d, 48);
	EVP_Digest(buf, 96, want, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(after, want, 48), 0);
	TDX_ASSERT_FAILS(tdx_guest_rtmr_read(g, 4, after, 48), TDX_E_INVALID, "0..3");
	TDX_ASSERT_FAILS(tdx_guest_rtmr_read(g, 0, after, 32), TDX_E_INVALID, "48-byte");
	TDX_ASSERT_FAILS(tdx_guest_get_eventlog(g, log, &len), TDX_E_NOT_SUPPORTED, "event log");
	CU_ASSERT_EQUAL(tdx_guest_capabilities(g, &caps), TDX_OK);
	CU_ASSERT(caps.tdcall && caps.report && caps.quote && caps.rtmr_read && caps.rtmr_extend);
	CU_ASSERT_EQUAL(caps.eventlog, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(caps.detail, "event log"));
	TDX_ASSERT_FAILS(tdx_guest_capabilities(g, NULL), TDX_E_INVALID, "caps");
	TDX_ASSERT_FAILS(tdx_guest_capabilities(NULL, &caps), TDX_E_INVALID, "g is NULL");
	tdx_guest_close(g);
}

static char root[] = "/tmp/libtdx-caps-XXXXXX";

static void put(const char *rel, const void *data, size_t n)
{
	char p[512], *s;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

static void test_linux(void)
{
	TDX_OPTS(tdx_guest_caps, caps);
	uint8_t reg[48], got[48], log[64] = "a CCEL log area", out[64];
	size_t len = 4;
	char spec[300];
	tdx_guest *g;

	memset(reg, 0x3c, sizeof(reg));
	put("dev/tdx_guest", "", 0);
	put("sys/devices/virtual/misc/tdx_guest/measurements/rtmr0:sha384", reg, 48);
	snprintf(spec, sizeof(spec), "linux:root=%s", root);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, spec), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_read(g, 0, got, 48), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(got, reg, 48), 0);
	/* No log yet: said so. */
	TDX_ASSERT_FAILS(tdx_guest_get_eventlog(g, out, &len), TDX_E_NO_DEVICE, "no CC event log");
	CU_ASSERT_EQUAL(tdx_guest_capabilities(g, &caps), TDX_OK);
	CU_ASSERT_EQUAL(caps.tdcall, 0);
	CU_ASSERT_EQUAL(caps.report, 1);
	CU_ASSERT_EQUAL(caps.quote, 0);
	CU_ASSERT_EQUAL(caps.rtmr_read, 1);
	CU_ASSERT_EQUAL(caps.eventlog, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(caps.detail, "configfs not mounted"));
	put("sys/firmware/acpi/tables/data/CCEL", log, sizeof(log));
	len = 4;
	TDX_ASSERT_FAILS(tdx_guest_get_eventlog(g, out, &len), TDX_E_BUFFER_TOO_SMALL, "bytes");
	CU_ASSERT_EQUAL(len, sizeof(log));
	CU_ASSERT_EQUAL(tdx_guest_get_eventlog(g, out, &len), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(out, log, sizeof(log)), 0);
	CU_ASSERT_EQUAL(tdx_guest_capabilities(g, &caps), TDX_OK);
	CU_ASSERT_EQUAL(caps.eventlog, 1);
	tdx_guest_close(g);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_emu),
		TDX_TEST(test_linux),
		{ NULL, NULL },
	};
	char cmd[400];
	int rc;

	if (!mkdtemp(root))
		return 1;
	rc = tdx_test_run("guest-caps", tests);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
