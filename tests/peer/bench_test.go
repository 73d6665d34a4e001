// SPDX-License-Identifier: MIT

package peer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-tdx-guest/verify"
	tdx "github.com/libtdx/libtdx/bindings/go"
)

// The v4 vectors (the quotes both verifiers read), at their reference times.
func v4Quotes(b *testing.B) ([][]byte, []int) {
	dir := os.Getenv("TDX_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	var quotes [][]byte
	var idx []int
	for i, v := range vectors {
		raw, err := os.ReadFile(filepath.Join(dir, v.file))
		if err != nil {
			b.Skipf("no vectors at %s", dir)
		}
		if q, err := tdx.ParseQuote(raw); err == nil && q.Version() == 4 {
			quotes = append(quotes, raw)
			idx = append(idx, i)
		}
	}
	return quotes, idx
}

// BenchmarkVerifyLibtdx: signatures and PCK chain of each v4 vector, the
// same work as BenchmarkVerifyGoTdxGuest (no collateral, no CRLs).
func BenchmarkVerifyLibtdx(b *testing.B) {
	quotes, idx := v4Quotes(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(quotes)
		r, err := tdx.VerifyQuote(quotes[i], &tdx.VerifyOptions{At: vectors[idx[i]].at})
		if err != nil || r.Err != nil {
			b.Fatal(err, r.Err)
		}
	}
}

func BenchmarkVerifyGoTdxGuest(b *testing.B) {
	quotes, idx := v4Quotes(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(quotes)
		if err := verify.RawTdxQuote(quotes[i], &verify.Options{Now: vectors[idx[i]].at}); err != nil {
			b.Fatal(err)
		}
	}
}
