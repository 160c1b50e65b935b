"""A thank-you round: after listening, listeners write a card to the inner circle; staff read
them and may show one on the room display. Uses only ``spiegel.api``."""

from __future__ import annotations

from pathlib import Path

from spiegel.api import (
    MEETING,
    PARTICIPANT,
    STAFF,
    ClientEvent,
    ClientId,
    MeetingFormat,
    Payload,
    Phase,
    ServerEvent,
    SpiegelError,
    bounded_text,
    hookimpl,
    participant,
    section,
    staff,
)
from sqlalchemy import select

from .models import Card

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent


class ThanksRound(MeetingFormat):
    name = "thanks"
    title = {"nl": "Spiegelgesprek met bedankronde", "en": "Mirror meeting with a thank-you round"}
    description = {"nl": "Luisteren in stilte, daarna schrijft elke luisteraar een kaartje aan de binnenkring.",
                   "en": "Listening in silence, then each listener writes a card to the inner circle."}
    phases = (
        Phase(key="lobby", state="open", title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo.", "en": "We start soon."}),
        Phase(key="listening", duration=60 * 60, silent=True, listener=frozenset({"note", "question"}),
              title={"nl": "Luisteren", "en": "Listening"}, rule={"nl": "Alleen luisteren.", "en": "Only listen."}),
        Phase(key="thanks", duration=10 * 60, listener=frozenset({"thank"}),
              title={"nl": "Bedankronde", "en": "Thank-you round"},
              rule={"nl": "Schrijf een kaartje aan de binnenkring.", "en": "Write a card to the inner circle."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}), title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel.", "en": "Thank you."}),
    )
    modules = {"participant": ["/plugins/thanks/card.js"]}

    @classmethod
    def snapshot_part(cls, ctx):
        if ctx.is_staff:
            return {"cards": [card_view(c) for c in cards(ctx)]}
        if ctx.participant is not None and ctx.participant.role == "listener":
            return {"cards": [card_view(c) for c in cards(ctx, ctx.participant.id)]}
        return None

    @classmethod
    def report_sections(cls, ctx):
        return [section("thanks_cards", {"nl": "Kaartjes aan de binnenkring", "en": "Cards to the inner circle"},
                        [{"text": c.text} for c in cards(ctx)])]


class CardWrite(ClientId):
    text: bounded_text(280)


class CardShow(Payload):
    id: bounded_text(36)


def cards(ctx, participant_id: str | None = None) -> list[Card]:
    query = select(Card).where(Card.meeting_id == ctx.meeting.id).order_by(Card.created_at)
    if participant_id is not None:
        query = query.where(Card.participant_id == participant_id)
    return list(ctx.session.scalars(query))


def card_view(card: Card) -> dict:
    return {"id": card.id, "text": card.text}


def write(ctx, data: CardWrite) -> dict:
    if ctx.session.get(Card, data.id) is not None:
        raise SpiegelError("id_conflict")
    card = Card(id=data.id, meeting_id=ctx.meeting.id, participant_id=ctx.participant.id, text=data.text,
                created_at=ctx.now)
    ctx.session.add(card)
    version = ctx.version()
    ctx.to_author("thanks.card", {"version": version, "card": card_view(card)})
    ctx.to_staff("thanks.card", {"version": version, "card": card_view(card)})
    return {"card": card_view(card)}


def show(ctx, data: CardShow) -> dict:
    card = ctx.session.get(Card, data.id)
    if card is None or card.meeting_id != ctx.meeting.id:
        raise SpiegelError("not_found", "No card with that id in this meeting.")
    ctx.to_meeting("thanks.shown", {"version": ctx.version(), "text": card.text})
    return {"shown": card.text}


@hookimpl
def register_formats():
    return [ThanksRound]


@hookimpl
def register_events():
    return [
        ClientEvent("thanks.write", CardWrite, write, participant("thank"), description="A listener writes a card."),
        ClientEvent("thanks.show", CardShow, show, staff("run"), description="Staff show a card to the room."),
        ServerEvent("thanks.card", frozenset({PARTICIPANT, STAFF}), private=True, description="A card was written."),
        ServerEvent("thanks.shown", frozenset({MEETING}), description="A card the moderator shows to the room."),
    ]


@hookimpl
def register_migrations():
    return [("thanks", HERE / "migrations")]


@hookimpl
def register_static():
    return [("thanks", HERE / "static")]
