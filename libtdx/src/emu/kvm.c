/* SPDX-License-Identifier: MIT */
/*
 * The emulated KVM: a software /dev/kvm with the TDX host side, behind the
 * same ioctl interface as the kernel (host_backend.h).  It answers the
 * ioctls of uapi/kvm.h with the kernel's structures, state machine, kvm_run
 * exits and errno values, as upstream KVM does (virt/kvm/kvm_main.c,
 * virt/kvm/guest_memfd.c, arch/x86/kvm/x86.c, arch/x86/kvm/cpuid.c,
 * arch/x86/kvm/vmx/tdx.c; docs/kvm-conformance.md has each behaviour with
 * its source and test), and measures the TD as the TDX module does
 * (through <tdx/measure.h>).  Where it departs, the comment at that spot
 * says so; a departure is a bug to fix, not a choice.
 *
 * Objects: the system fd, VMs, vCPUs and guest_memfd files are small
 * positive integers in a table of this context (never kernel fds; the
 * lowest free number is reused, as the kernel does).  A VM lives while its
 * fd, a vCPU fd, a guest_memfd fd or a guest side of it is open (each pins
 * the VM, as in the kernel).  vCPUs live as long as their VM.  One mutex
 * per context serialises everything.
 *
 * The TD's code is either libtdx's guest calls (tdx_vm_guest: the "emu"
 * backend) or real code in a VM (TD-in-a-box).  Its TDCALLs go to a
 * tdx_emu (the emulated TDX module) configured like the TD; the hooks
 * below make a TDVMCALL that needs the VMM an exit, as KVM makes it: the
 * TDCALL is deferred, KVM_RUN returns the exit, the next KVM_RUN takes the
 * VMM's answer and the TDCALL, executed again, completes (exit_start).
 *
 * map_run hands out the vCPU's one kvm_run page (as every mmap of a vCPU
 * fd maps the same page); it lives while the vCPU or a mapping does.
 *
 * Locking: the context mutex is never held while taking a tdx_emu's lock
 * (a TDCALL holds the emu's lock and then takes the mutex in a hook), nor
 * while the guest side runs the vCPU through the VMM's run loop.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tdx/emu.h>
#include <tdx/measure.h>

#include "../guest_backend.h"
#include "../host_backend.h"
#include "box.h"
#include "emu_internal.h"

/* ---- constants of the modelled kernel and TDX module ---- */

#define PG 4096ULL
#define CHUNK_2M (2ULL << 20)
#define RUN_AREA_SIZE (3 * 4096)    /* as x86 KVM: kvm_run, the PIO data page, the
				     * coalesced-MMIO ring */
#define FD_BASE 3                   /* 0..2 look like stdio; never handed out */
#define VM_TYPES_MASK ((1ULL << KVM_X86_DEFAULT_VM) | (1ULL << KVM_X86_TDX_VM))
#define KVM_MAX_VCPU_IDS 4096
#define HOST_MAX_VCPUS 1024         /* KVM_MAX_VCPUS */
#define TD_MAX_VCPUS 64             /* a TD is clamped to the present CPUs: 64 here */
#define KVM_MEM_SLOTS_NUM 32767
#define KVM_MEM_MAX_NR_PAGES ((1ULL << 31) - 1)
#define MEM_LOG_DIRTY_PAGES (1U << 0)
#define MEM_READONLY (1U << 1)
#define USER_ADDR_MAX 0x00007FFFFFFFF000ULL /* TASK_SIZE_MAX: access_ok() */
#define X2APIC_API_VALID 0x3ULL     /* USE_32BIT_IDS | DISABLE_BROADCAST_QUIRK */
#define HC_VALID_MASK (1ULL << KVM_HC_MAP_GPA_RANGE)
#define MAX_IRQ_ROUTES 4096         /* MAX_NR_RESERVED_IOAPIC_PINS */
#define DEFAULT_TSC_KHZ 2500000u    /* the "host" TSC: 2.5 GHz */
#define APIC_DEFAULT_BASE 0xFEE00000ULL
#define APIC_BSP (1ULL << 8)
#define APIC_X2APIC_MODE ((1ULL << 10) | (1ULL << 11))

/* TDX (KVM_TDX_CAPABILITIES, TD_PARAMS, SEAMCALL statuses). */
#define ATTR_SEPT_VE_DISABLE (1ULL << 28)
#define SUPPORTED_ATTRS ATTR_SEPT_VE_DISABLE /* mainline KVM: only SEPT_VE_DISABLE */
/* x87, SSE, AVX, AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM), PT, PKRU, CET_U,
 * CET_S, UINTR, LBR, AMX TILECFG/TILEDATA: KVM's XCR0|XSS within XFAM_FIXED0. */
#define SUPPORTED_XFAM 0x6DBE7ULL
#define XFAM_FIXED1 0x3ULL
#define TDX_RND_NO_ENTROPY 0x8000020300000000ULL
#define TDX_NO_VCPUS 0xC000060900000000ULL
#define OPERAND_ID_XFAM 65
#define OPERAND_ID_CPUID_CONFIG 69
#define OPERAND_ID_TSC_FREQUENCY 70
#define EXIT_REASON_TDCALL 77

/* TDVMCALL leaves (GHCI) and KVM's TD_STATE_*. */
#define VMCALL_GET_TD_VM_CALL_INFO 0x10000
#define VMCALL_MAP_GPA 0x10001
#define VMCALL_GET_QUOTE 0x10002
#define VMCALL_REPORT_FATAL_ERROR 0x10003
#define VMCALL_SETUP_EVENT_NOTIFY 0x10004
#define VMCALL_CPUID 10
#define VMCALL_HLT 12
#define VMCALL_IO 30
#define VMCALL_RDMSR 31
#define VMCALL_WRMSR 32
#define VMCALL_MMIO 48

/* The emulated kernel's release (major << 8 | minor): the "kernel=" key;
 * TDX_KERNEL_MAPGPA_RET (host_backend.h) is one of its generations. */
#define KERNEL_DEFAULT 0x0702u
#define KERNEL_GMEM_EEXIST 0x0702u
#define MAXPHYADDR_DEFAULT 36 /* cpuid_query_maxphyaddr() without 0x80000008 */

enum td_state { TD_UNINITIALIZED, TD_INITIALIZED, TD_RUNNABLE };
enum exit_state { EXIT_NONE, EXIT_PENDING, EXIT_DELIVERED, EXIT_ANSWERED };
enum irqchip_mode { IRQCHIP_NONE, IRQCHIP_KERNEL, IRQCHIP_SPLIT };
enum obj_kind { OBJ_FREE, OBJ_SYSTEM, OBJ_VM, OBJ_VCPU, OBJ_GMEM };

/*
 * The TDX module's configurable CPUID leaves (KVM_TDX_CAPABILITIES): the
 * values are the bits a host may set.  The slots are a real module's
 * (intel/tdx-module include/auto_gen/cpuid_configurations.c: leaf 1, leaf 4
 * subleaves 0-3, leaf 7 subleaves 0-2, 0xD subleaves 0-1, ...), the masks a
 * realistic Sapphire/Emerald Rapids-like set.  KVM reports every slot with
 * flags 0 (td_init_cpuid_entry2 sets function, index and registers only);
 * `indexed` is for KVM_TDX_GET_CPUID, which flags subleaf-indexed leaves.
 * 0x80000008 EAX[23:16] = 0xff says the GPAW is configurable.  CPUID.7.0
 * keeps HLE, RTM and WAITPKG configurable in the module; KVM clears them
 * from what CAPABILITIES reports and refuses them in INIT_VM itself.
 */
static const struct td_cpuid_config {
	uint32_t leaf, subleaf;
	int indexed; /* a subleaf-indexed leaf */
	uint32_t eax, ebx, ecx, edx;
} cpuid_configs[] = {
	{ 0x00000001, 0, 0, 0x0FFF3FFF, 0x00000000, 0x72D8B203, 0x00000000 },
	{ 0x00000004, 0, 1, 0xFFFFC000, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000004, 1, 1, 0xFFFFC000, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000004, 2, 1, 0xFFFFC000, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000004, 3, 1, 0xFFFFC000, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000007, 0, 1, 0x00000000, 0xF1BF0F39, 0x18405F6A, 0x03C14110 },
	{ 0x00000007, 1, 1, 0x00201C30, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000007, 2, 1, 0x00000000, 0x00000000, 0x00000000, 0x0000003F },
	{ 0x0000000D, 0, 1, 0x000602E7, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x0000000D, 1, 1, 0x0000001F, 0x00000000, 0x00001900, 0x00000000 },
	{ 0x00000014, 0, 1, 0x00000000, 0x0000003F, 0x0000000F, 0x00000000 },
	{ 0x00000019, 0, 0, 0x00000000, 0x00000015, 0x00000000, 0x00000000 },
	{ 0x0000001C, 0, 1, 0x000000FF, 0x00000000, 0x00000000, 0x00000000 },
	{ 0x00000024, 0, 1, 0x00000000, 0x000700FF, 0x00000000, 0x00000000 },
	{ 0x80000001, 0, 0, 0x00000000, 0x00000000, 0x00000121, 0x00000000 },
	{ 0x80000008, 0, 0, 0x00FF0000, 0x00000200, 0x00000000, 0x00000000 },
};
#define NUM_CPUID_CONFIG ((uint32_t)TDX_ARRAY_SIZE(cpuid_configs))

/* Bits of leaf 1 the module fixes to 1 in every TD: ECX x2APIC, XSAVE,
 * hypervisor; EDX the baseline x86-64 features (FPU ... SSE2). */
#define CPUID1_ECX_FIXED1 0x84200000U
#define CPUID1_EDX_FIXED1 0x0F8BFBFFU

/* KVM_GET_SUPPORTED_CPUID's 0x40000001.EAX as arch/x86/kvm/cpuid.c
 * __do_cpuid_func(KVM_CPUID_FEATURES) builds it: CLOCKSOURCE 0, NOP_IO_DELAY 1,
 * CLOCKSOURCE2 3, ASYNC_PF 4, STEAL_TIME 5 (sched_info_on(), as in distro
 * kernels), PV_EOI 6, PV_UNHALT 7, PV_TLB_FLUSH 9, ASYNC_PF_VMEXIT 10,
 * PV_SEND_IPI 11, POLL_CONTROL 12, PV_SCHED_YIELD 13, ASYNC_PF_INT 14,
 * CLOCKSOURCE_STABLE_BIT 24.  MSI_EXT_DEST_ID is the VMM's to add. */
#define KVM_PV_FEATURES 0x01007EFBu

#define CPUID7_EBX_HLE (1U << 4)
#define CPUID7_EBX_RTM (1U << 11)
#define CPUID7_ECX_WAITPKG (1U << 5)
#define CPUID1_ECX_X2APIC (1U << 21)

/* ---- objects ---- */

struct kvm_emu;
struct vm;

/* A vCPU's kvm_run page: the vCPU and each mapping hold a reference. */
struct run_page {
	struct kvm_run *run;
	int refs;
	struct run_page *next;
};

struct vcpu {
	struct vm *vm;
	unsigned id;
	int fd;                  /* -1 once closed (the vCPU lives on with its VM) */
	struct run_page *page;
	struct kvm_cpuid_entry2 *cpuid;
	uint32_t cpuid_nent;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int has_run;
	/* TDX */
	int td_init;             /* KVM_TDX_INIT_VCPU done */
	unsigned td_index;       /* VCPU_INDEX: INIT_VCPU order */
	uint64_t init_rcx;
	uint64_t apic_base;
	unsigned maxphyaddr;     /* from the KVM_SET_CPUID2 model */
	/* an exit made for the emulated TD (see exit_start) */
	enum exit_state exit_state;
	int exit_errno;          /* KVM_RUN fails with it (EFAULT: memory fault) */
	uint64_t exit_key[4];
	struct kvm_run answer;   /* kvm_run as the VMM re-entered with it */
	uint64_t map_key[4], map_next; /* the MapGPA in progress (map_gpa_next) */
};

struct gmem_page {
	uint64_t pgoff;
	uint8_t *data;           /* 4 KiB: what INIT_MEM_REGION copied in */
};

struct gmem {
	struct vm *vm;
	int fd;
	uint64_t size;
	struct gmem_page *pages; /* sorted by pgoff; present = "prepared" */
	size_t npages, cap;
};

struct slot {
	uint32_t id;             /* as_id << 16 | slot */
	uint32_t flags;
	uint64_t gpa, size, uaddr, gmem_off;
	struct gmem *gmem;       /* NULL once the guest_memfd was closed */
};

struct range {
	uint64_t start, end;
};

struct vm {
	struct kvm_emu *k;
	struct vm *next;
	int refs;                /* VM fd + vCPU fds + guest_memfd fds + users in flight */
	int fd;
	unsigned long type;
	int dead;                /* KVM_BUG_ON: every ioctl -EIO */
	int destroying;
	unsigned max_vcpus;
	enum irqchip_mode irqchip;
	uint64_t ioapic_pins, hc_exit, x2apic_flags, apic_bus_ns;
	uint32_t tsc_khz;
	struct vcpu **vcpus;
	unsigned nvcpus, vcpus_cap, ninit;
	struct slot *slots;
	size_t nslots, slots_cap;
	struct range *priv;      /* KVM_MEMORY_ATTRIBUTE_PRIVATE ranges, sorted, merged */
	size_t npriv;
	/* the TD */
	enum td_state state;
	uint64_t attributes, xfam;
	uint8_t mrconfigid[48], mrowner[48], mrownerconfig[48];
	unsigned gpaw;
	struct kvm_cpuid_entry2 td_cpuid[NUM_CPUID_CONFIG]; /* in config order */
	int td_cpuid_set[NUM_CPUID_CONFIG];
	tdx_mrtd *mrtd_ctx;
	uint8_t mrtd[48];
	/* the guest side */
	pthread_mutex_t guest_lock; /* one guest TDCALL with exits at a time */
	tdx_emu *emu;
	struct vcpu *exit_vcpu;
	tdx__box *box;           /* TD-in-a-box: the real VM running the TD */
};

