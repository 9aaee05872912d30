"""Writes the deep network master notebook, assignment/deep_nn.ipynb, laid out as the first
assignment's (assignment/rnn_lstm.ipynb): an ASSIGNMENT CONFIG raw cell, our markdown, the
provided helpers, and per graded function a question (raw `# BEGIN QUESTION` with its points), a
solution cell and a public and a hidden test worth a quarter and three quarters of the points.

    python -m solutions.deep_nn.notebook           # (re)write the master
    python -m solutions.deep_nn.notebook --check   # exit 1 if the file on disk is not current

The functions, in order, and the helpers are the declaration's (grader/assignments/deep_nn.py);
what each question is worth is `POINTS`, written into the master, which is where the build reads
it (solutions.points). The solution cells hold body marks (`# reference body: NAME`), as in the
first master: the code exists once, in solutions/deep_nn/reference.py, and the build's
`fill_master` puts it in (`fill()` here, on a copy). There is no `grader.check(...)` cell in a
master: `otter assign` writes one after each question of the student notebook. The set-up cell
is the first master's, with this notebook's file name. `python -m grader build --assignment
deep_nn` builds the assignment from the master.
"""

from __future__ import annotations

import copy
import inspect
import sys
from pathlib import Path

import nbformat
from nbformat import v4

from grader.assignments import deep_nn as spec
from solutions.build import BODY_MARK, HELPERS_MARK, fill_master
from solutions.deep_nn import reference
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
from solutions.recipes import recipe

ROOT = Path(__file__).resolve().parents[2]
NAME = spec.ASSIGNMENT.name
MASTER = ROOT / "assignment" / f"{NAME}.ipynb"
FIRST_MASTER = ROOT / "assignment" / "rnn_lstm.ipynb"
PUBLIC_SHARE = 0.25
POINTS: dict[str, float] = {
    "initialize_parameters_deep": 1.0,
    "linear_forward": 1.0,
    "linear_activation_forward": 1.0,
    "L_model_forward": 2.0,
    "compute_cost": 1.0,
    "linear_backward": 2.0,
    "linear_activation_backward": 2.0,
    "L_model_backward": 3.0,
    "update_parameters": 1.0,
}
"""What each graded function's question is worth; the master carries it to the build."""

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


def question_cells(name: str) -> list:
    """The cells of one question, from `# BEGIN QUESTION` to `# END QUESTION`."""
    points = POINTS[name]
    public = points * PUBLIC_SHARE
    tests = [
        TEST_CELL.format(points=public, hidden="", name=name, case_set="public"),
        TEST_CELL.format(
            points=points - public, hidden="\nhidden: true", name=name, case_set="hidden"
        ),
    ]
    return [
        v4.new_raw_cell(f"# BEGIN QUESTION\nname: {name}\npoints: {points:g}"),
        v4.new_markdown_cell(QUESTIONS[name].strip()),
        v4.new_raw_cell("# BEGIN SOLUTION"),
        v4.new_code_cell(solution_source(name)),
        v4.new_raw_cell("# END SOLUTION"),
        v4.new_raw_cell("# BEGIN TESTS"),
        *(v4.new_code_cell(t) for t in tests),
        v4.new_raw_cell("# END TESTS"),
        v4.new_raw_cell("# END QUESTION"),
    ]


def master() -> nbformat.NotebookNode:
    """The master notebook, with deterministic cell ids so that regenerating changes nothing."""
    if set(POINTS) != set(spec.NAMES):
        raise LookupError(
            f"POINTS names {', '.join(POINTS)}; the declaration's functions are "
            f"{', '.join(spec.NAMES)}"
        )
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
        v4.new_code_cell(HELPERS_MARK + ", ".join(spec.HELPERS)),
    ]
    for name in spec.NAMES:
        cells += question_cells(name)
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


def fill(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `nb` with the body and helper marks replaced by the reference code, as the build
    fills it (solutions.build.fill_master, which fills its argument in place)."""
    return fill_master(copy.deepcopy(nb), recipe(NAME))


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
