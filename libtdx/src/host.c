/* SPDX-License-Identifier: MIT */
/*
 * The host side: the KVM TDX launch sequence with the kernel's rules built
 * in (Linux arch/x86/kvm/vmx/tdx.c, Documentation/virt/kvm/x86/intel-tdx.rst
 * and api.rst, as QEMU target/i386/kvm/tdx.c follows them: ordering, -E2BIG
 * growth, -EAGAIN/-EBUSY retries, INIT_MEM_REGION resume from the
 * written-back progress), the run loop with KVM's TDX exits decoded, and
 * the plain-KVM mode that does the TDX-only steps in software.  Every
 * backend is reached the same way, through KVM's ioctls, kvm_run and errno
 * values (host_backend.h); nothing here knows which one runs
 * (docs/kvm-conformance.md).  libtdx measures what it adds as it goes, so
 * tdx_vm_mrtd() predicts the TD's MRTD on every backend.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/mman.h>

#include "host_backend.h"
#include "layout.h"

#define PAGE 4096ULL
#define BOX_SPEC "emulate-tdx" /* "kvm:emulate-tdx": TD-in-a-box */
#define SPLIT_IRQCHIP_ROUTES 24     /* as KVM's TDX selftests */
#define APIC_BUS_CYCLES_NS 40       /* 25 MHz crystal; QEMU requires it */
#define INIT_VM_RETRIES 10000       /* QEMU's bound for TDX_RND_NO_ENTROPY */
#define FINALIZE_RETRIES 1000
#define MEM_REGION_STALLS 1000      /* retries in a row without progress */
#define GUARD_RETRIES 1000          /* -EBUSY: Linux 7.2's VM-state guard saw a vCPU
				     * being created (tdx_acquire_vm_state_locks) */
#define CAPS_FIRST_NENT 8
#define ATTR_SEPT_VE_DISABLE (1ULL << 28)
#define XFAM_DEFAULT 0xE7ULL        /* x87, SSE, AVX, AVX-512 state */
#define ORDER "(order: tdx_vm_create, tdx_vm_init, tdx_vcpu_create, tdx_vcpu_init, " \
	      "tdx_vm_init_mem_region, tdx_vm_finalize, tdx_vcpu_run)"

struct tdx_host {
	const tdx__kvm_ops *ops;
	void *ctx;
	const char *name;   /* "kvm", "kvm:emulate-tdx", "emu" */
	char where[64];     /* what the system fd is, for messages */
	unsigned kernel;    /* the kernel's release, major << 8 | minor */
	int sys_fd;
	int refs;
	pthread_mutex_t lock;
	/* KVM_GET_SUPPORTED_CPUID, fetched once (it does not change) */
	struct kvm_cpuid_entry2 *supported;
	uint32_t nsupported;
	int supported_err;
};

enum vm_state { VM_CREATED, VM_INITIALIZED, VM_FINALIZED };

struct region {
	uint64_t gpa, size;
	uint8_t *host;  /* the shared (or plain) view */
	int gmem_fd;    /* -1: no private backing */
	uint32_t slot;
};

struct tdx_vm {
	tdx_host *host;
	int fd;
	int refs;
	int plain;
	enum vm_state state;
	/* capabilities, fetched once */
	int have_caps;
	tdx_vm_caps caps;
	struct kvm_cpuid_entry2 *cpuid_configs;
	uint32_t ncpuid_configs;
	/* the TD: its INIT_VM CPUID, and its vCPUs' KVM_SET_CPUID2 model */
	struct kvm_cpuid_entry2 *cpuid, *model;
	uint32_t ncpuid, nmodel;
	unsigned gpaw;
	tdx_mrtd *mrtd;
	uint8_t mrtd_value[SHA384_SIZE];
	struct region *regions;
	size_t nregions;
	unsigned nvcpus, ninit_vcpus;
	tdx_vcpu **vcpus;
	size_t run_size;
	tdx_exit_handler handler;
	void *handler_ctx;
};

struct tdx_vcpu {
	tdx_vm *vm;
	int fd;
	unsigned id;
	struct kvm_run *run;
	int initialized;
	int pending_read; /* the last exit was an IO in / MMIO read */
};

/* ---- error helpers ---- */

/* A failed ioctl: the errno's code, layer KVM, with hw_error if any. */
static int kvm_fail(const char *fn, long err, uint64_t hw_error, const char *what)
{
	const char *op = hw_error ? tdx_module_status_operand(hw_error) : NULL;
	int e = (int)-err;

	if (hw_error)
		return tdx__error_set(tdx__errno_code(e), TDX_LAYER_KVM, hw_error, e, fn,
				      "%s failed: %s; the TDX module returned 0x%016llx %s%s%s", what,
				      strerror(e), (unsigned long long)hw_error,
				      tdx_module_status_name(hw_error), op ? ", bad operand " : "",
				      op ? op : "");
	return tdx__error_set(tdx__errno_code(e), TDX_LAYER_KVM, 0, e, fn, "%s failed: %s", what,
			      strerror(e));
}

static long kvm_ioctl(tdx_host *h, int fd, unsigned long req, void *arg)
{
	return h->ops->ioctl(h->ctx, fd, req, arg);
}

static long tdx_cmd(tdx_host *h, int fd, uint32_t id, uint32_t flags, uint64_t data,
		    uint64_t *hw_error)
{
	struct kvm_tdx_cmd cmd = { .id = id, .flags = flags, .data = data };
	long rc = kvm_ioctl(h, fd, KVM_MEMORY_ENCRYPT_OP, &cmd);

	if (hw_error)
		*hw_error = cmd.hw_error;
	return rc;
}

#define CHECK_ARG(cond, ...)                                   \
	do {                                                   \
		if (!(cond))                                   \
			return tdx__fail(TDX_E_INVALID, __VA_ARGS__); \
	} while (0)

/* ---- the host ---- */

static void host_unref(tdx_host *h)
{
	int last;

	pthread_mutex_lock(&h->lock);
	last = --h->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (!last)
		return;
	if (h->sys_fd >= 0)
		h->ops->close(h->ctx, h->sys_fd);
	h->ops->destroy(h->ctx);
	free(h->supported);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Open the backend a spec names: "kvm:emulate-tdx[,emulator options]",
 * "kvm[:DEVICE]" or "emu[:emulator options]". */
static int open_backend(tdx_host *h, const char *spec)
{
	size_t box = strlen("kvm:" BOX_SPEC);
	const char *arg = strchr(spec, ':');

	if (!strncmp(spec, "kvm:" BOX_SPEC, box) && (spec[box] == '\0' || spec[box] == ',')) {
		h->name = "kvm:" BOX_SPEC;
		snprintf(h->where, sizeof(h->where), "the emulator (its VM on /dev/kvm)");
		return tdx__kvm_box_create(&h->ops, &h->ctx, "/dev/kvm",
					   spec[box] ? spec + box + 1 : "");
	}
	if (!strncmp(spec, "kvm", 3) && (spec[3] == '\0' || spec[3] == ':')) {
		const char *dev = arg && arg[1] ? arg + 1 : "/dev/kvm";

		h->name = "kvm";
		snprintf(h->where, sizeof(h->where), "%s", dev);
		return tdx__kvm_real_create(&h->ops, &h->ctx, dev);
	}
	if (!strncmp(spec, "emu", 3) && (spec[3] == '\0' || spec[3] == ':')) {
		h->name = "emu";
		snprintf(h->where, sizeof(h->where), "the emulated KVM");
		return tdx__kvm_emu_create(&h->ops, &h->ctx, arg ? arg + 1 : "");
	}
	return tdx__fail(TDX_E_INVALID, "host backend \"%s\" is not known; use \"kvm[:/dev/kvm]\", "
			 "\"kvm:" BOX_SPEC "[,key=value,...]\" or \"emu[:key=value,...]\"", spec);
}

tdx_status tdx_host_open(tdx_host **out, const char *backend)
{
	const char *spec = backend;
	tdx_host *h;
	int rc;

	CHECK_ARG(out, "out is NULL; pass the address of a tdx_host pointer");
	*out = NULL;
	if (!spec || !*spec)
		spec = getenv("LIBTDX_BACKEND");
	if (!spec || !*spec)
		spec = "kvm"; /* never the emulator by default */
	h = calloc(1, sizeof(*h));
	if (!h)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	rc = open_backend(h, spec);
	if (rc) {
		free(h);
		return rc;
	}
	h->refs = 1;
	h->sys_fd = -1;
	pthread_mutex_init(&h->lock, NULL);
	h->sys_fd = h->ops->open_system(h->ctx);
	if (h->sys_fd < 0) {
		int e = -h->sys_fd;

		rc = tdx__error_set(tdx__errno_code(e), TDX_LAYER_OS, 0, e, "tdx_host_open",
				    "cannot open %s: %s%s", h->where, strerror(e),
				    e == ENOENT ? " (KVM not loaded, or no hardware virtualization; to use "
						  "the emulator pass \"emu\" or set LIBTDX_BACKEND=emu)"
				    : e == EACCES ? " (run as root or join the kvm group)" : "");
		h->sys_fd = -1;
		host_unref(h);
		return rc;
	}
	/* Refuse a device that is not KVM before anything is built on it. */
	rc = (int)kvm_ioctl(h, h->sys_fd, KVM_GET_API_VERSION, NULL);
	if (rc != KVM_API_VERSION) {
		rc = tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_KVM, 0, rc < 0 ? -rc : 0,
				    "tdx_host_open", "%s is not a KVM device, or speaks another KVM API "
				    "(KVM_GET_API_VERSION gave %d, not %d)", h->where, rc,
				    KVM_API_VERSION);
		host_unref(h);
		return rc;
	}
	h->kernel = h->ops->kernel_version(h->ctx);
	*out = h;
	return TDX_OK;
}

