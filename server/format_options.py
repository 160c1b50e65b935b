"""A format's creation options as a form describes them (``/api/formats``, the snapshot's
``format.options``): one entry per field of the format's ``options`` class, with what a form
needs to draw and check it before the server does (type, limits, choices, help).

The server validates with the class itself (``meetings.format_options``); this is only the
description, so that the admin page can draw any plugin's options without knowing them.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

#: Constraint attributes (annotated_types, pydantic's StringConstraints) a form can check.
LIMITS = {"ge": "min", "le": "max", "min_length": "min_length", "max_length": "max_length"}


def _pick(texts: Mapping[str, str] | None, language: str) -> str:
    texts = texts or {}
    return texts.get(language) or texts.get("nl", "")


def _unwrap(annotation: Any) -> tuple[Any, bool, list]:
    """``X | None`` and ``Annotated[X, ...]`` taken apart: (X, may be null, constraint objects)."""
    nullable, metadata = False, []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(annotation))
            if len(args) != 1:
                return annotation, nullable, metadata
            annotation = args[0]
        else:
            return annotation, nullable, metadata


def _limits(metadata: list) -> dict:
    out = {}
    for item in metadata:
        for attr, key in LIMITS.items():
            value = getattr(item, attr, None)
            if isinstance(value, int) and not isinstance(value, bool):
                out[key] = value
    return out


def create_only(info: Any) -> bool:
    """Whether an option is read once, by the format's ``configure`` when the meeting is made
    (``json_schema_extra={"create_only": True}``): forms leave it out afterwards, and the API
    refuses to change it."""
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("create_only", False))


def field_wire(name: str, info: Any, language: str) -> dict:
    """``{name, type, title, default, nullable, editable, help?, min?, max?, max_length?,
    choices?, fields?}``: ``type`` is ``integer``, ``boolean``, ``text``, ``choice`` (with
    ``choices: [{value, title}]``) or ``object`` (with ``fields``, the same shape)."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation, nullable, metadata = _unwrap(info.annotation)
    default = info.get_default(call_default_factory=True) if not info.is_required() else None
    wire: dict = {"name": name, "title": _pick(extra.get("title"), language) or name,
                  "default": default if isinstance(default, str | int | float | bool | type(None)) else None,
                  "nullable": nullable, "required": info.is_required(),
                  # Options the format reads once, when the meeting is made (``configure``):
                  # changing them later would not do what the form says.
                  "editable": not create_only(info)}
    if extra.get("help"):
        wire["help"] = _pick(extra["help"], language)
    wire.update(_limits([*metadata, *info.metadata]))
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        wire["type"] = "object"
        wire["fields"] = [field_wire(n, i, language) for n, i in annotation.model_fields.items()]
    elif get_origin(annotation) is Literal:
        titles = extra.get("choices") or {}
        wire["type"] = "choice"
        wire["choices"] = [{"value": v, "title": _pick(titles.get(v), language) or str(v)}
                           for v in get_args(annotation)]
    elif annotation is bool:
        wire["type"] = "boolean"
    elif annotation is int:
        wire["type"] = "integer"
    else:
        wire["type"] = "text"
    return wire


def options_wire(options: type | None, language: str) -> list[dict]:
    """A format's own meeting fields for forms, in ``language`` (Dutch when it lacks one)."""
    if options is None:
        return []
    return [field_wire(name, info, language) for name, info in options.model_fields.items()]
