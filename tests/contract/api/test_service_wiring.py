"""Every app is wired one way: one Deps dataclass behind one accessor, no app-specific keys in app.extensions."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from common.deps import KEY, deps_of, install
from common.platform import KEY as PLATFORM
from common.platform import ApiPlatform, Platform, ServicePlatform, WebPlatform, platform_of
from common.settings import SERVICE_PORTS

SERVICES = tuple(SERVICE_PORTS)
# "flask-jwt-extended" is the library's own key; "jwt_checks" is what common.auth.identity.install_jwt gives every app.
SHARED = {PLATFORM, "jwt_checks", "flask-jwt-extended", KEY}


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_keeps_its_dependencies_in_one_dataclass(name, service_config, tmp_path):
    app = importlib.import_module(f"services.{name}").create_app(service_config(keys_dir=str(tmp_path)))
    wiring = importlib.import_module(f"services.{name}.deps")
    deps = wiring.deps(app)
    assert dataclasses.is_dataclass(deps) and type(deps) is wiring.Deps
    assert not set(app.extensions) - SHARED
    assert type(platform_of(app)) is ServicePlatform
    with app.app_context():
        assert wiring.deps() is deps


def test_a_second_set_of_dependencies_is_refused(service_config):
    app = importlib.import_module("services.users").create_app(service_config())
    with pytest.raises(RuntimeError):
        install(app, object())


def test_dependencies_are_read_as_the_services_own_type(service_config):
    app = importlib.import_module("services.users").create_app(service_config())
    products_deps = importlib.import_module("services.products.deps")
    with pytest.raises(TypeError):
        deps_of(products_deps.Deps, app)


@pytest.mark.parametrize("module", ["gateway", "shell", "fragments.checkout", "fragments.admin", "fragments.products"])
def test_the_edge_apps_keep_their_dependencies_in_one_dataclass_too(module, service_config):
    app = importlib.import_module(module).create_app(service_config())
    wiring = importlib.import_module(f"{module}.deps")
    assert type(wiring.deps(app)) is wiring.Deps
    # flask-limiter files itself under "limiter".
    assert not set(app.extensions) - SHARED - {"limiter"}
    assert type(platform_of(app)) is (ApiPlatform if module == "gateway" else WebPlatform)


def test_the_platform_is_read_as_the_kind_of_app_that_has_it(service_config):
    app = importlib.import_module("fragments.products").create_app(service_config())
    assert isinstance(platform_of(app), Platform)
    with pytest.raises(TypeError):
        platform_of(app, kind=ServicePlatform)
