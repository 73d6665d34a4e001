/* SPDX-License-Identifier: MIT */
/*
 * The emulated KVM (emu/kvm.c), driven through its ioctl interface with the
 * uAPI structs exactly as host code drives /dev/kvm: the TD creation flow,
 * every error row of host.md §1.5 with its errno (and hw_error), ordering
 * violations, the fault hooks, and the guest side bound to a finalized TD
 * (reports, quotes and each TDVMCALL exit KVM produces).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/falloc.h>

#include <openssl/evp.h>

#include <tdx/emu.h>
#include <tdx/quote.h>

#include "harness.h"
#include "host_backend.h"
#include "layout.h"

#define PG 4096ULL
#define M2 (2ULL << 20)
#define HI_GPA 0xFFE00000ULL
#define SHARED48 (1ULL << 47)
#define N_CONFIG 16
#define RAM (64ULL << 20) /* the emulated module's memory (mem=64M) */

static const tdx__kvm_ops *O;

static int emu_create(void **k, const char *conf)
{
	return tdx__kvm_emu_create(&O, k, conf);
}

/* ---- plumbing ---- */

static long ioc(void *k, int fd, unsigned long req, const void *arg)
{
	return O->ioctl(k, fd, req, (void *)arg);
}

static long ioc_val(void *k, int fd, unsigned long req, unsigned long val)
{
	return O->ioctl(k, fd, req, (void *)(uintptr_t)val);
}

static long cmd(void *k, int fd, uint32_t id, uint32_t flags, uint64_t data, struct kvm_tdx_cmd *out)
{
	struct kvm_tdx_cmd c = { .id = id, .flags = flags, .data = data };
	long r = ioc(k, fd, KVM_MEMORY_ENCRYPT_OP, &c);

	if (out)
		*out = c;
	return r;
}

static long cmd_ptr(void *k, int fd, uint32_t id, uint32_t flags, const void *p, struct kvm_tdx_cmd *out)
{
	return cmd(k, fd, id, flags, (uint64_t)(uintptr_t)p, out);
}

static long enable(void *k, int vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	return ioc(k, vm, KVM_ENABLE_CAP, &c);
}

static struct kvm_tdx_capabilities *caps_alloc(uint32_t nent)
{
	struct kvm_tdx_capabilities *c =
		calloc(1, sizeof(*c) + nent * sizeof(struct kvm_cpuid_entry2));

	c->cpuid.nent = nent;
	return c;
}

/* A TD's INIT_VM argument: every configurable leaf at its full mask (as
 * QEMU filters its CPU model with the capabilities), GPAW as given. */
typedef union {
	struct kvm_tdx_init_vm hdr;
	uint8_t raw[sizeof(struct kvm_tdx_init_vm) +
		    (KVM_MAX_CPUID_ENTRIES + 1) * sizeof(struct kvm_cpuid_entry2)];
} init_vm_arg;

/* A kvm_cpuid2 with room for 32 entries. */
typedef union {
	struct kvm_cpuid2 h;
	uint8_t raw[sizeof(struct kvm_cpuid2) + 32 * sizeof(struct kvm_cpuid_entry2)];
} cpuid_buf;

static struct kvm_cpuid_entry2 *find_entry(init_vm_arg *a, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < a->hdr.cpuid.nent; i++)
		if (a->hdr.cpuid.entries[i].function == fn && a->hdr.cpuid.entries[i].index == idx)
			return &a->hdr.cpuid.entries[i];
	return NULL;
}

static void make_init_vm(void *k, int vm, init_vm_arg *a, unsigned gpaw)
{
	struct kvm_tdx_capabilities *c = caps_alloc(16);

	memset(a, 0, sizeof(*a));
	CU_ASSERT_EQUAL_FATAL(cmd_ptr(k, vm, KVM_TDX_CAPABILITIES, 0, c, NULL), 0);
	a->hdr.attributes = 1ULL << 28;
	a->hdr.xfam = 0x602E7;
	for (int i = 0; i < 6; i++) {
		a->hdr.mrconfigid[i] = 0x1111111111111111ULL * (uint64_t)(i + 1);
		a->hdr.mrowner[i] = 0x2222222222222222ULL + (uint64_t)i;
		a->hdr.mrownerconfig[i] = 0x3333333333333333ULL ^ (uint64_t)i;
	}
	a->hdr.cpuid.nent = c->cpuid.nent;
	memcpy(a->hdr.cpuid.entries, c->cpuid.entries, c->cpuid.nent * sizeof(a->hdr.cpuid.entries[0]));
	/* The capabilities come with flags 0; as QEMU, flag the indexed leaves
	 * (4, 7, 0xD) so that KVM's lookup takes each for its own subleaf. */
	for (uint32_t i = 0; i < a->hdr.cpuid.nent; i++) {
		uint32_t fn = a->hdr.cpuid.entries[i].function;

		if (fn == 4 || fn == 7 || fn == 0xD)
			a->hdr.cpuid.entries[i].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	}
	find_entry(a, 1, 0)->eax = 0x000806F8; /* a Sapphire Rapids signature */
	find_entry(a, 0x80000008, 0)->eax = gpaw << 16;
	free(c);
}

static long init_vm(void *k, int vm, init_vm_arg *a, struct kvm_tdx_cmd *out)
{
	return cmd_ptr(k, vm, KVM_TDX_INIT_VM, 0, a, out);
}

static long set_cpuid(void *k, int vcpu, uint32_t leaf1_ecx)
{
	cpuid_buf c = { .h.nent = 2 };

	c.h.nent = 3;
	c.h.entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = leaf1_ecx };
	c.h.entries[1] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x80000008 };
	c.h.entries[2] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3030 };
	return ioc(k, vcpu, KVM_SET_CPUID2, &c);
}

#define X2APIC (1U << 21)

static long memslot(void *k, int vm, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		    uint64_t uaddr, int gmem, uint64_t off)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = uaddr, .guest_memfd_offset = off, .guest_memfd = (uint32_t)gmem,
	};

	return ioc(k, vm, KVM_SET_USER_MEMORY_REGION2, &r);
}

static long gmem_create(void *k, int vm, uint64_t size)
{
	struct kvm_create_guest_memfd g = { .size = size };

	return ioc(k, vm, KVM_CREATE_GUEST_MEMFD, &g);
}

static long attrs(void *k, int vm, uint64_t gpa, uint64_t size, uint64_t a)
{
	struct kvm_memory_attributes m = { .address = gpa, .size = size, .attributes = a };

	return ioc(k, vm, KVM_SET_MEMORY_ATTRIBUTES, &m);
}

static long mem_region(void *k, int vcpu, uint32_t flags, struct kvm_tdx_init_mem_region *r)
{
	return cmd_ptr(k, vcpu, KVM_TDX_INIT_MEM_REGION, flags, r, NULL);
}

static struct kvm_tdx_init_mem_region region(const void *src, uint64_t gpa, uint64_t n)
{
	return (struct kvm_tdx_init_mem_region){ (uint64_t)(uintptr_t)src, gpa, n };
}

/* Page contents: byte i of page p = (p * 7 + i * 13) & 0xFF. */
static uint8_t *pattern(unsigned pages, unsigned seed)
{
	uint8_t *p = aligned_alloc(PG, pages * PG);

	for (size_t i = 0; i < pages * PG; i++)
		p[i] = (uint8_t)((i / PG + seed) * 7 + i * 13);
	return p;
}

/* A TD being built: the context, fds, and its INIT_VM argument. */
typedef struct {
	void *k;
	uint8_t *ram;       /* the VMM's memory behind [M2, RAM) (td_runnable) */
	int sys, vm, lo, hi, vcpu;
	init_vm_arg a;
} td;

