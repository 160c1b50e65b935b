"""HTTP routes of the report screen, the follow-up board, series, privacy and the audit log.

Moderator routes (``/api/moderate/<meeting_id>/...``) authenticate with the moderator key
(or an assistant key with the ``outcomes`` right) as ``Authorization: Bearer <key>``: the
key the moderator page keeps, never in a URL. Admin routes use the admin session or
password like the rest of the admin API. Every view and export of a report or letter, and
every admin sign-in, goes into the audit log.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from ..errors import SpiegelError
from ..formats import kinds_of, pick
from ..meetings import create_meeting, duplicate_meeting
from ..models import Meeting, Outcome, Participant
from ..outcomes import require_kind
from ..schemas import MeetingCreate, validate
from ..views import meeting_view, outcome_view
from ..web import _admin_meeting_view, _headers, _json_body, _key_holder, _page, _require_admin
from . import actions, audit, drafts, exports, followup, letter, series
from .model import build_report, iso
from .payloads import (
    ConsentAdd,
    FinalSet,
    ItemChange,
    LetterSet,
    NextRound,
    OutcomeChange,
    OutcomeNew,
    ProgressAdd,
    RetentionSet,
    SeriesAssign,
    SeriesCreate,
)
from .retention import effective_date
from .sections import plugin_sections
from .tables import Consent, Retention

bp = Blueprint("report", __name__)
bp.after_request(_headers)

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "md": "text/markdown; charset=utf-8",
         "csv": "application/zip", "json": "application/json"}


@bp.errorhandler(SpiegelError)
def _refused(exc: SpiegelError):
    return jsonify(exc.to_ack()), exc.http_status


def _sp():
    return current_app.extensions["spiegel"]


def _address() -> str:
    return request.remote_addr or "?"


def _staff(session: Session, meeting_id: str) -> tuple[Participant, Meeting]:
    """The moderator (or an assistant with ``outcomes``) of this meeting, by bearer key."""
    p = _key_holder(session)
    if p.meeting_id != meeting_id:
        raise SpiegelError("token_unknown")
    if p.role == "assistant" and "outcomes" not in (p.rights or []):
        raise SpiegelError("missing_right", "Your assistant link does not include the right 'outcomes'.")
    if p.role not in ("moderator", "assistant"):
        raise SpiegelError("forbidden_role", "The report is for the moderator.")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise SpiegelError("not_found", "No meeting with that id.")
    return p, meeting


#: A screen reloads the report after every edit: one "viewed" entry per link and 10 minutes.
VIEW_WINDOW = 600.0


def _audit(session: Session, who: Participant | None, action: str, meeting_id: str | None, detail: str = "") -> None:
    if action == "report.viewed" and who is not None and audit.seen_since(
            session, who.id, action, meeting_id, _sp().clock() - VIEW_WINDOW):
        return
    audit.record(session, at=_sp().clock(), role=who.role if who else "admin", link=who.id if who else "admin",
                 address=_address(), action=action, meeting_id=meeting_id, detail=detail)


def _report(session: Session, meeting: Meeting, include_removed: bool = False) -> dict:
    sp = _sp()
    fmt = sp.formats.get(meeting.format)
    return build_report(session, meeting, fmt, plugin_sections(sp, session, meeting),
                        include_removed=include_removed, now=sp.clock(), kinds=kinds_of(sp, fmt))


def _emit_after_commit(ctx) -> None:
    if ctx is not None:
        _sp().deliver(ctx)


def _outcome_changed(session: Session, meeting: Meeting, o):
    """Bump the meeting version and queue the news for the staff sockets (sent after commit)."""
    ctx = _sp().context(session, meeting)
    o.version = ctx.version()
    ctx.to_staff("outcome", {"version": o.version, "outcome": outcome_view(o)})
    return ctx


def _download(body: bytes | str, kind: str, filename: str) -> Response:
    response = Response(body, mimetype=MEDIA.get(kind, "text/plain; charset=utf-8"))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(meeting: Meeting) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in meeting.title.lower()).strip("-")
    return "-".join(filter(None, keep.split("-")))[:60] or "spiegel"


# --- pages -------------------------------------------------------------------------------------

@bp.get("/moderate/<meeting_id>/report")
def report_page(meeting_id: str):
    return _page("moderator/report", "report.html")


@bp.get("/moderate/<meeting_id>/report/print")
def report_print_page(meeting_id: str):
    return _page("moderator/report", "print.html")


@bp.get("/admin/followup")
def followup_page():
    return _page("moderator/report", "followup.html")


# --- the report and letter (moderator) -------------------------------------------------------------

@bp.get("/api/moderate/<meeting_id>/report")
def report_draft(meeting_id: str):
    sp = _sp()
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        final = drafts.is_final(s, m.id)
        report = _report(s, m) if final else _report(s, m, include_removed=True)
        text, edited = drafts.letter_text(s, _report(s, m))
        fmt = sp.formats.get(m.format)
        _audit(s, who, "report.viewed", m.id)
        retention = s.get(Retention, m.id)
        until = effective_date(m, retention, int(current_app.config["RETENTION_DAYS"]))
        return {"ok": True, "report": report, "final": final, "letter": {"text": text, "edited": edited},
                "phases": [{"key": p.key, "title": pick(p.title, m.language)} for p in fmt.phases] if fmt else [],
                "previous_round": series.open_actions_before(s, m.id),
                "retention": {"retain_until": until.isoformat() if until else None,
                              "purged_at": iso(retention.purged_at) if retention else None},
                "consent_names": bool(current_app.config.get("CONSENT_NAMES"))}


@bp.patch("/api/moderate/<meeting_id>/report/items/<path:key>")
def report_item_change(meeting_id: str, key: str):
    """Edit or remove one item; an outcome's text is changed on the outcome itself."""
    sp = _sp()
    data = validate(ItemChange, _json_body())
    change = data.model_dump(exclude_unset=True)
    out = None
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        if key.startswith("outcome:") and "text" in change:
            if drafts.is_final(s, m.id):
                raise SpiegelError("report_final", "The report is final; reopen it to change it.")
            o = actions.outcome_of(s, m.id, key.split(":", 1)[1])
            actions.edit(s, o, {"text": change.pop("text")}, sp.clock(), who.role)
            out = _outcome_changed(s, m, o)
        fmt = sp.formats.get(m.format)
        override = drafts.set_override(s, m, fmt, key, change, sp.clock(), plugin_sections(sp, s, m),
                                       kinds_of(sp, fmt)) if change else {}
    _emit_after_commit(out)
    return {"ok": True, "key": key, "override": override}


