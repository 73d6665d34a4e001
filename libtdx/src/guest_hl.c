/* SPDX-License-Identifier: MIT */
/*
 * The high-level guest calls (report, quote, RTMR extend, report check),
 * built only from the leaf and TDVMCALL functions, so they run unchanged
 * on every backend that gives the library some guest memory (scratch).
 * The GetQuote flow is the one Linux's tdx-guest driver uses
 * (guest.md §2.5-2.6): TDREPORT -> shared buffer -> GetQuote -> poll.
 */
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "guest_backend.h"
#include "layout.h"

/* Scratch layout: report page, report-data/extend page, quote buffer. */
#define SCRATCH_REPORT 0
#define SCRATCH_DATA 4096
#define SCRATCH_QUOTE 8192
#define SCRATCH_QUOTE_SIZE (TDX_SCRATCH_SIZE - SCRATCH_QUOTE)
#define QUOTE_POLL_LIMIT_MS 30000 /* Linux waits 30 s */

static int scratch(tdx_guest *g, const char *fn, uint64_t *gpa)
{
	if (!g->ops->scratch)
		return tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_LIBRARY, 0, 0, fn,
				      "the %s backend gives libtdx no guest memory for buffers; "
				      "call the tdx_tdg_* leaf functions with your own GPAs",
				      g->ops->name);
	return g->ops->scratch(g->ctx, gpa);
}

/* Hold (1) or let go (0) of the scratch area, which every handle of the
 * backend shares: one write-call-read sequence at a time. */
static void stage(tdx_guest *g, int hold)
{
	if (g->ops->stage)
		g->ops->stage(g->ctx, hold);
}

static int check_report_data(const char *fn, const uint8_t *data, size_t len)
{
	if (!data || len != REPORT_DATA_SIZE)
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, fn,
				      "report data must be exactly 64 bytes (got %s%zu); hash or "
				      "pad your nonce to 64 bytes", data ? "" : "NULL, ",
				      data ? len : (size_t)0);
	return TDX_OK;
}

/* TDG.MR.REPORT into the scratch report page. */
static int make_report(tdx_guest *g, const char *fn, uint64_t base, const uint8_t *report_data)
{
	int rc = g->ops->mem_write(g->ctx, base + SCRATCH_DATA, report_data, REPORT_DATA_SIZE);

	if (rc)
		return rc;
	(void)fn;
	return tdx_tdg_mr_report(g, base + SCRATCH_REPORT, base + SCRATCH_DATA, 0);
}

tdx_status tdx_guest_get_report(tdx_guest *g, const uint8_t *report_data, size_t report_data_len,
				uint8_t *report, size_t *len)
{
	uint64_t base;
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	rc = check_report_data(__func__, report_data, report_data_len);
	if (rc)
		return rc;
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the report buffer's size");
	if (!report || *len < TDREPORT_SIZE) {
		*len = TDREPORT_SIZE;
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "a TDREPORT needs a 1024-byte buffer");
	}
	if (g->ops->get_report) {
		rc = g->ops->get_report(g->ctx, report_data, report);
		if (!rc)
			*len = TDREPORT_SIZE;
		return rc;
	}
	rc = scratch(g, __func__, &base);
	if (rc)
		return rc;
	stage(g, 1);
	rc = make_report(g, __func__, base, report_data);
	if (!rc)
		rc = g->ops->mem_read(g->ctx, base + SCRATCH_REPORT, report, TDREPORT_SIZE);
	stage(g, 0);
	if (rc)
		return rc;
	*len = TDREPORT_SIZE;
	return TDX_OK;
}

