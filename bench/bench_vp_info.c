/* SPDX-License-Identifier: MIT */
/*
 * ns per tdx_tdg_vp_info on the emulator through the public API, against a
 * direct call of the emulator's transport with the same registers (the
 * emulated module's entry, lock included).  The ratio is the cost of the
 * public wrapper: argument checks, marshalling, decoding.  Goal <= 1.1x.
 *
 * usage: bench_vp_info [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "emu/emu_internal.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	TDX_OPTS(tdx_vp_info, info);
	volatile uint64_t sink = 0;
	double t0, api = 1e300, direct = 1e300;
	tdx_emu *emu;
	tdx_guest *g;

	if (n <= 0 || tdx_emu_open(&emu, NULL) || tdx_emu_guest(emu, &g)) {
		fprintf(stderr, "usage: %s [ITERATIONS>0]; %s\n", argv[0], tdx_error_last()->message);
		return 1;
	}
	/* Best of 5 rounds each, interleaved, to damp noise from the other core. */
	for (int round = 0; round < 5; round++) {
		t0 = now_ns();
		for (long i = 0; i < n; i++) {
			tdx_tdg_vp_info(g, &info);
			sink += info.vcpu_index;
		}
		if ((now_ns() - t0) / (double)n < api)
			api = (now_ns() - t0) / (double)n;
		t0 = now_ns();
		for (long i = 0; i < n; i++) {
			tdx_regs r = { .rax = 1 };

			tdx__emu_transport(emu, &r);
			sink += r.r9;
		}
		if ((now_ns() - t0) / (double)n < direct)
			direct = (now_ns() - t0) / (double)n;
	}
	printf("tdx_tdg_vp_info (public API, emu): %.1f ns/call\n", api);
	printf("emulator transport (direct):       %.1f ns/call\n", direct);
	printf("ratio api/direct: %.2fx (goal <= 1.10x)\n", api / direct);
	tdx_guest_close(g);
	tdx_emu_close(emu);
	return (int)(sink & 0);
}
