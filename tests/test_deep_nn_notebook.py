"""Checks of the deep network master notebook (assignment/deep_nn.ipynb) and its generator
(solutions/deep_nn/notebook.py): valid nbformat 4, current with the generator, one question per
graded function with its points (the generator's POINTS) split a quarter public, three quarters
hidden, solution cells that are the reference once filled, and a master that `otter assign`
accepts."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import yaml

from grader.assignments import deep_nn as spec
from solutions.build import function_body
from solutions.deep_nn import cases, notebook
from solutions.deep_nn import reference as ref

TEST_CONFIG = re.compile(r'^""" # BEGIN TEST CONFIG\n(?P<yaml>.*?)\n""" # END TEST CONFIG', re.S)


@pytest.fixture(scope="module")
def master() -> nbformat.NotebookNode:
    return nbformat.read(notebook.MASTER, as_version=4)


@pytest.fixture(scope="module")
def filled(master) -> nbformat.NotebookNode:
    return notebook.fill(master)


def questions(nb) -> dict[str, dict]:
    """function -> {"points", "markdown", "solution", "tests": [(config, source)]}, read from the
    raw-cell markers."""
    found: dict[str, dict] = {}
    current = None
    in_tests = False
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "raw" and source.startswith("# BEGIN QUESTION"):
            data = yaml.safe_load(source.partition("\n")[2])
            assert data["name"] not in found, f"two questions for {data['name']}"
            current = found[data["name"]] = {"points": data["points"], "tests": []}
        elif cell.cell_type == "raw" and source.strip() == "# END QUESTION":
            current = None
        elif cell.cell_type == "raw" and source.strip() in ("# BEGIN TESTS", "# END TESTS"):
            in_tests = source.strip() == "# BEGIN TESTS"
        elif current is not None and cell.cell_type == "markdown":
            current.setdefault("markdown", source)
        elif current is not None and cell.cell_type == "code" and in_tests:
            match = TEST_CONFIG.match(source)
            assert match, f"a test cell without a TEST CONFIG block: {source[:60]!r}"
            current["tests"].append((yaml.safe_load(match["yaml"]), source))
        elif current is not None and cell.cell_type == "code":
            current["solution"] = source
    return found


def without_docstring(fn: ast.FunctionDef) -> str:
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


def test_master_is_valid_nbformat_4(master):
    """nbformat validates the file, and it is version 4 with unique cell ids."""
    nbformat.validate(master)
    assert master.nbformat == 4
    ids = [c.id for c in master.cells]
    assert len(ids) == len(set(ids))


def test_master_is_what_the_generator_writes():
    """The file on disk is the generator's current output (regenerate with
    python -m solutions.deep_nn.notebook)."""
    assert notebook.main(["--check"]) == 0


def test_every_graded_function_has_a_question_with_its_points(master):
    """One question per graded function, in the declared order, worth the points the generator
    gives it (notebook.POINTS); its public test has a quarter of them, its hidden test the rest,
    and both check that function."""
    found = questions(master)
    assert list(found) == list(spec.NAMES)
    for name in spec.NAMES:
        q, points = found[name], notebook.POINTS[name]
        assert q["points"] == points > 0
        (public, public_src), (hidden, hidden_src) = q["tests"]
        assert not public.get("hidden") and hidden["hidden"] is True
        assert public["points"] == pytest.approx(0.25 * points)
        assert public["points"] + hidden["points"] == pytest.approx(points)
        assert f'assert_function("{name}", env, case_set="public")' in public_src
        assert f'assert_function("{name}", env, case_set="hidden")' in hidden_src
        assert f"`{name}`" in q["markdown"].splitlines()[0]
        assert "$" in q["markdown"]


def test_solution_cells_are_the_reference_once_filled(filled):
    """Each solution cell defines its function alone, with the reference's parameters and,
    docstrings aside, the reference's code; no mark is left."""
    for name, q in questions(filled).items():
        tree = ast.parse(q["solution"])
        assert [type(n) for n in tree.body] == [ast.FunctionDef]
        (got,) = tree.body
        (want,) = ast.parse(inspect.getsource(getattr(ref, name))).body
        assert got.name == name
        assert ast.dump(got.args) == ast.dump(want.args)
        assert without_docstring(got) == without_docstring(want), name
    sources = "\n".join(c.source for c in filled.cells if c.cell_type == "code")
    assert notebook.BODY_MARK not in sources and notebook.HELPERS_MARK not in sources


