"""Write the bundled example submissions into examples/ (instructor tooling).

    python -m solutions.examples [--student dist/student/rnn_lstm.ipynb]

Each example is the built student notebook as a student would hand it in: functions filled in,
run top to bottom and saved, except where the example is about something else (an untouched
skeleton, a notebook saved from a stale kernel, a file that is not a notebook).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import nbformat

from solutions.mistakes import MISTAKES
from solutions.notebooks import executed, function_cell, notebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# example file stem -> mistake id (one buggy function each)
BUGGY = {
    "lstm-cell-backward-dft-without-dc-next": "lstm-cell-backward-dft-without-dc-next",
    "lstm-forward-aliased-c-next": "lstm-forward-initial-cell-state-is-view",
    "lstm-forward-starts-from-zeros": "lstm-forward-starts-from-zeros",
    "rnn-backward-forgets-recurrent-gradient": "rnn-backward-no-recurrent-gradient",
}

GATE_HELPER = '''def gate(W, b, concat):
    """Sigmoid gate: W concat + b squashed into (0, 1)."""
    return sigmoid(W @ concat + b)
'''

LSTM_CELL_WITH_HELPER = """def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = gate(parameters["Wf"], parameters["bf"], concat)
    it = gate(parameters["Wi"], parameters["bi"], concat)
    ot = gate(parameters["Wo"], parameters["bo"], concat)
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
"""


def _mistake(mistake_id: str):
    return next(m for m in MISTAKES if m.id == mistake_id)


def stale_renamed_helper(student: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """lstm_cell_forward calls a helper `gate` that the student later renamed to `gate_value`
    without re-running: the saved outputs are clean, a fresh kernel raises NameError."""
    nb = notebook(student, lstm_cell_forward=LSTM_CELL_WITH_HELPER)
    at = function_cell(nb, "lstm_cell_forward")
    nb.cells.insert(at, nbformat.v4.new_code_cell(GATE_HELPER))
    nb = executed(nb, folder)
    nb.cells[at].source = GATE_HELPER.replace("def gate(", "def gate_value(")
    return nb


def write_all(student_path: Path, out: Path = EXAMPLES) -> list[Path]:
    student = nbformat.read(student_path, as_version=4)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "student"
        shutil.copytree(student_path.parent, folder)  # the notebook beside its grader/ and data
        examples = {
            "correct": executed(notebook(student), folder),
            "skeleton": student,
            "stale-renamed-helper": stale_renamed_helper(student, folder),
        }
        for stem, mistake_id in BUGGY.items():
            m = _mistake(mistake_id)
            examples[stem] = executed(notebook(student, **{m.function: m.source}), folder)
        for stem, nb in examples.items():
            path = out / f"{stem}.ipynb"
            nbformat.write(nb, path)
            written.append(path)
    broken = out / "not-a-notebook.ipynb"
    broken.write_text('{"cells": [{"cell_type": "code", "source": "import numpy as np"', "utf-8")
    written.append(broken)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", default="dist/student/rnn_lstm.ipynb")
    args = parser.parse_args()
    for path in write_all(Path(args.student)):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