struct fd_entry {
	enum obj_kind kind;
	void *obj;
};

struct kvm_emu {
	pthread_mutex_t lock;
	char *conf;
	tdx__kvm_emu_faults faults;
	struct fd_entry *fds;
	size_t nfds;
	struct vm *vms;
	struct vm *graveyard;    /* unreferenced VMs, freed after the mutex is dropped */
	struct run_page *pages;
	unsigned kernel;         /* the emulated release, major << 8 | minor */
	int system_dummy;        /* the object behind system fds */
	int box_kvm;             /* TD-in-a-box: the real KVM (/dev/kvm), else -1 */
};

static int is_td(const struct vm *vm)
{
	return vm->type == KVM_X86_TDX_VM;
}

static uint64_t shared_bit(const struct vm *vm)
{
	return 1ULL << (vm->gpaw - 1);
}

/* ---- fds ---- */

static int fd_alloc(struct kvm_emu *k, enum obj_kind kind, void *obj)
{
	size_t i;

	for (i = 0; i < k->nfds; i++)
		if (k->fds[i].kind == OBJ_FREE)
			break;
	if (i == k->nfds) {
		size_t n = k->nfds ? 2 * k->nfds : 16;
		struct fd_entry *f = realloc(k->fds, n * sizeof(*f));

		if (!f)
			return -ENOMEM;
		memset(f + k->nfds, 0, (n - k->nfds) * sizeof(*f));
		k->fds = f;
		k->nfds = n;
	}
	k->fds[i].kind = kind;
	k->fds[i].obj = obj;
	return (int)i + FD_BASE;
}

static struct fd_entry *fd_get(struct kvm_emu *k, int fd)
{
	if (fd < FD_BASE || (size_t)(fd - FD_BASE) >= k->nfds ||
	    k->fds[fd - FD_BASE].kind == OBJ_FREE)
		return NULL;
	return &k->fds[fd - FD_BASE];
}

static void *fd_obj(struct kvm_emu *k, int fd, enum obj_kind kind)
{
	struct fd_entry *f = fd_get(k, fd);

	return f && f->kind == kind ? f->obj : NULL;
}

/* ---- run pages ---- */

static struct run_page *page_new(struct kvm_emu *k)
{
	struct run_page *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->run = calloc(1, RUN_AREA_SIZE);
	if (!p->run) {
		free(p);
		return NULL;
	}
	p->refs = 1;
	p->next = k->pages;
	k->pages = p;
	return p;
}

static void page_put(struct kvm_emu *k, struct run_page *p)
{
	if (!p || --p->refs > 0)
		return;
	for (struct run_page **pp = &k->pages; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	free(p->run);
	free(p);
}

/* ---- VM lifetime ---- */

static void vm_put(struct kvm_emu *k, struct vm *vm)
{
	if (--vm->refs > 0)
		return;
	for (struct vm **pp = &k->vms; *pp; pp = &(*pp)->next)
		if (*pp == vm) {
			*pp = vm->next;
			break;
		}
	vm->destroying = 1;
	vm->next = k->graveyard;
	k->graveyard = vm;
}

static void vm_free(struct vm *vm)
{
	tdx__box_destroy(vm->box); /* it borrows the module: first */
	if (vm->emu) {
		/* Waits for a TDVMCALL in flight on another thread (it holds the
		 * emu's lock): afterwards no hook can reach this VM. */
		tdx__emu_set_host(vm->emu, NULL);
		tdx_emu_close(vm->emu);
	}
	tdx_mrtd_free(vm->mrtd_ctx);
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		free(vm->vcpus[i]->cpuid);
		free(vm->vcpus[i]);
	}
	free(vm->vcpus);
	free(vm->slots);
	free(vm->priv);
	pthread_mutex_destroy(&vm->guest_lock);
	free(vm);
}

/* Drop the mutex, then free what became unreferenced while it was held. */
static void unlock_and_reap(struct kvm_emu *k)
{
	struct vm *dead = k->graveyard;

	k->graveyard = NULL;
	for (struct vm *vm = dead; vm; vm = vm->next)
		for (unsigned i = 0; i < vm->nvcpus; i++)
			page_put(k, vm->vcpus[i]->page);
	pthread_mutex_unlock(&k->lock);
	while (dead) {
		struct vm *next = dead->next;

		vm_free(dead);
		dead = next;
	}
}

/* ---- memory attributes: sorted, merged [start, end) ranges ---- */

static int attr_set(struct vm *vm, uint64_t start, uint64_t end, int private)
{
	size_t cap = vm->npriv + 2, n = 0;
	struct range *out = malloc(cap * sizeof(*out));
	int placed = !private;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < vm->npriv; i++) {
		struct range r = vm->priv[i];

		if (r.end <= start || r.start >= end) {
			if (!placed && r.start >= end) {
				out[n++] = (struct range){ start, end };
				placed = 1;
			}
			out[n++] = r;
			continue;
		}
		if (r.start < start)
			out[n++] = (struct range){ r.start, start };
		if (!placed) {
			out[n++] = (struct range){ start, end };
			placed = 1;
		}
		if (r.end > end)
			out[n++] = (struct range){ end, r.end };
	}
	if (!placed)
		out[n++] = (struct range){ start, end };
	/* merge touching neighbours */
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (m && out[m - 1].end >= out[i].start) {
			if (out[i].end > out[m - 1].end)
				out[m - 1].end = out[i].end;
		} else {
			out[m++] = out[i];
		}
	}
	free(vm->priv);
	vm->priv = out;
	vm->npriv = m;
	return 0;
}

static int range_private(const struct vm *vm, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < vm->npriv; i++)
		if (vm->priv[i].start <= start && end <= vm->priv[i].end)
			return 1;
	return 0;
}

/* ---- guest_memfd contents ---- */

static struct gmem_page *gmem_find(struct gmem *g, uint64_t pgoff, size_t *pos)
{
	size_t lo = 0, hi = g->npages;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->pages[mid].pgoff < pgoff)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return lo < g->npages && g->pages[lo].pgoff == pgoff ? &g->pages[lo] : NULL;
}

static int gmem_insert(struct gmem *g, uint64_t pgoff, const void *src)
{
	size_t pos;
	uint8_t *data;

	gmem_find(g, pgoff, &pos);
	if (g->npages == g->cap) {
		size_t n = g->cap ? 2 * g->cap : 64;
		struct gmem_page *p = realloc(g->pages, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		g->pages = p;
		g->cap = n;
	}
	data = malloc(PG);
	if (!data)
		return -ENOMEM;
	memcpy(data, src, PG);
	memmove(&g->pages[pos + 1], &g->pages[pos], (g->npages - pos) * sizeof(*g->pages));
	g->pages[pos].pgoff = pgoff;
	g->pages[pos].data = data;
	g->npages++;
	return 0;
}

static void gmem_free(struct gmem *g)
{
	for (size_t i = 0; i < g->npages; i++)
		free(g->pages[i].data);
	free(g->pages);
	free(g);
}

/* ---- capabilities ---- */

static long check_extension(const struct vm *vm, unsigned long ext)
{
	int private_mem = !vm || is_td(vm);

	switch (ext) {
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_USER_MEMORY2:
	case KVM_CAP_SPLIT_IRQCHIP:
	case KVM_CAP_VM_TSC_CONTROL:
	case KVM_CAP_X86_APIC_BUS_CYCLES_NS:
		return 1;
	case KVM_CAP_X2APIC_API:
		return X2APIC_API_VALID; /* the kernel reports its valid flags */
	case KVM_CAP_VM_TYPES:
		return VM_TYPES_MASK;
	case KVM_CAP_GUEST_MEMFD:
		return private_mem;
	case KVM_CAP_MEMORY_ATTRIBUTES:
		return private_mem ? (long)KVM_MEMORY_ATTRIBUTE_PRIVATE : 0;
	case KVM_CAP_EXIT_HYPERCALL:
		return HC_VALID_MASK;
	case KVM_CAP_MAX_VCPUS:
		return vm ? vm->max_vcpus : HOST_MAX_VCPUS;
	default:
		return 0;
	}
}

/*
 * KVM_GET_SUPPORTED_CPUID: this CPU's leaves as KVM would offer them (x2APIC
 * and the hypervisor bit set: KVM emulates both).  -E2BIG without updating
 * nent when the array is too small, as the kernel.
 */
static long supported_cpuid(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 e[64];
	unsigned a, b, cc, d, max, n = 0;

	if (!c)
		return -EFAULT;
	if (c->nent < 1)
		return -E2BIG;
	__cpuid_count(0, 0, max, b, cc, d);
	if (max > 0x24)
		max = 0x24;
	for (unsigned leaf = 0; leaf <= max && n < 48; leaf++) {
		unsigned subs = 1;
		int indexed = leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd || leaf == 0x1f;

		if (leaf == 7) {
			__cpuid_count(7, 0, a, b, cc, d);
			subs = a + 1 > 3 ? 3 : a + 1;
		} else if (leaf == 0xd) {
			subs = 2;
		} else if (leaf == 4 || leaf == 0xb || leaf == 0x1f) {
			subs = 2;
		}
		for (unsigned s = 0; s < subs; s++) {
			__cpuid_count(leaf, s, a, b, cc, d);
			if (leaf == 1)
				cc |= CPUID1_ECX_X2APIC | (1U << 31);
			e[n++] = (struct kvm_cpuid_entry2){ .function = leaf, .index = s,
				.flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
				.eax = a, .ebx = b, .ecx = cc, .edx = d };
		}
	}
	/* KVM's own leaves (kvm_cpuid.c): the signature and paravirt features. */
	e[n] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .eax = 0x40000001 };
	memcpy(&e[n].ebx, "KVMKVMKVM\0\0\0", 12);
	n++;
	e[n++] = (struct kvm_cpuid_entry2){ .function = 0x40000001, .eax = KVM_PV_FEATURES };
	__cpuid_count(0x80000000, 0, max, b, cc, d);
	if (max > 0x80000008)
		max = 0x80000008;
	for (unsigned leaf = 0x80000000; leaf <= max && n < TDX_ARRAY_SIZE(e); leaf++) {
		__cpuid_count(leaf, 0, a, b, cc, d);
		e[n++] = (struct kvm_cpuid_entry2){ .function = leaf, .eax = a, .ebx = b, .ecx = cc,
						    .edx = d };
	}
	if (c->nent < n)
		return -E2BIG;
	memcpy(c->entries, e, n * sizeof(*e));
	c->nent = n;
	return 0;
}

/* ---- the system fd ---- */

static long create_vm(struct kvm_emu *k, unsigned long type)
{
	struct vm *vm;
	int fd;

	if (type > 31 || !(VM_TYPES_MASK & (1ULL << type)))
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->k = k;
	vm->type = type;
	vm->refs = 1;
	vm->max_vcpus = type == KVM_X86_TDX_VM ? TD_MAX_VCPUS : HOST_MAX_VCPUS;
	vm->tsc_khz = DEFAULT_TSC_KHZ;
	vm->gpaw = 48;
	fd = fd_alloc(k, OBJ_VM, vm);
	if (fd < 0) {
		free(vm);
		return fd;
	}
	pthread_mutex_init(&vm->guest_lock, NULL);
	vm->fd = fd;
	vm->next = k->vms;
	k->vms = vm;
	return fd;
}

static long system_ioctl(struct kvm_emu *k, unsigned long req, void *arg)
{
	unsigned long val = (unsigned long)(uintptr_t)arg;

	switch (req) {
	case KVM_GET_API_VERSION:
		return val ? -EINVAL : KVM_API_VERSION;
	case KVM_CREATE_VM:
		return create_vm(k, val);
	case KVM_CHECK_EXTENSION:
		return check_extension(NULL, val);
	case KVM_GET_VCPU_MMAP_SIZE:
		return val ? -EINVAL : RUN_AREA_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return supported_cpuid(arg);
	default:
		return -EINVAL; /* x86 kvm_arch_dev_ioctl */
	}
}

/* ---- VM fd ---- */

static long enable_cap(struct vm *vm, const struct kvm_enable_cap *cap)
{
	if (!cap)
		return -EFAULT;
	if (cap->flags)
		return -EINVAL;
	switch (cap->cap) {
	case KVM_CAP_SPLIT_IRQCHIP:
		/* x86.c: at most KVM_MAX_IRQ_ROUTES reserved pins (0 is allowed);
		 * an irqchip already there or vCPUs already created: -EEXIST. */
		if (cap->args[0] > MAX_IRQ_ROUTES)
			return -EINVAL;
		if (vm->irqchip != IRQCHIP_NONE || vm->nvcpus)
			return -EEXIST;
		vm->irqchip = IRQCHIP_SPLIT;
		vm->ioapic_pins = cap->args[0];
		return 0;
	case KVM_CAP_EXIT_HYPERCALL:
		if (cap->args[0] & ~HC_VALID_MASK)
			return -EINVAL;
		vm->hc_exit = cap->args[0];
		return 0;
	case KVM_CAP_X2APIC_API:
		if (cap->args[0] & ~X2APIC_API_VALID)
			return -EINVAL;
		vm->x2apic_flags = cap->args[0];
		return 0;
	case KVM_CAP_X86_APIC_BUS_CYCLES_NS:
		/* tmict_to_ns() must not overflow: U32_MAX * 128 * ns. */
		if (!cap->args[0] || cap->args[0] > UINT64_MAX / (0xFFFFFFFFULL * 128))
			return -EINVAL;
		if (vm->irqchip == IRQCHIP_NONE)
			return -ENXIO;
		if (vm->nvcpus)
			return -EINVAL;
		vm->apic_bus_ns = cap->args[0];
		return 0;
	default:
		return -EINVAL;
	}
}

