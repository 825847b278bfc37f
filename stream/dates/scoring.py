"""TempEval-3 style scores: strict and relaxed extraction, value F1 and type accuracy.

Extraction counts a predicted span as right when some gold span is identical (strict)
or overlaps it (relaxed), and a gold span as found likewise.  For attributes, gold and
predicted spans are paired one-to-one (identical spans first, then largest overlap);
value F1 counts the pairs with equal values against all predicted and all gold spans.
The TIMEX3 ``mod`` (START, APPROX...) is scored over the same pairs: precision over the
predicted mods, recall over the gold mods, and agreement where both sides carry one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class SpanLike(Protocol):
    start: int
    end: int
    text: str
    type: str
    value: str | None
    mod: str | None


@dataclass(slots=True)
class Counts:
    gold: int = 0
    pred: int = 0
    strict_pred: int = 0
    strict_gold: int = 0
    relaxed_pred: int = 0
    relaxed_gold: int = 0
    pairs: int = 0
    value_ok: int = 0
    type_ok: int = 0
    gold_mods: int = 0
    pred_mods: int = 0
    both_mods: int = 0
    mod_ok: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def prf(self, hit_pred: int, hit_gold: int) -> tuple[float, float, float]:
        p = hit_pred / self.pred if self.pred else 0.0
        r = hit_gold / self.gold if self.gold else 0.0
        return p, r, self.f1(p, r)

    @property
    def strict(self) -> tuple[float, float, float]:
        return self.prf(self.strict_pred, self.strict_gold)

    @property
    def relaxed(self) -> tuple[float, float, float]:
        return self.prf(self.relaxed_pred, self.relaxed_gold)

    @property
    def value(self) -> tuple[float, float, float]:
        return self.prf(self.value_ok, self.value_ok)

    @property
    def prf_mod(self) -> tuple[float, float, float]:
        p = self.mod_ok / self.pred_mods if self.pred_mods else 0.0
        r = self.mod_ok / self.gold_mods if self.gold_mods else 0.0
        return p, r, self.f1(p, r)

    @property
    def type_accuracy(self) -> float:
        return self.type_ok / self.pairs if self.pairs else 0.0

    def report(self) -> str:
        lines = [f"gold timexes {self.gold}, predicted {self.pred}",
                 f"{'':10} {'P':>6} {'R':>6} {'F1':>6}"]
        for name, (p, r, f) in (("strict", self.strict), ("relaxed", self.relaxed), ("value", self.value)):
            lines.append(f"{name:10} {p:6.3f} {r:6.3f} {f:6.3f}")
        lines.append(f"type accuracy {self.type_accuracy:.3f} (over {self.pairs} relaxed matches)")
        p, r, f = self.prf_mod
        lines.append(f"mod        {p:6.3f} {r:6.3f} {f:6.3f}  (gold {self.gold_mods}, predicted {self.pred_mods}, "
                     f"equal {self.mod_ok} of {self.both_mods} pairs where both carry one)")
        return "\n".join(lines)


def _overlap(a: SpanLike, b: SpanLike) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def score_doc(counts: Counts, name: str, gold: Sequence[SpanLike], pred: Sequence[SpanLike]) -> None:
    """Add one document's gold and predicted spans to `counts`, noting every error."""
    counts.gold += len(gold)
    counts.pred += len(pred)
    counts.gold_mods += sum(g.mod is not None for g in gold)
    counts.pred_mods += sum(p.mod is not None for p in pred)
    for p in pred:
        counts.strict_pred += any((g.start, g.end) == (p.start, p.end) for g in gold)
        hit = any(_overlap(g, p) > 0 for g in gold)
        counts.relaxed_pred += hit
        if not hit:
            counts.errors.append(f"{name}\tspurious\t{p.text!r}\t{_attrs(p)}")
    for g in gold:
        counts.strict_gold += any((g.start, g.end) == (p.start, p.end) for p in pred)
        hit = any(_overlap(g, p) > 0 for p in pred)
        counts.relaxed_gold += hit
        if not hit:
            counts.errors.append(f"{name}\tmissed\t{g.text!r}\t{_attrs(g)}")
    candidates = sorted(((g, p) for g in gold for p in pred if _overlap(g, p) > 0),
                        key=lambda gp: ((gp[0].start, gp[0].end) != (gp[1].start, gp[1].end), -_overlap(*gp)))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for g, p in candidates:
        if id(g) in used_g or id(p) in used_p:
            continue
        used_g.add(id(g))
        used_p.add(id(p))
        counts.pairs += 1
        counts.value_ok += g.value == p.value
        counts.type_ok += g.type == p.type
        counts.both_mods += g.mod is not None and p.mod is not None
        counts.mod_ok += g.mod is not None and g.mod == p.mod
        if g.value != p.value or g.type != p.type or g.mod != p.mod or (g.start, g.end) != (p.start, p.end):
            counts.errors.append(f"{name}\tmismatch\tgold {g.text!r} {_attrs(g)}\tpred {p.text!r} {_attrs(p)}")


def _attrs(t: SpanLike) -> str:
    return f"{t.type} {t.value}" + (f" mod={t.mod}" if t.mod else "")
