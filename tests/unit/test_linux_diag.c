/* SPDX-License-Identifier: MIT */
/*
 * The linux backend's diagnostics against directory trees that lack what a
 * TD's kernel offers (linux:root=DIR): each missing piece is named with its
 * path, the cause in words and what to do.  The full behaviour runs against
 * the FUSE fake kernel (tests/fakefs).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char root[] = "/tmp/libtdx-linux-XXXXXX";
static char spec[300];

static void mk(const char *rel)
{
	char p[512], *s;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void touch(const char *rel)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

static void test_nothing_there(void)
{
	tdx_guest *g;

	TDX_ASSERT_FAILS(tdx_guest_open(&g, spec), TDX_E_NO_DEVICE, "tdx_guest driver");
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "configfs not mounted"));
	TDX_ASSERT_FAILS(tdx_guest_open(&g, "linux:rooot=/x"), TDX_E_INVALID, "not known");
}

static void test_missing_pieces(void)
{
	uint8_t data[64] = { 0 }, report[1024], quote[64], digest[48] = { 1 };
	size_t len = sizeof(report), qlen = sizeof(quote);
	tdx_guest *g;

	/* A device file that is not the driver: the ioctl is refused. */
	mk("dev");
	touch("dev/tdx_guest");
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, spec), TDX_OK);
	CU_ASSERT_STRING_EQUAL(tdx_guest_backend_name(g), "linux");
	TDX_ASSERT_FAILS(tdx_guest_get_report(g, data, 64, report, &len), TDX_E_NOT_SUPPORTED,
			 "does not offer the report ioctl");
	/* No configfs at all, then configfs without tsm. */
	TDX_ASSERT_FAILS(tdx_guest_get_quote(g, data, 64, quote, &qlen), TDX_E_NO_DEVICE,
			 "configfs is not mounted");
	mk("sys/kernel/config");
	TDX_ASSERT_FAILS(tdx_guest_get_quote(g, data, 64, quote, &qlen), TDX_E_NOT_SUPPORTED,
			 "Linux >= 6.7");
	/* configfs-tsm without a provider (a plain directory gives no attributes). */
	mk("sys/kernel/config/tsm/report");
	TDX_ASSERT_FAILS(tdx_guest_get_quote(g, data, 64, quote, &qlen), TDX_E_NO_DEVICE,
			 "no TSM provider");
	/* Our entry was removed again. */
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/sys/kernel/config/tsm/report", root);
		CU_ASSERT_EQUAL(rmdir(p), 0); /* empty */
		mkdir(p, 0755);
	}
	/* No sysfs measurement registers: a pre-6.16 kernel. */
	TDX_ASSERT_FAILS(tdx_guest_rtmr_extend(g, 2, digest, 48), TDX_E_NOT_SUPPORTED, "6.16");
	/* With them, an extend is one 48-byte write to rtmrN:sha384. */
	mk("sys/devices/virtual/misc/tdx_guest/measurements");
	touch("sys/devices/virtual/misc/tdx_guest/measurements/rtmr2:sha384");
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(g, 2, digest, 48), TDX_OK);
	{
		char p[512];
		uint8_t back[64];
		FILE *f;

		snprintf(p, sizeof(p), "%s/sys/devices/virtual/misc/tdx_guest/measurements/rtmr2:sha384",
			 root);
		f = fopen(p, "rb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(fread(back, 1, sizeof(back), f), 48);
		CU_ASSERT_EQUAL(memcmp(back, digest, 48), 0);
		fclose(f);
	}
	TDX_ASSERT_FAILS(tdx_guest_rtmr_extend(g, 1, digest, 48), TDX_E_NO_DEVICE, "rtmr1:sha384");
	/* TDCALL itself is not for user space. */
	{
		TDX_OPTS(tdx_vp_info, v);

		TDX_ASSERT_FAILS(tdx_tdg_vp_info(g, &v), TDX_E_NOT_SUPPORTED, "cannot execute TDCALL");
	}
	tdx_guest_close(g);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_nothing_there),
		TDX_TEST(test_missing_pieces),
		{ NULL, NULL },
	};
	char cmd[400];
	int rc;

	if (!mkdtemp(root))
		return 1;
	snprintf(spec, sizeof(spec), "linux:root=%s", root);
	rc = tdx_test_run("linux-diagnostics", tests);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