/* Up to (and including) INIT_VM, memory and one x2APIC vCPU, INIT_VCPU'd. */
static void td_open(td *t, const char *conf, unsigned gpaw, int with_vcpu)
{
	memset(t, 0, sizeof(*t));
	CU_ASSERT_EQUAL_FATAL(emu_create(&t->k, conf), TDX_OK);
	t->sys = O->open_system(t->k);
	CU_ASSERT_FATAL(t->sys >= 0);
	t->vm = (int)ioc_val(t->k, t->sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_FATAL(t->vm >= 0);
	CU_ASSERT_EQUAL(enable(t->k, t->vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	CU_ASSERT_EQUAL(enable(t->k, t->vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << KVM_HC_MAP_GPA_RANGE), 0);
	make_init_vm(t->k, t->vm, &t->a, gpaw);
	CU_ASSERT_EQUAL_FATAL(init_vm(t->k, t->vm, &t->a, NULL), 0);
	t->lo = (int)gmem_create(t->k, t->vm, M2);
	t->hi = (int)gmem_create(t->k, t->vm, M2);
	CU_ASSERT_FATAL(t->lo >= 0 && t->hi >= 0);
	CU_ASSERT_EQUAL(memslot(t->k, t->vm, 0, KVM_MEM_GUEST_MEMFD, 0, M2, 0x10000000, t->lo, 0), 0);
	CU_ASSERT_EQUAL(memslot(t->k, t->vm, 1, KVM_MEM_GUEST_MEMFD, HI_GPA, M2, 0x20000000, t->hi, 0),
			0);
	CU_ASSERT_EQUAL(attrs(t->k, t->vm, 0, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	CU_ASSERT_EQUAL(attrs(t->k, t->vm, HI_GPA, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	t->vcpu = -1;
	if (with_vcpu) {
		t->vcpu = (int)ioc_val(t->k, t->vm, KVM_CREATE_VCPU, 0);
		CU_ASSERT_FATAL(t->vcpu >= 0);
		CU_ASSERT_EQUAL(set_cpuid(t->k, t->vcpu, X2APIC), 0);
		CU_ASSERT_EQUAL(cmd(t->k, t->vcpu, KVM_TDX_INIT_VCPU, 0, 0x1000, NULL), 0);
	}
}

static void td_close(td *t)
{
	O->destroy(t->k);
	t->k = NULL;
	if (t->ram)
		munmap(t->ram, RAM - M2);
	t->ram = NULL;
}

/* The VMM's view of a shared GPA (its memslot's userspace memory). */
static uint8_t *shared_ptr(td *t, uint64_t gpa)
{
	return t->ram + (gpa - M2);
}

/* The standard image: 3 measured pages at the top of 4 GiB, one unmeasured
 * page at 0x1000 (like a TD HOB). */
static uint8_t *load_image(td *t)
{
	uint8_t *img = pattern(4, 1);
	struct kvm_tdx_init_mem_region r = region(img, 0xFFFFD000, 3);

	CU_ASSERT_EQUAL(mem_region(t->k, t->vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), 0);
	r = region(img + 3 * PG, 0x1000, 1);
	CU_ASSERT_EQUAL(mem_region(t->k, t->vcpu, 0, &r), 0);
	return img;
}

/* ---- an independent MRTD (host.md §3.1, single pass) ---- */

static void block(EVP_MD_CTX *c, const char *name, uint64_t gpa)
{
	uint8_t b[128] = { 0 };

	memcpy(b, name, strlen(name));
	for (int i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(gpa >> (8 * i));
	EVP_DigestUpdate(c, b, sizeof(b));
}

static void mrtd_page(EVP_MD_CTX *c, uint64_t gpa, const uint8_t *data, int measure)
{
	block(c, "MEM.PAGE.ADD", gpa);
	for (unsigned off = 0; measure && off < PG; off += 256) {
		block(c, "MR.EXTEND", gpa + off);
		EVP_DigestUpdate(c, data + off, 256);
	}
}

static void expected_mrtd(const uint8_t *img, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned n = 0;

	EVP_DigestInit_ex(c, EVP_sha384(), NULL);
	for (unsigned p = 0; p < 3; p++)
		mrtd_page(c, 0xFFFFD000 + p * PG, img + p * PG, 1);
	mrtd_page(c, 0x1000, img + 3 * PG, 0);
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

static void report_of(tdx_guest *g, uint8_t report[TDREPORT_SIZE])
{
	uint8_t data[64] = { 7 };
	size_t len = TDREPORT_SIZE;

	CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, sizeof(data), report, &len), TDX_OK);
}

/* ---- exits ---- */

typedef struct {
	td *t;
	int n;
	struct kvm_run runs[16];
	int fds[16];
	int quote;          /* answer GetQuote with the emulated quoting enclave */
	uint64_t map_ret;   /* hypercall.ret for MapGPA (once, then 0) */
	uint64_t notify_ret;
	int notify_answer;
	uint64_t info_r11;
	int info_answer;
	int set_attrs;      /* convert with KVM_SET_MEMORY_ATTRIBUTES, as QEMU does */
	int attr_errors;
	int close_all;      /* close every fd from inside the exit */
	int ignore;         /* a VMM that leaves KVM's pre-set answers */
	int no_run;         /* a run loop that never enters KVM_RUN */
	int faults;         /* KVM_EXIT_MEMORY_FAULT exits seen */
	long run_err;       /* the last failed KVM_RUN's result */
	struct kvm_run *run;
} exits;

static void handle_exit(exits *x, int vcpu_fd, struct kvm_run *run)
{
	if (x->ignore)
		return;

	if (x->n < 16) {
		x->runs[x->n] = *run;
		x->fds[x->n] = vcpu_fd;
	}
	x->n++;
	if (x->close_all) {
		td *t = x->t;
		int fds[] = { t->vm, t->vcpu, t->lo, t->hi, t->sys };

		for (size_t i = 0; i < TDX_ARRAY_SIZE(fds); i++)
			if (O->close(t->k, fds[i]))
				x->attr_errors++;
		x->close_all = 0;
	}
	if (run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
		x->faults++;
		if (x->set_attrs &&
		    attrs(x->t->k, x->t->vm, run->memory_fault.gpa, run->memory_fault.size,
			  run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE
				  ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0))
			x->attr_errors++;
	} else if (run->exit_reason == KVM_EXIT_HYPERCALL) {
		run->hypercall.ret = x->map_ret;
		x->map_ret = 0;
		/* An ioctl from inside the exit, as QEMU's kvm_convert_memory. */
		if (x->set_attrs &&
		    attrs(x->t->k, x->t->vm, run->hypercall.args[0], run->hypercall.args[1] * PG,
			  run->hypercall.args[2] ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0))
			x->attr_errors++;
	} else if (run->exit_reason == KVM_EXIT_TDX && run->tdx.nr == 0x10002 && x->quote) {
		tdx_emu *p = tdx__kvm_emu_platform(x->t->k, x->t->vm);
		uint8_t *buf = shared_ptr(x->t, run->tdx.get_quote.gpa);
		uint64_t status = 0;
		size_t len = run->tdx.get_quote.size - 24;
		uint8_t report[TDREPORT_SIZE];
		uint32_t out_len;

		memcpy(report, buf + 24, sizeof(report));
		CU_ASSERT_EQUAL(tdx_emu_quote(p, report, sizeof(report), buf + 24, &len), TDX_OK);
		out_len = (uint32_t)len;
		memcpy(buf + 20, &out_len, 4);
		memcpy(buf + 8, &status, 8);
		run->tdx.get_quote.ret = 0;
	} else if (run->exit_reason == KVM_EXIT_TDX && run->tdx.nr == 0x10004 && x->notify_answer) {
		run->tdx.setup_event_notify.ret = x->notify_ret;
	} else if (run->exit_reason == KVM_EXIT_TDX && run->tdx.nr == 0x10000 && x->info_answer) {
		run->tdx.get_tdvmcall_info.r11 |= x->info_r11;
	}
}

/* The VMM's run loop, as the guest side runs it (tdx__td_runner): KVM_RUN
 * until the vCPU idles (HLT) or stops for the caller (fatal error). */
static int run_vcpu(void *ctx, int vcpu_fd)
{
	exits *x = ctx;

	for (int i = 0; i < 64 && !x->no_run; i++) {
		long r = ioc_val(x->t->k, vcpu_fd, KVM_RUN, 0);

		if (r < 0)
			x->run_err = r;
		if (r < 0 && !(r == -EFAULT && x->run->exit_reason == KVM_EXIT_MEMORY_FAULT))
			return tdx__fail(TDX_E_OS, "KVM_RUN: %ld", r);
		if (x->run->exit_reason == KVM_EXIT_HLT)
			return TDX_OK;
		handle_exit(x, vcpu_fd, x->run);
		if (x->run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
			return TDX_OK;
	}
	return x->no_run ? TDX_OK : tdx__fail(TDX_E_OS, "the vCPU never idled");
}

static int guest_of(td *t, exits *x, tdx_guest **g)
{
	tdx__td_runner r = { .run = run_vcpu, .ctx = x };

	return O->td_guest(t->k, t->vm, &r, g);
}

/* A finalized TD with the standard image, the VMM's memory at [2 MiB, 64
 * MiB) (private), its guest, and the exit log. */
static void td_runnable(td *t, exits *x, const char *conf, tdx_guest **g)
{
	uint8_t *img;

	td_open(t, conf, 48, 1);
	t->ram = mmap(NULL, RAM - M2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	CU_ASSERT_FATAL(t->ram != MAP_FAILED);
	CU_ASSERT_EQUAL(memslot(t->k, t->vm, 2, 0, M2, RAM - M2, (uint64_t)(uintptr_t)t->ram, -1,
				0), 0);
	CU_ASSERT_EQUAL(attrs(t->k, t->vm, M2, RAM - M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	img = load_image(t);
	free(img);
	CU_ASSERT_EQUAL_FATAL(cmd(t->k, t->vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);
	memset(x, 0, sizeof(*x));
	x->t = t;
	x->set_attrs = 1;
	x->run = O->map_run(t->k, t->vcpu, 4096);
	CU_ASSERT_FATAL(x->run != NULL);
	CU_ASSERT_EQUAL_FATAL(guest_of(t, x, g), TDX_OK);
}

/* ---- tests ---- */

static void test_system(void)
{
	void *k;
	int sys, vm, vm0, sys2, kvm_leaves = 0;
	struct kvm_cpuid2 *sup;

	CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
	sys = O->open_system(k);
	CU_ASSERT(sys >= 3);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_GET_API_VERSION, 0), 12);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_GET_API_VERSION, 1), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES), (1 << 0) | (1 << 5));
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD), 1);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY2), 1);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_MEMORY_ATTRIBUTES),
			KVM_MEMORY_ATTRIBUTE_PRIVATE);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL),
			1 << KVM_HC_MAP_GPA_RANGE);
	CU_ASSERT(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS) >= 64);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP), 1);
	CU_ASSERT(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_X2APIC_API) & 1);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_VM_TSC_CONTROL), 1);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_APIC_BUS_CYCLES_NS), 1);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CHECK_EXTENSION, 9999), 0);
	/* KVM's own leaves, as arch/x86/kvm/cpuid.c __do_cpuid_func builds them. */
	sup = calloc(1, sizeof(*sup) + 64 * sizeof(sup->entries[0]));
	CU_ASSERT_FATAL(sup != NULL);
	sup->nent = 64;
	CU_ASSERT_EQUAL(ioc(k, sys, KVM_GET_SUPPORTED_CPUID, sup), 0);
	for (uint32_t i = 0; i < sup->nent; i++) {
		if (sup->entries[i].function == 0x40000000)
			CU_ASSERT_EQUAL(sup->entries[i].eax, 0x40000001);
		if (sup->entries[i].function == 0x40000001) {
			CU_ASSERT_EQUAL(sup->entries[i].eax, 0x01007EFBu); /* no MSI_EXT_DEST_ID */
			kvm_leaves++;
		}
	}
	CU_ASSERT_EQUAL(kvm_leaves, 1);
	free(sup);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_GET_VCPU_MMAP_SIZE, 0), 3 * 4096); /* as x86 KVM */
	CU_ASSERT(4096 >= sizeof(struct kvm_run));
	/* VM types: default and TDX only. */
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_SW_PROTECTED_VM), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_SEV_VM), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_CREATE_VM, 40), -EINVAL);
	vm0 = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	vm = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT(vm0 > sys && vm > vm0);
	/* On the VM fd: the TD's own vCPU limit; no private memory for a plain VM. */
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS), 64);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_CHECK_EXTENSION, KVM_CAP_MEMORY_ATTRIBUTES),
			KVM_MEMORY_ATTRIBUTE_PRIVATE);
	CU_ASSERT_EQUAL(ioc_val(k, vm0, KVM_CHECK_EXTENSION, KVM_CAP_MEMORY_ATTRIBUTES), 0);
	/* A plain VM has no TDX commands. */
	CU_ASSERT_EQUAL(cmd(k, vm0, KVM_TDX_CAPABILITIES, 0, 0, NULL), -ENOTTY);
	/* Unknown ioctls, fds and the wrong kind of fd. */
	CU_ASSERT_EQUAL(ioc_val(k, sys, KVM_RUN, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_RUN, 0), -ENOTTY);
	CU_ASSERT_EQUAL(ioc_val(k, 999, KVM_GET_API_VERSION, 0), -EBADF);
	CU_ASSERT_EQUAL(ioc_val(k, -1, KVM_GET_API_VERSION, 0), -EBADF);
	CU_ASSERT_EQUAL(O->close(k, 999), -EBADF);
	errno = 0;
	CU_ASSERT_PTR_NULL(O->map_run(k, vm, 4096));
	CU_ASSERT_EQUAL(errno, ENODEV);
	/* Closed numbers are reused, lowest first, as the kernel does. */
	CU_ASSERT_EQUAL(O->close(k, vm0), 0);
	CU_ASSERT_EQUAL(ioc_val(k, vm0, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES), -EBADF);
	sys2 = O->open_system(k);
	CU_ASSERT_EQUAL(sys2, vm0);
	O->destroy(k);
}

