/* SPDX-License-Identifier: MIT */
/*
 * The host API on the emulated host: the whole launch sequence, every
 * ordering rule, the kernel's retry and resume behaviours (driven by the
 * emulated KVM's fault hooks), the MRTD three ways (the emulated TDX
 * module's finalize, libtdx's tdx_measure, and OpenSSL on the documented
 * block format here), and the TD's TDVMCALLs reaching the host's exit
 * handler as the kernel's decoded exits.
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness.h"
#include "host_backend.h"

#define PAGE 4096
#define IMG_GPA 0xFFFFC000ULL /* 4 pages below 4 GiB */
#define TD_RAM (64ULL << 20)  /* the emulated TD's memory at GPA 0 (mem=64M) */

static uint8_t image[4 * PAGE] __attribute__((aligned(4096)));

/* MRTD by hand: SHA-384 over 128-byte blocks (host.md §3.1), single pass. */
static void independent_mrtd(uint8_t out[48], int measure_last_page)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned n = 0;

	EVP_DigestInit_ex(c, EVP_sha384(), NULL);
	for (int p = 0; p < 4; p++) {
		uint8_t blk[128] = { 0 };
		uint64_t gpa = IMG_GPA + (uint64_t)p * PAGE;

		memcpy(blk, "MEM.PAGE.ADD", 12);
		memcpy(blk + 16, &gpa, 8);
		EVP_DigestUpdate(c, blk, 128);
		if (p == 3 && !measure_last_page)
			continue;
		for (int k = 0; k < 16; k++) {
			uint64_t cg = gpa + 256ULL * k;

			memset(blk, 0, sizeof(blk));
			memcpy(blk, "MR.EXTEND", 9);
			memcpy(blk + 16, &cg, 8);
			EVP_DigestUpdate(c, blk, 128);
			EVP_DigestUpdate(c, image + p * PAGE + 256 * k, 256);
		}
	}
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

typedef struct td {
	tdx_host *h;
	tdx_vm *vm;
	tdx_vcpu *vcpu;
} td;

/* The sequence up to (not including) the memory regions. */
static void build(td *t, const char *spec, const tdx_vm_init_opts *init)
{
	memset(t, 0, sizeof(*t));
	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&t->h, spec), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&t->vm, t->h, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(t->vm, init), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(t->vm, IMG_GPA, sizeof(image)), TDX_OK);
	/* The TD's RAM: its buffers are shared through this memory. */
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(t->vm, 0, TD_RAM), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&t->vcpu, t->vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(t->vcpu, 0), TDX_OK);
}

static void load(td *t)
{
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(t->vcpu, image, IMG_GPA, 3, 1), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(t->vcpu, image + 3 * PAGE, IMG_GPA + 3 * PAGE,
						     1, 0), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(t->vm), TDX_OK);
}

static void destroy(td *t)
{
	tdx_vcpu_close(t->vcpu);
	tdx_vm_close(t->vm);
	tdx_host_close(t->h);
}

