#include <tdx/common.h>
TDX_API int tdx_fixture_ok(void);
int tdx_fixture_nomacro(void);
