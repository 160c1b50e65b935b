"""Every export of a report, each made from the one report dict (:mod:`.model`).

HTML (printable), PDF (WeasyPrint, from that same HTML), Markdown, CSV (one table per kind,
zipped) and JSON (with the versioned schema in ``schema/report-2.schema.json``). The outcome
kinds a format adds get their own section and CSV table, like the core's.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path

from .. import offload
from .model import report_kinds
from .render import render

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "report-2.schema.json"
#: Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Columns of a table of outcomes of a kind a format adds (like the core's plain kinds).
PLAIN_COLUMNS = ("id", "text", "phase", "phase_title", "note_ids")
COLUMNS = {
    "well": ("id", "text", "phase", "phase_title", "note_ids"),
    "improvement": ("id", "text", "phase", "phase_title", "note_ids"),
    "wish": ("id", "text", "phase", "phase_title", "note_ids"),
    "decision": ("id", "text", "phase", "phase_title", "note_ids"),
    "priority": ("id", "text", "score", "phase", "phase_title", "note_ids"),
    "action": ("id", "text", "owner", "due", "status", "phase", "phase_title", "note_ids"),
    "progress": ("action_id", "at", "status", "text"),
    "questions": ("id", "text", "asked_at"),
    "shared_notes": ("id", "tag", "tags", "text"),
    "extra": ("section", "title_nl", "title_en", "text", "fields"),
    "meeting": ("field", "value"),
}


def to_html(report: Mapping) -> str:
    return render("report.html", report["language"], r=report, kinds=report_kinds(report))


def to_markdown(report: Mapping) -> str:
    return render("report.md", report["language"], r=report, kinds=report_kinds(report))


def to_json(report: Mapping) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def json_schema(version: int = 2) -> dict:
    """The JSON schema of report ``version`` (1: reports made final before formats had kinds)."""
    return json.loads((SCHEMA_DIR / f"report-{int(version)}.schema.json").read_text())


def html_to_pdf(html: str) -> bytes:
    """PDF through WeasyPrint: Dutch hyphenation comes from ``lang`` and the stylesheet."""
    from weasyprint import HTML  # imported on use: loading pango costs a moment at start

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):  # a line per layout step is noise in the server log
        logging.getLogger(name).setLevel(logging.WARNING)
    return HTML(string=html).write_pdf()


def to_pdf(report: Mapping) -> bytes:
    return html_to_pdf(to_html(report))


def off_the_loop(fn, *args):
    """Run CPU-heavy work (a PDF takes about a second) in a real OS thread under eventlet or
    gevent, so the sockets of meetings running at the same time are not held up; directly in
    threading mode, where the request already has a thread of its own.

    Under gevent WeasyPrint is first imported here, on the hub (once, about a second): its
    import looks for pango with ``ldconfig`` in a subprocess, and gevent can watch a child
    process only from its main loop, not from a thread of its pool."""
    if offload.green() == "gevent":
        import weasyprint  # noqa: F401
    return offload.blocking(lambda: fn(*args))


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _meeting_rows(report: Mapping) -> list[dict]:
    m, c = report["meeting"], report["counts"]
    series = m.get("series") or {}
    facts = {"schema": report["schema"], "status": report["status"], "language": report["language"],
             "title": m["title"], "theme": m["theme"], "format": m["format"], "format_title": m["format_title"],
             "scheduled_for": m["scheduled_for"], "ended_at": m["ended_at"],
             "series_organisation": series.get("organisation"), "series_region": series.get("region"),
             "series_round": series.get("round"), "series_year": series.get("year"),
             "listeners": c["listeners"], "inner_circle": c["inner_circle"],
             "questions_asked": c["questions_asked"], "shared_notes": c["shared_notes"]}
    return [{"field": k, "value": v} for k, v in facts.items()]


def table_columns(report: Mapping) -> dict[str, tuple[str, ...]]:
    """The CSV tables of ``report`` and their columns: one per outcome kind in section order
    (a format's own kinds with the plain columns), then the others."""
    kinds = [k["kind"] for k in report_kinds(report)]
    columns = {kind: COLUMNS.get(kind, PLAIN_COLUMNS) for kind in kinds}
    columns.update((name, cols) for name, cols in COLUMNS.items() if name not in columns)
    return columns


def csv_tables(report: Mapping) -> dict[str, str]:
    """One CSV text per table: a table per outcome kind, then progress notes, questions,
    shared notes, plugin sections and the meeting's facts."""
    columns_of = table_columns(report)
    rows: dict[str, list[dict]] = {name: [] for name in columns_of}
    for kind in report["outcomes"]:
        for item in report["outcomes"].get(kind, []):
            rows[kind].append({**item, "note_ids": " ".join(item.get("note_ids") or [])})
            for p in item.get("progress") or []:
                rows["progress"].append({"action_id": item["id"], **p})
    rows["questions"] = list(report["questions"])
    for group in report["shared_notes"]:
        for n in group["items"]:
            rows["shared_notes"].append({**n, "tag": group["tag"], "tags": " ".join(n["tags"])})
    for s in report["extra_sections"]:
        for item in s["items"]:
            fields = {k: v for k, v in item.items() if k not in ("text", "key", "removed")}
            rows["extra"].append({"section": s["key"], "title_nl": s["title"]["nl"], "title_en": s["title"]["en"],
                                  "text": item["text"], "fields": json.dumps(fields, ensure_ascii=False)})
    rows["meeting"] = _meeting_rows(report)
    out = {}
    for name, columns in columns_of.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows[name]:
            writer.writerow([cell(row.get(col)) for col in columns])
        out[name] = buffer.getvalue()
    return out


def to_csv_zip(report: Mapping) -> bytes:
    """All tables in one ZIP (UTF-8 with a byte-order mark, which spreadsheet programs need)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_tables(report).items():
            z.writestr(f"{name}.csv", "\ufeff" + text)
    return buffer.getvalue()


def read_csv_table(text: str) -> list[dict[str, str]]:
    """Read one exported table back (undoing the formula guard)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [{k: _uncell(v) for k, v in row.items()} for row in reader]