static long create_gmem(struct kvm_emu *k, struct vm *vm, const struct kvm_create_guest_memfd *a)
{
	struct gmem *g;
	int fd;

	if (!a)
		return -EFAULT;
	if (a->flags)
		return -EINVAL; /* no flags are valid for a TD */
	if ((int64_t)a->size <= 0 || a->size % PG)
		return -EINVAL;
	/* The reserved words: the mainline kvm_gmem_create() does not look at
	 * them; the emulator insists they are zero (future flags would live
	 * there), as the task asked.  Unconfirmed in the kernel. */
	for (int i = 0; i < 6; i++)
		if (a->reserved[i])
			return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	g->size = a->size;
	fd = fd_alloc(k, OBJ_GMEM, g);
	if (fd < 0) {
		free(g);
		return fd;
	}
	g->fd = fd;
	vm->refs++; /* the file pins the VM */
	return fd;
}

static struct slot *slot_by_id(struct vm *vm, uint32_t id)
{
	for (size_t i = 0; i < vm->nslots; i++)
		if (vm->slots[i].id == id)
			return &vm->slots[i];
	return NULL;
}

static struct slot *slot_by_gpa(struct vm *vm, uint64_t gpa)
{
	for (size_t i = 0; i < vm->nslots; i++)
		if ((vm->slots[i].id >> 16) == 0 && gpa >= vm->slots[i].gpa &&
		    gpa - vm->slots[i].gpa < vm->slots[i].size)
			return &vm->slots[i];
	return NULL;
}

static long set_memory_region(struct kvm_emu *k, struct vm *vm,
			      const struct kvm_userspace_memory_region2 *m)
{
	uint32_t valid = MEM_LOG_DIRTY_PAGES, as_id, id;
	struct slot *old, nw;
	int create, move = 0;

	if (!m)
		return -EFAULT;
	/* check_memory_region_flags(): GUEST_MEMFD only with private memory
	 * (TDs), no dirty logging of it, read-only only without it (and never
	 * for a TD, which has protected state). */
	if (is_td(vm))
		valid |= KVM_MEM_GUEST_MEMFD;
	if (m->flags & KVM_MEM_GUEST_MEMFD)
		valid &= ~MEM_LOG_DIRTY_PAGES;
	if (!is_td(vm) && !(m->flags & KVM_MEM_GUEST_MEMFD))
		valid |= MEM_READONLY;
	if (m->flags & ~valid)
		return -EINVAL;
	as_id = m->slot >> 16;
	id = m->slot & 0xFFFF;
	if (m->memory_size % PG || m->guest_phys_addr % PG)
		return -EINVAL;
	if (m->userspace_addr % PG || m->userspace_addr > USER_ADDR_MAX ||
	    m->memory_size > USER_ADDR_MAX - m->userspace_addr)
		return -EINVAL;
	if ((m->flags & KVM_MEM_GUEST_MEMFD) &&
	    (m->guest_memfd_offset % PG ||
	     m->guest_memfd_offset + m->memory_size < m->guest_memfd_offset))
		return -EINVAL;
	if (as_id >= (is_td(vm) ? 1u : 2u) || id >= KVM_MEM_SLOTS_NUM)
		return -EINVAL;
	if (m->guest_phys_addr + m->memory_size < m->guest_phys_addr)
		return -EINVAL;
	if (m->memory_size / PG > KVM_MEM_MAX_NR_PAGES)
		return -EINVAL;
	old = slot_by_id(vm, m->slot);
	if (!m->memory_size) { /* delete */
		if (!old)
			return -EINVAL;
		*old = vm->slots[--vm->nslots];
		return 0;
	}
	create = !old;
	if (old) {
		/* guest_memfd slots are immutable: only deleted */
		if ((m->flags | old->flags) & KVM_MEM_GUEST_MEMFD)
			return -EINVAL;
		if (m->userspace_addr != old->uaddr || m->memory_size != old->size ||
		    ((m->flags ^ old->flags) & MEM_READONLY))
			return -EINVAL;
		if (m->guest_phys_addr != old->gpa)
			move = 1;
		else if (m->flags == old->flags)
			return 0;
	}
	if (create || move)
		for (size_t i = 0; i < vm->nslots; i++) {
			const struct slot *s = &vm->slots[i];

			if (s->id == m->slot || (s->id >> 16) != as_id)
				continue;
			if (m->guest_phys_addr < s->gpa + s->size &&
			    s->gpa < m->guest_phys_addr + m->memory_size)
				return -EEXIST;
		}
	/* No moving of memslots of a VM with a mirrored (Secure-EPT) page table. */
	if (move && is_td(vm))
		return -EINVAL;
	nw = (struct slot){ .id = m->slot, .flags = m->flags, .gpa = m->guest_phys_addr,
			    .size = m->memory_size, .uaddr = m->userspace_addr };
	if (m->flags & KVM_MEM_GUEST_MEMFD) {
		/* kvm_gmem_bind() */
		struct fd_entry *f = fd_get(k, (int)m->guest_memfd);
		struct gmem *g;
		uint64_t start = m->guest_memfd_offset, end = start + m->memory_size;

		if (!f)
			return -EBADF;
		g = f->kind == OBJ_GMEM ? f->obj : NULL;
		if (!g || g->vm != vm)
			return -EINVAL;
		if (end > g->size)
			return -EINVAL;
		/*
		 * A range of the file bound twice: kvm_gmem_bind() fails with
		 * -EINVAL through Linux 7.1 and -EEXIST from 7.2 (7ea987a90585
		 * "KVM: guest_memfd: Return -EEXIST for overlapping bindings").
		 */
		for (size_t i = 0; i < vm->nslots; i++) {
			const struct slot *s = &vm->slots[i];

			if (s->gmem == g && start < s->gmem_off + s->size && s->gmem_off < end)
				return k->kernel >= KERNEL_GMEM_EEXIST ? -EEXIST : -EINVAL;
		}
		nw.gmem = g;
		nw.gmem_off = start;
	}
	if (old) {
		*old = nw;
		return 0;
	}
	if (vm->nslots == vm->slots_cap) {
		size_t n = vm->slots_cap ? 2 * vm->slots_cap : 8;
		struct slot *s = realloc(vm->slots, n * sizeof(*s));

		if (!s)
			return -ENOMEM;
		vm->slots = s;
		vm->slots_cap = n;
	}
	vm->slots[vm->nslots++] = nw;
	return 0;
}

static long set_memory_region_v1(struct kvm_emu *k, struct vm *vm,
				 const struct kvm_userspace_memory_region *m)
{
	struct kvm_userspace_memory_region2 m2 = { 0 };

	if (!m)
		return -EFAULT;
	if (m->flags & KVM_MEM_GUEST_MEMFD)
		return -EINVAL;
	m2.slot = m->slot;
	m2.flags = m->flags;
	m2.guest_phys_addr = m->guest_phys_addr;
	m2.memory_size = m->memory_size;
	m2.userspace_addr = m->userspace_addr;
	return set_memory_region(k, vm, &m2);
}

static long set_memory_attributes(struct vm *vm, const struct kvm_memory_attributes *a)
{
	uint64_t supported = is_td(vm) ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0;

	if (!a)
		return -EFAULT;
	if (a->flags)
		return -EINVAL;
	if (a->attributes & ~supported)
		return -EINVAL;
	if (!a->size || a->address + a->size < a->address)
		return -EINVAL;
	if (a->address % PG || a->size % PG)
		return -EINVAL;
	return attr_set(vm, a->address, a->address + a->size,
			!!(a->attributes & KVM_MEMORY_ATTRIBUTE_PRIVATE));
}

static void vcpu_reset_regs(struct vcpu *v)
{
	memset(&v->regs, 0, sizeof(v->regs));
	memset(&v->sregs, 0, sizeof(v->sregs));
	v->regs.rip = 0xFFF0;
	v->regs.rflags = 0x2;
	v->sregs.cs = (struct kvm_segment){ .base = 0xFFFF0000, .limit = 0xFFFF,
					    .selector = 0xF000, .type = 11, .present = 1, .s = 1 };
	v->sregs.cr0 = 0x60000010;
	v->sregs.apic_base = APIC_DEFAULT_BASE | (1ULL << 11) | (v->id == 0 ? APIC_BSP : 0);
}

static long create_vcpu(struct kvm_emu *k, struct vm *vm, unsigned long id)
{
	struct vcpu *v;
	int fd;

	/* kvm_vm_ioctl_create_vcpu(): id, count, then the arch hook
	 * (tdx_vcpu_create), then the duplicate id. */
	if (id >= KVM_MAX_VCPU_IDS)
		return -EINVAL;
	if (vm->nvcpus >= vm->max_vcpus)
		return -EINVAL;
	if (is_td(vm)) {
		if (vm->state != TD_INITIALIZED)
			return -EIO; /* before INIT_VM or after FINALIZE */
		if (vm->irqchip != IRQCHIP_SPLIT)
			return -EINVAL;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i]->id == id)
			return -EEXIST;
	if (vm->nvcpus == vm->vcpus_cap) {
		unsigned n = vm->vcpus_cap ? 2 * vm->vcpus_cap : 4;
		struct vcpu **p = realloc(vm->vcpus, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		vm->vcpus = p;
		vm->vcpus_cap = n;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = (unsigned)id;
	v->page = page_new(k);
	if (!v->page) {
		free(v);
		return -ENOMEM;
	}
	vcpu_reset_regs(v);
	v->maxphyaddr = MAXPHYADDR_DEFAULT;
	fd = fd_alloc(k, OBJ_VCPU, v);
	if (fd < 0) {
		page_put(k, v->page);
		free(v);
		return fd;
	}
	v->fd = fd;
	vm->vcpus[vm->nvcpus++] = v;
	vm->refs++; /* the vCPU fd pins the VM */
	return fd;
}

static long create_irqchip(struct vm *vm)
{
	if (vm->irqchip != IRQCHIP_NONE)
		return -EEXIST;
	if (vm->nvcpus)
		return -EINVAL;
	/* TDX cannot have an in-kernel I/O APIC (tdx_vcpu_create would refuse
	 * it anyway); refuse it up front. */
	if (is_td(vm))
		return -EINVAL;
	vm->irqchip = IRQCHIP_KERNEL;
	return 0;
}

/* ---- TDX: VM scope ---- */

/* kvm_find_cpuid_entry2(): the first entry of the function whose index is
 * not significant or matches. */
static const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid_entry2 *e, uint32_t n,
						 uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < n; i++)
		if (e[i].function == function &&
		    (!(e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e[i].index == index))
			return &e[i];
	return NULL;
}

static void config_entry(uint32_t i, struct kvm_cpuid_entry2 *e)
{
	const struct td_cpuid_config *c = &cpuid_configs[i];

	memset(e, 0, sizeof(*e));
	e->function = c->leaf;
	e->index = c->subleaf;
	e->flags = c->indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	e->eax = c->eax;
	e->ebx = c->ebx;
	e->ecx = c->ecx;
	e->edx = c->edx;
}

static long td_capabilities(const struct kvm_tdx_cmd *cmd)
{
	struct kvm_tdx_capabilities *caps = (void *)(uintptr_t)cmd->data;

	if (cmd->flags)
		return -EINVAL;
	if (!caps)
		return -EFAULT;
	/* -E2BIG without telling the size: userspace grows blindly (§1.5). */
	if (caps->cpuid.nent < NUM_CPUID_CONFIG)
		return -E2BIG;
	memset(caps, 0, offsetof(struct kvm_tdx_capabilities, cpuid.entries));
	caps->supported_attrs = SUPPORTED_ATTRS;
	caps->supported_xfam = SUPPORTED_XFAM;
	caps->kernel_tdvmcallinfo_1_r11 = 0;
	caps->user_tdvmcallinfo_1_r11 = 1ULL << 1; /* SetupEventNotifyInterrupt */
	caps->cpuid.nent = NUM_CPUID_CONFIG;
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++) {
		struct kvm_cpuid_entry2 *e = &caps->cpuid.entries[i];

		config_entry(i, e);
		e->flags = 0; /* td_init_cpuid_entry2() */
		/* tdx_clear_unsupported_cpuid(): KVM hides TSX and WAITPKG. */
		if (e->function == 7 && e->index == 0) {
			e->ebx &= ~(CPUID7_EBX_HLE | CPUID7_EBX_RTM);
			e->ecx &= ~CPUID7_ECX_WAITPKG;
		}
	}
	return 0;
}

/* KVM's tdx_unsupported_cpuid(): TSX and WAITPKG cannot be given to a TD
 * (KVM hides them from CAPABILITIES and refuses them in INIT_VM). */
static int unsupported_cpuid(const struct kvm_cpuid_entry2 *e)
{
	return e->function == 7 && e->index == 0 &&
	       ((e->ebx & (CPUID7_EBX_HLE | CPUID7_EBX_RTM)) || (e->ecx & CPUID7_ECX_WAITPKG));
}

