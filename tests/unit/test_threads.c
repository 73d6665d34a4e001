/* SPDX-License-Identifier: MIT */
/*
 * Threads get their own answers: N threads x M calls, each with its own
 * guest handle, on one emulator (which tdx.h allows) and on one emulator
 * each.  Every report must carry its own caller's report data, every quote
 * its own caller's report, and each RTMR must equal the replay of the
 * extends its one thread made.  (The high-level calls stage their data in
 * one scratch area per emulator: without holding it for the whole
 * write-call-read sequence, threads read each other's reports.)
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <tdx/quote.h>

#include "harness.h"

#define THREADS 8
#define REPORTS 500
#define QUOTES 40
#define EXTENDS 200
#define REPORT_DATA_OFF 128 /* REPORTMACSTRUCT.REPORTDATA */
#define RTMR_OFF (512 + 208) /* TDINFO.RTMR[0] */

typedef struct worker {
	tdx_emu *emu;
	unsigned id;
	unsigned wrong;  /* answers that were not this thread's */
	unsigned failed; /* calls that failed */
	uint8_t rtmr[48];
} worker;

/* One call of a kind: counts a failure or a wrong answer in w. */
typedef struct kind {
	void (*call)(worker *w, tdx_guest *g, unsigned i);
	unsigned calls;
} kind;

static void data_for(uint8_t data[64], unsigned id, unsigned i)
{
	memset(data, 0, 64);
	snprintf((char *)data, 64, "thread %u call %u", id, i);
}

static void report_call(worker *w, tdx_guest *g, unsigned i)
{
	uint8_t data[64], report[1024];
	size_t len = sizeof(report);

	data_for(data, w->id, i);
	if (tdx_guest_get_report(g, data, sizeof(data), report, &len))
		w->failed++;
	else if (memcmp(report + REPORT_DATA_OFF, data, 64))
		w->wrong++;
}

static void quote_call(worker *w, tdx_guest *g, unsigned i)
{
	uint8_t data[64], quote[16384];
	size_t len = sizeof(quote);
	tdx_quote *q = NULL;

	data_for(data, w->id, i);
	if (tdx_guest_get_quote(g, data, sizeof(data), quote, &len) ||
	    tdx_quote_parse(&q, quote, len))
		w->failed++;
	else if (memcmp(tdx_quote_report_data(q), data, 64))
		w->wrong++;
	tdx_quote_free(q);
}

/* Thread id extends RTMR id (0..3); w->rtmr replays it. */
static void extend_call(worker *w, tdx_guest *g, unsigned i)
{
	uint8_t digest[48] = { 0 };

	snprintf((char *)digest, sizeof(digest), "rtmr %u extend %u", w->id, i);
	if (tdx_guest_rtmr_extend(g, w->id, digest, sizeof(digest)))
		w->failed++;
	tdx_measure_rtmr_extend(w->rtmr, digest, sizeof(digest));
}

static const kind reports = { report_call, REPORTS };
static const kind quotes = { quote_call, QUOTES };
static const kind extends = { extend_call, EXTENDS };

typedef struct thread_arg {
	worker *w;
	const kind *k;
} thread_arg;

/* A thread: its own guest handle, k->calls calls. */
static void *thread_main(void *arg)
{
	const thread_arg *a = arg;
	tdx_guest *g;

	if (tdx_emu_guest(a->w->emu, &g)) {
		a->w->failed++;
		return NULL;
	}
	for (unsigned i = 0; i < a->k->calls; i++)
		a->k->call(a->w, g, i);
	tdx_guest_close(g);
	return NULL;
}

/* n threads of calls of kind k, on one emulator (shared) or one each. */
static void run(const kind *k, unsigned n, int shared, worker *w)
{
	pthread_t t[THREADS];
	thread_arg args[THREADS];
	tdx_emu *one = NULL;

	if (shared)
		CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&one, NULL), TDX_OK);
	for (unsigned i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		w[i].emu = one;
		if (!shared)
			CU_ASSERT_EQUAL_FATAL(tdx_emu_open(&w[i].emu, NULL), TDX_OK);
	}
	for (unsigned i = 0; i < n; i++) {
		args[i] = (thread_arg){ &w[i], k };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, thread_main, &args[i]), 0);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (k == &extends) { /* each RTMR is its thread's replay */
		for (unsigned i = 0; i < n; i++) {
			uint8_t data[64] = { 0 }, report[1024];
			size_t len = sizeof(report);
			tdx_guest *g;

			CU_ASSERT_EQUAL_FATAL(tdx_emu_guest(w[i].emu, &g), TDX_OK);
			CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
			if (memcmp(report + RTMR_OFF + 48 * i, w[i].rtmr, 48))
				w[i].wrong++;
			tdx_guest_close(g);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(w[i].failed, 0);
		CU_ASSERT_EQUAL(w[i].wrong, 0);
		if (w[i].wrong)
			fprintf(stderr, "thread %u: %u answers were another thread's\n", i, w[i].wrong);
		if (!shared)
			tdx_emu_close(w[i].emu);
	}
	tdx_emu_close(one);
}

static void test_reports_one_emulator(void)
{
	worker w[THREADS];

	run(&reports, THREADS, 1, w);
}

static void test_quotes_one_emulator(void)
{
	worker w[THREADS];

	run(&quotes, THREADS, 1, w);
}

static void test_extends_one_emulator(void)
{
	worker w[THREADS];

	run(&extends, 4, 1, w);
}

static void test_separate_emulators(void)
{
	worker w[THREADS];

	run(&reports, THREADS, 0, w);
	run(&quotes, 4, 0, w);
	run(&extends, 4, 0, w);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_reports_one_emulator),
		TDX_TEST(test_quotes_one_emulator),
		TDX_TEST(test_extends_one_emulator),
		TDX_TEST(test_separate_emulators),
		{ NULL, NULL },
	};

	return tdx_test_run("threads", tests);
}
