"""The application factory and the per-app runtime (database, plugins, presence, clock)."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable

from flask import Flask
from flask_socketio import SocketIO
from socketio import PubSubManager
from sqlalchemy import bindparam, select

from . import __version__, hot_sql, http_guard, storage, web
from .admin_auth import AdminAuth
from .capacity import Capacity
from .catch_up import catch_up
from .collector import Collector
from .config import admin_password, load_config
from .context import Ctx
from .cookie_sessions import SigningOnce
from .db import Database, migrate
from .formats import MeetingFormat, ParticipantKind
from .guard import ScreenedPacket
from .limits import Window
from .load_shed import LoadShed, refuse_handshakes
from .models import Meeting
from .outbox import staff_room
from .pace import Pace
from .plugin_manager import (
    collect_admin_actions,
    collect_admin_modules,
    collect_formats,
    collect_migrations,
    collect_outcome_kinds,
    collect_registry,
    collect_rights,
    collect_static,
    make_manager,
)
from .presence import Presence
from .realtime import register
from .shared_state import Shared
from .snapshots import snapshot, state_payload
from .socket_contexts import SpiegelFlask
from .staff_pass import StaffPasses
from .timer import check_timers, start_timer
from .timer_watch import TimerWatch, deadline_of, watch

log = logging.getLogger("spiegel")

_PRESENCE_OF = hot_sql.Hot(select(Meeting.id, Meeting.format, Meeting.language, Meeting.version).where(
    Meeting.id == bindparam("meeting_id")))


class Spiegel:
    """Everything one app holds, in ``app.extensions['spiegel']`` (no module globals)."""

    def __init__(self, app: Flask, clock: Callable[[], float] = time.time):
        config = app.config
        self.app = app
        self.clock = clock
        self.db = Database(config["DATABASE_URL"], timeout=float(config["DB_TIMEOUT"]))
        self.pm = make_manager(config.get("PLUGINS_DIR"), _split(config.get("PLUGINS")))
        self.hook = self.pm.hook
        self.registry = collect_registry(self.pm)
        self.rights = collect_rights(self.pm)
        self.formats = collect_formats(self.pm, self.registry)
        self.outcome_kinds = collect_outcome_kinds(self.pm, self.formats)
        self.migrations = collect_migrations(self.pm)
        self.static = collect_static(self.pm)
        self.admin_actions = collect_admin_actions(self.pm)
        #: The admin page's panels of plugins besides the formats' (``register_admin_modules``).
        self.admin_modules = collect_admin_modules(self.pm)
        # Presence, the join/look-up/password limits and admin sessions are shared by every
        # worker when SPIEGEL_MESSAGE_QUEUE names Redis (server/shared_state.py); the sid →
        # participant map and the per-event limits stay per process (a socket lives in one).
        self.shared = open_shared(config)
        self.presence = Presence(self.shared.presence_mirror())
        self.presence_pace = Pace()
        self.connections: dict[str, tuple[str, str]] = {}
        self.capacity = Capacity(int(config["MAX_CONNECTIONS"]))
        #: How far behind this worker is; refuses new sockets and listeners' events past the
        #: threshold (:mod:`.load_shed`). Measuring starts with ``spiegel run``.
        self.load = LoadShed(int(config["SHED_LAG_MS"]) / 1000)
        #: Sockets of staff (moderator, assistant): their events pass while the worker sheds.
        self.staff_sids: set[str] = set()
        #: Signed cookies that let staff's new sockets through while the worker sheds.
        self.staff_passes = StaffPasses(config["SECRET_KEY"], clock)
        # Far above a real room (a tablet draining a long offline queue, 25 tablets behind one
        # hospital NAT), far below a flood. Settings: README, "Configuration".
        self.events = Window(10.0, int(config["EVENT_LIMIT"]), "Too many events from this participant; slow down.")
        self.address_events = Window(10.0, int(config["ADDRESS_EVENT_LIMIT"]),
                                     "Too many events from this address; slow down.")
        self.joins = Window(60.0, int(config["JOIN_LIMIT"]), "Too many joins from this address; wait a minute.",
                            self.shared.hits("joins"))
        self.lookups = Window(60.0, int(config["JOIN_LIMIT"]), "Too many look-ups from this address; wait a minute.",
                              self.shared.hits("lookups"))
        self.socketio = SocketIO()
        self.admin_password, self.admin_password_generated = admin_password(config)
        self.admin = AdminAuth(self.admin_password, float(config["ADMIN_SESSION_HOURS"]), int(config["LOGIN_LIMIT"]),
                               sessions=self.shared.sessions, failures=self.shared.hits("login"))
        #: Called with each new meeting (``spiegel run`` prints its join URL and QR code).
        self.announce: Callable[[Meeting], None] | None = None
        #: The expiry watcher's schedule, once :meth:`watch_timers` started it.
        self.timer_watch: TimerWatch | None = None
        #: The garbage collector's policy in a serving worker (:mod:`.collector`), once installed.
        self.collector: Collector | None = None

    # What handlers and the outbox ask of the app (context.Runtime). ---------------------------
    def allows(self, event: str, audience: str) -> bool:
        return self.registry.allows(event, audience)

    def state_payload(self, ctx: Ctx) -> dict:
        return state_payload(ctx)

    def snapshot(self, ctx: Ctx) -> dict:
        return snapshot(ctx)

    def kind(self, fmt: type[MeetingFormat], name: str) -> ParticipantKind | None:
        return fmt.kind(name)

    def start_timer(self, ctx: Ctx, seconds: float | None) -> None:
        start_timer(ctx, seconds)

    @property
    def assistant_rights(self) -> tuple[str, ...]:
        return tuple(r for r in self.rights if r != "setup")

    # URLs -----------------------------------------------------------------------------------
    @property
    def public_url(self) -> str:
        return (self.app.config.get("PUBLIC_URL") or default_public_url(self.app.config)).rstrip("/")

    def join_url(self, code: str) -> str:
        return f"{self.public_url}/join/{code}"

    def invite_url(self, code: str, token: str) -> str:
        # The secret travels in the fragment: browsers never send it, so no access log holds it.
        return f"{self.public_url}/join/{code}#invite={token}"

    def moderator_url(self, meeting_id: str, key: str) -> str:
        return f"{self.public_url}/moderate/{meeting_id}#key={key}"

    def display_url(self, code: str, key: str) -> str:
        return f"{self.public_url}/display/{code}#key={key}"

    # Sending ------------------------------------------------------------------------------------
    def context(self, session, meeting: Meeting) -> Ctx:
        """A context outside any sender's event (timer expiry, a new meeting, presence)."""
        return Ctx(spiegel=self, session=session, meeting=meeting, participant=None,
                   fmt=self.formats[meeting.format], now=self.clock())

    def deliver(self, ctx: Ctx, sender_sid: str | None = None) -> None:
        """After the commit: send what the context queued (a message marked ``skip_sender`` not
        to ``sender_sid``, the socket whose event it was), close revoked links' sockets (in
        every worker: presence knows them all, and a disconnect of another worker's socket goes
        through the message queue)."""
        for name, body, room, skip_sender in ctx.outbox.messages:
            if skip_sender and sender_sid is not None:
                self._emit_to_others(name, body, room, sender_sid)
            else:
                self.socketio.emit(name, body, to=room)
        # A meeting row the handler never loaded was not changed through it: its deadline stands,
        # unless a timer event set one with Core (``ctx.timer_deadline``).
        if self.timer_watch is not None:
            if ctx.loaded_meeting is not None:
                self.timer_watch.saw(deadline_of(ctx.loaded_meeting))
            self.timer_watch.saw(ctx.timer_deadline)
        for participant_id in ctx.revoked:
            for sid in self.presence.sockets(ctx.meeting_id, participant_id):
                self.socketio.server.disconnect(sid)

    def _emit_to_others(self, name: str, body: dict, room: str, sender_sid: str) -> None:
        """``name`` to ``room`` but not to ``sender_sid``; nothing at all (not even the packet's
        encoding) when this worker's room holds no one else and no other worker can (no message
        queue): the usual case, one tablet per listener."""
        manager = self.socketio.server.manager
        if not isinstance(manager, PubSubManager) and all(
                sid == sender_sid for sid, _eio_sid in manager.get_participants("/", room)):
            return
        self.socketio.emit(name, body, to=room, skip_sid=sender_sid)

    def broadcast_presence(self, meeting_id: str) -> None:
        """Tell staff who is here: at once, or in a reconnect storm once at the end of the
        second (:mod:`.pace`), with the state after it; while the worker sheds load, once
        after it caught up (:mod:`.load_shed`)."""
        if self.load.defer(f"presence:{meeting_id}", lambda: self._send_presence(meeting_id), self.socketio):
            return
        delay = self.presence_pace.admit(meeting_id)
        if delay is None:
            return
        if delay > 0:
            self.socketio.start_background_task(self._presence_later, meeting_id, delay)
            return
        self.send_presence(meeting_id)

    def _presence_later(self, meeting_id: str, delay: float) -> None:
        self.socketio.sleep(delay)
        self.presence_pace.fired(meeting_id)
        self.send_presence(meeting_id)

    def send_presence(self, meeting_id: str) -> None:
        """Presence to staff; skipped (staff catch up at their next sync) while storage is down."""
        try:
            # A Core transaction (``db.Unit``): two reads, no ORM Session (this runs in every
            # storm, up to five times a second per meeting).
            with self.db.unit() as unit:
                found = _PRESENCE_OF.row(unit.connection, {"meeting_id": meeting_id})
                if found is None:
                    return
                # The few columns the view needs, not the whole row with its JSON (this runs on
                # every connect and disconnect); a transient object, never saved.
                meeting = Meeting(**found._asdict())
                ctx = Ctx(spiegel=self, unit=unit, meeting=meeting, fmt=self.formats[meeting.format], now=self.clock())
                payload = {"version": meeting.version, "presence": self.presence.view(ctx)}
        except Exception as exc:
            refusal = storage.refusal(exc)
            if refusal is None:
                raise
            log.warning("presence not sent: %s", refusal.code)
            return
        self.socketio.emit("presence", payload, to=staff_room(meeting_id))

    def check_timers(self) -> int:
        return check_timers(self)

    def watch_timers(self) -> None:
        """Start the expiry watcher (once): it sleeps until the next deadline (:mod:`.timer_watch`)."""
        if self.timer_watch is None:
            self.timer_watch = TimerWatch(self.socketio.server.eio.create_event())
            watch(self, self.timer_watch, self.clock)


