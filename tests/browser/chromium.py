"""Debian's Chromium for the browser tests, and the tablet viewport they use."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def tablet_context(browser, landscape: bool = False, **kwargs):
    """A 10-inch tablet (800x1280 CSS px) in portrait or landscape, Dutch by default."""
    size = {"width": 1280, "height": 800} if landscape else {"width": 800, "height": 1280}
    kwargs.setdefault("locale", "nl-NL")
    return browser.new_context(viewport=size, has_touch=True, **kwargs)


def phone_context(browser, **kwargs):
    """A small phone (360x740 CSS px) with touch, Dutch by default: the narrowest screen a
    listener or a parent is expected to bring."""
    kwargs.setdefault("locale", "nl-NL")
    return browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, **kwargs)


def expect_image_loaded(image, timeout: float = 15000) -> None:
    """Wait until an <img> has finished loading and check it decoded.

    Uses Playwright's own property polling (no evaluated string, which the pages' CSP
    refuses), so it holds on a busy machine and under `script-src 'self'`.
    """
    from playwright.sync_api import expect

    expect(image).to_have_js_property("complete", True, timeout=timeout)
    assert image.evaluate("img => img.naturalWidth") > 0, "the image loaded but did not decode"
