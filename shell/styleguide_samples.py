"""The style guide's sample states: YAML beside each template, and what needs logic built by the views' own code.

- `templates/<area>/_<partial>.samples.yaml`: the partial's states, a list of `{state: name, context: {...}}`;
- `templates/components/<file>.samples.yaml`: macro name -> its states, each context the macro's arguments;
- `templates/emails/<name>.samples.yaml`: the email's states, each context what its handler passes;
- `templates/styleguide/samples.yaml`: samples shared by name (products, orders, addresses, the shop).

Besides plain YAML, a sample may say (no Python needed to write one):
- `!sample in_stock`: a shared sample; `!sample every_order.2` is its third item;
- `!merge [!sample in_stock, {images: []}]`: a mapping, the later ones' keys over the earlier ones';
- `!link /products?page={n}`: a link maker as the views pass one, `{n}` the page or image number;
- `!view when`: a value or function of a view, so a sample cannot drift from what the pages pass;
- `!call [stock, 2]`: a view's own function called with these arguments: the stock line for 2 units.
Both names come from shell/styleguide_views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from common.app import TEMPLATES

from .styleguide_views import CALLS, VIEWS

SHARED = TEMPLATES / "styleguide" / "samples.yaml"
SUFFIX = ".samples.yaml"


@dataclass(frozen=True)
class Sample:
    path: str


@dataclass(frozen=True)
class Merge:
    parts: list


@dataclass(frozen=True)
class Link:
    pattern: str


@dataclass(frozen=True)
class View:
    path: str


@dataclass(frozen=True)
class Call:
    name: str
    args: list


class Loader(yaml.CSafeLoader):
    """YAML with the style guide's tags, parsed into placeholders that resolve() builds (libyaml: ~10x faster)."""


def _refused(node: yaml.Node, shape: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, f"{node.tag} takes {shape}", node.start_mark)


def _named(kind: Callable[[str], Any]) -> Callable[[Loader, yaml.Node], Any]:
    def construct(loader: Loader, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _refused(node, "one name or link")
        return kind(loader.construct_scalar(node))

    return construct


def _merge(loader: Loader, node: yaml.Node) -> Merge:
    if not isinstance(node, yaml.SequenceNode):
        raise _refused(node, "a list of mappings")
    return Merge(loader.construct_sequence(node, deep=True))


def _call(loader: Loader, node: yaml.Node) -> Call:
    if isinstance(node, yaml.ScalarNode):
        return Call(loader.construct_scalar(node), [])
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise _refused(node, "a list: the name, then the arguments")
    name, *args = loader.construct_sequence(node, deep=True)
    return Call(name, args)


Loader.add_constructor("!sample", _named(Sample))
Loader.add_constructor("!view", _named(View))
Loader.add_constructor("!link", _named(Link))
Loader.add_constructor("!merge", _merge)
Loader.add_constructor("!call", _call)


@lru_cache(maxsize=512)
def _parse(path: Path, mtime: float) -> Any:
    with path.open(encoding="utf-8") as stream:  # a stream, so a syntax error names the file
        return yaml.load(stream, Loader=Loader)  # noqa: S506 (SafeLoader plus tags)


def parse(path: Path) -> Any:
    """One YAML file's placeholders, read again only when the file changed (a designer's edit shows on reload)."""
    return _parse(path, path.stat().st_mtime)


def _at(root: Any, path: str, what: str) -> Any:
    value = root
    for part in path.split("."):
        try:
            value = value[int(part)] if isinstance(value, list | tuple) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise LookupError(f"{what} {path!r}: no {part!r} there") from None
    return value


class Resolver:
    """Builds the placeholders of one load: shared samples once each, calls in the app's context."""

    def __init__(self, shared: dict) -> None:
        self.shared = shared
        self.built: dict[str, Any] = {}
        self.called: dict[str, Any] = {}  # a QR code takes ~30 ms to draw: once a load

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, Sample):
            if value.path not in self.built:
                self.built[value.path] = self(_at(self.shared, value.path, "!sample"))
            return self.built[value.path]
        if isinstance(value, Merge):
            merged: dict = {}
            for part in value.parts:
                merged |= self(part)
            return merged
        if isinstance(value, Link):
            pattern = value.pattern
            return lambda n: pattern.replace("{n}", str(n))
        if isinstance(value, View):
            return _at(VIEWS, value.path, "!view")
        if isinstance(value, Call):
            if value.name not in CALLS:
                raise LookupError(f"!call {value.name!r}: the views lend only {', '.join(CALLS)}")
            key = repr(value)
            if key not in self.called:
                self.called[key] = CALLS[value.name](*self(value.args))
            return self.called[key]
        return value


@dataclass(frozen=True)
class Samples:
    """Every state: template -> {state: context}; component template -> {macro: {state: arguments}}; email likewise."""

    partials: dict[str, dict[str, dict]]
    macros: dict[str, dict[str, dict[str, dict]]]
    emails: dict[str, dict[str, dict]]
    shared: dict[str, Any]


def states_of(listed: list, where: Path) -> dict[str, dict]:
    states = {}
    for item in listed:
        if not isinstance(item, dict) or set(item) - {"state", "context"} or "state" not in item:
            raise ValueError(f"{where}: each state is {{state: name, context: {{...}}}}, not {item!r}")
        if item["state"] in states:
            raise ValueError(f"{where}: the state {item['state']!r} is named twice")
        states[item["state"]] = item.get("context") or {}
    return states


def template_of(path: Path) -> str:
    """The template a samples file sits beside: templates/products/_grid.samples.yaml -> products/_grid.html."""
    return path.relative_to(TEMPLATES).as_posix().removesuffix(SUFFIX) + ".html"


def load() -> Samples:
    """Every samples file under templates/, its tags built (call it in an app context: the views read settings)."""
    resolve = Resolver(parse(SHARED))
    partials = {template_of(p): resolve(states_of(parse(p), p)) for p in sorted(TEMPLATES.rglob(f"_*{SUFFIX}"))}
    macros = {
        template_of(p): {macro: resolve(states_of(states, p)) for macro, states in parse(p).items()}
        for p in sorted((TEMPLATES / "components").glob(f"*{SUFFIX}"))
    }
    emails = {
        p.name.removesuffix(SUFFIX): resolve(states_of(parse(p), p))
        for p in sorted((TEMPLATES / "emails").glob(f"*{SUFFIX}"))
    }
    return Samples(partials, macros, emails, {name: resolve(Sample(name)) for name in resolve.shared})
