"""The feedback letter to the inner circle: thanks, the conclusions and what will be done.

Drafted from the report's outcomes in the meeting's language; the moderator edits the text
(kept in :class:`~.tables.ReportDraft`). Participants have no account: the organiser prints
or sends it. The text is plain: paragraphs separated by a blank line, lines starting with
"- " become a list, so the editing screen needs nothing but a text area.
"""

from __future__ import annotations

from collections.abc import Mapping

from .exports import html_to_pdf
from .i18n import gettext
from .model import report_kinds
from .render import human_date, render


def N_(message: str) -> str:  # noqa: N802 - the usual name of the no-op marker for extraction
    """Mark a text for the catalogue; it is translated where it is used."""
    return message


#: (outcome kind, heading) in the order the letter tells them.
PARTS = (
    ("well", N_("What went well:")),
    ("improvement", N_("What could be better:")),
    ("wish", N_("Your wishes:")),
    ("decision", N_("What we decided:")),
    ("priority", N_("Priorities:")),
    ("action", N_("What will be done:")),
)


def _action_line(item: Mapping, language: str) -> str:
    line = item["text"]
    extra = [item["owner"]] if item.get("owner") else []
    if item.get("due"):
        extra.append(gettext(language, "by %(due)s", due=human_date(item["due"], language)))
    return f"{line} ({', '.join(extra)})" if extra else line


def draft_letter(report: Mapping) -> str:
    """The drafted letter text for ``report`` (what the moderator starts editing from)."""
    lang = report["language"]
    _ = lambda message, **values: gettext(lang, message, **values)  # noqa: E731 - the usual gettext alias
    blocks = [
        _("Dear participant,"),
        _("Thank you for sharing your experiences in the mirror meeting “%(title)s”.", title=report["meeting"]["title"])
        + " " + _("Your story let the professionals in the listening circle hear how care is really experienced."),
    ]
    # The core kinds in the letter's own order, then those the format adds under their headings.
    parts = [(kind, _(heading)) for kind, heading in PARTS]
    parts += [(k["kind"], k["heading"][lang] + ":") for k in report_kinds(report) if not k["core"]]
    for kind, heading in parts:
        items = [i for i in report["outcomes"].get(kind, []) if not i.get("removed")]
        if not items:
            continue
        lines = [_action_line(i, lang) if kind == "action" else i["text"] for i in items]
        blocks.append("\n".join([heading, *("- " + " ".join(line.split()) for line in lines)]))
    blocks += [_("We will keep you informed about what is done with what you told us."),
               _("Kind regards,") + "\n" + _("[name and organisation]")]
    return "\n\n".join(blocks) + "\n"


def blocks(text: str) -> list[dict]:
    """Paragraphs and lists of a letter text, for the template."""
    out = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        bullets = [line.lstrip().startswith("- ") for line in lines]
        first = bullets.index(True) if True in bullets else len(lines)
        if first <= 1 and first < len(lines) and all(bullets[first:]):
            out.append({"type": "list", "heading": lines[0] if first else "",
                        "items": [line.lstrip()[2:] for line in lines[first:]]})
        else:
            out.append({"type": "p", "lines": lines})
    return out


def to_html(report: Mapping, text: str) -> str:
    return render("letter.html", report["language"], r=report, blocks=blocks(text))


def to_pdf(report: Mapping, text: str) -> bytes:
    return html_to_pdf(to_html(report, text))
