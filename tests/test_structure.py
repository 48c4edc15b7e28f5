"""The codebase's shape as tests: no import cycle inside a package, no hub module, and every
table and column of the archive described for readers (metadata.yml) and SQL users (docs/sql.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "crawler", "extract", "publish", "replica", "bench")
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the project that `name` imports (a package's own name only when a name
    imported from it is not a submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    deps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            deps.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                deps.add(sub if sub in modules else base)
    return {d for d in deps if d in modules and d != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]; counter[0] += 1
                    stack.append(child); on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop(); on_stack.discard(member); component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_inside_a_package():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_no_hub_module():
    long = {str(p.relative_to(ROOT)): n for p in _modules().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def _archive_tables(tmp_path) -> dict[str, list[str]]:
    from archive.schema import open_archive

    db = open_archive(tmp_path / "a.db")
    names = [t.name for t in db.tables if not t.name.startswith("reports_fts_")
             and not t.name.startswith("sqlite_")] + [v.name for v in db.views]
    return {n: [c.name for c in db[n].columns] for n in names}


def test_every_table_and_column_is_described(tmp_path):
    """A reporter reads metadata.yml's descriptions in Datasette; an SQL user reads docs/sql.md."""
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    described = next(iter(meta["databases"].values()))["tables"]
    sql_guide = (ROOT / "docs" / "sql.md").read_text(encoding="utf-8")
    missing_meta, missing_columns, missing_doc = [], [], []
    for table, columns in _archive_tables(tmp_path).items():
        if table not in described:
            missing_meta.append(table)
            continue
        documented = described[table].get("columns") or {}
        if documented:
            missing_columns += [f"{table}.{c}" for c in columns if c not in documented]
        if f"`{table}`" not in sql_guide:
            missing_doc.append(table)
    assert (missing_meta, missing_columns, missing_doc) == ([], [], [])


def test_every_canned_query_and_page_is_in_the_journalists_guide():
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    database = next(iter(meta["databases"].values()))
    guide = (ROOT / "docs" / "journalist.md").read_text(encoding="utf-8")
    names = list(database.get("queries") or {}) + list((meta.get("plugins", {})
                                                        .get("datasette-dashboards") or {}))
    assert [n for n in names if f"`{n}`" not in guide and f"/{n}" not in guide] == []
