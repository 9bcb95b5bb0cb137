"""`python -m bench [scenario…]`: start the stack as `make run` does (or use a running one) and print figures."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import time
from pathlib import Path

import requests

from bench.orders import ROWS
from bench.procs import listening_pids
from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, SERVICE_PORTS, SHELL_PORT
from devstack.processes import ROOT, ProcessSpec
from devstack.stack import default_var_dir
from devstack.supervised import Supervised, stop_all

# Scenario name -> (module with main(urls, connections, duration), its default connections); other areas add
# theirs here. `pages` drives wrk; the others are Python closed loops, which saturate a core sooner.
SCENARIOS = {
    "pages": ("bench.pages", 16),
    "foundation": ("bench.foundation", 8),
    "login": ("bench.login", 8),
    "catalog": ("bench.catalog", 8),
    "orders": ("bench.orders", 8),
    "idle": ("bench.idle", 0),
    "slow": ("bench.slow", 12),
}
DEFAULT = ("pages", "orders", "idle")
# Seconds per measurement when --duration is not given: the idle stack is measured over a minute (issue 26).
DURATIONS = {"idle": 60.0}
WARMS_UP = ("orders", "idle")  # the scenarios that take --warm-up
BENCH_OFFSET = 700
START_TIMEOUT = 180.0


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


@contextlib.contextmanager
def stack_for(offset: int | None):
    """Use a stack already running at `offset`, or start one: what `make run` starts (`python -m devstack run`, its
    supervisor included, the database's files on disk), with the production settings above."""
    if offset is not None and _running(offset):
        yield offset
        return
    offset = BENCH_OFFSET if offset is None else offset
    argv = [sys.executable, "-m", "devstack", "run", "--offset", str(offset)]
    if offset == BENCH_OFFSET:
        argv.append("--reset")  # the bench's own ports: a clean seed each run (never someone's `make run` data)
    env = {**os.environ, **PRODUCTION, **UNLIMITED, "FRAGMART_PORT_OFFSET": str(offset)}
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "scenarios", nargs="*", metavar="scenario", help=f"any of {sorted(SCENARIOS)} (default: {' '.join(DEFAULT)})"
    )
    parser.add_argument(
        "--connections",
        "--concurrency",
        type=int,
        default=None,
        help="concurrent connections (default: 16 for pages, 8 for the others; orders: rows of 8 and 64 shoppers)",
    )
    parser.add_argument(
        "--sweep",
        type=lambda v: [int(n) for n in v.split(",")],
        default=None,
        help="orders only: one row per concurrency, e.g. 8,32,64,128",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds per measurement (default: 10; idle 60)",
    )
    parser.add_argument(
        "--warm-up",
        type=float,
        default=None,
        help="orders and idle: seconds of warm-up (default: orders 10 s of the same load per row; idle 70 s since "
        "the stack started and since this run's last traffic)",
    )
    parser.add_argument(
        "--offset",
        type=int,
        default=None,
        help="port offset of a running stack to measure (default: start a private one)",
    )
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if args.sweep and set(args.scenarios) != {"orders"}:
        parser.error("--sweep goes with the orders scenario alone")
    if unknown:
        parser.error(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
    with stack_for(args.offset) as offset:
        print(
            f"port offset {offset}; {os.cpu_count()} cores, one gunicorn worker (8 threads) per process; "
            f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} (figures need a quiet machine)\n"
            f"stack settings: {settings_of(offset)}",
            flush=True,
        )
        quiet_since = None
        for name in args.scenarios or DEFAULT:
            module, connections = SCENARIOS[name]
            connections = args.connections or connections
            duration = args.duration or DURATIONS.get(name, 10.0)
            extra: dict = {}
            shown = f"{connections} connections"
            if name == "orders":  # by default the two rows: 8 shoppers (latency) and 64 (saturation)
                extra["sweep"] = args.sweep or ([args.connections] if args.connections else None)
                shown = f"shoppers: {', '.join(map(str, extra['sweep'] or ROWS))}"
            if name in WARMS_UP:
                extra["warm_up"] = args.warm_up
            if name == "idle":
                extra["quiet_since"] = quiet_since
                shown = "no traffic"
            print(f"\n== {name} ({shown}, {duration:.0f} s per measurement)", flush=True)
            importlib.import_module(module).main(urls(offset), connections, duration, **extra)
            quiet_since = time.monotonic()


if __name__ == "__main__":
    main()
