"""Every built-in format's page panels on the moderator screen, the room display and the
participant page, in a portrait tablet (800 px) and a phone (360 px): each module finds the
slot it draws into (a module that targets a slot the page lacks is left out and logged: the
test fails on it), its panels fit the width, and axe (WCAG 2.2 AA) finds nothing in them.

axe runs over the format's own panels (`[data-panel^="<plugin>."]`); the core screens have
their own audit in test_accessibility.py. The pages allow no injected script, so these
contexts bypass the CSP to add axe; nothing else changes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import socketio
from listener_support import code_of, new_meeting
from playwright.sync_api import expect
from test_accessibility import AXE, WCAG_TAGS

pytestmark = pytest.mark.browser
WAIT = 20_000
SIZES = {"tablet": {"width": 800, "height": 1280}, "phone": {"width": 360, "height": 740}}

RUN_AXE_ON = """async ([selector, tags]) => {
  const result = await axe.run({ include: [[selector]] }, { runOnly: { type: 'tag', values: tags } });
  return { passes: result.passes.map((r) => r.id),
           violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\\s+/g, ' ')}`),
           })) };
}"""


@dataclass
class Screen:
    """One page of a meeting: how to open it, and which plugin's panels must show on it."""

    name: str
    plugin: str
    open: Callable  # (page) -> None, leaves the page with the panels drawn
    panels: list[str] = field(default_factory=list)


@dataclass
class Findings:
    axe: dict[str, list] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    results: dict[str, dict] = field(default_factory=dict)


@pytest.fixture
def findings(artifacts) -> Iterator[Findings]:
    assert AXE.exists(), f"axe-core is not installed at {AXE}: run `make test`, which installs it"
    found = Findings()
    yield found
    (artifacts / "axe-format-panels.json").write_text(json.dumps(found.results, indent=1, ensure_ascii=False))


def check(browser, no_third_party, screen: Screen, found: Findings) -> None:
    """Open `screen` at each size; note slot misses, page errors, overflow and axe violations."""
    for size, viewport in SIZES.items():
        ctx = browser.new_context(viewport=viewport, locale="nl-NL", bypass_csp=True, has_touch=True,
                                  is_mobile=size == "phone")
        page = ctx.new_page()
        no_third_party(page)
        logged: list[str] = []
        page.on("console", lambda m, seen=logged: seen.append(m.text)
                if m.type == "error" and "spiegel" in m.text else None)
        page.on("pageerror", lambda e, seen=logged: seen.append(str(e)))
        where = f"{screen.name} ({size})"
        try:
            screen.open(page)
            for panel in screen.panels:
                expect(page.locator(f'[data-panel="{panel}"]')).to_be_visible(timeout=WAIT)
            mine = page.locator(f'[data-panel^="{screen.plugin}."]:visible')
            assert mine.count() >= 1, f"{where}: no panel of {screen.plugin} is shown"
            for i in range(mine.count()):
                panel = mine.nth(i)
                if not panel.evaluate("el => el.scrollWidth <= el.clientWidth + 1"):
                    found.problems.append(f"{where}: panel {panel.get_attribute('data-panel')} is wider than "
                                          "its place (content overflows)")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(RUN_AXE_ON, [f'[data-panel^="{screen.plugin}."]', WCAG_TAGS])
            found.results[where] = result
            assert len(result["passes"]) >= 1, f"{where}: axe checked little: {result['passes']}"
            if result["violations"]:
                found.axe[where] = result["violations"]
            found.problems.extend(f"{where}: {line}" for line in logged)
        finally:
            ctx.close()


def report(found: Findings) -> None:
    lines = list(found.problems)
    for where, violations in found.axe.items():
        for v in violations:
            lines.append(f"{where}: axe {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    - {n[:300]}" for n in v["nodes"][:5])
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def display_opener(server, created, mod):
    key = mod.call("display.link")["key"]

    def open_display(page):
        page.goto(f"{server.url}/display/{code_of(created)}#key={key}")
        expect(page.locator("#stage")).to_be_visible(timeout=WAIT)

    return open_display


def moderator_opener(created):
    def open_moderator(page):
        page.goto(created["moderator_url"])
        expect(page.locator("#main")).to_be_visible(timeout=WAIT)

    return open_moderator


def invite_opener(url):
    def open_invited(page):
        page.goto(url)
        page.get_by_role("button", name="Deelnemen").click()
        expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=WAIT)

    return open_invited


def test_amc_panels(browser, shared_live_server, no_third_party, findings):
    server = shared_live_server
    created, mod = new_meeting(server, format="amc", title="AMC (verzonnen)", open=False,
                               options={"inner_circle": 13})
    url = mod.call("invite.create", {"kind": "professional"})["url"]
    check(browser, no_third_party, Screen("AMC professional", "amc", invite_opener(url), ["amc.submit"]), findings)
    # a topic in the moderator's list, so its tools are on the screen too
    url = mod.call("invite.create", {"kind": "professional"})["url"]
    status, joined = server.api("POST", f"/api/meetings/{code_of(created)}/join", {"invite": url.split("#invite=")[1]})
    assert status == 201, joined
    professional = socketio.SimpleClient()
    professional.connect(server.url, auth={"token": joined["token"]}, transports=["websocket"])
    assert professional.call("amc.submit", {"id": str(uuid.uuid4()), "kind": "topic",
                                            "text": "Verzonnen: de overdracht naar de huisarts"})["ok"]
    professional.disconnect()
    check(browser, no_third_party, Screen("AMC moderator", "amc", moderator_opener(created),
                                          ["amc.caps", "amc.submissions"]), findings)
    mod.call("meeting.open")
    mod.goto("aftertalk")
    check(browser, no_third_party, Screen("AMC display", "amc", display_opener(server, created, mod),
                                          ["amc.aftertalk"]), findings)
    mod.close()
    report(findings)


def test_umcg_panels(browser, shared_live_server, no_third_party, findings):
    server = shared_live_server
    created, mod = new_meeting(server, format="umcg", title="UMCG (verzonnen)",
                               options={"hospital": "Verzonnen Ziekenhuis", "insurer": "Verzonnen Verzekeraar"})
    mod.goto("dialogue")
    mod.call("umcg.decide", {"id": str(uuid.uuid4()), "text": "Verzonnen: een vast telefoonnummer",
                             "decided_by": "Afdelingshoofd (verzonnen)", "show": True})
    mod.call("umcg.plan", {"text": "Verzonnen: folder herschrijven", "owner": "Projectgroep"})
    check(browser, no_third_party, Screen("UMCG moderator", "umcg", moderator_opener(created),
                                          ["umcg.parties", "umcg.decide", "umcg.plan"]), findings)
    check(browser, no_third_party, Screen("UMCG display", "umcg", display_opener(server, created, mod),
                                          ["umcg.shown", "umcg.parties"]), findings)
    mod.close()
    report(findings)


def test_nik_panels(browser, shared_live_server, no_third_party, findings):
    server = shared_live_server
    created, mod = new_meeting(server, format="nik", title="NIK (verzonnen)", options={
        "series": {"organisation": "NIK", "region": "Almere", "round": 1, "year": 2024}, "focus": "nazorg"})
    url = mod.call("invite.create", {"kind": "parent"})["url"]
    mod.goto("priorities")
    mod.call("nik.points.set", {"points": [
        {"id": str(uuid.uuid4()), "text": t, "source": "moderator"}
        for t in ("Verzonnen: één vast aanspreekpunt", "Verzonnen: een rustige plek om te praten")]})
    mod.call("nik.vote.open", {"method": "dots", "dots_per_person": 3})
    check(browser, no_third_party, Screen("NIK parent", "nik", invite_opener(url), ["nik.parent-vote"]), findings)
    check(browser, no_third_party, Screen("NIK moderator", "nik", moderator_opener(created), ["nik.moderator"]),
          findings)
    check(browser, no_third_party, Screen("NIK display", "nik", display_opener(server, created, mod),
                                          ["nik.display"]), findings)
    mod.call("nik.vote.close")
    check(browser, no_third_party, Screen("NIK display, priorities", "nik", display_opener(server, created, mod),
                                          ["nik.display"]), findings)
    mod.close()
    report(findings)


def test_koos_panels(browser, shared_live_server, no_third_party, findings):
    server = shared_live_server
    created, mod = new_meeting(server, format="koos", title="KOOS (verzonnen)", options={"team": "Team West"})
    code = code_of(created)

    def open_tablet(page):  # joins late: at the end of the line
        page.goto(f"{server.url}/join/{code}")
        page.get_by_role("button", name="Deelnemen").click()
        expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=WAIT)

    for _ in range(2):
        server.join(code)
    mod.goto("outer_ring")
    mod.call("koos.round.start", {"mode": "join", "seconds": 120})
    check(browser, no_third_party, Screen("KOOS tablet", "koos", open_tablet, ["koos.turn"]), findings)
    check(browser, no_third_party, Screen("KOOS moderator", "koos", moderator_opener(created), ["koos.round"]),
          findings)
    check(browser, no_third_party, Screen("KOOS display", "koos", display_opener(server, created, mod),
                                          ["koos.speaker"]), findings)
    mod.call("outcome.add", {"id": str(uuid.uuid4()), "kind": "improvement",
                             "text": "Verzonnen: eerder een vaste hulpverlener"})
    mod.goto("ended")
    reflection, rmod = new_meeting(server, format="koos_reflection", title="KOOS reflectie (verzonnen)")
    rmod.call("koos.sources.set", {"meeting_ids": [created["meeting"]["id"]]})
    rmod.goto("gather")  # the display shows its join screen until the meeting starts
    check(browser, no_third_party, Screen("KOOS reflection moderator", "koos", moderator_opener(reflection),
                                          ["koos.reflection"]), findings)
    check(browser, no_third_party, Screen("KOOS reflection display", "koos",
                                          display_opener(server, reflection, rmod), ["koos.reflection-display"]),
          findings)
    mod.close()
    rmod.close()
    report(findings)
