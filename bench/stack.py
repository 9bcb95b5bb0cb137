"""The stack a benchmark measures: one already running, or one started as `make run` does, with chosen settings."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import requests

from bench.procs import listening_pids
from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, SERVICE_PORTS, SHELL_PORT
from devstack.processes import ROOT, ProcessSpec
from devstack.stack import default_var_dir
from devstack.supervised import Supervised, stop_all

BENCH_OFFSET = 700
LOCAL_OFFSET = 750  # a second stack with `make run`'s own settings (bench/local.py)
OWN_OFFSETS = (BENCH_OFFSET, LOCAL_OFFSET)
START_TIMEOUT = 180.0


def offset_of(urls_: dict) -> int:
    """The port offset of the stack these URLs reach, read from the shell's port."""
    return int(urls_["shell"].rsplit(":", 1)[1]) - SHELL_PORT


def urls(offset: int) -> dict:
    base = "http://127.0.0.1:{}"
    found = {"shell": base.format(SHELL_PORT + offset), "gateway": base.format(GATEWAY_PORT + offset)}
    found.update({n: base.format(p + offset) for n, p in SERVICE_PORTS.items()})
    found.update({f"fragment-{n}": base.format(p + offset) for n, p in FRAGMENT_PORTS.items()})
    return found


# The production settings the bench's own stack runs with (README's Operations section): 5 % of traces sampled,
# Redis commands not traced, templates compiled once. Only the rate limits are lifted (one client sends all the load).
PRODUCTION = {
    "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
    "OTEL_TRACES_SAMPLER_ARG": "0.05",
    "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "redis",
    "LIVE_TEMPLATES": "0",
}
UNLIMITED = {"RATE_LIMIT_READS": "1000000/minute", "RATE_LIMIT_WRITES": "1000000/minute"}
SHOWN = (*PRODUCTION, *UNLIMITED)


def _running(offset: int) -> bool:
    try:
        return requests.get(f"{urls(offset)['shell']}/healthz", timeout=1).ok
    except requests.RequestException:
        return False


def _all_ready(offset: int) -> bool:
    try:
        return all(requests.get(f"{u}/healthz", timeout=1).ok for u in urls(offset).values())
    except requests.RequestException:
        return False


def settings_of(offset: int) -> str:
    """The settings the running stack's shell was started with, as far as the figures depend on them."""
    pids = sorted(listening_pids({"shell": SHELL_PORT + offset}).get("shell", []))
    try:
        raw = Path(f"/proc/{pids[-1]}/environ").read_bytes().split(b"\0")
    except (IndexError, OSError):
        return "unknown (the shell's environment is not readable)"
    env = dict(item.decode(errors="replace").partition("=")[::2] for item in raw if b"=" in item)
    shown = ", ".join(f"{k}={env.get(k, '(unset)')}" for k in SHOWN)
    production = all(env.get(k) == v for k, v in PRODUCTION.items())
    return f"{shown}: {'production settings' if production else 'NOT the production settings'}"


def stack_env(offset: int, settings: dict | None = None, environ: dict | None = None) -> dict:
    """The environment a started stack gets: the caller's, with the production settings (or `settings`, any
    production variable they do not name dropped, so it takes `make run`'s default), the rate limits lifted."""
    environ = dict(os.environ if environ is None else environ)
    chosen = PRODUCTION if settings is None else settings
    inherited = {k: v for k, v in environ.items() if k not in PRODUCTION}
    return {**inherited, **chosen, **UNLIMITED, "FRAGMART_PORT_OFFSET": str(offset)}


@contextlib.contextmanager
def stack_for(offset: int | None, settings: dict | None = None):
    """Use a stack already running at `offset`, or start one: what `make run` starts (`python -m devstack run`, its
    supervisor included, the database's files on disk), with the production settings above (`settings`: these
    instead, every variable of the production settings not named in them left to `make run`'s default)."""
    if offset is not None and _running(offset):
        yield offset
        return
    offset = BENCH_OFFSET if offset is None else offset
    argv = [sys.executable, "-m", "devstack", "run", "--offset", str(offset)]
    if offset in OWN_OFFSETS:
        argv.append("--reset")  # the bench's own ports: a clean seed each run (never someone's `make run` data)
    env = stack_env(offset, settings)
    spec = ProcessSpec("devstack", "bench", SHELL_PORT + offset, tuple(argv), "tcp")
    log = default_var_dir(ROOT, offset) / "log" / "bench-devstack.log"
    print(f"starting the stack as `make run` does ({' '.join(argv[1:])}); its log: {log}", flush=True)
    supervisor = Supervised(spec, log, env, ROOT).start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _all_ready(offset):
            if not supervisor.alive() or time.monotonic() > deadline:
                raise SystemExit(f"the stack did not start within {START_TIMEOUT:.0f} s\n{supervisor.log_tail()}")
            time.sleep(0.5)
        yield offset
    finally:
        stop_all([supervisor], grace=60)  # devstack stops its processes on SIGTERM, apps first
