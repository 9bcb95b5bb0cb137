"""Shared fixtures: the whole local stack (integration, browser) and throwaway infra (unit, contract)."""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis

from common.auth.identity import REVOCATIONS_READY_KEY
from devstack import Stack
from devstack.probes import free_port
from devstack.processes import infra_spec
from devstack.sms_standin import serve as serve_sms
from devstack.smtp_sink import start_sink
from devstack.supervised import Supervised, stop_all
from tests.support.tokens import token_issuer

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("unit", "contract", "integration", "browser")


def pytest_collection_modifyitems(items):
    """Mark each test by its folder, so `pytest -m unit` works without decorating every test."""
    for item in items:
        kind = next((p for p in item.path.parts if p in KINDS), None)
        if kind:
            item.add_marker(kind)


@pytest.fixture(scope="session", autouse=True)
def mongo_url(tmp_path_factory):
    """One MongoDB-compatible server (SecantusDB, in memory) for the session, on a free port. Apps created in this
    process reach it through MONGO_URL, in local mode (the catalog seeded) as under `make run`; each test module
    and each test gets databases of its own (see _own_databases). A devstack Stack runs its own server."""
    folder = tmp_path_factory.mktemp("mongo")
    spec = infra_spec("mongo", free_port())
    proc = Supervised(spec, folder / "mongo.log", dict(os.environ), ROOT).start()
    saved = {k: os.environ.get(k) for k in ("MONGO_URL", "LOCAL_MODE", "MONGO_DB_PREFIX")}
    try:
        proc.wait_ready(30)
        os.environ.update(MONGO_URL=spec.url, LOCAL_MODE="1")
        yield spec.url
    finally:
        stop_all([proc])
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_scopes = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def _module_databases(mongo_url):
    """Apps a module creates get databases no other module sees: a clean slate, as a fresh process had."""
    with _database_prefix(f"m{next(_scopes)}_"):
        yield


@pytest.fixture(autouse=True)
def _own_databases(_module_databases):
    """Apps a test creates itself get databases of their own; the module's apps keep theirs."""
    with _database_prefix(f"f{next(_scopes)}_"):
        yield


@contextlib.contextmanager
def _database_prefix(prefix: str):
    before = os.environ.get("MONGO_DB_PREFIX")
    os.environ["MONGO_DB_PREFIX"] = prefix
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MONGO_DB_PREFIX", None)
        else:
            os.environ["MONGO_DB_PREFIX"] = before


@pytest.fixture(scope="session")
def stack():
    """Every process of DESIGN.md, started once per session on ports shifted by TEST_PORT_OFFSET.

    TEST_STACK=running: use the stack already serving at that offset (`make run`, or `python -m devstack run
    --offset N`), neither started nor stopped here; tests that kill a process need a stack of their own."""
    # Every browser and integration test reaches the gateway from 127.0.0.1, so a faster suite can pass the per-address
    # write limit that real shoppers each have to themselves; tests of the limit run gateways of their own.
    # Webhook receivers in tests listen on 127.0.0.1, which only WEBHOOKS_ALLOW_PRIVATE=1 lets the sender reach.
    # The suite's stack shares two cores with Chromium and the test runner: a sign-in that takes 21 ms of CPU once
    # waited past the shell's 1.5 s budget for a fragment (CI, stop 24). Its budget is 3 s; the tests of the budget
    # itself run shells of their own with their own timeouts (tests/contract/pages/test_shell_outages.py).
    env = {"RATE_LIMIT_WRITES": "10000/minute", "WEBHOOKS_ALLOW_PRIVATE": "1", "FRAGMENT_TIMEOUT": "3", **os.environ}
    s = Stack(offset=int(os.environ.get("TEST_PORT_OFFSET", "0")), env=env)
    if os.environ.get("TEST_STACK") == "running":
        s.attached = True
        yield s
        return
    s.start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _heal_stack(request):
    """A test may kill or crash a process; restart whatever is down before the next test uses the stack."""
    yield
    if "stack" in request.fixturenames:
        s = request.getfixturevalue("stack")
        if getattr(s, "attached", False):
            return
        for name in list(s.specs):
            if not s.is_running(name):
                s.restart(name)