tdx_status tdx_guest_rtmr_extend(tdx_guest *g, unsigned index, const uint8_t *digest,
				 size_t digest_len)
{
	uint64_t base;
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	if (!digest || digest_len != SHA384_SIZE)
		return tdx__fail(TDX_E_INVALID, "the extend value must be a 48-byte SHA-384 digest "
				 "(got %zu bytes)", digest ? digest_len : (size_t)0);
	if (index >= RTMR_COUNT)
		return tdx__fail(TDX_E_INVALID, "RTMR index %u is out of range; TDs have RTMR 0..3",
				 index);
	if (g->ops->rtmr_extend)
		return g->ops->rtmr_extend(g->ctx, index, digest);
	rc = scratch(g, __func__, &base);
	if (rc)
		return rc;
	stage(g, 1);
	rc = g->ops->mem_write(g->ctx, base + SCRATCH_DATA, digest, SHA384_SIZE);
	if (!rc)
		rc = tdx_tdg_mr_rtmr_extend(g, base + SCRATCH_DATA, index);
	stage(g, 0);
	return rc;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int hash_matches(const uint8_t *data, size_t n, const uint8_t *want)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	return EVP_Digest(data, n, md, &mdlen, EVP_sha384(), NULL) && mdlen == SHA384_SIZE &&
	       !memcmp(md, want, SHA384_SIZE);
}

