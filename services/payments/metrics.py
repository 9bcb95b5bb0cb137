"""Payment metrics: outcomes by kind, webhook signature failures, and the time from authorization to capture."""

from __future__ import annotations

# An order ships within minutes in a test, within days in a shop.
CAPTURE_BUCKETS = (1, 10, 60, 600, 3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400)


class PaymentMetrics:
    def __init__(self, obs):
        self._outcomes = obs.counter(
            "payments_outcome_total", "Payments by outcome (authorized, captured, voided, refunded)", ("outcome",)
        )
        self._bad = obs.counter(
            "payment_webhook_signature_failures_total", "Webhook deliveries refused for their signature", ("provider",)
        )
        self._capture = obs.histogram(
            "payment_authorization_to_capture_seconds",
            "Time from the provider's authorization to the capture at shipment",
            buckets=CAPTURE_BUCKETS,
        )

    def outcome(self, state: str) -> None:
        self._outcomes.labels(state).inc()

    def signature_failed(self, provider: str) -> None:
        self._bad.labels(provider).inc()

    def captured_after(self, seconds: float | None) -> None:
        if seconds is not None:
            self._capture.observe(seconds)
