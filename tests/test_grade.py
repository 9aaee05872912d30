"""`python -m grader grade`: a course's submissions in, a resumable results folder out.

The unit tests read sources and write gradebooks without a kernel. The end-to-end tests grade
the bundled examples plus 200 generated submissions (tests/generated.py: correct, buggy, stale
and broken mixed, 50 of them in an LMS zip) with two workers: once interrupted half-way by
SIGINT and resumed, once through a real local Dask cluster whose worker is SIGKILLed
mid-run; the two results folders must be byte-identical. A smaller batch has a local worker
SIGKILLed. Every wait is bounded by the grader's own limits.
"""

from __future__ import annotations

import csv
import filecmp
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grader.assignments import rnn_lstm as spec
from grader.batch import MARGIN_SECONDS, STARTUP_SECONDS
from grader.gradebook import gradebook_row, slugs
from grader.sources import expand, result_key

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SUBMISSION_SECONDS = 90.0  # passed to every run below; a kernel-graded example takes ~3 s
GONE_WITHIN = 10.0
OUTPUTS = ("results", "feedback", "gradescope")

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")


def _bound(jobs: int, workers: int) -> float:
    """The longest a grade run may take by the grader's own limits."""
    rounds = -(-jobs // workers)
    return STARTUP_SECONDS + rounds * (SUBMISSION_SECONDS + MARGIN_SECONDS)


def _command(sources, out: Path, cases: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "grader",
        "grade",
        *map(str, sources),
        "--out",
        str(out),
        "--cases",
        str(cases),
        "--submission-seconds",
        str(SUBMISSION_SECONDS),
        *extra,
    ]


def _grade(sources, out: Path, cases: Path, *extra: str, jobs: int = 10, workers: int = 2):
    done = subprocess.run(
        _command(sources, out, cases, *extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=_bound(jobs, workers),
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def _rows(out: Path) -> dict[str, dict]:
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _wait_for_results(out: Path, count: int, process, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while len(list((out / "results").glob("*.json"))) < count:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, f"fewer than {count} results after {seconds:g} s"
        time.sleep(0.1)


def _same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ or exist on one side only, below the outputs of two runs."""
    problems = []
    for name in ("gradebook.csv", "report.html"):
        if not filecmp.cmp(a / name, b / name, shallow=False):
            problems.append(name)
    for folder in OUTPUTS:
        left = {p.relative_to(a) for p in (a / folder).rglob("*") if p.is_file()}
        right = {p.relative_to(b) for p in (b / folder).rglob("*") if p.is_file()}
        problems += [f"only in one run: {p}" for p in sorted(left ^ right)]
        problems += [
            str(p) for p in sorted(left & right) if (a / p).read_bytes() != (b / p).read_bytes()
        ]
    return problems


# ---------------------------------------------------------------------------------------------
# without kernels
# ---------------------------------------------------------------------------------------------
def test_sources_are_notebooks_folders_and_zips_each_notebook_a_submission(tmp_path):
    """A folder is searched recursively (checkpoints and hidden files skipped), every notebook
    in a zip is a submission named by its path in the zip, a zip without a notebook and a
    corrupt one are submissions themselves (graded as bad files), a missing source is named."""
    (tmp_path / "course" / "a" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "course" / "a" / "nb.ipynb").write_text("{}")
    (tmp_path / "course" / "a" / ".ipynb_checkpoints" / "nb-checkpoint.ipynb").write_text("{}")
    (tmp_path / "course" / ".hidden.ipynb").write_text("{}")
    (tmp_path / "course" / "notes.txt").write_text("not graded")
    with zipfile.ZipFile(tmp_path / "course" / "lms.zip", "w") as archive:
        archive.writestr("bob/hw.ipynb", "{}")
        archive.writestr("alice/hw.ipynb", "{}")
        archive.writestr("__MACOSX/alice/._hw.ipynb", "junk")
        archive.writestr("alice/readme.md", "hello")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as archive:
        archive.writestr("readme.md", "no notebook")
    (tmp_path / "corrupt.zip").write_bytes(b"PK\x03\x04 not really")
    sources = [
        tmp_path / "course",
        tmp_path / "empty.zip",
        tmp_path / "corrupt.zip",
        tmp_path / "missing.ipynb",
        tmp_path / "course" / "a" / "nb.ipynb",
    ]
    found, problems = expand([str(s) for s in sources])
    course = str(tmp_path / "course")
    assert [s.identifier for s in found] == [
        f"{course}/lms.zip/alice/hw.ipynb",
        f"{course}/lms.zip/bob/hw.ipynb",
        f"{course}/a/nb.ipynb",
        str(tmp_path / "empty.zip"),
        str(tmp_path / "corrupt.zip"),
    ]
    names = ["hw.ipynb", "hw.ipynb", "nb.ipynb", "empty.zip", "corrupt.zip"]
    assert [s.filename for s in found] == names
    assert found[1].read() == b"{}" and found[4].read() == b"PK\x03\x04 not really"
    assert problems == [f"{tmp_path / 'missing.ipynb'} does not exist"]


def test_a_result_key_changes_with_the_bytes_the_case_data_and_the_grader_version():
    """Equal inputs give equal keys; changing any one part gives another key."""
    base = result_key(b"{}", "cases", "1.0", "nb.ipynb")
    assert base == result_key(b"{}", "cases", "1.0", "nb.ipynb")
    others = [
        result_key(b"{} ", "cases", "1.0", "nb.ipynb"),
        result_key(b"{}", "cases2", "1.0", "nb.ipynb"),
        result_key(b"{}", "cases", "1.1", "nb.ipynb"),
        result_key(b"{}", "cases", "1.0", "other.ipynb"),
    ]
    assert base not in others and len(set(others)) == len(others)


def test_gradebook_rows_and_file_names():
    """A row carries the total, a column per function, the run, the root causes and the stale
    count from the report; file names are distinct and safe for any identifier."""
    report = {
        "score": 3.0,
        "max_score": 16.0,
        "run": {"status": "errors", "stale": [{"kind": "redefined", "cell": 3, "message": "m"}]},
        "functions": {name: {"status": "pass", "score": 1.0, "blame": []} for name in spec.NAMES},
    }
    report["functions"]["lstm_backward"] = {
        "status": "fail",
        "score": 0.0,
        "blame": ["lstm_cell_backward", "lstm_backward"],
    }
    row = gradebook_row("x.zip/alice/nb.ipynb", "graded", report, "feedback/a.txt")
    assert (row["total"], row["run"], row["stale_items"]) == (3.0, "errors", 1)
    assert row["root_causes"] == "lstm_cell_backward lstm_backward"
    assert row["lstm_backward"] == 0.0 and row["rnn_forward"] == 1.0
    assert gradebook_row("y.ipynb", "pending", None, "") == {
        "submission": "y.ipynb",
        "status": "pending",
    }
    names = slugs(["x.zip/alice/nb.ipynb", "x.zip/alice/nb.ipynb.", "../../etc/passwd", "x/a b"])
    assert len(set(names)) == 4
    assert all("/" not in n and not n.startswith(".") for n in names)


# ---------------------------------------------------------------------------------------------
# end to end, with kernels
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(built, tmp_path_factory):
    """The bundled examples plus 200 generated submissions (50 in a zip)."""
    from generated import base_notebooks, write_corpus

    folder = tmp_path_factory.mktemp("course")
    sources, made = write_corpus(base_notebooks(built["student"]), folder)
    return [str(EXAMPLES), *sources], made


def _check_grades(out: Path, made, total: int) -> None:
    rows = _rows(out)
    assert len(rows) == total
    assert all(r["status"] == "graded" for r in rows.values()), {
        k: r["status"] for k, r in rows.items() if r["status"] != "graded"
    }
    full = rows[str(EXAMPLES / "correct.ipynb")]
    assert float(full["total"]) == float(full["max_score"])
    for item in made:
        row = rows[item.identifier]
        if item.kind == "correct":
            assert (row["total"], row["stale_items"]) == (full["total"], "0"), item
        elif item.kind == "buggy":
            assert item.mistake in row["root_causes"].split(), (item, row)
        elif item.kind == "stale":
            assert int(row["stale_items"]) > 0, (item, row)
        else:
            assert row["run"] == "invalid_notebook", (item, row)
        assert (out / row["report"]).is_file()
    scores = list((out / "gradescope").glob("*/results.json"))
    assert len(scores) == total
    sample = json.loads(scores[0].read_text())
    assert {"score", "tests"} <= sample.keys()
    assert all({"name", "visibility"} <= t.keys() for t in sample["tests"])
    assert len(list((out / "feedback").glob("*.html"))) == total
    assert "<img" in (out / "report.html").read_text()
    assert not list(out.rglob(".*.tmp"))


def test_interrupted_and_resumed_equals_a_dask_run_with_a_worker_killed(corpus, built, tmp_path):
    """SIGINT half-way through a local run with two workers stops it cleanly (status 130, the
    kernels it started gone, a message saying how to resume); the same command again grades
    only the rest. The same batch through a real local Dask cluster (scheduler and two
    workers, separate processes on 127.0.0.1), one of whose workers is SIGKILLed mid-run,
    grades everything too, and both results folders are byte for byte the same."""
    from dask_cluster import local_cluster

    sources, made = corpus
    total = len(made) + len(list(EXAMPLES.glob("*.ipynb")))
    cases = built["cases"]
    local, remote = tmp_path / "local", tmp_path / "dask"
    run = subprocess.Popen(
        _command(sources, local, cases, "--workers", "2"),
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_results(local, total // 3, run, _bound(total, 2))
        below = _descendants(run.pid)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=STARTUP_SECONDS)
    finally:
        run.kill()
    assert run.returncode == 130, err[-3000:]
    assert "run the same command again" in err
    assert below and all(_gone(pid) for pid in below)
    first = len(list((local / "results").glob("*.json")))
    assert 0 < first < total
    assert sum(r["status"] == "pending" for r in _rows(local).values()) > 0

    again = _grade(sources, local, cases, "--workers", "2", jobs=total)
    assert f"{first} of" in again.stderr and "already graded" in again.stderr
    _check_grades(local, made, total)

    with local_cluster(2) as cluster:
        run = subprocess.Popen(
            _command(sources, remote, cases, "--scheduler", cluster.address),
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for_results(remote, total // 3, run, _bound(total, 2))
            victims = cluster.worker_processes()
            assert victims, "no Dask worker process found"
            os.kill(victims[0], signal.SIGKILL)
            _, err = run.communicate(timeout=_bound(total, 2))
        finally:
            run.kill()
    assert run.returncode == 0, err[-3000:]
    assert _same_tree(local, remote) == []


def test_a_local_worker_killed_mid_run_costs_nothing(built, tmp_path):
    """SIGKILL to one of the two local workers while it grades: its submission is graded again
    by a new worker, and the results are the same as those of a run nobody disturbed."""
    sources = [str(EXAMPLES)]
    killed, calm = tmp_path / "killed", tmp_path / "calm"
    run = subprocess.Popen(
        _command(sources, killed, built["cases"], "--workers", "2"),
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_results(killed, 1, run, _bound(8, 2))
        os.kill(_grading_worker(run, 60), signal.SIGKILL)
        _, err = run.communicate(timeout=_bound(8, 2))
    finally:
        run.kill()
    assert run.returncode == 0, err[-3000:]
    _grade(sources, calm, built["cases"], "--workers", "2", jobs=8)
    assert _same_tree(killed, calm) == []
    assert all(r["status"] == "graded" for r in _rows(killed).values())


def _grading_worker(run, seconds: float) -> int:
    """A worker of `run` that has a kernel now (between two submissions a worker has none:
    its last kernel is reaped before the next one starts)."""
    deadline = time.monotonic() + seconds
    while True:
        assert run.poll() is None, "the run ended before a worker could be killed"
        workers = [p for p in _children(run.pid) if _descendants(p)]
        if workers:
            return workers[0]
        assert time.monotonic() < deadline, f"no worker with a kernel found in {seconds:g} s"
        time.sleep(0.02)


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return found


def test_results_are_reused_regraded_with_force_and_a_broken_one_redone(built, tmp_path):
    """The same command again grades nothing (the result file is left as it was); --force
    grades again; a result file cut short (a machine that died while writing outside the
    rename) is not trusted and is graded again. Files that are not notebooks need no kernel."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "a.ipynb").write_text("not a notebook")
    (course / "b.ipynb").write_bytes(b"")
    out = tmp_path / "out"
    first = _grade([course], out, built["cases"], jobs=2, workers=1)
    assert "[2/2]" in first.stderr
    results = sorted((out / "results").glob("*.json"))
    assert len(results) == 2
    stamps = [p.stat().st_mtime_ns for p in results]
    again = _grade([course], out, built["cases"], jobs=2, workers=1)
    assert "2 of 2 already graded" in again.stderr
    assert [p.stat().st_mtime_ns for p in results] == stamps
    results[0].write_text(results[0].read_text()[:50])
    redo = _grade([course], out, built["cases"], jobs=2, workers=1)
    assert "1 of 2 already graded" in redo.stderr
    assert json.loads(results[0].read_text())["status"] == "graded"
    forced = _grade([course], out, built["cases"], "--force", jobs=2, workers=1)
    assert "already graded" not in forced.stderr and "[2/2]" in forced.stderr
    assert [r["run"] for r in _rows(out).values()] == ["invalid_notebook"] * 2
