"""``spiegel new-plugin NAME``: write a new plugin package that passes its own tests as it is.

The package has everything a plugin may have, small: a ``pyproject.toml`` with its entry
point, a module with a format and an event of its own, a table with its migration, a page
panel with Dutch and English texts, and tests that use ``spiegel.testing``. Templates are plain
text with ``__name__`` (the plugin's identifier) and ``__Name__`` (its class name) in them.
"""

from __future__ import annotations

from pathlib import Path

PYPROJECT = '''[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "spiegel-__dash__"
version = "0.1.0"
description = "A Spiegel plugin: the __name__ format"
requires-python = ">=3.11"
dependencies = ["spiegel"]

[project.entry-points.spiegel]
__name__ = "spiegel___name__"

[tool.setuptools]
packages = ["spiegel___name__", "spiegel___name__.migrations"]

[tool.setuptools.package-data]
spiegel___name__ = ["static/*.js", "static/i18n/*.json"]
'''

MODULE = '''"""The __name__ plugin for Spiegel (written by `spiegel new-plugin`; see docs/plugins.md)."""

from __future__ import annotations

from pathlib import Path

from spiegel.api import (
    PARTICIPANT,
    STAFF,
    ClientEvent,
    ClientId,
    MeetingFormat,
    Phase,
    ServerEvent,
    SpiegelError,
    bounded_text,
    hookimpl,
    participant,
    section,
)
from sqlalchemy import select

from .models import Idea

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent


class __Name__Format(MeetingFormat):
    name = "__name__"
    title = {"nl": "__Name__ (nieuwe vorm)", "en": "__Name__ (new format)"}
    description = {"nl": "Luisteren, dan een ronde waarin luisteraars ideeën insturen.",
                   "en": "Listening, then a round in which listeners send in ideas."}
    phases = (
        Phase(key="lobby", state="open", title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo.", "en": "We start soon."}),
        Phase(key="listening", duration=45 * 60, silent=True, listener=frozenset({"note", "question"}),
              title={"nl": "Luisteren", "en": "Listening"}, rule={"nl": "Alleen luisteren.", "en": "Only listen."}),
        Phase(key="ideas", duration=10 * 60, listener=frozenset({"__name___idea"}),
              title={"nl": "Ideeën", "en": "Ideas"}, rule={"nl": "Stuur een idee in.", "en": "Send in an idea."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}), title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel.", "en": "Thank you."}),
    )
    modules = {"participant": ["/plugins/__name__/panel.js"]}

    @classmethod
    def snapshot_part(cls, ctx):
        return {"ideas": [i.text for i in ideas(ctx)]} if ctx.is_staff else None

    @classmethod
    def report_sections(cls, ctx):
        return [section("__name___ideas", {"nl": "Ideeën", "en": "Ideas"}, [{"text": i.text} for i in ideas(ctx)])]


class IdeaAdd(ClientId):
    text: bounded_text(500)


def ideas(ctx) -> list[Idea]:
    return list(ctx.session.scalars(select(Idea).where(Idea.meeting_id == ctx.meeting.id).order_by(Idea.created_at)))


def add_idea(ctx, data: IdeaAdd) -> dict:
    if ctx.session.get(Idea, data.id) is not None:
        raise SpiegelError("id_conflict")
    ctx.session.add(Idea(id=data.id, meeting_id=ctx.meeting.id, participant_id=ctx.participant.id, text=data.text,
                         created_at=ctx.now))
    ctx.to_staff("__name__.idea", {"version": ctx.version(), "text": data.text})
    return {"id": data.id}


@hookimpl
def register_formats():
    return [__Name__Format]


@hookimpl
def register_events():
    return [
        ClientEvent("__name__.idea", IdeaAdd, add_idea, participant("__name___idea"),
                    description="A listener sends in an idea."),
        ServerEvent("__name__.idea", frozenset({PARTICIPANT, STAFF}), private=True,
                    description="An idea reached staff."),
    ]


@hookimpl
def register_migrations():
    return [("__name__", HERE / "migrations")]


@hookimpl
def register_static():
    return [("__name__", HERE / "static")]
'''

MODELS = '''"""The __name__ plugin's table, erased with its meeting (cascade)."""

from __future__ import annotations

from spiegel.api import Model
from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Idea(Model):
    __tablename__ = "__name___ideas"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
'''

