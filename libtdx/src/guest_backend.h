/* SPDX-License-Identifier: MIT */
/* The guest handle and the backend vtable behind it (library-private). */
#ifndef TDX_GUEST_BACKEND_H
#define TDX_GUEST_BACKEND_H

#include "internal.h"

/*
 * A guest backend.  tdcall is the transport; the memory operations (NULL
 * where a backend has none) let the high-level calls place their buffers
 * in guest memory.
 */
typedef struct tdx__guest_ops {
	const char *name;
	int (*tdcall)(void *ctx, tdx_regs *regs);
	/* A private, accepted, page-aligned area of TDX_SCRATCH_SIZE bytes
	 * for the high-level calls' buffers: its GPA, the same every call. */
	int (*scratch)(void *ctx, uint64_t *gpa);
	/* The scratch area is the backend's, shared by all its handles: the
	 * high-level calls hold it (hold 1) from their first write to their
	 * last read, and let go (hold 0).  NULL: nothing else uses it. */
	void (*stage)(void *ctx, int hold);
	int (*mem_read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*mem_write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	void (*close)(void *ctx);
	/* Backends that reach the TD through an OS instead of TDCALL (linux)
	 * provide the high-level calls themselves (NULL: built from leaves). */
	int (*get_report)(void *ctx, const uint8_t *report_data, uint8_t *report);
	int (*get_quote)(void *ctx, const uint8_t *report_data, uint8_t *quote, size_t *len);
	int (*rtmr_extend)(void *ctx, unsigned index, const uint8_t *digest);
	int (*rtmr_read)(void *ctx, unsigned index, uint8_t *rtmr);   /* 1: not here */
	int (*get_eventlog)(void *ctx, uint8_t *log, size_t *len);
	void (*capabilities)(void *ctx, tdx_guest_caps *caps);
} tdx__guest_ops;

#define TDX_SCRATCH_SIZE (64 * 1024)

struct tdx_guest {
	const tdx__guest_ops *ops;
	void *ctx;
	tdx_transport_fn custom_fn; /* the custom backend's transport ... */
	void *custom_ctx;           /* ... and its context */
	uint64_t last_status;
};

int tdx__guest_new(tdx_guest **out, const tdx__guest_ops *ops, void *ctx);

/* Backends. */
extern const tdx__guest_ops tdx__tdcall_ops; /* the TDCALL instruction */
int tdx__linux_open(tdx_guest **out, const char *conf);

#endif
