"""Bad and odd input against a running worker: every message is accounted for, the worker lives on.

Each kind below is published once to the embedded broker and read by one real
worker.  A kind either expects one dead letter with a given reason, or ``OK``:
it is processed, its events (if any) validate and their offsets index the text
the worker analysed.  Afterwards ``in = processed + dead-lettered`` must hold
exactly, the worker must still process a good article, and its RSS must stay
bounded.  All texts are written for this test.
"""

from __future__ import annotations

import base64
import random
import time
from dataclasses import dataclass
from typing import Any

import orjson
import psutil
import pytest

from stream.commands.consume import read_topic
from stream.app.processing import MAX_DEADLETTER_KEY_BYTES, MAX_DEADLETTER_ORIGINAL_BYTES
from stream.commands.produce import make_producer
from stream.core.article import MAX_ID_CHARS, MAX_MESSAGE_BYTES, MAX_TEXT_CHARS, article_from_bytes, message_id

from .conftest import SAMPLE

pytestmark = [pytest.mark.broker, pytest.mark.timeout(600)]

OK = "ok"

FR = ("Le ministre russe des Affaires étrangères a rencontré mercredi à Genève le secrétaire d'État "
      "américain. Moscou a rejeté la proposition de l'OTAN et a averti les alliés.")
EN = ("The Russian foreign minister met the US secretary of state in Geneva on Wednesday. Moscow rejected "
      "the NATO proposal and warned the allies that it would respond to any further expansion of the alliance.")
RU = ("Министр иностранных дел России встретился в среду в Женеве с госсекретарём США. Москва отвергла "
      "предложение НАТО и предупредила союзников, что ответит на любое дальнейшее расширение альянса.")
AR = ("التقى وزير الخارجية الروسي يوم الأربعاء في جنيف بوزير الخارجية الأمريكي. ورفضت موسكو اقتراح حلف "
      "الناتو وحذرت الحلفاء من أنها سترد على أي توسع جديد للحلف.")


def _json(**obj: Any) -> bytes:
    return orjson.dumps(obj)


def _binary() -> bytes:
    rng = random.Random(6)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4096))


