/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON reader for collateral (RFC 8259): a tree whose every value
 * keeps the exact bytes it was parsed from, because TCB Info and QE
 * Identity signatures cover a member's bytes as served, not a
 * re-serialisation (verify.md §3.2, pitfall 17).  Library-private.
 */
#ifndef TDX_JSONPARSE_H
#define TDX_JSONPARSE_H

#include <stddef.h>
#include <stdint.h>

enum { TDX_JV_NULL, TDX_JV_BOOL, TDX_JV_NUMBER, TDX_JV_STRING, TDX_JV_ARRAY,
       TDX_JV_OBJECT };

typedef struct tdx__jval tdx__jval;
struct tdx__jval {
	int type;
	const char *raw; /* the value's bytes in the input */
	size_t raw_len;
	char *str;       /* STRING: the decoded text (NUL-terminated); a member's key */
	char *key;       /* as a member of an object */
	double num;      /* NUMBER */
	int boolean;     /* BOOL */
	tdx__jval *child; /* ARRAY/OBJECT: the first element or member */
	tdx__jval *next;  /* the next sibling */
	size_t count;    /* ARRAY/OBJECT: the number of children */
};

/* Parse text[0..len) as one JSON value (nesting at most 32 deep).  Errors
 * are recorded with the byte offset; `what` names the document. */
int tdx__jval_parse(tdx__jval **out, const char *text, size_t len, const char *what);
void tdx__jval_free(tdx__jval *j);

/* The member `key` of an object, or NULL. */
const tdx__jval *tdx__jval_get(const tdx__jval *obj, const char *key);
/* The i-th element of an array, or NULL. */
const tdx__jval *tdx__jval_at(const tdx__jval *arr, size_t i);

#endif
