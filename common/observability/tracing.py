"""OpenTelemetry for every process: W3C traceparent over HTTP and Kafka, spans sent over OTLP or to var/traces.

On when OTEL_EXPORTER_OTLP_ENDPOINT or TRACES_DIR is set (devstack sets TRACES_DIR for its children), off with
TRACING=0. Off, nothing is installed and every helper here is a no-op through the API's default tracer.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import threading

from opentelemetry import context, propagate, trace

from ..settings import Settings
from .registry import INTERNAL_PATHS

TRACEPARENT = "traceparent"
_tracer = trace.get_tracer("fragmart")
_lock = threading.Lock()
_configured: list[str] = []
# Probes and scrapes are not requests anyone waits for; tracing them would drown the traces that matter.
EXCLUDED_URLS = ",".join([path.removeprefix("/") for path in INTERNAL_PATHS] + ["static/"])


def _endpoint(settings: Settings) -> str | None:
    return settings.otel_exporter_otlp_endpoint or settings.otel_exporter_otlp_traces_endpoint


def enabled(settings: Settings) -> bool:
    return settings.tracing and bool(_endpoint(settings) or settings.traces_dir)


def configure(settings: Settings) -> bool:
    """Once per process: the tracer provider, its exporter and the library instrumentations. True if tracing is on."""
    service = settings.name
    with _lock:
        if _configured:
            return True
        if not enabled(settings):
            return False
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # The sampler comes from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default: parentbased_always_on).
        provider = TracerProvider(resource=Resource.create({"service.name": service, "service.namespace": "fragmart"}))
        provider.add_span_processor(BatchSpanProcessor(_exporter(settings)))
        trace.set_tracer_provider(provider)
        _instrument_libraries()
        atexit.register(provider.shutdown)
        _configured.append(service)
        return True


def _exporter(settings: Settings):
    if _endpoint(settings):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()  # endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables
    from .trace_files import OtlpJsonFileExporter

    return OtlpJsonFileExporter(os.path.join(str(settings.traces_dir), f"{settings.name}.jsonl"))


def disabled_instrumentations(env=None) -> set[str]:
    """OTEL_PYTHON_DISABLED_INSTRUMENTATIONS, as the OpenTelemetry distro reads it: "redis,pymongo". Unset, Redis is
    off: a span per command was half of tracing's CPU per request (README, Operations); set it empty for all."""
    env = os.environ if env is None else env
    names = env.get("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "redis")
    return {n.strip() for n in names.split(",") if n.strip()}


def _instrument_libraries() -> None:
    """Outbound HTTP (urllib3 under requests and the gateway's forward), Redis, MongoDB and the Kafka producer."""
    from opentelemetry.instrumentation.kafka import KafkaInstrumentor
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    off = disabled_instrumentations()
    # urllib3 and kafka carry the trace from process to process; the others only add detail within one.
    for name, instrumentor in (
        ("urllib3", URLLib3Instrumentor),
        ("redis", RedisInstrumentor),
        ("pymongo", PymongoInstrumentor),
        ("kafka", KafkaInstrumentor),
    ):
        if name not in off:
            instrumentor().instrument()


def install(app, settings: Settings) -> None:
    """Trace this Flask app's requests, continuing the caller's trace from its traceparent header."""
    if not configure(settings) or "flask" in disabled_instrumentations():
        return
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    FlaskInstrumentor().instrument_app(app, excluded_urls=EXCLUDED_URLS)


def current_traceparent() -> str | None:
    """The current span as a W3C traceparent, for an event envelope; None when nothing is being traced."""
    carrier: dict = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


@contextlib.contextmanager
def attached(traceparent: str | None):
    """Run the block as a child of `traceparent` (an event's), e.g. the outbox relay sending that event."""
    if not traceparent:
        yield
        return
    token = context.attach(propagate.extract({TRACEPARENT: traceparent}))
    try:
        yield
    finally:
        context.detach(token)


def _header_traceparent(headers) -> str | None:
    for key, value in headers or ():
        if key == TRACEPARENT and value:
            return value.decode() if isinstance(value, bytes) else value
    return None


@contextlib.contextmanager
def consuming(topic: str, group: str, event, headers=()):
    """A CONSUMER span for one record: the producer's span (record headers) is its parent, else the envelope's."""
    parent = _header_traceparent(headers) or getattr(event, "traceparent", None)
    ctx = propagate.extract({TRACEPARENT: parent}) if parent else context.Context()
    attributes = {
        "messaging.system": "kafka",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": group,
        "messaging.message.id": event.event_id,
    }
    order_id = event.data.get("order_id") if isinstance(event.data, dict) else None
    if order_id:
        attributes["fragmart.order_id"] = str(order_id)
    with _tracer.start_as_current_span(
        f"{topic} process", context=ctx, kind=trace.SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span


def tag(**attributes) -> None:
    """Set attributes (ids, names; never card data or passwords) on the current span, if one is recording."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes({f"fragmart.{k}": v for k, v in attributes.items() if v is not None})


def in_span(name_of):
    """Decorator: run the function in its own span; `name_of(*args)` gives (name, attributes). Inside a trace that
    is not being recorded (not sampled, or tracing off) it just runs: the span would record nothing either, and its
    making was a tenth of a signed-in page's CPU in the shell."""

    def wrap(func):
        @functools.wraps(func)
        def traced(*args, **kwargs):
            if not trace.get_current_span().is_recording():
                return func(*args, **kwargs)
            name, attributes = name_of(*args, **kwargs)
            with _tracer.start_as_current_span(name, attributes=attributes):
                return func(*args, **kwargs)

        return traced

    return wrap
