"""An idle stack: the share of one core burned with no traffic at all, summed over every process `make run` starts
(gunicorn masters and workers, the database server, Redis, the broker, the stand-ins, the devstack supervisor when
one runs), over 60 s once the stack has been up and without traffic for 70 s, each process's share listed."""

from __future__ import annotations

import time

from bench.procs import CpuMeter, ours, stack_processes, total, youngest_age
from bench.stack import offset_of

WINDOW = 60.0  # seconds measured (the measurement)
WARM_UP = 70.0  # seconds the stack has been up, and without this run's traffic, before the window
TARGET = 3.0  # % of one core, every process together (issue 26)


def main(
    urls: dict, connections: int, duration: float, warm_up: float | None = None, quiet_since: float | None = None
) -> None:
    """`quiet_since`: when this run's previous scenario stopped sending traffic (time.monotonic), if one did."""
    roots = stack_processes(offset_of(urls))
    warm_up = WARM_UP if warm_up is None else warm_up
    quiet = youngest_age(roots)
    if quiet_since is not None:
        quiet = min(quiet, time.monotonic() - quiet_since)
    wait = max(0.0, warm_up - quiet)
    print(
        f"warm-up: the stack has been up and without this run's traffic for {quiet:.0f} s; "
        f"waiting {wait:.0f} s more (to {warm_up:.0f} s), then measuring {duration:.0f} s",
        flush=True,
    )
    time.sleep(wait)
    meter = CpuMeter(roots).start()
    started = time.monotonic()
    time.sleep(duration)
    used, seconds = meter.stop(), time.monotonic() - started
    print(report(used, seconds, meter.processes))


def report(used: dict[str, float], seconds: float, processes: int) -> str:
    share = {label: v / seconds * 100 for label, v in used.items()}
    lines = [f"{'process':<36} {'% of a core':>11}"]
    lines += [f"{label:<36} {pct:11.2f}" for label, pct in sorted(share.items(), key=lambda kv: -kv[1])]
    everything = total(used) / seconds * 100
    verdict = "met" if everything <= TARGET else "MISSED"
    lines += [
        f"{'every process, together':<36} {everything:11.2f}   ({processes} processes; target <= {TARGET:.0f} %: "
        f"{verdict})",
        f"{'  the issue 10 way':<36} {ours(used) / seconds * 100:11.2f}   (the same run without the broker and "
        f"Redis, as `bench idle` summed before issue 26)",
    ]
    return "\n".join(lines)
