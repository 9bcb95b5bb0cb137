"""Payment metrics: outcomes the provider reported and webhook signature failures."""

from __future__ import annotations


class PaymentMetrics:
    def __init__(self, obs):
        self._outcomes = obs.counter(
            "payments_outcome_total",
            "Checkout states the provider reported (authorized, captured, failed ...)",
            ("outcome",),
        )
        self._bad = obs.counter(
            "payment_webhook_signature_failures_total", "Webhook deliveries refused for their signature", ("provider",)
        )

    def outcome(self, state: str) -> None:
        self._outcomes.labels(state).inc()

    def signature_failed(self, provider: str) -> None:
        self._bad.labels(provider).inc()
