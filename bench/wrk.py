"""Run wrk (the native load generator) with a Lua `done` hook and read its figures back."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).parent / "lua"
MARKER = "WRK_JSON "
THREADS = 2  # one per core of the target machine; wrk's own cost stays a small share of one of them
MISSING = (
    "wrk is not installed. Run `make bench` (as root it runs `apt-get install -y wrk`), "
    "or install the Debian package wrk yourself."
)


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no figures."""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # failed connections, reads, writes, timeouts, and answers outside 2xx/3xx

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output: str) -> WrkResult:
    """The figures the `done` hook printed as one JSON line among wrk's own report."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                errors=sum(data["errors"].values()),
            )
    raise WrkError(f"wrk printed no {MARKER.strip()} line:\n{output[-2000:]}")


def script(extra: str | None = None) -> str:
    """The Lua text for one run: an optional request script, then the report hook."""
    parts = [(LUA / extra).read_text()] if extra else []
    return "\n".join([*parts, (LUA / "report.lua").read_text()])


def command(
    url: str, script_path: str, connections: int, duration: float, headers: dict | None = None, args: tuple = ()
) -> list[str]:
    argv = [
        shutil.which("wrk") or "wrk",
        "--threads",
        str(min(THREADS, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "--script",
        script_path,
    ]
    for name, value in (headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    return [*argv, url, *(["--", *map(str, args)] if args else [])]


def run(
    url: str, connections: int, duration: float, headers: dict | None = None, lua: str | None = None, args: tuple = ()
) -> WrkResult:
    """Load `url` from `connections` connections for `duration` seconds; `lua` names a script in bench/lua/."""
    if not shutil.which("wrk"):
        raise WrkError(MISSING)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
        f.write(script(lua))
        f.flush()
        done = subprocess.run(
            command(url, f.name, connections, duration, headers, args),
            capture_output=True,
            text=True,
            timeout=duration + 60,
        )
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}:\n{done.stderr or done.stdout}")
    return parse(done.stdout)
