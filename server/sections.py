"""Report sections from formats and plugins, in the plain shape the report renders.

The meeting's format (``MeetingFormat.report_sections``) and every plugin (the
``report_sections`` hook) may add sections. Each is checked here, so a plugin's mistake is a
clear error instead of a broken report: ``{"key", "title": {"nl", "en"}, "items": [{"text", ...}]}``.
"""

from __future__ import annotations

from .context import Ctx
from .formats import LANGUAGES
from .plugin_manager import each


class SectionError(ValueError):
    """A report section that does not have the documented shape."""


def check_section(owner: str, section: object) -> dict:
    if not isinstance(section, dict) or not isinstance(section.get("key"), str) or not section["key"]:
        raise SectionError(f"{owner}: a report section needs a key")
    title = section.get("title")
    if not isinstance(title, dict) or any(not isinstance(title.get(lang), str) or not title.get(lang)
                                          for lang in LANGUAGES):
        raise SectionError(f"{owner}: report section {section['key']!r} needs a Dutch and English title")
    items = section.get("items")
    if not isinstance(items, list) or any(not isinstance(i, dict) or not isinstance(i.get("text"), str)
                                          for i in items):
        raise SectionError(f"{owner}: report section {section['key']!r} needs items with a text each")
    return {**section, "source": owner}


def collect_sections(ctx: Ctx) -> list[dict]:
    """The format's sections first, then each plugin's, keys unique within the report."""
    found = [("format:" + ctx.fmt.name, ctx.fmt.report_sections(ctx) or [])]
    found += each(ctx.spiegel.pm, "report_sections", ctx=ctx)
    sections: list[dict] = []
    keys: set[str] = set()
    for owner, declared in found:
        for raw in declared:
            checked = check_section(owner, raw)
            if checked["key"] in keys:
                raise SectionError(f"{owner}: report section key {checked['key']!r} is used twice")
            keys.add(checked["key"])
            sections.append(checked)
    return sections