void tdx_host_close(tdx_host *h)
{
	if (h)
		host_unref(h);
}

const char *tdx_host_backend_name(const tdx_host *h)
{
	if (!h) {
		tdx__fail(TDX_E_INVALID, "h is NULL");
		return NULL;
	}
	return h->name;
}

tdx_status tdx_host_info_init(tdx_host_info *info, size_t sz)
{
	return TDX_STRUCT_INIT(info, sz, tdx_host_info);
}

static long check_ext(tdx_host *h, int fd, long cap)
{
	long v = kvm_ioctl(h, fd, KVM_CHECK_EXTENSION, (void *)cap);

	return v < 0 ? 0 : v;
}

tdx_status tdx_host_probe(tdx_host *h, tdx_host_info *info)
{
	tdx_host_info v = { .sz = sizeof(v) };
	int rc;

	CHECK_ARG(h, "h is NULL; open a host with tdx_host_open");
	CHECK_ARG(info, "info is NULL; pass a tdx_host_info set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(info, tdx_host_info);
	if (rc)
		return rc;
	v.api_version = (int)kvm_ioctl(h, h->sys_fd, KVM_GET_API_VERSION, NULL);
	/* Kernels before 6.10 do not know VM_TYPES: only the default VM. */
	v.vm_types = (uint64_t)check_ext(h, h->sys_fd, KVM_CAP_VM_TYPES);
	if (!v.vm_types)
		v.vm_types = 1;
	v.tdx = (v.vm_types >> KVM_X86_TDX_VM) & 1;
	v.max_vcpus = (uint32_t)check_ext(h, h->sys_fd, KVM_CAP_MAX_VCPUS);
	v.guest_memfd = check_ext(h, h->sys_fd, KVM_CAP_GUEST_MEMFD) > 0;
	v.user_memory2 = check_ext(h, h->sys_fd, KVM_CAP_USER_MEMORY2) > 0;
	v.memory_attributes = (uint64_t)check_ext(h, h->sys_fd, KVM_CAP_MEMORY_ATTRIBUTES);
	v.exit_hypercall = (uint64_t)check_ext(h, h->sys_fd, KVM_CAP_EXIT_HYPERCALL);
	if (v.tdx)
		snprintf(v.tdx_detail, sizeof(v.tdx_detail),
			 "KVM_CAP_VM_TYPES = 0x%llx: TDX VMs available%s",
			 (unsigned long long)v.vm_types,
			 v.guest_memfd && (v.memory_attributes & KVM_MEMORY_ATTRIBUTE_PRIVATE)
				 ? "" : ", but guest_memfd or private memory attributes are missing");
	else
		snprintf(v.tdx_detail, sizeof(v.tdx_detail),
			 "KVM_CAP_VM_TYPES = 0x%llx: no TDX: this kernel offers no TDX VMs; needs "
			 "Linux >= 6.16 with kvm_intel.tdx=1 on a TDX-enabled CPU",
			 (unsigned long long)v.vm_types);
	memcpy((char *)info + sizeof(size_t), (char *)&v + sizeof(size_t),
	       (info->sz < sizeof(v) ? info->sz : sizeof(v)) - sizeof(size_t));
	return TDX_OK;
}

/* ---- the VM ---- */

tdx_status tdx_vm_opts_init(tdx_vm_opts *opts, size_t sz)
{
	return TDX_STRUCT_INIT(opts, sz, tdx_vm_opts);
}

static int enable_cap(tdx_vm *vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg0 } };
	long rc = kvm_ioctl(vm->host, vm->fd, KVM_ENABLE_CAP, &ec);

	return rc < 0 ? (int)rc : 0;
}

static void vm_free(tdx_vm *vm)
{
	tdx_host *h = vm->host;

	for (size_t i = 0; i < vm->nregions; i++) {
		if (vm->regions[i].host)
			munmap(vm->regions[i].host, vm->regions[i].size);
		if (vm->regions[i].gmem_fd >= 0)
			h->ops->close(h->ctx, vm->regions[i].gmem_fd);
	}
	if (vm->fd >= 0)
		h->ops->close(h->ctx, vm->fd);
	free(vm->regions);
	free(vm->vcpus);
	free(vm->cpuid);
	free(vm->model);
	free(vm->cpuid_configs);
	tdx_mrtd_free(vm->mrtd);
	free(vm);
	host_unref(h);
}

static void vm_unref(tdx_vm *vm)
{
	tdx_host *h = vm->host;
	int last;

	pthread_mutex_lock(&h->lock);
	last = --vm->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last)
		vm_free(vm);
}

