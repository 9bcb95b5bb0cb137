"""The pages benchmark's table: each figure beside one bare hop serving the same bytes, and the issue's target."""

from __future__ import annotations

from dataclasses import dataclass

from .wrk import WrkResult


@dataclass(frozen=True)
class Target:
    """An issue's targets for one row; None means no target of that kind."""

    min_rps: float | None = None
    max_p99_ms: float | None = None
    min_bare_ratio: float | None = None

    def text(self) -> str:
        parts = [
            f">= {self.min_rps:.0f}/s" if self.min_rps else "",
            f"p99 <= {self.max_p99_ms:.0f} ms" if self.max_p99_ms else "",
            f">= {self.min_bare_ratio:.2f}x bare" if self.min_bare_ratio else "",
        ]
        return ", ".join(p for p in parts if p)

    def met(self, result: WrkResult, bare: WrkResult) -> bool:
        return (
            (self.min_rps is None or result.rps >= self.min_rps)
            and (self.max_p99_ms is None or result.p99_ms <= self.max_p99_ms)
            and (self.min_bare_ratio is None or ratio(result, bare) >= self.min_bare_ratio)
        )


@dataclass(frozen=True)
class Row:
    name: str
    result: WrkResult
    bare: WrkResult
    target: Target | None = None


def ratio(result: WrkResult, bare: WrkResult) -> float:
    """Throughput as a share of one bare hop's (1.0 would be a page as cheap as one hop)."""
    return result.rps / bare.rps if bare.rps else 0.0


HEADER = (
    f"{'scenario':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} | {'bare/s':>8} "
    f"{'p50 ms':>7} {'p99 ms':>7} | {'x bare':>6} {'hops':>5} | target"
)


def line(row: Row) -> str:
    r, b = row.result, row.bare
    share = ratio(r, b)
    hops = f"{1 / share:5.1f}" if share else "  n/a"
    target = f"{row.target.text()}: {'met' if row.target.met(r, b) else 'MISSED'}" if row.target else ""
    return (
        f"{row.name:<40} {r.rps:8.1f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.errors:6d} | {b.rps:8.1f} "
        f"{b.p50_ms:7.1f} {b.p99_ms:7.1f} | {share:5.2f}x {hops} | {target}"
    )


def gateway_line(via: WrkResult, direct: WrkResult, limit: float = 1.3) -> str:
    factor = via.p50_ms / direct.p50_ms if direct.p50_ms else float("inf")
    verdict = "met" if factor <= limit else "MISSED"
    return f"gateway p50 / direct p50: {factor:.2f}x (target <= {limit}x): {verdict}"


LEGEND = (
    "x bare: throughput as a share of the bare hop's; hops: bare hops one request costs (its inverse); "
    "errors: wrk's socket errors, timeouts and answers outside 2xx/3xx"
)


def table(rows: list[Row]) -> str:
    return "\n".join([HEADER, "-" * len(HEADER), *(line(r) for r in rows), LEGEND])