static void test_happy_path(void)
{
	void *k;
	int sys, vm, lo, hi, vcpu;
	struct kvm_tdx_capabilities *caps;
	struct kvm_tdx_cmd c;
	init_vm_arg a;
	uint8_t *img = pattern(4, 1), report[TDREPORT_SIZE], want[48];
	struct kvm_tdx_init_mem_region r;
	cpuid_buf cpuid;
	struct kvm_run *run;
	uint32_t n = 1;
	long ret;
	tdx_guest *g;

	CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
	sys = O->open_system(k);
	CU_ASSERT(ioc_val(k, sys, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES) & (1 << KVM_X86_TDX_VM));
	vm = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_FATAL(vm >= 0);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X2APIC_API, 3), 0);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << KVM_HC_MAP_GPA_RANGE), 0);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, 40), 0);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_SET_TSC_KHZ, 2000000), 0);

	/* CAPABILITIES: grow from 1; -E2BIG leaves nent alone. */
	for (;;) {
		caps = caps_alloc(n);
		ret = cmd_ptr(k, vm, KVM_TDX_CAPABILITIES, 0, caps, NULL);
		if (ret != -E2BIG)
			break;
		CU_ASSERT_EQUAL(caps->cpuid.nent, n);
		free(caps);
		n *= 2;
	}
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_EQUAL(caps->cpuid.nent, N_CONFIG);
	CU_ASSERT_EQUAL(caps->supported_attrs, 1ULL << 28);
	CU_ASSERT_EQUAL(caps->supported_xfam & 0x602E7, 0x602E7);
	CU_ASSERT_EQUAL(caps->kernel_tdvmcallinfo_1_r11, 0);
	CU_ASSERT_EQUAL(caps->user_tdvmcallinfo_1_r11, 1ULL << 1);
	CU_ASSERT_EQUAL(caps->kernel_tdvmcallinfo_1_r12 | caps->user_tdvmcallinfo_1_r12, 0);
	for (uint32_t i = 0; i < caps->cpuid.nent; i++) {
		const struct kvm_cpuid_entry2 *e = &caps->cpuid.entries[i];

		if (e->function == 0x80000008)
			CU_ASSERT_EQUAL((e->eax >> 16) & 0xFF, 0xFF); /* GPAW configurable */
		CU_ASSERT_EQUAL(e->flags, 0); /* td_init_cpuid_entry2(): never flagged */
		if (e->function == 7 && e->index == 0) {
			CU_ASSERT_EQUAL(e->ebx & ((1U << 4) | (1U << 11)), 0); /* no TSX */
			CU_ASSERT_EQUAL(e->ecx & (1U << 5), 0);                 /* no WAITPKG */
		}
		if (e->function == 1)
			CU_ASSERT_EQUAL(e->flags, 0);
	}
	free(caps);

	/* INIT_VM; KVM copies the command back. */
	make_init_vm(k, vm, &a, 48);
	c.hw_error = 1;
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), 0);
	CU_ASSERT_EQUAL(c.hw_error, 0);

	/* Private memory: 2 MiB at 0 and below 4 GiB. */
	lo = (int)gmem_create(k, vm, M2);
	hi = (int)gmem_create(k, vm, M2);
	CU_ASSERT(lo >= 0 && hi >= 0);
	CU_ASSERT_EQUAL(memslot(k, vm, 0, KVM_MEM_GUEST_MEMFD, 0, M2, 0x10000000, lo, 0), 0);
	CU_ASSERT_EQUAL(memslot(k, vm, 1, KVM_MEM_GUEST_MEMFD, HI_GPA, M2, 0x20000000, hi, 0), 0);
	CU_ASSERT_EQUAL(attrs(k, vm, 0, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	CU_ASSERT_EQUAL(attrs(k, vm, HI_GPA, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);

	/* vCPU: CPUID with x2APIC first, then INIT_VCPU. */
	vcpu = (int)ioc_val(k, vm, KVM_CREATE_VCPU, 0);
	CU_ASSERT_FATAL(vcpu >= 0);
	CU_ASSERT_EQUAL(set_cpuid(k, vcpu, X2APIC), 0);
	CU_ASSERT_EQUAL(cmd(k, vcpu, KVM_TDX_INIT_VCPU, 0, 0x1000, NULL), 0);

	/* The image, written back as consumed. */
	r = region(img, 0xFFFFD000, 3);
	CU_ASSERT_EQUAL(mem_region(k, vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), 0);
	CU_ASSERT_EQUAL(r.nr_pages, 0);
	CU_ASSERT_EQUAL(r.gpa, 0x100000000ULL);
	CU_ASSERT_EQUAL(r.source_addr, (uint64_t)(uintptr_t)(img + 3 * PG));
	r = region(img + 3 * PG, 0x1000, 1);
	CU_ASSERT_EQUAL(mem_region(k, vcpu, 0, &r), 0);
	CU_ASSERT_EQUAL(r.nr_pages, 0);

	/* GET_CPUID: the needed count on -E2BIG (header only), then the list. */
	memset(&cpuid, 0xEE, sizeof(cpuid));
	cpuid.h.nent = 1;
	cpuid.h.padding = 0;
	CU_ASSERT_EQUAL(cmd_ptr(k, vcpu, KVM_TDX_GET_CPUID, 0, &cpuid, NULL), -E2BIG);
	CU_ASSERT_EQUAL(cpuid.h.nent, N_CONFIG + 2);
	CU_ASSERT_EQUAL(cpuid.h.entries[0].function, 0xEEEEEEEE); /* entries untouched */
	CU_ASSERT_EQUAL(cmd_ptr(k, vcpu, KVM_TDX_GET_CPUID, 0, &cpuid, NULL), 0);
	CU_ASSERT_EQUAL(cpuid.h.nent, N_CONFIG + 2);
	CU_ASSERT_EQUAL(cpuid.h.entries[0].function, 0);
	CU_ASSERT_EQUAL(cpuid.h.entries[0].eax, 0x24);
	CU_ASSERT_EQUAL(memcmp(&cpuid.h.entries[0].ebx, "Genu", 4), 0);
	for (uint32_t i = 1; i < cpuid.h.nent; i++) {
		const struct kvm_cpuid_entry2 *p = &cpuid.h.entries[i - 1], *e = &cpuid.h.entries[i];

		CU_ASSERT(p->function < e->function ||
			  (p->function == e->function && p->index < e->index));
		if (e->function == 0x80000008)
			CU_ASSERT_EQUAL((e->eax >> 16) & 0xFF, 48);
		if (e->function == 0x80000000)
			CU_ASSERT_EQUAL(e->eax, 0x80000008);
		if (e->function == 1) {
			CU_ASSERT_EQUAL(e->eax, 0x000806F8);
			CU_ASSERT(e->ecx & X2APIC); /* fixed-1 in a TD */
		}
	}
	/* The selftests' order: GET_CPUID -> SET_CPUID2 -> INIT_VCPU. */
	{
		int v1 = (int)ioc_val(k, vm, KVM_CREATE_VCPU, 1);

		CU_ASSERT_EQUAL(ioc(k, v1, KVM_SET_CPUID2, &cpuid), 0);
		CU_ASSERT_EQUAL(cmd(k, v1, KVM_TDX_INIT_VCPU, 0, 0, NULL), 0);
	}

	/* KVM_RUN before FINALIZE: -EINVAL (6.16). */
	run = O->map_run(k, vcpu, 4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 0), -EINVAL);

	c.hw_error = 5;
	CU_ASSERT_EQUAL(cmd_ptr(k, vm, KVM_TDX_FINALIZE_VM, 0, NULL, &c), 0);
	CU_ASSERT_EQUAL(c.hw_error, 0);

	/* Runnable: KVM_RUN returns at once with an idle exit. */
	run->exit_reason = 0;
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 0), 0);
	CU_ASSERT_EQUAL(run->exit_reason, KVM_EXIT_HLT);
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 1), -EINVAL);
	run->immediate_exit = 1;
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 0), -EINTR);
	run->immediate_exit = 0;
	O->unmap_run(k, run, 4096);

	/* The MRTD: one SHA-384 over the blocks, single pass. */
	expected_mrtd(img, want);
	CU_ASSERT_EQUAL_FATAL(O->td_guest(k, vm, &(tdx__td_runner){ .run = run_vcpu }, &g), TDX_OK);
	report_of(g, report);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MRTD, want, 48), 0);
	tdx_guest_close(g);
	free(img);
	O->destroy(k);
}

static void test_capabilities_errors(void)
{
	td t;
	struct kvm_tdx_capabilities *caps = caps_alloc(16);
	struct kvm_tdx_cmd c = { .id = KVM_TDX_CAPABILITIES, .data = (uintptr_t)caps, .hw_error = 1 };

	td_open(&t, "", 48, 0);
	CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 1, caps, NULL), -EINVAL);
	/* hw_error must be 0 on input: refused, the command is not written. */
	CU_ASSERT_EQUAL(ioc(t.k, t.vm, KVM_MEMORY_ENCRYPT_OP, &c), -EINVAL);
	CU_ASSERT_EQUAL(c.hw_error, 1);
	caps->cpuid.nent = N_CONFIG - 1;
	CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, caps, NULL), -E2BIG);
	CU_ASSERT_EQUAL(caps->cpuid.nent, N_CONFIG - 1);
	caps->cpuid.nent = N_CONFIG;
	CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, caps, NULL), 0);
	/* Unknown ids: -EINVAL on the VM fd and on a vCPU fd. */
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, 99, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, 6, 0, 0, NULL), -EINVAL); /* no TERMINATE_VM */
	CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, NULL, NULL), -EFAULT);
	free(caps);
	td_close(&t);
}

static void fresh_vm(void **k, int *vm)
{
	int sys;

	CU_ASSERT_EQUAL_FATAL(emu_create(k, ""), TDX_OK);
	sys = O->open_system(*k);
	*vm = (int)ioc_val(*k, sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_EQUAL(enable(*k, *vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
}

/* INIT_VM with one thing wrong: its errno and hw_error. */
static void init_vm_fails(void (*spoil)(init_vm_arg *), long want, uint64_t want_hw)
{
	void *k;
	int vm;
	init_vm_arg a;
	struct kvm_tdx_cmd c;

	fresh_vm(&k, &vm);
	make_init_vm(k, vm, &a, 48);
	spoil(&a);
	c.hw_error = 0xdead;
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), want);
	CU_ASSERT_EQUAL(c.hw_error, want_hw); /* copied back: INIT_VM is VM-scope */
	/* Still uninitialized: a correct INIT_VM now works. */
	make_init_vm(k, vm, &a, 48);
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, NULL), 0);
	O->destroy(k);
}

static void spoil_reserved(init_vm_arg *a) { a->hdr.reserved[11] = 1; }
static void spoil_padding(init_vm_arg *a) { a->hdr.cpuid.padding = 1; }
static void spoil_nent(init_vm_arg *a) { a->hdr.cpuid.nent = KVM_MAX_CPUID_ENTRIES + 1; }
static void spoil_debug(init_vm_arg *a) { a->hdr.attributes |= 1; }
static void spoil_perfmon(init_vm_arg *a) { a->hdr.attributes |= 1ULL << 63; }
static void spoil_xfam(init_vm_arg *a) { a->hdr.xfam |= 1ULL << 3; /* MPX */ }
static void spoil_gpaw(init_vm_arg *a) { find_entry(a, 0x80000008, 0)->eax = 40 << 16; }
static void spoil_gpaw_missing(init_vm_arg *a)
{
	struct kvm_cpuid_entry2 *e = find_entry(a, 0x80000008, 0);

	*e = a->hdr.cpuid.entries[a->hdr.cpuid.nent - 1];
	a->hdr.cpuid.nent--;
}
static void spoil_leaf(init_vm_arg *a)
{
	a->hdr.cpuid.entries[a->hdr.cpuid.nent++] = (struct kvm_cpuid_entry2){ .function = 2 };
}
static void spoil_subleaf(init_vm_arg *a)
{
	a->hdr.cpuid.entries[a->hdr.cpuid.nent++] = (struct kvm_cpuid_entry2){
		.function = 7, .index = 5, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX };
}
static void spoil_duplicate(init_vm_arg *a) { a->hdr.cpuid.entries[a->hdr.cpuid.nent] = a->hdr.cpuid.entries[0]; a->hdr.cpuid.nent++; }
static void spoil_hle(init_vm_arg *a) { find_entry(a, 7, 0)->ebx |= 1U << 4; }
static void spoil_rtm(init_vm_arg *a) { find_entry(a, 7, 0)->ebx |= 1U << 11; }
static void spoil_waitpkg(init_vm_arg *a) { find_entry(a, 7, 0)->ecx |= 1U << 5; }
static void spoil_mask(init_vm_arg *a) { find_entry(a, 1, 0)->ecx |= X2APIC; /* fixed, not configurable */ }
static void spoil_xfam_avx512(init_vm_arg *a) { a->hdr.xfam = 0x27; /* opmask without ZMM */ }

