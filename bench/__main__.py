"""`python -m bench [scenario…] [--concurrency N] [--duration S]` against a running stack."""
from __future__ import annotations

import argparse
import importlib

from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, SERVICE_PORTS, SHELL_PORT, local_port

# Scenario name -> module with main(urls, concurrency, duration); other areas add theirs here.
SCENARIOS = {"foundation": "bench.foundation"}


def urls() -> dict:
    base = "http://127.0.0.1:{}"
    found = {"shell": base.format(local_port(SHELL_PORT)), "gateway": base.format(local_port(GATEWAY_PORT))}
    found.update({n: base.format(local_port(p)) for n, p in SERVICE_PORTS.items()})
    found.update({f"fragment-{n}": base.format(local_port(p)) for n, p in FRAGMENT_PORTS.items()})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help=f"one of {sorted(SCENARIOS)} (default: all)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
    print(f"concurrency={args.concurrency} duration={args.duration}s per measurement (2-core machine, one "
          "gunicorn worker per process)")
    for name in args.scenarios or SCENARIOS:
        print(f"\n== {name}")
        importlib.import_module(SCENARIOS[name]).main(urls(), args.concurrency, args.duration)


if __name__ == "__main__":
    main()
