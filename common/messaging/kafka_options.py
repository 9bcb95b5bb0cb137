"""The keyword arguments every Kafka client (producer, consumer, admin) shares: servers, TLS and SASL."""

from __future__ import annotations

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


class KafkaSettingsError(ValueError):
    """The Kafka security settings are incomplete or unknown: fail at start, not at the first send."""


def client_options(settings) -> dict:
    """kafka-python keyword arguments from Settings for every client: the servers, then TLS and SASL if asked."""
    options: dict = {"bootstrap_servers": settings.kafka_bootstrap}
    protocol = (settings.kafka_security_protocol or "PLAINTEXT").upper()
    if protocol not in PROTOCOLS:
        raise KafkaSettingsError(f"KAFKA_SECURITY_PROTOCOL must be one of {', '.join(PROTOCOLS)}")
    if protocol == "PLAINTEXT":
        return options
    options["security_protocol"] = protocol
    if protocol.startswith("SASL_"):
        mechanism = (settings.kafka_sasl_mechanism or "SCRAM-SHA-512").upper()
        if mechanism not in MECHANISMS:
            raise KafkaSettingsError(f"KAFKA_SASL_MECHANISM must be one of {', '.join(MECHANISMS)}")
        if not (settings.kafka_sasl_username and settings.kafka_sasl_password):
            raise KafkaSettingsError(f"{protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        options.update(
            sasl_mechanism=mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password,
        )
    if protocol.endswith("SSL"):
        # Without a CA file the system trust store verifies the broker; the host name is always checked.
        options["ssl_check_hostname"] = True
        if settings.kafka_ssl_cafile:
            options["ssl_cafile"] = settings.kafka_ssl_cafile
    return options
