/* SPDX-License-Identifier: MIT */
/*
 * The CC event log (CCEL) and its ACPI table (../shared/reference/guest.md
 * §3.8, §4.4): parse, replay to RTMRs, compare, JSON.
 *
 * Every read goes through the bounds-checked helpers below (need()), so
 * any input is safe to parse (see fuzz/fuzz_eventlog.c).  The parsed log
 * keeps a copy of the bytes up to the end of its last event.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hexjson.h"
#include "internal.h"

#define SHA384_SIZE 48
#define RTMR_BYTES (TDX_EVENTLOG_RTMR_COUNT * SHA384_SIZE)

#define ALG_SHA1 0x0004
#define ALG_SHA256 0x000B
#define ALG_SHA384 0x000C
#define ALG_SHA512 0x000D
#define ALG_SM3 0x0012

#define LEGACY_HEADER 32  /* u32 pcr, u32 type, sha1[20], u32 event size */
#define SPEC_ID_FIXED 28  /* signature[16] .. numberOfAlgorithms */
#define MAX_ALGS 32       /* distinct algorithms a spec-ID event may list */
#define MAX_DIGEST 64     /* the largest digest this parser accepts (SHA-512) */

static const char SPEC_ID_SIGNATURE[16] = "Spec ID Event03";

typedef struct alg {
	uint16_t id;
	uint16_t size;
} alg;

typedef struct event {
	uint32_t mr_index;
	uint32_t event_type;
	uint32_t ndigests;
	int has_sha384;
	uint8_t sha384[SHA384_SIZE];
	uint64_t digests_offset; /* of the first {alg id, digest} pair */
	uint64_t data_offset;
	uint32_t data_size;
} event;

struct tdx_eventlog {
	uint8_t *bytes; /* the log up to the end of the last event */
	size_t len;
	size_t nalgs;
	alg algs[MAX_ALGS];
	size_t count;
	event *events;
};

/* A malformed log: TDX_E_INVALID naming the offset and field. */
__attribute__((format(printf, 3, 4)))
static int bad(uint64_t off, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, "tdx_eventlog_parse",
			      "event log offset 0x%llx (%s): %s; pass the CCEL log area "
			      "(/sys/firmware/acpi/tables/data/CCEL) unmodified",
			      (unsigned long long)off, field, msg);
}

