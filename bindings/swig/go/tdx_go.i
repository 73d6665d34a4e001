/* SPDX-License-Identifier: MIT */
/*
 * tdx_go.i: the Go binding's SWIG layer.  scripts/regen-go.sh runs
 *
 *     swig -go -cgo -intgosize 64 -module tdx -I bindings/swig \
 *          -I <libtdx includedir> -o bindings/go/tdx_wrap.c \
 *          -outdir bindings/go bindings/swig/go/tdx_go.i
 *
 * and the output is committed, so `go get` users need no SWIG.  The
 * hand-written idiomatic layer (OpenGuest, Report, Host, ...) lives next to
 * it in bindings/go.
 *
 * What this file changes from SWIG's defaults, and why:
 *  - tdx_status returns become Go `error` values (*Error, usable with
 *    errors.As/errors.Is), never panics.  The C wrapper copies
 *    tdx_error_last() right after the call, on the thread that made it:
 *    a goroutine may move to another OS thread before the Go side could
 *    ask, and the record is per thread.
 *  - Byte buffers are []byte; integer out-parameters are slices whose
 *    first element(s) receive the value (nil or empty: NULL).
 *  - `T **out` handle out-parameters are *T.
 *  - Functions whose C shape cannot be expressed safely in Go (an output
 *    buffer whose length comes back through a pointer, a source buffer
 *    without a length) are replaced by small C shims of the same Go name
 *    taking slices; callbacks are not wrapped.
 *
 * Typemaps only apply to declarations after them, so everything here comes
 * before `%include "tdx.i"`, except the %inline shims, which need the
 * handle types declared first.
 */
%module tdx

/* ---- cgo preamble of the generated Go file ---- */

%insert(cgo_comment_typedefs) %{
#cgo pkg-config: libtdx
#include <stdlib.h>
// A copy of the calling thread's tdx_error, made by the C wrapper; the
// same layout as in tdx_wrap.c below (this preamble sits inside a Go
// comment: no C block comments here).
typedef struct tdx_go_error {
	int code;
	int layer;
	int os_errno;
	int owned;
	uint64_t hw_status;
	const char *message;
} tdx_go_error;
%}

/* ---- C support code of the wrapper (tdx_wrap.c) ---- */

%{
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tdx/tdx.h>

/* The Go side reads size_t* and unsigned* through []uint64 / []uint32. */
_Static_assert(sizeof(size_t) == 8, "the Go binding needs a 64-bit size_t");
_Static_assert(sizeof(unsigned) == 4 && sizeof(int) == 4, "32-bit int expected");
/* Error records travel to Go as a 64-bit integer. */
_Static_assert(sizeof(void *) == 8, "the Go binding needs 64-bit pointers");

/* Keep in step with the cgo preamble's copy above. */
typedef struct tdx_go_error {
	int code;
	int layer;
	int os_errno;
	int owned;          /* 1: malloc'd; the Go side frees it */
	uint64_t hw_status;
	const char *message; /* stored right after the struct */
} tdx_go_error;

/*
 * A shim's own argument check: the library's record would describe some
 * earlier failure, so the shim leaves its message here for the capture
 * below (same thread, same wrapper call).
 */
static _Thread_local const char *tdx_go_shim_message;

static tdx_status tdx_go_shim_fail(tdx_status code, const char *message)
{
	tdx_go_shim_message = message;
	return code;
}

/* When even the copy cannot be allocated; never freed. */
static tdx_go_error tdx_go_error_nomem = {
	TDX_E_NOMEM, TDX_LAYER_LIBRARY, ENOMEM, 0, 0,
	"libtdx Go binding: out of memory while recording an error"
};

/* NULL for TDX_OK, else a malloc'd copy of this thread's record. */
static tdx_go_error *tdx_go_capture(tdx_status status)
{
	const char *shim = tdx_go_shim_message;
	tdx_go_shim_message = NULL;
	if (status == TDX_OK)
		return NULL;

	const tdx_error *e = tdx_error_last();
	int layer = e->layer, os_errno = e->os_errno;
	uint64_t hw = e->hw_status;
	const char *msg = e->message;
	if (shim || e->code != status) {
		/* The record is not about this failure. */
		layer = TDX_LAYER_LIBRARY;
		os_errno = 0;
		hw = 0;
		msg = shim ? shim : tdx_strerror(status);
	}
	size_t n = strlen(msg) + 1;
	tdx_go_error *r = malloc(sizeof *r + n);
	if (!r)
		return &tdx_go_error_nomem;
	r->code = status;
	r->layer = layer;
	r->os_errno = os_errno;
	r->owned = 1;
	r->hw_status = hw;
	r->message = memcpy((char *)(r + 1), msg, n);
	return r;
}
%}

/* ---- Go support code: the error type ---- */

%go_import("strconv", "syscall")

