"""The Kubernetes manifests (deploy/k8s/) hold what the validators of `make validate-deploy`
cannot know: what this project's servers need and who may talk to whom. kubernetes-validate
checks the schema and checkov the generic hardening; these check that every server has its
probes and the measured memory, that only Rasa reaches the action server, that Rasa gets every
variable its configuration names from the ConfigMap or the Secret, and that the Ingress shows
neither Rasa's API nor /metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.log_secrets import SECRET_NAME
from bot.settings import ClinicSettings
from tests.deploy.test_containers import entrypoint_roles

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SECRETS_EXAMPLE = ROOT / "deploy" / "secrets.env.example"
IMAGE = "registry.example.org/calcifications"
NAMESPACE = "calcifications"
VARIABLE = re.compile(r"\$\{(\w+)\}")
MIB = 1024 * 1024
# The credentials the issue names; the channels' secrets are added from credentials.yml.
CREDENTIALS = {"RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "DB_PASSWORD", "INSIGHTS_TOKEN"}
# README, "Measured accuracy and speed": the largest Rasa process (peak RSS), the whole
# server with two workers (PSS) and the action server, read as MiB to be on the safe side.
RASA_LARGEST_PROCESS = 342 * MIB
RASA_WHOLE_SERVER = 445 * MIB
ACTION_SERVER = 43 * MIB


def documents(folder: Path = K8S) -> list[dict[str, Any]]:
    return [document for path in sorted(folder.glob("*.yaml")) if path.name != "kustomization.yaml"
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")) if document]


def of_kind(kind: str, docs: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return [doc for doc in (documents() if docs is None else docs) if doc["kind"] == kind]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return workload["spec"]["template"]["metadata"]["labels"]


def workloads(docs: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    docs = documents() if docs is None else docs
    return [doc for doc in docs if doc["kind"] in {"Deployment", "StatefulSet", "CronJob"}]


def named(kind: str, name: str, docs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    (found,) = [doc for doc in of_kind(kind, docs) if doc["metadata"]["name"] == name]
    return found


def container(workload: dict[str, Any]) -> dict[str, Any]:
    (only,) = pod_spec(workload)["containers"]
    return only


def quantity(value: str | int) -> float:
    """A Kubernetes quantity ("768Mi", "1Gi", "500m", "2") as a number (bytes or cores)."""
    units = {"Ki": 1024, "Mi": MIB, "Gi": 1024 * MIB, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    text = str(value)
    for unit, factor in units.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (matchLabels, or a plain map as Services have) that matches labels."""
    wanted = selector.get("matchLabels", selector) if selector else {}
    assert "matchExpressions" not in selector, "the tests read matchLabels only"
    return all(labels.get(key) == value for key, value in wanted.items())


def secret_keys() -> set[str]:
    return {line.split("=", 1)[0] for line in SECRETS_EXAMPLE.read_text().splitlines()
            if line and not line.startswith("#")}


def config_map() -> dict[str, str]:
    return named("ConfigMap", "calcifications-config")["data"]


def provided(workload: dict[str, Any]) -> dict[str, str]:
    """Each variable the container gets, and from where: "configmap", "secret" or "value"."""
    spec = container(workload)
    sources: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        if "configMapRef" in source:
            assert source["configMapRef"]["name"] == "calcifications-config"
            sources.update(dict.fromkeys(config_map(), "configmap"))
        if "secretRef" in source:
            sources.update(dict.fromkeys(secret_keys(), "secret"))
    for variable in spec.get("env", []):
        reference = variable.get("valueFrom", {})
        if "secretKeyRef" in reference:
            assert reference["secretKeyRef"]["name"] == "calcifications-secrets"
            assert reference["secretKeyRef"]["key"] in secret_keys(), variable
            sources[variable["name"]] = "secret"
        elif "configMapKeyRef" in reference:
            assert reference["configMapKeyRef"]["key"] in config_map(), variable
            sources[variable["name"]] = "configmap"
        else:
            sources[variable["name"]] = "value"
    return sources


def variables_named_in(*relative: str) -> set[str]:
    return {name for path in relative for name in VARIABLE.findall((ROOT / path).read_text())}


def test_the_manifests_are_the_ones_kustomization_applies() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    assert [image["name"] for image in kustomization["images"]] == [IMAGE]
    for doc in documents():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["metadata"]["name"]