/* Whether n bytes at off lie inside the log; fails naming the field. */
static int need(size_t len, uint64_t off, uint64_t n, const char *field)
{
	if (off > len || n > len - off)
		return bad(off, field, "%llu bytes needed but the log ends at 0x%zx (truncated)",
			   (unsigned long long)n, len);
	return TDX_OK;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static const alg *find_alg(const tdx_eventlog *l, uint16_t id)
{
	for (size_t i = 0; i < l->nalgs; i++)
		if (l->algs[i].id == id)
			return &l->algs[i];
	return NULL;
}

/* The legacy SHA-1 spec-ID event at offset 0; *end: where it ends. */
static int parse_spec_id(tdx_eventlog *l, const uint8_t *p, size_t len, uint64_t *end)
{
	uint32_t type, size, nalgs;
	uint64_t off;
	int rc;

	if ((rc = need(len, 0, LEGACY_HEADER, "spec-ID event header")))
		return rc;
	type = tdx__le32(p + 4);
	if (type != TDX_EV_NO_ACTION)
		return bad(4, "spec-ID event type", "0x%x, expected EV_NO_ACTION (0x3)", type);
	size = tdx__le32(p + 28);
	if ((rc = need(len, LEGACY_HEADER, size, "spec-ID event data")))
		return rc;
	if (size < SPEC_ID_FIXED)
		return bad(28, "spec-ID event size", "%u is smaller than the %d-byte fixed part",
			   size, SPEC_ID_FIXED);
	if (memcmp(p + LEGACY_HEADER, SPEC_ID_SIGNATURE, sizeof(SPEC_ID_SIGNATURE)) != 0)
		return bad(LEGACY_HEADER, "spec-ID signature", "not \"Spec ID Event03\"");
	nalgs = tdx__le32(p + LEGACY_HEADER + 24);
	if (nalgs == 0 || nalgs > MAX_ALGS)
		return bad(LEGACY_HEADER + 24, "spec-ID numberOfAlgorithms",
			   "%u is outside 1..%d", nalgs, MAX_ALGS);
	if ((uint64_t)SPEC_ID_FIXED + (uint64_t)nalgs * 4 > size)
		return bad(LEGACY_HEADER + 24, "spec-ID numberOfAlgorithms",
			   "%u algorithms do not fit in the %u-byte event", nalgs, size);
	off = LEGACY_HEADER + SPEC_ID_FIXED;
	for (uint32_t i = 0; i < nalgs; i++, off += 4) {
		uint16_t id = tdx__le16(p + off), dsize = tdx__le16(p + off + 2);

		if (dsize == 0 || dsize > MAX_DIGEST)
			return bad(off + 2, "spec-ID digestSize",
				   "%u for algorithm 0x%04x is outside 1..%d", dsize, id, MAX_DIGEST);
		if (id == ALG_SHA384 && dsize != SHA384_SIZE)
			return bad(off + 2, "spec-ID digestSize", "%u for SHA-384, expected 48",
				   dsize);
		if (find_alg(l, id))
			return bad(off, "spec-ID algorithmId", "0x%04x is listed twice", id);
		l->algs[l->nalgs].id = id;
		l->algs[l->nalgs].size = dsize;
		l->nalgs++;
	}
	*end = LEGACY_HEADER + (uint64_t)size;
	return TDX_OK;
}

/* One TCG_PCR_EVENT2 at off into *e; *next: where the next one starts. */
static int parse_event(const tdx_eventlog *l, const uint8_t *p, size_t len, uint64_t off,
		       event *e, uint64_t *next)
{
	uint64_t d;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = need(len, off, 12, "event header (mr_index, event_type, digest count)")))
		return rc;
	e->mr_index = tdx__le32(p + off);
	e->event_type = tdx__le32(p + off + 4);
	e->ndigests = tdx__le32(p + off + 8);
	if (e->ndigests > l->nalgs)
		return bad(off + 8, "digest count",
			   "%u is more than the %zu algorithms of the spec-ID event", e->ndigests,
			   l->nalgs);
	d = off + 12;
	e->digests_offset = d;
	for (uint32_t i = 0; i < e->ndigests; i++) {
		const alg *a;
		uint16_t id;

		if ((rc = need(len, d, 2, "digest algorithm id")))
			return rc;
		id = tdx__le16(p + d);
		if (!(a = find_alg(l, id)))
			return bad(d, "digest algorithm id",
				   "0x%04x is not listed in the spec-ID event, so its digest size "
				   "is unknown", id);
		if ((rc = need(len, d + 2, a->size, "digest")))
			return rc;
		if (id == ALG_SHA384) {
			if (e->has_sha384)
				return bad(d, "digest algorithm id", "SHA-384 appears twice");
			e->has_sha384 = 1;
			memcpy(e->sha384, p + d + 2, SHA384_SIZE);
		}
		d += 2 + (uint64_t)a->size;
	}
	if ((rc = need(len, d, 4, "event size")))
		return rc;
	e->data_size = tdx__le32(p + d);
	e->data_offset = d + 4;
	if ((rc = need(len, e->data_offset, e->data_size, "event data")))
		return rc;
	*next = e->data_offset + e->data_size;
	return TDX_OK;
}

/* Whether the log ends at off: nothing, or padding, follows. */
static int at_end(const uint8_t *p, size_t len, uint64_t off)
{
	size_t n = len - (size_t)off;

	if (n == 0)
		return 1;
	if (n > 8)
		n = 8; /* a header of all 0xFF or all 0x00: padding */
	return all_bytes(p + off, n, 0xFF) || all_bytes(p + off, n, 0x00);
}