tdx_status tdx_guest_verify_report(tdx_guest *g, const uint8_t *report, size_t len)
{
	const uint8_t *mac = report + REPORTMAC_OFF;
	uint64_t base;
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	if (!report || len != TDREPORT_SIZE)
		return tdx__fail(TDX_E_INVALID, "a TDREPORT is exactly 1024 bytes (got %zu)",
				 report ? len : (size_t)0);
	/* Reserved bytes are zero in every report the module writes. */
	if (!all_zero(mac + 3, 13) || !all_zero(mac + 192, 32) ||
	    !all_zero(report + TEE_TCB_INFO_OFF + TEE_TCB_INFO_SIZE,
		      TDINFO_OFF - TEE_TCB_INFO_OFF - TEE_TCB_INFO_SIZE) ||
	    !all_zero(report + TDINFO_OFF + 448, 64))
		return tdx__fail(TDX_E_VERIFY, "the report has non-zero reserved bytes: it was not "
				 "written by a TDX module (or was altered)");
	/* The MAC covers REPORTMACSTRUCT only; it binds the rest by these hashes. */
	if (!hash_matches(report + TEE_TCB_INFO_OFF, TEE_TCB_INFO_SIZE, mac + RM_TEE_TCB_INFO_HASH))
		return tdx__fail(TDX_E_VERIFY, "TEE_TCB_INFO does not match TEE_TCB_INFO_HASH: the "
				 "report was altered");
	if (!hash_matches(report + TDINFO_OFF, TDINFO_SIZE, mac + RM_TEE_INFO_HASH))
		return tdx__fail(TDX_E_VERIFY, "TDINFO does not match TEE_INFO_HASH: the report was "
				 "altered");
	rc = scratch(g, __func__, &base);
	if (rc)
		return rc;
	stage(g, 1);
	rc = g->ops->mem_write(g->ctx, base + SCRATCH_REPORT, mac, REPORTMAC_SIZE);
	if (!rc)
		rc = tdx_tdg_mr_verifyreport(g, base + SCRATCH_REPORT);
	stage(g, 0);
	if (rc == TDX_E_TDCALL) {
		uint64_t status = tdx_error_last()->hw_status;

		return tdx__error_set(TDX_E_VERIFY, TDX_LAYER_MODULE, status, 0, __func__,
				      "TDG.MR.VERIFYREPORT rejected the report: %s (not made on this "
				      "platform, or altered)", tdx_module_status_name(status));
	}
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Submit the quote buffer (already holding header + TDREPORT) and wait. */
static int run_get_quote(tdx_guest *g, uint64_t shared, uint64_t *status, uint32_t *out_len)
{
	unsigned waited = 0, step = 1;
	int rc = tdx_tdvmcall_get_quote(g, shared, SCRATCH_QUOTE_SIZE);

	if (rc)
		return rc;
	for (;;) {
		rc = g->ops->mem_read(g->ctx, shared + GQ_STATUS, status, sizeof(*status));
		if (rc)
			return rc;
		if (*status != GQ_STATUS_IN_FLIGHT)
			break;
		if (waited >= QUOTE_POLL_LIMIT_MS)
			return tdx__fail(TDX_E_RETRY, "the quote service did not answer within %u s; "
					 "its buffer stays in flight", QUOTE_POLL_LIMIT_MS / 1000);
		sleep_ms(step);
		waited += step;
		step = step < 100 ? step * 2 : 100;
	}
	return g->ops->mem_read(g->ctx, shared + GQ_OUT_LEN, out_len, sizeof(*out_len));
}

/* The quote sequence in the scratch area (held by the caller). */
static int quote_staged(tdx_guest *g, uint64_t base, uint64_t shared_bit,
			const uint8_t *report_data, uint8_t *quote, size_t *len)
{
	static const char *fn = "tdx_guest_get_quote";
	uint8_t hdr[GQ_DATA + TDREPORT_SIZE] = { 0 };
	uint64_t quote_gpa = base + SCRATCH_QUOTE, status = 0;
	uint32_t out_len = 0;
	int rc, rc2;

	rc = make_report(g, fn, base, report_data);
	if (rc)
		return rc;
	hdr[GQ_VERSION] = 1;
	hdr[GQ_IN_LEN] = TDREPORT_SIZE & 0xFF;
	hdr[GQ_IN_LEN + 1] = TDREPORT_SIZE >> 8;
	rc = g->ops->mem_read(g->ctx, base + SCRATCH_REPORT, hdr + GQ_DATA, TDREPORT_SIZE);
	if (rc)
		return rc;

	/* The host can only see shared memory: convert, quote, convert back. */
	rc = tdx_tdvmcall_map_gpa(g, quote_gpa | shared_bit, SCRATCH_QUOTE_SIZE, NULL);
	if (rc)
		return rc;
	rc = g->ops->mem_write(g->ctx, quote_gpa, hdr, sizeof(hdr));
	if (!rc)
		rc = run_get_quote(g, quote_gpa | shared_bit, &status, &out_len);
	if (!rc && status != GQ_STATUS_SUCCESS)
		rc = tdx__error_set(TDX_E_VMCALL, TDX_LAYER_VMCALL, status, 0, fn,
				    "GetQuote completed with status 0x%llx (%s): the quote service "
				    "failed or is unreachable", (unsigned long long)status,
				    status == GQ_STATUS_SERVICE_UNAVAILABLE ? "service unavailable"
									    : "error");
	if (!rc && out_len == 0)
		rc = tdx__fail(TDX_E_VMCALL, "GetQuote reported success with an empty quote: the "
			       "quote service is unreachable or too old");
	if (!rc && out_len > SCRATCH_QUOTE_SIZE - GQ_DATA)
		rc = tdx__fail(TDX_E_VMCALL, "GetQuote reported %u bytes, more than its %u-byte "
			       "buffer", out_len, SCRATCH_QUOTE_SIZE - GQ_DATA);
	if (!rc && (!quote || *len < out_len)) {
		*len = out_len;
		rc = tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the quote is %u bytes; pass a buffer at least "
			       "that large", out_len);
	} else if (!rc) {
		rc = g->ops->mem_read(g->ctx, quote_gpa + GQ_DATA, quote, out_len);
		if (!rc)
			*len = out_len;
	}

	/* Back to private: the pages come back pending and must be accepted. */
	rc2 = tdx_tdvmcall_map_gpa(g, quote_gpa, SCRATCH_QUOTE_SIZE, NULL);
	for (uint64_t off = 0; !rc2 && off < SCRATCH_QUOTE_SIZE; off += 4096)
		rc2 = tdx_tdg_mem_page_accept(g, quote_gpa + off, TDX_PAGE_LEVEL_4K);
	return rc ? rc : rc2;
}

