// SPDX-License-Identifier: MIT

package peer

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-tdx-guest/verify"
	tdx "github.com/libtdx/libtdx/bindings/go"
)

// benchSet is what both verifiers verify: v4 quotes (the go-tdx-guest
// release on the module proxy reads v4 only), their times and the root.
type benchSet struct {
	quotes [][]byte
	at     []time.Time
	root   []byte // nil: the Intel SGX Root CA (both verifiers' default)
	what   string
}

// The v4 vectors at their reference times; without the vectors, four
// emulated platforms' v4 quotes under the emulator's root.
func v4Quotes(b *testing.B) benchSet {
	dir := os.Getenv("TDX_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	var s benchSet
	for _, v := range vectors {
		raw, err := os.ReadFile(filepath.Join(dir, v.file))
		if err != nil {
			break
		}
		if q, err := tdx.ParseQuote(raw); err == nil && q.Version() == 4 {
			s.quotes = append(s.quotes, raw)
			s.at = append(s.at, v.at)
		}
	}
	if len(s.quotes) > 0 {
		s.what = "the v4 vectors"
		return s
	}
	s.what = "emulated v4 quotes"
	for i := 0; i < 4; i++ {
		e, err := tdx.OpenEmu("emu:module=1.0")
		if err != nil {
			b.Fatal(err)
		}
		g, err := e.Guest()
		if err != nil {
			b.Fatal(err)
		}
		q, err := g.GetQuote(make([]byte, 64))
		if err != nil {
			b.Fatal(err)
		}
		s.quotes = append(s.quotes, q)
		s.at = append(s.at, time.Now())
		s.root = []byte(e.RootCAPEM())
		g.Close()
		e.Close()
	}
	return s
}

// BenchmarkVerifyLibtdx: signatures and PCK chain of each quote, the same
// work as BenchmarkVerifyGoTdxGuest (no collateral, no CRLs).
func BenchmarkVerifyLibtdx(b *testing.B) {
	s := v4Quotes(b)
	b.Logf("quotes: %s", s.what)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(s.quotes)
		r, err := tdx.VerifyQuote(s.quotes[i], &tdx.VerifyOptions{Roots: s.root, At: s.at[i]})
		if err != nil || r.Err != nil {
			b.Fatal(err, r.Err)
		}
	}
}

func BenchmarkVerifyGoTdxGuest(b *testing.B) {
	s := v4Quotes(b)
	opts := verify.Options{}
	if s.root != nil {
		blk, _ := pem.Decode(s.root)
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			b.Fatal(err)
		}
		opts.TrustedRoots = x509.NewCertPool()
		opts.TrustedRoots.AddCert(c)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(s.quotes)
		o := opts
		o.Now = s.at[i]
		if err := verify.RawTdxQuote(s.quotes[i], &o); err != nil {
			b.Fatal(err)
		}
	}
}