/* TDH.MNG.INIT's XFAM consistency: feature groups all-or-nothing. */
static int xfam_consistent(uint64_t xfam)
{
	uint64_t avx512 = 0xE0, amx = 0x60000, cet = 0x1800;

	if ((xfam & avx512) && ((xfam & avx512) != avx512 || !(xfam & 0x4)))
		return 0;
	if ((xfam & amx) && (xfam & amx) != amx)
		return 0;
	if ((xfam & cet) && (xfam & cet) != cet)
		return 0;
	return 1;
}

/*
 * KVM_TDX_INIT_VM, in the kernel's order: tdx_td_init() (state, flags,
 * nent, reserved, padding), setup_tdparams() (vCPUs, attributes, XFAM,
 * GPAW from 0x80000008, CPUID placement and TSX/WAITPKG), then
 * __tdx_td_init(): TDH.MNG.CREATE/KEY.CONFIG may fail with
 * TDX_RND_NO_ENTROPY (-EAGAIN, the init_vm_eagain fault), then TDH.MNG.INIT
 * checks what KVM leaves to the module; its TDX_OPERAND_INVALID comes back
 * as -EINVAL with the full status in hw_error:
 *   XFAM not self-consistent          0xC000010000000041 (OPERAND_ID_XFAM)
 *   TSC frequency outside 100 MHz..10 GHz  ...0046 (OPERAND_ID_TSC_FREQUENCY)
 *   a CPUID bit outside the configurable mask  ...0045 (OPERAND_ID_CPUID_CONFIG)
 * A bad or missing GPAW is KVM's own check (setup_tdparams_eptp_controls):
 * plain -EINVAL with hw_error 0, as in the kernel.
 */
static long td_init_vm(struct kvm_emu *k, struct vm *vm, struct kvm_tdx_cmd *cmd)
{
	struct kvm_tdx_init_vm *init = (void *)(uintptr_t)cmd->data;
	const struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid_entry2 vals[NUM_CPUID_CONFIG];
	int found[NUM_CPUID_CONFIG] = { 0 };
	uint32_t nent, copied = 0, tsc;
	unsigned gpaw;
	uint64_t xfam;
	tdx_mrtd *m = NULL;

	if (vm->state != TD_UNINITIALIZED)
		return -EINVAL;
	if (cmd->flags)
		return -EINVAL;
	if (!init)
		return -EFAULT;
	nent = init->cpuid.nent;
	if (nent > KVM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	for (int i = 0; i < 12; i++)
		if (init->reserved[i])
			return -EINVAL;
	if (init->cpuid.padding)
		return -EINVAL;
	/* setup_tdparams() */
	if (vm->nvcpus) /* unreachable for a TD: no vCPU exists before INIT_VM */
		return -EBUSY;
	if (init->attributes & ~SUPPORTED_ATTRS)
		return -EINVAL;
	if (init->xfam & ~SUPPORTED_XFAM)
		return -EINVAL;
	e = cpuid_find(init->cpuid.entries, nent, 0x80000008, 0);
	if (!e)
		return -EINVAL;
	gpaw = (e->eax >> 16) & 0xFF;
	if (gpaw != 48 && gpaw != 52)
		return -EINVAL;
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++) {
		e = cpuid_find(init->cpuid.entries, nent, cpuid_configs[i].leaf,
			       cpuid_configs[i].subleaf);
		if (!e)
			continue;
		if (unsupported_cpuid(e))
			return -EINVAL;
		copied++;
		found[i] = 1;
		vals[i] = *e;
		if (cpuid_configs[i].leaf == 0x80000008)
			vals[i].eax &= ~0x00FF0000u; /* KVM zeroes the GPAW for the module */
	}
	if (copied != nent) /* an entry no configurable leaf took */
		return -EINVAL;
	/* __tdx_td_init(): key configuration */
	if (k->faults.init_vm_eagain) {
		k->faults.init_vm_eagain--;
		return -EAGAIN; /* TDX_RND_NO_ENTROPY; hw_error stays 0 */
	}
	/* TDH.MNG.INIT */
	xfam = init->xfam | XFAM_FIXED1;
	if (!xfam_consistent(xfam)) {
		cmd->hw_error = TDX_OPERAND_INVALID | OPERAND_ID_XFAM;
		return -EINVAL;
	}
	tsc = vm->tsc_khz / 25000;
	if (tsc < 4 || tsc > 400) {
		cmd->hw_error = TDX_OPERAND_INVALID | OPERAND_ID_TSC_FREQUENCY;
		return -EINVAL;
	}
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++) {
		const struct td_cpuid_config *c = &cpuid_configs[i];

		if (found[i] && ((vals[i].eax & ~c->eax) || (vals[i].ebx & ~c->ebx) ||
				 (vals[i].ecx & ~c->ecx) || (vals[i].edx & ~c->edx))) {
			cmd->hw_error = TDX_OPERAND_INVALID | OPERAND_ID_CPUID_CONFIG;
			return -EINVAL;
		}
	}
	if (tdx_mrtd_new(&m) != TDX_OK)
		return -ENOMEM;
	vm->mrtd_ctx = m;
	vm->attributes = init->attributes;
	vm->xfam = xfam;
	memcpy(vm->mrconfigid, init->mrconfigid, 48);
	memcpy(vm->mrowner, init->mrowner, 48);
	memcpy(vm->mrownerconfig, init->mrownerconfig, 48);
	vm->gpaw = gpaw;
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++) {
		struct kvm_cpuid_entry2 *e2 = &vm->td_cpuid[i];

		/* The effective CPUID: the configured values, plus leaf 1 (always
		 * there) with the module's fixed-1 bits. */
		vm->td_cpuid_set[i] = found[i] || cpuid_configs[i].leaf == 1;
		if (!vm->td_cpuid_set[i])
			continue;
		config_entry(i, e2);
		e2->eax = found[i] ? vals[i].eax : 0;
		e2->ebx = found[i] ? vals[i].ebx : 0;
		e2->ecx = found[i] ? vals[i].ecx : 0;
		e2->edx = found[i] ? vals[i].edx : 0;
		if (cpuid_configs[i].leaf == 1) {
			e2->ecx |= CPUID1_ECX_FIXED1;
			e2->edx |= CPUID1_EDX_FIXED1;
		}
		if (cpuid_configs[i].leaf == 0x80000008)
			e2->eax |= gpaw << 16;
	}
	vm->state = TD_INITIALIZED;
	return 0;
}

/*
 * KVM_TDX_FINALIZE_VM (tdx_td_finalize): only state is checked (the kernel
 * does not look at flags or data); TDH.MR.FINALIZE's status is hw_error:
 * TDX_OPERAND_BUSY (the finalize_ebusy fault) is -EBUSY, anything else is a
 * KVM bug: -EIO and the VM is dead.  The module refuses a TD without vCPUs
 * (TDX_NO_VCPUS, 0xC000060900000000).
 */
static long td_finalize(struct kvm_emu *k, struct vm *vm, struct kvm_tdx_cmd *cmd)
{
	if (vm->state != TD_INITIALIZED)
		return -EINVAL;
	if (k->faults.finalize_ebusy) {
		k->faults.finalize_ebusy--;
		cmd->hw_error = TDX_OPERAND_BUSY | OP_RCX;
		return -EBUSY;
	}
	if (!vm->ninit) {
		cmd->hw_error = TDX_NO_VCPUS;
		vm->dead = 1;
		return -EIO;
	}
	cmd->hw_error = TDX_SUCCESS;
	if (tdx_mrtd_finalize(vm->mrtd_ctx, vm->mrtd) != TDX_OK) {
		vm->dead = 1;
		return -EIO;
	}
	vm->state = TD_RUNNABLE;
	return 0;
}

/*
 * Linux 7.2's VM-state guard (tdx_acquire_vm_state_locks): INIT_VM,
 * FINALIZE_VM, INIT_VCPU and INIT_MEM_REGION take every vCPU's mutex and
 * fail with -EBUSY while a vCPU is being created.  This KVM serialises
 * everything, so the state_guard_ebusy fault stands in for that thread.
 */
static int state_guard_busy(struct kvm_emu *k)
{
	if (!k->faults.state_guard_ebusy)
		return 0;
	k->faults.state_guard_ebusy--;
	return 1;
}

static long td_vm_op(struct kvm_emu *k, struct vm *vm, struct kvm_tdx_cmd *ucmd)
{
	struct kvm_tdx_cmd cmd;
	long r;

	if (!is_td(vm))
		return -ENOTTY; /* vt_mem_enc_ioctl on a non-TD */
	if (!ucmd)
		return -EFAULT;
	cmd = *ucmd;
	if (cmd.hw_error)
		return -EINVAL;
	if (cmd.id == KVM_TDX_CAPABILITIES)
		return td_capabilities(&cmd); /* the command is not copied back */
	if (state_guard_busy(k))
		return -EBUSY;
	switch (cmd.id) {
	case KVM_TDX_INIT_VM:
		r = td_init_vm(k, vm, &cmd);
		break;
	case KVM_TDX_FINALIZE_VM:
		r = td_finalize(k, vm, &cmd);
		break;
	default:
		return -EINVAL;
	}
	*ucmd = cmd; /* VM-scope commands: the whole struct, hw_error included */
	return r;
}

