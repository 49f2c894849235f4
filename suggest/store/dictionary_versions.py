"""``VersionStore``: dictionary drafts and dictionary versions (``store.dictionary_versions``).

It shares the engine, the serialised writer and the audit chain with ``Store``. Publishing is one write
transaction: the drafts turn published, the old version stops being active and the new one starts, and
its audit event is appended, so no replica can ever read a half-published version. Replicas learn of it
by polling ``active_head`` (see ``suggest/dictionary_watch.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from .. import dictionary_drafts as drafts
from ..dictionary import Competency, Dictionary
from ..errors import Conflict, InputError, NotFound
from . import audit
from ._checks import check_name, check_text
from .db import Sessions
from .models import (DRAFT_STATUSES, DictionaryDraftRow, DictionaryVersionRow, ProposalRow, iso, new_id,
                     utcnow)


def draft_dict(row: DictionaryDraftRow) -> dict[str, Any]:
    entry = Competency.model_validate(row.entry)
    return {"id": row.id, "proposal_id": row.proposal_id, "competency_id": row.competency_id,
            "status": row.status, "entry": entry.model_dump(mode="json"), "missing": drafts.missing(entry),
            "revision": row.revision, "created_by": row.created_by, "created_at": iso(row.created_at),
            "updated_by": row.updated_by, "updated_at": iso(row.updated_at), "published_in": row.published_in}


def version_dict(row: DictionaryVersionRow) -> dict[str, Any]:
    return {"version": row.version, "name": row.name, "fingerprint": row.fingerprint,
            "base_version": row.base_version, "base_fingerprint": row.base_fingerprint,
            "added": [e["id"] for e in row.entries], "created_by": row.created_by,
            "created_at": iso(row.created_at), "comment": row.comment, "active": bool(row.active)}


class VersionStore(Sessions):
    # -- drafts ----------------------------------------------------------------------------------

    def create_draft(self, proposal_id: str, fields: dict[str, Any], *, actor: str,
                     base: Dictionary) -> dict[str, Any]:
        """A draft entry from a proposal: its name, type and ASK unless `fields` say otherwise. A proposal
        still under discussion may be drafted; only an approved one is published."""
        actor = check_name(actor, "actor", max_chars=self.limits.max_name_chars)
        with self._write() as s:
            proposal = s.get(ProposalRow, proposal_id) if isinstance(proposal_id, str) else None
            if proposal is None:
                raise NotFound(f"no proposal {proposal_id!r}", code="proposal_not_found")
            if proposal.status == "rejected":
                raise Conflict(f"proposal {proposal_id} was rejected; it cannot become a dictionary entry",
                               code="proposal_rejected")
            held = s.scalar(select(DictionaryDraftRow.id).where(DictionaryDraftRow.proposal_id == proposal_id))
            if held is not None:
                raise Conflict(f"proposal {proposal_id} already has draft {held}; edit that one",
                               code="draft_exists", detail={"draft_id": held})
            taken = set(s.scalars(select(DictionaryDraftRow.competency_id)))
            n = int(s.scalar(select(func.count()).select_from(DictionaryDraftRow)) or 0) + 1
            # a ministry's own dictionary could use NEW- ids too: skip any number that is taken
            while (cid := drafts.draft_competency_id(proposal.type, n)) in taken or cid in base.by_id:
                n += 1
            merged = {"name": proposal.name, "ask": proposal.ask, **fields}
            entry, _ = drafts.build_entry(cid, proposal.type, merged)
            at = utcnow()
            row = DictionaryDraftRow(id=new_id(), proposal_id=proposal_id, competency_id=cid,
                                     entry=entry.model_dump(mode="json"), status="draft", created_by=actor,
                                     created_at=at, updated_by=actor, updated_at=at, revision=1)
            s.add(row)
            s.flush()
            audit.append_event(s, actor, "dictionary.draft.create", row.id,
                               {"id": row.id, "proposal_id": proposal_id, "competency_id": cid,
                                "name": entry.name})
            return draft_dict(row)

    def update_draft(self, draft_id: str, fields: dict[str, Any], *, actor: str,
                     revision: int | None = None) -> dict[str, Any]:
        """Fields given replace the draft's; the rest stay. Published drafts are part of a version: frozen."""
        actor = check_name(actor, "actor", max_chars=self.limits.max_name_chars)
        with self._write() as s:
            row = _get_draft(s, draft_id)
            if row.status == "published":
                raise Conflict(f"draft {draft_id} is published in {row.published_in}; it can no longer change",
                               code="draft_published")
            if revision is not None and revision != row.revision:
                raise Conflict(f"the draft is at revision {row.revision}, not {revision}; reload it",
                               code="draft_changed", detail={"revision": row.revision})
            entry, _ = drafts.build_entry(row.competency_id, row.entry["type"], {**row.entry, **fields})
            row.entry, row.updated_by, row.updated_at = entry.model_dump(mode="json"), actor, utcnow()
            row.revision += 1
            s.flush()
            audit.append_event(s, actor, "dictionary.draft.update", row.id,
                               {"id": row.id, "revision": row.revision, "fields": sorted(fields)})
            return draft_dict(row)

    def get_draft(self, draft_id: str) -> dict[str, Any]:
        with self._read() as s:
            return draft_dict(_get_draft(s, draft_id))

    def list_drafts(self, *, status: str | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        if status is not None and status not in DRAFT_STATUSES:
            raise InputError(f"status must be one of {', '.join(DRAFT_STATUSES)}", code="invalid_status")
        query = select(DictionaryDraftRow)
        count = select(func.count()).select_from(DictionaryDraftRow)
        if status is not None:
            query, count = query.where(DictionaryDraftRow.status == status), count.where(
                DictionaryDraftRow.status == status)
        with self._read() as s:
            rows = s.scalars(query.order_by(DictionaryDraftRow.created_at.desc(), DictionaryDraftRow.id)
                             .limit(limit).offset(offset))
            return [draft_dict(r) for r in rows], int(s.scalar(count) or 0)

    # -- versions --------------------------------------------------------------------------------

    def publish(self, draft_ids: list[str] | None, *, actor: str, base: Dictionary,
                comment: str | None = None) -> dict[str, Any]:
        """A new active version: the base, every entry published before, and these drafts (None: every
        unpublished draft). Refused whole when any draft is not approved, not complete, or clashes."""
        actor = check_name(actor, "actor", max_chars=self.limits.max_name_chars)
        check_text(comment, "comment", max_chars=self.limits.max_comment_chars)
        with self._write() as s:
            if draft_ids is None:
                chosen = list(s.scalars(select(DictionaryDraftRow).where(DictionaryDraftRow.status == "draft")
                                        .order_by(DictionaryDraftRow.competency_id)))
            else:
                chosen = [_get_draft(s, d) for d in dict.fromkeys(draft_ids)]
            if not chosen:
                raise Conflict("there are no unpublished drafts to publish", code="nothing_to_publish")
            new = [_publishable(s, row) for row in chosen]
            earlier = [Competency.model_validate(r.entry) for r in s.scalars(
                select(DictionaryDraftRow).where(DictionaryDraftRow.status == "published")
                .order_by(DictionaryDraftRow.competency_id))]
            n = int(s.scalar(select(func.count()).select_from(DictionaryVersionRow)) or 0) + 1
            version = drafts.next_version(base.version, n)
            built = drafts.compose(base, [*earlier, *new], version)
            s.execute(update(DictionaryVersionRow).where(DictionaryVersionRow.active.is_(True)).values(active=False))
            row = DictionaryVersionRow(
                version=version, name=built.name, fingerprint=built.fingerprint, base_version=base.version,
                base_fingerprint=base.fingerprint, entries=[e.model_dump(mode="json") for e in [*earlier, *new]],
                created_by=actor, created_at=utcnow(), comment=comment, active=True)
            s.add(row)
            for d in chosen:
                d.status, d.published_in = "published", version
            s.flush()
            audit.append_event(s, actor, "dictionary.publish", version,
                               {"id": row.id, "name": built.name, "version": version,
                                "fingerprint": built.fingerprint, "base_fingerprint": base.fingerprint,
                                "added": [e.id for e in new]})
            return version_dict(row)

    def list_versions(self, *, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Newest first."""
        with self._read() as s:
            rows = s.scalars(select(DictionaryVersionRow).order_by(DictionaryVersionRow.id.desc())
                             .limit(limit).offset(offset))
            items = [version_dict(r) for r in rows]
            return items, int(s.scalar(select(func.count()).select_from(DictionaryVersionRow)) or 0)

    def active_head(self) -> tuple[str, str] | None:
        """(version, fingerprint) of the active version, or None when the base dictionary is in force.
        Two short columns: every replica asks this every few seconds."""
        with self._read() as s:
            head = s.execute(select(DictionaryVersionRow.version, DictionaryVersionRow.fingerprint)
                             .where(DictionaryVersionRow.active.is_(True))).first()
        return (head.version, head.fingerprint) if head else None

    def get_version(self, version: str) -> dict[str, Any]:
        """The whole version, its entries included: what a replica rebuilds the dictionary from."""
        with self._read() as s:
            row = s.scalar(select(DictionaryVersionRow).where(DictionaryVersionRow.version == version))
            if row is None:
                raise NotFound(f"no dictionary version {version!r}", code="version_not_found")
            return {**version_dict(row), "entries": list(row.entries)}


def _get_draft(session: Any, draft_id: str) -> DictionaryDraftRow:
    row = session.get(DictionaryDraftRow, draft_id) if isinstance(draft_id, str) else None
    if row is None:
        raise NotFound(f"no dictionary draft {draft_id!r}", code="draft_not_found")
    return row


def _publishable(session: Any, row: DictionaryDraftRow) -> Competency:
    if row.status == "published":
        raise Conflict(f"draft {row.id} ({row.competency_id}) is already published in {row.published_in}",
                       code="draft_published", detail={"draft_id": row.id})
    proposal = session.get(ProposalRow, row.proposal_id)
    if proposal is None or proposal.status != "approved":
        raise Conflict(f"draft {row.id} ({row.competency_id}) comes from a proposal that is "
                       f"{proposal.status if proposal else 'gone'}; approve it first",
                       code="proposal_not_approved", detail={"draft_id": row.id, "proposal_id": row.proposal_id})
    entry = Competency.model_validate(row.entry)
    lacking = drafts.missing(entry)
    if lacking:
        raise Conflict(f"draft {row.id} ({row.competency_id}) is not complete: "
                       + "; ".join(f"{p['field']}: {p['message']}" for p in lacking),
                       code="draft_incomplete", detail={"draft_id": row.id, "missing": lacking})
    return entry
