"""Shared fixtures: the real spaCy pipeline, the real broker, the schemas, the shared data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest

if TYPE_CHECKING:
    from stream.local import LocalStack

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
#: Sample articles written for the project (committed): tests that need any French article use these.
SAMPLE = ROOT / "stream" / "samples" / "iran-talks-2024-05-14.txt"
#: Set by `.ci/run` when ../shared exists: a missing shared file then fails its test instead of skipping it.
REQUIRE_SHARED_ENV = "STREAM_REQUIRE_SHARED"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, which sits beside the project's own checkout but not beside every clone.

    Called inside a test or fixture, never at import: a clone without it skips these tests, with the reason.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is absent (the project's shared data, beside the clone in ../shared)"
        if os.environ.get(REQUIRE_SHARED_ENV) == "1":
            pytest.fail(f"{reason}; {REQUIRE_SHARED_ENV}=1 requires it")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def seed() -> Path:
    """The seed article (third-party text, read in place from ../shared, never copied into the repository)."""
    return shared_path("articles", "nato-russia-2022-01.txt")


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
