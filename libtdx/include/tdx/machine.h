/* SPDX-License-Identifier: MIT */
/*
 * What this machine offers for TDX, on both sides, each with the reason in
 * words: the guest interfaces of a Linux TD and the host's KVM.  This is a
 * read-only probe; it never chooses a backend.
 */
#ifndef TDX_MACHINE_H
#define TDX_MACHINE_H

#include <tdx/common.h>

TDX_BEGIN_DECLS

#define TDX_MACHINE_DETAIL_MAX 256

/* A growable output struct (`sz` first; see TDX_OPTS in <tdx/common.h>). */
typedef struct tdx_machine_info {
	size_t sz;
	/* Guest side (since 1.0). */
	int guest_device;      /* 1: /dev/tdx_guest opens (this is a TD) */
	int configfs_tsm;      /* 1: configfs-tsm report directory present */
	/* Host side (since 1.0). */
	int kvm;               /* 1: /dev/kvm opens */
	int kvm_api_version;   /* KVM_GET_API_VERSION; 0 when kvm is 0 */
	uint64_t kvm_vm_types; /* KVM_CAP_VM_TYPES mask (bit n = VM type n) */
	int kvm_tdx;           /* 1: the mask offers KVM_X86_TDX_VM (bit 5) */
	/* Each check's result and, when negative, why and what to do. */
	char guest_device_detail[TDX_MACHINE_DETAIL_MAX];
	char configfs_tsm_detail[TDX_MACHINE_DETAIL_MAX];
	char kvm_detail[TDX_MACHINE_DETAIL_MAX];
} tdx_machine_info;

#define tdx_machine_info__last_field kvm_detail

/* Zero *info and set info->sz = sz (sz: the caller's sizeof). */
TDX_API tdx_status tdx_machine_info_init(tdx_machine_info *info, size_t sz);

/*
 * Fill *info (set up with TDX_OPTS or tdx_machine_info_init) by probing
 * /dev/tdx_guest, /sys/kernel/config/tsm/report and /dev/kvm.  An absent
 * device is a result, not a failure: the call fails only for bad
 * arguments.
 */
TDX_API tdx_status tdx_machine_probe(tdx_machine_info *info);

TDX_END_DECLS

#endif /* TDX_MACHINE_H */
