"""The probe plugin (tests/plugins/spiegel_probe, installed from its wheel) on the pages: its
modules come from the server's `client.modules`, its files and texts from the installed package,
under the strict Content-Security-Policy. Without the plugin the core pages are unchanged: every
other browser test runs without it.
"""

from __future__ import annotations

import pytest
from helpers import LiveServer
from listener_support import Moderator, listener_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory, probe_site):
    server = LiveServer(
        instance=tmp_path_factory.mktemp("instance"), extra_env={"PYTHONPATH": str(probe_site)}
    ).start()
    yield server
    server.stop()


def test_a_scout_joins_by_invitation_and_sends_tips_in_the_plugins_panel(browser, probe_server, no_third_party):
    server = probe_server
    created = server.create_meeting(title="Proef met verkenners", format="probe", open=False)
    code = created["meeting"]["code"]
    mod = Moderator(server, created["moderator_key"])
    secret = mod.call("invite.create", {"kind": "scout"})["url"].split("#invite=", 1)[1]

    ctx, page = listener_page(browser, no_third_party)
    served: list[str] = []
    page.on("response", lambda r: served.append(r.url) if "/plugins/" in r.url and r.ok else None)
    # the meeting is not open yet: an invited scout may still join (the invitation says who)
    page.goto(f"{server.url}/join/{code}#invite={secret}")
    expect(page.get_by_role("heading", name="Welkom bij het spiegelgesprek")).to_be_visible()
    assert "#invite" not in page.url, "the secret leaves the address bar at once"
    page.get_by_label("Je naam (mag leeg blijven)").fill("Sven")
    page.get_by_role("button", name="Deelnemen").click()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")

    # the plugin's panel, drawn by its module in the page's main slot, in Dutch
    panel = page.locator("#probe-tips")
    expect(panel).to_be_visible()
    expect(page.locator("#slot-main > #probe-tips")).to_have_attribute("data-panel", "probe.tips")
    expect(panel.get_by_role("heading", name="Tips voor het gesprek")).to_be_visible()
    assert any(u.endswith("/plugins/probe/tips.js") for u in served), served
    assert any(u.endswith("/plugins/probe/i18n/nl.json") for u in served), served
    # a scout writes no notes and parks no questions: the core composer steps aside
    expect(page.locator("#compose")).to_be_hidden()
    expect(page.locator("#idle")).to_be_hidden()

    panel.get_by_label("Jouw tip").fill("Vraag ook naar de avonden thuis")
    panel.get_by_role("button", name="Tip versturen").click()
    expect(page.locator("#probe-tip-status")).to_have_text("Verstuurd")
    expect(page.locator("#probe-tip-list li")).to_have_text(["Vraag ook naar de avonden thuis"])
    event, payload = mod.sio.receive(timeout=20)
    while event != "probe.tip":
        event, payload = mod.sio.receive(timeout=20)
    assert payload["tip"]["text"] == "Vraag ook naar de avonden thuis"

    # written without Wi-Fi: kept on the device by the outbox, sent when the network is back
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    panel.get_by_label("Jouw tip").fill("En naar de broertjes en zusjes")
    panel.get_by_role("button", name="Tip versturen").click()
    expect(page.locator("#probe-tip-status")).to_have_text("Bewaard op dit apparaat; wordt verstuurd.")
    ctx.set_offline(False)
    expect(page.locator("#probe-tip-status")).to_have_text("Verstuurd")
    staff = mod.call("sync")["snapshot"]
    assert [t["text"] for t in staff["format_data"]["tips"]] == [
        "Vraag ook naar de avonden thuis", "En naar de broertjes en zusjes"]

    # a reload: the tips come back from the server's snapshot part, the texts follow the language
    page.reload()
    expect(page.locator("#probe-tip-list li")).to_have_count(2)
    page.get_by_role("button", name="Switch to English").click()
    expect(panel.get_by_role("heading", name="Tips for the meeting")).to_be_visible()
    # a phase that gives scouts nothing to do: the panel steps aside
    mod.call("meeting.open")
    mod.goto("listening")
    expect(panel).to_be_hidden()
    mod.close()
    ctx.close()


