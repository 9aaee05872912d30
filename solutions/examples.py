"""Write each assignment's bundled example submissions (instructor tooling).

    python -m solutions.examples [--student dist/student/rnn_lstm.ipynb] [--student ...]

The built student notebook says which assignment it is (its metadata, grader.assignments.named_by;
the first assignment's has none), and so which examples are written and where: rnn_lstm's into
examples/, deep_nn's into examples-deep_nn/ (a sibling, so that tests counting the notebooks of
examples/ see only the first assignment's).

Each example is the built student notebook as a student would hand it in: functions filled in,
run top to bottom and saved, except where the example is about something else (an untouched
skeleton, a notebook saved from a stale kernel, a file that is not a notebook). A notebook that
differs from the one already written only in what every run changes (cell ids, execution
timestamps) is left as it is, so writing the examples again changes no file unless their code or
their outputs changed.

`EXAMPLE_SETS[assignment].expected` says what grading each example must show (the functions it
loses, its root causes, stale state, the run's status);

    python -m solutions.examples --verify out/deep_nn/gradebook.csv --cases dist/deep_nn \
        --assignment deep_nn

checks a `grade` run's gradebook.csv against it, one line per example graded otherwise, and
exits 1 if there is any (scripts/demo does this for both assignments).
"""

from __future__ import annotations

import argparse
import copy
import csv
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.assignments import assignment, named_by
from solutions.notebooks import executed, function_cell, notebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOT_A_NOTEBOOK = '{"cells": [{"cell_type": "code", "source": "import numpy as np"'
INVALID_RUN = "invalid_notebook"

# example file stem -> mistake id (one buggy function each), for the first assignment
BUGGY = {
    "lstm-cell-backward-dft-without-dc-next": "lstm-cell-backward-dft-without-dc-next",
    "lstm-forward-aliased-c-next": "lstm-forward-initial-cell-state-is-view",
    "lstm-forward-starts-from-zeros": "lstm-forward-starts-from-zeros",
    "rnn-backward-forgets-recurrent-gradient": "rnn-backward-no-recurrent-gradient",
}

# the same for the deep network: one mistake from each part of the exercise
DEEP_NN_BUGGY = {
    "l-model-forward-keeps-only-the-last-cache": "l-model-forward-hidden-caches-dropped",
    "linear-backward-db-without-keepdims": "linear-backward-db-no-keepdims",
    "linear-activation-backward-skips-relu-derivative": (
        "linear-activation-backward-relu-derivative-skipped"
    ),
    "l-model-backward-dal-sign-flipped": "l-model-backward-dal-sign-flipped",
    "update-parameters-climbs-the-gradient": "update-parameters-learning-rate-sign",
}
# the buggy examples that keep part of their function's points: skipping relu's derivative is
# harmless on the sigmoid cases, which pass
DEEP_NN_PARTIAL = frozenset({"linear-activation-backward-skips-relu-derivative"})

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

LAYER_HELPER = '''def layer_parameters(parameters, l):
    """The weights and the bias of layer l."""
    return parameters["W" + str(l)], parameters["b" + str(l)]
'''

L_MODEL_FORWARD_WITH_HELPER = """def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        W, b = layer_parameters(parameters, l)
        A, cache = linear_activation_forward(A, W, b, "relu")
        caches.append(cache)
    W, b = layer_parameters(parameters, L)
    AL, cache = linear_activation_forward(A, W, b, "sigmoid")
    caches.append(cache)
    return AL, caches
"""


@dataclass(frozen=True)
class Expected:
    """What grading one example must show.

    loses: the functions that score 0 (every other function scores its full points);
    partial: the functions that keep part of their points (right on some cases only);
    root_causes: the functions the report blames (in any order);
    stale: whether stale state is found (only the stale example's saved outputs disagree with a
        fresh run);
    run: the run's status when it matters ("invalid_notebook"; "" for any run that graded).
    """

    loses: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    root_causes: tuple[str, ...] = ()
    stale: bool = False
    run: str = ""


