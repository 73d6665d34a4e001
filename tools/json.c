/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <string.h>

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Separator and key for the next member (key NULL inside arrays/top). */
static void member(json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = 1;
	if (key) {
		put_string(j->out, key);
		fputc(':', j->out);
	}
}

void json_begin(json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	json_object_open(j, NULL);
}

void json_end(json *j)
{
	json_object_close(j);
	fputc('\n', j->out);
}

void json_object_open(json *j, const char *key)
{
	member(j, key);
	fputc('{', j->out);
	if (j->depth + 1 < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])))
		j->depth++;
	j->need_comma[j->depth] = 0;
}

void json_object_close(json *j)
{
	fputc('}', j->out);
	if (j->depth > 0)
		j->depth--;
}

void json_string(json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j->out, value);
	else
		fputs("null", j->out);
}

void json_bool(json *j, const char *key, int value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->out);
}

void json_int(json *j, const char *key, long long value)
{
	member(j, key);
	fprintf(j->out, "%lld", value);
}

void json_uint(json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->out, "%llu", (unsigned long long)value);
}

void json_array_open(json *j, const char *key)
{
	member(j, key);
	fputc('[', j->out);
	if (j->depth + 1 < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])))
		j->depth++;
	j->need_comma[j->depth] = 0;
}

void json_array_close(json *j)
{
	fputc(']', j->out);
	if (j->depth > 0)
		j->depth--;
}

void json_hex(json *j, const char *key, const uint8_t *p, size_t n)
{
	char s[2 * 64 + 1];

	for (size_t i = 0; i < n && i < 64; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * (n < 64 ? n : 64)] = '\0';
	json_string(j, key, s);
}
