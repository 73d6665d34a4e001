/* SPDX-License-Identifier: MIT */
/*
 * TDVF metadata (TDX OVMF and td-shim firmware images) and the MRTD a TD
 * launched from such an image gets (../shared/reference/host.md §2.2, §3.1).
 *
 * Where the metadata is:
 *  - OVMF GUIDed footer table: its footer GUID occupies [size-48, size-32),
 *    the u16 before it is the table's total length (entries + the 18-byte
 *    footer).  Entries are walked backwards from the footer, each
 *    [data][u16 entry length incl. 18-byte trailer][GUID].  The TDX metadata
 *    offset entry's u32 gives the descriptor's distance from the image end.
 *  - td-shim's legacy location: the u32 at size-0x20 is the descriptor's
 *    offset from the image start, preceded by the 16-byte TDX metadata GUID.
 *
 * Every read goes through image_read(), which checks bounds against the
 * image size, so any input is safe to parse (see fuzz/fuzz_tdvf.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hexjson.h"
#include "internal.h"

#define PAGE_SIZE TDX_MEASURE_PAGE_SIZE
#define CHUNK_SIZE TDX_MEASURE_CHUNK_SIZE
#define GUID_SIZE 16

#define FOOTER_GUID_FROM_END 48   /* the footer GUID: [size-48, size-32) */
#define TABLE_TRAILER (2 + GUID_SIZE) /* u16 length + GUID, per entry and footer */
#define LEGACY_OFFSET_FROM_END 0x20 /* td-shim: u32 descriptor offset */

#define TDVF_SIGNATURE 0x46564454u /* "TDVF" */
#define TDVF_VERSION 1
#define DESC_SIZE 16
#define SECTION_SIZE 32
/*
 * NumberOfSectionEntries: at least 1.  QEMU requires >= 2 (OVMF always
 * has BFV, CFV, TD_HOB and TempMem), but td-shim's own parser accepts any
 * non-zero count and minimal td-shim layouts need fewer; a single valid
 * section still describes a well-defined MRTD, so we accept it.  At most
 * 65535: td-shim's builder asserts that bound, and it caps what a crafted
 * image can make us allocate (65535 x 32 bytes).
 */
#define MIN_SECTIONS 1
#define MAX_SECTIONS 65535
#define TYPE_MAX TDX_TDVF_SECTION_TD_PARAMS
#define ATTR_KNOWN (TDX_TDVF_ATTR_MR_EXTEND | TDX_TDVF_ATTR_PAGE_AUG)
/* tdx_measure_tdvf streams section content through this many bytes. */
#define STREAM_SIZE (256 * 1024)

/* GUIDs in their on-disk (UEFI little-endian) byte order. */
static const uint8_t OVMF_TABLE_FOOTER_GUID[GUID_SIZE] = { /* 96b582de-1fb2-45f7-baea-a366c55a082d */
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d,
};
static const uint8_t TDX_METADATA_OFFSET_GUID[GUID_SIZE] = { /* e47a6535-984a-4798-865e-4685a7bf8ec2 */
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2,
};
static const uint8_t TDX_METADATA_GUID[GUID_SIZE] = { /* e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae */
	0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
	0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae,
};

static const char *const TYPE_NAMES[TYPE_MAX + 1] = {
	"BFV", "CFV", "TD_HOB", "TEMP_MEM", "PERM_MEM", "PAYLOAD", "PAYLOAD_PARAM",
	"TD_INFO", "TD_PARAMS",
};

typedef struct section {
	uint32_t data_offset;
	uint32_t raw_data_size;
	uint64_t memory_address;
	uint64_t memory_data_size;
	uint32_t type;
	uint32_t attributes;
} section;

struct tdx_tdvf {
	uint64_t image_size;
	uint64_t metadata_offset; /* of the descriptor */
	size_t count;
	section sections[];
};

/* The image being parsed: a caller's buffer or a file (fd). */
typedef struct image {
	const uint8_t *buf;
	int fd;
	uint64_t size;
	const char *path;  /* NULL for a buffer */
	const char *where; /* the public function, for messages */
} image;

/* A validity error: TDX_E_INVALID naming the image (if a file). */
__attribute__((format(printf, 2, 3)))
static int bad(const image *im, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, im->where,
			      "%s%s%s; pass an unmodified TDX firmware image (OVMF built for TDX, "
			      "or td-shim)", im->path ? im->path : "", im->path ? ": " : "", msg);
}

