"""Shared fixtures: the real spaCy pipeline, the real broker, the schemas, the shared data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest

if TYPE_CHECKING:
    from stream.local import LocalStack

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "articles" / "nato-russia-2022-01.txt"


@pytest.fixture(scope="session")
def extractor():  # noqa: ANN201 - stream.core.pipeline.Extractor, imported lazily
    """The real pipeline, loaded once for the whole session."""
    from stream.core.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def validators() -> dict[str, jsonschema.Draft202012Validator]:
    """Validators for the committed schemas (the contract other services read)."""
    out = {}
    for name in ("article", "event", "deadletter"):
        schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
        out[name] = jsonschema.Draft202012Validator(schema)
    return out


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The embedded broker and one real worker process, torn down after the module."""
    from stream.local import LocalStack

    local = LocalStack(workdir=tmp_path_factory.mktemp("stack"))
    try:
        local.start(workers=1)
        yield local
    finally:
        local.stop()
