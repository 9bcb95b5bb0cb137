"""The processes of a running local stack, found by the ports they listen on, and their CPU read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

from common.settings import FRAGMENT_PORTS, GATEWAY_PORT, INFRA_PORTS, SERVICE_PORTS, SHELL_PORT

TICK = os.sysconf("SC_CLK_TCK")
NOT_OURS = ("kafka", "redis")  # the broker and redis-server: infrastructure, reported beside our own processes


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


def _parent(pid: int) -> int:
    return int(_stat(pid)[1])


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (index 0 is the state)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid in _pids():
        try:
            children.setdefault(_parent(pid), []).append(pid)
        except (OSError, IndexError):
            continue
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += children.get(pid, [])
    return found


def stack_processes(offset: int) -> dict[str, set[int]]:
    """Name -> pids of every process of the stack at `offset`: those listening on its ports, the devstack
    supervisor above them, and any other descendant of it (named by its command line)."""
    named = listening_pids(stack_ports(offset))
    pid = next(iter(named.get("shell") or named.get("gateway") or []), None)
    root = None
    while pid and pid > 1:
        try:
            if "devstack" in _cmdline(pid) or pid == os.getpid():
                root = pid
                break
            pid = _parent(pid)
        except OSError:
            break
    if root is not None:
        known = set().union(*named.values())
        if root != os.getpid():
            named["devstack"] = {root}
        for other in _descendants(root) - known - {root}:
            named.setdefault(_cmdline(other).split(" ")[0].rsplit("/", 1)[-1] or str(other), set()).add(other)
    return named


def cpu_seconds(pids) -> float:
    """utime + stime of the processes (threads included); a process that has gone counts 0."""
    total = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


class CpuMeter:
    """CPU seconds each named process used between start() and stop()."""

    def __init__(self, processes: dict[str, set[int]]):
        self.processes = processes
        self.before: dict[str, float] = {}

    def start(self) -> CpuMeter:
        self.before = {name: cpu_seconds(pids) for name, pids in self.processes.items()}
        return self

    def stop(self) -> dict[str, float]:
        return {name: cpu_seconds(pids) - self.before[name] for name, pids in self.processes.items()}


def ours(used: dict[str, float]) -> float:
    return sum(v for name, v in used.items() if name not in NOT_OURS)
