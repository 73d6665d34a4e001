/* SPDX-License-Identifier: MIT */
/* PCK certificates, shared by pck.c and verify.c.  Library-private. */
#ifndef TDX_PCK_H
#define TDX_PCK_H

#include <openssl/x509.h>

#include "internal.h"

struct tdx_pck {
	X509 *x509;
	unsigned have;     /* bit n: SGX extension arc n present */
	unsigned have_tcb; /* bits 0..15 components, 16 PCESVN, 17 CPUSVN */
	uint8_t ppid[16], cpusvn[16], pceid[2], fmspc[6], platform_id[16];
	uint8_t comp_svn[16];
	uint16_t pcesvn;
	int sgx_type;
	signed char config[3]; /* dynamic platform, cached keys, SMT; -1 absent */
};

/* One certificate from PEM or DER at buf (*used: the bytes it took). */
X509 *tdx__x509_read(const uint8_t *buf, size_t len, size_t *used);
/* The SGX extension of x (x is referenced, not taken). */
int tdx__pck_from_x509(tdx_pck **out, X509 *x);

#endif
