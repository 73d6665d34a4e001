/* SPDX-License-Identifier: MIT */
/*
 * libffi conformance: dlopen libtdx.so.1 and call every exported function
 * through the signature declared in the manifest below, the way FFI users
 * (ctypes, cgo, SWIG) reach it, then check the result.  A symbol in the
 * version script without a manifest entry fails the test, so the manifest
 * grows with the ABI.  Public struct sizes and offsets are checked against
 * a literal table, so a layout change cannot pass unnoticed.
 *
 * usage: test_ffi LIBTDX_SO LIBTDX_MAP
 */
#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/harness.h"

static void *lib;
static const char *map_path;

/* One exported function: its C signature and a call that checks it. */
typedef struct manifest_entry {
	const char *name;
	ffi_type *ret;
	unsigned nargs;
	ffi_type *args[8];
	void (*check)(const struct manifest_entry *e, void *fn);
} manifest_entry;

/* Call `fn` as `e` declares it. */
static void call(const manifest_entry *e, void *fn, void *ret, void **values)
{
	ffi_cif cif;

	CU_ASSERT_EQUAL_FATAL(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, e->nargs, e->ret,
					   (ffi_type **)e->args), FFI_OK);
	ffi_call(&cif, FFI_FN(fn), ret, values);
}

static const tdx_error *last_error(void)
{
	const tdx_error *(*f)(void) = (const tdx_error *(*)(void))dlsym(lib, "tdx_error_last");

	return f();
}

static void check_version(const manifest_entry *e, void *fn)
{
	int maj = -1, min = -1, pat = -1;
	int *pmaj = &maj, *pmin = &min, *ppat = &pat;
	void *values[] = { &pmaj, &pmin, &ppat };

	call(e, fn, NULL, values);
	CU_ASSERT_EQUAL(maj, TDX_VERSION_MAJOR);
	CU_ASSERT_EQUAL(min, TDX_VERSION_MINOR);
	CU_ASSERT_EQUAL(pat, TDX_VERSION_PATCH);
}

static void check_version_string(const manifest_entry *e, void *fn)
{
	const char *s = NULL;

	call(e, fn, &s, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, TDX_VERSION_STRING);
}

