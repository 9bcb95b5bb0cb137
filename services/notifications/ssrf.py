"""Outbound webhook URLs may not reach this network (SSRF): every address a host resolves to must be public."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    """The URL is malformed, or names a loopback, private, link-local or otherwise non-public address."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


SHAPE_REFUSED = "Use an http:// or https:// URL with a host name."


def check_url(url: str, allow_private: bool = False, resolve=socket.getaddrinfo) -> str:
    """The URL when it may be called; UnsafeUrl says why not. Checked at save time and again before each send,
    since a name may resolve elsewhere later."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(SHAPE_REFUSED)
    if parts.username or parts.password:
        raise UnsafeUrl("Put no user name or password in the URL; verify the signature instead.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = resolve(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError) as e:
        raise UnsafeUrl(f"The host {parts.hostname} does not resolve.") from e
    addresses = {info[4][0] for info in infos}
    if not allow_private and not all(_public(a) for a in addresses):
        raise UnsafeUrl(
            f"The host {parts.hostname} resolves to a private, loopback or link-local address "
            "(set WEBHOOKS_ALLOW_PRIVATE=1 for a receiver on this network)."
        )
    return url
