"""The shared package is layered: it imports nothing above it, web and messaging stay apart, and the JSON bootstrap
leaves the broker out."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMON = ROOT / "common"
UPPER = ("services", "gateway", "shell", "fragments", "devstack", "bench", "tests")


def _imported(path: Path) -> set[str]:
    """Every module the file imports, relative imports resolved (`from . import x` names `common.….x`)."""
    package = path.relative_to(ROOT).parent.parts
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # a name may be a module
    return names


def _imports_between(importer: str, imported: str) -> set[str]:
    return {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (COMMON / importer).rglob("*.py")
        for name in _imported(path)
        if name == f"common.{imported}" or name.startswith(f"common.{imported}.")
    }


def test_nothing_in_common_imports_a_process_package():
    upward = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in COMMON.rglob("*.py")
        for name in _imported(path)
        if name.split(".")[0] in UPPER
    }
    assert not upward


def test_web_and_messaging_never_import_each_other():
    # The HTML apps render pages from the APIs; Kafka belongs to the services. Neither knows the other.
    assert not _imports_between("web", "messaging")
    assert not _imports_between("messaging", "web")
    assert _imports_between("web", "web"), "the check resolves the relative imports it reads"


def _extension_reads(path: Path) -> list[int]:
    """Lines that read a Flask app's extensions by key: `….extensions[key]` or `….extensions.get(key)`."""

    def on_extensions(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "extensions"

    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.Subscript) and on_extensions(node.value))
        or (isinstance(node, ast.Attribute) and node.attr == "get" and on_extensions(node.value))
    ]


def test_only_common_reads_app_extensions():
    # Shared dependencies are read typed: common.platform.platform_of, and each app's own Deps through deps_of.
    reads = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in UPPER
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _extension_reads(path)
    ]
    assert not reads
    assert _extension_reads(COMMON / "platform.py"), "the check finds the reads common/ makes"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_gateway_app_does_not_import_kafka_or_mongo():
    loaded = _modules_after("import gateway; gateway.create_app")
    assert not {m for m in loaded if m.split(".")[0] in ("kafka", "pymongo")}
    assert "common.messaging.kafka" not in loaded and "common.service_app" not in loaded


def test_the_html_apps_do_not_import_kafka():
    loaded = _modules_after("import fragments.products, shell")
    assert not {m for m in loaded if m.split(".")[0] == "kafka" or m.startswith("common.messaging")}


def test_formatting_money_needs_no_flask_nor_stores():
    loaded = _modules_after("import common.formatting")
    assert not {m for m in loaded if m.split(".")[0] in ("flask", "kafka", "pymongo", "redis")}