/* Read n bytes at off; fails (never reads) outside the image. */
static int image_read(const image *im, uint64_t off, void *dst, size_t n)
{
	uint8_t *p = dst;

	if (off > im->size || n > im->size - off)
		return bad(im, "read of %zu bytes at offset 0x%llx is outside the image (%llu bytes)",
			   n, (unsigned long long)off, (unsigned long long)im->size);
	if (im->buf) {
		if (n)
			memcpy(p, im->buf + off, n);
		return TDX_OK;
	}
	while (n) {
		ssize_t r = pread(im->fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			return tdx__error_set(tdx__errno_code(err), TDX_LAYER_OS, 0, err, im->where,
					      "cannot read %s at offset 0x%llx: %s", im->path,
					      (unsigned long long)off, strerror(err));
		}
		if (r == 0)
			return tdx__error_set(TDX_E_OS, TDX_LAYER_OS, 0, 0, im->where,
					      "%s ended at offset 0x%llx while being read: the file "
					      "changed; do not modify it while it is measured",
					      im->path, (unsigned long long)off);
		p += r;
		off += (uint64_t)r;
		n -= (size_t)r;
	}
	return TDX_OK;
}

/*
 * The TDX metadata offset entry of the OVMF footer table, if the image has
 * the table.  *found: 0 no footer table, 1 table without the entry, 2 the
 * descriptor offset is in *desc_off.
 */
static int find_in_footer_table(const image *im, int *found, uint64_t *desc_off)
{
	uint8_t guid[GUID_SIZE], lenb[2], *table;
	uint64_t footer, table_start;
	unsigned total;
	size_t pos, tot;
	int rc;

	*found = 0;
	if (im->size < FOOTER_GUID_FROM_END + 2)
		return TDX_OK;
	footer = im->size - FOOTER_GUID_FROM_END;
	if ((rc = image_read(im, footer, guid, GUID_SIZE)))
		return rc;
	if (memcmp(guid, OVMF_TABLE_FOOTER_GUID, GUID_SIZE))
		return TDX_OK;
	*found = 1;
	if ((rc = image_read(im, footer - 2, lenb, 2)))
		return rc;
	total = tdx__le16(lenb);
	/* QEMU pc_sysfw_ovmf.c: the entries' length, total minus the footer,
	 * must be >= 0 and must fit before the footer. */
	if (total < TABLE_TRAILER)
		return bad(im, "OVMF footer table length %u (u16 at offset 0x%llx) is less than "
			   "%d, the size of the table's own footer", total,
			   (unsigned long long)(footer - 2), TABLE_TRAILER);
	tot = total - TABLE_TRAILER;
	if (tot > footer - 2)
		return bad(im, "OVMF footer table length %u (u16 at offset 0x%llx) reaches before "
			   "the start of the image (%llu bytes)", total,
			   (unsigned long long)(footer - 2), (unsigned long long)im->size);
	table_start = footer - 2 - tot;
	table = malloc(tot ? tot : 1);
	if (!table)
		return tdx__error_set(TDX_E_NOMEM, TDX_LAYER_LIBRARY, 0, 0, im->where,
				      "out of memory reading the OVMF footer table");
	if ((rc = image_read(im, table_start, table, tot))) {
		free(table);
		return rc;
	}
	/* Walk backwards from the footer: [data][u16 length][GUID]. */
	for (pos = tot; pos >= TABLE_TRAILER;) {
		unsigned elen = tdx__le16(table + pos - TABLE_TRAILER);
		uint64_t at = table_start + pos - TABLE_TRAILER; /* the length's offset */

		if (elen < TABLE_TRAILER || elen > pos) {
			rc = bad(im, "OVMF footer table entry length %u (u16 at offset 0x%llx) is %s",
				 elen, (unsigned long long)at,
				 elen < TABLE_TRAILER ? "less than the entry's 18-byte trailer"
						      : "longer than the rest of the table");
			free(table);
			return rc;
		}
		if (!memcmp(table + pos - GUID_SIZE, TDX_METADATA_OFFSET_GUID, GUID_SIZE)) {
			size_t dlen = elen - TABLE_TRAILER;
			const uint8_t *data = table + pos - elen;
			uint32_t off;

			if (dlen < 4) {
				rc = bad(im, "the TDX metadata offset entry (offset 0x%llx) has %zu "
					 "data bytes, too few for its u32 offset",
					 (unsigned long long)(table_start + pos - elen), dlen);
				free(table);
				return rc;
			}
			/* QEMU (tdvf.c) reads the u32 at the start of the entry's data;
			 * OVMF's entry holds exactly that u32. */
			off = tdx__le32(data);
			free(table);
			if (off < DESC_SIZE || off > im->size)
				return bad(im, "TDX metadata offset %u (from the image end; u32 at "
					   "offset 0x%llx) does not leave room for the %d-byte "
					   "descriptor inside the image (%llu bytes)", off,
					   (unsigned long long)(table_start + pos - elen), DESC_SIZE,
					   (unsigned long long)im->size);
			*desc_off = im->size - off;
			*found = 2;
			return TDX_OK;
		}
		pos -= elen;
	}
	free(table);
	return TDX_OK;
}