static void test_init_vm_errors(void)
{
	void *k;
	int vm, vcpu;
	init_vm_arg a;
	struct kvm_tdx_cmd c;

	/* Each row of host.md §1.5 INIT_VM. */
	init_vm_fails(spoil_reserved, -EINVAL, 0);
	init_vm_fails(spoil_padding, -EINVAL, 0);
	init_vm_fails(spoil_nent, -E2BIG, 0);
	init_vm_fails(spoil_debug, -EINVAL, 0);
	init_vm_fails(spoil_perfmon, -EINVAL, 0);
	init_vm_fails(spoil_xfam, -EINVAL, 0);
	init_vm_fails(spoil_gpaw, -EINVAL, 0);
	init_vm_fails(spoil_gpaw_missing, -EINVAL, 0);
	init_vm_fails(spoil_leaf, -EINVAL, 0);
	init_vm_fails(spoil_subleaf, -EINVAL, 0);
	init_vm_fails(spoil_duplicate, -EINVAL, 0);
	init_vm_fails(spoil_hle, -EINVAL, 0);
	init_vm_fails(spoil_rtm, -EINVAL, 0);
	init_vm_fails(spoil_waitpkg, -EINVAL, 0);
	/* What TDH.MNG.INIT refuses: TDX_OPERAND_INVALID with the operand id
	 * (CPUID_CONFIG 69, XFAM 65) in hw_error. */
	init_vm_fails(spoil_mask, -EINVAL, 0xC000010000000045ULL);
	init_vm_fails(spoil_xfam_avx512, -EINVAL, 0xC000010000000041ULL);
	CU_ASSERT_STRING_EQUAL(tdx_module_status_name(0xC000010000000045ULL), "TDX_OPERAND_INVALID");
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0xC000010000000041ULL), "XFAM");

	/* flags; hw_error on input (not copied back); missing argument. */
	fresh_vm(&k, &vm);
	make_init_vm(k, vm, &a, 48);
	CU_ASSERT_EQUAL(cmd_ptr(k, vm, KVM_TDX_INIT_VM, 1, &a, &c), -EINVAL);
	c = (struct kvm_tdx_cmd){ .id = KVM_TDX_INIT_VM, .data = (uintptr_t)&a, .hw_error = 7 };
	CU_ASSERT_EQUAL(ioc(k, vm, KVM_MEMORY_ENCRYPT_OP, &c), -EINVAL);
	CU_ASSERT_EQUAL(c.hw_error, 7);
	CU_ASSERT_EQUAL(cmd_ptr(k, vm, KVM_TDX_INIT_VM, 0, NULL, NULL), -EFAULT);
	/* The TSC: the kernel accepts any rate; the module refuses < 100 MHz. */
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_SET_TSC_KHZ, 0xFFFFFFFF), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_SET_TSC_KHZ, 50000), 0);
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), -EINVAL);
	CU_ASSERT_EQUAL(c.hw_error, 0xC000010000000046ULL);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_SET_TSC_KHZ, 0), 0); /* back to the host's */
	/* TDX_RND_NO_ENTROPY k times: -EAGAIN, hw_error 0, then success. */
	tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .init_vm_eagain = 3 });
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), -EAGAIN);
		CU_ASSERT_EQUAL(c.hw_error, 0);
	}
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), 0);
	/* Exactly once. */
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), -EINVAL);
	/* -EBUSY ("vCPUs already created") cannot arise: a TD has no vCPU
	 * before INIT_VM, so with vCPUs the state check answers first. */
	vcpu = (int)ioc_val(k, vm, KVM_CREATE_VCPU, 0);
	CU_ASSERT(vcpu >= 0);
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, &c), -EINVAL);
	O->destroy(k);

	/* GPAW 52: the shared bit moves to bit 51. */
	{
		td t;
		cpuid_buf cp = { .h.nent = 32 };
		uint8_t *img = pattern(1, 3);
		struct kvm_tdx_init_mem_region r = region(img, (1ULL << 47) | 0x1000, 1);

		td_open(&t, "", 52, 1);
		CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vcpu, KVM_TDX_GET_CPUID, 0, &cp, NULL), 0);
		CU_ASSERT_EQUAL((cp.h.entries[cp.h.nent - 1].eax >> 16) & 0xFF, 52);
		/* bit 47 is an ordinary (private) address bit now: no memslot */
		CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
		r = region(img, (1ULL << 51) | 0x1000, 1);
		CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
		free(img);
		td_close(&t);
	}
}

static void test_vm_caps_errors(void)
{
	void *k;
	int sys, vm, vm0, vcpu;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .flags = 1, .args = { 24 } };

	CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
	sys = O->open_system(k);
	vm = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_EQUAL(ioc(k, vm, KVM_ENABLE_CAP, &cap), -EINVAL);
	CU_ASSERT_EQUAL(ioc(k, vm, KVM_ENABLE_CAP, NULL), -EFAULT);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_SPLIT_IRQCHIP, 4097), -EINVAL);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_EXIT_HYPERCALL, 1ULL << 11), -EINVAL);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X2APIC_API, 4), -EINVAL);
	CU_ASSERT_EQUAL(enable(k, vm, 9999, 0), -EINVAL);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, 0), -EINVAL);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, 40), -ENXIO); /* no irqchip */
	CU_ASSERT_EQUAL(ioc(k, vm, KVM_CREATE_IRQCHIP, NULL), -EINVAL); /* no in-kernel IOAPIC */
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_SPLIT_IRQCHIP, 24), -EEXIST);
	CU_ASSERT_EQUAL(enable(k, vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, 40), 0);
	O->destroy(k);

	/* A plain VM: registers are ordinary state; KVM_RUN runs nothing here. */
	CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
	sys = O->open_system(k);
	vm0 = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	CU_ASSERT_EQUAL(ioc(k, vm0, KVM_CREATE_IRQCHIP, NULL), 0);
	vcpu = (int)ioc_val(k, vm0, KVM_CREATE_VCPU, 0);
	CU_ASSERT_FATAL(vcpu >= 0);
	CU_ASSERT_EQUAL(enable(k, vm0, KVM_CAP_SPLIT_IRQCHIP, 0), -EEXIST);
	{
		struct kvm_regs regs;
		struct kvm_sregs sregs;

		CU_ASSERT_EQUAL(ioc(k, vcpu, KVM_GET_REGS, &regs), 0);
		CU_ASSERT_EQUAL(regs.rip, 0xFFF0);
		regs.rax = 42;
		CU_ASSERT_EQUAL(ioc(k, vcpu, KVM_SET_REGS, &regs), 0);
		memset(&regs, 0, sizeof(regs));
		CU_ASSERT_EQUAL(ioc(k, vcpu, KVM_GET_REGS, &regs), 0);
		CU_ASSERT_EQUAL(regs.rax, 42);
		CU_ASSERT_EQUAL(ioc(k, vcpu, KVM_GET_SREGS, &sregs), 0);
		CU_ASSERT_EQUAL(sregs.cs.selector, 0xF000);
		CU_ASSERT_EQUAL(ioc(k, vcpu, KVM_SET_SREGS, &sregs), 0);
	}
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 0), -ENOEXEC);
	CU_ASSERT_EQUAL(cmd(k, vcpu, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, 0xAEFF, 0), -EINVAL); /* unknown vCPU ioctl */
	CU_ASSERT_EQUAL(gmem_create(k, vm0, M2) >= 0, 1);
	CU_ASSERT_EQUAL(attrs(k, vm0, 0, PG, KVM_MEMORY_ATTRIBUTE_PRIVATE), -EINVAL);
	CU_ASSERT_EQUAL(memslot(k, vm0, 0, KVM_MEM_GUEST_MEMFD, 0, M2, 0, 3, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(k, vm0, 0, 2 /* READONLY */, 0, M2, 0x10000000, 0, 0), 0);
	CU_ASSERT_EQUAL(memslot(k, vm0, 1 << 16, 0, 0, M2, 0x10000000, 0, 0), 0); /* SMM space */
	O->destroy(k);
}

static void test_vcpu_errors(void)
{
	void *k;
	int sys, vm, vcpu, first;
	init_vm_arg a;
	td t;

	/* Without a split irqchip: -EINVAL; before INIT_VM: -EIO. */
	CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
	sys = O->open_system(k);
	vm = (int)ioc_val(k, sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_CREATE_VCPU, 0), -EIO);
	make_init_vm(k, vm, &a, 48);
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, NULL), 0);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_CREATE_VCPU, 0), -EINVAL);
	O->destroy(k);

	td_open(&t, "", 48, 0);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 4096), -EINVAL);
	first = (int)ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 0);
	CU_ASSERT(first >= 0);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 0), -EEXIST);
	/* The split irqchip must come before vCPUs. */
	CU_ASSERT_EQUAL(enable(t.k, t.vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, 40), -EINVAL);
	/* Register state is protected from creation on. */
	{
		struct kvm_regs regs;
		struct kvm_sregs sregs;

		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_GET_REGS, &regs), -EINVAL);
		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_SET_REGS, &regs), -EINVAL);
		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_GET_SREGS, &sregs), -EINVAL);
		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_SET_SREGS, &sregs), -EINVAL);
	}
	/* INIT_VCPU: CPUID must advertise x2APIC. */
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(set_cpuid(t.k, first, 0), 0);
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(set_cpuid(t.k, first, X2APIC), 0);
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_INIT_VCPU, 1, 0, NULL), -EINVAL);
	{
		struct kvm_tdx_cmd c = { .id = KVM_TDX_INIT_VCPU, .hw_error = 1 };

		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_MEMORY_ENCRYPT_OP, &c), -EINVAL);
	}
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_INIT_VCPU, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	{
		struct kvm_regs regs;

		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_GET_REGS, &regs), -EINVAL);
	}
	/* VM-scope and unknown commands on a vCPU fd. */
	CU_ASSERT_EQUAL(cmd(t.k, first, KVM_TDX_FINALIZE_VM, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(cmd(t.k, first, 77, 0, 0, NULL), -EINVAL);
	/* SET_CPUID2 limits. */
	{
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 258 * sizeof(struct kvm_cpuid_entry2));

		c->nent = KVM_MAX_CPUID_ENTRIES + 1;
		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_SET_CPUID2, c), -E2BIG);
		c->nent = 1;
		c->entries[0] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 40 << 8 };
		CU_ASSERT_EQUAL(ioc(t.k, first, KVM_SET_CPUID2, c), -EINVAL);
		free(c);
	}
	/* The vCPU limit of a TD (64). */
	for (unsigned id = 1; id < 64; id++)
		CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, id) >= 0, 1);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 64), -EINVAL);
	/* After FINALIZE: no more INIT_VCPU (the count is checked before the
	 * state, so a 65th vCPU is still -EINVAL). */
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 100), -EINVAL);
	vcpu = first + 1; /* created above, never INIT_VCPU'd */
	CU_ASSERT_EQUAL(set_cpuid(t.k, vcpu, X2APIC), 0);
	CU_ASSERT_EQUAL(cmd(t.k, vcpu, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	/* KVM_RUN of a vCPU that was never INIT_VCPU'd. */
	CU_ASSERT_EQUAL(ioc_val(t.k, vcpu, KVM_RUN, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(t.k, first, KVM_RUN, 0), 0);
	/* After KVM_RUN the CPUID may only be set again unchanged. */
	CU_ASSERT_EQUAL(set_cpuid(t.k, first, X2APIC), 0);
	CU_ASSERT_EQUAL(set_cpuid(t.k, first, X2APIC | 1), -EINVAL);
	td_close(&t);
}

static void test_memory_errors(void)
{
	td t;
	int vm2, g2, g, plain;
	struct kvm_create_guest_memfd gm = { .size = M2, .reserved = { [5] = 1 } };

	td_open(&t, "", 48, 0);
	/* KVM_CREATE_GUEST_MEMFD */
	CU_ASSERT_EQUAL(gmem_create(t.k, t.vm, 0), -EINVAL);
	CU_ASSERT_EQUAL(gmem_create(t.k, t.vm, 100), -EINVAL);
	CU_ASSERT_EQUAL(gmem_create(t.k, t.vm, (uint64_t)-4096), -EINVAL);
	CU_ASSERT_EQUAL(ioc(t.k, t.vm, KVM_CREATE_GUEST_MEMFD, &gm), -EINVAL);
	gm = (struct kvm_create_guest_memfd){ .size = M2, .flags = 1 };
	CU_ASSERT_EQUAL(ioc(t.k, t.vm, KVM_CREATE_GUEST_MEMFD, &gm), -EINVAL);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.lo, KVM_CHECK_EXTENSION, 0), -ENOTTY); /* no ioctls */
	g = (int)gmem_create(t.k, t.vm, 4 * M2);
	CU_ASSERT_FATAL(g >= 0);
	/* KVM_SET_USER_MEMORY_REGION2 */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000001000, M2 + 1, 0, g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000800, M2, 0, g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0x123, g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0x800000000000ULL, g, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, g, 0x800), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, g, 4 * M2), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, t.vm, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, 999, 0), -EBADF);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 40000, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 1 << 16, 0, 0x100000000000, M2, 0, 0, 0), -EINVAL); /* no SMM */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, 2 /* READONLY */, 0x100000000000, M2, 0, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD | 1 /* LOG_DIRTY */, 0x100000000000, M2, 0,
				g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, 0, 0xFFFFFFFFFFE00000ULL, 4 * M2, 0, 0, 0), -EINVAL);
	/* a GPA range another slot has: -EEXIST */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, M2 - PG, M2, 0, g, 0), -EEXIST);
	/* another VM's guest_memfd */
	vm2 = (int)ioc_val(t.k, t.sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	g2 = (int)gmem_create(t.k, vm2, M2);
	CU_ASSERT(g2 >= 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, g2, 0), -EINVAL);
	/* a range of a file another slot has: kvm_gmem_bind's -EEXIST (Linux
	 * >= 7.2, 7ea987a90585; -EINVAL before, below) */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, t.lo, 0), -EEXIST);
	/* the same file range bound twice */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, g, M2), 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 6, KVM_MEM_GUEST_MEMFD, 0x200000000000, M2, 0, g, M2 + PG), -EEXIST);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 6, KVM_MEM_GUEST_MEMFD, 0x200000000000, M2, 0, g, 0), 0);
	/* guest_memfd slots are immutable; deleting works, deleting nothing fails */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 6, KVM_MEM_GUEST_MEMFD, 0x300000000000, M2, 0, g, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 6, 0, 0x200000000000, 0, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 6, 0, 0x200000000000, 0, 0, 0, 0), -EINVAL);
	/* a plain slot may change flags but not move (a TD has Secure-EPT) */
	plain = 7;
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, plain, 0, 0x40000000, M2, 0x30000000, 0, 0), 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, plain, 0, 0x40000000, M2, 0x30000000, 0, 0), 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, plain, 1, 0x40000000, M2, 0x30000000, 0, 0), 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, plain, 1, 0x50000000, M2, 0x30000000, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, plain, 1, 0x40000000, 2 * M2, 0x30000000, 0, 0), -EINVAL);
	/* KVM_SET_MEMORY_ATTRIBUTES */
	{
		struct kvm_memory_attributes m = { .address = 0, .size = PG,
						   .attributes = KVM_MEMORY_ATTRIBUTE_PRIVATE, .flags = 1 };

		CU_ASSERT_EQUAL(ioc(t.k, t.vm, KVM_SET_MEMORY_ATTRIBUTES, &m), -EINVAL);
	}
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0, PG, 1), -EINVAL);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0, 0, KVM_MEMORY_ATTRIBUTE_PRIVATE), -EINVAL);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0x800, PG, KVM_MEMORY_ATTRIBUTE_PRIVATE), -EINVAL);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0, 0x800, KVM_MEMORY_ATTRIBUTE_PRIVATE), -EINVAL);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, (uint64_t)-PG, 2 * PG, KVM_MEMORY_ATTRIBUTE_PRIVATE), -EINVAL);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0x1000, PG, 0), 0);
	td_close(&t);
	/* Linux <= 7.1: an overlapping binding is -EINVAL. */
	td_open(&t, "kernel=6.16", 48, 0);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 5, KVM_MEM_GUEST_MEMFD, 0x100000000000, M2, 0, t.lo, 0), -EINVAL);
	td_close(&t);
}

