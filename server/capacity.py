"""How many Socket.IO connections this process holds, against ``SPIEGEL_MAX_CONNECTIONS``.

The WSGI server's pool is sized from the same number (server/serving.py): when every
connection is a websocket the server can still serve pages, joins and the admin page,
because the socket that would fill the pool is refused with ``server_full`` instead of
queued behind the others until its client gives up. Per process: with N workers each
counts its own sockets (the proxy spreads tablets over them).
"""

from __future__ import annotations

import threading


class Capacity:
    """Places for open connections; a freed place is given out again."""

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("SPIEGEL_MAX_CONNECTIONS must be at least 1")
        self.limit = limit
        self._open: set[str] = set()
        # Threading mode connects sockets on several threads at once; the lock keeps the
        # check and the claim one step (free under eventlet and gevent).
        self._lock = threading.Lock()

    def claim(self, sid: str) -> bool:
        """Take a place for ``sid``; False when every place is taken (the caller refuses it)."""
        with self._lock:
            if sid in self._open:
                return True
            if len(self._open) >= self.limit:
                return False
            self._open.add(sid)
            return True

    def release(self, sid: str) -> None:
        """Give ``sid``'s place back (on disconnect, or when its connect was refused)."""
        with self._lock:
            self._open.discard(sid)

    @property
    def open(self) -> int:
        return len(self._open)
