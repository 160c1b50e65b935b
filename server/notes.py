""""What struck me" notes: private to their author, stored exactly once per client UUID."""

from __future__ import annotations

from types import SimpleNamespace

from .context import Ctx
from .hookspecs import hookimpl
from .models import Note
from .outbox import PARTICIPANT
from .permissions import ANY, participant
from .registry import ClientEvent, ServerEvent
from .schemas import ItemRef, NoteAdd, NoteEdit, NoteShare
from .views import note_view


def _changed(ctx: Ctx, note: Note) -> dict:
    note.version, note.updated_at = ctx.version(), ctx.now
    return _publish(ctx, note)


def _publish(ctx: Ctx, note: Note | SimpleNamespace, skip_sender: bool = False) -> dict:
    """The note's view for the ack, and as ``note`` to the author's sockets (with
    ``skip_sender``, the others only: the sending one has it in its ack)."""
    view = note_view(note)
    ctx.to_author("note", {"version": note.version, "note": view}, skip_sender=skip_sender)
    return view


def replay_note(ctx: Ctx, data: NoteAdd) -> dict | None:
    """A resend of a stored note (lost ack, reconnect, second tab) returns the stored note."""
    stored = ctx.resent(Note, data.id)
    return {"note": note_view(stored), "duplicate": True} if stored else None


def add_note(ctx: Ctx, data: NoteAdd) -> dict:
    """Store once per client UUID: the INSERT itself finds a resend (its id taken), so a new
    note, nearly every one, costs no lookup first (``answers_resend`` below). The new note goes
    to the author's other sockets, not back to the sending one, whose ack carries it (the echo
    was about a tenth of a note's instructions: bench/RESULTS.md, session 13)."""
    # Every column, as a plain record: the INSERT needs no ORM row, nor does the view.
    note = SimpleNamespace(id=data.id, meeting_id=ctx.meeting_id, participant_id=ctx.participant_id, text=data.text,
                           tags=sorted(set(data.tags)), prompt_id=data.prompt_id, shared=False, version=None,
                           created_at=ctx.now, updated_at=ctx.now)
    if not ctx.insert_new(Note, vars(note)):
        return replay_note(ctx, data)
    return {"note": _publish(ctx, note, skip_sender=True), "duplicate": False}


def edit_note(ctx: Ctx, data: NoteEdit) -> dict:
    note = ctx.item(Note, data.id, own=True)
    if data.text is not None:
        note.text = data.text
    if data.tags is not None:
        note.tags = sorted(set(data.tags))
    return {"note": _changed(ctx, note)}


def share_note(ctx: Ctx, data: NoteShare) -> dict:
    note = ctx.item(Note, data.id, own=True)
    note.shared = data.shared
    return {"note": _changed(ctx, note)}


def delete_note(ctx: Ctx, data: ItemRef) -> dict:
    note = ctx.item(Note, data.id, own=True)
    ctx.session.delete(note)
    version = ctx.version()
    ctx.to_author("note.removed", {"version": version, "id": note.id})
    return {"id": note.id}


@hookimpl
def register_events():
    return [
        ClientEvent("note.add", NoteAdd, add_note, participant("note"), replay=replay_note, answers_resend=True),
        ClientEvent("note.edit", NoteEdit, edit_note, participant("note")),
        ClientEvent("note.delete", ItemRef, delete_note, participant(ANY)),
        ClientEvent("note.share", NoteShare, share_note, participant("share")),
        ServerEvent("note", frozenset({PARTICIPANT}), private=True,
                    description="A note changed: to its author's own screens only."),
        ServerEvent("note.removed", frozenset({PARTICIPANT}), description="A note was deleted (author only)."),
    ]
