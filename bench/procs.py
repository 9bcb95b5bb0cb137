"""The processes of a running local stack and the CPU they burn, read from /proc.

A stack is every process `make run` starts: each app's gunicorn master and its worker, the database server,
Redis, the broker, the SMTP, SMS and payment stand-ins, and the devstack supervisor above them when one runs.
They are found by the ports they listen on, then each one's whole process tree is followed, so a child that
comes and goes between two readings counts too: a process's figure is its own utime + stime plus cutime + cstime,
the CPU of the children it has reaped (a worker gunicorn replaced, a fork of Redis), all threads included.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, INFRA_PORTS, SERVICE_PORTS, SHELL_PORT

TICK = os.sysconf("SC_CLK_TCK")
SUPERVISOR = "devstack supervisor"
# The names the issue 10 bench left out of "ours"; kept to print the figure the old way beside the new one.
NOT_OURS = ("kafka", "redis")


def stack_ports(offset: int) -> dict[str, int]:
    ports = {
        "shell": SHELL_PORT,
        "gateway": GATEWAY_PORT,
        **{f"services.{n}": p for n, p in SERVICE_PORTS.items()},
        **{f"fragments.{n}": p for n, p in FRAGMENT_PORTS.items()},
        **INFRA_PORTS,
    }
    return {name: port + offset for name, port in ports.items()}


def _listening_inodes() -> dict[int, int]:
    """Socket inode -> local port, for TCP sockets in LISTEN state."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A":  # LISTEN
                found[int(fields[9])] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def listening_pids(ports: dict[str, int]) -> dict[str, set[int]]:
    """Name -> pids holding its listening socket (a gunicorn master and its worker share it)."""
    port_names = {port: name for name, port in ports.items()}
    inodes = {inode: port_names[port] for inode, port in _listening_inodes().items() if port in port_names}
    found: dict[str, set[int]] = {}
    for pid in _pids():
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue  # gone, or not ours to read
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue  # closed meanwhile (a busy server's connections come and go)
            if link.startswith("socket:[") and (name := inodes.get(int(link[8:-1]))):
                found.setdefault(name, set()).add(pid)
    return found


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (index 0 is the state, 1 the parent)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _parent(pid: int) -> int:
    return int(_stat(pid)[1])


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()


def _command(pid: int) -> str:
    """The program's short name: `gunicorn`, `redis-server`, or python's module (`-m secantus`) or script."""
    try:
        argv = _cmdline(pid).split(" ")
    except OSError:
        return str(pid)
    names = [a.rsplit("/", 1)[-1] for a in argv]
    if names[0].startswith("python") and len(argv) > 1:
        if "-m" in argv[:-1]:
            return argv[argv.index("-m") + 1]
        if not argv[1].startswith("-"):
            return names[1]  # a script run by python: gunicorn's entry point
    return names[0] or str(pid)


def cpu_of(pid: int) -> float:
    """CPU seconds of one process: utime + stime of all its threads, plus cutime + cstime of the children it
    reaped. Raises OSError when the process is gone."""
    fields = _stat(pid)
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICK


def started_at(pid: int) -> float:
    """When the process started, in seconds since boot (the clock of /proc/uptime)."""
    return int(_stat(pid)[19]) / TICK


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid in _pids():
        try:
            children.setdefault(_parent(pid), []).append(pid)
        except (OSError, IndexError, ValueError):
            continue
    return children


@dataclass(frozen=True)
class Proc:
    pid: int
    label: str  # the stack's process it belongs to, and its part: `services.orders worker`, `redis`


def process_tree(roots: dict[str, set[int]]) -> list[Proc]:
    """Every process under the named roots, each labelled once: the root by its name, a descendant by the name
    and what it is (a gunicorn master's child is its `worker`). Roots are taken in order, so a process under two
    of them (an app under the supervisor) keeps the first, more precise name; this process is never counted."""
    children, found, seen = _children(), [], {os.getpid()}
    for name, pids in roots.items():
        tops = {p for p in pids if p not in seen}
        tops -= {p for p in tops if _safe_parent(p) in tops}  # a gunicorn worker is under its master
        for top in sorted(tops):
            gunicorn = _command(top) == "gunicorn"
            todo = [(top, name)]
            while todo:
                pid, label = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                found.append(Proc(pid, label))
                todo += [(c, f"{name} {'worker' if gunicorn else _command(c)}") for c in children.get(pid, [])]
    return found