static long vm_ioctl(struct kvm_emu *k, struct vm *vm, unsigned long req, void *arg)
{
	unsigned long val = (unsigned long)(uintptr_t)arg;

	if (vm->dead)
		return -EIO;
	switch (req) {
	case KVM_CHECK_EXTENSION:
		return check_extension(vm, val);
	case KVM_ENABLE_CAP:
		return enable_cap(vm, arg);
	case KVM_SET_TSC_KHZ: {
		/*
		 * x86.c: only 0 (the host's rate) to below max_guest_tsc_khz,
		 * and only while no vCPU exists.  The kernel does not check
		 * the 25 MHz grid: a TD's TSC_FREQUENCY is khz / 25000 and
		 * TDH.MNG.INIT refuses values outside 4..400 at INIT_VM
		 * (hw_error OPERAND_ID_TSC_FREQUENCY).  After INIT_VM it is
		 * accepted but has no effect: the TD's TSC is fixed.
		 */
		uint32_t khz = (uint32_t)val;

		if (khz == 0xFFFFFFFFu)
			return -EINVAL;
		if (vm->nvcpus)
			return -EINVAL;
		if (vm->state == TD_UNINITIALIZED || !is_td(vm))
			vm->tsc_khz = khz ? khz : DEFAULT_TSC_KHZ;
		return 0;
	}
	case KVM_CREATE_GUEST_MEMFD:
		return create_gmem(k, vm, arg);
	case KVM_SET_USER_MEMORY_REGION2:
		return set_memory_region(k, vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return set_memory_region_v1(k, vm, arg);
	case KVM_SET_MEMORY_ATTRIBUTES:
		return set_memory_attributes(vm, arg);
	case KVM_CREATE_VCPU:
		return create_vcpu(k, vm, val);
	case KVM_CREATE_IRQCHIP:
		return create_irqchip(vm);
	case KVM_MEMORY_ENCRYPT_OP:
		return td_vm_op(k, vm, arg);
	default:
		return -ENOTTY; /* x86 kvm_arch_vm_ioctl */
	}
}

/* ---- TDX: vCPU scope ---- */

static long td_init_vcpu(struct vcpu *v, const struct kvm_tdx_cmd *cmd)
{
	const struct kvm_cpuid_entry2 *leaf1;

	if (cmd->flags)
		return -EINVAL;
	if (v->td_init)
		return -EINVAL;
	/* kvm_apic_set_base(x2APIC): refused unless the guest CPUID (SET_CPUID2)
	 * advertises x2APIC ("userspace is responsible"). */
	leaf1 = cpuid_find(v->cpuid, v->cpuid_nent, 1, 0);
	if (!leaf1 || !(leaf1->ecx & CPUID1_ECX_X2APIC))
		return -EINVAL;
	v->apic_base = APIC_DEFAULT_BASE | APIC_X2APIC_MODE | (v->id == 0 ? APIC_BSP : 0);
	v->init_rcx = cmd->data;
	v->td_index = v->vm->ninit++;
	v->td_init = 1;
	return 0;
}

/* TDH.MEM.PAGE.ADD and, with MEASURE, 16 x TDH.MR.EXTEND of one page. */
static long add_page(struct vm *vm, uint64_t gpa, const uint8_t *src, int measure)
{
	struct slot *s = slot_by_gpa(vm, gpa);
	uint64_t pgoff;

	/* kvm_gmem_populate(): a guest_memfd slot, its file still open, the
	 * page not populated yet, the PRIVATE attribute. */
	if (!s || !(s->flags & KVM_MEM_GUEST_MEMFD))
		return -EINVAL;
	if (!s->gmem)
		return -EFAULT;
	pgoff = (s->gmem_off + (gpa - s->gpa)) / PG;
	/*
	 * A page added twice: kvm_gmem_populate() finds its folio already
	 * marked prepared and fails with -EEXIST before any SEAMCALL (so the
	 * TDX module's TDX_EPT_ENTRY_NOT_FREE, which KVM would turn into -EIO,
	 * is never reached).
	 */
	if (gmem_find(s->gmem, pgoff, NULL))
		return -EEXIST;
	if (!range_private(vm, gpa, gpa + PG))
		return -EINVAL;
	if (gmem_insert(s->gmem, pgoff, src))
		return -ENOMEM;
	if (tdx_mrtd_page_add(vm->mrtd_ctx, gpa) != TDX_OK)
		return -EIO;
	if (measure)
		for (uint64_t off = 0; off < PG; off += TDX_MEASURE_CHUNK_SIZE)
			if (tdx_mrtd_extend(vm->mrtd_ctx, gpa + off, src + off,
					    TDX_MEASURE_CHUNK_SIZE) != TDX_OK)
				return -EIO;
	return 0;
}

/*
 * KVM_TDX_INIT_MEM_REGION (tdx_vcpu_init_mem_region): one page at a time;
 * the struct is written back on every return with source_addr/gpa advanced
 * and nr_pages reduced by the pages done, so re-issuing it resumes.  A
 * pending signal (the mem_region_eintr_* fault) is noticed before a page,
 * -EAGAIN (mem_region_eagain_times) comes before any progress.
 */
static long td_init_mem_region(struct kvm_emu *k, struct vcpu *v, const struct kvm_tdx_cmd *cmd)
{
	struct vm *vm = v->vm;
	struct kvm_tdx_init_mem_region *ur = (void *)(uintptr_t)cmd->data, r;
	uint64_t bytes, sb = shared_bit(vm);
	unsigned done = 0;
	long ret = 0;

	if (!v->td_init)
		return -EINVAL;
	if (vm->state == TD_RUNNABLE)
		return -EINVAL;
	if (cmd->flags & ~KVM_TDX_MEASURE_MEMORY_REGION)
		return -EINVAL;
	if (!ur)
		return -EFAULT;
	r = *ur;
	bytes = r.nr_pages << 12; /* as the kernel computes it */
	/* tdx_vcpu_init_mem_region(): alignment, a non-empty private range. */
	if (r.source_addr % PG || r.gpa % PG || !r.nr_pages ||
	    r.gpa + bytes <= r.gpa || (r.gpa & sb) || ((r.gpa + bytes - 1) & sb))
		return -EINVAL;
	while (r.nr_pages) {
		if (done && k->faults.mem_region_eintr_after &&
		    done == k->faults.mem_region_eintr_after && k->faults.mem_region_eintr_times) {
			k->faults.mem_region_eintr_times--;
			ret = -EINTR;
			break;
		}
		if (!done && k->faults.mem_region_eagain_times) {
			k->faults.mem_region_eagain_times--;
			ret = -EAGAIN;
			break;
		}
		if (!r.source_addr) { /* the page cannot be read from the VMM: get_user_pages */
			ret = -EFAULT;
			break;
		}
		ret = add_page(vm, r.gpa, (const uint8_t *)(uintptr_t)r.source_addr,
			       !!(cmd->flags & KVM_TDX_MEASURE_MEMORY_REGION));
		if (ret)
			break;
		r.source_addr += PG;
		r.gpa += PG;
		r.nr_pages--;
		done++;
	}
	*ur = r;
	return ret;
}

/*
 * KVM_TDX_GET_CPUID: the TD's effective CPUID as the module reports it:
 * leaf 0 (the largest basic leaf, "GenuineIntel"), the configured leaves
 * with the values INIT_VM gave (leaf 1 always, with its fixed-1 bits such
 * as x2APIC), 0x80000000 (the largest extended leaf),
 * in (function, index) order; 0x80000008 EAX[23:16] = the GPAW.  Too small
 * a buffer: -E2BIG with the needed count written back, no entries.
 */
static long td_get_cpuid(struct vcpu *v, const struct kvm_tdx_cmd *cmd)
{
	struct vm *vm = v->vm;
	struct kvm_cpuid2 *out = (void *)(uintptr_t)cmd->data;
	struct kvm_cpuid_entry2 e[NUM_CPUID_CONFIG + 2];
	uint32_t n = 0, max_basic = 1, max_ext = 0x80000008;

	if (!out)
		return -EFAULT;
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++) {
		if (!vm->td_cpuid_set[i])
			continue;
		if (vm->td_cpuid[i].function < 0x80000000 && vm->td_cpuid[i].function > max_basic)
			max_basic = vm->td_cpuid[i].function;
		if (vm->td_cpuid[i].function > max_ext)
			max_ext = vm->td_cpuid[i].function;
	}
	e[n] = (struct kvm_cpuid_entry2){ .function = 0, .eax = max_basic };
	memcpy(&e[n].ebx, "Genu", 4);
	memcpy(&e[n].edx, "ineI", 4);
	memcpy(&e[n].ecx, "ntel", 4);
	n++;
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++)
		if (vm->td_cpuid_set[i] && vm->td_cpuid[i].function < 0x80000000)
			e[n++] = vm->td_cpuid[i];
	e[n++] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = max_ext };
	for (uint32_t i = 0; i < NUM_CPUID_CONFIG; i++)
		if (vm->td_cpuid_set[i] && vm->td_cpuid[i].function >= 0x80000000)
			e[n++] = vm->td_cpuid[i];
	if (out->nent < n) {
		out->nent = n;
		return -E2BIG;
	}
	out->nent = n;
	memcpy(out->entries, e, n * sizeof(*e));
	return 0;
}

static long td_vcpu_op(struct kvm_emu *k, struct vcpu *v, const struct kvm_tdx_cmd *ucmd)
{
	struct vm *vm = v->vm;
	struct kvm_tdx_cmd cmd;

	if (!is_td(vm))
		return -EINVAL; /* vt_vcpu_mem_enc_ioctl on a non-TD vCPU */
	/* tdx_vcpu_ioctl(): no HKID yet or already runnable */
	if (vm->state != TD_INITIALIZED)
		return -EINVAL;
	if (!ucmd)
		return -EFAULT;
	cmd = *ucmd;
	if (cmd.hw_error)
		return -EINVAL;
	if ((cmd.id == KVM_TDX_INIT_VCPU || cmd.id == KVM_TDX_INIT_MEM_REGION) && state_guard_busy(k))
		return -EBUSY;
	/* vCPU-scope commands do not copy kvm_tdx_cmd back. */
	switch (cmd.id) {
	case KVM_TDX_INIT_VCPU:
		return td_init_vcpu(v, &cmd);
	case KVM_TDX_INIT_MEM_REGION:
		return td_init_mem_region(k, v, &cmd);
	case KVM_TDX_GET_CPUID:
		return td_get_cpuid(v, &cmd);
	default:
		return -EINVAL;
	}
}

/* ---- vCPU fd ---- */

static long set_cpuid2(struct vcpu *v, const struct kvm_cpuid2 *c)
{
	const struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid_entry2 *copy = NULL;

	if (!c)
		return -EFAULT;
	if (c->nent > KVM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	/* kvm_check_cpuid(): linear address bits 48, 57 or unspecified */
	e = cpuid_find(c->entries, c->nent, 0x80000008, 0);
	if (e) {
		unsigned vaddr = (e->eax >> 8) & 0xFF;

		if (vaddr != 48 && vaddr != 57 && vaddr != 0)
			return -EINVAL;
	}
	/* After KVM_RUN the CPUID may only be set again unchanged. */
	if (v->has_run)
		return c->nent == v->cpuid_nent &&
		       !memcmp(c->entries, v->cpuid, c->nent * sizeof(*e)) ? 0 : -EINVAL;
	if (c->nent) {
		copy = malloc(c->nent * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, c->entries, c->nent * sizeof(*copy));
	}
	free(v->cpuid);
	v->cpuid = copy;
	v->cpuid_nent = c->nent;
	/* cpuid_query_maxphyaddr(): 0x80000008 EAX[7:0] if 0x80000000 reaches it */
	e = cpuid_find(copy, c->nent, 0x80000000, 0);
	v->maxphyaddr = MAXPHYADDR_DEFAULT;
	if (e && e->eax >= 0x80000008 && (e = cpuid_find(copy, c->nent, 0x80000008, 0)))
		v->maxphyaddr = e->eax & 0xFF;
	return 0;
}

/* kvm_vcpu_is_legal_gpa() */
static int legal_gpa(const struct vcpu *v, uint64_t gpa)
{
	return v->maxphyaddr >= 64 || !(gpa >> v->maxphyaddr);
}

static long box_run(struct kvm_emu *k, struct vcpu *v);
static long exit_collect(struct kvm_emu *k, struct vcpu *v);
static int emu_td_guest(void *ctx, int vm_fd, const tdx__td_runner *runner, tdx_guest **out);

static long vcpu_run(struct kvm_emu *k, struct vcpu *v, unsigned long arg)
{
	struct vm *vm = v->vm;
	struct kvm_run *run = v->page->run;
	long r;

	if (arg)
		return -EINVAL;
	/* A default VM on the emulated KVM runs nothing at all (the plain-KVM
	 * mode uses the real kernel). */
	if (!is_td(vm))
		return -ENOEXEC;
	/* 6.16 tdx_vcpu_pre_run(): INIT_VCPU done and the TD runnable. */
	if (!v->td_init || vm->state != TD_RUNNABLE)
		return -EINVAL;
	r = exit_collect(k, v); /* the answer to the last exit, first */
	if (r)
		return r;
	if (run->immediate_exit)
		return -EINTR;
	v->has_run = 1;
	if (k->faults.exception_vector) { /* tdx_handle_exception_nmi(): to userspace */
		memset(run->padding, 0, sizeof(run->padding));
		run->exit_reason = KVM_EXIT_EXCEPTION;
		run->ex.exception = k->faults.exception_vector;
		run->ex.error_code = 0;
		k->faults.exception_vector = 0;
		return 0;
	}
	if (k->box_kvm >= 0) {
		r = box_run(k, v);
		if (r)
			return r;
	} else if (v->exit_state != EXIT_PENDING) {
		/* No guest code runs here: the TD's side is driven through
		 * tdx__kvm_emu_guest, whose exits wait on this vCPU.  Nothing
		 * waits: KVM_RUN reports an idle vCPU. */
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	}
	if (v->exit_state == EXIT_PENDING) { /* the TD's exit, filled in by a hook */
		v->exit_state = EXIT_DELIVERED;
		return v->exit_errno ? -v->exit_errno : 0;
	}
	return 0;
}

static long vcpu_ioctl(struct kvm_emu *k, struct vcpu *v, unsigned long req, void *arg)
{
	struct vm *vm = v->vm;

	if (vm->dead)
		return -EIO;
	/*
	 * Register state of a TD vCPU is protected from creation on
	 * (tdx_vcpu_create sets guest_state_protected; KVM supports no DEBUG
	 * TDs), so KVM_GET/SET_REGS and _SREGS fail with -EINVAL for every TD
	 * vCPU, not only after INIT_VCPU.
	 */
	switch (req) {
	case KVM_RUN:
		return vcpu_run(k, v, (unsigned long)(uintptr_t)arg);
	case KVM_GET_REGS:
	case KVM_SET_REGS:
	case KVM_GET_SREGS:
	case KVM_SET_SREGS:
		if (is_td(vm))
			return -EINVAL;
		if (!arg)
			return -EFAULT;
		if (req == KVM_GET_REGS)
			memcpy(arg, &v->regs, sizeof(v->regs));
		else if (req == KVM_SET_REGS)
			memcpy(&v->regs, arg, sizeof(v->regs));
		else if (req == KVM_GET_SREGS)
			memcpy(arg, &v->sregs, sizeof(v->sregs));
		else
			memcpy(&v->sregs, arg, sizeof(v->sregs));
		return 0;
	case KVM_SET_CPUID2:
		return set_cpuid2(v, arg);
	case KVM_MEMORY_ENCRYPT_OP:
		return td_vcpu_op(k, v, arg);
	default:
		return -EINVAL; /* x86 kvm_arch_vcpu_ioctl */
	}
}

/* ---- the ops ---- */

static int emu_open_system(void *ctx)
{
	struct kvm_emu *k = ctx;
	int fd;

	pthread_mutex_lock(&k->lock);
	fd = fd_alloc(k, OBJ_SYSTEM, &k->system_dummy);
	pthread_mutex_unlock(&k->lock);
	return fd;
}

static long emu_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	struct kvm_emu *k = ctx;
	struct fd_entry *f;
	long r;

	pthread_mutex_lock(&k->lock);
	f = fd_get(k, fd);
	if (!f)
		r = -EBADF;
	else if (f->kind == OBJ_SYSTEM)
		r = system_ioctl(k, req, arg);
	else if (f->kind == OBJ_VM)
		r = vm_ioctl(k, f->obj, req, arg);
	else if (f->kind == OBJ_VCPU)
		r = vcpu_ioctl(k, f->obj, req, arg);
	else
		r = -ENOTTY; /* guest_memfd files have no ioctls */
	unlock_and_reap(k);
	return r;
}

static void close_locked(struct kvm_emu *k, struct fd_entry *f)
{
	switch (f->kind) {
	case OBJ_VM: {
		struct vm *vm = f->obj;

		vm->fd = -1;
		vm_put(k, vm);
		break;
	}
	case OBJ_VCPU: {
		struct vcpu *v = f->obj;

		v->fd = -1;
		vm_put(k, v->vm);
		break;
	}
	case OBJ_GMEM: {
		/* Closing the file invalidates its bindings (kvm_gmem_release):
		 * the memslots stay, without memory behind them. */
		struct gmem *g = f->obj;
		struct vm *vm = g->vm;

		for (size_t i = 0; i < vm->nslots; i++)
			if (vm->slots[i].gmem == g)
				vm->slots[i].gmem = NULL;
		gmem_free(g);
		vm_put(k, vm);
		break;
	}
	default:
		break;
	}
	f->kind = OBJ_FREE;
	f->obj = NULL;
}

