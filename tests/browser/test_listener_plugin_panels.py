"""A plugin's page module on the listener page: named in the snapshot's `client.modules`,
imported with import() under the strict CSP, set up through the panel manager like the core's
own features, and drawn only while the phase offers its action.

Until the server names plugin modules itself, this test plays the server's part: it serves a
tiny plugin module with its catalogues (tests/browser/client_plugin/) under
/plugins/demo_panel/static/ and adds it to the snapshot's `client.modules` on its way to the page
(long-polling bodies and WebSocket frames alike): a broken module and one from another origin
too. Everything else is the real server. tests/browser/test_plugin_pages.py drives the probe
plugin's own modules, served by the server from the plugin's installed wheel.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from listener_support import code_of, join, listener_page, new_meeting, wait_all_stored, write_note
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent / "client_plugin"
MODULES = [
    "/plugins/demo_panel/static/panel.js",
    "/plugins/demo_broken/static/broken.js",  # fails in setup(): left out, the page goes on
    "https://plugins.example.org/evil.js",  # another origin: never requested
]
SNAPSHOT = '"snapshot",'


def add_client_modules(text: str) -> str:
    """Add MODULES to `client.modules` of a snapshot in Socket.IO packets (`42[...]`, several in one
    long-polling body are separated by \\x1e); every other packet passes unchanged."""
    packets = text.split("\x1e")
    for i, packet in enumerate(packets):
        if not packet.startswith("42[") or SNAPSHOT not in packet:
            continue
        name, snap = json.loads(packet[2:])[:2]
        if name == "snapshot":
            client = snap.setdefault("client", {})
            client["modules"] = [*client.get("modules", []), *MODULES]
            packets[i] = "42" + json.dumps([name, snap])
    return "\x1e".join(packets)


def serve_plugin(page) -> list[str]:
    """Serve the plugin files and put `client.modules` into every snapshot; returns what was served."""
    served: list[str] = []

    def static(route):
        name = route.request.url.split("/static/", 1)[1]
        served.append(name)
        kind = "application/json" if name.endswith(".json") else "text/javascript; charset=utf-8"
        route.fulfill(status=200, content_type=kind, body=(HERE / name).read_text())

    def polling(route):
        if route.request.method != "GET":
            route.fallback()
            return
        response = route.fetch()
        body = response.text()
        route.fulfill(response=response, body=add_client_modules(body) if SNAPSHOT in body else body)

    def websocket(ws):
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message))
        server.on_message(lambda message: ws.send(add_client_modules(message) if isinstance(message, str) else message))

    page.route("**/plugins/*/static/**", static)
    page.route("**/socket.io/?*transport=polling*", polling)
    page.route_web_socket("**/socket.io/**", websocket)
    return served


def test_a_plugin_module_draws_its_panel_and_the_core_goes_on(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod = new_meeting(server)
    code = code_of(created)
    listening = mod.phase_key("note", "question")
    # (a service worker would fetch the module itself, past this test's stand-in for the server)
    ctx, page = listener_page(browser, no_third_party, service_workers="block")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    served = serve_plugin(page)
    join(page, server, code, "Pim")

    # lobby: the module is loaded, but its panel waits for a phase that offers notes
    expect(page.locator("#demo-panel")).to_have_count(1)
    expect(page.locator("#demo-panel")).to_be_hidden()
    assert sorted(served) == ["broken.js", "i18n/en.json", "i18n/nl.json", "panel.js"], served
    assert any("demo_broken fails on purpose" in e for e in errors), errors

    mod.goto(listening)
    panel = page.locator("#demo-panel")
    expect(panel).to_be_visible()
    # in the round slot, after the core's panels there, with its own texts in the page's language
    expect(page.locator("#slot-round > #demo-panel")).to_have_attribute("data-panel", "demo_panel.priorities")
    expect(panel.get_by_role("heading", name="Wat de ouders belangrijk vinden")).to_be_visible()
    expect(page.locator("#demo-phase")).to_have_text("Fase volgens de plugin: Luisteren")

    # a server event by name (manager.on): the prompt the moderator shows
    prompt_id = "55555555-5555-4555-8555-555555555555"
    mod.call("prepared.set", {"items": [{"id": prompt_id, "text": "Hoe was de eerste nacht?"}]})
    mod.call("prompt.set", {"id": prompt_id, "shown": True})
    expect(page.locator("#demo-heard")).to_have_text("De plugin hoorde: Hoe was de eerste nacht?")

    # manager.send waits for the server's answer (this server knows no such event, and says so)
    panel.get_by_role("button", name="Vraag de server").click()
    expect(page.locator("#demo-answer")).to_have_text("Antwoord van de server: unknown_event")

    # the page's language switch reaches the plugin's texts too
    page.get_by_role("button", name="Switch to English").click()
    expect(panel.get_by_role("heading", name="What the parents find important")).to_be_visible()
    expect(page.locator("#demo-phase")).to_have_text("Phase according to the plugin: Listening")
    page.get_by_role("button", name="Wissel naar Nederlands").click()

    # the core works as before beside it
    write_note(page, "Naast het paneel van de plugin")
    wait_all_stored(page, 1)

    # a phase without notes: the panel steps aside
    mod.goto(mod.phase_key(without=("note",), after=listening))
    expect(panel).to_be_hidden()

    # after a reload the module named last time is set up again
    page.reload()
    expect(page.locator("#demo-panel")).to_have_count(1)
    assert served.count("panel.js") >= 2
    page.unroute_all(behavior="ignoreErrors")  # a long poll still open must not fail the teardown
    mod.close()
    ctx.close()
