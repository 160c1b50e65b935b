"""Find words of the other language on a page: a screen switched to English must show no Dutch,
and a Dutch screen no English (issue 8). Shared by the moderator/admin/display/print walk and
the listener tablet's walk.

What counts is what a person meets: visible text, and the accessible names and hints
(aria-label, title, placeholder, alt) of visible elements, plus the document title. Content
written by people (titles, questions) is the test's own, in the page's language; an element
marked with another `lang` (the language picker's options) is skipped, as a screen reader would
switch voice there.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that are Dutch and never English (short function words and the product's own terms).
DUTCH = _words("""
de het een en van niet je jouw jij wat voor naar met geen alleen nog ook bij wordt worden zijn
deze dit dat die om te er op uit maar als kan kun kunt mag moet wil hier daar waar wie hoe nu
vraag vragen bijeenkomst bijeenkomsten verbonden verbinden luisteraar luisteraars opslaan sluiten
volgende vorige terug gesteld geparkeerd kiezen uitkomst uitkomsten minuten starten pauzeren
hervatten fase fasen zaalscherm gespreksleider gespreksleiding gegevens meer tijd thema titel
uitnodigen uitnodiging afdrukken annuleren verwijderen bewerken aangemeld weggevallen luisteren
afgelopen welkom afronding opvolging verhelderende stil tonen notities notitie aanmelden afmelden
beheer beheerder wachtwoord concept bezig afgesloten gearchiveerd samenvoegen ongedaan maken
verbeterpunt besluit speerpunt actie wanneer klaar sneltoetsen taal datum verwachte vorm duur
""")

#: Words that are English and never Dutch.
ENGLISH = _words("""
the and with your you question questions meeting meetings save close next previous back
pause resume listeners listener settings time phase phases display connected minutes share
join not done ended room now this that what when who which for to on by are will
edit delete cancel print invite copy link sign password draft open running archived outcome
outcomes improvement decision priority action shortcuts language date expected format duration
""") - {"open"}  # "open" is Dutch as well

#: Tokens that are the same in both languages on these pages.
NEUTRAL = frozenset({"spiegel", "nl", "en", "qr", "code", "link", "min", "a4", "url", "ok"})

VISIBLE_TEXT = """(root) => {
  const lang = document.documentElement.lang;
  const top = document.querySelector(root) || document.body;
  const other = (el) => { const l = el.closest('[lang]'); return l && l.getAttribute('lang') !== lang; };
  const shown = (el) => !el.closest('script, style, template') && (!el.checkVisibility || el.checkVisibility());
  const out = root === 'body' ? [document.title] : [];
  const walk = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const p = walk.currentNode.parentElement;
    if (p && !other(p) && shown(p)) out.push(walk.currentNode.textContent);
  }
  for (const el of top.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
    if (other(el) || !shown(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  for (const el of top.querySelectorAll('input[type=submit], input[type=button]')) if (shown(el)) out.push(el.value);
  return out.join('\\n');
}"""


def foreign_words(page, lang: str, allow: frozenset[str] = frozenset(), root: str = "body") -> list[str]:
    """The words of the other language that a person meets on `page` (in its current state),
    within the element `root` (a CSS selector)."""
    markers = ENGLISH if lang == "nl" else DUTCH
    text = page.evaluate(VISIBLE_TEXT, root)
    found = []
    for line in text.splitlines():
        line = re.sub(r"\S*(://|\d+\.\d+\.\d+\.\d+)\S*", " ", line)  # addresses are not words
        for word in re.findall(r"[A-Za-zÀ-ÿ]+", line):
            w = word.lower()
            if w in markers and w not in NEUTRAL and w not in allow:
                found.append(f"{word!r} in {line.strip()[:90]!r}")
    return found


def assert_one_language(page, lang: str, where: str, allow: frozenset[str] = frozenset(),
                        root: str = "body") -> None:
    # A language switch fills the page, then sets <html lang>: wait for it (a busy machine may
    # take a moment), then read the words.
    expect(page.locator("html"), f"{where}: <html lang> is not {lang!r}").to_have_attribute(
        "lang", lang, timeout=15000)
    found = foreign_words(page, lang, allow, root)
    assert not found, f"{where} ({lang}) shows words of the other language: {found}"
