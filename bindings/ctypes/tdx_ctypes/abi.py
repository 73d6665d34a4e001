# SPDX-License-Identifier: MIT
"""The libtdx C ABI written down in ctypes terms, with no library loaded.

Everything here mirrors libtdx/include/tdx/*.h exactly (x86_64 SysV):
constants, the public structs with their field layout, the callback types
and, in FUNCTIONS, every exported function's return and argument types in
header order.  tdx_ctypes/__init__.py binds FUNCTIONS to a loaded
libtdx.so.1; tests/bindings/ctypes checks this table against libtdx.map,
the headers and the C compiler's struct layout.

Type mapping: tdx_status and int -> c_int, unsigned -> c_uint, size_t ->
c_size_t, uintN_t -> c_uintN, `const char *` -> c_char_p, `char *` (an
output buffer) -> POINTER(c_char), `[const] void *` -> c_void_p, `uint8_t
*` and `uint8_t x[N]` -> POINTER(c_uint8), handles -> POINTER(<opaque
struct>), `T **out` -> POINTER(POINTER(T)).
"""
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t,
                    c_uint, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p, sizeof)

# ---- <tdx/errors.h> -------------------------------------------------------

TDX_OK = 0
TDX_E_INVALID = -1
TDX_E_NOT_SUPPORTED = -2
TDX_E_NO_DEVICE = -3
TDX_E_PERM = -4
TDX_E_BUFFER_TOO_SMALL = -5
TDX_E_RETRY = -6
TDX_E_TDCALL = -7
TDX_E_VMCALL = -8
TDX_E_OS = -9
TDX_E_STATE = -10
TDX_E_ABI_MISMATCH = -11
TDX_E_NOMEM = -12
TDX_E_VERIFY = -13
TDX_E_QUOTE_FORMAT = -14
TDX_E_CERT_CHAIN = -15
TDX_E_EXPIRED = -16
TDX_E_QE_REPORT_SIGNATURE = -17
TDX_E_QE_REPORT_DATA = -18
TDX_E_QUOTE_SIGNATURE = -19
TDX_E_REVOKED = -20
TDX_E_COLLATERAL = -21
TDX_E_QE_IDENTITY = -22
TDX_E_TDX_MODULE = -23
TDX_E_TCB = -24

TDX_LAYER_NONE = 0
TDX_LAYER_LIBRARY = 1
TDX_LAYER_OS = 2
TDX_LAYER_MODULE = 3
TDX_LAYER_VMCALL = 4
TDX_LAYER_KVM = 5

# ---- <tdx/machine.h> ------------------------------------------------------

TDX_MACHINE_DETAIL_MAX = 256

# ---- <tdx/guest.h> --------------------------------------------------------

TDX_PAGE_LEVEL_4K = 0
TDX_PAGE_LEVEL_2M = 1
TDX_PAGE_LEVEL_1G = 2
TDX_MD_FIELD_NULL = 0xFFFFFFFFFFFFFFFF

# ---- <tdx/host.h> ---------------------------------------------------------

TDX_CPUID_FLAG_INDEX = 1

TDX_EXIT_UNKNOWN = 0
TDX_EXIT_IO = 1
TDX_EXIT_MMIO = 2
TDX_EXIT_HLT = 3
TDX_EXIT_SHUTDOWN = 4
TDX_EXIT_TDVMCALL = 5
TDX_EXIT_MAP_GPA = 6
TDX_EXIT_MEMORY_FAULT = 7
TDX_EXIT_FATAL = 8
TDX_EXIT_SYSTEM_EVENT = 9
TDX_EXIT_INTERNAL_ERROR = 10
TDX_EXIT_FAIL_ENTRY = 11
TDX_EXIT_EXCEPTION = 12

TDX_TDVMCALL_GET_TDVMCALL_INFO = 0x10000
TDX_TDVMCALL_GET_QUOTE = 0x10002
TDX_TDVMCALL_SETUP_EVENT_NOTIFY = 0x10004

# ---- <tdx/report.h> -------------------------------------------------------

TDX_REPORT_SIZE = 1024

TDX_TD_ATTR_DEBUG = 1 << 0
TDX_TD_ATTR_HGS_PLUS_PROF = 1 << 4
TDX_TD_ATTR_PERF_PROF = 1 << 5
TDX_TD_ATTR_PMT_PROF = 1 << 6
TDX_TD_ATTR_ICSSD = 1 << 16
TDX_TD_ATTR_LASS = 1 << 27
TDX_TD_ATTR_SEPT_VE_DISABLE = 1 << 28
TDX_TD_ATTR_MIGRATABLE = 1 << 29
TDX_TD_ATTR_PKS = 1 << 30
TDX_TD_ATTR_KL = 1 << 31
TDX_TD_ATTR_TPA = 1 << 62
TDX_TD_ATTR_PERFMON = 1 << 63

