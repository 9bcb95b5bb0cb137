"""compose.yaml is a valid Compose file that runs every DESIGN.md process on its port, on healthy dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from common import settings
from devstack import containers
from tests.support.design import PLANNED, design_ports, design_table, settings_ports

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "compose.yaml"

PROCESSES = design_ports()


def test_the_committed_app_services_and_their_urls_are_what_the_generator_writes():
    assert COMPOSE.read_text() == containers.render()[COMPOSE], (
        "compose.yaml is stale: run `python -m devstack.containers`"
    )


def test_the_committed_dockerfile_exposes_what_the_generator_writes():
    dockerfile = ROOT / "Dockerfile"
    assert dockerfile.read_text() == containers.render()[dockerfile], "run `python -m devstack.containers`"


def test_the_image_exposes_the_port_of_every_design_process():
    [exposed] = re.findall(r"^EXPOSE (.*)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert sorted(map(int, exposed.split())) == sorted(PROCESSES.values())


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load(COMPOSE.read_text())


def test_compose_file_is_valid_against_the_compose_spec():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_design_table_lists_fifteen_built_processes_that_agree_with_settings():
    assert len(PROCESSES) == 15
    assert PROCESSES == settings_ports()


def test_every_design_process_is_built_or_planned_by_an_open_issue():
    assert set(design_table()) - set(PROCESSES) <= set(PLANNED)
    assert not set(PLANNED) & set(settings_ports()), "a planned process is built: drop it from PLANNED"


@pytest.mark.parametrize("process, port", sorted(PROCESSES.items()))
def test_every_design_process_runs_in_compose_on_its_port(compose, process, port):
    service = compose["services"][process.replace("/", "-")]
    env = service["environment"]
    assert env["MODULE"] == process.replace("/", ".")
    assert env["PORT"] == str(port)
    published = [str(p).split(":")[-1] for p in service.get("ports", [])]
    assert str(port) in [str(p) for p in service.get("expose", [])] + published
    assert "healthcheck" in service


def test_only_the_tls_proxy_gateway_and_the_mail_trace_and_metrics_uis_are_published(compose):
    published = {name for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"tls-proxy", "gateway", "mailpit", "jaeger", "prometheus", "pay-standin"}
    # The payment provider's stand-in publishes its hosted page to the shopper's browser, under a profile of its own,
    # so a production `docker compose up` leaves it out.
    assert compose["services"]["pay-standin"]["profiles"] == ["pay-standin"]


def test_the_shell_is_reached_through_the_tls_proxy_and_enforces_https(compose):
    proxy, env = compose["services"]["tls-proxy"], compose["services"]["shell"]["environment"]
    assert "./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"] and "443:443" in proxy["ports"]
    caddyfile = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy shell:3000 \{", caddyfile)
    assert env["ENFORCE_HTTPS"] == "1" and env["TRUSTED_PROXY_HOPS"] == "1"


def test_the_tls_proxy_buffers_request_bodies_and_times_out_slow_clients():
    caddyfile = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text()
    assert re.search(r"^\s*request_buffers 9MB$", caddyfile, re.M)
    assert re.search(r"^\s*read_header 10s$", caddyfile, re.M) and re.search(r"^\s*read_body 60s$", caddyfile, re.M)


def test_every_dependency_is_awaited_until_healthy(compose):
    services = compose["services"]
    awaited = [(name, dep, rule) for name, svc in services.items() for dep, rule in svc.get("depends_on", {}).items()]
    assert awaited, "no service depends on another: the loop below would check nothing"
    for name, dep, rule in awaited:
        assert rule == {"condition": "service_healthy"}, (name, dep)
        assert "healthcheck" in services[dep], dep


def test_mongo_runs_as_a_replica_set_that_apps_address(compose):
    mongo = compose["services"]["mongo"]
    assert mongo["command"][:2] == ["--replSet", "rs0"]
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])
    url = compose["services"]["services-orders"]["environment"]["MONGO_URL"]
    assert url == "${MONGO_URL:-mongodb://mongo:27017/?replicaSet=rs0}"  # the sharded profile overrides it


def test_app_environment_resolves_every_url_to_compose_hosts(compose):
    env = compose["services"]["services-orders"]["environment"]
    loaded = settings.load_settings("orders", env=env)
    assert loaded.kafka_bootstrap == "kafka:9092"
    assert loaded.redis_url == "redis://redis:6379/0"
    assert loaded.smtp_url == "smtp://mailpit:1025"
    assert loaded.gateway_url == "http://gateway:5000"
    for name, port in settings.SERVICE_PORTS.items():
        assert loaded.service_urls[name] == f"http://services-{name}:{port}"
    for name, port in settings.FRAGMENT_PORTS.items():
        assert loaded.fragment_urls[name] == f"http://fragments-{name}:{port}"
    assert not loaded.local_mode


def test_the_sharded_profile_runs_config_servers_two_shards_and_a_router_that_shards_the_collections(compose):
    services = compose["services"]
    sharded = {name for name, svc in services.items() if svc.get("profiles") == ["sharded"]}
    assert sharded == {"mongo-config", "mongo-shard-a", "mongo-shard-b", "mongos", "mongo-sharding"}
    assert "--configsvr" in services["mongo-config"]["command"]
    assert all("--shardsvr" in services[s]["command"] for s in ("mongo-shard-a", "mongo-shard-b"))
    assert set(services["mongos"]["depends_on"]) == {"mongo-config", "mongo-shard-a", "mongo-shard-b"}
    job = services["mongo-sharding"]
    script = " ".join(job["command"])
    assert "addShard('shard-a/" in script and "addShard('shard-b/" in script and "load('/init/shard-init.js')" in script
    assert job["volumes"] == ["./deploy/mongo/shard-init.js:/init/shard-init.js:ro"]
    assert (ROOT / "deploy" / "mongo" / "shard-init.js").exists()