tdx_status tdx_vm_create(tdx_vm **out, tdx_host *h, const tdx_vm_opts *opts)
{
	tdx_vm_opts o = { .sz = sizeof(o) };
	TDX_OPTS(tdx_host_info, info);
	tdx_vm *vm;
	long rc;

	CHECK_ARG(out, "out is NULL; pass the address of a tdx_vm pointer");
	*out = NULL;
	CHECK_ARG(h, "h is NULL; open a host with tdx_host_open");
	if (opts) {
		int r = TDX_STRUCT_CHECK(opts, tdx_vm_opts);

		if (r)
			return r;
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	}
	CHECK_ARG(o.tsc_khz == 0 || (o.tsc_khz % 25000 == 0 && o.tsc_khz >= 100000 &&
				     o.tsc_khz <= 10000000),
		  "tsc_khz %u must be a multiple of 25000 between 100000 and 10000000 (the TDX "
		  "module counts in 25 MHz units)", o.tsc_khz);
	rc = o.plain ? TDX_OK : tdx_host_probe(h, &info);
	if (rc)
		return (int)rc;
	if (!o.plain && !info.tdx)
		return tdx__fail(TDX_E_NOT_SUPPORTED, "%s; use tdx_vm_opts.plain for an ordinary KVM "
				 "VM with the TDX steps done in software, or the \"emu\" backend",
				 info.tdx_detail);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	vm->host = h;
	vm->refs = 1;
	vm->plain = o.plain;
	vm->fd = -1;
	pthread_mutex_lock(&h->lock);
	h->refs++;
	pthread_mutex_unlock(&h->lock);
	rc = tdx_mrtd_new(&vm->mrtd);
	if (rc) {
		vm_free(vm);
		return (int)rc;
	}
	rc = kvm_ioctl(h, h->sys_fd, KVM_CREATE_VM, (void *)(long)(o.plain ? KVM_X86_DEFAULT_VM
									    : KVM_X86_TDX_VM));
	if (rc < 0) {
		vm_free(vm);
		return kvm_fail(__func__, rc, 0, "KVM_CREATE_VM");
	}
	vm->fd = (int)rc;
	rc = kvm_ioctl(h, h->sys_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (rc < (long)sizeof(struct kvm_run)) {
		vm_free(vm);
		return kvm_fail(__func__, rc < 0 ? rc : -EINVAL, 0, "KVM_GET_VCPU_MMAP_SIZE");
	}
	vm->run_size = (size_t)rc;
	if (!o.plain) {
		/* A TD needs a split irqchip; MapGPA reaches userspace as a hypercall exit. */
		rc = enable_cap(vm, KVM_CAP_SPLIT_IRQCHIP, SPLIT_IRQCHIP_ROUTES);
		if (!rc)
			rc = enable_cap(vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << KVM_HC_MAP_GPA_RANGE);
		if (!rc && check_ext(h, vm->fd, KVM_CAP_X86_APIC_BUS_CYCLES_NS))
			rc = enable_cap(vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, APIC_BUS_CYCLES_NS);
		if (rc) {
			vm_free(vm);
			return kvm_fail(__func__, rc, 0, "KVM_ENABLE_CAP (split irqchip, MapGPA exits)");
		}
	}
	if (o.tsc_khz) {
		rc = kvm_ioctl(h, vm->fd, KVM_SET_TSC_KHZ, (void *)(long)o.tsc_khz);
		if (rc < 0) {
			vm_free(vm);
			return kvm_fail(__func__, rc, 0, "KVM_SET_TSC_KHZ");
		}
	}
	*out = vm;
	return TDX_OK;
}

void tdx_vm_close(tdx_vm *vm)
{
	if (vm)
		vm_unref(vm);
}

/* ---- capabilities ---- */

tdx_status tdx_vm_caps_init(tdx_vm_caps *caps, size_t sz)
{
	return TDX_STRUCT_INIT(caps, sz, tdx_vm_caps);
}

/* KVM_GET_SUPPORTED_CPUID into h's cache (grown on -E2BIG: the kernel
 * does not say how many it needs). */
static int fetch_supported(tdx_host *h)
{
	for (uint32_t cap = KVM_MAX_CPUID_ENTRIES; cap <= 4 * KVM_MAX_CPUID_ENTRIES; cap *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + cap * sizeof(c->entries[0]));
		long rc;

		if (!c)
			return -ENOMEM;
		c->nent = cap;
		rc = kvm_ioctl(h, h->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (rc == -E2BIG) {
			free(c);
			continue;
		}
		if (rc >= 0) {
			h->supported = malloc(c->nent * sizeof(c->entries[0]) + 1);
			if (h->supported) {
				memcpy(h->supported, c->entries, c->nent * sizeof(c->entries[0]));
				h->nsupported = c->nent;
			}
			rc = h->supported ? 0 : -ENOMEM;
		}
		free(c);
		return (int)rc;
	}
	return -E2BIG;
}

/* A copy of the host's supported CPUID. */
static int supported_cpuid(tdx_host *h, struct kvm_cpuid_entry2 **out, uint32_t *n)
{
	int rc;

	pthread_mutex_lock(&h->lock);
	if (!h->supported && !h->supported_err)
		h->supported_err = fetch_supported(h);
	rc = h->supported_err;
	if (!rc) {
		*n = h->nsupported;
		*out = malloc(*n * sizeof(**out) + 1);
		if (*out)
			memcpy(*out, h->supported, *n * sizeof(**out));
		else
			rc = -ENOMEM;
	}
	pthread_mutex_unlock(&h->lock);
	return rc ? kvm_fail("tdx_vm_get_capabilities", rc, 0, "KVM_GET_SUPPORTED_CPUID") : TDX_OK;
}

/* The XCR0 bits this CPU enables (for a plain VM's "supported XFAM"). */
static uint64_t host_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static int fetch_caps(tdx_vm *vm, const char *fn)
{
	tdx_host *h = vm->host;

	if (vm->have_caps)
		return TDX_OK;
	vm->caps.sz = sizeof(vm->caps);
	/* The VM's own limit: KVM clamps a TD to the present CPUs (tdx_vm_init). */
	vm->caps.max_vcpus = (uint32_t)check_ext(h, vm->fd, KVM_CAP_MAX_VCPUS);
	if (vm->plain) {
		/* Software stand-in: what KVM can give an ordinary VM. */
		int rc = supported_cpuid(h, &vm->cpuid_configs, &vm->ncpuid_configs);

		if (rc)
			return rc;
		vm->caps.supported_attrs = ATTR_SEPT_VE_DISABLE;
		vm->caps.supported_xfam = host_xcr0();
		vm->caps.num_cpuid_configs = vm->ncpuid_configs;
		vm->have_caps = 1;
		return TDX_OK;
	}
	/* -E2BIG does not say how many entries are needed: grow and retry. */
	for (uint32_t nent = CAPS_FIRST_NENT; nent <= KVM_MAX_CPUID_ENTRIES; nent *= 2) {
		size_t size = sizeof(struct kvm_tdx_capabilities) + nent * sizeof(struct kvm_cpuid_entry2);
		struct kvm_tdx_capabilities *c = calloc(1, size);
		long rc;

		if (!c)
			return tdx__fail(TDX_E_NOMEM, "out of memory");
		c->cpuid.nent = nent;
		rc = tdx_cmd(h, vm->fd, KVM_TDX_CAPABILITIES, 0, (uint64_t)(uintptr_t)c, NULL);
		if (rc == -E2BIG) {
			free(c);
			continue;
		}
		if (rc < 0) {
			free(c);
			return kvm_fail(fn, rc, 0, "KVM_TDX_CAPABILITIES");
		}
		vm->caps.supported_attrs = c->supported_attrs;
		vm->caps.supported_xfam = c->supported_xfam;
		vm->caps.kernel_tdvmcallinfo_1_r11 = c->kernel_tdvmcallinfo_1_r11;
		vm->caps.user_tdvmcallinfo_1_r11 = c->user_tdvmcallinfo_1_r11;
		vm->caps.kernel_tdvmcallinfo_1_r12 = c->kernel_tdvmcallinfo_1_r12;
		vm->caps.user_tdvmcallinfo_1_r12 = c->user_tdvmcallinfo_1_r12;
		vm->ncpuid_configs = c->cpuid.nent <= nent ? c->cpuid.nent : nent;
		vm->cpuid_configs = malloc(vm->ncpuid_configs * sizeof(*vm->cpuid_configs) + 1);
		if (!vm->cpuid_configs) {
			free(c);
			return tdx__fail(TDX_E_NOMEM, "out of memory");
		}
		memcpy(vm->cpuid_configs, c->cpuid.entries,
		       vm->ncpuid_configs * sizeof(*vm->cpuid_configs));
		vm->caps.num_cpuid_configs = vm->ncpuid_configs;
		vm->have_caps = 1;
		free(c);
		return TDX_OK;
	}
	return tdx__fail(TDX_E_OS, "KVM_TDX_CAPABILITIES still wants more than %u CPUID entries",
			 KVM_MAX_CPUID_ENTRIES);
}

tdx_status tdx_vm_get_capabilities(tdx_vm *vm, tdx_vm_caps *caps)
{
	int rc;

	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	CHECK_ARG(caps, "caps is NULL; pass a tdx_vm_caps set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(caps, tdx_vm_caps);
	if (rc)
		return rc;
	rc = fetch_caps(vm, __func__);
	if (rc)
		return rc;
	memcpy((char *)caps + sizeof(size_t), (char *)&vm->caps + sizeof(size_t),
	       (caps->sz < sizeof(vm->caps) ? caps->sz : sizeof(vm->caps)) - sizeof(size_t));
	return TDX_OK;
}

static void to_public(const struct kvm_cpuid_entry2 *k, tdx_cpuid_entry *e)
{
	e->function = k->function;
	e->index = k->index;
	e->flags = k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX ? TDX_CPUID_FLAG_INDEX : 0;
	e->eax = k->eax;
	e->ebx = k->ebx;
	e->ecx = k->ecx;
	e->edx = k->edx;
}

static void to_kvm(const tdx_cpuid_entry *e, struct kvm_cpuid_entry2 *k)
{
	memset(k, 0, sizeof(*k));
	k->function = e->function;
	k->index = e->index;
	k->flags = e->flags & TDX_CPUID_FLAG_INDEX ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	k->eax = e->eax;
	k->ebx = e->ebx;
	k->ecx = e->ecx;
	k->edx = e->edx;
}

tdx_status tdx_vm_cpuid_config(tdx_vm *vm, uint32_t index, tdx_cpuid_entry *entry)
{
	int rc;

	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	CHECK_ARG(entry, "entry is NULL; pass where to store the CPUID leaf");
	rc = fetch_caps(vm, __func__);
	if (rc)
		return rc;
	CHECK_ARG(index < vm->ncpuid_configs, "index %u is not below the %u configurable leaves",
		  index, vm->ncpuid_configs);
	to_public(&vm->cpuid_configs[index], entry);
	return TDX_OK;
}

/* ---- INIT_VM ---- */

tdx_status tdx_vm_init_opts_init(tdx_vm_init_opts *opts, size_t sz)
{
	return TDX_STRUCT_INIT(opts, sz, tdx_vm_init_opts);
}

/* The caller's CPUID, or the host's supported one, as KVM entries. */
static int wanted_cpuid(tdx_vm *vm, const tdx_vm_init_opts *o, struct kvm_cpuid_entry2 **out,
			uint32_t *n)
{
	if (!o->cpuid) {
		if (supported_cpuid(vm->host, out, n) == TDX_OK)
			return TDX_OK;
		/* No KVM_GET_SUPPORTED_CPUID (the emulated KVM): every configurable bit. */
		*n = vm->ncpuid_configs;
		*out = malloc(*n * sizeof(**out) + 1);
		if (!*out)
			return tdx__fail(TDX_E_NOMEM, "out of memory");
		memcpy(*out, vm->cpuid_configs, *n * sizeof(**out));
		return TDX_OK;
	}
	CHECK_ARG(o->ncpuid <= KVM_MAX_CPUID_ENTRIES, "%u CPUID entries: KVM takes at most %u",
		  o->ncpuid, KVM_MAX_CPUID_ENTRIES);
	*n = o->ncpuid;
	*out = malloc(*n * sizeof(**out) + 1);
	if (!*out)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < *n; i++)
		to_kvm(&o->cpuid[i], &(*out)[i]);
	return TDX_OK;
}

tdx_status tdx_vm_init(tdx_vm *vm, const tdx_vm_init_opts *opts)
{
	tdx_vm_init_opts o = { .sz = sizeof(o) };
	struct kvm_cpuid_entry2 *want = NULL, *model = NULL;
	struct kvm_tdx_init_vm *init = NULL;
	uint32_t nwant = 0, nmodel = 0, n = KVM_MAX_CPUID_ENTRIES;
	uint64_t hw = 0;
	long krc = 0;
	int rc;

	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	if (opts) {
		rc = TDX_STRUCT_CHECK(opts, tdx_vm_init_opts);
		if (rc)
			return rc;
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	}
	CHECK_ARG(!o.ncpuid || o.cpuid, "ncpuid is %u but cpuid is NULL", o.ncpuid);
	if (vm->state != VM_CREATED)
		return tdx__fail(TDX_E_STATE, "the TD was already initialised; tdx_vm_init runs once "
				 ORDER);
	if (vm->nvcpus)
		return tdx__fail(TDX_E_STATE, "tdx_vm_init must come before tdx_vcpu_create " ORDER);
	rc = fetch_caps(vm, __func__);
	if (rc)
		return rc;
	if (!o.attributes)
		o.attributes = ATTR_SEPT_VE_DISABLE & vm->caps.supported_attrs;
	if (!o.xfam)
		o.xfam = XFAM_DEFAULT & vm->caps.supported_xfam;
	if (!o.gpaw)
		o.gpaw = 48;
	CHECK_ARG(o.gpaw == 48 || o.gpaw == 52, "gpaw %u: TDs have a GPAW of 48 or 52", o.gpaw);
	if (o.attributes & ~vm->caps.supported_attrs)
		return tdx__fail(TDX_E_INVALID, "attributes 0x%llx ask for 0x%llx, which this host "
				 "does not support (supported: 0x%llx)",
				 (unsigned long long)o.attributes,
				 (unsigned long long)(o.attributes & ~vm->caps.supported_attrs),
				 (unsigned long long)vm->caps.supported_attrs);
	if (o.xfam & ~vm->caps.supported_xfam)
		return tdx__fail(TDX_E_INVALID, "xfam 0x%llx asks for 0x%llx, which this host does "
				 "not support (supported: 0x%llx)", (unsigned long long)o.xfam,
				 (unsigned long long)(o.xfam & ~vm->caps.supported_xfam),
				 (unsigned long long)vm->caps.supported_xfam);
	rc = wanted_cpuid(vm, &o, &want, &nwant);
	if (rc)
		return rc;
	init = calloc(1, sizeof(*init) + n * sizeof(init->cpuid.entries[0]));
	if (!init) {
		free(want);
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	}
	rc = tdx__cpuid_filter(vm->cpuid_configs, vm->ncpuid_configs, want, nwant, o.gpaw,
			       init->cpuid.entries, &n);
	if (!rc)
		rc = tdx__cpuid_vcpu_model(want, nwant, o.gpaw, &model, &nmodel);
	free(want);
	if (rc) {
		free(init);
		return rc;
	}
	init->cpuid.nent = n;
	init->attributes = o.attributes;
	init->xfam = o.xfam;
	memcpy(init->mrconfigid, o.mrconfigid, 48);
	memcpy(init->mrowner, o.mrowner, 48);
	memcpy(init->mrownerconfig, o.mrownerconfig, 48);
	if (!vm->plain) {
		/* -EAGAIN is TDX_RND_NO_ENTROPY: the CPU's RNG was busy; retry. */
		for (unsigned i = 0; i < INIT_VM_RETRIES; i++) {
			krc = tdx_cmd(vm->host, vm->fd, KVM_TDX_INIT_VM, 0, (uint64_t)(uintptr_t)init,
				      &hw);
			if (krc != -EAGAIN && !(krc == -EBUSY && i < GUARD_RETRIES))
				break;
			sched_yield();
		}
		if (krc < 0) {
			free(init);
			free(model);
			return kvm_fail(__func__, krc, hw,
					krc == -EAGAIN ? "KVM_TDX_INIT_VM (the RNG stayed busy)"
						       : "KVM_TDX_INIT_VM");
		}
	}
	vm->cpuid = malloc(n * sizeof(*vm->cpuid) + 1);
	if (!vm->cpuid) {
		free(init);
		free(model);
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	}
	vm->model = model;
	vm->nmodel = nmodel;
	memcpy(vm->cpuid, init->cpuid.entries, n * sizeof(*vm->cpuid));
	vm->ncpuid = n;
	vm->gpaw = o.gpaw;
	vm->state = VM_INITIALIZED;
	free(init);
	return TDX_OK;
}

/* ---- memory ---- */

static int add_region(tdx_vm *vm, const char *fn, uint64_t gpa, uint64_t size, int private_mem)
{
	tdx_host *h = vm->host;
	struct region r = { .gpa = gpa, .size = size, .gmem_fd = -1 };
	struct region *grown;
	long rc;

	CHECK_ARG(!((gpa | size) & (PAGE - 1)) && size, "gpa 0x%llx and size 0x%llx must be "
		  "non-zero multiples of 4 KiB", (unsigned long long)gpa, (unsigned long long)size);
	CHECK_ARG(gpa + size > gpa, "gpa + size overflows");
	for (size_t i = 0; i < vm->nregions; i++)
		if (gpa < vm->regions[i].gpa + vm->regions[i].size && vm->regions[i].gpa < gpa + size)
			return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, fn,
					      "[0x%llx, 0x%llx) overlaps memory added before",
					      (unsigned long long)gpa, (unsigned long long)(gpa + size));
	r.slot = (uint32_t)vm->nregions;
	r.host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	if (r.host == MAP_FAILED)
		return tdx__fail_os(errno, "cannot map %llu bytes of guest memory",
				    (unsigned long long)size);
	if (vm->plain) {
		struct kvm_userspace_memory_region m = { .slot = r.slot, .guest_phys_addr = gpa,
							 .memory_size = size,
							 .userspace_addr = (uint64_t)(uintptr_t)r.host };

		rc = kvm_ioctl(h, vm->fd, KVM_SET_USER_MEMORY_REGION, &m);
		if (rc < 0)
			goto fail;
	} else {
		struct kvm_userspace_memory_region2 m = { .slot = r.slot, .guest_phys_addr = gpa,
							  .memory_size = size,
							  .userspace_addr = (uint64_t)(uintptr_t)r.host };

		if (private_mem) {
			struct kvm_create_guest_memfd g = { .size = size };

			rc = kvm_ioctl(h, vm->fd, KVM_CREATE_GUEST_MEMFD, &g);
			if (rc < 0)
				goto fail;
			r.gmem_fd = (int)rc;
			m.flags = KVM_MEM_GUEST_MEMFD;
			m.guest_memfd = (uint32_t)r.gmem_fd;
		}
		rc = kvm_ioctl(h, vm->fd, KVM_SET_USER_MEMORY_REGION2, &m);
		if (rc >= 0 && private_mem) {
			/* Private by default, as QEMU does for guest_memfd slots. */
			struct kvm_memory_attributes a = { .address = gpa, .size = size,
							   .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE };

			rc = kvm_ioctl(h, vm->fd, KVM_SET_MEMORY_ATTRIBUTES, &a);
		}
		if (rc < 0)
			goto fail;
	}
	grown = realloc(vm->regions, (vm->nregions + 1) * sizeof(*grown));
	if (!grown) {
		rc = -ENOMEM;
		goto fail;
	}
	vm->regions = grown;
	vm->regions[vm->nregions++] = r;
	return TDX_OK;
fail:
	munmap(r.host, size);
	if (r.gmem_fd >= 0)
		h->ops->close(h->ctx, r.gmem_fd);
	return kvm_fail(fn, rc, 0, private_mem ? "adding private memory (guest_memfd, "
			"KVM_SET_USER_MEMORY_REGION2, KVM_SET_MEMORY_ATTRIBUTES)"
			: "adding shared memory (KVM_SET_USER_MEMORY_REGION2)");
}

