"""deploy/k8s: valid against the Kubernetes schemas, and consistent with the code.

Built-in kinds are validated offline with `kubernetes-validate` (it bundles the
OpenAPI schemas), strictly, so unknown fields fail.  KEDA's CRDs are not in it: the
fields used here are checked against a schema transcribed from KEDA's
keda.sh/v1alpha1 CRDs (additionalProperties closed where we use a field).
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import fields
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import kubernetes_validate  # a test requirement: skipping would let CI pass without validation
import pytest
import yaml

from stream.cli import COMMANDS
from stream.kafka import _check
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SETTING_NAMES = set(Settings.env_names().values())
SECRET_SETTINGS = {f.metadata["env"] for f in fields(Settings) if f.metadata["secret"]}
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
#: Oldest Kubernetes these manifests claim to support, and the newest schema bundled.
K8S_VERSIONS = ["1.27.0", kubernetes_validate.latest_version()]

KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
DOCS: list[dict[str, Any]] = [d for f in KUSTOMIZATION["resources"]
                              for d in yaml.safe_load_all((K8S / f).read_text()) if d]


def one(kind: str) -> dict[str, Any]:
    found = [d for d in DOCS if d["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


DEPLOYMENT = one("Deployment")
POD = DEPLOYMENT["spec"]["template"]["spec"]
CONTAINER = POD["containers"][0]
POD_LABELS = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
CONFIG = one("ConfigMap")["data"]


def container_env() -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in CONTAINER.get("env", [])}


def effective_settings() -> Settings:
    """What the worker sees: the ConfigMap (envFrom) overridden by literal env values."""
    assert [r["configMapRef"]["name"] for r in CONTAINER["envFrom"]] == [one("ConfigMap")["metadata"]["name"]]
    literal = {k: e["value"] for k, e in container_env().items() if "value" in e}
    return Settings.from_env({**CONFIG, **literal})


def selects(selector: dict[str, str]) -> bool:
    return bool(selector) and all(POD_LABELS.get(k) == v for k, v in selector.items())


# -- files and schemas ---------------------------------------------------------------------

def test_kustomization_lists_every_manifest() -> None:
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(KUSTOMIZATION["resources"]) == on_disk
    assert KUSTOMIZATION["namespace"] == one("Namespace")["metadata"]["name"]


BUILTIN = [d for d in DOCS if not d["apiVersion"].startswith("keda.sh/")]


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("doc", BUILTIN, ids=[d["kind"] for d in BUILTIN])
def test_builtin_kinds_validate_strictly(doc: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_really_rejects_mistakes() -> None:
    broken = copy.deepcopy(DEPLOYMENT)
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["pathh"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSIONS[-1], strict=True)
    cm = copy.deepcopy(one("ConfigMap"))
    cm["data"]["STREAM_PARTITIONS"] = 4  # ConfigMap values must be strings
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(cm, K8S_VERSIONS[-1], strict=True)


def _closed(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "additionalProperties": False, "required": required or []}


_INT32 = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
_NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 253}
_METADATA = {"type": "object", "required": ["name"], "properties": {"name": _NAME, "labels": {"type": "object"}}}
_HPA_RULES = _closed({
    "stabilizationWindowSeconds": {"type": "integer", "minimum": 0, "maximum": 3600},
    "selectPolicy": {"enum": ["Max", "Min", "Disabled"]},
    "policies": {"type": "array", "minItems": 1, "items": _closed({
        "type": {"enum": ["Pods", "Percent"]},
        "value": {"type": "integer", "minimum": 1},
        "periodSeconds": {"type": "integer", "minimum": 1, "maximum": 1800},
    }, ["type", "value", "periodSeconds"])},
})
#: The parts of KEDA's ScaledObject CRD (keda.sh/v1alpha1) this project uses.
SCALED_OBJECT_SCHEMA = _closed({
    "apiVersion": {"const": "keda.sh/v1alpha1"},
    "kind": {"const": "ScaledObject"},
    "metadata": _METADATA,
    "spec": _closed({
        "scaleTargetRef": _closed({"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                   "name": _NAME, "envSourceContainerName": {"type": "string"}}, ["name"]),
        "minReplicaCount": _INT32, "maxReplicaCount": _INT32, "idleReplicaCount": _INT32,
        "pollingInterval": _INT32, "cooldownPeriod": _INT32, "initialCooldownPeriod": _INT32,
        "advanced": _closed({
            "restoreToOriginalReplicaCount": {"type": "boolean"},
            "horizontalPodAutoscalerConfig": _closed({
                "name": {"type": "string"},
                "behavior": _closed({"scaleUp": _HPA_RULES, "scaleDown": _HPA_RULES}),
            }),
        }),
        "triggers": {"type": "array", "minItems": 1, "items": _closed({
            "type": {"type": "string"},
            "name": {"type": "string"},
            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
            "useCachedMetrics": {"type": "boolean"},
            # map[string]string in the CRD: a bare number or boolean is rejected by the API server.
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "authenticationRef": _closed({"name": _NAME, "kind": {"enum": ["TriggerAuthentication",
                                                                           "ClusterTriggerAuthentication"]}},
                                         ["name"]),
        }, ["type", "metadata"])},
    }, ["scaleTargetRef", "triggers"]),
}, ["apiVersion", "kind", "metadata", "spec"])
TRIGGER_AUTH_SCHEMA = _closed({
    "apiVersion": {"const": "keda.sh/v1alpha1"},
    "kind": {"const": "TriggerAuthentication"},
    "metadata": _METADATA,
    "spec": _closed({"secretTargetRef": {"type": "array", "minItems": 1, "items": _closed({
        "parameter": {"type": "string"}, "name": _NAME, "key": {"type": "string"}}, ["parameter", "name", "key"])}}),
}, ["apiVersion", "kind", "metadata", "spec"])
#: Kafka scaler metadata keys (keda.sh docs, "Apache Kafka" scaler), and its auth parameters.
KAFKA_METADATA_KEYS = {
    "bootstrapServers", "bootstrapServersFromEnv", "consumerGroup", "consumerGroupFromEnv", "topic",
    "topicFromEnv", "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
    "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag",
    "ensureEvenDistributionOfPartitions", "partitionLimitation", "version", "sasl", "tls", "unsafeSsl",
}
KAFKA_AUTH_PARAMETERS = {"sasl", "username", "password", "tls", "ca", "cert", "key", "keyPassword"}


def test_keda_objects_match_the_crd_fields_used() -> None:
    scaled, auth = one("ScaledObject"), one("TriggerAuthentication")
    jsonschema.validate(scaled, SCALED_OBJECT_SCHEMA)
    jsonschema.validate(auth, TRIGGER_AUTH_SCHEMA)
    for trigger in scaled["spec"]["triggers"]:
        assert trigger["type"] == "kafka"
        assert set(trigger["metadata"]) <= KAFKA_METADATA_KEYS, set(trigger["metadata"]) - KAFKA_METADATA_KEYS
    assert {r["parameter"] for r in auth["spec"]["secretTargetRef"]} <= KAFKA_AUTH_PARAMETERS
    broken = copy.deepcopy(scaled)
    broken["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 100
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCALED_OBJECT_SCHEMA)


# -- settings --------------------------------------------------------------------------------

def test_configmap_keys_are_settings_and_hold_no_secrets() -> None:
    assert set(CONFIG) <= SETTING_NAMES, set(CONFIG) - SETTING_NAMES
    assert not set(CONFIG) & (SECRET_SETTINGS | {"KAFKA_SASL_USERNAME"}), "credentials belong in Secrets"
    s = Settings.from_env(CONFIG)  # every value converts
    assert s.model == Settings().model, "the image bakes in only the default model"


def test_container_env_names_are_settings() -> None:
    assert set(container_env()) <= SETTING_NAMES, set(container_env()) - SETTING_NAMES
    assert not set(container_env()) & set(CONFIG), "one place per setting"


def test_sasl_credentials_and_ca_come_from_secrets() -> None:
    env = container_env()
    for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        assert "secretKeyRef" in env[name]["valueFrom"], name
    s = effective_settings()
    _check(Settings.from_env({**CONFIG, "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}))
    assert s.security_protocol == "SASL_SSL"
    # The CA file the settings name is mounted, read-only, from a Secret key of that name.
    cafile = PurePosixPath(s.ssl_cafile)
    mount = next(m for m in CONTAINER["volumeMounts"] if cafile.parent == PurePosixPath(m["mountPath"]))
    assert mount.get("readOnly") is True
    volume = next(v for v in POD["volumes"] if v["name"] == mount["name"])
    assert cafile.name in [i["path"] for i in volume["secret"]["items"]]


def test_image_and_command() -> None:
    assert CONTAINER["image"] == f"news-event-stream:{VERSION}"
    assert CONTAINER["image"].split(":")[0] in [i["name"] for i in KUSTOMIZATION["images"]]
    assert "command" not in CONTAINER, "keep the image's console-script entry point"
    assert CONTAINER["args"][0] in COMMANDS and CONTAINER["args"][0] == "worker"


# -- the worker pod --------------------------------------------------------------------------

def web_port() -> dict[str, Any]:
    ports = CONTAINER["ports"]
    assert len(ports) == 1
    return ports[0]


def test_web_server_is_bound_for_probes_and_the_service() -> None:
    s = effective_settings()
    assert s.web_host == "0.0.0.0"
    assert web_port()["containerPort"] == s.web_port


def test_probes() -> None:
    name = web_port()["name"]
    assert CONTAINER["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": name}
    assert CONTAINER["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": name}
    startup = CONTAINER["startupProbe"]
    assert startup["httpGet"]["path"] == "/healthz"
    # Model loading must fit in the startup budget (assume up to 2 minutes on a cold node).
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120


def quantity(value: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "m": 1e-3, "": 1}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value)).groups()
    return float(number) * units[unit]


def test_resources_fit_the_measured_rss() -> None:
    res = CONTAINER["resources"]
    rss = 1 * 2**30  # ~1 GB with fr_core_news_md (placeholder until the benchmark)
    assert quantity(res["requests"]["memory"]) >= rss
    assert quantity(res["limits"]["memory"]) >= 1.25 * rss, "room for batch peaks above the steady RSS"
    for kind in ("cpu", "memory"):
        assert quantity(res["limits"][kind]) >= quantity(res["requests"][kind])


def test_graceful_termination_and_no_fixed_replicas() -> None:
    assert POD["terminationGracePeriodSeconds"] >= 45, "finish the batch, commit, leave the group"
    assert "replicas" not in DEPLOYMENT["spec"], "KEDA owns the replica count"
    assert DEPLOYMENT["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_non_root_matches_the_image_user() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    uid = int(re.search(r"^USER (\d+)", dockerfile, re.M).group(1))
    assert POD["securityContext"]["runAsNonRoot"] is True
    assert POD["securityContext"]["runAsUser"] == uid
    assert CONTAINER["securityContext"]["allowPrivilegeEscalation"] is False


def test_writable_paths_exist_under_a_read_only_root() -> None:
    if not CONTAINER["securityContext"].get("readOnlyRootFilesystem"):
        pytest.skip("root filesystem is writable")
    writable = {m["mountPath"] for m in CONTAINER["volumeMounts"] if not m.get("readOnly")}
    data_dir = PurePosixPath(effective_settings().data_dir)
    assert any(data_dir == PurePosixPath(w) or PurePosixPath(w) in data_dir.parents for w in writable)
    assert "/tmp" in writable


# -- service, disruption budget, network policy ------------------------------------------------

def test_service_reaches_the_web_port() -> None:
    spec = one("Service")["spec"]
    assert selects(spec["selector"])
    assert [p["targetPort"] for p in spec["ports"]] == [web_port()["name"]]
    assert spec["ports"][0]["port"] == web_port()["containerPort"]


def test_pdb_selects_the_workers_and_lets_drains_proceed() -> None:
    spec = one("PodDisruptionBudget")["spec"]
    assert selects(spec["selector"]["matchLabels"])
    assert "minAvailable" not in spec and spec["maxUnavailable"] >= 1


def test_network_policy_opens_only_the_dashboard_to_the_namespace() -> None:
    spec = one("NetworkPolicy")["spec"]
    assert selects(spec["podSelector"]["matchLabels"])
    assert spec["policyTypes"] == ["Ingress"]
    assert len(spec["ingress"]) == 1
    rule = spec["ingress"][0]
    # A bare podSelector {} (no namespaceSelector, no ipBlock) = pods of this namespace only.
    assert rule["from"] == [{"podSelector": {}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": web_port()["containerPort"]}]


# -- autoscaling -------------------------------------------------------------------------------

def kafka_trigger() -> dict[str, Any]:
    (trigger,) = one("ScaledObject")["spec"]["triggers"]
    return trigger


def test_scaled_object_targets_the_deployment_and_the_input_lag() -> None:
    spec = one("ScaledObject")["spec"]
    assert spec["scaleTargetRef"]["name"] == DEPLOYMENT["metadata"]["name"]
    assert spec["scaleTargetRef"].get("kind", "Deployment") == "Deployment"
    meta = kafka_trigger()["metadata"]
    s = effective_settings()
    assert meta["consumerGroup"] == s.app_id, "Faust's consumer group is STREAM_APP_ID"
    assert meta["topic"] == s.topic_articles
    assert meta["bootstrapServers"].split(",") == s.bootstrap_list
    assert int(meta["lagThreshold"]) > 0


def test_max_replicas_do_not_exceed_partitions() -> None:
    spec = one("ScaledObject")["spec"]
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= effective_settings().partitions
    assert kafka_trigger()["metadata"]["allowIdleConsumers"] == "false"


def test_lag_is_measured_as_the_worker_consumes() -> None:
    from stream.app.main import _app_config

    # The reset policy does not depend on the settings; defaults avoid needing the CA file here.
    reset = _app_config(Settings())["consumer_auto_offset_reset"]
    assert kafka_trigger()["metadata"]["offsetResetPolicy"] == reset


def test_keda_connects_like_the_worker() -> None:
    s = effective_settings()
    meta = kafka_trigger()["metadata"]
    assert meta.get("tls", "disable") == ("enable" if "SSL" in s.security_protocol else "disable")
    if s.security_protocol.startswith("SASL"):
        assert meta["sasl"] == s.sasl_mechanism.lower().replace("-", "_").replace("scram_sha_", "scram_sha")
    auth = one("TriggerAuthentication")
    assert kafka_trigger()["authenticationRef"]["name"] == auth["metadata"]["name"]
    refs = {r["parameter"]: (r["name"], r["key"]) for r in auth["spec"]["secretTargetRef"]}
    env = container_env()
    for param, setting in (("username", "KAFKA_SASL_USERNAME"), ("password", "KAFKA_SASL_PASSWORD")):
        ref = env[setting]["valueFrom"]["secretKeyRef"]
        assert refs[param] == (ref["name"], ref["key"]), "KEDA and the worker must use the same credentials"
    ca_volume = next(v for v in POD["volumes"] if "secret" in v and
                     PurePosixPath(s.ssl_cafile).name in [i["path"] for i in v["secret"]["items"]])
    ca_key = next(i["key"] for i in ca_volume["secret"]["items"] if i["path"] == PurePosixPath(s.ssl_cafile).name)
    assert refs["ca"] == (ca_volume["secret"]["secretName"], ca_key)