/* Where the descriptor is: the footer table, else td-shim's location. */
static int find_metadata(const image *im, uint64_t *desc_off)
{
	uint8_t b[4], guid[GUID_SIZE];
	uint64_t legacy_at;
	uint32_t legacy = 0;
	int found, rc;

	if (im->size < LEGACY_OFFSET_FROM_END + 4)
		return bad(im, "the image is %llu bytes, too small to hold TDX metadata",
			   (unsigned long long)im->size);
	if ((rc = find_in_footer_table(im, &found, desc_off)))
		return rc;
	if (found == 2)
		return TDX_OK;
	legacy_at = im->size - LEGACY_OFFSET_FROM_END;
	if ((rc = image_read(im, legacy_at, b, 4)))
		return rc;
	legacy = tdx__le32(b);
	if (legacy >= GUID_SIZE && (uint64_t)legacy + DESC_SIZE <= im->size) {
		if ((rc = image_read(im, legacy - GUID_SIZE, guid, GUID_SIZE)))
			return rc;
		if (!memcmp(guid, TDX_METADATA_GUID, GUID_SIZE)) {
			*desc_off = legacy;
			return TDX_OK;
		}
	}
	if (found == 1)
		return bad(im, "no TDX metadata: the OVMF footer table has no TDX metadata offset "
			   "entry (GUID e47a6535-984a-4798-865e-4685a7bf8ec2), and the u32 at "
			   "offset 0x%llx (0x%x) is not td-shim's metadata offset (it must follow "
			   "the GUID e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae): an OVMF build without "
			   "TDX support?", (unsigned long long)legacy_at, legacy);
	return bad(im, "no TDX metadata: the OVMF footer table GUID "
		   "(96b582de-1fb2-45f7-baea-a366c55a082d) is not at offset 0x%llx, and the u32 "
		   "at offset 0x%llx (0x%x) is not td-shim's metadata offset (it must follow the "
		   "GUID e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae)",
		   (unsigned long long)(im->size >= FOOTER_GUID_FROM_END
						? im->size - FOOTER_GUID_FROM_END : 0),
		   (unsigned long long)legacy_at, legacy);
}

/* Is the section added with TDH.MEM.PAGE.ADD (and so in MRTD)? */
static int section_page_added(const section *s)
{
	return s->type != TDX_TDVF_SECTION_PERM_MEM && s->type != TDX_TDVF_SECTION_TD_INFO &&
	       s->type != TDX_TDVF_SECTION_TD_PARAMS && !(s->attributes & TDX_TDVF_ATTR_PAGE_AUG);
}

/* The checks of QEMU's tdvf_parse_and_check_section_entry() that are about
 * validity, with td-shim's types 4..8 accepted. */
