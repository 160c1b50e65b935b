"""The one report data model: a plain, versioned dict built from the database.

Every export (HTML, PDF, Markdown, CSV, JSON) and the letter are made from this dict, so
what one shows the others show. What can never be in it, by construction: a note its author
did not share, who wrote any note or question (no participant id or name is ever read), and
names of the inner circle (only counts).

Items carry a stable ``key`` (``outcome:<id>``, ``question:<id>``, ``note:<id>``,
``extra:<section>:<n>``); the moderator's edits and removals before the report is final are
overrides by key (:class:`spiegel.report.tables.ReportDraft`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..formats import CORE_OUTCOME_NAMES, LANGUAGES, MeetingFormat, OutcomeKind, kinds_of, pick
from ..models import Meeting, Note, Outcome, Participant, Question
from ..schemas import NOTE_TAGS
from .tables import ActionUpdate, Consent, ReportDraft, Series, SeriesRound

#: Version 2 added ``outcome_kinds`` (the kinds a format adds get sections of their own);
#: reports made final under version 1 keep it and still render (:func:`report_kinds`).
SCHEMA = "spiegel-report/2"
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
UNTAGGED = "untagged"
#: Roles that do not join by the meeting's code; every other role is a participant kind
#: (``listener``, or one the format declares) and is counted, never named.
NOT_JOINED = ("moderator", "assistant", "display")


def iso(seconds: float | None) -> str | None:
    """Epoch seconds as an ISO 8601 UTC timestamp (what JSON, CSV and ICS readers expect)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def check_sections(sections: Iterable[Mapping] | None) -> list[dict]:
    """Plugin report sections as plain dicts, or a ValueError naming what is wrong.

    Shape: ``{"key": str, "title": {"nl": str, "en": str}, "items": [{"text": str, ...}]}``;
    other item fields are kept (strings, numbers, booleans or None only).
    """
    checked: list[dict] = []
    for section in sections or ():
        key = section.get("key") if isinstance(section, Mapping) else None
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"report section key must be an identifier, not {key!r}")
        title = section.get("title")
        if not isinstance(title, Mapping) or any(not isinstance(title.get(lang), str) for lang in LANGUAGES):
            raise ValueError(f"report section {key!r}: title needs Dutch and English text")
        items = []
        for item in section.get("items") or ():
            if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
                raise ValueError(f"report section {key!r}: every item needs a text")
            bad = [k for k, v in item.items() if not isinstance(v, str | int | float | bool | type(None))]
            if bad:
                raise ValueError(f"report section {key!r}: item field {bad[0]!r} must be a plain value")
            items.append(dict(item))
        checked.append({"key": key, "title": {lang: title[lang] for lang in LANGUAGES}, "items": items})
    return checked


def _series(session: Session, meeting_id: str) -> dict | None:
    row = session.execute(select(SeriesRound, Series).join(Series, Series.id == SeriesRound.series_id)
                          .where(SeriesRound.meeting_id == meeting_id)).first()
    if row is None:
        return None
    place, series = row
    return {"id": series.id, "organisation": series.organisation, "region": series.region,
            "title": series.title, "round": place.round, "year": place.year}


