"""gunicorn's worker for the processes clients reach (the shell, the gateway): gevent's, so a slow client costs a
greenlet, never one of a few threads, with a deadline for a request's headers and one for its body.

gthread hands a connection to a thread as soon as its first bytes arrive, and the thread then reads the rest at the
client's pace: twelve clients trickling headers or a body held every thread and froze the process. Here reading
waits on the event loop, and a client too slow for either deadline has its connection closed."""

from __future__ import annotations

import time

import gevent
from gevent.local import local
from gevent.socket import wait_read
from gunicorn.workers.ggevent import GeventWorker

# From a request's first byte to the end of its headers (a browser sends them in one packet).
HEADER_TIMEOUT = 10.0
# From the end of the headers to the end of the body: an 8 MB image upload at ~1 Mbit/s fits.
BODY_TIMEOUT = 60.0
_conn = local()


class HeaderDeadline:
    """The keep-alive wait for a request's first byte (gunicorn's `keepalive`), then HEADER_TIMEOUT for the rest
    of its headers; a deadline passed ends the read quietly and gunicorn closes the connection."""

    def __init__(self, client, keepalive: float):
        self.client, self.keepalive = client, keepalive
        self.timeout: gevent.Timeout | None = None

    def __enter__(self):
        seconds = HEADER_TIMEOUT
        try:
            if self.client is not None:
                wait_read(self.client.fileno(), timeout=self.keepalive)
        except OSError:  # timed out (idle past keep-alive), or the client is gone
            seconds = 0  # the read below ends at once
        self.timeout = gevent.Timeout(seconds, False)
        return self.timeout.__enter__()

    def __exit__(self, *exc):
        assert self.timeout is not None
        return self.timeout.__exit__(*exc)


class DeadlineBody:
    """A request body whose reads all end by one deadline; past it the read raises and the connection closes."""

    def __init__(self, body, seconds: float):
        self.body, self.deadline, self.late = body, time.monotonic() + seconds, False

    @property
    def failed(self) -> bool:
        """gunicorn's parser reuses a connection only if its body was read whole (http/parser.py)."""
        return self.late or getattr(self.body, "failed", False) is True

    def _bounded(self, read, *args):
        left = self.deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError("request body too slow")
            with gevent.Timeout(left, TimeoutError("request body too slow")):
                return read(*args)
        except TimeoutError:
            self.late = True
            raise

    def read(self, size=None):
        return self._bounded(self.body.read, size)

    def readline(self, size=None):
        return self._bounded(self.body.readline, size)

    def readlines(self, size=None):
        return self._bounded(self.body.readlines, size)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class EdgeWorker(GeventWorker):
    """gunicorn's gevent worker with the two deadlines (`--worker-class common.http.edge_worker.EdgeWorker`)."""

    def handle(self, listener, client, addr):
        _conn.client = client  # greenlet-local: timeout_ctx() is asked without the connection
        super().handle(listener, client, addr)

    def timeout_ctx(self):
        return HeaderDeadline(getattr(_conn, "client", None), self.cfg.keepalive)

    def handle_request(self, listener_name, req, sock, addr):
        req.body = DeadlineBody(req.body, BODY_TIMEOUT)
        return super().handle_request(listener_name, req, sock, addr)
