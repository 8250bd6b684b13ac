"""The house stays as built (docs/DESIGN.md section 2): an import-graph check over `server/`, by reading
the source with `ast` (nothing is imported, so a broken module cannot hide an edge).

Every `import` counts, at module level and inside functions alike: a function-level import is still a
dependency, only a later one. Imports under `if TYPE_CHECKING:` (annotations only) do not. The rules:
- the package root holds only the entry points and sub-packages;
- no import cycle among `segment_lists` modules;
- the faces (`mcp/`, `cli/`) never import the journal or the portal, nor call the portal or the
  journal through a runtime (`rt.portal.x(...)`, `rt.journal`): every such job is a workflow function;
  from the domain they take only what they accept or display (the Plan, the answers, words, text
  cleaning), never the catalog, the planner, the facts or the search translation;
- nothing below the faces imports a face (`mcp`, `cli`), and `mcp` does not import `cli`;
- `boundary` (CRM text, ids, redaction: what crosses the edge, made safe) is the floor: it imports
  nothing else of the package, and every layer but the sandbox may use it;
- the domain is pure: it imports only the domain, `filters`, `data` and `boundary`, and no I/O library;
- the portal imports only itself, `data` and `boundary` (it cleans CRM text where HubSpot's answer enters);
- the sandbox (HubSpot's side of the wire) imports only `filters`, `data` and itself; outside it, only
  the command line's `embedded_sandbox` (for `--sandbox`, `serve --sandbox`, `demo`) and `sandbox_verb`
  import it, and only its public `segment_lists.sandbox`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = "segment_lists"
SOURCE = Path(__file__).resolve().parents[1] / "server" / PACKAGE
FACES = (f"{PACKAGE}.mcp", f"{PACKAGE}.cli")
JOURNAL = f"{PACKAGE}.workflow.journal"
PORTAL = f"{PACKAGE}.portal"
DOMAIN = f"{PACKAGE}.domain"
SHARED = (f"{PACKAGE}.filters", f"{PACKAGE}.data")
BOUNDARY = f"{PACKAGE}.boundary"
SANDBOX = f"{PACKAGE}.sandbox"
FACE_DOMAIN = tuple(f"{DOMAIN}.{name}" for name in ("plan", "interview", "i18n", "text", "industries"))
SANDBOX_USERS = (f"{PACKAGE}.cli.embedded_sandbox", f"{PACKAGE}.cli.sandbox_verb")
# Libraries that do I/O: the domain computes, it never reads or sends.
IO_LIBRARIES = ("hubspot", "mcp", "sqlite3", "urllib3", "anyio", "starlette", "uvicorn", "httpx", "socket", "requests")


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    bound: set[str] = field(default_factory=set)  # names bound at the top level
    imports: list[tuple[str, int]] = field(default_factory=list)  # (imported module, line)
    # Attribute uses that reach the journal or call the portal through a runtime: (what, line).
    reaches: list[tuple[str, int]] = field(default_factory=list)


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def module_name(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def read_modules(root: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    trees: dict[str, ast.Module] = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name, is_package = module_name(root, path)
        modules[name] = Module(name=name, path=path, is_package=is_package)
        trees[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules[name].bound = _top_level_names(trees[name])
    for name, module in modules.items():
        module.imports = list(_imports(trees[name], module, modules))
        module.reaches = list(_reaches(trees[name]))
    return modules


def _top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level (a package's re-exports among them)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:`: an import for annotations only is no runtime edge,
    and is how a module names the type of an object that owns it without a cycle."""
    for child in ast.iter_child_nodes(tree):
        test = child.test if isinstance(child, ast.If) else None
        if getattr(test, "id", getattr(test, "attr", "")) == "TYPE_CHECKING":
            for other in child.orelse:  # type: ignore[attr-defined]
                yield other
                yield from _runtime_nodes(other)
            continue
        yield child
        yield from _runtime_nodes(child)


