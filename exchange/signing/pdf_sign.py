"""PAdES signing of the PDF return with pyHanko, with a visible appearance in the signature
block's stamp box, and its verification for exchange.signing.verify."""
from __future__ import annotations

import io
import logging
from datetime import datetime, timezone

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from exchange.signing.identity import SigningKey, certificate_names, fingerprint, sign_bytes
from exchange.common.pdf_page import StampBox
from exchange.signing.documents import Verification, check_validity, parse_subject
from exchange.signing.stamp_font import stamp_font
from models.beijing_time import format_moment

FIELD_NAME = "OfficeSignature"
# pyHanko logs what it finds in a changed file, in English and with tracebacks; what the user
# sees is the verification's problems, so its log goes only where the application sends logs.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
STAMP_FONT_SIZE, STAMP_LEADING = 10, 15  # integers: pyHanko lays out with Fractions


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _UnlockedKeySigner(signers.SimpleSigner):
    """pyHanko's signer signing with the key as unlocked: SimpleSigner parses (and checks) the
    private key again for each of its two signatures (the size estimate and the real one)."""

    def __init__(self, key: SigningKey, **kwargs) -> None:
        super().__init__(**kwargs)
        self.key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        # md_algorithm is SHA-256, the mechanism pyHanko's default for the key: PKCS#1 v1.5 or ECDSA
        return sign_bytes(self.key, data)


def sign_pdf(pdf: bytes, key: SigningKey, stamp: StampBox, reason: str, location: str) -> bytes:
    """``pdf`` with a PAdES signature whose appearance fills the stamp box, its text in the stamp
    font kept beside the key."""
    private = asn1_keys.PrivateKeyInfo.load(key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = _UnlockedKeySigner(
        key, signing_cert=_asn1_cert(key.certificate), signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in key.chain]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=stamp.page, box=stamp.box))
    # pyHanko's own %(ts)s is local time; the signer is named as pyHanko would name it.
    params = {"signer": signer.subject_name, "beijing": format_moment(datetime.now(timezone.utc))}
    text = "数字签名：%(signer)s\n时间：%(beijing)s\n" + reason.replace("%", "%%")
    font = GlyphAccumulatorFactory(str(stamp_font(key.folder, text % params)), font_size=STAMP_FONT_SIZE)
    style = TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE, leading=STAMP_LEADING),
        border_width=1,
    )
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer, stamp_style=style).sign_pdf(
        writer, output=out, appearance_text_params=params)
    return out.getvalue()


def verify_pdf(result: Verification) -> None:
    """Fill ``result`` from the PDF's first signature, the office's; it must cover the file entirely,
    and a return carries no other signature (one added later, by any key, is named)."""
    try:
        with open(result.path, "rb") as handle:
            reader = PdfFileReader(io.BytesIO(handle.read()), strict=False)
            info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else {}
            subject = parse_subject(str(info["/Subject"])) if "/Subject" in info else {}
            result.period_id, result.version = subject.get("period", ""), int(subject.get("version", 0))
            result.digest, result.document = subject.get("digest", ""), subject.get("document", "")
            signatures = reader.embedded_signatures
            if not signatures:
                result.problems.append("PDF 未签名（没有数字签名）。")
                return
            sig = signatures[0]
            result.signed = True
            cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
            result.set_certificate(cert)
            result.signed_at = sig.self_reported_timestamp
            context = ValidationContext(trust_roots=[sig.signer_cert], allow_fetching=False)
            status = validate_pdf_signature(sig, context)
            later = [x509.load_der_x509_certificate(other.signer_cert.dump()) for other in signatures[1:]]
    except Exception:  # a damaged file: pyHanko and its parser raise many kinds
        result.problems.append("PDF 文件已损坏或签名无法读取。")
        return
    if not status.intact:
        result.problems.append("签名无效：PDF 内容在签名后被改动（摘要不符）。")
    elif not status.valid:
        result.problems.append("签名无效：签名值与签名证书不符。")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        result.problems.append("PDF 在签名后被追加了内容（签名未覆盖整个文件）。")
    for other in later:
        signer, county, _office = certificate_names(other)
        whose = "同一证书" if fingerprint(other) == result.fingerprint else f"另一证书（{signer}，{county or '未知单位'}）"
        result.problems.append(f"PDF 在签名后又被{whose}签名：报表只应有签发单位的一个签名。")
    result.altered = bool(result.problems)
    check_validity(result, cert)
