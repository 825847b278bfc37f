"""The committed schemas are current, valid draft 2020-12, and match the records."""

from __future__ import annotations

import json

import jsonschema
import pytest

from stream.core import schema
from stream.core.records import SCHEMA_VERSION

from .conftest import ROOT


@pytest.mark.parametrize("name", sorted(schema.SCHEMAS))
def test_committed_schema_is_generated_from_the_records(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text()
    assert committed == schema.render(name), "run: python -m stream.core.schema"


@pytest.mark.parametrize("name", sorted(schema.SCHEMAS))
def test_schema_is_valid_and_versioned(name: str) -> None:
    doc = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["$id"].endswith(f"/{SCHEMA_VERSION}.json")


def test_event_schema_has_the_contract_fields(validators: dict) -> None:
    props = validators["event"].schema["properties"]
    for field in ("event_id", "article_id", "type", "trigger", "source", "targets", "participants", "location",
                  "time", "modality", "speaker", "evidence", "confidence", "extractor"):
        assert field in props
    time_props = validators["event"].schema["$defs"]["TimeInfo"]["properties"]
    assert set(time_props) == {"text", "value", "earliest", "latest", "granularity", "anchor"}
    actor_props = validators["event"].schema["$defs"]["Actor"]["properties"]
    assert set(actor_props) == {"text", "code", "name", "kind", "affiliation"}


def test_event_schema_rejects_extra_and_missing_fields(validators: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validators["event"].validate({"event_id": "x"})
    article = {"id": "a", "text": "t", "extra": 1}
    validators["article"].validate(article)  # input is open to extra fields
