"""Display formatting shared by the HTML apps and the emails: no Flask, no stores, no broker."""

from __future__ import annotations


def money(amount, currency: str = "USD") -> str:
    """Minor units to display text: 1999 USD -> $19.99."""
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        return ""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    text = f"{abs(amount) // 100:,}.{abs(amount) % 100:02d}"
    return f"{'-' if amount < 0 else ''}{symbol}{text}" + ("" if symbol else f" {currency}")