static int check_section(const image *im, size_t i, const section *s)
{
	const char *name;
	int in_memory;

	if (s->type > TYPE_MAX)
		return bad(im, "TDVF section %zu: Type %u is unknown (known: 0 BFV .. 8 TD_PARAMS)",
			   i, s->type);
	name = TYPE_NAMES[s->type];
	/* TD_INFO and TD_PARAMS are data the VMM reads from the image; they
	 * are never placed in TD memory (td-shim sets their memory fields 0). */
	in_memory = s->type != TDX_TDVF_SECTION_TD_INFO && s->type != TDX_TDVF_SECTION_TD_PARAMS;
	if (s->attributes & ~ATTR_KNOWN)
		return bad(im, "TDVF section %zu: Attributes 0x%x has reserved bits 0x%x set "
			   "(a %s section)", i, s->attributes, s->attributes & ~ATTR_KNOWN, name);
	if ((s->attributes & TDX_TDVF_ATTR_MR_EXTEND) && !section_page_added(s))
		return bad(im, "TDVF section %zu: Attributes 0x%x asks for MR.EXTEND, but a %s "
			   "section%s is not added with PAGE.ADD, so it cannot be extended", i,
			   s->attributes, name,
			   s->attributes & TDX_TDVF_ATTR_PAGE_AUG ? " with PAGE.AUG" : "");
	if ((uint64_t)s->data_offset + s->raw_data_size > im->size)
		return bad(im, "TDVF section %zu: DataOffset 0x%x + RawDataSize 0x%x runs past the "
			   "end of the image (%llu bytes; a %s section)", i, s->data_offset,
			   s->raw_data_size, (unsigned long long)im->size, name);
	if (!in_memory)
		return TDX_OK;
	if (s->memory_address % PAGE_SIZE)
		return bad(im, "TDVF section %zu: MemoryAddress 0x%llx is not 4 KiB aligned "
			   "(a %s section)", i, (unsigned long long)s->memory_address, name);
	if (s->memory_data_size % PAGE_SIZE)
		return bad(im, "TDVF section %zu: MemoryDataSize 0x%llx is not 4 KiB aligned "
			   "(a %s section)", i, (unsigned long long)s->memory_data_size, name);
	if (s->memory_data_size < s->raw_data_size)
		return bad(im, "TDVF section %zu: MemoryDataSize 0x%llx is smaller than "
			   "RawDataSize 0x%x (a %s section)", i,
			   (unsigned long long)s->memory_data_size, s->raw_data_size, name);
	if (s->memory_data_size && s->memory_data_size - 1 > UINT64_MAX - s->memory_address)
		return bad(im, "TDVF section %zu: MemoryAddress 0x%llx + MemoryDataSize 0x%llx "
			   "runs past the 64-bit address space (a %s section)", i,
			   (unsigned long long)s->memory_address,
			   (unsigned long long)s->memory_data_size, name);
	if (section_page_added(s) && !s->memory_data_size)
		return bad(im, "TDVF section %zu: MemoryDataSize is 0, but a %s section is added "
			   "with PAGE.ADD and has at least one page", i, name);
	/* QEMU: BFV and CFV are copied from the image, TD_HOB and TempMem are not. */
	if ((s->type == TDX_TDVF_SECTION_BFV || s->type == TDX_TDVF_SECTION_CFV) &&
	    !s->raw_data_size)
		return bad(im, "TDVF section %zu: RawDataSize is 0, but a %s section is copied "
			   "from the image", i, name);
	if ((s->type == TDX_TDVF_SECTION_TD_HOB || s->type == TDX_TDVF_SECTION_TEMP_MEM) &&
	    s->raw_data_size)
		return bad(im, "TDVF section %zu: RawDataSize 0x%x must be 0: a %s section has no "
			   "content in the image", i, s->raw_data_size, name);
	return TDX_OK;
}

static int parse_image(const image *im, tdx_tdvf **out)
{
	uint8_t d[DESC_SIZE], *raw;
	uint32_t sig, length, version, n;
	uint64_t desc_off = 0;
	tdx_tdvf *t;
	int rc;

	if ((rc = find_metadata(im, &desc_off)) || (rc = image_read(im, desc_off, d, DESC_SIZE)))
		return rc;
	sig = tdx__le32(d);
	length = tdx__le32(d + 4);
	version = tdx__le32(d + 8);
	n = tdx__le32(d + 12);
	if (sig != TDVF_SIGNATURE)
		return bad(im, "TDVF metadata at offset 0x%llx: Signature 0x%08x is not \"TDVF\" "
			   "(0x%08x)", (unsigned long long)desc_off, sig, TDVF_SIGNATURE);
	if (version != TDVF_VERSION)
		return bad(im, "TDVF metadata at offset 0x%llx: Version %u is not %d",
			   (unsigned long long)desc_off, version, TDVF_VERSION);
	if (n < MIN_SECTIONS || n > MAX_SECTIONS)
		return bad(im, "TDVF metadata at offset 0x%llx: NumberOfSectionEntries %u is not "
			   "between %d and %d", (unsigned long long)desc_off, n, MIN_SECTIONS,
			   MAX_SECTIONS);
	if (length != DESC_SIZE + (uint64_t)SECTION_SIZE * n)
		return bad(im, "TDVF metadata at offset 0x%llx: Length %u is not 16 + 32 x "
			   "NumberOfSectionEntries (%u) = %llu", (unsigned long long)desc_off,
			   length, n, (unsigned long long)(DESC_SIZE + (uint64_t)SECTION_SIZE * n));
	if (desc_off + length > im->size)
		return bad(im, "TDVF metadata at offset 0x%llx: Length %u runs past the end of the "
			   "image (%llu bytes)", (unsigned long long)desc_off, length,
			   (unsigned long long)im->size);

	raw = malloc((size_t)n * SECTION_SIZE);
	t = malloc(sizeof(*t) + (size_t)n * sizeof(section));
	if (!raw || !t) {
		free(raw);
		free(t);
		return tdx__error_set(TDX_E_NOMEM, TDX_LAYER_LIBRARY, 0, 0, im->where,
				      "out of memory for %u TDVF sections", n);
	}
	if ((rc = image_read(im, desc_off + DESC_SIZE, raw, (size_t)n * SECTION_SIZE)))
		goto fail;
	t->image_size = im->size;
	t->metadata_offset = desc_off;
	t->count = n;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = raw + i * SECTION_SIZE;
		section *s = &t->sections[i];

		s->data_offset = tdx__le32(e);
		s->raw_data_size = tdx__le32(e + 4);
		s->memory_address = tdx__le64(e + 8);
		s->memory_data_size = tdx__le64(e + 16);
		s->type = tdx__le32(e + 24);
		s->attributes = tdx__le32(e + 28);
		if ((rc = check_section(im, i, s)))
			goto fail;
	}
	free(raw);
	*out = t;
	return TDX_OK;
