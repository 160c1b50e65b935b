"""Speaking rounds ("my turn / done", KOOS's outer-ring round) and simple polls (NIK's
priorities): the common listener actions later phases of a format can allow."""

from __future__ import annotations

from sqlalchemy import select

from .context import Ctx
from .errors import SpiegelError
from .hookspecs import hookimpl
from .models import Participant, Poll, PollAnswer
from .outbox import PARTICIPANT, STAFF
from .permissions import participant, staff
from .registry import ClientEvent, ServerEvent
from .schemas import ItemRef, PollOpen, TurnSet
from .schemas import PollAnswer as PollAnswerData
from .views import ms, participant_label, poll_view


def current_poll(ctx: Ctx) -> Poll | None:
    return ctx.session.get(Poll, ctx.meeting.poll_id) if ctx.meeting.poll_id else None


def turns_view(ctx: Ctx) -> list[dict]:
    rows = ctx.session.scalars(
        select(Participant).where(Participant.meeting_id == ctx.meeting.id, Participant.role == "listener",
                                  Participant.turn_state != "none")
        .order_by(Participant.turn_since)
    ).all()
    return [{"participant": p.id, "label": participant_label(p, ctx.meeting.language), "state": p.turn_state,
             "since": ms(p.turn_since)} for p in rows]


def poll_results(ctx: Ctx, poll: Poll | None) -> dict | None:
    """Votes count one per option; rankings score Borda points (first of n gets n)."""
    if poll is None:
        return None
    answers = ctx.session.scalars(select(PollAnswer).where(PollAnswer.poll_id == poll.id)).all()
    scores = {o["id"]: 0 for o in poll.options}
    for a in answers:
        n = len(a.choices)
        for rank, choice in enumerate(a.choices):
            if choice in scores:
                scores[choice] += 1 if poll.kind == "vote" else n - rank
    return {"poll_id": poll.id, "answers": len(answers), "scores": scores}


def own_answers(ctx: Ctx, participant_id: str) -> dict:
    poll = current_poll(ctx)
    answer = ctx.session.get(PollAnswer, (poll.id, participant_id)) if poll else None
    return {poll.id: answer.choices} if poll and answer else {}


def set_turn(ctx: Ctx, data: TurnSet) -> dict:
    p = ctx.participant
    p.turn_state = data.state
    p.turn_since = ctx.now if data.state != "none" else None
    version = ctx.version()
    ctx.to_staff("turns", {"version": version, "turns": turns_view(ctx)})
    turn = {"state": p.turn_state, "since": ms(p.turn_since)}
    ctx.to_author("turn", {"version": version, "turn": turn})
    return {"turn": turn}


def open_poll(ctx: Ctx, data: PollOpen) -> dict:
    if ctx.session.get(Poll, data.id) is not None:
        raise SpiegelError("id_conflict")
    ids = [o.id for o in data.options]
    if len(set(ids)) != len(ids):
        raise SpiegelError("invalid_payload", "Option ids repeat.", [{"field": "options", "problem": "duplicate"}])
    if ctx.meeting.poll_id:
        previous = ctx.session.get(Poll, ctx.meeting.poll_id)
        if previous is not None:
            previous.is_open = False
    version = ctx.version()
    poll = Poll(id=data.id, meeting_id=ctx.meeting.id, kind=data.kind, title=data.title,
                options=[o.model_dump() for o in data.options], is_open=True, version=version, created_at=ctx.now)
    ctx.session.add(poll)
    ctx.session.flush()
    ctx.meeting.poll_id = poll.id
    ctx.broadcast_state()
    ctx.to_staff("poll.results", {"version": version, **poll_results(ctx, poll)})
    return {"poll": poll_view(poll)}


def close_poll(ctx: Ctx, data: ItemRef) -> dict:
    poll = ctx.item(Poll, data.id)
    poll.is_open = False
    poll.version = ctx.version()
    if ctx.meeting.poll_id == poll.id:
        ctx.meeting.poll_id = None
    ctx.broadcast_state()
    ctx.to_staff("poll.results", {"version": poll.version, **poll_results(ctx, poll)})
    return {"poll": poll_view(poll), "results": poll_results(ctx, poll)}


def answer_poll(ctx: Ctx, data: PollAnswerData) -> dict:
    poll = ctx.item(Poll, data.poll_id)
    if not poll.is_open:
        raise SpiegelError("invalid_transition", "This poll is closed.")
    options = {o["id"] for o in poll.options}
    if any(c not in options for c in data.choices) or len(set(data.choices)) != len(data.choices):
        raise SpiegelError("invalid_payload", "Choices must be distinct options of the poll.",
                           [{"field": "choices", "problem": "unknown_option"}])
    if poll.kind == "vote" and len(data.choices) != 1:
        raise SpiegelError("invalid_payload", "A vote takes exactly one choice.",
                           [{"field": "choices", "problem": "one_choice"}])
    answer = ctx.session.get(PollAnswer, (poll.id, ctx.participant.id))
    if answer is None:
        answer = PollAnswer(poll_id=poll.id, participant_id=ctx.participant.id, choices=[], updated_at=ctx.now)
        ctx.session.add(answer)
    answer.choices, answer.updated_at = list(data.choices), ctx.now
    ctx.session.flush()
    version = ctx.version()
    ctx.to_staff("poll.results", {"version": version, **poll_results(ctx, poll)})
    return {"answer": {"poll_id": poll.id, "choices": answer.choices}}


@hookimpl
def register_events():
    return [
        ClientEvent("turn.set", TurnSet, set_turn, participant("turn")),
        ClientEvent("poll.answer", PollAnswerData, answer_poll, participant("vote")),
        ClientEvent("poll.open", PollOpen, open_poll, staff("run")),
        ClientEvent("poll.close", ItemRef, close_poll, staff("run")),
        ServerEvent("turns", frozenset({STAFF}), description="Who wants a turn, speaks, is done."),
        ServerEvent("turn", frozenset({PARTICIPANT}), description="The sender's own turn state."),
        ServerEvent("poll.results", frozenset({STAFF}), description="Scores of the open poll (staff only)."),
    ]
