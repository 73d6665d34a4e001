// SPDX-License-Identifier: MIT

package tdx

import (
	"runtime"
	"sync"
)

// Host is the host side: KVM ("kvm[:/dev/kvm]") or an emulated KVM with a
// software TDX module ("emu[:key=value,...]").
//
// The launch sequence is CreateVM -> VM.Init -> VM.AddPrivateMemory ->
// VM.CreateVCPU -> VCPU.Init -> VM.InitMemRegion ... -> VM.Finalize; a
// call out of order fails with CodeState before the kernel sees it, and
// its Message names the order.
type Host struct {
	mu sync.Mutex
	h  Tdx_host
}

// OpenHost opens the host side on a backend: "kvm[:path]", "emu[:...]",
// or "" for $LIBTDX_BACKEND, else /dev/kvm (never the emulator unless
// chosen).
func OpenHost(backend string) (*Host, error) {
	var h Tdx_host
	if err := Tdx_host_open(&h, backend); err != nil {
		return nil, err
	}
	host := &Host{h: h}
	runtime.SetFinalizer(host, (*Host).Close)
	return host, nil
}

// Close releases the handle; VMs created from it stay usable until they
// are closed too.  It is safe to call more than once.
func (h *Host) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.h != nil {
		Tdx_host_close(h.h)
		h.h = nil
		runtime.SetFinalizer(h, nil)
	}
	return nil
}

// Backend names the backend: "kvm" or "emu".
func (h *Host) Backend() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.h == nil {
		return ""
	}
	return Tdx_host_backend_name(h.h)
}

// CreateVM creates a TD (plain: an ordinary KVM VM with the TDX-only steps
// done in software, for hosts without TDX).
func (h *Host) CreateVM(plain bool) (*VM, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.h == nil {
		return nil, errClosed("Host")
	}
	p := 0
	if plain {
		p = 1
	}
	var v Tdx_vm
	if err := Tdx_go_vm_create(&v, h.h, p, 0); err != nil {
		return nil, err
	}
	vm := &VM{h: v, host: h}
	runtime.SetFinalizer(vm, (*VM).Close)
	return vm, nil
}

// VM is a TD being launched, or launched.
type VM struct {
	mu   sync.Mutex
	h    Tdx_vm
	host *Host // reachable while the VM is
}

// Close releases the handle; the TD lives on while vCPUs or a Guest from
// it are open.  It is safe to call more than once.
func (vm *VM) Close() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h != nil {
		Tdx_vm_close(vm.h)
		vm.h = nil
		runtime.SetFinalizer(vm, nil)
	}
	return nil
}

// VMInitOptions are the TD's parameters for VM.Init; zero values are the
// library's defaults.
type VMInitOptions struct {
	Attributes    uint64 // 0: AttrSEPTVEDisable
	XFAM          uint64 // 0: x87|SSE|AVX
	MRConfigID    []byte // 48 bytes, or nil for zeros
	MROwner       []byte // 48 bytes, or nil for zeros
	MROwnerConfig []byte // 48 bytes, or nil for zeros
	GPAW          uint   // 0 or 48, or 52
}

// Init initialises the TD (KVM_TDX_INIT_VM); opts may be nil for the
// defaults.  The TD gets the host's supported CPUID.
func (vm *VM) Init(opts *VMInitOptions) error {
	if opts == nil {
		opts = &VMInitOptions{}
	}
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return errClosed("VM")
	}
	return Tdx_go_vm_init(vm.h, opts.Attributes, opts.XFAM, opts.MRConfigID, opts.MROwner,
		opts.MROwnerConfig, opts.GPAW)
}

// AddPrivateMemory adds private memory (guest_memfd) at gpa, which can
// receive the initial image; both 4 KiB aligned.
func (vm *VM) AddPrivateMemory(gpa, size uint64) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return errClosed("VM")
	}
	return Tdx_vm_add_private_memory(vm.h, gpa, size)
}

// AddSharedMemory adds memory the host and the TD both see.
func (vm *VM) AddSharedMemory(gpa, size uint64) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return errClosed("VM")
	}
	return Tdx_vm_add_shared_memory(vm.h, gpa, size)
}

// ReadMemory reads n bytes of the host's view of guest memory at gpa
// (shared memory, or a plain VM's memory).
func (vm *VM) ReadMemory(gpa uint64, n int) ([]byte, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return nil, errClosed("VM")
	}
	buf := make([]byte, n)
	if err := Tdx_vm_read(vm.h, gpa, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// WriteMemory writes data into the host's view of guest memory at gpa.
func (vm *VM) WriteMemory(gpa uint64, data []byte) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return errClosed("VM")
	}
	return Tdx_vm_write(vm.h, gpa, data)
}

