// SPDX-License-Identifier: MIT

package tdx

// TD ATTRIBUTES bits (Report.Attributes, Quote.TDAttributes, VPInfo).
const (
	AttrDebug         uint64 = 1 << 0
	AttrHGSPlusProf   uint64 = 1 << 4
	AttrPerfProf      uint64 = 1 << 5
	AttrPMTProf       uint64 = 1 << 6
	AttrICSSD         uint64 = 1 << 16
	AttrLASS          uint64 = 1 << 27
	AttrSEPTVEDisable uint64 = 1 << 28
	AttrMigratable    uint64 = 1 << 29
	AttrPKS           uint64 = 1 << 30
	AttrKL            uint64 = 1 << 31
	AttrTPA           uint64 = 1 << 62
	AttrPerfmon       uint64 = 1 << 63
)

// AttributeNames names the set bits of TD ATTRIBUTES that have a name
// ("DEBUG", "SEPT_VE_DISABLE", ...), lowest bit first.
func AttributeNames(attributes uint64) []string {
	var names []string
	for bit := uint(0); bit < 64; bit++ {
		if attributes&(1<<bit) != 0 {
			if n := Tdx_td_attribute_name(bit); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// Report is a parsed TDREPORT_STRUCT.  It is a copy, independent of the
// library (nothing to close); byte fields are returned as fresh copies.
type Report struct {
	raw                     []byte
	typ, subtype, version   int
	cpusvn, teeTCBInfoHash  []byte
	teeInfoHash, reportData []byte
	mac, macStruct          []byte
	teeTCBValid             uint64
	teeTCBSVN, teeTCBSVN2   []byte
	mrSeam, mrSignerSeam    []byte
	seamAttributes          uint64
	attributes, xfam        uint64
	mrtd, mrConfigID        []byte
	mrOwner, mrOwnerConfig  []byte
	rtmr                    [4][]byte
	servTDHash              []byte
}

// ParseReport parses and checks a 1024-byte TDREPORT (CodeInvalid for
// another length or a REPORTTYPE other than TDX).
func ParseReport(b []byte) (*Report, error) {
	var h Tdx_report
	if err := Tdx_report_parse(&h, b); err != nil {
		return nil, err
	}
	defer Tdx_report_free(h)
	r := &Report{
		raw:            Tdx_report_raw(h),
		typ:            Tdx_report_type(h),
		subtype:        Tdx_report_subtype(h),
		version:        Tdx_report_version(h),
		cpusvn:         Tdx_report_cpusvn(h),
		teeTCBInfoHash: Tdx_report_tee_tcb_info_hash(h),
		teeInfoHash:    Tdx_report_tee_info_hash(h),
		reportData:     Tdx_report_report_data(h),
		mac:            Tdx_report_mac(h),
		macStruct:      Tdx_report_mac_struct(h),
		teeTCBValid:    Tdx_report_tee_tcb_valid(h),
		teeTCBSVN:      Tdx_report_tee_tcb_svn(h),
		mrSeam:         Tdx_report_mrseam(h),
		mrSignerSeam:   Tdx_report_mrsignerseam(h),
		seamAttributes: Tdx_report_seam_attributes(h),
		teeTCBSVN2:     Tdx_report_tee_tcb_svn2(h),
		attributes:     Tdx_report_attributes(h),
		xfam:           Tdx_report_xfam(h),
		mrtd:           Tdx_report_mrtd(h),
		mrConfigID:     Tdx_report_mrconfigid(h),
		mrOwner:        Tdx_report_mrowner(h),
		mrOwnerConfig:  Tdx_report_mrownerconfig(h),
		servTDHash:     Tdx_report_servtd_hash(h),
	}
	for i := range r.rtmr {
		r.rtmr[i] = Tdx_report_rtmr(h, uint(i))
	}
	return r, nil
}

// clone copies b so that callers cannot change a parsed object.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// Raw returns the 1024 bytes.
func (r *Report) Raw() []byte { return clone(r.raw) }

// Type is REPORTTYPE.TYPE (0x81 for TDX).
func (r *Report) Type() int { return r.typ }

// Subtype is REPORTTYPE.SUBTYPE.
func (r *Report) Subtype() int { return r.subtype }

// Version is REPORTTYPE.VERSION (1: SERVTD_HASH is valid).
func (r *Report) Version() int { return r.version }

// CPUSVN (16 bytes).
func (r *Report) CPUSVN() []byte { return clone(r.cpusvn) }

// TeeTCBInfoHash is SHA-384 of TEE_TCB_INFO.
func (r *Report) TeeTCBInfoHash() []byte { return clone(r.teeTCBInfoHash) }

// TeeInfoHash is SHA-384 of TDINFO.
func (r *Report) TeeInfoHash() []byte { return clone(r.teeInfoHash) }

// ReportData is the 64 bytes the report binds.
func (r *Report) ReportData() []byte { return clone(r.reportData) }

// MAC is the REPORTMACSTRUCT's MAC (32 bytes).
func (r *Report) MAC() []byte { return clone(r.mac) }

// MACStruct is the whole REPORTMACSTRUCT (256 bytes), what
// TDG.MR.VERIFYREPORT checks.
func (r *Report) MACStruct() []byte { return clone(r.macStruct) }

// TeeTCBValid is TEE_TCB_INFO.VALID.
func (r *Report) TeeTCBValid() uint64 { return r.teeTCBValid }

// TeeTCBSVN (16 bytes).
func (r *Report) TeeTCBSVN() []byte { return clone(r.teeTCBSVN) }

// MRSeam is the TDX module's measurement.
func (r *Report) MRSeam() []byte { return clone(r.mrSeam) }

// MRSignerSeam is the TDX module signer's measurement.
func (r *Report) MRSignerSeam() []byte { return clone(r.mrSignerSeam) }

// SeamAttributes is TEE_TCB_INFO.ATTRIBUTES.
func (r *Report) SeamAttributes() uint64 { return r.seamAttributes }

// TeeTCBSVN2 (16 bytes; TDX 1.5).
func (r *Report) TeeTCBSVN2() []byte { return clone(r.teeTCBSVN2) }

// Attributes is the TD's ATTRIBUTES (Attr* bits).
func (r *Report) Attributes() uint64 { return r.attributes }

// XFAM is the TD's extended feature mask.
func (r *Report) XFAM() uint64 { return r.xfam }

// MRTD is the measurement of the TD's initial contents.
func (r *Report) MRTD() []byte { return clone(r.mrtd) }

// MRConfigID is the host-set configuration id.
func (r *Report) MRConfigID() []byte { return clone(r.mrConfigID) }

// MROwner is the host-set owner id.
func (r *Report) MROwner() []byte { return clone(r.mrOwner) }

// MROwnerConfig is the host-set owner configuration.
func (r *Report) MROwnerConfig() []byte { return clone(r.mrOwnerConfig) }

// RTMR returns RTMR[i] (i 0..3), or nil for another i.
func (r *Report) RTMR(i int) []byte {
	if i < 0 || i >= len(r.rtmr) {
		return nil
	}
	return clone(r.rtmr[i])
}

// ServTDHash is the hash of the bound service TDs (meaningful when
// Version is 1).
func (r *Report) ServTDHash() []byte { return clone(r.servTDHash) }

// MarshalJSON returns the library's JSON form of the report (field names
// as in the TDX specification; see tdx_report_to_json).
func (r *Report) MarshalJSON() ([]byte, error) {
	var h Tdx_report
	if err := Tdx_report_parse(&h, r.raw); err != nil {
		return nil, err
	}
	defer Tdx_report_free(h)
	return toJSON(func(buf []byte, n []uint64) error { return Tdx_report_to_json(h, buf, n) })
}

// toJSON runs a *_to_json shim twice: for the size, then into the buffer.
func toJSON(call func(buf []byte, n []uint64) error) ([]byte, error) {
	n := []uint64{0}
	if err := call(nil, n); err != nil {
		if e, ok := err.(*Error); !ok || e.Code != CodeBufferTooSmall {
			return nil, err
		}
	}
	buf := make([]byte, n[0])
	if err := call(buf, n); err != nil {
		return nil, err
	}
	if n[0] > 0 && buf[n[0]-1] == 0 {
		n[0]-- // the C string's NUL
	}
	return buf[:n[0]], nil
}
