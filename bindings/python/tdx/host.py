# SPDX-License-Identifier: MIT
"""The host side: create, measure, finalize and run a TD through KVM.

The sequence (out-of-order calls raise StateError before KVM sees them)::

    with tdx.Host("emu") as host, host.create_vm() as vm:
        vm.init()
        vm.add_private_memory(gpa, size)
        vm.add_private_memory(0, 64 << 20)  # the TD's RAM: what it shares is seen there
        vcpu = vm.create_vcpu()
        vcpu.init()
        vm.init_mem_region(vcpu, image, gpa)
        vm.finalize()
        exit = vcpu.run()
"""

from dataclasses import dataclass

from . import lowlevel as _ll
from ._handle import Handle
from .emu import Emu
from .guest import Guest

PAGE_SIZE = 4096

_EXIT_NAMES = {getattr(_ll, n): n[len("TDX_EXIT_"):] for n in dir(_ll)
               if n.startswith("TDX_EXIT_")}


@dataclass(frozen=True)
class HostInfo:
    """What the host's KVM offers (tdx_host_probe)."""
    api_version: int
    vm_types: int
    tdx: bool
    max_vcpus: int
    guest_memfd: bool
    user_memory2: bool
    memory_attributes: int
    exit_hypercall: int
    tdx_detail: str


@dataclass(frozen=True)
class VmCaps:
    """What the TDX module and KVM let a TD be (tdx_vm_get_capabilities)."""
    supported_attrs: int
    supported_xfam: int
    kernel_tdvmcallinfo_1_r11: int
    user_tdvmcallinfo_1_r11: int
    kernel_tdvmcallinfo_1_r12: int
    user_tdvmcallinfo_1_r12: int
    num_cpuid_configs: int
    max_vcpus: int  # KVM_CAP_MAX_VCPUS of this VM


@dataclass(frozen=True)
class CpuidEntry:
    function: int
    index: int
    flags: int
    eax: int
    ebx: int
    ecx: int
    edx: int


def _cpuid(e):
    return CpuidEntry(e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx)


@dataclass(frozen=True)
class Exit:
    """A decoded exit of Vcpu.run(); reason_name is "HLT", "IO", ..."""
    reason: int
    reason_name: str
    kvm_exit_reason: int
    io_port: int
    io_size: int
    io_out: int
    io_count: int
    mmio_gpa: int
    mmio_len: int
    mmio_write: int
    data: bytes
    tdvmcall_nr: int
    tdvmcall_ret: int
    tdvmcall_args: list
    gpa: int
    size: int
    to_private: int
    error_code: int
    fatal_gpa: int
    message: str
    subtype: int
    hw_reason: int


def _exit(e):
    return Exit(e.reason, _EXIT_NAMES.get(e.reason, "UNKNOWN"), e.kvm_exit_reason,
                e.io_port, e.io_size, e.io_out, e.io_count, e.mmio_gpa, e.mmio_len,
                e.mmio_write, e.data, e.tdvmcall_nr, e.tdvmcall_ret, e.tdvmcall_args,
                e.gpa, e.size, e.to_private, e.error_code, e.fatal_gpa, e.message,
                e.subtype, e.hw_reason)


class Host(Handle):
    """A TDX host: "kvm[:/dev/kvm]", "emu[:key=value,...]", or None
    ($LIBTDX_BACKEND, else /dev/kvm; never the emulator by default)."""

    _close_fn = staticmethod(_ll.tdx_host_close)

    def __init__(self, backend=None):
        super().__init__(_ll.tdx_host_open(backend))

    @property
    def backend(self):
        """"kvm" or "emu"."""
        return _ll.tdx_host_backend_name(self.handle)

    def probe(self):
        """What KVM offers, with why TDX is (not) available in tdx_detail."""
        i = _ll.tdx_host_probe(self.handle)
        return HostInfo(i.api_version, i.vm_types, bool(i.tdx), i.max_vcpus,
                        bool(i.guest_memfd), bool(i.user_memory2), i.memory_attributes,
                        i.exit_hypercall, i.tdx_detail)

    def create_vm(self, plain=False, tsc_khz=0):
        """A new VM; plain=True makes an ordinary KVM VM with the TDX-only
        steps done in software (for hosts without TDX)."""
        opts = _ll.tdx_vm_opts()
        opts.plain = int(bool(plain))
        opts.tsc_khz = tsc_khz
        return Vm(_ll.tdx_vm_create(self.handle, opts), self)


