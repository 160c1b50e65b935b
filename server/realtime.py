"""Socket.IO: authenticate on connect, send the snapshot, dispatch every event.

Each event goes through the same steps: authenticate → validate → check the rule →
change state in one transaction → commit → acknowledge and broadcast. Handlers are plain
functions in the domain modules; this module holds no meeting logic.
"""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room
from sqlalchemy import bindparam, select

from . import guard, hot_sql, storage, trace
from . import schemas as s
from .access import hash_token
from .context import STAFF_ROLES, Ctx, Sender
from .errors import SpiegelError
from .models import Meeting, Participant
from .outbox import kind_room, meeting_room, participant_room, staff_room
from .permissions import check

log = logging.getLogger("spiegel.realtime")

_p, _m = Participant.__table__.c, Meeting.__table__.c
#: Sender and meeting of an event (``context.Sender``): one Core row of the columns the checks
#: read. Loading both as ORM rows was a fifth of a note; a handler that needs them loads them.
_HEAD = (select(_p.id.label("participant_id"), _p.meeting_id, _p.role, _p.revoked, _p.last_seen_at,
                _m.format, _m.state, _m.phase_key)
         .select_from(Participant.__table__.join(Meeting.__table__, _m.id == _p.meeting_id)))
SENDER = _HEAD.where(_p.id == bindparam("participant_id"))
#: ``SENDER`` on the DBAPI cursor (:mod:`.hot_sql`): every event reads it.
_SENDER = hot_sql.Hot(SENDER)
#: The same, found by the token's hash on connect.
_SIGN_IN = hot_sql.Hot(_HEAD.where(_p.token_hash == bindparam("token_hash")))
_SEEN = hot_sql.Hot(Participant.__table__.update().where(_p.id == bindparam("participant_id"))
                    .values(last_seen_at=bindparam("now")))
#: ``last_seen_at`` is written at most this often per participant: a reconnect storm (Wi-Fi
#: roaming, a server restart) then costs no commit per tablet. Presence only asks whether a
#: participant was ever seen.
SEEN_EVERY = 60.0

#: The deprecated envelope for old-style plugin actions: ``action`` ``{name, data}``.
LEGACY_ACTION = "action"


def _spiegel():
    return current_app.extensions["spiegel"]


def _connection() -> tuple[str, str] | None:
    """(participant id, meeting id) of the current socket, set on connect."""
    return _spiegel().connections.get(request.sid)


def run(event: str, data: object, sp=None, conn: tuple[str, str] | None = None, sid: str | None = None) -> dict:
    """Handle one event for the current socket and return its ack (never raises).

    Every event, core or plugin, takes the same path: look up its declaration → validate →
    load sender and meeting → replay or check the rule → handler → commit → send. The
    transaction is a :class:`.db.Unit`: one commit, through the ORM Session if the handler made
    one, and a rollback of everything on any exception. ``sid`` is the sending socket: messages
    its ack already carries (``skip_sender``) are not sent to it again.
    """
    sp = sp or _spiegel()
    conn = conn or _connection()
    legacy = event == LEGACY_ACTION
    try:
        if conn is None:
            raise SpiegelError("not_authenticated", "This connection is not signed in; reconnect.")
        if legacy:
            envelope = s.validate(s.PluginAction, data)
            event, data = envelope.name, envelope.data
        spec = sp.registry.client.get(event)
        if spec is None:
            raise SpiegelError("unknown_event", "No event has that name.")  # never echo what was sent
        payload = s.validate(spec.schema, data)
        with sp.db.unit() as unit:  # a Core transaction; the ORM Session only if the handler asks
            sender = _SENDER.row(unit.connection, {"participant_id": conn[0]})
            if sender is None or sender.meeting_id != conn[1] or sender.revoked:
                raise SpiegelError("token_unknown")
            ctx = Ctx(spiegel=sp, unit=unit, fmt=sp.formats[sender.format], now=sp.clock(), sender=sender)
            if spec.formats and sender.format not in spec.formats:
                raise SpiegelError("not_this_format", f"Meetings of the format {sender.format!r} do not take "
                                   f"{event!r}.")
            replay = spec.replay if spec.replay and ctx.kind is not None else None
            result = replay(ctx, payload) if replay and not spec.answers_resend else None
            if result is None:
                result = _checked(spec, ctx, payload, replay if spec.answers_resend else None)
            if legacy:
                result = {"result": result}
        trace.mark("d0")
        sp.deliver(ctx, sender_sid=sid)
        trace.mark("d1")
        return {"ok": True, **result}
    except SpiegelError as exc:
        log.info("refused %s: %s", guard.loggable(event), exc.code)
        return exc.to_ack()
    except Exception as exc:  # noqa: BLE001 - a bug must answer, not hang the client
        refusal = storage.refusal(exc)
        if refusal is not None:
            log.warning("event %s: %s", guard.loggable(event), refusal.code)
            return refusal.to_ack()
        log.exception("event %s failed", guard.loggable(event))  # the traceback, never the payload
        return SpiegelError("internal_error").to_ack()


def _checked(spec, ctx: Ctx, payload, replay) -> dict:
    """The handler's answer once the rule allows it; refused, the stored item of a resend when
    ``replay`` finds one (a tablet's outbox that drains after the phase moved on), else the refusal."""
    try:
        check(spec.rule, ctx)
    except SpiegelError:
        stored = replay(ctx, payload) if replay is not None else None
        if stored is None:
            raise
        return stored
    return spec.handler(ctx, payload)


