"""The batch: no submission can stop it, hang it or make it lose what it finished.

Most tests inject a small fake grading function (`_fake`, which behaves as its submission's
file name says) instead of the engine, so a worker can die, hang or signal its group in well
under a second; one test runs the real engine on two bundled examples.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from master_points import POINTS

from grader import Limits
from grader.assignments import rnn_lstm as spec
from grader.batch import grade_batch
from grader.records import FunctionResult, Report, RunRecord

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MARGIN = 1.0
START_SLACK = 15.0  # starting a Python process and importing the grader, on a slow machine
GONE_WITHIN = 5.0  # how long a killed process may take to disappear from /proc

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")


@dataclass(frozen=True)
class BudgetLimits(Limits):
    """Limits with the per-submission budget (until `Limits` itself has the field)."""

    submission_seconds: float = 600.0


def _passing(path) -> Report:
    functions = tuple(
        FunctionResult(fn.name, "pass", POINTS[fn.name], POINTS[fn.name], True)
        for fn in spec.FUNCTIONS
    )
    return Report(Path(path).name, RunRecord("ok"), (), functions)


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} did not appear within {seconds:g} s")
        time.sleep(0.02)


def _start_grandchild(path: Path) -> None:
    """A process in a session of its own (as a Jupyter kernel is); pids written beside path."""
    child = subprocess.Popen(["sleep", "600"], start_new_session=True)
    path.with_suffix(".pids").write_text(f"{os.getpid()} {child.pid}")


def _fake(path, cases, limits) -> Report:
    """Grades like its file name says: the part of the stem before the first '-'."""
    path = Path(path)
    what = path.stem.split("-")[0]
    budget = limits.submission_seconds
    if what == "exit":
        os._exit(3)
    if what == "killgroup":
        os.killpg(0, signal.SIGKILL)
    if what == "killparent":  # a descendant, as a kernel would
        code = "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"
        subprocess.run([sys.executable, "-c", code], timeout=budget)
        time.sleep(budget * 2)
    if what == "signals":
        for sig in (signal.SIGINT, signal.SIGTERM):
            os.killpg(0, sig)
    if what == "raise":
        raise RuntimeError("the fake grader failed")
    if what == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
    if what == "sleep":
        _start_grandchild(path)
        time.sleep(budget * 10)
    if what == "once" and not path.with_suffix(".tried").exists():
        path.with_suffix(".tried").touch()
        os._exit(4)
    if what == "slow":
        _wait_for(path.with_suffix(".go"), budget)
    if what == "first":
        _wait_for(path.with_name("sleep.pids"), budget)
    return _passing(path)


def _subs(tmp_path: Path, *stems: str) -> list[str]:
    (tmp_path / "in").mkdir(exist_ok=True)
    return [str(tmp_path / "in" / f"{stem}.ipynb") for stem in stems]


def _rows(out: Path) -> dict[str, dict]:
    return {Path(r["submission"]).stem: r for r in csv.DictReader((out / "summary.csv").open())}


def _notices(out: Path, name: str) -> dict[str, str]:
    report = json.loads((out / f"{name}.json").read_text())
    return {n["code"]: n["message"] for n in report["notices"]}


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_every_submission_gets_a_row_and_files_whatever_its_worker_does(tmp_path):
    """Workers that exit, kill their own group, get killed by a descendant, are sent SIGINT
    and SIGTERM by their own group, or whose grading raises cost only their own submission:
    each gets NAME.json, NAME.txt and a summary row with a status saying what happened; a dead
    worker was retried once, and the signalled one simply finished."""
    stems = ["ok", "exit", "killgroup", "killparent", "signals", "raise"]
    subs = _subs(tmp_path, *stems)
    out = tmp_path / "out"
    limits = BudgetLimits(submission_seconds=20.0)
    batch = grade_batch(subs, None, limits, out, jobs=3, grade_one=_fake, margin_seconds=MARGIN)

    assert not batch.interrupted and batch.missing == ()
    assert [o.submission for o in batch.outcomes] == subs
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["submission"] for r in rows] == subs
    assert all((out / f"{s}.json").is_file() and (out / f"{s}.txt").is_file() for s in stems)
    by = {Path(o.submission).stem: o for o in batch.outcomes}
    status = {stem: (by[stem].status, by[stem].run, by[stem].attempts) for stem in stems}
    assert status == {
        "ok": ("graded", "ok", 1),
        "exit": ("worker-died", "kernel_died", 2),
        "killgroup": ("worker-died", "kernel_died", 2),
        "killparent": ("worker-died", "kernel_died", 2),
        "signals": ("graded", "ok", 1),
        "raise": ("grader-error", "errors", 1),
    }
    assert {s: _rows(out)[s]["status"] for s in stems} == {s: v[0] for s, v in status.items()}
    assert by["ok"].score == by["signals"].score == 16
    assert all(by[s].score == 0 for s in ("exit", "killgroup", "killparent", "raise"))
    died = _notices(out, "exit")["worker-died"]
    assert "retried" in died and "exited with status 3" in died
    assert "killed by SIGKILL" in _notices(out, "killparent")["worker-died"]
    assert "RuntimeError: the fake grader failed" in _notices(out, "raise")["internal-error"]


def test_a_worker_that_dies_once_is_replaced_and_the_retry_counts(tmp_path):
    """A submission whose first worker dies is graded by a new worker, with full marks."""
    subs = _subs(tmp_path, "once")
    limits = BudgetLimits(submission_seconds=5.0)
    batch = grade_batch(subs, None, limits, tmp_path / "out", grade_one=_fake, margin_seconds=1)
    (outcome,) = batch.outcomes
    assert (outcome.status, outcome.attempts, outcome.score) == ("graded", 2, 16)
    assert (tmp_path / "in" / "once.tried").exists()


def test_a_late_worker_is_killed_with_every_process_it_started(tmp_path):
    """Past the budget plus the margin a sleeping worker, with a process it started in a
    session of its own, and a worker that stopped itself (SIGSTOP) are killed; each submission
    gets a timeout record saying how long it took, and the quick one beside them is graded."""
    subs = _subs(tmp_path, "sleep", "stop", "ok")
    out = tmp_path / "out"
    limits = BudgetLimits(submission_seconds=1.0)
    started = time.monotonic()
    batch = grade_batch(subs, None, limits, out, jobs=3, grade_one=_fake, margin_seconds=MARGIN)
    elapsed = time.monotonic() - started

    assert [(o.status, o.run, o.score) for o in batch.outcomes] == [
        ("timeout", "timeout", 0),
        ("timeout", "timeout", 0),
        ("graded", "ok", 16),
    ]
    for name in ("sleep", "stop"):
        assert "Grading took longer than 2 s" in _notices(out, name)["submission-timeout"]
    assert "longer than 2 s" in batch.outcomes[1].headline
    assert elapsed < limits.submission_seconds + MARGIN + START_SLACK
    worker, grandchild = map(int, (tmp_path / "in" / "sleep.pids").read_text().split())
    assert _gone(worker) and _gone(grandchild)


def test_results_are_written_as_each_submission_finishes(tmp_path):
    """The first result's report files and summary row exist while a slower submission is still
    being graded (it finishes only after the test saw them); the slower one is 'pending'."""
    subs = _subs(tmp_path, "slow", "fast")
    out = tmp_path / "out"
    seen = []

    def on_result(outcome):
        seen.append(outcome.name)
        if outcome.name == "fast":
            assert (out / "fast.json").is_file() and (out / "fast.txt").is_file()
            rows = _rows(out)
            assert (rows["fast"]["status"], rows["slow"]["status"]) == ("graded", "pending")
            assert not (out / "slow.json").exists()
            (tmp_path / "in" / "slow.go").touch()

    limits = BudgetLimits(submission_seconds=20.0)
    batch = grade_batch(
        subs, None, limits, out, 2, on_result=on_result, grade_one=_fake, margin_seconds=MARGIN
    )
    assert seen == ["fast", "slow"]
    assert [o.status for o in batch.outcomes] == ["graded", "graded"]
    assert [r["status"] for r in _rows(out).values()] == ["graded", "graded"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_batch_kills_its_workers_and_keeps_what_finished(tmp_path, sig):
    """Ctrl-C (or SIGTERM) during a batch returns at once: the running worker and what it
    started are killed, the finished submission keeps its files and row, the unfinished one
    has an 'interrupted' row and is listed as missing."""
    subs = _subs(tmp_path, "first", "sleep")
    out = tmp_path / "out"
    limits = BudgetLimits(submission_seconds=30.0)

    def on_result(outcome):
        os.kill(os.getpid(), sig)

    started = time.monotonic()
    batch = grade_batch(
        subs, None, limits, out, 2, on_result=on_result, grade_one=_fake, margin_seconds=MARGIN
    )
    assert time.monotonic() - started < limits.submission_seconds
    assert batch.interrupted and batch.missing == (subs[1],)
    assert [o.name for o in batch.outcomes] == ["first"]
    rows = _rows(out)
    assert (rows["first"]["status"], rows["first"]["score"]) == ("graded", "16.0")
    assert (rows["sleep"]["status"], rows["sleep"]["score"]) == ("interrupted", "")
    assert (out / "first.json").is_file() and not (out / "sleep.json").exists()
    worker, grandchild = map(int, (tmp_path / "in" / "sleep.pids").read_text().split())
    assert _gone(worker) and _gone(grandchild)
    assert not list(out.glob(".*.tmp"))


def test_grade_one_must_be_importable():
    """A grading function that cannot be sent to a new process is refused on entry."""
    with pytest.raises(TypeError, match="importable by name"):
        grade_batch(["x.ipynb"], None, grade_one=lambda *args: None)


def test_the_engine_grades_real_notebooks_in_workers(cases, tmp_path):
    """End to end: the real engine in two workers grades the correct example 16 / 16 and the
    file that is not a notebook as invalid, with reports and summary rows for both."""
    subs = [str(EXAMPLES / "correct.ipynb"), str(EXAMPLES / "not-a-notebook.ipynb")]
    out = tmp_path / "out"
    batch = grade_batch(subs, cases, Limits(), out, jobs=2)
    correct, invalid = batch.outcomes
    assert (correct.status, correct.score, correct.max_score) == ("graded", 16, 16)
    assert (invalid.status, invalid.run) == ("graded", "invalid_notebook")
    rows = _rows(out)
    assert float(rows["correct"]["score"]) == 16 and rows["correct"]["lstm_backward"] == "3.0"
    assert rows["not-a-notebook"]["run"] == "invalid_notebook"
    assert json.loads((out / "correct.json").read_text())["score"] == 16
    assert "16 / 16" in (out / "correct.txt").read_text()