tdx_status tdx_eventlog_parse(tdx_eventlog **out, const uint8_t *log, size_t len)
{
	tdx_eventlog *l;
	size_t cap = 0;
	uint64_t off = 0;
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_eventlog *");
	*out = NULL;
	if (!log)
		return tdx__fail(TDX_E_INVALID, "log is NULL; pass the CCEL log area bytes");
	if (!(l = calloc(1, sizeof(*l))))
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating an event log");
	if ((rc = parse_spec_id(l, log, len, &off)))
		goto fail;
	while (!at_end(log, len, off)) {
		event e;
		uint64_t next = 0;

		if ((rc = parse_event(l, log, len, off, &e, &next)))
			goto fail;
		if (l->count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			event *ne = realloc(l->events, ncap * sizeof(*ne));

			if (!ne) {
				rc = tdx__fail(TDX_E_NOMEM, "out of memory for %zu events", ncap);
				goto fail;
			}
			l->events = ne;
			cap = ncap;
		}
		l->events[l->count++] = e;
		off = next;
	}
	l->len = (size_t)off;
	if (!(l->bytes = malloc(l->len ? l->len : 1))) {
		rc = tdx__fail(TDX_E_NOMEM, "out of memory copying a %zu-byte event log", l->len);
		goto fail;
	}
	memcpy(l->bytes, log, l->len);
	*out = l;
	return TDX_OK;
fail:
	tdx_eventlog_free(l);
	return rc;
}

void tdx_eventlog_free(tdx_eventlog *log)
{
	if (!log)
		return;
	free(log->events);
	free(log->bytes);
	free(log);
}

size_t tdx_eventlog_count(const tdx_eventlog *log)
{
	if (!log) {
		tdx__fail(TDX_E_INVALID, "log is NULL; pass one from tdx_eventlog_parse");
		return 0;
	}
	return log->count;
}

tdx_status tdx_event_init(tdx_event *e, size_t sz)
{
	return TDX_STRUCT_INIT(e, sz, tdx_event);
}

tdx_status tdx_eventlog_event(const tdx_eventlog *log, size_t index, tdx_event *out)
{
	tdx_event v;
	const event *e;
	int rc;

	if (!log)
		return tdx__fail(TDX_E_INVALID, "log is NULL; pass one from tdx_eventlog_parse");
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass a tdx_event set up with "
				 "TDX_OPTS or tdx_event_init");
	if ((rc = TDX_STRUCT_CHECK(out, tdx_event)))
		return rc;
	if (index >= log->count)
		return tdx__fail(TDX_E_INVALID, "index %zu is out of range: the log has %zu events "
				 "(see tdx_eventlog_count)", index, log->count);
	e = &log->events[index];
	memset(&v, 0, sizeof(v));
	v.mr_index = e->mr_index;
	v.event_type = e->event_type;
	v.has_sha384 = e->has_sha384;
	memcpy(v.sha384, e->sha384, SHA384_SIZE);
	v.data_offset = e->data_offset;
	v.data_size = e->data_size;
	/* Write only what the caller's struct holds, keeping its sz. */
	if (out->sz > sizeof(size_t))
		memcpy((uint8_t *)out + sizeof(size_t), (const uint8_t *)&v + sizeof(size_t),
		       (out->sz < sizeof(v) ? out->sz : sizeof(v)) - sizeof(size_t));
	return TDX_OK;
}

/* The replay into rtmr[192]; where: the public function, for messages. */
static int replay(const tdx_eventlog *log, uint8_t *rtmr, const char *where)
{
	EVP_MD_CTX *ctx;
	int rc = TDX_OK;

	memset(rtmr, 0, RTMR_BYTES);
	if (!(ctx = EVP_MD_CTX_new()))
		return tdx__error_set(TDX_E_NOMEM, TDX_LAYER_LIBRARY, 0, 0, where,
				      "out of memory allocating an OpenSSL digest context");
	for (size_t i = 0; i < log->count; i++) {
		const event *e = &log->events[i];
		uint8_t *r;
		unsigned n = 0;

		if (e->event_type == TDX_EV_NO_ACTION)
			continue;
		if (e->mr_index < 1 || e->mr_index > TDX_EVENTLOG_RTMR_COUNT) {
			rc = tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
					    "event %zu (offset 0x%llx) has MR index %u; only 1..4 "
					    "(RTMR0..3) can be replayed", i,
					    (unsigned long long)(e->digests_offset - 12), e->mr_index);
			break;
		}
		if (!e->has_sha384) {
			rc = tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
					    "event %zu (offset 0x%llx) has no SHA-384 digest to "
					    "extend RTMR%u with", i,
					    (unsigned long long)(e->digests_offset - 12),
					    e->mr_index - 1);
			break;
		}
		r = rtmr + (size_t)(e->mr_index - 1) * SHA384_SIZE;
		if (EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, r, SHA384_SIZE) != 1 ||
		    EVP_DigestUpdate(ctx, e->sha384, SHA384_SIZE) != 1 ||
		    EVP_DigestFinal_ex(ctx, r, &n) != 1 || n != SHA384_SIZE) {
			rc = tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_LIBRARY, 0, 0, where,
					    "OpenSSL's SHA-384 failed; check the OpenSSL "
					    "configuration (providers) of this process");
			break;
		}
	}
	EVP_MD_CTX_free(ctx);
	if (rc)
		memset(rtmr, 0, RTMR_BYTES);
	return rc;
}