def test_every_server_has_probes_limits_and_a_locked_down_container() -> None:
    servers = [w for w in workloads() if w["kind"] != "CronJob"]
    assert {w["metadata"]["name"] for w in servers} >= {"rasa", "actions", "widget"}
    for workload in workloads():
        spec, pod = container(workload), pod_spec(workload)
        name = workload["metadata"]["name"]
        if workload["kind"] != "CronJob":
            assert "readinessProbe" in spec and "livenessProbe" in spec, name
        for kind in ("requests", "limits"):
            assert set(spec["resources"][kind]) == {"cpu", "memory"}, (name, kind)
            assert quantity(spec["resources"][kind]["memory"]) > 0
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        context = spec["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["capabilities"] == {"drop": ["ALL"]}, name
        # A read-only root: whatever a server writes goes to a volume.
        mounts = {mount["mountPath"] for mount in spec.get("volumeMounts", [])}
        if spec["image"].startswith(IMAGE):
            assert "/tmp" in mounts, name


def test_memory_follows_the_measured_figures() -> None:
    rasa = container(named("Deployment", "rasa"))["resources"]
    assert quantity(rasa["requests"]["memory"]) >= RASA_LARGEST_PROCESS
    assert quantity(rasa["limits"]["memory"]) >= RASA_WHOLE_SERVER
    actions = container(named("Deployment", "actions"))["resources"]
    assert quantity(actions["limits"]["memory"]) >= 2 * ACTION_SERVER
    # One Sanic worker per pod (the limit above is for the whole server); scale by replicas.
    assert config_map()["SANIC_WORKERS"] == "1"


def policies_for(labels: dict[str, str], docs: list[dict[str, Any]] | None = None
                 ) -> list[dict[str, Any]]:
    return [policy for policy in of_kind("NetworkPolicy", docs)
            if selects(policy["spec"]["podSelector"], labels)]


def admitted_peers(labels: dict[str, str], docs: list[dict[str, Any]] | None = None
                   ) -> list[dict[str, Any]]:
    """Every `from` peer of every policy that selects these pods; a rule without `from`
    admits everyone, written here as an empty peer."""
    peers = []
    for policy in policies_for(labels, docs):
        for rule in policy["spec"].get("ingress", []):
            peers += rule.get("from") or [{}]
    return peers


def assert_only_rasa_reaches_the_action_server(docs: list[dict[str, Any]]) -> None:
    actions = pod_labels(named("Deployment", "actions", docs))
    rasa = pod_labels(named("Deployment", "rasa", docs))
    policies = policies_for(actions, docs)
    # Some policy limits the pods' ingress at all (else everything is allowed) ...
    assert any("Ingress" in policy["spec"]["policyTypes"] for policy in policies)
    # ... and what the policies admit is pods of this namespace that are Rasa pods, no more.
    peers = admitted_peers(actions, docs)
    assert peers
    for peer in peers:
        assert set(peer) == {"podSelector"}, peer
        selector = peer["podSelector"]["matchLabels"]
        assert selector.get("app.kubernetes.io/component") == "rasa", peer
        assert selects(peer["podSelector"], rasa)
    for other in workloads(docs):
        if other["metadata"]["name"] != "rasa":
            labels = pod_labels(other)
            assert not any(selects(peer["podSelector"], labels) for peer in peers), other


def test_only_rasa_pods_reach_the_action_server() -> None:
    assert_only_rasa_reaches_the_action_server(documents())


@pytest.mark.parametrize("peer", [
    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}},
    {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "widget"}}},
    {"ipBlock": {"cidr": "10.0.0.0/8"}},
])
def test_a_policy_that_admits_anyone_else_fails_the_check(peer: dict[str, Any]) -> None:
    docs = documents()
    named("NetworkPolicy", "actions", docs)["spec"]["ingress"][0]["from"].append(peer)
    with pytest.raises(AssertionError):
        assert_only_rasa_reaches_the_action_server(docs)


def test_a_policy_for_every_pod_that_admits_anyone_fails_the_check() -> None:
    docs = documents()
    docs.append({"kind": "NetworkPolicy", "metadata": {"name": "open"},
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}})
    with pytest.raises(AssertionError):
        assert_only_rasa_reaches_the_action_server(docs)


