"""Outbound HTTP: pooled connections, timeouts, retries for idempotent calls, a circuit breaker."""

from __future__ import annotations

import contextlib
import logging

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from ..breaker import BreakerOpen, CircuitBreaker, FailureRate
from ..errors import Unavailable, UpstreamError, UpstreamTimeout
from ..observability.logs import REQUEST_ID_HEADER, current_request_id

log = logging.getLogger(__name__)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def _is_timeout(e: Exception) -> bool:
    """requests reports a read timeout that exhausted urllib3's retries as a ConnectionError; urllib3 wraps
    every exhausted retry in MaxRetryError. A refused connection is a NewConnectionError, not a timeout."""
    if isinstance(e, requests.Timeout):
        return True
    reason = getattr(e, "reason", None) or (getattr(e.args[0], "reason", None) if e.args else None) or e
    if isinstance(reason, NewConnectionError):
        return False
    return isinstance(reason, (ReadTimeoutError, ConnectTimeoutError, TimeoutError))


class HttpClient:
    """A client for one upstream with its own breaker (common/breaker.py): it opens after `fail_max` transport
    failures in a row or on a failure rate over volume (`rate`), never on 4xx answers."""

    def __init__(
        self,
        name: str,
        base_url: str,
        timeout: float = 3.0,
        retries: int = 2,
        fail_max: int = 5,
        reset_timeout: float = 10.0,
        pool_size: int = 32,
        rate: FailureRate | None = None,
    ):
        self.name, self.base_url, self.timeout = name, base_url.rstrip("/"), timeout
        self.session = requests.Session()
        # Calls between our own processes never go through an environment proxy (and skipping the
        # per-request proxy lookup saves measurable CPU on every hop).
        self.session.trust_env = False
        self.retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.05,
            allowed_methods=IDEMPOTENT,
            status_forcelist=(502, 503, 504),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.adapter = adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=self.retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # forward() speaks urllib3 through the adapter's pool manager. requests keys its pools with TLS options, so
        # forward()'s pool to the same upstream is a separate one in that manager (both bounded by pool_size).
        self._pools = adapter.poolmanager
        self._pool: urllib3.HTTPConnectionPool | None = None
        self._prefix = urllib3.util.parse_url(self.base_url).path or ""
        self._timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.breaker = CircuitBreaker(name, fail_max=fail_max, reset_timeout=reset_timeout, rate=rate)

    def request(
        self, method: str, path: str, headers: dict | None = None, timeout: float | None = None, **kwargs
    ) -> requests.Response:
        with self._guarded() as answered:
            return answered(
                self.session.request(
                    method,
                    f"{self.base_url}{path}",
                    headers=self._with_request_id(headers),
                    timeout=timeout or self.timeout,
                    allow_redirects=False,
                    **kwargs,
                )
            )

    def forward(
        self,
        method: str,
        path_and_query: str,
        body: bytes | None = None,
        headers: dict | None = None,
        timeout: float | None = None,
    ) -> urllib3.BaseHTTPResponse:
        """A proxy's call: bytes in, bytes out (`.status`, `.headers`, `.data`), with the same retries, breaker and
        errors as request(), minus the requests layer (a quarter of the gateway's CPU per hop)."""
        with self._guarded() as answered:
            return answered(
                self._upstream().urlopen(
                    method,
                    self._prefix + path_and_query,
                    body=body or None,
                    headers=self._with_request_id(headers),
                    retries=self.retry,
                    redirect=False,
                    assert_same_host=False,
                    timeout=urllib3.Timeout(connect=timeout, read=timeout) if timeout else self._timeout,
                )
            )

    @contextlib.contextmanager
    def _guarded(self):
        """One call through the breaker: admitted or refused (503), its answer or transport failure recorded, and a
        failure raised as our 502/504. The body hands its response to `answered`, which notes 5xx as an error."""
        trial = self._admit()
        outcome = None

        def answered(resp):
            nonlocal outcome
            status = resp.status_code if isinstance(resp, requests.Response) else resp.status
            outcome = "error" if status >= 500 else "ok"
            return resp

        try:
            yield answered
        except (requests.RequestException, urllib3.exceptions.HTTPError) as e:
            outcome = "down"
            raise self._transport_error(e) from None
        finally:
            self.breaker.record(outcome, trial)

    def _upstream(self) -> urllib3.HTTPConnectionPool:
        """The upstream's pool, looked up once rather than per call (URL parsing and a keyed lookup per hop)."""
        if self._pool is None or self._pool.pool is None:  # first call, or the session was closed since
            self._pool = self._pools.connection_from_url(self.base_url)
        return self._pool

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    @staticmethod
    def _with_request_id(headers: dict | None) -> dict:
        headers = dict(headers or {})
        rid = current_request_id()
        if rid and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = rid
        return headers

    def _admit(self) -> bool:
        try:
            return self.breaker.admit()
        except BreakerOpen:
            raise Unavailable(f"{self.name} is unavailable", {"upstream": self.name}) from None

    def _transport_error(self, e: Exception) -> Exception:
        if _is_timeout(e):
            return UpstreamTimeout(f"{self.name} did not answer in time", {"upstream": self.name})
        log.warning("upstream unreachable", extra={"upstream": self.name, "error": type(e).__name__})
        return UpstreamError(f"{self.name} is unreachable", {"upstream": self.name})
