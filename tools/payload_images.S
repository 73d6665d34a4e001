/* SPDX-License-Identifier: MIT */
/* The TD-in-a-box payload's flat images (tools/payload), built into the CLI. */
	.section .rodata
	.balign	4096
	.globl	tdx_cli_payload, tdx_cli_payload_end, tdx_cli_reset, tdx_cli_reset_end
tdx_cli_payload:
	.incbin	PAYLOAD_BIN
tdx_cli_payload_end:
	.balign	4096
tdx_cli_reset:
	.incbin	RESET_BIN
tdx_cli_reset_end:
	.section .note.GNU-stack, "", @progbits
