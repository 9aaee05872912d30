"""The command line: `python -m grader check` and `batch` on the bundled examples."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def grader_cli(*args, cwd=ROOT):
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_check_json_follows_the_contract(built):
    """check --format json prints schema 1 with the documented keys and the root cause."""
    out = grader_cli(
        "check",
        str(EXAMPLES / "lstm-forward-aliased-c-next.ipynb"),
        "--format",
        "json",
        "--cases",
        str(built["cases"]),
    )
    data = json.loads(out)
    assert data["schema"] == 1 and data["max_score"] == 16
    assert set(data["run"]) == {"status", "cells", "stale"}
    fn = data["functions"]["lstm_forward"]
    assert set(fn) >= {
        "status",
        "score",
        "max_score",
        "correct_in_isolation",
        "blame",
        "wrong_outputs",
        "wrong_steps",
        "wrong_intermediates",
        "mutated_inputs",
        "findings",
    }
    assert fn["blame"] == ["lstm_forward"] and fn["wrong_outputs"] == ["caches"]
    assert fn["wrong_steps"] == [0]
    assert any(f["code"] == "shared-memory" for f in fn["findings"])
    assert data["functions"]["lstm_backward"]["blame"] == ["lstm_forward"]
    assert data["functions"]["lstm_backward"]["score"] == 3


def test_check_html_and_text(built):
    """The same findings render as HTML and text."""
    example = str(EXAMPLES / "rnn-backward-forgets-recurrent-gradient.ipynb")
    html = grader_cli("check", example, "--format", "html", "--cases", str(built["cases"]))
    assert html.startswith("<!DOCTYPE html>") and "<code>rnn_backward</code>" in html
    text = grader_cli("check", example, "--cases", str(built["cases"]))
    assert "FAIL    rnn_backward" in text and "da_next" in text


def test_batch_grades_everything_and_loses_nothing(built, tmp_path):
    """batch writes a JSON and text report per submission and a CSV row for each, bad ones too."""
    subs = sorted(EXAMPLES.glob("*.ipynb")) + [tmp_path / "missing.ipynb"]
    out = tmp_path / "reports"
    grader_cli("batch", *map(str, subs), "--out", str(out), "--cases", str(built["cases"]))
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["submission"] for r in rows] == [str(s) for s in subs]
    by_name = {Path(r["submission"]).name: r for r in rows}
    assert float(by_name["correct.ipynb"]["score"]) == 16
    assert by_name["not-a-notebook.ipynb"]["run"] == "invalid_notebook"
    assert by_name["missing.ipynb"]["run"] == "invalid_notebook"
    assert all((out / f"{s.stem}.json").is_file() for s in subs)
    for sub in subs:
        if sub.stem.startswith("stale-") or sub.name in ("missing.ipynb", "not-a-notebook.ipynb"):
            continue
        stale = json.loads((out / f"{sub.stem}.json").read_text())["run"]["stale"]
        assert stale == [], f"{sub.name} is out of date: run python -m solutions.examples"


def test_require_sets_the_exit_status(built):
    """check --require NAME exits 0 when NAME passes and 1 when it does not (for CI use)."""
    example = str(EXAMPLES / "rnn-backward-forgets-recurrent-gradient.ipynb")
    base = [sys.executable, "-m", "grader", "check", example, "--cases", str(built["cases"])]
    ok = subprocess.run([*base, "--require", "rnn_forward"], capture_output=True, cwd=ROOT)
    bad = subprocess.run([*base, "--require", "rnn_backward"], capture_output=True, cwd=ROOT)
    assert (ok.returncode, bad.returncode) == (0, 1)


def test_require_and_assignment_are_checked_against_the_case_data(built):
    """--require names a function of the assignment the case files are for, else exit 2 with
    the list, before any kernel starts; --assignment must match what the files name."""
    example = str(EXAMPLES / "correct.ipynb")
    base = [sys.executable, "-m", "grader", "check", example, "--cases", str(built["cases"])]
    typo = subprocess.run(
        [*base, "--require", "rnn_foward"], capture_output=True, text=True, cwd=ROOT
    )
    assert typo.returncode == 2 and typo.stdout == ""
    assert "--require rnn_foward: the assignment rnn_lstm has no such function" in typo.stderr
    assert "rnn_cell_forward, rnn_forward," in typo.stderr
    named = subprocess.run(
        [*base, "--assignment", "rnn_lstm", "--require", "rnn_forward"],
        capture_output=True,
        cwd=ROOT,
    )
    assert named.returncode == 0
    unknown = subprocess.run(
        [*base, "--assignment", "nope"], capture_output=True, text=True, cwd=ROOT
    )
    assert unknown.returncode == 2 and "invalid choice: 'nope'" in unknown.stderr


def test_batch_keeps_submissions_with_the_same_file_name(built, tmp_path):
    """Two students' files with one name get two reports (checked two at a time)."""
    subs = []
    for student in ("alice", "bob"):
        (tmp_path / student).mkdir()
        target = tmp_path / student / "rnn_lstm.ipynb"
        target.write_bytes((EXAMPLES / "lstm-forward-aliased-c-next.ipynb").read_bytes())
        subs.append(str(target))
    out = tmp_path / "reports"
    grader_cli("batch", *subs, "--out", str(out), "--cases", str(built["cases"]), "--jobs", "2")
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["submission"] for r in rows] == subs
    assert [r["report"] for r in rows] == ["rnn_lstm.json", "bob-rnn_lstm.json"]
    assert all(float(r["score"]) == 14 for r in rows)


def test_a_reader_that_went_away_gets_no_traceback(built):
    """`check ... | head -c 0`: stdout is a pipe whose reader is gone before anything is
    written; the command ends with status 1 and says nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the command starts: every write to stdout fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "grader", "check", str(EXAMPLES / "not-a-notebook.ipynb")]
            + ["--cases", str(built["cases"])],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