# ---- <tdx/measure.h> ------------------------------------------------------

TDX_MEASURE_DIGEST_SIZE = 48
TDX_MEASURE_PAGE_SIZE = 4096
TDX_MEASURE_CHUNK_SIZE = 256
TDX_MEASURE_EXTEND = 0x1
TDX_MEASURE_TWO_PASS = 0x2

TDX_TDVF_SECTION_BFV = 0
TDX_TDVF_SECTION_CFV = 1
TDX_TDVF_SECTION_TD_HOB = 2
TDX_TDVF_SECTION_TEMP_MEM = 3
TDX_TDVF_SECTION_PERM_MEM = 4
TDX_TDVF_SECTION_PAYLOAD = 5
TDX_TDVF_SECTION_PAYLOAD_PARAM = 6
TDX_TDVF_SECTION_TD_INFO = 7
TDX_TDVF_SECTION_TD_PARAMS = 8

TDX_TDVF_ATTR_MR_EXTEND = 0x1
TDX_TDVF_ATTR_PAGE_AUG = 0x2

# ---- <tdx/eventlog.h> -----------------------------------------------------

TDX_EVENTLOG_RTMR_COUNT = 4
TDX_EVENTLOG_RTMR_SIZE = 48
TDX_EV_NO_ACTION = 0x3
TDX_CCEL_TABLE_SIZE = 56

# ---- <tdx/verify.h>, <tdx/emu.h> collateral ---------------------------------

TDX_PCK_DYNAMIC_PLATFORM = 0
TDX_PCK_CACHED_KEYS = 1
TDX_PCK_SMT_ENABLED = 2
TDX_TCB_UNKNOWN = 0
TDX_TCB_UP_TO_DATE = 1
TDX_TCB_SW_HARDENING_NEEDED = 2
TDX_TCB_CONFIGURATION_NEEDED = 3
TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED = 4
TDX_TCB_OUT_OF_DATE = 5
TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED = 6
TDX_TCB_REVOKED = 7
TDX_TCB_NOT_SUPPORTED = 8
TDX_TCB_TD_RELAUNCH_ADVISED = 9
TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED = 10
TDX_VERIFY_QUOTE_FORMAT = 0
TDX_VERIFY_PCK_CHAIN = 1
TDX_VERIFY_QE_REPORT_SIGNATURE = 2
TDX_VERIFY_QE_REPORT_DATA = 3
TDX_VERIFY_QUOTE_SIGNATURE = 4
TDX_VERIFY_CRLS = 5
TDX_VERIFY_COLLATERAL = 6
TDX_VERIFY_QE_IDENTITY = 7
TDX_VERIFY_TDX_MODULE = 8
TDX_VERIFY_TCB_LEVEL = 9
TDX_VERIFY_POLICY = 10
TDX_VERIFY_STEPS = 11
TDX_STEP_NOT_RUN = 0
TDX_STEP_PASSED = 1
TDX_STEP_FAILED = 2
TDX_STEP_SKIPPED = 3
TDX_EMU_COLLATERAL_REVOKE_PCK = 1
TDX_EMU_COLLATERAL_OUT_OF_DATE = 2

#: Every constant above, by name (tests compare it with the headers).
CONSTANTS = {k: v for k, v in dict(globals()).items() if k.startswith("TDX_")}


# ---- structs --------------------------------------------------------------

class SizedStruct(Structure):
    """A growable struct (`size_t sz` first).  new() returns a zeroed one
    with sz = sizeof, as TDX_OPTS does in C."""

    @classmethod
    def new(cls, **fields):
        s = cls()
        s.sz = sizeof(cls)
        for k, v in fields.items():
            setattr(s, k, v)
        return s


class tdx_error(Structure):
    _fields_ = [
        ("code", c_int),
        ("layer", c_int),
        ("hw_status", c_uint64),
        ("os_errno", c_int),
        ("message", c_char_p),
    ]


class tdx_machine_info(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("guest_device", c_int),
        ("configfs_tsm", c_int),
        ("kvm", c_int),
        ("kvm_api_version", c_int),
        ("kvm_vm_types", c_uint64),
        ("kvm_tdx", c_int),
        ("guest_device_detail", c_char * TDX_MACHINE_DETAIL_MAX),
        ("configfs_tsm_detail", c_char * TDX_MACHINE_DETAIL_MAX),
        ("kvm_detail", c_char * TDX_MACHINE_DETAIL_MAX),
    ]


class tdx_regs(Structure):
    _fields_ = [(r, c_uint64) for r in ("rax", "rcx", "rdx", "rbx", "rsi", "rdi", "r8", "r9",
                                         "r10", "r11", "r12", "r13", "r14", "r15")]


