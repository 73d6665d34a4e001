#!/usr/bin/env bash
# test_measure.sh TDX: `tdx measure` against host.md §3.5's synthetic vectors,
# a TDVF image built here (its MRTD computed independently with Python's
# hashlib), JSON output and failures.
set -euo pipefail
tdx=$1
fails=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mrtd_is() { # mrtd_is EXPECTED ARGS...: `tdx measure ARGS` prints mrtd: EXPECTED
	local want=$1
	shift
	[ "$("$tdx" measure "$@")" = "mrtd: $want" ]
}

python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
open(f"{d}/two_pages.bin", "wb").write(bytes((7 * i) & 0xFF for i in range(8192)))
open(f"{d}/zero_page.bin", "wb").write(bytes(4096))
open(f"{d}/pattern_page.bin", "wb").write(bytes(i & 0xFF for i in range(4096)))
open(f"{d}/one_byte.bin", "wb").write(b"\x5a")
open(f"{d}/zero_byte.bin", "wb").write(b"\0")
open(f"{d}/empty.bin", "wb").write(b"")
PY

# host.md §3.5
check "one PAGE.ADD at GPA 0" mrtd_is \
	8f3e9a8aca6784eab874f7aa4dda5d49104a88047f1f86695ef2a88f5691a90e34aac48ce45ffa1f5a23c7d62980d570 \
	--region "0x0:$tmp/one_byte.bin"
check "zero page at 0xFFFFF000, extended" mrtd_is \
	07f08f558c5e2593b33452cf00c12a165c07b027a36424ecfa15ebf39b5415e0ed62418458e4bfd77f16fec0f1568dc9 \
	--region "0xFFFFF000:$tmp/zero_page.bin:extend"
check "a short file is zero-extended to its page" mrtd_is \
	07f08f558c5e2593b33452cf00c12a165c07b027a36424ecfa15ebf39b5415e0ed62418458e4bfd77f16fec0f1568dc9 \
	--region "0xfffff000:$tmp/zero_byte.bin:extend"
check "pattern page at 0xFFFFF000, extended" mrtd_is \
	cd9d793217c8e5918ad18eca449ba10dcfc5faafc19ceeae46b925d054f3b68f85127312438aeba5bc187d9dc73a20fa \
	--region "0xFFFFF000:$tmp/pattern_page.bin:extend"
check "two pages at 0x800000, single pass" mrtd_is \
	22e6ba8936e6dc4a4e544ac1b4a9ee2734f20c5e73a9080f72a3a6d6bad356a11f9adacd3b7b16d004a08402093a03ad \
	--region "0x800000:$tmp/two_pages.bin:extend"
check "two pages at 0x800000, two pass" mrtd_is \
	888990f91e52e88cb63bce5af0dd8cdeba6751daa71fd6bb219be6e83592c9eab803d48cacb1e9aee1fbd5ddf8bec660 \
	--region "0x800000:$tmp/two_pages.bin:extend" --two-pass
check "a decimal GPA" mrtd_is \
	22e6ba8936e6dc4a4e544ac1b4a9ee2734f20c5e73a9080f72a3a6d6bad356a11f9adacd3b7b16d004a08402093a03ad \
	--region "8388608:$tmp/two_pages.bin:extend"

# Several regions, JSON, checked against hashlib on the block format.
json=$("$tdx" --json measure --region "0x800000:$tmp/two_pages.bin:extend" \
	--region "0x0:$tmp/one_byte.bin" --two-pass)
check "regions --json" python3 - "$json" "$tmp" <<'PY'
import hashlib, json, struct, sys
d = json.loads(sys.argv[1])
def blk(name, gpa):
    return name.ljust(16, b"\0") + struct.pack("<Q", gpa) + bytes(104)
data = open(sys.argv[2] + "/two_pages.bin", "rb").read()
h = hashlib.sha384()
for p in range(2):
    h.update(blk(b"MEM.PAGE.ADD", 0x800000 + 4096 * p))
for off in range(0, 8192, 256):
    h.update(blk(b"MR.EXTEND", 0x800000 + off) + data[off:off + 256])
h.update(blk(b"MEM.PAGE.ADD", 0))
assert d["mrtd"] == h.hexdigest(), d
assert d["order"] == "two-pass", d
r = d["regions"]
assert [x["gpa"] for x in r] == ["0x800000", "0x0"], r
assert [x["pages"] for x in r] == [2, 1] and [x["bytes"] for x in r] == [8192, 1], r
assert [x["extend"] for x in r] == [True, False], r
PY

# A TDVF image (OVMF footer table), measured by the tool and by hashlib.
python3 - "$tmp" <<'PY'
import struct, sys, uuid
d = sys.argv[1]
size = 0x10000
img = bytearray((i * 31 + 7) & 0xFF for i in range(size))
secs = [  # off, raw, addr, memsize, type, attr
    (0x8000, 0x8000, 0xFFFF7000, 0x9000, 0, 1),  # BFV, extended, zero tail
    (0x0, 0x4000, 0xFFC00000, 0x4000, 1, 0),     # CFV
    (0, 0, 0x809000, 0x1000, 2, 0),              # TD_HOB
    (0, 0, 0x800000, 0x9000, 3, 0),              # TempMem
]
meta = 0xE000
img[meta:meta + 16] = uuid.UUID("e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae").bytes_le
img[meta + 16:meta + 32] = struct.pack("<4sIII", b"TDVF", 16 + 32 * len(secs), 1, len(secs))
for i, s in enumerate(secs):
    img[meta + 32 + 32 * i:meta + 64 + 32 * i] = struct.pack("<IIQQII", *s)
