"""Later phases a format plugin defines (turns, votes, rankings, sharing): the listener page
renders them from `phase.listener_actions`, without a page of its own for the format.

Uses the invented test format `example_round` from tests/plugins (loaded as a one-off plugin
folder), so the common form stays as it is.
"""

from __future__ import annotations

from pathlib import Path

import listener_support as helpers
import pytest
from helpers import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent


def answers_of(server, page, code) -> dict:
    answers = helpers.listener_snapshot(server, helpers.stored_token(page, code))["answers"]
    return {a["poll_id"]: a["choices"] for a in answers} if isinstance(answers, list) else answers


@pytest.fixture(scope="module")
def plugin_server(tmp_path_factory):
    server = LiveServer(
        instance=tmp_path_factory.mktemp("instance"),
        extra_env={"SPIEGEL_PLUGINS_DIR": str(HERE.parent / "plugins")},
    ).start()
    yield server
    server.stop()


def test_round_turns_votes_rankings_and_sharing(browser, plugin_server, no_third_party, artifacts):
    server = plugin_server
    created = server.create_meeting(title="Buitenringronde", format="example_round")
    code = created["meeting"]["code"]
    mod = helpers.Moderator(server, created["moderator_key"])
    ctx, page = helpers.listener_page(browser, no_third_party)
    helpers.join(page, server, code, "Gijs", "gedragswetenschapper")
    mod.goto("listening")
    helpers.write_note(page, "Wat ik wil onthouden: de ouders voelden zich alleen na 17 uur.", ("later",))
    helpers.wait_all_stored(page, 1)

    mod.goto("round")
    expect(page.locator("#phase-title")).to_have_text("Ronde")
    expect(page.locator("#turn")).to_be_visible()
    expect(page.locator("#turn-state")).to_have_text("Je hebt je nog niet gemeld.")
    expect(page.locator("#question-form")).to_be_hidden()  # no questions in this phase
    expect(page.locator("#mode")).to_be_hidden()

    # my turn / done
    page.get_by_role("button", name="Ik wil iets zeggen").click()
    expect(page.locator("#turn-state")).to_have_text("Je staat op de lijst.")
    expect(page.locator("#turn-status")).to_have_text("")
    page.get_by_role("button", name="Ik ben aan het woord").click()
    expect(page.locator("#turn-state")).to_have_text("Je bent aan het woord.")
    page.get_by_role("button", name="Klaar").click()
    expect(page.locator("#turn-state")).to_have_text("Je bent klaar. Dank je wel.")
    assert helpers.listener_snapshot(server, helpers.stored_token(page, code))["turn"]["state"] == "done"

    # a simple vote
    vote_id = "33333333-3333-4333-8333-333333333333"
    mod.call(
        "poll.open",
        {
            "id": vote_id,
            "kind": "vote",
            "title": "Wat pakken we eerst op?",
            "options": [{"id": "overdracht", "text": "Overdracht"}, {"id": "nazorg", "text": "Nazorg"}],
        },
    )
    expect(page.locator("#poll-title")).to_have_text("Wat pakken we eerst op?")
    expect(page.locator("#poll-help")).to_have_text("Kies één antwoord.")
    page.get_by_label("Nazorg").check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator("#poll-status")).to_have_text("Je antwoord is opgeslagen. Je kunt het nog aanpassen.")
    helpers.shot(page, artifacts, "15-round-vote")
    # the server's listener snapshot carries the answer to the open poll: {poll_id: choices}
    assert answers_of(server, page, code) == {vote_id: ["nazorg"]}

    # a ranking: move "Bereikbaarheid" to the top with the arrow buttons
    rank_id = "44444444-4444-4444-8444-444444444444"
    mod.call(
        "poll.open",
        {
            "id": rank_id,
            "kind": "rank",
            "title": "Zet de speerpunten op volgorde",
            "options": [
                {"id": "a", "text": "Eén aanspreekpunt"},
                {"id": "b", "text": "Nazorg thuis"},
                {"id": "c", "text": "Bereikbaarheid"},
            ],
        },
    )
    expect(page.locator("#poll-help")).to_have_text("Zet de punten in jouw volgorde: de belangrijkste bovenaan.")
    page.get_by_role("button", name="Hoger: Bereikbaarheid").click()
    page.get_by_role("button", name="Hoger: Bereikbaarheid").click()
    expect(page.locator("#poll-options li").first).to_contain_text("Bereikbaarheid")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator("#poll-status")).to_have_text("Je antwoord is opgeslagen. Je kunt het nog aanpassen.")
    helpers.shot(page, artifacts, "16-round-rank")
    assert answers_of(server, page, code) == {rank_id: ["c", "a", "b"]}

    # the end: share one note anonymised to the report, take the notes home
    mod.goto("ended")
    expect(page.locator("#idle-title")).to_have_text("De bijeenkomst is afgelopen")
    expect(page.locator("#turn")).to_be_hidden()
    expect(page.locator("#poll")).to_be_hidden()
    expect(page.locator("#compose")).to_be_hidden()
    item = helpers.note_items(page).first
    item.get_by_label("Anoniem delen in het verslag").check()
    expect(item.locator(".item-status")).to_have_text("Opgeslagen")
    notes = helpers.listener_snapshot(server, helpers.stored_token(page, code))["notes"]
    assert [n["shared"] for n in notes] == [True]
    expect(page.locator("#export")).to_be_visible()
    helpers.shot(page, artifacts, "17-round-ended")
    mod.close()
    ctx.close()
