"""The office's signing identity: an X.509 certificate and its private key.

Created here (a self-signed certificate whose subject names the county and the office) or
imported from a PKCS#12 file (.p12/.pfx). Kept in the store's folder, ``<stem>.files/identity/``:
``certificate.pem`` (with any chain after it) in the clear, ``key.pem`` encrypted under the
passphrase. The key is only ever decrypted in memory, to sign.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from exchange.common.files import write_atomically
from exchange.common.workbook_guard import read_small_file
from models.errors import LedgerError

CERT_FILE, KEY_FILE = "certificate.pem", "key.pem"
VALID_YEARS = 5
MIN_PASSPHRASE = 6
MAX_CERTIFICATE_BYTES = 256 * 1024  # a certificate with its chain is a few KB


def identity_folder(store) -> Path:
    """Where the identity of the store's office is kept."""
    return store.folder / f"{store.path.stem}.files" / "identity"


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, in hex: what the city compares when registering it."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name_part(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    parts = name.get_attributes_for_oid(oid)
    return str(parts[0].value) if parts else ""


@dataclass
class Identity:
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def signer(self) -> str:
        return _name_part(self.certificate.subject, NameOID.COMMON_NAME)

    @property
    def county(self) -> str:
        return _name_part(self.certificate.subject, NameOID.LOCALITY_NAME)

    @property
    def office(self) -> str:
        return _name_part(self.certificate.subject, NameOID.ORGANIZATION_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc


@dataclass
class SigningKey(Identity):
    """An identity unlocked with its passphrase, able to sign."""

    private_key: object = None


def certificate_names(cert: x509.Certificate) -> tuple[str, str, str]:
    """(signer, county, office) as the certificate's subject gives them."""
    ident = Identity(cert)
    return ident.signer, ident.county, ident.office


def _check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise LedgerError(f"口令至少需要 {MIN_PASSPHRASE} 个字符。")
    return passphrase.encode("utf-8")


def _save(folder: Path, key, cert: x509.Certificate, chain: list[x509.Certificate], passphrase: str) -> Identity:
    secret = _check_passphrase(passphrase)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(secret))
    certs = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain])
    write_atomically(folder / KEY_FILE, key_pem)
    write_atomically(folder / CERT_FILE, certs)
    return Identity(cert, chain)


def create_identity(folder: Path, county: str, office: str, passphrase: str) -> Identity:
    """A new RSA key and a self-signed certificate naming the county and the office."""
    county, office = county.strip(), office.strip()
    if not county or not office:
        raise LedgerError("创建签名证书需要填写县（市、区）和单位名称。")
    _check_passphrase(passphrase)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "浙江省"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, county),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, office),
        x509.NameAttribute(NameOID.COMMON_NAME, (office if office.startswith(county) else county + office)[:64]),
    ])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                              ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _save(folder, key, cert, [], passphrase)


def import_pkcs12(folder: Path, p12_path: Path, passphrase: str) -> Identity:
    """Take the key and certificate of a .p12/.pfx file; the same passphrase then guards the key."""
    data = read_small_file(Path(p12_path), MAX_CERTIFICATE_BYTES, "证书文件")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError:
        raise LedgerError(f"无法打开证书文件 {p12_path}：口令错误，或文件不是 PKCS#12（.p12/.pfx）格式。") from None
    if key is None or cert is None:
        raise LedgerError(f"证书文件 {p12_path} 中没有私钥或证书，无法用于签名。")
    return _save(folder, key, cert, list(extra or []), passphrase)


def load_identity(folder: Path) -> Identity | None:
    """The office's certificate (no passphrase needed), or None when there is none yet."""
    path = folder / CERT_FILE
    if not path.exists():
        return None
    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError:
        raise LedgerError(f"证书文件 {path} 已损坏，请重新创建或导入签名证书。") from None
    return Identity(certs[0], certs[1:])


def require_identity(folder: Path) -> Identity:
    identity = load_identity(folder)
    if identity is None:
        raise LedgerError("本单位尚未设置签名证书：请先在“签名证书…”中创建或导入（命令行：identity new / identity import）。")
    return identity


def unlock(folder: Path, passphrase: str) -> SigningKey:
    """The private key, decrypted with the passphrase; a wrong passphrase is said plainly."""
    identity = require_identity(folder)
    try:
        key = serialization.load_pem_private_key((folder / KEY_FILE).read_bytes(), passphrase.encode("utf-8"))
    except OSError:
        raise LedgerError(f"找不到私钥文件 {folder / KEY_FILE}，请重新创建或导入签名证书。") from None
    except (ValueError, TypeError):
        raise LedgerError("口令不正确，无法解锁签名私钥。请核对后重试（注意大小写和输入法）。") from None
    return SigningKey(identity.certificate, identity.chain, key)


def export_certificate(folder: Path, target: Path) -> Path:
    """Write the certificate for the city to register: DER for .cer/.der/.crt, else PEM."""
    identity = require_identity(folder)
    encoding = serialization.Encoding.DER if target.suffix.lower() in (".cer", ".der", ".crt") \
        else serialization.Encoding.PEM
    write_atomically(target, identity.certificate.public_bytes(encoding))
    return target


def load_certificate(path: Path) -> x509.Certificate:
    """A certificate file as the city registers it, PEM or DER."""
    data = read_small_file(Path(path), MAX_CERTIFICATE_BYTES, "证书文件")
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError:
        raise LedgerError(f"{Path(path).name}：不是有效的证书文件（应为 .cer/.der/.pem）。") from None


def sign_bytes(key: SigningKey, data: bytes) -> bytes:
    """A detached signature of ``data`` (SHA-256; PKCS#1 v1.5 for RSA, ECDSA for EC keys)."""
    if isinstance(key.private_key, rsa.RSAPrivateKey):
        return key.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key.private_key, ec.EllipticCurvePrivateKey):
        return key.private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise LedgerError("签名私钥的类型不受支持（仅支持 RSA 和椭圆曲线密钥）。")


def signature_matches(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


# ---- the office's identity in a store, as both fronts use it ----------------------------------

def new_identity(store, county: str, office: str, passphrase: str) -> Identity:
    return create_identity(identity_folder(store), county, office, passphrase)


def import_identity(store, p12_path: Path, passphrase: str) -> Identity:
    return import_pkcs12(identity_folder(store), p12_path, passphrase)


def store_identity(store) -> Identity:
    """The store's identity; refused when none was created or imported yet."""
    return require_identity(identity_folder(store))


def export_store_certificate(store, target: Path) -> tuple[Path, Identity]:
    """The certificate for the city to register, and whose it is."""
    return export_certificate(identity_folder(store), target), store_identity(store)


def office_identity(store) -> Identity | None:
    """The store's identity, or None before one was created or imported."""
    return load_identity(identity_folder(store))
