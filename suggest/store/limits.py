"""The store's limits, taken from `Settings` so that the API, the CLI and the store agree on every one."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings


@dataclass(frozen=True)
class Limits:
    """The store's share of the settings, so store code needs no Settings import of its own."""

    max_page_size: int
    max_decisions: int
    max_text_chars: int
    max_id_chars: int
    max_name_chars: int
    max_comment_chars: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        s = settings or Settings()
        return cls(max_page_size=s.max_page_size, max_decisions=s.max_decisions, max_text_chars=s.max_text_chars,
                   max_id_chars=s.max_id_chars, max_name_chars=s.max_name_chars,
                   max_comment_chars=s.max_comment_chars)
