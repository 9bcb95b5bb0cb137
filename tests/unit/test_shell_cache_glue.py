"""The glue over requests-cache's internals refuses to load on any version but the one requirements.txt pins."""

from __future__ import annotations

import importlib.util
from importlib import metadata
from pathlib import Path

import pytest

import shell.caching.requests_cache_glue as glue

ROOT = Path(__file__).resolve().parents[2]


def test_the_glue_checks_the_version_requirements_txt_pins():
    assert glue.pinned_version(ROOT / "requirements.txt") == metadata.version("requests-cache")


def test_another_installed_version_fails_the_import(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "9.9.9" if name == "requests-cache" else real(name))
    spec = importlib.util.spec_from_file_location("glue_on_another_version", glue.__file__)
    assert spec is not None and spec.loader is not None
    with pytest.raises(ImportError, match=r"requests-cache 9\.9\.9 is installed.*written for 1\."):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def test_a_requirements_file_without_the_pin_fails_the_check(tmp_path):
    file = tmp_path / "requirements.txt"
    file.write_text("requests==2.34.2\n")
    with pytest.raises(ImportError, match="not pinned"):
        glue.pinned_version(file)
