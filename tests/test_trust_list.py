"""The city's trust list and ``verify --trust``, as the README writes them: an expired or a CA
certificate refused, one not valid yet registered with a warning, the validity shown; ``--trust``
takes one certificate each time, before or after the files."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from openpyxl import Workbook

from exchange.signing.identity import create_identity, export_certificate, unlock
from exchange.signing.trust_list import list_trusted, register_certificate
from exchange.signing.documents import CONSOLIDATION as KIND_CONSOLIDATION
from exchange.signing.xlsx_signature import sign_workbook
from models.errors import LedgerError
from tests.conftest import ROOT

PASS = "trust-secret"


def certificate(path: Path, start: timedelta, end: timedelta, ca: bool = False) -> Path:
    """A self-signed certificate valid from now + start to now + end."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "兰溪市营商办")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now + start).not_valid_after(now + end)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_expired_and_ca_certificates_are_refused(store, tmp_path):
    expired = certificate(tmp_path / "expired.pem", timedelta(days=-400), timedelta(days=-1))
    with pytest.raises(LedgerError, match=r"expired.pem：证书已过期（有效期 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d）"):
        register_certificate(store, expired, "兰溪市")
    authority = certificate(tmp_path / "ca.pem", timedelta(days=-1), timedelta(days=400), ca=True)
    with pytest.raises(LedgerError, match="证书颁发机构（CA）的证书"):
        register_certificate(store, authority, "兰溪市")
    assert list_trusted(store) == []


def test_a_certificate_not_valid_yet_is_registered_with_a_warning(store, tmp_path):
    later = certificate(tmp_path / "later.pem", timedelta(days=10), timedelta(days=400))
    row = register_certificate(store, later, "兰溪市")
    assert row["warnings"] and row["warnings"][0].startswith("证书尚未生效")
    assert row["not_before"] == (datetime.now(timezone.utc) + timedelta(days=10)).date().isoformat()
    assert [r["county"] for r in list_trusted(store)] == ["兰溪市"]


def test_trust_add_from_the_command_line_shows_validity_and_refuses_expired(tmp_path):
    db = str(tmp_path / "city.db")
    assert run("--db", db, "init").returncode == 0
    good = certificate(tmp_path / "good.pem", timedelta(days=-1), timedelta(days=365))
    added = run("--db", db, "trust", "add", str(good), "--county", "兰溪市")
    assert added.returncode == 0 and "有效期" in added.stdout and " 至 " in added.stdout
    later = certificate(tmp_path / "later.pem", timedelta(days=5), timedelta(days=365))
    warned = run("--db", db, "trust", "add", str(later), "--county", "义乌市")
    assert warned.returncode == 0 and "注意：证书尚未生效" in warned.stderr
    expired = certificate(tmp_path / "old.pem", timedelta(days=-400), timedelta(days=-2))
    refused = run("--db", db, "trust", "add", str(expired), "--county", "东阳市")
    assert refused.returncode != 0 and "证书已过期" in refused.stderr
    assert "东阳市" not in run("--db", db, "trust", "list").stdout


def test_verify_takes_one_trusted_certificate_per_flag_in_either_position(tmp_path):
    folder = tmp_path / "id"
    create_identity(folder, "金华市", "金华市营商办", PASS)
    cert = export_certificate(folder, tmp_path / "city.cer")
    other = certificate(tmp_path / "other.pem", timedelta(days=-1), timedelta(days=30))
    book = Workbook()
    book.active.append(["县", "值"])
    signed = tmp_path / "汇总.xlsx"
    signed.write_bytes(sign_workbook(book, unlock(folder, PASS), KIND_CONSOLIDATION, "2023-B22"))
    before = run("verify", "--trust", str(cert), str(signed))
    after = run("verify", str(signed), "--trust", str(other), "--trust", str(cert))
    assert before.returncode == 0 and after.returncode == 0, (before.stdout, before.stderr, after.stderr)
    assert f"{signed}：有效" in before.stdout and f"{signed}：有效" in after.stdout
    untrusted = run("verify", str(signed), "--trust", str(other))
    assert untrusted.returncode != 0 and "不在已登记的受信任证书中" in untrusted.stdout
