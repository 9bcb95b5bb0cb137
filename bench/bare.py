"""One bare hop: a Flask app that only returns stored bytes, run by gunicorn exactly as our processes are."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from pathlib import Path

from flask import Flask, Response, abort

from devstack.probes import free_port
from devstack.processes import ROOT, ProcessSpec, app_argv, child_env
from devstack.supervised import Supervised, stop_all

DIR_ENV = "BENCH_BARE_DIR"


def create_app() -> Flask:
    """GET /<name> answers the body stored under that name, with its content type; nothing else runs."""
    app = Flask(__name__)
    folder = Path(os.environ[DIR_ENV])

    @functools.cache
    def stored(name: str) -> tuple[bytes, str] | None:
        kinds = json.loads((folder / "types.json").read_text())
        return ((folder / name).read_bytes(), kinds[name]) if name in kinds else None

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/<name>")
    def body(name):
        found = stored(name)
        if found is None:
            abort(404)
        return Response(found[0], mimetype=None, content_type=found[1])

    return app


class BareHop:
    """The running bare app; `store` a body under a name before loading its URL."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port

    def store(self, name: str, body: bytes, content_type: str) -> str:
        kinds_path = self.folder / "types.json"
        kinds = json.loads(kinds_path.read_text()) if kinds_path.exists() else {}
        (self.folder / name).write_bytes(body)
        kinds_path.write_text(json.dumps({**kinds, name: content_type}))
        return f"http://127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def bare_hop(offset: int):
    """Start the bare app (1 worker, 8 threads, our gunicorn.conf.py) on a free port; stop it on exit."""
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        port = free_port()
        spec = ProcessSpec("bench.bare", "app", port, app_argv("bench.bare", port), "http")
        env = {**child_env(offset), DIR_ENV: folder}
        proc = Supervised(spec, Path(folder) / "gunicorn.log", env, ROOT).start()
        try:
            proc.wait_ready(30)
            yield BareHop(Path(folder), port)
        finally:
            stop_all([proc])
