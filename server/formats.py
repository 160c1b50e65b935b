"""Meeting formats: a format is a class with phases, participant kinds and behaviour.

A plugin declares a format by subclassing :class:`MeetingFormat` and returning it from the
``register_formats`` hook. The declaration is checked once at start (:func:`check_format`),
so a mistake in a plugin stops the server with a message instead of surfacing mid-meeting.
The ``on_*``, ``snapshot_part`` and ``report_sections`` methods run only for meetings of
that format: no plugin has to ask "is this my meeting?".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from .format_options import options_wire


class Ctx(Protocol):
    """What a format's methods receive: the handler context, ``spiegel.api.Ctx`` (declared
    here by shape, so that formats sit below the context and never import it)."""

    session: Any
    connection: Any
    meeting: Any
    participant: Any
    now: float

LANGUAGES = ("nl", "en")

#: What a listener can be allowed to do in a phase, from the core. Plugins add their own
#: with participant events (``ClientEvent(rule=participant("key"))``).
CORE_LISTENER_ACTIONS = frozenset({"note", "question", "share", "vote", "turn"})

#: Roles that are not participant kinds; a kind may not take these names.
STAFF_AND_DISPLAY = frozenset({"moderator", "assistant", "display", "admin"})


@dataclass(frozen=True)
class ParticipantKind:
    """A kind of participant besides staff: listeners, and whatever a format adds (parents
    choosing priorities on their phone, invited professionals sending topics in advance).

    ``join="code"`` kinds join with the meeting's public code (listeners); ``join="invite"``
    kinds only through an invitation link the moderator makes. ``before_open`` kinds may join
    and act while the meeting is still a draft (advance submissions). What a kind may do in
    each phase is in ``Phase.allow`` (``Phase.listener`` for listeners).
    """

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    join: Literal["code", "invite"] = "invite"
    before_open: bool = False
    #: Anonymous label pattern, numbered per kind within a meeting (``{n}``).
    label: Mapping[str, str] = field(default_factory=dict)

    def label_for(self, language: str, number: int) -> str:
        pattern = pick(self.label, language) if self.label else f"{pick(self.title, language)} {{n}}"
        return pattern.format(n=number)

    def to_wire(self, language: str) -> dict:
        return {"name": self.name, "title": pick(self.title, language),
                "titles": {lang: pick(self.title, lang) for lang in LANGUAGES},
                "description": pick(self.description, language) if self.description else "",
                "join": self.join, "before_open": self.before_open}


@dataclass(frozen=True)
class OutcomeKind:
    """A kind of outcome staff capture and the report shows in a section of its own.

    The six core kinds (:data:`CORE_OUTCOME_KINDS`) exist in every meeting; a format adds its
    own with ``MeetingFormat.outcome_kinds`` and any plugin with the ``register_outcome_kinds``
    hook. ``title`` names one item (the capture control, "Oplossingsrichting"); ``heading``
    the report's section (plural, "Oplossingsrichtingen"; defaults to ``title``). ``after``
    places the section in the report and the kind in the capture list: after that kind
    (a core kind or one declared before it); none puts it after the core kinds.
    """

    name: str
    title: Mapping[str, str]
    heading: Mapping[str, str] = field(default_factory=dict)
    after: str | None = None

    def heading_for(self, language: str) -> str:
        return pick(self.heading or self.title, language)

    def to_wire(self, language: str) -> dict:
        """The moderator snapshot's entry: what the capture control shows."""
        return {"kind": self.name, "label": pick(self.title, language),
                "labels": {lang: pick(self.title, lang) for lang in LANGUAGES},
                "core": self.name in CORE_OUTCOME_NAMES}

    def to_listing(self) -> dict:
        """``spiegel plugins``' entry: the kind and its labels in every language, none picked."""
        return {"kind": self.name, "labels": {lang: pick(self.title, lang) for lang in LANGUAGES},
                "core": self.name in CORE_OUTCOME_NAMES}

    def to_report(self) -> dict:
        """The report's entry: item and section titles in both languages."""
        return {"kind": self.name, "title": {lang: pick(self.title, lang) for lang in LANGUAGES},
                "heading": {lang: self.heading_for(lang) for lang in LANGUAGES},
                "core": self.name in CORE_OUTCOME_NAMES}


