"""The audit chain's HMAC key: a setting (CDE_AUDIT_KEY) or a file under the data folder, never the database.

Whoever can write the database but not read this key cannot rewrite the chain so that it verifies. The
file is created once, owner-only (600, in a 700 folder), with 32 random bytes; keep a copy with the
backups: without it the chain cannot be verified (or extended so that it verifies)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..settings import Settings
from .db import private_file

KEY_FILE = "audit.key"


def load_audit_key(settings: Settings | None = None) -> bytes:
    s = settings or Settings()
    if s.audit_key is not None and s.audit_key.get_secret_value():
        return s.audit_key.get_secret_value().encode()
    return _key_file(s.data_dir / KEY_FILE)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        private_file(path)
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, secrets.token_hex(32).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    key = path.read_text(encoding="ascii").strip().encode()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable audit key (expected 64 hex characters)")
    return key