entry = struct.pack("<IH", size - (meta + 16), 22) + \
    uuid.UUID("e47a6535-984a-4798-865e-4685a7bf8ec2").bytes_le
table = entry + struct.pack("<H", len(entry) + 18) + \
    uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d").bytes_le
img[size - 32 - len(table):size - 32] = table
img[size - 32:] = bytes(32)
open(f"{d}/fw.fd", "wb").write(img)

import hashlib
def blk(name, gpa):
    return name.ljust(16, b"\0") + struct.pack("<Q", gpa) + bytes(104)
def mrtd(two_pass):
    h = hashlib.sha384()
    for off, raw, addr, msize, typ, attr in secs:
        content = bytes(img[off:off + raw]) + bytes(msize - raw)
        pages = range(0, msize, 4096)
        ext = lambda p: b"".join(blk(b"MR.EXTEND", addr + p + c) + content[p + c:p + c + 256]
                                 for c in range(0, 4096, 256))
        if attr & 1 and two_pass:
            h.update(b"".join(blk(b"MEM.PAGE.ADD", addr + p) for p in pages))
            h.update(b"".join(ext(p) for p in pages))
        else:
            for p in pages:
                h.update(blk(b"MEM.PAGE.ADD", addr + p) + (ext(p) if attr & 1 else b""))
    return h.hexdigest()
open(f"{d}/fw.single", "w").write(mrtd(False))
open(f"{d}/fw.two", "w").write(mrtd(True))
PY
check "--tdvf, single pass" mrtd_is "$(cat "$tmp/fw.single")" --tdvf "$tmp/fw.fd"
check "--tdvf, two pass" mrtd_is "$(cat "$tmp/fw.two")" --tdvf "$tmp/fw.fd" --two-pass
check "--tdvf --json lists the sections" python3 - "$("$tdx" --json measure --tdvf "$tmp/fw.fd")" \
	"$(cat "$tmp/fw.single")" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["mrtd"] == sys.argv[2] and d["order"] == "single-pass", d
s = d["sections"]
assert [x["type"] for x in s] == ["BFV", "CFV", "TD_HOB", "TEMP_MEM"], s
assert s[0]["memory_address"] == "0xffff7000", s
assert s[0]["memory_data_size"] == 0x9000 and s[0]["raw_data_size"] == 0x8000, s
assert s[0]["mr_extend"] and not s[1]["mr_extend"], s
assert [x["mrtd"] for x in s] == ["pages+content", "pages", "pages", "pages"], s
PY

# Failures: exit 2 for usage, 1 with the library's message otherwise.
fails_with() { # fails_with RC PATTERN ARGS...
	local want=$1 pattern=$2 rc=0
	shift 2
	"$tdx" measure "$@" >/dev/null 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$tmp/err"
}
check "misaligned GPA" fails_with 1 "0x800800 is not 4 KiB aligned" \
	--region "0x800800:$tmp/two_pages.bin"
check "bad GPA" fails_with 2 "GPA 'x12' is not a number" --region "x12:$tmp/two_pages.bin"
check "region without FILE" fails_with 2 "is not GPA:FILE" --region "0x1000"
check "missing file" fails_with 1 "cannot open $tmp/none" --region "0x1000:$tmp/none"
check "empty file" fails_with 1 "is empty" --region "0x1000:$tmp/empty.bin"
check "nothing to measure" fails_with 2 "nothing to measure"
check "--tdvf and --region" fails_with 2 "not both" --tdvf "$tmp/fw.fd" --region "0:$tmp/one_byte.bin"
check "unknown option" fails_with 2 "unexpected argument '--frob'" --frob
check "not a firmware image" fails_with 1 "no TDX metadata" --tdvf "$tmp/two_pages.bin"
check "missing image" fails_with 1 "cannot open the firmware image" --tdvf "$tmp/none.fd"
check "measure --help" grep -q "usage: tdx \[--json\] measure" <<<"$("$tdx" measure --help)"
check "--help lists measure" grep -q "measure" <<<"$("$tdx" --help)"

# A large image is read in chunks, not held: 256 MiB measured (extended,
# both orders) with a peak RSS under 64 MiB, and the same MRTD as Python's
# one-shot computation would give is checked on the small vectors above.
# (Not under ASan, whose shadow memory is not the tool's.)
if ! ldd "$tdx" 2>/dev/null | grep -q asan; then
	truncate -s 256M "$tmp/big.bin"
	peak_rss_kib() {
		python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
	}
	for order in "" --two-pass; do
		rss=$(peak_rss_kib "$tdx" measure --region "0x0:$tmp/big.bin:extend" $order)
		check "256 MiB ${order:-single-pass}: peak RSS ${rss} KiB < 64 MiB" [ "$rss" -lt 65536 ]
	done
fi

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "all measure CLI checks passed"