static void test_mem_region_errors(void)
{
	td t;
	uint8_t *img = pattern(4, 9);
	struct kvm_tdx_init_mem_region r;
	int vcpu2, plain_gmem;

	td_open(&t, "", 48, 1);
	/* A vCPU that was not INIT_VCPU'd. */
	vcpu2 = (int)ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 1);
	r = region(img, 0, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, vcpu2, 0, &r), -EINVAL);
	/* flags other than MEASURE */
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 2, &r), -EINVAL);
	/* the struct itself */
	r = region(NULL, 0, 1); /* aligned, but nothing to copy from */
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EFAULT);
	CU_ASSERT_EQUAL(r.nr_pages, 1);
	r = region(img + 8, 0, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	r = region(img, 0x800, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	r = region(img, 0, 0);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	r = region(img, 0xFFFFFFFFFFFFF000ULL, 2);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	r = region(img, SHARED48, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	r = region(img, SHARED48 - PG, 2); /* the last page crosses into shared */
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	CU_ASSERT_EQUAL(r.nr_pages, 2);
	CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vcpu, KVM_TDX_INIT_MEM_REGION, 0, NULL, NULL), -EFAULT);
	/* no memslot there */
	r = region(img, 0x40000000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	/* a memslot without guest_memfd */
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 3, 0, 0x40000000, M2, 0x30000000, 0, 0), 0);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0x40000000, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	/* Not PRIVATE: the second page fails; the first one stays done and the
	 * struct says so. */
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0x3000, PG, 0), 0);
	r = region(img, 0x2000, 2);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	CU_ASSERT_EQUAL(r.nr_pages, 1);
	CU_ASSERT_EQUAL(r.gpa, 0x3000);
	CU_ASSERT_EQUAL(r.source_addr, (uint64_t)(uintptr_t)(img + PG));
	/* A page added twice: kvm_gmem_populate's -EEXIST. */
	r = region(img, 0x2000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EEXIST);
	CU_ASSERT_EQUAL(r.nr_pages, 1);
	/* The guest_memfd closed: its slot has no memory behind it (-EFAULT). */
	plain_gmem = (int)gmem_create(t.k, t.vm, M2);
	CU_ASSERT_EQUAL(memslot(t.k, t.vm, 4, KVM_MEM_GUEST_MEMFD, 0x80000000, M2, 0, plain_gmem, 0), 0);
	CU_ASSERT_EQUAL(attrs(t.k, t.vm, 0x80000000, M2, KVM_MEMORY_ATTRIBUTE_PRIVATE), 0);
	CU_ASSERT_EQUAL(O->close(t.k, plain_gmem), 0);
	r = region(img, 0x80000000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EFAULT);
	/* After FINALIZE: INIT_MEM_REGION, GET_CPUID and INIT_VCPU are over;
	 * KVM_CREATE_VCPU is -EIO. */
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 2), -EIO);
	CU_ASSERT_EQUAL(set_cpuid(t.k, vcpu2, X2APIC), 0);
	CU_ASSERT_EQUAL(cmd(t.k, vcpu2, KVM_TDX_INIT_VCPU, 0, 0, NULL), -EINVAL);
	r = region(img, 0x5000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EINVAL);
	{
		cpuid_buf cp = { .h.nent = 32 };

		CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vcpu, KVM_TDX_GET_CPUID, 0, &cp, NULL), -EINVAL);
	}
	free(img);
	td_close(&t);
}

static void test_finalize_errors(void)
{
	void *k;
	int vm, vcpu;
	init_vm_arg a;
	struct kvm_tdx_cmd c;
	td t;
	tdx_guest *g;

	/* Before INIT_VM: -EINVAL (the command copied back, hw_error 0). */
	fresh_vm(&k, &vm);
	c.hw_error = 3;
	CU_ASSERT_EQUAL(cmd(k, vm, KVM_TDX_FINALIZE_VM, 0, 0, &c), -EINVAL);
	CU_ASSERT_EQUAL(c.hw_error, 0);
	/* No INIT_VCPU'd vCPU: TDX_NO_VCPUS is a KVM bug: -EIO, the VM is dead. */
	make_init_vm(k, vm, &a, 48);
	CU_ASSERT_EQUAL(init_vm(k, vm, &a, NULL), 0);
	vcpu = (int)ioc_val(k, vm, KVM_CREATE_VCPU, 0);
	CU_ASSERT(vcpu >= 0);
	CU_ASSERT_EQUAL(cmd(k, vm, KVM_TDX_FINALIZE_VM, 0, 0, &c), -EIO);
	CU_ASSERT_EQUAL(c.hw_error, 0xC000060900000000ULL);
	CU_ASSERT_EQUAL(ioc_val(k, vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS), -EIO);
	CU_ASSERT_EQUAL(cmd(k, vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), -EIO);
	CU_ASSERT_EQUAL(set_cpuid(k, vcpu, X2APIC), -EIO);
	CU_ASSERT_EQUAL(ioc_val(k, vcpu, KVM_RUN, 0), -EIO);
	CU_ASSERT_EQUAL(O->td_guest(k, vm, &(tdx__td_runner){ .run = run_vcpu }, &g), TDX_E_STATE);
	CU_ASSERT_EQUAL(O->close(k, vcpu), 0);
	CU_ASSERT_EQUAL(O->close(k, vm), 0);
	O->destroy(k);

	/* TDX_OPERAND_BUSY: -EBUSY with the status, k times, then it works. */
	td_open(&t, "", 48, 1);
	CU_ASSERT_EQUAL(O->td_guest(t.k, t.vm, &(tdx__td_runner){ .run = run_vcpu }, &g), TDX_E_STATE);
	CU_ASSERT_PTR_NULL(g);
	tdx__kvm_emu_set_faults(t.k, &(tdx__kvm_emu_faults){ .finalize_ebusy = 2 });
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, &c), -EBUSY);
		CU_ASSERT_EQUAL(c.hw_error >> 32, 0x80000200);
		CU_ASSERT_STRING_EQUAL(tdx_module_status_name(c.hw_error), "TDX_OPERAND_BUSY");
	}
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, &c), 0);
	CU_ASSERT_EQUAL(c.hw_error, 0);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), -EINVAL);
	/* After FINALIZE: INIT_VM again is -EINVAL; CAPABILITIES still works. */
	CU_ASSERT_EQUAL(init_vm(t.k, t.vm, &t.a, NULL), -EINVAL);
	{
		struct kvm_tdx_capabilities *caps = caps_alloc(16);

		CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, caps, NULL), 0);
		free(caps);
	}
	td_close(&t);
}

