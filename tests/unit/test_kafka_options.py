"""The one place Kafka client arguments are built: plain in local mode, TLS and SASL/SCRAM when settings say so."""

from __future__ import annotations

import pytest

from common.messaging.kafka_options import KafkaSettingsError, client_options
from common.settings import load_settings


def options(**env):
    return client_options(load_settings("orders", env={"KAFKA_BOOTSTRAP_SERVERS": "kafka-0:9093", **env}))


def test_local_mode_talks_plaintext_to_the_bootstrap_servers():
    assert options() == {"bootstrap_servers": "kafka-0:9093"}


def test_sasl_ssl_with_scram_carries_credentials_and_the_ca_file():
    assert options(
        KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        KAFKA_SASL_MECHANISM="SCRAM-SHA-256",
        KAFKA_SASL_USERNAME="orders",
        KAFKA_SASL_PASSWORD="s3cret",
        KAFKA_SSL_CAFILE="/etc/kafka/ca.pem",
    ) == {
        "bootstrap_servers": "kafka-0:9093",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "orders",
        "sasl_plain_password": "s3cret",
        "ssl_check_hostname": True,
        "ssl_cafile": "/etc/kafka/ca.pem",
    }


def test_sasl_defaults_to_scram_sha_512_and_tls_alone_needs_no_credentials():
    assert (
        options(KAFKA_SECURITY_PROTOCOL="sasl_plaintext", KAFKA_SASL_USERNAME="u", KAFKA_SASL_PASSWORD="p")[
            "sasl_mechanism"
        ]
        == "SCRAM-SHA-512"
    )
    assert options(KAFKA_SECURITY_PROTOCOL="SSL") == {
        "bootstrap_servers": "kafka-0:9093",
        "security_protocol": "SSL",
        "ssl_check_hostname": True,
    }


@pytest.mark.parametrize(
    "env",
    [
        {"KAFKA_SECURITY_PROTOCOL": "TLS"},
        {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "u"},
        {
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "GSSAPI",
            "KAFKA_SASL_USERNAME": "u",
            "KAFKA_SASL_PASSWORD": "p",
        },
    ],
)
def test_incomplete_or_unknown_security_settings_fail_at_start(env):
    with pytest.raises(KafkaSettingsError):
        options(**env)


def test_the_kafka_python_clients_accept_every_option_built():
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.admin import KafkaAdminClient

    built = options(
        KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_SASL_USERNAME="u", KAFKA_SASL_PASSWORD="p", KAFKA_SSL_CAFILE="/ca.pem"
    )
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        assert set(built) <= set(client.DEFAULT_CONFIG), client.__name__
