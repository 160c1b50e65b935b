"""Real headless Chromium (Debian's package) driven by Playwright; never a downloaded browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import ARTIFACTS, CHROMIUM_ARGS
from playwright.sync_api import expect

# Six people share two cores: a page may take seconds to answer. Every `expect` waits for its
# condition up to this long (it returns as soon as the condition holds), never a fixed sleep.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed: run `make test`, which installs it"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots a person can look at (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def no_third_party(request):
    """Fail the test when a page asks for anything that is not on the local server."""
    seen: list[str] = []

    def watch(page):
        page.on("request", lambda req: seen.append(req.url))
        return page

    yield watch
    foreign = [u for u in seen if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))]
    assert not foreign, f"third-party requests: {foreign}"
