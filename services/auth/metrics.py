"""Login failures and rate-limit refusals, read off the answers (the use cases stay free of metrics)."""

from __future__ import annotations

from flask import Flask, request

from common.platform import platform_of

LOGIN_FAILURES = {401: "invalid_credentials", 429: "rate_limited", 400: "invalid_request", 422: "invalid_request"}
# The second step of a two-factor sign-in (/api/auth/login/2fa).
CODE_FAILURES = {401: "sign_in_expired", 422: "invalid_code", 429: "rate_limited", 400: "invalid_request"}


def install(app: Flask) -> None:
    obs = platform_of(app).observability
    failures = obs.counter("auth_login_failures_total", "Sign-ins refused, by why (never by account)", ("reason",))
    refusals = obs.counter("rate_limit_refusals_total", "Requests refused by a rate limit", ("limiter", "route"))

    @app.after_request
    def _count(resp):
        if request.endpoint == "auth.login" and resp.status_code in LOGIN_FAILURES:
            failures.labels(LOGIN_FAILURES[resp.status_code]).inc()
        if request.endpoint == "auth.login_second_factor" and resp.status_code in CODE_FAILURES:
            failures.labels(CODE_FAILURES[resp.status_code]).inc()
        if resp.status_code == 429:
            refusals.labels("auth", request.endpoint or "unmatched").inc()
        return resp
