/* SPDX-License-Identifier: MIT */
/*
 * The payload's runtime: what the freestanding libtdx sources need from
 * outside (the error record's hardware status, the mem* functions the
 * compiler may call),
 * the guest handle on the TDCALL transport, and console output through
 * TDVMCALL<Instruction.IO> to COM1.
 */
#include "payload.h"

struct tdx_guest payload_guest = { .ops = &tdx__tdcall_ops };

/* The hardware status of the last failure (a failed TDVMCALL's R10), as
 * the library records it; messages are not formatted here. */
uint64_t payload_last_hw_status;

int tdx__error_set(int code, int layer, uint64_t hw_status, int os_errno, const char *where,
		   const char *fmt, ...)
{
	(void)layer, (void)os_errno, (void)where, (void)fmt;
	payload_last_hw_status = hw_status;
	return code;
}

/* Byte loops through volatile pointers: the compiler must not turn them
 * back into calls to themselves. */
void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const volatile unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void out_str(const char *s)
{
	while (*s)
		tdx_tdvmcall_io_write(&payload_guest, COM1, 1, (uint8_t)*s++);
}

void out_hex(uint64_t v)
{
	char buf[19] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
	buf[18] = '\0';
	out_str(buf);
}

void out_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do
		buf[--i] = (char)('0' + v % 10);
	while (v /= 10);
	out_str(buf + i);
}