// CreateVCPU creates a vCPU (after Init, before Finalize).
func (vm *VM) CreateVCPU() (*VCPU, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return nil, errClosed("VM")
	}
	var c Tdx_vcpu
	if err := Tdx_vcpu_create(&c, vm.h); err != nil {
		return nil, err
	}
	vcpu := &VCPU{h: c, vm: vm}
	runtime.SetFinalizer(vcpu, (*VCPU).Close)
	return vcpu, nil
}

// InitMemRegion copies data into private memory at gpa (4 KiB aligned) as
// the TD's initial image (TDH.MEM.PAGE.ADD), zero-extended to whole pages,
// and measures it into MRTD (TDH.MR.EXTEND) when measure is set.  vcpu is
// an initialised vCPU of this VM.
func (vm *VM) InitMemRegion(vcpu *VCPU, data []byte, gpa uint64, measure bool) error {
	if vcpu == nil || vcpu.vm != vm {
		return &Error{Code: CodeInvalid, Layer: LayerLibrary,
			Message: "InitMemRegion: vcpu must be a vCPU of this VM"}
	}
	m := 0
	if measure {
		m = 1
	}
	// The C call works on the vCPU handle (the VM is its parent).
	vcpu.mu.Lock()
	defer vcpu.mu.Unlock()
	if vcpu.h == nil {
		return errClosed("VCPU")
	}
	return Tdx_vm_init_mem_region(vcpu.h, data, gpa, m)
}

// Finalize seals the TD's measurement (KVM_TDX_FINALIZE_VM).
func (vm *VM) Finalize() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return errClosed("VM")
	}
	return Tdx_vm_finalize(vm.h)
}

// MRTD returns the TD's MRTD as libtdx measured what was added (after
// Finalize).
func (vm *VM) MRTD() ([]byte, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return nil, errClosed("VM")
	}
	mrtd := make([]byte, DigestSize)
	if err := Tdx_vm_mrtd(vm.h, mrtd); err != nil {
		return nil, err
	}
	return mrtd, nil
}

// Guest returns the guest side of the finalized TD (emulated hosts only):
// what the TD itself would see, with the MRTD and the host-set
// registers in its reports.
func (vm *VM) Guest() (*Guest, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.h == nil {
		return nil, errClosed("VM")
	}
	var g Tdx_guest
	if err := Tdx_vm_guest(vm.h, &g); err != nil {
		return nil, err
	}
	return newGuest(g, vm), nil
}

// VCPU is a vCPU of a VM.
type VCPU struct {
	mu sync.Mutex
	h  Tdx_vcpu
	vm *VM // reachable while the vCPU is
}

// Close releases the handle.  It is safe to call more than once.
func (c *VCPU) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h != nil {
		Tdx_vcpu_close(c.h)
		c.h = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// Init initialises the vCPU (KVM_SET_CPUID2, KVM_TDX_INIT_VCPU) with the
// RCX the TD starts with.
func (c *VCPU) Init(rcx uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h == nil {
		return errClosed("VCPU")
	}
	return Tdx_vcpu_init(c.h, rcx)
}

// CPUIDEntry is one leaf of a TD's CPUID.
type CPUIDEntry struct {
	Function, Index uint32
	Flags           uint32 // 1: Index is significant
	EAX, EBX        uint32
	ECX, EDX        uint32
}

// CPUID returns the TD's effective CPUID (between VM.Init and Finalize).
func (c *VCPU) CPUID() ([]CPUIDEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h == nil {
		return nil, errClosed("VCPU")
	}
	words := make([]uint32, 7*64)
	count := []uint32{0}
	err := Tdx_vcpu_get_cpuid(c.h, words, count)
	if e, ok := err.(*Error); ok && e.Code == CodeBufferTooSmall && int(count[0]) > len(words)/7 {
		words = make([]uint32, 7*int(count[0]))
		err = Tdx_vcpu_get_cpuid(c.h, words, count)
	}
	if err != nil {
		return nil, err
	}
	entries := make([]CPUIDEntry, count[0])
	for i := range entries {
		w := words[7*i:]
		entries[i] = CPUIDEntry{w[0], w[1], w[2], w[3], w[4], w[5], w[6]}
	}
	return entries, nil
}