tdx_status tdx_vm_add_private_memory(tdx_vm *vm, uint64_t gpa, uint64_t size)
{
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	return add_region(vm, __func__, gpa, size, 1);
}

tdx_status tdx_vm_add_shared_memory(tdx_vm *vm, uint64_t gpa, uint64_t size)
{
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	return add_region(vm, __func__, gpa, size, 0);
}

/* The region holding gpa, or NULL. */
static const struct region *region_at(const tdx_vm *vm, uint64_t gpa)
{
	for (size_t i = 0; i < vm->nregions; i++)
		if (gpa >= vm->regions[i].gpa && gpa - vm->regions[i].gpa < vm->regions[i].size)
			return &vm->regions[i];
	return NULL;
}

/* Where the next region after gpa starts, or end if none before it. */
static uint64_t next_region(const tdx_vm *vm, uint64_t gpa, uint64_t end)
{
	uint64_t next = end;

	for (size_t i = 0; i < vm->nregions; i++)
		if (vm->regions[i].gpa > gpa && vm->regions[i].gpa < next)
			next = vm->regions[i].gpa;
	return next;
}

/* The host view of [gpa, gpa+len), within one region; NULL if none. */
static uint8_t *host_view(tdx_vm *vm, uint64_t gpa, size_t len)
{
	if (vm->gpaw)
		gpa &= ~(1ULL << (vm->gpaw - 1));
	for (size_t i = 0; i < vm->nregions; i++) {
		struct region *r = &vm->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

static int vm_access(tdx_vm *vm, const char *fn, uint64_t gpa, void *buf, size_t len, int write)
{
	uint8_t *p;

	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	CHECK_ARG(buf || !len, "buf is NULL");
	if (!len)
		return TDX_OK;
	p = host_view(vm, gpa, len);
	if (!p)
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, fn,
				      "GPA range 0x%llx+0x%zx is not in memory added to the VM",
				      (unsigned long long)gpa, len);
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return TDX_OK;
}

tdx_status tdx_vm_read(tdx_vm *vm, uint64_t gpa, void *buf, size_t len)
{
	return vm_access(vm, __func__, gpa, buf, len, 0);
}

tdx_status tdx_vm_write(tdx_vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	return vm_access(vm, __func__, gpa, (void *)(uintptr_t)buf, len, 1);
}

/* ---- vCPUs ---- */

tdx_status tdx_vcpu_create(tdx_vcpu **out, tdx_vm *vm)
{
	tdx_host *h;
	tdx_vcpu *v, **grown;
	long rc;

	CHECK_ARG(out, "out is NULL; pass the address of a tdx_vcpu pointer");
	*out = NULL;
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	h = vm->host;
	if (vm->state == VM_CREATED)
		return tdx__fail(TDX_E_STATE, "tdx_vcpu_create needs tdx_vm_init first " ORDER);
	if (vm->state == VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "the TD is finalized: vCPUs are created before "
				 "tdx_vm_finalize " ORDER);
	v = calloc(1, sizeof(*v));
	grown = realloc(vm->vcpus, (vm->nvcpus + 1) * sizeof(*grown));
	if (!v || !grown) {
		free(v);
		if (grown)
			vm->vcpus = grown;
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	}
	vm->vcpus = grown;
	v->id = vm->nvcpus;
	rc = kvm_ioctl(h, vm->fd, KVM_CREATE_VCPU, (void *)(long)v->id);
	if (rc < 0) {
		free(v);
		return kvm_fail(__func__, rc, 0, "KVM_CREATE_VCPU");
	}
	v->fd = (int)rc;
	v->run = h->ops->map_run(h->ctx, v->fd, vm->run_size);
	if (!v->run) {
		int e = errno ? errno : ENOMEM;

		h->ops->close(h->ctx, v->fd);
		free(v);
		return tdx__fail_os(e, "cannot map the vCPU's kvm_run area: %s", strerror(e));
	}
	v->vm = vm;
	vm->vcpus[vm->nvcpus++] = v;
	pthread_mutex_lock(&h->lock);
	vm->refs++;
	pthread_mutex_unlock(&h->lock);
	*out = v;
	return TDX_OK;
}

void tdx_vcpu_close(tdx_vcpu *v)
{
	tdx_vm *vm;

	if (!v)
		return;
	vm = v->vm;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i] == v)
			vm->vcpus[i] = NULL;
	vm->host->ops->unmap_run(vm->host->ctx, v->run, vm->run_size);
	vm->host->ops->close(vm->host->ctx, v->fd);
	free(v);
	vm_unref(vm);
}