tdx_status tdx_eventlog_replay(const tdx_eventlog *log, uint8_t *rtmr, size_t rtmr_len)
{
	if (!log)
		return tdx__fail(TDX_E_INVALID, "log is NULL; pass one from tdx_eventlog_parse");
	if (!rtmr)
		return tdx__fail(TDX_E_INVALID, "rtmr is NULL; pass a 192-byte buffer (RTMR0..3)");
	if (rtmr_len != RTMR_BYTES)
		return tdx__fail(TDX_E_INVALID, "rtmr_len is %zu; pass 192 (4 RTMRs of 48 bytes)",
				 rtmr_len);
	return replay(log, rtmr, __func__);
}

static void hex(char *dst, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = digits[p[i] >> 4];
		dst[2 * i + 1] = digits[p[i] & 15];
	}
	dst[2 * n] = '\0';
}

tdx_status tdx_eventlog_check(const tdx_eventlog *log, const uint8_t *rtmr, size_t rtmr_len,
			      unsigned *mismatch)
{
	uint8_t got[RTMR_BYTES];
	char msg[1024], a[2 * SHA384_SIZE + 1], b[2 * SHA384_SIZE + 1];
	size_t used = 0;
	unsigned bits = 0;
	int rc;

	if (mismatch)
		*mismatch = 0;
	if (!log)
		return tdx__fail(TDX_E_INVALID, "log is NULL; pass one from tdx_eventlog_parse");
	if (!rtmr)
		return tdx__fail(TDX_E_INVALID, "rtmr is NULL; pass the 192 bytes of RTMR0..3 "
				 "from a report or quote");
	if (rtmr_len != RTMR_BYTES)
		return tdx__fail(TDX_E_INVALID, "rtmr_len is %zu; pass 192 (4 RTMRs of 48 bytes)",
				 rtmr_len);
	if ((rc = replay(log, got, __func__)))
		return rc;
	msg[0] = '\0';
	for (unsigned i = 0; i < TDX_EVENTLOG_RTMR_COUNT; i++) {
		int w;

		if (memcmp(got + i * SHA384_SIZE, rtmr + i * SHA384_SIZE, SHA384_SIZE) == 0)
			continue;
		bits |= 1u << i;
		hex(a, got + i * SHA384_SIZE, SHA384_SIZE);
		hex(b, rtmr + i * SHA384_SIZE, SHA384_SIZE);
		w = snprintf(msg + used, sizeof(msg) - used, "%sRTMR%u: log replays to %s, expected %s",
			     used ? "; " : "", i, a, b);
		if (w > 0)
			used += (size_t)w < sizeof(msg) - used ? (size_t)w : sizeof(msg) - used - 1;
	}
	if (!bits)
		return TDX_OK;
	if (mismatch)
		*mismatch = bits;
	return tdx__fail(TDX_E_VERIFY, "%s", msg);
}

/* ---- JSON ---- */

static const char *alg_name(uint16_t id)
{
	switch (id) {
	case ALG_SHA1: return "sha1";
	case ALG_SHA256: return "sha256";
	case ALG_SHA384: return "sha384";
	case ALG_SHA512: return "sha512";
	case ALG_SM3: return "sm3_256";
	default: return NULL;
	}
}

