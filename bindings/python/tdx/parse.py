# SPDX-License-Identifier: MIT
"""TDREPORT and quote parsing: fields under the spec's names."""

import json

from . import lowlevel as _ll


def _attribute_names(attributes):
    names = []
    for bit in range(64):
        if attributes >> bit & 1:
            name = _ll.tdx_td_attribute_name(bit)
            if name:
                names.append(name)
    return names


class Report:
    """A parsed TDREPORT_STRUCT (1024 bytes).

    Every field is read at parse time into plain attributes (bytes or int),
    so a Report is immutable and independent of libtdx afterwards.
    """

    @classmethod
    def parse(cls, buf):
        """Parse exactly 1024 bytes; InvalidArgument otherwise."""
        r = _ll.tdx_report_parse(buf)
        self = cls.__new__(cls)
        try:
            self._read(r)
        finally:
            _ll.tdx_report_free(r)
        return self

    def _read(self, r):
        self.raw = _ll.tdx_report_raw(r)
        # REPORTMACSTRUCT
        self.report_type = _ll.tdx_report_type(r)
        self.report_subtype = _ll.tdx_report_subtype(r)
        self.report_version = _ll.tdx_report_version(r)
        self.cpusvn = _ll.tdx_report_cpusvn(r)
        self.tee_tcb_info_hash = _ll.tdx_report_tee_tcb_info_hash(r)
        self.tee_info_hash = _ll.tdx_report_tee_info_hash(r)
        self.report_data = _ll.tdx_report_report_data(r)
        self.mac = _ll.tdx_report_mac(r)
        # TEE_TCB_INFO
        self.tee_tcb_valid = _ll.tdx_report_tee_tcb_valid(r)
        self.tee_tcb_svn = _ll.tdx_report_tee_tcb_svn(r)
        self.mrseam = _ll.tdx_report_mrseam(r)
        self.mrsignerseam = _ll.tdx_report_mrsignerseam(r)
        self.seam_attributes = _ll.tdx_report_seam_attributes(r)
        self.tee_tcb_svn2 = _ll.tdx_report_tee_tcb_svn2(r)
        # TDINFO_STRUCT
        self.attributes = _ll.tdx_report_attributes(r)
        self.xfam = _ll.tdx_report_xfam(r)
        self.mrtd = _ll.tdx_report_mrtd(r)
        self.mrconfigid = _ll.tdx_report_mrconfigid(r)
        self.mrowner = _ll.tdx_report_mrowner(r)
        self.mrownerconfig = _ll.tdx_report_mrownerconfig(r)
        self.rtmr = [_ll.tdx_report_rtmr(r, i) for i in range(4)]
        self.servtd_hash = _ll.tdx_report_servtd_hash(r)
        self._json = _ll.tdx_report_to_json(r)

    @property
    def attributes_names(self):
        """Names of the set TD ATTRIBUTES bits ("SEPT_VE_DISABLE", ...)."""
        return _attribute_names(self.attributes)

    def to_json(self):
        """The report as libtdx's JSON (tdx_report_to_json), as a dict."""
        return json.loads(self._json)

    def __repr__(self):
        return "<tdx.Report mrtd=%s>" % self.mrtd.hex()


class Quote:
    """A parsed TD quote, version 4 or 5 (ECDSA-P256 signature data).

    Fields a quote does not carry are None: tee_tcb_svn2 and mrservicetd
    for body type 2, qe_report* when the outer certification data is not
    type 6.
    """

    @classmethod
    def parse(cls, buf):
        """Parse a quote; bytes after its declared size are counted in
        trailing_bytes."""
        q = _ll.tdx_quote_parse(buf)
        self = cls.__new__(cls)
        try:
            self._read(q)
        finally:
            _ll.tdx_quote_free(q)
        return self

    def _read(self, q):
        # Header
        self.version = _ll.tdx_quote_version(q)
        self.att_key_type = _ll.tdx_quote_att_key_type(q)
        self.tee_type = _ll.tdx_quote_tee_type(q)
        self.header_reserved = _ll.tdx_quote_header_reserved(q)
        self.qe_vendor_id = _ll.tdx_quote_qe_vendor_id(q)
        self.user_data = _ll.tdx_quote_user_data(q)
        # Body
        self.body_type = _ll.tdx_quote_body_type(q)
        self.body = _ll.tdx_quote_body(q)
        self.tee_tcb_svn = _ll.tdx_quote_tee_tcb_svn(q)
        self.mrseam = _ll.tdx_quote_mrseam(q)
        self.mrsignerseam = _ll.tdx_quote_mrsignerseam(q)
        self.seam_attributes = _ll.tdx_quote_seam_attributes(q)
        self.td_attributes = _ll.tdx_quote_td_attributes(q)
        self.xfam = _ll.tdx_quote_xfam(q)
        self.mrtd = _ll.tdx_quote_mrtd(q)
        self.mrconfigid = _ll.tdx_quote_mrconfigid(q)
        self.mrowner = _ll.tdx_quote_mrowner(q)
        self.mrownerconfig = _ll.tdx_quote_mrownerconfig(q)
        self.rtmr = [_ll.tdx_quote_rtmr(q, i) for i in range(4)]
        self.report_data = _ll.tdx_quote_report_data(q)
        v15 = self.body_type == 3
        self.tee_tcb_svn2 = _ll.tdx_quote_tee_tcb_svn2(q) if v15 else None
        self.mrservicetd = _ll.tdx_quote_mrservicetd(q) if v15 else None
        self.signed_data = _ll.tdx_quote_signed_data(q)
        # Signature data
        self.signature = _ll.tdx_quote_signature(q)
        self.attestation_key = _ll.tdx_quote_attestation_key(q)
        self.cert_data_type = _ll.tdx_quote_cert_data_type(q)
        nested = self.cert_data_type == 6
        self.qe_report = _ll.tdx_quote_qe_report(q) if nested else None
        self.qe_report_signature = _ll.tdx_quote_qe_report_signature(q) if nested else None
        self.qe_auth_data = _ll.tdx_quote_qe_auth_data(q) if nested else None
        self.pck_cert_type = _ll.tdx_quote_pck_cert_type(q)
        self.pck_chain = _ll.tdx_quote_pck_chain(q)
        self.size = _ll.tdx_quote_size(q)
        self.trailing_bytes = _ll.tdx_quote_trailing_bytes(q)
        self._json = _ll.tdx_quote_to_json(q)

    @property
    def td_attributes_names(self):
        """Names of the set TD ATTRIBUTES bits."""
        return _attribute_names(self.td_attributes)

    def to_json(self):
        """The quote as libtdx's JSON (tdx_quote_to_json), as a dict."""
        return json.loads(self._json)

    def __repr__(self):
        return "<tdx.Quote v%d mrtd=%s>" % (self.version, self.mrtd.hex())