def open_shared(config: dict) -> Shared:
    """The stores for ``SPIEGEL_MESSAGE_QUEUE``: Redis when it names Redis, else this process's memory
    (redis-py is needed only then: ``pip install spiegel[redis]``)."""
    url = config.get("MESSAGE_QUEUE")
    if not url:
        return Shared()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("SPIEGEL_MESSAGE_QUEUE must be a redis:// (or rediss://) URL")
    from .redis_state import RedisShared

    return RedisShared(url, config.get("REDIS_PREFIX") or "spiegel:")


def _queue(spiegel: Spiegel) -> dict:
    """Socket.IO's message queue between workers, when there is one."""
    if spiegel.shared.kind != "redis":
        return {}
    queue = spiegel.shared.queue()
    queue.on_regained = lambda: catch_up(spiegel)
    return {"client_manager": queue}


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def default_public_url(config: dict) -> str:
    """The LAN address tablets can reach (no packet is sent: UDP connect only picks a route)."""
    host = config.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::", ""):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("10.255.255.255", 1))
                host = s.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    return f"http://{host}:{config.get('PORT', 5000)}"


def _no_delay(wsgi_app):
    """The WSGI servers (eventlet's and Werkzeug's) keep Nagle's algorithm on, which holds
    each small websocket frame back for a delayed ACK: about 40 ms per message, measured.
    Realtime traffic wants it off."""

    def middleware(environ, start_response):
        sock = environ.get("werkzeug.socket")
        if sock is None and "eventlet.input" in environ:
            sock = environ["eventlet.input"].get_socket()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return wsgi_app(environ, start_response)

    return middleware


