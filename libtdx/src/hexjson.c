/* SPDX-License-Identifier: MIT */
/* The counting JSON writer behind tdx_report_to_json and tdx_quote_to_json. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hexjson.h"
#include "internal.h"

static void put(tdx__json *j, const char *s, size_t n)
{
	if (j->out && j->n < j->cap)
		memcpy(j->out + j->n, s, n <= j->cap - j->n ? n : j->cap - j->n);
	j->n += n;
}

static void put_char(tdx__json *j, char c)
{
	put(j, &c, 1);
}

static void put_string(tdx__json *j, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put_char(j, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			put_char(j, '\\');
			put_char(j, (char)c);
		} else if (c == '\n') {
			put(j, "\\n", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put(j, esc, sizeof(esc));
		} else {
			put_char(j, (char)c);
		}
	}
	put_char(j, '"');
}

/* Separator and key of the next member. */
static void member(tdx__json *j, const char *key)
{
	if (j->need_comma[j->depth])
		put_char(j, ',');
	j->need_comma[j->depth] = 1;
	if (key) {
		put_string(j, (const uint8_t *)key, strlen(key));
		put_char(j, ':');
	}
}

static void open_container(tdx__json *j, const char *key, char c)
{
	member(j, key);
	put_char(j, c);
	/* Our documents are a few levels deep; the bound only guards the array. */
	if (j->depth + 1 < TDX__JSON_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void close_container(tdx__json *j, char c)
{
	put_char(j, c);
	if (j->depth > 0)
		j->depth--;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tdx__unhex(const char *s, uint8_t *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void tdx__json_init(tdx__json *j, char *out, size_t cap)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->cap = cap;
}

void tdx__json_object_open(tdx__json *j, const char *key)
{
	open_container(j, key, '{');
}

void tdx__json_object_close(tdx__json *j)
{
	close_container(j, '}');
}

void tdx__json_array_open(tdx__json *j, const char *key)
{
	open_container(j, key, '[');
}

void tdx__json_array_close(tdx__json *j)
{
	close_container(j, ']');
}

void tdx__json_uint(tdx__json *j, const char *key, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	member(j, key);
	put(j, num, (size_t)n);
}

void tdx__json_null(tdx__json *j, const char *key)
{
	member(j, key);
	put(j, "null", 4);
}

void tdx__json_hex(tdx__json *j, const char *key, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (!p) {
		tdx__json_null(j, key);
		return;
	}
	member(j, key);
	put_char(j, '"');
	for (size_t i = 0; i < n; i++) {
		char pair[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

		put(j, pair, 2);
	}
	put_char(j, '"');
}

void tdx__json_bytes_string(tdx__json *j, const char *key, const uint8_t *p, size_t n)
{
	if (!p) {
		tdx__json_null(j, key);
		return;
	}
	member(j, key);
	put_string(j, p, n);
}

void tdx__json_string(tdx__json *j, const char *key, const char *s)
{
	tdx__json_bytes_string(j, key, (const uint8_t *)s, s ? strlen(s) : 0);
}

int tdx__json_export(void (*emit)(tdx__json *j, const void *obj), const void *obj,
		     char *buf, size_t *len, const char *where)
{
	tdx__json j;
	size_t need;

	tdx__json_init(&j, NULL, 0);
	emit(&j, obj);
	need = j.n + 1;
	/* One protocol for every sized output: NULL or short -> BUFFER_TOO_SMALL. */
	if (!buf || *len < need) {
		size_t have = buf ? *len : 0;

		*len = need;
		return tdx__error_set(TDX_E_BUFFER_TOO_SMALL, TDX_LAYER_LIBRARY, 0, 0, where,
				      "the JSON needs %zu bytes (with the NUL) but the buffer has "
				      "%zu; call again with a buffer of *len bytes", need, have);
	}
	tdx__json_init(&j, buf, need - 1);
	emit(&j, obj);
	buf[j.n] = '\0';
	*len = need;
	return TDX_OK;
}
