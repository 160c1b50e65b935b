"""A format's options as forms see them (``/api/formats``): each field's type, limits, help
and whether it still counts after creation, so the admin page draws any plugin's options; and
the admin page's modules of a format, listed with it."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import Field
from spiegel.api import MeetingFormat, Payload, Phase
from spiegel.format_options import options_wire
from spiegel.formats import FormatError, check_format

T = {"nl": "Iets", "en": "Something"}


class Inner(Payload):
    name: str = Field(max_length=40, json_schema_extra={"title": {"nl": "Naam", "en": "Name"}})
    size: int = Field(default=2, ge=1, le=9, json_schema_extra={"title": {"nl": "Grootte", "en": "Size"}})


class Shapes(Payload):
    count: int = Field(default=3, ge=0, le=12, json_schema_extra={"title": T, "help": {"nl": "Uitleg", "en": "Help"}})
    on: bool = Field(default=False, json_schema_extra={"title": T})
    mode: Literal["dots", "rank"] = Field(default="dots", json_schema_extra={
        "title": T, "choices": {"dots": {"nl": "Stippen", "en": "Dots"}}})
    group: Inner | None = Field(default=None, json_schema_extra={"title": T, "create_only": True})
    note: str | None = Field(default=None, max_length=30, json_schema_extra={"title": T})


def test_each_field_says_how_a_form_draws_and_checks_it():
    count, on, mode, group, note = options_wire(Shapes, "en")
    assert count == {"name": "count", "type": "integer", "title": "Something", "help": "Help", "default": 3,
                          "min": 0, "max": 12, "nullable": False, "required": False, "editable": True}
    assert on["type"] == "boolean" and on["default"] is False
    assert mode["type"] == "choice" and mode["choices"] == [{"value": "dots", "title": "Dots"},
                                                            {"value": "rank", "title": "rank"}]
    assert group["type"] == "object" and group["nullable"] and group["editable"] is False
    assert [(f["name"], f["type"], f["title"], f["required"]) for f in group["fields"]] == [
        ("name", "text", "Name", True), ("size", "integer", "Size", False)]
    assert group["fields"][0]["max_length"] == 40 and group["fields"][1]["max"] == 9
    assert note["type"] == "text" and note["nullable"] and note["max_length"] == 30
    assert options_wire(Shapes, "nl")[2]["choices"][0]["title"] == "Stippen"


def plan_format(options, modules=None):
    return type("Planned", (MeetingFormat,), {
        "name": "planned", "title": T, "description": T, "options": options, "modules": modules or {},
        "phases": (Phase(key="lobby", state="open", title=T, rule=T),
                   Phase(key="ended", state="ended", title=T, rule=T)),
    })


def test_help_needs_both_languages_and_the_admin_page_may_load_modules():
    class HalfHelp(Payload):
        x: int = Field(default=0, json_schema_extra={"title": T, "help": {"nl": "Alleen Nederlands"}})

    with pytest.raises(FormatError, match="help.*missing translation"):
        check_format(plan_format(HalfHelp), frozenset())
    fmt = plan_format(Shapes, {"admin": ["/plugins/planned/admin.js"]})
    check_format(fmt, frozenset())
    assert fmt.to_wire("nl")["admin_modules"] == ["/plugins/planned/admin.js"]


def test_the_builtin_formats_list_their_admin_modules(app):
    formats = {f["name"]: f for f in app.test_client().get("/api/formats").get_json()["formats"]}
    assert formats["koos"]["admin_modules"] == ["/plugins/koos/admin.js"]
    assert formats["nik"]["admin_modules"] == ["/plugins/nik/admin.js"]
    assert [o["name"] for o in formats["koos"]["options"] if not o["editable"]] == ["question_set"]
    assert [o["name"] for o in formats["nik"]["options"] if not o["editable"]] == ["series"]
    for name in ("koos", "nik"):
        assert b"provideOptions" in app.test_client().get(f"/plugins/{name}/admin.js").data


def test_a_series_is_corrected_and_keeps_its_rounds(app):
    from helpers import ADMIN_PASSWORD

    admin = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
    http = app.test_client()
    made = http.post("/api/admin/series", headers=admin, json={"organisation": "Verzonnen NIK", "region": "Utrect"})
    sid = made.get_json()["series"]["id"]
    r = http.post("/api/admin/meetings", headers=admin, json={"title": "t", "format": "nik", "options": {
        "series": {"organisation": "Verzonnen NIK", "region": "Utrect", "round": 1, "year": 2024}}})
    assert r.status_code == 201
    fixed = http.patch(f"/api/admin/series/{sid}", headers=admin, json={"organisation": "Verzonnen NIK",
                                                                      "region": "Utrecht"})
    assert fixed.get_json()["series"]["region"] == "Utrecht"
    [row] = [s for s in http.get("/api/admin/series", headers=admin).get_json()["series"] if s["id"] == sid]
    assert row["rounds"] == 1
    assert http.patch(f"/api/admin/series/{sid}", headers=admin, json={"organisation": ""}).status_code == 400
    assert http.patch("/api/admin/series/nope", headers=admin, json={"organisation": "x"}).status_code == 404
    assert http.patch(f"/api/admin/series/{sid}", json={"organisation": "x"}).status_code == 401


def test_an_option_configure_read_once_cannot_change_later_and_the_others_can(app):
    """The meeting dialog leaves ``create_only`` options out; the API refuses them too, by name:
    ``configure`` acted on them once (the series the meeting was put in), and a changed value
    would be stored with nothing acting on it."""
    from helpers import ADMIN_PASSWORD

    admin = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
    http = app.test_client()
    series = {"organisation": "Verzonnen NIK", "region": "Zeeland", "round": 1, "year": 2024}
    made = http.post("/api/admin/meetings", headers=admin, json={"title": "t", "format": "nik", "options": {
        "series": series, "focus": "nazorg"}}).get_json()["meeting"]
    url = f"/api/admin/meetings/{made['id']}"
    moved = http.patch(url, headers=admin, json={"options": {"series": {**series, "round": 2}}})
    assert moved.status_code == 400
    assert moved.get_json()["error"]["details"] == [{"field": "options.series", "problem": "create_only"}]
    same = http.patch(url, headers=admin, json={"options": {"series": series, "focus": "overdracht"}})
    assert same.status_code == 200, same.get_json()
    [meeting] = [m for m in http.get("/api/admin/meetings", headers=admin).get_json()["meetings"]
                 if m["id"] == made["id"]]
    assert meeting["options"]["focus"] == "overdracht" and meeting["options"]["series"]["round"] == 1
