#!/usr/bin/env bash
# smoke.sh TOOL: mount tdx-fakefs (the fake Linux TDX guest kernel) on a
# temporary directory and check its files with plain shell tools and a
# little python3.  Exit 0: pass; 1: fail; 77: skipped (no FUSE here).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 TOOL" >&2; exit 2; }
TOOL=$(realpath "$1")
[ -x "$TOOL" ] || { echo "smoke: $TOOL is not executable" >&2; exit 2; }
if [ ! -c /dev/fuse ]; then
	echo "smoke: SKIP: /dev/fuse is absent" >&2
	exit 77
fi
command -v python3 >/dev/null || { echo "smoke: SKIP: no python3" >&2; exit 77; }

WORK=$(mktemp -d)
MNT=$WORK/mnt
mkdir "$MNT"
PID=

unmount() {
	if [ -n "$PID" ]; then
		fusermount3 -u "$MNT" 2>/dev/null || umount "$MNT" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}
cleanup() {
	unmount
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
ok() { echo "smoke: ok: $*"; }

# mount [TOOL OPTIONS...]: start the tool in the background, wait for EMULATED.
mount_fs() {
	unmount
	"$TOOL" "$MNT" "$@" >"$WORK/log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		[ -e "$MNT/EMULATED" ] && return 0
		if ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID" 2>/dev/null || true
			PID=
			if grep -qiE "operation not permitted|EPERM|permission denied" "$WORK/log"; then
				echo "smoke: SKIP: cannot mount FUSE here:" >&2
				cat "$WORK/log" >&2
				exit 77
			fi
			cat "$WORK/log" >&2
			fail "tdx-fakefs exited before mounting"
		fi
		sleep 0.1
	done
	cat "$WORK/log" >&2
	fail "EMULATED did not appear within 10 s"
}

REPORT=$MNT/sys/kernel/config/tsm/report
MEAS=$MNT/sys/devices/virtual/misc/tdx_guest/measurements

# ---- default mount ----
mount_fs
grep -q "EMULATED" "$MNT/EMULATED" || fail "EMULATED notice"
grep -q "EMULATED" "$WORK/log" || fail "notice on stderr"
ls -R "$MNT" >/dev/null || fail "ls -R"
[ ! -e "$MNT/nonexistent" ] || fail "unknown path exists"
ok "mounted, EMULATED, ls -R"

# TDX_CMD_GET_REPORT0 on dev/tdx_guest
python3 - "$MNT/dev/tdx_guest" <<'PY' || fail "report ioctl"
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
data = bytes((i * 7 + 3) & 0xff for i in range(64))
buf = bytearray(64 + 1024)
buf[:64] = data
fcntl.ioctl(fd, 0xC4405401, buf, True)
report = bytes(buf[64:])
assert len(report) == 1024
assert report[0] == 0x81, hex(report[0])
assert report[128:192] == data, "report data not echoed"
try:
    fcntl.ioctl(fd, 0xC4405402, bytearray(1088), True)
    raise SystemExit("unknown ioctl accepted")
except OSError as e:
    import errno
    assert e.errno == errno.ENOTTY, e
os.close(fd)
PY
ok "report ioctl"

# configfs-tsm
mkdir "$REPORT/e1"
[ "$(cat "$REPORT/e1/provider")" = tdx_guest ] || fail "provider"
[ "$(cat "$REPORT/e1/generation")" = 0 ] || fail "generation before inblob"
if cat "$REPORT/e1/outblob" >/dev/null 2>&1; then fail "outblob without inblob"; fi
if head -c 63 /dev/zero >"$REPORT/e1/inblob" 2>/dev/null; then fail "63-byte inblob accepted"; fi
head -c 64 /dev/urandom >"$WORK/inblob"
cat "$WORK/inblob" >"$REPORT/e1/inblob"
[ "$(cat "$REPORT/e1/generation")" = 1 ] || fail "generation after inblob"
cat "$REPORT/e1/outblob" >"$WORK/quote"
python3 - "$WORK/quote" "$WORK/inblob" <<'PY' || fail "quote"
import sys
q = open(sys.argv[1], "rb").read()
d = open(sys.argv[2], "rb").read()
assert len(q) > 1000, len(q)
assert q[0:2] == b"\x05\x00", q[0:2].hex()
assert q[54 + 520:54 + 520 + 64] == d, "inblob not the quote's report data"
PY
# a second entry does not disturb the first
mkdir "$REPORT/e2"
[ "$(cat "$REPORT/e2/generation")" = 0 ] || fail "entries not independent"
head -c 64 /dev/zero >"$REPORT/e2/inblob"
[ "$(cat "$REPORT/e1/generation")" = 1 ] || fail "entries not independent"
# (through a pipe: cmp compares st_size first, and outblob says 0, as configfs)
cat "$REPORT/e1/outblob" | cmp -s "$WORK/quote" - || fail "e1's quote changed by e2"
# one open read in small chunks gives the whole quote
python3 - "$REPORT/e1/outblob" "$WORK/quote" <<'PY' || fail "chunked outblob read"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
out = b""
while True:
    b = os.read(fd, 100)
    if not b:
        break
    out += b
assert out == open(sys.argv[2], "rb").read()
PY
rmdir "$REPORT/e1" "$REPORT/e2"
[ ! -e "$REPORT/e1" ] || fail "rmdir"
ok "configfs-tsm report"

# RTMR extend
python3 - "$MEAS/rtmr2:sha384" <<'PY' || fail "rtmr extend"
import hashlib, os, sys
p = sys.argv[1]
old = open(p, "rb").read()
assert len(old) == 48, len(old)
d = hashlib.sha384(b"tdx-fakefs smoke").digest()
fd = os.open(p, os.O_WRONLY)
assert os.write(fd, d) == 48
try:
    os.write(fd, d[:47])
    raise SystemExit("47-byte extend accepted")
except OSError:
    pass
os.close(fd)
new = open(p, "rb").read()
assert new == hashlib.sha384(old + d).digest(), "RTMR != SHA384(old || d)"
PY
[ "$(stat -c %s "$MEAS/mrtd:sha384")" = 48 ] || fail "mrtd size"
[ "$(head -c 48 "$MEAS/mrtd:sha384" | wc -c)" = 48 ] || fail "mrtd read"
ok "measurements"

# ---- faults ----
mount_fs --fault empty-outblob
mkdir "$REPORT/x"
head -c 64 /dev/zero >"$REPORT/x/inblob"
[ "$(cat "$REPORT/x/outblob" | wc -c)" = 0 ] || fail "empty-outblob"
ok "fault empty-outblob"

mount_fs --fault provider=sev_guest
mkdir "$REPORT/x"
[ "$(cat "$REPORT/x/provider")" = sev_guest ] || fail "provider=sev_guest"
ok "fault provider=sev_guest"

mount_fs --fault no-measurements --fault no-device --fault no-configfs
[ ! -e "$MEAS" ] && [ ! -e "$MEAS/rtmr0:sha384" ] || fail "no-measurements"
[ ! -e "$MNT/dev/tdx_guest" ] || fail "no-device"
[ ! -e "$MNT/sys/kernel/config/tsm" ] || fail "no-configfs"
ls -R "$MNT" >/dev/null || fail "ls -R with faults"
ok "faults no-measurements, no-device, no-configfs"

mount_fs --fault generation-bump
mkdir "$REPORT/x"
head -c 64 /dev/zero >"$REPORT/x/inblob"
cat "$REPORT/x/outblob" >/dev/null
[ "$(cat "$REPORT/x/generation")" -ge 2 ] || fail "generation-bump"
ok "fault generation-bump"

# ---- clean shutdown saves the emulator's state ----
mount_fs --emu "state=$WORK/td.state"
head -c 48 /dev/zero >"$MEAS/rtmr0:sha384"
cat "$MEAS/rtmr0:sha384" >"$WORK/rtmr0"
fusermount3 -u "$MNT"
wait "$PID" || fail "tdx-fakefs exited with $? on unmount"
PID=
[ -s "$WORK/td.state" ] || fail "state not saved on unmount"
mount_fs --emu "state=$WORK/td.state"
cat "$MEAS/rtmr0:sha384" | cmp -s "$WORK/rtmr0" - || fail "RTMR not kept across unmount"
ok "clean shutdown"

# ---- an extend acknowledged before SIGKILL survives it ----
head -c 48 /dev/urandom >"$WORK/d1"
head -c 48 /dev/urandom >"$WORK/d2"
mount_fs --emu "state=$WORK/td.state"
cat "$WORK/d1" >"$MEAS/rtmr1:sha384"
cat "$WORK/d2" >"$MEAS/rtmr1:sha384"
cat "$MEAS/rtmr1:sha384" >"$WORK/rtmr1"
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
PID=
fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
mount_fs --emu "state=$WORK/td.state"
cat "$MEAS/rtmr1:sha384" | cmp -s "$WORK/rtmr1" - || fail "an acknowledged extend was lost to SIGKILL"
[ "$(stat -c %a "$WORK/td.state")" = 600 ] || fail "the state file is not 0600"
ok "extends survive SIGKILL; state file 0600"

# ---- CCEL ----
head -c 56 /dev/urandom >"$WORK/ccel.tbl"
head -c 5000 /dev/urandom >"$WORK/ccel.log"
mount_fs --ccel-table "$WORK/ccel.tbl" --ccel-log "$WORK/ccel.log"
cat "$MNT/sys/firmware/acpi/tables/CCEL" | cmp "$WORK/ccel.tbl" - || fail "CCEL table"
cat "$MNT/sys/firmware/acpi/tables/data/CCEL" | cmp "$WORK/ccel.log" - || fail "CCEL log"
ok "CCEL"

unmount
echo "smoke: PASS"
