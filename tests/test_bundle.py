"""The built bundle: what students receive holds no solution code and no hidden data."""

import inspect
import json
from pathlib import Path

import nbformat

from grader import probe
from grader.assignments import rnn_lstm as spec
from solutions import reference
from solutions.build import function_body

MIN_LINE = 18  # shorter lines (`return a_next`) also occur in prompts and docstrings


def _student_texts(built) -> dict[Path, str]:
    folder = built["student"].parent
    return {
        p: p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    }


def _solution_lines() -> set[str]:
    lines = set()
    for name in spec.NAMES:
        for line in function_body(name).splitlines():
            line = line.strip()
            if len(line) >= MIN_LINE and not line.startswith("#"):
                lines.add(line)
    return lines


def test_student_bundle_has_no_solution_code(built):
    """No line of any reference function body appears in any file given to students."""
    lines = _solution_lines()
    assert len(lines) > 40
    for path, text in _student_texts(built).items():
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path} contains solution lines: {leaked[:3]}"


def test_solution_notebook_does_have_the_bodies(built):
    """The same check finds the bodies in the autograder's solution notebook (it can fail)."""
    text = built["solution"].read_text()
    assert sum(line in text for line in _solution_lines()) > 40


def test_student_bundle_has_no_hidden_data(built):
    """No hidden case file, hidden test or hidden array reaches the student folder."""
    texts = _student_texts(built)
    assert not any(p.name == "hidden_cases.json" for p in texts)
    joined = "\n".join(texts.values())
    assert 'case_set="hidden"' not in joined and "_hidden" not in joined
    hidden = probe.decode(json.loads((built["cases"] / "hidden_cases.json").read_text()))
    sample = hidden["cases"]["lstm_backward"][0]["expected"]["dWf"]
    blob = json.dumps(probe.encode(sample))
    encoded = blob.split('"')[-2]  # the base64 of the array's bytes
    assert len(encoded) > 40 and encoded not in joined


def test_student_notebook_keeps_signatures_and_public_checks(built):
    """Skeleton cells keep every signature; a grader.check cell follows each function."""
    nb = nbformat.read(built["student"], as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for fn in spec.FUNCTIONS:
        assert f"def {fn.name}({', '.join(fn.params)}):" in source
        assert f'grader.check("{fn.name}")' in source
    assert inspect.getsource(reference.softmax).strip() in source  # helpers are given


def test_grader_package_holds_no_solution_code():
    """The grader package shipped to students contains no reference function body."""
    package = Path(__file__).resolve().parents[1] / "grader"
    lines = _solution_lines()
    for path in package.rglob("*.py"):
        text = path.read_text()
        assert not [line for line in lines if line in text], path