/* KVM_SET_CPUID2 with the TD's CPU model (tdx__cpuid_vcpu_model). */
static long set_cpuid(tdx_vcpu *v)
{
	tdx_vm *vm = v->vm;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + vm->nmodel * sizeof(c->entries[0]));
	long rc;

	if (!c)
		return -ENOMEM;
	memcpy(c->entries, vm->model, vm->nmodel * sizeof(c->entries[0]));
	c->nent = vm->nmodel;
	rc = kvm_ioctl(vm->host, v->fd, KVM_SET_CPUID2, c);
	free(c);
	return rc;
}

/*
 * A plain VM starts where a TD's vCPU does: 32-bit protected mode, paging
 * off, flat segments, RIP at the reset vector 0xFFFFFFF0, RCX = the
 * initial value (the TD HOB for TDVF).
 */
static long plain_reset_state(tdx_vcpu *v, uint64_t rcx)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rcx = rcx, .rip = 0xFFFFFFF0ULL, .rflags = 2 };
	struct kvm_segment flat = { .base = 0, .limit = 0xFFFFFFFF, .selector = 0x10, .type = 3,
				    .present = 1, .db = 1, .s = 1, .g = 1 };
	long rc = kvm_ioctl(v->vm->host, v->fd, KVM_GET_SREGS, &s);

	if (rc < 0)
		return rc;
	s.ds = s.es = s.fs = s.gs = s.ss = flat;
	s.cs = flat;
	s.cs.selector = 0x08;
	s.cs.type = 11;
	s.cr0 = 0x11; /* PE, ET */
	s.cr4 = 0;
	s.efer = 0;
	rc = kvm_ioctl(v->vm->host, v->fd, KVM_SET_SREGS, &s);
	if (rc < 0)
		return rc;
	return kvm_ioctl(v->vm->host, v->fd, KVM_SET_REGS, &r);
}

