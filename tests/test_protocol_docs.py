"""docs/protocol.md must stay true: these tests read the same tables the server uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spiegel.errors import ERROR_CODES
from spiegel.plugin_manager import core_registry

REGISTRY = core_registry()
EVENTS = REGISTRY.client
SERVER_EVENTS = REGISTRY.server

DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


def section(title: str) -> str:
    start = DOC.index(f"## {title}")
    end = DOC.find("\n## ", start + 1)
    return DOC[start: end if end != -1 else None]


def table_names(text: str) -> set[str]:
    """The first-column `names` of a markdown table."""
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.M))


def row(text: str, name: str) -> str:
    match = re.search(rf"^\| `{re.escape(name)}` \|.*$", text, flags=re.M)
    assert match, f"no row for {name!r}"
    return match.group(0)


def test_every_client_event_is_documented_and_nothing_else():
    documented = table_names(section("Client → server events")) - {"action"}
    assert documented == set(EVENTS)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_schema_field_is_in_its_event_row(event):
    line = row(section("Client → server events"), event)
    schema = EVENTS[event].schema
    if schema.__name__ != "Empty":
        assert schema.__name__ in line, f"{event}: schema {schema.__name__} not named"
    for name, field in schema.model_fields.items():
        assert (field.alias or name) in line, f"{event}: field {name!r} of {schema.__name__} undocumented"


def test_every_server_event_is_documented_and_nothing_else():
    documented = set()
    for line in section("Server → client events").splitlines():
        if line.startswith("| `"):
            documented |= set(re.findall(r"`([^`]+)`", line.split("|")[1]))
    assert documented == set(SERVER_EVENTS)


def test_every_error_code_is_documented_and_nothing_else():
    assert table_names(section("Error codes")) == set(ERROR_CODES)


def test_every_http_route_is_documented(app):
    http = section("HTTP")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "spiegel.static_file" or rule.rule in ("/healthz",):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"<\1>", rule.rule)
        assert path in http or path.replace("<kind>", "svg") in http, f"{rule.rule} is not in docs/protocol.md"