@bp.delete("/api/moderate/<meeting_id>/report/items/<path:key>")
def report_item_restore(meeting_id: str, key: str):
    sp = _sp()
    with sp.db.transaction() as s:
        _who, m = _staff(s, meeting_id)
        drafts.clear_override(s, m, key, sp.clock())
    return {"ok": True, "key": key}


@bp.put("/api/moderate/<meeting_id>/report/final")
def report_final(meeting_id: str):
    sp = _sp()
    data = validate(FinalSet, _json_body())
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        fmt = sp.formats.get(m.format)
        report = drafts.set_final(s, m, fmt, data.final, sp.clock(), plugin_sections(sp, s, m), kinds_of(sp, fmt))
        if data.final:
            _audit(s, who, "report.final", m.id)
        return {"ok": True, "final": data.final, "report": report}


@bp.get("/api/moderate/<meeting_id>/report.<kind>")
def report_export(meeting_id: str, kind: str):
    if kind not in MEDIA:
        raise SpiegelError("not_found", "Reports come as .html, .pdf, .md, .csv or .json.")
    sp = _sp()
    table = request.args.get("table")
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        report = _report(s, m)
        _audit(s, who, "report.exported", m.id, kind + (f":{table}" if table else ""))
        name = f"verslag-{_slug(m)}" if report["language"] == "nl" else f"report-{_slug(m)}"
    if kind == "html":
        return Response(exports.to_html(report), mimetype=MEDIA["html"], headers={"Cache-Control": "no-store"})
    if kind == "pdf":
        return _download(exports.off_the_loop(exports.to_pdf, report), kind, f"{name}.pdf")
    if kind == "md":
        return _download(exports.to_markdown(report), kind, f"{name}.md")
    if kind == "json":
        return _download(exports.to_json(report), kind, f"{name}.json")
    if table:
        tables = exports.csv_tables(report)
        if table not in tables:
            raise SpiegelError("not_found", f"No table {table!r}; tables: {', '.join(tables)}.")
        response = _download("\ufeff" + tables[table], "csv", f"{name}-{table}.csv")
        response.mimetype = "text/csv"
        return response
    return _download(exports.to_csv_zip(report), kind, f"{name}-csv.zip")


