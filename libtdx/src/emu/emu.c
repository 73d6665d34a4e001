/* SPDX-License-Identifier: MIT */
/*
 * The tdx_emu object: configuration, the TD's memory and page states, the
 * guest backend that routes TDCALLs into module.c, the host-side
 * accessors, and persistence in a state file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "../guest_backend.h"
#include "emu_internal.h"
#include "hexjson.h"

#define DEFAULT_ATTRIBUTES 0x10000000ULL /* SEPT_VE_DISABLE */
#define DEFAULT_XFAM 0x602e7ULL
/* TD ATTRIBUTES bits with a meaning (guest.md §3.4); the rest are reserved. */
#define TD_ATTRIBUTES_DEFINED 0xC0000000F8010071ULL
/* XSAVE components 0-19 but 10 (reserved); x87 and SSE always on. */
#define XFAM_DEFINED 0xFFBFFULL
#define XFAM_FIXED1 0x3ULL
#define DEFAULT_MEM (64ULL << 20)
#define DEFAULT_ACCEPTED (32ULL << 20)
#define MAX_MEM (16ULL << 30)
/* A CPUSVN no real platform reports. */
static const uint8_t emu_cpusvn[16] = { 0xE, 0xE, 0xE, 0xE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* ---- configuration ---- */

tdx_status tdx_emu_config_init(tdx_emu_config *cfg, size_t sz)
{
	return TDX_STRUCT_INIT(cfg, sz, tdx_emu_config);
}

static int parse_u64(const char *key, const char *v, uint64_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || end == v || *end)
		return tdx__fail(TDX_E_INVALID, "emu: %s=%s is not a number", key, v);
	*out = x;
	return TDX_OK;
}

static int parse_size(const char *key, const char *v, uint64_t *out)
{
	char *end;
	unsigned long long x;
	uint64_t mult = 1;

	errno = 0;
	x = strtoull(v, &end, 0);
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1ULL << 20, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1ULL << 30, end++;
	if (errno || end == v || *end || x > MAX_MEM / mult)
		return tdx__fail(TDX_E_INVALID, "emu: %s=%s is not a size (e.g. 64M; at most 16G)",
				 key, v);
	*out = x * mult;
	return TDX_OK;
}

static int parse_hex48(const char *key, const char *v, uint8_t out[48])
{
	if (strlen(v) != 96)
		return tdx__fail(TDX_E_INVALID, "emu: %s needs 96 hex digits (48 bytes), got %zu",
				 key, strlen(v));
	if (tdx__unhex(v, out, 48))
		return tdx__fail(TDX_E_INVALID, "emu: %s must be 96 hex digits (0-9, a-f) and "
				 "nothing else", key);
	return TDX_OK;
}

static int parse_pair(tdx_emu_config *c, const char *key, const char *v)
{
	uint64_t n = 0;
	int rc = TDX_OK;

	if (!strcmp(key, "module")) {
		if (!strcmp(v, "1.0"))
			c->module_version = 10;
		else if (!strcmp(v, "1.5"))
			c->module_version = 15;
		else
			rc = tdx__fail(TDX_E_INVALID, "emu: module=%s: use 1.0 or 1.5", v);
	} else if (!strcmp(key, "attributes")) {
		rc = parse_u64(key, v, &c->attributes);
	} else if (!strcmp(key, "xfam")) {
		rc = parse_u64(key, v, &c->xfam);
	} else if (!strcmp(key, "mrtd")) {
		rc = parse_hex48(key, v, c->mrtd);
	} else if (!strcmp(key, "mrconfigid")) {
		rc = parse_hex48(key, v, c->mrconfigid);
	} else if (!strcmp(key, "mrowner")) {
		rc = parse_hex48(key, v, c->mrowner);
	} else if (!strcmp(key, "mrownerconfig")) {
		rc = parse_hex48(key, v, c->mrownerconfig);
	} else if (!strcmp(key, "mem")) {
		rc = parse_size(key, v, &c->mem_size);
	} else if (!strcmp(key, "accepted")) {
		rc = parse_size(key, v, &c->accepted_size);
	} else if (!strcmp(key, "state")) {
		if (strlen(v) >= sizeof(c->state_file))
			return tdx__fail(TDX_E_INVALID, "emu: state file path is longer than %zu bytes",
					 sizeof(c->state_file) - 1);
		strcpy(c->state_file, v);
	} else if (!strcmp(key, "gpaw") || !strcmp(key, "vcpus") || !strcmp(key, "vcpu") ||
		   !strcmp(key, "l2") || !strcmp(key, "servtd")) {
		rc = parse_u64(key, v, &n);
		if (!rc && n > 0xFFFF)
			rc = tdx__fail(TDX_E_INVALID, "emu: %s=%s is out of range", key, v);
		if (!rc && key[0] == 'g')
			c->gpaw = (unsigned)n;
		else if (!rc && !strcmp(key, "vcpus"))
			c->num_vcpus = (unsigned)n;
		else if (!rc && !strcmp(key, "vcpu"))
			c->vcpu_index = (unsigned)n;
		else if (!rc && key[0] == 'l')
			c->num_l2_vms = (unsigned)n;
		else if (!rc)
			c->servtd = n != 0;
	} else {
		rc = tdx__fail(TDX_E_INVALID, "emu: unknown key \"%s\"; keys: module, attributes, "
			       "xfam, mrtd, mrconfigid, mrowner, mrownerconfig, gpaw, vcpus, vcpu, l2, "
			       "mem, accepted, servtd, state", key);
	}
	return rc;
}

