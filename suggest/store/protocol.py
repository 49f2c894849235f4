"""``DecisionStore``: what the API and CLI may ask of a store.

They depend on this protocol, not on ``Store``, so a test can hand them a fake and a future
backend only has to satisfy these methods. Return values are plain dicts with ISO 8601 UTC times.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class DecisionStore(Protocol):
    def ping(self) -> None: ...

    # suggestion sets
    def save_suggestion_set(self, payload: dict[str, Any], *, text: str, position: str | None,
                            department: str | None, created_by: str, top_k: int, min_score: float) -> str: ...

    def get_suggestion_set(self, set_id: str) -> dict[str, Any]: ...

    def list_suggestion_sets(self, *, position: str | None = None, status: str | None = None,
                             limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]: ...

    # decisions
    def record_decisions(self, set_id: str, reviewer: str, decisions: list[dict[str, Any]], *,
                         idempotency_key: str | None = None,
                         dictionary_ids: Collection[str] = ()) -> list[dict[str, Any]]: ...

    def decision_history(self, set_id: str, competency_id: str | None = None) -> list[dict[str, Any]]: ...

    def current_decisions(self, set_id: str) -> list[dict[str, Any]]: ...

    def position_mapping(self, position: str) -> list[dict[str, Any]]: ...

    # proposals
    def create_proposal(self, set_id: str, *, activity_index: int, name: str, type: str,
                        ask: dict[str, Any] | None, level: int | None, rationale: str | None,
                        proposed_by: str) -> dict[str, Any]: ...

    def get_proposal(self, proposal_id: str) -> dict[str, Any]: ...

    def list_proposals(self, status: str | None = None, limit: int = 50, offset: int = 0, *,
                       set_id: str | None = None) -> tuple[list[dict[str, Any]], int]: ...

    def update_proposal(self, proposal_id: str, *, status: str, actor: str,
                        comment: str | None = None) -> dict[str, Any]: ...

    # API keys
    def create_key(self, name: str, role: str, *, actor: str = "cli") -> tuple[str, dict[str, Any]]: ...

    def verify_key(self, plaintext: str) -> dict[str, Any] | None: ...

    def revoke_key(self, name: str, *, actor: str = "cli") -> dict[str, Any]: ...

    def list_keys(self) -> list[dict[str, Any]]: ...

    # audit
    def record_event(self, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> dict[str, Any]: ...

    def list_events(self, limit: int = 100, offset: int = 0,
                    kind: str | None = None) -> tuple[list[dict[str, Any]], int]: ...

    def verify_chain(self) -> dict[str, Any]: ...
