"""Jinja environments for the printable report, the letter and the Markdown export.

One environment per output kind (HTML autoescapes, Markdown does not) and per language,
with the i18n extension bound to that language's catalogue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .i18n import translations

TEMPLATES = Path(__file__).resolve().parent / "templates"


def human_date(value: str | None, language: str = "nl") -> str:
    """An ISO date or timestamp as people write it (1 december 2026 / 1 December 2026)."""
    if not value:
        return ""
    from datetime import datetime

    from babel.dates import format_date

    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_date(parsed.date(), "long", locale=language)


def md_escape(text: object) -> str:
    """Markdown: keep people's text literal (no accidental headings, lists, links or HTML)."""
    out = str(text if text is not None else "")
    for ch in "\\`*_{}[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split()) if "\n" in out else out


@cache
def environment(language: str, markdown: bool = False) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False if markdown else select_autoescape(("html",), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda v: human_date(v, language)
    env.filters["md"] = md_escape
    env.globals["language"] = language
    return env


def render(template: str, language: str, **context: object) -> str:
    return environment(language, template.endswith(".md")).get_template(template).render(**context)
