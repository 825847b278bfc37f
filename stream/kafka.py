"""Client settings for Kafka, derived from `Settings` for both client libraries.

Faust (aiokafka) and kafka-python (produce/consume/admin) must see the same
security settings; this is the only place that translates them.
"""

from __future__ import annotations

import ssl
from typing import Any

from stream.settings import Settings

_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}


def _check(settings: Settings) -> None:
    if settings.security_protocol not in _PROTOCOLS:
        raise ValueError(f"KAFKA_SECURITY_PROTOCOL={settings.security_protocol!r}: use one of {sorted(_PROTOCOLS)}")
    if settings.security_protocol.startswith("SASL") and not (settings.sasl_username and settings.sasl_password):
        raise ValueError("SASL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying TLS context when the protocol uses TLS, else None."""
    if "SSL" not in settings.security_protocol:
        return None
    ctx = ssl.create_default_context(cafile=settings.ssl_cafile)
    if settings.ssl_certfile:
        ctx.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    return ctx


def kafka_python_config(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for kafka-python clients (producer, consumer, admin)."""
    _check(settings)
    config: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_list,
                              "security_protocol": settings.security_protocol}
    if settings.security_protocol.startswith("SASL"):
        config.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=settings.sasl_username,
                      sasl_plain_password=settings.sasl_password)
    if "SSL" in settings.security_protocol:
        config["ssl_context"] = ssl_context(settings)
    return config


def faust_broker_config(settings: Settings) -> dict[str, Any]:
    """`faust.App` keyword arguments for the broker URL and credentials."""
    import faust

    _check(settings)
    config: dict[str, Any] = {"broker": ";".join(f"kafka://{s}" for s in settings.bootstrap_list)}
    ctx = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        config["broker_credentials"] = faust.SASLCredentials(
            username=settings.sasl_username, password=settings.sasl_password,
            mechanism=settings.sasl_mechanism, ssl_context=ctx)
    elif ctx is not None:
        config["broker_credentials"] = ctx
    return config


def topic_names(settings: Settings) -> list[str]:
    return [settings.topic_articles, settings.topic_events, settings.topic_deadletter]


def ensure_topics(settings: Settings) -> list[str]:
    """Create the app's topics that do not exist yet; returns the names created."""
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(**kafka_python_config(settings), request_timeout_ms=10_000)
    try:
        missing = [t for t in topic_names(settings) if t not in set(admin.list_topics())]
        if missing:
            admin.create_topics([NewTopic(t, settings.partitions, settings.replication_factor) for t in missing])
        return missing
    finally:
        admin.close()
