"""The process table, the local SMTP sink and the Stack's start/stop on infrastructure processes."""

from __future__ import annotations

import os
import smtplib
import socket
from email.message import EmailMessage

import pytest

from common import settings
from devstack import APP_MODULES, PortInUseError, Stack, process_table
from devstack.probes import free_port, port_is_free
from devstack.processes import child_env
from devstack.smtp_sink import read_messages, start_sink, wait_for_messages

EXPECTED_PORTS = {
    "gateway": settings.GATEWAY_PORT,
    "shell": settings.SHELL_PORT,
    **settings.INFRA_PORTS,
    **{f"services.{n}": p for n, p in settings.SERVICE_PORTS.items()},
    **{f"fragments.{n}": p for n, p in settings.FRAGMENT_PORTS.items()},
}
INFRA = ["mongo", "redis", "kafka", "smtp"]


def test_the_table_holds_every_process_once_with_its_settings_port():
    table = process_table(env={})
    assert {name: spec.port for name, spec in table.items()} == EXPECTED_PORTS
    assert len(APP_MODULES) == 15


def test_infrastructure_starts_before_any_app():
    kinds = [spec.kind for spec in process_table(env={}).values()]
    assert kinds == sorted(kinds, key=lambda k: k != "infra")


def test_the_port_offset_shifts_every_port():
    table = process_table(env={"FRAGMART_PORT_OFFSET": "200"})
    assert {name: spec.port for name, spec in table.items()} == {n: p + 200 for n, p in EXPECTED_PORTS.items()}
    assert table["services.orders"].url == "http://127.0.0.1:3203"
    assert table["redis"].url == "redis://127.0.0.1:6579/0"
    assert table["mongo"].url == "mongodb://127.0.0.1:27217/?retryWrites=false"


def test_apps_run_under_gunicorn_with_one_worker_and_their_factory():
    argv = process_table(env={})["fragments.cart"].argv
    assert "gunicorn" in " ".join(argv[:2])
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:4003"
    assert argv[argv.index("--workers") + 1] == "1"
    assert argv[-1] == "fragments.cart:create_app()"


def test_children_get_local_admin_defaults_unless_the_environment_sets_them():
    env = child_env(100, env={"ADMIN_PASSWORD": "mine", "PYTHONPATH": "/x"})
    assert env["ADMIN_EMAIL"] == "admin@fragmart.local"
    assert env["ADMIN_PASSWORD"] == "mine"
    assert env["FRAGMART_PORT_OFFSET"] == "100"
    assert env["PYTHONPATH"].endswith(":/x")


def test_the_smtp_sink_stores_a_real_message(tmp_path):
    port = free_port()
    controller = start_sink(port, tmp_path)
    try:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "shop@fragmart.local", "ada@example.com", "Order confirmed"
        msg.set_content("Your order 42 is confirmed.")
        msg.add_alternative("<p>Your order <b>42</b> is confirmed.</p>", subtype="html")
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.send_message(msg)
        [stored] = wait_for_messages(tmp_path, to="ada@example.com", timeout=5)
    finally:
        controller.stop()
    assert stored["from"] == "shop@fragmart.local"
    assert stored["subject"] == "Order confirmed"
    assert "order 42 is confirmed" in stored["body"]
    assert "<b>42</b>" in stored["html"]
    assert b"Subject: Order confirmed" in (tmp_path / stored["eml"]).read_bytes()
    assert read_messages(tmp_path, to="nobody@example.com") == []


def _free_offset() -> int:
    """An offset at which the infrastructure ports are all free right now."""
    for _ in range(50):
        offset = free_port() - settings.INFRA_PORTS["mongo"]  # the highest base port: every port stays < 65536
        if offset > 0 and all(port_is_free(p + offset) for p in settings.INFRA_PORTS.values()):
            return offset
    raise RuntimeError("no free offset found")


def test_the_stack_refuses_to_start_when_a_port_is_taken(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        offset = squatter.getsockname()[1] - settings.INFRA_PORTS["redis"]
        with pytest.raises(PortInUseError, match=r"redis: port \d+"):
            Stack(offset=offset, var_dir=tmp_path).start(["redis"])


def test_the_stack_starts_kills_restarts_and_stops_infra_leaving_nothing_behind(tmp_path):
    stack = Stack(offset=_free_offset(), var_dir=tmp_path)
    stack.start(INFRA)
    try:
        pids = [stack.procs[n].pid for n in INFRA]
        assert all(stack.is_running(n) for n in INFRA)
        stack.kill("smtp")
        assert not stack.is_running("smtp") and port_is_free(stack.specs["smtp"].port)
        stack.restart("smtp")
        assert stack.procs["smtp"].ready()
    finally:
        stack.stop()
    assert all(port_is_free(stack.specs[n].port) for n in INFRA)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert (tmp_path / "log" / "redis.log").exists()
