"""Settings read from the environment when an app is created, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import get_args, get_type_hints

# Fixed by DESIGN.md; FRAGMART_PORT_OFFSET shifts every local port so two stacks can coexist.
SERVICE_PORTS = {
    "auth": 3001,
    "products": 3002,
    "orders": 3003,
    "payments": 3004,
    "inventory": 3005,
    "notifications": 3006,
    "users": 3007,
}
FRAGMENT_PORTS = {"auth": 4001, "products": 4002, "cart": 4003, "checkout": 4004, "profile": 4005, "admin": 4006}
GATEWAY_PORT = 5000
SHELL_PORT = 3000
INFRA_PORTS = {"redis": 6379, "kafka": 9092, "smtp": 1025, "sms": 4101, "pay": 4100, "mongo": 27017}


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
    """Every knob, its type and its default, written once. Each is read from the environment variable of the
    same name upper-cased (ENV_NAMES lists the exceptions); an empty variable counts as unset."""

    name: str
    # Where this machine's stores and processes listen: no default here, load_settings derives them from the
    # fixed ports of DESIGN.md shifted by FRAGMART_PORT_OFFSET.
    redis_url: str
    kafka_bootstrap: str
    smtp_url: str
    gateway_url: str
    shop_url: str
    sms_standin_url: str  # the local SMS stand-in (SMS_PROVIDER=standin)
    # The payment provider's API base: the local stand-in by default; production sets https://api.stripe.com.
    payment_provider_url: str | None
    # The origin of the provider's hosted payment page, the only place besides the shop a form may lead (CSP
    # form-action): the local stand-in by default; with Stripe, https://checkout.stripe.com.
    payment_page_origin: str
    # Where the provider posts delivery statuses; it signs this exact URL, so production sets its public one.
    sms_status_callback_url: str
    service_urls: dict
    fragment_urls: dict
    mongo_url: str
    # Local mode (no MONGO_URL given: the stack's own database server): the catalog is seeded and the styleguide open.
    local_mode: bool = True
    mongo_db_prefix: str = ""  # before each service's database name; tests give each app databases of its own
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None
    outbox_max_age_seconds: float = 30.0
    order_redrive_after_seconds: float = 30.0
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
    # Seconds a verifier trusts the JWKS it fetched: the longest a retired signing key still verifies (issue 19.1).
    jwks_ttl: float = 60.0
    rate_limit_reads: str = "6000/minute"
    rate_limit_writes: str = "120/minute"
    trusted_proxy_hops: int = 0
    enforce_https: bool = False
    trusted_forwarders: tuple = ("127.0.0.1/32", "::1/128")
    auth_rate_limits: str | None = None
    mail_from: str = "Fragmart <shop@fragmart.local>"
    reservation_ttl_seconds: int = 900
    paid_reservation_ttl_seconds: int = 86400
    # At or below this many units the storefront says "Only N left" and inventory emits stock.low.
    low_stock_level: int = 5
    # Who hears of stock.low: this address when set, else every admin.
    staff_alert_email: str | None = None
    # Tracing (common/observability/tracing.py): on when an OTLP endpoint or traces_dir is set, unless tracing is off.
    # The exporter reads the other OTEL_EXPORTER_OTLP_* variables (headers, timeout) itself.
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    traces_dir: str | None = None  # without an endpoint: spans as OTLP JSON lines here, one file per process
    tracing: bool = True
    live_templates: bool = False  # templates and CSS re-read on change (a designer's `make run`), never in production
    # SMS: "standin" (local default: Twilio's library pointed at the stand-in), "twilio" (api.twilio.com), "log".
    sms_provider: str = "standin"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_auth_token_file: str | None = None
    twilio_from: str = "+15005550006"  # Twilio's test sender; production sets its own number
    # Outbound webhooks: a receiver on a private, loopback or link-local address is refused unless this is set.
    webhooks_allow_private: bool = False
    webhook_timeout: float = 5.0
    # Payments: the provider's adapter ("stripe", the only one), its secret key and webhook signing secret.
    payment_provider: str = "stripe"
    stripe_api_key: str | None = None
    stripe_api_key_file: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_webhook_secret_file: str | None = None
    # Two-factor sign-in: the passphrase TOTP secrets are encrypted with (local stacks use a fixed one), and
    # whether the back office refuses an admin who has not turned it on (sent to /profile to set it up).
    two_factor_key: str | None = None
    two_factor_key_file: str | None = None
    admin_require_2fa: bool = False
    # Signed order links (common/auth/order_links.py) for shoppers without an account; local stacks use a fixed one.
    order_link_secret: str | None = None
    order_link_secret_file: str | None = None
    # The legacy catalog import's database (SQLAlchemy URL with its password): from here rather than the command line.
    legacy_db_url: str | None = None
    legacy_db_url_file: str | None = None
    extra: dict = field(default_factory=dict)  # Flask flags of one app (TESTING, CSRF_EXEMPT, EDGE), not knobs

    def secret(self, name: str) -> str | None:
        """A secret from its variable, or else from the file its <NAME>_FILE variable names (a mounted secret)."""
        value, file = getattr(self, name), getattr(self, f"{name}_file", None)
        if value:
            return value
        return Path(file).read_text(encoding="utf-8").strip() if file else None

    @property
    def optional_call_timeout(self) -> float:
        """A fragment's optional call (the badge's name, the cart count, stock levels) gives up within two thirds
        of the shell's wait, so the fragment still answers, without that part, before the shell stops waiting."""
        return self.fragment_timeout * 2 / 3

    def with_overrides(self, **overrides) -> Settings:
        twins = [k for k in overrides if k != k.lower() and k.lower() in self.__dataclass_fields__]
        if twins:
            raise TypeError(f"settings are overridden by their field names: {', '.join(k.lower() for k in twins)}")
        known = {k: v for k, v in overrides.items() if k in self.__dataclass_fields__}
        extra = {**self.extra, **{k: v for k, v in overrides.items() if k not in known}}
        return replace(self, **known, extra=extra)


