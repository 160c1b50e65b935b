"""The built-in formats' page modules: each one a format names is served under the strict
policy, every text key a module names is in both catalogues, no module is over 600 lines, and
none writes with innerHTML (nobody's text is ever parsed as HTML)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import ROOT

STATIC = {name: ROOT / "server" / "plugins" / name / "static" for name in ("nik", "koos")}


def _modules(app) -> list[str]:
    formats = app.extensions["spiegel"].formats
    return sorted({url for name in ("nik", "koos", "koos_reflection")
                   for urls in formats[name].modules.values() for url in urls})


def test_every_module_a_format_names_is_served(app):
    http = app.test_client()
    for url in _modules(app):
        r = http.get(url)
        assert r.status_code == 200 and "javascript" in r.mimetype, url
        assert b"export default" in r.data and "script-src 'self'" in r.headers["Content-Security-Policy"]
        for imported in re.findall(rb"from '\./([\w-]+\.js)'", r.data):
            assert http.get(url.rsplit("/", 1)[0] + "/" + imported.decode()).status_code == 200


@pytest.mark.parametrize("plugin", sorted(STATIC))
def test_every_text_key_is_in_both_catalogues_and_modules_stay_small(plugin):
    folder = STATIC[plugin]
    nl = json.loads((folder / "i18n" / "nl.json").read_text())
    en = json.loads((folder / "i18n" / "en.json").read_text())
    assert set(nl) == set(en) and all(nl.values()) and all(en.values())
    for path in folder.glob("*.js"):
        source = path.read_text()
        assert len(source.splitlines()) <= 600, path
        assert "innerHTML" not in source, path
        for key in re.findall(r"m\.t\('([\w.]+)'", source):
            assert key in nl, f"{path.name}: {key} has no text"
        for prefix in re.findall(r"m\.t\(`([\w.]+)\$\{", source):
            assert any(k.startswith(prefix) for k in nl), f"{path.name}: no texts under {prefix}"