%insert(go_wrapper) %{

// Code is a libtdx status code (TDX_E_* in <tdx/errors.h>).
type Code int

// The codes; every failure is one of these.
const (
	CodeInvalid        Code = -1  // invalid argument
	CodeNotSupported   Code = -2  // the backend, kernel or TDX module lacks it
	CodeNoDevice       Code = -3  // device absent; no backend chosen
	CodePerm           Code = -4  // permission denied
	CodeBufferTooSmall Code = -5  // the needed size was written back
	CodeRetry          Code = -6  // busy: try again
	CodeTDCall         Code = -7  // the TDX module returned an error
	CodeVMCall         Code = -8  // the host returned an error to a TDVMCALL
	CodeOS             Code = -9  // a system call failed
	CodeState          Code = -10 // call made in the wrong state or order
	CodeABIMismatch    Code = -11 // struct or interface version mismatch
	CodeNoMem          Code = -12 // out of memory
	CodeVerify         Code = -13 // verification failed
	// tdx_quote_verify's failing step (<tdx/verify.h>):
	CodeQuoteFormat        Code = -14 // a field the verifier requires is wrong
	CodeCertChain          Code = -15 // a chain does not reach a trusted root
	CodeExpired            Code = -16 // outside a validity window at the time
	CodeQEReportSignature  Code = -17 // the PCK key did not sign the QE report
	CodeQEReportData       Code = -18 // the QE report does not bind the attestation key
	CodeQuoteSignature     Code = -19 // the attestation key did not sign the quote
	CodeRevoked            Code = -20 // a certificate is on its CRL
	CodeCollateral         Code = -21 // collateral missing, malformed, mis-signed or another platform's
	CodeQEIdentity         Code = -22 // the QE report does not match QE Identity
	CodeTDXModule          Code = -23 // the TDX module does not match TCB Info
	CodeTCB                Code = -24 // no matching TCB level, or a status the policy refuses
)

var codeNames = map[Code]string{
	0: "TDX_OK", CodeInvalid: "TDX_E_INVALID", CodeNotSupported: "TDX_E_NOT_SUPPORTED",
	CodeNoDevice: "TDX_E_NO_DEVICE", CodePerm: "TDX_E_PERM",
	CodeBufferTooSmall: "TDX_E_BUFFER_TOO_SMALL", CodeRetry: "TDX_E_RETRY",
	CodeTDCall: "TDX_E_TDCALL", CodeVMCall: "TDX_E_VMCALL", CodeOS: "TDX_E_OS",
	CodeState: "TDX_E_STATE", CodeABIMismatch: "TDX_E_ABI_MISMATCH",
	CodeNoMem: "TDX_E_NOMEM", CodeVerify: "TDX_E_VERIFY",
	CodeQuoteFormat: "TDX_E_QUOTE_FORMAT", CodeCertChain: "TDX_E_CERT_CHAIN",
	CodeExpired: "TDX_E_EXPIRED", CodeQEReportSignature: "TDX_E_QE_REPORT_SIGNATURE",
	CodeQEReportData: "TDX_E_QE_REPORT_DATA", CodeQuoteSignature: "TDX_E_QUOTE_SIGNATURE",
	CodeRevoked: "TDX_E_REVOKED", CodeCollateral: "TDX_E_COLLATERAL",
	CodeQEIdentity: "TDX_E_QE_IDENTITY", CodeTDXModule: "TDX_E_TDX_MODULE", CodeTCB: "TDX_E_TCB",
}

// String returns the C name of the code, such as "TDX_E_STATE".
func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return "TDX_E_(" + strconv.Itoa(int(c)) + ")"
}

// Layer says where a failure came from (TDX_LAYER_* in <tdx/errors.h>).
type Layer int

// The layers.
const (
	LayerNone    Layer = 0 // no failure recorded
	LayerLibrary Layer = 1 // libtdx's own checks
	LayerOS      Layer = 2 // a system call; Errno is set
	LayerModule  Layer = 3 // the TDX module; HWStatus is its RAX
	LayerVMCall  Layer = 4 // the host via TDVMCALL; HWStatus is R10
	LayerKVM     Layer = 5 // KVM; HWStatus is the TDX hw_error
)

// String returns the library's name of the layer ("library", "os", ...).
func (l Layer) String() string { return Tdx_layer_name(int(l)) }

// Error is every failure libtdx reports: the tdx_error record of the call
// that failed.  Match it with errors.As, or a code with errors.Is and the
// Err* sentinels.
type Error struct {
	Code     Code          // the TDX_E_* code the call returned
	Layer    Layer         // where it failed
	HWStatus uint64        // raw TDX-module / TDVMCALL status, or KVM hw_error
	Errno    syscall.Errno // errno of the failed system call, else 0
	Message  string        // what went wrong and what to do
}

func (e *Error) Error() string {
	return "tdx: " + e.Message + " (" + e.Code.String() + ")"
}

// Is matches errors of the same Code, so errors.Is(err, tdx.ErrState)
// works whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap exposes the errno of an OS-layer failure (errors.Is(err,
// syscall.ENOENT)).
func (e *Error) Unwrap() error {
	if e.Errno != 0 {
		return e.Errno
	}
	return nil
}

