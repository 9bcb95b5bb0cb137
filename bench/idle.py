"""An idle stack: the CPU each process uses over the duration (30 s at least) with no traffic at all."""

from __future__ import annotations

import time

from bench.procs import NOT_OURS, CpuMeter, ours, stack_processes
from common.settings import SHELL_PORT

MIN_SECONDS = 30.0


def main(urls: dict, connections: int, duration: float) -> None:
    offset = int(urls["shell"].rsplit(":", 1)[1]) - SHELL_PORT
    processes = stack_processes(offset)
    seconds = max(duration, MIN_SECONDS)
    meter = CpuMeter(processes).start()
    started = time.monotonic()
    time.sleep(seconds)
    used, seconds = meter.stop(), time.monotonic() - started
    share = {name: v / seconds * 100 for name, v in used.items()}
    print(f"{'process':<28} {'% of a core':>11}")
    for name, pct in sorted(share.items(), key=lambda kv: -kv[1]):
        if name not in NOT_OURS:
            print(f"{name:<28} {pct:11.2f}")
    print(
        f"{'ours, together':<28} {ours(used) / seconds * 100:11.2f}   (every Python process of the stack; "
        f"target <= 3 %)"
    )
    for name in NOT_OURS:
        if name in share:
            print(f"{name + ' (not ours)':<28} {share[name]:11.2f}")