@bp.put("/api/moderate/<meeting_id>/letter")
def letter_save(meeting_id: str):
    sp = _sp()
    data = validate(LetterSet, _json_body())
    with sp.db.transaction() as s:
        _who, m = _staff(s, meeting_id)
        drafts.save_letter(s, m, data.text, sp.clock())
        text, edited = drafts.letter_text(s, _report(s, m))
    return {"ok": True, "letter": {"text": text, "edited": edited}}


@bp.get("/api/moderate/<meeting_id>/letter.<kind>")
def letter_export(meeting_id: str, kind: str):
    if kind not in ("html", "pdf"):
        raise SpiegelError("not_found", "The letter comes as .html or .pdf.")
    sp = _sp()
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        report = _report(s, m)
        text, _edited = drafts.letter_text(s, report)
        _audit(s, who, "letter.printed", m.id, kind)
        name = f"brief-{_slug(m)}" if report["language"] == "nl" else f"letter-{_slug(m)}"
    if kind == "html":
        return Response(letter.to_html(report, text), mimetype=MEDIA["html"], headers={"Cache-Control": "no-store"})
    return _download(exports.off_the_loop(letter.to_pdf, report, text), "pdf", f"{name}.pdf")


# --- outcomes and actions after the meeting ---------------------------------------------------------

@bp.post("/api/moderate/<meeting_id>/outcomes")
def outcome_create(meeting_id: str):
    """An outcome written after the meeting (what went well, a wish, an action agreed later)."""
    sp = _sp()
    data = validate(OutcomeNew, _json_body())
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        fmt = sp.formats.get(m.format)
        require_kind(kinds_of(sp, fmt), data.kind)
        if data.phase and (fmt is None or fmt.phase(data.phase) is None):
            raise SpiegelError("unknown_phase", f"The format has no phase {data.phase!r}.")
        now = sp.clock()
        o = Outcome(id=str(uuid.uuid4()), meeting_id=m.id, author_id=who.id, kind=data.kind, text=data.text,
                    owner=data.owner or None, due=data.due or None, phase_key=data.phase or None,
                    status="open" if data.kind == "action" else None, note_ids=[], version=0,
                    created_at=now, updated_at=now)
        s.add(o)
        out = _outcome_changed(s, m, o)
        view = outcome_view(o)
    _emit_after_commit(out)
    return {"ok": True, "outcome": view}, 201


@bp.patch("/api/moderate/<meeting_id>/outcomes/<outcome_id>")
def outcome_change(meeting_id: str, outcome_id: str):
    sp = _sp()
    data = validate(OutcomeChange, _json_body())
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        o = actions.outcome_of(s, m.id, outcome_id)
        fields = data.model_dump(exclude_unset=True)
        require_kind(kinds_of(sp, sp.formats.get(m.format)), fields.get("kind"))
        if "phase" in fields and fields["phase"] and (sp.formats.get(m.format) is None
                                                      or sp.formats[m.format].phase(fields["phase"]) is None):
            raise SpiegelError("unknown_phase", f"The format has no phase {fields['phase']!r}.")
        actions.edit(s, o, fields, sp.clock(), who.role)
        out = _outcome_changed(s, m, o)
        view = outcome_view(o)
    _emit_after_commit(out)
    return {"ok": True, "outcome": view}


@bp.post("/api/moderate/<meeting_id>/outcomes/<outcome_id>/progress")
def outcome_progress(meeting_id: str, outcome_id: str):
    sp = _sp()
    data = validate(ProgressAdd, _json_body())
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        o = actions.outcome_of(s, m.id, outcome_id)
        actions.add_progress(s, o, data.text, data.status, sp.clock(), who.role)
        out = _outcome_changed(s, m, o)
        view = outcome_view(o)
    _emit_after_commit(out)
    return {"ok": True, "outcome": view}, 201