// Sentinels for errors.Is; only their Code is compared.
var (
	ErrInvalid        = &Error{Code: CodeInvalid, Message: "invalid argument"}
	ErrNotSupported   = &Error{Code: CodeNotSupported, Message: "not supported"}
	ErrNoDevice       = &Error{Code: CodeNoDevice, Message: "no such device"}
	ErrPerm           = &Error{Code: CodePerm, Message: "permission denied"}
	ErrBufferTooSmall = &Error{Code: CodeBufferTooSmall, Message: "buffer too small"}
	ErrRetry          = &Error{Code: CodeRetry, Message: "busy, try again"}
	ErrTDCall         = &Error{Code: CodeTDCall, Message: "TDX module error"}
	ErrVMCall         = &Error{Code: CodeVMCall, Message: "TDVMCALL error"}
	ErrOS             = &Error{Code: CodeOS, Message: "system call failed"}
	ErrState          = &Error{Code: CodeState, Message: "wrong state or order"}
	ErrABIMismatch    = &Error{Code: CodeABIMismatch, Message: "ABI mismatch"}
	ErrNoMem          = &Error{Code: CodeNoMem, Message: "out of memory"}
	ErrVerify         = &Error{Code: CodeVerify, Message: "verification failed"}

	ErrQuoteFormat       = &Error{Code: CodeQuoteFormat, Message: "quote format"}
	ErrCertChain         = &Error{Code: CodeCertChain, Message: "certificate chain"}
	ErrExpired           = &Error{Code: CodeExpired, Message: "expired or not yet valid"}
	ErrQEReportSignature = &Error{Code: CodeQEReportSignature, Message: "QE report signature"}
	ErrQEReportData      = &Error{Code: CodeQEReportData, Message: "QE report data"}
	ErrQuoteSignature    = &Error{Code: CodeQuoteSignature, Message: "quote signature"}
	ErrRevoked           = &Error{Code: CodeRevoked, Message: "revoked"}
	ErrCollateral        = &Error{Code: CodeCollateral, Message: "collateral"}
	ErrQEIdentity        = &Error{Code: CodeQEIdentity, Message: "QE identity"}
	ErrTDXModule         = &Error{Code: CodeTDXModule, Message: "TDX module identity"}
	ErrTCB               = &Error{Code: CodeTCB, Message: "TCB level"}
)

// swigTdxError turns the wrapper's copy of the error record into an
// *Error and frees the copy.
func swigTdxError(p uint64) error {
	if p == 0 {
		return nil
	}
	// p is C memory: reinterpret the word rather than convert a uintptr.
	r := *(**C.tdx_go_error)(unsafe.Pointer(&p))
	e := &Error{
		Code:     Code(r.code),
		Layer:    Layer(r.layer),
		HWStatus: uint64(r.hw_status),
		Errno:    syscall.Errno(r.os_errno),
		Message:  C.GoString(r.message),
	}
	if r.owned != 0 {
		C.free(unsafe.Pointer(r))
	}
	return e
}
%}

/* ---- strings: char * returns ---- */

/*
 * SWIG's own copy (swigCopyString) converts a uintptr to unsafe.Pointer,
 * which go vet reports; this one reads the C pointer as a pointer.  The
 * wrapper's `out` typemap still malloc's the copy (Swig_AllocateString).
 */
%typemap(goout) char *, char *&, char[ANY], char[] %{ $result = swigTdxCopyString($1) %}

%insert(go_wrapper) %{

// swigTdxCopyString copies a string the C wrapper malloc'd into Go memory
// and frees the C copy.
func swigTdxCopyString(s string) string {
	type cString struct {
		p *C.char
		n int
	}
	c := *(*cString)(unsafe.Pointer(&s))
	if c.p == nil {
		return ""
	}
	r := C.GoStringN(c.p, C.int(c.n))
	C.free(unsafe.Pointer(c.p))
	return r
}
%}

/* ---- tdx_status -> error ---- */

/*
 * Only ever a return type in the API (inputs that carry a code are int).
 * The wrapper returns the record's address as a 64-bit integer: SWIG sizes
 * the C return from the imtype only for Go's fixed-size integers (with
 * "uintptr" it would keep tdx_status, an int, and cut the pointer).
 */
%typemap(gotype) tdx_status "error"
%typemap(imtype) tdx_status "uint64"
%typemap(out) tdx_status %{ $result = (uintptr_t)tdx_go_capture($1); %}
%typemap(goout) tdx_status %{ $result = swigTdxError($input) %}

/* Errors come back as values; the per-thread record means nothing to a
 * goroutine that may have changed threads since its last call. */
%ignore tdx_error_last;
%ignore tdx_error_clear;

/* ---- handles out: T **out -> *T ---- */

%define TDX_GO_HANDLE_OUT(CT, GOT)
%typemap(gotype) CT **out "*GOT"
%typemap(imtype) CT **out "*uintptr"
%typemap(goin) CT **out %{
	var swigOut$argnum uintptr
	$result = &swigOut$argnum
%}
%typemap(in) CT **out %{ $1 = (CT **)$input; %}
%typemap(goargout) CT **out %{
	if $1 != nil && *$input != 0 {
		*$1 = Swigcptr##GOT(*$input)
	}
%}
%enddef

