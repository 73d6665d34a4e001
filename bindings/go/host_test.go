// SPDX-License-Identifier: MIT

package tdx

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"strings"
	"syscall"
	"testing"
)

const fourGiB = 1 << 32

func openHost(t *testing.T) *Host {
	t.Helper()
	h, err := OpenHost("emu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func createVM(t *testing.T, h *Host) *VM {
	t.Helper()
	vm, err := h.CreateVM(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close() })
	return vm
}

// payload is an image that is not a whole number of pages.
func payload() []byte {
	p := make([]byte, 3*PageSize+100)
	for i := range p {
		p[i] = byte(i*7 + i>>12)
	}
	return p
}

// The launch sequence on the emulated host: the TD's own report shows the
// MRTD that MRTD() predicts from the image alone.
func TestHostLaunch(t *testing.T) {
	h := openHost(t)
	if h.Backend() != "emu" {
		t.Errorf("Backend() = %q", h.Backend())
	}
	vm := createVM(t, h)
	cfg := bytes.Repeat([]byte{0x5a}, 48)
	if err := vm.Init(&VMInitOptions{MRConfigID: cfg}); err != nil {
		t.Fatal(err)
	}
	img := payload()
	gpa := uint64(fourGiB - 4*PageSize)  // the image: 4 pages below 4 GiB
	data := uint64(fourGiB - 8*PageSize) // 2 pages added, not extended
	if err := vm.AddPrivateMemory(data, 8*PageSize); err != nil {
		t.Fatal(err)
	}
	vcpu, err := vm.CreateVCPU()
	if err != nil {
		t.Fatal(err)
	}
	defer vcpu.Close()
	if err := vcpu.Init(0); err != nil {
		t.Fatal(err)
	}
	cpuid, err := vcpu.CPUID()
	if err != nil {
		t.Fatal(err)
	}
	gpaw := -1
	for _, e := range cpuid {
		if e.Function == 0x80000008 {
			gpaw = int(e.EAX >> 16 & 0xff)
		}
	}
	if gpaw != 48 {
		t.Errorf("CPUID 0x80000008 GPAW = %d of %d entries, want 48", gpaw, len(cpuid))
	}

	if err := vm.InitMemRegion(vcpu, make([]byte, 2*PageSize), data, false); err != nil {
		t.Fatal(err)
	}
	if err := vm.InitMemRegion(vcpu, img, gpa, true); err != nil {
		t.Fatal(err)
	}
	if err := vm.Finalize(); err != nil {
		t.Fatal(err)
	}
	mrtd, err := vm.MRTD()
	if err != nil {
		t.Fatal(err)
	}
	regions := []Region{
		{GPA: data, Pages: 2},
		{GPA: gpa, Data: img, Extend: true},
	}
	predicted, err := MRTD(regions, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mrtd, predicted) {
		t.Fatalf("VM MRTD %x, predicted %x", mrtd, predicted)
	}
	twoPass, err := MRTD(regions, true)
	if err != nil || bytes.Equal(twoPass, predicted) {
		t.Errorf("two-pass MRTD %x (%v) should differ from single-pass for multi-page regions", twoPass, err)
	}

	g, err := vm.Guest()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	raw, err := g.GetReport(reportData(3))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReport(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.MRTD(), predicted) {
		t.Errorf("the TD reports MRTD %x, predicted %x", r.MRTD(), predicted)
	}
	if !bytes.Equal(r.MRConfigID(), cfg) || r.Attributes() != AttrSEPTVEDisable {
		t.Errorf("MRCONFIGID %x attributes %#x", r.MRConfigID(), r.Attributes())
	}
	if err := g.VerifyReport(raw); err != nil {
		t.Errorf("the TD's own report does not verify: %v", err)
	}
}

