/* SPDX-License-Identifier: MIT */
/* Library-private helpers; never installed, never exported. */
#ifndef TDX_INTERNAL_H
#define TDX_INTERNAL_H

#include <stddef.h>

#include <tdx/tdx.h>

#define TDX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Record a failure in the calling thread's error record and return `code`,
 * so a failing path reads `return tdx__fail(TDX_E_INVALID, ...)`.
 */
__attribute__((format(printf, 6, 7)))
int tdx__error_set(int code, int layer, uint64_t hw_status, int os_errno,
		   const char *where, const char *fmt, ...);

#define tdx__fail(code, ...) \
	tdx__error_set((code), TDX_LAYER_LIBRARY, 0, 0, __func__, __VA_ARGS__)

/* An OS failure: maps errno to a code (EACCES/EPERM -> TDX_E_PERM, ...). */
#define tdx__fail_os(err, ...) \
	tdx__error_set(tdx__errno_code(err), TDX_LAYER_OS, 0, (err), __func__, __VA_ARGS__)

int tdx__errno_code(int err);

/*
 * Validate a caller's growable struct (see TDX_OPTS): `sz` must cover at
 * least the `sz` field and any bytes beyond `known` must be zero.
 */
int tdx__struct_check(const void *p, size_t sz, size_t known, const char *type,
		      const char *where);

/* The common case (the caller was built with these headers) costs one compare. */
#define TDX_STRUCT_CHECK(ptr, type)                                                   \
	((ptr)->sz == sizeof(type) ? TDX_OK                                            \
				   : tdx__struct_check((ptr), (ptr)->sz, sizeof(type), #type, \
						       __func__))

/*
 * tdx_<type>_init(ptr, sz): zero the caller's growable struct and set its
 * sz. Every such struct starts with `size_t sz` (checked here at compile time).
 */
int tdx__struct_init(void *p, size_t sz, const char *type, const char *param,
		     const char *where);

#define TDX_STRUCT_INIT(ptr, size, type)                                          \
	((void)sizeof(char[offsetof(type, sz) == 0 ? 1 : -1]),                    \
	 tdx__struct_init((ptr), (size), #type, #ptr, __func__))

#endif /* TDX_INTERNAL_H */