static void test_sequence_and_mrtd(void)
{
	TDX_OPTS(tdx_vm_caps, caps);
	TDX_OPTS(tdx_host_info, info);
	uint8_t mrtd[48], want[48], via_measure[48];
	tdx_cpuid_entry e;
	tdx_mrtd *m;
	td t;

	build(&t, "emu", NULL);
	CU_ASSERT_EQUAL(tdx_host_probe(t.h, &info), TDX_OK);
	CU_ASSERT_EQUAL(info.tdx, 1);
	CU_ASSERT_STRING_EQUAL(tdx_host_backend_name(t.h), "emu");
	CU_ASSERT_EQUAL(tdx_vm_get_capabilities(t.vm, &caps), TDX_OK);
	CU_ASSERT(caps.num_cpuid_configs > 0);
	CU_ASSERT_EQUAL(caps.user_tdvmcallinfo_1_r11, 1ULL << 1);
	CU_ASSERT_EQUAL(tdx_vm_cpuid_config(t.vm, 0, &e), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_cpuid_config(t.vm, caps.num_cpuid_configs, &e), TDX_E_INVALID,
			 "configurable");
	load(&t);
	CU_ASSERT_EQUAL(tdx_vm_mrtd(t.vm, mrtd), TDX_OK);
	independent_mrtd(want, 0);
	CU_ASSERT_EQUAL(memcmp(mrtd, want, 48), 0);
	CU_ASSERT_EQUAL_FATAL(tdx_mrtd_new(&m), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, IMG_GPA, 3, image, 3 * PAGE, TDX_MEASURE_EXTEND), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_add_region(m, IMG_GPA + 3 * PAGE, 1, NULL, 0, 0), TDX_OK);
	CU_ASSERT_EQUAL(tdx_mrtd_finalize(m, via_measure), TDX_OK);
	tdx_mrtd_free(m);
	CU_ASSERT_EQUAL(memcmp(mrtd, via_measure, 48), 0);
	/* ... and the emulated TDX module's own finalize, seen in a TDREPORT. */
	{
		tdx_guest *g;
		uint8_t data[64] = { 0 }, report[1024];
		size_t len = sizeof(report);

		CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(report + 512 + 16, want, 48), 0);
		tdx_guest_close(g);
	}
	destroy(&t);
}

static void test_order_is_enforced(void)
{
	TDX_OPTS(tdx_exit, ex);
	tdx_host *h;
	tdx_vm *vm;
	tdx_vcpu *v;
	tdx_guest *g;
	tdx_cpuid_entry few[2];
	uint32_t n = 2;
	td t;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "emu"), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, h, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vcpu_create(&v, vm), TDX_E_STATE, "tdx_vm_init first");
	TDX_ASSERT_FAILS(tdx_vm_finalize(vm), TDX_E_STATE, "tdx_vm_init first");
	TDX_ASSERT_FAILS(tdx_vm_guest(vm, &g), TDX_E_STATE, "tdx_vm_finalize first");
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(vm, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_init(vm, NULL), TDX_E_STATE, "already");
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&v, vm), TDX_OK);
	/* The TD's CPUID: -E2BIG tells how many entries are needed. */
	TDX_ASSERT_FAILS(tdx_vcpu_get_cpuid(v, few, &n), TDX_E_BUFFER_TOO_SMALL, "entries");
	CU_ASSERT(n > 2);
	{
		tdx_cpuid_entry *all = calloc(n, sizeof(*all));
		int found = 0;

		CU_ASSERT_EQUAL(tdx_vcpu_get_cpuid(v, all, &n), TDX_OK);
		for (uint32_t i = 0; i < n; i++)
			if (all[i].function == 0x80000008)
				found = ((all[i].eax >> 16) & 0xFF) == 48;
		CU_ASSERT(found); /* GPAW 48 in 0x80000008 EAX[23:16] */
		free(all);
	}
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(v, image, IMG_GPA, 1, 1), TDX_E_STATE,
			 "tdx_vcpu_init");
	TDX_ASSERT_FAILS(tdx_vm_finalize(vm), TDX_E_STATE, "at least one vCPU");
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(v, 0), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vcpu_init(v, 0), TDX_E_STATE, "already");
	TDX_ASSERT_FAILS(tdx_vcpu_run(v, &ex), TDX_E_STATE, "tdx_vm_finalize first");
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(vm), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_finalize(vm), TDX_E_STATE, "already finalized");
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(v, image, IMG_GPA, 1, 1), TDX_E_STATE, "finalized");
	TDX_ASSERT_FAILS(tdx_vcpu_get_cpuid(v, few, &n), TDX_E_STATE, "between");
	{
		tdx_vcpu *late;

		TDX_ASSERT_FAILS(tdx_vcpu_create(&late, vm), TDX_E_STATE, "finalized");
	}
	/* The emulated TD runs no guest code: KVM_RUN reports the vCPU halted. */
	CU_ASSERT_EQUAL(tdx_vcpu_run(v, &ex), TDX_OK);
	CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_HLT);
	tdx_vcpu_close(v);
	tdx_vm_close(vm);
	tdx_host_close(h);
	(void)t;
}

