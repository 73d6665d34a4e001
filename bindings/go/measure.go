// SPDX-License-Identifier: MIT

package tdx

// PageSize is the granule of TD memory and of MRTD measurement.
const PageSize = 4096

// Region is memory a host adds to a TD before it is finalized.
type Region struct {
	GPA    uint64 // 4 KiB aligned
	Data   []byte // contents, zero-extended to Pages pages
	Pages  uint64 // 0: as many as Data needs
	Extend bool   // measure the contents too (TDH.MR.EXTEND), not only the pages
}

// MRTD predicts the MRTD of a TD whose initial memory is regions, added in
// order, as the TDX module computes it.  twoPass: the order of older
// out-of-tree stacks (all pages of a region added, then extended), which
// gives a different MRTD than mainline KVM's page-by-page order.
func MRTD(regions []Region, twoPass bool) ([]byte, error) {
	var m Tdx_mrtd
	if err := Tdx_mrtd_new(&m); err != nil {
		return nil, err
	}
	defer Tdx_mrtd_free(m)
	for _, r := range regions {
		pages := r.Pages
		if pages == 0 {
			pages = (uint64(len(r.Data)) + PageSize - 1) / PageSize
		}
		var flags uint
		data := r.Data
		if r.Extend {
			flags = TDX_MEASURE_EXTEND
			if twoPass {
				flags |= TDX_MEASURE_TWO_PASS
			}
		} else {
			data = nil // only the pages are measured
		}
		if err := Tdx_mrtd_add_region(m, r.GPA, pages, data, flags); err != nil {
			return nil, err
		}
	}
	mrtd := make([]byte, DigestSize)
	if err := Tdx_mrtd_finalize(m, mrtd); err != nil {
		return nil, err
	}
	return mrtd, nil
}

// MeasureTDVF predicts the MRTD of a TD booted from the TDX firmware image
// (TDVF/OVMF or td-shim) at path.
func MeasureTDVF(path string, twoPass bool) ([]byte, error) {
	var flags uint
	if twoPass {
		flags = TDX_MEASURE_TWO_PASS
	}
	mrtd := make([]byte, DigestSize)
	if err := Tdx_measure_tdvf(path, flags, mrtd); err != nil {
		return nil, err
	}
	return mrtd, nil
}

// ExtendRTMR computes what TDG.MR.RTMR.EXTEND makes of rtmr:
// SHA-384(rtmr || digest), both 48 bytes.
func ExtendRTMR(rtmr, digest []byte) ([]byte, error) {
	if len(rtmr) != DigestSize {
		return nil, &Error{Code: CodeInvalid, Layer: LayerLibrary,
			Message: "ExtendRTMR: rtmr must be 48 bytes"}
	}
	// The C function extends in place; keep the caller's slice intact.
	out := append([]byte(nil), rtmr...)
	if err := Tdx_measure_rtmr_extend(out, digest); err != nil {
		return nil, err
	}
	return out, nil
}
