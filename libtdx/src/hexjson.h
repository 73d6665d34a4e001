/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the structure parsers: little-endian field reads and a
 * compact JSON writer that emits byte fields as lowercase hex.
 */
#ifndef TDX_HEXJSON_H
#define TDX_HEXJSON_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t tdx__le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t tdx__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t tdx__le64(const uint8_t *p)
{
	return (uint64_t)tdx__le32(p) | (uint64_t)tdx__le32(p + 4) << 32;
}

/*
 * Exactly n bytes from s, which must be 2n hex digits and nothing else (no
 * sign, space or prefix): 0, or -1 leaving out unspecified.  The one hex
 * parser for text from outside (emulator specs, collateral).
 */
int tdx__unhex(const char *s, uint8_t *out, size_t n);

#define TDX__JSON_DEPTH 16

/*
 * A JSON writer into a fixed buffer that counts what it would write: with
 * out == NULL (or too small) it only measures, so callers run it once to
 * size and once to fill, and never allocate.
 */
typedef struct tdx__json {
	char *out;
	size_t cap; /* bytes of out usable for text (the NUL is the caller's) */
	size_t n;   /* bytes produced so far, written or not */
	int depth;
	unsigned char need_comma[TDX__JSON_DEPTH];
} tdx__json;

void tdx__json_init(tdx__json *j, char *out, size_t cap);
/* Members take a key inside objects and NULL inside arrays. */
void tdx__json_object_open(tdx__json *j, const char *key);
void tdx__json_object_close(tdx__json *j);
void tdx__json_array_open(tdx__json *j, const char *key);
void tdx__json_array_close(tdx__json *j);
void tdx__json_uint(tdx__json *j, const char *key, uint64_t v);
/* p == NULL writes null. */
void tdx__json_hex(tdx__json *j, const char *key, const uint8_t *p, size_t n);
/* n bytes as a JSON string; bytes >= 0x80 are escaped as \u00XX (Latin-1),
 * so arbitrary data always yields valid JSON.  p == NULL writes null. */
void tdx__json_bytes_string(tdx__json *j, const char *key, const uint8_t *p, size_t n);
void tdx__json_string(tdx__json *j, const char *key, const char *s);
void tdx__json_null(tdx__json *j, const char *key);

/*
 * Run `emit(j, obj)` to produce a document into the caller's buf/len with
 * the public to_json contract: *len in = capacity, out = bytes needed
 * including the NUL; buf NULL asks the size (TDX_OK); too small gives
 * TDX_E_BUFFER_TOO_SMALL with *len set.
 */
int tdx__json_export(void (*emit)(tdx__json *j, const void *obj), const void *obj,
		     char *buf, size_t *len, const char *where);

#endif /* TDX_HEXJSON_H */
