/* SPDX-License-Identifier: MIT */
/* The "kvm" host backend: KVM ioctls to the kernel, errno as -errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

static void real_destroy(void *ctx)
{
	free(ctx);
}

const tdx__kvm_ops tdx__kvm_real_ops = {
	.name = "kvm",
	.open_system = real_open_system,
	.ioctl = real_ioctl,
	.close = real_close,
	.map_run = real_map_run,
	.unmap_run = real_unmap_run,
	.destroy = real_destroy,
};
