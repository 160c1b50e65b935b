"""The priority session: the moderator curates the improvement points raised, parents choose
the priorities by dot votes or by ranking, the result is kept with its scores and rule.

Who sees what: the points and the vote's state (method, dots per person, how many voted) are
public (the room display shows them). A parent sees their own ballot. Totals stay hidden
from everyone, staff included, until the moderator closes the vote: nobody is swayed by a
running count. Staff see how many have voted and how many dots are used.
"""

from __future__ import annotations

import uuid

from spiegel.api import Ctx, SpiegelError, outcomes, shared_notes
from sqlalchemy import delete, select

from .models import NikBallot, NikPoint, NikPriority, NikVote
from .payloads import PointsSet, RoomVote, VoteCast, VoteLimit, VoteOpen
from .scoring import RULES, Ballot, dots_used, ranked, scores

PHASE = "priorities"
ROOM = "room"


# Views ------------------------------------------------------------------------------------------

def points(ctx: Ctx) -> list[NikPoint]:
    return list(ctx.session.scalars(select(NikPoint).where(NikPoint.meeting_id == ctx.meeting.id)
                                    .order_by(NikPoint.position)))


def points_view(ctx: Ctx) -> list[dict]:
    return [{"id": p.id, "text": p.text, "source": p.source} for p in points(ctx)]


def vote_of(ctx: Ctx) -> NikVote | None:
    return ctx.session.get(NikVote, ctx.meeting.id)


def ballots(ctx: Ctx) -> list[NikBallot]:
    return list(ctx.session.scalars(select(NikBallot).where(NikBallot.meeting_id == ctx.meeting.id)))


def vote_view(ctx: Ctx) -> dict | None:
    """The public state of the vote: never a total before it closes."""
    vote = vote_of(ctx)
    if vote is None:
        return None
    cast = ballots(ctx)
    return {"method": vote.method, "dots_per_person": vote.dots_per_person, "state": vote.state,
            "voters": sum(b.weight for b in cast), "rule": RULES[vote.method]}


def progress(ctx: Ctx) -> dict:
    """For staff: how far the vote is, without what anyone chose."""
    cast = ballots(ctx)
    return {"voters": sum(b.weight for b in cast), "parents": sum(1 for b in cast if b.voter != ROOM),
            "dots_used": sum(dots_used(b.choice) for b in cast),
            "most_dots_by_one": max((dots_used(b.choice) for b in cast if b.voter != ROOM), default=0)}


def ballot_view(ballot: NikBallot | None) -> dict | None:
    if ballot is None:
        return None
    return {"dots": ballot.choice} if isinstance(ballot.choice, dict) else {"ranking": ballot.choice}


def own_ballot(ctx: Ctx) -> dict | None:
    return ballot_view(ctx.session.get(NikBallot, (ctx.meeting.id, ctx.participant.id)))


def priorities(ctx: Ctx, meeting_id: str | None = None) -> list[NikPriority]:
    """The priorities of this meeting (or of an earlier round's, ``meeting_id``), best first."""
    return list(ctx.session.scalars(select(NikPriority).where(NikPriority.meeting_id == (meeting_id or ctx.meeting.id))
                                    .order_by(NikPriority.place)))


def priorities_view(ctx: Ctx) -> list[dict]:
    return [{"point_id": p.point_id, "text": p.text, "score": p.score, "rank": p.rank, "rule": p.rule,
             "voters": p.voters} for p in priorities(ctx)]


def suggestions(ctx: Ctx) -> list[dict]:
    """What the moderator curates from: captured outcomes, then notes listeners shared."""
    found = [{"id": o["id"], "text": o["text"], "source": "outcome", "kind": o["kind"]}
             for o in outcomes(ctx, kinds=("improvement", "wish", "priority"))]
    found += [{"id": n["id"], "text": n["text"], "source": "note", "kind": "note"} for n in shared_notes(ctx)]
    return found


def _publish(ctx: Ctx, *, points_changed: bool = False, results: bool = False) -> int:
    version = ctx.version()
    if points_changed:
        ctx.to_meeting("nik.points", {"version": version, "points": points_view(ctx)})
    ctx.to_meeting("nik.vote", {"version": version, "vote": vote_view(ctx)})
    ctx.to_staff("nik.progress", {"version": version, "progress": progress(ctx)})
    if results:
        ctx.to_meeting("nik.priorities", {"version": version, "priorities": priorities_view(ctx)})
    return version


# The moderator's events ----------------------------------------------------------------------

def list_suggestions(ctx: Ctx, _data) -> dict:
    return {"suggestions": suggestions(ctx)}


def set_points(ctx: Ctx, data: PointsSet) -> dict:
    vote = vote_of(ctx)
    if vote is not None and vote.state == "open":
        raise SpiegelError("invalid_transition", "Close the vote before changing the points.")
    ids = [p.id for p in data.points]
    if len(set(ids)) != len(ids):
        raise SpiegelError("invalid_payload", "Point ids repeat.", [{"field": "points", "problem": "duplicate"}])
    ctx.session.execute(delete(NikPoint).where(NikPoint.meeting_id == ctx.meeting.id))
    ctx.session.flush()
    for position, p in enumerate(data.points):
        taken = ctx.session.get(NikPoint, p.id)
        if taken is not None:
            raise SpiegelError("id_conflict")
        ctx.session.add(NikPoint(id=p.id, meeting_id=ctx.meeting.id, text=p.text, source=p.source,
                                 position=position))
    ctx.session.flush()
    _publish(ctx, points_changed=True)
    return {"points": points_view(ctx)}


