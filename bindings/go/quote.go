// SPDX-License-Identifier: MIT

package tdx

// Quote is a parsed TD quote (version 4 or 5, ECDSA-256 with P-256), as
// Intel's quoting enclave (or the emulator's) makes them.  It is a copy,
// independent of the library; byte fields are returned as fresh copies,
// nil when the quote lacks the field.  Parsing checks the structure, not
// the signatures or the certificate chain.
type Quote struct {
	raw                                      []byte
	version, attKeyType, bodyType            int
	teeType                                  uint32
	headerReserved, qeVendorID, userData     []byte
	body                                     []byte
	teeTCBSVN, mrSeam, mrSignerSeam          []byte
	seamAttributes, tdAttributes, xfam       uint64
	mrtd, mrConfigID, mrOwner, mrOwnerConfig []byte
	rtmr                                     [4][]byte
	reportData                               []byte
	teeTCBSVN2, mrServiceTD                  []byte
	signedData, signature, attestationKey    []byte
	certDataType, pckCertType                int
	qeReport, qeReportSignature, qeAuthData  []byte
	pckChain                                 []byte
	size, trailing                           int
}

// ParseQuote parses a quote and checks every length against the buffer
// (CodeInvalid, naming the offset and field, for a malformed quote;
// CodeNotSupported for an attestation key type other than ECDSA P-256).
// Bytes after the quote's declared end are tolerated (TrailingBytes).
func ParseQuote(b []byte) (*Quote, error) {
	var h Tdx_quote
	if err := Tdx_quote_parse(&h, b); err != nil {
		return nil, err
	}
	defer Tdx_quote_free(h)
	q := &Quote{
		version:           Tdx_quote_version(h),
		attKeyType:        Tdx_quote_att_key_type(h),
		teeType:           uint32(Tdx_quote_tee_type(h)),
		headerReserved:    Tdx_quote_header_reserved(h),
		qeVendorID:        Tdx_quote_qe_vendor_id(h),
		userData:          Tdx_quote_user_data(h),
		bodyType:          Tdx_quote_body_type(h),
		body:              Tdx_quote_body(h),
		teeTCBSVN:         Tdx_quote_tee_tcb_svn(h),
		mrSeam:            Tdx_quote_mrseam(h),
		mrSignerSeam:      Tdx_quote_mrsignerseam(h),
		seamAttributes:    Tdx_quote_seam_attributes(h),
		tdAttributes:      Tdx_quote_td_attributes(h),
		xfam:              Tdx_quote_xfam(h),
		mrtd:              Tdx_quote_mrtd(h),
		mrConfigID:        Tdx_quote_mrconfigid(h),
		mrOwner:           Tdx_quote_mrowner(h),
		mrOwnerConfig:     Tdx_quote_mrownerconfig(h),
		reportData:        Tdx_quote_report_data(h),
		teeTCBSVN2:        Tdx_quote_tee_tcb_svn2(h),
		mrServiceTD:       Tdx_quote_mrservicetd(h),
		signedData:        Tdx_quote_signed_data(h),
		signature:         Tdx_quote_signature(h),
		attestationKey:    Tdx_quote_attestation_key(h),
		certDataType:      Tdx_quote_cert_data_type(h),
		qeReport:          Tdx_quote_qe_report(h),
		qeReportSignature: Tdx_quote_qe_report_signature(h),
		qeAuthData:        Tdx_quote_qe_auth_data(h),
		pckCertType:       Tdx_quote_pck_cert_type(h),
		pckChain:          Tdx_quote_pck_chain(h),
		size:              int(Tdx_quote_size(h)),
		trailing:          int(Tdx_quote_trailing_bytes(h)),
	}
	for i := range q.rtmr {
		q.rtmr[i] = Tdx_quote_rtmr(h, uint(i))
	}
	q.raw = clone(b[:q.size])
	return q, nil
}

// Raw returns the quote's bytes (without trailing bytes).
func (q *Quote) Raw() []byte { return clone(q.raw) }

// Version is the quote format: 4 or 5.
func (q *Quote) Version() int { return q.version }

// AttKeyType is the attestation key type (2: ECDSA-256 with P-256).
func (q *Quote) AttKeyType() int { return q.attKeyType }

// TeeType is 0x81 (TDX).
func (q *Quote) TeeType() uint32 { return q.teeType }

// HeaderReserved is header bytes 8..11 (PCE SVN, QE SVN as go-tdx-guest reads them).
func (q *Quote) HeaderReserved() []byte { return clone(q.headerReserved) }

