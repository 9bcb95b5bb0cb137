"""Serve a real WSGI app on a free loopback port in a thread, for tests that need a live upstream."""

from __future__ import annotations

import contextlib
import threading

from werkzeug.serving import make_server

from devstack.probes import free_port


@contextlib.contextmanager
def serving(app, port: int | None = None):
    """Yield the base URL of `app` served by werkzeug's threaded server; stop it afterwards."""
    server = make_server("127.0.0.1", port or free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()  # release the port now, not when the server is collected
