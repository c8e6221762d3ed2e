"""The package's layout: imports go down the stages, and no module imports itself back through others.

The imports are read from the source with :mod:`ast` (nothing is imported), every one of them: at the top of a
module, inside a function (a deferred import is still a dependency), under ``if TYPE_CHECKING``. Each module
belongs to the stage its first name under ``symnet`` gives; a module may import its own stage and the stages
below it. The notes verifier (``symnet/notes/``) is one stage with stages of its own (``NOTES_STAGES``, given by
a module's second name under ``symnet.notes``), held to the same rule inside it.
"""
from __future__ import annotations

import ast
import warnings
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"

#: The stages, bottom first: a module may import from its own stage and those before it.
STAGES = (
    "errors",      # the named exceptions every stage raises
    "algebra",     # graphs, functions, matrix operations, rules, reverse mode
    "codegen",     # printers, runtimes, compile_graph
    "checking",    # finite differences, complex step, the scalar-level oracle
    "models",      # scalar, matrix and sequence blocks, the CLI's name registry
    "training",    # data sets, optimisers, the loop, plotting, saving
    "theory",      # results notes state, derived (and set beside training)
    "rendering",   # derivations written out, reprs and notebook views
    "notes",       # the notes verifier, itself in stages (NOTES_STAGES)
    "cli",         # the command line
    "",            # the package itself: symnet/__init__.py (the public API) and __main__.py
)

#: The notes verifier's own stages, bottom first (``symnet/notes/<stage>/`` or ``symnet/notes/<stage>.py``).
NOTES_STAGES = (
    "limits",      # soft time limits inside one process
    "extract",     # files read safely, Markdown and notebook cells, formulas with line and column
    "latex",       # parse: the grammar of notes' LaTeX
    "read",        # what a formula means (SymPy in the note's context), what the note assumes
    "decide",      # whether a relation holds: sampling in high precision, symbolic checks, matrices
    "judge",       # each formula classified and judged in order, the note's state, doubt before refuting
    "verify",      # report: one note in this process, many in worker processes, text or JSON
    "",            # symnet/notes/__init__.py
)

#: Names the package's own ``__init__`` defines before it imports anything: metadata any stage may read.
ROOT_METADATA = frozenset({"__version__"})


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``symnet/algebra/graph.py`` -> ``symnet.algebra.graph``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``source`` (the text of ``module``) imports, relative imports resolved.

    ``from X import a`` names the module ``X.a`` when that is a module, else ``X`` itself; an import of the
    package root for its metadata alone (``from .. import __version__``) is no dependency.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    with warnings.catch_warnings():  # a module's own invalid escapes are its business, not the layout's
        warnings.simplefilter("ignore", (DeprecationWarning, SyntaxWarning))
        tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            found.update(submodules)
            rest = [n for n in names if f"{target}.{n}" not in known]
            if rest and not (target == "symnet" and set(rest) <= ROOT_METADATA):
                found.add(target)
    return {m for m in found if m in known and m != module}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    known = set(paths)
    return {m: imports_of(p.read_text(encoding="utf-8"), m, p.name == "__init__.py", known)
            for m, p in paths.items()}


def stage(module: str) -> str:
    """The stage a module belongs to: its first name under ``symnet`` (``""`` for the package itself)."""
    parts = module.split(".")
    first = parts[1] if len(parts) > 1 else ""
    return "" if first == "__main__" else first