tdx_status tdx_guest_get_quote(tdx_guest *g, const uint8_t *report_data, size_t report_data_len,
			       uint8_t *quote, size_t *len)
{
	TDX_OPTS(tdx_vp_info, info);
	uint64_t base;
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	rc = check_report_data(__func__, report_data, report_data_len);
	if (rc)
		return rc;
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the quote buffer's size");
	if (g->ops->get_quote)
		return g->ops->get_quote(g->ctx, report_data, quote, len);
	rc = scratch(g, __func__, &base);
	if (rc)
		return rc;
	rc = tdx_tdg_vp_info(g, &info);
	if (rc)
		return rc;
	stage(g, 1);
	rc = quote_staged(g, base, 1ULL << (info.gpaw - 1), report_data, quote, len);
	stage(g, 0);
	return rc;
}

tdx_status tdx_guest_rtmr_read(tdx_guest *g, unsigned index, uint8_t *rtmr, size_t rtmr_len)
{
	uint8_t data[REPORT_DATA_SIZE] = { 0 }, report[TDREPORT_SIZE];
	size_t len = sizeof(report);
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	if (!rtmr || rtmr_len != SHA384_SIZE)
		return tdx__fail(TDX_E_INVALID, "rtmr must be a 48-byte buffer (got %zu bytes)",
				 rtmr ? rtmr_len : (size_t)0);
	if (index >= RTMR_COUNT)
		return tdx__fail(TDX_E_INVALID, "RTMR index %u is out of range; TDs have RTMR 0..3",
				 index);
	if (g->ops->rtmr_read) {
		rc = g->ops->rtmr_read(g->ctx, index, rtmr);
		if (rc != 1)
			return rc; /* read, or failed; 1: no register here, use a report */
	}
	rc = tdx_guest_get_report(g, data, sizeof(data), report, &len);
	if (rc)
		return rc;
	memcpy(rtmr, report + TDINFO_OFF + TI_RTMR + index * SHA384_SIZE, SHA384_SIZE);
	return TDX_OK;
}

tdx_status tdx_guest_get_eventlog(tdx_guest *g, uint8_t *log, size_t *len)
{
	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the log buffer's size");
	if (!g->ops->get_eventlog)
		return tdx__fail(TDX_E_NOT_SUPPORTED, "the %s backend has no firmware event log "
				 "(the CCEL log comes from the firmware of a real TD: use the linux "
				 "backend there)", g->ops->name);
	return g->ops->get_eventlog(g->ctx, log, len);
}

tdx_status tdx_guest_caps_init(tdx_guest_caps *caps, size_t sz)
{
	return TDX_STRUCT_INIT(caps, sz, tdx_guest_caps);
}

tdx_status tdx_guest_capabilities(tdx_guest *g, tdx_guest_caps *caps)
{
	tdx_guest_caps v = { .sz = sizeof(v) };
	int rc;

	if (!g)
		return tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
	if (!caps)
		return tdx__fail(TDX_E_INVALID, "caps is NULL; pass a tdx_guest_caps set up with "
				 "TDX_OPTS");
	rc = TDX_STRUCT_CHECK(caps, tdx_guest_caps);
	if (rc)
		return rc;
	if (g->ops->capabilities) {
		g->ops->capabilities(g->ctx, &v);
	} else {
		/* Leaf-based backends: what the leaves and guest memory allow. */
		int mem = g->ops->scratch != NULL;

		v.tdcall = 1;
		v.report = v.rtmr_read = v.rtmr_extend = mem;
		/* GetQuote needs a shared buffer: the emulator can convert its own. */
		v.quote = mem && !strcmp(g->ops->name, "emu");
		snprintf(v.detail, sizeof(v.detail), "%s%sno firmware event log on the %s backend",
			 mem ? "" : "no guest memory for libtdx's buffers (use the tdx_tdg_* "
				    "leaves with your own GPAs); ",
			 v.quote || !mem ? "" : "quotes need a buffer shared with the host: "
						"convert one and use tdx_tdvmcall_get_quote; ",
			 g->ops->name);
	}
	memcpy((char *)caps + sizeof(size_t), (char *)&v + sizeof(size_t),
	       (caps->sz < sizeof(v) ? caps->sz : sizeof(v)) - sizeof(size_t));
	return TDX_OK;
}
