"""Automated WCAG 2.2 AA checks with axe-core on every screen, in real headless Chromium.

axe-core comes from the npm registry into the virtual environment (`make test` installs it:
`$(VENV)/axe/node_modules/axe-core/axe.min.js`); it is injected into each page after it has
rendered. The pages allow no inline or injected scripts (strict CSP), so these browser contexts
bypass the CSP; nothing else about the pages changes.

Each test walks its client through the screens and collects what axe finds on each; the test
fails at the end with every violation of every screen (rule id, impact, help, target nodes).
axe finds only part of what WCAG asks (and leaves some results for a person to review: they are
in tests/artifacts/axe-*.json); the keyboard, reflow, zoom and language checks in the other
browser tests cover more of it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from chromium import expect_image_loaded
from listener_support import (
    choose,
    code_of,
    join,
    listener_page,
    listener_snapshot,
    new_meeting,
    note_items,
    park_question,
    stored_token,
    wait_all_stored,
    write_note,
)
from moderator_support import Listener, admin_page, moderator_page, next_phase, open_display, sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Where `make test` installs axe-core: next to the Python packages, in the virtual environment.
AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  const brief = (list) => list.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160),
                                 why: (n.failureSummary || '').replace(/\\s+/g, ' ') })),
  }));
  return { version: axe.version, passes: result.passes.map((r) => r.id),
           violations: brief(result.violations), incomplete: brief(result.incomplete) };
}"""

PREPARED = [
    {"id": "p1", "text": "Hoe was het eerste contact met het team op de afdeling?", "phase": "listening"},
    {"id": "p2", "text": "Wat hielp u in de eerste week thuis?", "phase": "listening"},
    {"id": "p3", "text": "Wat neemt u mee uit dit gesprek?", "phase": "closing"},
]


class Audit:
    """Runs axe on a page and keeps what it finds per screen; assert_clean() reports all at once."""

    def __init__(self):
        self.found: dict[str, list[dict]] = {}
        self.screens: list[str] = []
        self.results: dict[str, dict] = {}

    def __call__(self, page, screen: str) -> None:
        assert screen not in self.screens, f"two screens called {screen!r}"
        self.screens.append(screen)
        if not page.evaluate("typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE))
        # Audit settled screens: with motion reduced, a fade (the room display's full-screen
        # button hiding itself when the mouse rests) is never caught half-way, where its
        # contrast would be judged on a state no one ever looks at.
        page.emulate_media(reduced_motion="reduce")
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        # a run that checked (almost) nothing would pass vacuously
        assert len(result["passes"]) >= 8, f"{screen}: axe checked little: {result['passes']}"
        self.results[screen] = result
        if result["violations"]:
            self.found[screen] = result["violations"]

    def report(self) -> str:
        lines = []
        for screen, violations in self.found.items():
            lines.append(f"== {screen}")
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
                for n in v["nodes"][:6]:
                    lines.append(f"    - {n['target']}  {n['html']}")
                    lines.append(f"      {n['why'][:300]}")
                if len(v["nodes"]) > 6:
                    lines.append(f"    … and {len(v['nodes']) - 6} more")
        return "\n".join(lines)

    def assert_clean(self) -> None:
        if self.found:
            pytest.fail(f"axe found WCAG violations on {len(self.found)} screen(s):\n{self.report()}", pytrace=False)


@pytest.fixture
def audit(request, artifacts) -> Iterator[Audit]:
    """An Audit; afterwards everything axe said per screen (also what it could not decide and
    left for a person to review) lands in tests/artifacts/axe-<test>.json."""
    assert AXE.exists(), f"axe-core is not installed at {AXE}: run `make test`, which installs it"
    audit = Audit()
    yield audit
    path = artifacts / f"axe-{request.node.name}.json"
    path.write_text(json.dumps(audit.results, indent=1, ensure_ascii=False), encoding="utf-8")


def in_both_themes(page, audit: Audit, screen: str) -> None:
    """Check a listener screen in the dark theme (the default) and in the light one, then go back."""
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "dark")
    audit(page, f"{screen} (dark)")
    page.locator("#theme-btn").click()
    expect(html).to_have_attribute("data-theme", "light")
    audit(page, f"{screen} (light)")
    page.locator("#theme-btn").click()
    expect(html).to_have_attribute("data-theme", "dark")


