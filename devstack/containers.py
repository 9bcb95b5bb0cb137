"""`python -m devstack.containers`: write compose.yaml's app services, its Prometheus targets and the Dockerfile's
EXPOSE from the process table (`--check`). compose.yaml's infrastructure stays hand-written around the marked blocks."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from common.settings import FRAGMENT_PORTS, SERVICE_PORTS

from .k8s import app_name
from .processes import APP_MODULES, ROOT, base_port

COMPOSE, DOCKERFILE = ROOT / "compose.yaml", ROOT / "Dockerfile"
PROMETHEUS = ROOT / "deploy" / "monitoring" / "prometheus-compose.yml"
COMMAND = "python -m devstack.containers"
BEGIN, END = "# >>> {} (written by `{}` from the process table: edit that, not this block)", "# <<< {}"
SECTIONS = {  # the heading above each kind's first process, in DESIGN.md's order
    "shell": "storefront: the only origin a browser talks to",
    "fragments": "micro-frontends",
    "gateway": "API gateway",
    "services": "services",
}
FRAGMENT_DEPS = "*fragment-deps"
SERVICE_DEPS = "*service-deps"


def _healthy(*names: str) -> list[str]:
    return [f"{n}: {{condition: service_healthy}}" for n in names]


# What one process needs beyond its MODULE and PORT: comment lines, environment, ports, volumes, dependencies.
EXTRAS: dict[str, dict] = {
    "shell": {
        "comment": [
            "ENFORCE_HTTPS: plain HTTP is redirected (308), pages send HSTS, cookies are Secure. Only the TLS proxy",
            "reaches it, so its X-Forwarded-Proto is believed; the healthcheck's plain /healthz is never redirected.",
        ],
        "env": {"ENFORCE_HTTPS": '"1"', "TRUSTED_PROXY_HOPS": '"1"'},
        "depends_on": _healthy("redis", *(f"fragments-{n}" for n in FRAGMENT_PORTS)),
    },
    "gateway": {"publish": True, "depends_on": _healthy("redis", "services-auth")},
    "services.auth": {
        "comment": [
            "One key pair for every auth replica; set JWT_PRIVATE_KEY (or JWT_PRIVATE_KEY_FILE) in production",
            "instead of the volume. `python -m services.auth rotate-keys` adds a new key there; the previous one",
            "keeps verifying.",
        ],
        "env": {"KEYS_DIR": "/app/.keys"},
        "volumes": '["auth-keys:/app/.keys"]',
    },
    "services.notifications": {"depends_on": [f"<<: {SERVICE_DEPS}", *_healthy("mailpit")]},
}


def _design_order(module: str) -> int:
    return list(SECTIONS).index(module.partition(".")[0])


def _service(module: str) -> list[str]:
    extra, port = EXTRAS.get(module, {}), base_port(module)
    env = {"MODULE": module, "PORT": f'"{port}"', **extra.get("env", {})}
    lines = [f"  {app_name(module)}:", "    <<: *app", *(f"    # {c}" for c in extra.get("comment", []))]
    lines.append("    environment: {<<: *app-env, " + ", ".join(f"{k}: {v}" for k, v in env.items()) + "}")
    lines.append(f'    ports: ["{port}:{port}"]' if extra.get("publish") else f'    expose: ["{port}"]')
    if "volumes" in extra:
        lines.append(f"    volumes: {extra['volumes']}")
    depends = extra.get("depends_on", FRAGMENT_DEPS if module.startswith("fragments.") else SERVICE_DEPS)
    if isinstance(depends, str):
        return [*lines, f"    depends_on: {depends}"]
    return [*lines, "    depends_on:", *(f"      {d}" for d in depends)]


def app_services() -> list[str]:
    """The compose services of every app process, under one heading per kind."""
    lines: list[str] = []
    for module in sorted(APP_MODULES, key=_design_order):
        kind = module.partition(".")[0]
        if not any(line.startswith(f"  # --- {SECTIONS[kind]}") for line in lines):
            lines += [""] * bool(lines) + [f"  # --- {SECTIONS[kind]} ".ljust(96, "-")]
        lines += _service(module)
    return lines


def app_urls() -> list[str]:
    """Where every app process listens on the compose network, as the variables Settings reads."""
    urls = {"GATEWAY_URL": f"http://gateway:{base_port('gateway')}"}
    urls |= {f"{n.upper()}_SERVICE_URL": f"http://services-{n}:{p}" for n, p in SERVICE_PORTS.items()}
    urls |= {f"{n.upper()}_FRAGMENT_URL": f"http://fragments-{n}:{p}" for n, p in FRAGMENT_PORTS.items()}
    return [f"  {k}: {v}" for k, v in urls.items()]


def splice(text: str, name: str, block: list[str]) -> str:
    """`text` with the lines between the markers named `name` replaced by `block` (the markers' indent kept)."""
    begin, end = BEGIN.format(name, COMMAND).split(" (", 1)[0], END.format(name)
    pattern = re.compile(rf"^( *){re.escape(begin)}[^\n]*\n.*?^ *{re.escape(end)}\n", re.M | re.S)
    found = pattern.search(text)
    if found is None:
        raise ValueError(f"the markers '{begin}' and '{end}' are missing")
    indent = found[1]
    body = "".join(f"{line}\n" for line in block)
    marked = f"{indent}{BEGIN.format(name, COMMAND)}\n{body}{indent}{END.format(name)}\n"
    return text[: found.start()] + marked + text[found.end() :]


def compose(text: str) -> str:
    return splice(splice(text, "app urls", app_urls()), "app services", app_services())


def dockerfile(text: str) -> str:
    ports = " ".join(str(p) for p in sorted(base_port(m) for m in APP_MODULES))
    return re.sub(r"^EXPOSE .*$", lambda _: f"EXPOSE {ports}", text, count=1, flags=re.M)


def prometheus() -> str:
    targets = "".join(
        f'      - {{targets: ["{app_name(m)}:{base_port(m)}"], labels: {{service: {m}}}}}\n' for m in APP_MODULES
    )
    return (
        "# Prometheus in compose.yaml: every process by its compose host name, labelled as devstack/monitoring.py\n"
        "# labels them locally, so deploy/monitoring/alerts.yml works in both\n"
        "# (tests/contract/deploy/test_monitoring.py).\n"
        f"# Written by `{COMMAND}` from the process table: edit that, not this file.\n"
        "global: {scrape_interval: 15s, evaluation_interval: 15s}\n"
        "rule_files: [/etc/prometheus/alerts.yml]\n"
        "scrape_configs:\n"
        "  - job_name: fragmart\n"
        "    static_configs:\n"
        f"{targets}"
    )


def render() -> dict[Path, str]:
    """Path -> text of every file this writes, the hand-written parts of compose.yaml and the Dockerfile kept."""
    return {
        COMPOSE: compose(COMPOSE.read_text()),
        DOCKERFILE: dockerfile(DOCKERFILE.read_text()),
        PROMETHEUS: prometheus(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    files = render()
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if args.check:
        print("\n".join(f"stale: {p.relative_to(ROOT)} (run {COMMAND})" for p in stale) or "up to date")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
