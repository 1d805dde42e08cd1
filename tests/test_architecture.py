"""The import rules of docs/architecture.md, checked on the source tree.

The graph is built from the source with ``ast`` (no import side effects), and counts every way
one app can depend on another: module-level and function-level imports (absolute and
relative), string model references in relation fields (``ForeignKey("network.Route")``), and
the registry look-ups that used to hide a dependency (``apps.get_model("safety", ...)``,
``apps.is_installed("zhiyang.people")``). Migrations are left out: they record history.

Rules:

- no cycle between apps (``zhiyang.<app>`` packages);
- ``core`` depends on no other app but the libraries (``analytics``, ``formats``);
- the kernels (``analytics``) import neither Django nor any other part of Zhiyang.

Run ``python tests/test_architecture.py`` to print the app graph.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "zhiyang"

# Top-level modules (settings, urls, wsgi, cli) are the composition root, not an app.
LIBRARIES = {"analytics", "formats"}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}

Edge = tuple[str, str]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.relative_to(SRC).parts:
            yield path


def _targets(tree: ast.AST, package: str) -> Iterator[tuple[str, int]]:
    """Every dotted module or ``app.Model`` name the tree depends on, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # from zhiyang import people
                yield f"{module}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
            strings += [
                k.value.value
                for k in node.keywords
                if k.arg in {"to", "app_label", "model_name"} and isinstance(k.value, ast.Constant)
            ]
            strings = [s for s in strings if isinstance(s, str)]
            if not strings:
                continue
            if (name in RELATION_FIELDS and "." in strings[0]) or name == "get_model":
                yield "zhiyang." + strings[0].split(".")[0], node.lineno
            elif name == "is_installed":
                yield strings[0], node.lineno


def build_graph() -> tuple[dict[Edge, list[str]], dict[str, list[str]]]:
    """(app → app edges with where they come from, django imports per analytics module)."""
    edges: dict[Edge, list[str]] = defaultdict(list)
    kernel_django: dict[str, list[str]] = defaultdict(list)
    for path in _sources():
        module = _module_name(path)
        parts = module.split(".")
        if len(parts) < 2 or not (SRC / parts[1]).is_dir():
            continue
        app = parts[1]
        package = module if path.name == "__init__.py" else ".".join(parts[:-1])
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in _targets(tree, package):
            where = f"{path.relative_to(SRC.parent)}:{line}"
            head = target.split(".")
            if app == "analytics" and head[0] == "django":
                kernel_django[module].append(where)
            if head[0] != "zhiyang" or len(head) < 2:
                continue
            other = head[1]
            if other != app and (SRC / other).is_dir() and where not in edges[(app, other)]:
                edges[(app, other)].append(where)
    return dict(edges), dict(kernel_django)


def cycles(edges: dict[Edge, list[str]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _explain(component: list[str], edges: dict[Edge, list[str]]) -> str:
    members = set(component)
    lines = [" ↔ ".join(component)]
    for (a, b), where in sorted(edges.items()):
        if a in members and b in members:
            lines.append(f"  {a} → {b}: {', '.join(where[:3])}")
    return "\n".join(lines)


def test_no_cycle_between_apps() -> None:
    edges, _ = build_graph()
    found = cycles(edges)
    assert not found, "Cycles between apps:\n" + "\n".join(_explain(c, edges) for c in found)


def test_core_depends_on_no_domain_app() -> None:
    edges, _ = build_graph()
    bad = {b: w for (a, b), w in edges.items() if a == "core" and b not in LIBRARIES}
    assert not bad, f"core depends on domain apps: {bad}"


def test_kernels_are_pure() -> None:
    edges, kernel_django = build_graph()
    assert not kernel_django, f"analytics kernels import Django: {kernel_django}"
    ours = {b: w for (a, b), w in edges.items() if a == "analytics"}
    assert not ours, f"analytics kernels import other parts of Zhiyang: {ours}"


def test_the_graph_sees_hidden_dependencies() -> None:
    """The walker finds function-level imports, relative imports and string model references."""
    source = (
        "from django.db import models\n"
        "def f():\n    from zhiyang.people.models import Worker\n"
        "from ...works import services\n"
        "class A(models.Model):\n    r = models.ForeignKey('network.Route', on_delete=None)\n"
        "m = apps.get_model('safety', 'WorkZone')\n"
    )
    found = {t for t, _ in _targets(ast.parse(source), "zhiyang.fleet.views")}
    assert {"zhiyang.people.models", "zhiyang.works", "zhiyang.network", "zhiyang.safety"} <= found


if __name__ == "__main__":
    graph, _ = build_graph()
    for (a, b), where in sorted(graph.items()):
        print(f"{a:>10} → {b:<10} {len(where):>3}  {where[0]}")
    for component in cycles(graph):
        print("CYCLE", _explain(component, graph), file=sys.stderr)