static void check_error_last(const manifest_entry *e, void *fn)
{
	const tdx_error *err = NULL;

	call(e, fn, &err, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(err->message);
}

static void check_error_clear(const manifest_entry *e, void *fn)
{
	call(e, fn, NULL, NULL);
	CU_ASSERT_EQUAL(last_error()->code, TDX_OK);
	CU_ASSERT_STRING_EQUAL(last_error()->message, "no error");
}

static void check_strerror(const manifest_entry *e, void *fn)
{
	int code = TDX_E_NOMEM;
	const char *s = NULL;
	void *values[] = { &code };

	call(e, fn, &s, values);
	CU_ASSERT_STRING_EQUAL(s, "out of memory");
}

static void check_layer_name(const manifest_entry *e, void *fn)
{
	int layer = TDX_LAYER_MODULE;
	const char *s = NULL;
	void *values[] = { &layer };

	call(e, fn, &s, values);
	CU_ASSERT_STRING_EQUAL(s, "tdx-module");
}

static void check_module_status_name(const manifest_entry *e, void *fn)
{
	uint64_t status = 0x8000020000000000ULL;
	const char *s = NULL;
	void *values[] = { &status };

	call(e, fn, &s, values);
	CU_ASSERT_STRING_EQUAL(s, "TDX_OPERAND_BUSY");
}

static void check_module_status_operand(const manifest_entry *e, void *fn)
{
	uint64_t status = 0xC000010000000008ULL;
	const char *s = NULL;
	void *values[] = { &status };

	call(e, fn, &s, values);
	CU_ASSERT_STRING_EQUAL(s, "R8");
}

static void check_vmcall_status_name(const manifest_entry *e, void *fn)
{
	uint64_t status = 1;
	const char *s = NULL;
	void *values[] = { &status };

	call(e, fn, &s, values);
	CU_ASSERT_STRING_EQUAL(s, "TDVMCALL_STATUS_RETRY");
}

static void check_machine_info_init(const manifest_entry *e, void *fn)
{
	tdx_machine_info m, *pm = &m;
	size_t sz = sizeof(m);
	ffi_sarg rc = -99;
	void *values[] = { &pm, &sz };

	memset(&m, 0xFF, sizeof(m));
	call(e, fn, &rc, values);
	CU_ASSERT_EQUAL(rc, TDX_OK);
	CU_ASSERT_EQUAL(m.sz, sizeof(m));
	CU_ASSERT_EQUAL(m.kvm, 0);
	pm = NULL;
	call(e, fn, &rc, values);
	CU_ASSERT_EQUAL(rc, TDX_E_INVALID);
}

static void check_machine_probe(const manifest_entry *e, void *fn)
{
	tdx_machine_info m, *pm = &m;
	ffi_sarg rc = -99;
	void *values[] = { &pm };

	memset(&m, 0, sizeof(m));
	m.sz = sizeof(m);
	call(e, fn, &rc, values);
	CU_ASSERT_EQUAL(rc, TDX_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(m.kvm_detail, "/dev/kvm"));
	pm = NULL;
	call(e, fn, &rc, values);
	CU_ASSERT_EQUAL(rc, TDX_E_INVALID);
	CU_ASSERT_EQUAL(last_error()->code, TDX_E_INVALID);
}

/* Per-area manifests: check functions and their entries. */
#include "manifest_parse.inc"
#include "manifest_guest.inc"
#include "manifest_measure.inc"
#include "manifest_eventlog.inc"
#include "manifest_host.inc"
#include "manifest_verify.inc"

/* int returns are widened to ffi_sarg by libffi: read them as ffi_sarg. */
static const manifest_entry manifest[] = {
	{ "tdx_version", &ffi_type_void, 3,
	  { &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer }, check_version },
	{ "tdx_version_string", &ffi_type_pointer, 0, { NULL }, check_version_string },
	{ "tdx_error_last", &ffi_type_pointer, 0, { NULL }, check_error_last },
	{ "tdx_error_clear", &ffi_type_void, 0, { NULL }, check_error_clear },
	{ "tdx_strerror", &ffi_type_pointer, 1, { &ffi_type_sint }, check_strerror },
	{ "tdx_layer_name", &ffi_type_pointer, 1, { &ffi_type_sint }, check_layer_name },
	{ "tdx_module_status_name", &ffi_type_pointer, 1, { &ffi_type_uint64 },
	  check_module_status_name },
	{ "tdx_module_status_operand", &ffi_type_pointer, 1, { &ffi_type_uint64 },
	  check_module_status_operand },
	{ "tdx_vmcall_status_name", &ffi_type_pointer, 1, { &ffi_type_uint64 },
	  check_vmcall_status_name },
	{ "tdx_machine_info_init", &ffi_type_sint, 2, { &ffi_type_pointer, &ffi_type_uint64 },
	  check_machine_info_init },
	{ "tdx_machine_probe", &ffi_type_sint, 1, { &ffi_type_pointer }, check_machine_probe },
	TDX_PARSE_MANIFEST_ENTRIES,
	TDX_GUEST_MANIFEST_ENTRIES,
	TDX_MEASURE_MANIFEST_ENTRIES,
	TDX_EVENTLOG_MANIFEST_ENTRIES,
	TDX_HOST_MANIFEST_ENTRIES,
	TDX_VERIFY_MANIFEST_ENTRIES,
};

static const manifest_entry *find_entry(const char *name)
{
	for (size_t i = 0; i < sizeof(manifest) / sizeof(manifest[0]); i++)
		if (!strcmp(manifest[i].name, name))
			return &manifest[i];
	return NULL;
}

static void test_manifest_covers_map(void)
{
	FILE *f = fopen(map_path, "r");
	char line[256], name[128];
	unsigned n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %127[a-z0-9_];", name) == 1 && !strncmp(name, "tdx_", 4)) {
			n++;
			if (!find_entry(name)) {
				fprintf(stderr, "\n%s is in the map but not in the libffi manifest\n", name);
				CU_FAIL("exported symbol missing from the manifest");
			}
		}
	fclose(f);
	CU_ASSERT_EQUAL(n, sizeof(manifest) / sizeof(manifest[0]));
}

static void test_call_every_function(void)
{
	for (size_t i = 0; i < sizeof(manifest) / sizeof(manifest[0]); i++) {
		void *fn = dlsym(lib, manifest[i].name);

		if (!fn) {
			fprintf(stderr, "\n%s: %s\n", manifest[i].name, dlerror());
			CU_FAIL("manifest function not exported");
			continue;
		}
		manifest[i].check(&manifest[i], fn);
	}
}