static int emu_close(void *ctx, int fd)
{
	struct kvm_emu *k = ctx;
	struct fd_entry *f;
	int r = 0;

	pthread_mutex_lock(&k->lock);
	f = fd_get(k, fd);
	if (!f)
		r = -EBADF;
	else
		close_locked(k, f);
	unlock_and_reap(k);
	return r;
}

static struct kvm_run *emu_map_run(void *ctx, int vcpu_fd, size_t size)
{
	struct kvm_emu *k = ctx;
	struct fd_entry *f;
	struct kvm_run *run = NULL;
	int err = 0;

	pthread_mutex_lock(&k->lock);
	f = fd_get(k, vcpu_fd);
	if (!f)
		err = EBADF;
	else if (f->kind != OBJ_VCPU)
		err = ENODEV;
	else if (!size || size > RUN_AREA_SIZE)
		err = EINVAL;
	else {
		struct vcpu *v = f->obj;

		v->page->refs++;
		run = v->page->run;
	}
	pthread_mutex_unlock(&k->lock);
	if (err)
		errno = err;
	return run;
}

static void emu_unmap_run(void *ctx, struct kvm_run *run, size_t size)
{
	struct kvm_emu *k = ctx;

	(void)size;
	if (!run)
		return;
	pthread_mutex_lock(&k->lock);
	for (struct run_page *p = k->pages; p; p = p->next)
		if (p->run == run) {
			page_put(k, p);
			break;
		}
	pthread_mutex_unlock(&k->lock);
}

static void emu_destroy(void *ctx)
{
	struct kvm_emu *k = ctx;

	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	/* guest_memfd and vCPU fds first, so VMs go last (order is only
	 * cosmetic: each pins its VM). */
	for (size_t i = 0; i < k->nfds; i++)
		if (k->fds[i].kind != OBJ_FREE)
			close_locked(k, &k->fds[i]);
	unlock_and_reap(k);
	while (k->pages) { /* mappings never unmapped */
		struct run_page *p = k->pages;

		k->pages = p->next;
		free(p->run);
		free(p);
	}
	free(k->fds);
	free(k->conf);
	if (k->box_kvm >= 0)
		close(k->box_kvm);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/*
 * fallocate(2) on a guest_memfd (kvm_gmem_fallocate): KEEP_SIZE is
 * required, PUNCH_HOLE the only other mode (-EOPNOTSUPP otherwise), page
 * alignment (-EINVAL); a punched page is gone (what INIT_MEM_REGION put
 * there included).  Other files of this KVM: -ENODEV.
 */
static int emu_fallocate(void *ctx, int fd, int mode, uint64_t offset, uint64_t len)
{
	struct kvm_emu *k = ctx;
	struct fd_entry *f;
	struct gmem *g;
	int r = 0;

	pthread_mutex_lock(&k->lock);
	f = fd_get(k, fd);
	g = f && f->kind == OBJ_GMEM ? f->obj : NULL;
	if (!f)
		r = -EBADF;
	else if (!g)
		r = -ENODEV;
	else if (!(mode & FALLOC_FL_KEEP_SIZE) || (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)))
		r = -EOPNOTSUPP;
	else if (offset % PG || len % PG || offset + len < offset)
		r = -EINVAL;
	else if (mode & FALLOC_FL_PUNCH_HOLE) {
		size_t n = 0;

		for (size_t i = 0; i < g->npages; i++) {
			if (g->pages[i].pgoff >= offset / PG && g->pages[i].pgoff < (offset + len) / PG)
				free(g->pages[i].data);
			else
				g->pages[n++] = g->pages[i];
		}
		g->npages = n;
	}
	pthread_mutex_unlock(&k->lock);
	return r;
}

static unsigned emu_kernel_version(void *ctx)
{
	return ((struct kvm_emu *)ctx)->kernel;
}

static tdx_emu *emu_td_platform(void *ctx, int vm_fd)
{
	return tdx__kvm_emu_platform(ctx, vm_fd);
}

static const tdx__kvm_ops emu_ops = {
	.open_system = emu_open_system,
	.ioctl = emu_ioctl,
	.close = emu_close,
	.map_run = emu_map_run,
	.unmap_run = emu_unmap_run,
	.fallocate = emu_fallocate,
	.kernel_version = emu_kernel_version,
	.destroy = emu_destroy,
	.td_guest = emu_td_guest,
	.td_platform = emu_td_platform,
};

/* Take "kernel=MAJOR.MINOR" (the emulated KVM's own key) out of conf. */
static int take_kernel_key(char *conf, unsigned *version)
{
	char *p = conf;

	*version = KERNEL_DEFAULT;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (!strncmp(p, "kernel=", 7)) {
			unsigned major = 0, minor = 0;
			int used = 0;
			char tok[32] = { 0 };

			memcpy(tok, p, n < sizeof(tok) - 1 ? n : sizeof(tok) - 1);
			if (sscanf(tok + 7, "%u.%u%n", &major, &minor, &used) != 2 ||
			    tok[7 + used] || n >= sizeof(tok) || !major || major > 99 || minor > 99)
				return tdx__fail(TDX_E_INVALID, "\"%.*s\": the emulated kernel is "
						 "kernel=MAJOR.MINOR, e.g. kernel=6.16 or kernel=7.2",
						 (int)n, p);
			*version = major << 8 | minor;
			memmove(p, p + n + (p[n] == ','), strlen(p + n + (p[n] == ',')) + 1);
			continue;
		}
		p += n + (p[n] == ',');
	}
	if (*conf && conf[strlen(conf) - 1] == ',')
		conf[strlen(conf) - 1] = '\0';
	return TDX_OK;
}

int tdx__kvm_emu_create(const tdx__kvm_ops **ops, void **ctx, const char *conf)
{
	struct kvm_emu *k;
	tdx_emu_config cfg;
	unsigned kernel;
	char *own;
	int rc;

	if (!ctx || !ops)
		return tdx__fail(TDX_E_INVALID, "ctx is NULL");
	*ctx = NULL;
	own = strdup(conf ? conf : "");
	if (!own)
		return tdx__fail(TDX_E_NOMEM, "out of memory for the emulated KVM");
	rc = take_kernel_key(own, &kernel);
	/* The other keys go to the emulated TDX module of each TD: check them now. */
	tdx_emu_config_init(&cfg, sizeof(cfg));
	if (!rc)
		rc = tdx_emu_config_parse(&cfg, own);
	k = rc ? NULL : calloc(1, sizeof(*k));
	if (!rc && !k)
		rc = tdx__fail(TDX_E_NOMEM, "out of memory for the emulated KVM");
	if (rc) {
		free(own);
		return rc;
	}
	k->conf = own;
	k->kernel = kernel;
	pthread_mutex_init(&k->lock, NULL);
	k->box_kvm = -1;
	*ctx = k;
	*ops = &emu_ops;
	return TDX_OK;
}

int tdx__kvm_box_create(const tdx__kvm_ops **ops, void **ctx, const char *device, const char *conf)
{
	struct kvm_emu *k;
	int rc = tdx__kvm_emu_create(ops, ctx, conf), fd;

	if (rc)
		return rc;
	k = *ctx;
	fd = open(device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		emu_destroy(k);
		*ctx = NULL;
		return tdx__fail_os(e, "TD-in-a-box runs the TD in a plain KVM VM and cannot open "
				    "%s: %s%s", device, strerror(e),
				    e == ENOENT ? " (KVM not loaded, or no hardware virtualization; "
						  "\"emu\" runs without KVM)"
				    : e == EACCES ? " (run as root or join the kvm group)" : "");
	}
	k->box_kvm = fd;
	return TDX_OK;
}

void tdx__kvm_emu_set_faults(void *ctx, const tdx__kvm_emu_faults *faults)
{
	struct kvm_emu *k = ctx;

	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	if (faults)
		k->faults = *faults;
	else
		memset(&k->faults, 0, sizeof(k->faults));
	pthread_mutex_unlock(&k->lock);
}

tdx_emu *tdx__kvm_emu_platform(void *ctx, int vm_fd)
{
	struct kvm_emu *k = ctx;
	struct vm *vm;
	tdx_emu *e = NULL;

	if (!k)
		return NULL;
	pthread_mutex_lock(&k->lock);
	vm = fd_obj(k, vm_fd, OBJ_VM);
	if (vm)
		e = vm->emu;
	pthread_mutex_unlock(&k->lock);
	return e;
}

/* ---- the guest side: exits to the VMM, made as KVM makes them ---- */

/*
 * An exit the VMM must see (a TDVMCALL KVM hands to userspace, a memory
 * fault) fills the vCPU's kvm_run as KVM fills it and defers the TDCALL
 * (emu_internal.h): EXIT_PENDING.  KVM_RUN on that vCPU returns it
 * (EXIT_DELIVERED, with -1/errno for a memory fault); the next KVM_RUN
 * copies what the VMM wrote back (EXIT_ANSWERED), as KVM's completion
 * callbacks read kvm_run on re-entry; the TDCALL, executed again, takes
 * that answer.  key names the call, so no other call takes it.  Every hook
 * runs with the emulator's lock held and takes the mutex (the lock order).
 */
static struct kvm_run *exit_start(struct vcpu *v, const uint64_t key[4], uint32_t reason, int err)
{
	struct kvm_run *run = v->page->run;

	memcpy(v->exit_key, key, sizeof(v->exit_key));
	v->exit_state = EXIT_PENDING;
	v->exit_errno = err;
	memset(run->padding, 0, sizeof(run->padding));
	run->exit_reason = reason;
	return run;
}

static const struct kvm_run *exit_answer(struct vcpu *v, const uint64_t key[4])
{
	if (v->exit_state != EXIT_ANSWERED || memcmp(v->exit_key, key, sizeof(v->exit_key)))
		return NULL;
	v->exit_state = EXIT_NONE;
	return &v->answer;
}

/* KVM_RUN's entry: the VMM's answer to the exit it was given (mutex held).
 * Linux >= 7.2 fails KVM_RUN for a MapGPA ret other than 0, EAGAIN and
 * EINVAL (tdx_complete_vmcall_map_gpa); the call then ends INVALID_OPERAND. */
static long exit_collect(struct kvm_emu *k, struct vcpu *v)
{
	const struct kvm_run *run = v->page->run;

	if (v->exit_state != EXIT_DELIVERED)
		return 0;
	v->answer = *run;
	v->exit_state = EXIT_ANSWERED;
	if (run->exit_reason == KVM_EXIT_HYPERCALL && k->kernel >= TDX_KERNEL_MAPGPA_RET &&
	    run->hypercall.ret != 0 && run->hypercall.ret != EAGAIN && run->hypercall.ret != EINVAL) {
		v->answer.hypercall.ret = EINVAL;
		return -EINVAL;
	}
	return 0;
}

/* KVM's CPUID for a TD (tdx_emulate_cpuid -> kvm_cpuid(..., exact_only)):
 * the vCPU's KVM_SET_CPUID2 model, zeros for a leaf it lacks. */
static int hook_cpuid(struct vcpu *v, tdx_regs *r)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(v->cpuid, v->cpuid_nent, (uint32_t)r->r12,
						       (uint32_t)r->r13);

	r->r12 = e ? e->eax : 0;
	r->r13 = e ? e->ebx : 0;
	r->r14 = e ? e->ecx : 0;
	r->r15 = e ? e->edx : 0;
	r->r10 = TDVMCALL_SUCCESS;
	return EMU_HOOK_DONE;
}

/* A converted MapGPA chunk, in the module's view (KVM zapped the other side). */
static void module_convert(struct vm *vm, uint64_t start, uint64_t end, int shared)
{
	struct tdx_emu *e = vm->emu;

	for (uint64_t p = start; p < end && p < e->mem_size; p += PG) {
		uint8_t *st = tdx__emu_page_state(e, p);

		if (shared) {
			*st = PAGE_SHARED;
		} else if (*st == PAGE_SHARED) {
			*st = PAGE_PENDING; /* a new private page: to be accepted */
			memset(tdx__emu_mem(e, p, PG), 0, PG);
		}
		e->map_2m[p / EMU_2M] = 0; /* converting splits a 2M mapping */
	}
}

/*
 * MapGPA (tdx_map_gpa): refused in-kernel without KVM_CAP_EXIT_HYPERCALL
 * (SUBFUNC_UNSUPPORTED), for a range that wraps, is not a legal GPA for the
 * vCPU's MAXPHYADDR (from its KVM_SET_CPUID2 model) or straddles the shared
 * bit (INVALID_OPERAND), or is not 4 KiB aligned (ALIGN_ERROR); R11 = the
 * GPA.  Otherwise KVM_EXIT_HYPERCALL for [next, next + 2 MiB) until the end
 * (__tdx_map_gpa), all in one TDVMCALL.  hypercall.ret: 0 converts the
 * chunk; Linux <= 7.1: anything else is INVALID_OPERAND; Linux >= 7.2:
 * EAGAIN is RETRY, EINVAL INVALID_OPERAND (others fail KVM_RUN,
 * exit_collect); R11 = where the range stopped.
 */
