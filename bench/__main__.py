"""`python -m bench [scenario…]`: start a private stack (or use a running one) and print figures."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os

import requests

from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, SERVICE_PORTS, SHELL_PORT

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
DEFAULT = ("pages",)
BENCH_OFFSET = 700


def urls(offset: int) -> dict:
    base = "http://127.0.0.1:{}"
    found = {"shell": base.format(SHELL_PORT + offset), "gateway": base.format(GATEWAY_PORT + offset)}
    found.update({n: base.format(p + offset) for n, p in SERVICE_PORTS.items()})
    found.update({f"fragment-{n}": base.format(p + offset) for n, p in FRAGMENT_PORTS.items()})
    return found


def _running(offset: int) -> bool:
    try:
        return requests.get(f"{urls(offset)['shell']}/healthz", timeout=1).ok
    except requests.RequestException:
        return False


@contextlib.contextmanager
def stack_for(offset: int | None):
    """Use a stack already running at `offset`, or start a private one whose limits don't throttle the load."""
    if offset is not None and _running(offset):
        yield offset
        return
    from devstack import Stack

    # Only the rate limits are lifted (one client sends all the load); logs stay at INFO and traces are sampled as the
    # README's Operations section advises for production (5 % of traces, Redis commands not traced).
    env = {
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.05",
        "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "redis",
        **os.environ,
        "RATE_LIMIT_READS": "1000000/minute",
        "RATE_LIMIT_WRITES": "1000000/minute",
    }
    with Stack(offset=BENCH_OFFSET if offset is None else offset, env=env) as stack:
        yield stack.offset


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
        help="concurrent connections (default: 16 for pages, 8 for the others)",
    )
    parser.add_argument(
        "--sweep",
        type=lambda v: [int(n) for n in v.split(",")],
        default=None,
        help="orders only: one row per concurrency, e.g. 8,32,64,128",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default: 10)")
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
            f"{args.duration}s per measurement, port offset {offset}; "
            f"{os.cpu_count()} cores, one gunicorn worker (8 threads) per process"
        )
        for name in args.scenarios or DEFAULT:
            module, connections = SCENARIOS[name]
            connections = args.connections or connections
            print(f"\n== {name} ({connections} connections)")
            extra = {"sweep": args.sweep} if args.sweep else {}
            importlib.import_module(module).main(urls(offset), connections, args.duration, **extra)


if __name__ == "__main__":
    main()
