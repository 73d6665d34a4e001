// SPDX-License-Identifier: MIT

package tdx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func emuQuote(t *testing.T, flags uint) (*Emu, []byte, []byte) {
	t.Helper()
	e, err := OpenEmu("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	g, err := e.Guest()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	q, err := g.GetQuote(make([]byte, 64))
	if err != nil {
		t.Fatal(err)
	}
	col, err := e.Collateral(flags)
	if err != nil {
		t.Fatal(err)
	}
	return e, q, col
}

// A caller who checks only the error cannot accept a tampered quote.
func TestVerifyTamperedQuoteFailsClosed(t *testing.T) {
	e, q, col := emuQuote(t, 0)
	bad := append([]byte(nil), q...)
	bad[48+16] ^= 1 // a byte of the body's MRTD: the signature no longer holds
	r, err := VerifyQuote(bad, &VerifyOptions{Roots: []byte(e.RootCAPEM()), Collateral: col})
	if !errors.Is(err, ErrQuoteSignature) || r == nil || r.Err == nil {
		t.Fatalf("tampered quote: %v; want the quote-signature step's error", err)
	}
}

func TestVerifyEmulatorQuote(t *testing.T) {
	e, q, col := emuQuote(t, 0)
	r, err := VerifyQuote(q, &VerifyOptions{Roots: []byte(e.RootCAPEM()), Collateral: col,
		RequireCollateral: true, RequireCRLs: true})
	if err != nil || r.Err != nil {
		t.Fatalf("VerifyQuote: %v, %v", err, r.Err)
	}
	if r.TCBStatus != "UpToDate" || r.TCBLevel != 0 || len(r.AdvisoryIDs) != 0 {
		t.Fatalf("status %s level %d advisories %v", r.TCBStatus, r.TCBLevel, r.AdvisoryIDs)
	}
	for _, s := range r.Steps {
		if s.Outcome != "passed" {
			t.Errorf("step %s: %s (%s)", s.Name, s.Outcome, s.Message)
		}
	}
	if r.PCK == nil || r.PCK.PCESVN != 13 || r.PCK.TCBComponents[4] != 4 {
		t.Fatalf("PCK %+v", r.PCK)
	}
	// The default root, Intel's, refuses the emulator's chain.
	r, err = VerifyQuote(q, &VerifyOptions{Collateral: col})
	if !errors.Is(err, ErrCertChain) || r == nil || !errors.Is(r.Err, ErrCertChain) {
		t.Fatalf("default root: %v, %v", err, r)
	}
}

func TestVerifyOutOfDateAndPolicy(t *testing.T) {
	e, q, col := emuQuote(t, TDX_EMU_COLLATERAL_OUT_OF_DATE)
	root := []byte(e.RootCAPEM())
	r, err := VerifyQuote(q, &VerifyOptions{Roots: root, Collateral: col})
	if !errors.Is(err, ErrTCB) || r == nil || r.TCBStatus != "OutOfDate" {
		t.Fatalf("%v %v", err, r)
	}
	if len(r.AdvisoryIDs) != 1 || r.AdvisoryIDs[0] != "LIBTDX-EMU-SA-0002" ||
		!strings.Contains(r.Explanation, "needs 4") {
		t.Fatalf("%v %q", r.AdvisoryIDs, r.Explanation)
	}
	r, err = VerifyQuote(q, &VerifyOptions{Roots: root, Collateral: col,
		Accept: []string{"UpToDate", "OutOfDate"}})
	if err != nil || r.Err != nil {
		t.Fatalf("%v %v", err, r.Err)
	}
	if _, err := VerifyQuote(q, &VerifyOptions{Accept: []string{"Fine"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad status name: %v", err)
	}
	if _, err := VerifyQuote([]byte("junk"), nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("junk quote: %v", err)
	}
	// Revoked PCK.
	col, err = e.Collateral(TDX_EMU_COLLATERAL_REVOKE_PCK)
	if err != nil {
		t.Fatal(err)
	}
	r, err = VerifyQuote(q, &VerifyOptions{Roots: root, Collateral: col})
	if !errors.Is(err, ErrRevoked) || r == nil || !errors.Is(r.Err, ErrRevoked) {
		t.Fatalf("revoked: %v %v", err, r)
	}
}

func TestVerifyVectors(t *testing.T) {
	dir := os.Getenv("TDX_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	q, err := os.ReadFile(filepath.Join(dir, "dcap-qvl_quote_v4_uptodate.bin"))
	if err != nil {
		t.Skip("no vectors: ", err)
	}
	col, err := os.ReadFile(filepath.Join(dir, "dcap-qvl_quote_v4_uptodate_collateral.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := VerifyQuote(q, &VerifyOptions{Collateral: col,
		At: time.Date(2025, 7, 19, 10, 0, 34, 0, time.UTC)})
	if err != nil || r.Err != nil || r.TCBStatus != "UpToDate" {
		t.Fatalf("%v %v %s", err, r.Err, r.TCBStatus)
	}
}
