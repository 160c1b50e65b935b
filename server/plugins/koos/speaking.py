"""The outer-ring round: after the first round the listeners take turns to say what they
heard and what touched them, in an order the moderator runs.

Who sees what: staff see the whole line with labels and who is next; the room sees who is
speaking and the speaker's timer; each listener sees only their own place in the line, and
the speaker's own tablet gets the speaker's own notes as a private prompt (``koos.turn``, a
private event to that participant only).
"""

from __future__ import annotations

from spiegel.api import Ctx, SpiegelError, Timer, own_notes, participants

from .models import KoosRound
from .order import Line
from .payloads import RoundArrange, RoundNext, RoundPerson, RoundStart, RoundTimer

PHASE = "outer_ring"


def round_of(ctx: Ctx) -> KoosRound | None:
    return ctx.session.get(KoosRound, ctx.meeting.id)


def _labels(ctx: Ctx) -> dict[str, str]:
    return {p["id"]: p["label"] for p in participants(ctx, "listener")}


def _line(row: KoosRound) -> Line:
    return Line(line=list(row.line), status=dict(row.status), current=row.current)


def _with_late_joiners(ctx: Ctx, row: KoosRound) -> Line:
    line = _line(row)
    if row.active:
        line.join_late([p["id"] for p in participants(ctx, "listener")])
    return line


def _timer(row: KoosRound) -> Timer:
    return Timer(**row.timer) if row.timer else Timer()


def staff_view(ctx: Ctx) -> dict | None:
    row = round_of(ctx)
    if row is None:
        return None
    line, labels = _with_late_joiners(ctx, row), _labels(ctx)
    nxt = line.next_up()
    return {"active": row.active, "mode": row.mode, "seconds": row.seconds, "timer": _timer(row).to_wire(),
            "line": [{"id": p, "label": labels.get(p, "?"), "status": line.status[p]} for p in line.line],
            "current": {"id": line.current, "label": labels.get(line.current, "?")} if line.current else None,
            "next": {"id": nxt, "label": labels.get(nxt, "?")} if nxt else None}


def public_view(ctx: Ctx) -> dict | None:
    """For the room: who speaks now and the speaker's timer; nothing anyone wrote."""
    row = round_of(ctx)
    if row is None:
        return None
    line = _with_late_joiners(ctx, row)
    labels = _labels(ctx)
    return {"active": row.active, "speaker": labels.get(line.current) if line.current else None,
            "waiting": len(line.waiting()), "timer": _timer(row).to_wire()}


def personal_view(ctx: Ctx, participant_id: str) -> dict | None:
    """One listener's own place; while they speak, their own notes as a private prompt."""
    row = round_of(ctx)
    if row is None:
        return None
    line = _with_late_joiners(ctx, row)
    position = line.position(participant_id) if row.active else None
    view = {"active": row.active, "status": line.status.get(participant_id), "position": position,
            "next": position == 1, "speaking": position == 0, "timer": _timer(row).to_wire()}
    if view["speaking"]:
        view["notes"] = [{"id": n["id"], "text": n["text"], "tags": n["tags"]} for n in own_notes(ctx, participant_id)]
    return view


def _store(ctx: Ctx, row: KoosRound, line: Line, *, restart_timer: bool) -> dict:
    speaker_changed = line.current != row.current
    row.line, row.status, row.current = list(line.line), dict(line.status), line.current
    if restart_timer or speaker_changed:
        timer = Timer().cleared(row.seconds)
        row.timer = (timer.started(ctx.now) if row.seconds and line.current else timer).to_dict()
    ctx.session.flush()
    return publish(ctx)


def publish(ctx: Ctx) -> dict:
    version = ctx.version()
    staff = staff_view(ctx)
    ctx.to_staff("koos.round", {"version": version, "round": staff})
    ctx.to_meeting("koos.speaker", {"version": version, "round": public_view(ctx)})
    for person in staff["line"] if staff else ():
        ctx.to_participant(person["id"], "koos.turn", {"version": version, "turn": personal_view(ctx, person["id"])})
    return staff


