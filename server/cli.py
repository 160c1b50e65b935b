"""The `spiegel` command: run the server, create a meeting, list plugins, purge old raw notes.

Imports stay inside the commands: `spiegel run` must monkey-patch eventlet (or gevent) before Flask,
SQLAlchemy or the socket modules are imported anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys


def _eventlet_patch() -> None:
    import warnings

    # Green DNS (dnspython) asks nameservers even for names in /etc/hosts and hangs where no
    # nameserver answers (eventlet issues #511, #694); Spiegel resolves almost nothing, so
    # the system resolver is the safer choice. Must be set before eventlet is imported.
    os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")
    # psycopg waits for PostgreSQL in C (blocking the whole event loop) unless told to use
    # select(), which eventlet makes green: a database that hangs then freezes no page.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

    # eventlet announces on import that it is in maintenance mode. We know, chose it as the
    # default deliberately (it is what Flask-SocketIO serves best in one process) and offer
    # SPIEGEL_ASYNC_MODE=threading; the README says so. Silence that one warning only.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()


def _gevent_patch() -> None:
    # psycopg notices gevent's patched select() by itself; say it anyway, as under eventlet.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    from gevent import monkey

    monkey.patch_all()


def monkey_patch(mode: str) -> None:
    """Make the standard library green for ``mode`` (first thing in a server process)."""
    if mode == "eventlet":
        _eventlet_patch()
    elif mode == "gevent":
        _gevent_patch()


def _workers(args: argparse.Namespace) -> int:
    return args.workers or int(os.environ.get("SPIEGEL_WORKERS") or 1)


def cmd_run(args: argparse.Namespace) -> None:
    overrides = {"HOST": args.host or os.environ.get("SPIEGEL_HOST", "0.0.0.0")}
    overrides["PORT"] = args.port or int(os.environ.get("SPIEGEL_PORT", "5000"))
    if _workers(args) > 1:
        _run_workers(args, overrides)
        return
    from .app import create_app
    from .config import ASYNC_MODES  # noqa: F401 - validated in load_config

    app = create_app(overrides)
    sp = app.extensions["spiegel"]
    print(f"Spiegel {app.config['SPIEGEL_VERSION']} ({app.config['ASYNC_MODE']}, "
          f"{sp.db.engine.url.get_backend_name()})", flush=True)
    print(f"  Open the admin page: {sp.public_url}/admin", flush=True)
    if sp.admin_password_generated:
        print(f"  Admin password (shown once, kept in {app.config['INSTANCE_PATH']}/admin-password): "
              f"{sp.admin_password}", flush=True)
    elif not app.config.get("ADMIN_PASSWORD"):
        print(f"  Admin password: in {app.config['INSTANCE_PATH']}/admin-password", flush=True)
    sp.announce = lambda meeting: announce(sp, meeting)
    if args.meeting:
        _print_new_meeting(app, args.meeting, "common", open_now=True)
    sp.watch_timers()
    sp.load.start(sp.socketio)  # how far behind the worker is: load shedding
    from . import collector

    collector.install(sp)  # the garbage collector's full passes: short (server/collector.py)
    sp.shared.start(sp.socketio)  # worker heartbeat (Redis only)
    from . import shutdown

    shutdown.install(sp)  # SIGTERM: leave presence at once, then exit
    from .report.retention import start_job

    start_job(sp)
    from .serving import serve

    serve(app, overrides["HOST"], overrides["PORT"], app.config)


def _run_workers(args: argparse.Namespace, overrides: dict) -> None:
    """Migrate and create the instance secrets once, then supervise the workers (server/supervisor.py)."""
    import logging

    from . import supervisor
    from .app import create_app

    app = create_app(overrides)  # migrates; generates the secret key and admin password once
    workers = _workers(args)
    problem = supervisor.check(app.config, workers)
    if problem:
        sys.exit(f"spiegel run: {problem}")
    sp = app.extensions["spiegel"]
    print(f"Spiegel {app.config['SPIEGEL_VERSION']}: {workers} workers on ports {overrides['PORT']}–"
          f"{overrides['PORT'] + workers - 1} ({sp.db.engine.url.get_backend_name()})", flush=True)
    if sp.admin_password_generated:
        print(f"  Admin password (shown once, kept in {app.config['INSTANCE_PATH']}/admin-password): "
              f"{sp.admin_password}", flush=True)
    if args.meeting:
        _print_new_meeting(app, args.meeting, "common", open_now=True)
    sp.db.dispose()
    logging.getLogger("spiegel.supervisor").setLevel(logging.INFO)
    sys.exit(supervisor.supervise(overrides["HOST"], overrides["PORT"], workers))


def _print_new_meeting(app, title: str, fmt: str, open_now: bool) -> None:
    from .meetings import create_meeting
    from .schemas import MeetingCreate, validate

    sp = app.extensions["spiegel"]
    data = validate(MeetingCreate, {"title": title, "format": fmt, "open": open_now})
    with sp.db.transaction() as s:
        meeting, key = create_meeting(sp, s, data, sp.clock())
    announce(sp, meeting)
    print(f"  Moderator (keep this link to yourself, shown once): {sp.moderator_url(meeting.id, key)}",
          flush=True)


def announce(sp, meeting) -> None:
    """Title, code, join URL and QR of a new meeting on the terminal (never the moderator key)."""
    from .qr import terminal

    print(f"\nMeeting “{meeting.title}” ({meeting.state}), code {meeting.code}")
    print(f"  Listeners join at: {sp.join_url(meeting.code)}")
    print(terminal(sp.join_url(meeting.code)), flush=True)


def cmd_create(args: argparse.Namespace) -> None:
    from .app import create_app
    from .errors import SpiegelError

    app = create_app()
    try:
        _print_new_meeting(app, args.title, args.format, open_now=args.open)
    except SpiegelError as exc:
        sys.exit(f"spiegel create: {exc.message} (--format {args.format})")


def cmd_plugins(_args: argparse.Namespace) -> None:
    import json

    from .app import create_app
    from .plugin_manager import describe

    sp = create_app().extensions["spiegel"]
    print(json.dumps(describe(sp.pm, sp.formats, sp.registry, sp.outcome_kinds), indent=2))


def cmd_permissions(args: argparse.Namespace) -> None:
    """The merged map of who may send what (core and plugins), and where each server event goes."""
    from .app import create_app

    sp = create_app().extensions["spiegel"]
    if args.json:
        import json

        print(json.dumps({"client": sp.registry.table(), "server": sp.registry.audiences_table()}, indent=2))
        return
    rows = sp.registry.table()
    width = max(len(r["event"]) for r in rows)
    print(f"{'event':<{width}}  {'who':<28}  {'phase rule':<28}  plugin")
    for r in rows:
        print(f"{r['event']:<{width}}  {r['who']:<28}  {r['phase']:<28}  {r['plugin']}")
    print()
    print(f"{'server event':<{width}}  {'audiences':<28}  {'private':<28}  plugin")
    for r in sp.registry.audiences_table():
        print(f"{r['event']:<{width}}  {', '.join(r['audiences']):<28}  {'yes' if r['private'] else 'no':<28}  "
              f"{r['plugin']}")


def cmd_new_plugin(args: argparse.Namespace) -> None:
    """Write a new plugin package that passes its own tests as it is."""
    from pathlib import Path

    from .scaffold import ScaffoldError, write

    try:
        target = write(args.name, Path(args.dir))
    except ScaffoldError as exc:
        sys.exit(f"spiegel new-plugin: {exc}")
    print(f"Wrote {target}\n  pip install -e {target}   # then: spiegel plugins\n  pytest {target / 'tests'}")


def cmd_purge(args: argparse.Namespace) -> None:
    """Erase raw notes and questions of meetings past their retention date (report stays)."""
    from datetime import date

    from .app import create_app
    from .report.retention import purge

    sp = create_app().extensions["spiegel"]
    today = date.fromisoformat(args.today) if args.today else None
    found = purge(sp, today=today, dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    for d in found:
        print(f"{d['meeting_id']}  {d['title']!r} (retained until {d['retain_until']}): {verb} {d['notes']} notes, "
              f"{d['questions']} questions, {d['poll_answers']} poll answers, {d['listeners']} listener links")
    print(f"{len(found)} meeting(s) {'due' if args.dry_run else 'purged'}.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="spiegel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the server")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--meeting", metavar="TITLE", help="also create and open a meeting of the common form")
    run.add_argument("--workers", type=int, help="worker processes on consecutive ports (SPIEGEL_WORKERS)")
    run.set_defaults(func=cmd_run)
    create = sub.add_parser("create", help="create a meeting and print its links")
    create.add_argument("title")
    create.add_argument("--format", default="common")
    create.add_argument("--open", action="store_true", help="open it for joining at once")
    create.set_defaults(func=cmd_create)
    plugins = sub.add_parser("plugins", help="list loaded plugins and formats")
    plugins.set_defaults(func=cmd_plugins)
    permissions = sub.add_parser("permissions", help="print who may send each event, and each event's audiences")
    permissions.add_argument("--json", action="store_true")
    permissions.set_defaults(func=cmd_permissions)
    new_plugin = sub.add_parser("new-plugin", help="write a new plugin package (format, event, panel, table, tests)")
    new_plugin.add_argument("name", help="the plugin's identifier, e.g. team_reflection")
    new_plugin.add_argument("--dir", default=".", help="the folder to write spiegel-<name>/ into")
    new_plugin.set_defaults(func=cmd_new_plugin)
    purge = sub.add_parser("purge", help="erase raw notes and questions past their retention date")
    purge.add_argument("--dry-run", action="store_true", help="only list what would be erased")
    purge.add_argument("--today", metavar="YYYY-MM-DD", help="act as if it were this date")
    purge.set_defaults(func=cmd_purge)
    args = parser.parse_args(argv)
    if args.command == "run" and _workers(args) == 1:
        monkey_patch(os.environ.get("SPIEGEL_ASYNC_MODE", "gevent"))
    from .plugin_manager import PluginError
    from .storage import StorageError

    try:
        args.func(args)
    except StorageError as exc:
        sys.exit(f"spiegel {args.command}: {exc}")
    except PluginError as exc:
        # A broken plugin stops the start with one clear line naming it and the mistake.
        sys.exit(f"spiegel {args.command}: cannot start: {exc}")


if __name__ == "__main__":
    main()