# A variable whose name is not the field's upper-cased; fields set only by load_settings itself.
ENV_NAMES = {"kafka_bootstrap": "KAFKA_BOOTSTRAP_SERVERS"}
DERIVED = ("name", "service_urls", "fragment_urls", "extra")


def _url(env, key: str, port: int) -> str:
    return env.get(key) or f"http://127.0.0.1:{local_port(port, env)}"


def _parse(kind, raw: str):
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind in (int, float):
        return kind(raw)
    if kind is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def _from_env(env) -> dict:
    """Every field whose variable is set (and not empty), parsed to the field's type."""
    hints = get_type_hints(Settings)
    values = {}
    for name in Settings.__dataclass_fields__:
        raw = env.get(ENV_NAMES.get(name, name.upper()))
        if name not in DERIVED and raw not in (None, ""):
            kind = next((k for k in get_args(hints[name]) if k is not type(None)), hints[name])
            values[name] = _parse(kind, str(raw))
    return values


def load_settings(name: str, overrides: dict | None = None, env=None) -> Settings:
    """Build Settings for process `name` from the environment plus explicit overrides."""
    env = os.environ if env is None else env
    off = port_offset(env)
    local = {
        "redis_url": f"redis://127.0.0.1:{INFRA_PORTS['redis'] + off}/0",
        "kafka_bootstrap": f"127.0.0.1:{INFRA_PORTS['kafka'] + off}",
        # One node, no failover for a retry to survive; SecantusDB 0.7.0b3 keeps every retryable write's record and
        # scans them on each write (py-spy: 40 % of its time in a saga run; 0.8 -> 1.9 ms a write after 6,000).
        "mongo_url": f"mongodb://127.0.0.1:{INFRA_PORTS['mongo'] + off}/?retryWrites=false",
        "smtp_url": f"smtp://127.0.0.1:{INFRA_PORTS['smtp'] + off}",
        "gateway_url": f"http://127.0.0.1:{GATEWAY_PORT + off}",
        "shop_url": f"http://127.0.0.1:{SHELL_PORT + off}",
        "sms_standin_url": f"http://127.0.0.1:{INFRA_PORTS['sms'] + off}",
        "payment_provider_url": f"http://127.0.0.1:{INFRA_PORTS['pay'] + off}",
        "payment_page_origin": env.get("PAY_STANDIN_PUBLIC_URL") or f"http://127.0.0.1:{INFRA_PORTS['pay'] + off}",
    }
    local["sms_status_callback_url"] = f"{env.get('GATEWAY_URL') or local['gateway_url']}/api/notifications/sms/status"
    from_env = _from_env(env)
    from_env.setdefault("local_mode", "mongo_url" not in from_env)  # no MONGO_URL: the stack's own server
    settings = Settings(
        name=name,
        **{**local, **from_env},
        service_urls={n: _url(env, f"{n.upper()}_SERVICE_URL", p) for n, p in SERVICE_PORTS.items()},
        fragment_urls={n: _url(env, f"{n.upper()}_FRAGMENT_URL", p) for n, p in FRAGMENT_PORTS.items()},
    )
    return settings.with_overrides(**(overrides or {}))
