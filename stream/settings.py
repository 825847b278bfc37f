"""Every setting, read from the environment in one place.

Each field names its environment variable in its metadata; the README table,
the deploy files and their tests all read `Settings.env_names()`, so a setting
has exactly one name.  Secrets are never printed: `Settings.redacted()` masks them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


def env(name: str, doc: str, secret: bool = False) -> dict[str, Any]:
    return {"env": name, "doc": doc, "secret": secret}


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str = field(default="localhost:9092", metadata=env(
        "KAFKA_BOOTSTRAP_SERVERS", "Comma-separated host:port list of the Kafka cluster."))
    security_protocol: str = field(default="PLAINTEXT", metadata=env(
        "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."))
    sasl_mechanism: str = field(default="SCRAM-SHA-512", metadata=env(
        "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (used with SASL_*)."))
    sasl_username: str | None = field(default=None, metadata=env("KAFKA_SASL_USERNAME", "SASL user name."))
    sasl_password: str | None = field(default=None, repr=False, metadata=env(
        "KAFKA_SASL_PASSWORD", "SASL password (never logged).", secret=True))
    ssl_cafile: str | None = field(default=None, metadata=env(
        "KAFKA_SSL_CAFILE", "PEM file of the CA that signed the brokers' certificates."))
    ssl_certfile: str | None = field(default=None, metadata=env(
        "KAFKA_SSL_CERTFILE", "Client certificate (PEM) for mutual TLS."))
    ssl_keyfile: str | None = field(default=None, metadata=env(
        "KAFKA_SSL_KEYFILE", "Client private key (PEM) for mutual TLS."))
    app_id: str = field(default="news-event-stream", metadata=env(
        "STREAM_APP_ID", "Faust app id: the consumer group and the prefix of internal topics."))
    topic_articles: str = field(default="articles", metadata=env("STREAM_TOPIC_ARTICLES", "Input topic."))
    topic_events: str = field(default="events", metadata=env("STREAM_TOPIC_EVENTS", "Output topic of events."))
    topic_deadletter: str = field(default="articles-deadletter", metadata=env(
        "STREAM_TOPIC_DEADLETTER", "Topic of inputs that could not be processed."))
    topic_stories: str = field(default="stories", metadata=env(
        "STREAM_TOPIC_STORIES", "Compacted output topic of stories (events of many articles fused), keyed by story_id."))
    fusion: bool = field(default=True, metadata=env(
        "STREAM_FUSION", "Run the story fusion agent in the worker (0 turns it off)."))
    story_idle_seconds: float = field(default=86400.0, metadata=env(
        "STREAM_STORY_IDLE_SECONDS", "A story with no new report for this long is closed and leaves the table."))
    partitions: int = field(default=4, metadata=env(
        "STREAM_PARTITIONS", "Partitions of the topics the app creates; bounds the number of useful workers."))
    replication_factor: int = field(default=1, metadata=env(
        "STREAM_REPLICATION_FACTOR", "Replication factor of the topics the app creates."))
    web_host: str = field(default="127.0.0.1", metadata=env(
        "STREAM_WEB_HOST", "Address the dashboard binds to; 0.0.0.0 exposes it."))
    web_port: int = field(default=6066, metadata=env("STREAM_WEB_PORT", "Port of the dashboard and API."))
    web_token: str | None = field(default=None, repr=False, metadata=env(
        "STREAM_WEB_TOKEN", "If set, pages and API require 'Authorization: Bearer <token>'.", secret=True))
    model: str = field(default="fr_core_news_md", metadata=env("STREAM_MODEL", "spaCy pipeline to load."))
    batch_size: int = field(default=16, metadata=env(
        "STREAM_BATCH_SIZE", "Articles per batch handed to spaCy."))
    batch_within: float = field(default=0.2, metadata=env(
        "STREAM_BATCH_WITHIN", "Seconds to wait for a batch to fill before processing what has arrived."))
    extraction_timeout: float = field(default=60.0, metadata=env(
        "STREAM_EXTRACTION_TIMEOUT", "Seconds a batch may take in the extraction process; past it the process is"
        " replaced and the batch retried one article at a time (an article that overruns alone is dead-lettered)."))
    data_dir: str = field(default="./stream-data", metadata=env(
        "STREAM_DATA_DIR", "Folder for the worker's local table state."))
    embedded_broker: bool = field(default=False, metadata=env(
        "STREAM_EMBEDDED_BROKER", "Set by demo/tests: applies the tansu work-arounds (see README)."))
    log_level: str = field(default="info", metadata=env("STREAM_LOG_LEVEL", "Worker log level."))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.type, raw, f.metadata["env"])
        return cls(**values)

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """Field name -> environment variable."""
        return {f.name: f.metadata["env"] for f in fields(cls)}

    def redacted(self) -> dict[str, Any]:
        """The settings with secrets masked, safe to log or show."""
        return {f.name: ("***" if f.metadata["secret"] and getattr(self, f.name) else getattr(self, f.name))
                for f in fields(self)}

    @property
    def bootstrap_list(self) -> list[str]:
        return [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()]


def _convert(kind: Any, raw: str, name: str) -> Any:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a valid {kind}") from None
    return raw
