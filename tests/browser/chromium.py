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
