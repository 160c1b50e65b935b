"""Loads plugins: built-ins from ``spiegel.plugins``, installed ones from the ``spiegel``
entry-point group, one-off ``.py`` files from ``SPIEGEL_PLUGINS_DIR``.

One manager per app (kept in ``app.extensions``), never a module global, so tests can run
apps with different plugins side by side.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from . import hookspecs
from .actions import Action
from .formats import CORE_LISTENER_ACTIONS, FormatError, MeetingFormat, check_format

ENTRY_POINT_GROUP = "spiegel"
BUILTIN_PLUGINS = ("spiegel.plugins.common",)


class PluginError(Exception):
    """A plugin that cannot be loaded; raised at start with the plugin named."""


def make_manager(plugins_dir: str | None = None, only: Iterable[str] | None = None) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("spiegel")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
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
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # noqa: BLE001 - report which plugin broke, then stop
            raise PluginError(f"installed plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
    if plugins_dir:
        if not Path(plugins_dir).is_dir():
            raise PluginError(f"SPIEGEL_PLUGINS_DIR {plugins_dir} is not a folder")
        for path in sorted(Path(plugins_dir).glob("*.py")):
            pm.register(_load_file(path), name=f"file:{path.name}")
    return pm


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


def _plugin_name(pm: pluggy.PluginManager, module: object) -> str:
    return pm.get_name(module) or repr(module)


def collect_actions(pm: pluggy.PluginManager) -> dict[str, Action]:
    actions: dict[str, tuple[Action, str]] = {}
    for impl in pm.hook.register_actions.get_hookimpls():
        for action in impl.function() or ():
            owner = _plugin_name(pm, impl.plugin)
            if action.name in actions:
                raise PluginError(
                    f"action {action.name!r} is registered twice: by {actions[action.name][1]} and by {owner}"
                )
            actions[action.name] = (action, owner)
    return {name: action for name, (action, _) in actions.items()}


def collect_formats(pm: pluggy.PluginManager, actions: dict[str, Action]) -> dict[str, type[MeetingFormat]]:
    listener_actions = CORE_LISTENER_ACTIONS | {a.listener_action for a in actions.values() if a.listener_action}
    formats: dict[str, tuple[type[MeetingFormat], str]] = {}
    for impl in pm.hook.register_formats.get_hookimpls():
        owner = _plugin_name(pm, impl.plugin)
        for fmt in impl.function() or ():
            try:
                check_format(fmt, frozenset(listener_actions))
            except FormatError as exc:
                raise PluginError(f"plugin {owner}: {exc}") from exc
            if fmt.name in formats:
                raise PluginError(
                    f"meeting format {fmt.name!r} is registered twice: by {formats[fmt.name][1]} and by {owner}"
                )
            formats[fmt.name] = (fmt, owner)
    return {name: fmt for name, (fmt, _) in formats.items()}


def _source(name: str) -> str:
    if name in BUILTIN_PLUGINS:
        return "built-in"
    return "file" if name.startswith("file:") else "entry point"


def describe(pm: pluggy.PluginManager, formats: dict[str, type[MeetingFormat]]) -> list[dict]:
    """What `spiegel plugins` prints: each plugin, where it came from and what it adds."""
    rows = []
    for name, module in pm.list_name_plugin():
        if module is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(module) or ())
        owned = [f for f in formats.values() if sys.modules.get(f.__module__) is module]
        rows.append({
            "name": name,
            "source": _source(name),
            "hooks": hooks,
            "formats": [f.name for f in owned],
        })
    return rows
