"""The office's signing identity: certificate names within X.509's byte limits, no silent
replacement, validity and county checked at signing, the expiry warning, the key's wrapping, and
the passphrase never echoed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from exchange.returns.returns_export import export_return
from exchange.signing.identity import (
    CERT_FILE, KEY_FILE, LEGACY_KEY_FILE, create_identity, identity_folder, load_identity, unlock,
)
from models.errors import LedgerError
from tests.conftest import ROOT
from tests.test_returns import AS_OF, PASSPHRASE, PERIOD, explain_all, review_and_sign

DEMO_OFFICE = "婺城区营商环境优化提升专班办公室（演示数据）"  # 66 bytes of UTF-8


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, **(env or {})), timeout=120)


def test_the_demo_office_gets_a_certificate_cut_at_a_character_boundary(tmp_path):
    identity = create_identity(tmp_path, "婺城区", DEMO_OFFICE, PASSPHRASE)
    subject = identity.certificate.subject
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        value = subject.get_attributes_for_oid(oid)[0].value
        assert len(value.encode("utf-8")) <= 64 and DEMO_OFFICE.startswith(value) and len(value) == 21
    assert identity.office == DEMO_OFFICE  # kept whole where no limit applies
    assert load_identity(tmp_path).office == DEMO_OFFICE


def test_the_demo_office_from_the_command_line(tmp_path):
    db = str(tmp_path / "demo.db")
    assert run("--db", db, "init", "--demo").returncode == 0
    result = run("--db", db, "identity", "new", "--county", "婺城区", "--office", DEMO_OFFICE,
                 "--passphrase-env", "LP", env={"LP": PASSPHRASE})
    assert result.returncode == 0, result.stderr
    assert DEMO_OFFICE in result.stdout


def test_a_name_too_long_for_any_field_is_refused_in_chinese_before_anything_is_written(tmp_path):
    with pytest.raises(LedgerError) as info:
        create_identity(tmp_path / "id", "婺城区" * 15, "营商办", PASSPHRASE)
    assert "太长" in str(info.value) and "字节" in str(info.value)
    assert not (tmp_path / "id").exists()


def test_an_existing_identity_is_replaced_only_when_asked(tmp_path):
    db = str(tmp_path / "x.db")
    env = {"LP": PASSPHRASE}
    assert run("--db", db, "init").returncode == 0
    new = ("--db", db, "identity", "new", "--county", "婺城区", "--office", "婺城区营商办", "--passphrase-env", "LP")
    assert run(*new, env=env).returncode == 0
    folder = tmp_path / "x.files" / "identity"
    first = load_identity(folder).fingerprint
    key_before = (folder / KEY_FILE).read_bytes()
    refused = run(*new, env=env)
    assert refused.returncode == 2 and "--replace" in refused.stderr and "市级" in refused.stderr
    assert load_identity(folder).fingerprint == first and (folder / KEY_FILE).read_bytes() == key_before
    replaced = run(*new, "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert "交市级登记" in replaced.stdout
    assert load_identity(folder).fingerprint != first
    (backup,) = folder.glob("backup-*")
    assert x509.load_pem_x509_certificate((backup / CERT_FILE).read_bytes()).fingerprint(hashes.SHA256()).hex() == first
    assert (backup / KEY_FILE).read_bytes() == key_before
    # import likewise
    p12 = tmp_path / "office.p12"
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = unlock(backup.parent, PASSPHRASE)
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"x", key.private_key, key.certificate, None,
                                                          serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    refused = run("--db", db, "identity", "import", str(p12), "--passphrase-env", "LP", env=env)
    assert refused.returncode == 2 and "--replace" in refused.stderr


@pytest.fixture
def county(tmp_path):
    from models.plan_loader import initialise
    from models.store import Store

    store = Store(tmp_path / "ledger.db").open()
    initialise(store, demo=True)
    explain_all(store)
    yield store
    store.close()


def reissue(folder: Path, not_before: datetime, not_after: datetime) -> None:
    """The office's certificate made again with the same key and other dates."""
    key = unlock(folder, PASSPHRASE)
    old = key.certificate
    cert = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.subject)
            .public_key(key.private_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after).sign(key.private_key, hashes.SHA256()))
    (folder / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@pytest.mark.parametrize("shift,words", [(-400, "过期"), (400, "起才生效")])
def test_signing_is_refused_outside_the_certificates_validity(county, tmp_path, shift, words):
    folder = identity_folder(county)
    create_identity(folder, "婺城区", "婺城区营商办", PASSPHRASE)
    now = datetime.now(timezone.utc)
    reissue(folder, now + timedelta(days=shift - 30), now + timedelta(days=shift))
    with pytest.raises(LedgerError) as info:
        review_and_sign(county, tmp_path / "out")
    assert words in str(info.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_key_of_another_county_does_not_sign_this_countys_return(county, tmp_path):
    create_identity(identity_folder(county), "金东区", "金东区营商办", PASSPHRASE)
    with pytest.raises(LedgerError) as info:
        review_and_sign(county, tmp_path / "out")
    assert "金东区" in str(info.value) and "婺城区" in str(info.value) and "别的县" in str(info.value)


def test_expiry_is_announced_30_days_ahead(county, tmp_path, qtbot):
    folder = identity_folder(county)
    create_identity(folder, "婺城区", "婺城区营商办", PASSPHRASE)
    now = datetime.now(timezone.utc)
    reissue(folder, now - timedelta(days=300), now + timedelta(days=20))
    county.close()
    result = run("--db", str(county.path), "identity", "show")
    assert result.returncode == 0 and "到期" in result.stderr and "还有 19 天" in result.stderr
    county.open()
    from ui.context import AppContext
    from ui.home_page import HomePage

    page = HomePage(AppContext(county))
    qtbot.addWidget(page)
    page.show()
    assert page.certificate_warning.isVisible() and "到期" in page.certificate_warning.text()
    reissue(folder, now - timedelta(days=300), now + timedelta(days=40))
    page.refresh()
    assert not page.certificate_warning.isVisible()


def test_the_key_is_wrapped_with_600000_pbkdf2_iterations(tmp_path):
    create_identity(tmp_path, "婺城区", "婺城区营商办", PASSPHRASE)
    wrapped = json.loads((tmp_path / KEY_FILE).read_bytes())
    assert wrapped["kdf"] == "pbkdf2-sha256" and wrapped["iterations"] >= 600_000
    assert PASSPHRASE not in (tmp_path / KEY_FILE).read_text()
    with pytest.raises(LedgerError, match="口令不正确"):
        unlock(tmp_path, "wrong-passphrase")


def test_an_older_weakly_wrapped_key_is_rewrapped_at_its_next_unlock(tmp_path):
    identity = create_identity(tmp_path, "婺城区", "婺城区营商办", PASSPHRASE)
    key = unlock(tmp_path, PASSPHRASE).private_key
    (tmp_path / KEY_FILE).unlink()  # as an older program kept it: PKCS#8 PBES2, 2,048 iterations
    legacy = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(PASSPHRASE.encode()))
    (tmp_path / LEGACY_KEY_FILE).write_bytes(legacy)
    with pytest.raises(LedgerError):
        unlock(tmp_path, "wrong-passphrase")
    assert (tmp_path / LEGACY_KEY_FILE).read_bytes() == legacy and not (tmp_path / KEY_FILE).exists()
    assert unlock(tmp_path, PASSPHRASE).certificate == identity.certificate
    assert not (tmp_path / LEGACY_KEY_FILE).exists()
    assert json.loads((tmp_path / KEY_FILE).read_bytes())["iterations"] >= 600_000
    again = unlock(tmp_path, PASSPHRASE).private_key
    assert again.private_numbers() == key.private_numbers()


@pytest.mark.parametrize("given", ["my secret passphrase!", "geheimnis123"])
def test_passphrase_env_never_echoes_its_argument(tmp_path, given):
    db = str(tmp_path / "x.db")
    assert run("--db", db, "init").returncode == 0
    result = run("--db", db, "identity", "new", "--county", "婺城区", "--office", "营商办", "--passphrase-env", given)
    assert result.returncode == 2
    assert given not in result.stderr and given not in result.stdout
    assert "环境变量" in result.stderr and "Traceback" not in result.stderr
    result = run("--db", db, "export", "--period", PERIOD, "--out", str(tmp_path), "--sign", "--passphrase-env", given)
    assert result.returncode == 2 and given not in result.stderr
