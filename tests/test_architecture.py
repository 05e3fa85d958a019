"""The layout's rules (docs/architecture.md), checked on the source with `ast`: no import cycle,
nothing imports the Assistant but the edge, each package imports only what it may, and files
and functions stay short enough to read in one sitting.

Every import counts: at the top of a module, inside a function, under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("counterpoint", "ingest", "ui", "app.py")
OURS = ("counterpoint", "ingest", "ui", "app")

# The core, flat, in layers: a core module imports core modules of lower layers only.
CORE = {
    "counterpoint": 0,  # the package itself: its version
    "counterpoint.errors": 0,
    "counterpoint.config": 1,
    "counterpoint.locking": 1,
    "counterpoint.models": 2,
    "counterpoint.text": 2,
    "counterpoint.markup": 2,
    "counterpoint.attribution": 2,
    "counterpoint.minilm": 2,
    "counterpoint.hub": 2,
    "counterpoint.questions": 3,
    "counterpoint.embedding": 3,
    "counterpoint.chroma": 3,
    "counterpoint.llm": 3,
    "counterpoint.fusion": 3,
    "counterpoint.rerank": 3,
    "counterpoint.sideindex": 3,
    "counterpoint.cases": 4,
    "counterpoint.swap": 4,
    "counterpoint.store": 5,
    "counterpoint.retrieval": 6,
    "counterpoint.adoption": 6,
    "counterpoint.evidence": 6,
    "counterpoint.setapart": 6,
}
# The parts: each imports the core, itself, and what is listed here.
PARTS = {
    "ingest": (),
    "counterpoint.answer": (),
    "counterpoint.matrix": ("counterpoint.answer", "ingest.chunking", "ingest.pipeline"),
    "counterpoint.brief": ("counterpoint.answer", "counterpoint.matrix.models"),
    "counterpoint.evaluation": (
        "ingest",
        "counterpoint.answer",
        "counterpoint.matrix",
        "counterpoint.brief",
    ),
}
# The edge: imports anything but what is listed here.
EDGE = {
    "counterpoint.assistant": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.casework": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.indexing": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.arguments": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.cli": ("counterpoint.__main__", "ingest.__main__", "ui", "app"),
    "counterpoint.doctor": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.repair": ("counterpoint.cli", "counterpoint.__main__", "ui", "app"),
    "counterpoint.__main__": ("ui", "app"),
    "ingest.__main__": ("ui", "app"),
    "ui": ("counterpoint.cli", "app"),
    "app": ("counterpoint.cli",),
}
MAY_IMPORT_ASSISTANT = (
    "counterpoint.assistant",
    "counterpoint.cli",
    "counterpoint.doctor",
    "counterpoint.repair",
    "ui",
    "app",
)
# Imports that break the rules above on purpose, each with its reason. Keep this short.
EXCEPTIONS = {
    ("counterpoint.evidence", "ingest.manifest"): "a document's file is where corpus.toml says",
    ("counterpoint.text", "ingest.characters"): "a question's characters are normalised as a "
    "document's are, by the same function",
}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
TOO_LONG: dict[str, str] = {}  # "module:function" -> why it cannot be split


def within(name: str, prefix: str) -> bool:
    """`name` is the module `prefix` or inside the package `prefix`."""
    return name == prefix or name.startswith(prefix + ".")


def modules(root: Path = ROOT, sources: tuple[str, ...] = SOURCES) -> dict[str, Path]:
    """Dotted module name -> file, for every module under `sources`."""
    found = {}
    for source in sources:
        path = root / source
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for file in files:
            parts = list(file.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = file
    return found


def imports_of(name: str, file: Path, known: set[str]) -> set[str]:
    """The modules of ours that `name` imports anywhere in its file."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module.split(".")[0] in OURS and module != name}


def import_graph(root: Path = ROOT, sources: tuple[str, ...] = SOURCES) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports."""
    files = modules(root, sources)
    known = set(files)
    return {name: imports_of(name, file, known) & known for name, file in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_within(graph, group) for group in groups]


def _path_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, through the group."""
    start = min(group)
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for other in sorted(graph[path[-1]] & group):
            if other == start:
                return [*path, start]
            if other not in path:
                paths.append([*path, other])
    return [start]


