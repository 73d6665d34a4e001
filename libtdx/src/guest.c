/* SPDX-License-Identifier: MIT */
/*
 * The guest handle and backend selection.  The TDCALL / TDVMCALL register
 * marshallers are in guest_calls.c, the TDCALL instruction in tdcall.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpuid.h>

#include "guest_backend.h"

/* ---- handles ---- */

int tdx__guest_new(tdx_guest **out, const tdx__guest_ops *ops, void *ctx)
{
	tdx_guest *g = calloc(1, sizeof(*g));

	if (!g)
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating a guest handle");
	g->ops = ops;
	g->ctx = ctx;
	*out = g;
	return TDX_OK;
}

static int custom_tdcall(void *ctx, tdx_regs *regs);

static const tdx__guest_ops custom_ops = {
	.name = "custom",
	.tdcall = custom_tdcall,
};

static int custom_tdcall(void *ctx, tdx_regs *regs)
{
	tdx_guest *g = ctx;

	return g->custom_fn(g->custom_ctx, regs);
}

tdx_status tdx_guest_open_custom(tdx_guest **out, tdx_transport_fn fn, void *ctx)
{
	tdx_guest *g = NULL;
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_guest pointer");
	*out = NULL;
	if (!fn)
		return tdx__fail(TDX_E_INVALID, "fn is NULL; pass the transport that executes a TDCALL");
	rc = tdx__guest_new(&g, &custom_ops, NULL);
	if (rc)
		return rc;
	g->ctx = g;
	g->custom_fn = fn;
	g->custom_ctx = ctx;
	*out = g;
	return TDX_OK;
}

void tdx_guest_close(tdx_guest *g)
{
	if (!g)
		return;
	if (g->ops->close)
		g->ops->close(g->ctx);
	free(g);
}

const char *tdx_guest_backend_name(const tdx_guest *g)
{
	if (!g) {
		tdx__fail(TDX_E_INVALID, "g is NULL");
		return NULL;
	}
	return g->ops->name;
}

uint64_t tdx_guest_last_status(const tdx_guest *g)
{
	if (!g) {
		tdx__fail(TDX_E_INVALID, "g is NULL; open a guest handle with tdx_guest_open");
		return 0;
	}
	return g->last_status;
}

/* Is this CPU running inside a TD?  CPUID leaf 0x21 says "IntelTDX    ". */
static int cpu_is_td(void)
{
	unsigned a, b, c, d, max;

	if (!__get_cpuid(0, &max, &b, &c, &d) || max < 0x21)
		return 0;
	__cpuid_count(0x21, 0, a, b, c, d);
	return b == 0x65746e49 /* "Inte" */ && d == 0x5844546c /* "lTDX" */ &&
	       c == 0x20202020;
}

/* No backend named: real hardware only (never the emulator). */
static int open_default(tdx_guest **out)
{
	int dev = access("/dev/tdx_guest", F_OK) == 0;
	int td = cpu_is_td();

	if (dev || td)
		return tdx__linux_open(out, ""); /* user space in a TD: the kernel's interfaces */
	return tdx__fail(TDX_E_NO_DEVICE,
			 "no TD found (probed: /dev/tdx_guest: not present; CPUID leaf 0x21: not "
			 "IntelTDX; $LIBTDX_BACKEND: not set); to use the emulator, pass backend "
			 "\"emu\" (tdx --backend emu) or set LIBTDX_BACKEND=emu");
}

static int open_emu(tdx_guest **out, const char *conf)
{
	TDX_OPTS(tdx_emu_config, cfg);
	tdx_emu *emu;
	int rc;

	rc = tdx_emu_config_parse(&cfg, conf);
	if (rc)
		return rc;
	rc = tdx_emu_open(&emu, &cfg);
	if (rc)
		return rc;
	rc = tdx_emu_guest(emu, out);
	tdx_emu_close(emu); /* the guest handle keeps the emulator alive */
	return rc;
}

/* ---- the tdcall backend (tdcall.c) ---- */

static unsigned current_cpl(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

/* A user process cannot execute TDCALL (it would fault): opening the
 * backend at CPL 3 fails and points to the linux backend. */
static int open_tdcall(tdx_guest **out, const char *conf)
{
	unsigned cpl = current_cpl();

	if (conf && *conf)
		return tdx__fail(TDX_E_INVALID, "the tdcall backend takes no options (got \"%s\")", conf);
	if (cpl != 0)
		return tdx__fail(TDX_E_NOT_SUPPORTED,
				 "TDCALL needs CPL 0 and this code runs at CPL %u (a user process); "
				 "use the \"linux\" backend (/dev/tdx_guest, configfs-tsm) from user "
				 "space, or \"emu\" for the emulator", cpl);
	return tdx__guest_new(out, &tdx__tdcall_ops, NULL);
}

tdx_status tdx_guest_open(tdx_guest **out, const char *backend)
{
	const char *spec = backend, *conf;
	char name[32];
	size_t n;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_guest pointer");
	*out = NULL;
	if (!spec || !*spec)
		spec = getenv("LIBTDX_BACKEND");
	if (!spec || !*spec)
		return open_default(out);

	/* "name[:conf]", split at the first colon. */
	conf = strchr(spec, ':');
	n = conf ? (size_t)(conf - spec) : strlen(spec);
	if (n >= sizeof(name))
		return tdx__fail(TDX_E_INVALID, "backend \"%s\" is not a known backend; use \"emu\", "
				 "\"linux\" or \"tdcall\"", spec);
	memcpy(name, spec, n);
	name[n] = '\0';
	conf = conf ? conf + 1 : "";

	if (!strcmp(name, "emu"))
		return open_emu(out, conf);
	if (!strcmp(name, "tdcall"))
		return open_tdcall(out, conf);
	if (!strcmp(name, "linux"))
		return tdx__linux_open(out, conf);
	return tdx__fail(TDX_E_INVALID, "backend \"%s\" is not known; use \"emu[:key=value,...]\", "
			 "\"linux\" or \"tdcall\"", name);
}