TDX_GO_HANDLE_OUT(tdx_guest, Tdx_guest)
TDX_GO_HANDLE_OUT(tdx_emu, Tdx_emu)
TDX_GO_HANDLE_OUT(tdx_host, Tdx_host)
TDX_GO_HANDLE_OUT(tdx_vm, Tdx_vm)
TDX_GO_HANDLE_OUT(tdx_vcpu, Tdx_vcpu)
TDX_GO_HANDLE_OUT(tdx_report, Tdx_report)
TDX_GO_HANDLE_OUT(tdx_quote, Tdx_quote)
TDX_GO_HANDLE_OUT(tdx_mrtd, Tdx_mrtd)
TDX_GO_HANDLE_OUT(tdx_tdvf, Tdx_tdvf)
TDX_GO_HANDLE_OUT(tdx_eventlog, Tdx_eventlog)
TDX_GO_HANDLE_OUT(tdx_pck, Tdx_pck)
TDX_GO_HANDLE_OUT(tdx_verify_result, Tdx_verify_result)

/* Go's "" means "not given": NULL, so $LIBTDX_BACKEND / the default apply. */
%typemap(in) const char *backend %{
  $1 = NULL;
  if ($input.n > 0) {
    $1 = ($1_ltype)malloc($input.n + 1);
    if ($1) {
      memcpy($1, $input.p, $input.n);
      $1[$input.n] = '\0';
    }
  }
%}
%typemap(freearg) const char *backend %{ free($1); %}

/* ---- byte buffers: (pointer, length) -> []byte ---- */

/*
 * The slice is passed to C for the duration of the call only (cgo's
 * pointer rules); libtdx never keeps a caller's buffer.
 */
%define TDX_GO_BYTES(P, L)
%typemap(gotype) (P, L) "[]byte"
%typemap(imtype) (P, L) "[]byte"
%typemap(in) (P, L) %{
  $1 = ($1_ltype)$input.array;
  $2 = ($2_ltype)$input.len;
%}
%enddef

TDX_GO_BYTES(const uint8_t *report_data, size_t report_data_len)
TDX_GO_BYTES(const uint8_t *digest, size_t digest_len)
TDX_GO_BYTES(const uint8_t *digest, size_t len)
TDX_GO_BYTES(const uint8_t *report, size_t len)
TDX_GO_BYTES(const uint8_t *report, size_t report_len)
TDX_GO_BYTES(const uint8_t *buf, size_t len)
TDX_GO_BYTES(const uint8_t *chunk, size_t len)
TDX_GO_BYTES(const uint8_t *data, size_t len)
TDX_GO_BYTES(const uint8_t *image, size_t len)
TDX_GO_BYTES(const uint8_t *log, size_t len)
TDX_GO_BYTES(const uint8_t *table, size_t len)
TDX_GO_BYTES(const uint8_t *rtmr, size_t rtmr_len)
TDX_GO_BYTES(uint8_t *rtmr, size_t rtmr_len)
TDX_GO_BYTES(const void *buf, size_t len)
TDX_GO_BYTES(void *buf, size_t len)
/* The shims' buffers. */
TDX_GO_BYTES(uint8_t *out, size_t out_cap)
TDX_GO_BYTES(const uint8_t *src, size_t src_len)
TDX_GO_BYTES(const uint8_t *mrconfigid, size_t mrconfigid_len)
TDX_GO_BYTES(const uint8_t *mrowner, size_t mrowner_len)
TDX_GO_BYTES(const uint8_t *mrownerconfig, size_t mrownerconfig_len)
TDX_GO_BYTES(const uint8_t *cert, size_t len)
TDX_GO_BYTES(const uint8_t *roots, size_t roots_len)
TDX_GO_BYTES(const uint8_t *collateral, size_t collateral_len)
TDX_GO_BYTES(const uint8_t *crls, size_t crls_len)

/*
 * Fixed-size arrays as slices.  A function parameter gets the slice if it
 * has at least N elements, else NULL (the library then refuses the call
 * and says what it needs).  The same typemaps serve struct members of
 * these names: the getter returns a copy; the setter copies N elements, or
 * clears the field when given fewer (a setter cannot fail).
 */
%define TDX_GO_ARRAY(CT, NAME, N, GOT)
%typemap(gotype) CT NAME[N] "[]GOT"
%typemap(imtype) CT NAME[N] "[]GOT"
%typemap(in) CT NAME[N] %{
  $1 = $input.len >= N ? ($1_ltype)$input.array : NULL;
%}
%typemap(memberin) CT NAME[N] %{
  if ($input)
    memcpy($1, $input, sizeof(CT) * N);
  else
    memset($1, 0, sizeof(CT) * N);
%}
%typemap(out) CT NAME[N] %{
  $result.array = (void *)$1;
  $result.len = $result.cap = N;
%}
%typemap(goout) CT NAME[N] %{ $result = append([]GOT(nil), $input...) %}
%enddef

/* Function parameters (and members of the same name). */
TDX_GO_ARRAY(uint8_t, mrtd, 48, byte)
TDX_GO_ARRAY(uint8_t, rtmr, 48, byte)
TDX_GO_ARRAY(uint8_t, out, 48, byte)
TDX_GO_ARRAY(uint64_t, target_uuid, 4, uint64)
TDX_GO_ARRAY(uint64_t, out, 4, uint64)
TDX_GO_ARRAY(uint64_t, out, 5, uint64)
TDX_GO_ARRAY(uint32_t, out, 4, uint32)
/* Struct members only (tdx_emu_config, tdx_vm_init_opts, tdx_td_info,
 * tdx_exit, tdx_page_attr). */