def _imports(tree: ast.AST, module: Module, known: dict[str, Module]) -> Iterator[tuple[str, int]]:
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from pkg import module` depends on that module; `from pkg import name` on pkg itself,
            # also when a submodule has the same name as what the package re-exports.
            exported = known[source].bound if source in known else set()
            named = [
                f"{source}.{alias.name}"
                for alias in node.names
                if f"{source}.{alias.name}" in known and alias.name not in exported
            ]
            if len(named) < len(node.names) or not named:
                yield source, node.lineno
            for name in named:
                yield name, node.lineno


def _reaches(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """`x.journal` anywhere, and calls through `x.portal` (`rt.portal.get_lists(...)`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "journal":
            yield ".journal", node.lineno
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "portal"
        ):
            yield f".portal.{node.func.attr}()", node.lineno


def internal_edges(modules: dict[str, Module]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for module in modules.values():
        for target, _ in module.imports:
            if target in modules and target != module.name:
                edges[module.name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        # Iterative, so a deep graph never hits the recursion limit.
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return found


def violations(root: Path) -> list[str]:
    """Every broken rule, one line each (file:line and why)."""
    modules = read_modules(root)
    problems: list[str] = []

    for entry in sorted(root.iterdir()):
        if entry.name == "__pycache__":
            continue
        allowed = entry.name in {"__init__.py", "__main__.py"} or (entry.is_dir() and (entry / "__init__.py").is_file())
        if not allowed:
            problems.append(f"{entry.name}: the package root holds only __init__.py, __main__.py and sub-packages")

    def where(module: Module, line: int) -> str:
        return f"{module.path.relative_to(root.parent)}:{line}"

    for module in modules.values():
        name = module.name
        for target, line in module.imports:
            if not within(target, PACKAGE) and not within(name, DOMAIN):
                continue
            if within(name, *FACES):
                if within(target, JOURNAL, PORTAL):
                    problems.append(f"{where(module, line)}: a face imports {target}; call a workflow function")
                if within(target, DOMAIN) and target != DOMAIN and not within(target, *FACE_DOMAIN):
                    problems.append(f"{where(module, line)}: a face imports {target}; only the workflow uses it")
                if within(name, f"{PACKAGE}.mcp") and within(target, f"{PACKAGE}.cli"):
                    problems.append(f"{where(module, line)}: the MCP face imports the command line ({target})")
            elif within(target, *FACES) and name not in {PACKAGE, f"{PACKAGE}.__main__"}:
                problems.append(f"{where(module, line)}: {name} is below the faces but imports {target}")
            if within(target, SANDBOX) and not within(name, SANDBOX):
                if name not in SANDBOX_USERS:
                    problems.append(f"{where(module, line)}: {name} starts a sandbox; use cli.embedded_sandbox")
                elif target != SANDBOX:
                    problems.append(f"{where(module, line)}: imports {target}; only segment_lists.sandbox is public")
            if within(name, SANDBOX) and within(target, PACKAGE) and not within(target, SANDBOX, *SHARED):
                problems.append(f"{where(module, line)}: the sandbox imports {target} (only filters, data, sandbox)")
            if within(name, DOMAIN):
                if within(target, PACKAGE) and not within(target, DOMAIN, *SHARED, BOUNDARY):
                    problems.append(
                        f"{where(module, line)}: the domain imports {target} (only domain, filters, data, boundary)"
                    )
                if within(target, *IO_LIBRARIES):
                    problems.append(f"{where(module, line)}: the domain imports {target}, an I/O library")
            if (
                within(name, PORTAL)
                and within(target, PACKAGE)
                and not within(target, PORTAL, f"{PACKAGE}.data", BOUNDARY)
            ):
                problems.append(f"{where(module, line)}: the portal imports {target} (only portal, data, boundary)")
            if within(name, BOUNDARY) and within(target, PACKAGE) and not within(target, BOUNDARY):
                problems.append(f"{where(module, line)}: the boundary imports {target} (only itself)")
        if within(name, *FACES):
            for what, line in module.reaches:
                problems.append(f"{where(module, line)}: a face reaches {what}; call a workflow function")

    for component in cycles(internal_edges(modules)):
        problems.append("import cycle: " + " <-> ".join(component))
    return sorted(problems)


def test_the_house_stands_as_built() -> None:
    assert SOURCE.is_dir(), SOURCE
    problems = violations(SOURCE)
    assert problems == [], "\n".join(problems)


# --- the check itself can fail: a small package that breaks every rule ------------------------------


def _write(root: Path, files: Iterable[tuple[str, str]]) -> None:
    for relative, text in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / PACKAGE
    packages = ["", "mcp/", "cli/", "workflow/", "portal/", "domain/", "sandbox/", "filters/", "data/", "boundary/"]
    _write(root, [("domain/planner.py", "")])
    _write(root, [(f"{p}__init__.py", "") for p in packages])
    _write(
        root,
        [
            ("loose.py", ""),
            (
                "mcp/tools.py",
                "from segment_lists.workflow.journal import Journal\nfrom segment_lists.domain import planner\n",
            ),
            (
                "cli/verbs.py",
                "def run(rt):\n    from segment_lists.portal import client\n    rt.portal.get_lists([])\n"
                "    return rt.journal\n",
            ),
            ("workflow/journal.py", ""),
            ("workflow/apply.py", "from segment_lists.mcp import tools\nfrom segment_lists.workflow import verify\n"),
            ("workflow/verify.py", "def later():\n    from segment_lists.workflow.apply import x\n"),
            ("portal/client.py", "from segment_lists.workflow import apply\n"),
            ("domain/catalog.py", "import sqlite3\nfrom ..workflow import apply\n"),
            ("sandbox/app.py", "from segment_lists.portal import client\n"),
            ("cli/embedded_sandbox.py", "from segment_lists.sandbox.app import x\n"),
            ("cli/demo_verb.py", "from segment_lists.sandbox import RunningSandbox\n"),
            ("boundary/text.py", "from segment_lists.domain import planner\n"),
            ("sandbox/ids.py", "from segment_lists.boundary import text\n"),
        ],
    )
    return root


def test_the_check_finds_every_kind_of_breach(broken: Path) -> None:
    found = "\n".join(violations(broken))
    expected = [
        "loose.py: the package root holds only",
        "mcp/tools.py:1: a face imports segment_lists.workflow.journal",
        "mcp/tools.py:2: a face imports segment_lists.domain.planner",
        "cli/verbs.py:2: a face imports segment_lists.portal.client",  # function level counts
        "cli/verbs.py:3: a face reaches .portal.get_lists()",
        "cli/verbs.py:4: a face reaches .journal",
        "workflow/apply.py:1: segment_lists.workflow.apply is below the faces but imports segment_lists.mcp.tools",
        "import cycle: segment_lists.workflow.apply <-> segment_lists.workflow.verify",  # via a function-level import
        "portal/client.py:1: the portal imports segment_lists.workflow.apply",
        "domain/catalog.py:1: the domain imports sqlite3, an I/O library",
        "domain/catalog.py:2: the domain imports segment_lists.workflow.apply",  # relative imports resolved
        "sandbox/app.py:1: the sandbox imports segment_lists.portal.client",
        "cli/embedded_sandbox.py:1: imports segment_lists.sandbox.app; only segment_lists.sandbox is public",
        "cli/demo_verb.py:1: segment_lists.cli.demo_verb starts a sandbox; use cli.embedded_sandbox",
        "boundary/text.py:1: the boundary imports segment_lists.domain.planner",
        "sandbox/ids.py:1: the sandbox imports segment_lists.boundary.text",
    ]
    missing = [line for line in expected if line not in found]
    assert missing == [], f"not reported: {missing}\nreported:\n{found}"
