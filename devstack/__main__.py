"""`python -m devstack run`: start every local process, show where they are, stop all on Ctrl-C."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import time

from .restarts import Restarter
from .stack import Stack, StackError


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def print_table(stack: Stack) -> None:
    rows = stack.status()
    width = max(len(name) for name, *_ in rows)
    print(f"\n{'process':<{width}}  {'url':<28} {'pid':>7}  health")
    for name, url, pid, healthy in rows:
        print(f"{name:<{width}}  {url:<28} {pid or '-':>7}  {'ok' if healthy else 'DOWN' if pid else 'off'}")
    print(f"\nStorefront: {stack.url('shell')}/   logs: {stack.log_dir}   mail: {stack.mail_dir}")
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


def supervise(stack: Stack) -> None:
    """Restart processes that die while the stack runs, with backoff; runs on the thread that started them."""
    restarter = Restarter(stack.procs)
    while True:
        restarter.tick()
        time.sleep(0.1)


def run(args) -> int:
    stack = Stack(offset=args.offset)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    try:
        print(f"Starting Fragmart (port offset {stack.offset})…", flush=True)
        stack.start(args.only or None)
        print_table(stack)
        if args.no_restart:
            watch(stack)
        else:
            print("A process that crashes is restarted (backoff 0.5 s doubling to 30 s; --no-restart to turn off).",
                  flush=True)
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
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start everything and wait for Ctrl-C")
    p_run.add_argument("--only", nargs="*", metavar="NAME",
                       help="start only these processes (plus the infrastructure), e.g. gateway services.auth")
    p_run.add_argument("--offset", type=int, default=None, help="port offset (default: $FRAGMART_PORT_OFFSET)")
    p_run.add_argument("--no-restart", action="store_true",
                       help="leave a crashed process down (by default it is restarted with backoff)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
