"""The plugin API: every hook Spiegel calls, with its contract.

Plugins implement hooks with ``@spiegel.hookimpl``. An implementation may accept fewer
arguments than the specification (pluggy passes only what it names), so hooks can grow
without breaking plugins. See ``docs/plugins.md`` for a worked example and how to test one.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("spiegel")


@hookspec
def register_formats():
    """Return a list of meeting format classes (subclasses of ``spiegel.formats.MeetingFormat``).

    Called once at start. Two formats with the same ``name`` stop the server with a message
    naming both plugins; a format whose declaration cannot work (phase keys repeated, text
    missing in Dutch or English, unknown listener actions) stops it too.
    """


@hookspec
def register_actions():
    """Return a list of ``spiegel.actions.Action``: events of your own, sent as ``action``.

    An action names the listener action key that a phase must allow (``listener_action``)
    or the staff right it needs (``right``), a pydantic schema for its data and a handler
    ``handler(ctx, data) -> dict``. Its key becomes usable in ``Phase.listener``. The server
    authenticates, validates, checks the phase and commits around the handler, so a handler
    only changes state through ``ctx.session`` and says what to broadcast via ``ctx``.
    """


@hookspec
def meeting_created(meeting, format):
    """A meeting was created (also by duplication), inside the creating transaction.

    ``meeting`` is the ``spiegel.models.Meeting`` row; set defaults on it here (for example
    prepared questions a format always starts with). Return value ignored.
    """


@hookspec
def phase_changed(ctx, previous, current):
    """The moderator moved the meeting from phase ``previous`` to ``current`` (``Phase`` objects).

    Runs inside the transaction that changed the phase, before anything is broadcast: a
    plugin may start the timer (``ctx.start_timer(seconds)``), show a prompt, or record
    something. Raising ``spiegel.errors.SpiegelError`` refuses the change. The phase never
    changes by itself when time is up; a format that wants that does it here or in an action.
    """
