/* SPDX-License-Identifier: MIT */
/*
 * tdx_quote_verify over the seven real quotes of ../shared/vectors (with
 * their collateral where the vectors have it), at the times their upstream
 * tests use: the first verification of each quote in this process (cold:
 * certificates parsed, chain and QE report checked), then verified quotes
 * per second once the verifier has seen the platforms (warm: each quote's
 * own signature is still checked every time), and the heap a result holds.
 * bench/bench_verify.sh sets these beside go-tdx-guest's, measured in the
 * same run.  Exits 0 with a note when the vectors are absent.
 *
 * usage: bench_verify [ITERATIONS]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdx/tdx.h>

static const struct {
	const char *quote, *collateral;
	long long at;
} vectors[] = {
	{ "go-tdx-guest_quote_v4_prod_SPR_E4.bin", NULL, 1688173200 },
	{ "go-tdx-guest_quote_v5_sample.bin", NULL, 1770080400 },
	{ "go-tdx-guest_quote_v4_cos113_matching_ccel.bin", NULL, 1770080400 },
	{ "coco-trustee_quote_v4_tdx10.bin", NULL, 1770080400 },
	{ "coco-trustee_quote_v5_tdx15.bin", NULL, 1770080400 },
	{ "dcap-qvl_quote_v4_uptodate.bin", "dcap-qvl_quote_v4_uptodate_collateral.json", 1752919234 },
	{ "dcap-qvl_quote_v5_outdated.bin", "dcap-qvl_quote_v5_outdated_collateral.json", 1774003274 },
};
#define N_VECTORS (sizeof(vectors) / sizeof(vectors[0]))

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("TDX_VECTORS_DIR") ? getenv("TDX_VECTORS_DIR") : "../shared/vectors";
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;
	tdx_quote *q[N_VECTORS];
	tdx_verify_opts o[N_VECTORS];
	char *col[N_VECTORS];
	double cold = 0, t0, t1;
	size_t held = 0;

	for (size_t i = 0; i < N_VECTORS; i++) {
		size_t len;
		char *raw = slurp(dir, vectors[i].quote, &len);

		if (!raw) {
			printf("bench_verify: skipped: no vectors at %s\n", dir);
			return 0;
		}
		if (tdx_quote_parse(&q[i], (uint8_t *)raw, len)) {
			fprintf(stderr, "%s: %s\n", vectors[i].quote, tdx_error_last()->message);
			return 1;
		}
		free(raw);
		col[i] = vectors[i].collateral ? slurp(dir, vectors[i].collateral, &len) : NULL;
		tdx_verify_opts_init(&o[i], sizeof(o[i]));
		o[i].at = vectors[i].at;
		o[i].collateral = col[i];
		o[i].collateral_len = col[i] ? strlen(col[i]) : 0;
	}
	/* Cold: each quote once. */
	for (size_t i = 0; i < N_VECTORS; i++) {
		tdx_verify_result *r = NULL;

		t0 = now_us();
		tdx_quote_verify(q[i], &o[i], &r);
		t1 = now_us();
		cold += t1 - t0;
		if (!r) {
			fprintf(stderr, "%s: %s\n", vectors[i].quote, tdx_error_last()->message);
			return 1;
		}
		tdx_verify_result_free(r);
	}
	/* The heap a result holds (caches already filled). */
	for (size_t i = 0; i < N_VECTORS; i++) {
		tdx_verify_result *r = NULL;
		size_t before = mallinfo2().uordblks;

		tdx_quote_verify(q[i], &o[i], &r);
		held += mallinfo2().uordblks - before;
		tdx_verify_result_free(r);
	}
	t0 = now_us();
	for (unsigned long n = 0; n < iters; n++) {
		tdx_verify_result *r = NULL;

		tdx_quote_verify(q[n % N_VECTORS], &o[n % N_VECTORS], &r);
		tdx_verify_result_free(r);
	}
	t1 = now_us();
	printf("libtdx: %zu quotes (2 with collateral), cold %.0f us/quote, warm %.0f us/quote "
	       "= %.0f quotes/s, a result holds %zu bytes\n", N_VECTORS, cold / N_VECTORS,
	       (t1 - t0) / (double)iters, (double)iters * 1e6 / (t1 - t0), held / N_VECTORS);
	for (size_t i = 0; i < N_VECTORS; i++) {
		tdx_quote_free(q[i]);
		free(col[i]);
	}
	return 0;
}