static void test_kernel_refusals(void)
{
	TDX_OPTS(tdx_vm_init_opts, o, .attributes = 1ULL << 0 /* DEBUG: not supported */);
	tdx_host *h;
	tdx_vm *vm;
	tdx_vcpu *v;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "emu"), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, h, NULL), TDX_OK);
	TDX_ASSERT_FAILS(tdx_vm_init(vm, &o), TDX_E_INVALID, "does not support");
	o.attributes = 0;
	o.gpaw = 50;
	TDX_ASSERT_FAILS(tdx_vm_init(vm, &o), TDX_E_INVALID, "48 or 52");
	o.gpaw = 52;
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(vm, &o), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&v, vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(v, 0), TDX_OK);
	/* Memory not added as private memory: the kernel refuses (-EINVAL). */
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(v, image, 0x100000, 1, 1), TDX_E_OS,
			 "KVM_TDX_INIT_MEM_REGION");
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_KVM);
	CU_ASSERT_EQUAL(tdx_error_last()->os_errno, EINVAL);
	/* The shared half of a GPAW-52 TD. */
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(v, image, 1ULL << 51, 1, 1), TDX_E_INVALID,
			 "shared");
	TDX_ASSERT_FAILS(tdx_vm_init_mem_region(v, image + 1, IMG_GPA, 1, 1), TDX_E_INVALID,
			 "aligned");
	tdx_vcpu_close(v);
	tdx_vm_close(vm);
	tdx_host_close(h);
}

/* The emulated kernel interrupts and stalls; libtdx retries and resumes. */
static void test_retry_and_resume(void)
{
	tdx__kvm_emu_faults f = { .init_vm_eagain = 3, .finalize_ebusy = 2,
				  .mem_region_eintr_after = 1, .mem_region_eintr_times = 2,
				  .mem_region_eagain_times = 2 };
	uint8_t mrtd[48], want[48];
	tdx_host *h;
	td t;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "emu"), TDX_OK);
	tdx__kvm_emu_set_faults(tdx__host_ctx(h), &f);
	memset(&t, 0, sizeof(t));
	t.h = h;
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&t.vm, h, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(t.vm, NULL), TDX_OK); /* after 3 x -EAGAIN */
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(t.vm, IMG_GPA, sizeof(image)), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&t.vcpu, t.vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(t.vcpu, 0), TDX_OK);
	load(&t); /* -EINTR after 1 page (twice), -EAGAIN twice, -EBUSY twice */
	CU_ASSERT_EQUAL(tdx_vm_mrtd(t.vm, mrtd), TDX_OK);
	independent_mrtd(want, 0);
	CU_ASSERT_EQUAL(memcmp(mrtd, want, 48), 0); /* as if never interrupted */
	{
		tdx_guest *g;
		uint8_t data[64] = { 0 }, report[1024];
		size_t len = sizeof(report);

		CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(report + 512 + 16, want, 48), 0);
		tdx_guest_close(g);
	}
	destroy(&t);
}

/* ---- TDVMCALLs from the TD reach the host as decoded exits ---- */

typedef struct seen {
	tdx_vm *vm;
	int quotes, map_gpa, notify, info, fatal, faults;
	unsigned vector;
	char message[65];
	uint64_t code;
	int answer_quotes;
	uint64_t map_ret;       /* MapGPA's answer, once */
	tdx_exit last_fault;
} seen;

