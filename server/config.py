"""Configuration from the environment, with defaults that are safe for one hospital room.

Every setting is listed in README.md's configuration table; `tests/test_config.py` keeps the
two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .storage import StorageError, check_writable

ASYNC_MODES = ("eventlet", "gevent", "threading")

#: (environment variable, config key, default, description). The default ``None`` means
#: "derived at start" (see :func:`load_config`).
SETTINGS: tuple[tuple[str, str, object, str], ...] = (
    ("SPIEGEL_INSTANCE_PATH", "INSTANCE_PATH", "./instance",
     "Folder for the SQLite database, the generated admin password and secret key."),
    ("DATABASE_URL", "DATABASE_URL", None,
     "SQLAlchemy URL; default SQLite `spiegel.db` in the instance folder (WAL). "
     "`postgresql+psycopg://...` for PostgreSQL."),
    ("SPIEGEL_ASYNC_MODE", "ASYNC_MODE", "gevent",
     "`gevent` (default), `eventlet` or `threading`. Set explicitly, never auto-detected."),
    ("SPIEGEL_HOST", "HOST", "0.0.0.0", "Address `spiegel run` listens on (tablets reach it over the LAN)."),
    ("SPIEGEL_PORT", "PORT", 5000, "Port `spiegel run` listens on."),
    ("SPIEGEL_PUBLIC_URL", "PUBLIC_URL", None,
     "Base URL printed and encoded in QR codes, e.g. `https://spiegel.example.org`; "
     "default: this machine's LAN address and port."),
    ("SPIEGEL_ADMIN_PASSWORD", "ADMIN_PASSWORD", None,
     "Admin password; when unset one is generated on first run, stored in the instance "
     "folder (mode 600) and printed once."),
    ("SPIEGEL_SECRET_KEY", "SECRET_KEY", None,
     "Flask session key; generated and kept in the instance folder when unset."),
    ("SPIEGEL_PLUGINS_DIR", "PLUGINS_DIR", None, "Folder of one-off plugin `.py` files to load."),
    ("SPIEGEL_PLUGINS", "PLUGINS", None,
     "Comma-separated names of installed (entry-point) plugins to load; default all."),
    ("SPIEGEL_MAX_MESSAGE_BYTES", "MAX_MESSAGE_BYTES", 1_000_000,
     "Largest Socket.IO message accepted; larger ones close the connection. Texts over their "
     "own limits (far below this) get a `text_too_long` error instead."),
    ("SPIEGEL_RETENTION_DAYS", "RETENTION_DAYS", 90,
     "Days after a meeting ends before its raw notes, questions and listener links are erased "
     "(`spiegel purge`, and hourly in the server); a date set per meeting wins. Report, outcomes "
     "and actions stay."),
    ("SPIEGEL_CONSENT_NAMES", "CONSENT_NAMES", 0,
     "`1`: the moderator may store the inner circle's names with their consent. Default `0`: "
     "only what was consented to, when, and how many people."),
    ("SPIEGEL_LOG_LEVEL", "LOG_LEVEL", "INFO", "Python log level. Logs never hold note or question text."),
    ("SPIEGEL_TRUSTED_PROXIES", "TRUSTED_PROXIES", 0,
     "How many reverse proxies in front of Spiegel may set `X-Forwarded-For`/`-Proto`/`-Host`; "
     "0 trusts none. Behind one HTTPS proxy set 1, or every tablet has the proxy's address."),
    ("SPIEGEL_EVENT_LIMIT", "EVENT_LIMIT", 200,
     "Socket events one participant (all its sockets together) may send in 10 seconds."),
    ("SPIEGEL_ADDRESS_EVENT_LIMIT", "ADDRESS_EVENT_LIMIT", 2000,
     "Socket events all participants at one address (a hospital NAT) may send in 10 seconds."),
    ("SPIEGEL_JOIN_LIMIT", "JOIN_LIMIT", 120,
     "Joins, and separately look-ups of a meeting by its code, one address may make in a minute."),
    ("SPIEGEL_LOGIN_LIMIT", "LOGIN_LIMIT", 10,
     "Wrong admin passwords (login form or `Bearer`) one address may try in 5 minutes; then that "
     "address waits, every other address can still sign in."),
    ("SPIEGEL_ADMIN_SESSION_HOURS", "ADMIN_SESSION_HOURS", 12,
     "An admin sign-in expires after this many hours; logout and a password change end it at once, and so "
     "does a restart of a single process (with `SPIEGEL_MESSAGE_QUEUE` sessions are in Redis)."),
    ("SPIEGEL_MAX_CONNECTIONS", "MAX_CONNECTIONS", 5000,
     "Socket.IO connections one server process holds; one more is refused with `server_full` "
     "(pages and the API are still served) and its tablet tries again. `spiegel run` sizes its "
     "pool and open-files limit from it."),
    ("SPIEGEL_SHED_LAG_MS", "SHED_LAG_MS", 2000,
     "Milliseconds this process may fall behind (its event loop's lag) before it sheds load: new "
     "sockets are refused with `server_busy`, listeners' events too (their tablets resend), staff "
     "events and open sockets go on. `0`: never shed."),
    ("SPIEGEL_DB_TIMEOUT", "DB_TIMEOUT", 5,
     "Seconds a PostgreSQL connect or transaction may take before the client gets `storage_unavailable`."),
    ("SPIEGEL_MESSAGE_QUEUE", "MESSAGE_QUEUE", None,
     "`redis://[:password@]host:port/db` for several workers: Socket.IO's message queue, presence, "
     "the join, look-up and admin-password limits and admin sessions in Redis. Default: one process, in memory."),
    ("SPIEGEL_REDIS_PREFIX", "REDIS_PREFIX", "spiegel:",
     "Prefix of every Redis key and of the message-queue channel (several deployments on one Redis)."),
    ("SPIEGEL_WORKERS", "WORKERS", 1,
     "`spiegel run` starts this many worker processes on consecutive ports from `SPIEGEL_PORT` "
     "(needs `SPIEGEL_MESSAGE_QUEUE` and PostgreSQL when above 1)."),
)


def load_config(overrides: dict | None = None) -> dict:
    """Defaults, then the environment, then explicit overrides (tests)."""
    config: dict = {}
    for env, key, default, _ in SETTINGS:
        value = os.environ.get(env)
        if value is None or value == "":
            value = default
        elif isinstance(default, int):
            value = int(value)
        config[key] = value
    config.update(overrides or {})
    if config["ASYNC_MODE"] not in ASYNC_MODES:
        raise ValueError(f"SPIEGEL_ASYNC_MODE must be one of {ASYNC_MODES}, not {config['ASYNC_MODE']!r}")
    instance = Path(config["INSTANCE_PATH"]).resolve()
    try:
        instance.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"The instance folder {instance} cannot be created ({exc.strerror}).") from None
    check_writable(instance)  # before anything is written there: say so and stop
    config["INSTANCE_PATH"] = str(instance)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'spiegel.db'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(instance / "secret-key", secrets.token_hex(32))
    return config


def _instance_secret(path: Path, fresh: str) -> str:
    """Read a secret kept in the instance folder, creating it (mode 600) on first use."""
    if path.exists():
        return path.read_text().strip()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(fresh)
    return fresh


def admin_password(config: dict) -> tuple[str, bool]:
    """The admin password and whether it was generated just now (so it is printed once)."""
    if config.get("ADMIN_PASSWORD"):
        return config["ADMIN_PASSWORD"], False
    path = Path(config["INSTANCE_PATH"]) / "admin-password"
    existed = path.exists()
    return _instance_secret(path, secrets.token_urlsafe(12)), not existed
