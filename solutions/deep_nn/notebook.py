"""Writes the deep network master notebook, assignment/deep_nn.ipynb, laid out as the first
assignment's (assignment/rnn_lstm.ipynb): an ASSIGNMENT CONFIG raw cell, our markdown, the
provided helpers, and per graded function a question (raw `# BEGIN QUESTION` with its points), a
solution cell and a public and a hidden test worth a quarter and three quarters of the points.

    python -m solutions.deep_nn.notebook           # (re)write the master
    python -m solutions.deep_nn.notebook --check   # exit 1 if the file on disk is not current

The solution cells hold body marks (`# reference body: NAME`), as in the first master: the code
exists once, in solutions/deep_nn/reference.py, and `fill()` puts it in, as the build's
`fill_master` does for the first assignment. There is no `grader.check(...)` cell in a master:
`otter assign` writes one after each question of the student notebook. The set-up cell is the
first master's, with this notebook's file name. Not wired into the build yet.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat import v4

from solutions.deep_nn import reference, spec_draft
from solutions.deep_nn.notebook_text import (
    BEFORE_YOU_START,
    DOCSTRINGS,
    HELPERS,
    HOW_TO_CHECK,
    NOTATION,
    QUESTIONS,
    TITLE,
    WELL_DONE,
)

ROOT = Path(__file__).resolve().parents[2]
NAME = "deep_nn"
MASTER = ROOT / "assignment" / f"{NAME}.ipynb"
FIRST_MASTER = ROOT / "assignment" / "rnn_lstm.ipynb"
BODY_MARK = "# reference body: "  # the same marks as solutions/build.py's
HELPERS_MARK = "# reference helpers: "
PUBLIC_SHARE = 0.25

CONFIG = f"""\
# ASSIGNMENT CONFIG
name: {NAME}
init_cell: false
check_all_cell: false
export_cell: false
run_tests: true
files:
  - grader
autograder_files:
  - hidden_cases.json
  - rnn_grader
requirements:
  - /autograder/source/files/rnn_grader
plugins:
  - grader.otter_plugin.RootCausePlugin:
      mutated_inputs: fail
tests:
  files: false
  ok_format: false"""

TEST_CELL = '''\
""" # BEGIN TEST CONFIG
points: {points:g}{hidden}
""" # END TEST CONFIG
def test_{name}_{case_set}(env):
    import grader.notebook_checks as checks
    checks.assert_function("{name}", env, case_set="{case_set}")'''


def setup_source() -> str:
    """The first master's set-up cell, pointed at this notebook's file."""
    first = nbformat.read(FIRST_MASTER, as_version=4)
    for cell in first.cells:
        if cell.cell_type == "code" and cell.source.startswith("# Set-up"):
            return cell.source.replace("rnn_lstm", NAME)
    raise LookupError(f"{FIRST_MASTER} has no code cell starting with '# Set-up'")


def solution_source(name: str) -> str:
    """Signature, the student-facing docstring, and the body mark between solution markers."""
    params = ", ".join(inspect.signature(getattr(reference, name)).parameters)
    return (
        f'def {name}({params}):\n    """{DOCSTRINGS[name]}"""\n'
        f"    # BEGIN SOLUTION\n    {BODY_MARK}{name}\n    # END SOLUTION"
    )


def question_cells(fn: spec_draft.Function) -> list:
    """The cells of one question, from `# BEGIN QUESTION` to `# END QUESTION`."""
    public = fn.points * PUBLIC_SHARE
    tests = [
        TEST_CELL.format(points=public, hidden="", name=fn.name, case_set="public"),
        TEST_CELL.format(
            points=fn.points - public, hidden="\nhidden: true", name=fn.name, case_set="hidden"
        ),
    ]
    return [
        v4.new_raw_cell(f"# BEGIN QUESTION\nname: {fn.name}\npoints: {fn.points:g}"),
        v4.new_markdown_cell(QUESTIONS[fn.name].strip()),
        v4.new_raw_cell("# BEGIN SOLUTION"),
        v4.new_code_cell(solution_source(fn.name)),
        v4.new_raw_cell("# END SOLUTION"),
        v4.new_raw_cell("# BEGIN TESTS"),
        *(v4.new_code_cell(t) for t in tests),
        v4.new_raw_cell("# END TESTS"),
        v4.new_raw_cell("# END QUESTION"),
    ]


def master() -> nbformat.NotebookNode:
    """The master notebook, with deterministic cell ids so that regenerating changes nothing."""
    setup = v4.new_code_cell(setup_source())
    setup.metadata.update({"deletable": False, "editable": False})
    cells = [
        v4.new_raw_cell(CONFIG),
        v4.new_markdown_cell(TITLE.strip()),
        v4.new_markdown_cell(BEFORE_YOU_START.strip()),
        setup,
        v4.new_markdown_cell(NOTATION.strip()),
        v4.new_markdown_cell(HOW_TO_CHECK.strip()),
        v4.new_code_cell("import numpy as np"),
        v4.new_markdown_cell(HELPERS.strip()),
        v4.new_code_cell(HELPERS_MARK + ", ".join(spec_draft.HELPERS)),
    ]
    for fn in spec_draft.FUNCTIONS:
        cells += question_cells(fn)
    cells.append(v4.new_markdown_cell(WELL_DONE.strip()))
    for i, cell in enumerate(cells):
        cell.id = f"{NAME}-{i:03d}"
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "grader": {"assignment": NAME},
    }
    return nb


def function_body(name: str) -> str:
    """The statements of reference.<name> after its signature and docstring, dedented."""
    source = textwrap.dedent(inspect.getsource(getattr(reference, name)))
    node = ast.parse(source).body[0]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    lines = source.splitlines()
    return textwrap.dedent("\n".join(lines[body[0].lineno - 1 : node.end_lineno]))


def fill(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `nb` with the body and helper marks replaced by the reference code."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out = []
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped.startswith(BODY_MARK):
                indent = line[: len(line) - len(line.lstrip())]
                body = function_body(stripped[len(BODY_MARK) :].strip())
                out += [indent + b if b else b for b in body.splitlines()]
            elif stripped.startswith(HELPERS_MARK):
                names = [n.strip() for n in stripped[len(HELPERS_MARK) :].split(",")]
                out += "\n\n\n".join(
                    inspect.getsource(getattr(reference, n)).rstrip() for n in names
                ).splitlines()
            else:
                out.append(line)
        cell.source = "\n".join(out)
    return nb


def text(nb: nbformat.NotebookNode) -> str:
    """The notebook as written to disk."""
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = text(master())
    if "--check" in argv:
        current = MASTER.read_text(encoding="utf-8") if MASTER.exists() else ""
        if current != wanted:
            print(f"{MASTER} is out of date: run python -m solutions.deep_nn.notebook")
            return 1
        return 0
    MASTER.write_text(wanted, encoding="utf-8")
    print(f"wrote {MASTER}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
