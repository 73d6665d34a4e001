/* SPDX-License-Identifier: MIT */
/* A tiny library that check-symbols.sh must accept or reject (see CMake). */
#include <tdx/common.h>

TDX_API int tdx_fixture_ok(void);
TDX_API int tdx_fixture_ok(void)
{
	return 0;
}

#ifdef FIXTURE_EXTRA
TDX_API int FIXTURE_EXTRA(void);
TDX_API int FIXTURE_EXTRA(void)
{
	return 1;
}
#endif