tdx_status tdx_vcpu_init(tdx_vcpu *v, uint64_t initial_rcx)
{
	uint64_t hw = 0;
	long rc;

	CHECK_ARG(v, "vcpu is NULL; create one with tdx_vcpu_create");
	if (v->initialized)
		return tdx__fail(TDX_E_STATE, "this vCPU was already initialised " ORDER);
	if (v->vm->state == VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "the TD is finalized: tdx_vcpu_init comes before "
				 "tdx_vm_finalize " ORDER);
	rc = set_cpuid(v);
	if (rc < 0)
		return kvm_fail(__func__, rc, 0, "KVM_SET_CPUID2");
	if (v->vm->plain)
		rc = plain_reset_state(v, initial_rcx);
	else
		for (unsigned i = 0; i < GUARD_RETRIES; i++) {
			rc = tdx_cmd(v->vm->host, v->fd, KVM_TDX_INIT_VCPU, 0, initial_rcx, &hw);
			if (rc != -EBUSY)
				break;
			sched_yield();
		}
	if (rc < 0)
		return kvm_fail(__func__, rc, hw, v->vm->plain ? "setting the reset state"
							       : "KVM_TDX_INIT_VCPU");
	v->initialized = 1;
	v->vm->ninit_vcpus++;
	return TDX_OK;
}

tdx_status tdx_vcpu_get_cpuid(tdx_vcpu *v, tdx_cpuid_entry *entries, uint32_t *count)
{
	struct kvm_cpuid2 *c;
	uint32_t cap;
	long rc;

	CHECK_ARG(v, "vcpu is NULL; create one with tdx_vcpu_create");
	CHECK_ARG(count, "count is NULL; pass the capacity of entries");
	CHECK_ARG(entries || !*count, "entries is NULL with a non-zero count");
	if (v->vm->state != VM_INITIALIZED)
		return tdx__fail(TDX_E_STATE, "the TD's CPUID can be read between tdx_vm_init and "
				 "tdx_vm_finalize " ORDER);
	cap = *count;
	if (v->vm->plain) {
		if (cap < v->vm->ncpuid) {
			*count = v->vm->ncpuid;
			return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the TD has %u CPUID entries",
					 v->vm->ncpuid);
		}
		for (uint32_t i = 0; i < v->vm->ncpuid; i++)
			to_public(&v->vm->cpuid[i], &entries[i]);
		*count = v->vm->ncpuid;
		return TDX_OK;
	}
	c = calloc(1, sizeof(*c) + cap * sizeof(c->entries[0]));
	if (!c)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	c->nent = cap;
	rc = tdx_cmd(v->vm->host, v->fd, KVM_TDX_GET_CPUID, 0, (uint64_t)(uintptr_t)c, NULL);
	if (rc == -E2BIG) {
		/* Unlike CAPABILITIES, the kernel writes back how many it needs. */
		*count = c->nent;
		free(c);
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the TD has %u CPUID entries; pass that "
				 "many", *count);
	}
	if (rc < 0) {
		free(c);
		return kvm_fail(__func__, rc, 0, "KVM_TDX_GET_CPUID");
	}
	for (uint32_t i = 0; i < c->nent && i < cap; i++)
		to_public(&c->entries[i], &entries[i]);
	*count = c->nent;
	free(c);
	return TDX_OK;
}

/* Measure pages [gpa, gpa + n pages) from src as TDH.MEM.PAGE.ADD (+ extend) did. */
static int measure_pages(tdx_vm *vm, const uint8_t *src, uint64_t gpa, uint64_t n, int measure)
{
	return tdx_mrtd_add_region(vm->mrtd, gpa, n, measure ? src : NULL,
				   measure ? n * PAGE : 0, measure ? TDX_MEASURE_EXTEND : 0);
}

tdx_status tdx_vm_init_mem_region(tdx_vcpu *v, const void *src, uint64_t gpa, uint64_t npages,
				  int measure)
{
	tdx_vm *vm;
	struct kvm_tdx_init_mem_region r;
	unsigned stalls = 0;
	int rc;

	CHECK_ARG(v, "vcpu is NULL; create one with tdx_vcpu_create");
	vm = v->vm;
	CHECK_ARG(src, "src is NULL; pass the bytes to copy into the TD");
	CHECK_ARG(!((uintptr_t)src & (PAGE - 1)), "src %p must be 4 KiB aligned (the kernel "
		  "copies whole pages)", src);
	CHECK_ARG(!(gpa & (PAGE - 1)) && npages, "gpa 0x%llx must be 4 KiB aligned and npages "
		  "non-zero", (unsigned long long)gpa);
	CHECK_ARG(npages <= (UINT64_MAX - gpa) / PAGE, "gpa + npages pages overflows");
	if (vm->state == VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "the TD is finalized: the initial image is added before "
				 "tdx_vm_finalize " ORDER);
	if (!v->initialized)
		return tdx__fail(TDX_E_STATE, "tdx_vm_init_mem_region needs a vCPU initialised with "
				 "tdx_vcpu_init " ORDER);
	if (vm->gpaw && (gpa + npages * PAGE - 1) >> (vm->gpaw - 1))
		return tdx__fail(TDX_E_INVALID, "[0x%llx, +%llu pages) reaches the shared half of "
				 "the GPA space (bit %u): the initial image goes to private GPAs",
				 (unsigned long long)gpa, (unsigned long long)npages, vm->gpaw - 1);
	if (vm->plain) {
		uint8_t *dst = host_view(vm, gpa, npages * PAGE);

		if (!dst)
			return tdx__fail(TDX_E_INVALID, "[0x%llx, +%llu pages) is not in memory added "
					 "with tdx_vm_add_private_memory", (unsigned long long)gpa,
					 (unsigned long long)npages);
		memcpy(dst, src, npages * PAGE);
		return measure_pages(vm, src, gpa, npages, measure);
	}
	r.source_addr = (uint64_t)(uintptr_t)src;
	r.gpa = gpa;
	r.nr_pages = npages;
	while (r.nr_pages) {
		uint64_t before = r.nr_pages, start = r.gpa;
		const uint8_t *from = (const uint8_t *)(uintptr_t)r.source_addr;
		long krc = tdx_cmd(vm->host, v->fd, KVM_TDX_INIT_MEM_REGION,
				   measure ? KVM_TDX_MEASURE_MEMORY_REGION : 0, (uint64_t)(uintptr_t)&r,
				   NULL);
		uint64_t done = before - r.nr_pages;

		/* The kernel wrote back its progress: measure exactly those pages. */
		if (done > before) {
			return tdx__fail(TDX_E_OS, "KVM_TDX_INIT_MEM_REGION wrote back more pages than "
					 "asked (%llu > %llu)", (unsigned long long)done,
					 (unsigned long long)before);
		}
		if (done) {
			rc = measure_pages(vm, from, start, done, measure);
			if (rc)
				return rc;
			stalls = 0;
		}
		if (krc >= 0 && r.nr_pages == 0)
			break;
		if (krc == -EINTR || krc == -EAGAIN || krc == -EBUSY || krc >= 0) {
			if (!done && ++stalls > MEM_REGION_STALLS)
				return kvm_fail(__func__, krc < 0 ? krc : -EAGAIN, 0,
						"KVM_TDX_INIT_MEM_REGION (no progress after retries)");
			continue; /* resume from the written-back struct */
		}
		return kvm_fail(__func__, krc, 0, "KVM_TDX_INIT_MEM_REGION");
	}
	return TDX_OK;
}

