"""The admin API over HTTP (through the gateway), as the legacy import calls it: each change is the back office's,
audit entry included."""

from __future__ import annotations

import requests

TIMEOUT = 15


class ApiError(RuntimeError):
    """The shop refused or could not answer a call the import cannot do without (sign-in, the run report)."""


class CatalogClient:
    def __init__(self, gateway_url: str, token: str, session: requests.Session | None = None):
        self.base, self.http = gateway_url.rstrip("/"), session or requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def sign_in(cls, gateway_url: str, email: str, password: str) -> CatalogClient:
        resp = requests.post(
            f"{gateway_url.rstrip('/')}/api/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
        )
        if resp.status_code != 200:
            raise ApiError(f"sign-in as {email} refused ({resp.status_code}): set ADMIN_EMAIL and ADMIN_PASSWORD")
        return cls(gateway_url, resp.json()["access_token"])

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base}{path}", timeout=TIMEOUT, **kwargs)

    @staticmethod
    def _refusal(resp: requests.Response) -> str:
        try:
            body = resp.json()
        except ValueError:
            return f"HTTP {resp.status_code}"
        message = body.get("message", resp.status_code)
        fields = (body.get("details") or {}).get("fields") or {}
        detail = "; ".join(f"{k}: {v}" for k, v in fields.items() if v != message)  # said once, not twice
        return f"{message}{' (' + detail + ')' if detail else ''}"

    def products_by_sku(self, skus: list[str]) -> dict[str, dict]:
        resp = self._call("GET", "/api/products", params={"skus": ",".join(skus), "per_page": 100})
        if resp.status_code != 200:
            raise ApiError(f"the catalog did not answer: {self._refusal(resp)}")
        return {p["sku"]: p for p in resp.json()["items"]}

    def create(self, fields: dict) -> tuple[dict | None, str | None]:
        resp = self._call("POST", "/api/products", json=fields)
        if resp.status_code != 201:
            return None, self._refusal(resp)
        return resp.json(), None  # the products service audits it, as the admin signed in

    def update(self, product: dict, changes: dict) -> tuple[dict | None, str | None]:
        resp = self._call("PATCH", f"/api/products/{product['id']}", json=changes)
        if resp.status_code != 200:
            return None, self._refusal(resp)
        return resp.json(), None

    def stock(self, sku: str) -> int | None:
        """Units available now; None while inventory has not yet heard of a new product."""
        resp = self._call("GET", f"/api/inventory/{sku}")
        return resp.json()["available"] if resp.status_code == 200 else None

    def set_stock(self, sku: str, before: int, quantity: int) -> str | None:
        resp = self._call("PUT", f"/api/inventory/{sku}", json={"quantity": quantity})
        if resp.status_code != 200:
            return self._refusal(resp)
        return None

    def high_water(self) -> str | None:
        resp = self._call("GET", "/api/imports/legacy")
        if resp.status_code != 200:
            raise ApiError(f"the last import could not be read: {self._refusal(resp)}")
        return resp.json()["high_water"]

    def record(self, report: dict) -> dict:
        resp = self._call("POST", "/api/imports/legacy/runs", json=report)
        if resp.status_code != 201:
            raise ApiError(f"the run could not be recorded: {self._refusal(resp)}")
        return resp.json()
