"""`python -m bench [scenario…]`: start the stack as `make run` does (or use a running one) and print figures."""

from __future__ import annotations

import argparse
import importlib
import os
import time

from bench.orders import ROWS
from bench.stack import settings_of, stack_for, urls

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
    "local": ("bench.local", 16),
}
DEFAULT = ("pages", "orders", "idle", "local")
# Seconds per measurement when --duration is not given: the idle stack is measured over a minute (issue 26).
DURATIONS = {"idle": 60.0}
WARMS_UP = ("orders", "idle")  # the scenarios that take --warm-up


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
