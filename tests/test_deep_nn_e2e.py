"""The deep network assignment end to end, as the first one is tested (test_otter_e2e,
test_student_check, test_classroom, test_cli): `otter run` with the built autograder zip, the
bundled examples (examples-deep_nn/, written by solutions.examples) graded by `grade`,
`grader.check()` in the executed student notebook, and the GitHub Classroom template.

What an example must score comes from the build and the reference, never from numbers typed
here: each function's points from the case data, and for a notebook right everywhere but in one
catalogued mistake, that function's score from running the mistake on each of the reference's
cases (with the reference's callees) and scoring the cases it passes as the case data says
(grader.casedata: its edge cases earn nothing, its sets share the question's points).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import browser
import nbformat
import pytest
import yaml
from deep_nn_harness import namespace, outcome
from nbclient import NotebookClient
from otterrun import otter_run, per_question

from grader.assignments import deep_nn as spec
from grader.casedata import counted
from grader.classroom import runner
from solutions.deep_nn import cases as reference_cases
from solutions.deep_nn.mistakes import build
from solutions.examples import EXAMPLE_SETS, NOT_A_NOTEBOOK, unexecuted, verify
from solutions.notebooks import function_cell, notebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = EXAMPLE_SETS["deep_nn"]
NOTEBOOK = "deep_nn.ipynb"
REPORTER_JS = ROOT / "tests" / "vendor" / "autograding-grading-reporter" / "main.js"
BIN = Path(sys.executable).parent
NOTICE = re.compile(r"^::notice title=Autograding report::(?P<json>\{.*\})$", re.M)
OUTPUT_REF = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.(\w+)\s*\}\}$")
RELU_EXAMPLE = "linear-activation-backward-skips-relu-derivative"
RELU_MISTAKE = EXAMPLES.mistake(EXAMPLES.buggy[RELU_EXAMPLE])


# ---------------------------------------------------------------------------------------------
# what each function must score, from the case data and the reference
# ---------------------------------------------------------------------------------------------
def _full(case_data) -> dict[str, float]:
    return {name: case_data.points_of(name).question for name in spec.NAMES}


def _mistake_outcomes(mistake, case_data, sets=("public", "hidden")) -> dict[str, tuple]:
    """(passed, total) per case set for `mistake`, run on the reference's cases of its function
    (callees and helpers the reference's), counted as the case data counts them; checked to be
    the cases the build wrote."""
    fn = build(mistake, namespace())
    found: dict[str, list[tuple[bool, bool]]] = {}
    for case in reference_cases.for_function(mistake.function):
        case_set = "hidden" if case.hidden else "public"
        if case_set in sets:
            passed = outcome(fn, case)[0] == "same"
            found.setdefault(case_set, []).append((passed, reference_cases.is_edge(case)))
    built = {}
    for case in case_data.for_function(mistake.function):
        built.setdefault(case.set, []).append(case.edge)
    assert {s: [e for _, e in f] for s, f in found.items()} == {s: built[s] for s in found}
    return {case_set: counted(found[case_set]) for case_set in found}


def _expected_scores(case_data, stem: str) -> dict[str, float]:
    """Function -> the score the example `stem` (correct or one buggy) must get."""
    scores = _full(case_data)
    if stem in EXAMPLES.buggy:
        mistake = EXAMPLES.mistake(EXAMPLES.buggy[stem])
        points = case_data.points_of(mistake.function)
        scores[mistake.function] = points.earned(_mistake_outcomes(mistake, case_data))
    return scores


# ---------------------------------------------------------------------------------------------
# otter run with the autograder zip (each run costs a few seconds)
# ---------------------------------------------------------------------------------------------
def test_solution_notebook_gets_full_marks(built_deep_nn, deep_nn_cases, tmp_path):
    """`otter assign` ran in the build: otter run on the autograder's solution notebook scores
    every question in full, each worth what the case data says."""
    results = otter_run(built_deep_nn["solution"], built_deep_nn["autograder_zip"], tmp_path)
    assert per_question(results) == pytest.approx(_full(deep_nn_cases))


@pytest.mark.parametrize("stem", ["correct", "l-model-backward-dal-sign-flipped", RELU_EXAMPLE])
def test_examples_under_otter_run(stem, built_deep_nn, deep_nn_cases, tmp_path):
    """otter run on a bundled example: the correct one gets full marks; a buggy one loses
    exactly what its mistake costs on the public and hidden cases (all of L_model_backward;
    part of linear_activation_backward, right for sigmoid), and the feedback is our diagnosis:
    the function failing, the mistake's hint, and a function that only fails because of it
    named with its root cause."""
    example = EXAMPLES.folder / f"{stem}.ipynb"
    results = otter_run(example, built_deep_nn["autograder_zip"], tmp_path)
    expected = _expected_scores(deep_nn_cases, stem)
    assert per_question(results) == pytest.approx(expected), results.get("output", "")[:3000]
    output = results["output"]
    if stem == "correct":
        assert all(f"PASS    {name}" in output for name in spec.NAMES), output[:3000]
        return
    mistake = EXAMPLES.mistake(EXAMPLES.buggy[stem])
    assert f"FAIL    {mistake.function}" in output, output[:3000]
    question = next(t for t in results["tests"] if t.get("name") == mistake.function)
    assert mistake.hint[:60] in question["output"], question["output"]
    if mistake is RELU_MISTAKE:
        assert "'relu'" in question["output"] and "'sigmoid'" in question["output"]
        assert "root cause: linear_activation_backward" in output  # L_model_backward's
        assert 0 < expected[mistake.function] < deep_nn_cases.points_of(mistake.function).question


# ---------------------------------------------------------------------------------------------
# the bundled examples: graded as expected, and current with their generator
# ---------------------------------------------------------------------------------------------
def test_grade_gives_every_example_its_expected_grade(built_deep_nn, deep_nn_cases, tmp_path):
    """`grade` on examples-deep_nn/ (two workers, as scripts/demo runs it): every example is
    graded as solutions.examples expects (the functions it loses, its root causes, stale state
    only in the stale example, the file that is not a notebook refused), and each buggy one
    scores what its mistake costs on the reference's cases. Given a gradebook where a grade is
    not the expected one, the same check names the example and what differs."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", str(EXAMPLES.folder)]
    command += ["--cases", str(built_deep_nn["cases"]), "--out", str(out), "--workers", "2"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    gradebook = out / "gradebook.csv"
    assert verify(gradebook, EXAMPLES, built_deep_nn["cases"]) == []
    rows = {
        Path(r["submission"]).stem: r for r in csv.DictReader(gradebook.read_text().splitlines())
    }
    assert set(rows) == set(EXAMPLES.expected)
    for stem in ("correct", *EXAMPLES.buggy):
        expected = _expected_scores(deep_nn_cases, stem)
        got = {name: float(rows[stem][name]) for name in spec.NAMES}
        assert got == pytest.approx(expected), stem

    # the same check says what it finds when a grade is not the expected one
    rows["correct"].update(update_parameters="0.0", root_causes="update_parameters")
    del rows["skeleton"]
    wrong = tmp_path / "wrong.csv"
    with wrong.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows["correct"]))
        writer.writeheader()
        writer.writerows(rows.values())
    full = deep_nn_cases.points_of("update_parameters").question
    assert verify(wrong, EXAMPLES, built_deep_nn["cases"]) == [
        f"correct: update_parameters 0 points, expected {full:g}; root causes update_parameters",
        f"skeleton: not in {wrong}",
    ]


