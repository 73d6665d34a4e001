/* SPDX-License-Identifier: MIT */
/*
 * TD-in-a-box round trips, timed around the payload's bench mode
 * (tools/payload): a trapped TDG.VP.INFO (KVM stops on TDCALL, the
 * emulated module answers, the guest resumes) and a TDVMCALL
 * GetTdVmCallInfo that reaches the host's exit handler, each as a ratio
 * to the reference measured in the same VM in the same run: an OUT
 * instruction's plain KVM exit to user space and back (tdx_vcpu_run
 * returning TDX_EXIT_IO).  Needs /dev/kvm (prints why not and exits 0).
 *
 * usage: bench_box [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "box.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static unsigned long handler_calls;

static void count_exits(void *ctx, tdx_vcpu *vcpu, tdx_exit *e)
{
	(void)ctx, (void)vcpu;
	if (e->reason == TDX_EXIT_TDVMCALL)
		handler_calls++;
}

/* Run to the payload's next TDVMCALL<HLT>; count the IO exits on the way. */
static int run_to_hlt(box *b, unsigned long *io_exits)
{
	TDX_OPTS(tdx_exit, e);

	for (;;) {
		if (tdx_vcpu_run(b->vcpu, &e))
			return -1;
		if (e.reason == TDX_EXIT_HLT)
			return 0;
		if (e.reason != TDX_EXIT_IO)
			return -1;
		(*io_exits)++;
	}
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000, io = 0;
	const char *why = box_kvm_missing(), *step;
	double t[4];
	box b;

	if (why) {
		printf("bench_box: skipped: %s\n", why);
		return 0;
	}
	if (!n || n >= (1UL << 24)) {
		fprintf(stderr, "usage: bench_box [ITERATIONS < 2^24]\n");
		return 2;
	}
	if (box_launch(&b, BOX_BENCH | (n << 8), 0, &step)) {
		fprintf(stderr, "bench_box: %s: %s\n", step, tdx_error_last()->message);
		return 1;
	}
	tdx_vm_set_exit_handler(b.vm, count_exits, NULL);
	for (int i = 0; i < 4; i++) {
		if (run_to_hlt(&b, &io)) {
			fprintf(stderr, "bench_box: the payload stopped early: %s\n",
				tdx_error_last()->message);
			box_close(&b);
			return 1;
		}
		t[i] = now_ns();
	}
	box_close(&b);
	if (io != n || handler_calls != n) {
		fprintf(stderr, "bench_box: %lu IO exits and %lu handler calls, not %lu\n", io,
			handler_calls, n);
		return 1;
	}
	{
		double vp = (t[1] - t[0]) / (double)n, vmcall = (t[2] - t[1]) / (double)n;
		double out = (t[3] - t[2]) / (double)n;

		printf("%lu round trips each, from guest code in a VM on /dev/kvm\n", n);
		printf("reference: OUT, a plain KVM exit to user space   %8.0f ns\n", out);
		printf("trapped TDG.VP.INFO (emulated module)            %8.0f ns  ratio %.2fx\n", vp,
		       vp / out);
		printf("TDVMCALL GetTdVmCallInfo to the host handler     %8.0f ns  ratio %.2fx\n",
		       vmcall, vmcall / out);
	}
	return 0;
}
