/* SPDX-License-Identifier: MIT */
/*
 * The error model.
 *
 * Every fallible function returns TDX_OK (0) or one of the negative codes
 * below.  The codes are few and stable; the detail of a failure (which
 * layer failed, the raw 64-bit TDX-module or TDVMCALL status or KVM
 * hw_error, errno, and a message saying what went wrong and what to do) is
 * in the calling thread's record returned by tdx_error_last().  Read that
 * record right after the failing call: a later call may overwrite it.
 */
#ifndef TDX_ERRORS_H
#define TDX_ERRORS_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

typedef enum tdx_err {
	TDX_OK = 0,
	TDX_E_INVALID = -1,          /* invalid argument */
	TDX_E_NOT_SUPPORTED = -2,    /* backend, kernel or module lacks it */
	TDX_E_NO_DEVICE = -3,        /* device absent; no backend chosen */
	TDX_E_PERM = -4,             /* permission denied */
	TDX_E_BUFFER_TOO_SMALL = -5, /* needed size written back */
	TDX_E_RETRY = -6,            /* busy; try the call again */
	TDX_E_TDCALL = -7,           /* the TDX module returned an error */
	TDX_E_VMCALL = -8,           /* the host (TDVMCALL) returned an error */
	TDX_E_OS = -9,               /* a system call failed (see os_errno) */
	TDX_E_STATE = -10,           /* call out of order or in the wrong state */
	TDX_E_ABI_MISMATCH = -11,    /* struct or interface version mismatch */
	TDX_E_NOMEM = -12,           /* out of memory */
	TDX_E_VERIFY = -13,          /* verification failed */
	/* tdx_quote_verify: the step that failed (<tdx/verify.h>) */
	TDX_E_QUOTE_FORMAT = -14,        /* a field the verifier requires is wrong */
	TDX_E_CERT_CHAIN = -15,          /* a chain does not reach a trusted root */
	TDX_E_EXPIRED = -16,             /* outside a validity window at the time */
	TDX_E_QE_REPORT_SIGNATURE = -17, /* the PCK key did not sign the QE report */
	TDX_E_QE_REPORT_DATA = -18,      /* the QE report does not bind the attestation key */
	TDX_E_QUOTE_SIGNATURE = -19,     /* the attestation key did not sign the quote */
	TDX_E_REVOKED = -20,             /* a certificate is on its CRL */
	TDX_E_COLLATERAL = -21,          /* collateral missing, malformed, mis-signed or not this platform's */
	TDX_E_QE_IDENTITY = -22,         /* the QE report does not match QE Identity */
	TDX_E_TDX_MODULE = -23,          /* MRSIGNERSEAM/SEAMATTRIBUTES do not match TCB Info */
	TDX_E_TCB = -24                  /* no matching TCB level, or a status the policy refuses */
} tdx_err;

/* The layer a failure came from. */
typedef enum tdx_layer {
	TDX_LAYER_NONE = 0,    /* no failure recorded */
	TDX_LAYER_LIBRARY = 1, /* libtdx's own checks */
	TDX_LAYER_OS = 2,      /* a system call; os_errno is set */
	TDX_LAYER_MODULE = 3,  /* the TDX module; hw_status is its RAX */
	TDX_LAYER_VMCALL = 4,  /* the host via TDVMCALL; hw_status is R10 */
	TDX_LAYER_KVM = 5      /* KVM; hw_status is the TDX hw_error */
} tdx_layer;

typedef struct tdx_error {
	int code;           /* a tdx_err */
	int layer;          /* a tdx_layer */
	uint64_t hw_status; /* raw TDX module / TDVMCALL status, KVM hw_error */
	int os_errno;       /* errno of the failed system call, else 0 */
	const char *message; /* never NULL; valid until the thread's next failure */
} tdx_error;

/*
 * The calling thread's last failure.  Never NULL; before any failure it
 * holds code TDX_OK and the message "no error".
 */
TDX_API const tdx_error *tdx_error_last(void);

/* Reset the calling thread's record to "no error". */
TDX_API void tdx_error_clear(void);

/* A static one-line description of a tdx_err code (any int accepted). */
TDX_API const char *tdx_strerror(int code);

/* A static name of a tdx_layer ("library", "os", "tdx-module", ...). */
TDX_API const char *tdx_layer_name(int layer);

/*
 * The name of a TDX-module completion status (the RAX of TDCALL), such as
 * "TDX_OPERAND_BUSY".  Statuses are matched on their class and details
 * (bits 47:32); the operand id in bits 31:0 is not part of the name.
 * Returns "TDX_SUCCESS" for 0 and "TDX_UNKNOWN_STATUS" for anything not
 * in the TDX 1.5 module's list.  Static storage.
 */
TDX_API const char *tdx_module_status_name(uint64_t status);

/*
 * The operand a TDX-module error status points at (bits 31:0), by name:
 * "RCX", "R8", "ATTRIBUTES", ...; NULL when the status carries no operand
 * id or the id is not one of the module's named operands.
 */
TDX_API const char *tdx_module_status_operand(uint64_t status);

/*
 * The name of a TDVMCALL completion status (R10 after TDG.VP.VMCALL), such
 * as "TDVMCALL_STATUS_RETRY"; "TDVMCALL_STATUS_UNKNOWN" otherwise.
 */
TDX_API const char *tdx_vmcall_status_name(uint64_t status);

TDX_END_DECLS

#endif /* TDX_ERRORS_H */
