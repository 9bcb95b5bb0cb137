"""Auto-restart for `make run`: a crashed child comes back after an exponential backoff, and says so."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from common.backoff import exponential

from .supervised import Supervised, stop_all

log = logging.getLogger("devstack")


@dataclass(frozen=True)
class Backoff:
    """0.5 s, 1 s, 2 s … up to `cap`; a process that stayed up `stable_after` seconds starts again at `first`."""

    first: float = 0.5
    cap: float = 30.0
    stable_after: float = 60.0

    def delay(self, crashes: int) -> float:
        return exponential(crashes, self.first, self.cap)


@dataclass
class _Track:
    started_at: float
    crashes: int = 0
    due: float | None = None  # when a crashed process is to be started again


class Restarter:
    """Watches `procs` (a live dict: the Stack's) and restarts children that died on their own.

    A process the Stack kills on purpose leaves `procs` first, so it is never brought back. Call `tick()`
    from the thread that started the children: they die with that thread (PR_SET_PDEATHSIG).
    """

    def __init__(
        self, procs: dict[str, Supervised], backoff: Backoff = Backoff(), clock: Callable[[], float] = time.monotonic
    ):
        self.procs, self.backoff, self.clock = procs, backoff, clock
        self.tracks: dict[str, _Track] = {}
        self.restarts = 0

    def tick(self) -> None:
        now = self.clock()
        for name in [n for n in self.tracks if n not in self.procs]:
            del self.tracks[name]  # stopped or killed on purpose
        for name, proc in list(self.procs.items()):
            track = self.tracks.setdefault(name, _Track(started_at=now))
            if track.due is None:
                self._check(name, proc, track, now)
            elif now >= track.due:
                self._start(name, proc, track, now)

    def seconds_to_due(self, cap: float) -> float:
        """How long the caller may sleep before a restart falls due: `cap` when none is pending."""
        pending = [t.due for t in self.tracks.values() if t.due is not None]
        return max(0.0, min(pending) - self.clock()) if pending else cap

    def _check(self, name: str, proc: Supervised, track: _Track, now: float) -> None:
        if proc.alive():
            if track.crashes and now - track.started_at >= self.backoff.stable_after:
                track.crashes = 0
            return
        code = proc.proc.returncode if proc.proc else None
        stop_all([proc], grace=2.0)  # a SIGKILLed gunicorn master can leave its worker holding the port
        track.crashes += 1
        delay = self.backoff.delay(track.crashes)
        track.due = now + delay
        log.warning(
            "%s exited (code %s); restarting in %gs (crash %d in a row); see %s",
            name,
            code,
            delay,
            track.crashes,
            proc.log_path,
        )

    def _start(self, name: str, proc: Supervised, track: _Track, now: float) -> None:
        with open(proc.log_path, "ab") as f:
            f.write(f"\n--- devstack: restarting {name} after a crash ---\n".encode())
        proc.start(append=True)
        track.started_at, track.due = now, None
        self.restarts += 1
        log.warning("%s restarted (pid %s)", name, proc.pid)