// Calls out of order fail with CodeState, and the message gives the order.
func TestHostOrder(t *testing.T) {
	h := openHost(t)
	vm := createVM(t, h)
	checkState := func(what string, err error) {
		t.Helper()
		te := asError(t, err, CodeState)
		if !strings.Contains(te.Message, "order:") || !strings.Contains(te.Message, "tdx_vm_init") {
			t.Errorf("%s: message %q does not name the order", what, te.Message)
		}
	}
	checkState("Finalize before Init", vm.Finalize())
	_, err := vm.CreateVCPU()
	checkState("CreateVCPU before Init", err)
	_, err = vm.MRTD()
	checkState("MRTD before Finalize", err)
	_, err = vm.Guest()
	checkState("Guest before Finalize", err)

	if err := vm.Init(nil); err != nil {
		t.Fatal(err)
	}
	asError(t, vm.Init(nil), CodeState)
	vcpu, err := vm.CreateVCPU()
	if err != nil {
		t.Fatal(err)
	}
	defer vcpu.Close()
	if err := vm.AddPrivateMemory(0, PageSize); err != nil {
		t.Fatal(err)
	}
	err = vm.InitMemRegion(vcpu, []byte{1}, 0, true)
	checkState("InitMemRegion before VCPU.Init", err)
	checkState("Finalize without an initialised vCPU", vm.Finalize())
}

func TestHostErrors(t *testing.T) {
	h := openHost(t)
	vm := createVM(t, h)
	te := asError(t, vm.Init(&VMInitOptions{MROwner: make([]byte, 10)}), CodeInvalid)
	if !strings.Contains(te.Message, "48 bytes") {
		t.Errorf("message %q", te.Message)
	}
	if err := vm.Init(nil); err != nil {
		t.Fatal(err)
	}
	vcpu, err := vm.CreateVCPU()
	if err != nil {
		t.Fatal(err)
	}
	defer vcpu.Close()
	if err := vcpu.Init(0); err != nil {
		t.Fatal(err)
	}
	te = asError(t, vm.InitMemRegion(vcpu, nil, 0, true), CodeInvalid)
	if !strings.Contains(te.Message, "empty") {
		t.Errorf("message %q", te.Message)
	}
	// Misaligned GPA: the library's check.
	if err := vm.AddPrivateMemory(0, 2*PageSize); err != nil {
		t.Fatal(err)
	}
	asError(t, vm.InitMemRegion(vcpu, []byte{1}, 100, true), CodeInvalid)

	other := createVM(t, h)
	asError(t, other.InitMemRegion(vcpu, []byte{1}, 0, true), CodeInvalid)

	vm.Close()
	asError(t, vm.Finalize(), CodeInvalid)
	// The vCPU keeps the TD alive after the VM handle is closed: the
	// library still knows this vCPU was initialised.
	te = asError(t, vcpu.Init(0), CodeState)
	if !strings.Contains(te.Message, "already initialised") {
		t.Errorf("message %q", te.Message)
	}
}

// MRTD follows the TDX module's definition (<tdx/measure.h>), checked here
// with a reference computation in Go.
func TestMRTDReference(t *testing.T) {
	block := func(op string, gpa uint64) []byte {
		b := make([]byte, 128)
		copy(b, op)
		binary.LittleEndian.PutUint64(b[16:], gpa)
		return b
	}
	empty, err := MRTD(nil, false)
	if err != nil || !bytes.Equal(empty, sha384(nil)) {
		t.Errorf("MRTD of nothing = %x, %v", empty, err)
	}

	page := bytes.Repeat([]byte{0xc3}, 100) // zero-extended to one page
	h := sha512.New384()
	h.Write(block("MEM.PAGE.ADD", 0x2000))
	full := make([]byte, PageSize)
	copy(full, page)
	for off := uint64(0); off < PageSize; off += 256 {
		h.Write(block("MR.EXTEND", 0x2000+off))
		h.Write(full[off : off+256])
	}
	h.Write(block("MEM.PAGE.ADD", 0x5000)) // added, not extended
	want := h.Sum(nil)
	got, err := MRTD([]Region{{GPA: 0x2000, Data: page, Extend: true}, {GPA: 0x5000, Pages: 1}}, false)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("MRTD = %x, %v; reference %x", got, err, want)
	}

	_, err = MRTD([]Region{{GPA: 0x1001, Pages: 1}}, false)
	asError(t, err, CodeInvalid)
	// An OS-layer failure unwraps to its errno.
	_, err = MeasureTDVF("/nonexistent/OVMF.fd", false)
	var te *Error
	if !errors.As(err, &te) || te.Layer != LayerOS || te.Errno != syscall.ENOENT || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("%v: want the OS layer with ENOENT", err)
	}
}