TDX_GO_ARRAY(uint8_t, mrconfigid, 48, byte)
TDX_GO_ARRAY(uint8_t, mrowner, 48, byte)
TDX_GO_ARRAY(uint8_t, mrownerconfig, 48, byte)
TDX_GO_ARRAY(uint8_t, servtd_hash, 48, byte)
TDX_GO_ARRAY(uint8_t, sha384, 48, byte)
TDX_GO_ARRAY(uint8_t, data, 8, byte)
TDX_GO_ARRAY(uint64_t, tdvmcall_args, 5, uint64)
TDX_GO_ARRAY(uint16_t, attr, 4, uint16)
/* tdx_td_info.rtmr: the four RTMRs back to back (192 bytes). */
%typemap(gotype) uint8_t rtmr[4][48] "[]byte"
%typemap(imtype) uint8_t rtmr[4][48] "[]byte"
%typemap(in) uint8_t rtmr[4][48] %{
  $1 = $input.len >= 4 * 48 ? ($1_ltype)$input.array : NULL;
%}
%typemap(memberin) uint8_t rtmr[4][48] %{
  if ($input)
    memcpy($1, $input, 4 * 48);
  else
    memset($1, 0, 4 * 48);
%}
%typemap(out) uint8_t rtmr[4][48] %{
  $result.array = (void *)$1;
  $result.len = $result.cap = 4 * 48;
%}
%typemap(goout) uint8_t rtmr[4][48] %{ $result = append([]byte(nil), $input...) %}

/* Integer out-parameters: the slice's first element (nil/empty: NULL). */
%define TDX_GO_OUT(CT, NAME, GOT)
%typemap(gotype) CT *NAME "[]GOT"
%typemap(imtype) CT *NAME "[]GOT"
%typemap(in) CT *NAME %{ $1 = $input.len ? ($1_ltype)$input.array : NULL; %}
%enddef

TDX_GO_OUT(uint64_t, value, uint64)
TDX_GO_OUT(uint64_t, next_field_id, uint64)
TDX_GO_OUT(uint64_t, old_value, uint64)
TDX_GO_OUT(uint64_t, done_until, uint64)
TDX_GO_OUT(uint64_t, gla_info, uint64)
TDX_GO_OUT(uint64_t, raised, uint64)
TDX_GO_OUT(uint64_t, error_code, uint64)
TDX_GO_OUT(uint64_t, words, uint64)
TDX_GO_OUT(uint32_t, value, uint32)
TDX_GO_OUT(uint32_t, count, uint32)
TDX_GO_OUT(uint32_t, words, uint32)
TDX_GO_OUT(unsigned, vector, uint32)
TDX_GO_OUT(unsigned, mismatch, uint32)
TDX_GO_OUT(size_t, out_len, uint64)
TDX_GO_OUT(int, major, int32)
TDX_GO_OUT(int, minor, int32)
TDX_GO_OUT(int, patch, int32)

/* A word array with its length: (uint64_t *words, size_t nwords). */
%typemap(gotype) (uint64_t *words, size_t nwords) "[]uint64"
%typemap(imtype) (uint64_t *words, size_t nwords) "[]uint64"
%typemap(in) (uint64_t *words, size_t nwords) %{
  $1 = ($1_ltype)$input.array;
  $2 = (size_t)$input.len;
%}
%typemap(gotype) (uint32_t *words, size_t nwords) "[]uint32"
%typemap(imtype) (uint32_t *words, size_t nwords) "[]uint32"
%typemap(in) (uint32_t *words, size_t nwords) %{
  $1 = ($1_ltype)$input.array;
  $2 = (size_t)$input.len;
%}

/* ---- borrowed byte fields of parsed reports and quotes -> []byte copies ---- */

/* LEN is a C expression (arg1 is the report or quote). */
%define TDX_GO_FIELD(FUNC, LEN)
%typemap(gotype) const uint8_t *FUNC "[]byte"
%typemap(imtype) const uint8_t *FUNC "[]byte"
%typemap(out) const uint8_t *FUNC %{
  $result.array = (void *)$1;
  $result.len = $result.cap = $1 ? (intgo)(LEN) : 0;
%}
%typemap(goout) const uint8_t *FUNC %{ $result = append([]byte(nil), $input...) %}
%enddef

