"""The layering of docs/ARCHITECTURE.md, read from the code with `ast`: which package imports
which, no private name used across modules, no module too long to read (under ui/, warehouse/,
loaders/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("contract", "loaders", "warehouse", "ui", "pages", "seed_data", "bench")
MAX_LINES = 450
LINE_LIMITED = ("ui", "loaders", "warehouse")

# What each layer may not import (docs/ARCHITECTURE.md, "Layering"): contract <- warehouse <-
# loaders <- ui <- pages/ and app.py; seed_data/, bench/ and tests/ sit beside, nothing imports them.
FORBIDDEN = {
    "contract": {"loaders", "warehouse", "ui", "pages", "app", "seed_data", "bench"},
    "warehouse": {"loaders", "ui", "pages", "app", "seed_data", "bench"},
    "loaders": {"ui", "pages", "app", "seed_data", "bench"},
    "ui": {"pages", "app", "seed_data", "bench"},
    "pages": {"app", "seed_data", "bench"},
    "app": {"seed_data", "bench"},
}

# (importing file, module, private name) allowed for now, each with its reason.
PRIVATE_ALLOWED: set[tuple[str, str, str]] = set()


def _files(with_tests: bool = False) -> list[Path]:
    files = [ROOT / "app.py"] + [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    if with_tests:
        files += sorted((ROOT / "tests").glob("*.py"))
    return [f for f in files if ".venv" not in f.parts]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in (*PACKAGES, "app")


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every project import, at any depth (imports inside functions count)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _project(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _project(node.module):
            found.append((node.lineno, node.module))
    return found


def private_uses(path: Path, source: str | None = None) -> list[tuple[int, str, str]]:
    """(line, module, name) of each private name this file takes from another project module:
    `from m import _name`, or `m._name` on a project module bound by an import."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    here = _module(path)
    modules: dict[str, str] = {}  # local name -> project module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if _project(a.name):
                    modules[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _project(node.module):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                if _is_module(sub):
                    modules[a.asname or a.name] = sub
                elif _private(a.name) and node.module != here:
                    found.append((node.lineno, node.module, a.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                target = ".".join([modules[value.id], *chain])
                if _is_module(target) and target != here:
                    found.append((node.lineno, target, node.attr))
    return found


def layer_violations(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    layer = _module(path).split(".")[0]
    banned = FORBIDDEN.get(layer, set())
    return [(line, m) for line, m in _imports(tree) if m.split(".")[0] in banned]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_private_name_is_used_across_modules():
    found = [
        f"{_rel(f)}:{line}: {module}.{name}"
        for f in _files(with_tests=True)
        for line, module, name in private_uses(f)
        if (_rel(f), module, name) not in PRIVATE_ALLOWED
    ]
    assert not found, "private names used outside their module:\n" + "\n".join(found)


def test_the_allowed_private_uses_still_exist():
    # An allow-list entry whose use is gone would hide the next one: remove it with the use.
    used = {(_rel(f), m, n) for f in _files(with_tests=True) for _, m, n in private_uses(f)}
    assert PRIVATE_ALLOWED <= used, PRIVATE_ALLOWED - used


def test_each_layer_imports_only_the_layers_below():
    found = [f"{_rel(f)}:{line}: imports {m}" for f in _files() for line, m in layer_violations(f)]
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_no_module_of_ui_warehouse_loaders_is_over_450_lines():
    long = {
        _rel(f): n
        for pkg in LINE_LIMITED
        for f in sorted((ROOT / pkg).rglob("*.py"))
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


@pytest.mark.parametrize(("path", "source", "expected"), [
    ("ui/x.py", "from warehouse.secrecy import _relations\n", [(1, "warehouse.secrecy", "_relations")]),
    ("ui/x.py", "from warehouse import build\nbuild._create_reference(None)\n",
     [(2, "warehouse.build", "_create_reference")]),
    ("ui/x.py", "import warehouse.db\nwarehouse.db._lock()\n", [(2, "warehouse.db", "_lock")]),
    ("warehouse/build.py", "from warehouse.build import _x\n", []),  # its own module
    ("ui/x.py", "from warehouse.scope import run as _run\n", []),  # a public name, privately aliased
    ("ui/x.py", "from streamlit.elements import _private\n", []),  # not the project's
    ("ui/x.py", "from warehouse import db\ndb.__name__\n", []),
])
def test_the_private_check_sees_each_form(path, source, expected):
    assert private_uses(ROOT / path, source) == expected


@pytest.mark.parametrize(("path", "source", "expected"), [
    ("contract/x.py", "from warehouse.db import ROOT\n", [(1, "warehouse.db")]),
    ("warehouse/x.py", "def f():\n    from loaders.load import load_files\n", [(2, "loaders.load")]),
    ("loaders/x.py", "import ui.format\n", [(1, "ui.format")]),
    ("ui/x.py", "from pages import bassins\n", [(1, "pages")]),
    ("ui/x.py", "from loaders.load import LOADED\nfrom warehouse import db\nimport polars\n", []),
])
def test_the_layering_check_sees_each_form(path, source, expected):
    assert layer_violations(ROOT / path, source) == expected


# Polars runs a Python function given to an expression on its own threads, which then need the
# GIL; a Streamlit session's thread calling polars may hold it while it waits for those threads.
# With ten tabs opening at once, 2 to 4 of them hung for good (the bench, 2026-12-02).
PYTHON_IN_POLARS = ("map_elements", "map_batches", "map_rows", "map_groups")
APP_CODE = ("ui", "pages", "warehouse", "documents")


def test_no_python_function_inside_a_polars_expression_in_the_app():
    found = []
    for f in [ROOT / "app.py"] + [p for pkg in APP_CODE for p in sorted((ROOT / pkg).rglob("*.py"))]:
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in PYTHON_IN_POLARS:
                found.append(f"{f.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert not found, found
