"""DESIGN.md read as data: its process table and Kafka topics, for the deployment tests (compose, Kubernetes)."""

from __future__ import annotations

import re
from pathlib import Path

from common import settings

DESIGN = Path(__file__).resolve().parents[3] / "shared" / "DESIGN.md"  # CI clones the repo with ../shared beside it
ROW = re.compile(r"^\|\s*([a-z]+(?:/[a-z]+)?)\s*\|\s*(\d+)\s*\|")
# Processes DESIGN.md already names that no issue has built yet, each with the issue that builds it.
PLANNED: dict[str, str] = {}


def settings_ports() -> dict[str, int]:
    return {
        "shell": settings.SHELL_PORT,
        "gateway": settings.GATEWAY_PORT,
        **{f"services/{n}": p for n, p in settings.SERVICE_PORTS.items()},
        **{f"fragments/{n}": p for n, p in settings.FRAGMENT_PORTS.items()},
    }


def _section(title: str) -> str:
    return DESIGN.read_text().split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def design_table() -> dict[str, int]:
    """The 'Processes and ports' table of DESIGN.md, or the settings' table when DESIGN.md is absent."""
    if not DESIGN.exists():
        return settings_ports()
    return {m[1]: int(m[2]) for m in map(ROW.match, _section("Processes and ports").splitlines()) if m}


def design_ports() -> dict[str, int]:
    """The DESIGN.md processes that are built (every row but the PLANNED ones): what deployments must run."""
    return {p: port for p, port in design_table().items() if p not in PLANNED}


def design_topics() -> list[str] | None:
    """The Kafka topics DESIGN.md names (without the `<topic>.dlq` pattern), or None when DESIGN.md is absent."""
    if not DESIGN.exists():
        return None
    sentence = _section("Events").split("Topics:", 1)[1].split(";", 1)[0]
    return re.findall(r"`([a-z]+\.[a-z]+)`", sentence)
