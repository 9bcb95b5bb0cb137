"""Webhook endpoints and their deliveries: one repository per collection."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError


class EndpointRepository:
    """The owner's receivers: URL, event types, secret, enabled, and since when they fail."""

    def __init__(self, endpoints):
        self.endpoints = endpoints

    def add(self, endpoint: dict, session=None) -> None:
        """Raises DuplicateKeyError when an endpoint with the same idempotency key exists."""
        self.endpoints.insert_one(endpoint, session=session)

    def by_key(self, key: str) -> dict | None:
        return self.endpoints.find_one({"idempotency_key": key})

    def get(self, endpoint_id: str) -> dict | None:
        return self.endpoints.find_one({"_id": endpoint_id})

    def all(self) -> list[dict]:
        return list(self.endpoints.find({}).sort([("created_at", ASCENDING), ("_id", ASCENDING)]))

    def subscribed(self, event_type: str) -> list[dict]:
        return list(self.endpoints.find({"enabled": True, "events": event_type}))

    def update(self, endpoint_id: str, changes: dict, session=None) -> dict | None:
        return self.endpoints.find_one_and_update(
            {"_id": endpoint_id}, {"$set": changes}, return_document=ReturnDocument.AFTER, session=session
        )

    def failing_since(self, endpoint_id: str, when: datetime) -> dict | None:
        """Note the first failure of a run (kept while failures continue); the endpoint as it is now."""
        self.endpoints.update_one({"_id": endpoint_id, "failing_since": None}, {"$set": {"failing_since": when}})
        return self.get(endpoint_id)

    def find_and_delete(self, endpoint_id: str, session=None) -> dict | None:
        """The endpoint as it was, once deleted; None when there was none."""
        return self.endpoints.find_one_and_delete({"_id": endpoint_id}, session=session)


class WebhookDeliveryRepository:
    """One message per endpoint and event; its id is the webhook-id of every attempt."""

    def __init__(self, deliveries):
        self.deliveries = deliveries

    def add(self, delivery: dict) -> bool:
        """False when this event was already queued for this endpoint (a redelivered event)."""
        try:
            self.deliveries.insert_one(delivery)
            return True
        except DuplicateKeyError:
            return False

    def get(self, delivery_id: str) -> dict | None:
        return self.deliveries.find_one({"_id": delivery_id})

    def claim_due(self, now: datetime, lease: timedelta) -> dict | None:
        """One pending delivery whose time has come, leased so that another sender leaves it alone meanwhile."""
        return self.deliveries.find_one_and_update(
            {"status": "pending", "next_at": {"$lte": now}},
            {"$set": {"next_at": now + lease}},
            sort=[("next_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    def record(self, delivery_id: str, changes: dict) -> None:
        self.deliveries.update_one({"_id": delivery_id}, {"$set": changes, "$inc": {"attempts": 1}})

    def requeue(self, delivery_id: str, now: datetime, session=None) -> dict | None:
        """Due now with a fresh 24 h of retries, under the same webhook-id (the back office's Resend)."""
        return self.deliveries.find_one_and_update(
            {"_id": delivery_id},
            {"$set": {"status": "pending", "next_at": now, "window_start": now}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    def for_endpoint(self, endpoint_id: str, limit: int = 20) -> list[dict]:
        docs = self.deliveries.find({"endpoint_id": endpoint_id}).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
        return list(docs.limit(limit))

    def drop_for_endpoint(self, endpoint_id: str, session=None) -> None:
        self.deliveries.delete_many({"endpoint_id": endpoint_id}, session=session)
