"""`make run` turns on live templates and keeps data under var/; production settings keep both off."""

from __future__ import annotations

from common.settings import load_settings
from devstack import Stack
from devstack.__main__ import local_stack


def test_make_run_serves_live_templates_and_keeps_data_under_var(monkeypatch):
    monkeypatch.delenv("LIVE_TEMPLATES", raising=False)
    monkeypatch.delenv("DATA_DIR", raising=False)
    stack = local_stack(offset=0)
    assert stack.env["LIVE_TEMPLATES"] == "1"
    assert stack.env["DATA_DIR"] == str(stack.root / "var" / "data")
    assert local_stack(offset=100).env["DATA_DIR"] == str(stack.root / "var" / "stack-100" / "data")


def test_the_test_fixtures_stack_starts_from_a_fresh_seed_with_compiled_templates(monkeypatch):
    monkeypatch.delenv("LIVE_TEMPLATES", raising=False)
    monkeypatch.delenv("DATA_DIR", raising=False)
    stack = Stack(offset=0)
    assert "DATA_DIR" not in stack.env and "LIVE_TEMPLATES" not in stack.env


def test_production_settings_compile_templates_once_and_keep_no_snapshot():
    settings = load_settings("shell", env={"MONGO_URL": "mongodb://db/"})
    assert settings.live_templates is False and settings.data_dir is None
    assert load_settings("shell", env={"LIVE_TEMPLATES": "1"}).live_templates is True


def test_reset_deletes_the_saved_data_and_redis_file_of_that_stack_only(tmp_path):
    stack = Stack(offset=0, root=tmp_path, var_dir=tmp_path / "var", data_dir=tmp_path / "var" / "data")
    (tmp_path / "var" / "data").mkdir(parents=True)
    (tmp_path / "var" / "data" / "orders.bson").write_bytes(b"x")
    (tmp_path / "var" / "redis" / "6379").mkdir(parents=True, exist_ok=True)
    (tmp_path / "var" / "redis" / "6379" / "appendonly.aof").write_bytes(b"x")
    redis_dir = tmp_path / "var" / "redis" / "6379"
    redis_dir.mkdir(parents=True, exist_ok=True)  # the process table makes it already
    other = tmp_path / "var" / "redis" / "6479"
    other.mkdir()
    assert stack.reset() == [tmp_path / "var" / "data", redis_dir]
    assert not (tmp_path / "var" / "data").exists() and other.exists()
    assert redis_dir.exists() and not any(redis_dir.iterdir())  # emptied, not gone: redis-server needs it
    assert stack.reset() == []
