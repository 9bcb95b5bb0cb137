"""gunicorn settings shared by `make run`, the tests and the Docker image: its own logs as JSON lines too."""

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
    "root": {"level": "INFO", "handlers": []},  # the apps attach their own JSON handler (common/logs.py)
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
    },
}
logger_class = "common.logs.QuietAccessLogger"  # skips building the access lines nothing logs
# Our callers (the shell, the fragment apps, the gateway) keep pooled connections to every process. With
# gunicorn's 2 s default, a connection idle for 2 s could be closed just as a caller reused it, and a fragment
# call (no retries: a slow fragment must not hold the page) became a fallback. Keep idle connections longer.
keepalive = 75
