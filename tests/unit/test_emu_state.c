/* SPDX-License-Identifier: MIT */
/*
 * state=FILE: the emulated TD persists across processes (an RTMR extended
 * in one process shows in the next one's report), is saved atomically,
 * and a corrupt or foreign file is refused and left untouched.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"

static char dir[] = "/tmp/libtdx-state-XXXXXX";
static char path[256], spec[300];

static const uint8_t digest[48] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static int rtmr1_of_new_report(const char *backend, uint8_t out[48])
{
	tdx_guest *g;
	uint8_t data[64] = { 0 }, report[1024];
	size_t len = sizeof(report);
	int rc = tdx_guest_open(&g, backend);

	if (rc)
		return rc;
	rc = tdx_guest_get_report(g, data, 64, report, &len);
	tdx_guest_close(g);
	memcpy(out, report + 512 + 208 + 48, 48);
	return rc;
}

static void test_extend_visible_in_next_process(void)
{
	uint8_t got[48], buf[96], want[48];
	unsigned n = 0;
	int status = -1;
	pid_t pid = fork();

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) { /* the first process extends RTMR1 and exits */
		tdx_guest *g;

		_exit(tdx_guest_open(&g, spec) || tdx_guest_rtmr_extend(g, 1, digest, 48) ||
		      (tdx_guest_close(g), 0));
	}
	waitpid(pid, &status, 0);
	CU_ASSERT_EQUAL_FATAL(status, 0);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	/* The next process sees RTMR1 = SHA384(0^48 || digest). */
	CU_ASSERT_EQUAL(rtmr1_of_new_report(spec, got), TDX_OK);
	memset(buf, 0, 48);
	memcpy(buf + 48, digest, 48);
	EVP_Digest(buf, 96, want, &n, EVP_sha384(), NULL);
	CU_ASSERT_EQUAL(memcmp(got, want, 48), 0);
	/* A report from the reloaded TD still verifies: the platform persisted too. */
	{
		tdx_guest *a, *b;
		uint8_t data[64] = { 0 }, report[1024];
		size_t len = sizeof(report);

		CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&a, spec), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_get_report(a, data, 64, report, &len), TDX_OK);
		tdx_guest_close(a);
		CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&b, spec), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_verify_report(b, report, len), TDX_OK);
		tdx_guest_close(b);
	}
	/* No temporary file is left behind. */
	{
		char tmp[300];

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
	}
}

static void test_one_open_at_a_time(void)
{
	tdx_guest *a, *b;

	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&a, spec), TDX_OK);
	TDX_ASSERT_FAILS(tdx_guest_open(&b, spec), TDX_E_RETRY, "open in another");
	tdx_guest_close(a);
}

static void test_conflicting_config_refused(void)
{
	char other[400];
	tdx_guest *g;

	snprintf(other, sizeof(other), "%s,attributes=0x50000000", spec);
	TDX_ASSERT_FAILS(tdx_guest_open(&g, other), TDX_E_STATE, "attributes");
}

/* Refused files keep every byte. */
static void expect_refused(const char *name, const void *content, size_t n, const char *word)
{
	char p[300], s[400];
	unsigned char back[256];
	tdx_guest *g;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(content, 1, n, f);
	fclose(f);
	snprintf(s, sizeof(s), "emu:state=%s", p);
	TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_INVALID, word);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "left untouched"));
	f = fopen(p, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fread(back, 1, sizeof(back), f), n);
	fclose(f);
	CU_ASSERT_EQUAL(memcmp(back, content, n), 0);
}

static void test_foreign_file_refused(void)
{
	static const char text[] = "this is somebody's notes, not an emulator state file\n";

	expect_refused("foreign", text, sizeof(text) - 1, "not a libtdx emulator state file");
}