def test_examples_are_what_the_generator_writes(built_deep_nn, deep_nn_student):
    """examples-deep_nn/ holds exactly the examples solutions.examples writes, each with the
    cells the generator gives it from the built student notebook (code as the student left
    it; ids, outputs and timestamps aside) and the same metadata (but what the kernel that ran
    it adds); run
    `python -m solutions.examples --student dist/deep_nn/student/deep_nn.ipynb` when this
    fails. (That saved outputs agree with the code is the `grade` test's stale check.)"""
    planned = unexecuted(deep_nn_student)
    on_disk = sorted(p.stem for p in EXAMPLES.folder.iterdir())
    assert on_disk == sorted([*planned, "not-a-notebook"]) == sorted(EXAMPLES.expected)
    assert (EXAMPLES.folder / "not-a-notebook.ipynb").read_text("utf-8") == NOT_A_NOTEBOOK
    for stem, want in planned.items():
        saved = nbformat.read(EXAMPLES.folder / f"{stem}.ipynb", as_version=4)
        cells = [(c.cell_type, c.source) for c in saved.cells]
        assert cells == [(c.cell_type, c.source) for c in want.cells], f"{stem} is out of date"
        kept = {k: v for k, v in saved.metadata.items() if k != "language_info"}  # the kernel's
        assert kept == {k: v for k, v in want.metadata.items() if k != "language_info"}, stem
        if stem != "skeleton":
            assert any(c.get("outputs") for c in saved.cells), f"{stem} was not run"