tdx_status tdx_emu_config_parse(tdx_emu_config *cfg, const char *spec)
{
	char buf[2048], *save = NULL, *tok;
	tdx_emu_config c;
	int rc;

	if (!cfg)
		return tdx__fail(TDX_E_INVALID, "cfg is NULL; pass a tdx_emu_config set up with "
				 "TDX_OPTS");
	rc = TDX_STRUCT_CHECK(cfg, tdx_emu_config);
	if (rc)
		return rc;
	if (!spec)
		return TDX_OK;
	if (strlen(spec) >= sizeof(buf))
		return tdx__fail(TDX_E_INVALID, "emu spec is longer than %zu bytes", sizeof(buf) - 1);
	/* Work on a copy so a bad key leaves cfg as it was. */
	memset(&c, 0, sizeof(c));
	memcpy(&c, cfg, cfg->sz < sizeof(c) ? cfg->sz : sizeof(c));
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return tdx__fail(TDX_E_INVALID, "emu: \"%s\" is not key=value", tok);
		*eq = '\0';
		rc = parse_pair(&c, tok, eq + 1);
		if (rc)
			return rc;
	}
	c.sz = cfg->sz;
	memcpy(cfg, &c, cfg->sz < sizeof(c) ? cfg->sz : sizeof(c));
	return TDX_OK;
}

static void sha384_str(const char *s, uint8_t out[48])
{
	unsigned n = 0;

	EVP_Digest(s, strlen(s), out, &n, EVP_sha384(), NULL);
}

/* Fill defaults into zero fields and check the result. */
static int complete_config(tdx_emu_config *c)
{
	static const uint8_t zero[48];

	if (!c->module_version)
		c->module_version = 15;
	if (!c->attributes)
		c->attributes = DEFAULT_ATTRIBUTES;
	if (!c->xfam)
		c->xfam = DEFAULT_XFAM;
	if (!memcmp(c->mrtd, zero, 48))
		sha384_str("libtdx emulated TD", c->mrtd);
	if (!c->gpaw)
		c->gpaw = 48;
	if (!c->num_vcpus)
		c->num_vcpus = 1;
	if (!c->mem_size)
		c->mem_size = DEFAULT_MEM;
	if (!c->accepted_size)
		c->accepted_size = c->mem_size < DEFAULT_ACCEPTED ? c->mem_size : DEFAULT_ACCEPTED;
	/* What TDH.MNG.INIT would refuse: reserved ATTRIBUTES bits, XFAM outside
	 * the XSAVE components TDX knows or without x87 and SSE (XFAM_FIXED1). */
	if (c->attributes & ~TD_ATTRIBUTES_DEFINED)
		return tdx__fail(TDX_E_INVALID, "attributes 0x%llx set reserved bits 0x%llx",
				 (unsigned long long)c->attributes,
				 (unsigned long long)(c->attributes & ~TD_ATTRIBUTES_DEFINED));
	if ((c->xfam & ~XFAM_DEFINED) || (c->xfam & XFAM_FIXED1) != XFAM_FIXED1)
		return tdx__fail(TDX_E_INVALID, "xfam 0x%llx is not a TD's XFAM (bits 0x%llx "
				 "allowed; x87 and SSE required)", (unsigned long long)c->xfam,
				 (unsigned long long)XFAM_DEFINED);
	if (c->module_version != 10 && c->module_version != 15)
		return tdx__fail(TDX_E_INVALID, "module_version %u: use 10 (TDX 1.0) or 15 (TDX 1.5)",
				 c->module_version);
	if (c->gpaw != 48 && c->gpaw != 52)
		return tdx__fail(TDX_E_INVALID, "gpaw %u: TDs have a GPAW of 48 or 52", c->gpaw);
	if (c->vcpu_index >= c->num_vcpus)
		return tdx__fail(TDX_E_INVALID, "vcpu index %u is not below the %u vCPUs",
				 c->vcpu_index, c->num_vcpus);
	if (c->num_l2_vms > EMU_MAX_L2 || (c->num_l2_vms && c->module_version < 15))
		return tdx__fail(TDX_E_INVALID, "%u L2 VMs: TDX 1.5 TDs have 0..3, TDX 1.0 TDs none",
				 c->num_l2_vms);
	if (c->mem_size % EMU_PAGE || c->mem_size > MAX_MEM || c->mem_size > (1ULL << (c->gpaw - 1)))
		return tdx__fail(TDX_E_INVALID, "mem 0x%llx must be a multiple of 4 KiB, at most 16 GiB",
				 (unsigned long long)c->mem_size);
	if (c->accepted_size % EMU_PAGE || c->accepted_size > c->mem_size ||
	    c->accepted_size < TDX_SCRATCH_SIZE)
		return tdx__fail(TDX_E_INVALID, "accepted 0x%llx must be a multiple of 4 KiB between "
				 "64 KiB (libtdx's buffers live below it) and mem",
				 (unsigned long long)c->accepted_size);
	return TDX_OK;
}

