"""Debian's Prometheus beside the local stack: a scrape config made from the process table, the alert rules loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .processes import ROOT, ProcessSpec

PROMETHEUS_PORT = 9090  # shifted by the stack's port offset, like every other port
RULES = ROOT / "deploy" / "monitoring" / "alerts.yml"
PROMETHEUS_MISSING = (
    "prometheus is not installed. Run `make monitor` (as root it runs "
    "`apt-get install -y prometheus`), or install the Debian package prometheus yourself."
)


def scrape_config(specs: dict[str, ProcessSpec], rules: Path = RULES, interval: str = "5s") -> dict:
    """One job, one target per app process, each labelled service="<process name>" as the alert rules expect."""
    targets = [
        {"targets": [f"127.0.0.1:{s.port}"], "labels": {"service": s.name}} for s in specs.values() if s.kind == "app"
    ]
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(rules)],
        "scrape_configs": [{"job_name": "fragmart", "metrics_path": "/metrics", "static_configs": targets}],
    }


def write_config(specs: dict[str, ProcessSpec], folder: Path) -> Path:
    """prometheus.yml under `folder` (JSON is YAML, and needs no YAML writer)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "prometheus.yml"
    path.write_text(json.dumps(scrape_config(specs), indent=2) + "\n")
    return path


def prometheus_spec(specs: dict[str, ProcessSpec], var_dir: Path, offset: int) -> ProcessSpec:
    """The Prometheus process for a stack: its config and TSDB under var/, ready when its port answers."""
    binary = shutil.which("prometheus")
    if binary is None:
        raise FileNotFoundError(PROMETHEUS_MISSING)
    folder, port = var_dir / "prometheus", PROMETHEUS_PORT + offset
    config = write_config(specs, folder)
    argv = (
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--storage.tsdb.retention.time=2d",
    )
    return ProcessSpec("prometheus", "monitor", port, argv, "tcp")
