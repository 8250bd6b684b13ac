"""The sandbox stays as built: HubSpot's side of the wire, no import circle, no per-sandbox module state.

Read from the source with `ast` (nothing is imported), so a violation fails here with its file and
line instead of as a flaky import error or a leak between two portals in one process.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
SANDBOX = SERVER / "segment_lists" / "sandbox"
PACKAGE = "segment_lists.sandbox"
# What the sandbox may use from the rest of the product: the filterBranch grammar and HubSpot's data.
ALLOWED_OUTSIDE = ("segment_lists.filters", "segment_lists.data")
# Module-level calls that make a container meant to fill up at run time (a cache, a registry).
STATEFUL_CALLS = frozenset(
    {"WeakKeyDictionary", "WeakValueDictionary", "WeakSet", "defaultdict", "OrderedDict", "deque", "Counter"}
)
EMPTY_CONTAINER_CALLS = frozenset({"dict", "list", "set"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SERVER).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def anchor(path: Path) -> str:
    """The package a relative import in `path` starts from."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def in_sandbox(target: str) -> bool:
    return target == PACKAGE or target.startswith(PACKAGE + ".")


def sandbox_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SANDBOX.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST, package: str, *, runtime_only: bool) -> Iterator[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import, function-level ones included
    (a lazy import is still an edge); `runtime_only` skips `if TYPE_CHECKING:` blocks. `package`
    anchors relative imports."""

    def walk(node: ast.AST) -> Iterator[tuple[str, list[str], int]]:
        for child in ast.iter_child_nodes(node):
            if runtime_only and isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from walk(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, [], child.lineno
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                yield base, [alias.name for alias in child.names], child.lineno
            yield from walk(child)

    yield from walk(tree)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Runtime edges between sandbox modules; `from pkg import mod` points at the module itself."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names, _ in imports(ast.parse(path.read_text()), anchor(path), runtime_only=True):
            if not in_sandbox(target):
                continue
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            if submodules:
                graph[name].update(submodules)
            if len(submodules) < len(names) or not names:
                graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def module_state(tree: ast.Module) -> list[str]:
    """Module-level containers meant to fill at run time, and `global` rebinding: per-sandbox data
    belongs on the Sandbox, not in a module."""
    problems: list[str] = []
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if value is None:
            continue
        if isinstance(value, ast.Call):
            func = value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in STATEFUL_CALLS or (called in EMPTY_CONTAINER_CALLS and not value.args):
                problems.append(f"line {node.lineno}: module-level {called}()")
        elif (isinstance(value, ast.Dict) and not value.keys) or (
            isinstance(value, ast.List | ast.Set) and not value.elts
        ):
            problems.append(f"line {node.lineno}: module-level empty container")
    problems += [f"line {n.lineno}: `global` statement" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    return problems


# --- the checks themselves must be able to fail ----------------------------------------------------------


def test_the_cycle_finder_finds_a_circle_and_accepts_a_tree() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_state_finder_flags_caches_and_globals() -> None:
    source = (
        "import weakref\n"
        "_CACHE = weakref.WeakKeyDictionary()\n"
        "_seen: dict[str, int] = {}\n"
        "LIMITS = {'a': 1}\n"
        "def f():\n    global LIMITS\n"
    )
    assert module_state(ast.parse(source)) == [
        "line 2: module-level WeakKeyDictionary()",
        "line 3: module-level empty container",
        "line 6: `global` statement",
    ]


def test_a_lazy_import_is_still_an_edge() -> None:
    # The old circle (crm_search <-> fast_search) ran through an import inside a function.
    tree = ast.parse("def f():\n    from segment_lists.sandbox.crm import search\n")
    assert list(imports(tree, "segment_lists.sandbox.crm", runtime_only=True)) == [
        ("segment_lists.sandbox.crm", ["search"], 2)
    ]


# --- the sandbox -----------------------------------------------------------------------------------------


def test_the_sandbox_is_split_into_its_areas() -> None:
    modules = sandbox_modules()
    for package in ("api", "crm", "lists", "seed"):
        assert f"{PACKAGE}.{package}" in modules, f"sandbox/{package}/ is missing"
    assert len(modules) > 30, "the walk found too few modules to be looking at the sandbox"


def allowed_in_sandbox(target: str) -> bool:
    outside = target != "segment_lists" and not target.startswith("segment_lists.")
    return outside or in_sandbox(target) or any(target == a or target.startswith(a + ".") for a in ALLOWED_OUTSIDE)


def test_the_sandbox_imports_only_filters_and_data_from_the_product() -> None:
    offenders = []
    for path in sandbox_modules().values():
        for target, names, line in imports(ast.parse(path.read_text()), anchor(path), runtime_only=False):
            # `from segment_lists import filters` imports segment_lists.filters: judge each name.
            wanted = [f"{target}.{n}" for n in names] if target == "segment_lists" else [target]
            offenders += [f"{path.relative_to(ROOT)}:{line} imports {w}" for w in wanted if not allowed_in_sandbox(w)]
    assert not offenders, "the sandbox is HubSpot's side of the wire:\n" + "\n".join(offenders)


def test_no_import_circle_among_sandbox_modules() -> None:
    graph = import_graph(sandbox_modules())
    assert sum(len(edges) for edges in graph.values()) > 50, "too few edges: the graph is not being read"
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_routes_and_modules_are_imported_by_name() -> None:
    offenders = []
    for path in sandbox_modules().values():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            named = isinstance(node, ast.Import) and any(a.name == "importlib" for a in node.names)
            named |= isinstance(node, ast.ImportFrom) and node.module == "importlib"
            named |= isinstance(node, ast.Name) and node.id == "__import__"
            if named:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "import edges must be visible to a reader: " + ", ".join(offenders)


# Floors inside the sandbox: each area imports only the areas below it (the root __init__ is the
# public surface and may import anything). `instance` sits above crm/ and lists/ because it owns their state.
BASE = {"access_log", "clock", "errors", "store", "sandbox_config"}
MAY_IMPORT: dict[str, set[str]] = {
    "access_log": set(),
    "clock": set(),
    "errors": set(),
    "store": set(),
    "sandbox_config": set(),
    "realism": BASE,
    "crm": BASE,
    "lists": BASE | {"crm"},
    "instance": BASE | {"crm", "lists", "realism"},
    "seed": BASE | {"crm", "lists"},
    "api": BASE | {"crm", "lists", "seed", "instance", "realism"},
    "runner": BASE | {"api", "instance"},
}


def area(module: str) -> str:
    return module.split(".")[2] if module.count(".") >= 2 else "__init__"


def test_sandbox_areas_import_downward_only() -> None:
    graph = import_graph(sandbox_modules())
    assert set(MAY_IMPORT) | {"__init__"} == {area(m) for m in graph}, "a new area needs its floor here"
    upward = [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if area(module) != "__init__" and area(target) != area(module) and area(target) not in MAY_IMPORT[area(module)]
    ]
    assert not upward, "imports that run up a floor:\n" + "\n".join(upward)


@pytest.mark.parametrize("name", sorted(sandbox_modules()))
def test_no_per_sandbox_state_at_module_level(name: str) -> None:
    path = sandbox_modules()[name]
    problems = module_state(ast.parse(path.read_text()))
    assert not problems, f"{path.relative_to(ROOT)}: state belongs on the Sandbox: " + "; ".join(problems)


def test_outside_code_uses_only_the_public_surface() -> None:
    """Everything but the sandbox's own tests imports `segment_lists.sandbox`, never its modules."""
    own = "sandbox_lists_data.py"
    files = [
        *(p for p in SERVER.rglob("*.py") if SANDBOX not in p.parents),
        *(p for p in (ROOT / "tests").rglob("*.py") if not p.name.startswith("test_sandbox_") and p.name != own),
        *(ROOT / "bench").rglob("*.py"),
    ]
    offenders = []
    for path in files:
        package = anchor(path) if SERVER in path.parents else ""
        for target, _, line in imports(ast.parse(path.read_text()), package, runtime_only=False):
            if target.startswith(PACKAGE + "."):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not offenders, "import from segment_lists.sandbox only:\n" + "\n".join(offenders)
