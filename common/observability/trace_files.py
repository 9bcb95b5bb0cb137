"""A span exporter writing OTLP JSON (one ExportTraceServiceRequest a line, as the collector's file exporter does).

The JSON is built from the SDK's spans directly, as protobuf's JSON mapping of the OTLP exporter's own encoding
would spell it (ids in hex, as OTLP JSON wants them), without building the protobuf messages and converting them:
that round trip was a seventh of the shell's CPU per page under `make run`, which traces every request.
tests/unit/test_trace_files.py holds it to the library's encoding, field for field."""

from __future__ import annotations

import base64
import json
import math
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode

_KINDS = {
    SpanKind.INTERNAL: "SPAN_KIND_INTERNAL",
    SpanKind.SERVER: "SPAN_KIND_SERVER",
    SpanKind.CLIENT: "SPAN_KIND_CLIENT",
    SpanKind.PRODUCER: "SPAN_KIND_PRODUCER",
    SpanKind.CONSUMER: "SPAN_KIND_CONSUMER",
}
_STATUS = {StatusCode.OK: "STATUS_CODE_OK", StatusCode.ERROR: "STATUS_CODE_ERROR"}
HAS_IS_REMOTE, IS_REMOTE = 0x100, 0x200  # SpanFlags: the context says whether its parent is remote, and it is


def _double(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _value(value: Any) -> dict:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": _double(value)}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode()}
    if isinstance(value, Sequence):
        return {"arrayValue": {"values": [_value(v) for v in value]} if value else {}}
    if isinstance(value, Mapping):
        return {"kvlistValue": {"values": _attributes(value)} if value else {}}
    raise TypeError(f"Invalid type {type(value)} of value {value}")


def _attributes(attributes) -> list[dict]:
    encoded = []
    for key, value in (attributes or {}).items():
        try:
            encoded.append({"key": str(key), "value": _value(value)})
        except TypeError:  # as the library does: the attribute is left out
            continue
    return encoded


def _with(node: dict, **optional) -> dict:
    """Fields protobuf's JSON mapping leaves out at their default (0, "", empty)."""
    node.update({k: v for k, v in optional.items() if v})
    return node


def _flags(parent) -> int:
    return HAS_IS_REMOTE | (IS_REMOTE if parent is not None and parent.is_remote else 0)


def _status(status) -> dict:
    return _with({}, code=_STATUS.get(status.status_code), message=status.description)


def _span(span) -> dict:
    ctx, parent = span.get_span_context(), span.parent
    trace_state = ",".join(f"{k}={v}" for k, v in ctx.trace_state.items()) if ctx.trace_state is not None else ""
    node = _with(
        {"traceId": f"{ctx.trace_id:032x}", "spanId": f"{ctx.span_id:016x}"},
        traceState=trace_state,
        parentSpanId=f"{parent.span_id:016x}" if parent else None,
        name=span.name,
        kind=_KINDS[span.kind],
        startTimeUnixNano=str(span.start_time) if span.start_time else None,
        endTimeUnixNano=str(span.end_time) if span.end_time else None,
    )
    events = [
        _with(
            {},
            timeUnixNano=str(e.timestamp) if e.timestamp else None,
            name=e.name,
            attributes=_attributes(e.attributes),
            droppedAttributesCount=e.dropped_attributes,
        )
        for e in span.events
    ]
    links = [
        _with(
            {"traceId": f"{link.context.trace_id:032x}", "spanId": f"{link.context.span_id:016x}"},
            attributes=_attributes(link.attributes),
            droppedAttributesCount=link.dropped_attributes,
            flags=_flags(link.context),
        )
        for link in span.links
    ]
    node = _with(
        node,
        attributes=_attributes(span.attributes),
        droppedAttributesCount=span.dropped_attributes,
        events=events,
        droppedEventsCount=span.dropped_events,
        links=links,
        droppedLinksCount=span.dropped_links,
    )
    if span.status is not None:
        node["status"] = _status(span.status)
    node["flags"] = _flags(parent)
    return node


def _scope(scope) -> dict:
    if scope is None:
        return {}
    return _with({}, name=scope.name, version=scope.version, attributes=_attributes(scope.attributes))


def to_otlp_json(spans) -> dict:
    """One ExportTraceServiceRequest: spans grouped by resource, then by instrumentation scope, in arrival order."""
    grouped: dict[Any, dict[Any, list]] = {}
    for span in spans:
        grouped.setdefault(span.resource, {}).setdefault(span.instrumentation_scope or None, []).append(_span(span))
    resource_spans = []
    for resource, scopes in grouped.items():
        scope_spans = [
            _with({"scope": _scope(scope), "spans": encoded}, schemaUrl=scope.schema_url if scope else None)
            for scope, encoded in scopes.items()
        ]
        resource_spans.append(
            _with(
                {"resource": _with({}, attributes=_attributes(resource.attributes)), "scopeSpans": scope_spans},
                schemaUrl=resource.schema_url,
            )
        )
    return _with({}, resourceSpans=resource_spans)


class OtlpJsonFileExporter(SpanExporter):
    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)

    def export(self, spans) -> SpanExportResult:
        line = json.dumps(to_otlp_json(spans), separators=(",", ":")) + "\n"
        try:
            with self._lock, open(self.path, "a", encoding="utf-8") as f:
                f.write(line)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass
