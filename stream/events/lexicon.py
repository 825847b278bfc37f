"""The data files behind the event component, loaded once and compiled into matchers.

Everything a user may want to extend lives in ``stream/events/data/``:
``gazetteer.jsonl`` (states, capitals, organisations, blocs, groups, places,
persons), ``roles.jsonl`` (role and institution nouns), ``triggers.jsonl``
(event patterns) and ``cues.json`` (modality and attribution words).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from stream.events.triggers import TriggerMatcher

DATA = Path(__file__).parent / "data"
#: Actor kinds an entry may carry; capitals act for their state, cities are only places.
ACTING_KINDS = {"state", "organisation", "bloc", "group", "person", "capital"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer line: an actor or place and the ways French writes it."""

    code: str
    name: str
    kind: str
    venue: dict[str, str] | None = None
    #: Some names are written lower-case ("alliés européens", "talibans"); others must keep their capital.
    lower_ok: bool = False


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """One line of ``triggers.jsonl``: what a match means."""

    frame: str
    type: str
    cameo: str
    refine: dict[str, str] = field(default_factory=dict)
    speech: bool = False
    speaker_source: bool = False
    only_conditional: bool = False
    if_conditional: dict[str, str] | None = None
    #: The negation is part of the trigger ("ne veut pas", "n'hésitera pas à"): the event is asserted.
    negative: bool = False
    #: Only told by the narrator ("X a salué"), not inside a quote, where it is rhetoric ("nous saluons").
    narrated: bool = False


@dataclass
class Lexicon:
    """Compiled matchers plus the lookup tables they point into."""

    entries: list[Entry]
    names: PhraseMatcher
    adjectives: PhraseMatcher
    roles: PhraseMatcher
    role_kind: dict[str, str]
    rules: list[TriggerRule]
    triggers: TriggerMatcher
    cues: dict[str, Any]
    state_names: dict[str, tuple[str, str]]
    surnames: dict[str, int]
    #: Phrases whose words are no trigger ("en échange de", "dans un entretien" to a newspaper).
    fixed: PhraseMatcher


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.lstrip().startswith("#")]


def _with_bare_forms(names: list[str]) -> set[str]:
    """"Le Caire" is also "Caire" after a contracted article ("au Caire", "du Caire")."""
    forms = set(names)
    for name in names:
        article, _, rest = name.partition(" ")
        if article in {"Le", "Les"} and rest[:1].isupper():
            forms.add(rest)
    return forms


def _plurals(adjectives: list[str]) -> set[str]:
    """Adjectives as written plus their regular plurals (russe → russes)."""
    out = set(adjectives)
    out.update(a if a.endswith(("s", "x")) else a + "s" for a in adjectives)
    return out


def _patterns(nlp: Language, phrases: set[str]) -> list[Any]:
    return [nlp.make_doc(p) for p in sorted(phrases) if p.strip()]


def build_lexicon(nlp: Language, data: Path = DATA) -> Lexicon:
    """Compile the data files against this pipeline's vocabulary."""
    entries: list[Entry] = []
    names = PhraseMatcher(nlp.vocab, attr="LOWER")
    adjectives = PhraseMatcher(nlp.vocab, attr="LOWER")
    state_names: dict[str, tuple[str, str]] = {}
    surnames: dict[str, int] = {}
    for raw in _read_jsonl(data / "gazetteer.jsonl"):
        idx = len(entries)
        entry = Entry(raw["code"], raw["name"], raw["kind"], raw.get("venue"),
                      any(n[:1].islower() for n in raw.get("names", [])))
        entries.append(entry)
        if entry.kind in {"state", "organisation", "bloc", "group"}:
            state_names.setdefault(entry.code, (entry.name, entry.kind))
        if raw.get("names"):
            forms = set(raw["names"]) if entry.kind == "person" else _with_bare_forms(raw["names"])
            names.add(str(idx), _patterns(nlp, forms))
        if raw.get("adjectives"):
            adjectives.add(str(idx), _patterns(nlp, _plurals(raw["adjectives"])))
        if entry.kind == "person":
            for full in raw.get("names", []):
                surnames.setdefault(full.split()[-1].lower(), idx)
    roles = PhraseMatcher(nlp.vocab, attr="LOWER")
    role_kind: dict[str, str] = {}
    for raw in _read_jsonl(data / "roles.jsonl"):
        roles.add(raw["kind"], _patterns(nlp, set(raw["names"])))
        role_kind.update({n.lower(): raw["kind"] for n in raw["names"]})
    rules: list[TriggerRule] = []
    triggers = TriggerMatcher(nlp.vocab)
    for raw in _read_jsonl(data / "triggers.jsonl"):
        key = str(len(rules))
        rules.append(TriggerRule(
            frame=raw["frame"], type=raw["type"], cameo=raw["cameo"], refine=raw.get("refine", {}),
            speech=raw.get("speech", False), speaker_source=raw.get("source") == "speaker",
            only_conditional=raw.get("only_conditional", False), if_conditional=raw.get("if_conditional"),
            negative=raw.get("negative", False), narrated=raw.get("narrated", False),
        ))
        if "pattern" in raw:
            triggers.add_pattern(key, raw["pattern"])
        else:
            triggers.add_words(key, raw["lemmas"], raw.get("pos"))
    cues = json.loads((data / "cues.json").read_text(encoding="utf-8"))
    fixed = PhraseMatcher(nlp.vocab, attr="LOWER")
    fixed.add("fixed", _patterns(nlp, set(cues["fixed_expressions"])))
    return Lexicon(entries, names, adjectives, roles, role_kind, rules, triggers, cues, state_names, surnames, fixed)


