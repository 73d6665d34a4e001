/* SPDX-License-Identifier: MIT */
#include "internal.h"

void tdx_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = TDX_VERSION_MAJOR;
	if (minor)
		*minor = TDX_VERSION_MINOR;
	if (patch)
		*patch = TDX_VERSION_PATCH;
}

const char *tdx_version_string(void)
{
	return TDX_VERSION_STRING;
}