@bp.post("/api/moderate/<meeting_id>/consent")
def consent_add(meeting_id: str):
    """The inner circle's consent: what, when, how many; names only if the organisation chose."""
    sp = _sp()
    data = validate(ConsentAdd, _json_body())
    if data.names and not current_app.config.get("CONSENT_NAMES"):
        raise SpiegelError("invalid_payload", "This server does not store names with consent.",
                           [{"field": "names", "problem": "names_not_stored"}])
    with sp.db.transaction() as s:
        who, m = _staff(s, meeting_id)
        c = Consent(meeting_id=m.id, what=data.what, participants=data.participants, names=list(data.names),
                    recorded_at=sp.clock(), by_role=who.role)
        s.add(c)
        s.flush()
        return {"ok": True, "consent": {"what": c.what, "participants": c.participants,
                                        "recorded_at": iso(c.recorded_at), "names": list(c.names)}}, 201


# --- admin: follow-up board, series, retention, audit log ---------------------------------------------

def _today():
    return datetime.fromtimestamp(_sp().clock(), UTC).date()


def _admin_audit(s: Session, action: str, meeting_id: str | None = None, detail: str = "") -> None:
    _audit(s, None, action, meeting_id, detail)


@bp.get("/api/admin/followup")
def followup_board():
    _require_admin()
    sp = _sp()
    filters = followup.Filters.from_args(request.args)
    with sp.db.transaction() as s:
        rows = followup.board(s, filters, _today())
        return {"ok": True, "actions": rows, "series": series.list_series(s),
                "formats": [{"name": f.name, "title": pick(f.title, request.args.get("lang", "nl"))}
                            for f in sp.formats.values()]}


