"""The deep network's built bundle: what students receive holds no solution code and no hidden
data, as for the first assignment (tests/test_bundle.py)."""

import json
from pathlib import Path

import nbformat
import numpy as np

from grader import probe
from grader.assignments import deep_nn as spec
from solutions.build import function_body
from solutions.deep_nn import reference
from solutions.recipes import recipe

MIN_LINE = 18  # shorter lines (`return Z, cache`) also occur in prompts and docstrings


def _student_texts(build) -> dict[Path, str]:
    folder = build["student"].parent
    return {
        p: p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    }


def _given() -> str:
    """The master's prose: what it tells students on purpose (the recipe of L_model_forward
    says `L = len(parameters) // 2`, as the classic exercise does)."""
    master = nbformat.read(recipe("deep_nn").master, as_version=4)
    return "\n".join(c.source for c in master.cells if c.cell_type == "markdown")


def _solution_lines() -> set[str]:
    """Reference body lines long enough to be telling, less what the prose gives."""
    given = _given()
    lines = set()
    for name in spec.NAMES:
        for line in function_body(name, reference).splitlines():
            line = line.strip()
            if len(line) >= MIN_LINE and not line.startswith("#") and line not in given:
                lines.add(line)
    return lines


def test_student_bundle_has_no_solution_code(built_deep_nn):
    """No line of any reference function body appears in any file given to students, and the
    same lines are found in the autograder's solution notebook (the check can fail)."""
    lines = _solution_lines()
    assert len(lines) > 20
    for path, text in _student_texts(built_deep_nn).items():
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path} contains solution lines: {leaked[:3]}"
    solution = built_deep_nn["solution"].read_text(encoding="utf-8")
    assert sum(line in solution for line in lines) > 20


def test_student_bundle_has_no_hidden_data(built_deep_nn):
    """No hidden case file, hidden test or hidden array reaches the student folder."""
    texts = _student_texts(built_deep_nn)
    assert not any(p.name == "hidden_cases.json" for p in texts)
    joined = "\n".join(texts.values())
    assert 'case_set="hidden"' not in joined and "_hidden" not in joined
    hidden = probe.decode(json.loads((built_deep_nn["cases"] / "hidden_cases.json").read_text()))
    expected = hidden["cases"]["L_model_backward"][0]["expected"]
    sample = next(v for v in expected.values() if isinstance(v, np.ndarray) and v.size > 4)
    encoded = json.dumps(probe.encode(sample)).split('"')[-2]  # the base64 of the array's bytes
    assert len(encoded) > 40 and encoded not in joined


def test_student_notebook_keeps_signatures_and_public_checks(built_deep_nn):
    """Skeleton cells keep every signature; a grader.check cell follows each function; the
    helpers are given."""
    nb = nbformat.read(built_deep_nn["student"], as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for fn in spec.FUNCTIONS:
        assert f"def {fn.name}({', '.join(fn.params)}):" in source
        assert f'grader.check("{fn.name}")' in source
    for helper in spec.HELPERS:
        assert f"def {helper}(" in source


def test_grader_package_holds_no_solution_code():
    """The grader package shipped to students contains no deep network reference body."""
    package = Path(__file__).resolve().parents[1] / "grader"
    lines = _solution_lines()
    for path in package.rglob("*.py"):
        assert not [line for line in lines if line in path.read_text()], path
