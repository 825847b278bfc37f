"""`evaluate` reads JSONL corpora (one article per line, texts beside them) as well as per-file gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stream.commands import UserError
from stream.commands.evaluate import load_gold

TEXT = " date 2018-03 Le ministre français a rencontré mardi son homologue allemand à Berlin."


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "texts" / "b.txt").write_text(TEXT, encoding="utf-8")
    folder = tmp_path / "events" / "gold"
    folder.mkdir(parents=True)
    event = {"type": "MEETING", "core": True, "actors": ["FRA", "DEU"], "cue": "a rencontré mardi"}
    lines = [{"id": name, "file": f"texts/{name}.txt", "split": split, "events": [event]}
             for name, split in (("a", "dev"), ("b", "heldout"))]
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return path


def test_jsonl_corpus_finds_texts_in_a_parent_folder(tmp_path: Path) -> None:
    golds = load_gold(_corpus(tmp_path))
    assert [g.name for g in golds] == ["batch.jsonl:a", "batch.jsonl:b"]
    assert [g.split for g in golds] == ["dev", "heldout"]
    assert golds[0].text_path == tmp_path / "texts" / "a.txt"
    assert golds[1].events[0]["cue"] == "a rencontré mardi"


def test_missing_corpus_text_is_a_user_error(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    (tmp_path / "texts" / "b.txt").unlink()
    with pytest.raises(UserError, match="texts/b.txt not found"):
        load_gold(path)