static void handler(void *ctx, tdx_vcpu *vcpu, tdx_exit *e)
{
	seen *s = ctx;

	CU_ASSERT_PTR_NOT_NULL(vcpu);
	switch (e->reason) {
	case TDX_EXIT_MAP_GPA:
		s->map_gpa++;
		CU_ASSERT(e->size > 0 && e->size <= 2u << 20);
		e->tdvmcall_ret = s->map_ret;
		s->map_ret = 0;
		break;
	case TDX_EXIT_MEMORY_FAULT:
		s->faults++;
		s->last_fault = *e;
		break;
	case TDX_EXIT_FATAL:
		s->fatal++;
		s->code = e->error_code;
		memcpy(s->message, e->message, sizeof(s->message));
		break;
	case TDX_EXIT_TDVMCALL:
		if (e->tdvmcall_nr == TDX_TDVMCALL_SETUP_EVENT_NOTIFY) {
			s->notify++;
			s->vector = (unsigned)e->tdvmcall_args[0];
			e->tdvmcall_ret = 0;
		} else if (e->tdvmcall_nr == TDX_TDVMCALL_GET_TDVMCALL_INFO) {
			s->info++;
			CU_ASSERT_EQUAL(e->tdvmcall_ret, 0); /* pre-set SUCCESS */
			e->tdvmcall_args[1] |= 1ULL << 1;    /* R11: SetupEventNotifyInterrupt */
		} else if (e->tdvmcall_nr == TDX_TDVMCALL_GET_QUOTE) {
			uint8_t report[1024], quote[16384];
			size_t qlen = sizeof(quote);
			uint64_t gpa = e->tdvmcall_args[0], status = 0;
			uint32_t out_len;

			s->quotes++;
			CU_ASSERT_EQUAL(e->tdvmcall_ret, 0x8000000000000003ULL); /* pre-set */
			CU_ASSERT_EQUAL(gpa >> 47, 0); /* the shared bit is stripped */
			if (!s->answer_quotes)
				break;
			CU_ASSERT_EQUAL_FATAL(tdx_vm_read(s->vm, gpa + 24, report, 1024), TDX_OK);
			CU_ASSERT_EQUAL_FATAL(tdx_emu_quote(tdx_vm_emu(s->vm), report, 1024, quote, &qlen),
					      TDX_OK);
			out_len = (uint32_t)qlen;
			tdx_vm_write(s->vm, gpa + 24, quote, qlen);
			tdx_vm_write(s->vm, gpa + 20, &out_len, 4);
			tdx_vm_write(s->vm, gpa + 8, &status, 8);
			e->tdvmcall_ret = 0;
		}
		break;
	default:
		break;
	}
}

static void test_tdvmcall_exits(void)
{
	uint8_t data[64] = { 5 }, quote[16384], mrtd[48];
	size_t len = sizeof(quote);
	uint64_t info[4];
	seen s = { 0 };
	tdx_guest *g;
	tdx_quote *q;
	td t;

	build(&t, "emu", NULL);
	load(&t);
	s.vm = t.vm;
	CU_ASSERT_EQUAL(tdx_vm_set_exit_handler(t.vm, handler, &s), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	CU_ASSERT_PTR_NOT_NULL(tdx_vm_emu(t.vm));

	/* Without an answer, KVM's pre-set SUBFUNC_UNSUPPORTED reaches the TD. */
	TDX_ASSERT_FAILS(tdx_guest_get_quote(g, data, 64, quote, &len), TDX_E_VMCALL,
			 "SUBFUNC_UNSUPPORTED");
	CU_ASSERT_EQUAL(s.quotes, 1);
	CU_ASSERT(s.map_gpa >= 2); /* to shared and back */
	s.answer_quotes = 1;
	len = sizeof(quote);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_quote(g, data, 64, quote, &len), TDX_OK);
	CU_ASSERT_EQUAL(s.quotes, 2);
	CU_ASSERT_EQUAL_FATAL(tdx_quote_parse(&q, quote, len), TDX_OK);
	CU_ASSERT_EQUAL(tdx_vm_mrtd(t.vm, mrtd), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_mrtd(q), mrtd, 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_quote_report_data(q), data, 64), 0);
	tdx_quote_free(q);

	CU_ASSERT_EQUAL(tdx_tdvmcall_setup_event_notify_interrupt(g, 0x41), TDX_OK);
	CU_ASSERT_EQUAL(s.notify, 1);
	CU_ASSERT_EQUAL(s.vector, 0x41);
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 0, info), TDX_OK); /* in-kernel */
	CU_ASSERT_EQUAL(s.info, 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_get_tdvmcall_info(g, 1, info), TDX_OK);
	CU_ASSERT_EQUAL(s.info, 1);
	CU_ASSERT_EQUAL(info[0], 1ULL << 1);
	CU_ASSERT_EQUAL(tdx_tdvmcall_report_fatal_error(g, 0x77, "guest gave up", 0), TDX_OK);
	CU_ASSERT_EQUAL(s.fatal, 1);
	CU_ASSERT_EQUAL(s.code & 0xFFFFFFFF, 0x77);
	CU_ASSERT_STRING_EQUAL(s.message, "guest gave up");
	tdx_guest_close(g);
	destroy(&t);
}

