"""The plugin API: every hook Spiegel calls, with its contract.

Plugins implement hooks with ``@spiegel.hookimpl`` (also ``spiegel.api.hookimpl``). An
implementation may accept fewer arguments than the specification (pluggy passes only what
it names), so hooks can grow without breaking plugins. Hooks that belong to one meeting's
format are methods of the format class instead (``MeetingFormat.on_phase_entered`` …), so
they run only for that format's meetings. ``docs/plugins.md`` documents each hook with an
example; ``tests/test_plugin_platform.py`` exercises each.

Spiegel's own features (notes, questions, outcomes, polls and turns, the prompter, the
timer, the phases) are built-in plugins that use these same hooks.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("spiegel")

#: Plugins mark their hook implementations with ``@hookimpl``.
hookimpl = pluggy.HookimplMarker("spiegel")


@hookspec
def register_formats():
    """Return a list of meeting format classes (subclasses of ``spiegel.api.MeetingFormat``).

    Called once at start. Two formats with the same ``name`` stop the server with a message
    naming both plugins; a format whose declaration cannot work (phase keys repeated, text
    missing in Dutch or English, unknown actions or kinds) stops it too.
    """


@hookspec
def register_events():
    """Return a list of ``ClientEvent`` and ``ServerEvent`` declarations (``spiegel.api``).

    A ``ClientEvent`` is an event clients send, by its own name: its pydantic schema, its
    rule (``participant(action)`` for listeners and other kinds when the phase allows
    ``action``; ``staff(right)``; ``MODERATOR``; ``ANYONE``), its handler
    ``handler(ctx, data) -> dict`` and an optional ``replay`` for idempotent adds. The server
    authenticates, validates, checks the rule and commits around the handler.

    A ``ServerEvent`` is an event the server sends, with every audience it may reach
    (``author``, ``participant``, ``staff``, ``meeting``, ``kind:<name>``). ``private=True``
    marks events that carry someone's own writing: they may only go to that participant and
    staff; declaring one for the meeting stops the server at start. Sending an event to an
    audience it was not declared for raises in the handler, before anything is sent.
    """


@hookspec
def register_rights():
    """Return staff rights (strings) an assistant link may hold besides ``run``,
    ``questions`` and ``outcomes``, for ``staff(right)`` rules of your events."""


@hookspec
def register_admin_actions():
    """Return ``AdminAction`` declarations (``spiegel.api``): what the server's administrator
    may do with a plugin's organisation-wide data (a library of question sets, say), outside
    any one meeting. Each is served at ``POST /api/admin/actions/<name>`` to the signed-in
    administrator only, its body validated by the action's schema, its handler
    ``handler(session, data, now) -> dict`` run in one transaction. Names are unique across
    plugins; a repeat stops the server at start naming both plugins."""


@hookspec
def register_outcome_kinds(format):
    """Return ``OutcomeKind`` declarations (``spiegel.api``) that meetings of ``format`` (a
    ``MeetingFormat`` class) accept besides the six core kinds and the format's own
    ``MeetingFormat.outcome_kinds``; an empty list (or None) for formats you leave alone.

    Called once per format at start. Staff capture the kinds with ``outcome.add``; the
    moderator snapshot lists them in ``outcome_kinds``; the report shows each as its own
    section and CSV table. A name the format already has, a missing translation or an
    ``after`` naming no kind stops the server at start naming your plugin.
    """


@hookspec
def register_migrations():
    """Return a list of ``(name, folder)``: Alembic script folders of your plugin's tables.

    Each is applied at start after the core's, with its own version table
    (``spiegel_<name>_version``), on SQLite and PostgreSQL. Declare your models on
    ``spiegel.api.Model`` with a foreign key to ``meetings.id`` and ``ondelete="CASCADE"``, so
    erasing a meeting erases your rows too (checked by the erase tests).
    """


@hookspec
def register_static():
    """Return a list of ``(name, folder)``: folders served at ``/plugins/<name>/<path>``.

    Put your page modules (ES modules) and CSS there. A folder with an ``i18n/`` folder must
    hold ``nl.json`` and ``en.json`` with the same keys and no empty text, or the server
    stops at start naming your plugin (missing translation).
    """


@hookspec
def page_modules(page, meeting, format):
    """Return ES module URLs the ``page`` (``participant``, ``moderator`` or ``display``)
    loads for ``meeting`` besides the format's own ``MeetingFormat.modules``. For plugins that
    add panels to every format. They reach the page in ``snapshot.client.modules``; a URL
    ending in ``.css`` is a stylesheet the page links (``snapshot.client.styles``)."""


@hookspec
def register_admin_modules():
    """Return same-origin URLs (``/plugins/<name>/…``, from ``register_static``) the admin page
    loads besides every format's own ``modules["admin"]``: ES modules that register panels in
    its ``options`` and ``library`` slots, exactly as a format's do, from any plugin (a library
    of the organisation's that is no format's). A URL ending in ``.css`` is a stylesheet the
    page links. Called once at start; a URL with a scheme or a host stops the server naming
    the plugin."""


@hookspec
def snapshot_part(ctx):
    """Return a dict (or None) added to the snapshot of ``ctx.participant`` under
    ``plugins.<your plugin name>``. Built per recipient: give a listener only what that
    listener may see. For format-specific parts use ``MeetingFormat.snapshot_part``."""


@hookspec
def report_sections(ctx):
    """Return report sections for the meeting in ``ctx``: a list of
    ``{"key", "title": {"nl", "en"}, "items": [{"text", ...}]}`` (``spiegel.api.section``).
    Never put a note its author did not share, or who wrote anything, in a section.
    For format-specific sections use ``MeetingFormat.report_sections``."""


@hookspec
def meeting_created(meeting, format):
    """A meeting was created (also by duplication), inside the creating transaction.

    ``meeting`` is the ``spiegel.models.Meeting`` row; set defaults on it here (for example
    prepared questions a format always starts with). Return value ignored. The format's own
    ``on_created(ctx)`` runs first.
    """


@hookspec
def phase_changed(ctx, previous, current):
    """The moderator moved the meeting from phase ``previous`` to ``current`` (``Phase`` objects).

    Runs for every format, inside the transaction that changed the phase, after the format's
    own ``on_phase_left``/``on_phase_entered`` and before anything is broadcast. Raising
    ``spiegel.api.SpiegelError`` refuses the change. The phase never changes by itself when
    time is up.
    """


@hookspec
def meeting_erased(session, meeting_id):
    """A meeting is being erased, inside the erasing transaction. Rows with a cascading
    foreign key to ``meetings.id`` go by themselves; erase anything else of yours here (files,
    caches)."""


# Deprecated (API 1 keeps it working): events of a plugin sent through the ``action`` event.
@hookspec
def register_actions():
    """Deprecated: return ``spiegel.actions.Action`` objects. Each becomes a ``ClientEvent``
    of its own name (also reachable through ``action`` ``{name, data}``); its ``emits``
    become server events for staff and the author. New plugins use ``register_events``."""
