/* SPDX-License-Identifier: MIT */
/*
 * Names of libtdx error codes, layers, TDX module and TDVMCALL statuses.
 * Freestanding (no libc): also built into the TD-in-a-box guest payload.
 */
#include "internal.h"

const char *tdx_strerror(int code)
{
	switch (code) {
	case TDX_OK: return "success";
	case TDX_E_INVALID: return "invalid argument";
	case TDX_E_NOT_SUPPORTED: return "not supported by this backend, kernel or TDX module";
	case TDX_E_NO_DEVICE: return "no such device, or no TDX backend available";
	case TDX_E_PERM: return "permission denied";
	case TDX_E_BUFFER_TOO_SMALL: return "buffer too small (the needed size was written back)";
	case TDX_E_RETRY: return "resource busy; retry the call";
	case TDX_E_TDCALL: return "the TDX module returned an error";
	case TDX_E_VMCALL: return "the host returned an error to a TDVMCALL";
	case TDX_E_OS: return "operating-system call failed";
	case TDX_E_STATE: return "call made in the wrong state or order";
	case TDX_E_ABI_MISMATCH: return "struct or interface version mismatch";
	case TDX_E_NOMEM: return "out of memory";
	case TDX_E_VERIFY: return "verification failed";
	case TDX_E_QUOTE_FORMAT: return "the quote is not in the format a verifier accepts";
	case TDX_E_CERT_CHAIN: return "a certificate chain does not reach a trusted root";
	case TDX_E_EXPIRED: return "a certificate, CRL or collateral is not valid at the time";
	case TDX_E_QE_REPORT_SIGNATURE: return "the QE report's signature does not verify";
	case TDX_E_QE_REPORT_DATA: return "the QE report does not bind the attestation key";
	case TDX_E_QUOTE_SIGNATURE: return "the quote's signature does not verify";
	case TDX_E_REVOKED: return "a certificate is revoked";
	case TDX_E_COLLATERAL: return "the collateral is missing, malformed, mis-signed or for another platform";
	case TDX_E_QE_IDENTITY: return "the quoting enclave does not match its identity";
	case TDX_E_TDX_MODULE: return "the TDX module does not match its identity";
	case TDX_E_TCB: return "no acceptable TCB level";
	default: return "unknown libtdx error code";
	}
}

const char *tdx_layer_name(int layer)
{
	switch (layer) {
	case TDX_LAYER_NONE: return "none";
	case TDX_LAYER_LIBRARY: return "library";
	case TDX_LAYER_OS: return "os";
	case TDX_LAYER_MODULE: return "tdx-module";
	case TDX_LAYER_VMCALL: return "tdvmcall";
	case TDX_LAYER_KVM: return "kvm";
	default: return "unknown";
	}
}

/*
 * TDX module completion statuses, keyed on bits 47:32 (class, details L1).
 * Source: ../shared/reference/guest.md §1.3 and §7.8, from the TDX module's
 * tdx_error_codes_defs.h (TDX 1.5.01).
 */