def describe(graph: dict[str, set[str]], cycle: list[str]) -> str:
    """A cycle, and every module caught in it with the first one (its strongly connected group)."""
    group = {m for m in graph if _reaches(graph, cycle[0], m) and _reaches(graph, m, cycle[0])}
    others = sorted(group - set(cycle))
    return " -> ".join(cycle) + (f" (also in the loop: {', '.join(others)})" if others else "")


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        for other in graph.get(todo.pop(), ()):
            if other == goal:
                return True
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return False


def breaches(graph: dict[str, set[str]]) -> list[str]:
    """Every import against the direction of docs/architecture.md, as `a -> b: why`."""
    found = []
    for importer, imported in sorted(graph.items()):
        for module in sorted(imported):
            why = _breach(importer, module)
            if why and (importer, module) not in EXCEPTIONS:
                found.append(f"{importer} -> {module}: {why}")
    return found


def _breach(importer: str, module: str) -> str | None:
    if within(module, "counterpoint.assistant") and not any(
        within(importer, edge) for edge in MAY_IMPORT_ASSISTANT
    ):
        return "only the CLI and the UI use the Assistant"
    if importer in CORE:
        if module not in CORE:
            return "the core imports only the core"
        if CORE[module] >= CORE[importer]:
            return f"core layer {CORE[importer]} imports layer {CORE[module]}"
        return None
    edge = next((e for e in EDGE if within(importer, e)), None)
    if edge is not None:
        banned = any(within(module, name) for name in EDGE[edge])
        return f"{edge} never imports {module}" if banned else None
    part = next((p for p in PARTS if within(importer, p)), None)
    if part is None:
        return "not placed in docs/architecture.md (add it to CORE, PARTS or EDGE)"
    allowed = (part, *PARTS[part])
    if module in CORE or any(within(module, name) for name in allowed):
        return None
    return f"{part} may import the core and {', '.join(allowed)} only"


def oversized(root: Path = ROOT) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES, not allowed."""
    found = []
    for name, file in modules(root).items():
        text = file.read_text(encoding="utf-8")
        if (lines := len(text.splitlines())) > MAX_MODULE_LINES and name not in TOO_LONG:
            found.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{name}:{node.name}" not in TOO_LONG:
                    found.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    return found


# --- the rules, on the source --------------------------------------------------------------------


def test_no_module_imports_another_that_imports_it_back():
    graph = import_graph()
    found = [describe(graph, cycle) for cycle in cycles(graph)]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_only_the_cli_and_the_page_use_the_assistant():
    graph = import_graph()
    users = sorted(m for m, imported in graph.items() if "counterpoint.assistant" in imported)
    assert users and all(any(within(m, e) for e in MAY_IMPORT_ASSISTANT) for m in users), users


def test_imports_run_the_way_docs_architecture_says():
    found = breaches(import_graph())
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_exceptions_to_the_layering_are_still_needed():
    graph = import_graph()
    stale = [pair for pair in EXCEPTIONS if pair[1] not in graph.get(pair[0], set())]
    assert not stale, f"no longer imported, remove from EXCEPTIONS: {stale}"


def test_modules_and_functions_are_short_enough_to_read_in_one_sitting():
    found = oversized()
    assert not found, "too long (split along responsibilities):\n" + "\n".join(found)


# --- the checker itself, on planted cycles -------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def test_the_cycle_check_names_a_cycle_through_a_function_and_type_checking(tmp_path):
    write(
        tmp_path,
        {
            "counterpoint/__init__.py": "",
            "counterpoint/a.py": "def f():\n    from counterpoint.b import g\n",
            "counterpoint/b.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from counterpoint import c\n",
            "counterpoint/c.py": "from .a import f\n",
            "counterpoint/d.py": "import counterpoint.a\n",
        },
    )
    found = cycles(import_graph(tmp_path, ("counterpoint",)))
    assert found == [["counterpoint.a", "counterpoint.b", "counterpoint.c", "counterpoint.a"]]


def test_the_direction_check_refuses_a_part_importing_the_assistant():
    graph = {"counterpoint.matrix.build": {"counterpoint.assistant", "counterpoint.store"}}
    assert breaches(graph) == [
        "counterpoint.matrix.build -> counterpoint.assistant: "
        "only the CLI and the UI use the Assistant"
    ]
