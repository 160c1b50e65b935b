"""How long the report takes to build and export, on a large and on a typical meeting.

1. A large meeting (default 10,000 shared notes, 1,000 asked questions, 60 outcomes): the
   report data from the database, then HTML, Markdown, CSV (every table, zipped) and JSON, each
   timed (median of --repeat runs). Target: each under 1 s.
2. A typical meeting (25 listeners, 40 outcomes and 20 actions, 50 shared notes, 15 questions):
   the PDF, rendered in a fresh child process so its peak memory (max RSS, libraries included)
   is that of the PDF alone. Target: under 3 s and 150 MB.

In-process app on its own SQLite file (WAL); every row invented. Bounded: fixed sizes, a
temporary folder removed at the end.
Usage: python bench/report_exports.py [--notes 10000] [--questions 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAGS = (["positive"], ["improvement"], ["later"], [], ["positive", "later"])
KINDS = ("well", "improvement", "wish", "decision", "priority")


def make_meeting(instance: Path, notes: int, questions: int, outcomes: int, actions: int, listeners: int):
    """An ended meeting with the given numbers of rows; returns (app, meeting id)."""
    from spiegel.app import create_app
    from spiegel.meetings import create_meeting
    from spiegel.models import Meeting, Note, Outcome, Participant, Question
    from spiegel.schemas import MeetingCreate
    from sqlalchemy import insert, select

    app = create_app({"INSTANCE_PATH": str(instance), "ASYNC_MODE": "threading", "ADMIN_PASSWORD": "bench",
                      "PUBLIC_URL": "http://bench.invalid", "LOG_LEVEL": "WARNING"})
    sp = app.extensions["spiegel"]
    now = time.time()
    with sp.db.transaction() as s:
        meeting, _key = create_meeting(sp, s, MeetingCreate(title="Verzonnen benchmarkbijeenkomst",
                                                            theme="Verzonnen thema", open=True), now)
        meeting.state, meeting.phase_key, meeting.phase_started_at = "ended", "ended", now
        moderator = s.scalar(select(Participant.id).where(Participant.meeting_id == meeting.id))
        people = [{"id": uuid.uuid4().hex, "meeting_id": meeting.id, "role": "listener", "token_hash": uuid.uuid4().hex,
                   "number": i + 1, "rights": [], "revoked": False, "turn_state": "none", "created_at": now}
                  for i in range(listeners)]
        s.execute(insert(Participant), people)
        s.execute(insert(Note), [{
            "id": str(uuid.uuid4()), "meeting_id": meeting.id, "participant_id": people[i % listeners]["id"],
            "text": f"Verzonnen gedeelde notitie {i}: wat de ouders vertelden over het wachten op de uitslag.",
            "tags": TAGS[i % len(TAGS)], "shared": True, "version": 1, "created_at": now + i, "updated_at": now + i,
        } for i in range(notes)])
        s.execute(insert(Question), [{
            "id": str(uuid.uuid4()), "meeting_id": meeting.id, "participant_id": people[i % listeners]["id"],
            "text": f"Verzonnen verhelderende vraag {i}: wat bedoelde u met de overdracht?", "status": "asked",
            "triage": "clarifying", "order": i, "asked_at": now + i, "version": 1, "created_at": now + i,
            "updated_at": now + i,
        } for i in range(questions)])
        rows = [{"kind": KINDS[i % len(KINDS)], "owner": None, "due": None, "status": None} for i in range(outcomes)]
        rows += [{"kind": "action", "owner": f"Verzonnen team {i % 4}", "due": f"2027-0{1 + i % 9}-15",
                  "status": "open"} for i in range(actions)]
        s.execute(insert(Outcome), [{
            "id": str(uuid.uuid4()), "meeting_id": meeting.id, "author_id": moderator, "text":
            f"Verzonnen uitkomst {i}: een zin van gemiddelde lengte over wat beter kan in de nazorg.",
            "phase_key": "closing", "note_ids": [], "score": float(i) if r["kind"] == "priority" else None,
            "version": 1, "created_at": now + i, "updated_at": now + i, **r,
        } for i, r in enumerate(rows)])
        meeting_id = s.get(Meeting, meeting.id).id
    return app, meeting_id


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (on a shared, busy machine the CPU
    time is what the work itself costs; the wall time is what a person waits)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def large(args) -> list[tuple[str, float, float, str]]:
    from spiegel.models import Meeting
    from spiegel.report import exports
    from spiegel.report.model import build_report

    with tempfile.TemporaryDirectory() as tmp:
        app, meeting_id = make_meeting(Path(tmp), args.notes, args.questions, 60, 20, 25)
        sp = app.extensions["spiegel"]

        def data():
            with sp.db.transaction() as s:
                return build_report(s, s.get(Meeting, meeting_id), sp.formats["common"], now=time.time())

        wall, cpu, report = timed(data, args.repeat)
        out = [("report data (database → dict)", wall, cpu, f"{report['counts']['shared_notes']} notes")]
        for name, fn in (("HTML", exports.to_html), ("Markdown", exports.to_markdown),
                         ("CSV (all tables, zipped)", exports.to_csv_zip), ("JSON", exports.to_json)):
            wall, cpu, body = timed(lambda fn=fn: fn(report), args.repeat)
            out.append((name, wall, cpu, f"{len(body) / 1e6:.1f} MB"))
        sp.db.engine.dispose()
    return out


def pdf_child(args) -> None:
    """Child process: render one typical PDF, print seconds and max RSS as JSON."""
    from spiegel.models import Meeting
    from spiegel.report import exports
    from spiegel.report.model import build_report

    with tempfile.TemporaryDirectory() as tmp:
        app, meeting_id = make_meeting(Path(tmp), args.pdf_notes, args.pdf_questions, args.pdf_outcomes,
                                       args.pdf_actions, args.pdf_listeners)
        sp = app.extensions["spiegel"]
        with sp.db.transaction() as s:
            report = build_report(s, s.get(Meeting, meeting_id), sp.formats["common"], now=time.time())
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        first = timed(lambda: exports.to_pdf(report), 1)  # includes loading fonts and pango
        wall, cpu, pdf = timed(lambda: exports.to_pdf(report), max(1, args.repeat))
        sp.db.engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_wall": first[0], "first_cpu": first[1], "wall": wall, "cpu": cpu, "rss_mb": rss_mb,
                      "before_mb": before_mb, "bytes": len(pdf)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf-listeners", type=int, default=25)
    parser.add_argument("--pdf-outcomes", type=int, default=40)
    parser.add_argument("--pdf-actions", type=int, default=20)
    parser.add_argument("--pdf-notes", type=int, default=50)
    parser.add_argument("--pdf-questions", type=int, default=15)
    parser.add_argument("--pdf-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pdf_child:
        pdf_child(args)
        return
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M')} · load average {load}")
    print(f"large meeting: {args.notes} shared notes, {args.questions} asked questions, 80 outcomes")
    print(f"  {'':<32} {'wall':>10} {'CPU':>10}")
    for name, wall, cpu, size in large(args):
        print(f"  {name:<32} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms   {size}")
    child = [sys.executable, __file__, "--pdf-child", *(f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
                                                        if k.startswith("pdf_") and k != "pdf_child")]
    done = subprocess.run(child, capture_output=True, text=True, timeout=600, check=True)
    pdf = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"typical meeting PDF: {args.pdf_listeners} listeners, {args.pdf_outcomes} outcomes, {args.pdf_actions} "
          f"actions, {args.pdf_notes} shared notes, {args.pdf_questions} questions")
    print(f"  {'PDF (WeasyPrint), first':<32} {pdf['first_wall'] * 1000:7.1f} ms {pdf['first_cpu'] * 1000:7.1f} ms")
    print(f"  {'PDF (WeasyPrint), next':<32} {pdf['wall'] * 1000:7.1f} ms {pdf['cpu'] * 1000:7.1f} ms   "
          f"{pdf['bytes'] / 1e3:.0f} kB")
    print(f"  max RSS of the child: {pdf['rss_mb']:.0f} MB, of which {pdf['before_mb']:.0f} MB before the first PDF "
          f"(Python, Flask, SQLAlchemy, the app and its data): the PDF adds {pdf['rss_mb'] - pdf['before_mb']:.0f} MB")


if __name__ == "__main__":
    main()
