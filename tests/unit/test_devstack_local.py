"""`make run` turns on live templates and keeps the database's files under var/mongo; production keeps both off."""

from __future__ import annotations

from common.settings import load_settings
from devstack import Stack
from devstack.__main__ import local_stack


def test_make_run_serves_live_templates_and_keeps_the_database_under_var(monkeypatch):
    monkeypatch.delenv("LIVE_TEMPLATES", raising=False)
    stack = local_stack(offset=0)
    assert stack.env["LIVE_TEMPLATES"] == "1"
    assert stack.specs["mongo"].argv[-3] == str(stack.root / "var" / "mongo")
    assert local_stack(offset=100).specs["mongo"].argv[-3] == str(stack.root / "var" / "stack-100" / "mongo")
    assert local_stack(offset=100).specs["mongo"].port == 27117


def test_the_test_fixtures_stack_starts_from_a_fresh_seed_with_compiled_templates(monkeypatch):
    monkeypatch.delenv("LIVE_TEMPLATES", raising=False)
    stack = Stack(offset=0)
    assert stack.specs["mongo"].argv[-3] == ":memory:" and "LIVE_TEMPLATES" not in stack.env


def test_a_stack_uses_its_own_database_whatever_the_parent_names(monkeypatch):
    monkeypatch.setenv("MONGO_URL", "mongodb://elsewhere:1/")
    monkeypatch.setenv("MONGO_DB_PREFIX", "t1_")
    stack = Stack(offset=7)
    assert "MONGO_URL" not in stack.env and "MONGO_DB_PREFIX" not in stack.env
    assert load_settings("orders", env=stack.env).mongo_url == "mongodb://127.0.0.1:27024/?retryWrites=false"
    assert load_settings("orders", env=stack.env).local_mode


def test_production_settings_compile_templates_once_and_are_not_local():
    settings = load_settings("shell", env={"MONGO_URL": "mongodb://db/"})
    assert settings.live_templates is False and not settings.local_mode
    assert load_settings("shell", env={"LIVE_TEMPLATES": "1"}).live_templates is True


def test_reset_deletes_the_database_files_and_redis_file_of_that_stack_only(tmp_path):
    stack = Stack(offset=0, root=tmp_path, var_dir=tmp_path / "var", data_dir=tmp_path / "var" / "mongo")
    (tmp_path / "var" / "mongo" / "WiredTiger.wt").write_bytes(b"x")
    (tmp_path / "var" / "redis" / "6379").mkdir(parents=True, exist_ok=True)
    (tmp_path / "var" / "redis" / "6379" / "appendonly.aof").write_bytes(b"x")
    redis_dir = tmp_path / "var" / "redis" / "6379"
    other = tmp_path / "var" / "redis" / "6479"
    other.mkdir()
    assert stack.reset() == [tmp_path / "var" / "mongo", redis_dir]
    assert not (tmp_path / "var" / "mongo").exists() and other.exists()
    assert redis_dir.exists() and not any(redis_dir.iterdir())  # emptied, not gone: redis-server needs it
    assert stack.reset() == []