/* ---- the kernel's rules the library once broke (docs/kvm-conformance.md) ---- */

/* KVM_TDX_CAPABILITIES entries come with flags 0 and a real module has
 * subleaf slots (4.0-4.3, 7.0-7.2, 0xD.0-1): KVM_TDX_INIT_VM's copy_cnt
 * check passes with default options and with the caller's own list, each
 * subleaf placed by exact (function, index). */
static void test_init_vm_cpuid_placement(void)
{
	tdx_cpuid_entry want[] = {
		{ .function = 7, .index = 0, .ebx = 1u << 0 },
		{ .function = 7, .index = 1, .eax = 1u << 4 },
		{ .function = 7, .index = 2, .edx = 1u << 0 },
		{ .function = 0xD, .index = 1, .eax = 1u << 0 },
		{ .function = 4, .index = 2, .eax = 0x4000 },
		{ .function = 0x40000000, .eax = 0x40000001 }, /* not configurable */
		{ .function = 0x80000008, .eax = 0x3030 },
	};
	TDX_OPTS(tdx_vm_init_opts, o, .cpuid = want, .ncpuid = 7);
	tdx_cpuid_entry conf, got[64];
	uint32_t n = 64, flagged = 0, seen_subleaf = 0;
	tdx_host *h;
	tdx_vm *vm;
	tdx_vcpu *v;

	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&h, "emu"), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, h, NULL), TDX_OK);
	for (uint32_t i = 0; tdx_vm_cpuid_config(vm, i, &conf) == TDX_OK; i++) {
		flagged |= conf.flags;
		seen_subleaf |= conf.function == 7 && conf.index == 2;
	}
	CU_ASSERT_EQUAL(flagged, 0); /* as KVM reports them */
	CU_ASSERT(seen_subleaf);
	CU_ASSERT_EQUAL(tdx_vm_init(vm, NULL), TDX_OK);
	tdx_vm_close(vm);

	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&vm, h, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(vm, &o), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&v, vm), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_get_cpuid(v, got, &n), TDX_OK);
	for (uint32_t i = 0; i < n; i++) {
		if (got[i].function == 7 && got[i].index == 0)
			CU_ASSERT_EQUAL(got[i].ebx, 1u << 0);
		if (got[i].function == 7 && got[i].index == 1)
			CU_ASSERT_EQUAL(got[i].eax, 1u << 4);
		if (got[i].function == 7 && got[i].index == 2)
			CU_ASSERT_EQUAL(got[i].edx, 1u << 0);
		if (got[i].function == 0xD && got[i].index == 1)
			CU_ASSERT_EQUAL(got[i].eax, 1u << 0);
		if (got[i].function == 4 && got[i].index == 2)
			CU_ASSERT_EQUAL(got[i].eax, 0x4000);
		if (got[i].function == 0x80000008)
			CU_ASSERT_EQUAL((got[i].eax >> 16) & 0xFF, 48);
	}
	/* ... and the TD runs: its report carries the MRTD the host measured. */
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(vm, IMG_GPA, sizeof(image)), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(v, 0), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(v, image, IMG_GPA, 4, 1), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(vm), TDX_OK);
	{
		uint8_t data[64] = { 9 }, report[1024], mrtd[48];
		size_t len = sizeof(report);
		tdx_guest *g;

		CU_ASSERT_EQUAL(tdx_vm_mrtd(vm, mrtd), TDX_OK);
		CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(vm, &g), TDX_OK);
		CU_ASSERT_EQUAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
		CU_ASSERT_EQUAL(memcmp(report + 512 + 16, mrtd, 48), 0);
		tdx_guest_close(g);
	}
	tdx_vcpu_close(v);
	tdx_vm_close(vm);
	tdx_host_close(h);
}

