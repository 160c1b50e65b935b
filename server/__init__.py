"""Spiegel: a self-hosted realtime facilitation server for spiegelgesprekken.

This module stays free of Flask imports on purpose: the `spiegel run` entry point must be
able to monkey-patch eventlet before anything else is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .hookspecs import hookimpl

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Application factory; see :func:`spiegel.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app", "hookimpl"]
