"""A span exporter writing OTLP JSON (one ExportTraceServiceRequest a line, as the collector's file exporter does)."""

from __future__ import annotations

import base64
import json
import os
import threading

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

_IDS = ("traceId", "spanId", "parentSpanId")


def _hex_ids(node):
    """OTLP JSON spells trace and span ids in hex; protobuf's JSON mapping gives base64."""
    if isinstance(node, dict):
        return {
            k: base64.b64decode(v).hex() if k in _IDS and isinstance(v, str) else _hex_ids(v) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_hex_ids(v) for v in node]
    return node


def to_otlp_json(spans) -> dict:
    return _hex_ids(MessageToDict(encode_spans(spans)))


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
