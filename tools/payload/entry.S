/* SPDX-License-Identifier: MIT */
/*
 * The payload's entry, at 1 MiB, reached from the reset vector in a TD
 * vCPU's initial state (32-bit protected mode, paging off, flat segments;
 * RCX = the host's initial value, RBX = GPAW, RSI = VCPU_INDEX).  Build
 * 4-level page tables, enter 64-bit mode and call payload_main(rcx, gpaw).
 *
 * Mappings (2 MiB pages): the low 4 GiB at their own address, and the
 * first 1 GiB again at SHARED_VA (1 << 46) pointing at GPA | shared bit,
 * the bit being 47 for GPAW 48 and 51 for GPAW 52.
 */
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80

	.section .text.entry, "ax"
	.code32
	.globl	_start32
_start32:
	cli
	movl	%ecx, boot_rcx
	movl	%ebx, boot_gpaw
	/* pml4[0] -> pdpt_low, pml4[128] (VA 1 << 46) -> pdpt_shared */
	movl	$pdpt_low + (PTE_P | PTE_RW), pml4
	movl	$pdpt_shared + (PTE_P | PTE_RW), pml4 + 128 * 8
	/* pdpt_low[0..3] -> pd_low + 4K * i; pdpt_shared[0] -> pd_shared */
	movl	$pd_low + (PTE_P | PTE_RW), %eax
	xorl	%edi, %edi
1:	movl	%eax, pdpt_low(, %edi, 8)
	addl	$4096, %eax
	incl	%edi
	cmpl	$4, %edi
	jne	1b
	movl	$pd_shared + (PTE_P | PTE_RW), pdpt_shared
	/* pd_low: 2048 x 2 MiB identity pages */
	movl	$(PTE_P | PTE_RW | PTE_PS), %eax
	xorl	%edi, %edi
2:	movl	%eax, pd_low(, %edi, 8)
	addl	$0x200000, %eax
	incl	%edi
	cmpl	$2048, %edi
	jne	2b
	/* pd_shared: 512 x 2 MiB pages at GPA | (1 << (GPAW - 1)): the bit
	 * lands in the upper half of the entry (bit GPAW - 33). */
	movl	boot_gpaw, %ecx
	andl	$0x7f, %ecx
	subl	$33, %ecx
	movl	$1, %edx
	shll	%cl, %edx
	movl	$(PTE_P | PTE_RW | PTE_PS), %eax
	xorl	%edi, %edi
3:	movl	%eax, pd_shared(, %edi, 8)
	movl	%edx, pd_shared + 4(, %edi, 8)
	addl	$0x200000, %eax
	incl	%edi
	cmpl	$512, %edi
	jne	3b
	/* PAE, then EFER.LME, then paging: long mode */
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$0x20, %eax
	movl	%eax, %cr4
	movl	$0xC0000080, %ecx
	rdmsr
	orl	$0x100, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax
	movl	%eax, %cr0
	lgdt	gdt_desc
	ljmp	$0x08, $start64

	.code64
start64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	leaq	stack_top(%rip), %rsp
	movl	boot_rcx(%rip), %edi
	movl	boot_gpaw(%rip), %esi
	andl	$0x7f, %esi
	call	payload_main
4:	hlt
	jmp	4b

	.section .rodata
	.balign	8
gdt:
	.quad	0
	.quad	0x00AF9A000000FFFF /* 64-bit code */
	.quad	0x00CF92000000FFFF /* data */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.section .bss
	.balign	4096
pml4:	.skip	4096
pdpt_low:	.skip	4096
pdpt_shared:	.skip	4096
pd_low:	.skip	4 * 4096
pd_shared:	.skip	4096
	.balign	16
stack:	.skip	65536
stack_top:
boot_rcx:	.skip	8
boot_gpaw:	.skip	8

	.section .note.GNU-stack, "", @progbits
