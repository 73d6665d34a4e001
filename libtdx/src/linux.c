/* SPDX-License-Identifier: MIT */
/*
 * The "linux[:root=DIR]" guest backend: what a user process in a TD uses,
 * the kernel's interfaces (../shared/reference/guest.md §4):
 *   report  /dev/tdx_guest, TDX_CMD_GET_REPORT0;
 *   quote   configfs-tsm /sys/kernel/config/tsm/report (own entry, provider
 *           check, inblob, outblob, generation re-checked, entry removed);
 *   RTMR    /sys/devices/virtual/misc/tdx_guest/measurements/rtmrN:sha384
 *           (Linux 6.16+; a write of 48 bytes extends).
 * root prefixes every path (tests, containers).  Each failure names the
 * path and the cause in words, and what to do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_backend.h"
#include "layout.h"

#define DEV_TDX_GUEST "/dev/tdx_guest"
#define CONFIGFS "/sys/kernel/config"
#define TSM_REPORT CONFIGFS "/tsm/report"
#define MEASUREMENTS "/sys/devices/virtual/misc/tdx_guest/measurements"
#define CCEL_LOG "/sys/firmware/acpi/tables/data/CCEL"
/* The CCEL log area is the firmware's reserved memory, a few MiB at most. */
#define EVENTLOG_MAX (64u << 20)
#define QUOTE_RACE_RETRIES 3
/* Path buffers: root (1023) + a fixed path; an entry; an entry's attribute. */
#define PATH_MAX_ROOTED 1400
#define PATH_MAX_ENTRY 1500
#define PATH_MAX_ATTR 1600

/* include/uapi/linux/tdx-guest.h: struct tdx_report_req and its ioctl. */
struct tdx_report_req {
	uint8_t reportdata[REPORT_DATA_SIZE];
	uint8_t tdreport[TDREPORT_SIZE];
};
#define TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct tdx_report_req)
_Static_assert(sizeof(struct tdx_report_req) == 1088, "tdx_report_req (guest.md §4.1)");
_Static_assert(TDX_CMD_GET_REPORT0 == 0xC4405401, "TDX_CMD_GET_REPORT0 (guest.md §4.1)");

typedef struct linux_ctx {
	char root[1024];
	unsigned counter; /* names this process's configfs entries */
} linux_ctx;

static void path(const linux_ctx *c, char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s%s", c->root, rel);
}

static int exists(const linux_ctx *c, const char *rel)
{
	char p[PATH_MAX_ROOTED];
	struct stat st;

	path(c, p, sizeof(p), rel);
	return stat(p, &st) == 0;
}

/* An OS failure on `p`, its errno in words and what to do. */
static int os_fail(const char *fn, int err, const char *p, const char *what, const char *todo)
{
	return tdx__error_set(tdx__errno_code(err), TDX_LAYER_OS, 0, err, fn, "%s %s: %s%s%s", what,
			      p, strerror(err), todo ? "; " : "", todo ? todo : "");
}

static int linux_tdcall(void *ctx, tdx_regs *regs)
{
	(void)ctx;
	(void)regs;
	return tdx__fail(TDX_E_NOT_SUPPORTED, "a user process cannot execute TDCALL: the linux "
			 "backend offers reports, quotes and RTMR extends through the kernel "
			 "(tdx_guest_get_report, tdx_guest_get_quote, tdx_guest_rtmr_extend)");
}

static int linux_get_report(void *ctx, const uint8_t *report_data, uint8_t *report)
{
	linux_ctx *c = ctx;
	struct tdx_report_req req;
	char p[PATH_MAX_ROOTED];
	int fd, rc, err;

	path(c, p, sizeof(p), DEV_TDX_GUEST);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return os_fail("tdx_guest_get_report", err, p, "cannot open",
			       err == ENOENT ? "the tdx_guest driver is not loaded (modprobe tdx_guest), "
					       "or this is not a TD"
			       : err == EACCES || err == EPERM ? "run as root or give this user access "
								 "to the device" : NULL);
	}
	memset(&req, 0, sizeof(req));
	memcpy(req.reportdata, report_data, REPORT_DATA_SIZE);
	rc = ioctl(fd, TDX_CMD_GET_REPORT0, &req);
	err = errno;
	close(fd);
	if (rc < 0) {
		/* The driver maps TDG.MR.REPORT's statuses: invalid operand -ENXIO
		 * (-EINVAL before 6.16), busy -EBUSY, other failures -EIO. */
		if (err == ENOTTY)
			return os_fail("tdx_guest_get_report", err, p, "TDX_CMD_GET_REPORT0 on",
				       "this kernel's driver does not offer the report ioctl");
		if (err == ENXIO || err == EINVAL || err == EIO)
			return tdx__error_set(TDX_E_TDCALL, TDX_LAYER_OS, 0, err, "tdx_guest_get_report",
					      "TDX_CMD_GET_REPORT0 on %s: %s: the TDX module refused "
					      "TDG.MR.REPORT", p, strerror(err));
		return os_fail("tdx_guest_get_report", err, p, "TDX_CMD_GET_REPORT0 on",
			       err == EBUSY || err == EINTR ? "try again" : NULL);
	}
	memcpy(report, req.tdreport, TDREPORT_SIZE);
	return TDX_OK;
}