def notes_stage(module: str) -> str:
    """The notes stage of a module of ``symnet.notes``: its name under it (``""`` for the package itself)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""


def upward_imports(graph: dict[str, set[str]], stages: tuple[str, ...] = STAGES,
                   notes_stages: tuple[str, ...] = NOTES_STAGES) -> list[str]:
    """``a -> b`` for each import of a module in a stage above the importer's (inside the notes verifier: of a
    module in a notes stage above the importer's)."""
    bad = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if stages.index(stage(target)) > stages.index(stage(module)):
                bad.append(f"{module} ({stage(module) or 'package'}) -> {target} ({stage(target) or 'package'})")
            elif stage(module) == stage(target) == "notes" and \
                    notes_stages.index(notes_stage(target)) > notes_stages.index(notes_stage(module)):
                bad.append(f"{module} (notes {notes_stage(module) or 'package'}) -> "
                           f"{target} (notes {notes_stage(target) or 'package'})")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles between modules (each a strongly connected component of more than one module, or a
    module importing itself)."""
    edges: dict[str, set[str]] = {}
    for module, targets in graph.items():
        edges.setdefault(module, set()).update(targets)
        for target in targets:
            edges.setdefault(target, set())
    # Tarjan's strongly connected components, iteratively
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
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
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return found


# -- the package ----------------------------------------------------------------------------------------------

def test_every_module_belongs_to_a_stage():
    graph = import_graph()
    assert len(graph) > 40  # the walk found the package
    assert {stage(m) for m in graph} <= set(STAGES), {stage(m) for m in graph} - set(STAGES)
    notes = {notes_stage(m) for m in graph if stage(m) == "notes"}
    assert notes == set(NOTES_STAGES), notes ^ set(NOTES_STAGES)


def test_imports_go_down_the_stages():
    assert upward_imports(import_graph()) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def test_each_stage_package_says_which_stage_it_is():
    # the docstring a newcomer reads first names the stage's place in STAGES
    for number, name in enumerate(STAGES):
        init = PACKAGE / name / "__init__.py"
        if name and init.exists():
            doc = _docstring(init)
            assert doc.startswith(f"Stage {number}, "), (name, doc[:40])
            assert "May import" in doc, name


def test_each_notes_stage_says_which_stage_it_is():
    # the same inside the notes verifier: a package's __init__ or a one-module stage opens with its place
    for number, name in enumerate(NOTES_STAGES[:-1]):
        path = PACKAGE / "notes" / name / "__init__.py"
        path = path if path.exists() else PACKAGE / "notes" / f"{name}.py"
        doc = _docstring(path)
        assert doc.startswith(f"Notes stage {number}, "), (name, doc[:40])
        assert "May import" in doc, name


def test_the_walk_sees_deferred_and_relative_imports():
    # the pipeline's real edges, one of them deferred (inside a function): the reader resolves them all
    graph = import_graph()
    assert "symnet.algebra.graph" in graph["symnet.algebra.derive"]
    assert "symnet.codegen.numeric" in graph["symnet.codegen.compile"]  # from . import numeric
    assert "symnet.checking.scalarize" in graph["symnet.models.registry"]  # inside build_model
    assert "symnet.notes.extract" in graph["symnet.cli.from_note"]  # inside a function too
    assert "symnet.notes.judge.definitions" in graph["symnet.notes.judge.reading"]  # from . import definitions
    assert "symnet.notes.judge.definitions" in graph["symnet.notes.verify.worker"]  # deferred, two dots up


# -- negative controls: a layout the checker must reject -----------------------------------------------------

def test_a_cycle_and_an_upward_import_are_caught():
    # the two circles this layout removed, written back in: scalar blocks <-> matrix blocks (one stage), and
    # the algebra's graph asking the rendering stage for its repr (up the stages, and round through derive)
    graph = {
        "symnet.models.scalar_blocks": {"symnet.models.matrix_blocks"},
        "symnet.models.matrix_blocks": {"symnet.models.scalar_blocks"},
        "symnet.algebra.graph": {"symnet.rendering.display"},
        "symnet.rendering.display": {"symnet.rendering.render"},
        "symnet.rendering.render": {"symnet.algebra.derive"},
        "symnet.algebra.derive": {"symnet.algebra.graph"},
        "symnet.errors": set(),
    }
    assert sorted(map(tuple, cycles(graph))) == [
        ("symnet.algebra.derive", "symnet.algebra.graph", "symnet.rendering.display", "symnet.rendering.render"),
        ("symnet.models.matrix_blocks", "symnet.models.scalar_blocks"),
    ]
    assert upward_imports(graph) == ["symnet.algebra.graph (algebra) -> symnet.rendering.display (rendering)"]


def test_a_self_import_is_a_cycle():
    assert cycles({"symnet.theory": {"symnet.theory"}}) == [["symnet.theory"]]


def test_the_notes_stages_are_walked_inside():
    # the circles the notes split removed, written back in: meaning <-> expectation (one notes stage), the
    # runner <-> the one-note verifier, and the meaning of a formula asking the judge (up the notes stages)
    graph = {
        "symnet.notes.read.meaning": {"symnet.notes.read.expectation", "symnet.notes.judge.state"},
        "symnet.notes.read.expectation": {"symnet.notes.read.meaning"},
        "symnet.notes.judge.state": {"symnet.notes.read.meaning"},
        "symnet.notes.verify.note": {"symnet.notes.verify.runner", "symnet.notes.judge.state"},
        "symnet.notes.verify.runner": {"symnet.notes.verify.note"},
        "symnet.notes.limits": set(),
    }
    assert sorted(map(tuple, cycles(graph))) == [
        ("symnet.notes.judge.state", "symnet.notes.read.expectation", "symnet.notes.read.meaning"),
        ("symnet.notes.verify.note", "symnet.notes.verify.runner"),
    ]
    assert upward_imports(graph) == [
        "symnet.notes.read.meaning (notes read) -> symnet.notes.judge.state (notes judge)"]
    # a notes module importing the command line is still caught as going up the outer stages
    assert upward_imports({"symnet.notes.limits": {"symnet.cli.commands"}}) == [
        "symnet.notes.limits (notes) -> symnet.cli.commands (cli)"]


def test_the_reader_resolves_what_a_module_really_imports(tmp_path):
    # a synthetic package on disk: a deferred upward import, a relative submodule import, root metadata
    root = tmp_path / "symnet"
    for name, text in {
        "__init__.py": '__version__ = "0"\nfrom .algebra.graph import Graph\n',
        "algebra/__init__.py": "",
        "algebra/graph.py": "def show():\n    from ..cli import commands\n    from .. import __version__\n",
        "cli/__init__.py": "",
        "cli/commands.py": "from ..algebra import graph\nimport symnet.algebra\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    graph = import_graph(root)
    assert graph == {
        "symnet": {"symnet.algebra.graph"},
        "symnet.algebra": set(),
        "symnet.algebra.graph": {"symnet.cli.commands"},
        "symnet.cli": set(),
        "symnet.cli.commands": {"symnet.algebra.graph", "symnet.algebra"},
    }
    assert upward_imports(graph) == ["symnet.algebra.graph (algebra) -> symnet.cli.commands (cli)"]
    assert cycles(graph) == [["symnet.algebra.graph", "symnet.cli.commands"]]