/* The public struct ABI, written down as numbers (x86_64 SysV). */
static void test_struct_layout(void)
{
	CU_ASSERT_EQUAL(sizeof(tdx_error), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_error, code), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_error, layer), 4);
	CU_ASSERT_EQUAL(offsetof(tdx_error, hw_status), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_error, os_errno), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_error, message), 24);

	CU_ASSERT_EQUAL(sizeof(tdx_machine_info), 808);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, guest_device), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, configfs_tsm), 12);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, kvm), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, kvm_api_version), 20);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, kvm_vm_types), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, kvm_tdx), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, guest_device_detail), 36);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, configfs_tsm_detail), 292);
	CU_ASSERT_EQUAL(offsetof(tdx_machine_info, kvm_detail), 548);

	CU_ASSERT_EQUAL(sizeof(tdx_regs), 112);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rax), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rcx), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rdx), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rbx), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rsi), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, rdi), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r8), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r9), 56);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r10), 64);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r11), 72);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r12), 80);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r13), 88);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r14), 96);
	CU_ASSERT_EQUAL(offsetof(tdx_regs, r15), 104);

	CU_ASSERT_EQUAL(sizeof(tdx_vp_info), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, gpaw), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, attributes), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, num_vcpus), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, max_vcpus), 28);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, vcpu_index), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_vp_info, sys_rd_available), 36);

	CU_ASSERT_EQUAL(sizeof(tdx_ve_info), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, exit_reason), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, exit_qualification), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, guest_linear_address), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, guest_physical_address), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, instruction_length), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_ve_info, instruction_information), 44);

	CU_ASSERT_EQUAL(sizeof(tdx_page_attr), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_page_attr, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_page_attr, gpa), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_page_attr, level), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_page_attr, pending), 20);
	CU_ASSERT_EQUAL(offsetof(tdx_page_attr, attr), 24);

	CU_ASSERT_EQUAL(sizeof(tdx_l2_exit), 96);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, exit_class), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, exit_reason), 12);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, exit_qualification), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, guest_linear_address), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, cs), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, cs_base), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, guest_physical_address), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, interruption), 56);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, idt_vectoring), 64);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, instruction), 72);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, additional), 80);
	CU_ASSERT_EQUAL(offsetof(tdx_l2_exit, extended_qualification), 88);

	CU_ASSERT_EQUAL(sizeof(tdx_guest_caps), 544);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, tdcall), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, report), 12);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, quote), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, rtmr_read), 20);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, rtmr_extend), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, eventlog), 28);
	CU_ASSERT_EQUAL(offsetof(tdx_guest_caps, detail), 32);

	CU_ASSERT_EQUAL(sizeof(tdx_emu_config), 1288);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, module_version), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, attributes), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, xfam), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, mrtd), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, mrconfigid), 80);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, mrowner), 128);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, mrownerconfig), 176);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, gpaw), 224);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, num_vcpus), 228);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, vcpu_index), 232);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, num_l2_vms), 236);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, mem_size), 240);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, accepted_size), 248);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, servtd), 256);
	CU_ASSERT_EQUAL(offsetof(tdx_emu_config, state_file), 260);

	CU_ASSERT_EQUAL(sizeof(tdx_host_info), 312);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, api_version), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, vm_types), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, tdx), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, max_vcpus), 28);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, guest_memfd), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, user_memory2), 36);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, memory_attributes), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, exit_hypercall), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_host_info, tdx_detail), 56);

	CU_ASSERT_EQUAL(sizeof(tdx_vm_opts), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_opts, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_opts, plain), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_opts, tsc_khz), 12);

	CU_ASSERT_EQUAL(sizeof(tdx_cpuid_entry), 28);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, function), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, index), 4);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, flags), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, eax), 12);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, ebx), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, ecx), 20);
	CU_ASSERT_EQUAL(offsetof(tdx_cpuid_entry, edx), 24);

	CU_ASSERT_EQUAL(sizeof(tdx_vm_caps), 64);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, supported_attrs), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, supported_xfam), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, kernel_tdvmcallinfo_1_r11), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, user_tdvmcallinfo_1_r11), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, kernel_tdvmcallinfo_1_r12), 40);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, user_tdvmcallinfo_1_r12), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, num_cpuid_configs), 56);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_caps, max_vcpus), 60);

	CU_ASSERT_EQUAL(sizeof(tdx_vm_init_opts), 192);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, attributes), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, xfam), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, mrconfigid), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, mrowner), 72);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, mrownerconfig), 120);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, gpaw), 168);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, cpuid), 176);
	CU_ASSERT_EQUAL(offsetof(tdx_vm_init_opts, ncpuid), 184);

	CU_ASSERT_EQUAL(sizeof(tdx_exit), 224);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, sz), 0);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, reason), 8);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, kvm_exit_reason), 12);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, io_port), 16);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, io_size), 18);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, io_out), 19);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, io_count), 20);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, mmio_gpa), 24);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, mmio_len), 32);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, mmio_write), 36);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, data), 37);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, tdvmcall_nr), 48);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, tdvmcall_ret), 56);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, tdvmcall_args), 64);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, gpa), 104);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, size), 112);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, to_private), 120);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, error_code), 128);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, fatal_gpa), 136);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, message), 144);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, subtype), 212);
	CU_ASSERT_EQUAL(offsetof(tdx_exit, hw_reason), 216);
	TDX_MEASURE_STRUCT_LAYOUT;
	TDX_EVENTLOG_STRUCT_LAYOUT;
	TDX_VERIFY_STRUCT_LAYOUT;
}

int main(int argc, char **argv)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_manifest_covers_map),
		TDX_TEST(test_call_every_function),
		TDX_TEST(test_struct_layout),
		{ NULL, NULL },
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s LIBTDX_SO LIBTDX_MAP\n", argv[0]);
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 1;
	}
	map_path = argv[2];
	return tdx_test_run("abi-ffi", tests);
}
