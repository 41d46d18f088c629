"""The office's signing identity: an X.509 certificate and its private key.

Created here (a self-signed certificate whose subject names the county and the office) or
imported from a PKCS#12 file (.p12/.pfx). Kept in the store's folder, ``<stem>.files/identity/``:
``certificate.pem`` (with any chain after it) in the clear, ``key.json`` the PKCS#8 key under
AES-256-GCM with a key derived from the passphrase by PBKDF2-SHA256 (600,000 iterations). A
``key.pem`` of an older program (PKCS#8 PBES2, 2,048 iterations) is re-wrapped so at its next
successful unlock. The key is only ever decrypted in memory, to sign. An identity is replaced
only when asked to (``replace``); the old key and certificate are then kept in a dated backup.
Signing is refused with a certificate outside its validity or of another county than the cover's.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from exchange.common.files import write_atomically
from exchange.common.workbook_guard import read_small_file
from exchange.signing.identity_files import CERT_FILE, KEY_FILE, LEGACY_KEY_FILE, identity_folder
from models.errors import LedgerError

VALID_YEARS = 5
MIN_PASSPHRASE = 6
MAX_CERTIFICATE_BYTES = 256 * 1024  # a certificate with its chain is a few KB
KDF_ITERATIONS = 600_000  # PBKDF2-SHA256, as OWASP recommends (2023)
KEY_FORMAT = "reform-ledger-key-1"
EXPIRY_WARNING_DAYS = 30
# RFC 5280 upper bounds, in bytes of UTF-8 as encoders check them; "name" (2.5.4.41) has none to
# speak of (32,768) and keeps the office's full name when O and CN must be cut.
NAME_LIMITS = {NameOID.COMMON_NAME: 64, NameOID.ORGANIZATION_NAME: 64, NameOID.LOCALITY_NAME: 128}
FULL_NAME = x509.ObjectIdentifier("2.5.4.41")


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
        """The common name, or the full name it was cut from (X.509 allows CN 64 bytes)."""
        common, full = (_name_part(self.certificate.subject, oid) for oid in (NameOID.COMMON_NAME, FULL_NAME))
        return full if full and full.startswith(common) else common

    @property
    def county(self) -> str:
        return _name_part(self.certificate.subject, NameOID.LOCALITY_NAME)

    @property
    def office(self) -> str:
        """The office's full name (kept apart when the organisation field had to be cut)."""
        subject = self.certificate.subject
        return _name_part(subject, FULL_NAME) or _name_part(subject, NameOID.ORGANIZATION_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def valid_from(self) -> datetime:
        return self.certificate.not_valid_before_utc

    def expiry_warning(self, now: datetime | None = None) -> str:
        """A warning from 30 days before the certificate expires (and once it has), else ""."""
        now = now or datetime.now(timezone.utc)
        left = (self.valid_until - now).days
        if now > self.valid_until:
            return f"签名证书已于 {self.valid_until:%Y-%m-%d} 过期，不能再签发报表：请创建新证书并交市级登记。"
        if left < EXPIRY_WARNING_DAYS:
            return (f"签名证书将于 {self.valid_until:%Y-%m-%d} 到期（还有 {left} 天）："
                    "请及早创建新证书（identity new --replace）并交市级登记。")
        return ""


@dataclass
class ReplacedIdentity(Identity):
    """A new identity that replaced an earlier one, kept in ``backup``."""

    backup: Path | None = None


@dataclass
class SigningKey(Identity):
    """An identity unlocked with its passphrase, able to sign; ``folder`` is where it is kept."""

    private_key: object = None
    folder: Path | None = None


def certificate_names(cert: x509.Certificate) -> tuple[str, str, str]:
    """(signer, county, office) as the certificate's subject gives them."""
    ident = Identity(cert)
    return ident.signer, ident.county, ident.office


def _check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise LedgerError(f"口令至少需要 {MIN_PASSPHRASE} 个字符。")
    return passphrase.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def wrap_key(key, passphrase: str) -> bytes:
    """The private key as ``key.json`` holds it: PKCS#8 DER under AES-256-GCM, keyed by PBKDF2."""
    salt, nonce = os.urandom(16), os.urandom(12)
    derived = PBKDF2HMAC(hashes.SHA256(), 32, salt, KDF_ITERATIONS).derive(_check_passphrase(passphrase))
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    sealed = AESGCM(derived).encrypt(nonce, plain, KEY_FORMAT.encode())
    return json.dumps({"format": KEY_FORMAT, "kdf": "pbkdf2-sha256", "iterations": KDF_ITERATIONS,
                       "salt": _b64(salt), "cipher": "aes-256-gcm", "nonce": _b64(nonce),
                       "ciphertext": _b64(sealed)}, indent=1).encode()


def _unwrap_key(data: bytes, passphrase: str):
    """The private key of a ``key.json``; ValueError for a wrong passphrase or a damaged file."""
    from cryptography.exceptions import InvalidTag

    try:
        wrapped = json.loads(data)
        derived = PBKDF2HMAC(hashes.SHA256(), 32, base64.b64decode(wrapped["salt"]),
                             int(wrapped["iterations"])).derive(passphrase.encode("utf-8"))
        plain = AESGCM(derived).decrypt(base64.b64decode(wrapped["nonce"]), base64.b64decode(wrapped["ciphertext"]),
                                        KEY_FORMAT.encode())
    except (InvalidTag, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError("wrong passphrase or damaged key file") from error
    return serialization.load_der_private_key(plain, None)


def _backup(folder: Path) -> Path | None:
    """Move the existing key and certificate into a dated folder beside them."""
    present = [folder / name for name in (CERT_FILE, KEY_FILE, LEGACY_KEY_FILE) if (folder / name).exists()]
    if not present:
        return None
    backup = folder / f"backup-{datetime.now():%Y%m%d-%H%M%S}"
    backup.mkdir(parents=True, exist_ok=True)
    for path in present:
        os.replace(path, backup / path.name)
    return backup


def _refuse_replacing(folder: Path, replace: bool) -> None:
    existing = load_identity(folder)
    if existing is not None and not replace:
        raise LedgerError(
            f"本单位已有签名证书（{existing.signer}，有效期至 {existing.valid_until:%Y-%m-%d}，指纹 "
            f"{existing.fingerprint[:16]}…），市级登记的正是这份证书，未作改动。确要换用新证书，请加 --replace"
            "（窗口中确认替换）：旧私钥和证书将备份保存，换用后须把新证书交市级重新登记。")


def _save(folder: Path, key, cert: x509.Certificate, chain: list[x509.Certificate], passphrase: str,
          replace: bool = False) -> ReplacedIdentity:
    wrapped = wrap_key(key, passphrase)
    certs = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain])
    backup = _backup(folder) if replace else None
    write_atomically(folder / KEY_FILE, wrapped)
    write_atomically(folder / CERT_FILE, certs)
    return ReplacedIdentity(cert, chain, backup)


