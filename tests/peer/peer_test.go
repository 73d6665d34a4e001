// SPDX-License-Identifier: MIT

// Package peer cross-checks libtdx's quote parser and verifier against
// github.com/google/go-tdx-guest on the same quotes: the real ones in
// ../shared/vectors and the emulator's.  Every parsed field and the
// verdict must agree.  go-tdx-guest v0.3.1, the newest release on the Go
// module proxy, parses v4 quotes only: v5 quotes are compared where it can
// (it must refuse them) and reported.
package peer

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-tdx-guest/abi"
	pb "github.com/google/go-tdx-guest/proto/tdx"
	"github.com/google/go-tdx-guest/verify"
	tdx "github.com/libtdx/libtdx/bindings/go"
)

// The vectors and the times their upstream tests verify them at
// (../shared/reference/verify.md §4).
var vectors = []struct {
	file string
	at   time.Time
}{
	{"go-tdx-guest_quote_v4_prod_SPR_E4.bin", time.Date(2023, 7, 1, 1, 0, 0, 0, time.UTC)},
	{"go-tdx-guest_quote_v5_sample.bin", time.Date(2026, 2, 3, 1, 0, 0, 0, time.UTC)},
	{"go-tdx-guest_quote_v4_cos113_matching_ccel.bin", time.Date(2026, 2, 3, 1, 0, 0, 0, time.UTC)},
	{"coco-trustee_quote_v4_tdx10.bin", time.Date(2026, 2, 3, 1, 0, 0, 0, time.UTC)},
	{"coco-trustee_quote_v5_tdx15.bin", time.Date(2026, 2, 3, 1, 0, 0, 0, time.UTC)},
	{"dcap-qvl_quote_v4_uptodate.bin", time.Date(2025, 7, 19, 10, 0, 34, 0, time.UTC)},
	{"dcap-qvl_quote_v5_outdated.bin", time.Date(2026, 3, 20, 10, 41, 14, 0, time.UTC)},
}

func vectorsDir(t *testing.T) string {
	dir := os.Getenv("TDX_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	if _, err := os.Stat(filepath.Join(dir, vectors[0].file)); err != nil {
		t.Skipf("no vectors at %s", dir)
	}
	return dir
}

func le64(b []byte) uint64 {
	if len(b) != 8 {
		return ^uint64(0)
	}
	return binary.LittleEndian.Uint64(b)
}

// compareFields checks that both parsers read the same values from raw.
func compareFields(t *testing.T, name string, raw []byte) {
	t.Helper()
	q, err := tdx.ParseQuote(raw)
	if err != nil {
		t.Fatalf("%s: libtdx: %v", name, err)
	}
	any, perr := abi.QuoteToProto(raw)
	if q.Version() != 4 {
		if perr == nil {
			t.Errorf("%s: go-tdx-guest parsed a v%d quote", name, q.Version())
		}
		t.Logf("%s: v%d: go-tdx-guest v0.3.1 parses v4 only (%v); libtdx parsed it", name,
			q.Version(), perr)
		return
	}
	if perr != nil {
		t.Fatalf("%s: go-tdx-guest: %v", name, perr)
	}
	p := any.(*pb.QuoteV4)
	h, b, s := p.GetHeader(), p.GetTdQuoteBody(), p.GetSignedData()
	qe := s.GetCertificationData().GetQeReportCertificationData()
	qeReport, err := abi.EnclaveReportToAbiBytes(qe.GetQeReport())
	if err != nil {
		t.Fatalf("%s: go-tdx-guest: %v", name, err)
	}
	bytesFields := []struct {
		field        string
		ours, theirs []byte
	}{
		{"qe_vendor_id", q.QEVendorID(), h.GetQeVendorId()},
		{"user_data", q.UserData(), h.GetUserData()},
		{"tee_tcb_svn", q.TeeTCBSVN(), b.GetTeeTcbSvn()},
		{"mrseam", q.MRSeam(), b.GetMrSeam()},
		{"mrsignerseam", q.MRSignerSeam(), b.GetMrSignerSeam()},
		{"mrtd", q.MRTD(), b.GetMrTd()},
		{"mrconfigid", q.MRConfigID(), b.GetMrConfigId()},
		{"mrowner", q.MROwner(), b.GetMrOwner()},
		{"mrownerconfig", q.MROwnerConfig(), b.GetMrOwnerConfig()},
		{"report_data", q.ReportData(), b.GetReportData()},
		{"signature", q.Signature(), s.GetSignature()},
		{"attestation_key", q.AttestationKey(), s.GetEcdsaAttestationKey()},
		{"qe_report", q.QEReport(), qeReport},
		{"qe_report_signature", q.QEReportSignature(), qe.GetQeReportSignature()},
		{"qe_auth_data", q.QEAuthData(), qe.GetQeAuthData().GetData()},
		{"pck_chain", q.PCKChain(), qe.GetPckCertificateChainData().GetPckCertChain()},
	}
	for i, r := range b.GetRtmrs() {
		bytesFields = append(bytesFields, struct {
			field        string
			ours, theirs []byte
		}{"rtmr", q.RTMR(i), r})
	}
	for _, f := range bytesFields {
		if !bytes.Equal(f.ours, f.theirs) {
			t.Errorf("%s: %s: libtdx %x, go-tdx-guest %x", name, f.field, f.ours, f.theirs)
		}
	}
	ints := []struct {
		field        string
		ours, theirs uint64
	}{
		{"version", uint64(q.Version()), uint64(h.GetVersion())},
		{"att_key_type", uint64(q.AttKeyType()), uint64(h.GetAttestationKeyType())},
		{"tee_type", uint64(q.TeeType()), uint64(h.GetTeeType())},
		{"seam_attributes", q.SeamAttributes(), le64(b.GetSeamAttributes())},
		{"td_attributes", q.TDAttributes(), le64(b.GetTdAttributes())},
		{"xfam", q.XFAM(), le64(b.GetXfam())},
		{"cert_data_type", uint64(q.CertDataType()), uint64(s.GetCertificationData().GetCertificateDataType())},
		{"pck_cert_type", uint64(q.PCKCertType()),
			uint64(qe.GetPckCertificateChainData().GetCertificateDataType())},
	}
	for _, f := range ints {
		if f.ours != f.theirs {
			t.Errorf("%s: %s: libtdx %d, go-tdx-guest %d", name, f.field, f.ours, f.theirs)
		}
	}
}