tdx_status tdx_vm_finalize(tdx_vm *vm)
{
	uint64_t hw = 0;
	long krc = 0;

	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	if (vm->state == VM_CREATED)
		return tdx__fail(TDX_E_STATE, "tdx_vm_finalize needs tdx_vm_init first " ORDER);
	if (vm->state == VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "the TD is already finalized " ORDER);
	if (!vm->ninit_vcpus)
		return tdx__fail(TDX_E_STATE, "tdx_vm_finalize needs at least one vCPU initialised "
				 "with tdx_vcpu_init (the TDX module refuses a TD without vCPUs) "
				 ORDER);
	if (!vm->plain) {
		for (unsigned i = 0; i < FINALIZE_RETRIES; i++) {
			krc = tdx_cmd(vm->host, vm->fd, KVM_TDX_FINALIZE_VM, 0, 0, &hw);
			if (krc != -EBUSY)
				break;
			sched_yield();
		}
		if (krc < 0)
			return kvm_fail(__func__, krc, hw, "KVM_TDX_FINALIZE_VM");
	}
	vm->state = VM_FINALIZED;
	return tdx_mrtd_finalize(vm->mrtd, vm->mrtd_value);
}

tdx_status tdx_vm_mrtd(tdx_vm *vm, uint8_t mrtd[48])
{
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	CHECK_ARG(mrtd, "mrtd is NULL; pass 48 bytes");
	if (vm->state != VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "the MRTD exists after tdx_vm_finalize " ORDER);
	memcpy(mrtd, vm->mrtd_value, SHA384_SIZE);
	return TDX_OK;
}

/* ---- exits ---- */

tdx_status tdx_exit_init(tdx_exit *e, size_t sz)
{
	return TDX_STRUCT_INIT(e, sz, tdx_exit);
}

tdx_status tdx_vm_set_exit_handler(tdx_vm *vm, tdx_exit_handler fn, void *ctx)
{
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	vm->handler = fn;
	vm->handler_ctx = ctx;
	return TDX_OK;
}

static tdx_vcpu *vcpu_of(tdx_vm *vm, int fd)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->fd == fd)
			return vm->vcpus[i];
	return NULL;
}

/*
 * ReportFatalError's message: 8 bytes from each register the TD exposed
 * (the mask, RCX, is data[1]), packed in the GHCI's order R14, R15, RBX,
 * RDI, RSI, R8, R9, RDX, as QEMU's tdx_handle_report_fatal_error() packs
 * them.  KVM's data[] holds the GPRs in KVM order: RAX, RCX, RDX, RBX, RSP,
 * RBP, RSI, RDI, R8...
 */
static void decode_fatal(const struct kvm_run *run, tdx_exit *e)
{
	static const int order[8] = { 14, 15, 3, 7, 6, 8, 9, 2 };
	uint64_t mask = run->system_event.data[1];
	size_t n = 0;

	e->error_code = run->system_event.data[12];
	e->fatal_gpa = (e->error_code >> 63) ? run->system_event.data[13] : 0;
	for (int i = 0; i < 8; i++)
		if (mask & (1ULL << order[i])) {
			memcpy(e->message + n, &run->system_event.data[order[i]], 8);
			n += 8;
		}
	e->message[n] = '\0';
}

/*
 * MapGPA / memory fault: flip the private attribute of the range, then
 * free the side no longer used (punch the guest_memfd, or drop the shared
 * pages), so a converted range is not held twice.  As QEMU's
 * kvm_convert_memory() (accel/kvm/kvm-all.c): memory without a guest_memfd
 * does not convert (-EINVAL), and a range with no memory at all converts
 * to shared as a no-op (MMIO) but never to private.
 */
static long convert(tdx_vm *vm, uint64_t gpa, uint64_t size, int to_private)
{
	struct kvm_memory_attributes a = { .address = gpa, .size = size,
					   .attributes = to_private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0 };
	uint64_t end = gpa + size;
	int any = 0;
	long rc;

	if (end < gpa)
		return -EINVAL;
	for (uint64_t at = gpa; at < end;) { /* guest_memfd behind all the memory */
		const struct region *r = region_at(vm, at);

		if (!r && to_private)
			return -EINVAL;
		if (r && r->gmem_fd < 0)
			return -EINVAL;
		any |= r != NULL;
		at = r ? r->gpa + r->size : next_region(vm, at, end);
	}
	if (!any)
		return 0; /* no memory: nothing to share */
	rc = kvm_ioctl(vm->host, vm->fd, KVM_SET_MEMORY_ATTRIBUTES, &a);
	if (rc < 0)
		return rc;
	for (uint64_t at = gpa; at < end;) {
		const struct region *r = region_at(vm, at);
		uint64_t stop;

		if (!r) {
			at = next_region(vm, at, end);
			continue;
		}
		stop = r->gpa + r->size < end ? r->gpa + r->size : end;
		if (to_private)
			madvise(r->host + (at - r->gpa), stop - at, MADV_DONTNEED);
		else
			vm->host->ops->fallocate(vm->host->ctx, r->gmem_fd,
						 FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
						 at - r->gpa, stop - at);
		at = stop;
	}
	return 0;
}

/*
 * The hypercall.ret a MapGPA handler may give: Linux <= 7.1 turns any
 * non-zero value into INVALID_OPERAND; Linux >= 7.2 (3e2dec1ede0a) takes
 * 0, EAGAIN (the TD retries) and EINVAL, and fails KVM_RUN for anything
 * else.  So: 0 stays, EAGAIN stays where the kernel knows it, every other
 * value becomes EINVAL.
 */
static uint64_t map_gpa_ret(const tdx_vm *vm, uint64_t ret)
{
	if (ret == 0 || (ret == EAGAIN && vm->host->kernel >= TDX_KERNEL_MAPGPA_RET))
		return ret;
	return EINVAL;
}

static void call_handler(tdx_vm *vm, tdx_vcpu *v, tdx_exit *e)
{
	if (vm->handler)
		vm->handler(vm->handler_ctx, v, e);
}

/*
 * Decode an exit into *e.  TDVMCALL, MapGPA and memory-fault exits are
 * completed here (after the handler) and return 0: resume.  Others return
 * 1: the caller sees them.
 */
