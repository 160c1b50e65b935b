"""Translations are data: one JSON catalogue per language per page family, and complete.

Every `clients/<family>/i18n/` folder holds `nl.json` and `en.json` with the same keys, no
empty text and the same {placeholders} in both languages; a plural is `{"one": …, "other": …}`
in both. Every error code the server can send has a text on each page that shows refusals,
and every key the page's code or markup names literally exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spiegel.errors import ERROR_CODES

CLIENTS = Path(__file__).resolve().parent.parent / "clients"
LANGS = ("nl", "en")
FAMILIES = sorted(p.parent.parent.name for p in CLIENTS.glob("*/i18n/nl.json"))
# Page families that show the server's refusals, and the shared texts each one loads too.
SHOWS_ERRORS = {"listener": ("shared", "listener"), "moderator": ("shared", "moderator")}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(family: str, lang: str) -> dict:
    return json.loads((CLIENTS / family / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def merged(families: tuple[str, ...], lang: str) -> dict:
    out: dict = {}
    for family in families:
        out.update(catalogue(family, lang))
    return out


def forms(value) -> dict[str, str]:
    """A text as {form: string}: a plain string is one form, a plural has `one` and `other`."""
    if isinstance(value, str):
        return {"": value}
    assert isinstance(value, dict) and set(value) <= {"one", "other"} and "other" in value, value
    return value


def test_there_are_catalogues():
    assert {"shared", "listener", "moderator"} <= set(FAMILIES), FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_each_pair_has_the_same_keys_and_no_empty_text(family):
    nl, en = (catalogue(family, lang) for lang in LANGS)
    assert sorted(nl) == sorted(en), {"only nl": sorted(set(nl) - set(en)), "only en": sorted(set(en) - set(nl))}
    for key in nl:
        fnl, fen = forms(nl[key]), forms(en[key])
        assert set(fnl) == set(fen), f"{family} {key}: plural forms differ"
        for form, text in [*fnl.items(), *fen.items()]:
            assert isinstance(text, str) and text.strip(), f"{family} {key} {form}: empty"
        placeholders = {frozenset(PLACEHOLDER.findall(t)) for t in [*fnl.values(), *fen.values()]}
        assert len(placeholders) == 1, f"{family} {key}: placeholders differ between languages"


@pytest.mark.parametrize("family", sorted(SHOWS_ERRORS))
def test_every_error_code_has_a_text(family):
    for lang in LANGS:
        cat = merged(SHOWS_ERRORS[family], lang)
        missing = [code for code in ERROR_CODES if f"error.{code}" not in cat]
        assert not missing, f"{family} ({lang}) has no text for {missing}"


def used_keys(family: str) -> set[str]:
    """Keys the family's code and markup name literally: t('…'), data-i18n="…", attr:key."""
    keys: set[str] = set()
    for path in (CLIENTS / family).rglob("*.js"):
        keys |= set(re.findall(r"\bt\(\s*'([a-z_]+(?:\.[a-z_0-9]+)+)'", path.read_text(encoding="utf-8")))
    for path in (CLIENTS / family).rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'data-i18n="([^"]+)"', html))
        for attr in re.findall(r'data-i18n-attr="([^"]+)"', html):
            keys |= {pair.split(":")[1].strip() for pair in attr.split(";") if ":" in pair}
    return keys


@pytest.mark.parametrize("family", sorted(SHOWS_ERRORS))
def test_every_key_the_page_names_exists(family):
    used = used_keys(family)
    assert len(used) > 50, "the scan found (almost) nothing: it would prove nothing"
    cat = merged(SHOWS_ERRORS[family], "nl")
    assert not sorted(used - set(cat)), sorted(used - set(cat))
