/* SPDX-License-Identifier: MIT */
/*
 * Parsed OpenSSL objects (certificates, CRLs) by the SHA-256 of the bytes
 * they were parsed from.  OpenSSL 3 takes about 0.2 ms to parse a
 * certificate (its public key goes through the decoder framework), and a
 * verifier meets the same roots, CAs, CRLs and a fleet's leaves again and
 * again.  Only parsing is cached: every use checks signatures, names and
 * times anew.  Library-private.
 */
#ifndef TDX_PARSE_CACHE_H
#define TDX_PARSE_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define TDX__PARSE_CACHE_SLOTS 64

typedef struct tdx__parse_cache {
	int (*up_ref)(void *obj); /* 1 on success, as OpenSSL's *_up_ref */
	void (*free)(void *obj);
	pthread_mutex_t lock;
	unsigned next; /* the slot replaced next (round robin) */
	struct {
		uint8_t hash[32];
		void *obj;
	} slot[TDX__PARSE_CACHE_SLOTS];
} tdx__parse_cache;

#define TDX__PARSE_CACHE_INIT(up_ref_fn, free_fn) \
	{ .up_ref = (up_ref_fn), .free = (free_fn), .lock = PTHREAD_MUTEX_INITIALIZER }

/* The object parsed from bytes[0..len), with a reference for the caller;
 * NULL when not cached. */
void *tdx__parse_cache_get(tdx__parse_cache *c, const void *bytes, size_t len);
/* Remember obj (the cache takes a reference of its own) as parsed from
 * bytes[0..len). */
void tdx__parse_cache_put(tdx__parse_cache *c, const void *bytes, size_t len, void *obj);

#endif