fail:
	free(raw);
	free(t);
	return rc;
}

/* Open path for reading: a regular file; *size its length. */
static int open_image(image *im, const char *path, const char *where)
{
	struct stat st;
	int err;

	memset(im, 0, sizeof(*im));
	im->fd = -1;
	im->path = path;
	im->where = where;
	im->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0) {
		err = errno;
		return tdx__error_set(tdx__errno_code(err), TDX_LAYER_OS, 0, err, where,
				      "cannot open the firmware image %s: %s", path, strerror(err));
	}
	if (fstat(im->fd, &st) != 0) {
		err = errno;
		close(im->fd);
		return tdx__error_set(tdx__errno_code(err), TDX_LAYER_OS, 0, err, where,
				      "cannot stat the firmware image %s: %s", path, strerror(err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(im->fd);
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
				      "%s is not a regular file; pass the firmware image file "
				      "(e.g. OVMF.fd)", path);
	}
	im->size = (uint64_t)st.st_size;
	return TDX_OK;
}

tdx_status tdx_tdvf_open(tdx_tdvf **out, const char *path)
{
	image im;
	int rc;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_tdvf *");
	*out = NULL;
	if (!path)
		return tdx__fail(TDX_E_INVALID, "path is NULL; pass the firmware image's path");
	if ((rc = open_image(&im, path, __func__)))
		return rc;
	rc = parse_image(&im, out);
	close(im.fd);
	return rc;
}

tdx_status tdx_tdvf_parse(tdx_tdvf **out, const uint8_t *image_buf, size_t len)
{
	image im = { .buf = image_buf, .fd = -1, .size = len, .where = __func__ };

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_tdvf *");
	*out = NULL;
	if (!image_buf)
		return tdx__fail(TDX_E_INVALID, "image is NULL; pass the firmware image's bytes");
	return parse_image(&im, out);
}

void tdx_tdvf_free(tdx_tdvf *t)
{
	free(t);
}

size_t tdx_tdvf_section_count(const tdx_tdvf *t)
{
	if (!t) {
		tdx__fail(TDX_E_INVALID, "t is NULL; pass one from tdx_tdvf_open or tdx_tdvf_parse");
		return 0;
	}
	return t->count;
}

tdx_status tdx_tdvf_section_init(tdx_tdvf_section *s, size_t sz)
{
	return TDX_STRUCT_INIT(s, sz, tdx_tdvf_section);
}

tdx_status tdx_tdvf_get_section(const tdx_tdvf *t, size_t index, tdx_tdvf_section *out)
{
	tdx_tdvf_section v;
	const section *s;
	int rc;

	if (!t)
		return tdx__fail(TDX_E_INVALID, "t is NULL; pass one from tdx_tdvf_open or "
				 "tdx_tdvf_parse");
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass a tdx_tdvf_section set up with "
				 "TDX_OPTS or tdx_tdvf_section_init");
	if ((rc = TDX_STRUCT_CHECK(out, tdx_tdvf_section)))
		return rc;
	if (index >= t->count)
		return tdx__fail(TDX_E_INVALID, "index %zu is out of range: the image has %zu "
				 "sections (see tdx_tdvf_section_count)", index, t->count);
	s = &t->sections[index];
	memset(&v, 0, sizeof(v));
	v.data_offset = s->data_offset;
	v.raw_data_size = s->raw_data_size;
	v.memory_address = s->memory_address;
	v.memory_data_size = s->memory_data_size;
	v.type = s->type;
	v.attributes = s->attributes;
	/* Write only what the caller's struct holds, keeping its sz. */
	if (out->sz > sizeof(size_t))
		memcpy((uint8_t *)out + sizeof(size_t), (const uint8_t *)&v + sizeof(size_t),
		       (out->sz < sizeof(v) ? out->sz : sizeof(v)) - sizeof(size_t));
	return TDX_OK;
}

