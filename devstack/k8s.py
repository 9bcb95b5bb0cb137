"""`python -m devstack.k8s`: write deploy/k8s/{config,apps,policies}.yaml from the process table (`--check`)."""

from __future__ import annotations

import argparse
import io
import sys

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from common.settings import FRAGMENT_PORTS, SERVICE_PORTS

from . import k8s_policies
from .processes import APP_MODULES, ROOT, base_port

OUT = ROOT / "deploy" / "k8s"
IMAGE = "fragmart:latest"
RUN_AS_USER = 10001  # the Dockerfile's `useradd --uid`; numeric, so the kubelet can verify runAsNonRoot
ENV_CONFIG, CONNECTIONS, AUTH_SECRET = "fragmart-env", "fragmart-connections", "fragmart-auth"
SHOP_HOST = "shop.example.com"  # the Ingress host too (ingress.yaml)
REPLICAS = 2  # per process, so a rollout or a node drain never takes a process away; the HPA floor too
# Deployment -> maxReplicas, scaled on CPU. Consumers share a topic's partitions (12 a saga topic, devstack/topics.py),
# so a service past 12 replicas would leave the extra ones idle on its topics.
AUTOSCALED = {
    "shell": 10,
    "gateway": 10,
    "services-products": 8,
    **{f"services-{n}": 6 for n in SERVICE_PORTS if n != "products"},
    **{f"fragments-{n}": 6 for n in FRAGMENT_PORTS},
}
# From measured RSS (one gunicorn worker, 8 threads): ~70 MB a fragment app, ~80-120 MB a service; auth also
# hashes passwords with argon2 at 19 MiB each, up to 8 at once.
SIZES = {
    "fragments": ({"cpu": "50m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"}),
    "services": ({"cpu": "100m", "memory": "192Mi"}, {"cpu": "1", "memory": "512Mi"}),
    "edge": ({"cpu": "200m", "memory": "160Mi"}, {"cpu": "1", "memory": "384Mi"}),
}
INFRA_ENV = {  # placeholders for the external stores; an overlay (or ExternalName Services) points them home
    "MONGO_URL": "mongodb://mongodb:27017/?replicaSet=rs0",
    "REDIS_URL": "redis://redis:6379/0",
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "SMTP_URL": "smtp://smtp:25",
    # Texts: "log" until the Secret fragmart-connections sets SMS_PROVIDER=twilio with TWILIO_ACCOUNT_SID,
    # TWILIO_AUTH_TOKEN and TWILIO_FROM (there is no SMS stand-in in a cluster).
    "SMS_PROVIDER": "log",
}
SHARED_ENV = {
    "SHOP_URL": f"https://{SHOP_HOST}",
    # The gateway believes X-Forwarded-For from the fragment apps: the private ranges pod networks use.
    "TRUSTED_FORWARDERS": "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10",
    "LOG_LEVEL": "INFO",
    # One worker a pod: each worker keeps its own /metrics registry, so more would make scrapes disagree.
    "WORKERS": "1",
    "THREADS": "8",
}


def app_name(module: str) -> str:
    return module.replace(".", "-")


def _design_order(module: str) -> int:
    """DESIGN.md's order: the shell, its fragments, the gateway, the services."""
    return ("shell", "fragments", "gateway", "services").index(module.partition(".")[0])


def env_config() -> CommentedMap:
    urls = {"GATEWAY_URL": f"http://gateway:{base_port('gateway')}"}
    urls |= {f"{n.upper()}_SERVICE_URL": f"http://services-{n}:{p}" for n, p in SERVICE_PORTS.items()}
    urls |= {f"{n.upper()}_FRAGMENT_URL": f"http://fragments-{n}:{p}" for n, p in FRAGMENT_PORTS.items()}
    data = CommentedMap({**INFRA_ENV, **urls, **SHARED_ENV})
    data.yaml_set_comment_before_after_key(
        "MONGO_URL",
        f"External stores: replace these (see README.md). Credentials go in the Secret {CONNECTIONS}.",
        indent=2,
    )
    data.yaml_set_comment_before_after_key("GATEWAY_URL", "In-cluster Services, namespace-relative names.", indent=2)
    return CommentedMap(apiVersion="v1", kind="ConfigMap", metadata={"name": ENV_CONFIG}, data=data)


def _secret_env(name: str, key: str, optional: bool) -> dict:
    return {"name": key, "valueFrom": {"secretKeyRef": {"name": name, "key": key, "optional": optional}}}