class tdx_vp_info(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("gpaw", c_uint),
        ("attributes", c_uint64),
        ("num_vcpus", c_uint32),
        ("max_vcpus", c_uint32),
        ("vcpu_index", c_uint32),
        ("sys_rd_available", c_int),
    ]


class tdx_ve_info(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("exit_reason", c_uint32),
        ("exit_qualification", c_uint64),
        ("guest_linear_address", c_uint64),
        ("guest_physical_address", c_uint64),
        ("instruction_length", c_uint32),
        ("instruction_information", c_uint32),
    ]


class tdx_page_attr(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("gpa", c_uint64),
        ("level", c_uint),
        ("pending", c_int),
        ("attr", c_uint16 * 4),
    ]


class tdx_l2_exit(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("exit_class", c_uint32),
        ("exit_reason", c_uint32),
        ("exit_qualification", c_uint64),
        ("guest_linear_address", c_uint64),
        ("cs", c_uint64),
        ("cs_base", c_uint64),
        ("guest_physical_address", c_uint64),
        ("interruption", c_uint64),
        ("idt_vectoring", c_uint64),
        ("instruction", c_uint64),
        ("additional", c_uint64),
        ("extended_qualification", c_uint64),
    ]


class tdx_guest_caps(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("tdcall", c_int),
        ("report", c_int),
        ("quote", c_int),
        ("rtmr_read", c_int),
        ("rtmr_extend", c_int),
        ("eventlog", c_int),
        ("detail", c_char * 512),
    ]


class tdx_emu_config(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("module_version", c_uint),
        ("attributes", c_uint64),
        ("xfam", c_uint64),
        ("mrtd", c_uint8 * 48),
        ("mrconfigid", c_uint8 * 48),
        ("mrowner", c_uint8 * 48),
        ("mrownerconfig", c_uint8 * 48),
        ("gpaw", c_uint),
        ("num_vcpus", c_uint),
        ("vcpu_index", c_uint),
        ("num_l2_vms", c_uint),
        ("mem_size", c_uint64),
        ("accepted_size", c_uint64),
        ("servtd", c_int),
        ("state_file", c_char * 1024),
    ]


class tdx_host_info(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("api_version", c_int),
        ("vm_types", c_uint64),
        ("tdx", c_int),
        ("max_vcpus", c_uint32),
        ("guest_memfd", c_int),
        ("user_memory2", c_int),
        ("memory_attributes", c_uint64),
        ("exit_hypercall", c_uint64),
        ("tdx_detail", c_char * 256),
    ]


class tdx_vm_opts(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("plain", c_int),
        ("tsc_khz", c_uint32),
    ]


class tdx_cpuid_entry(Structure):
    _fields_ = [
        ("function", c_uint32),
        ("index", c_uint32),
        ("flags", c_uint32),
        ("eax", c_uint32),
        ("ebx", c_uint32),
        ("ecx", c_uint32),
        ("edx", c_uint32),
    ]


class tdx_vm_caps(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("supported_attrs", c_uint64),
        ("supported_xfam", c_uint64),
        ("kernel_tdvmcallinfo_1_r11", c_uint64),
        ("user_tdvmcallinfo_1_r11", c_uint64),
        ("kernel_tdvmcallinfo_1_r12", c_uint64),
        ("user_tdvmcallinfo_1_r12", c_uint64),
        ("num_cpuid_configs", c_uint32),
        ("max_vcpus", c_uint32),
    ]


class tdx_vm_init_opts(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("attributes", c_uint64),
        ("xfam", c_uint64),
        ("mrconfigid", c_uint8 * 48),
        ("mrowner", c_uint8 * 48),
        ("mrownerconfig", c_uint8 * 48),
        ("gpaw", c_uint),
        ("cpuid", POINTER(tdx_cpuid_entry)),
        ("ncpuid", c_uint32),
    ]


class tdx_exit(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("reason", c_int),
        ("kvm_exit_reason", c_uint32),
        ("io_port", c_uint16),
        ("io_size", c_uint8),
        ("io_out", c_uint8),
        ("io_count", c_uint32),
        ("mmio_gpa", c_uint64),
        ("mmio_len", c_uint32),
        ("mmio_write", c_uint8),
        ("data", c_uint8 * 8),
        ("tdvmcall_nr", c_uint64),
        ("tdvmcall_ret", c_uint64),
        ("tdvmcall_args", c_uint64 * 5),
        ("gpa", c_uint64),
        ("size", c_uint64),
        ("to_private", c_int),
        ("error_code", c_uint64),
        ("fatal_gpa", c_uint64),
        ("message", c_char * 65),
        ("subtype", c_uint32),
        ("hw_reason", c_uint64),
    ]


class tdx_td_info(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("attributes", c_uint64),
        ("xfam", c_uint64),
        ("mrtd", c_uint8 * 48),
        ("mrconfigid", c_uint8 * 48),
        ("mrowner", c_uint8 * 48),
        ("mrownerconfig", c_uint8 * 48),
        ("rtmr", (c_uint8 * 48) * 4),
        ("servtd_hash", c_uint8 * 48),
    ]