def create_app(config: dict | None = None, clock: Callable[[], float] = time.time) -> Flask:
    """Defaults, then the environment, then ``config`` (tests)."""
    app = SpiegelFlask(__name__, static_folder=None)
    app.session_interface = SigningOnce()
    settings = load_config(config)
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    logging.basicConfig(level=settings["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise
    spiegel = Spiegel(app, clock)
    app.extensions["spiegel"] = spiegel
    migrate(spiegel.db.engine, spiegel.migrations)
    spiegel.socketio.init_app(
        app,
        async_mode=settings["ASYNC_MODE"],
        max_http_buffer_size=settings["MAX_MESSAGE_BYTES"],
        # A ping every 10 s; a tablet's watchdog waits interval + timeout (40 s in the browser)
        # for the next one. The ping round trip passes the hub three times, so a worker may be
        # about 8 s behind before a socket goes: four times SPIEGEL_SHED_LAG_MS's default, so
        # load shedding acts first (docs/deployment.md, "When a worker falls behind").
        ping_interval=10,
        ping_timeout=30,
        logger=False,
        engineio_logger=False,
        serializer=ScreenedPacket,
        **_queue(spiegel),
    )
    register(spiegel.socketio)

    # Inside the security headers (they go on the refusal too), around Engine.IO's middleware.
    app.wsgi_app = refuse_handshakes(app.wsgi_app, spiegel.load, spiegel.socketio.sockio_mw.engineio_path,
                                     passes=spiegel.staff_passes.held)
    app.wsgi_app = _no_delay(app.wsgi_app)
    http_guard.install(app, int(settings["TRUSTED_PROXIES"]))

    app.register_blueprint(web.bp)
    from .report.routes import bp as report_bp

    app.register_blueprint(report_bp)
    app.config["SPIEGEL_VERSION"] = __version__
    return app
