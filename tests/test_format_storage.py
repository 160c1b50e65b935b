"""NIK's and KOOS's tables on SQLite and PostgreSQL: created by their own migrations, and
erased with their meeting (ON DELETE CASCADE), a reflection meeting's link to a source too."""

from __future__ import annotations

import pytest
from helpers import ADMIN_PASSWORD, Room, call, make_app, uid
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
TABLES = ("nik_points", "nik_votes", "nik_ballots", "nik_priorities", "koos_rounds", "koos_sources")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_app(request, tmp_path, clock):
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return make_app(tmp_path / "instance", clock, DATABASE_URL=url)


def _create(app, **body) -> Room:
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "Verzonnen", "open": True, **body})
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def _counts(app) -> dict[str, int]:
    with app.extensions["spiegel"].db.engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def test_format_tables_are_migrated_and_erased_with_their_meeting(store_app):
    app = store_app
    engine = app.extensions["spiegel"].db.engine
    tables = set(sa_inspect(engine).get_table_names())
    assert {*TABLES, "koos_question_sets", "spiegel_nik_version", "spiegel_koos_version"} <= tables
    nik = _create(app, format="nik")
    mod = nik.moderator()
    call(mod, "phase.goto", {"key": "priorities"})
    points = [{"id": uid(), "text": f"Verzonnen punt {i}"} for i in range(2)]
    call(mod, "nik.points.set", {"points": points})
    call(mod, "nik.vote.open", {"method": "rank"})
    call(mod, "nik.vote.room", {"ranking": [p["id"] for p in points], "voters": 3})
    assert call(mod, "nik.vote.close")["priorities"][0]["score"] == 6
    koos = _create(app, format="koos")
    kmod = koos.moderator()
    koos.listener()
    call(kmod, "phase.goto", {"key": "outer_ring"})
    assert call(kmod, "koos.round.start", {"seconds": 60})["ok"]
    call(kmod, "phase.goto", {"key": "ended"})
    reflection = _create(app, format="koos_reflection")
    assert call(reflection.moderator(), "koos.sources.set", {"meeting_ids": [koos.meeting_id]})["ok"]
    assert all(_counts(app).values()), _counts(app)
    http = app.test_client()
    for room in (nik, koos):
        assert http.delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN).status_code == 200
    assert not any(_counts(app).values()), _counts(app)
    assert call(reflection.moderator(), "sync")["snapshot"]["format_data"]["material"] == []