/* Read a small text attribute (provider, generation) into buf. */
static int read_attr(const char *p, char *buf, size_t n)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_generation(const char *entry, unsigned long *gen)
{
	char p[PATH_MAX_ATTR], buf[32], *end;
	int rc;

	snprintf(p, sizeof(p), "%s/generation", entry);
	rc = read_attr(p, buf, sizeof(buf));
	if (rc)
		return rc;
	*gen = strtoul(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

/* Read the whole outblob (configfs regenerates it on the first read). */
/* The most a quote may be: QEMU's GetQuote buffer limit (128 KiB), above
 * the kernel's own configfs-tsm outblob limit; more is not a quote. */
#define OUTBLOB_MAX (128u * 1024)

/* -EFBIG past OUTBLOB_MAX (an outblob that never ends stops there). */
static int read_outblob(const char *entry, uint8_t **out, size_t *len)
{
	char p[PATH_MAX_ATTR];
	size_t cap = 16384, n = 0;
	uint8_t *buf = malloc(cap);
	int fd, err = 0;

	snprintf(p, sizeof(p), "%s/outblob", entry);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		err = fd < 0 ? errno : ENOMEM;
		free(buf);
		if (fd >= 0)
			close(fd);
		return -err;
	}
	for (;;) {
		ssize_t r;

		if (n == cap && cap >= OUTBLOB_MAX + 1) {
			err = EFBIG;
			break;
		}
		if (n == cap) {
			uint8_t *grown = realloc(buf, cap * 2 > OUTBLOB_MAX + 1 ? OUTBLOB_MAX + 1 : cap * 2);

			if (!grown) {
				err = ENOMEM;
				break;
			}
			buf = grown;
			cap = cap * 2 > OUTBLOB_MAX + 1 ? OUTBLOB_MAX + 1 : cap * 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			err = errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return -err;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* One quote through our own configfs entry; the caller removes the entry. */
static int quote_in_entry(const char *entry, const uint8_t *report_data, uint8_t *quote,
			  size_t *len)
{
	static const char *fn = "tdx_guest_get_quote";
	char p[PATH_MAX_ATTR], provider[64];
	int rc;

	snprintf(p, sizeof(p), "%s/provider", entry);
	rc = read_attr(p, provider, sizeof(provider));
	if (rc)
		return os_fail(fn, -rc, p, "cannot read", "no TSM provider is registered (the "
			       "tdx_guest driver is not loaded, or this is not a TD)");
	if (strcmp(provider, "tdx_guest"))
		return tdx__fail(TDX_E_NOT_SUPPORTED, "%s says \"%s\", not tdx_guest: this "
				 "configfs-tsm serves another kind of confidential guest", p, provider);
	for (int attempt = 0; attempt < QUOTE_RACE_RETRIES; attempt++) {
		unsigned long gen0, gen1, gen2;
		uint8_t *blob = NULL;
		size_t n = 0;
		int fd;

		if ((rc = read_generation(entry, &gen0)))
			return os_fail(fn, -rc, entry, "cannot read the generation of", NULL);
		snprintf(p, sizeof(p), "%s/inblob", entry);
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return os_fail(fn, errno, p, "cannot open", NULL);
		if (write(fd, report_data, REPORT_DATA_SIZE) != REPORT_DATA_SIZE) {
			int err = errno;

			close(fd);
			return os_fail(fn, err, p, "cannot write 64 bytes of report data to", NULL);
		}
		close(fd);
		if ((rc = read_generation(entry, &gen1)))
			return os_fail(fn, -rc, entry, "cannot read the generation of", NULL);
		/* Someone else wrote our entry between our reads: do not read their
		 * request's quote; again. */
		if (gen1 != gen0 + 1)
			continue;
		rc = read_outblob(entry, &blob, &n);
		if (rc)
			return os_fail(fn, -rc, entry, "cannot read the quote (outblob) of",
				       -rc == EBUSY ? "a previous quote request is still in flight; "
						      "try again later"
				       : -rc == EIO ? "the GetQuote TDVMCALL failed: is the host's quote "
						      "service running?"
				       : -rc == ETIMEDOUT ? "the host's quote service did not answer "
							    "within 30 s"
				       : -rc == EFBIG ? "it is larger than any quote (128 KiB)" : NULL);
		rc = read_generation(entry, &gen2);
		if (rc) {
			free(blob);
			return os_fail(fn, -rc, entry, "cannot read the generation of", NULL);
		}
		/* Someone else wrote our entry between our write and read: again. */
		if (gen1 != gen0 + 1 || gen2 != gen1) {
			free(blob);
			continue;
		}
		if (!n) {
			free(blob);
			return tdx__error_set(TDX_E_VMCALL, TDX_LAYER_OS, 0, 0, fn,
					      "%s/outblob is empty: the host's quote service is "
					      "unreachable or too old (no quote was produced)", entry);
		}
		if (!quote || *len < n) {
			*len = n;
			free(blob);
			return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the quote is %zu bytes; pass a buffer "
					 "at least that large", n);
		}
		memcpy(quote, blob, n);
		*len = n;
		free(blob);
		return TDX_OK;
	}
	return tdx__error_set(TDX_E_RETRY, TDX_LAYER_OS, 0, 0, fn,
			      "the generation of %s changed during each of %d attempts: another "
			      "writer uses this entry; try again", entry, QUOTE_RACE_RETRIES);
}

static int linux_get_quote(void *ctx, const uint8_t *report_data, uint8_t *quote, size_t *len)
{
	static const char *fn = "tdx_guest_get_quote";
	linux_ctx *c = ctx;
	char base[PATH_MAX_ROOTED], entry[PATH_MAX_ENTRY];
	int rc;

	if (!exists(c, CONFIGFS)) {
		path(c, base, sizeof(base), CONFIGFS);
		return tdx__error_set(TDX_E_NO_DEVICE, TDX_LAYER_OS, 0, ENOENT, fn,
				      "%s does not exist: configfs is not mounted (mount -t configfs "
				      "none /sys/kernel/config)", base);
	}
	path(c, base, sizeof(base), TSM_REPORT);
	if (!exists(c, TSM_REPORT))
		return tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_OS, 0, ENOENT, fn,
				      "%s does not exist: this kernel has no configfs-tsm reports "
				      "(Linux >= 6.7 with the tdx_guest driver)", base);
	/* One entry per request: concurrent quoters never share one. */
	snprintf(entry, sizeof(entry), "%s/libtdx-%ld-%u", base, (long)getpid(),
		 __atomic_fetch_add(&c->counter, 1, __ATOMIC_RELAXED));
	if (mkdir(entry, 0700) != 0)
		return os_fail(fn, errno, entry, "cannot create the configfs-tsm entry",
			       errno == EACCES || errno == EPERM ? "run as root" : NULL);
	rc = quote_in_entry(entry, report_data, quote, len);
	rmdir(entry);
	return rc;
}

static int linux_rtmr_extend(void *ctx, unsigned index, const uint8_t *digest)
{
	static const char *fn = "tdx_guest_rtmr_extend";
	linux_ctx *c = ctx;
	char rel[128], p[1400];
	int fd;

	if (!exists(c, MEASUREMENTS)) {
		path(c, p, sizeof(p), MEASUREMENTS);
		return tdx__error_set(TDX_E_NOT_SUPPORTED, TDX_LAYER_OS, 0, ENOENT, fn,
				      "%s does not exist: this kernel has no sysfs measurement "
				      "registers (they arrived in Linux 6.16)", p);
	}
	snprintf(rel, sizeof(rel), MEASUREMENTS "/rtmr%u:sha384", index);
	path(c, p, sizeof(p), rel);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return os_fail(fn, errno, p, "cannot open",
			       errno == EACCES || errno == EPERM ? "run as root" : NULL);
	if (write(fd, digest, SHA384_SIZE) != SHA384_SIZE) {
		int err = errno;

		close(fd);
		return os_fail(fn, err, p, "cannot extend through",
			       err == EBUSY || err == EINTR ? "try again" : NULL);
	}
	close(fd);
	return TDX_OK;
}

/* 1 (no register: the caller reads a report) on kernels before 6.16. */
static int linux_rtmr_read(void *ctx, unsigned index, uint8_t *rtmr)
{
	linux_ctx *c = ctx;
	char rel[128], p[PATH_MAX_ROOTED];
	ssize_t n;
	int fd;

	if (!exists(c, MEASUREMENTS))
		return 1;
	snprintf(rel, sizeof(rel), MEASUREMENTS "/rtmr%u:sha384", index);
	path(c, p, sizeof(p), rel);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return os_fail("tdx_guest_rtmr_read", errno, p, "cannot open",
			       errno == EACCES || errno == EPERM ? "run as root" : NULL);
	n = read(fd, rtmr, SHA384_SIZE);
	close(fd);
	if (n != SHA384_SIZE)
		return os_fail("tdx_guest_rtmr_read", n < 0 ? errno : EIO, p,
			       "cannot read 48 bytes from", NULL);
	return TDX_OK;
}

static int linux_get_eventlog(void *ctx, uint8_t *log, size_t *len)
{
	linux_ctx *c = ctx;
	char p[PATH_MAX_ROOTED];
	struct stat st;
	size_t n = 0;
	int fd;

	path(c, p, sizeof(p), CCEL_LOG);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return os_fail("tdx_guest_get_eventlog", errno, p, "cannot open",
			       errno == ENOENT ? "the firmware published no CC event log (no CCEL "
						 "ACPI table)"
			       : errno == EACCES || errno == EPERM ? "run as root" : NULL);
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		close(fd);
		return tdx__fail(TDX_E_OS, "%s has no size: cannot read the event log", p);
	}
	if ((uint64_t)st.st_size > EVENTLOG_MAX) {
		close(fd);
		return tdx__fail(TDX_E_NOT_SUPPORTED, "%s claims %lld bytes, more than any CC event "
				 "log (%u MiB): refused", p, (long long)st.st_size, EVENTLOG_MAX >> 20);
	}
	if (!log || *len < (size_t)st.st_size) {
		*len = (size_t)st.st_size;
		close(fd);
		return tdx__fail(TDX_E_BUFFER_TOO_SMALL, "the event log is %zu bytes", *len);
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, log + n, (size_t)st.st_size - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return TDX_OK;
}

static void linux_capabilities(void *ctx, tdx_guest_caps *v)
{
	linux_ctx *c = ctx;
	int mr = exists(c, MEASUREMENTS);

	v->tdcall = 0;
	v->report = exists(c, DEV_TDX_GUEST);
	v->quote = exists(c, TSM_REPORT);
	v->rtmr_extend = mr;
	v->rtmr_read = mr || v->report;
	v->eventlog = exists(c, CCEL_LOG);
	snprintf(v->detail, sizeof(v->detail), "TDCALL leaves: not from user space; %s%s%s%s",
		 v->report ? "" : "reports: " DEV_TDX_GUEST " missing (driver not loaded); ",
		 v->quote ? "" : "quotes: " TSM_REPORT " missing (configfs not mounted, or "
				 "Linux < 6.7); ",
		 mr ? "" : "RTMR extend: no sysfs measurement registers (Linux < 6.16); ",
		 v->eventlog ? "" : "event log: " CCEL_LOG " missing (no CCEL table); ");
}

static void linux_close(void *ctx)
{
	free(ctx);
}

static const tdx__guest_ops linux_ops = {
	.name = "linux",
	.tdcall = linux_tdcall,
	.close = linux_close,
	.get_report = linux_get_report,
	.get_quote = linux_get_quote,
	.rtmr_extend = linux_rtmr_extend,
	.rtmr_read = linux_rtmr_read,
	.get_eventlog = linux_get_eventlog,
	.capabilities = linux_capabilities,
};

int tdx__linux_open(tdx_guest **out, const char *conf)
{
	linux_ctx *c;
	int rc;

	if (conf && *conf && strncmp(conf, "root=", 5))
		return tdx__fail(TDX_E_INVALID, "linux backend option \"%s\" is not known; use "
				 "\"linux\" or \"linux:root=DIR\"", conf);
	c = calloc(1, sizeof(*c));
	if (!c)
		return tdx__fail(TDX_E_NOMEM, "out of memory");
	if (conf && *conf) {
		if (strlen(conf + 5) >= sizeof(c->root)) {
			free(c);
			return tdx__fail(TDX_E_INVALID, "root= is longer than %zu bytes",
					 sizeof(c->root) - 1);
		}
		strcpy(c->root, conf + 5);
	}
	/* A TD's kernel offers at least one of them; say what is missing. */
	if (!exists(c, DEV_TDX_GUEST) && !exists(c, TSM_REPORT)) {
		char d[PATH_MAX_ROOTED], t[PATH_MAX_ROOTED];

		path(c, d, sizeof(d), DEV_TDX_GUEST);
		path(c, t, sizeof(t), TSM_REPORT);
		free(c);
		return tdx__fail(TDX_E_NO_DEVICE, "no TDX guest interfaces: %s is missing (the "
				 "tdx_guest driver is not loaded, or this is not a TD) and %s is "
				 "missing (configfs not mounted, or Linux < 6.7)", d, t);
	}
	rc = tdx__guest_new(out, &linux_ops, c);
	if (rc)
		free(c);
	return rc;
}