/* Conversions as on a real host: MapGPA to shared passes KVM's MAXPHYADDR
 * check (the vCPU's KVM_SET_CPUID2 model carries it), the memory left
 * behind is freed, shared-only memory cannot turn private, accepting
 * memory KVM holds shared is a KVM_EXIT_MEMORY_FAULT (KVM_RUN = -1/EFAULT)
 * that libtdx converts before the vCPU resumes. */
static void test_conversions(void)
{
	uint8_t pat[16] = "shared data....", back[16];
	seen s = { 0 };
	uint32_t r[4];
	tdx_guest *g;
	td t;

	build(&t, "emu", NULL);
	load(&t);
	s.vm = t.vm;
	tdx_vm_set_exit_handler(t.vm, handler, &s);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, (1ULL << 47) | 0x400000, 2 * PAGE, NULL), TDX_OK);
	CU_ASSERT_EQUAL(s.map_gpa, 1);
	CU_ASSERT_EQUAL(tdx_vm_write(t.vm, 0x400000, pat, sizeof(pat)), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x400000, PAGE, NULL), TDX_OK);
	CU_ASSERT_EQUAL(tdx_vm_read(t.vm, 0x400000, back, sizeof(back)), TDX_OK);
	CU_ASSERT(back[0] == 0 && !memcmp(back, back + 1, sizeof(back) - 1)); /* dropped */
	/* 0x401000 is still shared: accepting it faults, libtdx converts. */
	CU_ASSERT_EQUAL(tdx_tdg_mem_page_accept(g, 0x401000, TDX_PAGE_LEVEL_4K), TDX_OK);
	CU_ASSERT_EQUAL(s.faults, 1);
	CU_ASSERT_EQUAL(s.last_fault.reason, TDX_EXIT_MEMORY_FAULT);
	CU_ASSERT_EQUAL(s.last_fault.gpa, 0x401000);
	CU_ASSERT_EQUAL(s.last_fault.size, PAGE);
	CU_ASSERT_EQUAL(s.last_fault.to_private, 1);
	/* Memory without a guest_memfd stays shared (QEMU kvm_convert_memory);
	 * where there is no memory, sharing is a no-op, going private is not. */
	CU_ASSERT_EQUAL(tdx_vm_add_shared_memory(t.vm, 0x8000000, 2 * PAGE), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x8000000, PAGE, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, (1ULL << 47) | 0x9000000, PAGE, NULL), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, 0x9000000, PAGE, NULL), TDX_E_VMCALL);
	/* The model KVM answers CPUID from: its own leaves, QEMU's TD subset of
	 * KVM's features, TSC-deadline and x2APIC. */
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000000, 0, r), TDX_OK);
	CU_ASSERT_EQUAL(memcmp(&r[1], "KVMKVMKVM", 9), 0);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 0x40000001, 0, r), TDX_OK);
	/* KVM's list without CLOCKSOURCE, ASYNC_PF, STEAL_TIME ...; with the
	 * MSI_EXT_DEST_ID (bit 15) KVM leaves to the VMM. */
	CU_ASSERT_EQUAL(r[0], 0xBA82u);
	CU_ASSERT_EQUAL(tdx_tdvmcall_cpuid(g, 1, 0, r), TDX_OK);
	CU_ASSERT_EQUAL(r[2] & ((1u << 21) | (1u << 24)), (1u << 21) | (1u << 24));
	tdx_guest_close(g);
	destroy(&t);
}

