/* SPDX-License-Identifier: MIT */
/*
 * The linux backend through real syscalls against tdx-fakefs, the FUSE fake
 * TDX guest kernel backed by the emulator: report, quote, RTMR extend, each
 * fault with its own code and message, and two processes quoting at once.
 * Skips (77) without the tool or /dev/fuse.
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"

extern char **environ;

static const char *tool;
static char mnt[] = "/tmp/libtdx-fakefs-XXXXXX";
static char spec[300];
static pid_t server;

/* Mount the fake kernel with the given faults; 0 when it serves. */
static int mount_fakefs(const char *fault1, const char *fault2)
{
	char emulated[400];
	char *argv[8];
	int n = 0;

	argv[n++] = (char *)tool;
	argv[n++] = mnt;
	if (fault1) {
		argv[n++] = (char *)"--fault";
		argv[n++] = (char *)fault1;
	}
	if (fault2) {
		argv[n++] = (char *)"--fault";
		argv[n++] = (char *)fault2;
	}
	argv[n] = NULL;
	{
		posix_spawn_file_actions_t fa;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
		if (posix_spawn(&server, tool, &fa, NULL, argv, environ) != 0)
			return -1;
		posix_spawn_file_actions_destroy(&fa);
	}
	snprintf(emulated, sizeof(emulated), "%s/EMULATED", mnt);
	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (access(emulated, F_OK) == 0)
			return 0;
		if (waitpid(server, NULL, WNOHANG) == server)
			return -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void unmount_fakefs(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "fusermount3 -u '%s' 2>/dev/null || umount -l '%s'", mnt, mnt);
	if (system(cmd) != 0)
		kill(server, SIGTERM);
	waitpid(server, NULL, 0);
}

static tdx_guest *open_linux(void)
{
	tdx_guest *g = NULL;

	CU_ASSERT_EQUAL(tdx_guest_open(&g, spec), TDX_OK);
	return g;
}

static void test_report_quote_rtmr(void)
{
	uint8_t data[64], report[1024], report2[1024], quote[16384], digest[48], buf[96], want[48];
	size_t len = sizeof(report), qlen = sizeof(quote);
	tdx_quote *q;
	unsigned n = 0;
	tdx_guest *g;

	CU_ASSERT_EQUAL_FATAL(mount_fakefs(NULL, NULL), 0);
	g = open_linux();
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(i * 3 + 1);
	CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
	CU_ASSERT_EQUAL(report[0], 0x81);
	CU_ASSERT_EQUAL(memcmp(report + 128, data, 64), 0);
	CU_ASSERT_EQUAL(tdx_guest_get_quote(g, data, 64, quote, &qlen), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, qlen), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_report_data(q), data, 64), 0);
	tdx_quote_free(q);
	/* Extend RTMR3 through sysfs; the next report shows SHA384(old || d). */
	memset(digest, 0x5c, sizeof(digest));
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(g, 3, digest, 48), TDX_OK);
	len = sizeof(report2);
	CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report2, &len), TDX_OK);
	memcpy(buf, report + 512 + 208 + 3 * 48, 48);
	memcpy(buf + 48, digest, 48);
	EVP_Digest(buf, 96, want, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(report2 + 512 + 208 + 3 * 48, want, 48), 0);
	/* ... and so does the sysfs register. */
	{
		uint8_t reg[48];
		TDX_OPTS(tdx_guest_caps, caps);

		CU_ASSERT_EQUAL(tdx_guest_rtmr_read(g, 3, reg, 48), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(reg, want, 48), 0);
		CU_ASSERT_EQUAL(tdx_guest_capabilities(g, &caps), TDX_OK);
		CU_ASSERT(caps.report && caps.quote && caps.rtmr_read && caps.rtmr_extend);
		CU_ASSERT_EQUAL(caps.tdcall, 0);
	}
	tdx_guest_close(g);
	unmount_fakefs();
}

/* Each fault: its own code and a message naming the cause. */
static void expect_fault(const char *fault, int (*call)(tdx_guest *), int code, const char *word)
{
	tdx_guest *g;

	CU_ASSERT_EQUAL_FATAL(mount_fakefs(fault, NULL), 0);
	g = open_linux();
	if (g) {
		TDX_ASSERT_FAILS(call(g), code, word);
		tdx_guest_close(g);
	}
	unmount_fakefs();
}

