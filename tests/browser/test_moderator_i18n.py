"""The moderator, admin, display and print pages are complete in Dutch and English (issue 5).

Reads the JSON catalogues the pages load (clients/moderator/i18n/, with the shared texts of
clients/shared/i18n/) and checks every key the pages use.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "moderator"

# Keys built at run time from a prefix and a value the server or the page supplies.
DYNAMIC = {
    "kind.": ["improvement", "decision", "priority", "action"],
    "state.": ["draft", "open", "running", "ended", "archived"],
    "triage.": ["clarifying", "later", "discussion"],
    "turns.": ["speaking", "waiting", "done"],
    "queue.vis.": ["count", "hidden", "live"],
    "right.": ["run", "questions", "outcomes", "run.text", "questions.text", "outcomes.text"],
    "phase.status.": ["done", "current", "todo"],
    "lang.": ["nl", "en"],
    "outcome.placeholder.": ["improvement", "decision", "priority", "action"],
    "error.": [
        "not_authenticated", "token_unknown", "unknown_code", "meeting_closed", "meeting_not_open",
        "unknown_event", "invalid_payload", "text_too_long", "forbidden_role", "missing_right",
        "not_allowed_in_phase", "not_found", "id_conflict", "question_locked", "invalid_transition",
        "unknown_phase", "stale_state", "rate_limited", "internal_error", "offline", "timeout", "generic",
    ],
}


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in CLIENT.glob("*.js"):
        if path.name == "i18n.js":
            continue
        keys |= set(re.findall(r"\bt\('([a-zA-Z0-9_.]+)'", path.read_text()))
    for path in CLIENT.glob("*.html"):
        text = path.read_text()
        keys |= set(re.findall(r'data-i18n="([^"]+)"', text))
        for attr in re.findall(r'data-i18n-attr="([^"]+)"', text):
            keys |= {pair.split(":")[1].strip() for pair in attr.split(";") if ":" in pair}
    keys |= {"phase.ended.hint", "phase.archived.hint"}  # t(`phase.${state}.hint`)
    for prefix, values in DYNAMIC.items():
        keys |= {prefix + v for v in values}
    return keys


def catalogue(lang: str) -> dict:
    merged: dict = {}
    for family in ("shared", "moderator"):
        merged.update(json.loads((CLIENT.parent / family / "i18n" / f"{lang}.json").read_text(encoding="utf-8")))
    return merged


def test_catalogs_are_complete_in_dutch_and_english():
    catalogs = {lang: catalogue(lang) for lang in ("nl", "en")}
    nl, en = catalogs["nl"], catalogs["en"]
    assert set(nl) == set(en), {"only nl": sorted(set(nl) - set(en)), "only en": sorted(set(en) - set(nl))}
    missing = sorted(used_keys() - set(nl))
    assert not missing, f"keys used by the pages but missing from the catalogs: {missing}"
    empty = [k for k in nl if not nl[k].strip() or not en[k].strip()]
    assert not empty, empty
    # placeholders match between the languages
    for key in nl:
        assert set(re.findall(r"\{(\w+)\}", nl[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