/* MapGPA's answer is limited to what the running kernel takes: 0, EAGAIN
 * (Linux >= 7.2) or EINVAL; anything else would fail KVM_RUN on 7.2. */
static void test_map_gpa_answers(void)
{
	seen s = { 0 };
	tdx_guest *g;
	td t;

	build(&t, "emu", NULL); /* the emulated kernel: 7.2 */
	load(&t);
	s.vm = t.vm;
	tdx_vm_set_exit_handler(t.vm, handler, &s);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	s.map_ret = EPERM; /* refused, not a dead vCPU */
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, (1ULL << 47) | 0x400000, PAGE, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(tdx_error_last()->hw_status, 0x8000000000000000ULL);
	s.map_ret = EAGAIN; /* the TD retries */
	s.map_gpa = 0;
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, (1ULL << 47) | 0x400000, PAGE, NULL), TDX_OK);
	CU_ASSERT_EQUAL(s.map_gpa, 2);
	tdx_guest_close(g);
	destroy(&t);

	build(&t, "emu:kernel=6.16", NULL);
	load(&t);
	s = (seen){ .vm = t.vm, .map_ret = EAGAIN };
	tdx_vm_set_exit_handler(t.vm, handler, &s);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdvmcall_map_gpa(g, (1ULL << 47) | 0x400000, PAGE, NULL), TDX_E_VMCALL);
	CU_ASSERT_EQUAL(s.map_gpa, 1);
	tdx_guest_close(g);
	destroy(&t);
}

/* ReportFatalError's message from the registers the TD's mask exposed,
 * packed (here R14 and R8, not a prefix of the GHCI order). */
static void test_fatal_message_mask(void)
{
	seen s = { 0 };
	tdx_regs r = { .rcx = (1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) |
			      (1u << 14),
		       .r11 = 0x10003, .r12 = 0x10000 };
	tdx_guest *g;
	td t;

	memcpy(&r.r14, "abcdefgh", 8);
	memcpy(&r.r8, "ijklmnop", 8);
	build(&t, "emu", NULL);
	load(&t);
	s.vm = t.vm;
	tdx_vm_set_exit_handler(t.vm, handler, &s);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	CU_ASSERT_EQUAL(tdx_tdg_vp_vmcall(g, &r), TDX_OK);
	CU_ASSERT_EQUAL(s.fatal, 1);
	CU_ASSERT_STRING_EQUAL(s.message, "abcdefghijklmnop");
	tdx_guest_close(g);
	destroy(&t);
}

/* The VM's own vCPU limit, and Linux 7.2's VM-state guard (-EBUSY while a
 * vCPU is being created) retried at each guarded step. */
