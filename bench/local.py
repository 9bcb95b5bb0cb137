"""`make run`'s own settings against the production settings: the anonymous home page under wrk on each stack, back
to back in one run (issue 26: `make run`, which traces every request and re-reads edited templates, at >= 0.6x the
production settings' throughput).

The stack under test (production settings when the bench started it) is measured first; then a second stack starts
as `make run` starts it, on its own ports with a clean seed, is measured the same way and is stopped. Only the rate
limits are lifted on both (one client sends all the load)."""

from __future__ import annotations

from . import wrk
from .stack import LOCAL_OFFSET, offset_of, settings_of, stack_for, urls

TARGET = 0.6  # x the production settings' pages/s
WARM_UP_SECONDS = 5  # the second stack's caches, connections and first-use costs stay out of the figure


def home(shell: str, connections: int, duration: float) -> wrk.WrkResult:
    wrk.run(f"{shell}/", connections, WARM_UP_SECONDS)
    return wrk.run(f"{shell}/", connections, duration)


def verdict(local: wrk.WrkResult, production: wrk.WrkResult) -> str:
    share = local.rps / production.rps if production.rps else 0.0
    return f"{share:.2f}x the production settings (target >= {TARGET:.1f}x): {'met' if share >= TARGET else 'MISSED'}"


def line(name: str, r: wrk.WrkResult) -> str:
    return f"{name:<44} {r.rps:8.1f} pages/s, p50 {r.p50_ms:6.1f} ms, p99 {r.p99_ms:6.1f} ms, {r.errors} errors"


def main(urls_: dict, connections: int, duration: float) -> None:
    production = home(urls_["shell"], connections, duration)
    print(f"this run's stack ({settings_of(offset_of(urls_))}): measured", flush=True)
    print(f"starting a second stack with `make run`'s settings on port offset {LOCAL_OFFSET}", flush=True)
    with stack_for(LOCAL_OFFSET, settings={}) as local_offset:
        print(f"its settings: {settings_of(local_offset)}", flush=True)
        local = home(urls(local_offset)["shell"], connections, duration)
    print(line("anonymous home, this run's stack", production))
    print(line("anonymous home, `make run`'s settings", local))
    print(f"`make run`: {verdict(local, production)}")