def open_vote(ctx: Ctx, data: VoteOpen) -> dict:
    if ctx.meeting.phase_key != PHASE:
        raise SpiegelError("not_allowed_in_phase", "The vote opens in the priority session.")
    vote = vote_of(ctx)
    if vote is not None and vote.state == "open":
        raise SpiegelError("invalid_transition", "The vote is already open.")
    if len(points(ctx)) < 2:
        raise SpiegelError("invalid_transition", "Put at least two points on the list first.")
    for table in (NikBallot, NikPriority):
        ctx.session.execute(delete(table).where(table.meeting_id == ctx.meeting.id))
    if vote is None:
        vote = NikVote(meeting_id=ctx.meeting.id)
        ctx.session.add(vote)
    vote.method, vote.dots_per_person, vote.state = data.method, data.dots_per_person, "open"
    vote.opened_at, vote.closed_at = ctx.now, None
    ctx.session.flush()
    _publish(ctx)
    return {"vote": vote_view(ctx)}


def _open_vote(ctx: Ctx) -> NikVote:
    vote = vote_of(ctx)
    if vote is None or vote.state != "open":
        raise SpiegelError("invalid_transition", "The vote is not open.")
    return vote


def set_limit(ctx: Ctx, data: VoteLimit) -> dict:
    """Change the dots per person; never below what one parent has already used."""
    vote = _open_vote(ctx)
    used = progress(ctx)["most_dots_by_one"]
    if data.dots_per_person < used:
        raise SpiegelError("invalid_transition", f"A parent has already used {used} dots.",
                           [{"field": "dots_per_person", "problem": "below_votes_cast", "limit": used}])
    vote.dots_per_person = data.dots_per_person
    _publish(ctx)
    return {"vote": vote_view(ctx)}


def _choice(ctx: Ctx, vote: NikVote, data: VoteCast, limit: int) -> dict | list:
    known = [p.id for p in points(ctx)]
    if vote.method == "dots":
        if data.dots is None or data.ranking is not None:
            raise SpiegelError("invalid_payload", "This vote takes dots.", [{"field": "dots", "problem": "missing"}])
        if set(data.dots) - set(known):
            raise SpiegelError("invalid_payload", "Dots go on points of the list.",
                               [{"field": "dots", "problem": "unknown_point"}])
        if sum(data.dots.values()) > limit:
            raise SpiegelError("invalid_payload", f"At most {limit} dots.",
                               [{"field": "dots", "problem": "too_many_dots", "limit": limit}])
        return {pid: n for pid, n in data.dots.items() if n > 0}
    if data.ranking is None or data.dots is not None:
        raise SpiegelError("invalid_payload", "This vote takes a ranking.",
                           [{"field": "ranking", "problem": "missing"}])
    if set(data.ranking) - set(known) or len(set(data.ranking)) != len(data.ranking) or not data.ranking:
        raise SpiegelError("invalid_payload", "A ranking lists points of the list, each once.",
                           [{"field": "ranking", "problem": "unknown_point"}])
    return list(data.ranking)


def _store(ctx: Ctx, voter: str, choice: dict | list, weight: int) -> NikBallot:
    ballot = ctx.session.get(NikBallot, (ctx.meeting.id, voter))
    if ballot is None:
        ballot = NikBallot(meeting_id=ctx.meeting.id, voter=voter)
        ctx.session.add(ballot)
    ballot.choice, ballot.weight, ballot.updated_at = choice, weight, ctx.now
    ctx.session.flush()
    return ballot


def cast(ctx: Ctx, data: VoteCast) -> dict:
    """A parent's own choice, from their phone; sent again, it replaces the earlier one."""
    vote = _open_vote(ctx)
    ballot = _store(ctx, ctx.participant.id, _choice(ctx, vote, data, vote.dots_per_person), 1)
    version = _publish(ctx)
    ctx.to_author("nik.ballot", {"version": version, "ballot": ballot_view(ballot)})
    return {"ballot": ballot_view(ballot)}


def room_vote(ctx: Ctx, data: RoomVote) -> dict:
    """The room's choice from the shared screen, entered by the moderator for ``voters`` parents."""
    vote = _open_vote(ctx)
    ballot = _store(ctx, ROOM, _choice(ctx, vote, data, vote.dots_per_person * data.voters), data.voters)
    _publish(ctx)
    return {"ballot": ballot_view(ballot)}


def close_vote(ctx: Ctx, _data) -> dict:
    """Count, keep the priorities with their scores and rule, and show the result."""
    vote = _open_vote(ctx)
    listed = points(ctx)
    ids = [p.id for p in listed]
    cast_ballots = ballots(ctx)
    score = scores(vote.method, ids, [Ballot(b.choice, b.weight) for b in cast_ballots])
    text = {p.id: p.text for p in listed}
    voters = sum(b.weight for b in cast_ballots)
    rule = RULES[vote.method]
    ctx.session.execute(delete(NikPriority).where(NikPriority.meeting_id == ctx.meeting.id))
    for place, (pid, points_scored, rank) in enumerate(ranked(ids, score)):
        ctx.session.add(NikPriority(id=str(uuid.uuid4()), meeting_id=ctx.meeting.id, point_id=pid, text=text[pid],
                                    score=points_scored, rank=rank, place=place, rule=rule, voters=voters,
                                    created_at=ctx.now))
    vote.state, vote.closed_at = "closed", ctx.now
    ctx.session.flush()
    _publish(ctx, results=True)
    return {"vote": vote_view(ctx), "priorities": priorities_view(ctx)}