static const char *event_type_name(uint32_t t)
{
	static const char *const tcg[] = {
		"EV_PREBOOT_CERT", "EV_POST_CODE", "EV_UNUSED", "EV_NO_ACTION",
		"EV_SEPARATOR", "EV_ACTION", "EV_EVENT_TAG", "EV_S_CRTM_CONTENTS",
		"EV_S_CRTM_VERSION", "EV_CPU_MICROCODE", "EV_PLATFORM_CONFIG_FLAGS",
		"EV_TABLE_OF_DEVICES", "EV_COMPACT_HASH", "EV_IPL", "EV_IPL_PARTITION_DATA",
		"EV_NONHOST_CODE", "EV_NONHOST_CONFIG", "EV_NONHOST_INFO",
		"EV_OMIT_BOOT_DEVICE_EVENTS",
	};
	static const char *const efi[] = {
		NULL, "EV_EFI_VARIABLE_DRIVER_CONFIG", "EV_EFI_VARIABLE_BOOT",
		"EV_EFI_BOOT_SERVICES_APPLICATION", "EV_EFI_BOOT_SERVICES_DRIVER",
		"EV_EFI_RUNTIME_SERVICES_DRIVER", "EV_EFI_GPT_EVENT", "EV_EFI_ACTION",
		"EV_EFI_PLATFORM_FIRMWARE_BLOB", "EV_EFI_HANDOFF_TABLES",
		"EV_EFI_PLATFORM_FIRMWARE_BLOB2", "EV_EFI_HANDOFF_TABLES2",
		"EV_EFI_VARIABLE_BOOT2",
	};

	if (t < TDX_ARRAY_SIZE(tcg))
		return tcg[t];
	if (t >= 0x80000000u && t - 0x80000000u < TDX_ARRAY_SIZE(efi))
		return efi[t - 0x80000000u];
	switch (t) {
	case 0x80000010u: return "EV_EFI_HCRTM_EVENT";
	case 0x800000E0u: return "EV_EFI_VARIABLE_AUTHORITY";
	case 0x800000E1u: return "EV_EFI_SPDM_FIRMWARE_BLOB";
	case 0x800000E2u: return "EV_EFI_SPDM_FIRMWARE_CONFIG";
	default: return NULL;
	}
}

static void emit_eventlog(tdx__json *j, const void *obj)
{
	const tdx_eventlog *l = obj;
	uint8_t rtmr[RTMR_BYTES];
	int replayed;

	tdx__json_object_open(j, NULL);
	tdx__json_array_open(j, "algorithms");
	for (size_t i = 0; i < l->nalgs; i++) {
		tdx__json_object_open(j, NULL);
		tdx__json_uint(j, "id", l->algs[i].id);
		if (alg_name(l->algs[i].id))
			tdx__json_string(j, "name", alg_name(l->algs[i].id));
		tdx__json_uint(j, "digest_size", l->algs[i].size);
		tdx__json_object_close(j);
	}
	tdx__json_array_close(j);
	tdx__json_array_open(j, "events");
	for (size_t i = 0; i < l->count; i++) {
		const event *e = &l->events[i];
		const char *name = event_type_name(e->event_type);
		uint64_t d = e->digests_offset;

		tdx__json_object_open(j, NULL);
		tdx__json_uint(j, "index", i);
		tdx__json_uint(j, "mr_index", e->mr_index);
		if (e->mr_index >= 1 && e->mr_index <= TDX_EVENTLOG_RTMR_COUNT)
			tdx__json_uint(j, "rtmr", e->mr_index - 1);
		else
			tdx__json_null(j, "rtmr");
		tdx__json_uint(j, "event_type", e->event_type);
		if (name)
			tdx__json_string(j, "event_type_name", name);
		tdx__json_object_open(j, "digests");
		for (uint32_t k = 0; k < e->ndigests; k++) {
			uint16_t id = tdx__le16(l->bytes + d);
			const alg *a = find_alg(l, id); /* found: the parse checked it */
			char key[16];
			const char *an = alg_name(id);

			if (!an) {
				snprintf(key, sizeof(key), "0x%04x", id);
				an = key;
			}
			tdx__json_hex(j, an, l->bytes + d + 2, a->size);
			d += 2 + (uint64_t)a->size;
		}
		tdx__json_object_close(j);
		tdx__json_hex(j, "data", l->bytes + e->data_offset, e->data_size);
		tdx__json_object_close(j);
	}
	tdx__json_array_close(j);
	/* A log that cannot be replayed gives "rtmr": null (checked first, so
	 * a successful to_json records no error). */
	replayed = 1;
	for (size_t i = 0; i < l->count && replayed; i++) {
		const event *e = &l->events[i];

		if (e->event_type != TDX_EV_NO_ACTION &&
		    (e->mr_index < 1 || e->mr_index > TDX_EVENTLOG_RTMR_COUNT || !e->has_sha384))
			replayed = 0;
	}
	if (replayed && replay(l, rtmr, "tdx_eventlog_to_json") == TDX_OK) {
		tdx__json_array_open(j, "rtmr");
		for (unsigned i = 0; i < TDX_EVENTLOG_RTMR_COUNT; i++)
			tdx__json_hex(j, NULL, rtmr + i * SHA384_SIZE, SHA384_SIZE);
		tdx__json_array_close(j);
	} else {
		tdx__json_null(j, "rtmr");
	}
	tdx__json_object_close(j);
}

