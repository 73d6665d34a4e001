/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the linux backend's readers through a crafted
 * linux:root= tree.  The input is split into an RTMR file and a CCEL event
 * log; the backend reads them (RTMR read, event log
 * with its size query, capabilities) and the log goes on to the parser.
 * Nothing may be read past what the files hold, and a refused read must
 * say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/tmp/libtdx-fuzz-root-XXXXXX";

static void put(const char *rel, const uint8_t *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "wb");
	if (!f)
		return;
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

static void mkdirs(void)
{
	static const char *const dirs[] = {
		"/sys", "/sys/devices", "/sys/devices/virtual", "/sys/devices/virtual/misc",
		"/sys/devices/virtual/misc/tdx_guest",
		"/sys/devices/virtual/misc/tdx_guest/measurements", "/sys/firmware",
		"/sys/firmware/acpi", "/sys/firmware/acpi/tables", "/sys/firmware/acpi/tables/data",
		"/sys/kernel", "/sys/kernel/config", "/sys/kernel/config/tsm",
		"/sys/kernel/config/tsm/report", /* the backend needs it, or the device */
	};
	char path[256];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		mkdir(path, 0700);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char spec[128];
	size_t a, b;
	tdx_guest *g = NULL;

	if (root[sizeof(root) - 2] == 'X') {
		if (!mkdtemp(root))
			return 0;
		mkdirs();
	}
	/* A length byte, then the RTMR file (that long), then the log. */
	a = size > 0 ? data[0] : 0;
	data += size > 0;
	size -= size > 0;
	a = a < size ? a : size;
	b = size - a;
	put("/sys/devices/virtual/misc/tdx_guest/measurements/rtmr0:sha384", data, a);
	put("/sys/firmware/acpi/tables/data/CCEL", data + a, b);
	snprintf(spec, sizeof(spec), "linux:root=%s", root);
	if (tdx_guest_open(&g, spec) != TDX_OK)
		return 0;
	{
		uint8_t rtmr[48];
		size_t len = 0;
		TDX_OPTS(tdx_guest_caps, caps);

		if (tdx_guest_rtmr_read(g, 0, rtmr, sizeof(rtmr)) != TDX_OK &&
		    !tdx_error_last()->message[0])
			__builtin_trap();
		tdx_guest_capabilities(g, &caps);
		if (tdx_guest_get_eventlog(g, NULL, &len) == TDX_E_BUFFER_TOO_SMALL) {
			uint8_t *log = malloc(len);
			tdx_eventlog *l = NULL;

			if (log && tdx_guest_get_eventlog(g, log, &len) == TDX_OK) {
				if (len > b)
					__builtin_trap(); /* more than the file held */
				if (tdx_eventlog_parse(&l, log, len) == TDX_OK)
					tdx_eventlog_free(l);
			}
			free(log);
		}
	}
	tdx_guest_close(g);
	return 0;
}