EXTRA_ENV = {
    # Behind the Ingress controller: trust its one X-Forwarded-For hop, or every shopper shares its address.
    # Its X-Forwarded-Proto says whether the browser used TLS (terminated at the Ingress): plain HTTP is
    # redirected, pages send HSTS, cookies are Secure. Probes and scrapes (plain HTTP to the pod) are exempt.
    "shell": [{"name": "TRUSTED_PROXY_HOPS", "value": "1"}, {"name": "ENFORCE_HTTPS", "value": "1"}],
    # Every auth pod signs with the same key, and a restarted pod keeps it: tokens stay valid. The previous key
    # (after a rotation) still verifies the tokens it signed until they expire.
    "services.auth": [
        _secret_env(AUTH_SECRET, "JWT_PRIVATE_KEY", False),
        _secret_env(AUTH_SECRET, "JWT_PREVIOUS_KEY", True),
        _secret_env(AUTH_SECRET, "ADMIN_EMAIL", True),
        _secret_env(AUTH_SECRET, "ADMIN_PASSWORD", True),
    ],
}


def _probe(path: str, period: int, failures: int, timeout: int) -> dict:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failures,
    }


def deployment(module: str) -> dict:
    name, port, kind = app_name(module), base_port(module), module.partition(".")[0]
    requests, limits = SIZES.get(kind, SIZES["edge"])
    selector = {"app.kubernetes.io/name": name}
    labels = {**selector, "app.kubernetes.io/component": kind, "app.kubernetes.io/part-of": "fragmart"}
    container = {
        "name": name,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "env": [{"name": "MODULE", "value": module}, {"name": "PORT", "value": str(port)}, *EXTRA_ENV.get(module, [])],
        "envFrom": [{"configMapRef": {"name": ENV_CONFIG}}, {"secretRef": {"name": CONNECTIONS, "optional": True}}],
        "ports": [{"name": "http", "containerPort": port}],
        "startupProbe": _probe("/healthz", 2, 30, 2),
        "readinessProbe": _probe("/readyz", 5, 2, 3),  # /readyz pings Mongo, Redis and Kafka: up to ~2 s
        "livenessProbe": _probe("/healthz", 10, 3, 2),
        "resources": {"requests": requests, "limits": limits},
        # Let the Service drop the pod before gunicorn stops taking requests.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # gunicorn's worker heartbeat files
    }
    pod = {
        "automountServiceAccountToken": False,  # no process talks to the Kubernetes API
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS_USER,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": selector},
            }
        ],
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}}],
    }
    annotations = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}
    # The HPA owns replicas where there is one.
    spec: dict[str, object] = {} if name in AUTOSCALED else {"replicas": REPLICAS}
    spec |= {
        "selector": {"matchLabels": selector},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        "template": {"metadata": {"labels": labels, "annotations": annotations}, "spec": pod},
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels}, "spec": spec}


def service(module: str) -> dict:
    name = app_name(module)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "fragmart"}},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": name},
            "ports": [{"name": "http", "port": base_port(module), "targetPort": "http", "appProtocol": "http"}],
        },
    }


def autoscaler(name: str, most: int) -> dict:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": REPLICAS,
            "maxReplicas": most,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }


def _flow_scalar_lists(node):
    """Lists of plain values print on one line (`drop: [ALL]`), which keeps 14 Deployments readable."""
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _flow_scalar_lists(value)
    elif isinstance(node, list):
        if all(isinstance(v, str | int) for v in node):
            node = CommentedSeq(node)
            node.fa.set_flow_style()
        else:
            node[:] = [_flow_scalar_lists(v) for v in node]
    return node


def _dump(header: str, docs: list) -> str:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    yaml.representer.ignore_aliases = lambda data: True  # a label set shared by two objects is written out twice
    docs = [_flow_scalar_lists(d) for d in docs]
    out = io.StringIO()
    out.write(f"# {header}\n# Written by `python -m devstack.k8s` from the process table: edit that, not this file.\n")
    yaml.dump_all(docs, out)
    return out.getvalue()


def render() -> dict[str, str]:
    """File name -> text of every generated manifest file."""
    apps = [d for m in sorted(APP_MODULES, key=_design_order) for d in (deployment(m), service(m))]
    apps += [autoscaler(name, most) for name, most in AUTOSCALED.items()]
    return {
        "config.yaml": _dump("The environment every Fragmart process shares.", [env_config()]),
        "apps.yaml": _dump("A Deployment and a ClusterIP Service per DESIGN.md process; the autoscalers.", apps),
        **k8s_policies.render(app_name, _dump, IMAGE, ENV_CONFIG, CONNECTIONS, RUN_AS_USER),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.k8s", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    files = render()
    stale = [name for name, text in files.items() if not (OUT / name).exists() or (OUT / name).read_text() != text]
    if args.check:
        print("\n".join(f"stale: {OUT / n} (run python -m devstack.k8s)" for n in stale) or "up to date")
        return 1 if stale else 0
    for name in stale:
        (OUT / name).write_text(files[name])
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