def test_helpers_cell_is_the_reference_helpers(filled):
    """The helpers cell, once filled, is the source of the four provided helpers."""
    (cell,) = [c for c in filled.cells if c.cell_type == "code" and "def sigmoid(" in c.source]
    for name in spec.HELPERS:
        assert inspect.getsource(getattr(ref, name)).strip() in cell.source
    assert {n.name for n in ast.parse(cell.source).body} == set(spec.HELPERS)


def test_filled_notebook_computes_the_reference_results(filled):
    """The helpers and solution cells, run in a fresh namespace, give the reference's results
    on every public case (the notebook's code is the reference's, not a copy gone stale)."""
    scope: dict = {}
    for cell in filled.cells:
        if cell.cell_type == "code" and cell.source.startswith(("import numpy", "def ")):
            exec(compile(cell.source, "<deep_nn master>", "exec"), scope)  # noqa: S102
    for case in cases.PUBLIC_CASES:
        got = cases.call(case, scope[case.function])
        want = cases.expected(case)
        flat_got, flat_want = _arrays(got), _arrays(want)
        assert len(flat_got) == len(flat_want)
        assert all(np.array_equal(g, w) for g, w in zip(flat_got, flat_want)), case.name


def _arrays(value) -> list:
    if isinstance(value, dict):
        return [x for k in sorted(value) for x in _arrays(value[k])]
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _arrays(v)]
    return [np.asarray(value)]


def test_setup_cell_names_this_notebook(master):
    """The set-up cell looks for deep_nn.ipynb and nothing of the first assignment."""
    setup = next(c for c in master.cells if c.cell_type == "code")
    assert setup.source.startswith("# Set-up")
    assert "deep_nn.ipynb" in setup.source and "rnn_lstm" not in setup.source
    assert master.metadata["grader"]["assignment"] == notebook.NAME


def test_otter_assign_accepts_the_master(filled, tmp_path):
    """otter assign (without the engine: no tests run, no files) writes a student notebook with
    a grader.check cell after each function, the solution bodies taken out."""
    nb = nbformat.from_dict(filled)
    config = nb.cells[0].source
    assert config.startswith("# ASSIGNMENT CONFIG")
    keep = ("name:", "init_cell:", "check_all_cell:", "export_cell:")
    lines = [line for line in config.splitlines()[1:] if line.startswith(keep)]
    nb.cells[0].source = "\n".join(["# ASSIGNMENT CONFIG", *lines, "run_tests: false"])
    nbformat.write(nb, tmp_path / "deep_nn.ipynb")
    done = subprocess.run(
        [sys.executable, "-m", "otter", "assign", "deep_nn.ipynb", "dist"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    student = nbformat.read(tmp_path / "dist" / "student" / "deep_nn.ipynb", as_version=4)
    code = [c.source for c in student.cells if c.cell_type == "code"]
    for name in spec.NAMES:
        (i,) = [k for k, src in enumerate(code) if src.startswith(f"def {name}(")]
        assert code[i + 1] == f'grader.check("{name}")'
        assert function_body(name, ref).splitlines()[-1].strip() not in code[i]


def test_markdown_math_is_balanced(master):
    """Every markdown cell opens and closes its $$ display math and its $ inline math, so no
    equation swallows the prose after it."""
    for i, cell in enumerate(master.cells):
        if cell.cell_type != "markdown":
            continue
        source = re.sub(r"`[^`]*`", "", cell.source)  # code spans hold no math
        assert source.count("$$") % 2 == 0, f"cell {i}: unpaired $$"
        inline = re.sub(r"\$\$.*?\$\$", "", source, flags=re.S)
        assert inline.count("$") % 2 == 0, f"cell {i}: unpaired $"
