/* SPDX-License-Identifier: MIT */
/*
 * tdx-fakefs: a fake Linux TDX guest kernel over FUSE.
 *
 * Serves, below its mount point, the files a TD's Linux kernel offers user
 * space (/dev/tdx_guest, configfs-tsm reports, the sysfs measurement
 * registers, the CCEL ACPI table and log), all answered by libtdx's
 * software TDX module.  It exists to test attestation clients (and
 * libtdx's own Linux backend) without TDX hardware: nothing it produces is
 * evidence of anything.
 *
 * Paths (relative to the mount point):
 *   EMULATED                                       notice (0444)
 *   dev/tdx_guest                                  TDX_CMD_GET_REPORT0 ioctl (0600)
 *   sys/kernel/config/tsm/report/NAME/             mkdir/rmdir entries
 *       inblob (0200) outblob provider generation (0444)
 *   sys/devices/virtual/misc/tdx_guest/measurements/
 *       rtmr0:sha384 .. rtmr3:sha384 (0644)
 *       mrtd:sha384 mrconfigid mrowner mrownerconfig (0444)
 *   sys/firmware/acpi/tables/CCEL                  --ccel-table FILE
 *   sys/firmware/acpi/tables/data/CCEL             --ccel-log FILE
 */
#define FUSE_USE_VERSION 35
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tdx/emu.h>
#include <tdx/errors.h>
#include <tdx/guest.h>
#include <tdx/report.h>

#define TDX_CMD_GET_REPORT0 0xC4405401u /* _IOWR('T', 1, 64 + 1024 bytes) */
#define REPORT_REQ_SIZE (64 + 1024)

static const char emulated_text[] =
	"*** EMULATED - NOT A TDX GUEST KERNEL - NOTHING HERE IS EVIDENCE ***\n"
	"tdx-fakefs is libtdx's FAKE Linux TDX guest kernel: the files below this\n"
	"mount point (dev/tdx_guest, sys/kernel/config/tsm/report, the sysfs\n"
	"measurement registers, CCEL) are answered by libtdx's SOFTWARE TDX\n"
	"EMULATOR, not by a TDX module.  Its TDREPORTs carry the emulator's MRSEAM\n"
	"and its quotes chain to libtdx's TEST root CA, never to Intel's.  Use it\n"
	"to test attestation clients only; nothing from it is evidence.\n";

/* ---- state ---- */

enum fault {
	F_EMPTY_OUTBLOB = 1 << 0,
	F_GENERATION_BUMP = 1 << 1,
	F_NO_MEASUREMENTS = 1 << 2,
	F_NO_DEVICE = 1 << 3,
	F_NO_CONFIGFS = 1 << 4,
	F_ENDLESS_OUTBLOB = 1 << 5, /* outblob reads never end (zeros), as /dev/zero */
};

struct entry {
	struct entry *next;
	char name[NAME_MAX + 1];
	uint8_t inblob[64];
	int have_inblob;
	uint64_t generation;
	uint8_t *quote; /* cached quote of inblob at quote_gen */
	size_t quote_len;
	uint64_t quote_gen;
	int have_quote;
};

static struct {
	tdx_emu *emu;
	tdx_guest *g;
	unsigned faults;
	const char *provider;
	uint8_t *ccel_table, *ccel_log;
	size_t ccel_table_len, ccel_log_len;
	int have_ccel_table, have_ccel_log;
	struct entry *entries;
	struct timespec start;
} st = { .provider = "tdx_guest" };

/* ---- the tree ---- */

enum kind {
	K_DIR,
	K_EMULATED,
	K_DEVICE,
	K_REPORT_DIR,  /* sys/kernel/config/tsm/report */
	K_ENTRY_DIR,   /* .../report/NAME */
	K_INBLOB,
	K_OUTBLOB,
	K_PROVIDER,
	K_GENERATION,
	K_MEAS,        /* index: 0..3 RTMRs, 4 MRTD, 5 MRCONFIGID, 6 MROWNER, 7 MROWNERCONFIG */
	K_CCEL_TABLE,
	K_CCEL_LOG,
};

enum cond { C_ALWAYS, C_DEVICE, C_CONFIGFS, C_MEAS, C_DEVDIR, C_CCEL_TABLE, C_CCEL_LOG };

struct snode {
	const char *path;
	enum kind kind;
	mode_t mode;
	enum cond cond;
	int index;
};

#define REPORT_DIR "/sys/kernel/config/tsm/report"
#define MEAS_DIR "/sys/devices/virtual/misc/tdx_guest/measurements"

static const struct snode snodes[] = {
	{ "/", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/EMULATED", K_EMULATED, 0444, C_ALWAYS, 0 },
	{ "/dev", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/dev/tdx_guest", K_DEVICE, 0600, C_DEVICE, 0 },
	{ "/sys", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/kernel", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/kernel/config", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/kernel/config/tsm", K_DIR, 0755, C_CONFIGFS, 0 },
	{ REPORT_DIR, K_REPORT_DIR, 0755, C_CONFIGFS, 0 },
	{ "/sys/devices", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/devices/virtual", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/devices/virtual/misc", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/devices/virtual/misc/tdx_guest", K_DIR, 0755, C_DEVDIR, 0 },
	{ MEAS_DIR, K_DIR, 0755, C_MEAS, 0 },
	{ MEAS_DIR "/rtmr0:sha384", K_MEAS, 0644, C_MEAS, 0 },
	{ MEAS_DIR "/rtmr1:sha384", K_MEAS, 0644, C_MEAS, 1 },
	{ MEAS_DIR "/rtmr2:sha384", K_MEAS, 0644, C_MEAS, 2 },
	{ MEAS_DIR "/rtmr3:sha384", K_MEAS, 0644, C_MEAS, 3 },
	{ MEAS_DIR "/mrtd:sha384", K_MEAS, 0444, C_MEAS, 4 },
	{ MEAS_DIR "/mrconfigid", K_MEAS, 0444, C_MEAS, 5 },
	{ MEAS_DIR "/mrowner", K_MEAS, 0444, C_MEAS, 6 },
	{ MEAS_DIR "/mrownerconfig", K_MEAS, 0444, C_MEAS, 7 },
	{ "/sys/firmware", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/firmware/acpi", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/firmware/acpi/tables", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/firmware/acpi/tables/CCEL", K_CCEL_TABLE, 0400, C_CCEL_TABLE, 0 },
	{ "/sys/firmware/acpi/tables/data", K_DIR, 0755, C_ALWAYS, 0 },
	{ "/sys/firmware/acpi/tables/data/CCEL", K_CCEL_LOG, 0400, C_CCEL_LOG, 0 },
};
#define N_SNODES (sizeof snodes / sizeof snodes[0])

static const char *const entry_files[] = { "inblob", "outblob", "provider", "generation" };
static const enum kind entry_kinds[] = { K_INBLOB, K_OUTBLOB, K_PROVIDER, K_GENERATION };
static const mode_t entry_modes[] = { 0200, 0444, 0444, 0444 };

static int cond_ok(enum cond c)
{
	switch (c) {
	case C_ALWAYS: return 1;
	case C_DEVICE: return !(st.faults & F_NO_DEVICE);
	case C_CONFIGFS: return !(st.faults & F_NO_CONFIGFS);
	case C_MEAS: return !(st.faults & F_NO_MEASUREMENTS);
	case C_DEVDIR: return !(st.faults & F_NO_DEVICE) || !(st.faults & F_NO_MEASUREMENTS);
	case C_CCEL_TABLE: return st.have_ccel_table;
	case C_CCEL_LOG: return st.have_ccel_log;
	}
	return 0;
}

struct node {
	enum kind kind;
	mode_t mode;
	int index;
	struct entry *e;
	const char *spath; /* static path (directories) */
};

static struct entry *entry_find(const char *name, size_t len)
{
	for (struct entry *e = st.entries; e; e = e->next)
		if (strlen(e->name) == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

static int resolve(const char *path, struct node *n)
{
	memset(n, 0, sizeof *n);
	for (size_t i = 0; i < N_SNODES; i++) {
		if (strcmp(path, snodes[i].path) || !cond_ok(snodes[i].cond))
			continue;
		n->kind = snodes[i].kind;
		n->mode = snodes[i].mode;
		n->index = snodes[i].index;
		n->spath = snodes[i].path;
		return 0;
	}
	size_t rl = strlen(REPORT_DIR);
	if (cond_ok(C_CONFIGFS) && !strncmp(path, REPORT_DIR "/", rl + 1)) {
		const char *name = path + rl + 1;
		const char *slash = strchr(name, '/');
		size_t nl = slash ? (size_t)(slash - name) : strlen(name);
		struct entry *e = entry_find(name, nl);
		if (!e)
			return -ENOENT;
		n->e = e;
		if (!slash) {
			n->kind = K_ENTRY_DIR;
			n->mode = 0755;
			return 0;
		}
		for (size_t i = 0; i < 4; i++) {
			if (!strcmp(slash + 1, entry_files[i])) {
				n->kind = entry_kinds[i];
				n->mode = entry_modes[i];
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int is_dir(enum kind k)
{
	return k == K_DIR || k == K_REPORT_DIR || k == K_ENTRY_DIR;
}

/* ---- libtdx calls ---- */

static int tdx_fail(const char *what, tdx_status s)
{
	fprintf(stderr, "tdx-fakefs: %s: %s\n", what, tdx_strerror(s));
	return -EIO;
}

static int get_report(const uint8_t data[64], uint8_t report[1024])
{
	size_t len = 1024;
	tdx_status s = tdx_guest_get_report(st.g, data, 64, report, &len);
	return s ? tdx_fail("tdx_guest_get_report", s) : 0;
}

static int get_quote(const uint8_t data[64], uint8_t **out, size_t *out_len)
{
	size_t cap = 16384;
	for (int tries = 0; tries < 3; tries++) {
		uint8_t *q = malloc(cap);
		size_t len = cap;
		if (!q)
			return -ENOMEM;
		tdx_status s = tdx_guest_get_quote(st.g, data, 64, q, &len);
		if (s == TDX_E_BUFFER_TOO_SMALL && len > cap) {
			free(q);
			cap = len;
			continue;
		}
		if (s) {
			free(q);
			return tdx_fail("tdx_guest_get_quote", s);
		}
		*out = q;
		*out_len = len;
		return 0;
	}
	return -EIO;
}

/* The 48-byte measurement register `index` (see K_MEAS) from a fresh report. */
static int get_measurement(int index, uint8_t out[48])
{
	uint8_t zero[64] = { 0 }, raw[1024];
	tdx_report *r;
	int rc = get_report(zero, raw);
	if (rc)
		return rc;
	tdx_status s = tdx_report_parse(&r, raw, sizeof raw);
	if (s)
		return tdx_fail("tdx_report_parse", s);
	const uint8_t *p = index < 4 ? tdx_report_rtmr(r, (unsigned)index)
		: index == 4 ? tdx_report_mrtd(r)
		: index == 5 ? tdx_report_mrconfigid(r)
		: index == 6 ? tdx_report_mrowner(r)
			     : tdx_report_mrownerconfig(r);
	if (p)
		memcpy(out, p, 48);
	tdx_report_free(r);
	return p ? 0 : -EIO;
}

/* ---- open files ---- */

struct ofile {
	enum kind kind;
	int index;
	char name[NAME_MAX + 1]; /* configfs entry */
	uint8_t *snap;           /* outblob: the bytes this open reads */
	size_t snap_len;
	int have_snap;
};

static struct ofile *ofile_of(struct fuse_file_info *fi)
{
	return (struct ofile *)(uintptr_t)fi->fh;
}

static int serve(const void *data, size_t len, char *buf, size_t size, off_t off)
{
	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= len)
		return 0;
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	memcpy(buf, (const uint8_t *)data + off, size);
	return (int)size;
}

/* ---- FUSE operations ---- */

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1; /* sysfs-like: sizes are not content lengths */
	cfg->kernel_cache = 0;
	return NULL;
}

static int fs_getattr(const char *path, struct stat *sb, struct fuse_file_info *fi)
{
	struct node n;
	(void)fi;
	int rc = resolve(path, &n);
	if (rc)
		return rc;
	memset(sb, 0, sizeof *sb);
	sb->st_uid = getuid();
	sb->st_gid = getgid();
	sb->st_atim = sb->st_mtim = sb->st_ctim = st.start;
	if (is_dir(n.kind)) {
		sb->st_mode = S_IFDIR | n.mode;
		sb->st_nlink = 2;
		return 0;
	}
	sb->st_mode = S_IFREG | n.mode;
	sb->st_nlink = 1;
	switch (n.kind) {
	case K_EMULATED: sb->st_size = (off_t)strlen(emulated_text); break;
	case K_MEAS: sb->st_size = 48; break;
	case K_CCEL_TABLE: sb->st_size = (off_t)st.ccel_table_len; break;
	case K_CCEL_LOG: sb->st_size = (off_t)st.ccel_log_len; break;
	default: sb->st_size = 0; break; /* device, configfs attributes */
	}
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct node n;
	(void)off;
	(void)fi;
	(void)flags;
	int rc = resolve(path, &n);
	if (rc)
		return rc;
	if (!is_dir(n.kind))
		return -ENOTDIR;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	if (n.kind == K_ENTRY_DIR) {
		for (size_t i = 0; i < 4; i++)
			filler(buf, entry_files[i], NULL, 0, 0);
		return 0;
	}
	if (n.kind == K_REPORT_DIR) {
		for (struct entry *e = st.entries; e; e = e->next)
			filler(buf, e->name, NULL, 0, 0);
		return 0;
	}
	size_t pl = strcmp(n.spath, "/") ? strlen(n.spath) : 0;
	for (size_t i = 0; i < N_SNODES; i++) {
		const char *p = snodes[i].path;
		if (!cond_ok(snodes[i].cond) || strncmp(p, n.spath, pl) || p[pl] != '/' ||
		    !p[pl + 1] || strchr(p + pl + 1, '/'))
			continue;
		filler(buf, p + pl + 1, NULL, 0, 0);
	}
	return 0;
}

static int fs_mkdir(const char *path, mode_t mode)
{
	struct node n;
	(void)mode;
	if (!resolve(path, &n))
		return -EEXIST;
	const char *slash = strrchr(path, '/');
	size_t plen = (size_t)(slash - path);
	if (!cond_ok(C_CONFIGFS) || plen != strlen(REPORT_DIR) || strncmp(path, REPORT_DIR, plen))
		return -EPERM;
	const char *name = slash + 1;
	if (!*name || strlen(name) > NAME_MAX)
		return -EINVAL;
	struct entry *e = calloc(1, sizeof *e);
	if (!e)
		return -ENOMEM;
	strcpy(e->name, name);
	e->next = st.entries;
	st.entries = e;
	return 0;
}

static int fs_rmdir(const char *path)
{
	struct node n;
	int rc = resolve(path, &n);
	if (rc)
		return rc;
	if (n.kind != K_ENTRY_DIR)
		return is_dir(n.kind) ? -EPERM : -ENOTDIR;
	for (struct entry **pp = &st.entries; *pp; pp = &(*pp)->next) {
		if (*pp == n.e) {
			*pp = n.e->next;
			break;
		}
	}
	free(n.e->quote);
	free(n.e);
	return 0;
}

static int fs_unlink(const char *path)
{
	struct node n;
	int rc = resolve(path, &n);
	return rc ? rc : -EPERM;
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path;
	(void)mode;
	(void)fi;
	return -EPERM;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct node n;
	(void)size;
	(void)fi;
	int rc = resolve(path, &n);
	if (rc)
		return rc;
	if (n.kind == K_INBLOB || (n.kind == K_MEAS && n.index < 4))
		return 0; /* O_TRUNC on an attribute: ignored, as sysfs/configfs do */
	return is_dir(n.kind) ? -EISDIR : -EACCES;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	struct node n;
	int rc = resolve(path, &n);
	if (rc)
		return rc;
	if (is_dir(n.kind))
		return -EISDIR;
	int acc = fi->flags & O_ACCMODE;
	int wr = acc == O_WRONLY || acc == O_RDWR, rd = acc == O_RDONLY || acc == O_RDWR;
	/* As sysfs/configfs: an attribute without show/store refuses even root. */
	if ((wr && !(n.mode & 0200)) || (rd && !(n.mode & 0400)))
		return -EACCES;
	struct ofile *of = calloc(1, sizeof *of);
	if (!of)
		return -ENOMEM;
	of->kind = n.kind;
	of->index = n.index;
	if (n.e)
		strcpy(of->name, n.e->name);
	if (n.kind == K_OUTBLOB && (st.faults & F_GENERATION_BUMP))
		n.e->generation++;
	fi->fh = (uint64_t)(uintptr_t)of;
	fi->direct_io = 1;
	fi->nonseekable = 0;
	return 0;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	struct ofile *of = ofile_of(fi);
	if (of) {
		free(of->snap);
		free(of);
	}
	return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct ofile *of = ofile_of(fi);
	struct entry *e = NULL;
	char text[64];
	uint8_t m[48];
	int rc;
	(void)path;
	if (of->name[0] && !(e = entry_find(of->name, strlen(of->name))))
		return -ENODEV; /* removed while open */
	switch (of->kind) {
	case K_EMULATED:
		return serve(emulated_text, strlen(emulated_text), buf, size, off);
	case K_DEVICE:
		return 0;
	case K_PROVIDER:
		snprintf(text, sizeof text, "%s\n", st.provider);
		return serve(text, strlen(text), buf, size, off);
	case K_GENERATION:
		snprintf(text, sizeof text, "%" PRIu64 "\n", e->generation);
		return serve(text, strlen(text), buf, size, off);
	case K_OUTBLOB:
		if (!e->have_inblob)
			return -EINVAL;
		if (st.faults & F_EMPTY_OUTBLOB)
			return 0;
		if (st.faults & F_ENDLESS_OUTBLOB) {
			memset(buf, 0, size);
			return (int)size;
		}
		if (!of->have_snap) {
			if (!e->have_quote || e->quote_gen != e->generation) {
				uint8_t *q = NULL;
				size_t qlen = 0;

				if ((rc = get_quote(e->inblob, &q, &qlen)))
					return rc;
				free(e->quote);
				e->quote = q;
				e->quote_len = qlen;
				e->quote_gen = e->generation;
				e->have_quote = 1;
			}
			if (!(of->snap = malloc(e->quote_len)))
				return -ENOMEM;
			memcpy(of->snap, e->quote, e->quote_len);
			of->snap_len = e->quote_len;
			of->have_snap = 1;
		}
		return serve(of->snap, of->snap_len, buf, size, off);
	case K_MEAS:
		if ((rc = get_measurement(of->index, m)))
			return rc;
		return serve(m, sizeof m, buf, size, off);
	case K_CCEL_TABLE:
		return serve(st.ccel_table, st.ccel_table_len, buf, size, off);
	case K_CCEL_LOG:
		return serve(st.ccel_log, st.ccel_log_len, buf, size, off);
	default:
		return -EINVAL;
	}
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct ofile *of = ofile_of(fi);
	struct entry *e = NULL;
	(void)path;
	if (of->name[0] && !(e = entry_find(of->name, strlen(of->name))))
		return -ENODEV;
	switch (of->kind) {
	case K_INBLOB:
		if (size != 64 || off != 0)
			return -EINVAL;
		memcpy(e->inblob, buf, 64);
		e->have_inblob = 1;
		e->generation++;
		return 64;
	case K_MEAS: {
		if (of->index >= 4)
			return -EACCES;
		if (size != 48 || off != 0)
			return -EINVAL;
		tdx_status s = tdx_guest_rtmr_extend(st.g, (unsigned)of->index,
						     (const uint8_t *)buf, 48);
		return s ? tdx_fail("tdx_guest_rtmr_extend", s) : 48;
	}
	default:
		return -EACCES;
	}
}

static int fs_ioctl(const char *path, unsigned int cmd, void *arg, struct fuse_file_info *fi,
		    unsigned int flags, void *data)
{
	struct ofile *of = ofile_of(fi);
	(void)path;
	(void)arg;
	if (!of || of->kind != K_DEVICE)
		return -ENOTTY;
	if (flags & FUSE_IOCTL_COMPAT)
		return -ENOSYS;
	if (cmd != TDX_CMD_GET_REPORT0 || !data)
		return -ENOTTY;
	uint8_t *req = data;
	uint8_t report[1024];
	int rc = get_report(req, report);
	if (rc)
		return rc;
	memcpy(req + 64, report, sizeof report);
	return 0;
}

static void fs_destroy(void *priv)
{
	(void)priv;
	if (st.g)
		tdx_guest_close(st.g);
	if (st.emu)
		tdx_emu_close(st.emu);
	st.g = NULL;
	st.emu = NULL;
}

static const struct fuse_operations ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.mkdir = fs_mkdir,
	.rmdir = fs_rmdir,
	.unlink = fs_unlink,
	.create = fs_create,
	.truncate = fs_truncate,
	.open = fs_open,
	.release = fs_release,
	.read = fs_read,
	.write = fs_write,
	.ioctl = fs_ioctl,
	.destroy = fs_destroy,
};

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tdx-fakefs MOUNTPOINT [OPTIONS] [FUSE OPTIONS]\n"
		"A fake Linux TDX guest kernel over FUSE, backed by libtdx's emulator.\n"
		"  --emu SPEC          emulated TD (tdx_emu_config_parse spec; default \"\")\n"
		"  --ccel-table FILE   serve sys/firmware/acpi/tables/CCEL\n"
		"  --ccel-log FILE     serve sys/firmware/acpi/tables/data/CCEL\n"
		"  --fault F           empty-outblob, endless-outblob, generation-bump, provider=NAME,\n"
		"                      no-measurements, no-device, no-configfs (repeatable)\n"
		"Runs in the foreground, single-threaded; unmount with fusermount3 -u.\n");
}

static int load_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "tdx-fakefs: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap);
	for (;;) {
		if (!b) {
			fclose(f);
			return -1;
		}
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *nb = realloc(b, cap *= 2);
		if (!nb)
			free(b);
		b = nb;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "tdx-fakefs: %s: read error\n", path);
		free(b);
		return -1;
	}
	*out = b;
	*len = n;
	return 0;
}

/* "--opt VALUE" or "--opt=VALUE": the value, advancing *i; NULL if not opt. */
static const char *optval(int argc, char **argv, int *i, const char *opt)
{
	size_t l = strlen(opt);
	if (strncmp(argv[*i], opt, l))
		return NULL;
	if (argv[*i][l] == '=')
		return argv[*i] + l + 1;
	if (argv[*i][l] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int main(int argc, char **argv)
{
	const char *spec = "", *ccel_table = NULL, *ccel_log = NULL, *v;
	char **fargv = calloc((size_t)argc + 8, sizeof *fargv);
	int fargc = 0, rc;

	if (!fargv)
		return 1;
	fargv[fargc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if ((v = optval(argc, argv, &i, "--emu"))) {
			spec = v;
		} else if ((v = optval(argc, argv, &i, "--ccel-table"))) {
			ccel_table = v;
		} else if ((v = optval(argc, argv, &i, "--ccel-log"))) {
			ccel_log = v;
		} else if ((v = optval(argc, argv, &i, "--fault"))) {
			if (!strcmp(v, "empty-outblob"))
				st.faults |= F_EMPTY_OUTBLOB;
			else if (!strcmp(v, "endless-outblob"))
				st.faults |= F_ENDLESS_OUTBLOB;
			else if (!strcmp(v, "generation-bump"))
				st.faults |= F_GENERATION_BUMP;
			else if (!strcmp(v, "no-measurements"))
				st.faults |= F_NO_MEASUREMENTS;
			else if (!strcmp(v, "no-device"))
				st.faults |= F_NO_DEVICE;
			else if (!strcmp(v, "no-configfs"))
				st.faults |= F_NO_CONFIGFS;
			else if (!strncmp(v, "provider=", 9) && v[9] && strlen(v + 9) < 32)
				st.provider = v + 9;
			else {
				fprintf(stderr, "tdx-fakefs: unknown fault '%s'\n", v);
				return 2;
			}
		} else if (!strncmp(argv[i], "--emu", 5) || !strncmp(argv[i], "--ccel", 6) ||
			   !strncmp(argv[i], "--fault", 7)) {
			fprintf(stderr, "tdx-fakefs: %s needs a value\n", argv[i]);
			return 2;
		} else {
			fargv[fargc++] = argv[i];
		}
	}
	if (fargc < 2) {
		usage(stderr);
		return 2;
	}
	fargv[fargc++] = "-f";
	fargv[fargc++] = "-s";
	fargv[fargc++] = "-o";
	fargv[fargc++] = "default_permissions,fsname=tdx-fakefs,subtype=tdx-fakefs";

	if (ccel_table && load_file(ccel_table, &st.ccel_table, &st.ccel_table_len))
		return 1;
	st.have_ccel_table = ccel_table != NULL;
	if (ccel_log && load_file(ccel_log, &st.ccel_log, &st.ccel_log_len))
		return 1;
	st.have_ccel_log = ccel_log != NULL;

	tdx_emu_config cfg;
	tdx_status s = tdx_emu_config_init(&cfg, sizeof cfg);
	if (!s)
		s = tdx_emu_config_parse(&cfg, spec);
	if (s) {
		fprintf(stderr, "tdx-fakefs: --emu '%s': %s\n", spec, tdx_strerror(s));
		return 2;
	}
	if ((s = tdx_emu_open(&st.emu, &cfg)) || (s = tdx_emu_guest(st.emu, &st.g))) {
		fprintf(stderr, "tdx-fakefs: emulator: %s\n", tdx_strerror(s));
		if (st.emu)
			tdx_emu_close(st.emu);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &st.start);
	fputs(emulated_text, stderr);

	rc = fuse_main(fargc, fargv, &ops, NULL);
	fs_destroy(NULL); /* if fuse_main failed before destroy ran */
	while (st.entries) {
		struct entry *e = st.entries;
		st.entries = e->next;
		free(e->quote);
		free(e);
	}
	free(st.ccel_table);
	free(st.ccel_log);
	free(fargv);
	return rc;
}