static void test_mem_region_faults(void)
{
	td t, u;
	uint8_t *img = pattern(7, 5), ra[TDREPORT_SIZE], rb[TDREPORT_SIZE];
	struct kvm_tdx_init_mem_region r;
	tdx_guest *ga, *gb;

	/* Interrupted after 2 pages, twice; resumed with the same struct. */
	td_open(&t, "", 48, 1);
	tdx__kvm_emu_set_faults(t.k, &(tdx__kvm_emu_faults){ .mem_region_eintr_after = 2,
							     .mem_region_eintr_times = 2,
							     .mem_region_eagain_times = 1 });
	r = region(img, 0x10000, 7);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), -EAGAIN);
	CU_ASSERT_EQUAL(r.nr_pages, 7); /* no progress */
	CU_ASSERT_EQUAL(r.gpa, 0x10000);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), -EINTR);
	CU_ASSERT_EQUAL(r.nr_pages, 5);
	CU_ASSERT_EQUAL(r.gpa, 0x12000);
	CU_ASSERT_EQUAL(r.source_addr, (uint64_t)(uintptr_t)(img + 2 * PG));
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), -EINTR);
	CU_ASSERT_EQUAL(r.nr_pages, 3);
	CU_ASSERT_EQUAL(r.gpa, 0x14000);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), 0);
	CU_ASSERT_EQUAL(r.nr_pages, 0);
	CU_ASSERT_EQUAL(r.gpa, 0x17000);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);

	/* The same image in one go. */
	td_open(&u, "", 48, 1);
	r = region(img, 0x10000, 7);
	CU_ASSERT_EQUAL(mem_region(u.k, u.vcpu, KVM_TDX_MEASURE_MEMORY_REGION, &r), 0);
	CU_ASSERT_EQUAL(cmd(u.k, u.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);

	CU_ASSERT_EQUAL_FATAL(O->td_guest(t.k, t.vm, &(tdx__td_runner){ .run = run_vcpu }, &ga), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(O->td_guest(u.k, u.vm, &(tdx__td_runner){ .run = run_vcpu }, &gb), TDX_OK);
	report_of(ga, ra);
	report_of(gb, rb);
	CU_ASSERT_EQUAL(memcmp(ra + TDINFO_OFF + TI_MRTD, rb + TDINFO_OFF + TI_MRTD, 48), 0);
	{
		/* and it is the single-pass value */
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		uint8_t want[48];
		unsigned n = 0;

		EVP_DigestInit_ex(c, EVP_sha384(), NULL);
		for (unsigned p = 0; p < 7; p++)
			mrtd_page(c, 0x10000 + p * PG, img + p * PG, 1);
		EVP_DigestFinal_ex(c, want, &n);
		EVP_MD_CTX_free(c);
		CU_ASSERT_EQUAL(memcmp(ra + TDINFO_OFF + TI_MRTD, want, 48), 0);
	}
	tdx_guest_close(ga);
	tdx_guest_close(gb);
	free(img);
	td_close(&t);
	td_close(&u);
}

static void test_guest_identity(void)
{
	td t;
	exits x;
	tdx_guest *g, *g2;
	uint8_t report[TDREPORT_SIZE], want[48], *img = pattern(4, 1), page[PG];
	TDX_OPTS(tdx_vp_info, info);

	td_runnable(&t, &x, "", &g);
	expected_mrtd(img, want);
	report_of(g, report);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MRTD, want, 48), 0);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MRCONFIGID, t.a.hdr.mrconfigid, 48), 0);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MROWNER, t.a.hdr.mrowner, 48), 0);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MROWNERCONFIG, t.a.hdr.mrownerconfig, 48), 0);
	{
		uint64_t attr, xfam;

		memcpy(&attr, report + TDINFO_OFF + TI_ATTRIBUTES, 8);
		memcpy(&xfam, report + TDINFO_OFF + TI_XFAM, 8);
		CU_ASSERT_EQUAL(attr, 1ULL << 28);
		CU_ASSERT_EQUAL(xfam, 0x602E7);
	}
	CU_ASSERT_EQUAL(tdx_tdg_vp_info(g, &info), TDX_OK);
	CU_ASSERT_EQUAL(info.gpaw, 48);
	CU_ASSERT_EQUAL(info.num_vcpus, 1);
	/* The INIT_MEM_REGION page inside the emulated TD's memory. */
	CU_ASSERT_EQUAL(tdx_emu_mem_read(tdx__kvm_emu_platform(t.k, t.vm), 0x1000, page, PG), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(page, img + 3 * PG, PG), 0);
	/* A second handle: the same TD. */
	CU_ASSERT_EQUAL_FATAL(guest_of(&t, &x, &g2), TDX_OK);
	report_of(g2, report);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MRTD, want, 48), 0);
	CU_ASSERT_EQUAL(x.n, 0); /* reports need no host */
	tdx_guest_close(g2);
	/* The guest keeps its VM after the VM fd is closed (the emulated KVM
	 * itself is kept by the host that opened it, host.c). */
	CU_ASSERT_EQUAL(O->close(t.k, t.vm), 0);
	report_of(g, report);
	CU_ASSERT_EQUAL(memcmp(report + TDINFO_OFF + TI_MRTD, want, 48), 0);
	tdx_guest_close(g);
	td_close(&t);
	free(img);

	/* Errors: not a VM, not a TD. */
	{
		void *k;
		int sys, vm0;

		CU_ASSERT_EQUAL_FATAL(emu_create(&k, ""), TDX_OK);
		sys = O->open_system(k);
		vm0 = (int)ioc_val(k, sys, KVM_CREATE_VM, 0);
		TDX_ASSERT_FAILS(O->td_guest(k, sys, &(tdx__td_runner){ .run = run_vcpu }, &g), TDX_E_INVALID, "not a VM");
		TDX_ASSERT_FAILS(O->td_guest(k, vm0, &(tdx__td_runner){ .run = run_vcpu }, &g), TDX_E_STATE, "not a TD");
		CU_ASSERT_PTR_NULL(tdx__kvm_emu_platform(k, vm0));
		O->destroy(k);
	}
}

static void test_guest_quote(void)
{
	td t;
	exits x;
	tdx_guest *g;
	uint8_t data[64] = { 1, 2, 3 }, report[TDREPORT_SIZE], *quote = malloc(16384);
	size_t len = 16384;
	tdx_quote *q;
	int saw_quote = 0, saw_map = 0;

	td_runnable(&t, &x, "", &g);
	report_of(g, report);
	x.quote = 1;
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_quote(g, data, sizeof(data), quote, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrtd(q), report + TDINFO_OFF + TI_MRTD, 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_report_data(q), data, 64), 0);
	tdx_quote_free(q);
	/* The exits: MapGPA to shared, GetQuote, MapGPA back to private. */
	for (int i = 0; i < x.n && i < 16; i++) {
		const struct kvm_run *r = &x.runs[i];

		CU_ASSERT_EQUAL(x.fds[i], t.vcpu);
		if (r->exit_reason == KVM_EXIT_TDX) {
			CU_ASSERT_EQUAL(r->tdx.nr, 0x10002);
			CU_ASSERT_EQUAL(r->tdx.flags, 0);
			CU_ASSERT_EQUAL(r->tdx.get_quote.gpa & SHARED48, 0); /* stripped */
			CU_ASSERT_EQUAL(r->tdx.get_quote.gpa, 32 * 1024 * 1024 - 56 * 1024);
			CU_ASSERT_EQUAL(r->tdx.get_quote.size, 56 * 1024);
			saw_quote++;
		} else {
			CU_ASSERT_EQUAL(r->exit_reason, KVM_EXIT_HYPERCALL);
			CU_ASSERT_EQUAL(r->hypercall.nr, KVM_HC_MAP_GPA_RANGE);
			CU_ASSERT_EQUAL(r->hypercall.args[0], 32 * 1024 * 1024 - 56 * 1024);
			CU_ASSERT_EQUAL(r->hypercall.args[1], 14);
			CU_ASSERT_EQUAL(r->hypercall.args[2], saw_map ? KVM_MAP_GPA_RANGE_ENCRYPTED : 0);
			CU_ASSERT_EQUAL(r->hypercall.flags, KVM_EXIT_HYPERCALL_LONG_MODE);
			saw_map++;
		}
	}
	CU_ASSERT_EQUAL(x.n, 3);
	CU_ASSERT_EQUAL(saw_quote, 1);
	CU_ASSERT_EQUAL(saw_map, 2);

	/* A VMM that ignores the exit: ret stays SUBFUNC_UNSUPPORTED. */
	x.quote = 0;
	len = 16384;
	TDX_ASSERT_FAILS(tdx_guest_get_quote(g, data, sizeof(data), quote, &len), TDX_E_VMCALL,
			 "GetQuote");
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000003ULL);
	/* GetQuote with a private buffer: refused in-kernel, no exit. */
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_quote(g, 0x1000000, PG), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(x.n, 0);
	tdx_guest_close(g);
	free(quote);
	td_close(&t);
}

static void test_guest_map_gpa(void)
{
	td t;
	exits x;
	tdx_guest *g;
	uint64_t done = 0;

	td_runnable(&t, &x, "", &g);
	/* 4 MiB + 8 KiB from 4 MiB to shared: one exit per 2 MiB chunk. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, 2 * M2 + 2 * PG, &done), TDX_OK);
	CU_ASSERT_EQUAL(done, (0x400000 | SHARED48) + 2 * M2 + 2 * PG);
	CU_ASSERT_EQUAL_FATAL(x.n, 3);
	CU_ASSERT_EQUAL(x.runs[0].hypercall.args[0], 0x400000);
	CU_ASSERT_EQUAL(x.runs[0].hypercall.args[1], 512);
	CU_ASSERT_EQUAL(x.runs[1].hypercall.args[0], 0x600000);
	CU_ASSERT_EQUAL(x.runs[1].hypercall.args[1], 512);
	CU_ASSERT_EQUAL(x.runs[2].hypercall.args[0], 0x800000);
	CU_ASSERT_EQUAL(x.runs[2].hypercall.args[1], 2);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(x.runs[i].exit_reason, KVM_EXIT_HYPERCALL);
		CU_ASSERT_EQUAL(x.runs[i].hypercall.args[2], 0); /* DECRYPTED */
		CU_ASSERT_EQUAL(x.runs[i].hypercall.ret, 0);     /* the handler kept the pre-set 0 */
	}
	/* Back to private across a 2 MiB boundary: KVM's chunks start at the
	 * GPA, not at a 2 MiB boundary (__tdx_map_gpa): one exit. */
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x5FF000, 2 * PG, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(x.n, 1);
	CU_ASSERT_EQUAL(x.runs[0].hypercall.args[0], 0x5FF000);
	CU_ASSERT_EQUAL(x.runs[0].hypercall.args[1], 2);
	CU_ASSERT_EQUAL(x.runs[0].hypercall.args[2], KVM_MAP_GPA_RANGE_ENCRYPTED);
	/* EAGAIN: the guest gets RETRY at the chunk and asks again. */
	x.n = 0;
	x.map_ret = EAGAIN;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x700000 | SHARED48, PG, NULL), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 2);
	CU_ASSERT_EQUAL(x.runs[1].hypercall.args[0], 0x700000);
	/* EINVAL: INVALID_OPERAND. */
	x.n = 0;
	x.map_ret = EINVAL;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x700000, PG, &done), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(done, 0x700000);
	/* Refused in-kernel without an exit: beyond the GPAW, straddling the
	 * shared bit. */
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 1ULL << 48, PG, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, SHARED48 - PG, 2 * PG, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(x.n, 0);
	tdx_guest_close(g);
	td_close(&t);

	/* Without KVM_CAP_EXIT_HYPERCALL: SUBFUNC_UNSUPPORTED, no exit. */
	td_runnable(&t, &x, "", &g);
	{
		struct kvm_enable_cap c = { .cap = KVM_CAP_EXIT_HYPERCALL };

		CU_ASSERT_EQUAL(ioc(t.k, t.vm, KVM_ENABLE_CAP, &c), 0);
	}
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000003ULL);
	CU_ASSERT_EQUAL(x.n, 0);
	tdx_guest_close(g);
	td_close(&t);
}

