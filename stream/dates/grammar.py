"""Recognition: compile the regex templates of ``data/patterns.json`` with the word lists of
``data/lexicon.json`` and find non-overlapping mentions in a text.

Regexes over ``doc.text`` cost a few hundred microseconds per article, far below the
parser, which is why recognition does not use token patterns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+")
#: A rule match never starts further before, or ends further after, its trigger word.
_BEFORE, _AFTER = 40, 50


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled pattern: `method` names the Resolver method that normalises its matches."""

    name: str
    method: str
    regex: re.Pattern[str]
    deny_pos: dict[str, frozenset[str]]
    order: int
    triggers: frozenset[str]
    deny_unless: frozenset[str]


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised expression before normalisation; `groups` holds the named captures."""

    start: int
    end: int
    text: str
    rule: Rule
    groups: dict[str, str | None]
    spans: dict[str, tuple[int, int]]

    def get(self, name: str) -> str | None:
        value = self.groups.get(name)
        return value.lower() if value else None


@cache
def lexicon() -> dict[str, dict[str, Any]]:
    """The word lists, keys lower-cased with typographic apostrophes folded to ``'``."""
    raw = json.loads((DATA / "lexicon.json").read_text("utf-8"))
    return {name: {fold(k): v for k, v in words.items()} for name, words in raw.items() if not name.startswith("_")}


def fold(text: str) -> str:
    """Lower-case, fold apostrophes and collapse spaces, so lexicon look-ups match any spelling."""
    return " ".join(text.lower().replace("’", "'").split())


def lookup(list_name: str, text: str | None) -> Any:
    return lexicon()[list_name].get(fold(text)) if text else None


def _alternation(words: dict[str, Any]) -> str:
    """Longest first, so 'dix-huit' wins over 'dix'; spaces match any run of spaces."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s+").replace("'", "['’]")
        parts.append(escaped)
    return "(?:" + "|".join(parts) + ")"


def _expand(template: str) -> str:
    lists = lexicon()
    return _PLACEHOLDER.sub(lambda m: _alternation(lists[m.group(1)]), template)


@cache
def rules() -> tuple[Rule, ...]:
    spec = json.loads((DATA / "patterns.json").read_text("utf-8"))
    compiled = []
    for order, item in enumerate(spec["rules"]):
        regex = re.compile(r"(?<![\w-])(?:" + _expand(item["pattern"]) + r")(?![\w-])", re.IGNORECASE)
        deny = {group: frozenset(tags) for group, tags in item.get("deny_pos", {}).items()}
        unless = frozenset(item.get("deny_pos_unless", ()))
        compiled.append(Rule(item["name"], item["rule"], regex, deny, order, frozenset(item["triggers"]), unless))
    return tuple(compiled)


@cache
def _trigger_index() -> dict[str, frozenset[str]]:
    """Word -> names of the lists it may stand for; a multi-word entry is indexed by its longest word."""
    index: dict[str, set[str]] = {}
    for name, words in lexicon().items():
        for entry in words:
            longest = max(_WORD.findall(entry), key=len, default=None)
            if longest:
                index.setdefault(longest, set()).add(name)
    return {word: frozenset(names) for word, names in index.items()}


def _windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each list name, the merged character windows around its trigger words."""
    index = _trigger_index()
    found: dict[str, list[tuple[int, int]]] = {}
    for m in _WORD.finditer(text):
        word = m.group(0)
        names = {"digit"} if word.isdigit() else _names(index, word.lower())
        for name in names:
            lo, hi = max(0, m.start() - _BEFORE), m.end() + _AFTER
            spans = found.setdefault(name, [])
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
    return found


def _names(index: dict[str, frozenset[str]], word: str) -> frozenset[str]:
    """Lists a word stands for; 'mi-mars' or 'vingt-cinq' also count for their parts."""
    names = index.get(word, frozenset())
    if "-" in word:
        for part in word.split("-"):
            names |= index.get(part, frozenset())
    return names


def _rule_windows(rule: Rule, windows: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    spans = sorted(s for name in rule.triggers for s in windows.get(name, ()))
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def find_mentions(text: str) -> list[Mention]:
    """All rule matches near their triggers, then the longest non-overlapping ones (ties: the earlier rule)."""
    windows = _windows(text)
    candidates = []
    for rule in rules():
        for m in (m for lo, hi in _rule_windows(rule, windows) for m in rule.regex.finditer(text, lo, hi)):
            if m.end() > m.start():
                spans = {k: m.span(k) for k, v in m.groupdict().items() if v is not None}
                candidates.append(Mention(m.start(), m.end(), m.group(0), rule, m.groupdict(), spans))
    candidates.sort(key=lambda c: (c.start - c.end, c.rule.order, c.start))
    taken: list[Mention] = []
    for cand in candidates:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    return _trim(sorted(taken, key=lambda c: c.start))


def _trim(mentions: list[Mention]) -> list[Mention]:
    """Drop trailing punctuation a pattern may have swallowed (e.g. 'janv.' at a sentence end is kept)."""
    out = []
    for m in mentions:
        text = m.text.rstrip(" ,;:")
        out.append(m if text == m.text else Mention(m.start, m.start + len(text), text, m.rule, m.groups, m.spans))
    return out
