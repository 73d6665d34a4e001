// SPDX-License-Identifier: MIT

package tdx

import (
	"runtime"
	"sync"
)

// ReportSize is the size of a TDREPORT.
const ReportSize = 1024

// ReportDataSize is the size of the report data a report or quote binds.
const ReportDataSize = 64

// DigestSize is the size of a SHA-384 measurement (MRTD, RTMR, ...).
const DigestSize = 48

// errClosed is what a method of a closed handle returns.
func errClosed(what string) error {
	return &Error{Code: CodeInvalid, Layer: LayerLibrary,
		Message: what + " is closed; open a new one"}
}

// Guest is the guest side of a TD: the TDX module's TDCALLs and the
// host's TDVMCALLs, through a backend.
type Guest struct {
	mu sync.Mutex
	h  Tdx_guest // nil once closed
	// parent keeps the VM or Emu this guest came from reachable, so that
	// a finalizer does not close it first.
	parent interface{}
	// vpWords receives TDG.VP.INFO (under mu): a local array would escape
	// to the heap through cgo and cost an allocation per call.  It is an
	// allocation of its own: cgo refuses a pointer into an object that
	// holds Go pointers, as Guest does.
	vpWords *[6]uint64
}

func newGuest(h Tdx_guest, parent interface{}) *Guest {
	g := &Guest{h: h, parent: parent, vpWords: new([6]uint64)}
	runtime.SetFinalizer(g, (*Guest).Close)
	return g
}

// OpenGuest opens the guest side on a backend: "emu[:key=value,...]" (a
// new emulated TD), "tdcall" (ring-0 code only), "linux[:...]", or ""
// for $LIBTDX_BACKEND, else real TDX hardware (never the emulator unless
// chosen).
func OpenGuest(backend string) (*Guest, error) {
	var h Tdx_guest
	if err := Tdx_guest_open(&h, backend); err != nil {
		return nil, err
	}
	return newGuest(h, nil), nil
}

// Close releases the handle.  It is safe to call more than once.
func (g *Guest) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h != nil {
		Tdx_guest_close(g.h)
		g.h = nil
		runtime.SetFinalizer(g, nil)
	}
	return nil
}

// Handle returns the raw handle for the SWIG-level functions (Tdx_tdg_*,
// Tdx_tdvmcall_*), or nil once closed.  It is valid until Close: keep g
// reachable meanwhile (runtime.KeepAlive), and do not use it from two
// goroutines at once.
func (g *Guest) Handle() Tdx_guest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.h
}

// Backend names the backend: "emu", "tdcall", ...
func (g *Guest) Backend() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return ""
	}
	return Tdx_guest_backend_name(g.h)
}

// GetReport returns a TDREPORT (1024 bytes) binding reportData, which is
// 64 bytes (nil: zeros).
func (g *Guest) GetReport(reportData []byte) ([]byte, error) {
	if reportData == nil {
		reportData = make([]byte, ReportDataSize)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return nil, errClosed("Guest")
	}
	report := make([]byte, ReportSize)
	n := []uint64{0}
	if err := Tdx_guest_get_report(g.h, reportData, report, n); err != nil {
		return nil, err
	}
	return report[:n[0]], nil
}

// quoteGuess fits the emulator's quotes and DCAP quotes with a PCK chain.
const quoteGuess = 8192

// GetQuote returns a quote (v4 or v5, as the platform makes them) binding
// reportData, which is 64 bytes (nil: zeros).
func (g *Guest) GetQuote(reportData []byte) ([]byte, error) {
	if reportData == nil {
		reportData = make([]byte, ReportDataSize)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return nil, errClosed("Guest")
	}
	quote := make([]byte, quoteGuess)
	n := []uint64{0}
	err := Tdx_guest_get_quote(g.h, reportData, quote, n)
	if e, ok := err.(*Error); ok && e.Code == CodeBufferTooSmall && n[0] > uint64(len(quote)) {
		// The size needed came back; a second quote is as good as the first.
		quote = make([]byte, n[0])
		err = Tdx_guest_get_quote(g.h, reportData, quote, n)
	}
	if err != nil {
		return nil, err
	}
	return quote[:n[0]], nil
}

// RtmrExtend extends RTMR[index] (0..3) with a 48-byte SHA-384 digest:
// RTMR = SHA-384(RTMR || digest).
func (g *Guest) RtmrExtend(index int, digest []byte) error {
	if index < 0 {
		// uint(index) would reach C as a huge index; say it plainly.
		return &Error{Code: CodeInvalid, Layer: LayerLibrary,
			Message: "RtmrExtend: index is negative; RTMRs are 0..3"}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return errClosed("Guest")
	}
	return Tdx_guest_rtmr_extend(g.h, uint(index), digest)
}