#: The kinds every meeting has, in the report's order (its labels are the report's too).
CORE_OUTCOME_KINDS: tuple[OutcomeKind, ...] = (
    OutcomeKind("well", {"nl": "Wat ging goed", "en": "What went well"}),
    OutcomeKind("improvement", {"nl": "Verbeterpunt", "en": "Improvement point"},
                {"nl": "Verbeterpunten", "en": "Improvement points"}),
    OutcomeKind("wish", {"nl": "Wens", "en": "Wish"}, {"nl": "Wensen", "en": "Wishes"}),
    OutcomeKind("decision", {"nl": "Besluit", "en": "Decision"}, {"nl": "Besluiten", "en": "Decisions"}),
    OutcomeKind("priority", {"nl": "Speerpunt", "en": "Priority"}, {"nl": "Speerpunten", "en": "Priorities"}),
    OutcomeKind("action", {"nl": "Actie", "en": "Action"}, {"nl": "Acties", "en": "Actions"}),
)
CORE_OUTCOME_NAMES = tuple(k.name for k in CORE_OUTCOME_KINDS)
#: Names a kind may not take: the report's other CSV tables.
RESERVED_OUTCOME_NAMES = frozenset({"progress", "questions", "shared_notes", "extra", "meeting"})


LISTENER = ParticipantKind(
    name="listener", join="code",
    title={"nl": "Luisteraar", "en": "Listener"},
    description={"nl": "Professional in de buitenring: luistert, schrijft voor zichzelf, parkeert vragen.",
                 "en": "Professional in the outer ring: listens, writes for themselves, parks questions."},
    label={"nl": "Luisteraar {n}", "en": "Listener {n}"},
)


@dataclass(frozen=True)
class Phase:
    """One step of a format's plan.

    ``listener`` lists the listener actions the phase allows; ``allow`` does the same for the
    format's other participant kinds (``{"parent": {"priority"}}``). Everything else is
    refused by the server. ``silent`` phases are the listening ones: tablets show nothing but
    the listener's own writing. ``state`` is the meeting state the phase puts the meeting in.
    """

    key: str
    title: Mapping[str, str]
    rule: Mapping[str, str]
    duration: int = 0
    listener: frozenset[str] = frozenset()
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)
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

    def actions_for(self, kind: str) -> frozenset[str]:
        return self.listener if kind == "listener" else frozenset(self.allow.get(kind, ()))

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
            "actions": {kind: sorted(actions) for kind, actions in sorted(self.allow.items())},
            "state": self.state,
            "timer_autostart": self.timer_autostart,
            "asker_speaks": self.asker_speaks,
        }


class MeetingFormat:
    """Base class of every format. Subclasses set the class attributes; no instances needed.

    Override the ``on_*`` methods for behaviour; they run inside the transaction of the
    change (raise ``SpiegelError`` to refuse it) and only for meetings of this format.
    """

    name: ClassVar[str]
    title: ClassVar[Mapping[str, str]]
    description: ClassVar[Mapping[str, str]]
    phases: ClassVar[tuple[Phase, ...]]
    #: Participant kinds besides listeners (who always exist).
    kinds: ClassVar[tuple[ParticipantKind, ...]] = ()
    #: Optional features the format uses, for the moderator screen: ``outcomes``,
    #: ``polls``, ``turns``, ``dialogue``.
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: Meeting settings this format starts with (e.g. ``queue_visibility``).
    defaults: ClassVar[Mapping[str, object]] = {}
    #: ES modules each page loads for this format: ``{"participant": [...], "moderator": [...],
    #: "display": [...], "admin": [...]}``, same-origin URLs (a plugin's static folder,
    #: ``/plugins/<name>/…``). The admin page loads every format's ``admin`` modules.
    modules: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Stylesheets each page links for this format, the same shape as ``modules``: same-origin
    #: URLs (``/plugins/<name>/…css``), added as ``<link rel="stylesheet">`` after the page's own.
    styles: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Meeting fields of this format's own (a ``spiegel.api.Payload`` subclass whose fields all
    #: have defaults): sent as ``options`` with the meeting's create or ``meeting.update``,
    #: validated with this class, kept in ``meeting.settings["options"]`` (``api.options(ctx)``).
    #: For example the parties of a tripartite project, or the size of the inner circle.
    options: ClassVar[type | None] = None
    #: Outcome kinds of this format's own besides the six core ones (``OutcomeKind``): staff
    #: capture them with ``outcome.add`` in this format's meetings only, and the report shows
    #: each as its own section and CSV table.
    outcome_kinds: ClassVar[tuple[OutcomeKind, ...]] = ()

    @classmethod
    def phase(cls, key: str) -> Phase | None:
        return next((p for p in cls.phases if p.key == key), None)

    @classmethod
    def index(cls, key: str) -> int:
        return next(i for i, p in enumerate(cls.phases) if p.key == key)

    @classmethod
    def all_kinds(cls) -> tuple[ParticipantKind, ...]:
        return (LISTENER, *cls.kinds)

    @classmethod
    def kind(cls, name: str) -> ParticipantKind | None:
        return next((k for k in cls.all_kinds() if k.name == name), None)

    @classmethod
    def to_wire(cls, language: str, durations: Mapping[str, int] | None = None) -> dict:
        durations = durations or {}
        return {
            "name": cls.name,
            "title": pick(cls.title, language),
            "description": pick(cls.description, language),
            "capabilities": sorted(cls.capabilities),
            "kinds": [k.to_wire(language) for k in cls.all_kinds()],
            "phases": [p.to_wire(language, durations.get(p.key)) for p in cls.phases],
            "options": options_wire(cls.options, language),
            # The admin page's panels of this format (its library, a picker for an option).
            "admin_modules": list(dict(cls.modules or {}).get("admin", ())),
            "admin_styles": list(dict(cls.styles or {}).get("admin", ())),
        }

    # Behaviour: no-ops unless a format overrides them. -------------------------------------
    @classmethod
    def on_created(cls, ctx: Ctx) -> None:
        """A meeting of this format was created (or duplicated), in the creating transaction."""

    @classmethod
    def configure(cls, ctx: Ctx, options: Any) -> None:
        """The meeting was just created with ``options`` (an instance of :attr:`options`, its
        defaults when the creator sent none), after ``on_created``, in the same transaction.
        Raise ``SpiegelError`` to refuse the creation (an unknown question set, say)."""

    @classmethod
    def on_phase_left(cls, ctx: Ctx, phase: Phase, following: Phase) -> None:
        """The meeting leaves ``phase`` for ``following``."""

    @classmethod
    def on_phase_entered(cls, ctx: Ctx, phase: Phase, previous: Phase) -> None:
        """The meeting entered ``phase`` from ``previous`` (the timer is already reset to
        the phase's duration; ``spiegel.api.start_timer(ctx)`` starts it)."""

    @classmethod
    def on_timer_expired(cls, ctx: Ctx) -> None:
        """The timer ran out (announced once). Time's up never moves the meeting by itself."""

    @classmethod
    def snapshot_part(cls, ctx: Ctx) -> dict | None:
        """The format's own part of the snapshot for ``ctx.participant`` (sent as
        ``snapshot.format_data``). Build it per recipient: a listener's part holds only what
        that listener may see."""
        return None

    @classmethod
    def report_sections(cls, ctx: Ctx) -> list[dict]:
        """Sections this format adds to the meeting's report data: a list of
        ``{"key", "title": {"nl", "en"}, "items": [{"text", ...}]}`` (see ``spiegel.api.section``)."""
        return []