static int hook_map_gpa(struct vm *vm, struct vcpu *v, tdx_regs *r)
{
	uint64_t sb = shared_bit(vm), gpa = r->r12, size = r->r13, status = TDVMCALL_SUCCESS;
	uint64_t key[4] = { VMCALL_MAP_GPA, gpa, size, 0 }, chunk;
	const struct kvm_run *ans;
	struct kvm_run *run;

	if (!(vm->hc_exit & HC_VALID_MASK))
		status = TDVMCALL_SUBFUNC_UNSUPPORTED;
	else if (gpa + size <= gpa || !legal_gpa(v, gpa) || !legal_gpa(v, gpa + size - 1) ||
		 (gpa & sb) != ((gpa + size - 1) & sb))
		status = TDVMCALL_INVALID_OPERAND;
	else if ((gpa | size) % PG)
		status = TDVMCALL_ALIGN_ERROR;
	if (status != TDVMCALL_SUCCESS) {
		r->r10 = status;
		r->r11 = gpa;
		return EMU_HOOK_DONE;
	}
	if (memcmp(v->map_key, key, sizeof(key))) { /* a new MapGPA */
		memcpy(v->map_key, key, sizeof(key));
		v->map_next = gpa;
	}
	/* The chunk is KVM's own (map_gpa_next), whatever the VMM left in args. */
	chunk = gpa + size - v->map_next < CHUNK_2M ? gpa + size - v->map_next : CHUNK_2M;
	ans = exit_answer(v, key);
	if (ans) {
		uint64_t ret = ans->hypercall.ret;

		if (ret == 0) {
			module_convert(vm, v->map_next & ~sb, (v->map_next & ~sb) + chunk, !!(gpa & sb));
			v->map_next += chunk;
		} else {
			r->r10 = ret == EAGAIN && vm->k->kernel >= TDX_KERNEL_MAPGPA_RET
					 ? TDVMCALL_RETRY : TDVMCALL_INVALID_OPERAND;
			r->r11 = v->map_next;
			memset(v->map_key, 0, sizeof(v->map_key));
			return EMU_HOOK_DONE;
		}
		if (v->map_next >= gpa + size) {
			r->r10 = TDVMCALL_SUCCESS;
			memset(v->map_key, 0, sizeof(v->map_key));
			return EMU_HOOK_DONE;
		}
	}
	chunk = gpa + size - v->map_next < CHUNK_2M ? gpa + size - v->map_next : CHUNK_2M;
	run = exit_start(v, key, KVM_EXIT_HYPERCALL, 0);
	run->hypercall.nr = KVM_HC_MAP_GPA_RANGE;
	run->hypercall.args[0] = v->map_next & ~sb;
	run->hypercall.args[1] = chunk / PG;
	run->hypercall.args[2] = (gpa & sb) ? KVM_MAP_GPA_RANGE_DECRYPTED
					    : KVM_MAP_GPA_RANGE_ENCRYPTED;
	run->hypercall.flags = KVM_EXIT_HYPERCALL_LONG_MODE;
	run->hypercall.ret = 0;
	return EMU_HOOK_DEFER;
}

/* GetQuote, SetupEventNotifyInterrupt, GetTdVmCallInfo leaf 1: KVM_EXIT_TDX
 * with KVM's pre-set answer; the VMM's ret (and outputs) on re-entry. */
static int hook_tdx_exit(struct vm *vm, struct vcpu *v, tdx_regs *r)
{
	uint64_t key[4] = { r->r11, r->r12, r->r13, 0 };
	const struct kvm_run *ans = exit_answer(v, key);
	struct kvm_run *run;

	if (ans) {
		r->r10 = ans->tdx.unknown.ret;
		if (r->r11 == VMCALL_GET_TD_VM_CALL_INFO) {
			r->r11 = ans->tdx.get_tdvmcall_info.r11;
			r->r12 = ans->tdx.get_tdvmcall_info.r12;
			r->r13 = ans->tdx.get_tdvmcall_info.r13;
			r->r14 = ans->tdx.get_tdvmcall_info.r14;
		}
		return EMU_HOOK_DONE;
	}
	run = exit_start(v, key, KVM_EXIT_TDX, 0);
	run->tdx.nr = r->r11;
	switch (r->r11) {
	case VMCALL_GET_QUOTE:
		run->tdx.get_quote.ret = TDVMCALL_SUBFUNC_UNSUPPORTED;
		run->tdx.get_quote.gpa = r->r12 & ~shared_bit(vm);
		run->tdx.get_quote.size = r->r13;
		break;
	case VMCALL_SETUP_EVENT_NOTIFY:
		run->tdx.setup_event_notify.ret = TDVMCALL_SUBFUNC_UNSUPPORTED;
		run->tdx.setup_event_notify.vector = r->r12;
		break;
	default: /* GetTdVmCallInfo leaf 1 */
		run->tdx.get_tdvmcall_info.ret = TDVMCALL_SUCCESS;
		run->tdx.get_tdvmcall_info.leaf = 1;
		break;
	}
	return EMU_HOOK_DEFER;
}

/*
 * ReportFatalError: KVM_EXIT_SYSTEM_EVENT(TDX_FATAL) with the GPRs in KVM's
 * order; slot 0 is TDH.VP.ENTER's status (the TDCALL exit reason), slot 1
 * RCX (the exposure mask), RSP/RBP 0; the module passes only the exposed
 * registers, the others read 0.  Re-entering resumes the TD (the module's
 * host model records the error too, and answers SUCCESS).
 */
static int hook_fatal(struct vcpu *v, tdx_regs *r)
{
	uint64_t key[4] = { VMCALL_REPORT_FATAL_ERROR, r->r12, r->r13, r->rcx };
	const uint64_t gpr[16] = { EXIT_REASON_TDCALL, r->rcx, r->rdx, r->rbx, 0, 0, r->rsi, r->rdi,
				   r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 };
	struct kvm_run *run;

	if (exit_answer(v, key))
		return EMU_HOOK_PASS;
	run = exit_start(v, key, KVM_EXIT_SYSTEM_EVENT, 0);
	run->system_event.type = KVM_SYSTEM_EVENT_TDX_FATAL;
	run->system_event.ndata = 16;
	memcpy(run->system_event.data, gpr, sizeof(gpr));
	return EMU_HOOK_DEFER;
}

static int hook_vmcall(void *arg, tdx_regs *r)
{
	struct vm *vm = arg;
	struct kvm_emu *k = vm->k;
	uint64_t sb = shared_bit(vm);
	struct vcpu *v;
	int h = EMU_HOOK_DONE;

	/* Non-zero R10: a KVM hypercall; left to the module's host model. */
	if (r->r10 != 0)
		return EMU_HOOK_PASS;
	pthread_mutex_lock(&k->lock);
	v = vm->exit_vcpu;
	if (!v || vm->destroying) {
		pthread_mutex_unlock(&k->lock);
		return EMU_HOOK_PASS;
	}
	switch (r->r11) {
	case VMCALL_CPUID:
		h = hook_cpuid(v, r);
		break;
	case VMCALL_MAP_GPA:
		h = hook_map_gpa(vm, v, r);
		break;
	case VMCALL_GET_QUOTE: /* the buffer must be shared (tdx_get_quote) */
		if (!(r->r12 & sb))
			r->r10 = TDVMCALL_INVALID_OPERAND;
		else
			h = hook_tdx_exit(vm, v, r);
		break;
	case VMCALL_SETUP_EVENT_NOTIFY:
		if (r->r12 < 32 || r->r12 > 255)
			r->r10 = TDVMCALL_INVALID_OPERAND;
		else
			h = hook_tdx_exit(vm, v, r);
		break;
	case VMCALL_GET_TD_VM_CALL_INFO:
		if (r->r12 == 0) {
			r->r10 = TDVMCALL_SUCCESS;
			r->r11 = r->r12 = r->r13 = r->r14 = 0;
		} else if (r->r12 != 1) {
			r->r10 = TDVMCALL_INVALID_OPERAND;
		} else {
			h = hook_tdx_exit(vm, v, r);
		}
		break;
	case VMCALL_REPORT_FATAL_ERROR:
		h = hook_fatal(v, r);
		break;
	default:
		/* Leaves KVM does not route (Service, WBINVD, PCONFIG and any
		 * other: tdcall_to_vmx_exit_reason / handle_tdvmcall) get
		 * SUBFUNC_UNSUPPORTED in the kernel.  HLT, IO, MSRs and MMIO:
		 * KVM and QEMU emulate them; libtdx's device model in the
		 * emulated module stands in (docs/kvm-conformance.md). */
		if (r->r11 == VMCALL_HLT || r->r11 == VMCALL_IO || r->r11 == VMCALL_RDMSR ||
		    r->r11 == VMCALL_WRMSR || r->r11 == VMCALL_MMIO)
			h = EMU_HOOK_PASS;
		else
			r->r10 = TDVMCALL_SUBFUNC_UNSUPPORTED;
		break;
	}
	pthread_mutex_unlock(&k->lock);
	return h;
}

/*
 * TDG.MEM.PAGE.ACCEPT of a range KVM does not hold private: the EPT
 * violation on a private GPA meets shared attributes, and KVM exits with
 * KVM_EXIT_MEMORY_FAULT (PRIVATE) and KVM_RUN = -1/EFAULT
 * (kvm_mmu_prepare_memory_fault_exit; api.rst).  Once the VMM has made it
 * private, KVM maps a fresh private page there: pending, in the module.
 */
static int hook_accept(void *arg, uint64_t gpa, uint64_t size)
{
	struct vm *vm = arg;
	struct kvm_emu *k = vm->k;
	uint64_t key[4] = { 0x6, gpa, size, 0 };
	struct vcpu *v;
	struct kvm_run *run;
	int h = EMU_HOOK_PASS;

	pthread_mutex_lock(&k->lock);
	v = vm->exit_vcpu;
	if (v && !vm->destroying && !range_private(vm, gpa, gpa + size)) {
		exit_answer(v, key); /* re-entered without converting: fault again */
		run = exit_start(v, key, KVM_EXIT_MEMORY_FAULT, EFAULT);
		run->memory_fault.flags = KVM_MEMORY_EXIT_FLAG_PRIVATE;
		run->memory_fault.gpa = gpa;
		run->memory_fault.size = size;
		h = EMU_HOOK_DEFER;
	} else if (v) {
		exit_answer(v, key);
		for (uint64_t p = gpa; p < gpa + size && p < vm->emu->mem_size; p += PG) {
			uint8_t *st = tdx__emu_page_state(vm->emu, p);

			if (*st == PAGE_SHARED)
				*st = PAGE_PENDING;
		}
	}
	pthread_mutex_unlock(&k->lock);
	return h;
}

/* Shared memory is the VMM's: the memslot's userspace memory, as KVM maps
 * it for a shared GPA.  NULL without a memslot holding the whole range. */
static uint8_t *hook_shared(void *arg, uint64_t gpa, uint64_t len)
{
	struct vm *vm = arg;
	struct kvm_emu *k = vm->k;
	const struct slot *s;
	uint8_t *p = NULL;

	pthread_mutex_lock(&k->lock);
	s = slot_by_gpa(vm, gpa & ~shared_bit(vm));
	gpa &= ~shared_bit(vm);
	if (s && len <= s->size - (gpa - s->gpa))
		p = (uint8_t *)(uintptr_t)(s->uaddr + (gpa - s->gpa));
	pthread_mutex_unlock(&k->lock);
	return p;
}

/* Mark a page accepted in the emulated module (PAGE.ADD pages are mapped
 * and need no TDG.MEM.PAGE.ACCEPT); a mixed 2 MiB chunk is no 2M page. */
static void emu_mark_added(struct tdx_emu *e, uint64_t gpa)
{
	uint8_t *st = tdx__emu_page_state(e, gpa);
	uint64_t c = gpa / EMU_2M, first = c * (EMU_2M / EMU_PAGE);

	if (!st)
		return;
	*st = PAGE_ACCEPTED;
	for (uint64_t p = first; p < first + EMU_2M / EMU_PAGE && (p + 1) * EMU_PAGE <= e->mem_size;
	     p++)
		if (e->page_state[p] != PAGE_ACCEPTED) {
			e->map_2m[c] = 0;
			break;
		}
}

/* What the emulated module needs from the VM, copied under the mutex. */
struct td_snapshot {
	tdx_emu_config cfg;
	uint64_t attributes;
	struct {
		uint64_t gpa;
		uint8_t *data;
	} *pages;
	size_t npages;
};

static void snapshot_free(struct td_snapshot *s)
{
	for (size_t i = 0; i < s->npages; i++)
		free(s->pages[i].data);
	free(s->pages);
}

/*
 * Under the mutex: the conf string's settings, then the VM's own
 * (attributes, XFAM, MRCONFIGID/MROWNER/MROWNERCONFIG, MRTD, GPAW, vCPUs =
 * those INIT_VCPU'd), and the initial image (INIT_MEM_REGION pages, copied:
 * a guest_memfd may be closed meanwhile).
 */
static int snapshot_td(struct kvm_emu *k, struct vm *vm, struct td_snapshot *snap)
{
	size_t cap = 0;
	int rc;

	memset(snap, 0, sizeof(*snap));
	tdx_emu_config_init(&snap->cfg, sizeof(snap->cfg));
	rc = tdx_emu_config_parse(&snap->cfg, k->conf);
	if (rc)
		return rc;
	snap->cfg.attributes = vm->attributes;
	snap->cfg.xfam = vm->xfam;
	memcpy(snap->cfg.mrtd, vm->mrtd, 48);
	memcpy(snap->cfg.mrconfigid, vm->mrconfigid, 48);
	memcpy(snap->cfg.mrowner, vm->mrowner, 48);
	memcpy(snap->cfg.mrownerconfig, vm->mrownerconfig, 48);
	snap->cfg.gpaw = vm->gpaw;
	snap->cfg.num_vcpus = vm->ninit;
	snap->attributes = vm->attributes;
	for (size_t i = 0; i < vm->nslots; i++) {
		const struct slot *s = &vm->slots[i];
		uint64_t first = s->gmem_off / PG, n = s->size / PG;

		for (size_t j = 0; s->gmem && j < s->gmem->npages; j++) {
			const struct gmem_page *p = &s->gmem->pages[j];

			if (p->pgoff < first || p->pgoff >= first + n)
				continue;
			if (snap->npages == cap) {
				size_t c = cap ? 2 * cap : 16;
				void *np = realloc(snap->pages, c * sizeof(*snap->pages));

				if (!np)
					goto nomem;
				snap->pages = np;
				cap = c;
			}
			snap->pages[snap->npages].data = malloc(PG);
			if (!snap->pages[snap->npages].data)
				goto nomem;
			memcpy(snap->pages[snap->npages].data, p->data, PG);
			snap->pages[snap->npages++].gpa = s->gpa + (p->pgoff - first) * PG;
		}
	}
	return TDX_OK;
nomem:
	snapshot_free(snap);
	return tdx__fail(TDX_E_NOMEM, "out of memory copying the TD's initial image");
}