def authenticate(sp, auth: object, connection) -> Sender:
    """The socket's sender row by its token; ``last_seen_at`` written when due (Core, no ORM rows)."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token:
        raise SpiegelError("not_authenticated", "Connect with auth: {token}.")
    sender = _SIGN_IN.row(connection, {"token_hash": hash_token(token)})
    if sender is None or sender.revoked:
        raise SpiegelError("token_unknown")
    now = sp.clock()
    if sender.last_seen_at is None or not 0 <= now - sender.last_seen_at < SEEN_EVERY:
        _SEEN.run(connection, {"participant_id": sender.participant_id, "now": now})
    return sender


def _join(sp, sender: Sender, sid: str) -> None:
    """The signed-in socket's rooms and presence (undone by :func:`_leave`)."""
    participant_id, meeting_id, role = sender.participant_id, sender.meeting_id, sender.role
    sp.connections[sid] = (participant_id, meeting_id)
    join_room(meeting_room(meeting_id))
    join_room(participant_room(participant_id))
    if role in STAFF_ROLES:
        join_room(staff_room(meeting_id))
        sp.staff_sids.add(sid)
    elif role != "display":
        join_room(kind_room(meeting_id, role))
    sp.presence.connect(meeting_id, participant_id, sid)


def _leave(sp, sid: str) -> None:
    """A socket that will not be connected after all leaves what :func:`_join` put it in (its
    rooms go with the refused connection)."""
    sp.staff_sids.discard(sid)
    conn = sp.connections.pop(sid, None)
    if conn:
        sp.presence.disconnect(conn[1], conn[0], sid)


def _welcome(sp, auth: object, sid: str) -> dict:
    """Sign in, join, and build the snapshot, all in one transaction (a reconnect is one
    ``SELECT`` by token hash, then the snapshot's own reads; one commit, when ``last_seen_at``
    is due). The rooms are joined before the snapshot's first read: a change committed after
    that read is broadcast to them, one committed before it is in the snapshot (which is why
    the snapshot reads the meeting again rather than taking the sign-in's row). On SQLite the
    sign-in's ``SELECT`` opens no read snapshot (no ``BEGIN`` before a write; once a write began,
    no other writer commits until this one does); on PostgreSQL each statement reads what is
    committed (READ COMMITTED)."""
    with sp.load.working(), sp.db.unit() as unit:
        sender = authenticate(sp, auth, unit.connection)
        _join(sp, sender, sid)
        ctx = Ctx(spiegel=sp, unit=unit, fmt=sp.formats[sender.format], now=sp.clock(), sender=sender)
        snapshot = sp.snapshot(ctx)
    sp.deliver(ctx)
    return snapshot


def register(sio: SocketIO) -> None:
    @sio.on("connect")
    def on_connect(auth=None):
        """Sign the socket in by its token, join its rooms and send the snapshot."""
        sp = _spiegel()
        sid = request.sid
        # Before any database work: a worker that is behind, or full, answers a storm of
        # sockets cheaply and keeps the ones it holds (server/load_shed.py).
        if sp.load.busy() and not sp.staff_passes.held(request.environ):
            busy = SpiegelError("server_busy", retry_after=sp.load.refuse("connect"))
            raise ConnectionRefusedError(busy.message, busy.connect_error())
        if not sp.capacity.claim(sid):
            full = SpiegelError("server_full")
            raise ConnectionRefusedError(full.message, full.connect_error())
        try:
            snapshot = _welcome(sp, auth, sid)
        except Exception as exc:  # noqa: BLE001 - every failure refuses the socket, none leaves it half in
            _leave(sp, sid)
            sp.capacity.release(sid)
            refusal = exc if isinstance(exc, SpiegelError) else storage.refusal(exc)
            if refusal is None:
                log.exception("connect failed")  # the traceback, never the token
                refusal = SpiegelError("internal_error")
            raise ConnectionRefusedError(refusal.message, refusal.connect_error()) from None
        sio.emit("snapshot", snapshot, to=sid)
        sp.broadcast_presence(sp.connections[sid][1])

    @sio.on("disconnect")
    def on_disconnect(reason=None, *_args):
        """Why a socket closed ("client disconnect", "server disconnect", "transport error",
        "ping timeout"), at debug level and without the socket's id: what tells a tablet's drop
        from a worker's close when a connection is lost."""
        log.debug("socket closed: %s", reason)
        sp = _spiegel()
        sp.load.closed(reason)
        sp.staff_sids.discard(request.sid)
        sp.capacity.release(request.sid)
        conn = sp.connections.pop(request.sid, None)
        if conn:
            sp.presence.disconnect(conn[1], conn[0], request.sid)
            sp.broadcast_presence(conn[1])

    @sio.on("*")
    def on_event(event, *args):
        """Every event, known or not, goes through :func:`run` and gets an ack."""
        if event == guard.REFUSED:  # reserved, not a string, too deep: never dispatched
            return guard.refusal(args[0] if args else None)
        if trace.on():
            trace.begin(event)
            if args and isinstance(args[0], dict) and isinstance(args[0].get("id"), str):
                trace.mark("id", args[0]["id"][:36])
            try:
                return _on_event(event, *args)
            finally:
                trace.end()
        return _on_event(event, *args)

    def _on_event(event, *args):
        sp = _spiegel()
        if request.sid not in sp.staff_sids and sp.load.busy():
            # Behind: store nothing, acknowledge nothing; the tablet keeps it and resends.
            return SpiegelError("server_busy", retry_after=sp.load.refuse("event")).to_ack()
        try:
            guard.admit(sp, (sp.connections.get(request.sid) or ("?",))[0], request.remote_addr)
        except SpiegelError as exc:
            return exc.to_ack()
        if len(args) > 1:
            return SpiegelError("invalid_payload", "Send one payload object per event.").to_ack()
        with sp.load.working():
            return run(event, args[0] if args else None, sid=request.sid)
