"""Meeting formats as data: a format is a class with phases; the server enforces what it says.

A plugin declares a format by subclassing :class:`MeetingFormat` and returning it from the
``register_formats`` hook. The declaration is checked once at start (:func:`check_format`),
so a mistake in a plugin stops the server with a message instead of surfacing mid-meeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

LANGUAGES = ("nl", "en")

#: What a listener can be allowed to do in a phase. Plugins may add their own (``register_actions``).
CORE_LISTENER_ACTIONS = frozenset({"note", "question", "share", "vote", "turn"})


@dataclass(frozen=True)
class Phase:
    """One step of a format's plan.

    ``listener`` lists the listener actions the phase allows; everything else is refused by
    the server. ``silent`` phases are the listening ones: tablets show nothing but the
    listener's own writing. ``state`` is the meeting state the phase puts the meeting in.
    """

    key: str
    title: Mapping[str, str]
    rule: Mapping[str, str]
    duration: int = 0
    listener: frozenset[str] = frozenset()
    silent: bool = False
    state: Literal["open", "running", "ended"] = "running"
    description: Mapping[str, str] = field(default_factory=dict)
    #: The phase's timer starts with the phase (no second tap on "Start"); a meeting's
    #: moderator can choose otherwise (setting ``timer_with_phase``).
    timer_autostart: bool = False
    #: A listener whose question is put up as "now asking" is expected to ask it aloud.
    #: Off: the room hears the question from the moderator, and the tablet does not tell its
    #: author to speak.
    asker_speaks: bool = False

    def to_wire(self, language: str, duration: int | None = None) -> dict:
        return {
            "key": self.key,
            "title": pick(self.title, language),
            "rule": pick(self.rule, language),
            # Both languages too: a screen switched to the other language than the meeting's
            # shows the phase in its own language.
            "titles": {lang: pick(self.title, lang) for lang in LANGUAGES},
            "rules": {lang: pick(self.rule, lang) for lang in LANGUAGES},
            "duration": self.duration if duration is None else duration,
            "silent": self.silent,
            "listener_actions": sorted(self.listener),
            "state": self.state,
            "timer_autostart": self.timer_autostart,
            "asker_speaks": self.asker_speaks,
        }


class MeetingFormat:
    """Base class of every format. Subclasses set the class attributes; no instances needed."""

    name: ClassVar[str]
    title: ClassVar[Mapping[str, str]]
    description: ClassVar[Mapping[str, str]]
    phases: ClassVar[tuple[Phase, ...]]
    #: Optional features the format uses, for the moderator screen: ``outcomes``,
    #: ``polls``, ``turns``, ``dialogue``.
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: Meeting settings this format starts with (e.g. ``queue_visibility``).
    defaults: ClassVar[Mapping[str, object]] = {}

    @classmethod
    def phase(cls, key: str) -> Phase | None:
        return next((p for p in cls.phases if p.key == key), None)

    @classmethod
    def index(cls, key: str) -> int:
        return next(i for i, p in enumerate(cls.phases) if p.key == key)

    @classmethod
    def to_wire(cls, language: str, durations: Mapping[str, int] | None = None) -> dict:
        durations = durations or {}
        return {
            "name": cls.name,
            "title": pick(cls.title, language),
            "description": pick(cls.description, language),
            "capabilities": sorted(cls.capabilities),
            "phases": [p.to_wire(language, durations.get(p.key)) for p in cls.phases],
        }


def pick(texts: Mapping[str, str], language: str) -> str:
    """The text in ``language``, falling back to Dutch (every text has Dutch)."""
    return texts.get(language) or texts.get("nl", "")


class FormatError(Exception):
    """A format declaration that cannot work; raised at start."""


def check_format(fmt: type[MeetingFormat], listener_actions: frozenset[str]) -> None:
    """Refuse a declaration the server could not run, naming the plugin's mistake."""
    name = getattr(fmt, "name", None)
    where = f"format {name!r} ({fmt.__module__}.{fmt.__qualname__})"
    if not isinstance(name, str) or not name.isidentifier():
        raise FormatError(f"{where}: `name` must be an identifier")
    for attr in ("title", "description"):
        texts = getattr(fmt, attr, None)
        if not isinstance(texts, Mapping) or any(not texts.get(lang) for lang in LANGUAGES):
            raise FormatError(f"{where}: `{attr}` needs Dutch and English text")
    phases = getattr(fmt, "phases", ())
    if len(phases) < 2:
        raise FormatError(f"{where}: needs at least two phases")
    keys = [p.key for p in phases]
    if len(set(keys)) != len(keys):
        raise FormatError(f"{where}: phase keys repeat: {keys}")
    if phases[0].state != "open" or phases[-1].state != "ended":
        raise FormatError(f"{where}: the first phase must have state 'open' and the last 'ended'")
    for phase in phases:
        for attr in ("title", "rule"):
            if any(not getattr(phase, attr).get(lang) for lang in LANGUAGES):
                raise FormatError(f"{where}: phase {phase.key!r} `{attr}` needs Dutch and English text")
        unknown = set(phase.listener) - listener_actions
        if unknown:
            raise FormatError(f"{where}: phase {phase.key!r} allows unknown actions {sorted(unknown)}")