class tdx_tdvf_section(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("data_offset", c_uint32),
        ("raw_data_size", c_uint32),
        ("memory_address", c_uint64),
        ("memory_data_size", c_uint64),
        ("type", c_uint32),
        ("attributes", c_uint32),
    ]


class tdx_event(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("mr_index", c_uint32),
        ("event_type", c_uint32),
        ("has_sha384", c_int),
        ("sha384", c_uint8 * 48),
        ("data_offset", c_uint64),
        ("data_size", c_uint32),
    ]


class tdx_ccel_table(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("cc_type", c_uint8),
        ("cc_subtype", c_uint8),
        ("log_area_minimum_length", c_uint64),
        ("log_area_start_address", c_uint64),
    ]


class tdx_verify_opts(SizedStruct):
    _fields_ = [
        ("sz", c_size_t),
        ("roots", POINTER(c_uint8)),
        ("roots_len", c_size_t),
        ("collateral", c_char_p),
        ("collateral_len", c_size_t),
        ("crls", POINTER(c_uint8)),
        ("crls_len", c_size_t),
        ("at", c_int64),
        ("accept", c_uint32),
        ("require_collateral", c_int),
        ("require_crls", c_int),
    ]


#: Every public struct, by its C name.
STRUCTS = {c.__name__: c for c in (
    tdx_error, tdx_machine_info, tdx_regs, tdx_vp_info, tdx_ve_info, tdx_page_attr,
    tdx_l2_exit, tdx_guest_caps, tdx_emu_config, tdx_host_info, tdx_vm_opts, tdx_cpuid_entry, tdx_vm_caps,
    tdx_vm_init_opts, tdx_exit, tdx_td_info, tdx_tdvf_section, tdx_event, tdx_ccel_table,
    tdx_verify_opts)}


# ---- opaque handles -------------------------------------------------------

class tdx_guest(Structure):
    """Opaque: only ever used as POINTER(tdx_guest)."""


class tdx_emu(Structure):
    """Opaque."""


class tdx_host(Structure):
    """Opaque."""


class tdx_vm(Structure):
    """Opaque."""


class tdx_vcpu(Structure):
    """Opaque."""


class tdx_report(Structure):
    """Opaque."""


class tdx_quote(Structure):
    """Opaque."""


class tdx_mrtd(Structure):
    """Opaque."""


class tdx_tdvf(Structure):
    """Opaque."""


class tdx_eventlog(Structure):
    """Opaque."""


class tdx_pck(Structure):
    """Opaque."""


class tdx_verify_result(Structure):
    """Opaque."""


HANDLES = {c.__name__: c for c in (tdx_guest, tdx_emu, tdx_host, tdx_vm, tdx_vcpu, tdx_report,
                                   tdx_quote, tdx_mrtd, tdx_tdvf, tdx_eventlog, tdx_pck,
                                   tdx_verify_result)}

# ---- callback types -------------------------------------------------------

#: int (*)(void *ctx, tdx_regs *regs)
tdx_transport_fn = CFUNCTYPE(c_int, c_void_p, POINTER(tdx_regs))
#: void (*)(void *ctx, tdx_vcpu *vcpu, tdx_exit *exit_info)
tdx_exit_handler = CFUNCTYPE(None, c_void_p, POINTER(tdx_vcpu), POINTER(tdx_exit))

# ---- functions ------------------------------------------------------------

P = POINTER
status = c_int  # tdx_status
u8p = P(c_uint8)
u64p = P(c_uint64)
G = P(tdx_guest)
E = P(tdx_emu)
H = P(tdx_host)
VM = P(tdx_vm)
VCPU = P(tdx_vcpu)
R = P(tdx_report)
Q = P(tdx_quote)
M = P(tdx_mrtd)
T = P(tdx_tdvf)
EL = P(tdx_eventlog)
PCK = P(tdx_pck)
VR = P(tdx_verify_result)