#: Bytes of the 5 MB article: a French paragraph written for this test, repeated, as one JSON message.
FIVE_MB = _json(id="five-mb", text=(FR + "\n\n") * (5 * 1024 * 1024 // (len(FR.encode()) + 2)))


@dataclass(frozen=True)
class Kind:
    name: str
    value: bytes | None
    expect: str  # a dead-letter reason, or OK
    key: bytes | None = b""  # b"": use the name; None: a null key
    truncated: bool = False

    @property
    def record_key(self) -> bytes | None:
        return self.name.encode() if self.key == b"" else self.key


KINDS: list[Kind] = [
    # Not JSON, or JSON of the wrong shape
    Kind("json-truncated", b'{"id": "json-truncated", "text": "Le sommet a', "invalid_json"),
    Kind("json-trailing-comma", b'{"id": "json-trailing-comma", "text": "Le sommet.",}', "invalid_json"),
    Kind("json-nested-10000", b"[" * 10_000 + b"]" * 10_000, "invalid_json"),
    Kind("json-lone-surrogate", b'{"id": "json-lone-surrogate", "text": "Le sommet \\ud800 a eu lieu."}',
         "invalid_json"),
    Kind("json-array", b'[{"id": "json-array", "text": "Le sommet."}]', "invalid_shape"),
    Kind("json-text-list", _json(id="json-text-list", text=["Le", "sommet"]), "invalid_shape"),
    Kind("json-text-number", _json(id="json-text-number", text=42), "invalid_shape"),
    Kind("json-id-bool", _json(id=True, text=FR), "invalid_shape"),
    Kind("json-id-empty", _json(id="  ", text=FR), "invalid_shape"),
    Kind("json-id-10k-chars", _json(id="x" * 10_000, text=FR), "invalid_shape"),
    Kind("json-date-number", _json(id="json-date-number", text=FR, date=20220112), "invalid_shape"),
    Kind("json-lang-object", _json(id="json-lang-object", text=FR, lang={"code": "fr"}), "invalid_shape"),
    Kind("json-no-text", _json(id="json-no-text", date="2022-01"), "missing_text"),
    Kind("json-text-null", _json(id="json-text-null", text=None), "missing_text"),
    # Empty
    Kind("value-null", None, "empty_message"),
    Kind("value-empty", b"", "empty_message"),
    Kind("value-whitespace", b" \r\n\t ", "empty_message"),
    Kind("json-text-empty", _json(id="json-text-empty", text=""), "empty_text"),
    Kind("json-text-unicode-spaces", _json(id="json-text-unicode-spaces", text="\u00a0\u2003\u3000\n\t"),
         "empty_text"),
    Kind("header-only", b"date 2022-01-12T10:00Z   \n", "empty_text"),
    # Not UTF-8
    Kind("utf8-overlong", b"Le sommet \xc0\xaf a eu lieu.", "invalid_utf8"),
    Kind("utf8-encoded-surrogate", b"Le sommet \xed\xa0\x80 a eu lieu.", "invalid_utf8"),
    Kind("latin1", "Le ministre a déclaré à Genève qu'il était prêt.".encode("latin-1"), "invalid_utf8"),
    Kind("binary", _binary(), "invalid_utf8"),
    # Dates
    Kind("date-2022-13", ("date 2022-13 " + FR).encode(), "bad_date"),
    Kind("date-0000-00", ("date 0000-00 " + FR).encode(), "bad_date"),
    Kind("date-feb-30", _json(id="date-feb-30", text=FR, date="2022-02-30"), "bad_date"),
    Kind("date-words", _json(id="date-words", text=FR, date="mercredi dernier"), "bad_date"),
    Kind("date-time-zone", ("date 2022-01-12T23:30:00-05:00 " + FR).encode(), OK),
    Kind("date-utc-json", _json(id="date-utc-json", text=FR, date="2022-01-12T08:00:00Z"), OK),
    # Languages: explicit lang wins, else detection; too short to tell is French
    Kind("english", EN.encode(), "unsupported_language"),
    Kind("russian", RU.encode(), "unsupported_language"),
    Kind("arabic", AR.encode(), "unsupported_language"),
    Kind("russian-json", _json(id="russian-json", text="date 2022-01 " + RU), "unsupported_language"),
    Kind("lang-explicit-en-on-french", _json(id="lang-explicit-en-on-french", text=FR, lang="en"),
         "unsupported_language"),
    Kind("lang-explicit-fr-on-english", _json(id="lang-explicit-fr-on-english", text=EN, lang="fr-FR"), OK),
    Kind("single-word", b"Sommet", OK),
    Kind("single-russian-word", "Саммит".encode(), OK),
    # Valid but odd
    Kind("html", ("<html><body><h1>Sommet &amp; crise</h1><p>" + FR.replace("'", "&#39;")
                  + "&nbsp;<br/></p><script>alert(1)</script></body></html>").encode(), OK),
    Kind("control-chars", ("Le\x00 ministre\x07 russe\x1b[31m a rencontré\x08 mercredi\r à Genève\x0c le secrétaire "
                           "d'État américain.\x7f Moscou a rejeté la proposition.").encode(), OK),
    Kind("emoji", ("🇷🇺🤝🇺🇸 " + FR.replace("Genève", "Genève 🇨🇭") + " 👍🏽👨‍👩‍👧").encode(), OK),
    Kind("combining-accents-zero-width", ("\u200bLe ministre a rencontre\u0301 mercredi a\u0300 Gene\u0300ve "
                                          "le secre\u0301taire d'E\u0301tat.\u200d\u202eMoscou a rejete\u0301.")
         .encode(), OK),
    Kind("bom-raw-text", ("\ufeffdate 2022-01 " + FR).encode(), OK),
    Kind("bom-json", "\ufeff".encode() + _json(id="bom-json", text=FR), OK),
    Kind("digits-only", b"42", OK),
    Kind("punctuation-only", b"!!! ??? ... --- ***", OK),
    Kind("key-null", (FR + " (clé nulle)").encode(), OK, key=None),
    Kind("key-binary", (FR + " (clé binaire)").encode(), OK, key=b"\xff\xfe\x00key"),
    Kind("key-too-long-for-an-id", (FR + " (clé longue)").encode(), OK, key=b"k" * (MAX_ID_CHARS + 1)),
    Kind("key-of-2-mb-on-bad-json", b'{"text": ', "invalid_json", key=b"k" * (2 * 1024 * 1024)),
    Kind("five-mb", FIVE_MB, OK, truncated=True),
    Kind("five-mb-english", (EN + " ").encode() * (5 * 1024 * 1024 // (len(EN) + 1)), "unsupported_language"),
    Kind("over-8-mib", b"a " * (MAX_MESSAGE_BYTES // 2 + 1), "too_large"),
    Kind("sentence-x10000", (FR.split(". ")[0] + ". ").encode() * 10_000, OK, truncated=True),
    Kind("long-line-no-spaces", b"Moscou" + b"a" * 300_000 + b"!", OK, truncated=True),
    Kind("many-blank-lines", b"\n" * 50_000 + FR.encode() + b"\n" * 50_000, OK, truncated=True),
]


def _b64(data: bytes | None) -> str | None:
    """A key as its dead letter records it: at most MAX_DEADLETTER_KEY_BYTES of it."""
    return None if data is None else base64.b64encode(data[:MAX_DEADLETTER_KEY_BYTES]).decode()


def _embedded(kind: Kind) -> str:
    """What the dead letter of `kind` must carry: its value, cut to the embedding limit."""
    return base64.b64encode((kind.value or b"")[:MAX_DEADLETTER_ORIGINAL_BYTES]).decode()


def _tree_rss(pid: int) -> int:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def _send(settings: Any, kinds: list[Kind]) -> None:
    producer = make_producer(settings)
    try:
        futures = [producer.send(settings.topic_articles, key=k.record_key, value=k.value) for k in kinds]
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close(timeout=10)


@pytest.fixture(scope="module")
def run(stack):  # noqa: ANN001, ANN201
    """Publish every kind once; wait until the worker has accounted for all of them; collect outputs."""
    settings = stack.settings()
    worker = stack.workers[0]
    rss_before = _tree_rss(worker.proc.pid)
    t0 = time.monotonic()
    _send(settings, KINDS)
    stack.wait_accounted(len(KINDS), timeout=300)
    seconds = time.monotonic() - t0
    rss_after = _tree_rss(worker.proc.pid)
    stats = stack.stats()[0]
    events = [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]
    dead = [orjson.loads(v) for v in read_topic(settings, settings.topic_deadletter, follow=False, idle=2.0)]
    return {"stats": stats, "events": events, "dead": dead, "rss": (rss_before, rss_after), "seconds": seconds}


def test_there_are_at_least_30_kinds() -> None:
    assert len(KINDS) >= 30 and len({k.name for k in KINDS}) == len(KINDS)


def test_accounting_holds_exactly(run) -> None:  # noqa: ANN001
    stats = run["stats"]
    expected_dead = sum(k.expect != OK for k in KINDS)
    assert stats["articles_in"] == len(KINDS) == stats["processed"] + stats["deadlettered"], stats
    assert stats["deadlettered"] == expected_dead == len(run["dead"]), stats
    assert stats["processed"] == len(KINDS) - expected_dead
    assert stats["events_out"] == len(run["events"])
    assert stats["truncated"] == sum(k.truncated for k in KINDS)


@pytest.mark.parametrize("kind", [k for k in KINDS if k.expect != OK], ids=lambda k: k.name)
def test_dead_letter_with_its_reason(run, validators, kind: Kind) -> None:  # noqa: ANN001
    records = [r for r in run["dead"] if r["original_key_base64"] == _b64(kind.record_key)
               and r["original_base64"] == _embedded(kind)]
    assert len(records) == 1, f"{kind.name}: {len(records)} dead letters"
    record = records[0]
    validators["deadletter"].validate(record)
    assert record["reason"] == kind.expect, record["message"]
    assert record["message"] and record["topic"] == "articles" and record["offset"] >= 0
    # The key is the id, as for articles (the kinds' JSON ids equal their keys).
    assert record["article_id"] == (message_id(kind.value, kind.record_key) if kind.record_key else None), record
    if kind.value is not None and len(kind.value) > MAX_DEADLETTER_ORIGINAL_BYTES:
        assert f"of {len(kind.value)} bytes" in record["message"], record["message"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k.expect == OK], ids=lambda k: k.name)
def test_valid_but_odd_input_is_processed(run, validators, kind: Kind) -> None:  # noqa: ANN001
    assert not [r for r in run["dead"] if r["original_key_base64"] == _b64(kind.record_key)
                and r["original_base64"] == _embedded(kind)], f"{kind.name} was dead-lettered"
    article = article_from_bytes(kind.value, kind.record_key)  # the same edge the worker ran
    assert article.truncated == kind.truncated
    assert len(article.text) <= MAX_TEXT_CHARS
    for event in (e for e in run["events"] if e["article_id"] == article.id):
        validators["event"].validate(event)
        for span in [event["trigger"], *event["evidence"]]:
            assert 0 <= span["start"] < span["end"] <= len(article.text)
            assert article.text[span["start"]:span["end"]] == span["text"]


def test_french_odd_inputs_still_yield_events(run) -> None:  # noqa: ANN001
    """Markup, control characters, emoji, a time zone or a null key do not hide the events."""
    with_events = {e["article_id"] for e in run["events"]}
    for name in ("html", "control-chars", "emoji", "date-time-zone", "date-utc-json", "key-null", "key-binary",
                 "bom-raw-text", "bom-json", "five-mb", "many-blank-lines", "key-too-long-for-an-id"):
        kind = next(k for k in KINDS if k.name == name)
        assert article_from_bytes(kind.value, kind.record_key).id in with_events, name


def test_json_after_a_byte_order_mark_is_read_as_json(run) -> None:  # noqa: ANN001
    events = [e for e in run["events"] if e["article_id"] == "bom-json"]
    assert events and all(not e["evidence"][0]["text"].startswith("{") for e in events)


def test_repeated_sentence_gives_a_bounded_number_of_events(run) -> None:  # noqa: ANN001
    events = [e for e in run["events"] if e["article_id"] == "sentence-x10000"]
    assert len(events) <= 10, f"{len(events)} events from one repeated sentence"


def test_five_mb_text_is_cut_to_the_limit(run) -> None:  # noqa: ANN001
    """The message is 5 MB; only the first MAX_TEXT_CHARS characters are analysed, the rest is dropped."""
    assert len(FIVE_MB) > 5 * 1024 * 1024 - 10_000
    events = [e for e in run["events"] if e["article_id"] == "five-mb"]
    assert events
    assert max(e["trigger"]["end"] for e in events) <= MAX_TEXT_CHARS


def test_worker_alive_and_still_processing(run, stack) -> None:  # noqa: ANN001
    worker = stack.workers[0]
    assert worker.alive(), worker.log_tail()
    settings = stack.settings()
    _send(settings, [Kind("after-bad-batch", SAMPLE.read_bytes(), OK)])
    stack.wait_accounted(len(KINDS) + 1, timeout=120)
    events = [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]
    assert any(e["article_id"] == "after-bad-batch" for e in events)
    stats = stack.stats()[0]
    assert stats["articles_in"] == stats["processed"] + stats["deadlettered"] == len(KINDS) + 1


def test_dead_letters_stay_under_kafkas_default_record_limit(run) -> None:  # noqa: ANN001
    """A 5 or 8 MB bad input must not make a dead letter that the broker would refuse (1 MB by default)."""
    assert max(len(orjson.dumps(r)) for r in run["dead"]) < 1024 * 1024


def test_rss_did_not_explode(run) -> None:  # noqa: ANN001
    before, after = run["rss"]
    assert after < before + 600 * 1024 * 1024, f"RSS {before / 2**20:.0f} MB -> {after / 2**20:.0f} MB"