static void test_guest_other_exits(void)
{
	td t;
	exits x;
	tdx_guest *g;
	uint64_t info[4];
	tdx_regs r;
	uint32_t cpuid[4];
	uint64_t code = 0;
	char msg[128];
	size_t mlen = sizeof(msg);

	td_runnable(&t, &x, "", &g);
	/* SetupEventNotifyInterrupt: an exit with ret pre-set unsupported. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(g, 40), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000003ULL);
	CU_ASSERT_EQUAL_FATAL(x.n, 1);
	CU_ASSERT_EQUAL(x.runs[0].exit_reason, KVM_EXIT_TDX);
	CU_ASSERT_EQUAL(x.runs[0].tdx.nr, 0x10004);
	CU_ASSERT_EQUAL(x.runs[0].tdx.setup_event_notify.vector, 40);
	CU_ASSERT_EQUAL(x.runs[0].tdx.setup_event_notify.ret, 0x8000000000000003ULL);
	x.notify_answer = 1;
	x.notify_ret = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(g, 40), TDX_OK);
	/* out of 32..255: refused in-kernel (raw call: the wrapper checks too) */
	x.n = 0;
	r = (tdx_regs){ .rcx = 0xFC00, .r11 = 0x10004, .r12 = 20 };
	CU_ASSERT_EQUAL(tdx_tdg_vp_vmcall(g, &r), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(r.r10, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(x.n, 0);

	/* GetTdVmCallInfo: leaf 0 in-kernel, leaf 1 to userspace, others bad. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 0, info), TDX_OK);
	CU_ASSERT_EQUAL(info[0] | info[1] | info[2] | info[3], 0);
	CU_ASSERT_EQUAL(x.n, 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 1, info), TDX_OK);
	CU_ASSERT_EQUAL(info[0], 0); /* the VMM added nothing */
	x.info_answer = 1;
	x.info_r11 = 1ULL << 1;
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 1, info), TDX_OK);
	CU_ASSERT_EQUAL(info[0], 1ULL << 1);
	CU_ASSERT_EQUAL_FATAL(x.n, 2);
	CU_ASSERT_EQUAL(x.runs[1].tdx.nr, 0x10000);
	CU_ASSERT_EQUAL(x.runs[1].tdx.get_tdvmcall_info.leaf, 1);
	CU_ASSERT_EQUAL(x.runs[1].tdx.get_tdvmcall_info.ret, 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 2, info), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(x.n, 2);

	/* ReportFatalError: SYSTEM_EVENT(TDX_FATAL) with the GPRs in KVM order. */
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_report_fatal_error(g, 0x12340000, "boom at 42", 0), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(x.n, 1);
	CU_ASSERT_EQUAL(x.runs[0].exit_reason, KVM_EXIT_SYSTEM_EVENT);
	CU_ASSERT_EQUAL(x.runs[0].system_event.type, KVM_SYSTEM_EVENT_TDX_FATAL);
	CU_ASSERT_EQUAL(x.runs[0].system_event.ndata, 16);
	CU_ASSERT_EQUAL(x.runs[0].system_event.data[0], 77); /* EXIT_REASON_TDCALL */
	CU_ASSERT_EQUAL(x.runs[0].system_event.data[4], 0);  /* RSP */
	CU_ASSERT_EQUAL(x.runs[0].system_event.data[5], 0);  /* RBP */
	CU_ASSERT_EQUAL(x.runs[0].system_event.data[11], 0x10003);
	CU_ASSERT_EQUAL(x.runs[0].system_event.data[12], 0x12340000);
	CU_ASSERT_EQUAL(memcmp(&x.runs[0].system_event.data[14], "boom at ", 8), 0); /* R14 */
	CU_ASSERT_EQUAL(memcmp(&x.runs[0].system_event.data[15], "42", 3), 0);      /* R15 */
	CU_ASSERT_EQUAL(tdx_emu_fatal_error(tdx__kvm_emu_platform(t.k, t.vm), &code, msg, &mlen),
			TDX_OK);
	CU_ASSERT_EQUAL(code, 0x12340000);
	CU_ASSERT_STRING_EQUAL(msg, "boom at 42");

	/* Service: KVM does not route it (SUBFUNC_UNSUPPORTED, no exit);
	 * CPUID: emulated without a userspace exit. */
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_service(g, SHARED48 | 0x100000, SHARED48 | 0x101000, 0, 0),
			TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000003ULL);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000000, 0, cpuid), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 0);

	/* A VMM that answers nothing: KVM's pre-set answers. */
	x.ignore = 1;
	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(g, 40), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 0);
	tdx_guest_close(g);
	td_close(&t);
}

static void test_lifetime(void)
{
	td t;
	struct kvm_run *run, *run2;

	td_open(&t, "", 48, 1);
	run = O->map_run(t.k, t.vcpu, 4096);
	run2 = O->map_run(t.k, t.vcpu, 4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_PTR_EQUAL(run, run2); /* the same page */
	errno = 0;
	CU_ASSERT_PTR_NULL(O->map_run(t.k, t.vcpu, 4 * 4096));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(O->map_run(t.k, 999, 4096));
	CU_ASSERT_EQUAL(errno, EBADF);
	/* Closing the VM fd keeps the VM while a vCPU fd is open. */
	CU_ASSERT_EQUAL(O->close(t.k, t.vm), 0);
	CU_ASSERT_EQUAL(set_cpuid(t.k, t.vcpu, X2APIC), 0);
	{
		struct kvm_tdx_init_mem_region r;
		uint8_t *img = pattern(1, 2);

		r = region(img, 0x4000, 1);
		CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), 0);
		free(img);
	}
	CU_ASSERT_EQUAL(O->close(t.k, t.vcpu), 0);
	CU_ASSERT_EQUAL(O->close(t.k, t.vcpu), -EBADF);
	/* guest_memfd fds still pin the VM; closing them frees it. */
	CU_ASSERT_EQUAL(O->close(t.k, t.lo), 0);
	CU_ASSERT_EQUAL(O->close(t.k, t.hi), 0);
	/* The mapping outlives the vCPU. */
	run->request_interrupt_window = 1;
	O->unmap_run(t.k, run, 4096);
	run2->request_interrupt_window = 0;
	/* run2 is left mapped: destroy frees it */
	td_close(&t);
}

static void test_conf(void)
{
	void *k = (void *)1;
	td t;
	exits x;
	tdx_guest *g;
	uint8_t buf[16] = { 0 };
	uint8_t data[64] = { 0 }, *quote = malloc(16384);
	size_t len = 16384;
	tdx_quote *q;

	TDX_ASSERT_FAILS(emu_create(&k, "bogus=1"), TDX_E_INVALID, "bogus");
	CU_ASSERT_PTR_NULL(k);
	/* Keys reach the emulated module; the VM's own settings win. */
	td_runnable(&t, &x, "module=1.0,mem=128M,gpaw=52,attributes=0x40000000", &g);
	CU_ASSERT_EQUAL(tdx_emu_mem_read(tdx__kvm_emu_platform(t.k, t.vm), 100ULL << 20, buf, 16),
			TDX_OK);
	x.quote = 1;
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_quote(g, data, sizeof(data), quote, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	CU_ASSERT_EQUAL(tdx_quote_version(q), 4);         /* module=1.0 */
	CU_ASSERT_EQUAL(tdx_quote_td_attributes(q), 1ULL << 28); /* the VM's */
	tdx_quote_free(q);
	{
		TDX_OPTS(tdx_vp_info, info);

		CU_ASSERT_EQUAL(tdx_tdg_vp_info(g, &info), TDX_OK);
		CU_ASSERT_EQUAL(info.gpaw, 48); /* the VM's */
	}
	tdx_guest_close(g);
	td_close(&t);
	free(quote);
}

/* ---- upstream rules the library got wrong once (kvm-conformance.md) ---- */

/* setup_tdparams_cpuids(): the capabilities carry flags 0; a list that
 * copies them verbatim has one leaf-7 entry taken by three slots
 * (kvm_find_cpuid_entry2), so copy_cnt != nent: -EINVAL.  The library's
 * filter (exact (function, index), flagged) passes, and each subleaf keeps
 * its own values. */
static void test_cpuid_copy_cnt(void)
{
	td t;
	init_vm_arg a;
	struct kvm_tdx_capabilities *caps = caps_alloc(32);
	struct kvm_cpuid_entry2 want[8], out[32];
	uint32_t n = 32;
	cpuid_buf got = { .h.nent = 32 };

	CU_ASSERT_EQUAL_FATAL(emu_create(&t.k, ""), TDX_OK);
	t.sys = O->open_system(t.k);
	t.vm = (int)ioc_val(t.k, t.sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_EQUAL(enable(t.k, t.vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	CU_ASSERT_EQUAL_FATAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, caps, NULL), 0);
	memset(&a, 0, sizeof(a));
	a.hdr.attributes = 1ULL << 28;
	a.hdr.xfam = 0xE7;
	a.hdr.cpuid.nent = caps->cpuid.nent;
	memcpy(a.hdr.cpuid.entries, caps->cpuid.entries, caps->cpuid.nent * sizeof(want[0]));
	find_entry(&a, 0x80000008, 0)->eax = 48 << 16;
	CU_ASSERT_EQUAL(init_vm(t.k, t.vm, &a, NULL), -EINVAL);
	/* The filter, with a real module's subleaves asked for. */
	want[0] = (struct kvm_cpuid_entry2){ .function = 7, .index = 0, .ebx = 0x1 };
	want[1] = (struct kvm_cpuid_entry2){ .function = 7, .index = 1, .eax = 0x10 };
	want[2] = (struct kvm_cpuid_entry2){ .function = 7, .index = 2, .edx = 0x1 };
	want[3] = (struct kvm_cpuid_entry2){ .function = 0xD, .index = 0, .eax = 0x7 };
	want[4] = (struct kvm_cpuid_entry2){ .function = 0xD, .index = 1, .eax = 0x1 };
	want[5] = (struct kvm_cpuid_entry2){ .function = 4, .index = 3, .eax = 0x4000 };
	want[6] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x806F8 };
	want[7] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3030 };
	CU_ASSERT_EQUAL_FATAL(tdx__cpuid_filter(caps->cpuid.entries, caps->cpuid.nent, want, 8, 48,
						out, &n), TDX_OK);
	CU_ASSERT_EQUAL(n, 8);
	memset(&a.hdr.cpuid, 0, sizeof(a.hdr.cpuid));
	a.hdr.cpuid.nent = n;
	memcpy(a.hdr.cpuid.entries, out, n * sizeof(out[0]));
	CU_ASSERT_EQUAL_FATAL(init_vm(t.k, t.vm, &a, NULL), 0);
	t.vcpu = (int)ioc_val(t.k, t.vm, KVM_CREATE_VCPU, 0);
	CU_ASSERT_EQUAL_FATAL(cmd_ptr(t.k, t.vcpu, KVM_TDX_GET_CPUID, 0, &got, NULL), 0);
	for (uint32_t i = 0; i < got.h.nent; i++) {
		const struct kvm_cpuid_entry2 *e = &got.h.entries[i];

		if (e->function == 7 && e->index == 1)
			CU_ASSERT_EQUAL(e->eax, 0x10); /* not 7.0's values */
		if (e->function == 0xD && e->index == 1)
			CU_ASSERT_EQUAL(e->eax, 0x1);
		if (e->function == 4 && e->index == 3)
			CU_ASSERT_EQUAL(e->eax, 0x4000);
		if (e->function == 0x80000008)
			CU_ASSERT_EQUAL((e->eax >> 16) & 0xFF, 48);
	}
	free(caps);
	O->destroy(t.k);
}

/* MapGPA against the vCPU's MAXPHYADDR, which comes from its KVM_SET_CPUID2
 * model (cpuid_query_maxphyaddr: 36 without 0x80000000 >= 0x80000008). */
static void test_map_gpa_maxphyaddr(void)
{
	td t;
	exits x;
	tdx_guest *g;
	cpuid_buf c = { .h.nent = 2 };

	td_runnable(&t, &x, "", &g);
	c.h.entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = X2APIC };
	c.h.entries[1] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3030 };
	CU_ASSERT_EQUAL(ioc(t.k, t.vcpu, KVM_SET_CPUID2, &c), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(x.n, 0); /* refused in the kernel: the VMM never sees it */
	/* With 0x80000000 reaching 0x80000008: MAXPHYADDR 48, shared is legal
	 * (set before the vCPU first runs: KVM freezes the model then). */
	CU_ASSERT_EQUAL(set_cpuid(t.k, t.vcpu, X2APIC), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 1);
	CU_ASSERT_EQUAL(ioc(t.k, t.vcpu, KVM_SET_CPUID2, &c), -EINVAL);
	tdx_guest_close(g);
	td_close(&t);
}

/* hypercall.ret: Linux <= 7.1 makes anything non-zero INVALID_OPERAND;
 * Linux >= 7.2 retries on EAGAIN, refuses on EINVAL and fails KVM_RUN with
 * -EINVAL for anything else (3e2dec1ede0a). */
/* What the guest side cannot complete: an exit its VMM never runs to,
 * and a TDVMCALL made through the platform's own guest (tdx_emu_guest on
 * the TD's tdx_emu), which has no VMM to wait for. */
static void test_exit_not_resumed(void)
{
	td t;
	exits x;
	tdx_guest *g, *plain;

	td_runnable(&t, &x, "", &g);
	x.no_run = 1;
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_E_STATE,
			 "did not resume");
	CU_ASSERT_EQUAL(x.n, 0); /* no exit ever reached the VMM */
	CU_ASSERT_EQUAL_FATAL(tdx_emu_guest(tdx__kvm_emu_platform(t.k, t.vm), &plain), TDX_OK);
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(plain, 0x600000 | SHARED48, PG, NULL), TDX_E_STATE,
			 "tdx_vm_guest");
	tdx_guest_close(plain);
	tdx_guest_close(g);
	td_close(&t);
}