def _fit(text: str, limit: int) -> str:
    """``text`` cut at a character boundary to at most ``limit`` bytes of UTF-8."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _subject(county: str, office: str) -> x509.Name:
    """The certificate's subject; a name longer than a field allows is cut there (at a character
    boundary) and kept whole in the "name" attribute; a county too long for its field is refused."""
    if len(county.encode("utf-8")) > NAME_LIMITS[NameOID.LOCALITY_NAME]:
        raise LedgerError(f"县（市、区）名称“{county}”太长（证书中最多 {NAME_LIMITS[NameOID.LOCALITY_NAME]} 字节，"
                          "约 42 个汉字），未创建证书。")
    common = office if office.startswith(county) else county + office
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "浙江省"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, county),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(office, NAME_LIMITS[NameOID.ORGANIZATION_NAME])),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(common, NAME_LIMITS[NameOID.COMMON_NAME])),
    ]
    if _fit(office, NAME_LIMITS[NameOID.ORGANIZATION_NAME]) != office:
        parts.append(x509.NameAttribute(FULL_NAME, office))
    return x509.Name(parts)


def create_identity(folder: Path, county: str, office: str, passphrase: str,
                    replace: bool = False) -> ReplacedIdentity:
    """A new RSA key and a self-signed certificate naming the county and the office; an existing
    identity is replaced only with ``replace`` (and then kept in a dated backup)."""
    county, office = county.strip(), office.strip()
    if not county or not office:
        raise LedgerError("创建签名证书需要填写县（市、区）和单位名称。")
    _check_passphrase(passphrase)
    subject = _subject(county, office)
    _refuse_replacing(folder, replace)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
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
    return _save(folder, key, cert, [], passphrase, replace)


def import_pkcs12(folder: Path, p12_path: Path, passphrase: str, replace: bool = False) -> ReplacedIdentity:
    """Take the key and certificate of a .p12/.pfx file; the same passphrase then guards the key.
    An existing identity is replaced only with ``replace`` (and then kept in a dated backup)."""
    _refuse_replacing(folder, replace)
    data = read_small_file(Path(p12_path), MAX_CERTIFICATE_BYTES, "证书文件")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError:
        raise LedgerError(f"无法打开证书文件 {p12_path}：口令错误，或文件不是 PKCS#12（.p12/.pfx）格式。") from None
    if key is None or cert is None:
        raise LedgerError(f"证书文件 {p12_path} 中没有私钥或证书，无法用于签名。")
    return _save(folder, key, cert, list(extra or []), passphrase, replace)


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


def certificate_warning(store) -> str:
    """What 首页 says about the office's certificate: expiring within 30 days or expired, else ""."""
    try:
        identity = load_identity(identity_folder(store))
    except LedgerError as error:
        return str(error)
    return identity.expiry_warning() if identity else ""