# ---------------------------------------------------------------------------------------------
# grader.check() in the student's own kernel
# ---------------------------------------------------------------------------------------------
def _executed(built_deep_nn, student, folder: Path, **sources):
    shutil.copytree(built_deep_nn["student"].parent, folder)
    nb = notebook(student, **sources)
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


def _check_text(nb, name: str) -> str:
    """The plain text the `grader.check("name")` cell after `name` showed."""
    at = function_cell(nb, name)
    cell = next(
        c
        for c in nb.cells[at + 1 :]
        if c.cell_type == "code" and f'grader.check("{name}")' in c.source
    )
    return "\n".join(
        o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs
    )


@pytest.fixture(scope="module")
def relu_bug(built_deep_nn, deep_nn_student, tmp_path_factory):
    """The student notebook with linear_activation_backward wrong for relu (the derivative
    skipped) and everything else right, run top to bottom in a copy of the built student
    folder."""
    folder = tmp_path_factory.mktemp("relu-bug") / "student"
    return _executed(
        built_deep_nn, deep_nn_student, folder, linear_activation_backward=RELU_MISTAKE.source
    )


def test_failing_check_names_the_function_and_the_mistake(relu_bug):
    """The check of the wrong function: FAIL and its name first, then the diagnosis: wrong
    for 'relu' and right for 'sigmoid', the wrong intermediate dZ, the mistake's hint."""
    text = _check_text(relu_bug, "linear_activation_backward")
    assert text.startswith("FAIL  linear_activation_backward failed"), text[:300]
    assert "wrong on every case with activation 'relu'" in text
    assert "`dZ`" in text and RELU_MISTAKE.hint[:60] in text
    for otter_words in ("Error at line", "Test case failed", "AssertionError"):
        assert otter_words not in text


def test_passing_check_names_the_root_cause(relu_bug, deep_nn_cases):
    """L_model_backward is right itself: its check passes with its public points and names
    linear_activation_backward (wrong for relu) as the function to fix first; functions that
    do not depend on it pass plainly."""
    text = _check_text(relu_bug, "L_model_backward")
    worth = f"{deep_nn_cases.points_of('L_model_backward').by_set['public']:g}"
    assert text.startswith(f"PASS  L_model_backward passed: {worth} / {worth} points"), text
    assert "as written it is broken by: linear_activation_backward" in text
    assert "because of `linear_activation_backward` (wrong for relu)" in text
    for name in ("linear_backward", "L_model_forward", "update_parameters"):
        assert _check_text(relu_bug, name).startswith(f"PASS  {name} passed"), name


def test_failing_check_shows_the_points_of_the_public_cases_passed(relu_bug, deep_nn_cases):
    """The check's points are what the engine gives the public test: the relu mistake passes
    the public sigmoid case, half of the public points."""
    name = RELU_MISTAKE.function
    public = deep_nn_cases.points_of(name).by_set["public"]
    passed, total = _mistake_outcomes(RELU_MISTAKE, deep_nn_cases, sets=("public",))["public"]
    earned = public * passed / total
    assert 0 < earned < public
    text = _check_text(relu_bug, name)
    assert text.startswith(f"FAIL  {name} failed: {earned:g} / {public:g} points"), text[:200]


def test_every_check_of_the_correct_notebook_passes(built_deep_nn, deep_nn_student, tmp_path):
    """The student notebook with every function right, run top to bottom: no cell error, and
    every function's check passes."""
    nb = _executed(built_deep_nn, deep_nn_student, tmp_path / "student")
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    for name in spec.NAMES:
        assert _check_text(nb, name).startswith(f"PASS  {name} passed"), _check_text(nb, name)


# ---------------------------------------------------------------------------------------------
# the GitHub Classroom template
# ---------------------------------------------------------------------------------------------
def _steps(built_deep_nn) -> list[dict]:
    text = (built_deep_nn["classroom"] / ".github" / "workflows" / "classroom.yml").read_text()
    return yaml.safe_load(text)["jobs"]["run-autograding-tests"]["steps"]


def _grading_step(steps: list[dict]) -> dict:
    (step,) = [s for s in steps if "python -m grader" in s.get("run", "")]
    return step


def test_workflow_grades_the_deep_nn_notebook(built_deep_nn):
    """The template's one grading step grades deep_nn.ipynb with the public case data the
    template carries; the template holds the student notebook and no hidden data."""
    step = _grading_step(_steps(built_deep_nn))
    assert f"python -m grader classroom {NOTEBOOK} --cases grader/data" in step["run"]
    classroom = built_deep_nn["classroom"]
    assert (classroom / NOTEBOOK).is_file()
    data = json.loads((classroom / "grader" / "data" / "public_cases.json").read_text())
    assert ["assignment", "deep_nn"] in data["__dict__"]
    assert not list(classroom.rglob("hidden_cases.json"))


