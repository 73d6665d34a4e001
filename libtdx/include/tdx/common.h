/* SPDX-License-Identifier: MIT */
/*
 * Conventions shared by every libtdx header: the export macro, C/C++
 * linkage, the return-status type and the growable-struct helper.
 */
#ifndef TDX_COMMON_H
#define TDX_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define TDX_API __attribute__((visibility("default")))
#define TDX_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define TDX_API
#define TDX_DEPRECATED(msg)
#endif

#ifdef __cplusplus
#define TDX_BEGIN_DECLS extern "C" {
#define TDX_END_DECLS }
#else
#define TDX_BEGIN_DECLS
#define TDX_END_DECLS
#endif

/*
 * Every fallible function returns a tdx_status: TDX_OK (0) or a negative
 * TDX_E_* code from <tdx/errors.h>.  It is plain int in the ABI; the name
 * exists so that bindings can recognise status returns.
 */
typedef int tdx_status;

/*
 * Growable structs (options and multi-field outputs) start with
 * `size_t sz`, the size the caller was compiled with.  The library reads
 * and writes only min(sz, what it knows); a larger struct is accepted only
 * if its unknown tail is all zero.  C callers (gcc/clang) declare one with
 * TDX_OPTS, which zeroes it (padding included) and sets sz:
 *
 *     TDX_OPTS(tdx_machine_info, info);
 *
 * Callers without statement expressions (C89, FFI) call the type's
 * exported tdx_<type>_init(ptr, sizeof *ptr) instead.
 */
#define TDX_OPTS(TYPE, NAME, ...)                                   \
	TYPE NAME = ({                                              \
		__builtin_memset(&NAME, 0, sizeof(TYPE));           \
		(TYPE){ .sz = sizeof(TYPE), __VA_ARGS__ };          \
	})

#endif /* TDX_COMMON_H */