// verdicts verifies raw with both (the signature chain to roots, no
// collateral, at a time) and returns whether each accepted it.
func verdicts(t *testing.T, raw []byte, at time.Time, roots []byte) (ours, theirs bool, why string) {
	t.Helper()
	r, err := tdx.VerifyQuote(raw, &tdx.VerifyOptions{Roots: roots, At: at})
	if r == nil {
		t.Fatalf("libtdx: %v", err)
	}
	opts := &verify.Options{Now: at}
	if roots != nil {
		pool := x509.NewCertPool()
		for rest := roots; ; {
			var blk *pem.Block
			if blk, rest = pem.Decode(rest); blk == nil {
				break
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			pool.AddCert(c)
		}
		opts.TrustedRoots = pool
	}
	gerr := verify.RawTdxQuote(raw, opts)
	why = "libtdx: " + errString(r.Err) + "; go-tdx-guest: " + errString(gerr)
	return r.Err == nil, gerr == nil, why
}

func errString(err error) string {
	if err == nil {
		return "accepted"
	}
	return err.Error()
}

func TestVectorsAgree(t *testing.T) {
	dir := vectorsDir(t)
	for _, v := range vectors {
		raw, err := os.ReadFile(filepath.Join(dir, v.file))
		if err != nil {
			t.Fatal(err)
		}
		compareFields(t, v.file, raw)
		q, _ := tdx.ParseQuote(raw)
		if q.Version() != 4 {
			continue // go-tdx-guest v0.3.1 cannot verify what it cannot parse
		}
		// At the reference time both accept; tampered, both refuse; in 2053
		// (the leaf has expired) both refuse.
		cases := []struct {
			label string
			raw   []byte
			at    time.Time
			want  bool
		}{
			{"as is", raw, v.at, true},
			{"MRTD flipped", flip(raw, 48+136), v.at, false},
			{"QE report flipped", flip(raw, 632+4+134+100), v.at, false},
			{"in 2053", raw, time.Date(2053, 7, 1, 1, 0, 0, 0, time.UTC), false},
		}
		for _, c := range cases {
			ours, theirs, why := verdicts(t, c.raw, c.at, nil)
			if ours != c.want || theirs != c.want {
				t.Errorf("%s %s: want accepted=%v; %s", v.file, c.label, c.want, why)
			}
		}
	}
}

func flip(b []byte, off int) []byte {
	c := append([]byte(nil), b...)
	c[off] ^= 1
	return c
}

func TestEmulatorQuotesAgree(t *testing.T) {
	for _, spec := range []string{"emu:module=1.0", "emu:module=1.5"} {
		e, err := tdx.OpenEmu(spec)
		if err != nil {
			t.Fatal(err)
		}
		g, err := e.Guest()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := g.GetQuote(bytes.Repeat([]byte{0x5e}, 64))
		if err != nil {
			t.Fatal(err)
		}
		root := []byte(e.RootCAPEM())
		compareFields(t, spec, raw)
		q, _ := tdx.ParseQuote(raw)
		if q.Version() == 4 {
			now := time.Now()
			for _, c := range []struct {
				label string
				roots []byte
				want  bool
			}{{"emulator root", root, true}, {"Intel root (default)", nil, false}} {
				ours, theirs, why := verdicts(t, raw, now, c.roots)
				if ours != c.want || theirs != c.want {
					t.Errorf("%s, %s: want accepted=%v; %s", spec, c.label, c.want, why)
				}
			}
		}
		g.Close()
		e.Close()
	}
}
