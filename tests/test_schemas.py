"""Payload validation (server/schemas.py): limits, unknown fields, ids, whitespace, ranges."""

from __future__ import annotations

import inspect
import uuid

import pytest
from pydantic import BaseModel
from spiegel import schemas as s
from spiegel.errors import SpiegelError
from spiegel.plugin_manager import core_registry


def refused(model, data) -> SpiegelError:
    with pytest.raises(SpiegelError) as info:
        s.validate(model, data)
    return info.value


def invalid(model, data) -> list[dict]:
    err = refused(model, data)
    assert err.code == "invalid_payload", err
    assert err.details, "invalid_payload names the fields"
    return err.details


# --- text limits --------------------------------------------------------------------------------

ID = "6f1c1a52-3c49-4f3b-9b0a-0e2f5c7d9a11"
OPTIONS = [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]

#: (model, a valid payload, the text field (dotted path), its limit)
LIMITS = [
    (s.NoteAdd, {"id": ID, "text": "x"}, "text", 4000),
    (s.NoteEdit, {"id": ID, "text": "x"}, "text", 4000),
    (s.QuestionAdd, {"id": ID, "text": "x"}, "text", 1000),
    (s.QuestionEdit, {"id": ID, "text": "x"}, "text", 1000),
    (s.JoinRequest, {}, "name", 60),
    (s.JoinRequest, {}, "discipline", 80),
    (s.OutcomeAdd, {"id": ID, "kind": "decision", "text": "x"}, "text", 2000),
    (s.OutcomeEdit, {"id": ID, "text": "x"}, "text", 2000),
    (s.OutcomeAdd, {"id": ID, "kind": "action", "text": "x"}, "owner", 120),
    (s.OutcomeAdd, {"id": ID, "kind": "action", "text": "x"}, "due", 40),
    (s.MeetingCreate, {"title": "x"}, "title", 200),
    (s.MeetingCreate, {"title": "x"}, "theme", 1000),
    (s.MeetingUpdate, {}, "title", 200),
    (s.MeetingUpdate, {}, "theme", 1000),
    (s.MeetingCreate, {"title": "x", "prepared": [{"text": "x"}]}, "prepared.0.text", 500),
    (s.PreparedSet, {"items": [{"text": "x"}]}, "items.0.text", 500),
    (s.QuestionUpdate, {"id": ID}, "reason", 300),
    (s.AssistantCreate, {"rights": []}, "label", 60),
    (s.PollOpen, {"id": ID, "kind": "vote", "title": "x", "options": OPTIONS}, "title", 300),
    (s.PollOpen, {"id": ID, "kind": "vote", "title": "x", "options": OPTIONS}, "options.1.text", 200),
]


def _with(payload: dict, path: str, value: str) -> dict:
    """A deep copy of ``payload`` with the field at the dotted ``path`` set to ``value``."""
    import copy

    data = copy.deepcopy(payload)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return data


def _get(model: BaseModel, path: str):
    node = model
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else getattr(node, part)
    return node


@pytest.mark.parametrize(("model", "payload", "field", "limit"), LIMITS,
                         ids=[f"{m.__name__}.{f}" for m, _, f, _ in LIMITS])
def test_text_at_the_limit_passes(model, payload, field, limit):
    text = "é" * limit  # characters, not bytes
    parsed = s.validate(model, _with(payload, field, text))
    assert _get(parsed, field) == text


@pytest.mark.parametrize(("model", "payload", "field", "limit"), LIMITS,
                         ids=[f"{m.__name__}.{f}" for m, _, f, _ in LIMITS])
def test_text_one_over_the_limit_is_text_too_long_with_details(model, payload, field, limit):
    err = refused(model, _with(payload, field, "a" * (limit + 1)))
    assert err.code == "text_too_long"
    assert str(limit) in err.message
    assert {"field": field, "problem": "string_too_long", "limit": limit} in err.details
    assert err.to_ack() == {"ok": False, "error": {"code": "text_too_long", "message": err.message,
                                                   "details": err.details}}


def test_the_documented_limits_are_the_module_constants():
    assert (s.NOTE_MAX, s.QUESTION_MAX, s.OUTCOME_MAX, s.NAME_MAX, s.DISCIPLINE_MAX) == (4000, 1000, 2000, 60, 80)


def test_surrounding_whitespace_is_stripped_before_the_limit_is_counted():
    parsed = s.validate(s.NoteAdd, {"id": ID, "text": "\n  " + "x" * 4000 + "  \n"})
    assert parsed.text == "x" * 4000


