#include <tdx/common.h>
TDX_API int tdx_fixture_ok(void);
TDX_API int fixture_unprefixed(void);
