"""HTTP: the pages (static files from ``clients/``), the join and admin API, QR codes.

Pages carry a strict Content-Security-Policy: every script, style, image and connection
comes from this server, so a page cannot leak a note to anyone else even by mistake.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from . import clients as clients_package
from . import qr, storage
from .access import hash_token, normalise_code
from .context import STAFF_ROLES
from .errors import SpiegelError
from .links import join, new_moderator_key
from .meetings import create_meeting, duplicate_meeting, erase_meeting, update_meeting
from .models import Meeting, Participant
from .outbox import meeting_room
from .phases import open_meeting
from .report import audit
from .schemas import Empty, JoinRequest, MeetingCreate, MeetingUpdate, validate
from .snapshots import label_of
from .staff_pass import COOKIE, LIFETIME
from .views import meeting_view

bp = Blueprint("spiegel", __name__)

#: The client pages: the ``spiegel.clients`` package (the repository's clients/ folder in a
#: checkout or an editable install, the copy inside the wheel once installed).
CLIENTS = Path(clients_package.__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


def _sp():
    return current_app.extensions["spiegel"]


@bp.after_app_request
def _headers(response: Response) -> Response:
    """On every answer of the app, errors and 404s too (Socket.IO's own: see http_guard.secure_headers)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(SpiegelError)
def _refused(exc: SpiegelError):
    return jsonify(exc.to_ack()), exc.http_status


def _page(folder: str, name: str):
    """A file from clients/ (never outside it), revalidated on every load so an update reaches
    every tablet at its next reload."""
    response = send_from_directory(CLIENTS / folder, name)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/healthz")
def healthz():
    """For monitoring: 200 while the database answers, 503 ``storage_unavailable`` while it does not."""
    try:
        _sp().db.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "down" here
        refusal = storage.refusal(exc) or SpiegelError("storage_unavailable")
        return jsonify({**refusal.to_ack(), "database": "down"}), refusal.http_status
    sp = _sp()
    found = {"ok": True, "database": "up", **sp.shared.health(), "load": sp.load.health()}
    if sp.collector is not None:
        found["gc"] = sp.collector.health()
    return found


@bp.get("/")
@bp.get("/join")
def start_page():
    return _page("listener", "start.html")


@bp.get("/join/<code>")
def join_page(code: str):
    return _page("listener", "index.html")


@bp.get("/sw.js")
def listener_service_worker():
    """The listener page's offline shell; served from the root so it may control /join/."""
    return _page("listener", "sw.js")


@bp.get("/moderate/<meeting_id>")
def moderator_page(meeting_id: str):
    return _page("moderator", "index.html")


@bp.get("/display/<code>")
def display_page(code: str):
    return _page("moderator", "display.html")


@bp.get("/admin")
def admin_page():
    return _page("moderator", "admin.html")


@bp.get("/static/<path:path>")
def static_file(path: str):
    return _page(".", path)


@bp.get("/plugins/<name>/<path:path>")
def plugin_static(name: str, path: str):
    """A plugin's own static files (``register_static``): its page modules, CSS, catalogues."""
    folder = _sp().static.get(name)
    if folder is None:
        raise SpiegelError("not_found", "No plugin serves files under that name.")
    response = send_from_directory(folder.path, path)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _meeting_by_code(session, code: str) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.code == normalise_code(code)))
    if meeting is None:
        raise SpiegelError("unknown_code")  # never echo what was typed
    return meeting


