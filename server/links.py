"""Who gets in: listeners by the meeting's code, other participant kinds by invitation
links, assistants and the room display by links the moderator makes.

Every link is a bearer secret shown once and stored only as its SHA-256. A participant's
kind is its ``role``; what each kind may do per phase is the format's business.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import qr
from .access import hash_token, new_id, new_token
from .context import Ctx
from .errors import SpiegelError
from .formats import MeetingFormat, ParticipantKind
from .hookspecs import hookimpl
from .models import Invite, Meeting, Participant
from .permissions import MODERATOR
from .registry import ClientEvent
from .schemas import AssistantCreate, Empty, InviteCreate, JoinRequest

JOINABLE = ("open", "running")


def find_invite(session: Session, meeting: Meeting, token: str) -> Invite:
    invite = session.scalar(select(Invite).where(Invite.token_hash == hash_token(token),
                                                 Invite.meeting_id == meeting.id))
    if invite is None or invite.revoked:
        raise SpiegelError("token_unknown", "This invitation link is not (or no longer) valid.")
    return invite


def join(session: Session, meeting: Meeting, fmt: type[MeetingFormat], data: JoinRequest,
         now: float) -> tuple[Participant, str, ParticipantKind]:
    """A new participant: a listener by the code, or the kind of the invitation it brings."""
    if data.invite:
        kind = fmt.kind(find_invite(session, meeting, data.invite).kind)
        if kind is None:
            raise SpiegelError("token_unknown", "This invitation is for a kind this format no longer has.")
    else:
        kind = fmt.kind("listener")
    if meeting.state == "draft" and not kind.before_open:
        raise SpiegelError("meeting_not_open")
    if meeting.state not in JOINABLE and meeting.state != "draft":
        raise SpiegelError("meeting_closed", "This meeting has ended and takes no new participants.")
    # The next number under the meeting's row lock: on PostgreSQL several workers' joins run at
    # once, and two that read the same highest number would both be "Listener 3" (SQLite's
    # writers take turns; it has no FOR UPDATE and SQLAlchemy leaves it out there).
    session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    number = (session.scalar(select(func.max(Participant.number)).where(
        Participant.meeting_id == meeting.id, Participant.role == kind.name)) or 0) + 1
    token = new_token()
    person = Participant(id=new_id(), meeting_id=meeting.id, role=kind.name, token_hash=hash_token(token),
                         name=data.name or None, discipline=data.discipline or None, number=number,
                         rights=[], created_at=now)
    session.add(person)
    return person, token, kind


def create_invite(ctx: Ctx, data: InviteCreate) -> dict:
    """An invitation link (and its QR code) for one of the format's other participant kinds.
    Everyone who opens it joins as that kind; a new link for the kind revokes the old one."""
    kind = ctx.fmt.kind(data.kind)
    if kind is None or kind.join != "invite":
        raise SpiegelError("invalid_payload", "This format has no participant kind by that name that joins "
                           "by invitation.", [{"field": "kind", "problem": "unknown_kind"}])
    for old in ctx.session.scalars(select(Invite).where(Invite.meeting_id == ctx.meeting.id,
                                                        Invite.kind == kind.name, Invite.revoked.is_(False))):
        old.revoked = True
    token = new_token()
    ctx.session.add(Invite(id=new_id(), meeting_id=ctx.meeting.id, kind=kind.name, token_hash=hash_token(token),
                           created_at=ctx.now))
    url = ctx.spiegel.invite_url(ctx.meeting.code, token)
    return {"kind": kind.name, "url": url, "qr_svg": qr.svg(url).decode()}


def create_assistant(ctx: Ctx, data: AssistantCreate) -> dict:
    unknown = set(data.rights) - set(ctx.spiegel.assistant_rights)
    if unknown:
        raise SpiegelError("invalid_payload", "An assistant link cannot hold that right.",
                           [{"field": "rights", "problem": "unknown_right"}])
    key = new_token()
    ctx.session.add(Participant(id=new_id(), meeting_id=ctx.meeting.id, role="assistant",
                                token_hash=hash_token(key), name=data.label or None,
                                rights=sorted(set(data.rights)), created_at=ctx.now))
    return {"key": key, "url": ctx.spiegel.moderator_url(ctx.meeting.id, key), "rights": sorted(set(data.rights))}


def display_link(ctx: Ctx, _data: Empty) -> dict:
    """A fresh display key; older display keys of this meeting stop working at once."""
    for old in ctx.session.scalars(select(Participant).where(
            Participant.meeting_id == ctx.meeting.id, Participant.role == "display",
            Participant.revoked.is_(False))):
        old.revoked = True
        ctx.revoked.append(old.id)
    key = new_token()
    ctx.session.add(Participant(id=new_id(), meeting_id=ctx.meeting.id, role="display",
                                token_hash=hash_token(key), rights=[], created_at=ctx.now))
    return {"key": key, "url": ctx.spiegel.display_url(ctx.meeting.code, key)}


def new_moderator_key(session: Session, meeting: Meeting) -> tuple[str, str]:
    """A new moderator key for a meeting whose link was lost; the old key stops working at once.

    The moderator stays the same participant (what they wrote keeps its author); only the
    token changes. Returns (participant id, key) so the caller can close the old sockets.
    """
    moderator = session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                         Participant.role == "moderator"))
    if moderator is None:
        raise SpiegelError("not_found", "The meeting has no moderator.")
    key = new_token()
    moderator.token_hash = hash_token(key)
    return moderator.id, key


@hookimpl
def register_events():
    return [
        ClientEvent("assistant.create", AssistantCreate, create_assistant, MODERATOR),
        ClientEvent("display.link", Empty, display_link, MODERATOR),
        ClientEvent("invite.create", InviteCreate, create_invite, MODERATOR),
    ]
