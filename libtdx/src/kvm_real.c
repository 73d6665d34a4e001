/* SPDX-License-Identifier: MIT */
/* The "kvm" host backend: KVM ioctls to the kernel, errno as -errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host_backend.h"

static int real_open_system(void *ctx)
{
	int fd = open((const char *)ctx, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static long real_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
	long rc;

	(void)ctx;
	rc = ioctl(fd, request, arg);
	return rc < 0 ? -errno : rc;
}

static int real_close(void *ctx, int fd)
{
	(void)ctx;
	return close(fd) < 0 ? -errno : 0;
}

static struct kvm_run *real_map_run(void *ctx, int vcpu_fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);

	(void)ctx;
	return p == MAP_FAILED ? NULL : p;
}

static void real_unmap_run(void *ctx, struct kvm_run *run, size_t size)
{
	(void)ctx;
	munmap(run, size);
}

static int real_fallocate(void *ctx, int fd, int mode, uint64_t offset, uint64_t len)
{
	(void)ctx;
	return fallocate(fd, mode, (off_t)offset, (off_t)len) < 0 ? -errno : 0;
}

static unsigned real_kernel_version(void *ctx)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	(void)ctx;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2 || major > 255 ||
	    minor > 255)
		return 0;
	return major << 8 | minor;
}

static void real_destroy(void *ctx)
{
	free(ctx);
}

static const tdx__kvm_ops real_ops = {
	.open_system = real_open_system,
	.ioctl = real_ioctl,
	.close = real_close,
	.map_run = real_map_run,
	.unmap_run = real_unmap_run,
	.fallocate = real_fallocate,
	.kernel_version = real_kernel_version,
	.destroy = real_destroy,
};

int tdx__kvm_real_create(const tdx__kvm_ops **ops, void **ctx, const char *device)
{
	*ctx = strdup(device);
	if (!*ctx)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	*ops = &real_ops;
	return TDX_OK;
}
