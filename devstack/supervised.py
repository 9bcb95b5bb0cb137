"""One supervised child: its own process group, a log file, readiness wait and a clean stop."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from . import probes
from .processes import ProcessSpec

PR_SET_PDEATHSIG = 1


class StackError(RuntimeError):
    """A process could not be started, did not become ready, or the stack cannot start here."""


def _die_with_parent() -> None:
    # The child gets SIGTERM if the thread that started it dies, even by SIGKILL: no strays after a crash.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class Cancelled(StackError):
    """Waiting stopped because another process failed first."""


class Supervised:
    """Start a ProcessSpec in a new session; stop it by signalling the whole process group."""

    def __init__(self, spec: ProcessSpec, log_path: Path, env: dict, cwd: Path):
        self.spec, self.log_path, self.env, self.cwd = spec, log_path, env, cwd
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, append: bool = False) -> Supervised:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab" if append else "wb") as log:
            self.proc = subprocess.Popen(
                self.spec.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        return self

    def ready(self) -> bool:
        return probes.ready(self.spec.probe, self.spec.port, self.spec.url)

    def wait_ready(self, timeout: float, cancel: threading.Event | None = None) -> None:
        """Poll the probe; fail fast with the log's tail if the process exits or never answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (cancel and cancel.is_set()):
            if not self.alive():
                code = self.proc.returncode if self.proc else None
                raise StackError(f"{self.spec.name} exited with code {code} while starting\n{self.log_tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        if cancel and cancel.is_set():
            raise Cancelled(self.spec.name)
        raise StackError(
            f"{self.spec.name} was not ready on port {self.spec.port} within {timeout:.0f}s\n{self.log_tail()}"
        )

    def signal(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def group_alive(self) -> bool:
        if self.proc is None:
            return False
        self.proc.poll()  # reap the leader so a zombie does not count
        try:
            os.killpg(self.proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def wait_gone(self, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if not self.group_alive():
                return True
            time.sleep(0.05)
        return not self.group_alive()

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return f"(no log at {self.log_path})"
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text)


def stop_all(procs: list[Supervised], grace: float = 5.0) -> None:
    """SIGTERM every group at once, wait up to `grace`, SIGKILL what is left, then reap."""
    running = [p for p in procs if p.group_alive()]
    for p in running:
        p.signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    leftovers = [p for p in running if not p.wait_gone(deadline)]
    for p in leftovers:
        p.signal(signal.SIGKILL)
    for p in leftovers:
        p.wait_gone(time.monotonic() + 5.0)
    for p in procs:
        if p.proc is not None:
            try:
                p.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
