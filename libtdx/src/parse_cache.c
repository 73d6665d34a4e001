/* SPDX-License-Identifier: MIT */
/* A small round-robin cache of parsed objects (parse_cache.h). */
#include <string.h>

#include <openssl/sha.h>

#include "parse_cache.h"

_Static_assert(sizeof(((tdx__parse_cache *)0)->slot[0].hash) == SHA256_DIGEST_LENGTH,
	       "a slot holds a SHA-256");

void *tdx__parse_cache_get(tdx__parse_cache *c, const void *bytes, size_t len)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	void *obj = NULL;

	SHA256(bytes, len, h);
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < TDX__PARSE_CACHE_SLOTS && !obj; i++)
		if (c->slot[i].obj && !memcmp(c->slot[i].hash, h, sizeof(h)) &&
		    c->up_ref(c->slot[i].obj))
			obj = c->slot[i].obj;
	pthread_mutex_unlock(&c->lock);
	return obj;
}

void tdx__parse_cache_put(tdx__parse_cache *c, const void *bytes, size_t len, void *obj)
{
	uint8_t h[SHA256_DIGEST_LENGTH];

	if (!c->up_ref(obj))
		return;
	SHA256(bytes, len, h);
	pthread_mutex_lock(&c->lock);
	{
		unsigned i = c->next++ % TDX__PARSE_CACHE_SLOTS;

		if (c->slot[i].obj)
			c->free(c->slot[i].obj);
		c->slot[i].obj = obj;
		memcpy(c->slot[i].hash, h, sizeof(h));
	}
	pthread_mutex_unlock(&c->lock);
}
