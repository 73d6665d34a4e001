/* SPDX-License-Identifier: MIT */
/*
 * tdx.i: the one SWIG interface to libtdx, shared by every SWIG binding.
 *
 * The split:
 *   bindings/swig/tdx.i                 (this file) what libtdx *is*: the
 *                                       public headers in dependency order,
 *                                       the handle types as opaque classes,
 *                                       the growable (`sz`-first) structs as
 *                                       plain structs, and %ignores that hold
 *                                       for every language.
 *   bindings/swig/python/tdx_python.i   Python: %module, exceptions from
 *                                       tdx_status, bytes in/out, owned handles.
 *   bindings/swig/go/tdx_go.i           Go: %module, cgo flags, Go typemaps.
 *
 * This file declares no %module and no typemaps: a language file sets its
 * module, defines its typemaps (they must come first, since typemaps only
 * apply to declarations that follow them), then `%include "tdx.i"` with
 * -I bindings/swig and -I <libtdx includedir> (`pkg-config --cflags libtdx`;
 * the installed headers, so version.h is the generated one).
 */

/* The wrapper C code sees the real headers. */
%{
#include <tdx/tdx.h>
%}

/* uint8_t, uint64_t, ... as the language's integers, not opaque pointers. */
%include <stdint.i>

/*
 * common.h's macros, empty for SWIG: the export attribute and C++ linkage
 * mean nothing to the wrapper's view of the API.  TDX_OPTS (a statement
 * expression for C callers) and TDX_DEPRECATED are function-like macros,
 * which SWIG never wraps; bindings call the tdx_<type>_init functions.
 */
#define TDX_API
#define TDX_BEGIN_DECLS
#define TDX_END_DECLS
#define TDX_DEPRECATED(msg)

/*
 * `tdx_<type>__last_field` names a struct member for the library's own
 * size checks; it is not a constant.
 */
%rename("$ignore", regexmatch$name="__last_field$") "";

/*
 * Handles are opaque: the library allocates and frees them.  An empty body
 * gives each a proxy type of its own (not SWIGTYPE_p_...) without members,
 * and %nodefaultctor/%nodefaultdtor keep SWIG from making new/delete
 * functions that would malloc or free one behind the library's back.  A
 * language file may add a destructor calling the type's close/free.
 */
%define TDX_OPAQUE(T)
%nodefaultctor T;
%nodefaultdtor T;
struct T {};
%enddef

TDX_OPAQUE(tdx_guest)
TDX_OPAQUE(tdx_emu)
TDX_OPAQUE(tdx_host)
TDX_OPAQUE(tdx_vm)
TDX_OPAQUE(tdx_vcpu)
TDX_OPAQUE(tdx_report)
TDX_OPAQUE(tdx_quote)
TDX_OPAQUE(tdx_mrtd)
TDX_OPAQUE(tdx_tdvf)
TDX_OPAQUE(tdx_eventlog)
TDX_OPAQUE(tdx_pck)
TDX_OPAQUE(tdx_verify_result)

/*
 * The error record is read-only to callers (the library owns it and its
 * message); there is no reason to construct one.
 */
%nodefaultctor tdx_error;
%nodefaultdtor tdx_error;
%immutable tdx_error::code;
%immutable tdx_error::layer;
%immutable tdx_error::hw_status;
%immutable tdx_error::os_errno;
%immutable tdx_error::message;
/* Set through the bindings' verify helpers, not member by member. */
%immutable tdx_verify_opts::collateral;

/*
 * The public headers, in dependency order (tdx.h's order).  SWIG does not
 * follow their #includes; each is named here.  Growable structs
 * (tdx_vp_info, tdx_vm_opts, ...) come through as plain structs: `sz` is an
 * ordinary member that the tdx_<type>_init functions set.
 */
%include <tdx/common.h>
%include <tdx/version.h>
%include <tdx/errors.h>
%include <tdx/machine.h>
%include <tdx/guest.h>
%include <tdx/emu.h>
%include <tdx/host.h>
%include <tdx/report.h>
%include <tdx/quote.h>
%include <tdx/verify.h>
%include <tdx/measure.h>
%include <tdx/eventlog.h>