/* ---- memory ---- */

uint8_t *tdx__emu_mem(struct tdx_emu *e, uint64_t gpa, uint64_t len)
{
	gpa &= ~emu_shared_bit(e);
	if (gpa > e->mem_size || len > e->mem_size - gpa)
		return NULL;
	return e->mem + gpa;
}

uint8_t *tdx__emu_page_state(struct tdx_emu *e, uint64_t gpa)
{
	if (gpa >= e->mem_size)
		return NULL;
	return &e->page_state[gpa / EMU_PAGE];
}

/* A 2M chunk is mapped as one 2M page when it is whole and uniform. */
static void map_chunks(struct tdx_emu *e)
{
	uint64_t pages = EMU_2M / EMU_PAGE;

	for (uint64_t c = 0; c < (e->mem_size + EMU_2M - 1) / EMU_2M; c++) {
		uint64_t first = c * pages;

		e->map_2m[c] = (c + 1) * EMU_2M <= e->mem_size && e->page_state[first] != PAGE_SHARED;
		for (uint64_t p = first + 1; e->map_2m[c] && p < first + pages; p++)
			if (e->page_state[p] != e->page_state[first])
				e->map_2m[c] = 0;
	}
}

static int alloc_memory(struct tdx_emu *e)
{
	uint64_t pages = e->mem_size / EMU_PAGE;

	e->mem = mmap(NULL, e->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (e->mem == MAP_FAILED) {
		e->mem = NULL;
		return tdx__fail_os(errno, "cannot reserve %llu bytes for the TD's memory",
				    (unsigned long long)e->mem_size);
	}
	e->page_state = calloc(pages, 1);
	e->map_2m = calloc((e->mem_size + EMU_2M - 1) / EMU_2M, 1);
	e->l2_attr = calloc(pages, sizeof(*e->l2_attr));
	if (!e->page_state || !e->map_2m || !e->l2_attr)
		return tdx__fail(TDX_E_NOMEM, "out of memory for the TD's page tables");
	memset(e->page_state, PAGE_ACCEPTED, e->cfg.accepted_size / EMU_PAGE);
	return TDX_OK;
}

/* ---- persistence ---- */

#define STATE_MAGIC "LIBTDX-EMU-STATE"
#define STATE_FORMAT 1

/* The TD configuration as stored: fixed-width fields, no padding. */
typedef struct saved_config {
	uint64_t module_version, attributes, xfam, gpaw, num_vcpus, vcpu_index, num_l2_vms;
	uint64_t mem_size, accepted_size, servtd;
	uint8_t mrtd[48], mrconfigid[48], mrowner[48], mrownerconfig[48];
} saved_config;

static void to_saved(const tdx_emu_config *c, saved_config *s)
{
	memset(s, 0, sizeof(*s));
	s->module_version = c->module_version;
	s->attributes = c->attributes;
	s->xfam = c->xfam;
	s->gpaw = c->gpaw;
	s->num_vcpus = c->num_vcpus;
	s->vcpu_index = c->vcpu_index;
	s->num_l2_vms = c->num_l2_vms;
	s->mem_size = c->mem_size;
	s->accepted_size = c->accepted_size;
	s->servtd = (uint64_t)c->servtd;
	memcpy(s->mrtd, c->mrtd, 48);
	memcpy(s->mrconfigid, c->mrconfigid, 48);
	memcpy(s->mrowner, c->mrowner, 48);
	memcpy(s->mrownerconfig, c->mrownerconfig, 48);
}

/* Sizes of the variable parts for a memory size. */
static size_t state_size(uint64_t mem_size)
{
	uint64_t pages = mem_size / EMU_PAGE;

	return 16 + 4 + sizeof(saved_config) + sizeof(emu_td) + pages +
	       (mem_size + EMU_2M - 1) / EMU_2M + pages * sizeof(uint16_t[EMU_MAX_L2]) + 32;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned len = 0;

	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

/* Write all of buf to fd; 0 or -1 with errno. */
static int write_all(int fd, const uint8_t *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync the directory holding path, so a rename in it is durable. */
static int sync_dir(const char *path)
{
	char dir[sizeof(((tdx_emu_config *)0)->state_file)];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Persist the TD: a new temporary file (O_CREAT | O_EXCL | O_NOFOLLOW, mode
 * 0600: it holds the platform seed behind the report MAC and quoting keys;
 * a planted file or link there is removed, never followed), written and
 * fsync'ed, renamed over the state file, the directory fsync'ed.  Called
 * with the lock held after every change the TD made, so what a call
 * acknowledged survives a crash.
 */
static int save_state(struct tdx_emu *e)
{
	uint64_t pages = e->mem_size / EMU_PAGE;
	size_t size = state_size(e->mem_size), off = 0;
	uint8_t *buf = malloc(size);
	uint32_t format = STATE_FORMAT;
	saved_config sc;
	char tmp[sizeof(e->cfg.state_file) + 16];
	int fd = -1, err = 0;

	if (!buf)
		return tdx__fail(TDX_E_NOMEM, "out of memory saving the emulator state");
	to_saved(&e->cfg, &sc);
#define PUT(p, n) (memcpy(buf + off, (p), (n)), off += (n))
	PUT(STATE_MAGIC, 16);
	PUT(&format, 4);
	PUT(&sc, sizeof(sc));
	PUT(&e->td, sizeof(e->td));
	PUT(e->page_state, pages);
	PUT(e->map_2m, (e->mem_size + EMU_2M - 1) / EMU_2M);
	PUT(e->l2_attr, pages * sizeof(*e->l2_attr));
#undef PUT
	sha256(buf, off, buf + off);

	snprintf(tmp, sizeof(tmp), "%s.tmp", e->cfg.state_file);
	for (int attempt = 0; attempt < 2 && fd < 0; attempt++) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST && !attempt)
			unlink(tmp); /* left by a crash, or planted: the name, not its target */
		else if (fd < 0)
			break;
	}
	if (fd < 0 || write_all(fd, buf, size) || fsync(fd))
		err = errno ? errno : EIO;
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	free(buf);
	if (!err && rename(tmp, e->cfg.state_file))
		err = errno;
	if (!err && sync_dir(e->cfg.state_file))
		err = errno;
	if (err) {
		if (fd >= 0)
			unlink(tmp);
		return tdx__fail_os(err, "cannot save the emulated TD to %s: %s", e->cfg.state_file,
				    strerror(err));
	}
	return TDX_OK;
}

/* A state file's contents within the ranges the module works with. */
static int state_valid(const struct tdx_emu *e, const uint8_t *page_state, const uint8_t *map_2m,
		       const uint16_t (*l2)[EMU_MAX_L2])
{
	uint64_t pages = e->mem_size / EMU_PAGE, per = EMU_2M / EMU_PAGE;

	for (uint64_t p = 0; p < pages; p++) {
		if (page_state[p] > PAGE_SHARED)
			return 0;
		for (unsigned vm = 0; vm < EMU_MAX_L2; vm++)
			if (l2[p][vm] > 0xFF || (l2[p][vm] && vm >= e->cfg.num_l2_vms))
				return 0;
	}
	for (uint64_t c = 0; c < (e->mem_size + EMU_2M - 1) / EMU_2M; c++) {
		if (map_2m[c] > 1)
			return 0;
		if (!map_2m[c])
			continue;
		/* A 2M mapping: a whole chunk, one state, not shared. */
		if ((c + 1) * EMU_2M > e->mem_size || page_state[c * per] == PAGE_SHARED)
			return 0;
		for (uint64_t p = c * per; p < (c + 1) * per; p++)
			if (page_state[p] != page_state[c * per])
				return 0;
	}
	return e->td.cpuid_supervisor_ve <= 1 && e->td.cpuid_user_ve <= 1;
}

/*
 * Load a state file; refuse (and leave alone) anything not ours, damaged,
 * out of range, not a regular file, or writable by others.  Its size is
 * checked against its header before the rest is read.
 */
static int load_state(struct tdx_emu *e, const tdx_emu_config *want, int *loaded)
{
	const char *path = want->state_file;
	uint8_t *buf = NULL, digest[32], head[16 + 4 + sizeof(saved_config)];
	saved_config sc, mine;
	uint32_t format;
	struct stat st;
	size_t off = 0, size;
	int fd, rc = TDX_OK;

	*loaded = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return TDX_OK; /* a new TD */
		return tdx__fail_os(errno, "cannot open the emulator state %s: %s%s", path,
				    strerror(errno), errno == ELOOP ? " (it is a symbolic link: "
				    "give the file's own path)" : "");
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tdx__fail(TDX_E_INVALID, "%s is not a regular file; it was left untouched",
				 path);
	}
	if (st.st_mode & S_IWOTH) {
		close(fd);
		return tdx__fail(TDX_E_PERM, "%s is writable by everyone (mode %03o): anyone could "
				 "change the TD or its keys; chmod 600 it, or remove it",
				 path, (unsigned)(st.st_mode & 0777));
	}
	/* Not ours (magic), then damaged (size, checksum): either way untouched. */
	if (read(fd, head, sizeof(head)) != (ssize_t)sizeof(head) ||
	    memcmp(head, STATE_MAGIC, 16)) {
		close(fd);
		return tdx__fail(TDX_E_INVALID, "%s is not a libtdx emulator state file (or is "
				 "truncated); it was left untouched: remove it or choose another "
				 "state=FILE", path);
	}
	memcpy(&format, head + 16, 4);
	memcpy(&sc, head + 20, sizeof(sc));
	if (format != STATE_FORMAT) {
		close(fd);
		return tdx__fail(TDX_E_INVALID, "%s is a libtdx emulator state file of format %u, "
				 "not %u; it was left untouched: remove it or choose another "
				 "state=FILE", path, format, STATE_FORMAT);
	}
	if (!sc.mem_size || sc.mem_size % EMU_PAGE || sc.mem_size > MAX_MEM ||
	    (uint64_t)st.st_size != state_size(sc.mem_size)) {
		close(fd);
		return tdx__fail(TDX_E_INVALID, "%s is corrupt (its size does not match its "
				 "contents); it was left untouched: remove it to start a new TD", path);
	}
	size = (size_t)st.st_size;
	buf = malloc(size);
	if (!buf) {
		close(fd);
		return tdx__fail(TDX_E_NOMEM, "out of memory reading the emulator state %s", path);
	}
	memcpy(buf, head, sizeof(head));
	for (size_t got = sizeof(head); got < size;) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			free(buf);
			return tdx__fail(TDX_E_OS, "cannot read the emulator state %s", path);
		}
		got += (size_t)r;
	}
	close(fd);
	sha256(buf, size - 32, digest);
	if (memcmp(digest, buf + size - 32, 32)) {
		rc = tdx__fail(TDX_E_INVALID, "%s is corrupt (its checksum does not match); it "
			       "was left untouched: remove it to start a new TD", path);
		goto out;
	}
	/* Fields the caller set must match the stored TD; the rest come from it. */
	to_saved(want, &mine);
