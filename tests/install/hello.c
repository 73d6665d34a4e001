#include <stdio.h>
#include <tdx/tdx.h>
int main(void) { puts(tdx_version_string()); return 0; }
