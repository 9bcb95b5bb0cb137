"""Readiness probes and port checks on 127.0.0.1."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

HOST = "127.0.0.1"


def port_is_free(port: int) -> bool:
    """True when nothing listens on the port (SO_REUSEADDR, so TIME_WAIT leftovers do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return not tcp_open(port)


def free_port() -> int:
    """A port the kernel says is free right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def tcp_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_ping(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def smtp_banner(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            ok = s.recv(64).startswith(b"220")
            s.sendall(b"QUIT\r\n")
            return ok
    except OSError:
        return False


def mongo_ping(port: int, timeout: float = 1.0) -> bool:
    """The server answers a ping over the wire protocol (a listening socket is not yet a ready database)."""
    import pymongo

    client: pymongo.MongoClient = pymongo.MongoClient(
        HOST, port, directConnection=True, serverSelectionTimeoutMS=int(timeout * 1000), connectTimeoutMS=500
    )
    try:
        return client.admin.command("ping").get("ok") == 1
    except pymongo.errors.PyMongoError:
        return False
    finally:
        client.close()


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def ready(probe: str, port: int, url: str) -> bool:
    """Run the probe a ProcessSpec names."""
    if probe == "redis":
        return redis_ping(port)
    if probe == "smtp":
        return smtp_banner(port)
    if probe == "mongo":
        return mongo_ping(port)
    if probe == "http":
        return http_ok(f"{url}/healthz")
    return tcp_open(port)
