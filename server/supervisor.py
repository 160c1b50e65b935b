"""``spiegel run --workers N``: N worker processes on consecutive ports, kept running.

The supervisor migrates the database and creates the instance secrets once (so N workers
starting together neither race on a migration nor each generate an admin password), then
starts ``spiegel run --port P+i`` for each worker, starts again one that dies (waiting longer
each time one dies within seconds of its start, up to half a minute) and, on SIGTERM or
SIGINT, stops them all. It serves nothing itself and holds no meeting state: a reverse proxy
with sticky sessions spreads tablets over the ports (docs/deployment.md), and the workers
share everything else through Redis and PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

log = logging.getLogger("spiegel.supervisor")

#: A worker that lives shorter than this is "crashing at start": the next start waits longer.
HEALTHY_AFTER = 10.0
MAX_DELAY = 30.0


@dataclass
class Worker:
    port: int
    command: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = 0.0  #: wait before the next start, grown by quick deaths
    next_start: float = 0.0
    restarts: int = field(default=0)

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, env=self.env, stdin=subprocess.DEVNULL)
        self.started = time.monotonic()
        log.info("worker on port %d started (pid %d)", self.port, self.proc.pid)


def check(config: dict, workers: int) -> str | None:
    """Why ``workers`` workers cannot run with ``config``, or ``None``."""
    if workers > 1 and not config.get("MESSAGE_QUEUE"):
        return ("--workers above 1 needs SPIEGEL_MESSAGE_QUEUE=redis://… (the workers share sockets, presence "
                "and limits through Redis)")
    if workers > 1 and config["DATABASE_URL"].startswith("sqlite"):
        return "--workers above 1 needs PostgreSQL (DATABASE_URL=postgresql+psycopg://…)"
    return None


def worker_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "spiegel", "run", "--host", host, "--port", str(port)]


def supervise(host: str, base_port: int, workers: int, poll: float = 0.2) -> int:
    """Run until SIGTERM/SIGINT; returns the exit status."""
    env = dict(os.environ, SPIEGEL_WORKERS="1", PYTHONUNBUFFERED="1")
    pool = [Worker(base_port + i, worker_command(host, base_port + i), env) for i in range(workers)]
    stopping = []

    def stop(signum, _frame) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in pool:
        worker.start()
    while not stopping:
        now = time.monotonic()
        for worker in pool:
            if worker.proc is not None and worker.proc.poll() is not None:
                lived = now - worker.started
                worker.delay = 0.0 if lived >= HEALTHY_AFTER else min(MAX_DELAY, max(0.5, worker.delay * 2))
                log.warning("worker on port %d exited with %s after %.0f s; starting it again in %.1f s",
                            worker.port, worker.proc.returncode, lived, worker.delay)
                worker.proc, worker.next_start = None, now + worker.delay
                worker.restarts += 1
            if worker.proc is None and now >= worker.next_start:
                worker.start()
        time.sleep(poll)
    log.info("stopping %d workers", workers)
    for worker in pool:
        if worker.proc is not None and worker.proc.poll() is None:
            worker.proc.terminate()
    deadline = time.monotonic() + 15
    for worker in pool:
        if worker.proc is None:
            continue
        try:
            worker.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            worker.proc.wait(5)
    return 0
