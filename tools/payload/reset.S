/* SPDX-License-Identifier: MIT */
/* A TD vCPU starts at 0xFFFFFFF0 in 32-bit protected mode: jump to the
 * payload's entry at 1 MiB. */
	.section .reset, "ax"
	.code32
	movl	$0x100000, %eax
	jmp	*%eax
	.section .note.GNU-stack, "", @progbits