@pytest.mark.parametrize(("model", "payload", "field"), [
    (s.NoteAdd, {"id": ID}, "text"),
    (s.QuestionAdd, {"id": ID}, "text"),
    (s.OutcomeAdd, {"id": ID, "kind": "improvement"}, "text"),
    (s.MeetingCreate, {}, "title"),
])
def test_whitespace_only_text_is_empty_and_refused(model, payload, field):
    details = invalid(model, {**payload, field: " \t\n "})
    assert details[0]["field"] == field
    assert details[0]["problem"] == "string_too_short"


def test_whitespace_is_stripped_from_every_text():
    parsed = s.validate(s.JoinRequest, {"name": "  Verzonnen Naam ", "discipline": " verpleegkundige\n"})
    assert (parsed.name, parsed.discipline) == ("Verzonnen Naam", "verpleegkundige")
    assert s.validate(s.QuestionAdd, {"id": ID, "text": "  Wat bedoelde u?  "}).text == "Wat bedoelde u?"


def test_an_optional_name_may_be_empty_or_missing():
    assert s.validate(s.JoinRequest, {"name": "   "}).name == ""
    assert s.validate(s.JoinRequest, {}).name is None
    assert s.validate(s.JoinRequest, None).name is None


# --- unknown fields and non-object payloads --------------------------------------------------------


def _all_payload_models() -> list[type[s.Payload]]:
    return [obj for _, obj in inspect.getmembers(s, inspect.isclass)
            if issubclass(obj, s.Payload) and obj is not s.Payload]


@pytest.mark.parametrize("model", _all_payload_models(), ids=lambda m: m.__name__)
def test_every_schema_refuses_unknown_fields(model):
    assert model.model_config.get("extra") == "forbid"
    details = invalid(model, {"surplus_field": 1})
    assert {"field": "surplus_field", "problem": "extra_forbidden"} in details


def test_an_unknown_field_is_named_in_the_message():
    err = refused(s.NoteAdd, {"id": ID, "text": "x", "colour": "red"})
    assert err.code == "invalid_payload"
    assert "colour" in err.message


@pytest.mark.parametrize("data", [[], ["x"], "note", 42, 4.2, True, b"bytes"], ids=repr)
@pytest.mark.parametrize("model", [s.Empty, s.NoteAdd, s.MeetingCreate], ids=lambda m: m.__name__)
def test_non_object_payloads_are_refused(model, data):
    err = refused(model, data)
    assert err.code == "invalid_payload"
    assert "object" in err.message


def test_a_missing_payload_counts_as_empty():
    assert s.validate(s.Empty, None) == s.Empty()
    details = invalid(s.NoteAdd, None)
    assert {d["field"] for d in details} == {"id", "text"}
    assert all(d["problem"] == "missing" for d in details)


def test_every_event_schema_is_a_strict_payload():
    for name, event in core_registry().client.items():
        assert issubclass(event.schema, s.Payload), name
        assert event.schema.model_config.get("extra") == "forbid", name


# --- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "1234", "6f1c1a52-3c49-4f3b-9b0a-0e2f5c7d9a1", "g" * 32,
                                 "6f1c1a52-3c49-4f3b-9b0a-0e2f5c7d9a11-extra"])
@pytest.mark.parametrize("model", [s.NoteAdd, s.QuestionAdd, s.ItemRef, s.NoteShare, s.OutcomeAdd, s.PollOpen],
                         ids=lambda m: m.__name__)
def test_non_uuid_ids_are_refused(model, bad):
    details = invalid(model, {"id": bad})
    id_problems = [d for d in details if d["field"] == "id"]
    assert id_problems and id_problems[0]["problem"] == "value_error"


@pytest.mark.parametrize("bad", [123, None, ["x"], {"id": ID}], ids=repr)
def test_ids_of_the_wrong_type_are_refused(bad):
    details = invalid(s.ItemRef, {"id": bad})
    assert details[0]["field"] == "id"


def test_uuids_are_normalised_to_the_canonical_form():
    lower = str(uuid.uuid4())
    for spelling in (lower.upper(), lower.replace("-", ""), f"  {lower} ", "{" + lower + "}", f"urn:uuid:{lower}"):
        assert s.validate(s.ItemRef, {"id": spelling}).id == lower


# --- numbers, choices and lists -------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [1, -1, 300, -300, 3600, -3600])
def test_timer_adjust_accepts_up_to_an_hour_either_way(seconds):
    assert s.validate(s.TimerAdjust, {"seconds": seconds}).seconds == seconds


@pytest.mark.parametrize("seconds", [0, 3601, -3601, 1.5, "soon", None])
def test_timer_adjust_refuses_zero_and_out_of_range(seconds):
    details = invalid(s.TimerAdjust, {"seconds": seconds})
    assert details[0]["field"] == "seconds"


