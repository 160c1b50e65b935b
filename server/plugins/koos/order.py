"""The outer-ring speaking order as plain data: a line of participant ids, each with a
status, and who is speaking. No database, no clock: the handlers store the result.

- ``waiting`` → ``speaking`` → ``done``; or ``passed`` (nothing to add), ``skipped`` (not now);
- "back to the end of the line" puts someone (speaking, waiting or skipped) last, waiting;
- late joiners join the end of the line, waiting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

WAITING, SPEAKING, DONE, PASSED, SKIPPED = "waiting", "speaking", "done", "passed", "skipped"
FINISHED = (DONE, PASSED, SKIPPED)


@dataclass
class Line:
    line: list[str]
    status: dict[str, str]
    current: str | None = None
    changed: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, mode: str, joined: Sequence[str], arranged: Sequence[str] | None = None,
              rng: random.Random | None = None) -> Line:
        """``joined`` in join order; ``shuffle`` mixes it; ``manual`` takes ``arranged``
        (anyone left out follows in join order)."""
        if mode == "shuffle":
            people = list(joined)
            (rng or random.SystemRandom()).shuffle(people)
        elif mode == "manual":
            chosen = [p for p in arranged or () if p in joined]
            people = chosen + [p for p in joined if p not in chosen]
        else:
            people = list(joined)
        line = cls(line=people, status={p: WAITING for p in people})
        line.advance(None)
        return line

    def waiting(self) -> list[str]:
        return [p for p in self.line if self.status.get(p) == WAITING]

    def next_up(self) -> str | None:
        waiting = self.waiting()
        return waiting[0] if waiting else None

    def _set(self, person: str, status: str) -> None:
        if self.status.get(person) != status:
            self.status[person] = status
            self.changed.add(person)

    def join_late(self, joined: Sequence[str]) -> None:
        for person in joined:
            if person not in self.status:
                self.line.append(person)
                self._set(person, WAITING)
        if self.current is None:
            self.advance(None)

    def advance(self, outcome: str | None = DONE) -> None:
        """The current speaker finishes with ``outcome``; the next one waiting speaks."""
        if self.current is not None and outcome is not None:
            self._set(self.current, outcome)
        nxt = self.next_up()
        self.current = nxt
        if nxt is not None:
            self._set(nxt, SPEAKING)

    def to_end(self, person: str) -> None:
        """Back to the end of the line (the speaker, someone waiting, or someone skipped)."""
        was_current = person == self.current
        self.line.remove(person)
        self.line.append(person)
        self._set(person, WAITING)
        if was_current:
            self.current = None
            self.advance(None)

    def skip(self, person: str) -> None:
        if person == self.current:
            self.advance(SKIPPED)
        else:
            self._set(person, SKIPPED)

    def pass_turn(self, person: str) -> None:
        if person == self.current:
            self.advance(PASSED)
        elif self.status.get(person) == WAITING:
            self._set(person, PASSED)

    def arrange(self, waiting_order: Sequence[str]) -> None:
        """Put the waiting people in this order (by hand); everyone else keeps their place."""
        wanted = [p for p in waiting_order if self.status.get(p) == WAITING]
        rest = [p for p in self.waiting() if p not in wanted]
        queue = iter(wanted + rest)
        self.line = [next(queue) if self.status.get(p) == WAITING else p for p in self.line]
        self.changed.update(wanted)

    def position(self, person: str) -> int | None:
        """1 for the next one up, 2 after them …; 0 while speaking; None when finished."""
        if person == self.current:
            return 0
        waiting = self.waiting()
        return waiting.index(person) + 1 if person in waiting else None