#define MUST_MATCH(field, name)                                                          \
	if (mine.field && memcmp(&mine.field, &sc.field, sizeof(sc.field))) {            \
		rc = tdx__fail(TDX_E_STATE, "%s holds a TD whose %s differs from the one " \
			       "requested; drop that setting or remove the file", path, name); \
		goto out;                                                                 \
	}
	MUST_MATCH(module_version, "module version")
	MUST_MATCH(attributes, "attributes")
	MUST_MATCH(xfam, "xfam")
	MUST_MATCH(gpaw, "gpaw")
	MUST_MATCH(num_vcpus, "vcpu count")
	MUST_MATCH(vcpu_index, "vcpu index")
	MUST_MATCH(num_l2_vms, "L2 VM count")
	MUST_MATCH(mem_size, "memory size")
	MUST_MATCH(accepted_size, "accepted size")
	MUST_MATCH(servtd, "servtd setting")
#undef MUST_MATCH
	{
		static const uint8_t zero[48];
		const uint8_t *w[] = { mine.mrtd, mine.mrconfigid, mine.mrowner, mine.mrownerconfig };
		const uint8_t *s[] = { sc.mrtd, sc.mrconfigid, sc.mrowner, sc.mrownerconfig };

		for (int i = 0; i < 4; i++)
			if (memcmp(w[i], zero, 48) && memcmp(w[i], s[i], 48)) {
				rc = tdx__fail(TDX_E_STATE, "%s holds a TD with different "
					       "measurements; drop them or remove the file", path);
				goto out;
			}
	}
	e->cfg.module_version = (unsigned)sc.module_version;
	e->cfg.attributes = sc.attributes;
	e->cfg.xfam = sc.xfam;
	e->cfg.gpaw = (unsigned)sc.gpaw;
	e->cfg.num_vcpus = (unsigned)sc.num_vcpus;
	e->cfg.vcpu_index = (unsigned)sc.vcpu_index;
	e->cfg.num_l2_vms = (unsigned)sc.num_l2_vms;
	e->cfg.mem_size = sc.mem_size;
	e->cfg.accepted_size = sc.accepted_size;
	e->cfg.servtd = (int)sc.servtd;
	memcpy(e->cfg.mrtd, sc.mrtd, 48);
	memcpy(e->cfg.mrconfigid, sc.mrconfigid, 48);
	memcpy(e->cfg.mrowner, sc.mrowner, 48);
	memcpy(e->cfg.mrownerconfig, sc.mrownerconfig, 48);
	rc = complete_config(&e->cfg);
	if (rc)
		goto out;
	/* A stored 0 would be completed to a default the file has no room for. */
	if (e->cfg.mem_size != sc.mem_size || e->cfg.accepted_size != sc.accepted_size) {
		rc = tdx__fail(TDX_E_INVALID, "%s is corrupt (its memory sizes are not a TD's); "
			       "it was left untouched: remove it to start a new TD", path);
		goto out;
	}
	e->mem_size = e->cfg.mem_size;
	rc = alloc_memory(e);
	if (rc)
		goto out;
	off = 20 + sizeof(sc);
	memcpy(&e->td, buf + off, sizeof(e->td));
	off += sizeof(e->td);
	memcpy(e->page_state, buf + off, e->mem_size / EMU_PAGE);
	off += e->mem_size / EMU_PAGE;
	memcpy(e->map_2m, buf + off, (e->mem_size + EMU_2M - 1) / EMU_2M);
	off += (e->mem_size + EMU_2M - 1) / EMU_2M;
	memcpy(e->l2_attr, buf + off, e->mem_size / EMU_PAGE * sizeof(*e->l2_attr));
	if (!state_valid(e, e->page_state, e->map_2m, e->l2_attr)) {
		rc = tdx__fail(TDX_E_INVALID, "%s is corrupt (page states, mappings or attributes "
			       "out of range); it was left untouched: remove it to start a new TD",
			       path);
		goto out;
	}
	*loaded = 1;
