"""A notebook factory for tests: the built student notebook with chosen function bodies."""

from __future__ import annotations

import ast
import copy
import inspect

import nbformat

from grader.assignments import assignment, named_by
from solutions.recipes import recipe


def defines(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def function_cell(nb: nbformat.NotebookNode, name: str) -> int:
    """The index of the cell that defines `name`; a failed lookup lists what exists."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and name in defines(cell.source):
            return i
    known = sorted(set().union(*(defines(c.source) for c in nb.cells if c.cell_type == "code")))
    raise LookupError(f"no cell defines {name}; defined: {', '.join(known)}")


def reference_source(name: str, assignment_name: str | None = None) -> str:
    return inspect.getsource(getattr(recipe(assignment_name).reference, name))


def notebook(student: nbformat.NotebookNode, **sources: str) -> nbformat.NotebookNode:
    """`student` with every graded function replaced: by `sources[name]` where given, else by
    the reference code (as a student who got it right would have written it). The assignment
    is the one the notebook's metadata names."""
    nb = copy.deepcopy(student)
    name_of = named_by(student)
    for name in assignment(name_of).names:
        source = sources.get(name) or reference_source(name, name_of)
        nb.cells[function_cell(nb, name)].source = source
    return nb


def executed(nb: nbformat.NotebookNode, folder) -> nbformat.NotebookNode:
    """Run `nb` top to bottom (as a student would before saving) and return it with outputs."""
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    NotebookClient(
        nb,
        kernel_name="python3",
        allow_errors=True,
        timeout=120,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return nb
