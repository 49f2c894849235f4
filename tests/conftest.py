"""Shared fixtures. Fast tests use a seeded fake encoder and tiny files under tests/data; tests marked
slow use the real bundled model, the real FAISS index and real databases."""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path

import numpy as np
import pytest

from suggest.settings import Settings

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CDE_EVAL_DATA_DIR", REPO.parent / "shared" / "data"))


class FakeEncoder:
    """Deterministic bag-of-words embedder: each word stem gets a seeded random direction, so texts that
    share words are close. Good enough to test ranking logic without loading a model."""

    model_id = "fake-bow"
    revision = "test-only"
    dimension = 64

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed

    def _word(self, w: str) -> np.ndarray:
        rng = np.random.default_rng(self.seed + zlib.crc32(w[:5].encode()))
        return rng.standard_normal(self.dimension).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]{3,}", t.lower()):
                out[i] += self._word(w)
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


@pytest.fixture(autouse=True)
def _audit_key(monkeypatch):
    """A fixed audit-chain key, so no test writes a key file into the real data folder; tests that
    check the key file unset it."""
    monkeypatch.setenv("CDE_AUDIT_KEY", "test-audit-key-0123456789abcdef0123456789abcdef")


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", dictionary=DATA / "tiny_dictionary.yaml")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.is_dir():
        if os.environ.get("CDE_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"shared data not found at {SHARED}")
        pytest.skip(f"shared data not found at {SHARED}; set CDE_EVAL_DATA_DIR")
    return SHARED


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    base = tmp_path_factory.mktemp("real")
    cache = Path(os.environ.get("CDE_TEST_CACHE_DIR", base / "cache"))
    return Settings(data_dir=base / "data", cache_dir=cache)


@pytest.fixture(scope="session")
def real_suggester(real_settings):
    """The real bundled dictionary, model and FAISS index (built once per session)."""
    from suggest.suggester import Suggester

    return Suggester.from_settings(real_settings)


PG_URL = os.environ.get("CDE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_schema_url() -> str:
    """A fresh schema per test, so PostgreSQL tests never see each other's rows."""
    import uuid

    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_URL)
        schema = "t_" + uuid.uuid4().hex[:12]
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
    except Exception as exc:  # no server here
        if os.environ.get("CDE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (CDE_REQUIRE_POSTGRES=1) but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cde.db'}"
    return _postgres_schema_url()


@pytest.fixture
def db_url_pg() -> str:
    return _postgres_schema_url()
