/* SPDX-License-Identifier: MIT */
/* The TD-in-a-box payload's own declarations. */
#ifndef TDX_PAYLOAD_H
#define TDX_PAYLOAD_H

#include "guest_backend.h"

#define COM1 0x3F8
#define SHARED_VA (1ULL << 46) /* entry.S maps GPA | shared bit here */

/* Modes: the initial RCX the host passes to the vCPU (tdx_vcpu_init). */
#define PAYLOAD_SELFTEST 0
#define PAYLOAD_BENCH 1
#define PAYLOAD_DEMO 2

extern struct tdx_guest payload_guest;
extern uint64_t payload_last_hw_status;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void out_str(const char *s);
void out_hex(uint64_t v);
void out_dec(uint64_t v);

#endif