def test_workflow_reports_every_deep_nn_function(built_deep_nn):
    """The reporter step has one runner per deep_nn function, each reading the grading step's
    output of that name."""
    steps = _steps(built_deep_nn)
    grading = _grading_step(steps)
    (reporter,) = [s for s in steps if "autograding-grading-reporter" in s.get("uses", "")]
    runners = [runner(name) for name in spec.NAMES]
    assert reporter["with"]["runners"].split(",") == runners
    assert reporter["env"] == {
        f"{r.upper()}_RESULTS": f"${{{{ steps.{grading['id']}.outputs.{r} }}}}" for r in runners
    }


@pytest.mark.parametrize("tool", ["actionlint", "zizmor"])
def test_workflow_passes_the_linters(built_deep_nn, tool):
    """actionlint, and zizmor offline with its pedantic persona, find nothing in the deep_nn
    template's workflow."""
    binary = BIN / tool
    assert binary.is_file(), (
        f"{tool} is not installed beside {sys.executable}: pip install '.[dev]'"
    )
    files = [str(p) for p in (built_deep_nn["classroom"] / ".github" / "workflows").glob("*.yml")]
    args = ["-no-color"] if tool == "actionlint" else ["--offline", "--persona", "pedantic"]
    done = subprocess.run(
        [str(binary), *args, *files],
        cwd=built_deep_nn["classroom"],
        capture_output=True,
        text=True,
    )
    assert files and done.returncode == 0, done.stdout + done.stderr


def test_classroom_step_hands_the_reporter_the_engines_verdicts(built_deep_nn, tmp_path):
    """The template's grading step, run as GitHub runs it on the buggy relu example, writes one
    result per deep_nn function whose scores add up to the engine's verdicts on the public
    case (the relu mistake keeps the public sigmoid case's share); the reporter step, its
    `env:` resolved from those outputs and run with the reporter's own code, reports the
    engine's total and fails the job; the job summary names the failing function."""
    repo = tmp_path / "repo"
    shutil.copytree(built_deep_nn["classroom"], repo)
    shutil.copy(EXAMPLES.folder / f"{RELU_EXAMPLE}.ipynb", repo / NOTEBOOK)
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    steps = _steps(built_deep_nn)
    step = _grading_step(steps)
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if line)
    engine = subprocess.run(
        [sys.executable, "-m", "grader", "check", NOTEBOOK, "--cases", "grader/data"]
        + ["--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert engine.returncode == 0, engine.stderr[-3000:]
    report = json.loads(engine.stdout)

    runners = [runner(name) for name in spec.NAMES]
    assert sorted(outputs) == sorted(runners)
    for name, key in zip(spec.NAMES, runners):
        result = json.loads(base64.b64decode(outputs[key]).decode("utf-8"))
        verdict = report["functions"][name]
        assert sum(t["score"] for t in result["tests"]) == pytest.approx(verdict["score"])
        assert result["max_score"] == verdict["max_score"]
        assert (result["status"] == "pass") == (verdict["status"] == "pass"), name
    failing = report["functions"][RELU_MISTAKE.function]
    assert 0 < failing["score"] < failing["max_score"]
    assert f"### `{RELU_MISTAKE.function}`" in summary.read_text()

    (reporter_step,) = [s for s in steps if "autograding-grading-reporter" in s.get("uses", "")]
    reporter_env = {}
    for key, ref in reporter_step["env"].items():
        match = OUTPUT_REF.match(ref)
        assert match and match.group(1) == step["id"], f"{key}: {ref} is not the grading step's"
        reporter_env[key] = outputs[match.group(2)]
    reporter = subprocess.run(
        [str(browser.node()), str(REPORTER_JS)],
        env=dict(os.environ, INPUT_RUNNERS=reporter_step["with"]["runners"], **reporter_env),
        capture_output=True,
        text=True,
    )
    notice = NOTICE.search(reporter.stdout)
    assert notice, reporter.stdout[-3000:]
    grade = json.loads(notice.group("json"))
    assert grade["totalPoints"] == pytest.approx(report["score"])
    assert grade["maxPoints"] == pytest.approx(report["max_score"])
    assert reporter.returncode != 0  # a function fails, so the job does