TDX_GO_FIELD(tdx_report_raw, 1024)
TDX_GO_FIELD(tdx_report_cpusvn, 16)
TDX_GO_FIELD(tdx_report_tee_tcb_info_hash, 48)
TDX_GO_FIELD(tdx_report_tee_info_hash, 48)
TDX_GO_FIELD(tdx_report_report_data, 64)
TDX_GO_FIELD(tdx_report_mac, 32)
TDX_GO_FIELD(tdx_report_mac_struct, 256)
TDX_GO_FIELD(tdx_report_tee_tcb_svn, 16)
TDX_GO_FIELD(tdx_report_mrseam, 48)
TDX_GO_FIELD(tdx_report_mrsignerseam, 48)
TDX_GO_FIELD(tdx_report_tee_tcb_svn2, 16)
TDX_GO_FIELD(tdx_report_mrtd, 48)
TDX_GO_FIELD(tdx_report_mrconfigid, 48)
TDX_GO_FIELD(tdx_report_mrowner, 48)
TDX_GO_FIELD(tdx_report_mrownerconfig, 48)
TDX_GO_FIELD(tdx_report_rtmr, 48)
TDX_GO_FIELD(tdx_report_servtd_hash, 48)
TDX_GO_FIELD(tdx_quote_header_reserved, 4)
TDX_GO_FIELD(tdx_quote_qe_vendor_id, 16)
TDX_GO_FIELD(tdx_quote_user_data, 20)
TDX_GO_FIELD(tdx_quote_body, tdx_quote_body_size(arg1))
TDX_GO_FIELD(tdx_quote_tee_tcb_svn, 16)
TDX_GO_FIELD(tdx_quote_mrseam, 48)
TDX_GO_FIELD(tdx_quote_mrsignerseam, 48)
TDX_GO_FIELD(tdx_quote_mrtd, 48)
TDX_GO_FIELD(tdx_quote_mrconfigid, 48)
TDX_GO_FIELD(tdx_quote_mrowner, 48)
TDX_GO_FIELD(tdx_quote_mrownerconfig, 48)
TDX_GO_FIELD(tdx_quote_rtmr, 48)
TDX_GO_FIELD(tdx_quote_report_data, 64)
TDX_GO_FIELD(tdx_quote_tee_tcb_svn2, 16)
TDX_GO_FIELD(tdx_quote_mrservicetd, 48)
TDX_GO_FIELD(tdx_quote_signature, 64)
TDX_GO_FIELD(tdx_quote_attestation_key, 64)
TDX_GO_FIELD(tdx_quote_qe_report, 384)
TDX_GO_FIELD(tdx_quote_qe_report_signature, 64)
TDX_GO_FIELD(tdx_pck_ppid, 16)
TDX_GO_FIELD(tdx_pck_cpusvn, 16)
TDX_GO_FIELD(tdx_pck_pceid, 2)
TDX_GO_FIELD(tdx_pck_fmspc, 6)
TDX_GO_FIELD(tdx_pck_platform_instance_id, 16)

/* Variable-length fields: the length comes through `size_t *len`, which
 * is hidden from Go (only these three functions keep such a parameter;
 * the others are replaced by shims below). */
%typemap(in, numinputs=0) size_t *len (size_t field_len) %{
  field_len = 0;
  $1 = &field_len;
%}
TDX_GO_FIELD(tdx_quote_signed_data, field_len2)
TDX_GO_FIELD(tdx_quote_qe_auth_data, field_len2)
TDX_GO_FIELD(tdx_quote_pck_chain, field_len2)

/* ---- growable structs: New<T>() returns one with sz set ---- */

%define TDX_GO_SZ_STRUCT(T)
%extend T {
	T() {
		T *p = calloc(1, sizeof *p);
		if (p)
			T##_init(p, sizeof *p);
		return p;
	}
}
%enddef

TDX_GO_SZ_STRUCT(tdx_machine_info)
TDX_GO_SZ_STRUCT(tdx_vp_info)
TDX_GO_SZ_STRUCT(tdx_ve_info)
TDX_GO_SZ_STRUCT(tdx_page_attr)
TDX_GO_SZ_STRUCT(tdx_l2_exit)
TDX_GO_SZ_STRUCT(tdx_guest_caps)
TDX_GO_SZ_STRUCT(tdx_emu_config)
TDX_GO_SZ_STRUCT(tdx_host_info)
TDX_GO_SZ_STRUCT(tdx_vm_opts)
TDX_GO_SZ_STRUCT(tdx_vm_caps)
TDX_GO_SZ_STRUCT(tdx_vm_init_opts)
TDX_GO_SZ_STRUCT(tdx_exit)
TDX_GO_SZ_STRUCT(tdx_td_info)
TDX_GO_SZ_STRUCT(tdx_tdvf_section)
TDX_GO_SZ_STRUCT(tdx_event)
TDX_GO_SZ_STRUCT(tdx_ccel_table)
TDX_GO_SZ_STRUCT(tdx_verify_opts)

/* ---- functions replaced by shims, or not wrapped ---- */

/* Output buffer + length through a pointer: the shims take the buffer as a
 * slice (its length is the capacity) and return the length in out_len[0]. */
%ignore tdx_guest_get_report;
%ignore tdx_guest_get_quote;
%ignore tdx_guest_get_eventlog;
%ignore tdx_emu_quote;
%ignore tdx_emu_console;
%ignore tdx_emu_fatal_error;
%ignore tdx_report_to_json;
%ignore tdx_quote_to_json;
%ignore tdx_eventlog_to_json;
%ignore tdx_vcpu_get_cpuid;
%rename(tdx_guest_get_report) tdx_go_guest_get_report;
%rename(tdx_guest_get_quote) tdx_go_guest_get_quote;
%rename(tdx_guest_get_eventlog) tdx_go_guest_get_eventlog;
%rename(tdx_emu_quote) tdx_go_emu_quote;
%rename(tdx_emu_console) tdx_go_emu_console;
%rename(tdx_emu_fatal_error) tdx_go_emu_fatal_error;
%rename(tdx_report_to_json) tdx_go_report_to_json;
%rename(tdx_quote_to_json) tdx_go_quote_to_json;
%rename(tdx_eventlog_to_json) tdx_go_eventlog_to_json;
%rename(tdx_vcpu_get_cpuid) tdx_go_vcpu_get_cpuid;
/* Verification: the options as arguments; JSON and collateral as slices. */
%ignore tdx_quote_verify;
%ignore tdx_verify_result_to_json;
%ignore tdx_emu_collateral;
%rename(tdx_quote_verify) tdx_go_quote_verify;
%rename(tdx_verify_result_to_json) tdx_go_verify_result_to_json;
%rename(tdx_emu_collateral) tdx_go_emu_collateral;
/* The source has no length in C (npages * 4096 bytes are read). */
%ignore tdx_vm_init_mem_region;
%rename(tdx_vm_init_mem_region) tdx_go_vm_init_mem_region;

