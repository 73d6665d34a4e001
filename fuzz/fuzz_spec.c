/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: emulator spec strings (tdx_emu_config_parse: keys,
 * sizes, numbers, the strict hex of mrtd= and friends), then opening an
 * emulator with what it accepted.  A parse that succeeds must leave
 * values an emulator opens with, or refuses with an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TDX_OPTS(tdx_emu_config, c);
	char *spec = malloc(size + 1);
	tdx_emu *e = NULL;

	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (tdx_emu_config_parse(&c, spec) == TDX_OK) {
		c.state_file[0] = '\0'; /* no files from a fuzzer */
		if (c.mem_size > (64ULL << 20))
			c.mem_size = 0; /* keep each run small */
		if (c.accepted_size > c.mem_size)
			c.accepted_size = 0;
		if (tdx_emu_open(&e, &c) == TDX_OK)
			tdx_emu_close(e);
	}
	free(spec);
	return 0;
}
