/* SPDX-License-Identifier: MIT */
/*
 * The parse cache (parse_cache.h) with counted objects: a hit hands out a
 * reference, a miss none; a full cache releases the oldest entry's
 * reference, and a refused up-ref leaves the cache as it was.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "parse_cache.h"

typedef struct obj {
	int refs;
	int refuse; /* up_ref fails */
} obj;

static int obj_up_ref(void *p)
{
	obj *o = p;

	if (o->refuse)
		return 0;
	o->refs++;
	return 1;
}

static void obj_free(void *p)
{
	((obj *)p)->refs--;
}

static void test_hit_and_miss(void)
{
	static tdx__parse_cache c = TDX__PARSE_CACHE_INIT(obj_up_ref, obj_free);
	obj a = { .refs = 1 };

	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "a", 1));
	tdx__parse_cache_put(&c, "a", 1, &a);
	CU_ASSERT_EQUAL(a.refs, 2); /* the caller's and the cache's */
	CU_ASSERT_PTR_EQUAL(tdx__parse_cache_get(&c, "a", 1), &a);
	CU_ASSERT_EQUAL(a.refs, 3);
	/* Other bytes, more of them or none are other keys. */
	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "b", 1));
	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "ab", 2));
	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "a", 0));
	CU_ASSERT_EQUAL(a.refs, 3);
}

static void test_full_cache_releases_the_oldest(void)
{
	static tdx__parse_cache c = TDX__PARSE_CACHE_INIT(obj_up_ref, obj_free);
	static obj o[TDX__PARSE_CACHE_SLOTS + 1];
	char key[16];

	for (int i = 0; i <= TDX__PARSE_CACHE_SLOTS; i++) {
		o[i].refs = 1;
		snprintf(key, sizeof(key), "k%d", i);
		tdx__parse_cache_put(&c, key, strlen(key), &o[i]);
	}
	/* The first entry made room for the last: its reference is back. */
	CU_ASSERT_EQUAL(o[0].refs, 1);
	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "k0", 2));
	for (int i = 1; i <= TDX__PARSE_CACHE_SLOTS; i++)
		CU_ASSERT_EQUAL(o[i].refs, 2);
	snprintf(key, sizeof(key), "k%d", TDX__PARSE_CACHE_SLOTS);
	CU_ASSERT_PTR_EQUAL(tdx__parse_cache_get(&c, key, strlen(key)), &o[TDX__PARSE_CACHE_SLOTS]);
}

static void test_refused_up_ref(void)
{
	static tdx__parse_cache c = TDX__PARSE_CACHE_INIT(obj_up_ref, obj_free);
	obj a = { .refs = 1 };

	tdx__parse_cache_put(&c, "a", 1, &a);
	a.refuse = 1;
	/* Cached, but no reference to hand out: a miss. */
	CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "a", 1));
	CU_ASSERT_EQUAL(a.refs, 2);
	{
		obj b = { .refs = 1, .refuse = 1 };

		/* Not kept without a reference of the cache's own. */
		tdx__parse_cache_put(&c, "b", 1, &b);
		b.refuse = 0;
		CU_ASSERT_PTR_NULL(tdx__parse_cache_get(&c, "b", 1));
		CU_ASSERT_EQUAL(b.refs, 1);
	}
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_hit_and_miss),
		TDX_TEST(test_full_cache_releases_the_oldest),
		TDX_TEST(test_refused_up_ref),
		{ NULL, NULL },
	};

	return tdx_test_run("parse-cache", tests);
}