def test_the_moderator_sees_the_plugins_tally_panel(browser, probe_server, no_third_party):
    import socketio
    from moderator_support import moderator_page

    server = probe_server
    created = server.create_meeting(title="Proef met juichen", format="probe", open=True)
    code, key = created["meeting"]["code"], created["moderator_key"]
    ctx, page = moderator_page(browser, f"{server.url}/moderate/{created['meeting']['id']}#key={key}", no_third_party)
    panel = page.locator("#slot-side > #probe-tally")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Instemming")).to_be_visible()
    expect(page.locator("#probe-cheers")).to_have_text("0 keer gejuicht")
    # the format's stylesheet (`styles`) is linked once and applies to its panel
    expect(page.locator('link[rel="stylesheet"][href="/plugins/probe/tally.css"]')).to_have_count(1)
    expect(panel).to_have_css("border-top-width", "5px")

    mod = Moderator(server, key)
    secret = mod.call("invite.create", {"kind": "scout"})["url"].split("#invite=", 1)[1]
    status, joined = server.api("POST", f"/api/meetings/{code}/join", {"invite": secret})
    assert status == 201, joined
    scout = socketio.SimpleClient()
    scout.connect(server.url, auth={"token": joined["token"]}, transports=["websocket"])
    assert scout.call("probe.tip", {"id": "66666666-6666-4666-8666-666666666666", "text": "Let op de stilte"})["ok"]
    expect(page.locator("#probe-tips li")).to_have_text(["Let op de stilte"])  # a server event, by name

    mod.goto("listening")
    mod.goto("round")
    status, listener = server.api("POST", f"/api/meetings/{code}/join", {})
    fan = socketio.SimpleClient()
    fan.connect(server.url, auth={"token": listener["token"]}, transports=["websocket"])
    assert fan.call("probe.cheer", {})["ok"]
    expect(page.locator("#probe-cheers")).to_have_text("1 keer gejuicht")
    page.locator("#lang").select_option("en")
    expect(panel.get_by_role("heading", name="Agreement")).to_be_visible()
    for client in (scout, fan):
        client.disconnect()
    mod.close()
    ctx.close()


def test_the_room_display_shows_the_plugins_banner(browser, probe_server, no_third_party):
    server = probe_server
    created = server.create_meeting(title="Proef met een mededeling", format="probe", open=True)
    mod = Moderator(server, created["moderator_key"])
    mod.goto("listening")
    link = mod.call("display.link")
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    page.goto(f"{server.url}/display/{created['meeting']['code']}#key={link['key']}")
    expect(page.locator("#stage")).to_be_visible()
    expect(page.locator("#probe-banner")).to_have_count(1)
    expect(page.locator("#probe-banner")).to_be_hidden()
    mod.call("probe.shout", {"text": "Pauze tot kwart over"})
    expect(page.locator("#slot-main > #probe-banner")).to_be_visible()
    expect(page.locator("#probe-banner-text")).to_have_text("Pauze tot kwart over")
    mod.close()
    ctx.close()


def test_the_admin_page_shows_a_plugins_own_panel_in_dutch_and_english(browser, probe_server, no_third_party):
    """``register_admin_modules``: a panel of the plugin's own, not its format's, in the admin
    page's library slot, its stylesheet linked, its texts from the installed package."""
    import re

    from moderator_support import signed_in_admin

    server = probe_server
    ctx, page = signed_in_admin(browser, server, no_third_party)
    panel = page.locator('#slot-library > [data-panel="probe.library"]')
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Tips in alle gesprekken")).to_be_visible()
    # counted through the probe's administrator action (other tests of the module add tips)
    expect(page.locator("#probe-library-count")).to_have_text(re.compile(r"^\d+ tips bewaard$"))
    expect(page.locator('link[rel="stylesheet"][href="/plugins/probe/admin.css"]')).to_have_count(1)
    expect(panel).to_have_css("border-left-width", "5px")

    page.locator("#lang").select_option("en")
    expect(panel.get_by_role("heading", name="Tips in all meetings")).to_be_visible()
    expect(page.locator("#probe-library-count")).to_have_text(re.compile(r"^\d+ tips kept$"))
    expect(page.locator('[data-panel="probe.library"]')).to_have_count(1)  # drawn again, not twice
    assert not page.errors, page.errors
    ctx.close()
