"""Tracing helpers: OTLP JSON span files, the traceparent an event carries, and when tracing is on."""

from __future__ import annotations

import json

from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from common.messaging.events import Event, make_event
from common.observability import tracing
from common.observability.trace_files import OtlpJsonFileExporter
from common.settings import load_settings


def test_spans_are_written_as_otlp_json_lines_with_hex_ids_and_parent_links(tmp_path):
    path = tmp_path / "traces" / "orders.jsonl"
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(OtlpJsonFileExporter(str(path))))
    tracer = provider.get_tracer("test")
    with (
        tracer.start_as_current_span("parent") as parent,
        tracer.start_as_current_span("child", attributes={"fragmart.order_id": "o1"}),
    ):
        trace_id, parent_id = f"{parent.get_span_context().trace_id:032x}", f"{parent.get_span_context().span_id:016x}"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    spans = [s for line in lines for r in line["resourceSpans"] for sc in r["scopeSpans"] for s in sc["spans"]]
    child = next(s for s in spans if s["name"] == "child")
    assert child["traceId"] == trace_id and child["parentSpanId"] == parent_id
    assert child["attributes"] == [{"key": "fragmart.order_id", "value": {"stringValue": "o1"}}]
    assert int(child["endTimeUnixNano"]) >= int(child["startTimeUnixNano"])


def test_an_event_made_inside_a_span_carries_its_traceparent_through_json():
    provider = TracerProvider()
    with provider.get_tracer("test").start_as_current_span("request") as span:
        event = make_event("order.placed", {"order_id": "o1"}, "orders")
    ids = span.get_span_context()
    assert event.traceparent.startswith(f"00-{ids.trace_id:032x}-{ids.span_id:016x}-")
    assert Event.from_json(event.to_json()).traceparent == event.traceparent
    carrier = {}
    propagate.inject(carrier, context=propagate.extract({"traceparent": event.traceparent}))
    assert carrier["traceparent"] == event.traceparent


def test_an_event_made_outside_any_trace_has_no_traceparent_in_its_envelope():
    event = make_event("order.placed", {"order_id": "o1"}, "orders")
    assert event.traceparent is None and "traceparent" not in json.loads(event.to_json())


def test_tracing_is_on_with_an_otlp_endpoint_or_a_traces_dir_and_off_when_told():
    def env(**variables):
        return load_settings("web", env=variables)

    assert not tracing.enabled(env())
    assert tracing.enabled(env(TRACES_DIR="var/traces"))
    assert tracing.enabled(env(OTEL_EXPORTER_OTLP_ENDPOINT="http://jaeger:4318"))
    assert not tracing.enabled(env(OTEL_EXPORTER_OTLP_ENDPOINT="http://jaeger:4318", TRACING="0"))


def test_redis_commands_are_traced_only_when_asked_for_since_they_cost_the_most():
    assert tracing.disabled_instrumentations({}) == {"redis"}
    assert tracing.disabled_instrumentations({"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": ""}) == set()
    assert tracing.disabled_instrumentations({"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "flask, pymongo"}) == {
        "flask",
        "pymongo",
    }


def test_in_span_records_a_span_inside_a_recorded_trace_and_just_runs_inside_one_that_is_not(monkeypatch):
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    memory, provider = InMemorySpanExporter(), TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("fragmart"))

    @tracing.in_span(lambda slot: (f"fragment {slot}", {"fragmart.slot": slot}))
    def served(slot):
        return f"{slot} served", trace.get_current_span().is_recording()

    with provider.get_tracer("test").start_as_current_span("GET /"):
        assert served("main") == ("main served", True)
    unsampled = SpanContext(0x1234, 0x5678, is_remote=False, trace_flags=TraceFlags(0))
    with trace.use_span(NonRecordingSpan(unsampled)):
        assert served("badge") == ("badge served", False)
    assert served("mini") == ("mini served", False)  # no trace at all
    assert [s.name for s in memory.get_finished_spans()] == ["fragment main", "GET /"]
