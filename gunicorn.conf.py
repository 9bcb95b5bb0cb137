"""gunicorn settings shared by `make run`, the tests and the Docker image: its own logs as JSON lines too."""

import sys

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "asctime": "ts"},
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"level": "INFO", "handlers": []},  # the apps attach their own JSON handler (common/observability/logs.py)
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
    },
}
logger_class = "common.observability.logs.QuietAccessLogger"  # skips building the access lines nothing logs
# Our callers (the shell, the fragment apps, the gateway) keep pooled connections to every process. With
# gunicorn's 2 s default, a connection idle for 2 s could be closed just as a caller reused it, and a fragment
# call (no retries: a slow fragment must not hold the page) became a fallback. Keep idle connections longer.
keepalive = 75
# Which request says HTTPS is decided by the app (the shell's ProxyFix trusts exactly TRUSTED_PROXY_HOPS of
# X-Forwarded-Proto). gunicorn's defaults would also believe X-Forwarded-Ssl, -Protocol and -Proto from any
# loopback peer and serve such a request as HTTPS: none of those headers is gunicorn's to believe.
secure_scheme_headers: dict[str, str] = {}
# The processes clients reach (the shell, the gateway) read requests on gevent's loop with header and body
# deadlines (common/http/edge_worker.py): slow clients cannot hold their threads. The others keep gthread, since only
# our own processes call them. Decided here from the app gunicorn is given, so `make run`, the Docker image,
# compose and Kubernetes all agree.
#
# Workers and threads come from the command line (`make run`: 1 and 8 per process, devstack/processes.py; the image:
# WORKERS and THREADS). Measured on the 2-core machine (issue 26, production settings, wrk with 16 connections on
# the anonymous home page, two shells from the same environment side by side, three runs each): 1 worker 530-795
# pages/s, p99 62-81 ms; 2 workers 1,005-1,128 pages/s, p99 49-52 ms. A second worker takes the second core, where
# a gevent worker holds the GIL of one. `make run` keeps 1 worker per process all the same: the shell keeps a
# session's badge and mini-cart in the process that relayed its writes (shell/caching/per_session.py), so with one
# worker a shopper's own add to cart shows on the very next page; with two, the other worker may show the old
# count for up to its 10 s (the bound README states for several shell processes). Compose runs 2 workers
# (WORKERS), Kubernetes 1 per pod with replicas. The saga gains nothing from more: at 8 shoppers the stack already
# keeps both cores busy (1.8 of 2, `make bench`), so more workers would only add memory and context switches.
_APP = next((arg for arg in sys.argv if arg.endswith(":create_app()")), "")
if _APP.partition(":")[0] in ("shell", "gateway"):
    worker_class = "common.http.edge_worker.EdgeWorker"
    worker_connections = 1000
