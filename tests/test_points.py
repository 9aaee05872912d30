"""Points are set in one place, the master notebook, and every way of grading uses them.

The build reads each question's `points:` and its test cells' `points:` (public and hidden)
into the case data, refuses a question whose tests do not add up to it, and the command line,
the otter plugin, `grader.check()` and the Classroom workflow all score from the case data.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from notebooks import notebook
from otterrun import otter_run, per_question

import grader
from grader import CaseDataError, notebook_checks, probe
from grader.casedata import Points
from grader.classroom import runner
from solutions.build import MASTER, BuildError, build, main
from solutions.points import PointsError, read

ROOT = Path(__file__).resolve().parents[1]
CORRECT = ROOT / "examples" / "correct.ipynb"
CHANGED = "lstm_forward"
QUESTION_POINTS = re.compile(r"^(points:\s*)(\S+)\s*$", re.M)


def _question_cells(nb, name: str) -> tuple[int, list[int]]:
    """The BEGIN QUESTION cell of `name` and its test cells (indices into nb.cells)."""
    start = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "raw" and "# BEGIN QUESTION" in c.source and f"name: {name}" in c.source
    )
    end = next(i for i in range(start, len(nb.cells)) if "# END QUESTION" in nb.cells[i].source)
    tests = [
        i
        for i in range(start, end)
        if nb.cells[i].cell_type == "code" and "# BEGIN TEST CONFIG" in nb.cells[i].source
    ]
    return start, tests


def _scaled(cell_source: str, factor: float) -> str:
    return QUESTION_POINTS.sub(
        lambda m: f"{m.group(1)}{float(m.group(2)) * factor:g}", cell_source, count=1
    )


def _master_copy(tmp_path: Path, question_factor: float, tests_factor: float) -> Path:
    """A copy of the master notebook with CHANGED's question points and its test cells' points
    multiplied by the given factors; nothing else changed."""
    nb = nbformat.read(MASTER, as_version=4)
    start, tests = _question_cells(nb, CHANGED)
    nb.cells[start].source = _scaled(nb.cells[start].source, question_factor)
    for i in tests:
        nb.cells[i].source = _scaled(nb.cells[i].source, tests_factor)
    path = tmp_path / "master" / MASTER.name
    path.parent.mkdir()
    nbformat.write(nb, path)
    return path


def _check_in_a_kernel(student_nb: Path, folder: Path, name: str) -> str:
    """What the `grader.check(name)` cell shows when the built student notebook, with every
    function right, runs top to bottom in a kernel, in a copy of its folder."""
    shutil.copytree(student_nb.parent, folder)
    nb = notebook(nbformat.read(student_nb, as_version=4))
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    ).execute()
    cell = next(c for c in nb.cells if f'grader.check("{name}")' in c.source)
    texts = [o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs]
    return "\n".join(texts)


def test_a_question_whose_tests_do_not_add_up_stops_the_build(tmp_path):
    """Raising a question's points without its tests' fails the build before anything is
    written, naming the question, its points and what its tests add up to."""
    before = read(MASTER)[CHANGED]
    master = _master_copy(tmp_path, 3, 1)
    out = tmp_path / "dist"
    with pytest.raises(BuildError) as caught:
        build(out, master=master)
    message = str(caught.value)
    tests = before["public"] + before["hidden"]
    assert CHANGED in message
    assert f"worth {before['question'] * 3:g} points" in message
    assert f"add up to {tests:g}" in message
    assert re.search(r"cell \d+", message)
    assert not out.exists()


def test_the_build_command_says_why_in_one_line(tmp_path, capsys):
    """The build's command-line entry prints one `build failed:` line and returns 1."""
    master = _master_copy(tmp_path, 1, 2)
    assert main(str(tmp_path / "dist"), master) == 1
    err = capsys.readouterr().err
    assert err.startswith("build failed: ") and err.count("\n") == 1 and CHANGED in err


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda src: src.replace("name: rnn_forward", "name: rnn_foward"), "'rnn_foward'"),
        (lambda src: src.replace("points: 1", "points: lots"), "got 'lots'"),
    ],
)
def test_unreadable_question_points_are_named(tmp_path, edit, expected):
    """A question named after no function, or points that are not a number, are refused with
    the cell and what was expected."""
    nb = nbformat.read(MASTER, as_version=4)
    start, _ = _question_cells(nb, "rnn_forward")
    nb.cells[start].source = edit(nb.cells[start].source)
    path = tmp_path / MASTER.name
    nbformat.write(nb, path)
    with pytest.raises(PointsError) as caught:
        read(path)
    assert expected in str(caught.value) and f"cell {start + 1}" in str(caught.value)


def test_case_files_that_disagree_on_points_are_refused(built, tmp_path):
    """Public and hidden case data from different builds (other points) do not load; nor
    does case data written before points were part of it."""
    hidden = probe.decode(json.loads((built["cases"] / "hidden_cases.json").read_text()))
    hidden["points"][CHANGED]["question"] += 1
    other = tmp_path / "hidden_cases.json"
    other.write_text(json.dumps(probe.encode(hidden)))
    with pytest.raises(CaseDataError, match=f"disagree on the points of {CHANGED}"):
        grader.load_cases(built["cases"] / "public_cases.json", other)
    del hidden["points"]
    other.write_text(json.dumps(probe.encode(hidden)))
    with pytest.raises(CaseDataError, match="has no points table"):
        grader.load_cases(other)


def test_changed_points_reach_every_way_of_grading(tmp_path):
    """Doubling a question's points (and its tests') in a copy of the master notebook, then
    building: the case data, `check`, `otter run` (the plugin), `grader.check()` and the
    Classroom results all give the question the new points, split as the tests say."""
    before = read(MASTER)
    old = before[CHANGED]
    paths = build(tmp_path / "dist", master=_master_copy(tmp_path, 2, 2))
    new = Points(old["question"] * 2, {"public": old["public"] * 2, "hidden": old["hidden"] * 2})
    total = sum(p["question"] for p in before.values()) + old["question"]

    cases = grader.load_cases(
        paths["cases"] / "public_cases.json", paths["cases"] / "hidden_cases.json"
    )
    assert cases.points_of(CHANGED) == new

    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(CORRECT), "--cases", str(paths["cases"])]
        + ["--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    assert report["functions"][CHANGED]["max_score"] == new.question
    assert report["functions"][CHANGED]["score"] == new.question
    assert report["max_score"] == report["score"] == total

    results = otter_run(CORRECT, paths["autograder_zip"], tmp_path / "otter")
    assert per_question(results)[CHANGED] == new.question
    assert sum(per_question(results).values()) == total

    notebook_checks._loaded.clear()
    with contextlib.chdir(paths["student"].parent):
        assert notebook_checks.public_points(CHANGED) == (new.by_set["public"], new.question)
    notebook_checks._loaded.clear()
    shown = _check_in_a_kernel(paths["student"], tmp_path / "student", CHANGED)
    worth = f"{new.by_set['public']:g}"
    assert f"{worth} / {worth} points" in shown, shown[:500]

    repo = tmp_path / "classroom"
    shutil.copytree(paths["classroom"], repo)
    shutil.copy(CORRECT, repo / paths["student"].name)
    output = tmp_path / "github_output"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "classroom", paths["student"].name]
        + ["--cases", "grader/data", "--output-env", str(output)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    result = json.loads(base64.b64decode(outputs[runner(CHANGED)]))
    assert result["max_score"] == new.question
    assert sum(t["score"] for t in result["tests"]) == new.question
