"""Settings have one door: each knob is one typed field, read from one variable, with its default written once."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from common.settings import DERIVED, ENV_NAMES, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
KNOBS = [f for f in fields(Settings) if f.name not in DERIVED]
SAMPLES = {str: "x", int: "7", float: "2.5", tuple: "10.0.0.0/8, ::1/128"}


def _variable(name: str) -> str:
    return ENV_NAMES.get(name, name.upper())


def test_with_nothing_set_every_knob_has_its_declared_default():
    loaded = load_settings("x", env={})
    defaulted = [f for f in KNOBS if f.default is not MISSING]
    assert defaulted, "no knob has a default: the loop below would check nothing"
    for f in defaulted:
        assert getattr(loaded, f.name) == f.default, f.name


@pytest.mark.parametrize("knob", KNOBS, ids=lambda f: f.name)
def test_every_knob_is_read_from_its_variable_as_its_type(knob):
    kind = {"str | None": str, "float": float, "int": int, "bool": bool, "tuple": tuple}.get(knob.type, str)
    sample = ("0" if knob.default else "1") if kind is bool else SAMPLES[kind]
    value = getattr(load_settings("x", env={_variable(knob.name): sample}), knob.name)
    assert isinstance(value, kind) and value != knob.default


@pytest.mark.parametrize("knob", KNOBS, ids=lambda f: f.name)
def test_every_knob_is_in_the_readme_configuration_table(knob):
    assert f"`{_variable(knob.name)}`" in (ROOT / "README.md").read_text()


def test_an_upper_case_twin_of_a_field_is_refused_so_one_knob_has_one_name():
    with pytest.raises(TypeError, match="shop_url"):
        load_settings("x", {"SHOP_URL": "https://shop.example"}, env={})
    assert load_settings("x", {"shop_url": "https://shop.example"}, env={}).shop_url == "https://shop.example"


def test_an_empty_variable_counts_as_unset():
    assert load_settings("x", env={"LOG_LEVEL": "", "LOW_STOCK_LEVEL": ""}).low_stock_level == 5


@pytest.mark.parametrize("outer", [0.3, 1.5, 6.0])
def test_a_fragments_optional_calls_give_up_before_the_shell_stops_waiting_for_it(outer):
    loaded = load_settings("x", env={"FRAGMENT_TIMEOUT": str(outer)})
    assert 0 < loaded.optional_call_timeout < loaded.fragment_timeout == outer


SECRETS = [f.name.removesuffix("_file") for f in KNOBS if f.name.endswith("_file")]


@pytest.mark.parametrize("name", SECRETS)
def test_a_secret_comes_from_its_variable_or_else_from_the_file_its_file_variable_names(name, tmp_path):
    """The provider token (TWILIO_AUTH_TOKEN), the legacy database's URL and the rest: never from the repo."""
    mounted = tmp_path / "secret"
    mounted.write_text("from-the-file\n")
    from_file = load_settings("x", env={_variable(f"{name}_file"): str(mounted)})
    assert from_file.secret(name) == "from-the-file"
    both = {_variable(name): "from-the-variable", _variable(f"{name}_file"): str(mounted)}
    assert load_settings("x", env=both).secret(name) == "from-the-variable"
    assert load_settings("x", env={}).secret(name) is None