out:
	free(buf);
	return rc;
}

/* ---- the object ---- */

static void emu_free(struct tdx_emu *e)
{
	if (e->mem)
		munmap(e->mem, e->mem_size);
	free(e->page_state);
	free(e->map_2m);
	free(e->l2_attr);
	tdx__qe_destroy(e->qe);
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	pthread_mutex_destroy(&e->lock);
	pthread_mutex_destroy(&e->stage_lock);
	free(e);
}

/* Everything that follows from the seed and the module version. */
static int derive_platform(struct tdx_emu *e)
{
	unsigned len = 0;
	int rc;

	e->config_flags = (e->cfg.gpaw == 52 ? 1 : 0) | (e->cfg.module_version >= 15 ? 2 : 0);
	sha384_str(e->cfg.module_version >= 15 ? "libtdx emulated TDX module 1.5"
					       : "libtdx emulated TDX module 1.0", e->mrseam);
	memcpy(e->cpusvn, emu_cpusvn, sizeof(e->cpusvn));
	if (!HMAC(EVP_sha256(), e->td.seed, sizeof(e->td.seed), (const uint8_t *)"report MAC key",
		  14, e->mac_key, &len))
		return tdx__fail(TDX_E_NOMEM, "cannot derive the emulator's report MAC key");
	rc = tdx__qe_create(&e->qe, e->td.seed, NULL);
	return rc;
}

