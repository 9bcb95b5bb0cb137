"""The Stack: start infra then apps, wait for health, kill/restart one, stop everything cleanly."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common.settings import port_offset

from . import probes
from .processes import REDIS_MISSING, ROOT, child_env, process_table
from .supervised import Cancelled, StackError, Supervised, stop_all

log = logging.getLogger("devstack")


class PortInUseError(StackError):
    """A port the stack needs is taken (another stack, or a stray process)."""


def default_var_dir(root: Path, offset: int) -> Path:
    # Stacks with different offsets may share a checkout; keep their logs and mail apart.
    return root / "var" if offset == 0 else root / "var" / f"stack-{offset}"


class Stack:
    """Every local process on 127.0.0.1, ports shifted by `offset`; used by the CLI and pytest fixtures.

    Start, kill and restart from one thread (the main one): children die with the thread that started them.
    """

    def __init__(
        self,
        offset: int | None = None,
        env=None,
        root: Path = ROOT,
        var_dir: Path | None = None,
        timeout: float | None = None,
        data_dir: Path | None = None,
    ):
        env = dict(os.environ if env is None else env)
        self.offset = port_offset(env) if offset is None else offset
        self.root = root
        self.var_dir = var_dir or default_var_dir(root, self.offset)
        self.log_dir, self.mail_dir, self.sms_dir = self.var_dir / "log", self.var_dir / "mail", self.var_dir / "sms"
        # data_dir: the database server keeps the services' data there across restarts (`make run`); without it,
        # the server holds it in memory and every start is a fresh seed (the test fixtures).
        self.data_dir = data_dir
        self.env = child_env(self.offset, env, root)
        # Every process traces to files under var/ (OTLP JSON) unless an OTLP endpoint is set or TRACING=0.
        self.env.setdefault("TRACES_DIR", str(self.var_dir / "traces"))
        self.env.setdefault("OTEL_BSP_SCHEDULE_DELAY", "1000")
        self.env.setdefault("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "")  # locally, Redis commands are traced too
        self.specs = process_table(self.env, root, self.mail_dir, data_dir)
        self.timeout = timeout or float(env.get("DEVSTACK_START_TIMEOUT", "90"))
        self.procs: dict[str, Supervised] = {}

    def name(self, name: str) -> str:
        """Canonical name: `services/auth` and `services.auth` both mean the auth service."""
        canonical = name.replace("/", ".")
        if canonical not in self.specs:
            raise KeyError(f"unknown process {name!r}; known: {', '.join(self.specs)}")
        return canonical

    def select(self, names=None) -> list[str]:
        """The chosen processes in start order; any app brings all the infrastructure with it."""
        if names is None:
            return list(self.specs)
        chosen = {self.name(n) for n in names}
        if any(self.specs[n].kind == "app" for n in chosen):
            chosen |= {n for n, s in self.specs.items() if s.kind == "infra"}
        return [n for n in self.specs if n in chosen]

    def url(self, name: str) -> str:
        return self.specs[self.name(name)].url

    def is_running(self, name: str) -> bool:
        proc = self.procs.get(self.name(name))
        return proc is not None and proc.alive()

    def start(self, names=None) -> Stack:
        """Start infra (waiting for each to answer), then apps in parallel until each /healthz is 200."""
        todo = [n for n in self.select(names) if not self.is_running(n)]
        self._preflight(todo)
        try:
            for kind in ("infra", "app"):
                batch = [n for n in todo if self.specs[n].kind == kind]
                for n in batch:
                    self.procs[n] = self._supervised(n).start()
                self._wait_ready(batch)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop apps, then infra; leaves no process of this stack behind."""
        apps = [p for p in self.procs.values() if p.spec.kind == "app"]
        stop_all(apps)
        stop_all([p for p in self.procs.values() if p.spec.kind != "app"])
        self.procs.clear()

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Crash one process (SIGKILL by default) and wait until it and its children are gone."""
        proc = self.procs.pop(self.name(name), None)
        if proc is not None:
            proc.signal(sig)
            stop_all([proc])

    def restart(self, name: str) -> None:
        """Stop one process if it runs, start it again (log appended) and wait until it is ready."""
        name = self.name(name)
        self.kill(name, signal.SIGTERM)
        self._preflight([name])
        self.procs[name] = self._supervised(name).start(append=True)
        try:
            self._wait_ready([name])
        except BaseException:
            stop_all([self.procs.pop(name)])
            raise

    def reset(self) -> list[Path]:
        """Delete what this stack keeps across restarts (the database's files, Redis's append-only file); stopped
        first. The database's on-disk format is WiredTiger's: after a SecantusDB upgrade that changes it, reset."""
        redis_dir = self.root / "var" / "redis" / str(self.specs["redis"].port)
        removed = [d for d in (self.data_dir, redis_dir) if d is not None and d.exists() and any(d.iterdir())]
        for d in removed:
            shutil.rmtree(d)
        redis_dir.mkdir(parents=True, exist_ok=True)  # redis-server needs its folder; the table made it once
        return removed

    def status(self) -> list[tuple[str, str, int | None, bool]]:
        """(name, url, pid, healthy) for every process of the table."""
        rows = []
        for n, spec in self.specs.items():
            proc = self.procs.get(n)
            healthy = proc is not None and proc.alive() and proc.ready()
            rows.append((n, spec.url, proc.pid if proc else None, healthy))
        return rows

    def _supervised(self, name: str) -> Supervised:
        return Supervised(self.specs[name], self.log_dir / f"{name}.log", self.env, self.root)

    def _preflight(self, names: list[str]) -> None:
        if "redis" in names and not shutil.which(self.specs["redis"].argv[0]):
            raise StackError(REDIS_MISSING)
        taken = [f"  {n}: port {self.specs[n].port}" for n in names if not probes.port_is_free(self.specs[n].port)]
        if taken:
            raise PortInUseError(
                "cannot start: ports already in use (another stack or a stray process?)\n"
                + "\n".join(taken)
                + f"\nStop it, or pick other ports with FRAGMART_PORT_OFFSET (now {self.offset})."
            )

    def _wait_ready(self, names: list[str]) -> None:
        if not names:
            return
        cancel = threading.Event()

        def wait(name: str) -> None:
            try:
                self.procs[name].wait_ready(self.timeout, cancel)
            except StackError:
                cancel.set()  # one failure fails the start: stop waiting for the others
                raise

        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            futures = [pool.submit(wait, n) for n in names]
        errors = [str(e) for e in (f.exception() for f in futures) if e and not isinstance(e, Cancelled)]
        if errors:
            raise StackError("\n\n".join(errors))
        log.info("ready: %s", ", ".join(names))

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
