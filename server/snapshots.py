"""What each role may see, built on the server per recipient.

Listener payloads are made from that listener's own rows only: nothing here can put one
listener's writing on another listener's socket, whatever the page does.
"""

from __future__ import annotations

from sqlalchemy import select

from .context import STAFF_ROLES, Ctx
from .formats import pick
from .models import Meeting, Note, Outcome, Participant, Poll, PollAnswer, Question

LISTENER_LABEL = {"nl": "Luisteraar {n}", "en": "Listener {n}"}


def ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def meeting_view(m: Meeting) -> dict:
    return {
        "id": m.id, "title": m.title, "theme": m.theme, "language": m.language, "state": m.state,
        "code": m.code, "format": m.format, "scheduled_for": m.scheduled_for,
        "expected_listeners": m.expected_listeners,
    }


def note_view(n: Note) -> dict:
    return {
        "id": n.id, "text": n.text, "tags": list(n.tags or []), "prompt_id": n.prompt_id,
        "shared": n.shared, "created_at": ms(n.created_at), "updated_at": ms(n.updated_at),
        "version": n.version,
    }


def participant_label(p: Participant, language: str) -> str:
    if p.name:
        return f"{p.name} ({p.discipline})" if p.discipline else p.name
    return pick(LISTENER_LABEL, language).format(n=p.number)


def question_view(q: Question, position: int | None, author: Participant | None = None,
                  language: str = "nl") -> dict:
    """Listener view; with ``author`` given, the staff view (who asked, triage, order)."""
    view = {
        "id": q.id, "text": q.text, "status": q.status, "position": position,
        "merged_into": q.merged_into, "created_at": ms(q.created_at), "version": q.version,
    }
    if author is not None:
        view.update(
            author=participant_label(author, language), author_id=author.id, triage=q.triage,
            prepared_id=q.prepared_id, reason=q.reason, order=q.order, asked_at=ms(q.asked_at),
        )
    return view


def outcome_view(o: Outcome) -> dict:
    return {
        "id": o.id, "kind": o.kind, "text": o.text, "owner": o.owner, "due": o.due,
        "created_at": ms(o.created_at), "version": o.version,
    }


def positions(ctx: Ctx) -> dict[str, int]:
    """Asking order of the selected questions: 1, 2, 3 … by the moderator's order."""
    rows = ctx.session.scalars(
        select(Question.id).where(Question.meeting_id == ctx.meeting.id, Question.status == "selected")
        .order_by(Question.order, Question.created_at)
    ).all()
    return {qid: i + 1 for i, qid in enumerate(rows)}


def phase_view(ctx: Ctx) -> dict:
    phase = ctx.phase
    view = phase.to_wire(ctx.meeting.language, ctx.duration_of(phase))
    view.update(index=ctx.fmt.index(phase.key), started_at=ms(ctx.meeting.phase_started_at))
    return view


def prompt_view(m: Meeting) -> dict | None:
    if not (m.prompt_shown and m.prompt_id):
        return None
    item = next((p for p in m.prepared or [] if p.get("id") == m.prompt_id), None)
    return {"id": item["id"], "text": item["text"]} if item else None


def poll_view(p: Poll | None) -> dict | None:
    if p is None:
        return None
    return {"id": p.id, "kind": p.kind, "title": p.title, "options": p.options, "open": p.is_open,
            "version": p.version}


def open_poll(ctx: Ctx) -> Poll | None:
    return ctx.session.get(Poll, ctx.meeting.poll_id) if ctx.meeting.poll_id else None


def state_payload(ctx: Ctx) -> dict:
    """The public part: the same for every participant, and free of anyone's writing."""
    m = ctx.meeting
    return {
        "version": m.version,
        "server_time": ms(ctx.now),
        "meeting": meeting_view(m),
        "phase": phase_view(ctx),
        "timer": ctx.timer.to_wire(),
        "prompt": prompt_view(m),
        "poll": poll_view(open_poll(ctx)),
    }


def staff_questions(ctx: Ctx) -> list[dict]:
    rows = ctx.session.execute(
        select(Question, Participant).join(Participant, Question.participant_id == Participant.id)
        .where(Question.meeting_id == ctx.meeting.id).order_by(Question.order, Question.created_at)
    ).all()
    pos = positions(ctx)
    return [question_view(q, pos.get(q.id), author, ctx.meeting.language) for q, author in rows]


def staff_question(ctx: Ctx, q: Question) -> dict:
    author = ctx.session.get(Participant, q.participant_id)
    return question_view(q, positions(ctx).get(q.id), author, ctx.meeting.language)


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


def snapshot(ctx: Ctx) -> dict:
    """Everything one participant may see, for a (re)connect or a `sync`."""
    p = ctx.participant
    assert p is not None
    snap = state_payload(ctx)
    snap.update(
        role=p.role,
        me={"id": p.id, "role": p.role, "name": p.name, "discipline": p.discipline,
            "label": participant_label(p, ctx.meeting.language), "rights": list(p.rights or [])},
        format=ctx.fmt.to_wire(ctx.meeting.language, ctx.meeting.durations),
    )
    if p.role == "listener":
        pos = positions(ctx)
        notes = ctx.session.scalars(
            select(Note).where(Note.participant_id == p.id).order_by(Note.created_at)).all()
        questions = ctx.session.scalars(
            select(Question).where(Question.participant_id == p.id).order_by(Question.created_at)).all()
        poll = open_poll(ctx)
        answer = ctx.session.get(PollAnswer, (poll.id, p.id)) if poll else None
        snap.update(
            notes=[note_view(n) for n in notes],
            questions=[question_view(q, pos.get(q.id)) for q in questions],
            turn={"state": p.turn_state, "since": ms(p.turn_since)},
            answers={poll.id: answer.choices} if poll and answer else {},
        )
    elif p.role in STAFF_ROLES:
        outcomes = ctx.session.scalars(
            select(Outcome).where(Outcome.meeting_id == ctx.meeting.id).order_by(Outcome.created_at)).all()
        snap.update(
            questions=staff_questions(ctx),
            presence=ctx.spiegel.presence.view(ctx),
            prepared=list(ctx.meeting.prepared or []),
            outcomes=[outcome_view(o) for o in outcomes],
            turns=turns_view(ctx),
            poll_results=poll_results(ctx, open_poll(ctx)),
            settings=dict(ctx.meeting.settings or {}),
            durations=dict(ctx.meeting.durations or {}),
            timer_expired=ctx.timer.expired(ctx.now),
            join_url=ctx.spiegel.join_url(ctx.meeting.code),
        )
        if ctx.meeting.state == "ended" or ctx.meeting.state == "archived":
            snap["shared_notes"] = shared_notes(ctx)
    elif p.role == "display":
        snap["join_url"] = ctx.spiegel.join_url(ctx.meeting.code)
    return snap


def shared_notes(ctx: Ctx) -> list[dict]:
    """Notes their authors chose to share, without author: the report gets text only."""
    rows = ctx.session.scalars(
        select(Note).where(Note.meeting_id == ctx.meeting.id, Note.shared.is_(True)).order_by(Note.created_at)
    ).all()
    return [{"id": n.id, "text": n.text, "tags": list(n.tags or [])} for n in rows]
