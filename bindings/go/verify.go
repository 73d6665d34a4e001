// SPDX-License-Identifier: MIT

package tdx

import "time"

// PCK is a PCK certificate's SGX extensions (Intel's SGX PCK Certificate
// profile): platform identity and TCB.
type PCK struct {
	PPID               []byte  // 16 bytes
	CPUSVN             []byte  // 16 bytes
	TCBComponents      [16]int // SGX TCB component SVNs
	PCESVN             int
	PCEID              []byte // 2 bytes
	FMSPC              []byte // 6 bytes
	SGXType            int    // 0 standard, 1 scalable, 2 scalable with integrity
	PlatformInstanceID []byte // 16 bytes; nil for Processor-CA certificates
}

func readPCK(h Tdx_pck) *PCK {
	p := &PCK{
		PPID:               Tdx_pck_ppid(h),
		CPUSVN:             Tdx_pck_cpusvn(h),
		PCESVN:             Tdx_pck_pcesvn(h),
		PCEID:              Tdx_pck_pceid(h),
		FMSPC:              Tdx_pck_fmspc(h),
		SGXType:            Tdx_pck_sgx_type(h),
		PlatformInstanceID: Tdx_pck_platform_instance_id(h),
	}
	for i := range p.TCBComponents {
		p.TCBComponents[i] = Tdx_pck_tcb_component(h, uint(i))
	}
	return p
}

// ParsePCK parses a PCK certificate (PEM or DER) and its SGX extensions.
func ParsePCK(cert []byte) (*PCK, error) {
	var h Tdx_pck
	if err := Tdx_pck_parse(&h, cert); err != nil {
		return nil, err
	}
	defer Tdx_pck_free(h)
	return readPCK(h), nil
}

// VerifyOptions are tdx_verify_opts: what to trust, what collateral to
// use, when, and which TCB statuses to accept.
type VerifyOptions struct {
	Roots             []byte    // trusted roots, PEM or DER; nil: the Intel SGX Root CA
	Collateral        []byte    // PCS v4 collateral JSON (as dcap-qvl names it); nil: none
	CRLs              []byte    // CRLs, PEM or concatenated DER
	At                time.Time // zero: now
	Accept            []string  // accepted TCB statuses ("UpToDate", ...); nil: UpToDate
	RequireCollateral bool
	RequireCRLs       bool
}

// VerifyStep is one step's outcome: "passed", "failed", "skipped" or
// "not_run", with what it found.
type VerifyStep struct {
	Name, Outcome, Message string
}

// VerifyResult is what the verification found.  Err is nil when every
// step passed and the policy accepts the TCB status, else the first
// failing step's *Error (CodeCertChain, CodeTCB, ...).
type VerifyResult struct {
	Err         error
	Steps       []VerifyStep
	TCBStatus   string // "UpToDate", ..., "NotSupported", "Unknown" (not evaluated)
	TCBDate     string // the matched TCB level's tcbDate; "" if none
	TCBLevel    int    // its index in TCB Info's tcbLevels; -1 if none
	AdvisoryIDs []string
	Explanation string
	PCK         *PCK
	JSON        []byte
}

var tcbStatusBits = map[string]uint{}

func init() {
	for i := int(TDX_TCB_UNKNOWN); i <= int(TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED); i++ {
		tcbStatusBits[Tdx_tcb_status_name(i)] = 1 << uint(i)
	}
}

// VerifyQuote verifies a quote offline.  It fails closed: the error is
// nil only when every step passed and the policy accepts the TCB status.
// A verification that ran and failed returns its result too (steps, TCB
// status, explanation) with the failing step's *Error as the error (and
// in the result's Err); arguments it could not start with return a nil
// result and CodeInvalid.
func VerifyQuote(quote []byte, o *VerifyOptions) (*VerifyResult, error) {
	if o == nil {
		o = &VerifyOptions{}
	}
	var accept uint
	for _, s := range o.Accept {
		bit, ok := tcbStatusBits[s]
		if !ok {
			return nil, &Error{Code: CodeInvalid, Layer: LayerLibrary,
				Message: "VerifyQuote: " + s + " is not a TCB status"}
		}
		accept |= bit
	}
	var at int64
	if !o.At.IsZero() {
		at = o.At.Unix()
	}
	var q Tdx_quote
	if err := Tdx_quote_parse(&q, quote); err != nil {
		return nil, err
	}
	defer Tdx_quote_free(q)
	var h Tdx_verify_result
	verr := Tdx_quote_verify(q, o.Roots, o.Collateral, o.CRLs, at, accept,
		boolInt(o.RequireCollateral), boolInt(o.RequireCRLs), &h)
	if h == nil {
		return nil, verr
	}
	defer Tdx_verify_result_free(h)
	outcomes := [...]string{"not_run", "passed", "failed", "skipped"}
	r := &VerifyResult{
		Err:         verr,
		TCBStatus:   Tdx_tcb_status_name(Tdx_verify_result_tcb_status(h)),
		TCBDate:     Tdx_verify_result_tcb_date(h),
		TCBLevel:    Tdx_verify_result_tcb_level(h),
		Explanation: Tdx_verify_result_explanation(h),
	}
	for s := 0; s < int(TDX_VERIFY_STEPS); s++ {
		r.Steps = append(r.Steps, VerifyStep{Name: Tdx_verify_step_name(s),
			Outcome: outcomes[Tdx_verify_step_outcome(h, s)],
			Message: Tdx_verify_step_message(h, s)})
	}
	for i := int64(0); i < Tdx_verify_result_advisory_count(h); i++ {
		r.AdvisoryIDs = append(r.AdvisoryIDs, Tdx_verify_result_advisory(h, i))
	}
	if p := Tdx_verify_result_pck(h); p != nil {
		r.PCK = readPCK(p)
	}
	js, err := toJSON(func(buf []byte, n []uint64) error { return Tdx_verify_result_to_json(h, buf, n) })
	if err != nil {
		return nil, err
	}
	r.JSON = js
	return r, r.Err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Collateral is this emulated platform's collateral (JSON) for
// VerifyQuote, under RootCAPEM; flags: TDX_EMU_COLLATERAL_REVOKE_PCK,
// TDX_EMU_COLLATERAL_OUT_OF_DATE.
func (e *Emu) Collateral(flags uint) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h == nil {
		return nil, errClosed("Emu")
	}
	return toJSON(func(buf []byte, n []uint64) error { return Tdx_emu_collateral(e.h, flags, buf, n) })
}
