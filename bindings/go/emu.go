// SPDX-License-Identifier: MIT

package tdx

import (
	"runtime"
	"strings"
	"sync"
)

// Emu is a software TDX platform holding one emulated TD: a TDX module, a
// host model and a quoting enclave (docs/emulator.md).  Its evidence is
// marked as emulated.
type Emu struct {
	mu sync.Mutex
	h  Tdx_emu
}

// OpenEmu opens an emulated TD from a spec "key=value,..." (the part after
// "emu:" in a backend spec; a leading "emu:" is accepted): module=1.0|1.5,
// attributes=HEX, xfam=HEX, mrtd=HEX48, ..., state=FILE.  "" gives the
// defaults.
func OpenEmu(spec string) (*Emu, error) {
	if spec == "emu" {
		spec = ""
	}
	spec = strings.TrimPrefix(spec, "emu:")
	var h Tdx_emu
	if err := Tdx_go_emu_open(&h, spec); err != nil {
		return nil, err
	}
	e := &Emu{h: h}
	runtime.SetFinalizer(e, (*Emu).Close)
	return e, nil
}

// Close releases the handle (a state file is written now); guests opened
// from it keep the platform alive until they are closed.  It is safe to
// call more than once.
func (e *Emu) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h != nil {
		Tdx_emu_close(e.h)
		e.h = nil
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

// Guest returns a guest handle whose TDCALLs this platform answers.
func (e *Emu) Guest() (*Guest, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h == nil {
		return nil, errClosed("Emu")
	}
	var g Tdx_guest
	if err := Tdx_emu_guest(e.h, &g); err != nil {
		return nil, err
	}
	return newGuest(g, e), nil
}

// Quote asks the emulated quoting enclave for a quote of report (a
// TDREPORT of this platform; others are CodeVerify), as a VMM's GetQuote
// handler would.
func (e *Emu) Quote(report []byte) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h == nil {
		return nil, errClosed("Emu")
	}
	quote := make([]byte, quoteGuess)
	n := []uint64{0}
	err := Tdx_emu_quote(e.h, report, quote, n)
	if te, ok := err.(*Error); ok && te.Code == CodeBufferTooSmall && n[0] > uint64(len(quote)) {
		quote = make([]byte, n[0])
		err = Tdx_emu_quote(e.h, report, quote, n)
	}
	if err != nil {
		return nil, err
	}
	return quote[:n[0]], nil
}

// RootCAPEM is the PEM of the emulator's test root CA: trust it explicitly
// to verify emulated quotes (it is never Intel's).
func (e *Emu) RootCAPEM() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h == nil {
		return ""
	}
	return Tdx_emu_root_ca_pem(e.h)
}