static const struct {
	uint16_t class_details;
	const char *name;
} module_statuses[] = {
	{ 0x0000, "TDX_SUCCESS" },
	{ 0x0001, "TDX_NON_RECOVERABLE_VCPU" },
	{ 0x0002, "TDX_NON_RECOVERABLE_TD" },
	{ 0x0003, "TDX_INTERRUPTED_RESUMABLE" },
	{ 0x0004, "TDX_INTERRUPTED_RESTARTABLE" },
	{ 0x0008, "TDX_CROSS_TD_FAULT" },
	{ 0x0009, "TDX_CROSS_TD_TRAP" },
	{ 0x000A, "TDX_NON_RECOVERABLE_TD_CORRUPTED_MD" },
	{ 0x0100, "TDX_OPERAND_INVALID" },
	{ 0x0101, "TDX_OPERAND_ADDR_RANGE_ERROR" },
	{ 0x0200, "TDX_OPERAND_BUSY" },
	{ 0x0203, "TDX_RND_NO_ENTROPY" },
	{ 0x0204, "TDX_OPERAND_BUSY_HOST_PRIORITY" },
	{ 0x0205, "TDX_HOST_PRIORITY_BUSY_TIMEOUT" },
	{ 0x0300, "TDX_PAGE_METADATA_INCORRECT" },
	{ 0x0604, "TDX_TD_FATAL" },
	{ 0x0606, "TDX_TDCS_NOT_ALLOCATED" },
	{ 0x0608, "TDX_OP_STATE_INCORRECT" },
	{ 0x0704, "TDX_NO_VALID_VE_INFO" },
	{ 0x0810, "TDX_TD_KEYS_NOT_CONFIGURED" },
	{ 0x0B00, "TDX_EPT_WALK_FAILED" },
	{ 0x0B0A, "TDX_PAGE_ALREADY_ACCEPTED" },
	{ 0x0B0B, "TDX_PAGE_SIZE_MISMATCH" },
	{ 0x0B0F, "TDX_L2_SEPT_WALK_FAILED" },
	{ 0x0B10, "TDX_L2_SEPT_ENTRY_NOT_FREE" },
	{ 0x0B11, "TDX_PAGE_ATTR_INVALID" },
	{ 0x0B12, "TDX_L2_SEPT_PAGE_NOT_PROVIDED" },
	{ 0x0C00, "TDX_METADATA_FIELD_ID_INCORRECT" },
	{ 0x0C01, "TDX_METADATA_FIELD_NOT_WRITABLE" },
	{ 0x0C02, "TDX_METADATA_FIELD_NOT_READABLE" },
	{ 0x0C03, "TDX_METADATA_FIELD_VALUE_NOT_VALID" },
	{ 0x0C04, "TDX_METADATA_LIST_OVERFLOW" },
	{ 0x0C05, "TDX_INVALID_METADATA_LIST_HEADER" },
	{ 0x0C06, "TDX_REQUIRED_METADATA_FIELD_MISSING" },
	{ 0x0C07, "TDX_METADATA_ELEMENT_SIZE_INCORRECT" },
	{ 0x0C08, "TDX_METADATA_LAST_ELEMENT_INCORRECT" },
	{ 0x0C09, "TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE" },
	{ 0x0C0A, "TDX_METADATA_WR_MASK_NOT_VALID" },
	{ 0x0C0B, "TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT" },
	{ 0x0C0C, "TDX_METADATA_FIELD_SKIP" },
	{ 0x0D00, "TDX_SERVTD_ALREADY_BOUND_FOR_TYPE" },
	{ 0x0D01, "TDX_SERVTD_TYPE_MISMATCH" },
	{ 0x0D02, "TDX_SERVTD_ATTR_MISMATCH" },
	{ 0x0D03, "TDX_SERVTD_INFO_HASH_MISMATCH" },
	{ 0x0D04, "TDX_SERVTD_UUID_MISMATCH" },
	{ 0x0D05, "TDX_SERVTD_NOT_BOUND" },
	{ 0x0D06, "TDX_SERVTD_BOUND" },
	{ 0x0D07, "TDX_TARGET_UUID_MISMATCH" },
	{ 0x0D08, "TDX_TARGET_UUID_UPDATED" },
	{ 0x1000, "TDX_INVALID_CPUSVN" },
	{ 0x1001, "TDX_INVALID_REPORTMACSTRUCT" },
	{ 0x1100, "TDX_L2_EXIT_HOST_ROUTED_ASYNC" },
	{ 0x1101, "TDX_L2_EXIT_HOST_ROUTED_TDVMCALL" },
	{ 0x1102, "TDX_L2_EXIT_PENDING_INTERRUPT" },
	{ 0x1120, "TDX_PENDING_INTERRUPT" },
	{ 0x1140, "TDX_TD_EXIT_BEFORE_L2_ENTRY" },
	{ 0x1141, "TDX_TD_EXIT_ON_L2_VM_EXIT" },
	{ 0x1142, "TDX_TD_EXIT_ON_L2_TO_L1" },
	{ 0x1160, "TDX_GLA_NOT_CANONICAL" },
};

const char *tdx_module_status_name(uint64_t status)
{
	uint16_t key = (uint16_t)(status >> 32);

	for (size_t i = 0; i < TDX_ARRAY_SIZE(module_statuses); i++)
		if (module_statuses[i].class_details == key)
			return module_statuses[i].name;
	return "TDX_UNKNOWN_STATUS";
}

/* Operand ids (bits 31:0 of an operand-class error), TDX module OPERAND_ID_*. */
static const struct {
	uint32_t id;
	const char *name;
} module_operands[] = {
	{ 0, "RAX" }, { 1, "RCX" }, { 2, "RDX" }, { 3, "RBX" }, { 5, "RBP" },
	{ 6, "RSI" }, { 7, "RDI" }, { 8, "R8" }, { 9, "R9" }, { 10, "R10" },
	{ 11, "R11" }, { 12, "R12" }, { 13, "R13" }, { 14, "R14" },
	{ 15, "R15" }, { 64, "ATTRIBUTES" }, { 65, "XFAM" },
	{ 146, "SEPT_TREE" }, { 147, "SEPT_ENTRY" }, { 168, "RTMR" },
	{ 170, "L2_VAPIC_GPA" }, { 176, "METADATA_FIELD" },
};

const char *tdx_module_status_operand(uint64_t status)
{
	uint8_t class = (uint8_t)(status >> 40);

	/* Only errors of the operand classes (invalid, busy) carry an operand
	 * id; the EPT/SEPT class carries a page level there instead. */
	if (!(status >> 63) || (class != 0x01 && class != 0x02))
		return NULL;
	for (size_t i = 0; i < TDX_ARRAY_SIZE(module_operands); i++)
		if (module_operands[i].id == (uint32_t)status)
			return module_operands[i].name;
	return NULL;
}

/* TDVMCALL statuses (R10); guest.md §2.2 (Linux, GHCI, td-shim, QEMU). */
const char *tdx_vmcall_status_name(uint64_t status)
{
	switch (status) {
	case 0x0000000000000000ULL: return "TDVMCALL_STATUS_SUCCESS";
	case 0x0000000000000001ULL: return "TDVMCALL_STATUS_RETRY";
	case 0x8000000000000000ULL: return "TDVMCALL_STATUS_INVALID_OPERAND";
	case 0x8000000000000001ULL: return "TDVMCALL_STATUS_GPA_INUSE";
	case 0x8000000000000002ULL: return "TDVMCALL_STATUS_ALIGN_ERROR";
	case 0x8000000000000003ULL: return "TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED";
	default: return "TDVMCALL_STATUS_UNKNOWN";
	}
}
