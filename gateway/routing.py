"""Which service answers which /api/<prefix>."""

UPSTREAM_OF = {
    "auth": "auth",
    "users": "users",
    "products": "products",
    "categories": "products",
    "inventory": "inventory",
    "stock": "inventory",  # the back office's paged stock list
    "cart": "orders",
    "orders": "orders",
    "shipping": "orders",  # delivery options
    "tax": "orders",
    "promotions": "orders",
    "payments": "payments",
    "notifications": "notifications",
    "audit": "users",  # the back office's audit trail
    "events": "notifications",  # the back office's dead letters
    "webhooks": "notifications",  # the back office's outbound webhook endpoints
    "imports": "products",  # the legacy catalog import's reports
}

# Only these request headers travel upstream; hop-by-hop and cookie headers stay at the edge.
FORWARDED_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept",
    "Idempotency-Key",
    "X-Cart-Id",
    "X-Order-Link",  # a guest's signed order link, naming the one order it may pay
    "X-Request-ID",
    "X-Forwarded-For",
    "If-None-Match",
    "X-Twilio-Signature",  # the SMS provider's signed status callbacks
    "Stripe-Signature",  # the payment provider's signed webhooks
)
DROPPED_RESPONSE_HEADERS = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-encoding",
    "content-length",
    "server",
    "date",
}

# The one body larger than JSON: a product image upload (IMAGE_UPLOAD_API), the product's or one of its gallery's
# (the products service checks it is at most 2 MB).
IMAGE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
