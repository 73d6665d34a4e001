/* SPDX-License-Identifier: MIT */
/* tdx_machine_probe: what this machine offers, checked against the kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "uapi/kvm.h"

#define TDX_GUEST_DEVICE "/dev/tdx_guest"
#define CONFIGFS_ROOT "/sys/kernel/config"
#define CONFIGFS_TSM_REPORT CONFIGFS_ROOT "/tsm/report"
#define KVM_DEVICE "/dev/kvm"

tdx_status tdx_machine_info_init(tdx_machine_info *info, size_t sz)
{
	return TDX_STRUCT_INIT(info, sz, tdx_machine_info);
}

static void probe_guest_device(tdx_machine_info *m)
{
	int fd = open(TDX_GUEST_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		m->guest_device = 1;
		snprintf(m->guest_device_detail, sizeof(m->guest_device_detail),
			 TDX_GUEST_DEVICE ": present (this is a TDX guest)");
		return;
	}
	if (errno == ENOENT)
		snprintf(m->guest_device_detail, sizeof(m->guest_device_detail),
			 TDX_GUEST_DEVICE ": not present: this machine is not a TDX guest, "
			 "or the tdx_guest driver is not loaded (modprobe tdx_guest)");
	else if (errno == EACCES || errno == EPERM)
		snprintf(m->guest_device_detail, sizeof(m->guest_device_detail),
			 TDX_GUEST_DEVICE ": permission denied: run as root or give this user "
			 "access to the device");
	else
		snprintf(m->guest_device_detail, sizeof(m->guest_device_detail),
			 TDX_GUEST_DEVICE ": cannot open: %s", strerror(errno));
}

static void probe_configfs_tsm(tdx_machine_info *m)
{
	struct stat st;

	if (stat(CONFIGFS_TSM_REPORT, &st) == 0 && S_ISDIR(st.st_mode)) {
		m->configfs_tsm = 1;
		snprintf(m->configfs_tsm_detail, sizeof(m->configfs_tsm_detail),
			 CONFIGFS_TSM_REPORT ": present (the provider is checked when a quote "
			 "is requested)");
	} else if (stat(CONFIGFS_ROOT "/tsm", &st) == 0) {
		snprintf(m->configfs_tsm_detail, sizeof(m->configfs_tsm_detail),
			 CONFIGFS_TSM_REPORT ": not present: configfs-tsm has no report "
			 "interface (needs Linux >= 6.7)");
	} else if (stat(CONFIGFS_ROOT, &st) == 0) {
		snprintf(m->configfs_tsm_detail, sizeof(m->configfs_tsm_detail),
			 CONFIGFS_TSM_REPORT ": not present: no TSM provider registered "
			 "(not a confidential guest, or Linux < 6.7); if configfs is not "
			 "mounted, mount -t configfs none " CONFIGFS_ROOT);
	} else {
		snprintf(m->configfs_tsm_detail, sizeof(m->configfs_tsm_detail),
			 CONFIGFS_TSM_REPORT ": not present: " CONFIGFS_ROOT " does not exist "
			 "(kernel without configfs)");
	}
}

static void probe_kvm(tdx_machine_info *m)
{
	int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	int types;

	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(m->kvm_detail, sizeof(m->kvm_detail),
				 KVM_DEVICE ": not present: KVM is not loaded (modprobe kvm_intel) "
				 "or this machine has no hardware virtualization; no TDX host");
		else if (errno == EACCES || errno == EPERM)
			snprintf(m->kvm_detail, sizeof(m->kvm_detail),
				 KVM_DEVICE ": permission denied: run as root or join the kvm group");
		else
			snprintf(m->kvm_detail, sizeof(m->kvm_detail),
				 KVM_DEVICE ": cannot open: %s", strerror(errno));
		return;
	}
	m->kvm = 1;
	m->kvm_api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (m->kvm_api_version != KVM_API_VERSION) {
		snprintf(m->kvm_detail, sizeof(m->kvm_detail),
			 KVM_DEVICE ": KVM API version %d, expected %d; no TDX", m->kvm_api_version,
			 KVM_API_VERSION);
		close(fd);
		return;
	}
	/* Kernels before 6.10 do not know the capability and answer 0: only
	 * the default VM type, so no TDX. */
	types = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	close(fd);
	m->kvm_vm_types = types > 0 ? (uint64_t)types : 1;
	m->kvm_tdx = (m->kvm_vm_types >> KVM_X86_TDX_VM) & 1;
	if (m->kvm_tdx)
		snprintf(m->kvm_detail, sizeof(m->kvm_detail),
			 KVM_DEVICE ": KVM_CAP_VM_TYPES = 0x%llx: TDX VMs available",
			 (unsigned long long)m->kvm_vm_types);
	else if (types <= 0)
		snprintf(m->kvm_detail, sizeof(m->kvm_detail),
			 KVM_DEVICE ": KVM_CAP_VM_TYPES not supported (kernel older than 6.10): "
			 "no TDX; needs Linux >= 6.16 with kvm_intel.tdx=1 on a TDX-enabled CPU");
	else
		snprintf(m->kvm_detail, sizeof(m->kvm_detail),
			 KVM_DEVICE ": KVM_CAP_VM_TYPES = 0x%llx: no TDX: this kernel offers no "
			 "TDX VMs; needs Linux >= 6.16 with kvm_intel.tdx=1 on a TDX-enabled CPU",
			 (unsigned long long)m->kvm_vm_types);
}

tdx_status tdx_machine_probe(tdx_machine_info *info)
{
	tdx_machine_info m;
	int rc;

	if (!info)
		return tdx__fail(TDX_E_INVALID, "info is NULL; pass a tdx_machine_info set up "
				 "with TDX_OPTS() or tdx_machine_info_init()");
	rc = TDX_STRUCT_CHECK(info, tdx_machine_info);
	if (rc)
		return rc;

	memset(&m, 0, sizeof(m));
	probe_guest_device(&m);
	probe_configfs_tsm(&m);
	probe_kvm(&m);

	/* Write back only what the caller's struct has room for. */
	m.sz = info->sz;
	memcpy(info, &m, info->sz < sizeof(m) ? info->sz : sizeof(m));
	return TDX_OK;
}
