"""Outbound HTTP: pooled connections, timeouts, retries for idempotent calls, a circuit breaker."""
from __future__ import annotations

import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from .breaker import BreakerOpen, CircuitBreaker, FailureRate
from .errors import Unavailable, UpstreamError, UpstreamTimeout
from .logs import REQUEST_ID_HEADER, current_request_id

log = logging.getLogger(__name__)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def _is_timeout(e: requests.RequestException) -> bool:
    """requests reports a read timeout that exhausted urllib3's retries as a ConnectionError."""
    if isinstance(e, requests.Timeout):
        return True
    reason = getattr(e.args[0], "reason", None) if e.args else None
    return isinstance(reason, (ReadTimeoutError, TimeoutError))


class HttpClient:
    """A client for one upstream with its own breaker (common/breaker.py): it opens after `fail_max` transport
    failures in a row or on a failure rate over volume (`rate`), never on 4xx answers."""

    def __init__(self, name: str, base_url: str, timeout: float = 3.0, retries: int = 2,
                 fail_max: int = 5, reset_timeout: float = 10.0, pool_size: int = 32,
                 rate: FailureRate | None = None):
        self.name, self.base_url, self.timeout = name, base_url.rstrip("/"), timeout
        self.session = requests.Session()
        # Calls between our own processes never go through an environment proxy (and skipping the
        # per-request proxy lookup saves measurable CPU on every hop).
        self.session.trust_env = False
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=0.05,
                      allowed_methods=IDEMPOTENT, status_forcelist=(502, 503, 504), raise_on_status=False,
                      respect_retry_after_header=False)
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.breaker = CircuitBreaker(name, fail_max=fail_max, reset_timeout=reset_timeout, rate=rate)

    def request(self, method: str, path: str, headers: dict | None = None, timeout: float | None = None,
                **kwargs) -> requests.Response:
        headers = dict(headers or {})
        rid = current_request_id()
        if rid and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = rid
        url = f"{self.base_url}{path}"

        try:
            trial = self.breaker.admit()
        except BreakerOpen:
            raise Unavailable(f"{self.name} is unavailable", {"upstream": self.name}) from None
        outcome = None
        try:
            resp = self.session.request(method, url, headers=headers, timeout=timeout or self.timeout,
                                        allow_redirects=False, **kwargs)
            outcome = "error" if resp.status_code >= 500 else "ok"
            return resp
        except requests.RequestException as e:
            outcome = "down"
            if not _is_timeout(e):
                log.warning("upstream unreachable", extra={"upstream": self.name, "error": type(e).__name__})
                raise UpstreamError(f"{self.name} is unreachable", {"upstream": self.name}) from None
            raise UpstreamTimeout(f"{self.name} did not answer in time", {"upstream": self.name}) from None
        finally:
            self.breaker.record(outcome, trial)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)