@bp.get("/api/admin/followup.<kind>")
def followup_export(kind: str):
    _require_admin()
    if kind not in ("csv", "ics"):
        raise SpiegelError("not_found", "The board comes as .csv or .ics.")
    sp = _sp()
    filters = followup.Filters.from_args(request.args)
    with sp.db.transaction() as s:
        rows = followup.board(s, filters, _today())
        _admin_audit(s, "followup.exported", None, kind)
    if kind == "csv":
        return Response(followup.to_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="opvolging.csv"', "Cache-Control": "no-store"})
    return Response(followup.to_ics(rows, sp.clock()), mimetype="text/calendar", headers={
        "Content-Disposition": 'attachment; filename="opvolging.ics"', "Cache-Control": "no-store"})


@bp.patch("/api/admin/actions/<outcome_id>")
def admin_action_change(outcome_id: str):
    _require_admin()
    sp = _sp()
    data = validate(OutcomeChange, _json_body())
    with sp.db.transaction() as s:
        o = actions.outcome_of(s, _meeting_of_outcome(s, outcome_id), outcome_id)
        require_kind(kinds_of(sp, sp.formats.get(s.get(Meeting, o.meeting_id).format)), data.kind)
        actions.edit(s, o, data.model_dump(exclude_unset=True), sp.clock(), "admin")
        out = _outcome_changed(s, s.get(Meeting, o.meeting_id), o)
        view = outcome_view(o)
    _emit_after_commit(out)
    return {"ok": True, "outcome": view}


@bp.post("/api/admin/actions/<outcome_id>/progress")
def admin_action_progress(outcome_id: str):
    _require_admin()
    sp = _sp()
    data = validate(ProgressAdd, _json_body())
    with sp.db.transaction() as s:
        o = actions.outcome_of(s, _meeting_of_outcome(s, outcome_id), outcome_id)
        actions.add_progress(s, o, data.text, data.status, sp.clock(), "admin")
        out = _outcome_changed(s, s.get(Meeting, o.meeting_id), o)
        view = outcome_view(o)
    _emit_after_commit(out)
    return {"ok": True, "outcome": view}, 201


def _meeting_of_outcome(s: Session, outcome_id: str) -> str:
    o = s.get(Outcome, outcome_id)
    if o is None:
        raise SpiegelError("not_found", "No action with that id.")
    return o.meeting_id


@bp.get("/api/admin/series")
def series_list():
    _require_admin()
    with _sp().db.transaction() as s:
        return {"ok": True, "series": series.list_series(s)}


@bp.post("/api/admin/series")
def series_create():
    _require_admin()
    sp = _sp()
    data = validate(SeriesCreate, _json_body())
    with sp.db.transaction() as s:
        row = series.create_series(s, data.organisation, data.region, data.title, sp.clock())
        return {"ok": True, "series": series.series_view(row)}, 201


@bp.patch("/api/admin/series/<series_id>")
def series_change(series_id: str):
    """Correct a series' organisation, region or title (a typo, a renamed network): its rounds
    stay where they are."""
    _require_admin()
    data = validate(SeriesCreate, _json_body())
    with _sp().db.transaction() as s:
        row = series.get_series(s, series_id)
        row.organisation, row.region, row.title = data.organisation, data.region or "", data.title or ""
        return {"ok": True, "series": series.series_view(row)}


@bp.get("/api/admin/series/<series_id>/compare")
def series_compare(series_id: str):
    _require_admin()
    with _sp().db.transaction() as s:
        return {"ok": True, **series.compare(s, series_id)}


@bp.put("/api/admin/meetings/<meeting_id>/series")
def series_assign(meeting_id: str):
    _require_admin()
    data = validate(SeriesAssign, _json_body())
    with _sp().db.transaction() as s:
        if s.get(Meeting, meeting_id) is None:
            raise SpiegelError("not_found", "No meeting with that id.")
        place = series.assign(s, meeting_id, data.series_id, data.round, data.year)
        return {"ok": True, "place": place}


@bp.post("/api/admin/series/<series_id>/next")
def series_next(series_id: str):
    """The next round's meeting: a copy of the last round's set-up, with that round's open
    actions in the answer (and on the new meeting's report screen)."""
    _require_admin()
    sp = _sp()
    data = validate(NextRound, _json_body())
    with sp.db.transaction() as s:
        series.get_series(s, series_id)
        previous = series.rounds(s, series_id)
        now = sp.clock()
        if previous:
            meeting, key = duplicate_meeting(sp, s, previous[-1][1], now)
        elif data.title:
            meeting, key = create_meeting(sp, s, MeetingCreate(title=data.title), now)
        else:
            raise SpiegelError("invalid_payload", "The first round of a series needs a title.",
                               [{"field": "title", "problem": "missing"}])
        if data.title:
            meeting.title = data.title
        if data.theme is not None:
            meeting.theme = data.theme
        place = series.assign(s, meeting.id, series_id, None, data.year)
        body = {"ok": True, "meeting": _admin_meeting_view(sp, s, meeting), "place": place, "moderator_key": key,
                "moderator_url": sp.moderator_url(meeting.id, key), "join_url": sp.join_url(meeting.code),
                "previous_round": series.open_actions_before(s, meeting.id)}
    return jsonify(body), 201


@bp.put("/api/admin/meetings/<meeting_id>/retention")
def retention_set(meeting_id: str):
    _require_admin()
    data = validate(RetentionSet, _json_body())
    with _sp().db.transaction() as s:
        m = s.get(Meeting, meeting_id)
        if m is None:
            raise SpiegelError("not_found", "No meeting with that id.")
        row = s.get(Retention, meeting_id) or Retention(meeting_id=meeting_id)
        row.retain_until = data.retain_until.isoformat() if data.retain_until else None
        s.add(row)
        until = effective_date(m, row, int(current_app.config["RETENTION_DAYS"]))
        return {"ok": True, "meeting": meeting_view(m), "retain_until": until.isoformat() if until else None}


@bp.get("/api/admin/audit")
def audit_list():
    _require_admin()
    with _sp().db.transaction() as s:
        return {"ok": True, "entries": audit.entries(s, request.args.get("meeting") or None)}


@bp.get("/api/admin/audit.csv")
def audit_export():
    _require_admin()
    with _sp().db.transaction() as s:
        rows = audit.entries(s, request.args.get("meeting") or None, limit=1_000_000)
        _admin_audit(s, "audit.exported", request.args.get("meeting") or None)
    return Response(audit.to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="audit.csv"', "Cache-Control": "no-store"})