static void test_corrupt_file_refused(void)
{
	unsigned char *buf;
	char p[300], s[400];
	struct stat st;
	FILE *f;
	tdx_guest *g;

	/* Damage one byte of a real state file: the checksum catches it. */
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size);
	f = fopen(path, "rb");
	CU_ASSERT_FATAL(buf && f && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size);
	fclose(f);
	buf[200] ^= 0x40;
	snprintf(p, sizeof(p), "%s/corrupt", dir);
	f = fopen(p, "wb");
	fwrite(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	snprintf(s, sizeof(s), "emu:state=%s", p);
	TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_INVALID, "corrupt");
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	f = fopen(p, "rb");
	{
		unsigned char c = 0;

		fseek(f, 200, SEEK_SET);
		CU_ASSERT_EQUAL(fread(&c, 1, 1, f), 1);
		CU_ASSERT_EQUAL(c, buf[200]);
	}
	fclose(f);
	/* Truncated: refused the same way. */
	expect_refused("truncated", buf, 100, "truncated");
	free(buf);
}

/* The state file's bytes, read whole (the caller frees). */
static unsigned char *slurp(const char *p, size_t *n)
{
	struct stat st;
	unsigned char *buf;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(stat(p, &st), 0);
	*n = (size_t)st.st_size;
	buf = malloc(*n);
	f = fopen(p, "rb");
	CU_ASSERT_FATAL(buf && f && fread(buf, 1, *n, f) == *n);
	fclose(f);
	return buf;
}

/* D3: an extend acknowledged before SIGKILL is there after a restart. */
static void test_extend_survives_sigkill(void)
{
	uint8_t got[48], want[48] = { 0 };
	char p[300], s[400];
	int status = -1;
	pid_t pid;

	snprintf(p, sizeof(p), "%s/killed", dir);
	snprintf(s, sizeof(s), "emu:mem=8M,accepted=4M,state=%s", p);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) { /* extend 5 times, acknowledged, then die without closing */
		tdx_guest *g;

		if (tdx_guest_open(&g, s))
			_exit(1);
		for (int i = 0; i < 5; i++)
			if (tdx_guest_rtmr_extend(g, 1, digest, 48))
				_exit(1);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	CU_ASSERT_FATAL(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	for (int i = 0; i < 5; i++)
		tdx_measure_rtmr_extend(want, digest, 48);
	CU_ASSERT_EQUAL(rtmr1_of_new_report(s, got), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(got, want, 48), 0);
}

/* D4: a planted symlink is never followed; new files are 0600. */
static void test_state_file_safety(void)
{
	char p[300], s[400], tmp[320], lock[320], target[300];
	struct stat st;
	tdx_guest *g;
	FILE *f;
	char back[16] = { 0 };

	snprintf(p, sizeof(p), "%s/safe", dir);
	snprintf(s, sizeof(s), "emu:mem=8M,accepted=4M,state=%s", p);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	snprintf(lock, sizeof(lock), "%s.lock", p);
	snprintf(target, sizeof(target), "%s/victim", dir);
	f = fopen(target, "w");
	fputs("precious", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(symlink(target, tmp), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, s), TDX_OK);
	CU_ASSERT_EQUAL(tdx_guest_rtmr_extend(g, 2, digest, 48), TDX_OK);
	tdx_guest_close(g);
	f = fopen(target, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fread(back, 1, sizeof(back) - 1, f) == 8);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(back, "precious"); /* untouched */
	CU_ASSERT_EQUAL(lstat(tmp, &st), -1);       /* the planted link is gone */
	CU_ASSERT_EQUAL_FATAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(stat(lock, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0077, 0);
	/* The lock file as a link: refused, not followed. */
	unlink(lock);
	CU_ASSERT_EQUAL_FATAL(symlink(target, lock), 0);
	TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_OS, "lock");
	unlink(lock);
	/* The state file as a link, or writable by everyone: refused. */
	{
		char link[320];

		snprintf(link, sizeof(link), "%s/via-link", dir);
		CU_ASSERT_EQUAL_FATAL(symlink(p, link), 0);
		snprintf(s, sizeof(s), "emu:mem=8M,accepted=4M,state=%s", link);
		CU_ASSERT_NOT_EQUAL(tdx_guest_open(&g, s), TDX_OK);
		CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "symbolic link"));
	}
	snprintf(s, sizeof(s), "emu:mem=8M,accepted=4M,state=%s", p);
	CU_ASSERT_EQUAL(chmod(p, 0666), 0);
	TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_PERM, "writable by everyone");
	CU_ASSERT_EQUAL(chmod(p, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_open(&g, s), TDX_OK);
	tdx_guest_close(g);
}

