"""The shared package is layered: it imports nothing above it, and the JSON bootstrap leaves the broker out."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMON = ROOT / "common"
UPPER = ("services", "gateway", "shell", "fragments", "devstack", "bench", "tests")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_nothing_in_common_imports_a_process_package():
    upward = {
        f"{path.name}: {name}"
        for path in COMMON.glob("*.py")
        for name in _imported(path)
        if name.split(".")[0] in UPPER
    }
    assert not upward


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
    assert "common.kafka" not in loaded and "common.service_app" not in loaded


def test_the_html_apps_do_not_import_kafka():
    loaded = _modules_after("import fragments.products, shell")
    assert not {m for m in loaded if m.split(".")[0] == "kafka"}


def test_formatting_money_needs_no_flask_nor_stores():
    loaded = _modules_after("import common.formatting")
    assert not {m for m in loaded if m.split(".")[0] in ("flask", "kafka", "pymongo", "redis")}
