"""Which service answers which /api/<prefix>."""

UPSTREAM_OF = {
    "auth": "auth",
    "users": "users",
    "products": "products",
    "categories": "products",
    "inventory": "inventory",
    "cart": "orders",
    "orders": "orders",
    "payments": "payments",
    "notifications": "notifications",
    "audit": "users",  # the back office's audit trail
    "events": "notifications",  # the back office's dead letters
}

# Only these request headers travel upstream; hop-by-hop and cookie headers stay at the edge.
FORWARDED_REQUEST_HEADERS = ("Authorization", "Content-Type", "Accept", "Idempotency-Key", "X-Cart-Id",
                             "X-Request-ID", "X-Forwarded-For", "If-None-Match")
DROPPED_RESPONSE_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
                            "content-length", "server", "date"}
