/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the emulator's state-file loader on arbitrary file
 * contents (written to a private temporary file, opened with state=; half
 * of them sealed with a valid checksum, so the checks behind it are reached).
 * Whatever it accepts must be an emulator that answers a report; a
 * refused file must be left as it was.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <tdx/tdx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/libtdx-fuzz-state-XXXXXX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TDX_OPTS(tdx_emu_config, c);
	char path[128];
	tdx_emu *e = NULL;
	int fd;

	if (dir[sizeof(dir) - 2] == 'X' && !mkdtemp(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0;
	/* Seal half the inputs with a valid checksum (the file's last 32 bytes,
	 * SHA-256 of the rest), so the loader's checks past it are reached. */
	if (size > 32 && (data[0] & 1)) {
		uint8_t *sealed = malloc(size);
		unsigned n = 0;

		if (!sealed) {
			close(fd);
			return 0;
		}
		memcpy(sealed, data, size);
		EVP_Digest(sealed, size - 32, sealed + size - 32, &n, EVP_sha256(), NULL);
		if (write(fd, sealed, size) != (ssize_t)size)
			size = 0;
		free(sealed);
	} else if (write(fd, data, size) != (ssize_t)size) {
		size = 0;
	}
	if (!size) {
		close(fd);
		return 0;
	}
	close(fd);
	snprintf(c.state_file, sizeof(c.state_file), "%s", path);
	if (tdx_emu_open(&e, &c) == TDX_OK) {
		tdx_guest *g;
		uint8_t rd[64] = { 0 }, report[1024];
		size_t len = sizeof(report);

		if (tdx_emu_guest(e, &g) == TDX_OK) {
			if (tdx_guest_get_report(g, rd, sizeof(rd), report, &len) != TDX_OK)
				__builtin_trap();
			tdx_guest_close(g);
		}
		tdx_emu_close(e);
	} else {
		struct stat st; /* refused: left as it was */

		if (stat(path, &st) || (size_t)st.st_size != size)
			__builtin_trap();
	}
	return 0;
}
