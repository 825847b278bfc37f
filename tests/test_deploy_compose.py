"""docker-compose.yml agrees with the code's settings (no Docker needed).

Names come from `Settings.env_names()`; topic names and partition counts from
`stream.kafka.topic_names` and `Settings.partitions`; commands from `stream.cli`.
The topic-creation script is run for real against a stub of kafka-topics.sh.
"""

from __future__ import annotations

import base64
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from stream.cli import COMMANDS, build_parser
from stream.kafka import _check, topic_names
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
SETTING_NAMES = set(Settings.env_names().values())
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

WORKERS = ["worker-1", "worker-2"]
#: Services that run this package's image.
APP_SERVICES = [*WORKERS, "producer"]


def env(service: str) -> dict[str, str]:
    raw = SERVICES[service].get("environment") or {}
    assert isinstance(raw, dict), f"{service}: use the mapping form of environment"
    return {k: str(v) for k, v in raw.items()}


def settings(service: str) -> Settings:
    return Settings.from_env(env(service))


def container_port(mapping: str) -> int:
    return int(str(mapping).split(":")[-1].split("/")[0])


def host_port(mapping: str) -> int:
    return int(str(mapping).split(":")[-2])


def test_services() -> None:
    assert set(SERVICES) == {"kafka", "kafka-init", *APP_SERVICES, "kafka-ui"}
    assert SERVICES["kafka-ui"].get("profiles"), "the UI is optional: behind a profile"
    for one_shot in ("kafka-init", "producer"):
        assert SERVICES[one_shot].get("restart", "no") == "no"


def test_app_services_use_only_real_setting_names() -> None:
    for service in [*APP_SERVICES, "kafka-init"]:
        unknown = set(env(service)) - SETTING_NAMES
        assert not unknown, f"{service}: {unknown} are not in Settings.env_names()"
        s = settings(service)  # values convert (ints, floats) ...
        _check(s)  # ... and the security settings are consistent


def test_kafka_image_vars_do_not_shadow_settings() -> None:
    # apache/kafka turns every KAFKA_* variable into a broker property: an app setting
    # such as KAFKA_BOOTSTRAP_SERVERS there would become a bogus `bootstrap.servers`.
    names = set(env("kafka"))
    assert names and all(n.startswith("KAFKA_") or n == "CLUSTER_ID" for n in names)
    assert not names & SETTING_NAMES
    assert len(base64.urlsafe_b64decode(env("kafka")["CLUSTER_ID"] + "==")) == 16
    assert all(n.startswith("KAFKA_CLUSTERS_0_") for n in env("kafka-ui"))


