"""Flask's cookie sessions with the signing serializer built once per key.

Flask builds the serializer (a key derivation setup) for every session it opens: each HTTP
request, and each socket's first event (its later events reuse that session:
:mod:`.socket_contexts`). The serializer only depends on the secret key (and its fallbacks)
and the interface's settings, so it is kept until the key changes; cookies are read and signed exactly as Flask does.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SigningOnce(SecureCookieSessionInterface):
    """``SecureCookieSessionInterface`` whose serializer is reused while the key stays the same."""

    def __init__(self) -> None:
        self._serializer: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._serializer
        if cached is None or cached[0] != key:
            cached = self._serializer = (key, super().get_signing_serializer(app))
        return cached[1]
