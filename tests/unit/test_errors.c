/* SPDX-License-Identifier: MIT */
/* The error model: codes, the thread-local record and status names. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "harness.h"

static void test_record_starts_clean(void)
{
	const tdx_error *e;

	tdx_error_clear();
	e = tdx_error_last();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->code, TDX_OK);
	CU_ASSERT_EQUAL(e->layer, TDX_LAYER_NONE);
	CU_ASSERT_STRING_EQUAL(e->message, "no error");
}

static void test_failure_fills_record(void)
{
	tdx_error_clear();
	CU_ASSERT_EQUAL(tdx_machine_probe(NULL), TDX_E_INVALID);
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_E_INVALID);
	CU_ASSERT_EQUAL(tdx_error_last()->layer, TDX_LAYER_LIBRARY);
	CU_ASSERT_EQUAL(tdx_error_last()->os_errno, 0);
	/* The message names the function and says what to do. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "tdx_machine_probe"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdx_error_last()->message, "TDX_OPTS"));
}

static void *other_thread(void *arg)
{
	/* A fresh thread sees its own, clean record. */
	*(int *)arg = tdx_error_last()->code;
	tdx_machine_probe(NULL);
	return NULL;
}

static void test_record_is_per_thread(void)
{
	pthread_t t;
	int seen = 1;

	tdx_error_clear();
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, other_thread, &seen), 0);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(seen, TDX_OK);
	CU_ASSERT_EQUAL(tdx_error_last()->code, TDX_OK);
}

static void test_strerror(void)
{
	static const int codes[] = {
		TDX_OK, TDX_E_INVALID, TDX_E_NOT_SUPPORTED, TDX_E_NO_DEVICE, TDX_E_PERM,
		TDX_E_BUFFER_TOO_SMALL, TDX_E_RETRY, TDX_E_TDCALL, TDX_E_VMCALL, TDX_E_OS,
		TDX_E_STATE, TDX_E_ABI_MISMATCH, TDX_E_NOMEM, TDX_E_VERIFY,
	};
	const char *unknown = tdx_strerror(12345);

	/* Every code has its own text, distinct from the unknown one. */
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(tdx_strerror(codes[i]), unknown);
		for (size_t k = 0; k < i; k++)
			CU_ASSERT_STRING_NOT_EQUAL(tdx_strerror(codes[i]), tdx_strerror(codes[k]));
	}
	CU_ASSERT_STRING_EQUAL(tdx_strerror(TDX_E_TDCALL), "the TDX module returned an error");
	CU_ASSERT_STRING_EQUAL(tdx_layer_name(TDX_LAYER_KVM), "kvm");
	CU_ASSERT_STRING_EQUAL(tdx_layer_name(99), "unknown");
}