@pytest.fixture(scope="session")
def shell_url(stack) -> str:
    return stack.url("shell")


@pytest.fixture(scope="session")
def gateway_url(stack) -> str:
    return stack.url("gateway")


def _throwaway(name: str, tmp_path_factory):
    folder = tmp_path_factory.mktemp(name)
    # Redis keeps its append-only file under root/var/redis: a throwaway keeps it in its own temporary folder.
    spec = infra_spec(name, free_port(), root=folder) if name == "redis" else infra_spec(name, free_port())
    proc = Supervised(spec, folder / f"{name}.log", dict(os.environ), ROOT).start()
    try:
        proc.wait_ready(30)
        yield spec.url
    finally:
        stop_all([proc])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private redis-server on a free port, for apps created in-process with {"redis_url": url}.

    Its revocation list is marked published (and empty), as an auth service would at start, since most
    tests sign their tokens with tests/support/tokens.py and run no auth service."""
    for url in _throwaway("redis", tmp_path_factory):
        mark_revocations_published(url)
        yield url


def mark_revocations_published(url: str) -> None:
    with redis.Redis.from_url(url) as r:
        r.set(REVOCATIONS_READY_KEY, 1)


class OwnRedis:
    """A redis-server of one test's own, to stop, kill, restart or pause: `persistent=False` loses its data."""

    def __init__(self, folder: Path, persistent: bool = True):
        base = infra_spec("redis", free_port(), root=folder)
        argv = base.argv if persistent else (*base.argv, "--appendonly", "no")  # the last value wins
        self.spec, self.url = replace(base, argv=argv), base.url
        self.proc = Supervised(self.spec, folder / "redis.log", dict(os.environ), ROOT)

    def start(self) -> OwnRedis:
        self.proc.start(append=True).wait_ready(30)
        return self

    def stop(self) -> None:
        stop_all([self.proc])

    def kill(self) -> None:
        self.proc.signal(signal.SIGKILL)
        self.proc.wait_gone(time.monotonic() + 10)

    def pause(self, ms: int) -> None:
        with redis.Redis.from_url(self.url) as r:
            r.execute_command("CLIENT", "PAUSE", ms, "ALL")


@pytest.fixture()
def own_redis(tmp_path):
    """Starts function-scoped redis-servers: `own_redis.start(persistent=True)` (AOF, as devstack runs it)."""
    servers = []

    def start(persistent: bool = True) -> OwnRedis:
        server = OwnRedis(tmp_path / f"redis-{len(servers)}", persistent).start()
        mark_revocations_published(server.url)
        servers.append(server)
        return server

    yield SimpleNamespace(start=start)
    stop_all([s.proc for s in servers])


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory):
    """A private Tansu (Kafka protocol) broker on a free port: "127.0.0.1:PORT"."""
    yield from _throwaway("kafka", tmp_path_factory)


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory):
    """An in-process SMTP server: .url ("smtp://127.0.0.1:PORT") and .dir for devstack.smtp_sink.read_messages."""
    port, directory = free_port(), tmp_path_factory.mktemp("mail")
    controller = start_sink(port, directory)
    yield SimpleNamespace(url=f"smtp://127.0.0.1:{port}", port=port, dir=directory)
    controller.stop()


@pytest.fixture(scope="session")
def sms_standin(tmp_path_factory):
    """The SMS stand-in in-process on a free port, with a made-up account: .url, .dir (read_texts), .settings (the
    notifications settings that point Twilio's library at it)."""
    port, directory = free_port(), tmp_path_factory.mktemp("sms")
    sid, token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
    server = serve_sms(port, directory, sid, token)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    settings = {"sms_standin_url": url, "twilio_account_sid": sid, "twilio_auth_token": token}
    yield SimpleNamespace(url=url, port=port, dir=directory, sid=sid, token=token, settings=settings)
    server.shutdown()


@pytest.fixture(scope="session")
def issuer():
    """A stand-in token issuer for tests of one service (tests/support/tokens.py): .token(), .headers(),
    .service_urls()."""
    with token_issuer() as found:
        yield found