def _safe_parent(pid: int) -> int:
    try:
        return _parent(pid)
    except (OSError, IndexError, ValueError):
        return 0


def supervisor_of(pids: set[int]) -> int | None:
    """The `python -m devstack run` above these processes, if one started them (not this process)."""
    pid = next(iter(sorted(pids)), None)
    while pid and pid > 1:
        if pid != os.getpid():
            try:
                if "devstack" in _cmdline(pid) and "gunicorn" not in _cmdline(pid):
                    return pid
            except OSError:
                return None
        pid = _safe_parent(pid)
    return None


def stack_processes(offset: int) -> dict[str, set[int]]:
    """Name -> root pids of every process of the stack at `offset`: those listening on its ports, and the devstack
    supervisor above them (last, so its tree adds only what no port names)."""
    named = listening_pids(stack_ports(offset))
    anchor = named.get("shell") or named.get("gateway") or set()
    supervisor = supervisor_of(anchor)
    if supervisor is not None:
        named[SUPERVISOR] = {supervisor}
    return named


def cpu_seconds(pids) -> float:
    """CPU of the processes (threads and reaped children included); a process that has gone counts 0."""
    total = 0.0
    for pid in pids:
        try:
            total += cpu_of(pid)
        except (OSError, IndexError, ValueError):
            continue
    return total


def _reading(roots: dict[str, set[int]]) -> dict[int, tuple[str, float]]:
    found = {}
    for proc in process_tree(roots):
        try:
            found[proc.pid] = (proc.label, cpu_of(proc.pid))
        except (OSError, IndexError, ValueError):
            continue  # gone between the walk and the read: its parent's cutime has it
    return found


class CpuMeter:
    """CPU seconds each process of the roots' trees used between start() and stop(), by label.

    The trees are walked again at stop(), so a process born meanwhile counts from its start; one that ended counts
    through its parent's cutime (under the parent's label), so the total stays whole."""

    def __init__(self, roots: dict[str, set[int]]):
        self.roots = roots
        self.before: dict[int, tuple[str, float]] = {}
        self.started = 0.0

    def start(self) -> CpuMeter:
        self.before, self.started = _reading(self.roots), time.monotonic()
        return self

    def stop(self) -> dict[str, float]:
        after, used = _reading(self.roots), dict[str, float]()
        for pid, (label, seconds) in after.items():
            used[label] = used.get(label, 0.0) + seconds - self.before.get(pid, (label, 0.0))[1]
        for pid, (label, seconds) in self.before.items():
            if pid not in after:  # ended: its CPU is in its parent's cutime now, read above
                used[label] = used.get(label, 0.0) - seconds
        return used

    @property
    def processes(self) -> int:
        return len(self.before)


def total(used: dict[str, float]) -> float:
    """Everything the stack burned: every process, the database, Redis and the broker included."""
    return sum(used.values())


def ours(used: dict[str, float]) -> float:
    """The issue 10 figure, for comparison: Python processes only, the broker and Redis left out."""
    return sum(v for name, v in used.items() if name.split(" ")[0] not in NOT_OURS)


def app_of(label: str) -> str:
    """`services.orders worker` -> `services.orders`: the stack's process a label belongs to."""
    return SUPERVISOR if label.startswith(SUPERVISOR) else label.split(" ")[0]


def by_app(used: dict[str, float]) -> dict[str, float]:
    grouped: dict[str, float] = {}
    for label, seconds in used.items():
        grouped[app_of(label)] = grouped.get(app_of(label), 0.0) + seconds
    return grouped


def youngest_age(roots: dict[str, set[int]]) -> float:
    """Seconds since the most recently started process of the stack began (how long the stack has been up)."""
    now, ages = uptime(), []
    for proc in process_tree(roots):
        try:
            ages.append(now - started_at(proc.pid))
        except (OSError, IndexError, ValueError):
            continue
    return min(ages, default=0.0)
