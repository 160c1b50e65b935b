"""Loads plugins and collects what they declare, once per app, at start.

Built-ins come first: Spiegel's own features (``BUILTIN_PLUGINS``) and the common form,
registered exactly like installed plugins; then the ``spiegel`` entry-point group; then
one-off ``.py`` files from ``SPIEGEL_PLUGINS_DIR``. Everything a plugin declares (events,
rights, formats, migrations, static folders, translations) is checked here, so a mistake
stops the server at start with a message naming the plugin, never mid-meeting.

One manager per app (kept on ``app.extensions['spiegel']``), never a module global, so tests
can run apps with different plugins side by side.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from . import hookspecs
from .admin_actions import AdminAction, AdminActionError
from .admin_actions import collect as collect_admin
from .formats import (
    CORE_LISTENER_ACTIONS,
    CORE_OUTCOME_NAMES,
    FormatError,
    MeetingFormat,
    OutcomeKind,
    check_format,
    check_outcome_kinds,
    ordered_outcome_kinds,
    same_origin,
)
from .permissions import CORE_RIGHTS
from .registry import Registry, RegistryError

#: The plugin API this server offers. A plugin may require one with a module attribute
#: ``SPIEGEL_API = 1`` (or a tuple of the versions it supports); another is refused at start.
API_VERSION = 1

ENTRY_POINT_GROUP = "spiegel"
#: Spiegel's own features, each a plugin module like any other, then the common form.
BUILTIN_PLUGINS = (
    "spiegel.meetings", "spiegel.phases", "spiegel.timer", "spiegel.links", "spiegel.prompter",
    "spiegel.notes", "spiegel.questions", "spiegel.outcomes", "spiegel.rounds", "spiegel.presence",
    "spiegel.plugins.common", "spiegel.plugins.amc", "spiegel.plugins.umcg", "spiegel.plugins.nik",
    "spiegel.plugins.koos",
)

class PluginError(Exception):
    """A plugin that cannot be loaded; raised at start with the plugin named."""


def _check_api(module: object, name: str) -> None:
    wanted = getattr(module, "SPIEGEL_API", None)
    if wanted is None:
        return
    versions = wanted if isinstance(wanted, tuple | list | set | frozenset) else (wanted,)
    if API_VERSION not in versions:
        raise PluginError(f"plugin {name} is built for Spiegel plugin API {', '.join(map(str, versions))}; "
                          f"this server offers API {API_VERSION}. Install a version of the plugin made for it.")


def _register(pm: pluggy.PluginManager, module: object, name: str) -> None:
    _check_api(module, name)
    pm.register(module, name=name)


def make_manager(plugins_dir: str | None = None, only: Iterable[str] | None = None) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("spiegel")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        _register(pm, importlib.import_module(name), name)
    only = set(only) if only else None
    installed = entry_points(group=ENTRY_POINT_GROUP)
    missing = (only or set()) - {ep.name for ep in installed}
    if missing:
        raise PluginError(f"SPIEGEL_PLUGINS names plugins that are not installed: {', '.join(sorted(missing))}")
    for ep in installed:
        if only is not None and ep.name not in only:
            continue
        if pm.get_plugin(ep.name) is not None:
            continue
        try:
            module = ep.load()
        except Exception as exc:  # noqa: BLE001 - report which plugin broke, then stop
            raise PluginError(f"installed plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        _register(pm, module, ep.name)
    if plugins_dir:
        if not Path(plugins_dir).is_dir():
            raise PluginError(f"SPIEGEL_PLUGINS_DIR {plugins_dir} is not a folder")
        for path in sorted(Path(plugins_dir).glob("*.py")):
            _register(pm, _load_file(path), f"file:{path.name}")
    return pm


def _core_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("spiegel")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    return pm


def core_registry() -> Registry:
    """The registry of Spiegel's own features alone (no installed or file plugins): what the
    protocol documentation and the permission tests are checked against."""
    return collect_registry(_core_manager())


def core_formats() -> tuple[str, ...]:
    """The names of the built-in formats (the common form, AMC, UMCG …), in order."""
    pm = _core_manager()
    return tuple(collect_formats(pm, collect_registry(pm)))


def _load_file(path: Path):
    module_name = f"spiegel_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot load plugin file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001
        raise PluginError(f"plugin file {path} failed to load: {exc}") from exc
    return module


def plugin_name(pm: pluggy.PluginManager, module: object) -> str:
    return pm.get_name(module) or repr(module)


def each(pm: pluggy.PluginManager, hook: str, **kwargs) -> list[tuple[str, object]]:
    """Call one hook on every plugin, keeping who answered what (pluggy's call gives only
    the answers), in the order the plugins were registered (built-ins first). Like pluggy, an
    implementation gets only the arguments it names."""
    out = []
    for impl in getattr(pm.hook, hook).get_hookimpls():
        result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
        if result is not None:
            out.append((plugin_name(pm, impl.plugin), result))
    return out


def collect_registry(pm: pluggy.PluginManager) -> Registry:
    registry = Registry()
    for owner, items in each(pm, "register_events"):
        try:
            registry.extend(items, owner)
        except RegistryError as exc:
            raise PluginError(str(exc)) from exc
    for owner, actions in each(pm, "register_actions"):  # deprecated path, same registry
        for action in actions:
            for item in action.declarations():
                if item.name in registry.server and registry.owners[f"server:{item.name}"] == owner:
                    continue  # two old-style actions of one plugin may emit the same event
                try:
                    registry.add(item, owner)
                except RegistryError as exc:
                    raise PluginError(str(exc).replace("client event", "action")) from exc
    return registry


def collect_admin_actions(pm: pluggy.PluginManager) -> dict[str, AdminAction]:
    try:
        return collect_admin(each(pm, "register_admin_actions"))
    except AdminActionError as exc:
        raise PluginError(str(exc)) from exc


def collect_rights(pm: pluggy.PluginManager) -> tuple[str, ...]:
    rights = list(CORE_RIGHTS)
    for owner, extra in each(pm, "register_rights"):
        for right in extra:
            if not isinstance(right, str) or not right.isidentifier():
                raise PluginError(f"plugin {owner}: right {right!r} must be an identifier")
            if right not in rights:
                rights.append(right)
    return tuple(rights)


def collect_formats(pm: pluggy.PluginManager, registry: Registry) -> dict[str, type[MeetingFormat]]:
    actions = CORE_LISTENER_ACTIONS | registry.participant_actions()
    formats: dict[str, tuple[type[MeetingFormat], str]] = {}
    for owner, declared in each(pm, "register_formats"):
        for fmt in declared:
            try:
                check_format(fmt, frozenset(actions))
            except FormatError as exc:
                raise PluginError(f"plugin {owner}: {exc}") from exc
            if fmt.name in formats:
                raise PluginError(
                    f"meeting format {fmt.name!r} is registered twice: by {formats[fmt.name][1]} and by {owner}"
                )
            formats[fmt.name] = (fmt, owner)
    return {name: fmt for name, (fmt, _) in formats.items()}


def collect_outcome_kinds(pm: pluggy.PluginManager,
                          formats: dict[str, type[MeetingFormat]]) -> dict[str, tuple[OutcomeKind, ...]]:
    """Each format's outcome kinds, in capture and report order: the core's, the format's own
    (``MeetingFormat.outcome_kinds``, checked with the format), then what plugins add to it
    with ``register_outcome_kinds(format)``. A repeated name or a missing translation stops
    the start, naming the plugin."""
    kinds = {}
    for name, fmt in formats.items():
        declared = list(fmt.outcome_kinds or ())
        for owner, extra in each(pm, "register_outcome_kinds", format=fmt):
            if not isinstance(extra, list | tuple):
                raise PluginError(f"plugin {owner}: register_outcome_kinds must return a list of OutcomeKind")
            try:
                check_outcome_kinds(extra, f"plugin {owner} (outcome kinds for format {name!r})",
                                    (*CORE_OUTCOME_NAMES, *(k.name for k in declared)))
            except FormatError as exc:
                raise PluginError(str(exc)) from exc
            declared.extend(extra)
        kinds[name] = ordered_outcome_kinds(declared)
    return kinds


@dataclass(frozen=True)
class AdminModules:
    """What plugins add to the admin page (``register_admin_modules``), besides the formats'
    own ``modules["admin"]``: module and stylesheet URLs, each once, in plugin order."""

    modules: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()


def collect_admin_modules(pm: pluggy.PluginManager) -> AdminModules:
    """The admin page's modules of every plugin, checked as a format's ``modules`` are: paths on
    this server only (the page's Content-Security-Policy loads scripts and styles from 'self'),
    so a mistake stops the start naming the plugin instead of a panel silently missing."""
    modules: list[str] = []
    styles: list[str] = []
    for owner, urls in each(pm, "register_admin_modules"):
        if isinstance(urls, str) or not isinstance(urls, list | tuple):
            raise PluginError(f"plugin {owner}: register_admin_modules must return a list of URLs, not {urls!r}")
        strange = [u for u in urls if not same_origin(u)]
        if strange:
            raise PluginError(f"plugin {owner}: register_admin_modules returns same-origin URLs "
                              f"(starting with one /); got {strange!r}")
        for url in urls:
            into = styles if url.split("?")[0].endswith(".css") else modules
            if url not in into:
                into.append(url)
    return AdminModules(tuple(modules), tuple(styles))


@dataclass(frozen=True)
class Folder:
    """A plugin's folder: Alembic scripts or static files, under a name of its own."""

    name: str
    path: Path
    owner: str


def _folders(pm: pluggy.PluginManager, hook: str) -> list[Folder]:
    seen: dict[str, Folder] = {}
    for owner, items in each(pm, hook):
        for name, path in items:
            folder = Folder(str(name), Path(path), owner)
            if not folder.name.replace("-", "_").isidentifier():
                raise PluginError(f"plugin {owner}: {hook} name {name!r} must be an identifier")
            if not folder.path.is_dir():
                raise PluginError(f"plugin {owner}: {hook} folder {path} does not exist")
            if folder.name in seen:
                raise PluginError(f"{hook}: the name {name!r} is used by {seen[folder.name].owner} and by {owner}")
            seen[folder.name] = folder
    return list(seen.values())


def collect_migrations(pm: pluggy.PluginManager) -> list[Folder]:
    return _folders(pm, "register_migrations")


def collect_static(pm: pluggy.PluginManager) -> dict[str, Folder]:
    folders = {f.name: f for f in _folders(pm, "register_static")}
    for folder in folders.values():
        check_catalogues(folder)
    return folders


def check_catalogues(folder: Folder) -> None:
    """A plugin's page texts: ``i18n/nl.json`` and ``i18n/en.json`` with the same keys and no
    empty text. A missing translation stops the start, naming the plugin and the keys."""
    i18n = folder.path / "i18n"
    if not i18n.is_dir():
        return
    catalogues = {}
    for lang in ("nl", "en"):
        path = i18n / f"{lang}.json"
        if not path.is_file():
            raise PluginError(f"plugin {folder.owner}: missing translation file {path}")
        try:
            catalogues[lang] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PluginError(f"plugin {folder.owner}: {path} is not valid JSON: {exc}") from exc
    for lang, other in (("nl", "en"), ("en", "nl")):
        missing = sorted(set(catalogues[other]) - {k for k, v in catalogues[lang].items() if v})
        if missing:
            raise PluginError(f"plugin {folder.owner}: missing translation in {lang}.json for {', '.join(missing)}")


def _source(name: str) -> str:
    if name in BUILTIN_PLUGINS:
        return "built-in"
    return "file" if name.startswith("file:") else "entry point"


def _defined_in(fmt: type[MeetingFormat], module: object) -> bool:
    """Is the format declared in the plugin's module, or in a module of the plugin's package
    (``spiegel.plugins.amc.format`` belongs to ``spiegel.plugins.amc``)?"""
    if sys.modules.get(fmt.__module__) is module:
        return True
    package = getattr(module, "__name__", None) if hasattr(module, "__path__") else None
    return package is not None and fmt.__module__.startswith(package + ".")


def describe(pm: pluggy.PluginManager, formats: dict[str, type[MeetingFormat]],
             registry: Registry | None = None,
             outcome_kinds: dict[str, tuple[OutcomeKind, ...]] | None = None) -> list[dict]:
    """What `spiegel plugins` prints: each plugin, where it came from and what it adds. With
    ``outcome_kinds`` (:func:`collect_outcome_kinds`' answer) each format lists its outcome
    kinds as a meeting of it has them: the core ones, its own and those other plugins add."""
    rows = []
    for name, module in pm.list_name_plugin():
        if module is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(module) or ())
        owned = [f for f in formats.values() if _defined_in(f, module)]
        row = {
            "name": name,
            "source": _source(name),
            "hooks": hooks,
            "formats": [f.name for f in owned],
            "format_details": [{"name": f.name, "title": f.title["en"],
                                "phases": [p.key for p in f.phases],
                                "kinds": [k.name for k in f.all_kinds()]} for f in owned],
        }
        if outcome_kinds is not None:
            for detail in row["format_details"]:
                detail["outcome_kinds"] = [k.to_listing() for k in outcome_kinds[detail["name"]]]
        if registry is not None:
            row["events"] = sorted(e for e, o in ((k.split(":", 1)[1], v) for k, v in registry.owners.items()
                                                  if k.startswith("client:")) if o == name)
        rows.append(row)
    return rows
