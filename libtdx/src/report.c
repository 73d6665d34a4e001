/* SPDX-License-Identifier: MIT */
/* TDREPORT_STRUCT parsing, accessors and JSON export. */
#include <stdlib.h>
#include <string.h>

#include "hexjson.h"
#include "internal.h"
#include "layout.h"

struct tdx_report {
	uint8_t raw[TDREPORT_SIZE];
};

_Static_assert(TDX_REPORT_SIZE == TDREPORT_SIZE, "public and layout sizes agree");

/* Field sizes layout.h gives only in comments. */
#define SVN_SIZE 16
#define MAC_SIZE 32
#define U64_SIZE 8

tdx_status tdx_report_parse(tdx_report **out, const uint8_t *buf, size_t len)
{
	tdx_report *r;

	if (!out)
		return tdx__fail(TDX_E_INVALID, "out is NULL; pass the address of a tdx_report *");
	*out = NULL;
	if (!buf)
		return tdx__fail(TDX_E_INVALID, "buf is NULL; pass the %d-byte TDREPORT",
				 TDREPORT_SIZE);
	if (len != TDREPORT_SIZE)
		return tdx__fail(TDX_E_INVALID,
				 "a TDREPORT is exactly %d bytes but len is %zu; pass the whole "
				 "TDREPORT_STRUCT and nothing else", TDREPORT_SIZE, len);
	if (buf[REPORTMAC_OFF + RM_REPORT_TYPE] != REPORT_TYPE_TDX)
		return tdx__fail(TDX_E_INVALID,
				 "not a TDX report (type 0x%02x at offset %d, expected 0x%02x); "
				 "pass a TDREPORT from TDG.MR.REPORT",
				 buf[REPORTMAC_OFF + RM_REPORT_TYPE], REPORTMAC_OFF + RM_REPORT_TYPE,
				 REPORT_TYPE_TDX);
	r = malloc(sizeof(*r));
	if (!r)
		return tdx__fail(TDX_E_NOMEM, "out of memory allocating a tdx_report");
	memcpy(r->raw, buf, TDREPORT_SIZE);
	*out = r;
	return TDX_OK;
}

void tdx_report_free(tdx_report *r)
{
	free(r);
}

/* The start of a field, or NULL (with the error recorded) for a NULL report. */
static const uint8_t *field(const tdx_report *r, size_t off, const char *where)
{
	if (!r) {
		tdx__error_set(TDX_E_INVALID, TDX_LAYER_LIBRARY, 0, 0, where,
			       "report is NULL; pass one from tdx_report_parse");
		return NULL;
	}
	return r->raw + off;
}

#define MAC_FIELD(off) field(r, REPORTMAC_OFF + (off), __func__)
#define TCB_FIELD(off) field(r, TEE_TCB_INFO_OFF + (off), __func__)
#define TD_FIELD(off) field(r, TDINFO_OFF + (off), __func__)

static int byte_or_zero(const uint8_t *p)
{
	return p ? *p : 0;
}

static uint64_t le64_or_zero(const uint8_t *p)
{
	return p ? tdx__le64(p) : 0;
}

const uint8_t *tdx_report_raw(const tdx_report *r)
{
	return MAC_FIELD(0);
}

int tdx_report_type(const tdx_report *r)
{
	return byte_or_zero(MAC_FIELD(RM_REPORT_TYPE));
}

int tdx_report_subtype(const tdx_report *r)
{
	return byte_or_zero(MAC_FIELD(RM_REPORT_TYPE + 1));
}

int tdx_report_version(const tdx_report *r)
{
	return byte_or_zero(MAC_FIELD(RM_REPORT_TYPE + 2));
}

const uint8_t *tdx_report_cpusvn(const tdx_report *r)
{
	return MAC_FIELD(RM_CPUSVN);
}

const uint8_t *tdx_report_tee_tcb_info_hash(const tdx_report *r)
{
	return MAC_FIELD(RM_TEE_TCB_INFO_HASH);
}

const uint8_t *tdx_report_tee_info_hash(const tdx_report *r)
{
	return MAC_FIELD(RM_TEE_INFO_HASH);
}

const uint8_t *tdx_report_report_data(const tdx_report *r)
{
	return MAC_FIELD(RM_REPORT_DATA);
}

const uint8_t *tdx_report_mac(const tdx_report *r)
{
	return MAC_FIELD(RM_MAC);
}

const uint8_t *tdx_report_mac_struct(const tdx_report *r)
{
	return MAC_FIELD(0);
}

uint64_t tdx_report_tee_tcb_valid(const tdx_report *r)
{
	return le64_or_zero(TCB_FIELD(TT_VALID));
}

const uint8_t *tdx_report_tee_tcb_svn(const tdx_report *r)
{
	return TCB_FIELD(TT_TEE_TCB_SVN);
}

const uint8_t *tdx_report_mrseam(const tdx_report *r)
{
	return TCB_FIELD(TT_MRSEAM);
}

const uint8_t *tdx_report_mrsignerseam(const tdx_report *r)
{
	return TCB_FIELD(TT_MRSIGNERSEAM);
}

uint64_t tdx_report_seam_attributes(const tdx_report *r)
{
	return le64_or_zero(TCB_FIELD(TT_ATTRIBUTES));
}

const uint8_t *tdx_report_tee_tcb_svn2(const tdx_report *r)
{
	return TCB_FIELD(TT_TEE_TCB_SVN2);
}

uint64_t tdx_report_attributes(const tdx_report *r)
{
	return le64_or_zero(TD_FIELD(TI_ATTRIBUTES));
}

uint64_t tdx_report_xfam(const tdx_report *r)
{
	return le64_or_zero(TD_FIELD(TI_XFAM));
}