def test_timer_adjust_needs_seconds():
    assert invalid(s.TimerAdjust, {})[0] == {"field": "seconds", "problem": "missing"}


def test_timer_start_and_reset_ranges():
    assert s.validate(s.TimerStart, {}).seconds is None
    assert s.validate(s.TimerStart, {"seconds": 1}).seconds == 1
    assert s.validate(s.TimerStart, {"seconds": 6 * 3600}).seconds == 6 * 3600
    invalid(s.TimerStart, {"seconds": 0})
    invalid(s.TimerStart, {"seconds": 6 * 3600 + 1})
    invalid(s.TimerStart, {"seconds": -5})
    assert s.validate(s.TimerReset, {"seconds": 0}).seconds == 0
    invalid(s.TimerReset, {"seconds": -1})
    invalid(s.TimerReset, {"seconds": 6 * 3600 + 1})


def test_note_tags_come_from_a_fixed_list():
    assert s.validate(s.NoteAdd, {"id": ID, "text": "x", "tags": ["positive", "improvement", "later"]}).tags == [
        "positive", "improvement", "later"]
    details = invalid(s.NoteAdd, {"id": ID, "text": "x", "tags": ["urgent"]})
    assert details[0]["field"] == "tags.0"
    details = invalid(s.NoteAdd, {"id": ID, "text": "x", "tags": ["positive"] * 4})
    assert details[0] == {"field": "tags", "problem": "too_long", "limit": 3}
    invalid(s.NoteAdd, {"id": ID, "text": "x", "tags": "positive"})


def test_note_share_needs_a_boolean():
    assert s.validate(s.NoteShare, {"id": ID, "shared": True}).shared is True
    invalid(s.NoteShare, {"id": ID})
    invalid(s.NoteShare, {"id": ID, "shared": "maybe"})


def test_question_update_only_allows_staff_statuses_and_known_triage():
    for status in ("parked", "selected", "asked", "dismissed"):
        assert s.validate(s.QuestionUpdate, {"id": ID, "status": status}).status == status
    for status in ("withdrawn", "merged", "answered"):
        assert invalid(s.QuestionUpdate, {"id": ID, "status": status})[0]["field"] == "status"
    for triage in ("clarifying", "later", "discussion"):
        assert s.validate(s.QuestionUpdate, {"id": ID, "triage": triage}).triage == triage
    invalid(s.QuestionUpdate, {"id": ID, "triage": "debate"})


def test_question_update_only_holds_the_fields_that_were_sent():
    parsed = s.validate(s.QuestionUpdate, {"id": ID, "reason": ""})
    assert parsed.model_dump(exclude_unset=True) == {"id": ID, "reason": ""}


def test_reorder_and_merge_need_ids():
    invalid(s.QuestionReorder, {"ids": []})
    invalid(s.QuestionReorder, {})
    invalid(s.QuestionReorder, {"ids": "a,b"})
    invalid(s.QuestionMerge, {"into": ID, "ids": []})
    invalid(s.QuestionMerge, {"ids": [ID]})
    assert s.validate(s.QuestionMerge, {"into": ID, "ids": [ID]}).into == ID


def test_turn_states():
    for state in ("none", "waiting", "speaking", "done"):
        assert s.validate(s.TurnSet, {"state": state}).state == state
    invalid(s.TurnSet, {"state": "shouting"})


def test_outcome_kinds():
    for kind in ("well", "improvement", "wish", "decision", "priority", "action"):
        assert s.validate(s.OutcomeAdd, {"id": ID, "kind": kind, "text": "x"}).kind == kind
    # A well-formed name passes the schema: whether the meeting's format has the kind is the
    # handler's check (unknown_outcome_kind, tests/test_outcome_kinds.py).
    assert s.validate(s.OutcomeAdd, {"id": ID, "kind": "complaint", "text": "x"}).kind == "complaint"
    for kind in ("Complaint", "two words", "", "a" * 17, 3, None):
        invalid(s.OutcomeAdd, {"id": ID, "kind": kind, "text": "x"})
    invalid(s.OutcomeAdd, {"id": ID, "text": "x"})


def test_poll_open_needs_two_to_twenty_options():
    def options(n):
        return [{"id": f"o{i}", "text": f"Optie {i}"} for i in range(n)]

    base = {"id": ID, "kind": "rank", "title": "Welke speerpunten?"}
    assert len(s.validate(s.PollOpen, {**base, "options": options(2)}).options) == 2
    assert len(s.validate(s.PollOpen, {**base, "options": options(20)}).options) == 20
    invalid(s.PollOpen, {**base, "options": options(1)})
    invalid(s.PollOpen, {**base, "options": options(21)})
    invalid(s.PollOpen, {**base, "kind": "quiz", "options": options(2)})