tdx_status tdx_eventlog_to_json(const tdx_eventlog *log, char *buf, size_t *len)
{
	if (!log)
		return tdx__fail(TDX_E_INVALID, "log is NULL; pass one from tdx_eventlog_parse");
	if (!len)
		return tdx__fail(TDX_E_INVALID,
				 "len is NULL; pass the address of the buffer's capacity");
	return tdx__json_export(emit_eventlog, log, buf, len, __func__);
}

/* ---- the CCEL ACPI table ---- */

tdx_status tdx_ccel_table_init(tdx_ccel_table *t, size_t sz)
{
	return TDX_STRUCT_INIT(t, sz, tdx_ccel_table);
}

tdx_status tdx_ccel_table_parse(tdx_ccel_table *out, const uint8_t *table, size_t len)
{
	tdx_ccel_table v;
	uint32_t length;
	uint8_t sum = 0;
	int rc;

	if (!table)
		return tdx__fail(TDX_E_INVALID, "table is NULL; pass the CCEL ACPI table bytes "
				 "(/sys/firmware/acpi/tables/CCEL)");
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass a tdx_ccel_table set up with "
				 "TDX_OPTS or tdx_ccel_table_init");
	if ((rc = TDX_STRUCT_CHECK(out, tdx_ccel_table)))
		return rc;
	if (len < TDX_CCEL_TABLE_SIZE)
		return tdx__fail(TDX_E_INVALID, "the CCEL table is %zu bytes; it has at least %d",
				 len, TDX_CCEL_TABLE_SIZE);
	if (memcmp(table, "CCEL", 4) != 0)
		return tdx__fail(TDX_E_INVALID, "offset 0 (signature): %02x%02x%02x%02x is not "
				 "\"CCEL\"; pass the CCEL ACPI table", table[0], table[1],
				 table[2], table[3]);
	length = tdx__le32(table + 4);
	if (length < TDX_CCEL_TABLE_SIZE || length > len)
		return tdx__fail(TDX_E_INVALID, "offset 4 (length): %u is outside %d..%zu (the "
				 "buffer)", length, TDX_CCEL_TABLE_SIZE, len);
	for (uint32_t i = 0; i < length; i++)
		sum = (uint8_t)(sum + table[i]);
	if (sum != 0)
		return tdx__fail(TDX_E_INVALID, "offset 9 (checksum): the %u table bytes sum to "
				 "0x%02x, not 0; the table is corrupt", length, sum);
	memset(&v, 0, sizeof(v));
	v.cc_type = table[36];
	v.cc_subtype = table[37];
	v.log_area_minimum_length = tdx__le64(table + 40);
	v.log_area_start_address = tdx__le64(table + 48);
	if (out->sz > sizeof(size_t))
		memcpy((uint8_t *)out + sizeof(size_t), (const uint8_t *)&v + sizeof(size_t),
		       (out->sz < sizeof(v) ? out->sz : sizeof(v)) - sizeof(size_t));
	return TDX_OK;
}