/* Callbacks into Go would need cgo exports; not offered. */
%ignore tdx_guest_open_custom;
%ignore tdx_vm_set_exit_handler;

/* `type` is a Go keyword (SWIG would say Xtype). */
%rename(section_type) tdx_tdvf_section::type;

%include "tdx.i"

/* ---- shims (after tdx.i: they use its handle types) ---- */

%inline %{
/* tdx_guest_get_report with the buffer as a slice. */
static tdx_status tdx_go_guest_get_report(tdx_guest *g, const uint8_t *report_data,
					  size_t report_data_len, uint8_t *out, size_t out_cap,
					  size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_guest_get_report(g, report_data, report_data_len, out, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

/* tdx_guest_get_quote: CodeBufferTooSmall leaves the size needed in out_len[0]. */
static tdx_status tdx_go_guest_get_quote(tdx_guest *g, const uint8_t *report_data,
					 size_t report_data_len, uint8_t *out, size_t out_cap,
					 size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_guest_get_quote(g, report_data, report_data_len, out, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

/* tdx_guest_get_eventlog: CodeBufferTooSmall leaves the size needed in out_len[0]. */
static tdx_status tdx_go_guest_get_eventlog(tdx_guest *g, uint8_t *out, size_t out_cap,
					    size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_guest_get_eventlog(g, out_cap ? out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_emu_quote(tdx_emu *emu, const uint8_t *report, size_t report_len,
				   uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_emu_quote(emu, report, report_len, out, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_emu_console(tdx_emu *emu, uint8_t *out, size_t out_cap,
				     size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_emu_console(emu, (char *)out, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_emu_fatal_error(tdx_emu *emu, uint64_t *error_code, uint8_t *out,
					 size_t out_cap, size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_emu_fatal_error(emu, error_code, (char *)out, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

/* JSON into out; out_len[0] counts the terminating NUL, as in C. */
static tdx_status tdx_go_report_to_json(const tdx_report *r, uint8_t *out, size_t out_cap,
					size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_report_to_json(r, out_cap ? (char *)out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_quote_to_json(const tdx_quote *q, uint8_t *out, size_t out_cap,
				       size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_quote_to_json(q, out_cap ? (char *)out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_eventlog_to_json(const tdx_eventlog *log, uint8_t *out,
					  size_t out_cap, size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_eventlog_to_json(log, out_cap ? (char *)out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

/* The TD's CPUID as 7 words per entry (function, index, flags, eax, ebx,
 * ecx, edx); count[0]: entries written, or needed on CodeBufferTooSmall. */
static tdx_status tdx_go_vcpu_get_cpuid(tdx_vcpu *vcpu, uint32_t *words, size_t nwords,
					uint32_t *count)
{
	uint32_t cap = (uint32_t)(nwords / 7), n = cap;
	tdx_cpuid_entry *e = NULL;
	if (cap) {
		e = calloc(cap, sizeof *e);
		if (!e)
			return tdx_go_shim_fail(TDX_E_NOMEM, "tdx_vcpu_get_cpuid: out of memory");
	}
	tdx_status rc = tdx_vcpu_get_cpuid(vcpu, e, &n);
	if (rc == TDX_OK)
		for (uint32_t i = 0; i < n && i < cap; i++) {
			uint32_t *w = words + 7 * (size_t)i;
			w[0] = e[i].function;
			w[1] = e[i].index;
			w[2] = e[i].flags;
			w[3] = e[i].eax;
			w[4] = e[i].ebx;
			w[5] = e[i].ecx;
			w[6] = e[i].edx;
		}
	free(e);
	if (count)
		*count = n;
	return rc;
}

/*
 * tdx_vm_init_mem_region with the source as a slice: zero-extended to
 * whole pages, and copied when it is not page-aligned (the kernel copies
 * whole pages from a 4 KiB aligned source; Go slices rarely are).
 */
static tdx_status tdx_go_vm_init_mem_region(tdx_vcpu *vcpu, const uint8_t *src, size_t src_len,
					    uint64_t gpa, int measure)
{
	if (src_len == 0)
		return tdx_go_shim_fail(TDX_E_INVALID,
					"tdx_vm_init_mem_region: the source is empty; pass at "
					"least one byte (it is zero-extended to whole pages)");
	size_t npages = src_len / 4096 + (src_len % 4096 != 0);
	if (!((uintptr_t)src & 4095) && !(src_len & 4095))
		return tdx_vm_init_mem_region(vcpu, src, gpa, npages, measure);
	uint8_t *pages = aligned_alloc(4096, npages * 4096);
	if (!pages)
		return tdx_go_shim_fail(TDX_E_NOMEM, "tdx_vm_init_mem_region: out of memory "
					"for the page-aligned copy of the source");
	memcpy(pages, src, src_len);
	memset(pages + src_len, 0, npages * 4096 - src_len);
	tdx_status rc = tdx_vm_init_mem_region(vcpu, pages, gpa, npages, measure);
	free(pages);
	return rc;
}

/* TDG.VP.INFO in one call: words = gpaw, attributes, num_vcpus, max_vcpus,
 * vcpu_index, sys_rd_available (as many as fit). */
static tdx_status tdx_go_vp_info(tdx_guest *g, uint64_t *words, size_t nwords)
{
	tdx_vp_info info;
	tdx_vp_info_init(&info, sizeof info);
	tdx_status rc = tdx_tdg_vp_info(g, &info);
	if (rc != TDX_OK)
		return rc;
	const uint64_t v[6] = { info.gpaw, info.attributes, info.num_vcpus, info.max_vcpus,
				info.vcpu_index, (uint64_t)info.sys_rd_available };
	for (size_t i = 0; i < nwords && i < 6; i++)
		words[i] = v[i];
	return TDX_OK;
}

/* tdx_vm_create with its options as arguments. */
static tdx_status tdx_go_vm_create(tdx_vm **out, tdx_host *h, int plain, uint32_t tsc_khz)
{
	tdx_vm_opts opts;
	tdx_vm_opts_init(&opts, sizeof opts);
	opts.plain = plain;
	opts.tsc_khz = tsc_khz;
	return tdx_vm_create(out, h, &opts);
}

/* tdx_vm_init with its options as arguments; each measurement register is
 * empty (zeros) or 48 bytes.  cpuid: the host's supported CPUID. */
static tdx_status tdx_go_vm_init(tdx_vm *vm, uint64_t attributes, uint64_t xfam,
				 const uint8_t *mrconfigid, size_t mrconfigid_len,
				 const uint8_t *mrowner, size_t mrowner_len,
				 const uint8_t *mrownerconfig, size_t mrownerconfig_len,
				 unsigned gpaw)
{
	tdx_vm_init_opts opts;
	tdx_vm_init_opts_init(&opts, sizeof opts);
	if ((mrconfigid_len && mrconfigid_len != 48) || (mrowner_len && mrowner_len != 48) ||
	    (mrownerconfig_len && mrownerconfig_len != 48))
		return tdx_go_shim_fail(TDX_E_INVALID,
					"tdx_vm_init: MRCONFIGID, MROWNER and MROWNERCONFIG are "
					"48 bytes each (or empty for zeros)");
	opts.attributes = attributes;
	opts.xfam = xfam;
	if (mrconfigid_len)
		memcpy(opts.mrconfigid, mrconfigid, 48);
	if (mrowner_len)
		memcpy(opts.mrowner, mrowner, 48);
	if (mrownerconfig_len)
		memcpy(opts.mrownerconfig, mrownerconfig, 48);
	opts.gpaw = gpaw;
	return tdx_vm_init(vm, &opts);
}

/* tdx_emu_open from a spec string ("key=value,...", as after "emu:"). */
static tdx_status tdx_go_emu_open(tdx_emu **out, const char *spec)
{
	tdx_emu_config cfg;
	tdx_emu_config_init(&cfg, sizeof cfg);
	tdx_status rc = tdx_emu_config_parse(&cfg, spec);
	if (rc != TDX_OK)
		return rc;
	return tdx_emu_open(out, &cfg);
}

/* tdx_quote_verify with the options as arguments (empty slices: not
 * given; at 0: now; accept 0: UpToDate only).  *out is set whenever the
 * verification ran; the status is its verdict. */
static tdx_status tdx_go_quote_verify(const tdx_quote *q, const uint8_t *roots, size_t roots_len,
				      const uint8_t *collateral, size_t collateral_len,
				      const uint8_t *crls, size_t crls_len, long long at,
				      unsigned accept, int require_collateral, int require_crls,
				      tdx_verify_result **out)
{
	tdx_verify_opts o;

	tdx_verify_opts_init(&o, sizeof(o));
	o.roots = roots_len ? roots : NULL;
	o.roots_len = roots_len;
	o.collateral = collateral_len ? (const char *)collateral : NULL;
	o.collateral_len = collateral_len;
	o.crls = crls_len ? crls : NULL;
	o.crls_len = crls_len;
	o.at = at;
	o.accept = accept;
	o.require_collateral = require_collateral;
	o.require_crls = require_crls;
	return tdx_quote_verify(q, &o, out);
}

static tdx_status tdx_go_verify_result_to_json(const tdx_verify_result *r, uint8_t *out,
					       size_t out_cap, size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_verify_result_to_json(r, out_cap ? (char *)out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}

static tdx_status tdx_go_emu_collateral(tdx_emu *emu, unsigned flags, uint8_t *out,
					size_t out_cap, size_t *out_len)
{
	size_t n = out_cap;
	tdx_status rc = tdx_emu_collateral(emu, flags, out_cap ? (char *)out : NULL, &n);
	if (out_len)
		*out_len = n;
	return rc;
}
%}