// RtmrRead returns RTMR[index] (0..3), 48 bytes: the kernel's register
// on linux (from a fresh TDREPORT before Linux 6.16), a TDREPORT elsewhere.
func (g *Guest) RtmrRead(index int) ([]byte, error) {
	if index < 0 {
		// uint(index) would reach C as a huge index; say it plainly.
		return nil, &Error{Code: CodeInvalid, Layer: LayerLibrary,
			Message: "RtmrRead: index is negative; RTMRs are 0..3"}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return nil, errClosed("Guest")
	}
	rtmr := make([]byte, DigestSize)
	if err := Tdx_guest_rtmr_read(g.h, uint(index), rtmr); err != nil {
		return nil, err
	}
	return rtmr, nil
}

// eventLogGuess fits the CCEL logs of typical firmware (the size needed
// comes back when it does not).
const eventLogGuess = 65536

// EventLog returns the TD's CC event log (the CCEL log area), for
// ParseEventLog.  The emulator has none: CodeNotSupported.
func (g *Guest) EventLog() ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return nil, errClosed("Guest")
	}
	log := make([]byte, eventLogGuess)
	n := []uint64{0}
	err := Tdx_guest_get_eventlog(g.h, log, n)
	if e, ok := err.(*Error); ok && e.Code == CodeBufferTooSmall && n[0] > uint64(len(log)) {
		log = make([]byte, n[0])
		err = Tdx_guest_get_eventlog(g.h, log, n)
	}
	if err != nil {
		return nil, err
	}
	return log[:n[0]], nil
}

// Capabilities says what a guest handle can do here.
type Capabilities struct {
	TDCALL     bool   // TDCALL leaves (Tdx_tdg_*, Tdx_tdvmcall_*)
	Report     bool   // GetReport
	Quote      bool   // GetQuote
	RtmrRead   bool   // RtmrRead
	RtmrExtend bool   // RtmrExtend
	EventLog   bool   // EventLog
	Detail     string // for each missing one, why, in words
}

// Capabilities reports what this handle's backend can do here.
func (g *Guest) Capabilities() (Capabilities, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return Capabilities{}, errClosed("Guest")
	}
	c := NewTdx_guest_caps()
	defer DeleteTdx_guest_caps(c)
	if err := Tdx_guest_capabilities(g.h, c); err != nil {
		return Capabilities{}, err
	}
	return Capabilities{
		TDCALL:     c.GetTdcall() != 0,
		Report:     c.GetReport() != 0,
		Quote:      c.GetQuote() != 0,
		RtmrRead:   c.GetRtmr_read() != 0,
		RtmrExtend: c.GetRtmr_extend() != 0,
		EventLog:   c.GetEventlog() != 0,
		Detail:     c.GetDetail(),
	}, nil
}

// VerifyReport checks a TDREPORT made on this platform: its reserved
// bytes, its TEE_TCB_INFO and TDINFO hashes, and its MAC (TDG.MR.VERIFYREPORT).
// A report that fails is CodeVerify.
func (g *Guest) VerifyReport(report []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return errClosed("Guest")
	}
	return Tdx_guest_verify_report(g.h, report)
}

// VPInfo is the output of TDG.VP.INFO.
type VPInfo struct {
	GPAW           uint   // 48 or 52; the shared bit is 1 << (GPAW - 1)
	Attributes     uint64 // TD ATTRIBUTES (AttrSEPTVEDisable, ...)
	NumVCPUs       uint32
	MaxVCPUs       uint32
	VCPUIndex      uint32
	SysRdAvailable bool // TDG.SYS.RD/RDALL are available
}

// VPInfo runs TDG.VP.INFO.
func (g *Guest) VPInfo() (VPInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return VPInfo{}, errClosed("Guest")
	}
	// One cgo call for the whole struct (see Tdx_go_vp_info).
	w := g.vpWords
	if err := Tdx_go_vp_info(g.h, w[:]); err != nil {
		return VPInfo{}, err
	}
	return VPInfo{
		GPAW:           uint(w[0]),
		Attributes:     w[1],
		NumVCPUs:       uint32(w[2]),
		MaxVCPUs:       uint32(w[3]),
		VCPUIndex:      uint32(w[4]),
		SysRdAvailable: w[5] != 0,
	}, nil
}

// Version returns the version of the libtdx actually loaded ("1.0.0").
func Version() string { return Tdx_version_string() }
