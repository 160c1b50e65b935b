"""The pages as a browser first meets them: served by this server, with a strict policy."""

from __future__ import annotations

import re

import pytest

PAGES = ["/", "/join", "/join/ABC234", "/admin", "/moderate/0123456789abcdef", "/display/ABC234"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_served_with_a_same_origin_policy(app, path):
    r = app.test_client().get(path)
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert r.headers["Referrer-Policy"] == "no-referrer"
    html = r.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html), "a page loads something from another host"
    assert not re.search(r"<script>(?!\s*</script>)", html), "inline scripts are blocked by the policy"


def test_static_assets_and_service_worker(app):
    http = app.test_client()
    assert http.get("/static/shared/vendor/socket.io.min.js").status_code == 200
    sw = http.get("/sw.js")
    assert sw.status_code == 200 and "javascript" in sw.mimetype
    assert http.get("/static/../server/config.py").status_code == 404


def test_api_answers_are_never_cached(app):
    r = app.test_client().get("/api/formats")
    assert r.headers["Cache-Control"] == "no-store"