def require_identity(folder: Path) -> Identity:
    identity = load_identity(folder)
    if identity is None:
        raise LedgerError("本单位尚未设置签名证书：请先在“签名证书…”中创建或导入（命令行：identity new / identity import）。")
    return identity


def unlock(folder: Path, passphrase: str) -> SigningKey:
    """The private key, decrypted with the passphrase; a wrong passphrase is said plainly. A key
    wrapped the older, weaker way is re-wrapped now that the passphrase is known to be right."""
    identity = require_identity(folder)
    current, legacy = folder / KEY_FILE, folder / LEGACY_KEY_FILE
    try:
        if current.exists():
            key = _unwrap_key(current.read_bytes(), passphrase)
        else:
            key = serialization.load_pem_private_key(legacy.read_bytes(), passphrase.encode("utf-8"))
    except OSError:
        raise LedgerError(f"找不到私钥文件 {current}，请重新创建或导入签名证书。") from None
    except (ValueError, TypeError):
        raise LedgerError("口令不正确，无法解锁签名私钥。请核对后重试（注意大小写和输入法）。") from None
    if not current.exists():
        write_atomically(current, wrap_key(key, passphrase))
        legacy.unlink()
    return SigningKey(identity.certificate, identity.chain, key, folder)


def check_can_sign_with(key: Identity, county: str | None = None, now: datetime | None = None) -> None:
    """Refuse a certificate outside its validity, or of another county than the document names."""
    now = now or datetime.now(timezone.utc)
    if now < key.valid_from:
        raise LedgerError(f"签名证书自 {key.valid_from:%Y-%m-%d %H:%M} 起才生效，现在不能用它签发"
                          "（请核对电脑的日期和时间）。")
    if now > key.valid_until:
        raise LedgerError(f"签名证书已于 {key.valid_until:%Y-%m-%d} 过期，不能签发（市级核验会拒收）。"
                          "请创建新证书（identity new --replace）并交市级登记。")
    if county is not None and key.county != county:
        raise LedgerError(f"签名证书属于“{key.county or '未注明县（市、区）'}”，报表封面却是“{county}”："
                          "不能用别的县（市、区）的证书签发。请导入本县（市、区）的证书，或核对设置中的本单位信息。")


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

def new_identity(store, county: str, office: str, passphrase: str, replace: bool = False) -> ReplacedIdentity:
    return create_identity(identity_folder(store), county, office, passphrase, replace)


def import_identity(store, p12_path: Path, passphrase: str, replace: bool = False) -> ReplacedIdentity:
    return import_pkcs12(identity_folder(store), p12_path, passphrase, replace)


def store_identity(store) -> Identity:
    """The store's identity; refused when none was created or imported yet."""
    return require_identity(identity_folder(store))


def export_store_certificate(store, target: Path) -> tuple[Path, Identity]:
    """The certificate for the city to register, and whose it is."""
    return export_certificate(identity_folder(store), target), store_identity(store)


def office_identity(store) -> Identity | None:
    """The store's identity, or None before one was created or imported."""
    return load_identity(identity_folder(store))