/*
 * Outside the mutex (nobody can see this emu yet): open the emulated
 * module, load the image pages that fall inside its memory (GPA
 * 0..mem_size) and install the host hooks.
 */
static int build_emu(struct vm *vm, struct td_snapshot *snap, struct tdx_emu **out)
{
	struct tdx_emu *e;
	int rc = tdx_emu_open(&e, &snap->cfg);

	if (rc)
		return rc;
	pthread_mutex_lock(&e->lock);
	/* tdx_emu_config takes 0 as "the default" (SEPT_VE_DISABLE): a TD
	 * created without attributes must report 0. */
	e->cfg.attributes = snap->attributes;
	for (size_t i = 0; i < snap->npages; i++) {
		uint64_t gpa = snap->pages[i].gpa;

		if (gpa >= e->mem_size || e->mem_size - gpa < PG)
			continue;
		memcpy(tdx__emu_mem(e, gpa, PG), snap->pages[i].data, PG);
		emu_mark_added(e, gpa);
	}
	pthread_mutex_unlock(&e->lock);
	tdx__emu_set_host(e, &(tdx__emu_host){ .vmcall = hook_vmcall, .accept = hook_accept,
					       .shared = hook_shared, .ctx = vm });
	*out = e;
	return TDX_OK;
}

/*
 * With the mutex held and the VM pinned: make sure the finalized TD's
 * emulated module exists.  It is built outside the mutex (the emu's lock
 * is only ever taken without the mutex held: a guest's TDCALL holds the
 * emu's lock and takes the mutex in the hook), then published unless
 * another thread was first.
 */
static int td_emu_locked(struct kvm_emu *k, struct vm *vm)
{
	struct td_snapshot snap;
	struct tdx_emu *spare = NULL;
	int rc;

	if (vm->emu)
		return TDX_OK;
	rc = snapshot_td(k, vm, &snap);
	if (rc)
		return rc;
	pthread_mutex_unlock(&k->lock);
	rc = build_emu(vm, &snap, &spare);
	snapshot_free(&snap);
	pthread_mutex_lock(&k->lock);
	if (spare && !vm->emu) {
		vm->emu = spare;
		spare = NULL;
		vm->exit_vcpu = NULL;
		for (unsigned i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i]->td_init && vm->vcpus[i]->td_index == vm->emu->cfg.vcpu_index)
				vm->exit_vcpu = vm->vcpus[i];
	}
	if (spare) {
		pthread_mutex_unlock(&k->lock);
		tdx__emu_set_host(spare, NULL);
		tdx_emu_close(spare);
		pthread_mutex_lock(&k->lock);
	}
	return rc;
}

/* The guest side of a TD on the emulated KVM: its TDCALLs go to the TD's
 * module; one that waits for the VMM has its vCPU run by the VMM's loop. */
struct td_guest {
	struct kvm_emu *k;
	struct vm *vm;           /* pinned while the guest lives */
	struct tdx_emu *emu;     /* the VM's; alive while the VM is */
	tdx__td_runner runner;
};

/* Memory faults in a row the VMM may leave unresolved before a TDCALL fails. */
#define FAULT_ROUNDS 8

/* Run the vCPU the TD's exit waits on until the VMM has answered it. */
static int td_guest_drive(struct td_guest *g, struct vcpu *v, const char *what)
{
	struct kvm_emu *k = g->k;
	int fd, rc = TDX_OK, state = EXIT_PENDING;

	for (int round = 0; round < 2 && state != EXIT_ANSWERED && !rc; round++) {
		pthread_mutex_lock(&k->lock);
		fd = v->fd;
		pthread_mutex_unlock(&k->lock);
		if (fd < 0)
			return tdx__fail(TDX_E_STATE, "the TD's %s waits for the VMM, but its vCPU %u "
					 "was closed: nothing runs it", what, v->td_index);
		rc = g->runner.run(g->runner.ctx, fd);
		pthread_mutex_lock(&k->lock);
		state = v->exit_state;
		pthread_mutex_unlock(&k->lock);
	}
	if (!rc && state != EXIT_ANSWERED)
		rc = tdx__fail(TDX_E_STATE, "the VMM did not resume the TD's vCPU %u after its %s "
			       "exit: the TDCALL cannot complete", v->td_index, what);
	return rc;
}

static int td_guest_tdcall(void *ctx, tdx_regs *regs)
{
	struct td_guest *g = ctx;
	struct vm *vm = g->vm;
	unsigned faults = 0;
	int rc = TDX_OK;

	pthread_mutex_lock(&vm->guest_lock);
	while ((rc = tdx__emu_execute(g->emu, regs)) == 1) {
		struct vcpu *v;
		uint32_t reason;

		pthread_mutex_lock(&g->k->lock);
		v = vm->exit_vcpu;
		reason = v->page->run->exit_reason;
		pthread_mutex_unlock(&g->k->lock);
		if (reason == KVM_EXIT_MEMORY_FAULT && ++faults > FAULT_ROUNDS) {
			rc = tdx__fail(TDX_E_STATE, "the VMM did not make the memory private after %u "
				       "KVM_EXIT_MEMORY_FAULT exits: the TDCALL cannot complete",
				       FAULT_ROUNDS);
			break;
		}
		rc = td_guest_drive(g, v, reason == KVM_EXIT_MEMORY_FAULT ? "memory-fault"
					  : reason == KVM_EXIT_HYPERCALL ? "MapGPA" : "TDVMCALL");
		if (rc)
			break;
	}
	pthread_mutex_unlock(&vm->guest_lock);
	return rc;
}

static int td_guest_scratch(void *ctx, uint64_t *gpa)
{
	struct td_guest *g = ctx;

	*gpa = g->emu->cfg.accepted_size - TDX_SCRATCH_SIZE;
	return TDX_OK;
}

/* The TD's memory as its code sees it: a shared page is the VMM's memory
 * (hook_shared), a private one the module's. */
static int td_guest_access(struct td_guest *g, uint64_t gpa, uint8_t *buf, size_t len, int write)
{
	struct tdx_emu *e = g->emu;
	int rc = TDX_OK;

	gpa &= ~shared_bit(g->vm);
	pthread_mutex_lock(&e->lock);
	while (len && !rc) {
		size_t n = PG - (gpa % PG) < len ? PG - (gpa % PG) : len;
		uint8_t *st = tdx__emu_page_state(e, gpa);
		uint8_t *p = st && *st == PAGE_SHARED ? hook_shared(g->vm, gpa, n)
						      : tdx__emu_mem(e, gpa, n);

		if (!p) {
			rc = tdx__fail(TDX_E_INVALID, "GPA 0x%llx: %s", (unsigned long long)gpa,
				       st ? "shared, but the VMM gave the TD no memory there"
					  : "outside the TD's memory");
			break;
		}
		if (write)
			memcpy(p, buf, n);
		else
			memcpy(buf, p, n);
		gpa += n;
		buf += n;
		len -= n;
	}
	pthread_mutex_unlock(&e->lock);
	return rc;
}

static void td_guest_stage(void *ctx, int hold)
{
	tdx__emu_stage(((struct td_guest *)ctx)->emu, hold);
}

static int td_guest_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return td_guest_access(ctx, gpa, buf, len, 0);
}

static int td_guest_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return td_guest_access(ctx, gpa, (uint8_t *)(uintptr_t)buf, len, 1);
}

static void td_guest_close(void *ctx)
{
	struct td_guest *g = ctx;
	struct kvm_emu *k = g->k;

	if (g->runner.release)
		g->runner.release(g->runner.ctx);
	pthread_mutex_lock(&k->lock);
	vm_put(k, g->vm);
	unlock_and_reap(k);
	free(g);
}

static const tdx__guest_ops td_guest_ops = {
	.name = "emu",
	.tdcall = td_guest_tdcall,
	.scratch = td_guest_scratch,
	.stage = td_guest_stage,
	.mem_read = td_guest_read,
	.mem_write = td_guest_write,
	.close = td_guest_close,
};

static int emu_td_guest(void *ctx, int vm_fd, const tdx__td_runner *runner, tdx_guest **out)
{
	struct kvm_emu *k = ctx;
	struct td_guest *g;
	struct vm *vm;
	int rc;

	if (!k || !out || !runner || !runner->run)
		return tdx__fail(TDX_E_INVALID, "a NULL argument");
	*out = NULL;
	if (k->box_kvm >= 0)
		return tdx__fail(TDX_E_NOT_SUPPORTED, "the guest side of a TD in a box is the code "
				 "running in the VM (tdx_vcpu_run); the emulated module is reachable "
				 "with tdx_vm_emu");
	pthread_mutex_lock(&k->lock);
	vm = fd_obj(k, vm_fd, OBJ_VM);
	if (!vm) {
		pthread_mutex_unlock(&k->lock);
		return tdx__fail(TDX_E_INVALID, "fd %d is not a VM of the emulated KVM", vm_fd);
	}
	if (!is_td(vm) || vm->dead || vm->state != TD_RUNNABLE) {
		pthread_mutex_unlock(&k->lock);
		return tdx__fail(TDX_E_STATE, "the VM is %s: only a finalized TD has a guest side; "
				 "call KVM_TDX_FINALIZE_VM first",
				 !is_td(vm) ? "not a TD" : vm->dead ? "dead" : "not finalized");
	}
	vm->refs++; /* pinned while the guest lives */
	rc = td_emu_locked(k, vm);
	pthread_mutex_unlock(&k->lock);
	g = rc ? NULL : calloc(1, sizeof(*g));
	if (!rc && !g)
		rc = tdx__fail(TDX_E_NOMEM, "out of memory");
	if (!rc) {
		*g = (struct td_guest){ .k = k, .vm = vm, .emu = vm->emu, .runner = *runner };
		rc = tdx__guest_new(out, &td_guest_ops, g);
		if (!rc)
			return TDX_OK;
		free(g);
	}
	pthread_mutex_lock(&k->lock);
	vm_put(k, vm);
	unlock_and_reap(k);
	return rc;
}

/* ---- TD-in-a-box ---- */

/*
 * The real VM for a TD's first KVM_RUN: the module's memory (box.c) plus
 * memory of its own for the initial-image pages above it (the reset
 * vector's page, firmware below 4 GiB), and at the shared bit the VMM's
 * memory of each memslot (what KVM maps for a shared GPA).  Mutex held.
 */
static long box_start(struct kvm_emu *k, struct vm *vm, struct vcpu *v)
{
	uint64_t mem = vm->emu->mem_size;

	if (tdx__box_create(&vm->box, k->box_kvm, vm->emu, v->init_rcx))
		return -EIO;
	for (size_t i = 0; i < vm->nslots; i++) {
		const struct slot *s = &vm->slots[i];
		uint64_t first = s->gmem_off / PG, n = s->size / PG;
		uint64_t base = s->gpa < mem ? mem : s->gpa;
		uint8_t *host;

		if (tdx__box_alias(vm->box, s->gpa | shared_bit(vm), s->size,
				   (uint8_t *)(uintptr_t)s->uaddr))
			return -ENOMEM;
		if (!s->gmem || s->gpa + s->size <= mem)
			continue;
		host = tdx__box_memory(vm->box, base, s->gpa + s->size - base);
		if (!host)
			return -ENOMEM;
		for (size_t j = 0; j < s->gmem->npages; j++) {
			const struct gmem_page *p = &s->gmem->pages[j];
			uint64_t gpa = s->gpa + (p->pgoff - first) * PG;

			if (p->pgoff >= first && p->pgoff < first + n && gpa >= base)
				memcpy(host + (gpa - base), p->data, PG);
		}
	}
	return 0;
}

/*
 * KVM_RUN of a TD vCPU on the real KVM.  The first run builds the TD's
 * emulated module and the real VM.  The mutex is dropped while the guest
 * runs (its TDCALLs reach the hooks, which take it); an exit for the VMM
 * ends the run with the TDCALL deferred (vcpu_run returns it).  One vCPU
 * runs: the module's VCPU_INDEX (the TD's first).
 */
static long box_run(struct kvm_emu *k, struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct run_page *page = v->page;
	long r = 0;

	vm->refs++;
	if (td_emu_locked(k, vm))
		r = -ENOMEM;
	else if (v != vm->exit_vcpu)
		r = -EINVAL;
	else if (!vm->box)
		r = box_start(k, vm, v);
	if (r == 0) {
		page->refs++;
		pthread_mutex_unlock(&k->lock);
		r = tdx__box_run(vm->box, page->run, RUN_AREA_SIZE);
		pthread_mutex_lock(&k->lock);
		page_put(k, page);
	}
	vm_put(k, vm);
	return r;
}