static void test_vm_limits_and_guard(void)
{
	TDX_OPTS(tdx_vm_caps, caps);
	TDX_OPTS(tdx_host_info, info);
	tdx_guest *g;
	void *k;
	td t;

	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL_FATAL(tdx_host_open(&t.h, "emu"), TDX_OK);
	k = tdx__host_ctx(t.h);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_create(&t.vm, t.h, NULL), TDX_OK);
	CU_ASSERT_EQUAL(tdx_host_probe(t.h, &info), TDX_OK);
	CU_ASSERT_EQUAL(tdx_vm_get_capabilities(t.vm, &caps), TDX_OK);
	CU_ASSERT_EQUAL(info.max_vcpus, 1024);
	CU_ASSERT_EQUAL(caps.max_vcpus, 64);
	tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 3 });
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init(t.vm, NULL), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_add_private_memory(t.vm, IMG_GPA, sizeof(image)), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_create(&t.vcpu, t.vm), TDX_OK);
	tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 2 });
	CU_ASSERT_EQUAL_FATAL(tdx_vcpu_init(t.vcpu, 0), TDX_OK);
	tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 2 });
	CU_ASSERT_EQUAL_FATAL(tdx_vm_init_mem_region(t.vcpu, image, IMG_GPA, 4, 1), TDX_OK);
	tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .state_guard_ebusy = 2 });
	CU_ASSERT_EQUAL_FATAL(tdx_vm_finalize(t.vm), TDX_OK);
	/* An exception the TD exits with (KVM_EXIT_EXCEPTION, #MC here). */
	{
		TDX_OPTS(tdx_exit, ex);

		tdx__kvm_emu_set_faults(k, &(tdx__kvm_emu_faults){ .exception_vector = 18 });
		CU_ASSERT_EQUAL(tdx_vcpu_run(t.vcpu, &ex), TDX_OK);
		CU_ASSERT_EQUAL(ex.reason, TDX_EXIT_EXCEPTION);
		CU_ASSERT_EQUAL(ex.kvm_exit_reason, 1);
		CU_ASSERT_EQUAL(ex.subtype, 18);
	}
	/* The guest side runs its vCPU through the run loop: none, no TDVMCALL. */
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	tdx_vcpu_close(t.vcpu);
	t.vcpu = NULL;
	TDX_ASSERT_FAILS(tdx_tdvmcall_setup_event_notify_interrupt(g, 40), TDX_E_STATE, "closed");
	tdx_guest_close(g);
	destroy(&t);
}

static void test_guest_reports_host_settings(void)
{
	TDX_OPTS(tdx_vm_init_opts, o);
	uint8_t data[64] = { 0 }, report[1024];
	size_t len = sizeof(report);
	tdx_guest *g;
	tdx_report *r;
	td t;

	memset(o.mrconfigid, 0x11, 48);
	memset(o.mrowner, 0x22, 48);
	memset(o.mrownerconfig, 0x33, 48);
	build(&t, "emu", &o);
	load(&t);
	CU_ASSERT_EQUAL_FATAL(tdx_vm_guest(t.vm, &g), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_guest_get_report(g, data, 64, report, &len), TDX_OK);
	CU_ASSERT_EQUAL_FATAL(tdx_report_parse(&r, report, len), TDX_OK);
	CU_ASSERT_EQUAL(tdx_report_attributes(r), 1ULL << 28);
	CU_ASSERT_EQUAL(memcmp(tdx_report_mrconfigid(r), o.mrconfigid, 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_report_mrowner(r), o.mrowner, 48), 0);
	CU_ASSERT_EQUAL(memcmp(tdx_report_mrownerconfig(r), o.mrownerconfig, 48), 0);
	tdx_report_free(r);
	tdx_guest_close(g);
	destroy(&t);
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_sequence_and_mrtd),
		TDX_TEST(test_order_is_enforced),
		TDX_TEST(test_kernel_refusals),
		TDX_TEST(test_retry_and_resume),
		TDX_TEST(test_tdvmcall_exits),
		TDX_TEST(test_guest_reports_host_settings),
		TDX_TEST(test_init_vm_cpuid_placement),
		TDX_TEST(test_conversions),
		TDX_TEST(test_map_gpa_answers),
		TDX_TEST(test_fatal_message_mask),
		TDX_TEST(test_vm_limits_and_guard),
		{ NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 13 + (i >> 12));
	return tdx_test_run("host-emu", tests);
}