static int do_quote(tdx_guest *g)
{
	uint8_t data[64] = { 1 }, quote[16384];
	size_t qlen = sizeof(quote);

	return tdx_guest_get_quote(g, data, 64, quote, &qlen);
}

static int do_report(tdx_guest *g)
{
	uint8_t data[64] = { 1 }, report[1024];
	size_t len = sizeof(report);

	return tdx_guest_get_report(g, data, 64, report, &len);
}

static int do_extend(tdx_guest *g)
{
	uint8_t digest[48] = { 1 };

	return tdx_guest_rtmr_extend(g, 1, digest, 48);
}

static void test_faults(void)
{
	expect_fault("empty-outblob", do_quote, TDX_E_VMCALL, "outblob is empty");
	/* An outblob that never ends: refused at 128 KiB, not read forever. */
	expect_fault("endless-outblob", do_quote, TDX_E_OS, "larger than any quote");
	expect_fault("generation-bump", do_quote, TDX_E_RETRY, "generation");
	expect_fault("provider=sev_guest", do_quote, TDX_E_NOT_SUPPORTED, "not tdx_guest");
	expect_fault("no-measurements", do_extend, TDX_E_NOT_SUPPORTED, "6.16");
	expect_fault("no-device", do_report, TDX_E_NO_DEVICE, "tdx_guest driver");
	expect_fault("no-configfs", do_quote, TDX_E_NOT_SUPPORTED, "Linux >= 6.7");
}

/* A child quoting n times with its own report data; 0 if every quote was its own. */
static int quoter(uint8_t tag, int n)
{
	tdx_guest *g;
	int bad = 0;

	if (tdx_guest_open(&g, spec))
		return 2;
	for (int i = 0; i < n; i++) {
		uint8_t data[64], quote[16384];
		size_t qlen = sizeof(quote);
		tdx_quote *q;
		int rc;

		memset(data, tag, sizeof(data));
		data[0] = (uint8_t)i;
		rc = tdx_guest_get_quote(g, data, 64, quote, &qlen);
		if (rc == TDX_E_RETRY)
			continue; /* a clear retry-exhausted error is allowed */
		if (rc || tdx_quote_parse(&q, quote, qlen)) {
			bad = 1;
			continue;
		}
		bad |= memcmp(tdx_quote_report_data(q), data, 64) != 0;
		tdx_quote_free(q);
	}
	tdx_guest_close(g);
	return bad;
}

static void test_concurrent_quotes(void)
{
	pid_t kids[2];
	int status;

	CU_ASSERT_EQUAL_FATAL(mount_fakefs(NULL, NULL), 0);
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0)
			_exit(quoter((uint8_t)(0xA0 + k), 6));
	}
	for (int k = 0; k < 2; k++) {
		CU_ASSERT_EQUAL(waitpid(kids[k], &status, 0), kids[k]);
		CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	unmount_fakefs();
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_report_quote_rtmr),
		TDX_TEST(test_faults),
		TDX_TEST(test_concurrent_quotes),
		{ NULL, NULL },
	};
	char cmd[400];
	int rc;

	tool = getenv("TDX_FAKEFS");
	if (!tool || !*tool || access(tool, X_OK) != 0) {
		fprintf(stderr, "SKIP: tdx-fakefs was not built (needs libfuse3): set TDX_FAKEFS\n");
		return TDX_TEST_SKIP;
	}
	if (access("/dev/fuse", R_OK | W_OK) != 0) {
		perror("SKIP: this test needs /dev/fuse");
		return TDX_TEST_SKIP;
	}
	if (!mkdtemp(mnt))
		return 1;
	snprintf(spec, sizeof(spec), "linux:root=%s", mnt);
	if (mount_fakefs(NULL, NULL) != 0) {
		fprintf(stderr, "SKIP: cannot mount tdx-fakefs on %s (FUSE not permitted here)\n", mnt);
		rmdir(mnt);
		return TDX_TEST_SKIP;
	}
	unmount_fakefs();
	rc = tdx_test_run("linux-fakefs", tests);
	snprintf(cmd, sizeof(cmd), "rmdir '%s'", mnt);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