static void new_td(struct tdx_emu *e)
{
	RAND_bytes(e->td.seed, sizeof(e->td.seed));
	for (int i = 0; i < 4; i++) {
		memcpy(&e->td.target_uuid[i], e->td.seed + 8 * ((i + 1) % 4), 8);
		e->td.target_pre_import_uuid[i] = e->td.target_uuid[i] ^ 0x5A5A5A5A5A5A5A5AULL;
	}
	e->td.target_mig_version = 1;
	map_chunks(e);
}

static int lock_state_file(struct tdx_emu *e, const char *path)
{
	char lock[sizeof(e->cfg.state_file) + 16];

	snprintf(lock, sizeof(lock), "%s.lock", path);
	e->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (e->lock_fd < 0)
		return tdx__fail_os(errno, "cannot create the lock file %s: %s", lock, strerror(errno));
	if (flock(e->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return tdx__fail(TDX_E_RETRY, "the emulated TD in %s is open in another process or "
				 "handle; close that first", path);
	return TDX_OK;
}

tdx_status tdx_emu_open(tdx_emu **out, const tdx_emu_config *cfg)
{
	struct tdx_emu *e;
	int rc, loaded = 0;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_emu pointer");
	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating the emulator");
	{
		/* Recursive: a host hook answering a TDVMCALL (under the lock) may
		 * read the TD's memory through the public accessors. */
		pthread_mutexattr_t attr;

		pthread_mutexattr_init(&attr);
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&e->lock, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	pthread_mutex_init(&e->stage_lock, NULL);
	e->lock_fd = -1;
	e->refs = 1;
	e->cfg.sz = sizeof(e->cfg);
	if (cfg) {
		rc = TDX_STRUCT_CHECK(cfg, tdx_emu_config);
		if (rc)
			goto fail;
		memcpy(&e->cfg, cfg, cfg->sz < sizeof(e->cfg) ? cfg->sz : sizeof(e->cfg));
		e->cfg.sz = sizeof(e->cfg);
		e->cfg.state_file[sizeof(e->cfg.state_file) - 1] = '\0';
	}
	if (e->cfg.state_file[0]) {
		rc = lock_state_file(e, e->cfg.state_file);
		if (!rc)
			rc = load_state(e, &e->cfg, &loaded);
		if (rc)
			goto fail;
	}
	if (!loaded) {
		rc = complete_config(&e->cfg);
		if (rc)
			goto fail;
		e->mem_size = e->cfg.mem_size;
		rc = alloc_memory(e);
		if (rc)
			goto fail;
		new_td(e);
	}
	rc = derive_platform(e);
	if (rc)
		goto fail;
	*out = e;
	return TDX_OK;
fail:
	e->cfg.state_file[0] = '\0'; /* a refused file is left untouched */
	emu_free(e);
	return rc;
}

static void emu_unref(struct tdx_emu *e)
{
	int last;

	pthread_mutex_lock(&e->lock);
	last = --e->refs == 0;
	pthread_mutex_unlock(&e->lock);
	if (!last)
		return;
	if (e->cfg.state_file[0])
		save_state(e); /* a failure is recorded in tdx_error_last() */
	emu_free(e);
}

void tdx_emu_close(tdx_emu *emu)
{
	if (emu)
		emu_unref(emu);
}

/* ---- the guest backend ---- */

/* Does this TDCALL leaf change what the state file keeps?  (Its RTMRs,
 * metadata, CPUID #VE controls, page states and mappings, L2 attributes,
 * service-TD binding; TDG.VP.VMCALL: MapGPA's page states.) */
static int mutates(const tdx_regs *in)
{
	switch (in->rax & 0xFFFF) {
	case 0: return in->r10 == 0 && in->r11 == 0x10001;
	case 2: case 5: case 6: case 8: case 10: case 20: case 24: case 25: return 1;
	default: return 0;
	}
}

int tdx__emu_execute(struct tdx_emu *e, tdx_regs *regs)
{
	tdx_regs in = *regs;
	int rc;

	pthread_mutex_lock(&e->lock);
	rc = tdx__emu_tdcall(e, regs);
	/* What the TD is told succeeded must survive a crash: saved first.
	 * If it cannot be, the call fails (its effect stays in memory). */
	if (!rc && e->cfg.state_file[0] && mutates(&in) && !(regs->rax >> 63))
		rc = save_state(e);
	pthread_mutex_unlock(&e->lock);
	return rc;
}

int tdx__emu_transport(void *ctx, tdx_regs *regs)
{
	int rc = tdx__emu_execute(ctx, regs);

	/* Deferred: the platform belongs to a TD of the emulated KVM, whose
	 * exits only its own guest side can wait for. */
	if (rc == 1)
		return tdx__fail(TDX_E_STATE, "this TD's TDVMCALLs go to its VMM: use the guest "
				 "side from tdx_vm_guest, not tdx_emu_guest on tdx_vm_emu");
	return rc;
}

void tdx__emu_stage(struct tdx_emu *e, int hold)
{
	if (hold)
		pthread_mutex_lock(&e->stage_lock);
	else
		pthread_mutex_unlock(&e->stage_lock);
}

static void emu_stage(void *ctx, int hold)
{
	tdx__emu_stage(ctx, hold);
}

/* libtdx's buffers: the last 64 KiB below the accepted boundary. */
static int emu_scratch(void *ctx, uint64_t *gpa)
{
	struct tdx_emu *e = ctx;

	*gpa = e->cfg.accepted_size - TDX_SCRATCH_SIZE;
	return TDX_OK;
}

static int emu_guest_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return tdx_emu_mem_read(ctx, gpa, buf, len);
}

static int emu_guest_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return tdx_emu_mem_write(ctx, gpa, buf, len);
}

static void emu_guest_close(void *ctx)
{
	emu_unref(ctx);
}

static const tdx__guest_ops emu_ops = {
	.name = "emu",
	.tdcall = tdx__emu_transport,
	.scratch = emu_scratch,
	.stage = emu_stage,
	.mem_read = emu_guest_read,
	.mem_write = emu_guest_write,
	.close = emu_guest_close,
};

#define CHECK_EMU(e)                                                                 \
	do {                                                                         \
		if (!(e))                                                            \
			return tdx__fail(TDX_E_INVALID, "emu is NULL; open one with " \
					 "tdx_emu_open");                            \
	} while (0)

tdx_status tdx_emu_guest(tdx_emu *emu, tdx_guest **out)
{
	int rc;

	CHECK_EMU(emu);
	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_guest pointer");
	*out = NULL;
	rc = tdx__guest_new(out, &emu_ops, emu);
	if (rc)
		return rc;
	pthread_mutex_lock(&emu->lock);
	emu->refs++;
	pthread_mutex_unlock(&emu->lock);
	return TDX_OK;
}

static int mem_range(struct tdx_emu *e, uint64_t gpa, const void *buf, size_t len, uint8_t **p)
{
	if (!buf && len)
		return tdx__fail(TDX_E_INVALID, "buf is NULL");
	*p = tdx__emu_mem(e, gpa, len);
	if (!*p)
		return tdx__fail(TDX_E_INVALID, "GPA range 0x%llx+0x%zx is outside the TD's 0x%llx "
				 "bytes of memory", (unsigned long long)gpa, len,
				 (unsigned long long)e->mem_size);
	return TDX_OK;
}

tdx_status tdx_emu_mem_read(tdx_emu *emu, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *p = NULL;
	int rc;

	CHECK_EMU(emu);
	pthread_mutex_lock(&emu->lock);
	rc = mem_range(emu, gpa, buf, len, &p);
	if (!rc && len)
		memcpy(buf, p, len);
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

tdx_status tdx_emu_mem_write(tdx_emu *emu, uint64_t gpa, const void *buf, size_t len)
{
	uint8_t *p = NULL;
	int rc;

	CHECK_EMU(emu);
	pthread_mutex_lock(&emu->lock);
	rc = mem_range(emu, gpa, buf, len, &p);
	if (!rc && len)
		memcpy(p, buf, len);
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

tdx_status tdx_emu_inject_ve(tdx_emu *emu, const tdx_ve_info *ve)
{
	int rc;

	CHECK_EMU(emu);
	if (!ve)
		return tdx__fail(TDX_E_INVALID, "ve is NULL; describe the #VE to inject");
	rc = TDX_STRUCT_CHECK(ve, tdx_ve_info);
	if (rc)
		return rc;
	pthread_mutex_lock(&emu->lock);
	memset(&emu->ve, 0, sizeof(emu->ve));
	memcpy(&emu->ve, ve, ve->sz < sizeof(emu->ve) ? ve->sz : sizeof(emu->ve));
	emu->ve_valid = 1;
	pthread_mutex_unlock(&emu->lock);
	return TDX_OK;
}

/* Copy n bytes out under the (in: capacity, out: size) convention. */
static int copy_out(const char *fn, void *buf, size_t *len, const void *src, size_t n)
{
	if (!len)
		return tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, fn,
				      "len is NULL; pass the buffer's size");
	if (!buf || *len < n) {
		*len = n;
		return tdx__error_set(TDX_E_BUFFER_TOO_SMALL, TDX_LAYER_LIBRARY, 0, 0, fn,
				      "%zu bytes are needed", n);
	}
	memcpy(buf, src, n);
	*len = n;
	return TDX_OK;
}

tdx_status tdx_emu_fatal_error(tdx_emu *emu, uint64_t *error_code, char *message, size_t *len)
{
	int rc;

	CHECK_EMU(emu);
	pthread_mutex_lock(&emu->lock);
	if (!emu->fatal) {
		pthread_mutex_unlock(&emu->lock);
		return tdx__fail(TDX_E_STATE, "the TD has not reported a fatal error");
	}
	if (error_code)
		*error_code = emu->fatal_code;
	rc = copy_out(__func__, message, len, emu->fatal_message, strlen(emu->fatal_message) + 1);
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

tdx_status tdx_emu_event_notify(tdx_emu *emu, unsigned *vector, uint64_t *raised)
{
	CHECK_EMU(emu);
	pthread_mutex_lock(&emu->lock);
	if (vector)
		*vector = emu->notify_vector;
	if (raised)
		*raised = emu->notify_raised;
	pthread_mutex_unlock(&emu->lock);
	return TDX_OK;
}

tdx_status tdx_emu_console(tdx_emu *emu, char *buf, size_t *len)
{
	int rc;

	CHECK_EMU(emu);
	pthread_mutex_lock(&emu->lock);
	rc = copy_out(__func__, buf, len, emu->console, emu->console_len);
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

tdx_status tdx_emu_quote(tdx_emu *emu, const uint8_t *report, size_t report_len,
			 uint8_t *quote, size_t *len)
{
	int rc;

	CHECK_EMU(emu);
	if (!report || report_len != TDREPORT_SIZE)
		return tdx__fail(TDX_E_INVALID, "report must be a 1024-byte TDREPORT (got %zu bytes)",
				 report ? report_len : (size_t)0);
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the quote buffer's size");
	pthread_mutex_lock(&emu->lock);
	if (!tdx__emu_report_genuine(emu, report)) {
		pthread_mutex_unlock(&emu->lock);
		return tdx__fail(TDX_E_VERIFY, "the report was not made by this emulated platform's "
				 "TDX module, or was altered: the quoting enclave refuses it");
	}
	rc = tdx__qe_quote(emu->qe, report, report_len, emu->cfg.module_version >= 15 ? 5 : 4,
			   quote, quote ? *len : 0, len);
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

static void emit_collateral(tdx__json *j, const void *obj)
{
	const tdx__qe_collateral_doc *c = obj;

	tdx__json_object_open(j, NULL);
	tdx__json_string(j, "pck_crl_issuer_chain", c->pck_crl_issuer_chain);
	tdx__json_string(j, "root_ca_crl", c->root_ca_crl);
	tdx__json_string(j, "pck_crl", c->pck_crl);
	tdx__json_string(j, "tcb_info_issuer_chain", c->tcb_info_issuer_chain);
	tdx__json_string(j, "tcb_info", c->tcb_info);
	tdx__json_string(j, "tcb_info_signature", c->tcb_info_signature);
	tdx__json_string(j, "qe_identity_issuer_chain", c->qe_identity_issuer_chain);
	tdx__json_string(j, "qe_identity", c->qe_identity);
	tdx__json_string(j, "qe_identity_signature", c->qe_identity_signature);
	tdx__json_object_close(j);
}

tdx_status tdx_emu_collateral(tdx_emu *emu, unsigned flags, char *buf, size_t *len)
{
	uint8_t report[TDREPORT_SIZE], data[REPORT_DATA_SIZE] = { 0 };
	const tdx__qe_collateral_doc *c;
	int rc;

	CHECK_EMU(emu);
	if (!len)
		return tdx__fail(TDX_E_INVALID, "len is NULL; pass the buffer's size");
	if (flags & ~(TDX_EMU_COLLATERAL_REVOKE_PCK | TDX_EMU_COLLATERAL_OUT_OF_DATE))
		return tdx__fail(TDX_E_INVALID, "flags 0x%x has bits other than "
				 "TDX_EMU_COLLATERAL_REVOKE_PCK and _OUT_OF_DATE", flags);
	pthread_mutex_lock(&emu->lock);
	/* TCB Info describes the TEE_TCB_SVN this module reports. */
	tdx__emu_make_report(emu, data, report);
	c = tdx__qe_collateral(emu->qe, report + TEE_TCB_INFO_OFF + TT_TEE_TCB_SVN,
			       (flags & TDX_EMU_COLLATERAL_REVOKE_PCK ? TDX_QE_COLLATERAL_REVOKE_PCK : 0) |
			       (flags & TDX_EMU_COLLATERAL_OUT_OF_DATE ? TDX_QE_COLLATERAL_OUT_OF_DATE : 0));
	rc = c ? tdx__json_export(emit_collateral, c, buf, len, __func__) : tdx_error_last()->code;
	pthread_mutex_unlock(&emu->lock);
	return rc;
}

const char *tdx_emu_root_ca_pem(tdx_emu *emu)
{
	if (!emu) {
		tdx__fail(TDX_E_INVALID, "emu is NULL; open one with tdx_emu_open");
		return NULL;
	}
	return tdx__qe_root_pem(emu->qe);
}
