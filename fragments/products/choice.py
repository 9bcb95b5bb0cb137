"""The product page's choice of variant: which one the URL names, and per option value whether choosing it leads to a
variant that can be bought. A value that leads to a sold-out (or missing) combination is shown disabled."""

from __future__ import annotations

from dataclasses import dataclass

OPTION_FIELD = "option:"  # the radio groups' names (option:Size); the cart fragment reads the same


@dataclass(frozen=True)
class Value:
    value: str
    checked: bool
    sku: str | None  # the variant choosing this value leads to (the other options as chosen), if it exists
    sold_out: bool


@dataclass(frozen=True)
class Group:
    name: str
    values: list[Value]


def chosen(product: dict, args, levels: dict[str, int]) -> dict:
    """The variant the page shows: `?variant=<sku>`, else the option values a form without JavaScript sent, else
    the first one in stock, else the first."""
    variants = product["variants"]
    by_sku = {v["sku"]: v for v in variants}
    if args.get("variant") in by_sku:
        return by_sku[args["variant"]]
    picked = {k.removeprefix(OPTION_FIELD): v for k, v in args.items() if k.startswith(OPTION_FIELD)}
    if picked:
        match = next((v for v in variants if v["options"] == picked), None)
        if match is not None:
            return match
    return next((v for v in variants if levels.get(v["sku"], 1) > 0), variants[0])


def groups(product: dict, current: dict, levels: dict[str, int]) -> list[Group]:
    """One radio group per option; each value says where it leads from the current choice."""
    by_values = {tuple(sorted(v["options"].items())): v for v in product["variants"]}
    out = []
    for option in product.get("options") or []:
        values = []
        for value in option["values"]:
            target = by_values.get(tuple(sorted({**current["options"], option["name"]: value}.items())))
            sold_out = target is None or levels.get(target["sku"], 1) <= 0
            values.append(
                Value(value, current["options"].get(option["name"]) == value, target and target["sku"], sold_out)
            )
        out.append(Group(option["name"], values))
    return out