class Vm(Handle):
    """A TD being built or run; made by Host.create_vm()."""

    _close_fn = staticmethod(_ll.tdx_vm_close)

    def init(self, attributes=0, xfam=0, mrconfigid=b"", mrowner=b"", mrownerconfig=b"",
             gpaw=48, cpuid=None):
        """KVM_TDX_INIT_VM.  attributes 0: SEPT_VE_DISABLE; xfam 0: x87|SSE|AVX;
        the 48-byte IDs are zero-extended; cpuid: CpuidEntry list (None: the
        host's supported CPUID, filtered by libtdx)."""
        opts = _ll.tdx_vm_init_opts()
        opts.attributes = attributes
        opts.xfam = xfam
        opts.mrconfigid = mrconfigid
        opts.mrowner = mrowner
        opts.mrownerconfig = mrownerconfig
        opts.gpaw = gpaw
        entries = None
        if cpuid is not None:
            cpuid = list(cpuid)
            entries = _ll.tdx_cpuid_entry_array(max(1, len(cpuid)))
            for i, c in enumerate(cpuid):
                e = entries[i]
                e.function, e.index, e.flags = c.function, c.index, c.flags
                e.eax, e.ebx, e.ecx, e.edx = c.eax, c.ebx, c.ecx, c.edx
                entries[i] = e
            opts.cpuid = entries.cast()
            opts.ncpuid = len(cpuid)
        _ll.tdx_vm_init(self.handle, opts)  # entries stays alive until here

    def capabilities(self):
        c = _ll.tdx_vm_get_capabilities(self.handle)
        return VmCaps(c.supported_attrs, c.supported_xfam, c.kernel_tdvmcallinfo_1_r11,
                      c.user_tdvmcallinfo_1_r11, c.kernel_tdvmcallinfo_1_r12,
                      c.user_tdvmcallinfo_1_r12, c.num_cpuid_configs, c.max_vcpus)

    def cpuid_configs(self):
        """The configurable CPUID leaves (bits: what may be set)."""
        n = self.capabilities().num_cpuid_configs
        return [_cpuid(_ll.tdx_vm_cpuid_config(self.handle, i)) for i in range(n)]

    def add_private_memory(self, gpa, size):
        _ll.tdx_vm_add_private_memory(self.handle, gpa, size)

    def add_shared_memory(self, gpa, size):
        _ll.tdx_vm_add_shared_memory(self.handle, gpa, size)

    def read(self, gpa, size):
        """The host's view of guest memory (shared, or a plain VM's)."""
        return _ll.tdx_vm_read(self.handle, gpa, size)

    def write(self, gpa, data):
        _ll.tdx_vm_write(self.handle, gpa, data)

    def create_vcpu(self):
        return Vcpu(_ll.tdx_vcpu_create(self.handle), self)

    def init_mem_region(self, vcpu, data, gpa, measure=True):
        """Copy data, zero-padded to whole pages, into private memory at gpa
        (PAGE.ADD), measured into MRTD (MR.EXTEND) if measure."""
        data = bytes(data)
        npages = max(1, -(-len(data) // PAGE_SIZE))
        data += bytes(npages * PAGE_SIZE - len(data))
        _ll.tdx_vm_init_mem_region(vcpu.handle, data, gpa, npages, int(bool(measure)))

    def finalize(self):
        """KVM_TDX_FINALIZE_VM: the MRTD is sealed."""
        _ll.tdx_vm_finalize(self.handle)

    @property
    def mrtd(self):
        """The TD's MRTD as libtdx measured it (after finalize)."""
        return _ll.tdx_vm_mrtd(self.handle)

    def guest(self):
        """The TD's guest side (after finalize; emulated host only)."""
        return Guest._wrap(_ll.tdx_vm_guest(self.handle), self)

    def emu(self):
        """The emulated platform of this TD (after guest(); emulated host only)."""
        h = _ll.tdx_vm_emu(self.handle)
        return Emu._borrow(h, self) if h is not None else None


class Vcpu(Handle):
    """A vCPU of a Vm; made by Vm.create_vcpu()."""

    _close_fn = staticmethod(_ll.tdx_vcpu_close)

    def __init__(self, handle, vm):
        super().__init__(handle, vm)
        # One exit struct per vCPU: an IN or MMIO read is answered in it
        # before the next run.
        self._exit = _ll.tdx_exit()

    def init(self, rcx=0):
        """KVM_SET_CPUID2 then KVM_TDX_INIT_VCPU with the initial RCX."""
        _ll.tdx_vcpu_init(self.handle, rcx)

    def cpuid(self):
        """The TD's effective CPUID."""
        return [_cpuid(e) for e in _ll.tdx_vcpu_get_cpuid(self.handle)]

    def run(self, data=None):
        """Run until an exit the caller must see.  data: the value for the
        previous exit's IN or MMIO read (up to 8 bytes)."""
        if data is not None:
            self._exit.data = data
        _ll.tdx_vcpu_run(self.handle, self._exit)
        return _exit(self._exit)
