"""Which assignment a command grades: --assignment, else what the notebooks' metadata names,
else what the case files name; case data of assignment NAME is read from DIR/NAME/ beside the
default assignment's build in DIR; a notebook of another assignment is not run, with a
message naming both; a build into DIR keeps the other assignments' builds inside it."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import grader
from grader.assignments import DEFAULT, declared_by, named_by
from solutions.build import clear

ROOT = Path(__file__).resolve().parents[1]
CASE_FILES = ("public_cases.json", "hidden_cases.json", "case_digests.json")


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture(scope="module")
def course(built, built_deep_nn, tmp_path_factory) -> Path:
    """dist/ as the README lays it out: the default assignment's case data at the top, the deep
    network's in dist/deep_nn/."""
    dist = tmp_path_factory.mktemp("course") / "dist"
    (dist / "deep_nn").mkdir(parents=True)
    for name in CASE_FILES:
        shutil.copy(built["cases"] / name, dist / name)
        shutil.copy(built_deep_nn["cases"] / name, dist / "deep_nn" / name)
    return dist


def test_metadata_names_the_assignment():
    """The grader's own key comes first, otter's assignment_name next; names that are not
    registered, and notebooks without either, name none (named_by then gives the default)."""
    nb = nbformat.v4.new_notebook()
    assert declared_by(nb) is None and named_by(nb) == DEFAULT
    nb.metadata["otter"] = {"assignment_name": "deep_nn"}
    assert declared_by(nb) == "deep_nn"
    nb.metadata["grader"] = {"assignment": "rnn_lstm"}
    assert declared_by(nb) == "rnn_lstm"
    nb.metadata["grader"] = {"assignment": "no_such_assignment"}
    assert declared_by(nb) == "deep_nn"
    assert declared_by({"metadata": "not a dict"}) is None and declared_by([1, 2]) is None


def test_the_student_notebooks_name_their_assignment(built, built_deep_nn):
    """Both built student notebooks say which assignment they are, so a command can choose."""
    for build, name in ((built, "rnn_lstm"), (built_deep_nn, "deep_nn")):
        assert declared_by(nbformat.read(build["student"], as_version=4)) == name


def test_a_notebook_of_another_assignment_is_not_run(built_deep_nn, cases):
    """Graded with the RNN case data, the deep network's notebook scores 0 without a kernel,
    and the report says which assignment it is and which one was graded."""
    report = grader.check_submission(built_deep_nn["solution"], cases)
    assert report.run.status == "not_run"
    (notice,) = [n for n in report.notices if n.code == "other-assignment"]
    assert "deep_nn assignment" in notice.message and "grades rnn_lstm" in notice.message
    assert report.score == 0 and [f.name for f in report.functions] == list(cases.assignment.names)


def test_check_reads_the_case_data_the_notebook_names(built, built_deep_nn, course):
    """`check` with one --cases folder grades each notebook with its own assignment's data;
    --assignment overrides the metadata."""
    deep = cli("check", str(built_deep_nn["solution"]), "--cases", str(course))
    assert deep.returncode == 0, deep.stderr
    assert "linear_activation_backward" in deep.stdout and "14 / 14" in deep.stdout.splitlines()[0]
    rnn = cli("check", str(built["solution"]), "--cases", str(course))
    assert rnn.returncode == 0, rnn.stderr
    assert "lstm_backward" in rnn.stdout and "16 / 16" in rnn.stdout.splitlines()[0]
    forced = cli(
        "check", str(built_deep_nn["solution"]), "--cases", str(course), "--assignment", DEFAULT
    )
    assert forced.returncode == 3 and "is a notebook of the deep_nn assignment" in forced.stdout


def test_grade_follows_the_majority_and_sets_the_odd_notebook_aside(
    built, built_deep_nn, course, tmp_path
):
    """Two deep network notebooks and one RNN notebook in a folder: the run grades deep_nn,
    and the RNN notebook gets a row that says it was not run, with the reason in its feedback."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(built_deep_nn["solution"], folder / "alice.ipynb")
    shutil.copy(built_deep_nn["solution"], folder / "bob.ipynb")
    shutil.copy(built["solution"], folder / "carol.ipynb")
    out = tmp_path / "out"
    done = cli("grade", str(folder), "--cases", str(course), "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {Path(r["submission"]).name: r for r in csv.DictReader(handle)}
    assert float(rows["alice.ipynb"]["total"]) == float(rows["alice.ipynb"]["max_score"]) == 14
    assert rows["carol.ipynb"]["run"] == "not_run" and float(rows["carol.ipynb"]["total"]) == 0
    assert "L_model_backward" in rows["carol.ipynb"]  # the columns are deep_nn's
    feedback = (out / rows["carol.ipynb"]["report"]).read_text(encoding="utf-8")
    assert "rnn_lstm assignment" in feedback and "grades deep_nn" in feedback


def test_a_build_keeps_the_other_assignments_builds(tmp_path):
    """Clearing dist/ for the default assignment's build removes its old files and folders and
    keeps dist/deep_nn/; clearing dist/deep_nn/ for its own build removes everything in it."""
    dist = tmp_path / "dist"
    (dist / "deep_nn" / "student").mkdir(parents=True)
    (dist / "student").mkdir()
    (dist / "public_cases.json").write_text("{}")
    (dist / "deep_nn" / "public_cases.json").write_text("{}")
    clear(dist, keep={"deep_nn"})
    assert sorted(p.name for p in dist.iterdir()) == ["deep_nn"]
    assert (dist / "deep_nn" / "public_cases.json").is_file()
    clear(dist / "deep_nn", keep={"rnn_lstm"})
    assert list((dist / "deep_nn").iterdir()) == []