def _active(ctx: Ctx) -> tuple[KoosRound, Line]:
    row = round_of(ctx)
    if row is None or not row.active:
        raise SpiegelError("invalid_transition", "The outer-ring round has not started.")
    return row, _with_late_joiners(ctx, row)


def _person(ctx: Ctx, line: Line, data: RoundPerson) -> str:
    person = data.participant or line.current
    if person is None or person not in line.status:
        raise SpiegelError("not_found", "No listener by that id in the speaking order.")
    return person


def start(ctx: Ctx, data: RoundStart) -> dict:
    if ctx.meeting.phase_key != PHASE:
        raise SpiegelError("not_allowed_in_phase", "The speaking order runs in the outer-ring round.")
    joined = [p["id"] for p in participants(ctx, "listener")]
    if not joined:
        raise SpiegelError("invalid_transition", "No listener has joined yet.")
    line = Line.build(data.mode, joined, data.order)
    row = round_of(ctx)
    if row is None:
        row = KoosRound(meeting_id=ctx.meeting.id)
        ctx.session.add(row)
    row.mode, row.seconds, row.active, row.started_at = data.mode, data.seconds, True, ctx.now
    row.current, row.timer = None, Timer().to_dict()
    return {"round": _store(ctx, row, line, restart_timer=True)}


def next_speaker(ctx: Ctx, data: RoundNext) -> dict:
    row, line = _active(ctx)
    line.advance(data.outcome)
    return {"round": _store(ctx, row, line, restart_timer=True)}


def to_end(ctx: Ctx, data: RoundPerson) -> dict:
    row, line = _active(ctx)
    line.to_end(_person(ctx, line, data))
    return {"round": _store(ctx, row, line, restart_timer=False)}


def skip(ctx: Ctx, data: RoundPerson) -> dict:
    row, line = _active(ctx)
    line.skip(_person(ctx, line, data))
    return {"round": _store(ctx, row, line, restart_timer=False)}


def arrange(ctx: Ctx, data: RoundArrange) -> dict:
    row, line = _active(ctx)
    line.arrange(data.order)
    return {"round": _store(ctx, row, line, restart_timer=False)}


def timer(ctx: Ctx, data: RoundTimer) -> dict:
    row, _line_now = _active(ctx)
    current = _timer(row)
    if data.action == "pause":
        current = current.paused(ctx.now)
    elif data.action == "resume":
        current = current.resumed(ctx.now)
    elif data.action == "add":
        current = current.adjusted(ctx.now, data.seconds or 60)
    else:
        current = current.cleared(data.seconds if data.seconds is not None else row.seconds).started(ctx.now)
    row.timer = current.to_dict()
    ctx.session.flush()
    return {"round": publish(ctx)}


def stop(ctx: Ctx, _data) -> dict:
    row, line = _active(ctx)
    if line.current is not None:
        line.status[line.current] = "done"
    row.active = False
    row.line, row.status, row.current = list(line.line), dict(line.status), None
    row.timer = Timer().to_dict()
    ctx.session.flush()
    return {"round": publish(ctx)}


def pass_own_turn(ctx: Ctx, _data) -> dict:
    """A listener passes from their own tablet: while speaking, the next one is up."""
    row, line = _active(ctx)
    if ctx.participant.id not in line.status:
        raise SpiegelError("not_found", "You are not in the speaking order.")
    line.pass_turn(ctx.participant.id)
    _store(ctx, row, line, restart_timer=False)
    return {"turn": personal_view(ctx, ctx.participant.id)}


def summary(ctx: Ctx) -> dict | None:
    """For the report: how many spoke, passed or were skipped. No names."""
    row = round_of(ctx)
    if row is None:
        return None
    counts = {"done": 0, "passed": 0, "skipped": 0, "waiting": 0, "speaking": 0}
    for status in row.status.values():
        counts[status] = counts.get(status, 0) + 1
    return counts