/* D6: a huge file is refused on its size, before it is read. */
static void test_huge_file_refused(void)
{
	unsigned char *buf;
	size_t n;
	char p[300];
	FILE *f;

	buf = slurp(path, &n);
	snprintf(p, sizeof(p), "%s/huge", dir);
	f = fopen(p, "wb");
	CU_ASSERT_FATAL(f != NULL);
	fwrite(buf, 1, 200, f); /* a real header */
	CU_ASSERT_EQUAL(ftruncate(fileno(f), 4LL << 30), 0); /* sparse 4 GiB */
	fclose(f);
	free(buf);
	{
		tdx_guest *g;
		char s[400];
		int status = -1;
		pid_t pid;

		snprintf(s, sizeof(s), "emu:state=%s", p);
		TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_INVALID, "size does not match");
		/* ... with no room to read it: the size is checked first.  (Not
		 * under ASan, which reserves more address space than this.) */
#ifndef __SANITIZE_ADDRESS__
		pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			struct rlimit lim = { 512u << 20, 512u << 20 };

			setrlimit(RLIMIT_AS, &lim);
			_exit(tdx_guest_open(&g, s) == TDX_E_INVALID &&
				      strstr(tdx_error_last()->message, "size does not match") ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		CU_ASSERT_EQUAL(status, 0);
#else
		(void)status;
		(void)pid;
#endif
	}
	unlink(p);
}

/* D7: page states and 2M mappings out of range, with a valid checksum. */
static void test_crafted_ranges_refused(void)
{
	static const size_t config = 16 + 4 + 10 * 8 + 4 * 48; /* magic, format, saved_config */
	size_t n, state_off;
	unsigned char *orig = slurp(path, &n), *buf = malloc(n);
	unsigned len = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	/* The page states follow the config and the TD's fixed state, whose size
	 * is what is left: n = config + td + pages + chunks + pages * 6 + 32. */
	state_off = n - 32 - (8u << 20) / 4096 * 6 - 4 - (8u << 20) / 4096; /* mem=8M: 4 chunks */
	CU_ASSERT(state_off > config);
	for (int c = 0; c < 2; c++) {
		char p[300], s[400];
		tdx_guest *g;
		FILE *f;

		memcpy(buf, orig, n);
		if (c == 0)
			buf[state_off + 5] = 7; /* a page state that does not exist */
		else { /* chunk 3 mapped as one 2M page, but its pages differ */
			buf[state_off + 1536] = 1;
			buf[state_off + (8u << 20) / 4096 + 3] = 1;
		}
		EVP_Digest(buf, n - 32, buf + n - 32, &len, EVP_sha256(), NULL);
		snprintf(p, sizeof(p), "%s/crafted%d", dir, c);
		f = fopen(p, "wb");
		fwrite(buf, 1, n, f);
		fclose(f);
		snprintf(s, sizeof(s), "emu:state=%s", p);
		TDX_ASSERT_FAILS(tdx_guest_open(&g, s), TDX_E_INVALID, "out of range");
	}
	free(buf);
	free(orig);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_extend_visible_in_next_process),
		TDX_TEST(test_one_open_at_a_time),
		TDX_TEST(test_conflicting_config_refused),
		TDX_TEST(test_foreign_file_refused),
		TDX_TEST(test_corrupt_file_refused),
		TDX_TEST(test_extend_survives_sigkill),
		TDX_TEST(test_state_file_safety),
		TDX_TEST(test_huge_file_refused),
		TDX_TEST(test_crafted_ranges_refused),
		{ NULL, NULL },
	};
	char cmd[300];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/td.state", dir);
	snprintf(spec, sizeof(spec), "emu:mem=8M,accepted=4M,state=%s", path);
	rc = tdx_test_run("emu-state", tests);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
