"""Message catalogues for server-rendered text (reports, letters), Dutch and English.

The ``.po`` files under ``locale/`` are the source; they are compiled in memory when first
used (Babel), so the wheel needs only them and a catalogue can never be stale. Texts follow
the meeting's language, not the browser's: a report is a document of the meeting.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("nl", "en")
DOMAIN = "messages"


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English msgids stand when a text is missing)."""
    path = po_path(language)
    if language not in LANGUAGES or not path.exists():
        return NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(language: str, message: str, **values: object) -> str:
    text = translations(language).gettext(message)
    return text % values if values else text
