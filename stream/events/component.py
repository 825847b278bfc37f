"""spaCy component that extracts diplomatic events (placeholder: extracts none yet)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("stream_events", default_config={"model": ""})
def make_events(nlp: Language, name: str, model: str) -> "EventExtractor":
    return EventExtractor(model)


class EventExtractor:
    def __init__(self, model: str) -> None:
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = []
        return doc
