"""`python -m devstack run`: start every local process, show where they are, stop all on Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time

from common.settings import port_offset

from . import topics
from .monitoring import prometheus_spec
from .processes import ROOT
from .restarts import Restarter
from .stack import Stack, StackError, default_var_dir
from .supervised import Supervised


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def print_table(stack: Stack) -> None:
    rows = stack.status()
    width = max(len(name) for name, *_ in rows)
    print(f"\n{'process':<{width}}  {'url':<28} {'pid':>7}  health")
    for name, url, pid, healthy in rows:
        print(f"{name:<{width}}  {url:<28} {pid or '-':>7}  {'ok' if healthy else 'DOWN' if pid else 'off'}")
    print(
        f"\nStorefront: {stack.url('shell')}/   logs: {stack.log_dir}   mail: {stack.mail_dir}   texts: {stack.sms_dir}"
    )
    print(f"Database files (kept across restarts; `make reset` starts from a clean seed): {stack.data_dir}")
    if stack.env.get("LIVE_TEMPLATES") == "1":
        print(
            f"Live templates: edit {ROOT / 'templates'} or {ROOT / 'static'} and reload the page; "
            f"every component in every state: {stack.url('shell')}/styleguide"
        )
    print("Press Ctrl-C to stop everything.", flush=True)


def watch(stack: Stack) -> None:
    """Report processes that die while the stack runs; the rest keeps running."""
    reported: set[str] = set()
    while True:
        for name, proc in stack.procs.items():
            if not proc.alive() and name not in reported:
                reported.add(name)
                code = proc.proc.returncode if proc.proc else None
                print(f"!! {name} exited (code {code}); see {proc.log_path}", flush=True)
        time.sleep(1.0)


def start_prometheus(stack: Stack) -> None:
    """Prometheus joins the stack's processes: stopped with them, restarted like them."""
    try:
        spec = prometheus_spec(stack.specs, stack.var_dir, stack.offset)
    except FileNotFoundError as e:
        raise StackError(str(e)) from None
    proc = Supervised(spec, stack.log_dir / "prometheus.log", stack.env, stack.root).start()
    stack.procs["prometheus"] = proc
    proc.wait_ready(stack.timeout)
    print(f"Prometheus: {spec.url}/alerts   (targets: {spec.url}/targets)", flush=True)


# The longest the supervisor sleeps with nothing to do. A child's exit (SIGCHLD) wakes it at once; a process it does
# not start itself (the Stack restarting one) is looked at within this.
SUPERVISE_TICK = 2.0


def supervise(stack: Stack) -> None:
    """Restart processes that die while the stack runs, with backoff; runs on the thread that started them. It sleeps
    until a child exits or a restart falls due: looking at 20 processes ten times a second was a third of a percent
    of a core at rest (issue 26)."""
    restarter = Restarter(stack.procs)
    child_exited = threading.Event()
    # A handler, not a blocked signal: a signal mask would be inherited by the children it starts (gunicorn needs
    # SIGCHLD for its workers), while a handler is reset at their exec.
    signal.signal(signal.SIGCHLD, lambda *_: child_exited.set())
    while True:
        child_exited.clear()
        restarter.tick()
        child_exited.wait(restarter.seconds_to_due(SUPERVISE_TICK))


def local_stack(offset: int | None) -> Stack:
    """The stack `make run` starts: live templates on, the database's files kept under var/mongo across restarts."""
    env = dict(os.environ)
    env.setdefault("LIVE_TEMPLATES", "1")
    offset = port_offset(env) if offset is None else offset
    return Stack(offset=offset, env=env, data_dir=default_var_dir(ROOT, offset) / "mongo")


def run(args) -> int:
    stack = local_stack(args.offset)
    if args.reset:
        print(f"Starting from a clean seed: removed {', '.join(map(str, stack.reset())) or 'nothing'}", flush=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    try:
        print(f"Starting Fragmart (port offset {stack.offset})…", flush=True)
        stack.start(args.only or None)
        if args.monitor:
            start_prometheus(stack)
        print_table(stack)
        if args.no_restart:
            watch(stack)
        else:
            print(
                "A process that crashes is restarted (backoff 0.5 s doubling to 30 s; --no-restart to turn off).",
                flush=True,
            )
            supervise(stack)
    except StackError as e:
        print(f"\ndevstack: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean stop
        stack.stop()
    print("Stopped.")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["topics"]:  # its own options (devstack/topics.py)
        return topics.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("topics", help="create the Kafka topics with their partitions and replication (idempotent)")
    p_run = sub.add_parser("run", help="start everything and wait for Ctrl-C")
    p_run.add_argument(
        "--only",
        nargs="*",
        metavar="NAME",
        help="start only these processes (plus the infrastructure), e.g. gateway services.auth",
    )
    p_run.add_argument("--offset", type=int, default=None, help="port offset (default: $FRAGMART_PORT_OFFSET)")
    p_run.add_argument(
        "--monitor",
        action="store_true",
        help="also start Prometheus (Debian's package) scraping every process, alert rules loaded",
    )
    p_run.add_argument(
        "--no-restart",
        action="store_true",
        help="leave a crashed process down (by default it is restarted with backoff)",
    )
    p_run.add_argument(
        "--reset",
        action="store_true",
        help="start from a clean seed: delete the database's files (var/mongo) and Redis's file first",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
