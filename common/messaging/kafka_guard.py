"""A guard against kafka-python's poll spinning while the broker hangs (accepts connections, answers nothing).

kafka-python 3.0.12 (the newest release) caps each fetch wait by the time to the next heartbeat; once a heartbeat
to a hung broker is overdue that time is 0, so poll() spins for its whole timeout, and its I/O thread with it
(py-spy: Fetcher._send_fetches_async). The same shape as dpkp/kafka-python#2667. An idle poll costs its thread
almost no CPU and a spinning one 10-20 % of it. After an empty poll that cost more than SPIN_SHARE, the guard asks
the broker itself (an ApiVersions request, 1 s to answer): a broker that answers is busy with us (a group
re-join after a restart spins too, and must not be slowed), one that does not is hung, and the consumer waits
before polling again, 0.5 s doubling to 5 s (under the 6 s session timeout).
"""

from __future__ import annotations

import logging
import socket
import ssl
import struct
import time

from ..backoff import exponential

log = logging.getLogger(__name__)
API_VERSIONS_V0 = struct.pack(">hhih", 18, 0, 0x5AFE, 5) + b"guard"  # api key, version, correlation id, client


def broker_answers(options: dict, timeout: float = 1.0) -> bool:
    """The first bootstrap broker answers an ApiVersions request (allowed before SASL) within `timeout`."""
    host, _, port = options["bootstrap_servers"].split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as raw:
            sock = raw
            if options.get("security_protocol", "PLAINTEXT").endswith("SSL"):
                context = ssl.create_default_context(cafile=options.get("ssl_cafile"))
                sock = context.wrap_socket(raw, server_hostname=host)
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(API_VERSIONS_V0)) + API_VERSIONS_V0)
            return len(sock.recv(8)) > 0
    except OSError:
        return False


class SpinGuard:
    SPIN_SHARE, FIRST, MAX = 0.05, 0.5, 5.0

    def __init__(self, name: str, options: dict, probe=broker_answers):
        self.name, self.options, self.probe = name, options, probe
        self.delay, self.spins, self.streak = 0.0, 0, 0  # streak: back-offs since the broker last answered
        self._wall = self._cpu = 0.0

    def before_poll(self) -> None:
        self._wall, self._cpu = time.monotonic(), time.thread_time()

    def after_poll(self, got_records: bool) -> float:
        """Seconds to wait before the next poll: 0 unless the last one spun empty against a silent broker."""
        wall = time.monotonic() - self._wall
        spun = not got_records and wall > 0 and (time.thread_time() - self._cpu) > self.SPIN_SHARE * wall
        if not spun or self.probe(self.options):
            if self.delay:
                log.info("broker answers again; polling normally", extra={"group": self.name})
            self.delay, self.streak = 0.0, 0
            return 0.0
        if not self.delay:
            log.warning("poll spins and the broker does not answer; backing off", extra={"group": self.name})
        self.spins, self.streak = self.spins + 1, self.streak + 1
        self.delay = exponential(self.streak, self.FIRST, self.MAX)
        return self.delay


class TopicWatch:
    """Notices a recreated topic (an in-memory broker restarted), which a consumer would otherwise read from its
    old position, skipping every message the new topic holds below it. The caller rewinds those partitions to
    their start; the inbox makes the re-read harmless.

    Topic ids come from the consumer's own metadata (kafka-python keeps them in its cluster view, refreshed every
    metadata_max_age_ms): no extra request. An admin describe_topics every few seconds was tried and made Tansu
    0.6 corrupt a topic being auto-created (AlreadyExists on every later produce)."""

    def __init__(self):
        self.ids: dict[str, object] = {}

    def recreated(self, seen: dict) -> set[str]:
        """Topics whose id in `seen` (name -> id, None when unknown) differs from the last one seen."""
        known = {t: tid for t, tid in seen.items() if tid is not None}
        changed = {t for t, tid in known.items() if t in self.ids and self.ids[t] != tid}
        self.ids.update(known)
        return changed


def topic_ids(consumer, topics) -> dict:
    """Topic ids from a KafkaConsumer's metadata (a private attribute of kafka-python 3.0.x, read defensively)."""
    cluster = getattr(getattr(consumer, "_client", None), "cluster", None)
    if cluster is None or not hasattr(cluster, "topic_id"):
        return {}
    return {t: cluster.topic_id(t) for t in topics}


def set_fetch_wait(consumer, wait_ms: int) -> None:
    """Change how long the broker may hold a KafkaConsumer's fetches, from the next fetch on (kafka-python 3.0.x
    reads it from its fetcher's private config for every request; absent, the consumer keeps its own)."""
    config = getattr(getattr(consumer, "_fetcher", None), "config", None)
    if isinstance(config, dict) and config.get("fetch_max_wait_ms") != wait_ms:
        config["fetch_max_wait_ms"] = wait_ms
