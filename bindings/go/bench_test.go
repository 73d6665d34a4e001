// SPDX-License-Identifier: MIT

package tdx

import "testing"

// VPInfo on the emulator, to compare with bench/bench_vp_info.c
// (tdx_tdg_vp_info through the C API).  The three levels show where the
// time goes: the idiomatic method (handle mutex + one cgo call), the shim
// alone (one cgo call), and the SWIG struct path (a cgo call per field).
// Run: go test -run '^$' -bench VPInfo

func benchGuest(b *testing.B) *Guest {
	g, err := OpenGuest("emu")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	return g
}

func BenchmarkVPInfo(b *testing.B) {
	g := benchGuest(b)
	var sink uint32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		info, err := g.VPInfo()
		if err != nil {
			b.Fatal(err)
		}
		sink += info.VCPUIndex
	}
	_ = sink
}

func BenchmarkVPInfoShim(b *testing.B) {
	h := benchGuest(b).Handle()
	var w [6]uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Tdx_go_vp_info(h, w[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVPInfoSWIGStruct(b *testing.B) {
	h := benchGuest(b).Handle()
	info := NewTdx_vp_info()
	defer DeleteTdx_vp_info(info)
	var sink uint
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Tdx_tdg_vp_info(h, info); err != nil {
			b.Fatal(err)
		}
		sink += info.GetGpaw() + uint(info.GetVcpu_index())
	}
	_ = sink
}
