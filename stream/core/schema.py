"""JSON Schemas (draft 2020-12) derived from the record dataclasses.

The dataclasses are the single source of truth; `schemas/*.schema.json` are
generated from them (``python -m stream.core.schema``) and a test fails when
the committed files drift.  Output records are closed (no extra properties);
the input article is open, so producers may add fields.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from stream.core.article import ArticleMessage
from stream.core.records import SCHEMA_VERSION, DeadLetter, Event, ReplayMark
from stream.core.story import Story

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
BASE_ID = "https://schemas.news-event-stream.dev"
SCHEMAS: dict[str, tuple[type, bool]] = {
    "article": (ArticleMessage, False),
    "event": (Event, True),
    "deadletter": (DeadLetter, True),
    "story": (Story, True),
    "replay": (ReplayMark, True),
}
_PRIMITIVES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def _type_schema(tp: Any, defs: dict[str, Any], closed: bool) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp in _PRIMITIVES:
        return {"type": _PRIMITIVES[tp]}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(a, defs, closed) for a in typing.get_args(tp)]
        return {"anyOf": options}
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _type_schema(item, defs, closed)}
    if dataclasses.is_dataclass(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # reserve the name before recursing
            defs[tp.__name__] = _object_schema(tp, defs, closed)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


def _object_schema(cls: type, defs: dict[str, Any], closed: bool) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        prop = _type_schema(hints[f.name], defs, closed)
        if "doc" in f.metadata:
            prop = {"description": f.metadata["doc"], **prop}
        properties[f.name] = prop
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {"type": "object", "description": (cls.__doc__ or "").strip().splitlines()[0],
                              "properties": properties, "required": required}
    if closed:
        schema["additionalProperties"] = False
    return schema


def build(name: str) -> dict[str, Any]:
    cls, closed = SCHEMAS[name]
    defs: dict[str, Any] = {}
    body = _object_schema(cls, defs, closed)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": f"{BASE_ID}/{name}/{SCHEMA_VERSION}.json", "title": f"{name} {SCHEMA_VERSION}", **body}
    if defs:
        schema["$defs"] = defs
    return schema


def render(name: str) -> str:
    return json.dumps(build(name), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the schemas; with --check, only report whether the committed files are current."""
    stale = []
    for name in SCHEMAS:
        path = SCHEMA_DIR / f"{name}.schema.json"
        text = render(name)
        if not path.exists() or path.read_text() != text:
            stale.append(path.name)
            if "--check" not in argv:
                path.write_text(text)
    if stale and "--check" in argv:
        print(f"stale schemas: {', '.join(stale)}; run: python -m stream.core.schema", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
