// SPDX-License-Identifier: MIT

package tdx

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestBadBackend(t *testing.T) {
	_, err := OpenGuest("bogus")
	te := asError(t, err, CodeInvalid)
	if te.Layer != LayerLibrary || !strings.Contains(te.Message, `"bogus"`) {
		t.Errorf("layer %v message %q: want the library naming the backend", te.Layer, te.Message)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Error("errors.Is(err, ErrInvalid) is false")
	}
	if s := err.Error(); !strings.HasPrefix(s, "tdx: ") || !strings.HasSuffix(s, "(TDX_E_INVALID)") {
		t.Errorf("Error() = %q", s)
	}
	_, err = OpenHost("bogus")
	asError(t, err, CodeInvalid)
}

// Without a backend and without $LIBTDX_BACKEND, the library looks for real
// TDX and never falls back to the emulator.
func TestNoBackend(t *testing.T) {
	if _, err := os.Stat("/dev/tdx_guest"); err == nil {
		t.Skip("this machine is a TD: the default backend exists")
	}
	t.Setenv("LIBTDX_BACKEND", "")
	os.Unsetenv("LIBTDX_BACKEND") // t.Setenv restores it afterwards
	_, err := OpenGuest("")
	te := asError(t, err, CodeNoDevice)
	if !errors.Is(err, ErrNoDevice) || !strings.Contains(te.Message, "LIBTDX_BACKEND") {
		t.Errorf("message %q does not say how to choose a backend", te.Message)
	}

	// The variable chooses the emulator explicitly.
	t.Setenv("LIBTDX_BACKEND", "emu")
	g := openGuest(t, "")
	if g.Backend() != "emu" {
		t.Errorf("Backend() = %q with LIBTDX_BACKEND=emu", g.Backend())
	}
}

func TestClosed(t *testing.T) {
	g, err := OpenGuest("emu")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err = g.VPInfo()
	te := asError(t, err, CodeInvalid)
	if !strings.Contains(te.Message, "closed") {
		t.Errorf("message %q", te.Message)
	}
	_, err = g.GetReport(nil)
	asError(t, err, CodeInvalid)
	if g.Handle() != nil || g.Backend() != "" {
		t.Error("a closed guest still has a handle")
	}
}

// A TDX-module refusal carries the module's raw status and layer.
func TestModuleError(t *testing.T) {
	g := openGuest(t, "emu")
	value := []uint64{0}
	err := Tdx_tdg_vm_rd(g.Handle(), 0x0123456789, 0, value, nil)
	te := asError(t, err, CodeTDCall)
	if te.Layer != LayerModule || te.HWStatus == 0 || te.HWStatus>>63 != 1 {
		t.Errorf("layer %v status %#x: want the module's error status", te.Layer, te.HWStatus)
	}
	name := Tdx_module_status_name(te.HWStatus)
	if !strings.HasPrefix(name, "TDX_") || name == "TDX_SUCCESS" || !strings.Contains(te.Message, name) {
		t.Errorf("status %#x name %q, message %q", te.HWStatus, name, te.Message)
	}
	if te.Layer.String() != "tdx-module" {
		t.Errorf("Layer.String() = %q", te.Layer.String())
	}
}

// The raw layer: integer outputs land in slices, byte fields come back as
// []byte copies.
func TestRawLayer(t *testing.T) {
	g := openGuest(t, "emu")
	// GPAW is a TD-scope field every module has.
	out := make([]uint32, 4)
	if err := Tdx_tdvmcall_cpuid(g.Handle(), 0x40000000, 0, out); err != nil {
		t.Fatal(err)
	}
	var sig []byte
	for _, w := range out[1:] {
		sig = append(sig, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	if string(sig) != "libtdxEmuVMM" {
		t.Errorf("hypervisor CPUID leaf says %q", sig)
	}
	// Too short a slice reaches C as NULL, which the library refuses.
	asError(t, Tdx_tdvmcall_cpuid(g.Handle(), 0, 0, out[:3]), CodeInvalid)

	v := make([]int32, 3)
	Tdx_version(v[:1], v[1:2], v[2:])
	if int(v[0]) != TDX_VERSION_MAJOR || int(v[1]) != TDX_VERSION_MINOR || int(v[2]) != TDX_VERSION_PATCH {
		t.Errorf("Tdx_version = %v, headers say %d.%d.%d", v, TDX_VERSION_MAJOR,
			TDX_VERSION_MINOR, TDX_VERSION_PATCH)
	}
	Tdx_version(nil, nil, nil) // NULL pointers are allowed
	if Version() != TDX_VERSION_STRING {
		t.Errorf("Version() = %q, headers %q", Version(), TDX_VERSION_STRING)
	}
	if CodeState.String() != "TDX_E_STATE" || Tdx_strerror(int(CodeVerify)) == "" {
		t.Error("code names")
	}
}

// Each goroutine gets its own failure back, whatever OS thread it ran on:
// the record is copied in C on the failing thread.
func TestConcurrentErrors(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	shared := openGuest(t, "emu")
	var wg sync.WaitGroup
	fails := make(chan string, 64)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				spec := fmt.Sprintf("bogus-%d-%d", w, i)
				_, err := OpenGuest(spec)
				var te *Error
				if !errors.As(err, &te) || !strings.Contains(te.Message, `"`+spec+`"`) {
					fails <- fmt.Sprintf("%s: got %v", spec, err)
					return
				}
				// Successful calls on a shared handle in between.
				if _, err := shared.VPInfo(); err != nil {
					fails <- err.Error()
					return
				}
				runtime.Gosched()
			}
		}(w)
	}
	wg.Wait()
	close(fails)
	for f := range fails {
		t.Error(f)
	}
}
