/* SPDX-License-Identifier: MIT */
/*
 * The `sz`-first growable-struct rule shared by every options/output type.
 * Freestanding (no libc): also built into the TD-in-a-box guest payload.
 */

#include "internal.h"

int tdx__struct_check(const void *p, size_t sz, size_t known, const char *type,
		      const char *where)
{
	const unsigned char *bytes = p;

	if (sz < sizeof(size_t))
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
				      "%s.sz is %zu, smaller than the sz field itself; "
				      "declare it with TDX_OPTS() or call %s_init(ptr, sizeof *ptr)",
				      type, sz, type);
	/* A newer caller may pass a longer struct; accept it only when the
	 * fields this library does not know are unused (zero). */
	for (size_t i = known; i < sz; i++)
		if (bytes[i])
			return tdx__error_set(TDX_E_ABI_MISMATCH, TDX_LAYER_LIBRARY, 0, 0,
					      where,
					      "%s has %zu bytes but this libtdx %s knows %zu and byte %zu is "
					      "set: the program uses a field added in a newer libtdx; "
					      "upgrade libtdx or leave that field zero",
					      type, sz, TDX_VERSION_STRING, known, i);
	return TDX_OK;
}

int tdx__struct_init(void *p, size_t sz, const char *type, const char *param,
		     const char *where)
{
	if (!p)
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
				      "%s is NULL; pass the %s to initialise", param, type);
	if (sz < sizeof(size_t))
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
				      "sz %zu is smaller than the sz field; pass sizeof(%s)", sz,
				      type);
	__builtin_memset(p, 0, sz);
	__builtin_memcpy(p, &sz, sizeof sz);
	return TDX_OK;
}
