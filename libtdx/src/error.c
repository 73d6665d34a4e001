/* SPDX-License-Identifier: MIT */
/* The thread-local error record (the name tables are in status.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define TDX_MESSAGE_MAX 1024

static _Thread_local char tls_message[TDX_MESSAGE_MAX] = "no error";
static _Thread_local tdx_error tls_error;

const tdx_error *tdx_error_last(void)
{
	/* A thread-local address is not a constant initialiser; set it here. */
	tls_error.message = tls_message;
	return &tls_error;
}

void tdx_error_clear(void)
{
	memset(&tls_error, 0, sizeof(tls_error));
	snprintf(tls_message, sizeof(tls_message), "no error");
	tls_error.message = tls_message;
}

int tdx__error_set(int code, int layer, uint64_t hw_status, int os_errno,
		   const char *where, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Prefix a public function's name so a log line says where; internal
	 * helpers' names mean nothing to the caller. */
	n = 0;
	if (where && !strncmp(where, "tdx_", 4) && where[4] != '_') {
		n = snprintf(tls_message, sizeof(tls_message), "%s: ", where);
		if (n < 0 || (size_t)n >= sizeof(tls_message))
			n = 0;
	}
	va_start(ap, fmt);
	vsnprintf(tls_message + n, sizeof(tls_message) - (size_t)n, fmt, ap);
	va_end(ap);
	tls_error.code = code;
	tls_error.layer = layer;
	tls_error.hw_status = hw_status;
	tls_error.os_errno = os_errno;
	tls_error.message = tls_message;
	return code;
}

int tdx__errno_code(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return TDX_E_PERM;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return TDX_E_NO_DEVICE;
	case ENOMEM:
		return TDX_E_NOMEM;
	case EAGAIN:
	case EBUSY:
	case EINTR:
		return TDX_E_RETRY;
	case ENOTTY:
	case EOPNOTSUPP:
		return TDX_E_NOT_SUPPORTED;
	default:
		return TDX_E_OS;
	}
}
