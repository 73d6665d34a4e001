// SPDX-License-Identifier: MIT

package tdx

// Event is one event of a CC event log (after the spec-ID event).
type Event struct {
	MRIndex    uint32 // CCEL MR index: 1..4 is RTMR0..3
	EventType  uint32 // EV_* (TCG PC client / UEFI)
	SHA384     []byte // the SHA-384 digest, nil when the event has none
	DataOffset uint64 // of the event data, into the parsed log
	Data       []byte // the event data (a copy)
}

// EventLog is a parsed CC event log (CCEL: what
// /sys/firmware/acpi/tables/data/CCEL holds).  It is a copy, independent
// of the library.
type EventLog struct {
	raw    []byte
	events []Event
}

// ParseEventLog parses a CCEL log area; 0xFF or 0x00 padding after the
// last event ends it.  A malformed log fails with CodeInvalid, naming the
// offset and field.
func ParseEventLog(b []byte) (*EventLog, error) {
	var h Tdx_eventlog
	if err := Tdx_eventlog_parse(&h, b); err != nil {
		return nil, err
	}
	defer Tdx_eventlog_free(h)
	n := Tdx_eventlog_count(h)
	l := &EventLog{raw: clone(b), events: make([]Event, 0, n)}
	e := NewTdx_event()
	defer DeleteTdx_event(e)
	for i := int64(0); i < n; i++ {
		if err := Tdx_eventlog_event(h, i, e); err != nil {
			return nil, err
		}
		ev := Event{MRIndex: uint32(e.GetMr_index()), EventType: uint32(e.GetEvent_type()),
			DataOffset: e.GetData_offset()}
		if e.GetHas_sha384() != 0 {
			ev.SHA384 = e.GetSha384()
		}
		ev.Data = clone(b[ev.DataOffset : ev.DataOffset+uint64(e.GetData_size())])
		l.events = append(l.events, ev)
	}
	return l, nil
}

// Events returns the events after the spec-ID event.
func (l *EventLog) Events() []Event { return l.events }

func (l *EventLog) with(f func(h Tdx_eventlog) error) error {
	var h Tdx_eventlog
	if err := Tdx_eventlog_parse(&h, l.raw); err != nil {
		return err
	}
	defer Tdx_eventlog_free(h)
	return f(h)
}

// Replay returns the RTMRs the log replays to: RTMR0..3, 48 bytes each.
func (l *EventLog) Replay() ([4][]byte, error) {
	var out [4][]byte
	r := make([]byte, 4*48)
	if err := l.with(func(h Tdx_eventlog) error { return Tdx_eventlog_replay(h, r) }); err != nil {
		return out, err
	}
	for i := range out {
		out[i] = r[i*48 : (i+1)*48]
	}
	return out, nil
}

// Check compares the replay with RTMR0..3 (from a Report or Quote).  It
// returns nil when all four match; else an error with CodeVerify naming
// each differing register with both values, and mismatch (bit i: RTMR i
// differs).
func (l *EventLog) Check(rtmr [4][]byte) (mismatch uint32, err error) {
	b := make([]byte, 0, 4*48)
	for _, r := range rtmr {
		if len(r) != 48 {
			b = nil // the library refuses the length and says why
			break
		}
		b = append(b, r...)
	}
	m := []uint32{0}
	err = l.with(func(h Tdx_eventlog) error { return Tdx_eventlog_check(h, b, m) })
	return m[0], err
}

// MarshalJSON returns the library's JSON form of the log (see
// tdx_eventlog_to_json).
func (l *EventLog) MarshalJSON() ([]byte, error) {
	var out []byte
	err := l.with(func(h Tdx_eventlog) error {
		var err error
		out, err = toJSON(func(buf []byte, n []uint64) error {
			return Tdx_eventlog_to_json(h, buf, n)
		})
		return err
	})
	return out, err
}