def close_dialog(page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("#dlg")).to_be_hidden()


# ----------------------------------------------------------------------------- tests


def test_listener_screens(browser, shared_live_server, no_third_party, audit):
    """Start page, join, lobby, listening (note, question, edit, 200 % text, English), clarifying
    questions, closing (share toggles) and ended (export), in the dark and the light theme."""
    server = shared_live_server
    created, mod = new_meeting(server, title="Spiegelgesprek nazorg", theme="Hoe ervaren ouders de nazorg?")
    code = code_of(created)
    ctx, page = listener_page(browser, no_third_party, bypass_csp=True)

    page.goto(server.url + "/")
    expect(page.locator("#start-title")).to_be_visible()
    in_both_themes(page, audit, "start")
    page.locator("#code").fill("QQQQQQQ")  # an unknown code: the error under the field
    page.locator("#start-go").click()
    expect(page.locator("#start-error")).to_contain_text("Deze code kennen we niet")
    audit(page, "start, unknown code")

    page.goto(f"{server.url}/join/QQQQQQQ")
    expect(page.locator("#message-title")).to_have_text("Deze code kennen we niet")
    audit(page, "join, unknown code")

    page.goto(f"{server.url}/join/{code}")
    expect(page.locator("#join-title")).to_be_visible()
    in_both_themes(page, audit, "join")

    join(page, server, code, "Anna", "verpleegkundige")
    expect(page.locator("#idle")).to_be_visible()
    audit(page, "lobby")

    # listening, with a prompt shown, the timer running, a note and a parked question
    listening = mod.phase_key("note", "question")
    mod.goto(listening)
    prompt_id = "22222222-2222-4222-8222-222222222222"
    mod.call("prepared.set", {"items": [{"id": prompt_id, "text": "Wat had u nodig in de eerste week?"}]})
    mod.call("prompt.set", {"id": prompt_id, "shown": True})
    mod.call("timer.start", {"seconds": 45 * 60})
    expect(page.locator("#prompt-text")).to_have_text("Wat had u nodig in de eerste week?")
    write_note(page, "Ouders willen één vast aanspreekpunt.", ("improvement",))
    write_note(page, "De verpleegkundige belde zelf terug: dat gaf rust.", ("positive",))
    park_question(page, "Bedoelt u de eerste week thuis of in het ziekenhuis?")
    choose(page, "#mode-question")  # parking goes back to the note; look at the question form
    expect(page.locator("#question-form")).to_be_visible()
    audit(page, "listening, question mode")
    choose(page, "#mode-note")
    wait_all_stored(page, 2)
    page.locator("#note-text").fill("Half af")
    in_both_themes(page, audit, "listening")

    # an own note being edited, and one asking to confirm its deletion
    first_id = note_items(page).filter(has_text="vast aanspreekpunt").get_attribute("data-id")
    first = page.locator(f'#note-list > li[data-id="{first_id}"]')
    first.get_by_role("button", name="Wijzigen").click()
    expect(first.locator("textarea")).to_be_visible()
    second = note_items(page).filter(has_text="belde zelf terug")
    second.get_by_role("button", name="Verwijderen").click()
    expect(second.get_by_role("button", name="Ja, verwijderen")).to_be_visible()
    audit(page, "listening, editing and confirming")
    page.reload()  # the edit in progress comes back; the confirmation does not
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")

    # 200 % text (the root font size doubles, as browser text scaling does)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "40px"
    audit(page, "listening, 200 % text")
    page.evaluate("document.documentElement.style.fontSize = ''")

    # English
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    audit(page, "listening, English")
    page.get_by_role("button", name="Wissel naar Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # clarifying questions, with the parked question selected
    clarifying = mod.phase_key("question", after=listening)
    mod.goto(clarifying)
    qid = listener_snapshot(server, stored_token(page, code))["questions"][0]["id"]
    mod.call("question.update", {"id": qid, "status": "selected"})
    expect(page.locator("#question-list")).to_contain_text("als 1e aan de beurt")
    in_both_themes(page, audit, "clarifying questions")

    # closing: share toggles on the notes
    closing = mod.phase_key("share")
    mod.goto(closing)
    shared = note_items(page).first
    shared.locator("input[type=checkbox]").check()
    expect(shared.locator(".item-status")).to_have_text("Opgeslagen")
    in_both_themes(page, audit, "closing")

    # ended: take the notes along
    mod.goto(mod.phases[-1]["key"])
    expect(page.locator("#export")).to_be_visible()
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#export-copy").click()
    expect(page.locator("#export-status")).to_have_text("Gekopieerd.")
    in_both_themes(page, audit, "ended")

    mod.close()
    ctx.close()
    audit.assert_clean()


def test_moderator_screen_and_room_display(browser, shared_live_server, no_third_party, audit):
    """The run screen in the lobby (with its dialogs, menu and in English), listening, clarifying
    questions (with questions in the queue), closing and ended; the room display in the lobby (QR
    code), listening, clarifying questions and ended."""
    server = shared_live_server
    created = server.create_meeting(title="Nazorg na de kinder-IC", theme="Hoe ervaren ouders de nazorg thuis?",
                                    prepared=PREPARED, expected_listeners=6)
    code = created["meeting"]["code"]
    listeners = [Listener(server, code, name="Deelnemer 1", discipline="arts"), Listener(server, code)]
    mctx, page = moderator_page(browser, created["moderator_url"], no_third_party, bypass_csp=True)
    expect(page.locator("#presence-connected")).to_have_text("2 verbonden")
    audit(page, "moderator lobby")

    page.locator("#btn-invite").click()
    expect(page.locator("#invite-code")).to_have_text(code)
    audit(page, "moderator invite dialog")
    close_dialog(page)
    page.locator("#presence").click()
    expect(page.locator("#dlg")).to_be_visible()
    audit(page, "moderator presence dialog")
    close_dialog(page)
    page.locator("#btn-help").click()
    expect(page.locator("#dlg")).to_be_visible()
    audit(page, "moderator shortcuts dialog")
    close_dialog(page)
    page.locator("#btn-menu").click()
    expect(page.locator("#menu-list")).to_be_visible()
    audit(page, "moderator menu")
    page.locator("#mi-details").click()
    expect(page.locator("#dlg")).to_be_visible()
    audit(page, "moderator details dialog")
    close_dialog(page)
    page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    audit(page, "moderator lobby, English")
    page.locator("#lang").select_option("nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    dctx, display, _ = open_display(browser, page, no_third_party, bypass_csp=True)
    expect(display.locator("#lobby-code")).to_have_text(code)
    expect_image_loaded(display.locator("#lobby-qr"))
    audit(display, "room display lobby")

    next_phase(page, "Luisteren")
    expect(page.locator("#t-toggle")).to_have_text("Pauzeren")  # started with the phase
    page.locator("#t-on-display").check()
    for i, lis in enumerate(listeners):
        lis.park(f"Vraag {i + 1}: wie regelde de overdracht naar de huisarts?")
    expect(page.locator("#tab-questions .count")).to_have_text("2")
    audit(page, "moderator listening")
    page.locator("#p-edit").click()
    expect(page.locator("#prep-list li")).to_have_count(len(PREPARED))
    audit(page, "moderator prepared questions dialog")
    close_dialog(page)
    page.locator("#p-show").click()
    expect(display.locator("#stage-prompt")).to_have_text(PREPARED[0]["text"])
    expect(display.locator("#stage-timer")).to_be_visible()
    audit(display, "room display listening")

    next_phase(page, "Verhelderende vragen")
    expect(page.locator("#q-parked > li")).to_have_count(2)
    page.locator("#q-parked > li").first.locator("[data-action=select]").click()
    expect(page.locator("#q-selected > li")).to_have_count(1)
    audit(page, "moderator clarifying questions")
    parked = page.locator("#q-parked > li").first
    parked.locator("[data-action=more]").click()
    expect(parked.locator(".q-more")).to_be_visible()
    audit(page, "moderator clarifying questions, the '…' steps open")
    parked.locator("[data-action=dismiss]").click()
    expect(parked.locator(".q-expand input")).to_be_visible()
    audit(page, "moderator clarifying questions, dismissing one")
    selected = page.locator("#q-selected > li").first
    selected.locator("[data-action=asknow]").click()
    expect(display.locator("#stage-label")).to_have_text("Nu gevraagd")
    audit(page, "moderator clarifying questions, one asked now")
    audit(display, "room display, a question asked now")

    next_phase(page, "Afronding en opvolging")
    page.locator("#tab-outcomes").click()
    expect(page.locator("#tab-outcomes")).to_have_attribute("aria-selected", "true")
    page.locator("#cap-text").fill("Ouders willen één vast aanspreekpunt na ontslag")
    page.locator("#cap-text").press("Enter")
    expect(page.locator("#outcome-list li")).to_have_count(1)
    audit(page, "moderator closing")

    page.locator("#btn-next").click()
    page.locator("#dlg-ok").click()
    expect(page.locator("#phase-title")).to_have_text("Afgelopen")
    audit(page, "moderator ended")
    expect(display.locator("#message-title")).to_have_text("Dank je wel voor het luisteren")
    audit(display, "room display ended")

    for lis in listeners:
        lis.close()
    mctx.close()
    dctx.close()
    audit.assert_clean()


def test_admin_and_print_pages(browser, shared_live_server, no_third_party, audit):
    """The admin page signed out (and with a wrong password), signed in with the create form, after
    creating a meeting; the printable invitation."""
    server = shared_live_server
    ctx, page = admin_page(browser, server, no_third_party, bypass_csp=True)
    expect(page.locator("#login")).to_be_visible()
    audit(page, "admin signed out")
    page.locator("#password").fill("not the password")
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#login-error")).to_have_text("Dat wachtwoord klopt niet.")
    audit(page, "admin wrong password")

    sign_in(page, server)
    expect(page.locator(".format-card")).not_to_have_count(0)
    audit(page, "admin create form")
    page.locator("#save-draft").click()
    expect(page.locator("#f-title-error")).to_have_text("Geef de bijeenkomst een titel.")  # beside the field
    audit(page, "admin create form, title missing")

    page.locator("#f-title").fill("Spiegelgesprek nazorg 2026")
    page.locator("#prep-add").click()
    page.locator("#prep-list textarea").last.fill("Hoe was het eerste contact?")
    page.locator("#save-open").click()
    expect(page.locator("#created")).to_be_visible()
    audit(page, "admin meeting created")
    join_url = page.locator("#join-url").input_value()
    code = page.locator("#created-code").inner_text()
    assert re.fullmatch(r"\w+", code), code
    page.locator("#meeting-list li").first.get_by_role("button", name=re.compile("^Verwijderen")).click()
    expect(page.locator("#erase-dlg")).to_be_visible()
    audit(page, "admin erase dialog")
    page.locator("#erase-cancel").click()

    printable = ctx.new_page()
    no_third_party(printable)
    printable.goto(f"{server.url}/static/moderator/print.html?{urlencode({'code': code, 'url': join_url})}")
    expect(printable.locator("#title")).to_have_text("Spiegelgesprek nazorg 2026")
    expect_image_loaded(printable.locator("#qr"))
    audit(printable, "print page")
    assert not page.errors, page.errors
    ctx.close()
    audit.assert_clean()