static int dispatch(tdx_vm *vm, tdx_vcpu *v, struct kvm_run *run, tdx_exit *e)
{
	size_t sz = e->sz;

	memset(e, 0, sizeof(*e));
	e->sz = sz;
	e->kvm_exit_reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_TDX:
		e->reason = TDX_EXIT_TDVMCALL;
		e->tdvmcall_nr = run->tdx.nr;
		e->tdvmcall_ret = run->tdx.unknown.ret; /* pre-set by KVM */
		memcpy(e->tdvmcall_args, run->tdx.unknown.data, sizeof(e->tdvmcall_args));
		call_handler(vm, v, e);
		run->tdx.unknown.ret = e->tdvmcall_ret;
		if (run->tdx.nr == TDX_TDVMCALL_GET_TDVMCALL_INFO)
			memcpy(&run->tdx.get_tdvmcall_info.r11, &e->tdvmcall_args[1], 4 * 8);
		return 0;
	case KVM_EXIT_HYPERCALL:
		if (run->hypercall.nr != KVM_HC_MAP_GPA_RANGE)
			break;
		e->reason = TDX_EXIT_MAP_GPA;
		e->gpa = run->hypercall.args[0];
		e->size = run->hypercall.args[1] * PAGE;
		e->to_private = (run->hypercall.args[2] & KVM_MAP_GPA_RANGE_ENCRYPTED) != 0;
		e->tdvmcall_ret = 0;
		call_handler(vm, v, e);
		e->tdvmcall_ret = map_gpa_ret(vm, e->tdvmcall_ret);
		if (e->tdvmcall_ret == 0 && convert(vm, e->gpa, e->size, e->to_private) < 0)
			e->tdvmcall_ret = EINVAL;
		run->hypercall.ret = e->tdvmcall_ret;
		return 0;
	case KVM_EXIT_MEMORY_FAULT:
		e->reason = TDX_EXIT_MEMORY_FAULT;
		e->gpa = run->memory_fault.gpa;
		e->size = run->memory_fault.size;
		e->to_private = (run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE) != 0;
		call_handler(vm, v, e);
		if (convert(vm, e->gpa, e->size, e->to_private) < 0)
			return 1; /* the caller sees a fault it cannot resume from */
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		e->subtype = run->system_event.type;
		if (run->system_event.type == KVM_SYSTEM_EVENT_TDX_FATAL) {
			e->reason = TDX_EXIT_FATAL;
			decode_fatal(run, e);
			call_handler(vm, v, e);
		} else {
			e->reason = TDX_EXIT_SYSTEM_EVENT;
		}
		return 1;
	case KVM_EXIT_IO:
		e->reason = TDX_EXIT_IO;
		e->io_port = run->io.port;
		e->io_size = run->io.size;
		e->io_out = run->io.direction == KVM_EXIT_IO_OUT;
		e->io_count = run->io.count;
		if (e->io_out && run->io.data_offset + (uint64_t)run->io.size <= vm->run_size)
			memcpy(e->data, (uint8_t *)run + run->io.data_offset,
			       run->io.size < sizeof(e->data) ? run->io.size : sizeof(e->data));
		v->pending_read = !e->io_out;
		return 1;
	case KVM_EXIT_MMIO:
		e->reason = TDX_EXIT_MMIO;
		e->mmio_gpa = run->mmio.phys_addr;
		e->mmio_len = run->mmio.len;
		e->mmio_write = run->mmio.is_write;
		memcpy(e->data, run->mmio.data, sizeof(e->data));
		v->pending_read = !e->mmio_write;
		return 1;
	case KVM_EXIT_HLT:
		e->reason = TDX_EXIT_HLT;
		return 1;
	case KVM_EXIT_SHUTDOWN:
		e->reason = TDX_EXIT_SHUTDOWN;
		return 1;
	case KVM_EXIT_INTERNAL_ERROR:
		e->reason = TDX_EXIT_INTERNAL_ERROR;
		e->subtype = run->internal.suberror;
		return 1;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = TDX_EXIT_FAIL_ENTRY;
		e->hw_reason = run->fail_entry.hardware_entry_failure_reason;
		return 1;
	case KVM_EXIT_EXCEPTION: /* a TD's unexpected exception (tdx_handle_exception_nmi) */
		e->reason = TDX_EXIT_EXCEPTION;
		e->subtype = run->ex.exception;
		e->hw_reason = run->ex.error_code;
		return 1;
	default:
		break;
	}
	e->reason = TDX_EXIT_UNKNOWN;
	return 1;
}

/* Hand the caller's answer to an IO in / MMIO read back to KVM. */
static void complete_read(tdx_vcpu *v, const tdx_exit *e)
{
	struct kvm_run *run = v->run;

	if (run->exit_reason == KVM_EXIT_IO &&
	    run->io.data_offset + (uint64_t)run->io.size <= v->vm->run_size)
		memcpy((uint8_t *)run + run->io.data_offset, e->data,
		       run->io.size < sizeof(e->data) ? run->io.size : sizeof(e->data));
	else if (run->exit_reason == KVM_EXIT_MMIO)
		memcpy(run->mmio.data, e->data, sizeof(run->mmio.data));
	v->pending_read = 0;
}

tdx_status tdx_vcpu_run(tdx_vcpu *v, tdx_exit *e)
{
	tdx_exit full;
	int rc;

	CHECK_ARG(v, "vcpu is NULL; create one with tdx_vcpu_create");
	CHECK_ARG(e, "exit_info is NULL; pass a tdx_exit set up with TDX_OPTS");
	rc = TDX_STRUCT_CHECK(e, tdx_exit);
	if (rc)
		return rc;
	if (v->vm->state != VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "tdx_vcpu_run needs tdx_vm_finalize first " ORDER);
	if (!v->initialized)
		return tdx__fail(TDX_E_STATE, "tdx_vcpu_run needs this vCPU initialised with "
				 "tdx_vcpu_init " ORDER);
	/* Work on a full-size exit; the caller's may be shorter (older headers). */
	memset(&full, 0, sizeof(full));
	memcpy(&full, e, e->sz < sizeof(full) ? e->sz : sizeof(full));
	full.sz = sizeof(full);
	if (v->pending_read)
		complete_read(v, &full);
	for (;;) {
		long krc = kvm_ioctl(v->vm->host, v->fd, KVM_RUN, NULL);

		/* KVM_EXIT_MEMORY_FAULT is the one exit that comes with -1/EFAULT
		 * (api.rst); QEMU's kvm_cpu_exec() converts and resumes likewise. */
		if (krc < 0 && !(krc == -EFAULT && v->run->exit_reason == KVM_EXIT_MEMORY_FAULT))
			return kvm_fail(__func__, krc, 0, "KVM_RUN");
		if (dispatch(v->vm, v, v->run, &full))
			break;
	}
	memcpy((char *)e + sizeof(size_t), (char *)&full + sizeof(size_t),
	       (e->sz < sizeof(full) ? e->sz : sizeof(full)) - sizeof(size_t));
	return TDX_OK;
}

/* ---- the emulated TD's guest side ---- */

/* The emulated TD's guest side runs its vCPU through this very run loop
 * while one of its TDCALLs waits for an exit's answer. */
static int td_runner_run(void *ctx, int vcpu_fd)
{
	tdx_vm *vm = ctx;
	tdx_vcpu *v = vcpu_of(vm, vcpu_fd);
	tdx_exit e = { .sz = sizeof(e) };

	if (!v)
		return tdx__fail(TDX_E_STATE, "the TD's vCPU was closed: nothing runs it while its "
				 "TDCALL waits for the host");
	return tdx_vcpu_run(v, &e);
}

static void td_runner_release(void *ctx)
{
	vm_unref(ctx);
}

tdx_status tdx_vm_guest(tdx_vm *vm, tdx_guest **out)
{
	tdx__td_runner runner = { td_runner_run, td_runner_release, vm };
	tdx_host *h;
	int rc;

	CHECK_ARG(out, "out is NULL; pass the address of a tdx_guest pointer");
	*out = NULL;
	CHECK_ARG(vm, "vm is NULL; create one with tdx_vm_create");
	h = vm->host;
	if (!h->ops->td_guest)
		return tdx__fail(TDX_E_NOT_SUPPORTED, "the guest side of a TD on the \"%s\" backend "
				 "runs inside the TD; only emulated TDs (\"emu\") have one here", h->name);
	if (vm->state != VM_FINALIZED)
		return tdx__fail(TDX_E_STATE, "tdx_vm_guest needs tdx_vm_finalize first " ORDER);
	pthread_mutex_lock(&h->lock);
	vm->refs++; /* the guest side runs this VM's vCPUs: it keeps the VM */
	pthread_mutex_unlock(&h->lock);
	rc = h->ops->td_guest(h->ctx, vm->fd, &runner, out);
	if (rc)
		vm_unref(vm);
	return rc;
}

tdx_emu *tdx_vm_emu(tdx_vm *vm)
{
	if (!vm) {
		tdx__fail(TDX_E_INVALID, "vm is NULL; create one with tdx_vm_create");
		return NULL;
	}
	if (!vm->host->ops->td_platform)
		return NULL;
	return vm->host->ops->td_platform(vm->host->ctx, vm->fd);
}

void *tdx__host_ctx(tdx_host *h)
{
	return h ? h->ctx : NULL;
}
