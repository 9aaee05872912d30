"""grader.check("<function>") inside the built student notebook shows the diagnosis."""

import shutil

import nbformat
from nbclient import NotebookClient
from notebooks import function_cell, notebook

from solutions.mistakes import MISTAKES

MISTAKE = next(m for m in MISTAKES if m.id == "lstm-cell-backward-dft-without-dc-next")


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
