"""Security: Kafka SASL_SSL / TLS settings reach both client libraries, and secrets stay secret.

The embedded broker cannot run SCRAM end to end (tansu 0.6 with ``--authentication``
refuses the very request that creates the first user, and its memory storage keeps
none across restarts), so the settings are checked on the real client objects that
Faust (aiokafka) and kafka-python build from them; no connection is needed for that.
A worker is then run with secrets in its environment, at debug level, against the
embedded broker, once with SASL it cannot complete, and its log and pages are read.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from stream.kafka import faust_broker_config, kafka_python_config
from stream.settings import Settings

pytestmark = pytest.mark.timeout(240)

PASSWORD = "Pw-9f8e7d6c5b4a-never-log-me"
TOKEN = "tok-0a1b2c3d4e5f-never-show-me"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A throw-away CA and client certificate, made with the openssl command."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make test certificates")
    d = tmp_path_factory.mktemp("pki")
    for name, cn in (("ca", "stream-test-ca"), ("client", "stream-test-client")):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={cn}",
                        "-keyout", str(d / f"{name}.key"), "-out", str(d / f"{name}.pem")],
                       check=True, capture_output=True, timeout=60)
    return {"ca": str(d / "ca.pem"), "cert": str(d / "client.pem"), "key": str(d / "client.key")}


def _sasl_ssl(pki: dict[str, str]) -> Settings:
    return Settings(bootstrap_servers="kafka-1:9093,kafka-2:9093", security_protocol="SASL_SSL",
                    sasl_mechanism="SCRAM-SHA-512", sasl_username="svc-stream", sasl_password=PASSWORD,
                    ssl_cafile=pki["ca"], ssl_certfile=pki["cert"], ssl_keyfile=pki["key"])


def _check_context(ctx: ssl.SSLContext) -> None:
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert [dict(c["subject"][0])["commonName"] for c in ctx.get_ca_certs()] == ["stream-test-ca"]


def test_kafka_python_clients_get_sasl_ssl(pki: dict[str, str]) -> None:
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.admin import KafkaAdminClient

    config = kafka_python_config(_sasl_ssl(pki))
    assert config["bootstrap_servers"] == ["kafka-1:9093", "kafka-2:9093"]
    assert (config["security_protocol"], config["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("svc-stream", PASSWORD)
    _check_context(config["ssl_context"])
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        assert set(config) <= set(client.DEFAULT_CONFIG), client  # every key is one the client knows
    # api_version given: the clients are built without contacting the (fictitious) brokers.
    producer = KafkaProducer(**config, api_version=(2, 8))
    consumer = KafkaConsumer(**config, api_version=(2, 8))
    try:
        for built in (producer.config, consumer.config):
            assert (built["security_protocol"], built["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
            assert (built["sasl_plain_username"], built["sasl_plain_password"]) == ("svc-stream", PASSWORD)
            assert built["ssl_context"] is config["ssl_context"]
    finally:
        producer.close(timeout=1)
        consumer.close()


def test_faust_builds_aiokafka_clients_with_sasl_ssl(pki: dict[str, str]) -> None:
    import faust

    from stream.app.main import _app_config

    settings = _sasl_ssl(pki)

    async def build() -> None:
        app = faust.App("security-test", **_app_config(settings))
        assert [str(u) for u in app.conf.broker] == ["kafka://kafka-1:9093", "kafka://kafka-2:9093"]
        assert PASSWORD not in repr(app.conf.broker_credentials)
        producer = app.producer._new_producer()
        consumer = app.consumer._thread._create_worker_consumer(app.transport)
        try:
            for client in (producer.client, consumer._client):
                assert client._bootstrap_servers == ["kafka-1:9093", "kafka-2:9093"]
                assert (client._security_protocol, client._sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")
                assert (client._sasl_plain_username, client._sasl_plain_password) == ("svc-stream", PASSWORD)
                _check_context(client._ssl_context)
        finally:
            await producer.stop()
            await consumer.stop()

    asyncio.run(asyncio.wait_for(build(), 30))


def test_tls_without_sasl_reaches_both_clients(pki: dict[str, str]) -> None:
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
    from faust.types.auth import to_credentials

    settings = Settings(bootstrap_servers="kafka:9093", security_protocol="SSL", ssl_cafile=pki["ca"],
                        ssl_certfile=pki["cert"], ssl_keyfile=pki["key"])
    config = kafka_python_config(settings)
    assert config["security_protocol"] == "SSL" and "sasl_mechanism" not in config
    _check_context(config["ssl_context"])
    auth = credentials_to_aiokafka_auth(to_credentials(faust_broker_config(settings)["broker_credentials"]))
    assert auth["security_protocol"] == "SSL"
    _check_context(auth["ssl_context"])


@pytest.mark.parametrize("changes, message", [
    ({"security_protocol": "SASL_SSL", "sasl_username": "u"}, "SASL needs"),
    ({"security_protocol": "TLS", "sasl_password": PASSWORD}, "KAFKA_SECURITY_PROTOCOL"),
])
def test_bad_security_settings_are_refused_without_echoing_secrets(changes: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as err:
        kafka_python_config(Settings(**changes))
    assert message in str(err.value) and PASSWORD not in str(err.value)


def test_redacted_masks_every_secret() -> None:
    names = Settings.env_names()
    settings = Settings.from_env({names["sasl_password"]: PASSWORD, names["web_token"]: TOKEN,
                                  names["sasl_username"]: "svc-stream"})
    shown = settings.redacted()
    assert shown["sasl_password"] == shown["web_token"] == "***"
    assert shown["sasl_username"] == "svc-stream"
    assert PASSWORD not in str(shown) and TOKEN not in str(shown)


def _bodies(base: str, paths: list[str]) -> dict[str, str]:
    out = {}
    for path in paths:
        try:
            with urllib.request.urlopen(base + path, timeout=10) as resp:
                out[path] = resp.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            out[path] = exc.read().decode(errors="replace")
    return out


@pytest.mark.broker
def test_worker_log_and_pages_never_show_the_password(tmp_path: Path) -> None:
    """A worker with the SASL password in its environment, at debug level, processing good and bad input."""
    from stream.commands.produce import publish
    from stream.local import LocalStack

    from .conftest import SAMPLE

    names = Settings.env_names()
    env = {names["sasl_username"]: "svc-stream", names["sasl_password"]: PASSWORD, names["log_level"]: "debug"}
    with LocalStack(workdir=tmp_path, extra_env=env) as stack:
        stack.start(workers=1, ready_timeout=150)
        settings = stack.settings()
        publish(settings, [(b"sample", SAMPLE.read_bytes()), (b"bad", b'{"text": '),
                           (b"en", b"The ministers said that they would not accept the proposal.")],
                settings.topic_articles, progress=False)
        stack.wait_accounted(3, timeout=120)
        worker = stack.workers[0]
        pages = _bodies(worker.url, ["/", "/api/stats", "/dashboard", "/metrics", "/api/events/recent",
                                     "/api/deadletters/recent", "/healthz", "/readyz"])
        stats = worker.get("/api/stats")
    for path, body in pages.items():
        assert PASSWORD not in body, f"the password is shown on {path}"
    if "settings" in stats:
        assert stats["settings"]["sasl_password"] == "***"
    log = (tmp_path / "worker-0.log").read_text(errors="replace")
    assert "[DEBUG]" in log, "the worker did not log at debug level"
    assert PASSWORD not in log


@pytest.mark.broker
def test_failed_sasl_handshake_does_not_log_the_password(tmp_path: Path) -> None:
    """SASL that the broker refuses: the worker gives up, and the debug log of the attempt holds no password."""
    from stream.broker import EmbeddedBroker
    from stream.kafka import ensure_topics
    from stream.local import LocalStack

    names = Settings.env_names()
    env = {names["security_protocol"]: "SASL_PLAINTEXT", names["sasl_username"]: "svc-stream",
           names["sasl_password"]: PASSWORD, names["log_level"]: "debug"}
    stack = LocalStack(workdir=tmp_path, extra_env=env)
    stack.broker = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    try:
        ensure_topics(Settings(bootstrap_servers=stack.broker.bootstrap))
        worker = stack.start_worker()
        deadline = time.monotonic() + 90
        while worker.alive() and time.monotonic() < deadline and "SaslHandShake" not in worker.log_path.read_text(
                errors="replace"):
            time.sleep(0.5)
    finally:
        stack.stop()
    log = worker.log_path.read_text(errors="replace")
    assert "SaslHandShake" in log, "the worker never tried SASL"
    assert PASSWORD not in log
