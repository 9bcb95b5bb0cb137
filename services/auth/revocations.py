"""Revoked token ids: kept in MongoDB (durable), published into Redis (where every verifier looks them up)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from common.auth.identity import REVOCATIONS_READY_KEY, REVOKED_KEY
from common.clock import now

log = logging.getLogger(__name__)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Revocations:
    """MongoDB is the record; Redis is a copy that a restart may empty. The copy carries a sentinel key, set
    only after a full publish, so a verifier can tell "not revoked" from "Redis forgot" (common/auth/identity.py)."""

    def __init__(self, collection, redis, publish_redis=None, republished=None):
        self.docs, self.redis = collection, redis
        self.publish_redis = publish_redis or redis
        self.republished = republished
        self._dirty = threading.Event()

    def add(self, jti: str, ttl: int) -> None:
        ttl = max(1, int(ttl))
        if self.docs is not None:
            self.docs.update_one({"_id": jti}, {"$set": {"expires_at": now() + timedelta(seconds=ttl)}}, upsert=True)
        try:
            self.redis.set(REVOKED_KEY.format(jti=jti), 1, ex=ttl)
        except RedisError as e:
            if self.docs is None:
                raise
            # The record is durable; until the copy has it, verifiers must not trust the copy.
            log.warning("revocation not copied to Redis yet", extra={"error": type(e).__name__})
            self._dirty.set()
            try:
                self.redis.delete(REVOCATIONS_READY_KEY)
            except RedisError:
                pass

    def is_revoked(self, jti: str) -> bool:
        if self.docs is None:
            return bool(self.redis.exists(REVOKED_KEY.format(jti=jti)))
        doc = self.docs.find_one({"_id": jti})
        return doc is not None and _aware(doc["expires_at"]) > now()

    def publish(self) -> int:
        """Copy every live record into Redis, then set the sentinel; safe to run from several replicas."""
        self._dirty.clear()
        moment, count = now(), 0
        pipe = self.publish_redis.pipeline(transaction=False)
        for doc in self.docs.find({"expires_at": {"$gt": moment}}):
            ttl = int((_aware(doc["expires_at"]) - moment).total_seconds()) + 1
            pipe.set(REVOKED_KEY.format(jti=doc["_id"]), 1, ex=ttl)
            count += 1
        pipe.set(REVOCATIONS_READY_KEY, 1)
        pipe.execute()
        if self.republished is not None:
            self.republished.inc()
        log.info("revocations published to Redis", extra={"count": count})
        return count

    def publish_if_needed(self) -> bool:
        if self._dirty.is_set() or not self.publish_redis.exists(REVOCATIONS_READY_KEY):
            self.publish()
            return True
        return False


class RevocationWatcher:
    """Republishes within `interval` seconds of Redis losing its data (a restart without AOF, a flush)."""

    def __init__(self, revocations: Revocations, interval: float = 1.0):
        self.revocations, self.interval = revocations, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="revocation-watcher", daemon=True)

    def start(self) -> RevocationWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.revocations.publish_if_needed()
            except (RedisError, PyMongoError) as e:
                log.warning("revocation publish failed; retrying", extra={"error": type(e).__name__})
