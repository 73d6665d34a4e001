// SPDX-License-Identifier: MIT

package tdx

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// testEventLog: a SHA-384-only spec-ID event, then events on MR index 1
// (0x11..), an EV_NO_ACTION (not extended) and MR index 3 (0x22..).
func testEventLog() []byte {
	le := binary.LittleEndian
	spec := append([]byte("Spec ID Event03\x00"), 0, 0, 0, 0, 0, 2, 0, 2)
	spec = le.AppendUint32(spec, 1)
	spec = append(spec, 0x0c, 0, 48, 0, 0)
	b := le.AppendUint32(nil, 0)
	b = le.AppendUint32(b, 3)
	b = append(b, make([]byte, 20)...)
	b = le.AppendUint32(b, uint32(len(spec)))
	b = append(b, spec...)
	for _, ev := range []struct {
		mr, typ uint32
		fill    byte
		data    string
	}{{1, 0x80000008, 0x11, "fw"}, {1, 3, 0x99, "skip"}, {3, 0x0d, 0x22, "ipl"}} {
		b = le.AppendUint32(b, ev.mr)
		b = le.AppendUint32(b, ev.typ)
		b = le.AppendUint32(b, 1)
		b = append(b, 0x0c, 0)
		b = append(b, bytes.Repeat([]byte{ev.fill}, 48)...)
		b = le.AppendUint32(b, uint32(len(ev.data)))
		b = append(b, ev.data...)
	}
	return append(b, bytes.Repeat([]byte{0xff}, 64)...)
}

func extend48(fill byte) []byte {
	h := sha512.New384()
	h.Write(make([]byte, 48))
	h.Write(bytes.Repeat([]byte{fill}, 48))
	return h.Sum(nil)
}

func TestEventLog(t *testing.T) {
	l, err := ParseEventLog(testEventLog())
	if err != nil {
		t.Fatal(err)
	}
	ev := l.Events()
	if len(ev) != 3 || ev[2].MRIndex != 3 || ev[2].EventType != 0x0d || string(ev[2].Data) != "ipl" ||
		!bytes.Equal(ev[2].SHA384, bytes.Repeat([]byte{0x22}, 48)) {
		t.Fatalf("events: %+v", ev)
	}
	want := [4][]byte{extend48(0x11), make([]byte, 48), extend48(0x22), make([]byte, 48)}
	got, err := l.Replay()
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("RTMR%d = %x, want %x", i, got[i], want[i])
		}
	}
	if m, err := l.Check(want); err != nil || m != 0 {
		t.Errorf("Check(replay) = %d, %v", m, err)
	}
	bad := want
	bad[1] = bytes.Repeat([]byte{1}, 48)
	m, err := l.Check(bad)
	if !errors.Is(err, ErrVerify) || m != 0x2 {
		t.Errorf("Check(bad) = %d, %v; want 2, ErrVerify", m, err)
	}
	bad[1] = nil
	if _, err := l.Check(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Check(short) = %v; want ErrInvalid", err)
	}
	js, err := l.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Events []map[string]any `json:"events"`
		RTMR   []string         `json:"rtmr"`
	}
	if err := json.Unmarshal(js, &d); err != nil || len(d.Events) != 3 || len(d.RTMR) != 4 {
		t.Errorf("JSON %s: %v", js, err)
	}
	if _, err := ParseEventLog(testEventLog()[:100]); !errors.Is(err, ErrInvalid) {
		t.Errorf("truncated log: %v; want ErrInvalid", err)
	}
}

// The go-tdx-guest COS-113 log replays to its paired quote's RTMRs.
func TestEventLogCOS113(t *testing.T) {
	dir := os.Getenv("TDX_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "vectors")
	}
	lb, err1 := os.ReadFile(filepath.Join(dir, "go-tdx-guest_ccel_event_log_cos113.bin"))
	qb, err2 := os.ReadFile(filepath.Join(dir, "go-tdx-guest_quote_v4_cos113_matching_ccel.bin"))
	if err1 != nil || err2 != nil {
		t.Skipf("the CCEL vectors are not in %s", dir)
	}
	l, err := ParseEventLog(lb)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseQuote(qb)
	if err != nil {
		t.Fatal(err)
	}
	var rtmr [4][]byte
	for i := range rtmr {
		rtmr[i] = q.RTMR(i)
	}
	if m, err := l.Check(rtmr); err != nil || m != 0 || len(l.Events()) != 43 {
		t.Errorf("Check = %d, %v (%d events)", m, err, len(l.Events()))
	}
}