#: name -> (restype, [argtypes]) for every exported function, in header order.
FUNCTIONS = {
    # <tdx/version.h>
    "tdx_version": (None, [P(c_int), P(c_int), P(c_int)]),
    "tdx_version_string": (c_char_p, []),
    # <tdx/errors.h>
    "tdx_error_last": (P(tdx_error), []),
    "tdx_error_clear": (None, []),
    "tdx_strerror": (c_char_p, [c_int]),
    "tdx_layer_name": (c_char_p, [c_int]),
    "tdx_module_status_name": (c_char_p, [c_uint64]),
    "tdx_module_status_operand": (c_char_p, [c_uint64]),
    "tdx_vmcall_status_name": (c_char_p, [c_uint64]),
    # <tdx/machine.h>
    "tdx_machine_info_init": (status, [P(tdx_machine_info), c_size_t]),
    "tdx_machine_probe": (status, [P(tdx_machine_info)]),
    # <tdx/guest.h>
    "tdx_guest_open": (status, [P(G), c_char_p]),
    "tdx_guest_open_custom": (status, [P(G), tdx_transport_fn, c_void_p]),
    "tdx_guest_close": (None, [G]),
    "tdx_guest_backend_name": (c_char_p, [G]),
    "tdx_guest_last_status": (c_uint64, [G]),
    "tdx_vp_info_init": (status, [P(tdx_vp_info), c_size_t]),
    "tdx_ve_info_init": (status, [P(tdx_ve_info), c_size_t]),
    "tdx_page_attr_init": (status, [P(tdx_page_attr), c_size_t]),
    "tdx_l2_exit_init": (status, [P(tdx_l2_exit), c_size_t]),
    "tdx_tdg_vp_vmcall": (status, [G, P(tdx_regs)]),
    "tdx_tdg_vp_info": (status, [G, P(tdx_vp_info)]),
    "tdx_tdg_mr_rtmr_extend": (status, [G, c_uint64, c_uint]),
    "tdx_tdg_vp_veinfo_get": (status, [G, P(tdx_ve_info)]),
    "tdx_tdg_mr_report": (status, [G, c_uint64, c_uint64, c_uint]),
    "tdx_tdg_vp_cpuidve_set": (status, [G, c_uint64]),
    "tdx_tdg_mem_page_accept": (status, [G, c_uint64, c_uint]),
    "tdx_tdg_vm_rd": (status, [G, c_uint64, c_uint, u64p, u64p]),
    "tdx_tdg_vm_wr": (status, [G, c_uint64, c_uint64, c_uint64, u64p]),
    "tdx_tdg_vp_rd": (status, [G, c_uint64, u64p, u64p]),
    "tdx_tdg_vp_wr": (status, [G, c_uint64, c_uint64, c_uint64, u64p]),
    "tdx_tdg_sys_rd": (status, [G, c_uint64, u64p, u64p]),
    "tdx_tdg_sys_rdall": (status, [G, c_uint64, c_uint64, u64p]),
    "tdx_tdg_servtd_rd": (status, [G, c_uint64, c_uint64, u64p, u64p, u64p]),
    "tdx_tdg_servtd_wr": (status, [G, c_uint64, c_uint64, u64p, c_uint64, c_uint64, u64p]),
    "tdx_tdg_mr_verifyreport": (status, [G, c_uint64]),
    "tdx_tdg_mem_page_attr_rd": (status, [G, c_uint64, P(tdx_page_attr)]),
    "tdx_tdg_mem_page_attr_wr": (status, [G, c_uint64, c_uint, c_uint64, c_uint64,
                                          P(tdx_page_attr)]),
    "tdx_tdg_vp_enter": (status, [G, c_uint, c_uint, c_uint64, P(tdx_l2_exit)]),
    "tdx_tdg_vp_invept": (status, [G, c_uint64]),
    "tdx_tdg_vp_invgla": (status, [G, c_uint64, u64p]),
    "tdx_tdvmcall_get_tdvmcall_info": (status, [G, c_uint64, u64p]),
    "tdx_tdvmcall_map_gpa": (status, [G, c_uint64, c_uint64, u64p]),
    "tdx_tdvmcall_get_quote": (status, [G, c_uint64, c_uint64]),
    "tdx_tdvmcall_report_fatal_error": (status, [G, c_uint32, c_char_p, c_uint64]),
    "tdx_tdvmcall_setup_event_notify_interrupt": (status, [G, c_uint]),
    "tdx_tdvmcall_service": (status, [G, c_uint64, c_uint64, c_uint, c_uint64]),
    "tdx_tdvmcall_cpuid": (status, [G, c_uint32, c_uint32, P(c_uint32)]),
    "tdx_tdvmcall_hlt": (status, [G, c_int]),
    "tdx_tdvmcall_io_read": (status, [G, c_uint16, c_uint, P(c_uint32)]),
    "tdx_tdvmcall_io_write": (status, [G, c_uint16, c_uint, c_uint32]),
    "tdx_tdvmcall_rdmsr": (status, [G, c_uint32, u64p]),
    "tdx_tdvmcall_wrmsr": (status, [G, c_uint32, c_uint64]),
    "tdx_tdvmcall_mmio_read": (status, [G, c_uint64, c_uint, u64p]),
    "tdx_tdvmcall_mmio_write": (status, [G, c_uint64, c_uint, c_uint64]),
    "tdx_tdvmcall_wbinvd": (status, [G, c_int]),
    "tdx_tdvmcall_pconfig": (status, [G, c_uint64, c_uint64, c_uint64, c_uint64, u64p]),
    "tdx_guest_get_report": (status, [G, u8p, c_size_t, u8p, P(c_size_t)]),
    "tdx_guest_get_quote": (status, [G, u8p, c_size_t, u8p, P(c_size_t)]),
    "tdx_guest_rtmr_extend": (status, [G, c_uint, u8p, c_size_t]),
    "tdx_guest_rtmr_read": (status, [G, c_uint, u8p, c_size_t]),
    "tdx_guest_get_eventlog": (status, [G, u8p, P(c_size_t)]),
    "tdx_guest_caps_init": (status, [P(tdx_guest_caps), c_size_t]),
    "tdx_guest_capabilities": (status, [G, P(tdx_guest_caps)]),
    "tdx_guest_verify_report": (status, [G, u8p, c_size_t]),
    # <tdx/emu.h>
    "tdx_emu_config_init": (status, [P(tdx_emu_config), c_size_t]),
    "tdx_emu_config_parse": (status, [P(tdx_emu_config), c_char_p]),
    "tdx_emu_open": (status, [P(E), P(tdx_emu_config)]),
    "tdx_emu_close": (None, [E]),
    "tdx_emu_guest": (status, [E, P(G)]),
    "tdx_emu_mem_read": (status, [E, c_uint64, c_void_p, c_size_t]),
    "tdx_emu_mem_write": (status, [E, c_uint64, c_void_p, c_size_t]),
    "tdx_emu_inject_ve": (status, [E, P(tdx_ve_info)]),
    "tdx_emu_fatal_error": (status, [E, u64p, P(c_char), P(c_size_t)]),
    "tdx_emu_event_notify": (status, [E, P(c_uint), u64p]),
    "tdx_emu_console": (status, [E, P(c_char), P(c_size_t)]),
    "tdx_emu_quote": (status, [E, u8p, c_size_t, u8p, P(c_size_t)]),
    "tdx_emu_root_ca_pem": (c_char_p, [E]),
    "tdx_emu_collateral": (status, [E, c_uint, P(c_char), P(c_size_t)]),
    # <tdx/host.h>
    "tdx_host_open": (status, [P(H), c_char_p]),
    "tdx_host_close": (None, [H]),
    "tdx_host_backend_name": (c_char_p, [H]),
    "tdx_host_info_init": (status, [P(tdx_host_info), c_size_t]),
    "tdx_host_probe": (status, [H, P(tdx_host_info)]),
    "tdx_vm_opts_init": (status, [P(tdx_vm_opts), c_size_t]),
    "tdx_vm_create": (status, [P(VM), H, P(tdx_vm_opts)]),
    "tdx_vm_close": (None, [VM]),
    "tdx_vm_caps_init": (status, [P(tdx_vm_caps), c_size_t]),
    "tdx_vm_get_capabilities": (status, [VM, P(tdx_vm_caps)]),
    "tdx_vm_cpuid_config": (status, [VM, c_uint32, P(tdx_cpuid_entry)]),
    "tdx_vm_init_opts_init": (status, [P(tdx_vm_init_opts), c_size_t]),
    "tdx_vm_init": (status, [VM, P(tdx_vm_init_opts)]),
    "tdx_vm_add_private_memory": (status, [VM, c_uint64, c_uint64]),
    "tdx_vm_add_shared_memory": (status, [VM, c_uint64, c_uint64]),
    "tdx_vm_read": (status, [VM, c_uint64, c_void_p, c_size_t]),
    "tdx_vm_write": (status, [VM, c_uint64, c_void_p, c_size_t]),
    "tdx_vcpu_create": (status, [P(VCPU), VM]),
    "tdx_vcpu_close": (None, [VCPU]),
    "tdx_vcpu_init": (status, [VCPU, c_uint64]),
    "tdx_vcpu_get_cpuid": (status, [VCPU, P(tdx_cpuid_entry), P(c_uint32)]),
    "tdx_vm_init_mem_region": (status, [VCPU, c_void_p, c_uint64, c_uint64, c_int]),
    "tdx_vm_finalize": (status, [VM]),
    "tdx_vm_mrtd": (status, [VM, u8p]),
    "tdx_exit_init": (status, [P(tdx_exit), c_size_t]),
    "tdx_vm_set_exit_handler": (status, [VM, tdx_exit_handler, c_void_p]),
    "tdx_vcpu_run": (status, [VCPU, P(tdx_exit)]),
    "tdx_vm_guest": (status, [VM, P(G)]),
    "tdx_vm_emu": (E, [VM]),
    # <tdx/report.h>
    "tdx_report_parse": (status, [P(R), u8p, c_size_t]),
    "tdx_report_free": (None, [R]),
    "tdx_report_raw": (u8p, [R]),
    "tdx_report_type": (c_int, [R]),
    "tdx_report_subtype": (c_int, [R]),
    "tdx_report_version": (c_int, [R]),
    "tdx_report_cpusvn": (u8p, [R]),
    "tdx_report_tee_tcb_info_hash": (u8p, [R]),
    "tdx_report_tee_info_hash": (u8p, [R]),
    "tdx_report_report_data": (u8p, [R]),
    "tdx_report_mac": (u8p, [R]),
    "tdx_report_mac_struct": (u8p, [R]),
    "tdx_report_tee_tcb_valid": (c_uint64, [R]),
    "tdx_report_tee_tcb_svn": (u8p, [R]),
    "tdx_report_mrseam": (u8p, [R]),
    "tdx_report_mrsignerseam": (u8p, [R]),
    "tdx_report_seam_attributes": (c_uint64, [R]),
    "tdx_report_tee_tcb_svn2": (u8p, [R]),
    "tdx_report_attributes": (c_uint64, [R]),
    "tdx_report_xfam": (c_uint64, [R]),
    "tdx_report_mrtd": (u8p, [R]),
    "tdx_report_mrconfigid": (u8p, [R]),
    "tdx_report_mrowner": (u8p, [R]),
    "tdx_report_mrownerconfig": (u8p, [R]),
    "tdx_report_rtmr": (u8p, [R, c_uint]),
    "tdx_report_servtd_hash": (u8p, [R]),
    "tdx_td_attribute_name": (c_char_p, [c_uint]),
    "tdx_report_to_json": (status, [R, P(c_char), P(c_size_t)]),
    # <tdx/quote.h>
    "tdx_quote_parse": (status, [P(Q), u8p, c_size_t]),
    "tdx_quote_free": (None, [Q]),
    "tdx_quote_version": (c_int, [Q]),
    "tdx_quote_att_key_type": (c_int, [Q]),
    "tdx_quote_tee_type": (c_uint32, [Q]),
    "tdx_quote_header_reserved": (u8p, [Q]),
    "tdx_quote_qe_vendor_id": (u8p, [Q]),
    "tdx_quote_user_data": (u8p, [Q]),
    "tdx_quote_body_type": (c_int, [Q]),
    "tdx_quote_body_size": (c_size_t, [Q]),
    "tdx_quote_body": (u8p, [Q]),
    "tdx_quote_tee_tcb_svn": (u8p, [Q]),
    "tdx_quote_mrseam": (u8p, [Q]),
    "tdx_quote_mrsignerseam": (u8p, [Q]),
    "tdx_quote_seam_attributes": (c_uint64, [Q]),
    "tdx_quote_td_attributes": (c_uint64, [Q]),
    "tdx_quote_xfam": (c_uint64, [Q]),
    "tdx_quote_mrtd": (u8p, [Q]),
    "tdx_quote_mrconfigid": (u8p, [Q]),
    "tdx_quote_mrowner": (u8p, [Q]),
    "tdx_quote_mrownerconfig": (u8p, [Q]),
    "tdx_quote_rtmr": (u8p, [Q, c_uint]),
    "tdx_quote_report_data": (u8p, [Q]),
    "tdx_quote_tee_tcb_svn2": (u8p, [Q]),
    "tdx_quote_mrservicetd": (u8p, [Q]),
    "tdx_quote_signed_data": (u8p, [Q, P(c_size_t)]),
    "tdx_quote_signature": (u8p, [Q]),
    "tdx_quote_attestation_key": (u8p, [Q]),
    "tdx_quote_cert_data_type": (c_int, [Q]),
    "tdx_quote_qe_report": (u8p, [Q]),
    "tdx_quote_qe_report_signature": (u8p, [Q]),
    "tdx_quote_qe_auth_data": (u8p, [Q, P(c_size_t)]),
    "tdx_quote_pck_cert_type": (c_int, [Q]),
    "tdx_quote_pck_chain": (u8p, [Q, P(c_size_t)]),
    "tdx_quote_size": (c_size_t, [Q]),
    "tdx_quote_trailing_bytes": (c_size_t, [Q]),
    "tdx_quote_to_json": (status, [Q, P(c_char), P(c_size_t)]),
    # <tdx/measure.h>
    "tdx_mrtd_new": (status, [P(M)]),
    "tdx_mrtd_free": (None, [M]),
    "tdx_mrtd_page_add": (status, [M, c_uint64]),
    "tdx_mrtd_extend": (status, [M, c_uint64, u8p, c_size_t]),
    "tdx_mrtd_add_region": (status, [M, c_uint64, c_uint64, u8p, c_size_t, c_uint]),
    "tdx_mrtd_finalize": (status, [M, u8p]),
    "tdx_measure_rtmr_extend": (status, [u8p, u8p, c_size_t]),
    "tdx_td_info_init": (status, [P(tdx_td_info), c_size_t]),
    "tdx_measure_tee_info_hash": (status, [P(tdx_td_info), u8p]),
    "tdx_tdvf_section_init": (status, [P(tdx_tdvf_section), c_size_t]),
    "tdx_tdvf_open": (status, [P(T), c_char_p]),
    "tdx_tdvf_parse": (status, [P(T), u8p, c_size_t]),
    "tdx_tdvf_free": (None, [T]),
    "tdx_tdvf_section_count": (c_size_t, [T]),
    "tdx_tdvf_get_section": (status, [T, c_size_t, P(tdx_tdvf_section)]),
    "tdx_measure_tdvf": (status, [c_char_p, c_uint, u8p]),
    # <tdx/eventlog.h>
    "tdx_eventlog_parse": (status, [P(EL), u8p, c_size_t]),
    "tdx_eventlog_free": (None, [EL]),
    "tdx_eventlog_count": (c_size_t, [EL]),
    "tdx_event_init": (status, [P(tdx_event), c_size_t]),
    "tdx_eventlog_event": (status, [EL, c_size_t, P(tdx_event)]),
    "tdx_eventlog_replay": (status, [EL, u8p, c_size_t]),
    "tdx_eventlog_check": (status, [EL, u8p, c_size_t, P(c_uint)]),
    "tdx_eventlog_to_json": (status, [EL, P(c_char), P(c_size_t)]),
    "tdx_ccel_table_init": (status, [P(tdx_ccel_table), c_size_t]),
    "tdx_ccel_table_parse": (status, [P(tdx_ccel_table), u8p, c_size_t]),
    # <tdx/verify.h>
    "tdx_pck_parse": (status, [P(PCK), u8p, c_size_t]),
    "tdx_pck_free": (None, [PCK]),
    "tdx_pck_ppid": (u8p, [PCK]),
    "tdx_pck_cpusvn": (u8p, [PCK]),
    "tdx_pck_tcb_component": (c_int, [PCK, c_uint]),
    "tdx_pck_pcesvn": (c_int, [PCK]),
    "tdx_pck_pceid": (u8p, [PCK]),
    "tdx_pck_fmspc": (u8p, [PCK]),
    "tdx_pck_sgx_type": (c_int, [PCK]),
    "tdx_pck_platform_instance_id": (u8p, [PCK]),
    "tdx_pck_config": (c_int, [PCK, c_uint]),
    "tdx_tcb_status_name": (c_char_p, [c_int]),
    "tdx_verify_step_name": (c_char_p, [c_int]),
    "tdx_verify_opts_init": (status, [P(tdx_verify_opts), c_size_t]),
    "tdx_quote_verify": (status, [Q, P(tdx_verify_opts), P(VR)]),
    "tdx_verify_result_free": (None, [VR]),
    "tdx_verify_result_status": (status, [VR]),
    "tdx_verify_step_outcome": (c_int, [VR, c_int]),
    "tdx_verify_step_error": (status, [VR, c_int]),
    "tdx_verify_step_message": (c_char_p, [VR, c_int]),
    "tdx_verify_result_tcb_status": (c_int, [VR]),
    "tdx_verify_result_advisory_count": (c_size_t, [VR]),
    "tdx_verify_result_advisory": (c_char_p, [VR, c_size_t]),
    "tdx_verify_result_tcb_date": (c_char_p, [VR]),
    "tdx_verify_result_tcb_level": (c_int, [VR]),
    "tdx_verify_result_explanation": (c_char_p, [VR]),
    "tdx_verify_result_pck": (PCK, [VR]),
    "tdx_verify_result_to_json": (status, [VR, P(c_char), P(c_size_t)]),
    "tdx_intel_sgx_root_ca_pem": (c_char_p, []),
}

del P

#: Functions returning an int that is a value, not a tdx_status.
INT_VALUE_FUNCTIONS = frozenset({
    "tdx_report_type", "tdx_report_subtype", "tdx_report_version", "tdx_quote_version",
    "tdx_quote_att_key_type", "tdx_quote_body_type", "tdx_quote_cert_data_type",
    "tdx_quote_pck_cert_type", "tdx_pck_tcb_component", "tdx_pck_pcesvn", "tdx_pck_sgx_type",
    "tdx_pck_config", "tdx_verify_step_outcome", "tdx_verify_result_tcb_status",
    "tdx_verify_result_tcb_level"})
#: Functions returning a tdx_status (TDX_OK or a negative TDX_E_* code).
STATUS_FUNCTIONS = frozenset(n for n, (r, _) in FUNCTIONS.items()
                             if r is c_int and n not in INT_VALUE_FUNCTIONS)

__all__ = (sorted(CONSTANTS) + sorted(STRUCTS) + sorted(HANDLES) +
           ["SizedStruct", "tdx_transport_fn", "tdx_exit_handler", "CONSTANTS", "STRUCTS",
            "HANDLES", "FUNCTIONS", "STATUS_FUNCTIONS", "INT_VALUE_FUNCTIONS"])
