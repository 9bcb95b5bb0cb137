"""The trace files' OTLP JSON is what the OTLP exporter's own protobuf encoding gives through protobuf's JSON mapping
(ids in hex, as OTLP JSON spells them), for every kind of span the SDK makes."""

from __future__ import annotations

import base64
import json

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    set_span_in_context,
)
from opentelemetry.trace.span import TraceState

from common.observability.trace_files import OtlpJsonFileExporter, to_otlp_json

_IDS = ("traceId", "spanId", "parentSpanId")


def library_json(spans) -> dict:
    """The reference: the OTLP exporter's protobuf, through protobuf's JSON mapping, ids turned from base64 to hex."""

    def hex_ids(node):
        if isinstance(node, dict):
            return {
                k: base64.b64decode(v).hex() if k in _IDS and isinstance(v, str) else hex_ids(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [hex_ids(v) for v in node]
        return node

    return hex_ids(MessageToDict(encode_spans(spans)))


def spans_of_every_kind():
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "shell", "service.namespace": "fragmart"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("fragmart", "1.2.3")
    other = provider.get_tracer(
        "opentelemetry.instrumentation.flask", schema_url="https://opentelemetry.io/schemas/1.11.0"
    )
    remote = SpanContext(
        0x0AF7651916CD43DD8448EB211C80319C,
        0xB7AD6B7169203331,
        is_remote=True,
        trace_flags=TraceFlags(1),
        trace_state=TraceState([("vendor", "value"), ("other", "x")]),
    )
    with other.start_as_current_span(
        "GET /", context=set_span_in_context(NonRecordingSpan(remote)), kind=SpanKind.SERVER
    ) as root:
        root.set_attributes(
            {
                "http.method": "GET",
                "http.status_code": 200,
                "ratio": 0.25,
                "whole": 3.0,
                "flag": False,
                "empty": "",
                "zero": 0,
                "names": ("a", "b"),
                "counts": [1, 2],
                "nothing": [],
            }
        )
        root.add_event("cache", {"rung": "fresh", "hits": 2})
        root.add_event("plain")
        with tracer.start_as_current_span(
            "fragment products", kind=SpanKind.CLIENT, links=[Link(remote, {"why": "x"})]
        ) as child:
            child.set_status(Status(StatusCode.ERROR, "fragment answered 503"))
        with tracer.start_as_current_span("relay", kind=SpanKind.PRODUCER) as ok:
            ok.set_status(Status(StatusCode.OK))
        with tracer.start_as_current_span("consume", kind=SpanKind.CONSUMER):
            pass
        with tracer.start_as_current_span("internal"):
            pass
    with tracer.start_as_current_span("a root of its own", attributes={"n": -7}):
        pass
    return memory.get_finished_spans()


def test_the_files_json_is_the_otlp_exporters_encoding_field_for_field():
    spans = spans_of_every_kind()
    assert len(spans) == 6
    assert to_otlp_json(spans) == library_json(spans)
    for one in spans:  # each alone too: a batch of one span per resource and scope
        assert to_otlp_json([one]) == library_json([one])
    assert to_otlp_json([]) == library_json([]) == {}


def test_the_exporter_writes_one_request_a_line(tmp_path):
    spans = spans_of_every_kind()
    path = tmp_path / "traces" / "shell.jsonl"
    exporter = OtlpJsonFileExporter(str(path))
    exporter.export(spans[:3])
    exporter.export(spans[3:])
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [library_json(spans[:3]), library_json(spans[3:])]