// QEVendorID (16 bytes).
func (q *Quote) QEVendorID() []byte { return clone(q.qeVendorID) }

// UserData (20 bytes).
func (q *Quote) UserData() []byte { return clone(q.userData) }

// BodyType is 2 (TDX 1.0 body) or 3 (TDX 1.5 body).
func (q *Quote) BodyType() int { return q.bodyType }

// Body is the TD quote body (584 or 648 bytes).
func (q *Quote) Body() []byte { return clone(q.body) }

// TeeTCBSVN (16 bytes).
func (q *Quote) TeeTCBSVN() []byte { return clone(q.teeTCBSVN) }

// MRSeam is the TDX module's measurement.
func (q *Quote) MRSeam() []byte { return clone(q.mrSeam) }

// MRSignerSeam is the TDX module signer's measurement.
func (q *Quote) MRSignerSeam() []byte { return clone(q.mrSignerSeam) }

// SeamAttributes of the TDX module.
func (q *Quote) SeamAttributes() uint64 { return q.seamAttributes }

// TDAttributes is the TD's ATTRIBUTES (Attr* bits).
func (q *Quote) TDAttributes() uint64 { return q.tdAttributes }

// XFAM is the TD's extended feature mask.
func (q *Quote) XFAM() uint64 { return q.xfam }

// MRTD is the measurement of the TD's initial contents.
func (q *Quote) MRTD() []byte { return clone(q.mrtd) }

// MRConfigID is the host-set configuration id.
func (q *Quote) MRConfigID() []byte { return clone(q.mrConfigID) }

// MROwner is the host-set owner id.
func (q *Quote) MROwner() []byte { return clone(q.mrOwner) }

// MROwnerConfig is the host-set owner configuration.
func (q *Quote) MROwnerConfig() []byte { return clone(q.mrOwnerConfig) }

// RTMR returns RTMR[i] (i 0..3), or nil for another i.
func (q *Quote) RTMR(i int) []byte {
	if i < 0 || i >= len(q.rtmr) {
		return nil
	}
	return clone(q.rtmr[i])
}

// ReportData is the 64 bytes the quote binds.
func (q *Quote) ReportData() []byte { return clone(q.reportData) }

// TeeTCBSVN2 (body type 3 only, else nil).
func (q *Quote) TeeTCBSVN2() []byte { return clone(q.teeTCBSVN2) }

// MRServiceTD (body type 3 only, else nil).
func (q *Quote) MRServiceTD() []byte { return clone(q.mrServiceTD) }

// SignedData is what the attestation key signs: header and body.
func (q *Quote) SignedData() []byte { return clone(q.signedData) }

// Signature is the ECDSA signature over SignedData (r||s, big-endian).
func (q *Quote) Signature() []byte { return clone(q.signature) }

// AttestationKey is the P-256 public key (x||y).
func (q *Quote) AttestationKey() []byte { return clone(q.attestationKey) }

// CertDataType is the outer certification data type (normally 6).
func (q *Quote) CertDataType() int { return q.certDataType }

// QEReport is the quoting enclave's SGX report body (384 bytes; type 6 only).
func (q *Quote) QEReport() []byte { return clone(q.qeReport) }

// QEReportSignature is the PCK signature over QEReport (type 6 only).
func (q *Quote) QEReportSignature() []byte { return clone(q.qeReportSignature) }

// QEAuthData is the QE authentication data (type 6 only).
func (q *Quote) QEAuthData() []byte { return clone(q.qeAuthData) }

// PCKCertType is the type of the certification data carrying the PCK
// certificates (normally 5: a PEM chain).
func (q *Quote) PCKCertType() int { return q.pckCertType }

// PCKChain is that certification data (for type 5, the PEM chain, leaf
// first, possibly NUL-terminated).
func (q *Quote) PCKChain() []byte { return clone(q.pckChain) }

// Size is the quote's declared size (through its signature data).
func (q *Quote) Size() int { return q.size }

// TrailingBytes counts the parsed buffer's bytes after Size.
func (q *Quote) TrailingBytes() int { return q.trailing }

// MarshalJSON returns the library's JSON form of the quote (see
// tdx_quote_to_json).
func (q *Quote) MarshalJSON() ([]byte, error) {
	var h Tdx_quote
	if err := Tdx_quote_parse(&h, q.raw); err != nil {
		return nil, err
	}
	defer Tdx_quote_free(h)
	return toJSON(func(buf []byte, n []uint64) error { return Tdx_quote_to_json(h, buf, n) })
}