const uint8_t *tdx_report_mrtd(const tdx_report *r)
{
	return TD_FIELD(TI_MRTD);
}

const uint8_t *tdx_report_mrconfigid(const tdx_report *r)
{
	return TD_FIELD(TI_MRCONFIGID);
}

const uint8_t *tdx_report_mrowner(const tdx_report *r)
{
	return TD_FIELD(TI_MROWNER);
}

const uint8_t *tdx_report_mrownerconfig(const tdx_report *r)
{
	return TD_FIELD(TI_MROWNERCONFIG);
}

const uint8_t *tdx_report_rtmr(const tdx_report *r, unsigned index)
{
	if (r && index >= RTMR_COUNT) {
		tdx__fail(TDX_E_INVALID, "RTMR index %u is out of range; use 0..%d", index,
			  RTMR_COUNT - 1);
		return NULL;
	}
	return TD_FIELD(TI_RTMR + (size_t)index * SHA384_SIZE);
}

const uint8_t *tdx_report_servtd_hash(const tdx_report *r)
{
	return TD_FIELD(TI_SERVTD_HASH);
}

const char *tdx_td_attribute_name(unsigned bit)
{
	switch (bit) {
	case 0: return "DEBUG";
	case 4: return "HGS_PLUS_PROF";
	case 5: return "PERF_PROF";
	case 6: return "PMT_PROF";
	case 16: return "ICSSD";
	case 27: return "LASS";
	case 28: return "SEPT_VE_DISABLE";
	case 29: return "MIGRATABLE";
	case 30: return "PKS";
	case 31: return "KL";
	case 62: return "TPA";
	case 63: return "PERFMON";
	default: return NULL;
	}
}

static void emit_report(tdx__json *j, const void *obj)
{
	const uint8_t *raw = ((const tdx_report *)obj)->raw;
	const uint8_t *mac = raw + REPORTMAC_OFF;
	const uint8_t *tcb = raw + TEE_TCB_INFO_OFF;
	const uint8_t *td = raw + TDINFO_OFF;
	uint64_t attributes = tdx__le64(td + TI_ATTRIBUTES);

	tdx__json_object_open(j, NULL);
	tdx__json_object_open(j, "report_type");
	tdx__json_uint(j, "type", mac[RM_REPORT_TYPE]);
	tdx__json_uint(j, "subtype", mac[RM_REPORT_TYPE + 1]);
	tdx__json_uint(j, "version", mac[RM_REPORT_TYPE + 2]);
	tdx__json_object_close(j);
	tdx__json_hex(j, "cpusvn", mac + RM_CPUSVN, SVN_SIZE);
	tdx__json_hex(j, "tee_tcb_info_hash", mac + RM_TEE_TCB_INFO_HASH, SHA384_SIZE);
	tdx__json_hex(j, "tee_info_hash", mac + RM_TEE_INFO_HASH, SHA384_SIZE);
	tdx__json_hex(j, "report_data", mac + RM_REPORT_DATA, REPORT_DATA_SIZE);
	tdx__json_hex(j, "mac", mac + RM_MAC, MAC_SIZE);

	tdx__json_object_open(j, "tee_tcb_info");
	tdx__json_hex(j, "valid", tcb + TT_VALID, U64_SIZE);
	tdx__json_hex(j, "tee_tcb_svn", tcb + TT_TEE_TCB_SVN, SVN_SIZE);
	tdx__json_hex(j, "mrseam", tcb + TT_MRSEAM, SHA384_SIZE);
	tdx__json_hex(j, "mrsignerseam", tcb + TT_MRSIGNERSEAM, SHA384_SIZE);
	tdx__json_hex(j, "attributes", tcb + TT_ATTRIBUTES, U64_SIZE);
	tdx__json_hex(j, "tee_tcb_svn2", tcb + TT_TEE_TCB_SVN2, SVN_SIZE);
	tdx__json_object_close(j);

	tdx__json_object_open(j, "td_info");
	tdx__json_hex(j, "attributes", td + TI_ATTRIBUTES, U64_SIZE);
	tdx__json_array_open(j, "attributes_names");
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = tdx_td_attribute_name(bit);

		if ((attributes >> bit & 1) && name)
			tdx__json_string(j, NULL, name);
	}
	tdx__json_array_close(j);
	tdx__json_hex(j, "xfam", td + TI_XFAM, U64_SIZE);
	tdx__json_hex(j, "mrtd", td + TI_MRTD, SHA384_SIZE);
	tdx__json_hex(j, "mrconfigid", td + TI_MRCONFIGID, SHA384_SIZE);
	tdx__json_hex(j, "mrowner", td + TI_MROWNER, SHA384_SIZE);
	tdx__json_hex(j, "mrownerconfig", td + TI_MROWNERCONFIG, SHA384_SIZE);
	tdx__json_array_open(j, "rtmr");
	for (unsigned i = 0; i < RTMR_COUNT; i++)
		tdx__json_hex(j, NULL, td + TI_RTMR + i * SHA384_SIZE, SHA384_SIZE);
	tdx__json_array_close(j);
	tdx__json_hex(j, "servtd_hash", td + TI_SERVTD_HASH, SHA384_SIZE);
	tdx__json_object_close(j);
	tdx__json_object_close(j);
}

tdx_status tdx_report_to_json(const tdx_report *r, char *buf, size_t *len)
{
	if (!r)
		return tdx__fail(TDX_E_INVALID, "report is NULL; pass one from tdx_report_parse");
	if (!len)
		return tdx__fail(TDX_E_INVALID,
				 "len is NULL; pass the address of the buffer's capacity");
	return tdx__json_export(emit_report, r, buf, len, __func__);
}
