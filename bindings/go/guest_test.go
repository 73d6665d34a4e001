// SPDX-License-Identifier: MIT

package tdx

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// The emulator's documented identity (docs/emulator.md).
const (
	emuAttributes = AttrSEPTVEDisable
	emuXFAM       = 0x602e7
)

func sha384(b []byte) []byte {
	s := sha512.Sum384(b)
	return s[:]
}

// openGuest opens a guest on spec, closed when the test ends.
func openGuest(t *testing.T, spec string) *Guest {
	t.Helper()
	g, err := OpenGuest(spec)
	if err != nil {
		t.Fatalf("OpenGuest(%q): %v", spec, err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// asError checks err is an *Error with code and returns it.
func asError(t *testing.T, err error, code Code) *Error {
	t.Helper()
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("want an *Error with %v, got %v (%T)", code, err, err)
	}
	if te.Code != code {
		t.Fatalf("want %v, got %v: %s", code, te.Code, te.Message)
	}
	if te.Message == "" {
		t.Fatalf("%v without a message", code)
	}
	return te
}

func reportData(seed byte) []byte {
	d := make([]byte, ReportDataSize)
	for i := range d {
		d[i] = seed + byte(i)
	}
	return d
}

func TestVPInfo(t *testing.T) {
	g := openGuest(t, "emu")
	if b := g.Backend(); b != "emu" {
		t.Errorf("Backend() = %q, want emu", b)
	}
	info, err := g.VPInfo()
	if err != nil {
		t.Fatal(err)
	}
	want := VPInfo{GPAW: 48, Attributes: emuAttributes, NumVCPUs: 1, MaxVCPUs: 1,
		VCPUIndex: 0, SysRdAvailable: true}
	if info != want {
		t.Errorf("VPInfo() = %+v, want %+v", info, want)
	}

	// Configuration reaches the module: 52-bit GPAW, 4 vCPUs, this one #2.
	g2 := openGuest(t, "emu:gpaw=52,vcpus=4,vcpu=2")
	info, err = g2.VPInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.GPAW != 52 || info.NumVCPUs != 4 || info.MaxVCPUs != 4 || info.VCPUIndex != 2 {
		t.Errorf("VPInfo() = %+v, want gpaw 52, 4 vCPUs, index 2", info)
	}
}

func TestReport(t *testing.T) {
	g := openGuest(t, "emu")
	rd := reportData(7)
	raw, err := g.GetReport(rd)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != ReportSize {
		t.Fatalf("report is %d bytes", len(raw))
	}
	r, err := ParseReport(raw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Type() != 0x81 || r.Subtype() != 0 {
		t.Errorf("REPORTTYPE %#x/%d, want 0x81/0", r.Type(), r.Subtype())
	}
	if !bytes.Equal(r.ReportData(), rd) || !bytes.Equal(raw[128:192], rd) {
		t.Errorf("report data %x, want %x", r.ReportData(), rd)
	}
	if want := sha384([]byte("libtdx emulated TD")); !bytes.Equal(r.MRTD(), want) {
		t.Errorf("MRTD %x, want the emulator's default %x", r.MRTD(), want)
	}
	if want := sha384([]byte("libtdx emulated TDX module 1.5")); !bytes.Equal(r.MRSeam(), want) {
		t.Errorf("MRSEAM %x, want the emulated module's %x", r.MRSeam(), want)
	}
	if r.Attributes() != emuAttributes || r.XFAM() != emuXFAM {
		t.Errorf("attributes %#x xfam %#x, want %#x %#x", r.Attributes(), r.XFAM(),
			emuAttributes, emuXFAM)
	}
	if names := AttributeNames(r.Attributes()); len(names) != 1 || names[0] != "SEPT_VE_DISABLE" {
		t.Errorf("AttributeNames = %v", names)
	}
	zero := make([]byte, DigestSize)
	for _, f := range [][]byte{r.MRConfigID(), r.MROwner(), r.MROwnerConfig(), r.RTMR(0), r.RTMR(3)} {
		if !bytes.Equal(f, zero) {
			t.Errorf("field %x, want zeros on a fresh TD", f)
		}
	}
	if r.RTMR(4) != nil || r.RTMR(-1) != nil {
		t.Error("RTMR out of range is not nil")
	}
	if !bytes.Equal(r.Raw(), raw) || len(r.MACStruct()) != 256 || len(r.MAC()) != 32 ||
		len(r.CPUSVN()) != 16 {
		t.Error("raw or REPORTMACSTRUCT fields have the wrong size")
	}
	// TEE_INFO_HASH is SHA-384 of TDINFO (bytes 512..1023).
	if !bytes.Equal(r.TeeInfoHash(), sha384(raw[512:])) {
		t.Error("TEE_INFO_HASH is not SHA-384 of TDINFO")
	}
	// Accessors hand out copies.
	r.MRTD()[0] ^= 0xff
	if want := sha384([]byte("libtdx emulated TD")); !bytes.Equal(r.MRTD(), want) {
		t.Error("changing a returned slice changed the report")
	}
	// nil report data means zeros.
	raw0, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw0[128:192], make([]byte, 64)) {
		t.Error("GetReport(nil) did not bind zeros")
	}

	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ReportData string `json:"report_data"`
		TDInfo     struct {
			MRTD            string   `json:"mrtd"`
			AttributesNames []string `json:"attributes_names"`
		} `json:"td_info"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatalf("JSON %s: %v", js, err)
	}
	if doc.ReportData != hex.EncodeToString(rd) || doc.TDInfo.MRTD != hex.EncodeToString(r.MRTD()) ||
		len(doc.TDInfo.AttributesNames) != 1 {
		t.Errorf("JSON does not match the report: %s", js)
	}
}

func TestReportErrors(t *testing.T) {
	g := openGuest(t, "emu")
	_, err := g.GetReport(make([]byte, 10))
	asError(t, err, CodeInvalid)

	raw, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseReport(raw[:1000])
	asError(t, err, CodeInvalid)
	bad := append([]byte(nil), raw...)
	bad[0] = 0x00 // REPORTTYPE.TYPE: not TDX
	_, err = ParseReport(bad)
	asError(t, err, CodeInvalid)
}

func TestRtmrExtend(t *testing.T) {
	g := openGuest(t, "emu")
	before, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	r0, _ := ParseReport(before)
	old := r0.RTMR(2)

	h := sha512.New384()
	h.Write([]byte("libtdx Go binding test event"))
	digest := h.Sum(nil)
	if err := g.RtmrExtend(2, digest); err != nil {
		t.Fatal(err)
	}
	after, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := ParseReport(after)
	if err != nil {
		t.Fatal(err)
	}
	// RTMR := SHA-384(RTMR || digest)
	h.Reset()
	h.Write(old)
	h.Write(digest)
	want := h.Sum(nil)
	if !bytes.Equal(r1.RTMR(2), want) {
		t.Errorf("RTMR[2] = %x, want SHA-384(old || digest) = %x", r1.RTMR(2), want)
	}
	for _, i := range []int{0, 1, 3} {
		if !bytes.Equal(r1.RTMR(i), r0.RTMR(i)) {
			t.Errorf("RTMR[%d] changed", i)
		}
	}
	// The library's software extend agrees.
	sw, err := ExtendRTMR(old, digest)
	if err != nil || !bytes.Equal(sw, want) {
		t.Errorf("ExtendRTMR = %x, %v; want %x", sw, err, want)
	}

	asError(t, g.RtmrExtend(4, digest), CodeInvalid)
	asError(t, g.RtmrExtend(-1, digest), CodeInvalid)
	te := asError(t, g.RtmrExtend(0, digest[:47]), CodeInvalid)
	if te.Layer != LayerLibrary {
		t.Errorf("short digest: layer %v, want library", te.Layer)
	}
}

func TestRtmrRead(t *testing.T) {
	g := openGuest(t, "emu")
	digest := sha384([]byte("libtdx Go RtmrRead test event"))
	if err := g.RtmrExtend(1, digest); err != nil {
		t.Fatal(err)
	}
	raw, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReport(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		got, err := g.RtmrRead(i)
		if err != nil {
			t.Fatalf("RtmrRead(%d): %v", i, err)
		}
		if len(got) != DigestSize || !bytes.Equal(got, r.RTMR(i)) {
			t.Errorf("RtmrRead(%d) = %x, want the report's %x", i, got, r.RTMR(i))
		}
	}
	got, _ := g.RtmrRead(1)
	if want := sha384(append(make([]byte, DigestSize), digest...)); !bytes.Equal(got, want) {
		t.Errorf("RTMR[1] = %x, want SHA-384(zeros || digest) = %x", got, want)
	}
	_, err = g.RtmrRead(4)
	asError(t, err, CodeInvalid)
	_, err = g.RtmrRead(-1)
	asError(t, err, CodeInvalid)
	// The generated call with a buffer that is not 48 bytes.
	asError(t, Tdx_guest_rtmr_read(g.Handle(), 0, make([]byte, 47)), CodeInvalid)
}

func TestEventLogNotOnEmulator(t *testing.T) {
	g := openGuest(t, "emu")
	log, err := g.EventLog()
	te := asError(t, err, CodeNotSupported)
	if log != nil || !strings.Contains(te.Message, "event log") {
		t.Errorf("EventLog = %d bytes, %q", len(log), te.Message)
	}
}

func TestCapabilities(t *testing.T) {
	g := openGuest(t, "emu")
	c, err := g.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	want := Capabilities{TDCALL: true, Report: true, Quote: true, RtmrRead: true,
		RtmrExtend: true, EventLog: false, Detail: c.Detail}
	if c != want {
		t.Errorf("Capabilities = %+v, want %+v", c, want)
	}
	if !strings.Contains(c.Detail, "event log") {
		t.Errorf("Detail %q does not say why there is no event log", c.Detail)
	}
}

func TestNewGuestCallsClosed(t *testing.T) {
	g, err := OpenGuest("emu")
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	_, err = g.RtmrRead(0)
	asError(t, err, CodeInvalid)
	_, err = g.EventLog()
	asError(t, err, CodeInvalid)
	_, err = g.Capabilities()
	asError(t, err, CodeInvalid)
}

func TestVerifyReport(t *testing.T) {
	g := openGuest(t, "emu")
	raw, err := g.GetReport(reportData(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.VerifyReport(raw); err != nil {
		t.Fatalf("VerifyReport(genuine) = %v", err)
	}
	// 128: report data, covered by the MAC; 600: TDINFO (MRTD), covered
	// by TEE_INFO_HASH.
	for _, off := range []int{128, 600} {
		bad := append([]byte(nil), raw...)
		bad[off] ^= 0x01
		err := g.VerifyReport(bad)
		asError(t, err, CodeVerify)
		if !errors.Is(err, ErrVerify) || errors.Is(err, ErrState) {
			t.Errorf("flipped byte %d: errors.Is does not match the code", off)
		}
	}
	asError(t, g.VerifyReport(raw[:512]), CodeInvalid)

	// Another platform's report fails the MAC check.
	other := openGuest(t, "emu")
	foreign, err := other.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	asError(t, g.VerifyReport(foreign), CodeVerify)
}

// checkQuoteSignature verifies the attestation key's ECDSA P-256 signature
// over the header and body.
func checkQuoteSignature(t *testing.T, q *Quote) {
	t.Helper()
	ak, sig := q.AttestationKey(), q.Signature()
	if len(ak) != 64 || len(sig) != 64 {
		t.Fatalf("attestation key %d bytes, signature %d bytes", len(ak), len(sig))
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(),
		X: new(big.Int).SetBytes(ak[:32]), Y: new(big.Int).SetBytes(ak[32:])}
	digest := sha256.Sum256(q.SignedData())
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Error("the quote's signature does not verify under its attestation key")
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		spec                        string
		version, bodyType, bodySize int
		signedSize                  int
	}{
		{"emu", 5, 3, 648, 702},
		{"emu:module=1.0", 4, 2, 584, 632},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			g := openGuest(t, tc.spec)
			rd := reportData(42)
			raw, err := g.GetQuote(rd)
			if err != nil {
				t.Fatal(err)
			}
			q, err := ParseQuote(raw)
			if err != nil {
				t.Fatal(err)
			}
			if q.Version() != tc.version || q.BodyType() != tc.bodyType ||
				len(q.Body()) != tc.bodySize || len(q.SignedData()) != tc.signedSize {
				t.Errorf("version %d body type %d body %d signed %d, want %d %d %d %d",
					q.Version(), q.BodyType(), len(q.Body()), len(q.SignedData()),
					tc.version, tc.bodyType, tc.bodySize, tc.signedSize)
			}
			if q.TeeType() != 0x81 || q.AttKeyType() != 2 || q.CertDataType() != 6 ||
				q.PCKCertType() != 5 {
				t.Errorf("tee %#x key %d cert %d pck %d", q.TeeType(), q.AttKeyType(),
					q.CertDataType(), q.PCKCertType())
			}
			if q.Size() != len(raw) || q.TrailingBytes() != 0 || !bytes.Equal(q.Raw(), raw) {
				t.Errorf("size %d trailing %d, buffer %d", q.Size(), q.TrailingBytes(), len(raw))
			}
			if !bytes.Equal(q.ReportData(), rd) {
				t.Errorf("report data %x, want %x", q.ReportData(), rd)
			}
			// The body carries what a report of the same TD says.
			r, err := g.GetReport(rd)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := ParseReport(r)
			if !bytes.Equal(q.MRTD(), rep.MRTD()) || !bytes.Equal(q.MRSeam(), rep.MRSeam()) ||
				q.TDAttributes() != rep.Attributes() || q.XFAM() != rep.XFAM() ||
				!bytes.Equal(q.RTMR(1), rep.RTMR(1)) {
				t.Error("quote body and report disagree")
			}
			if (q.TeeTCBSVN2() != nil) != (tc.bodyType == 3) || (q.MRServiceTD() != nil) != (tc.bodyType == 3) {
				t.Errorf("TEE_TCB_SVN2/MRSERVICETD presence wrong for body type %d", tc.bodyType)
			}
			if !strings.Contains(string(q.PCKChain()), "-----BEGIN CERTIFICATE-----") ||
				len(q.QEReport()) != 384 || len(q.QEAuthData()) != 32 {
				t.Errorf("certification data: chain %d bytes, QE report %d, auth data %d",
					len(q.PCKChain()), len(q.QEReport()), len(q.QEAuthData()))
			}
			checkQuoteSignature(t, q)

			js, err := json.Marshal(q)
			if err != nil || !json.Valid(js) || !bytes.Contains(js, []byte(hex.EncodeToString(rd))) {
				t.Errorf("JSON %.100s...: %v", js, err)
			}
		})
	}
}

func TestQuoteErrors(t *testing.T) {
	g := openGuest(t, "emu")
	raw, err := g.GetQuote(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Padding after the declared end is tolerated and counted.
	q, err := ParseQuote(append(append([]byte(nil), raw...), 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if q.TrailingBytes() != 3 || q.Size() != len(raw) {
		t.Errorf("trailing %d size %d", q.TrailingBytes(), q.Size())
	}
	te := asError(t, func() error { _, err := ParseQuote(raw[:100]); return err }(), CodeInvalid)
	if !strings.Contains(te.Message, "100") && !strings.Contains(te.Message, "offset") {
		t.Errorf("truncation message does not say where: %s", te.Message)
	}
	_, err = g.GetQuote(make([]byte, 63))
	asError(t, err, CodeInvalid)
}

func TestEmu(t *testing.T) {
	e, err := OpenEmu("emu:mrowner=" + strings.Repeat("ab", 48))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !strings.Contains(e.RootCAPEM(), "BEGIN CERTIFICATE") {
		t.Error("RootCAPEM is not a PEM certificate")
	}
	g, err := e.Guest()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	raw, err := g.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseReport(raw)
	if !bytes.Equal(r.MROwner(), bytes.Repeat([]byte{0xab}, 48)) {
		t.Errorf("MROWNER %x, want the configured ab...", r.MROwner())
	}
	quote, err := e.Quote(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseQuote(quote)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q.MROwner(), r.MROwner()) {
		t.Error("the quote does not carry the report's MROWNER")
	}

	// Its quoting enclave refuses a report made elsewhere.
	other := openGuest(t, "emu")
	foreign, err := other.GetReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Quote(foreign)
	asError(t, err, CodeVerify)

	_, err = OpenEmu("module=2.0")
	asError(t, err, CodeInvalid)
}