def _progress(session: Session, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {i: [] for i in ids}
    if ids:
        for u in session.scalars(select(ActionUpdate).where(ActionUpdate.outcome_id.in_(ids))
                                 .order_by(ActionUpdate.at, ActionUpdate.id)):
            out[u.outcome_id].append({"at": iso(u.at), "status": u.status, "text": u.text})
    return out


def outcome_item(o: Outcome, fmt: type[MeetingFormat] | None, language: str,
                 progress: list[dict] | None = None) -> dict:
    phase = fmt.phase(o.phase_key) if fmt and o.phase_key else None
    item = {"key": f"outcome:{o.id}", "id": o.id, "kind": o.kind, "text": o.text, "phase": o.phase_key,
            "phase_title": pick(phase.title, language) if phase else None, "note_ids": list(o.note_ids or [])}
    if o.kind == "action":
        item.update(owner=o.owner, due=o.due, status=o.status or "open", progress=progress or [])
    if o.kind == "priority":
        item["score"] = o.score
    return item


def report_kinds(report: Mapping) -> list[dict]:
    """The report's outcome kinds in section order, ``[{kind, title, heading, core}]``; for a
    version-1 report (frozen before kinds came from formats) the core kinds and any other kind
    its outcomes have."""
    listed = list(report.get("outcome_kinds") or [])
    known = {k["kind"] for k in listed}
    if not listed:
        listed = [k.to_report() for k in kinds_of(None, None)]
        known = set(CORE_OUTCOME_NAMES)
    return listed + [_unknown_kind(name) for name in report["outcomes"] if name not in known]


def _unknown_kind(name: str) -> dict:
    """A kind stored outcomes have but no installed plugin declares any more: shown under its name."""
    return {"kind": name, "title": {lang: name for lang in LANGUAGES}, "heading": {lang: name for lang in LANGUAGES},
            "core": False}


def build_report(session: Session, meeting: Meeting, fmt: type[MeetingFormat] | None,
                 extra_sections: Iterable[Mapping] | None = None, *, include_removed: bool = False,
                 now: float | None = None, kinds: Sequence[OutcomeKind] | None = None) -> dict:
    """The report of ``meeting``: the frozen final copy once there is one, else the live draft
    with the moderator's overrides applied (``include_removed`` keeps removed items, marked,
    for the editing screen). ``kinds`` are the meeting's outcome kinds in section order (the
    app's ``kinds_of``; by default the core's and the format's own)."""
    draft = session.get(ReportDraft, meeting.id)
    if draft is not None and draft.final_data is not None and not include_removed:
        return draft.final_data
    language = meeting.language if meeting.language in LANGUAGES else "nl"
    overrides: dict = dict(draft.overrides or {}) if draft else {}
    sections = check_sections(extra_sections)

    rows = session.scalars(select(Outcome).where(Outcome.meeting_id == meeting.id)
                           .order_by(Outcome.created_at, Outcome.id)).all()
    progress = _progress(session, [o.id for o in rows if o.kind == "action"])
    kinds = tuple(kinds) if kinds is not None else kinds_of(None, fmt)
    outcomes: dict[str, list[dict]] = {kind.name: [] for kind in kinds}
    for o in rows:
        outcomes.setdefault(o.kind, []).append(outcome_item(o, fmt, language, progress.get(o.id)))
    # Columns only: never the author of a question or a note.
    asked = session.execute(select(Question.id, Question.text, Question.asked_at)
                            .where(Question.meeting_id == meeting.id, Question.status == "asked")
                            .order_by(Question.asked_at, Question.order)).all()
    questions = [{"key": f"question:{qid}", "id": qid, "text": text, "asked_at": iso(at)} for qid, text, at in asked]
    shared = session.execute(select(Note.id, Note.text, Note.tags)
                             .where(Note.meeting_id == meeting.id, Note.shared.is_(True))
                             .order_by(Note.created_at, Note.id)).all()
    groups: dict[str, list[dict]] = {tag: [] for tag in (*NOTE_TAGS, UNTAGGED)}
    for nid, text, tags in shared:
        tags = [t for t in NOTE_TAGS if t in (tags or [])]
        groups[tags[0] if tags else UNTAGGED].append({"key": f"note:{nid}", "id": nid, "text": text, "tags": tags})
    for section in sections:
        for n, item in enumerate(section["items"]):
            item["key"] = f"extra:{section['key']}:{n}"

    def apply(items: list[dict]) -> list[dict]:
        kept = []
        for item in items:
            change = overrides.get(item["key"]) or {}
            if "text" in change:
                item["text"] = change["text"]
            if change.get("removed"):
                if not include_removed:
                    continue
                item["removed"] = True
            kept.append(item)
        return kept

    outcomes = {kind: apply(items) for kind, items in outcomes.items()}
    questions = apply(questions)
    notes = [{"tag": tag, "items": apply(items)} for tag, items in groups.items()]
    for section in sections:
        section["items"] = apply(section["items"])
    listeners = session.scalar(select(func.count()).select_from(Participant).where(
        Participant.meeting_id == meeting.id, Participant.role.not_in(NOT_JOINED))) or 0
    consents = session.scalars(select(Consent).where(Consent.meeting_id == meeting.id)
                               .order_by(Consent.recorded_at)).all()
    ended = meeting.state in ("ended", "archived")
    return {
        "schema": SCHEMA,
        "status": "draft",
        "language": language,
        "generated_at": iso(now),
        "final_at": None,
        "meeting": {
            "id": meeting.id, "title": meeting.title, "theme": meeting.theme or "", "format": meeting.format,
            "format_title": pick(fmt.title, language) if fmt else meeting.format,
            "scheduled_for": meeting.scheduled_for, "ended_at": iso(meeting.phase_started_at) if ended else None,
            "state": meeting.state, "series": _series(session, meeting.id),
        },
        "counts": {
            "listeners": listeners,
            "inner_circle": max((c.participants for c in consents), default=None),
            "shared_notes": sum(len(g["items"]) for g in notes),
            "questions_asked": len(questions),
            "outcomes": {kind: len(items) for kind, items in outcomes.items()},
        },
        "consent": [{"what": c.what, "participants": c.participants, "recorded_at": iso(c.recorded_at)}
                    for c in consents],
        "outcome_kinds": [k.to_report() for k in kinds]
                         + [_unknown_kind(name) for name in outcomes if name not in {k.name for k in kinds}],
        "outcomes": outcomes,
        "questions": questions,
        "shared_notes": notes,
        "extra_sections": sections,
    }


def all_items(report: Mapping) -> list[dict]:
    """Every item of a report, for lookups by key."""
    items = [i for kind in report["outcomes"].values() for i in kind]
    items += report["questions"]
    items += [i for group in report["shared_notes"] for i in group["items"]]
    items += [i for section in report["extra_sections"] for i in section["items"]]
    return items