/* Every status of guest.md §1.3 and §7.8, by full 64-bit value. */
static const struct {
	uint64_t status;
	const char *name;
} module_cases[] = {
	{ 0x0000000000000000ULL, "TDX_SUCCESS" },
	{ 0x4000000100000000ULL, "TDX_NON_RECOVERABLE_VCPU" },
	{ 0x6000000200000000ULL, "TDX_NON_RECOVERABLE_TD" },
	{ 0x8000000300000000ULL, "TDX_INTERRUPTED_RESUMABLE" },
	{ 0x8000000400000000ULL, "TDX_INTERRUPTED_RESTARTABLE" },
	{ 0x6000000A00000000ULL, "TDX_NON_RECOVERABLE_TD_CORRUPTED_MD" },
	{ 0xC000010000000000ULL, "TDX_OPERAND_INVALID" },
	{ 0xC000010100000000ULL, "TDX_OPERAND_ADDR_RANGE_ERROR" },
	{ 0x8000020000000000ULL, "TDX_OPERAND_BUSY" },
	{ 0x8000020400000000ULL, "TDX_OPERAND_BUSY_HOST_PRIORITY" },
	{ 0x9000020500000000ULL, "TDX_HOST_PRIORITY_BUSY_TIMEOUT" },
	{ 0xC000030000000000ULL, "TDX_PAGE_METADATA_INCORRECT" },
	{ 0xE000060400000000ULL, "TDX_TD_FATAL" },
	{ 0xC000060600000000ULL, "TDX_TDCS_NOT_ALLOCATED" },
	{ 0xC000060800000000ULL, "TDX_OP_STATE_INCORRECT" },
	{ 0xC000070400000000ULL, "TDX_NO_VALID_VE_INFO" },
	{ 0x8000081000000000ULL, "TDX_TD_KEYS_NOT_CONFIGURED" },
	{ 0xC0000B0000000000ULL, "TDX_EPT_WALK_FAILED" },
	{ 0x00000B0A00000000ULL, "TDX_PAGE_ALREADY_ACCEPTED" },
	{ 0xC0000B0B00000000ULL, "TDX_PAGE_SIZE_MISMATCH" },
	{ 0xC0000B0F00000000ULL, "TDX_L2_SEPT_WALK_FAILED" },
	{ 0xC0000B1100000000ULL, "TDX_PAGE_ATTR_INVALID" },
	{ 0xC0000C0000000000ULL, "TDX_METADATA_FIELD_ID_INCORRECT" },
	{ 0xC0000C0100000000ULL, "TDX_METADATA_FIELD_NOT_WRITABLE" },
	{ 0xC0000C0200000000ULL, "TDX_METADATA_FIELD_NOT_READABLE" },
	{ 0xC0000C0300000000ULL, "TDX_METADATA_FIELD_VALUE_NOT_VALID" },
	{ 0xC0000C0400000000ULL, "TDX_METADATA_LIST_OVERFLOW" },
	{ 0xC0000C0900000000ULL, "TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE" },
	{ 0xC0000C0A00000000ULL, "TDX_METADATA_WR_MASK_NOT_VALID" },
	{ 0x00000C0B00000000ULL, "TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT" },
	{ 0x00000C0C00000000ULL, "TDX_METADATA_FIELD_SKIP" },
	{ 0xC0000D0300000000ULL, "TDX_SERVTD_INFO_HASH_MISMATCH" },
	{ 0xC0000D0400000000ULL, "TDX_SERVTD_UUID_MISMATCH" },
	{ 0xC0000D0500000000ULL, "TDX_SERVTD_NOT_BOUND" },
	{ 0xC0000D0700000000ULL, "TDX_TARGET_UUID_MISMATCH" },
	{ 0xC0000D0800000000ULL, "TDX_TARGET_UUID_UPDATED" },
	{ 0xC000100000000000ULL, "TDX_INVALID_CPUSVN" },
	{ 0xC000100100000000ULL, "TDX_INVALID_REPORTMACSTRUCT" },
	{ 0x0000110000000000ULL, "TDX_L2_EXIT_HOST_ROUTED_ASYNC" },
	{ 0x0000110100000000ULL, "TDX_L2_EXIT_HOST_ROUTED_TDVMCALL" },
	{ 0x0000110200000000ULL, "TDX_L2_EXIT_PENDING_INTERRUPT" },
	{ 0x0000112000000000ULL, "TDX_PENDING_INTERRUPT" },
	{ 0x0000114000000000ULL, "TDX_TD_EXIT_BEFORE_L2_ENTRY" },
	{ 0x0000114100000000ULL, "TDX_TD_EXIT_ON_L2_VM_EXIT" },
	{ 0x0000114200000000ULL, "TDX_TD_EXIT_ON_L2_TO_L1" },
	{ 0xC000116000000000ULL, "TDX_GLA_NOT_CANONICAL" },
	{ 0x8000020300000000ULL, "TDX_RND_NO_ENTROPY" },
	{ 0xC0000C0500000000ULL, "TDX_INVALID_METADATA_LIST_HEADER" },
	{ 0xC0000C0600000000ULL, "TDX_REQUIRED_METADATA_FIELD_MISSING" },
	{ 0xC0000C0700000000ULL, "TDX_METADATA_ELEMENT_SIZE_INCORRECT" },
	{ 0xC0000C0800000000ULL, "TDX_METADATA_LAST_ELEMENT_INCORRECT" },
	{ 0xC0000D0000000000ULL, "TDX_SERVTD_ALREADY_BOUND_FOR_TYPE" },
	{ 0xC0000D0100000000ULL, "TDX_SERVTD_TYPE_MISMATCH" },
	{ 0xC0000D0200000000ULL, "TDX_SERVTD_ATTR_MISMATCH" },
	{ 0xC0000D0600000000ULL, "TDX_SERVTD_BOUND" },
	{ 0x8000000800000000ULL, "TDX_CROSS_TD_FAULT" },
	{ 0x9000000900000000ULL, "TDX_CROSS_TD_TRAP" },
	{ 0xC0000B1000000000ULL, "TDX_L2_SEPT_ENTRY_NOT_FREE" },
	{ 0xC0000B1200000000ULL, "TDX_L2_SEPT_PAGE_NOT_PROVIDED" },
	/* Operand ids in the low bits do not change the name. */
	{ 0x80000200000000B0ULL, "TDX_OPERAND_BUSY" },
	{ 0xC0000100000000AAULL, "TDX_OPERAND_INVALID" },
	{ 0xC0000B0B00000001ULL, "TDX_PAGE_SIZE_MISMATCH" },
	{ 0xC0000FFF00000000ULL, "TDX_UNKNOWN_STATUS" },
};

static void test_module_status_names(void)
{
	for (size_t i = 0; i < sizeof(module_cases) / sizeof(module_cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(tdx_module_status_name(module_cases[i].status),
				       module_cases[i].name);
}

static void test_module_status_operand(void)
{
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0xC000010000000001ULL), "RCX");
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0xC000010000000000ULL), "RAX");
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0x80000200000000A8ULL), "RTMR");
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0x80000200000000B0ULL), "METADATA_FIELD");
	CU_ASSERT_STRING_EQUAL(tdx_module_status_operand(0xC000010000000041ULL), "XFAM");
	/* The SEPT class carries a level, not an operand; success has none. */
	CU_ASSERT_PTR_NULL(tdx_module_status_operand(0xC0000B0B00000001ULL));
	CU_ASSERT_PTR_NULL(tdx_module_status_operand(0));
	CU_ASSERT_PTR_NULL(tdx_module_status_operand(0xC000010000000FFFULL));
}

static void test_vmcall_status_names(void)
{
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(0), "TDVMCALL_STATUS_SUCCESS");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(1), "TDVMCALL_STATUS_RETRY");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(0x8000000000000000ULL),
			       "TDVMCALL_STATUS_INVALID_OPERAND");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(0x8000000000000001ULL),
			       "TDVMCALL_STATUS_GPA_INUSE");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(0x8000000000000002ULL),
			       "TDVMCALL_STATUS_ALIGN_ERROR");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(0x8000000000000003ULL),
			       "TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED");
	CU_ASSERT_STRING_EQUAL(tdx_vmcall_status_name(2), "TDVMCALL_STATUS_UNKNOWN");
}

int main(void)
{
	static const tdx_test tests[] = {
		TDX_TEST(test_record_starts_clean),
		TDX_TEST(test_failure_fills_record),
		TDX_TEST(test_record_is_per_thread),
		TDX_TEST(test_strerror),
		TDX_TEST(test_module_status_names),
		TDX_TEST(test_module_status_operand),
		TDX_TEST(test_vmcall_status_names),
		{ NULL, NULL },
	};
	return tdx_test_run("errors", tests);
}
