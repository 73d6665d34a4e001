// SPDX-License-Identifier: MIT

package tdx_test

import (
	"errors"
	"fmt"

	tdx "github.com/libtdx/libtdx/bindings/go"
)

// A report from an emulated TD, and its MRTD.
func ExampleOpenGuest() {
	g, err := tdx.OpenGuest("emu")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()

	info, err := g.VPInfo()
	if err != nil {
		fmt.Println(err)
		return
	}
	raw, err := g.GetReport(make([]byte, tdx.ReportDataSize))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := tdx.ParseReport(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("GPAW", info.GPAW, tdx.AttributeNames(r.Attributes()))
	fmt.Printf("MRTD %x...\n", r.MRTD()[:8])
	// Output:
	// GPAW 48 [SEPT_VE_DISABLE]
	// MRTD 17e88a3785d62f53...
}

// Library failures are *tdx.Error values.
func ExampleError() {
	_, err := tdx.OpenGuest("bogus")
	var te *tdx.Error
	if errors.As(err, &te) {
		fmt.Println(te.Code, te.Layer)
	}
	fmt.Println(errors.Is(err, tdx.ErrInvalid))
	// Output:
	// TDX_E_INVALID library
	// true
}

// The MRTD of a TD whose image is one measured page at 0xFFFFF000.
func ExampleMRTD() {
	mrtd, err := tdx.MRTD([]tdx.Region{{GPA: 0xFFFFF000, Data: []byte("payload"), Extend: true}}, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(mrtd))
	// Output: 48
}