def test_poll_answer_needs_at_least_one_choice():
    assert s.validate(s.PollAnswer, {"poll_id": ID, "choices": ["a"]}).choices == ["a"]
    invalid(s.PollAnswer, {"poll_id": ID, "choices": []})
    invalid(s.PollAnswer, {"choices": ["a"]})


def test_assistant_rights_are_a_list_of_names():
    """Which names are rights is the server's to say (plugins add rights): see
    test_protocol.py::test_assistant_links_hold_only_assistant_rights."""
    assert s.validate(s.AssistantCreate, {"rights": ["run", "questions", "outcomes"]}).rights == [
        "run", "questions", "outcomes"]
    assert s.validate(s.AssistantCreate, {"rights": []}).rights == []
    assert invalid(s.AssistantCreate, {"rights": [""]})[0]["field"] == "rights.0"
    invalid(s.AssistantCreate, {"rights": "run"})
    invalid(s.AssistantCreate, {})


def test_phase_goto_reads_from_as_a_field_name():
    parsed = s.validate(s.PhaseGoto, {"key": "questions", "from": "listening"})
    assert (parsed.key, parsed.from_) == ("questions", "listening")
    assert s.validate(s.PhaseGoto, {"key": "questions"}).from_ is None
    invalid(s.PhaseGoto, {})
    invalid(s.PhaseGoto, {"key": ""})
    assert refused(s.PhaseGoto, {"key": "k" * 65}).code == "text_too_long"  # keys are at most 64


def test_prompt_set_id_may_be_null_to_clear():
    parsed = s.validate(s.PromptSet, {"id": None})
    assert (parsed.id, parsed.shown) == (None, True)
    assert s.validate(s.PromptSet, {"id": "p1", "shown": False}).shown is False


def test_plugin_action_needs_a_name_and_an_object():
    parsed = s.validate(s.PluginAction, {"name": "example.pledge"})
    assert parsed.data == {}
    invalid(s.PluginAction, {"data": {}})
    invalid(s.PluginAction, {"name": "x", "data": ["not", "an", "object"]})


def test_meeting_create_defaults_and_choices():
    parsed = s.validate(s.MeetingCreate, {"title": "Verzonnen bijeenkomst"})
    assert (parsed.format, parsed.language, parsed.open, parsed.prepared, parsed.durations) == (
        "common", "nl", False, [], {})
    assert s.validate(s.MeetingCreate, {"title": "x", "language": "en"}).language == "en"
    invalid(s.MeetingCreate, {"title": "x", "language": "de"})
    when = s.validate(s.MeetingCreate, {"title": "x", "scheduled_for": "2030-05-01T14:00:00+02:00"}).scheduled_for
    assert (when.year, when.hour) == (2030, 14)
    invalid(s.MeetingCreate, {"title": "x", "scheduled_for": "next tuesday"})


def test_meeting_create_numbers_and_durations_are_bounded():
    assert s.validate(s.MeetingCreate, {"title": "x", "expected_listeners": 500}).expected_listeners == 500
    invalid(s.MeetingCreate, {"title": "x", "expected_listeners": 501})
    invalid(s.MeetingCreate, {"title": "x", "expected_listeners": -1})
    assert s.validate(s.MeetingCreate, {"title": "x", "durations": {"listening": 21600}}).durations == {
        "listening": 21600}
    assert invalid(s.MeetingCreate, {"title": "x", "durations": {"listening": 21601}})[0]["field"] == "durations"
    invalid(s.MeetingCreate, {"title": "x", "durations": {"listening": -1}})
    invalid(s.MeetingUpdate, {"durations": {"listening": 99999}})
    invalid(s.MeetingCreate, {"title": "x", "prepared": [{"text": "x"}] * 51})
    invalid(s.MeetingUpdate, {"queue_visibility": "public"})


def test_the_first_over_long_field_is_reported_and_all_problems_are_listed():
    err = refused(s.NoteAdd, {"id": "nope", "text": "x" * 4001, "bogus": 1})
    assert err.code == "text_too_long"
    assert {d["field"] for d in err.details} == {"id", "text", "bogus"}


def test_errors_never_echo_the_input():
    secret = "Verzonnen gevoelige tekst " * 200
    err = refused(s.NoteAdd, {"id": ID, "text": secret})
    assert "Verzonnen" not in repr(err.to_ack())
    err = refused(s.TurnSet, {"state": "Verzonnen-geheim"})
    assert "Verzonnen" not in repr(err.to_ack())
