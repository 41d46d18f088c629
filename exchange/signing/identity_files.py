"""Where the office's signing identity is kept in the store's folder, and whether it has one:
answered without loading cryptography, so the window's start-up can ask for nothing."""
from __future__ import annotations

from pathlib import Path

CERT_FILE, KEY_FILE, LEGACY_KEY_FILE = "certificate.pem", "key.json", "key.pem"


def identity_folder(store) -> Path:
    """Where the identity of the store's office is kept."""
    return store.folder / f"{store.path.stem}.files" / "identity"


def has_certificate(store) -> bool:
    """Whether the office has a certificate (created or imported) for this store."""
    return (identity_folder(store) / CERT_FILE).exists()
