"""Dependencies point one way: a package imports only the floors below it (and `config`, the
project's wiring). An import written only for type checking does not count. When this fails, the
fix is a hook the upper app registers into (see docs/architecture.md), not a lazy import."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top. A package may import the ones listed before it.
FLOORS = [
    "errors",
    "policies",
    "events",
    "background",
    "machines",
    "deadlines",
    "interface",
    "territories",
    "accounts",
    "workspace",
    "projects",
    "documents",
    "workflow",
    "debates",
    "moderation",
    "amendments",
    "officials",
    "meetings",
    "search",
    "notifications",
    "evaluation",
    "portal",
]
RANK = {name: rank for rank, name in enumerate(FLOORS)}


def _runtime_imports(tree: ast.AST):
    """Every import outside `if TYPE_CHECKING:` blocks, with its line."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _upward_imports():
    for package in FLOORS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, module in _runtime_imports(ast.parse(path.read_text())):
                top = module.split(".")[0]
                if top in RANK and RANK[top] > RANK[package]:
                    yield f"{path.relative_to(ROOT)}:{line} imports {module} (above {package})"


def test_every_package_imports_only_the_floors_below_it():
    assert list(_upward_imports()) == []


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    """GIVEN a lower package importing an upper one WHEN the check runs THEN it is reported."""
    tree = ast.parse("from portal.views import home\nif TYPE_CHECKING:\n    import search\n")
    assert [module for _, module in _runtime_imports(tree)] == ["portal.views"]


def test_every_package_is_on_a_floor():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"config", "tests", "bench"} == set(FLOORS)
