"""deploy/monitoring: the alert rules and the dashboard ask only for metrics the code exports; the scrape config
reaches every process of the table; promtool accepts the config, the rules and their unit tests."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess

import pytest
import yaml

from common.platform import platform_of
from common.service_app import running_workers
from devstack import containers
from devstack.monitoring import RULES, scrape_config, write_config
from devstack.processes import APP_MODULES, ROOT, process_table

MONITORING = ROOT / "deploy" / "monitoring"
PROMQL_WORDS = {
    "sum",
    "rate",
    "increase",
    "deriv",
    "histogram_quantile",
    "max",
    "min",
    "count",
    "avg",
    "by",
    "without",
    "and",
    "or",
    "unless",
    "on",
    "ignoring",
    "le",
    "bool",
    "offset",
    "abs",
    "topk",
}
BUILTIN = {"up"}  # Prometheus's own, one per target
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
    "summary": ("_count", "_sum", ""),
}


def sample_names(registry) -> set[str]:
    names = set()
    for family in registry.collect():
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


@pytest.fixture(scope="module")
def exported(redis_url, kafka_bootstrap, tmp_path_factory) -> set[str]:
    """Every sample name any process can export; the orders service runs its workers (consumers, outbox, watchdog)."""
    base = {
        "redis_url": redis_url,
        "run_workers": False,
        "keys_dir": str(tmp_path_factory.mktemp("keys")),
        "kafka_bootstrap": kafka_bootstrap,
    }
    names = set()
    for module in APP_MODULES:
        config = {**base, "run_workers": module == "services.orders"}
        app = importlib.import_module(module).create_app(config)
        names |= sample_names(platform_of(app).observability.registry)
        for worker in running_workers(app):
            worker.stop()
    return names


def promql_metrics(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers not inside {…} or quotes, not functions or keywords."""
    bare = re.sub(r"\{[^}]*\}|\"[^\"]*\"|\[[^\]]*\]", " ", expr)
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", bare)
    return {
        w
        for w in re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", bare)
        if w not in PROMQL_WORDS and not re.fullmatch(r"\d.*|e\d+", w)
    }


def rule_exprs() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_alert_rule_asks_for_metrics_the_code_exports(exported):
    exprs = rule_exprs()
    assert exprs, f"no alert rule in {RULES}: the loop below would check nothing"
    for expr in exprs:
        assert promql_metrics(expr) <= exported | BUILTIN, (expr, promql_metrics(expr) - exported)


def test_every_dashboard_panel_asks_for_metrics_the_code_exports(exported):
    exprs = dashboard_exprs()
    assert len(exprs) >= 10
    for expr in exprs:
        assert promql_metrics(expr), expr
        assert promql_metrics(expr) <= exported | BUILTIN, (expr, promql_metrics(expr) - exported)


def test_the_issue_s_metrics_are_all_exported(exported):
    wanted = {
        "orders_placed_total",
        "orders_outcome_total",
        "order_confirmation_seconds_bucket",
        "consumer_lag_records",
        "consumer_events_handled_total",
        "consumer_events_retried_total",
        "consumer_events_dead_lettered_total",
        "outbox_backlog",
        "fragment_served_total",
        "fragment_duration_seconds_bucket",
        "rate_limit_refusals_total",
        "circuit_breaker_state",
        "auth_login_failures_total",
    }
    assert wanted <= exported, wanted - exported


def test_the_scrape_config_reaches_every_app_process_labelled_by_name():
    table = process_table({"FRAGMART_PORT_OFFSET": "3800"})
    config = scrape_config(table)
    (job,) = config["scrape_configs"]
    targets = {t["labels"]["service"]: t["targets"] for t in job["static_configs"]}
    assert set(targets) == set(APP_MODULES)
    assert targets["gateway"] == [f"127.0.0.1:{table['gateway'].port}"]
    assert config["rule_files"] == [str(RULES)]


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool comes with Debian's prometheus (make rules)")
def test_promtool_accepts_the_config_the_rules_and_their_unit_tests(tmp_path):
    config = write_config(process_table({}), tmp_path)
    for args in (
        ["check", "config", str(config)],
        ["check", "rules", str(RULES)],
        ["test", "rules", str(MONITORING / "alerts_test.yml")],
    ):
        done = subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_committed_compose_scrape_targets_are_what_the_generator_writes():
    path = MONITORING / "prometheus-compose.yml"
    assert path.read_text() == containers.render()[path], f"{path.name} is stale: run `python -m devstack.containers`"


def test_compose_sends_traces_to_jaeger_and_scrapes_every_process_with_the_same_rules():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    env = compose["services"]["services-orders"]["environment"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"].endswith("http://jaeger:4318}")
    assert "4318" in compose["services"]["jaeger"]["expose"]
    prometheus = yaml.safe_load((MONITORING / "prometheus-compose.yml").read_text())
    (job,) = prometheus["scrape_configs"]
    targets = {t["labels"]["service"]: t["targets"][0] for t in job["static_configs"]}
    assert set(targets) == set(APP_MODULES)
    assert all(target.split(":")[0] in compose["services"] for target in targets.values())
    mounts = compose["services"]["prometheus"]["volumes"]
    assert "./deploy/monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro" in mounts
