"""MongoDB over TLS is configured by MONGO_URL alone: create_client hands the URL's TLS options to pymongo."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common.mongo.database import create_client


def a_ca_file(path) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    start = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_tls_and_the_ca_file_in_mongo_url_reach_the_driver(tmp_path):
    ca = a_ca_file(tmp_path / "ca.pem")
    client = create_client(f"mongodb://db.example.test:27017/?tls=true&tlsCAFile={ca}&replicaSet=rs0")
    try:
        assert client.options.pool_options._ssl_context is not None  # every connection is TLS
        assert client.options._options["tlscafile"] == ca
    finally:
        client.close()


def test_a_plain_mongo_url_stays_plain():
    client = create_client("mongodb://db.example.test:27017/")
    try:
        assert client.options.pool_options._ssl_context is None
    finally:
        client.close()
