/* SPDX-License-Identifier: MIT */
/*
 * The CC event log (CCEL): the TCG2 crypto-agile event log TDX firmware
 * (TDVF/OVMF, td-shim) keeps of what it extended into the RTMRs, and the
 * 56-byte ACPI "CCEL" table that says where the log area is.
 *
 * On Linux the table is /sys/firmware/acpi/tables/CCEL and the log area
 * (log area minimum length bytes) /sys/firmware/acpi/tables/data/CCEL.
 *
 * The log starts with a spec-ID event in the legacy SHA-1 format
 * (TCG_PCClientPCREvent, "Spec ID Event03"), which lists the digest
 * algorithms and their sizes; every later event is a TCG_PCR_EVENT2:
 * u32 MR index, u32 event type, u32 digest count, count x {u16 algorithm
 * id; digest}, u32 event size, event data.  Padding (0xFF or 0x00) after
 * the last event ends the log.
 *
 * Replay: every RTMR starts as 48 zero bytes; for each event except
 * EV_NO_ACTION, RTMR[mr_index - 1] := SHA-384(RTMR || SHA-384 digest).
 * MR index 1..4 is RTMR0..3 (0 would be MRTD, which no event extends).
 *
 * A parsed tdx_eventlog is read-only and may be shared between threads;
 * it keeps a copy of what it needs, never the caller's buffer.
 */
#ifndef TDX_EVENTLOG_H
#define TDX_EVENTLOG_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

#define TDX_EVENTLOG_RTMR_COUNT 4
#define TDX_EVENTLOG_RTMR_SIZE 48 /* SHA-384 */
#define TDX_EV_NO_ACTION 0x3u     /* not extended into any register */
#define TDX_CCEL_TABLE_SIZE 56

typedef struct tdx_eventlog tdx_eventlog;

/*
 * Parse a CCEL log area (what /sys/firmware/acpi/tables/data/CCEL holds);
 * trailing padding (0xFF/0x00) ends it.  Any input is safe: a malformed
 * log fails with TDX_E_INVALID and a message naming the offset and field.
 * Free the result with tdx_eventlog_free (NULL-safe).
 */
TDX_API tdx_status tdx_eventlog_parse(tdx_eventlog **out, const uint8_t *log, size_t len);
TDX_API void tdx_eventlog_free(tdx_eventlog *log);

/* The number of events after the spec-ID event (0, with TDX_E_INVALID
 * recorded, for NULL). */
TDX_API size_t tdx_eventlog_count(const tdx_eventlog *log);

/* One event (a growable output struct, `sz` first). */
typedef struct tdx_event {
	size_t sz;
	uint32_t mr_index;   /* CCEL MR index: 1..4 is RTMR0..3 */
	uint32_t event_type; /* EV_* (TCG PC client / UEFI) */
	int has_sha384;      /* nonzero when the event carries a SHA-384 digest */
	uint8_t sha384[48];
	uint64_t data_offset; /* of the event data, into the log passed to parse */
	uint32_t data_size;
} tdx_event;

#define tdx_event__last_field data_size

/* Zero *e and set e->sz = sz (sz: the caller's sizeof). */
TDX_API tdx_status tdx_event_init(tdx_event *e, size_t sz);

/* Event `index` (0 = the first event after the spec-ID event) into *out
 * (set up with TDX_OPTS or tdx_event_init). */
TDX_API tdx_status tdx_eventlog_event(const tdx_eventlog *log, size_t index, tdx_event *out);

/*
 * Replay into rtmr: 4 x 48 bytes, RTMR0..3 (rtmr_len must be 192).  Fails
 * with TDX_E_INVALID, naming the event, when an extending event has no
 * SHA-384 digest or an MR index outside 1..4.
 */
TDX_API tdx_status tdx_eventlog_replay(const tdx_eventlog *log, uint8_t *rtmr,
				       size_t rtmr_len);

/*
 * Compare the replay with 4 x 48 bytes of RTMRs (from a report or quote;
 * rtmr_len must be 192): TDX_OK if all match; else TDX_E_VERIFY with
 * *mismatch (bit i set: RTMR i differs) and a message naming each
 * differing register with both values.  mismatch may be NULL; it is 0
 * on TDX_OK.
 */
TDX_API tdx_status tdx_eventlog_check(const tdx_eventlog *log, const uint8_t *rtmr,
				      size_t rtmr_len, unsigned *mismatch);

/*
 * The log as JSON: "algorithms" (id, name, digest_size), "events" (index,
 * mr_index, rtmr (null for MR index outside 1..4), event_type,
 * event_type_name for well-known types, digests: hex per algorithm name,
 * data: hex) and "rtmr": the replay (null if the log cannot be replayed).
 * *len in = capacity of buf, out = bytes needed including the NUL; buf
 * NULL or too small gives TDX_E_BUFFER_TOO_SMALL with *len set.
 */
TDX_API tdx_status tdx_eventlog_to_json(const tdx_eventlog *log, char *buf, size_t *len);

/* The 56-byte CCEL ACPI table (a growable output struct, `sz` first). */
typedef struct tdx_ccel_table {
	size_t sz;
	uint8_t cc_type; /* 2 = TDX */
	uint8_t cc_subtype;
	uint64_t log_area_minimum_length;
	uint64_t log_area_start_address;
} tdx_ccel_table;

#define tdx_ccel_table__last_field log_area_start_address

/* Zero *t and set t->sz = sz (sz: the caller's sizeof). */
TDX_API tdx_status tdx_ccel_table_init(tdx_ccel_table *t, size_t sz);

/* Parse the table (what /sys/firmware/acpi/tables/CCEL holds): checks the
 * signature "CCEL", the length field (>= 56, <= len) and the checksum. */
TDX_API tdx_status tdx_ccel_table_parse(tdx_ccel_table *out, const uint8_t *table, size_t len);

TDX_END_DECLS

#endif /* TDX_EVENTLOG_H */