MIGRATION = '''"""__name__: ideas

Revision ID: __name___0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "__name___0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "__name___ideas",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix___name___ideas_meeting_id", "__name___ideas", ["meeting_id"])


def downgrade() -> None:
    op.drop_table("__name___ideas")
'''

PANEL = '''// @ts-check
// The __name__ panel on the listener tablet: shown while the phase offers "__name___idea".
export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`__name__ needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  manager.registerPanel({
    id: '__name__.ideas',
    slot: 'round',
    actions: ['__name___idea'],
    mount: () => {
      const text = el('textarea', { id: '__name__-text', rows: '3', maxlength: '500' });
      const status = el('p', { role: 'status' });
      const form = el('form', {}, el('label', { for: '__name__-text', text: t('__name__.label') }), text,
        el('button', { type: 'submit', text: t('__name__.send') }), status);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const res = await manager.send('__name__.idea', { id: crypto.randomUUID(), text: text.value });
        status.textContent = res.ok ? t('__name__.sent') : t('__name__.failed');
      });
      return el('section', { class: 'card' }, el('h2', { text: t('__name__.title') }), form);
    },
  });
}
'''

NL = '{"__name__.title": "Ideeën", "__name__.label": "Je idee", "__name__.send": "Insturen", ' \
     '"__name__.sent": "Ingestuurd.", "__name__.failed": "Niet ingestuurd; probeer het nog eens."}\n'
EN = '{"__name__.title": "Ideas", "__name__.label": "Your idea", "__name__.send": "Send", ' \
     '"__name__.sent": "Sent.", "__name__.failed": "Not sent; please try again."}\n'

TESTS = '''"""The __name__ plugin's own tests (spiegel.testing's fixtures)."""

from __future__ import annotations

import uuid

import pytest
from spiegel.testing import call, received


@pytest.fixture
def spiegel_plugins():
    return ["__name__"]


def test_listeners_send_ideas_in_the_ideas_phase_only(spiegel_meeting):
    meeting = spiegel_meeting(format="__name__")
    mod, listener = meeting.moderator(), meeting.listener()
    idea = {"id": str(uuid.uuid4()), "text": "Verzonnen idee"}
    assert call(listener, "__name__.idea", idea)["error"]["code"] == "not_allowed_in_phase"
    assert call(mod, "phase.goto", {"key": "ideas"})["ok"]
    assert call(listener, "__name__.idea", idea)["ok"]
    assert received(mod, "__name__.idea")[0]["text"] == "Verzonnen idee"
    assert call(mod, "sync")["snapshot"]["format_data"] == {"ideas": ["Verzonnen idee"]}


def test_the_page_module_and_its_texts_are_served(spiegel_app):
    http = spiegel_app.test_client()
    assert b"registerPanel" in http.get("/plugins/__name__/panel.js").data
    assert http.get("/plugins/__name__/i18n/en.json").get_json()["__name__.send"] == "Send"
'''

CONFTEST = 'pytest_plugins = ["spiegel.testing"]\n'


def files(name: str) -> dict[str, str]:
    package = f"spiegel_{name}"
    return {
        "pyproject.toml": PYPROJECT,
        f"{package}/__init__.py": MODULE,
        f"{package}/models.py": MODELS,
        f"{package}/migrations/__init__.py": "",
        f"{package}/migrations/{name}_0001_ideas.py": MIGRATION,
        f"{package}/static/panel.js": PANEL,
        f"{package}/static/i18n/nl.json": NL,
        f"{package}/static/i18n/en.json": EN,
        "tests/conftest.py": CONFTEST,
        f"tests/test_{name}.py": TESTS,
    }


class ScaffoldError(ValueError):
    """A name or folder the scaffold cannot use."""


def write(name: str, parent: Path) -> Path:
    """Write the package for plugin ``name`` into ``parent/spiegel-<name>``; returns that folder."""
    if not name.isidentifier() or not name.islower() or len(name) > 40:
        raise ScaffoldError(f"plugin name {name!r}: use a lower-case identifier (letters, digits, _)")
    target = parent / f"spiegel-{name.replace('_', '-')}"
    if target.exists():
        raise ScaffoldError(f"{target} exists already; choose another name or folder")
    class_name = "".join(part.capitalize() for part in name.split("_"))
    for path, text in files(name).items():
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text.replace("__dash__", name.replace("_", "-")).replace("__Name__", class_name)
                       .replace("__name__", name), encoding="utf-8")
    return target
