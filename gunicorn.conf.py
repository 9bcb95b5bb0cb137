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
_APP = next((arg for arg in sys.argv if arg.endswith(":create_app()")), "")
if _APP.partition(":")[0] in ("shell", "gateway"):
    worker_class = "common.http.edge_worker.EdgeWorker"
    worker_connections = 1000
