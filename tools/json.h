/* SPDX-License-Identifier: MIT */
/* A minimal streaming JSON writer for the CLI's --json output. */
#ifndef TDX_TOOLS_JSON_H
#define TDX_TOOLS_JSON_H

#include <stdint.h>
#include <stdio.h>

typedef struct json {
	FILE *out;
	int depth;
	int need_comma[32];
} json;

void json_begin(json *j, FILE *out);
void json_end(json *j);
void json_object_open(json *j, const char *key);
void json_object_close(json *j);
void json_string(json *j, const char *key, const char *value);
void json_bool(json *j, const char *key, int value);
void json_int(json *j, const char *key, long long value);
void json_uint(json *j, const char *key, uint64_t value);
void json_array_open(json *j, const char *key);
void json_array_close(json *j);
/* Up to 64 bytes as lowercase hex. */
void json_hex(json *j, const char *key, const uint8_t *p, size_t n);

#endif
