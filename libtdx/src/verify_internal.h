/* SPDX-License-Identifier: MIT */
/* The quote verifier's private pieces (verify.c, intel_root.c). */
#ifndef TDX_VERIFY_INTERNAL_H
#define TDX_VERIFY_INTERNAL_H

#include "internal.h"

extern const char tdx__intel_sgx_root_ca_pem[];

#endif
