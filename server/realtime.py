"""Socket.IO: authenticate on connect, send the snapshot, dispatch every event.

Each event goes through the same steps: authenticate → validate → check the rule →
change state in one transaction → commit → acknowledge and broadcast. Handlers are plain
functions in the domain modules; this module holds no meeting logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room
from pydantic import BaseModel
from sqlalchemy import select

from . import meetings, notes, outcomes, questions, rounds
from . import schemas as s
from .access import hash_token
from .context import STAFF_ROLES, Ctx, meeting_room, participant_room, staff_room
from .errors import SpiegelError
from .models import Meeting, Participant
from .permissions import RULES, Rule, check, listener, staff
from .snapshots import snapshot

log = logging.getLogger("spiegel.realtime")


@dataclass(frozen=True)
class Event:
    schema: type[BaseModel]
    handler: Callable[[Ctx, BaseModel], dict]
    #: For idempotent adds: answers a resend of a stored id before the phase rule is checked,
    #: so a tablet whose outbox drains after the meeting moved on still gets its ack.
    replay: Callable[[Ctx, BaseModel], dict | None] | None = None


def _sync(ctx: Ctx, _data: s.Empty) -> dict:
    return {"snapshot": snapshot(ctx)}


#: Every client→server event: its schema and handler. Who may send it is in permissions.RULES.
EVENTS: dict[str, Event] = {
    "sync": Event(s.Empty, _sync),
    "note.add": Event(s.NoteAdd, notes.add_note, notes.replay_note),
    "note.edit": Event(s.NoteEdit, notes.edit_note),
    "note.delete": Event(s.ItemRef, notes.delete_note),
    "note.share": Event(s.NoteShare, notes.share_note),
    "question.add": Event(s.QuestionAdd, questions.add_question, questions.replay_question),
    "question.edit": Event(s.QuestionEdit, questions.edit_question),
    "question.delete": Event(s.ItemRef, questions.delete_question),
    "question.withdraw": Event(s.ItemRef, questions.withdraw_question),
    "turn.set": Event(s.TurnSet, rounds.set_turn),
    "poll.answer": Event(s.PollAnswer, rounds.answer_poll),
    "meeting.update": Event(s.MeetingUpdate, meetings.update_meeting),
    "meeting.open": Event(s.Empty, meetings.open_meeting),
    "meeting.archive": Event(s.Empty, meetings.archive_meeting),
    "phase.goto": Event(s.PhaseGoto, meetings.goto_phase),
    "timer.start": Event(s.TimerStart, meetings.timer_start),
    "timer.pause": Event(s.Empty, meetings.timer_pause),
    "timer.resume": Event(s.Empty, meetings.timer_resume),
    "timer.adjust": Event(s.TimerAdjust, meetings.timer_adjust),
    "timer.reset": Event(s.TimerReset, meetings.timer_reset),
    "prepared.set": Event(s.PreparedSet, meetings.set_prepared),
    "prompt.set": Event(s.PromptSet, meetings.set_prompt),
    "question.update": Event(s.QuestionUpdate, questions.update_question),
    "question.reorder": Event(s.QuestionReorder, questions.reorder_questions),
    "question.merge": Event(s.QuestionMerge, questions.merge_questions),
    "question.asking": Event(s.QuestionAsking, questions.set_asking),
    "outcome.add": Event(s.OutcomeAdd, outcomes.add_outcome),
    "outcome.edit": Event(s.OutcomeEdit, outcomes.edit_outcome),
    "outcome.delete": Event(s.ItemRef, outcomes.delete_outcome),
    "poll.open": Event(s.PollOpen, rounds.open_poll),
    "poll.close": Event(s.ItemRef, rounds.close_poll),
    "assistant.create": Event(s.AssistantCreate, meetings.create_assistant),
    "display.link": Event(s.Empty, meetings.display_link),
}
assert set(EVENTS) == set(RULES), "every event needs a rule and every rule an event"


def _spiegel():
    return current_app.extensions["spiegel"]


def _connection() -> tuple[str, str] | None:
    """(participant id, meeting id) of the current socket, set on connect."""
    return _spiegel().connections.get(request.sid)


def run(event: str, data: object, sp=None, conn: tuple[str, str] | None = None) -> dict:
    """Handle one event for the current socket and return its ack (never raises)."""
    sp = sp or _spiegel()
    conn = conn or _connection()
    try:
        if conn is None:
            raise SpiegelError("not_authenticated", "This connection is not signed in; reconnect.")
        if event == "action":
            payload = s.validate(s.PluginAction, data)
            action = sp.actions.get(payload.name)
            if action is None:
                raise SpiegelError("unknown_event", f"No plugin action named {payload.name!r}.")
            rule: Rule = listener(action.listener_action) if action.listener_action else staff(action.right)
            spec = Event(action.schema, action.handler)
            data = payload.data
        else:
            found = EVENTS.get(event)
            if found is None:
                raise SpiegelError("unknown_event", f"No event named {event!r}.")
            spec, rule = found, RULES[event]
        payload = s.validate(spec.schema, data)
        with sp.db.transaction() as session:
            participant = session.get(Participant, conn[0])
            meeting = session.get(Meeting, conn[1])
            if participant is None or meeting is None or participant.revoked:
                raise SpiegelError("token_unknown")
            ctx = Ctx(spiegel=sp, session=session, meeting=meeting, participant=participant,
                      fmt=sp.formats[meeting.format], now=sp.clock())
            result = spec.replay(ctx, payload) if spec.replay and participant.role == "listener" else None
            if result is None:
                check(rule, ctx)
                result = spec.handler(ctx, payload)
            if event == "action":
                result = {"result": result}
        for name, body, room in ctx.outbox.messages:
            sp.socketio.emit(name, body, to=room)
        for participant_id in ctx.revoked:
            for sid in sp.presence.sockets(meeting.id, participant_id):
                sp.socketio.server.disconnect(sid)
        return {"ok": True, **result}
    except SpiegelError as exc:
        log.info("refused %s: %s", event, exc.code)
        return exc.to_ack()
    except Exception:  # noqa: BLE001 - a bug must answer, not hang the client
        log.exception("event %s failed", event)  # the traceback, never the payload
        return SpiegelError("internal_error").to_ack()


def authenticate(sp, auth: object) -> tuple[Participant, Meeting]:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token:
        raise SpiegelError("not_authenticated", "Connect with auth: {token}.")
    with sp.db.transaction() as session:
        participant = session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
        if participant is None or participant.revoked:
            raise SpiegelError("token_unknown")
        meeting = session.get(Meeting, participant.meeting_id)
        participant.last_seen_at = sp.clock()
        return participant, meeting


def register(sio: SocketIO) -> None:
    @sio.on("connect")
    def on_connect(auth=None):
        """Sign the socket in by its token, join its rooms and send the snapshot."""
        sp = _spiegel()
        try:
            participant, meeting = authenticate(sp, auth)
        except SpiegelError as exc:
            raise ConnectionRefusedError(exc.message, {"code": exc.code, "message": exc.message}) from None
        sp.connections[request.sid] = (participant.id, meeting.id)
        join_room(meeting_room(meeting.id))
        join_room(participant_room(participant.id))
        if participant.role in STAFF_ROLES:
            join_room(staff_room(meeting.id))
        sp.presence.connect(meeting.id, participant.id, request.sid)
        ack = run("sync", {}, sp, (participant.id, meeting.id))
        if ack["ok"]:
            sio.emit("snapshot", ack["snapshot"], to=request.sid)
        sp.broadcast_presence(meeting.id)

    @sio.on("disconnect")
    def on_disconnect(*_args):
        sp = _spiegel()
        sp.events.forget(request.sid)
        conn = sp.connections.pop(request.sid, None)
        if conn:
            sp.presence.disconnect(conn[1], conn[0], request.sid)
            sp.broadcast_presence(conn[1])

    @sio.on("*")
    def on_event(event, *args):
        """Every event, known or not, goes through :func:`run` and gets an ack."""
        try:
            _spiegel().events.hit(request.sid)
        except SpiegelError as exc:
            return exc.to_ack()
        if len(args) > 1:
            return SpiegelError("invalid_payload", "Send one payload object per event.").to_ack()
        return run(event, args[0] if args else None)