def pick(texts: Mapping[str, str], language: str) -> str:
    """The text in ``language``, falling back to Dutch (every text has Dutch)."""
    return texts.get(language) or texts.get("nl", "")


class FormatError(Exception):
    """A format declaration that cannot work; raised at start."""


def _bilingual(texts: object) -> bool:
    return isinstance(texts, Mapping) and all(isinstance(texts.get(lang), str) and texts.get(lang)
                                              for lang in LANGUAGES)


def check_format(fmt: type[MeetingFormat], actions: frozenset[str]) -> None:
    """Refuse a declaration the server could not run, naming the plugin's mistake.

    ``actions`` are the participant action keys known to the registry (core and plugins).
    """
    name = getattr(fmt, "name", None)
    where = f"format {name!r} ({fmt.__module__}.{fmt.__qualname__})"
    if not isinstance(name, str) or not name.isidentifier():
        raise FormatError(f"{where}: `name` must be an identifier")
    for attr in ("title", "description"):
        if not _bilingual(getattr(fmt, attr, None)):
            raise FormatError(f"{where}: `{attr}` needs Dutch and English text (missing translation)")
    kinds = fmt.all_kinds()
    kind_names = [k.name for k in kinds]
    if len(set(kind_names)) != len(kind_names):
        raise FormatError(f"{where}: participant kinds repeat: {kind_names}")
    for kind in fmt.kinds:
        if not kind.name.isidentifier() or len(kind.name) > 16 or kind.name in STAFF_AND_DISPLAY:
            raise FormatError(f"{where}: participant kind {kind.name!r} needs an identifier of at most 16 "
                              "characters that is not a staff role")
        if not _bilingual(kind.title) or (kind.description and not _bilingual(kind.description)) or (
                kind.label and not _bilingual(kind.label)):
            raise FormatError(f"{where}: participant kind {kind.name!r} needs Dutch and English text "
                              "(missing translation)")
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
            if not _bilingual(getattr(phase, attr)):
                raise FormatError(f"{where}: phase {phase.key!r} `{attr}` needs Dutch and English text "
                                  "(missing translation)")
        unknown_kinds = set(phase.allow) - set(kind_names)
        if unknown_kinds:
            raise FormatError(f"{where}: phase {phase.key!r} allows actions for undeclared kinds "
                              f"{sorted(unknown_kinds)}")
        for kind in kind_names:
            unknown = set(phase.actions_for(kind)) - actions
            if unknown:
                raise FormatError(f"{where}: phase {phase.key!r} allows unknown actions {sorted(unknown)}")
    options = getattr(fmt, "options", None)
    if options is not None:
        if not (isinstance(options, type) and hasattr(options, "model_fields") and hasattr(options, "model_validate")):
            raise FormatError(f"{where}: `options` must be a spiegel.api.Payload subclass")
        for field_name, info in options.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if info.is_required():
                raise FormatError(f"{where}: option {field_name!r} needs a default (meetings start without it)")
            if not _bilingual(extra.get("title")):
                raise FormatError(f"{where}: option {field_name!r} needs a Dutch and English title "
                                  "(Field(json_schema_extra={'title': {'nl': ..., 'en': ...}}), missing translation)")
            if "help" in extra and not _bilingual(extra["help"]):
                raise FormatError(f"{where}: option {field_name!r} `help` needs Dutch and English text "
                                  "(missing translation)")
    check_outcome_kinds(getattr(fmt, "outcome_kinds", ()), where)
    for attr in ("modules", "styles"):
        for page, urls in dict(getattr(fmt, attr, {}) or {}).items():
            strange = [u for u in urls if not same_origin(u)]
            if page not in PAGES or strange or isinstance(urls, str):
                raise FormatError(f"{where}: `{attr}` maps pages {sorted(PAGES)} to same-origin URLs "
                                  f"(starting with one /); got {page!r}: {strange or urls!r}")


