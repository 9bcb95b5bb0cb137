"""A real SMTP server that keeps every message as .eml plus one JSON line in messages.jsonl."""

from __future__ import annotations

import argparse
import email
import json
import signal
import threading
import time
import uuid
from datetime import datetime, timezone
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

INDEX = "messages.jsonl"


def _text(msg: email.message.EmailMessage, subtype: str) -> str | None:
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content().replace("\r\n", "\n") if part is not None else None


class MailboxHandler:
    """aiosmtpd handler: writes the raw message and appends a summary line."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        msg_id = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        (self.dir / f"{msg_id}.eml").write_bytes(raw)
        record = {
            "id": msg_id,
            "received_at": datetime.now(timezone.utc).isoformat(),
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": msg.get("Subject", ""),
            "body": _text(msg, "plain") or "",
            "html": _text(msg, "html"),
            "eml": f"{msg_id}.eml",
        }
        with self._lock, open(self.dir / INDEX, "a", encoding="utf-8") as index:
            index.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def start_sink(port: int, directory: Path, host: str = "127.0.0.1") -> Controller:
    """Start the server in a background thread; call .stop() on the result."""
    controller = Controller(MailboxHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def read_messages(directory, to: str | None = None) -> list[dict]:
    """Every stored message summary, oldest first; optionally only those sent to `to`."""
    index = Path(directory) / INDEX
    if not index.exists():
        return []
    lines = index.read_text(encoding="utf-8").splitlines()
    messages = [json.loads(line) for line in lines if line.strip()]
    return [m for m in messages if to is None or to in m["to"]]


def wait_for_messages(directory, to: str | None = None, count: int = 1, timeout: float = 15.0) -> list[dict]:
    """Poll until at least `count` messages (to `to`) arrived; raise TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        found = read_messages(directory, to)
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(found)} of {count} messages to {to or 'anyone'} after {timeout}s")
        time.sleep(0.1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail")
    args = parser.parse_args(argv)
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    controller = start_sink(args.port, Path(args.dir))
    print(f"smtp sink listening on 127.0.0.1:{args.port}, storing in {args.dir}", flush=True)
    stopping.wait()
    controller.stop()


if __name__ == "__main__":
    main()