/*
 * Extend the pages of one section, streaming its content from the file
 * through buf (STREAM_SIZE bytes, a whole number of pages).  Single pass:
 * each group of pages is a region of its own (PAGE.ADD + extends per
 * page, identical to one call over the whole section).  Two pass: every
 * PAGE.ADD first, then the extends chunk by chunk.
 */
static int measure_section(tdx_mrtd *m, const image *im, const section *s, unsigned flags,
			   uint8_t *buf)
{
	const uint64_t npages = s->memory_data_size / PAGE_SIZE;
	const uint64_t group = STREAM_SIZE / PAGE_SIZE;
	int two_pass = flags & TDX_MEASURE_TWO_PASS;
	int rc;

	if (!(s->attributes & TDX_TDVF_ATTR_MR_EXTEND))
		return tdx_mrtd_add_region(m, s->memory_address, npages, NULL, 0, 0);
	if (two_pass && (rc = tdx_mrtd_add_region(m, s->memory_address, npages, NULL, 0, 0)))
		return rc;
	for (uint64_t p = 0; p < npages; p += group) {
		uint64_t g = npages - p < group ? npages - p : group;
		uint64_t off = p * PAGE_SIZE;
		size_t avail = off >= s->raw_data_size ? 0
			     : s->raw_data_size - off < g * PAGE_SIZE ? (size_t)(s->raw_data_size - off)
								       : (size_t)(g * PAGE_SIZE);

		if ((rc = image_read(im, s->data_offset + off, buf, avail)))
			return rc;
		if (!two_pass) {
			rc = tdx_mrtd_add_region(m, s->memory_address + off, g, buf, avail,
						 TDX_MEASURE_EXTEND);
			if (rc)
				return rc;
			continue;
		}
		memset(buf + avail, 0, (size_t)(g * PAGE_SIZE) - avail);
		for (size_t c = 0; c < g * PAGE_SIZE; c += CHUNK_SIZE)
			if ((rc = tdx_mrtd_extend(m, s->memory_address + off + c, buf + c, CHUNK_SIZE)))
				return rc;
	}
	return TDX_OK;
}

tdx_status tdx_measure_tdvf(const char *path, unsigned flags, uint8_t mrtd[48])
{
	tdx_tdvf *t = NULL;
	tdx_mrtd *m = NULL;
	uint8_t *buf = NULL;
	image im;
	int rc;

	if (!path)
		return tdx__fail(TDX_E_INVALID, "path is NULL; pass the firmware image's path");
	if (!mrtd)
		return tdx__fail(TDX_E_INVALID, "mrtd is NULL; pass a 48-byte buffer");
	if (flags & ~TDX_MEASURE_TWO_PASS)
		return tdx__fail(TDX_E_INVALID,
				 "flags 0x%x: only TDX_MEASURE_TWO_PASS (or 0) applies; each "
				 "section's MR.EXTEND attribute decides whether its content is "
				 "measured", flags);
	if ((rc = open_image(&im, path, __func__)))
		return rc;
	if ((rc = parse_image(&im, &t)))
		goto out;
	buf = malloc(STREAM_SIZE);
	if (!buf) {
		rc = tdx__fail(TDX_E_NOMEM, "out of memory for the %d-byte read buffer",
			       STREAM_SIZE);
		goto out;
	}
	if ((rc = tdx_mrtd_new(&m)))
		goto out;
	for (size_t i = 0; i < t->count; i++)
		if (section_page_added(&t->sections[i]) &&
		    (rc = measure_section(m, &im, &t->sections[i], flags, buf)))
			goto out;
	rc = tdx_mrtd_finalize(m, mrtd);
out:
	tdx_mrtd_free(m);
	free(buf);
	tdx_tdvf_free(t);
	close(im.fd);
	return rc;
}
