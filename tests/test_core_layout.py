"""The model core's layout: `sim.core` stands on `sim.config` alone, and its rooms form layers.

The import graph is read from the source with `ast` (nothing is imported), so these tests take
a fraction of a second. A room is a direct child of `sim.core`: a module (`sim.core.model`) or
a sub-package (`sim.core.passes`, `sim.core.agents`). Imports inside `if TYPE_CHECKING:` blocks
never run; they may name any module of the core (a pass's argument is annotated as the
`HospitalModel` it acts on), but they take no part in the layers. Every other import counts,
whether at module level or inside a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"

# Each room may import its own modules and those of rooms of a lower rank, never a higher one:
# passes may use the rules, records, streams and world; agents may use the passes; the model
# uses them all.
RANKS = {
    "__init__": 0, "mechanisms": 0, "records": 0, "random_streams": 0, "survey": 0,
    "metrics": 0, "world": 0, "staff": 0, "sums": 0,
    "passes": 1,
    "agents": 2,
    "observation": 3,
    "model": 4,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sim_modules() -> dict[str, Path]:
    return {module_name(path): path for path in SIM.rglob("*.py")}


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """The `sim` modules that `name` imports at run time, and those it imports for type
    checking only."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    runtime: set[str] = set()
    typing_only: set[str] = set()

    def resolve(node: ast.Import | ast.ImportFrom) -> set[str]:
        found: set[str] = set()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    found.add(alias.name)
            return found
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            if candidate in modules:
                found.add(candidate)
            elif base in modules:
                found.add(base)
        return found

    def visit(node: ast.AST, typing: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                (typing_only if typing else runtime).update(resolve(child))
            elif is_type_checking_block(child):
                for statement in child.body:  # type: ignore[attr-defined]
                    visit_statement(statement, True)
                for statement in child.orelse:  # type: ignore[attr-defined]
                    visit_statement(statement, typing)
            else:
                visit(child, typing)

    def visit_statement(statement: ast.AST, typing: bool) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            (typing_only if typing else runtime).update(resolve(statement))
        else:
            visit(statement, typing)

    visit(tree, False)
    runtime.discard(name)
    typing_only -= runtime | {name}
    return runtime, typing_only


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = sim_modules()
    runtime, typing_only = {}, {}
    for name, path in modules.items():
        runtime[name], typing_only[name] = imports_of(path, name, modules)
    return runtime, typing_only


def room(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else "__init__"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def core(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: targets for name, targets in graph.items()
            if name == "sim.core" or name.startswith("sim.core.")}


def test_the_core_imports_nothing_from_sim_but_itself_and_the_configuration():
    runtime, typing_only = import_graph()
    outside = {
        (name, target)
        for graph in (runtime, typing_only)
        for name, targets in core(graph).items()
        for target in targets
        if not (target.startswith(("sim.core.", "sim.config.")) or target in (
            "sim.core", "sim.config"))}
    assert not outside, sorted(outside)


def test_every_room_of_the_core_has_a_rank():
    runtime, _ = import_graph()
    assert {room(name) for name in core(runtime)} <= set(RANKS), \
        sorted({room(name) for name in core(runtime)} - set(RANKS))


def test_no_import_circle_crosses_a_room_of_the_core():
    runtime, _ = import_graph()
    crossing = [component for component in cycles(core(runtime))
                if len({room(member) for member in component}) > 1]
    assert not crossing, crossing


def test_rooms_import_only_rooms_of_lower_rank():
    runtime, _ = import_graph()
    upward = sorted(
        (name, target) for name, targets in core(runtime).items() for target in targets
        if target.startswith("sim.core.") and room(target) != room(name)
        and RANKS.get(room(target), 99) >= RANKS.get(room(name), -1))
    assert not upward, upward


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# Libraries that only one command needs and that cost seconds to load: imported where they
# are used, so that the rest of the package does not wait for them. Everything else is
# imported at the top of its module, where the import graph can be read.
LOADED_WHERE_USED = ("SALib", "optuna", "distributed", "dask", "playwright", "solara", "ipyvue",
                     "sim.experiment.dask_relay")


def imports_in_functions() -> list[tuple[str, int, str]]:
    found = []
    for name, path in sorted(sim_modules().items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    targets = [node.module or ""]
                else:
                    continue
                found += [(name, node.lineno, target) for target in targets]
    return found


def test_imports_are_at_module_level_but_for_libraries_one_command_needs():
    inside = [(name, line, target) for name, line, target in imports_in_functions()
              if not any(target == library or target.startswith(f"{library}.")
                         for library in LOADED_WHERE_USED)]
    assert not inside, inside


def test_no_import_circle_anywhere_in_the_package():
    runtime, _ = import_graph()
    assert not cycles(runtime), cycles(runtime)


def test_the_command_line_starts_without_the_page_or_sensitivity_libraries():
    """Every command loads `sim.cli`; the page's Solara, and SALib with the SciPy statistics it
    brings, load only where a command uses them (a second and a half of start-up otherwise)."""
    code = ("import sys, sim.cli; "
            "print(sorted(m for m in ('solara', 'SALib', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
