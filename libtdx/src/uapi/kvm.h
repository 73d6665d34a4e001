/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Private copy of the KVM uAPI pieces libtdx uses (mainline Linux 6.16+,
 * include/uapi/linux/kvm.h and arch/x86/include/uapi/asm/kvm.h; values
 * checked against ../shared/reference/host.md §1.1).  Debian 12's system
 * headers predate the TDX uAPI, so libtdx never includes <linux/kvm.h>.
 * Never installed.
 */
#ifndef TDX_UAPI_KVM_H
#define TDX_UAPI_KVM_H

#include <linux/ioctl.h>

#define KVMIO 0xAE

#define KVM_API_VERSION 12

#define KVM_GET_API_VERSION _IO(KVMIO, 0x00)
#define KVM_CHECK_EXTENSION _IO(KVMIO, 0x03)

#define KVM_CAP_VM_TYPES 235

/* VM types (bit positions in the KVM_CAP_VM_TYPES mask). */
#define KVM_X86_DEFAULT_VM 0
#define KVM_X86_SW_PROTECTED_VM 1
#define KVM_X86_SEV_VM 2
#define KVM_X86_SEV_ES_VM 3
#define KVM_X86_SNP_VM 4
#define KVM_X86_TDX_VM 5

_Static_assert(KVM_GET_API_VERSION == 0xAE00, "KVM_GET_API_VERSION");
_Static_assert(KVM_CHECK_EXTENSION == 0xAE03, "KVM_CHECK_EXTENSION (host.md §1.1)");

#endif /* TDX_UAPI_KVM_H */