static void test_map_gpa_ret(void)
{
	td t;
	exits x;
	tdx_guest *g;
	uint64_t done = 0;

	td_runnable(&t, &x, "kernel=6.16", &g);
	x.map_ret = EAGAIN;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, &done), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(done, 0x400000 | SHARED48);
	CU_ASSERT_EQUAL(x.n, 1);
	tdx_guest_close(g);
	td_close(&t);

	td_runnable(&t, &x, "kernel=7.2", &g);
	x.map_ret = EAGAIN; /* RETRY, then the guest asks again */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 2);
	x.map_ret = EIO;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000, PG, NULL), TDX_E_OS);
	CU_ASSERT_EQUAL(x.run_err, -EINVAL);
	tdx_guest_close(g);
	td_close(&t);
	{
		void *k;

		TDX_ASSERT_FAILS(emu_create(&k, "kernel=7"), TDX_E_INVALID, "MAJOR.MINOR");
		TDX_ASSERT_FAILS(emu_create(&k, "mem=8M,kernel=x.2"), TDX_E_INVALID, "kernel=");
		CU_ASSERT_EQUAL_FATAL(emu_create(&k, "kernel=6.16,mem=8M"), TDX_OK);
		CU_ASSERT_EQUAL(O->kernel_version(k), 0x0610);
		O->destroy(k);
	}
}

/* Accepting memory KVM holds shared: KVM_EXIT_MEMORY_FAULT with KVM_RUN =
 * -1/EFAULT; the VMM converts, the vCPU resumes and the accept succeeds. */
static void test_memory_fault(void)
{
	td t;
	exits x;
	tdx_guest *g;
	const struct kvm_run *f;

	td_runnable(&t, &x, "", &g);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, 2 * PG, NULL), TDX_OK);
	x.n = 0;
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(g, 0x400000, TDX_PAGE_LEVEL_4K), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(x.n, 1);
	f = &x.runs[0];
	CU_ASSERT_EQUAL(f->exit_reason, KVM_EXIT_MEMORY_FAULT);
	CU_ASSERT_EQUAL(f->memory_fault.flags, KVM_MEMORY_EXIT_FLAG_PRIVATE);
	CU_ASSERT_EQUAL(f->memory_fault.gpa, 0x400000);
	CU_ASSERT_EQUAL(f->memory_fault.size, PG);
	CU_ASSERT_EQUAL(x.run_err, -EFAULT);
	CU_ASSERT_EQUAL(x.faults, 1);
	/* Accepted now: a second accept is the module's warning, no exit. */
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(g, 0x400000, TDX_PAGE_LEVEL_4K), TDX_OK);
	CU_ASSERT_EQUAL(x.n, 1);
	/* A VMM that does not convert: the TD faults again and again. */
	x.set_attrs = 0;
	TDX_ASSERT_FAILS(tdx_tdg_mem_page_accept(g, 0x401000, TDX_PAGE_LEVEL_4K), TDX_E_STATE,
			 "private");
	CU_ASSERT(x.faults > 2);
	tdx_guest_close(g);
	td_close(&t);
}

/* The TD's CPUID for what the module leaves to KVM (0x40000000+) comes from
 * the vCPU's KVM_SET_CPUID2 model, zeros where it has nothing. */
static void test_cpuid_from_model(void)
{
	td t;
	exits x;
	tdx_guest *g;
	cpuid_buf c = { .h.nent = 4 };
	uint32_t r[4];

	td_runnable(&t, &x, "", &g);
	c.h.entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = X2APIC };
	c.h.entries[1] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .eax = 0x40000001,
						    .ebx = 0x4b4d564b, .ecx = 0x564b4d56,
						    .edx = 0x4d };
	c.h.entries[2] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x80000008 };
	c.h.entries[3] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3030 };
	CU_ASSERT_EQUAL(ioc(t.k, t.vcpu, KVM_SET_CPUID2, &c), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000000, 0, r), TDX_OK);
	CU_ASSERT_EQUAL(r[0], 0x40000001);
	CU_ASSERT_EQUAL(memcmp(&r[1], "KVMKVMKVM\0\0\0", 12), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000001, 0, r), TDX_OK);
	CU_ASSERT_EQUAL(r[0] | r[1] | r[2] | r[3], 0);
	CU_ASSERT_EQUAL(x.n, 0);
	tdx_guest_close(g);
	td_close(&t);
}

/* guest_memfd's fallocate (kvm_gmem_fallocate) and Linux 7.2's VM-state
 * guard (-EBUSY). */
static void test_gmem_fallocate_and_guard(void)
{
	td t;
	uint8_t *img = pattern(1, 3);
	struct kvm_tdx_init_mem_region r = region(img, 0x2000, 1);
	init_vm_arg a;

	td_open(&t, "", 48, 1);
	CU_ASSERT_EQUAL(O->fallocate(t.k, t.lo, FALLOC_FL_PUNCH_HOLE, 0, PG), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(O->fallocate(t.k, t.lo, FALLOC_FL_KEEP_SIZE | FALLOC_FL_COLLAPSE_RANGE, 0, PG),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(O->fallocate(t.k, t.lo, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 1, PG),
			-EINVAL);
	CU_ASSERT_EQUAL(O->fallocate(t.k, t.vm, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, PG),
			-ENODEV);
	CU_ASSERT_EQUAL(O->fallocate(t.k, 999, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, PG),
			-EBADF);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), 0);
	r = region(img, 0x2000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EEXIST); /* populated */
	CU_ASSERT_EQUAL(O->fallocate(t.k, t.lo, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0x2000,
				     PG), 0);
	r = region(img, 0x2000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), 0); /* the hole takes a page again */
	/* The guard: -EBUSY, nothing done, then the command goes through. */
	tdx__kvm_emu_set_faults(t.k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 2 });
	r = region(img, 0x3000, 1);
	CU_ASSERT_EQUAL(mem_region(t.k, t.vcpu, 0, &r), -EBUSY);
	CU_ASSERT_EQUAL(r.nr_pages, 1);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), -EBUSY);
	CU_ASSERT_EQUAL(cmd(t.k, t.vm, KVM_TDX_FINALIZE_VM, 0, 0, NULL), 0);
	td_close(&t);
	/* INIT_VM too; CAPABILITIES is outside the guard. */
	td_open(&t, "", 48, 0);
	td_close(&t);
	CU_ASSERT_EQUAL_FATAL(emu_create(&t.k, ""), TDX_OK);
	t.sys = O->open_system(t.k);
	t.vm = (int)ioc_val(t.k, t.sys, KVM_CREATE_VM, KVM_X86_TDX_VM);
	CU_ASSERT_EQUAL(enable(t.k, t.vm, KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	make_init_vm(t.k, t.vm, &a, 48);
	tdx__kvm_emu_set_faults(t.k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 1 });
	{
		struct kvm_tdx_capabilities *caps = caps_alloc(32);

		CU_ASSERT_EQUAL(cmd_ptr(t.k, t.vm, KVM_TDX_CAPABILITIES, 0, caps, NULL), 0);
		free(caps);
	}
	CU_ASSERT_EQUAL(init_vm(t.k, t.vm, &a, NULL), -EBUSY);
	CU_ASSERT_EQUAL(init_vm(t.k, t.vm, &a, NULL), 0);
	O->destroy(t.k);
	free(img);
}

/* ---- concurrency: guest TDVMCALLs, exits issuing ioctls, other ioctls ---- */

struct worker {
	td *t;
	tdx_guest *g;
	int failures;
};

static void *guest_worker(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 40; i++) {
		if (tdx_tdvmcall_map_gpa(w->g, 0x400000 | SHARED48, M2 + PG, NULL) ||
		    tdx_tdvmcall_map_gpa(w->g, 0x400000, M2 + PG, NULL))
			w->failures++;
	}
	return NULL;
}

static void *report_worker(void *arg)
{
	struct worker *w = arg;
	uint8_t data[64] = { 0 }, report[TDREPORT_SIZE];

	for (int i = 0; i < 40; i++) {
		size_t len = sizeof(report);

		if (tdx_guest_get_report(w->g, data, sizeof(data), report, &len))
			w->failures++;
	}
	return NULL;
}

static void *host_worker(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 200; i++) {
		long fd = gmem_create(w->t->k, w->t->vm, M2);

		if (fd < 0 || O->close(w->t->k, (int)fd) ||
		    ioc_val(w->t->k, w->t->vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS) != 64 ||
		    !tdx__kvm_emu_platform(w->t->k, w->t->vm))
			w->failures++;
	}
	return NULL;
}

static void test_concurrency(void)
{
	td t;
	exits x;
	tdx_guest *g, *g2;
	struct worker a, b, c;
	pthread_t ta, tb, tc;

	td_runnable(&t, &x, "", &g);
	CU_ASSERT_EQUAL_FATAL(guest_of(&t, &x, &g2), TDX_OK);
	x.set_attrs = 1;
	a = (struct worker){ .t = &t, .g = g };
	b = (struct worker){ .t = &t, .g = g2 };
	c = (struct worker){ .t = &t };
	pthread_create(&ta, NULL, guest_worker, &a);
	pthread_create(&tb, NULL, report_worker, &b);
	pthread_create(&tc, NULL, host_worker, &c);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	CU_ASSERT_EQUAL(a.failures + b.failures + c.failures, 0);
	CU_ASSERT_EQUAL(x.attr_errors, 0);
	CU_ASSERT_EQUAL(x.n, 40 * 4);
	tdx_guest_close(g2);
	tdx_guest_close(g);
	td_close(&t);

	/* A VMM that closes every fd from inside the exit: its run loop cannot
	 * re-enter, so the TD's call cannot complete (as on a real host), and
	 * no later call can; the guest handle keeps the VM until it closes. */
	td_runnable(&t, &x, "", &g);
	x.close_all = 1;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000 | SHARED48, PG, NULL), TDX_E_OS);
	CU_ASSERT_EQUAL(x.n, 1);
	CU_ASSERT_EQUAL(x.attr_errors, 1); /* its KVM_SET_MEMORY_ATTRIBUTES on the closed fd */
	CU_ASSERT_EQUAL(ioc_val(t.k, t.vm, KVM_CHECK_EXTENSION, 0), -EBADF);
	TDX_ASSERT_FAILS(tdx_tdvmcall_map_gpa(g, 0x400000, PG, NULL), TDX_E_STATE, "closed");
	CU_ASSERT_EQUAL(x.n, 1);
	tdx_guest_close(g);
	td_close(&t);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_system),
		TDX_TEST(test_happy_path),
		TDX_TEST(test_capabilities_errors),
		TDX_TEST(test_init_vm_errors),
		TDX_TEST(test_vm_caps_errors),
		TDX_TEST(test_vcpu_errors),
		TDX_TEST(test_memory_errors),
		TDX_TEST(test_mem_region_errors),
		TDX_TEST(test_finalize_errors),
		TDX_TEST(test_mem_region_faults),
		TDX_TEST(test_guest_identity),
		TDX_TEST(test_guest_quote),
		TDX_TEST(test_guest_map_gpa),
		TDX_TEST(test_guest_other_exits),
		TDX_TEST(test_cpuid_copy_cnt),
		TDX_TEST(test_map_gpa_maxphyaddr),
		TDX_TEST(test_exit_not_resumed),
		TDX_TEST(test_map_gpa_ret),
		TDX_TEST(test_memory_fault),
		TDX_TEST(test_cpuid_from_model),
		TDX_TEST(test_gmem_fallocate_and_guard),
		TDX_TEST(test_lifetime),
		TDX_TEST(test_conf),
		TDX_TEST(test_concurrency),
		{ NULL, NULL },
	};

	return tdx_test_run("kvm_emu", tests);
}
