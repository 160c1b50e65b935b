"""Rules the test suite keeps about itself, so a flaky pattern cannot creep back in."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_browser_test_polls_with_an_evaluated_string():
    """`page.wait_for_function("…")` polls by evaluating a string in the page when its first
    check is false, which the pages' CSP (`script-src 'self'`, no `unsafe-eval`) refuses: on a
    busy machine the test then fails. Locators and `expect` work under the CSP."""
    offenders = [f"{path.relative_to(TESTS)}:{n}"
                 for path in TESTS.rglob("*.py") if path.name != Path(__file__).name
                 for n, line in enumerate(path.read_text().splitlines(), start=1)
                 if re.search(r"\.wait_for_function\(", line)]
    assert not offenders, offenders


def test_no_browser_test_forces_a_tap():
    """`force=True` skips Playwright's checks that the target is visible, stable and receives
    the tap; on a busy machine the tap then lands while the page is still moving and the test
    fails now and then. Tap what a person taps (a choice's label: `listener_support.choose`)."""
    offenders = [f"{path.relative_to(TESTS)}:{n}"
                 for path in TESTS.rglob("*.py") if path.name != Path(__file__).name
                 for n, line in enumerate(path.read_text().splitlines(), start=1)
                 if re.search(r"force\s*=\s*True", line)]
    assert not offenders, offenders