def same_origin(url: object) -> bool:
    """A path on this server: the pages' CSP loads scripts and styles from 'self' only, and a
    URL with a scheme or a host (``//cdn…``) would ask for another origin."""
    return isinstance(url, str) and url.startswith("/") and not url.startswith("//") and "\\" not in url


def check_outcome_kinds(kinds: object, where: str, known: Sequence[str] = CORE_OUTCOME_NAMES) -> None:
    """Refuse outcome kinds the report could not show: a name that is no short identifier,
    repeats a kind already ``known`` (the core's, or declared before), or names another CSV
    table; text missing in Dutch or English; ``after`` a kind that does not exist."""
    seen = list(known)
    for kind in kinds or ():
        if not isinstance(kind, OutcomeKind):
            raise FormatError(f"{where}: outcome kinds must be spiegel.api.OutcomeKind, not {kind!r}")
        if (not kind.name.isidentifier() or len(kind.name) > 16 or kind.name in RESERVED_OUTCOME_NAMES
                or kind.name != kind.name.lower()):
            raise FormatError(f"{where}: outcome kind {kind.name!r} needs a lower-case identifier of at most "
                              f"16 characters, not one of {sorted(RESERVED_OUTCOME_NAMES)}")
        if kind.name in seen:
            raise FormatError(f"{where}: outcome kind {kind.name!r} is declared twice (the core kinds are "
                              f"{', '.join(CORE_OUTCOME_NAMES)})")
        if not _bilingual(kind.title) or (kind.heading and not _bilingual(kind.heading)):
            raise FormatError(f"{where}: outcome kind {kind.name!r} needs Dutch and English text "
                              "(missing translation)")
        if kind.after is not None and kind.after not in seen:
            raise FormatError(f"{where}: outcome kind {kind.name!r} comes after {kind.after!r}, which is no "
                              "kind declared before it")
        seen.append(kind.name)


def ordered_outcome_kinds(extra: Sequence[OutcomeKind]) -> tuple[OutcomeKind, ...]:
    """The core kinds, then ``extra`` each placed right after its ``after`` kind (after the
    kinds placed there before it, so declaration order holds) or at the end."""
    order = list(CORE_OUTCOME_KINDS)
    for kind in extra:
        if kind.after is None:
            order.append(kind)
            continue
        at = next(i for i, k in enumerate(order) if k.name == kind.after) + 1
        while at < len(order) and order[at].after == kind.after and order[at] not in CORE_OUTCOME_KINDS:
            at += 1
        order.insert(at, kind)
    return tuple(order)


def kinds_of(runtime: object, fmt: type[MeetingFormat] | None) -> tuple[OutcomeKind, ...]:
    """The outcome kinds meetings of ``fmt`` accept, as collected at start on ``runtime`` (the
    app), core first; only the core kinds for a meeting whose format is no longer installed."""
    if fmt is None:
        return CORE_OUTCOME_KINDS
    collected = getattr(runtime, "outcome_kinds", None) or {}
    return collected.get(fmt.name) or ordered_outcome_kinds(fmt.outcome_kinds)


#: Pages that load plugin modules.
PAGES = frozenset({"participant", "moderator", "display", "admin"})