def _json_body() -> object:
    """The JSON body, ``{}`` for none; any other body (a form, multipart, broken or too deep JSON) is refused."""
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return {}
    if not request.is_json:
        raise SpiegelError("invalid_payload", "Send the body as application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise SpiegelError("invalid_payload", "The body is nested too deeply.") from None
    if data is None:
        raise SpiegelError("invalid_payload", "The body is not valid JSON.")
    return data


@bp.get("/api/meetings/<code>")
def meeting_info(code: str):
    sp = _sp()
    sp.lookups.hit(request.remote_addr or "?")  # each answer names a meeting: no enumerating codes
    with sp.db.transaction() as s:
        m = _meeting_by_code(s, code)
        fmt = sp.formats[m.format]
        return {"ok": True, "meeting": {
            "title": m.title, "theme": m.theme, "language": m.language, "state": m.state, "code": m.code,
            "format_title": fmt.title.get(m.language, fmt.title["nl"]),
            "joinable": m.state in ("open", "running"),
        }}


@bp.post("/api/meetings/<code>/join")
def join_meeting(code: str):
    sp = _sp()
    sp.joins.hit(request.remote_addr or "?")
    data = validate(JoinRequest, _json_body())
    with sp.db.transaction() as s:
        meeting = _meeting_by_code(s, code)
        person, token, kind = join(s, meeting, sp.formats[meeting.format], data, sp.clock())
        s.flush()
        body = {"ok": True, "token": token, "meeting_id": meeting.id, "kind": kind.name, "participant": {
            "id": person.id, "name": person.name, "discipline": person.discipline,
            "label": label_of(sp.context(s, meeting), person)}}
    return jsonify(body), 201


def _key_holder(session) -> Participant:
    """The participant whose key a staff screen's HTTP call sends as ``Authorization: Bearer
    <key>`` (the staff pass, the report routes); refused when there is none or it is revoked."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:]:
        raise SpiegelError("not_authenticated", "Send the moderator key as Authorization: Bearer <key>.")
    person = session.scalar(select(Participant).where(Participant.token_hash == hash_token(header[7:])))
    if person is None or person.revoked:
        raise SpiegelError("token_unknown")
    return person


@bp.post("/api/staff-pass")
def staff_pass():
    """Trade a moderator's or assistant's key (``Authorization: Bearer <key>``, as the report
    routes take it) for the staff pass (server/staff_pass.py), so the screen's new socket gets
    through while this worker sheds load: plain HTTP is still served then."""
    sp = _sp()
    sp.lookups.hit(request.remote_addr or "?")
    with sp.db.transaction() as s:
        person = _key_holder(s)
        if person.role not in STAFF_ROLES:
            raise SpiegelError("forbidden_role", "Only a moderator or an assistant gets a staff pass.")
        value = sp.staff_passes.issue(person.id)
    response = jsonify({"ok": True, "expires_in": LIFETIME})
    response.set_cookie(COOKIE, value, max_age=LIFETIME, path=sp.socketio.sockio_mw.engineio_path,
                        secure=request.is_secure, httponly=True, samesite="Strict")
    return response


@bp.get("/api/formats")
def formats():
    language = request.args.get("lang", "nl")
    sp = _sp()
    # The outcome kinds as a meeting of the format has them (core, its own, what plugins add),
    # in the moderator snapshot's shape: an admin page or a tool sees them before a meeting.
    # Beside the formats' own admin modules, those of any plugin (``register_admin_modules``).
    return {"ok": True, "formats": [{**f.to_wire(language),
                                     "outcome_kinds": [k.to_wire(language) for k in sp.outcome_kinds[name]]}
                                    for name, f in sp.formats.items()],
            "admin_modules": list(sp.admin_modules.modules), "admin_styles": list(sp.admin_modules.styles)}


@bp.get("/qr/<code>.<kind>")
def qr_code(code: str, kind: str):
    sp = _sp()
    with sp.db.transaction() as s:
        url = sp.join_url(_meeting_by_code(s, code).code)
    if kind == "svg":
        return Response(qr.svg(url), mimetype="image/svg+xml")
    if kind == "png":
        return Response(qr.png(url), mimetype="image/png")
    raise SpiegelError("not_found", "QR codes come as .svg or .png.")


# --- admin -----------------------------------------------------------------------------------

def _require_admin() -> None:
    _sp().admin.require(request)


@bp.post("/api/admin/login")
def admin_login():
    sp = _sp()
    body = _json_body()
    sp.admin.check_password(body.get("password") if isinstance(body, dict) else None, request.remote_addr or "?")
    with sp.db.transaction() as s:
        audit.record(s, at=sp.clock(), role="admin", link="admin", address=request.remote_addr or "?",
                     action="admin.signin")
    response = jsonify({"ok": True})
    sp.admin.sign_in(request, response, https=sp.public_url.startswith("https://"))
    return response


@bp.post("/api/admin/logout")
def admin_logout():
    response = jsonify({"ok": True})
    _sp().admin.sign_out(request, response)
    return response


@bp.get("/api/admin/session")
def admin_session():
    return {"ok": True, "signed_in": _sp().admin.signed_in(request)}


def _admin_meeting_view(sp, s, m: Meeting) -> dict:
    listeners = s.scalar(select(Participant.id).where(Participant.meeting_id == m.id,
                                                      Participant.role == "listener").limit(1))
    fmt = sp.formats.get(m.format)
    return {**meeting_view(m), "format_title": fmt.title.get(m.language, fmt.title["nl"]) if fmt else m.format,
            "phase": m.phase_key, "created_at": round(m.created_at * 1000), "has_listeners": listeners is not None,
            "join_url": sp.join_url(m.code), "prepared": m.prepared, "durations": m.durations,
            "options": dict((m.settings or {}).get("options") or {})}


def _created(sp, s, meeting: Meeting, key: str):
    body = {"ok": True, "meeting": _admin_meeting_view(sp, s, meeting), "moderator_key": key,
            "moderator_url": sp.moderator_url(meeting.id, key), "join_url": sp.join_url(meeting.code)}
    return jsonify(body), 201


@bp.get("/api/admin/meetings")
def admin_meetings():
    _require_admin()
    sp = _sp()
    with sp.db.transaction() as s:
        rows = s.scalars(select(Meeting).order_by(Meeting.created_at.desc())).all()
        return {"ok": True, "meetings": [_admin_meeting_view(sp, s, m) for m in rows]}


@bp.post("/api/admin/meetings")
def admin_create():
    _require_admin()
    sp = _sp()
    data = validate(MeetingCreate, _json_body())
    with sp.db.transaction() as s:
        meeting, key = create_meeting(sp, s, data, sp.clock())
        answer = _created(sp, s, meeting, key)
    _announce(sp, meeting)
    return answer


@bp.post("/api/admin/meetings/<meeting_id>/duplicate")
def admin_duplicate(meeting_id: str):
    _require_admin()
    sp = _sp()
    with sp.db.transaction() as s:
        source = s.get(Meeting, meeting_id)
        if source is None:
            raise SpiegelError("not_found", "No meeting with that id.")
        meeting, key = duplicate_meeting(sp, s, source, sp.clock())
        answer = _created(sp, s, meeting, key)
    _announce(sp, meeting)
    return answer


def _admin_meeting(s, meeting_id: str) -> Meeting:
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise SpiegelError("not_found", "No meeting with that id.")
    return meeting


def _admin_change(meeting_id: str, handler, data) -> dict:
    """Run a meeting handler for the admin (no participant), then tell everyone connected, as a
    change made from the moderator screen would."""
    sp = _sp()
    with sp.db.transaction() as s:
        ctx = sp.context(s, _admin_meeting(s, meeting_id))
        handler(ctx, data)
        s.flush()
        view = _admin_meeting_view(sp, s, ctx.meeting)
    sp.deliver(ctx)
    return {"ok": True, "meeting": view}


@bp.patch("/api/admin/meetings/<meeting_id>")
def admin_update(meeting_id: str):
    """Edit a meeting from the list (title, theme, date, language, durations …)."""
    _require_admin()
    return _admin_change(meeting_id, update_meeting, validate(MeetingUpdate, _json_body()))


@bp.post("/api/admin/meetings/<meeting_id>/open")
def admin_open(meeting_id: str):
    _require_admin()
    return _admin_change(meeting_id, open_meeting, Empty())


@bp.post("/api/admin/meetings/<meeting_id>/moderator-link")
def admin_moderator_link(meeting_id: str):
    """A new moderator link for an organiser who lost theirs; the old link stops working at once
    (its open screens are disconnected). Code, invitations and everything written stay."""
    _require_admin()
    sp = _sp()
    with sp.db.transaction() as s:
        meeting = _admin_meeting(s, meeting_id)
        moderator_id, key = new_moderator_key(s, meeting)
        url = sp.moderator_url(meeting.id, key)
    for sid in sp.presence.sockets(meeting_id, moderator_id):
        sp.socketio.server.disconnect(sid)
    return {"ok": True, "moderator_key": key, "moderator_url": url}


@bp.delete("/api/admin/meetings/<meeting_id>")
def admin_delete(meeting_id: str):
    """Erase a meeting with every note, question, outcome and token: what people wrote is
    sensitive, and once the report and follow-up are done it should not linger."""
    _require_admin()
    sp = _sp()
    with sp.db.transaction() as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            raise SpiegelError("not_found", "No meeting with that id.")
        erase_meeting(sp, s, meeting_id)
        audit.record(s, at=sp.clock(), role="admin", link="admin", address=request.remote_addr, action="meeting.erased",
                     meeting_id=meeting_id)
    sp.db.after_erase()
    # Tablets wipe what they keep of this meeting, then their sockets close (docs/protocol.md).
    sp.socketio.emit("meeting.erased", {"meeting_id": meeting_id}, to=meeting_room(meeting_id))
    for sid in sp.presence.meeting_sockets(meeting_id):  # every worker's (through the message queue)
        sp.socketio.server.disconnect(sid)
    return {"ok": True, "deleted": meeting_id}


@bp.post("/api/admin/actions/<name>")
def admin_action(name: str):
    """A plugin's administrator action (``register_admin_actions``), in one transaction."""
    _require_admin()
    sp = _sp()
    action = sp.admin_actions.get(name)
    if action is None:
        raise SpiegelError("not_found", "No administrator action by that name.")
    data = validate(action.schema, _json_body())
    with sp.db.transaction() as s:
        result = action.handler(s, data, sp.clock())
    return {"ok": True, **(result or {})}


def _announce(sp, meeting: Meeting) -> None:
    """Under `spiegel run`, show a new meeting's join URL and QR code on the terminal."""
    if sp.announce is not None:
        sp.announce(meeting)


HTTP_ERRORS = {404: ("not_found", "No such path."), 405: ("method_not_allowed", None),
               413: ("text_too_long", "The request body is too large.")}


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code, message = HTTP_ERRORS.get(exc.code or 500, ("internal_error", None))
    if request.path.startswith("/api/") or exc.code == 413:
        return jsonify(SpiegelError(code, message).to_ack()), exc.code
    return exc


@bp.app_errorhandler(Exception)
def _bug(exc: Exception):
    """A bug answers like every other error; the log gets the traceback, never the body.
    A database failure is no bug: it answers its own code (storage_unavailable, …)."""
    refusal = storage.refusal(exc)
    if refusal is not None:
        current_app.logger.warning("%s %s: %s", request.method, request.url_rule or "?", refusal.code)
        return jsonify(refusal.to_ack()), refusal.http_status
    current_app.logger.exception("%s %s failed", request.method, request.url_rule or "?")
    if request.path.startswith("/api/"):
        return jsonify(SpiegelError("internal_error").to_ack()), 500
    return "Internal server error", 500
