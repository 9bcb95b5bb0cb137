"""The Kubernetes base's guard rails, generated with the rest by `python -m devstack.k8s`: disruption budgets,
network policies (who may call whom), and the Job that provisions the Kafka topics."""

from __future__ import annotations

from .processes import APP_MODULES

PART_OF = {"app.kubernetes.io/part-of": "fragmart"}
MONITORING_NAMESPACE = "monitoring"  # where Prometheus runs; it scrapes every pod's /metrics on its http port
DNS = {"to": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
REDIS_PORT, OTLP_PORTS = 6379, (4317, 4318)


def _component(kind: str) -> dict:
    return {"podSelector": {"matchLabels": {"app.kubernetes.io/component": kind, **PART_OF}}}


def disruption_budget(name: str) -> dict:
    """A node drain evicts at most one pod of a process at a time; every process runs at least two."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}},
    }


def _policy(name: str, kind: str, sources: list, types=("Ingress",), egress: list | None = None) -> dict:
    scrape = {
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}}],
        "ports": [{"port": "http"}],
    }
    spec = {
        "podSelector": {"matchLabels": {"app.kubernetes.io/component": kind, **PART_OF}},
        "policyTypes": list(types),
        "ingress": [{"from": sources, "ports": [{"port": "http"}]}, scrape],
    }
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name}, "spec": spec}


def network_policies() -> list[dict]:
    """Deny by default; the shell from outside (the Ingress); fragments from the shell; the gateway from the shell
    (session refresh) and the fragments; services from the gateway and from each other (orders prices with
    products and inventory, every service fetches auth's JWKS). So a fragment reaches the gateway, never a service."""
    deny = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    shell = _policy("shell-from-ingress", "shell", [{"namespaceSelector": {}}, {"ipBlock": {"cidr": "0.0.0.0/0"}}])
    fragments_egress = [
        {"to": [_component("gateway")], "ports": [{"port": "http"}]},
        DNS,
        # External stores and the trace collector, addressed outside the cluster (the ConfigMap's URLs).
        {"ports": [{"protocol": "TCP", "port": p} for p in (REDIS_PORT, *OTLP_PORTS)]},
    ]
    fragments = _policy(
        "fragments-from-shell-to-gateway",
        "fragments",
        [_component("shell")],
        types=("Ingress", "Egress"),
        egress=fragments_egress,
    )
    gateway = _policy("gateway-from-shell-and-fragments", "gateway", [_component("shell"), _component("fragments")])
    services = _policy(
        "services-from-gateway-and-services", "services", [_component("gateway"), _component("services")]
    )
    return [deny, shell, fragments, gateway, services]


def topics_job(image: str, env_config: str, connections: str, run_as_user: int) -> dict:
    """`python -m devstack topics` on every apply (the finished Job is deleted after ten minutes): idempotent."""
    container = {
        "name": "kafka-topics",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["python", "-m", "devstack", "topics"],
        "envFrom": [{"configMapRef": {"name": env_config}}, {"secretRef": {"name": connections, "optional": True}}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    pod = {
        "restartPolicy": "OnFailure",
        "automountServiceAccountToken": False,
        "containers": [container],
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": run_as_user,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "kafka-topics", "labels": PART_OF},
        "spec": {
            "backoffLimit": 10,
            "ttlSecondsAfterFinished": 600,
            "template": {"metadata": {"labels": PART_OF}, "spec": pod},
        },
    }


def render(app_name, dump, image: str, env_config: str, connections: str, run_as_user: int) -> dict[str, str]:
    docs = [disruption_budget(app_name(m)) for m in APP_MODULES] + network_policies()
    docs.append(topics_job(image, env_config, connections, run_as_user))
    return {"policies.yaml": dump("Disruption budgets, network policies and the Kafka topics Job.", docs)}