def test_kafka_runs_kraft_with_a_healthcheck() -> None:
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:") and kafka["image"].split(":")[1][0].isdigit()
    assert set(env("kafka")["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "ZOOKEEPER" not in " ".join(env("kafka"))
    assert kafka["healthcheck"]["test"] and "disable" not in kafka["healthcheck"]
    assert SERVICES["kafka-init"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_bootstrap_points_at_an_advertised_listener() -> None:
    advertised = {a.split("://")[1] for a in env("kafka")["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    for service in [*APP_SERVICES, "kafka-init"]:
        for server in settings(service).bootstrap_list:
            assert server in advertised, f"{service}: {server} is not advertised by the broker"
            assert server.split(":")[0] in SERVICES
    # The host-side listener is published, so `produce` from the host works too.
    host_listeners = [a for a in advertised if a.startswith("localhost:")]
    published = {host_port(p) for p in SERVICES["kafka"].get("ports", [])}
    assert host_listeners and all(int(a.split(":")[1]) in published for a in host_listeners)


def test_app_services_build_the_deploy_dockerfile_from_the_repo_root() -> None:
    for service in APP_SERVICES:
        build = SERVICES[service]["build"]
        context = (ROOT / build["context"]).resolve()
        assert context == ROOT and (context / "pyproject.toml").is_file()
        assert (context / build["dockerfile"]).resolve() == ROOT / "deploy" / "Dockerfile"
        assert SERVICES[service]["image"] == f"news-event-stream:{VERSION}"


def test_two_workers_one_group_each_dashboard_on_its_own_host_port() -> None:
    hosts = []
    for service in WORKERS:
        s = settings(service)
        assert SERVICES[service]["command"][0] == "worker" and "worker" in COMMANDS
        assert s.web_host == "0.0.0.0", "the default 127.0.0.1 is unreachable through a published port"
        ports = SERVICES[service]["ports"]
        assert [container_port(p) for p in ports] == [s.web_port]
        hosts += [host_port(p) for p in ports]
        assert SERVICES[service]["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert len(set(hosts)) == len(WORKERS), "each worker needs its own host port"
    assert len({settings(w).app_id for w in WORKERS}) == 1, "one consumer group"


def test_every_app_service_agrees_on_topics_and_partitions() -> None:
    layouts = {(tuple(topic_names(settings(s))), settings(s).partitions) for s in [*APP_SERVICES, "kafka-init"]}
    assert len(layouts) == 1, layouts


def test_producer_publishes_the_samples_folder() -> None:
    producer = SERVICES["producer"]
    args = build_parser().parse_args(producer["command"])
    from stream.commands import produce

    assert args.func is produce.run
    mounts = {v.split(":")[1]: v.split(":")[0] for v in producer["volumes"]}
    for path in args.paths:
        assert path in mounts, f"{path} is not mounted"
        assert (ROOT / mounts[path]).resolve() == ROOT / "stream" / "samples"
    assert any((ROOT / "stream" / "samples").glob("*.txt"))
    assert producer["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert producer["healthcheck"] == {"disable": True}, "the image's /healthz check does not apply"


# -- the topic-creation script, run with a stub kafka-topics.sh ---------------------------

STUB = """#!/bin/sh
echo "$*" >> "$STUB_LOG"
case "$*" in
  *--describe*) printf 'Topic: t\\tTopicId: x\\tPartitionCount: %s\\tReplicationFactor: 1\\n' "$STUB_HAVE" ;;
esac
"""


def run_init(tmp_path: Path, have: int | None = None) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """Run kafka-init's script with kafka-init's environment; `have` = partitions the topics already have."""
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text(STUB)
    stub.chmod(0o755)
    log = tmp_path / "calls"
    log.write_text("")
    svc = SERVICES["kafka-init"]
    mount = next(v for v in svc["volumes"] if v.split(":")[1] == svc["entrypoint"][-1])
    script = (ROOT / mount.split(":")[0]).resolve()
    s = settings("kafka-init")
    environ = {**env("kafka-init"), "PATH": os.environ["PATH"], "TOPICS_CLI": str(stub), "STUB_LOG": str(log),
               "STUB_HAVE": str(s.partitions if have is None else have)}
    proc = subprocess.run([*svc["entrypoint"][:-1], str(script)], env=environ, capture_output=True, text=True,
                          timeout=30)
    return proc, [line.split() for line in log.read_text().splitlines()]


def arg(call: list[str], flag: str) -> str:
    return call[call.index(flag) + 1]


def test_topic_init_creates_the_code_topics_with_their_partition_count(tmp_path: Path) -> None:
    assert SERVICES["kafka-init"]["image"] == SERVICES["kafka"]["image"]
    proc, calls = run_init(tmp_path)
    assert proc.returncode == 0, proc.stderr
    s = settings("kafka-init")
    creates = [c for c in calls if "--create" in c]
    assert [arg(c, "--topic") for c in creates] == topic_names(s)
    assert {arg(c, "--partitions") for c in creates} == {str(s.partitions)}
    assert {arg(c, "--replication-factor") for c in creates} == {str(s.replication_factor)}
    assert {arg(c, "--bootstrap-server") for c in calls} == {s.bootstrap_servers}
    assert not [c for c in calls if "--alter" in c]


def test_topic_init_grows_topics_with_too_few_partitions(tmp_path: Path) -> None:
    s = settings("kafka-init")
    proc, calls = run_init(tmp_path, have=1)
    assert proc.returncode == 0, proc.stderr
    alters = [c for c in calls if "--alter" in c]
    assert [arg(c, "--topic") for c in alters] == topic_names(s)
    assert {arg(c, "--partitions") for c in alters} == {str(s.partitions)}


@pytest.mark.parametrize("extra", [1, 8])
def test_topic_init_refuses_topics_with_more_partitions(tmp_path: Path, extra: int) -> None:
    proc, calls = run_init(tmp_path, have=settings("kafka-init").partitions + extra)
    assert proc.returncode != 0 and "cannot shrink" in proc.stderr
    assert not [c for c in calls if "--alter" in c]


def test_deploy_readme_gives_the_dashboard_addresses() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text()
    for service in WORKERS:
        for mapping in SERVICES[service]["ports"]:
            assert f"http://localhost:{host_port(mapping)}" in readme, service
    assert "docker compose up" in readme
