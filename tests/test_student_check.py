"""grader.check("<function>") inside the built student notebook shows the diagnosis."""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from notebooks import function_cell, notebook, reference_source

from solutions.mistakes import MISTAKES

ROOT = Path(__file__).resolve().parents[1]
MISTAKE = next(m for m in MISTAKES if m.id == "lstm-cell-backward-dft-without-dc-next")
VIEW_BUG = next(m for m in MISTAKES if m.id == "lstm-forward-initial-cell-state-is-view")


def _check_output(nb, name: str) -> str:
    at = function_cell(nb, name)
    for cell in nb.cells[at + 1 :]:
        if cell.cell_type == "code" and f'grader.check("{name}")' in cell.source:
            parts = []
            for out in cell.outputs:
                data = out.get("data", {})
                parts.append(data.get("text/plain", "") + data.get("text/html", ""))
                parts.append(out.get("text", ""))
            return "\n".join(parts)
    raise LookupError(f"no grader.check cell after {name}")


def test_check_shows_the_diagnosis_in_the_notebook(built, student_nb, tmp_path):
    """Run the student notebook top to bottom: the failing check names dft and gives the hint;
    checks of correct functions pass."""
    folder = tmp_path / "student"
    shutil.copytree(built["student"].parent, folder)
    nb = notebook(student_nb, lstm_cell_backward=MISTAKE.source)
    NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}}
    ).execute()

    failing = _check_output(nb, "lstm_cell_backward")
    assert "dft" in failing and "Wrong inside your lstm_cell_backward" in failing
    assert MISTAKE.hint.split(";")[0][:40] in failing
    assert "dWf" in failing
    assert "passed" in _check_output(nb, "lstm_cell_forward").lower()
    assert "passed" in _check_output(nb, "lstm_backward").lower()


def test_untouched_student_notebook_runs_top_to_bottom(built, tmp_path):
    """The skeleton runs without a cell error; every check reports a failure instead."""
    folder = tmp_path / "student"
    shutil.copytree(built["student"].parent, folder)
    nb = nbformat.read(folder / built["student"].name, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("output_type") == "error"
    ]
    assert not errors
    assert "returned None" in _check_output(nb, "rnn_cell_forward")


def _public_points(name: str) -> str:
    """The public test's points as the master notebook's TEST CONFIG writes them."""
    master = nbformat.read(ROOT / "assignment" / "rnn_lstm.ipynb", as_version=4)
    for cell in master.cells:
        if cell.cell_type == "code" and f"def test_{name}_public(" in cell.source:
            points = re.search(r"points:\s*([\d.]+)", cell.source).group(1)
            return f"{float(points):g}"
    raise LookupError(f"no public test cell for {name} in the master notebook")


def _outputs(cell) -> tuple[str, str]:
    text, markup = [], []
    for out in cell.outputs:
        data = out.get("data", {})
        text.append(data.get("text/plain", "") + out.get("text", ""))
        markup.append(data.get("text/html", ""))
    return "\n".join(text), "\n".join(markup)


def _check_cell(nb, name: str):
    at = function_cell(nb, name)
    return next(
        c
        for c in nb.cells[at + 1 :]
        if c.cell_type == "code" and f'grader.check("{name}")' in c.source
    )


@pytest.fixture(scope="module")
def view_bug(built, student_nb, tmp_path_factory):
    """The seed's bug (lstm_forward starts c_next from the view c[:, :, 0]) and an rnn_backward
    with right outputs that writes into its input `da`, executed in a copy of dist/student/."""
    folder = tmp_path_factory.mktemp("view-bug") / "student"
    shutil.copytree(built["student"].parent, folder)
    in_place = reference_source("rnn_backward").replace(
        "gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
        "da[:, :, t] += da_prevt\n        gradients = rnn_cell_backward(da[:, :, t], caches[t])",
    )
    assert "da[:, :, t] +=" in in_place
    nb = notebook(student_nb, lstm_forward=VIEW_BUG.source, rnn_backward=in_place)
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


def test_failing_check_is_ours_from_the_first_line(view_bug):
    """The lstm_forward check: our verdict first (function, FAIL, the public test's points as
    the master notebook sets them), then the diagnosis; nothing of otter's test runner."""
    text, markup = _outputs(_check_cell(view_bug, "lstm_forward"))
    worth = _public_points("lstm_forward")
    assert text.startswith(f"FAIL  lstm_forward failed: 0 / {worth} points"), text[:300]
    for otter_words in ("Error at line", "Test case failed", "AssertionError", "checks.assert"):
        assert otter_words not in text and otter_words not in markup
    assert "c_prev" in text and VIEW_BUG.hint[:60] in text
    assert "FAIL</span> <code>lstm_forward</code>" in markup and "<li>" in markup


def test_passing_check_names_the_producer_to_fix(view_bug):
    """lstm_backward is right itself: its check passes with its public points, says its own
    code is correct and names lstm_forward as the function to fix first."""
    text, markup = _outputs(_check_cell(view_bug, "lstm_backward"))
    worth = _public_points("lstm_backward")
    assert text.startswith(f"PASS  lstm_backward passed: {worth} / {worth} points"), text[:300]
    assert "as written it is broken by: lstm_forward" in text
    assert "its own code is correct" in text and "because of `lstm_forward`" in text
    assert "<code>lstm_forward</code>" in markup


def test_check_shows_an_in_place_write(view_bug):
    """An rnn_backward that writes into `da`: the check tells it, whatever the points."""
    text, _ = _outputs(_check_cell(view_bug, "rnn_backward"))
    assert "`da`" in text and "in place" in text


def test_check_tells_what_the_engine_tells_on_the_public_case(view_bug, built, tmp_path):
    """Every finding the engine gives lstm_forward and lstm_backward, graded on the public case
    alone, is shown by the notebook's checks of those functions."""
    import grader

    path = tmp_path / "submission.ipynb"
    nbformat.write(view_bug, path)
    public = grader.load_cases(built["cases"] / "public_cases.json")
    report = grader.check_submission(path, public)
    for name in ("lstm_forward", "lstm_backward", "rnn_backward"):
        text, _ = _outputs(_check_cell(view_bug, name))
        engine = report.function(name)
        assert engine.findings, name
        for finding in engine.findings:
            assert finding.message in text, f"{name}: {finding.message}"
        assert (engine.correct_in_isolation is True) == text.startswith("PASS")


def test_grader_student_imports_without_the_engine():
    """The notebook's set-up cell (`import grader.student`) loads none of the engine's own
    stages (pipeline, intake, batch, CLI): the package's names load when first used, and
    `from grader import check_submission, Report` still gives the engine's."""
    import subprocess
    import sys

    engine = ("grader.pipeline", "grader.intake", "grader.batch", "grader.cli", "grader.bundle")
    code = (
        "import sys, grader.student\n"
        f"print([m for m in {engine!r} if m in sys.modules])\n"
        "from grader import check_submission, Report\n"
        "print(check_submission.__module__, Report.__module__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "grader.pipeline grader.records"]
