"""Settings read from the environment when an app is created, never at import."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

# Fixed by DESIGN.md; FRAGMART_PORT_OFFSET shifts every local port so two stacks can coexist.
SERVICE_PORTS = {
    "auth": 3001, "products": 3002, "orders": 3003, "payments": 3004,
    "inventory": 3005, "notifications": 3006, "users": 3007,
}
FRAGMENT_PORTS = {"auth": 4001, "products": 4002, "cart": 4003, "checkout": 4004, "profile": 4005,
                  "admin": 4006}
GATEWAY_PORT = 5000
SHELL_PORT = 3000
INFRA_PORTS = {"redis": 6379, "kafka": 9092, "smtp": 1025}


def port_offset(env=None) -> int:
    env = os.environ if env is None else env
    try:
        return int(env.get("FRAGMART_PORT_OFFSET", "0"))
    except ValueError:
        return 0


def local_port(base: int, env=None) -> int:
    return base + port_offset(env)


@dataclass(frozen=True)
class Settings:
    name: str
    mongo_url: str | None = None
    redis_url: str = "redis://127.0.0.1:6379/0"
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None
    outbox_max_age_seconds: float = 30.0
    order_redrive_after_seconds: float = 30.0
    smtp_url: str = "smtp://127.0.0.1:1025"
    gateway_url: str = "http://127.0.0.1:5000"
    service_urls: dict = field(default_factory=dict)
    fragment_urls: dict = field(default_factory=dict)
    log_level: str = "INFO"
    run_workers: bool = True
    http_timeout: float = 3.0
    fragment_timeout: float = 1.5
    fragment_cache: str = "memory"  # the shell's fragment cache: memory (per process), redis (shared) or off
    admin_email: str | None = None
    admin_password: str | None = None
    keys_dir: str = ".keys"
    jwt_private_key: str | None = None
    jwt_private_key_file: str | None = None
    jwt_previous_key: str | None = None
    jwt_previous_key_file: str | None = None
    local_mode: bool = True
    rate_limit_reads: str = "6000/minute"
    rate_limit_writes: str = "120/minute"
    trusted_proxy_hops: int = 0
    enforce_https: bool = False
    trusted_forwarders: tuple = ("127.0.0.1/32", "::1/128")
    auth_rate_limits: str | None = None
    mail_from: str = "Fragmart <shop@fragmart.local>"
    shop_url: str = "http://127.0.0.1:3000"
    reservation_ttl_seconds: int = 900
    paid_reservation_ttl_seconds: int = 86400
    extra: dict = field(default_factory=dict)

    def with_overrides(self, **overrides) -> Settings:
        known = {k: v for k, v in overrides.items() if k in self.__dataclass_fields__}
        extra = {**self.extra, **{k: v for k, v in overrides.items() if k not in known}}
        return replace(self, **known, extra=extra)


def _url(env, key: str, port: int) -> str:
    return env.get(key) or f"http://127.0.0.1:{local_port(port, env)}"


def load_settings(name: str, overrides: dict | None = None, env=None) -> Settings:
    """Build Settings for process `name` from the environment plus explicit overrides."""
    env = os.environ if env is None else env
    off = port_offset(env)
    settings = Settings(
        name=name,
        mongo_url=env.get("MONGO_URL") or None,
        redis_url=env.get("REDIS_URL") or f"redis://127.0.0.1:{INFRA_PORTS['redis'] + off}/0",
        kafka_bootstrap=env.get("KAFKA_BOOTSTRAP_SERVERS") or f"127.0.0.1:{INFRA_PORTS['kafka'] + off}",
        kafka_security_protocol=env.get("KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT",
        kafka_sasl_mechanism=env.get("KAFKA_SASL_MECHANISM") or None,
        kafka_sasl_username=env.get("KAFKA_SASL_USERNAME") or None,
        kafka_sasl_password=env.get("KAFKA_SASL_PASSWORD") or None,
        kafka_ssl_cafile=env.get("KAFKA_SSL_CAFILE") or None,
        outbox_max_age_seconds=float(env.get("OUTBOX_MAX_AGE_SECONDS") or 30),
        order_redrive_after_seconds=float(env.get("ORDER_REDRIVE_AFTER_SECONDS") or 30),
        smtp_url=env.get("SMTP_URL") or f"smtp://127.0.0.1:{INFRA_PORTS['smtp'] + off}",
        gateway_url=_url(env, "GATEWAY_URL", GATEWAY_PORT),
        service_urls={n: _url(env, f"{n.upper()}_SERVICE_URL", p) for n, p in SERVICE_PORTS.items()},
        fragment_urls={n: _url(env, f"{n.upper()}_FRAGMENT_URL", p) for n, p in FRAGMENT_PORTS.items()},
        log_level=env.get("LOG_LEVEL", "INFO"),
        run_workers=env.get("RUN_WORKERS", "1") != "0",
        http_timeout=float(env.get("HTTP_TIMEOUT", "3.0")),
        fragment_timeout=float(env.get("FRAGMENT_TIMEOUT", "1.5")),
        fragment_cache=env.get("FRAGMENT_CACHE", "memory"),
        admin_email=env.get("ADMIN_EMAIL") or None,
        admin_password=env.get("ADMIN_PASSWORD") or None,
        keys_dir=env.get("KEYS_DIR", ".keys"),
        jwt_private_key=env.get("JWT_PRIVATE_KEY") or None,
        jwt_private_key_file=env.get("JWT_PRIVATE_KEY_FILE") or None,
        jwt_previous_key=env.get("JWT_PREVIOUS_KEY") or None,
        jwt_previous_key_file=env.get("JWT_PREVIOUS_KEY_FILE") or None,
        local_mode=not env.get("MONGO_URL"),
        rate_limit_reads=env.get("RATE_LIMIT_READS", "6000/minute"),
        rate_limit_writes=env.get("RATE_LIMIT_WRITES", "120/minute"),
        trusted_proxy_hops=int(env.get("TRUSTED_PROXY_HOPS", "0") or 0),
        enforce_https=env.get("ENFORCE_HTTPS", "0").strip().lower() in ("1", "true", "yes", "on"),
        auth_rate_limits=env.get("AUTH_RATE_LIMITS") or None,
        mail_from=env.get("MAIL_FROM") or "Fragmart <shop@fragmart.local>",
        shop_url=env.get("SHOP_URL") or f"http://127.0.0.1:{SHELL_PORT + off}",
        reservation_ttl_seconds=int(env.get("RESERVATION_TTL_SECONDS") or 900),
        paid_reservation_ttl_seconds=int(env.get("PAID_RESERVATION_TTL_SECONDS") or 86400),
        trusted_forwarders=tuple(n.strip() for n in env.get("TRUSTED_FORWARDERS", "127.0.0.1/32,::1/128").split(",")
                                 if n.strip()),
    )
    return settings.with_overrides(**(overrides or {}))