@dataclass(frozen=True)
class Stale:
    """The stale example: `function` written with a helper (`helper`, a cell of its own just
    before the function's) that the student renamed to `renamed` after running the notebook and
    never ran again. The saved outputs are clean; a fresh kernel raises NameError."""

    stem: str
    function: str
    source: str
    helper: str
    renamed: str

    def planned(self, student: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
        """The notebook as it was run, and the index of the helper's cell."""
        nb = notebook(student, **{self.function: self.source})
        at = function_cell(nb, self.function)
        nb.cells.insert(at, nbformat.v4.new_code_cell(self.helper))
        return nb, at

    def rename(self, nb: nbformat.NotebookNode, at: int) -> nbformat.NotebookNode:
        """The helper's cell renamed, as the student left it."""
        old = self.helper.split("(", 1)[0] + "("
        nb.cells[at].source = self.helper.replace(old, f"def {self.renamed}(")
        return nb

    def make(self, student: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
        """Run the notebook in `folder`, then rename the helper."""
        nb, at = self.planned(student)
        return self.rename(executed(nb, folder), at)


@dataclass(frozen=True)
class ExampleSet:
    """One assignment's examples: where they go, the catalogued mistakes they show (stem ->
    mistake id, from `catalog()`), those of them that keep part of their function's points,
    and the stale one."""

    assignment: str
    folder: Path
    buggy: dict[str, str]
    stale: Stale
    catalog: Callable[[], tuple] = field(repr=False, default=tuple)
    partial: frozenset[str] = frozenset()

    def mistake(self, mistake_id: str):
        return next(m for m in self.catalog() if m.id == mistake_id)

    @property
    def expected(self) -> dict[str, Expected]:
        """Example stem -> what grading it must show, from the catalog and the declaration."""
        names = assignment(self.assignment).names
        stale = (self.stale.function,)
        found = {
            "correct": Expected(),
            "skeleton": Expected(loses=names, root_causes=names),
            self.stale.stem: Expected(loses=stale, root_causes=stale, stale=True),
            "not-a-notebook": Expected(loses=names, run=INVALID_RUN),
        }
        for stem, mistake_id in self.buggy.items():
            function = (self.mistake(mistake_id).function,)
            if stem in self.partial:
                found[stem] = Expected(partial=function, root_causes=function)
            else:
                found[stem] = Expected(loses=function, root_causes=function)
        return dict(sorted(found.items()))


RNN_STALE = Stale(
    "stale-renamed-helper", "lstm_cell_forward", LSTM_CELL_WITH_HELPER, GATE_HELPER, "gate_value"
)
DEEP_NN_STALE = Stale(
    "stale-renamed-layer-helper",
    "L_model_forward",
    L_MODEL_FORWARD_WITH_HELPER,
    LAYER_HELPER,
    "get_layer_parameters",
)


def stale_renamed_helper(student: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """lstm_cell_forward calls a helper `gate` that the student later renamed to `gate_value`
    without re-running: the saved outputs are clean, a fresh kernel raises NameError."""
    return RNN_STALE.make(student, folder)


def stale_layer_helper(student: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """L_model_forward reads each layer's weights and bias through a helper `layer_parameters`
    that the student later renamed to `get_layer_parameters` without re-running: the saved
    outputs are clean, a fresh kernel raises NameError."""
    return DEEP_NN_STALE.make(student, folder)


def _rnn_catalog() -> tuple:
    from solutions.mistakes import MISTAKES

    return MISTAKES


def _deep_nn_catalog() -> tuple:
    from solutions.deep_nn.mistakes import MISTAKES

    return MISTAKES


EXAMPLE_SETS: dict[str, ExampleSet] = {
    "rnn_lstm": ExampleSet("rnn_lstm", EXAMPLES, BUGGY, RNN_STALE, _rnn_catalog),
    "deep_nn": ExampleSet(
        "deep_nn",
        ROOT / "examples-deep_nn",
        DEEP_NN_BUGGY,
        DEEP_NN_STALE,
        _deep_nn_catalog,
        DEEP_NN_PARTIAL,
    ),
}


def example_set(student: nbformat.NotebookNode) -> ExampleSet:
    """The examples of the assignment a student notebook is (its metadata names it)."""
    return EXAMPLE_SETS[named_by(student)]


def unexecuted(student: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Stem -> each example notebook as it is saved, before its run: the code without outputs
    (the stale example with its helper already renamed). What `write_all` runs, and what a test
    compares the written examples with without a kernel."""
    examples = example_set(student)
    found = {"correct": notebook(student), "skeleton": student}
    found[examples.stale.stem] = examples.stale.rename(*examples.stale.planned(student))
    for stem, mistake_id in examples.buggy.items():
        m = examples.mistake(mistake_id)
        found[stem] = notebook(student, **{m.function: m.source})
    return found


def _volatile_free(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`nb` without what every run or build changes: cell ids and execution timestamps."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.pop("id", None)
        cell.get("metadata", {}).pop("execution", None)
    return nb


def same_example(a: nbformat.NotebookNode, b: nbformat.NotebookNode) -> bool:
    """Whether two example notebooks differ in nothing but cell ids and execution timestamps."""
    return _volatile_free(a) == _volatile_free(b)


def _write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write `nb` at `path` unless what is there is the same example (see `same_example`)."""
    if path.is_file():
        try:
            if same_example(nbformat.read(path, as_version=4), nb):
                return
        except (OSError, ValueError):  # not a notebook (any more): written over
            pass
    nbformat.write(nb, path)


def write_all(student_path: Path, out: Path | None = None) -> list[Path]:
    """Write the examples of the assignment `student_path` is (a built student notebook, beside
    its grader/ folder) into `out`, by default that assignment's folder; returns their paths."""
    student = nbformat.read(student_path, as_version=4)
    examples = example_set(student)
    out = examples.folder if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "student"
        shutil.copytree(student_path.parent, folder)  # the notebook beside its grader/ and data
        plain = unexecuted(student)
        notebooks = {
            "correct": executed(plain.pop("correct"), folder),
            "skeleton": plain.pop("skeleton"),
            examples.stale.stem: examples.stale.make(student, folder),
        }
        del plain[examples.stale.stem]
        for stem, nb in plain.items():
            notebooks[stem] = executed(nb, folder)
        for stem, nb in notebooks.items():
            path = out / f"{stem}.ipynb"
            _write(nb, path)
            written.append(path)
    broken = out / "not-a-notebook.ipynb"
    if not broken.is_file() or broken.read_text("utf-8") != NOT_A_NOTEBOOK:
        broken.write_text(NOT_A_NOTEBOOK, "utf-8")
    written.append(broken)
    return written


def verify(gradebook: Path, examples: ExampleSet, cases: Path) -> list[str]:
    """What in a `grade` run's gradebook.csv disagrees with `examples.expected`, one line per
    example; [] when every example is graded as expected and none is missing. `cases` is the
    folder of the case data it was graded with (each function's full points come from there)."""
    import grader

    data = grader.load_cases(cases / "public_cases.json", cases / "hidden_cases.json")
    names = assignment(examples.assignment).names
    points = {name: data.points_of(name).question for name in names}
    with gradebook.open(encoding="utf-8", newline="") as handle:
        rows = {Path(r["submission"]).stem: r for r in csv.DictReader(handle)}
    problems = []
    for stem, want in examples.expected.items():
        row = rows.get(stem)
        if row is None:
            problems.append(f"{stem}: not in {gradebook}")
            continue
        wrong = []
        if row.get("status") != "graded":
            wrong.append(f"status {row.get('status')}")
        if want.run and row.get("run") != want.run:
            wrong.append(f"run {row.get('run')!r}, expected {want.run!r}")
        for name in names:
            score, full = float(row.get(name) or 0.0), points[name]
            if name in want.partial:
                if not 0 < score < full:
                    wrong.append(f"{name} {score:g} points, expected some of {full:g}")
                continue
            expected = 0.0 if name in want.loses else full
            if abs(score - expected) > 1e-9:
                wrong.append(f"{name} {score:g} points, expected {expected:g}")
        causes = row.get("root_causes", "").split()
        if not want.run and sorted(causes) != sorted(want.root_causes):
            wrong.append(f"root causes {' '.join(causes) or '(none)'}")
        if not want.run and (int(row.get("stale_items") or 0) > 0) != want.stale:
            wrong.append(f"{row.get('stale_items')} stale items")
        if wrong:
            problems.append(f"{stem}: " + "; ".join(wrong))
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--student",
        action="append",
        type=Path,
        help="a built student notebook (repeatable); default dist/student/rnn_lstm.ipynb",
    )
    parser.add_argument(
        "--verify",
        type=Path,
        metavar="GRADEBOOK",
        help="check a grade run's gradebook.csv against the expected grades instead",
    )
    parser.add_argument(
        "--cases",
        type=Path,
        default=Path("dist"),
        help="with --verify: the case data the examples were graded with (default dist)",
    )
    parser.add_argument(
        "--assignment",
        choices=sorted(EXAMPLE_SETS),
        default="rnn_lstm",
        help="the examples --verify checks (default rnn_lstm)",
    )
    args = parser.parse_args()
    if args.verify is not None:
        examples = EXAMPLE_SETS[args.assignment]
        problems = verify(args.verify, examples, args.cases)
        for line in problems:
            print(f"unexpected: {line}")
        count = len(examples.expected)
        print(f"{count - len(problems)} of {count} {args.assignment} examples graded as expected")
        sys.exit(1 if problems else 0)
    for student in args.student or [Path("dist/student/rnn_lstm.ipynb")]:
        for path in write_all(student):
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
