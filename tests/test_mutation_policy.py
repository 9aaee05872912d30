"""The instructor's `mutated_inputs` setting, set once in the master notebook, scores a function
that writes into its inputs the same way in `check`, in `grader.check()` and under `otter run`.

A copy of the master notebook says `mutated_inputs: deduct`; the build carries it into the case
data; a notebook whose rnn_cell_backward returns the right values but scales `da_next` in place
then loses half of that function's points everywhere, and every other function keeps its own.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from notebooks import notebook
from otterrun import otter_run, per_question
from report_schema import validate

from grader import notebook_checks
from grader.assignments import rnn_lstm as spec
from grader.policy import DEDUCTION
from solutions import reference
from solutions.build import MASTER, build

ROOT = Path(__file__).resolve().parents[1]
FUNCTION = "rnn_cell_backward"
IN_PLACE = """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    da_next *= 1 - a_next ** 2
    return {"dxt": parameters["Wax"].T @ da_next, "da_prev": parameters["Waa"].T @ da_next,
            "dWax": da_next @ xt.T, "dWaa": da_next @ a_prev.T,
            "dba": np.sum(da_next, axis=1, keepdims=True)}
"""


def _master_with(tmp_path: Path, policy: str) -> Path:
    nb = nbformat.read(MASTER, as_version=4)
    config = nb.cells[0]
    assert "mutated_inputs: warn" in config.source, config.source
    config.source = config.source.replace("mutated_inputs: warn", f"mutated_inputs: {policy}")
    path = tmp_path / "master" / MASTER.name
    path.parent.mkdir()
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def deduct(tmp_path_factory, student_nb):
    """The build from a master saying `deduct`, and the in-place notebook on disk."""
    tmp = tmp_path_factory.mktemp("deduct")
    paths = build(tmp / "dist", master=_master_with(tmp, "deduct"))
    submission = tmp / "submission" / "rnn_lstm.ipynb"
    submission.parent.mkdir()
    nbformat.write(notebook(student_nb, **{FUNCTION: IN_PLACE}), submission)
    return paths, submission


def test_check_deducts_for_writing_into_an_input(deduct):
    """`check --format json`: the function passes, loses DEDUCTION of its points (its
    `penalty`), and names `da_next`; the other functions keep theirs."""
    paths, submission = deduct
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(submission), "--cases", str(paths["cases"])]
        + ["--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = validate(json.loads(done.stdout))
    fn = report["functions"][FUNCTION]
    assert fn["status"] == "pass" and fn["mutated_inputs"] == ["da_next"], fn
    assert fn["penalty"] == pytest.approx(fn["max_score"] * DEDUCTION)
    assert fn["score"] == pytest.approx(fn["max_score"] - fn["penalty"])
    assert "mutation-policy" in [f["code"] for f in fn["findings"]]
    others = [v for k, v in report["functions"].items() if k != FUNCTION]
    assert all(v["score"] == v["max_score"] for v in others), report


def test_otter_run_deducts_the_same(deduct):
    """`otter run` with the plugin gives the function the same reduced score."""
    paths, submission = deduct
    results = otter_run(submission, paths["autograder_zip"], submission.parent / "otter")
    scores = per_question(results)
    cases = json.loads((paths["cases"] / "public_cases.json").read_text())
    assert "settings" in json.dumps(cases)
    full = {t["name"]: t.get("max_score") for t in results["tests"]}
    assert scores[FUNCTION] == pytest.approx(full[FUNCTION] * (1 - DEDUCTION)), results


def test_student_check_deducts_the_same(deduct):
    """`grader.check()`'s engine in the student's folder (the public case data shipped with the
    notebook) scores the function with the same deduction and says why."""
    paths, _ = deduct
    env = {"np": np, "sigmoid": reference.sigmoid, "softmax": reference.softmax}
    env.update({n: getattr(reference, n) for n in spec.NAMES})
    exec(IN_PLACE, env)  # noqa: S102 (the student's function, defined as its cell would)
    notebook_checks._loaded.clear()
    try:
        with contextlib.chdir(paths["student"].parent):
            result = notebook_checks.result_for(FUNCTION, env)
    finally:
        notebook_checks._loaded.clear()
    assert result.status == "pass" and result.mutated_inputs == ("da_next",)
    assert result.penalty == pytest.approx(result.max_score * DEDUCTION)
    assert result.score == pytest.approx(result.max_score * (1 - DEDUCTION))
    assert "mutation-policy" in [f.code for f in result.findings]
