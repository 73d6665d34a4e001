// SPDX-License-Identifier: MIT

// Package tdx is the Go binding of libtdx, a library for Intel TDX: from
// inside a Trust Domain (reports, quotes, RTMRs, every TDCALL and
// TDVMCALL) and from the host that launches one (the KVM TDX launch
// sequence and the MRTD a TD will get).
//
// The package links against the installed C library through pkg-config
// (`#cgo pkg-config: libtdx`): with libtdx installed where pkg-config finds
// it (or PKG_CONFIG_PATH pointing at its libtdx.pc), `go build` needs
// nothing else.  SWIG is not needed: its output is committed.
//
// # Two layers
//
// The idiomatic layer is what most programs want:
//
//	g, err := tdx.OpenGuest("emu") // "" = $LIBTDX_BACKEND, else real TDX
//	if err != nil { ... }
//	defer g.Close()
//	raw, err := g.GetReport(reportData) // 64 bytes of report data
//	rep, err := tdx.ParseReport(raw)
//	fmt.Printf("%x\n", rep.MRTD())
//
// Guest, Host, VM, VCPU and Emu wrap the library's handles; Report,
// Quote, EventLog and PCK are parsed copies that need no closing.  MRTD
// predicts the measurement a launch will produce; VerifyQuote checks a
// quote offline (certificate chain, signatures, CRLs, TCB Info and QE
// Identity), with the emulator's quotes verifiable under Emu.RootCAPEM and
// Emu.Collateral.  OpenHost("kvm:emulate-tdx") runs a TD's vCPU in a plain
// VM on /dev/kvm, its TDCALLs answered by the emulated TDX module.
//
// Below it, the SWIG-generated functions mirror the C API one to one under
// the C names (Tdx_tdg_vm_rd, Tdx_tdvmcall_cpuid, ...), so every TDCALL
// leaf and TDVMCALL is reachable.  There, tdx_status returns are error
// values too, byte buffers are []byte, integer out-parameters are slices
// whose first element receives the value, and `T **out` handles are *T.
// <tdx/*.h> documents each function.  A few C functions take Go-shaped
// arguments instead (the buffer as a slice, the length it returns in
// out_len[0]): Tdx_guest_get_report, Tdx_guest_get_quote, Tdx_emu_quote,
// Tdx_emu_console, Tdx_emu_fatal_error, Tdx_report_to_json,
// Tdx_quote_to_json, Tdx_vcpu_get_cpuid and Tdx_vm_init_mem_region (any
// length, zero-extended to whole pages).  Callbacks
// (tdx_guest_open_custom, tdx_vm_set_exit_handler) are not wrapped.
//
// # Errors
//
// Every failure is an *Error carrying the C library's record: Code (a
// TDX_E_* value), Layer, HWStatus (the raw TDX-module or TDVMCALL status,
// or KVM's hw_error), Errno and Message (what went wrong and what to do).
// The record is copied in C right after the failing call, on the thread
// that made it, so it is the right one whichever OS thread the goroutine
// runs on next.  Use errors.As to read it, or errors.Is with the Err*
// sentinels to test a code:
//
//	var te *tdx.Error
//	if errors.As(err, &te) && te.Code == tdx.CodeVerify { ... }
//	if errors.Is(err, tdx.ErrState) { ... }
//
// Nothing in the package panics for a library error.
//
// # Lifetimes and concurrency
//
// Close every handle when done; a finalizer closes a forgotten one, but
// only when the garbage collector gets to it.  Closing twice is harmless;
// using a closed handle returns CodeInvalid.  A handle may be used from
// several goroutines: calls on one handle are serialised, calls on
// distinct handles run in parallel.  The library never keeps a caller's
// buffer, so slices are passed to C only for the duration of a call; as
// cgo requires, a slice must not point into memory that holds Go pointers
// (a byte array inside a struct with pointer fields).
//
// The emulator ("emu" backends) is a software TDX platform, used only when
// chosen explicitly; its evidence is marked as emulated (its own MRSEAM,
// quotes signed under its test root, Emu.RootCAPEM).
package tdx