def test_everything_else_is_denied_by_default() -> None:
    default = [p for p in of_kind("NetworkPolicy") if p["spec"]["podSelector"] == {}
               and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    assert default and set(default[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    # PostgreSQL and Redis take connections from the servers that use them, nobody else.
    users = {"postgres": {"rasa", "widget", "purge"}, "redis": {"rasa"}}
    for store, allowed in users.items():
        labels = pod_labels(named("StatefulSet", store))
        components = {peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
                      for peer in admitted_peers(labels)}
        assert components == allowed, store


def test_rasa_gets_every_variable_its_configuration_names() -> None:
    needed = variables_named_in("deploy/endpoints.prod.yml", "credentials.yml")
    sources = provided(named("Deployment", "rasa"))
    assert needed <= set(sources), needed - set(sources)
    assert "RASA_AUTH_TOKEN" in sources  # the entry point's --auth-token
    for name, source in sources.items():
        if SECRET_NAME.search(name):
            assert source == "secret", f"{name} must come from the Secret, not the {source}"


def test_the_clinics_settings_can_be_set_in_the_configmap() -> None:
    settings = {field.name.upper() for field in fields(ClinicSettings)}
    assert settings <= set(config_map())
    for name in ("rasa", "actions", "widget"):
        assert settings <= set(provided(named("Deployment", name))), name


def test_each_server_gets_the_secrets_it_uses_and_no_others() -> None:
    wanted = {
        "rasa": {"RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "DB_PASSWORD"},
        "actions": {"ACTION_SERVER_TOKEN"},
        "widget": {"DB_PASSWORD", "INSIGHTS_TOKEN"},
        "purge": {"DB_PASSWORD"},
    }
    channel_secrets = {name for name in variables_named_in("credentials.yml")
                       if SECRET_NAME.search(name)}
    for workload in workloads():
        name = workload["metadata"]["name"]
        if name not in wanted:
            continue
        secrets = {var for var, source in provided(workload).items() if source == "secret"}
        expected = wanted[name] | (channel_secrets if name == "rasa" else set())
        assert secrets == expected, name


def test_the_secret_holds_every_credential_and_is_not_in_git() -> None:
    channel_secrets = {name for name in variables_named_in("credentials.yml")
                       if SECRET_NAME.search(name)}
    assert secret_keys() == CREDENTIALS | channel_secrets
    for line in SECRETS_EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#"):
            assert line.endswith("="), f"no value in the example: {line}"
    assert not of_kind("Secret"), "the Secret is made by kubectl from deploy/secrets.env"
    assert "deploy/secrets.env" in (ROOT / ".gitignore").read_text().splitlines()
    # The ConfigMap holds no secret, not even an empty one.
    assert not [name for name in config_map() if SECRET_NAME.search(name)]


def test_rasa_and_actions_have_a_disruption_budget_and_an_autoscaler() -> None:
    for name in ("rasa", "actions"):
        deployment = named("Deployment", name)
        budget = named("PodDisruptionBudget", name)
        scaler = named("HorizontalPodAutoscaler", name)
        assert selects(budget["spec"]["selector"], pod_labels(deployment))
        assert scaler["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        # The autoscaler owns the count; at least two, so that one can fail, and a node can
        # still be drained with the budget met.
        assert "replicas" not in deployment["spec"]
        assert scaler["spec"]["minReplicas"] >= 2
        assert budget["spec"]["minAvailable"] < scaler["spec"]["minReplicas"]


def test_services_reach_the_pods_they_name() -> None:
    for service in of_kind("Service"):
        targets = [w for w in workloads() if selects(service["spec"]["selector"], pod_labels(w))]
        assert len(targets) == 1, service["metadata"]["name"]
        ports = {port["name"] for port in container(targets[0])["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, service["metadata"]["name"]


def ingress_routes() -> Iterator[tuple[dict[str, Any], str, str]]:
    for ingress in of_kind("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                yield ingress, path["path"], path["backend"]["service"]["name"]


def test_the_ingress_shows_the_channels_and_the_site_only() -> None:
    routes = {(path, backend) for _, path, backend in ingress_routes()}
    assert routes == {("/webhooks/", "rasa"), ("/socket.io/", "rasa"), ("/insights", "widget"),
                      ("/", "widget")}
    # Rasa's HTTP API and /metrics are not routed: "/" goes to the widget server, which
    # serves neither.
    hidden = ("/metrics", "/conversations", "/model", "/status", "/version")
    assert not [path for path, _ in routes if path.startswith(hidden)]
    for ingress in of_kind("Ingress"):
        assert ingress["spec"]["tls"], ingress["metadata"]["name"]
        annotations = ingress["metadata"].get("annotations", {})
        assert not [key for key in annotations if "snippet" in key]


def test_socketio_is_sticky_and_the_channels_are_rate_limited() -> None:
    for ingress, path, _ in ingress_routes():
        annotations = ingress["metadata"].get("annotations", {})
        prefix = "nginx.ingress.kubernetes.io/"
        if path == "/socket.io/":
            assert annotations[prefix + "affinity"] == "cookie"
            assert annotations[prefix + "session-cookie-path"] == "/socket.io/"
        if path in ("/webhooks/", "/socket.io/"):
            assert int(annotations[prefix + "limit-rpm"]) > 0
            assert annotations[prefix + "proxy-body-size"] == "64k"
        else:
            # The staff page and the demo page: no per-client limit (docs/deploy.md).
            assert prefix + "limit-rpm" not in annotations
            assert prefix + "affinity" not in annotations


def test_the_purge_runs_nightly_one_at_a_time() -> None:
    purge = named("CronJob", "purge")
    assert purge["spec"]["concurrencyPolicy"] == "Forbid"
    assert container(purge)["args"] == ["purge"]
    assert provided(purge)["DB_PASSWORD"] == "secret"


@pytest.mark.parametrize("name", ["rasa", "actions", "widget", "purge"])
def test_the_servers_run_the_projects_image_with_a_role_of_its_entry_point(name: str) -> None:
    (workload,) = [w for w in workloads() if w["metadata"]["name"] == name]
    spec = container(workload)
    assert spec["image"].startswith(f"{IMAGE}:")
    assert "command" not in spec, "the image's entry point starts every server"
    assert spec["args"] == [name]
    assert name in entrypoint_roles()
