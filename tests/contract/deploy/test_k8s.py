"""deploy/k8s is a valid kustomize base that runs every DESIGN.md process, generated from the one process table."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
from ruamel.yaml import YAML

from common import settings
from devstack import k8s
from tests.support.design import design_ports, design_topics

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "deploy" / "k8s"
TEMPLATE = "secret.example.yaml"
K8S_VERSION = "1.31"  # the oldest release still under upstream support when this was written
PROCESSES = design_ports()


def load(name: str) -> list[dict]:
    return [d for d in YAML(typ="safe").load_all((BASE / name).read_text()) if d]


@pytest.fixture(scope="module")
def kustomization() -> dict:
    return load("kustomization.yaml")[0]


@pytest.fixture(scope="module")
def objects(kustomization) -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for f in kustomization["resources"] for d in load(f)}


def of_kind(objects, kind: str) -> dict[str, dict]:
    return {name: d for (k, name), d in objects.items() if k == kind}


def container(objects, name: str) -> dict:
    [c] = objects["Deployment", name]["spec"]["template"]["spec"]["containers"]
    return c


def test_the_committed_manifests_are_what_the_generator_writes():
    rendered = k8s.render()
    assert rendered, "the generator wrote no manifest: the loop below would check nothing"
    for name, text in rendered.items():
        assert (BASE / name).read_text() == text, f"{name} is stale: run `python -m devstack.k8s`"


def test_every_manifest_validates_strictly_against_the_kubernetes_schema(kustomization):
    errors = []
    for file in [*kustomization["resources"], TEMPLATE]:
        for doc in load(file):
            try:
                kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as e:
                where = ".".join(map(str, getattr(e, "path", [])))
                errors.append(f"{file} {doc['kind']}/{doc['metadata']['name']} {where}: {getattr(e, 'message', e)}")
    assert errors == []


@pytest.mark.parametrize("breakage", ["unknown field", "port as text"])
def test_the_schema_check_rejects_a_broken_deployment(objects, breakage):
    broken = copy.deepcopy(objects["Deployment", "shell"])
    [c] = broken["spec"]["template"]["spec"]["containers"]
    if breakage == "unknown field":
        c["readinesProbe"] = c.pop("readinessProbe")
    else:
        c["ports"][0]["containerPort"] = "3000"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest_but_the_secret_template(kustomization, objects):
    on_disk = {p.name for p in BASE.glob("*.y*ml")} - {"kustomization.yaml", TEMPLATE}
    assert sorted(kustomization["resources"]) == sorted(on_disk)
    assert kustomization["namespace"] == "fragmart" and ("Namespace", "fragmart") in objects
    assert {d["kind"] for d in load(TEMPLATE)} == {"Secret"}


@pytest.mark.parametrize("process, port", sorted(PROCESSES.items()))
def test_every_design_process_has_a_deployment_and_a_service_on_its_port(objects, process, port):
    name = process.replace("/", "-")
    c = container(objects, name)
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert c["image"] == "fragmart:latest"
    assert (env["MODULE"], env["PORT"]) == (process.replace("/", "."), str(port))
    assert c["ports"] == [{"name": "http", "containerPort": port}]
    svc = objects["Service", name]["spec"]
    assert svc["type"] == "ClusterIP" and svc["ports"][0]["port"] == port and svc["ports"][0]["targetPort"] == "http"
    labels = objects["Deployment", name]["spec"]["template"]["metadata"]["labels"]
    assert svc["selector"].items() <= labels.items()


def test_there_is_nothing_beyond_the_design_processes(objects):
    names = {p.replace("/", "-") for p in PROCESSES}
    assert set(of_kind(objects, "Deployment")) == names == set(of_kind(objects, "Service"))


@pytest.mark.parametrize("name", sorted(p.replace("/", "-") for p in PROCESSES))
def test_every_deployment_is_probed_scraped_sized_and_unprivileged(objects, name):
    c = container(objects, name)
    assert (c["readinessProbe"]["httpGet"], c["livenessProbe"]["httpGet"]) == (
        {"path": "/readyz", "port": "http"},
        {"path": "/healthz", "port": "http"},
    )
    annotations = objects["Deployment", name]["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(c["ports"][0]["containerPort"]),
        "prometheus.io/path": "/metrics",
    }
    assert set(c["resources"]["requests"]) == set(c["resources"]["limits"]) == {"cpu", "memory"}
    pod = objects["Deployment", name]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]


def test_pods_run_as_the_non_root_user_the_dockerfile_creates(objects):
    dockerfile = (ROOT / "Dockerfile").read_text()
    uid = int(re.search(r"useradd [^\n]*--uid (\d+)", dockerfile)[1])
    assert uid > 0 and re.search(rf"^USER (fragmart|{uid})\b", dockerfile, re.M)
    assert re.search(r"chown fragmart /app/.keys", dockerfile)  # the key folder stays writable for that user
    for d in of_kind(objects, "Deployment").values():
        assert d["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == uid


def test_the_configmap_points_every_url_at_the_services_that_exist(objects):
    data = objects["ConfigMap", k8s.ENV_CONFIG]["data"]
    loaded = settings.load_settings("orders", env=data)
    services = {name: d["spec"]["ports"][0]["port"] for name, d in of_kind(objects, "Service").items()}

    def target(url: str) -> tuple[str | None, int | None]:
        parts = urlsplit(url)
        return parts.hostname, parts.port

    assert target(loaded.gateway_url) == ("gateway", services["gateway"])
    assert {n: target(u) for n, u in loaded.service_urls.items()} == {
        n: (f"services-{n}", services[f"services-{n}"]) for n in settings.SERVICE_PORTS
    }
    assert {n: target(u) for n, u in loaded.fragment_urls.items()} == {
        n: (f"fragments-{n}", services[f"fragments-{n}"]) for n in settings.FRAGMENT_PORTS
    }
    assert {"MONGO_URL", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_URL", "LOG_LEVEL"} <= set(data)
    assert "replicaSet=" in loaded.mongo_url and not loaded.local_mode
    assert "10.0.0.0/8" in loaded.trusted_forwarders
    for d in of_kind(objects, "Deployment").values():
        assert {"configMapRef": {"name": k8s.ENV_CONFIG}} in container(objects, d["metadata"]["name"])["envFrom"]


def test_only_the_auth_service_reads_the_signing_key_and_it_is_required(objects):
    readers = {
        name
        for name in of_kind(objects, "Deployment")
        if any("valueFrom" in e for e in container(objects, name)["env"])
    }
    assert readers == {"services-auth"}
    refs = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in container(objects, "services-auth")["env"]
        if "valueFrom" in e
    }
    assert refs["JWT_PRIVATE_KEY"] == {"name": k8s.AUTH_SECRET, "key": "JWT_PRIVATE_KEY", "optional": False}
    assert {"ADMIN_EMAIL", "ADMIN_PASSWORD"} <= set(refs)
    [template] = [d for d in load(TEMPLATE) if d["metadata"]["name"] == k8s.AUTH_SECRET]
    assert set(template["stringData"]) == set(refs)
    assert all("REPLACE-ME" in v or "example.com" in v for v in template["stringData"].values())


def test_the_shell_enforces_https_behind_the_ingress_that_terminates_tls(objects):
    env = {e["name"]: e.get("value") for e in container(objects, "shell")["env"]}
    assert env["ENFORCE_HTTPS"] == "1" and env["TRUSTED_PROXY_HOPS"] == "1"
    [ingress] = of_kind(objects, "Ingress").values()
    assert ingress["spec"]["tls"][0]["secretName"]
    probes = container(objects, "shell")
    assert {probes[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")} <= {
        "/healthz",
        "/readyz",
    }  # plain HTTP from the kubelet, which the shell never redirects


def test_every_process_autoscales_on_cpu_and_its_autoscaler_owns_the_replica_count(objects):
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == set(of_kind(objects, "Deployment"))
    assert {m["resource"]["name"] for h in hpas.values() for m in h["spec"]["metrics"]} == {"cpu"}
    for name, d in of_kind(objects, "Deployment").items():
        assert ("replicas" in d["spec"]) == (name not in hpas), name
        assert hpas[name]["spec"]["minReplicas"] >= 2 if name in hpas else d["spec"]["replicas"] >= 2


def test_only_the_shell_is_reachable_from_outside_on_the_shop_url(objects):
    [ingress] = of_kind(objects, "Ingress").values()
    backends = [p["backend"]["service"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert backends == [{"name": "shell", "port": {"name": "http"}}]
    shop = urlsplit(objects["ConfigMap", k8s.ENV_CONFIG]["data"]["SHOP_URL"]).hostname
    assert [r["host"] for r in ingress["spec"]["rules"]] == [shop]
    assert {s["spec"]["type"] for s in of_kind(objects, "Service").values()} == {"ClusterIP"}


def test_the_readme_names_every_kafka_topic_the_cluster_must_hold():
    topics = design_topics()
    if topics is None:
        pytest.skip("DESIGN.md is not beside the repository")
    readme = (BASE / "README.md").read_text()
    assert len(topics) == 14
    assert [t for t in topics if f"`{t}`" not in readme] == []


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl (with its built-in kustomize) is not installed")
def test_kustomize_builds_the_base_into_the_fragmart_namespace(objects):
    out = subprocess.run(["kubectl", "kustomize", str(BASE)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    built = [d for d in YAML(typ="safe").load_all(out.stdout) if d]
    assert {(d["kind"], d["metadata"]["name"]) for d in built} == set(objects)
    assert {d["metadata"].get("namespace") for d in built if d["kind"] != "Namespace"} == {"fragmart"}


def test_a_node_drain_takes_at_most_one_pod_of_any_process(objects):
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert set(budgets) == set(of_kind(objects, "Deployment"))
    for name, budget in budgets.items():
        assert budget["spec"]["maxUnavailable"] == 1
        assert budget["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}


def _admits(policy: dict) -> set[str]:
    """The components a policy lets in on the http port (the monitoring namespace's scrape aside)."""
    rule = policy["spec"]["ingress"][0]
    return {s["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for s in rule["from"] if "podSelector" in s}


def _selects(objects, policy: dict) -> set[str]:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return {
        name
        for name, d in of_kind(objects, "Deployment").items()
        if wanted.items() <= d["spec"]["template"]["metadata"]["labels"].items()
    }


def test_network_policies_let_fragments_reach_only_the_gateway_and_only_the_gateway_reach_services_from_outside(
    objects,
):
    policies = of_kind(objects, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    deployments = set(of_kind(objects, "Deployment"))
    covered = set().union(*(_selects(objects, p) for n, p in policies.items() if n != "default-deny-ingress"))
    assert covered == deployments  # every pod has its allow rule; nothing else gets in
    by_kind = {
        p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]: p
        for n, p in policies.items()
        if n != "default-deny-ingress"
    }
    assert _admits(by_kind["fragments"]) == {"shell"}
    assert _admits(by_kind["gateway"]) == {"shell", "fragments"}
    assert _admits(by_kind["services"]) == {"gateway", "services"}  # no fragment, no shell
    pod_targets = [
        t["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        for rule in by_kind["fragments"]["spec"]["egress"]
        for t in rule.get("to", [])
        if "podSelector" in t
    ]
    assert pod_targets == ["gateway"]
    for policy in by_kind.values():  # Prometheus in the monitoring namespace scrapes every pod
        assert policy["spec"]["ingress"][1]["from"][0]["namespaceSelector"]["matchLabels"] == {
            "kubernetes.io/metadata.name": "monitoring"
        }


def test_a_job_provisions_the_kafka_topics_on_every_apply(objects):
    job = objects["Job", "kafka-topics"]
    [c] = job["spec"]["template"]["spec"]["containers"]
    assert c["command"] == ["python", "-m", "devstack", "topics"] and c["image"] == "fragmart:latest"
    assert {"configMapRef": {"name": k8s.ENV_CONFIG}} in c["envFrom"]
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
