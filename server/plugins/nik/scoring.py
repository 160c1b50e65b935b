"""How a priority vote is counted: plain functions of points and ballots, no database.

- Dot votes (``dots``): each person spreads a number of dots (set by the moderator) over the
  points, several on one point if they like; a point scores the dots it got.
- Rankings (``rank``, Borda count): with *n* points, a ballot's first choice scores *n*, the
  second *n - 1*, and so on; unranked points score nothing from that ballot.

A ballot of the room (recorded by the moderator from the shared screen) counts ``weight``
people: the moderator enters the dots of all of them together, or the ranking they agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

METHODS = ("dots", "rank")
#: The scoring rule each method uses, as it is kept with the priorities.
RULES = {"dots": "dots", "rank": "borda"}
RULE_TEXT = {
    "dots": {"nl": "Stippen: elk punt telt de stippen die ouders erop zetten.",
             "en": "Dots: each point counts the dots parents put on it."},
    "borda": {"nl": "Rangorde (Borda): bij n punten krijgt de eerste keus n punten, de tweede n - 1, enzovoort.",
              "en": "Ranking (Borda): with n points the first choice scores n, the second n - 1, and so on."},
}


@dataclass(frozen=True)
class Ballot:
    choice: dict | list
    weight: int = 1


def dots_used(choice: dict | list) -> int:
    return sum(choice.values()) if isinstance(choice, dict) else 0


def scores(method: str, point_ids: Sequence[str], ballots: Iterable[Ballot]) -> dict[str, int]:
    total = {pid: 0 for pid in point_ids}
    n = len(point_ids)
    for ballot in ballots:
        if method == "dots" and isinstance(ballot.choice, dict):
            for pid, dots in ballot.choice.items():
                if pid in total:
                    total[pid] += int(dots)
        elif method == "rank" and isinstance(ballot.choice, list):
            for place, pid in enumerate(ballot.choice):
                if pid in total:
                    total[pid] += (n - place) * ballot.weight
    return total


def ranked(point_ids: Sequence[str], score: dict[str, int]) -> list[tuple[str, int, int]]:
    """(point, score, rank) best first; equal scores share a rank, list order breaks the tie
    for display only."""
    order = sorted(point_ids, key=lambda pid: (-score[pid], point_ids.index(pid)))
    return [(pid, score[pid], 1 + sum(1 for other in point_ids if score[other] > score[pid])) for pid in order]
