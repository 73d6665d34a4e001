/* SPDX-License-Identifier: MIT */
/* A strict JSON reader that keeps each value's bytes (see jsonparse.h). */
#include "jsonparse.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_DEPTH 32

typedef struct parser {
	const char *s;
	size_t len, pos;
	const char *what;
	int depth;
} parser;

static int fail(parser *p, const char *why)
{
	return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, "tdx__jval_parse",
			      "%s is not valid JSON: %s at byte %zu", p->what, why, p->pos);
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int read_u4(parser *p, unsigned *v)
{
	*v = 0;
	if (p->len - p->pos < 4)
		return fail(p, "a truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[p->pos++]);

		if (h < 0)
			return fail(p, "a bad \\u escape");
		*v = *v << 4 | (unsigned)h;
	}
	return TDX_OK;
}

/* A string at p->pos (the opening quote), decoded into a new buffer. */
static int parse_string(parser *p, char **out)
{
	size_t start = ++p->pos, n = 0;
	char *o;

	/* The decoded text is never longer than the source. */
	while (p->pos < p->len && p->s[p->pos] != '"') {
		if ((unsigned char)p->s[p->pos] < 0x20)
			return fail(p, "a control character in a string");
		p->pos += p->s[p->pos] == '\\' ? 2 : 1;
	}
	if (p->pos >= p->len)
		return fail(p, "an unterminated string");
	o = malloc(p->pos - start + 1);
	if (!o)
		return tdx__fail(TDX_E_NOMEM, "out of memory parsing %s", p->what);
	for (p->pos = start; p->s[p->pos] != '"';) {
		char c = p->s[p->pos++];
		unsigned cp, lo;

		if (c != '\\') {
			o[n++] = c;
			continue;
		}
		c = p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': o[n++] = c; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u':
			if (read_u4(p, &cp))
				goto bad;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
					fail(p, "a lone surrogate");
					goto bad;
				}
				p->pos += 2;
				if (read_u4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
					fail(p, "a bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				fail(p, "a lone surrogate");
				goto bad;
			}
			if (!cp) {
				fail(p, "a NUL character in a string");
				goto bad;
			}
			n += put_utf8(o + n, cp);
			break;
		default:
			fail(p, "a bad escape");
			goto bad;
		}
	}
	p->pos++;
	o[n] = '\0';
	*out = o;
	return TDX_OK;
bad:
	free(o);
	return TDX_E_INVALID;
}

static int parse_number(parser *p, double *v)
{
	size_t start = p->pos;
	char buf[64];

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
		return fail(p, "a bad number");
	if (p->s[p->pos] == '0')
		p->pos++;
	else
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return fail(p, "a bad fraction");
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return fail(p, "a bad exponent");
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos - start >= sizeof(buf))
		return fail(p, "a number too long");
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	*v = strtod(buf, NULL);
	return TDX_OK;
}

static int parse_value(parser *p, tdx__jval **out);

/* The elements of an array or the members of an object. */
static int parse_children(parser *p, tdx__jval *j, char close)
{
	tdx__jval **tail = &j->child;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return TDX_OK;
	}
	for (;;) {
		char *key = NULL;
		tdx__jval *c;
		int rc;

		skip_ws(p);
		if (close == '}') {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "a member without a string key");
			if (parse_string(p, &key))
				return TDX_E_INVALID;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return fail(p, "a member without ':'");
			}
			p->pos++;
		}
		rc = parse_value(p, &c);
		if (rc) {
			free(key);
			return rc;
		}
		c->key = key;
		*tail = c;
		tail = &c->next;
		j->count++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return TDX_OK;
		}
		return fail(p, close == '}' ? "an object without ',' or '}'" : "an array without ',' or ']'");
	}
}

static int parse_value(parser *p, tdx__jval **out)
{
	tdx__jval *j;
	int rc = TDX_OK;
	char c;

	skip_ws(p);
	if (p->pos >= p->len)
		return fail(p, "a missing value");
	j = calloc(1, sizeof(*j));
	if (!j)
		return tdx__fail(TDX_E_NOMEM, "out of memory parsing %s", p->what);
	j->raw = p->s + p->pos;
	c = p->s[p->pos];
	if (c == '{' || c == '[') {
		if (++p->depth > MAX_DEPTH) {
			rc = fail(p, "nesting deeper than 32");
		} else {
			j->type = c == '{' ? TDX_JV_OBJECT : TDX_JV_ARRAY;
			rc = parse_children(p, j, c == '{' ? '}' : ']');
		}
		p->depth--;
	} else if (c == '"') {
		j->type = TDX_JV_STRING;
		rc = parse_string(p, &j->str);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		j->type = TDX_JV_NUMBER;
		rc = parse_number(p, &j->num);
	} else if (p->len - p->pos >= 4 && !memcmp(p->s + p->pos, "true", 4)) {
		j->type = TDX_JV_BOOL;
		j->boolean = 1;
		p->pos += 4;
	} else if (p->len - p->pos >= 5 && !memcmp(p->s + p->pos, "false", 5)) {
		j->type = TDX_JV_BOOL;
		p->pos += 5;
	} else if (p->len - p->pos >= 4 && !memcmp(p->s + p->pos, "null", 4)) {
		j->type = TDX_JV_NULL;
		p->pos += 4;
	} else {
		rc = fail(p, "an unexpected character");
	}
	if (rc) {
		tdx__jval_free(j);
		return rc;
	}
	j->raw_len = (size_t)(p->s + p->pos - j->raw);
	*out = j;
	return TDX_OK;
}

int tdx__jval_parse(tdx__jval **out, const char *text, size_t len, const char *what)
{
	parser p = { .s = text, .len = len, .what = what };
	tdx__jval *j;
	int rc;

	*out = NULL;
	rc = parse_value(&p, &j);
	if (rc)
		return rc;
	skip_ws(&p);
	if (p.pos != p.len) {
		tdx__jval_free(j);
		return fail(&p, "bytes after the value");
	}
	*out = j;
	return TDX_OK;
}

void tdx__jval_free(tdx__jval *j)
{
	while (j) {
		tdx__jval *next = j->next;

		tdx__jval_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const tdx__jval *tdx__jval_get(const tdx__jval *obj, const char *key)
{
	if (!obj || obj->type != TDX_JV_OBJECT)
		return NULL;
	for (const tdx__jval *c = obj->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const tdx__jval *tdx__jval_at(const tdx__jval *arr, size_t i)
{
	const tdx__jval *c;

	if (!arr || arr->type != TDX_JV_ARRAY)
		return NULL;
	for (c = arr->child; c && i; c = c->next)
		i--;
	return c;
}
