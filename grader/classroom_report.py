"""What the Classroom workflow hands GitHub Classroom: one result per function in the contract of
`classroom-resources/autograding-grading-reporter@v1`, and the diagnosis as Markdown for the
job summary. Both are renderers over one Report; nothing here grades.

The reporter's contract, as its source at v1 has it (src/main.js, src/notify-classroom.js,
src/helpers/test-helpers.js):
- for each name in its `runners:` input (comma-separated, trimmed) it reads the environment
  variable `<NAME upper-cased>_RESULTS`, decodes it from base64 and parses it as JSON:
  `{"version": 1, "status", "max_score", "tests": [{"name", "status", "score", "message",
  "test_code", "filename", "line_no", "duration"}]}`;
- the grade it sends Classroom is the sum of every test's `score`, over the runners whose
  `max_score` is not 0, out of the sum of their `max_score`; its console table instead shows
  (tests with status "pass") / (tests) x `max_score` per runner;
- it fails the job when a runner's `status` is "fail" or "error"; a test's status "error"
  prints its `message`, and a non-empty `test_code` or a `line_no` other than 0 is printed too.

Here every function is one runner (its name without underscores: the reporter's own check of
`runners:` allows letters and digits only), worth the question's points, with one test per case
set graded (the public case, and the hidden cases when their data is at hand). A test's score is
its set's share of the engine's score for the function, so the tests add up to the engine's
verdict exactly.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path

from grader.casedata import CaseData, Points, counted_by_set, find_case_files, load
from grader.classroom import runner
from grader.errors import CaseDataError
from grader.execution import Limits
from grader.pipeline import check_submission
from grader.records import FunctionResult, Report
from grader.report import function_text, render_text

VERSION = 1
MAX_MESSAGE = 4_000  # characters of diagnosis per test; a step's outputs are capped at 1 MB
MAX_FINDINGS = 12  # findings per function in the job summary
PASSED = "passed"
STATUS = {"pass": "pass", "fail": "fail", "error": "error", "missing": "fail"}
VERDICT = {"pass": "✅ pass", "fail": "❌ fail", "error": "💥 error", "missing": "❔ missing"}
SET_LABEL = {"public": "the public case", "hidden": "the hidden cases"}


def _cut(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _set_shares(result: FunctionResult) -> dict[str, tuple[bool, float]]:
    """Per case set graded: whether all its cases passed, and its share of the score."""
    points = Points(result.max_score, dict(result.set_points))
    outcomes: dict[str, list[bool]] = {}
    for case in result.cases:
        outcomes.setdefault(case.set, []).append(case.passed)
    counts = counted_by_set(result.cases)
    raw = {s: points.earned({s: counts[s]}) for s in outcomes}
    weights = {s: points.by_set.get(s, 0.0) for s in outcomes}
    total_weight = sum(weights.values())
    # each set alone would earn as if it were all there is; weigh them as the whole score does
    if total_weight > 0:
        raw = {s: raw[s] * weights[s] / total_weight for s in raw}
    else:
        raw = {s: raw[s] * len(outcomes[s]) / len(result.cases) for s in raw}
    earned = sum(raw.values())
    scale = result.score / earned if earned else 0.0  # a policy deduction scales every share
    return {s: (all(ok), raw[s] * scale) for s, ok in outcomes.items()}


def runner_result(result: FunctionResult, notebook: str) -> dict:
    """The reporter's JSON for one function."""
    text = _cut(function_text(result).strip())
    shares = _set_shares(result)
    tests = []
    for case_set, (passed, score) in shares.items():
        tests.append(
            {
                "name": f"{result.name} ({SET_LABEL.get(case_set, case_set)})",
                "status": "pass" if passed else STATUS[result.status],
                "score": round(score, 6),
                "message": PASSED if passed else text,
                "test_code": "",
                "filename": notebook,
                "line_no": 0,
                "duration": 0,
            }
        )
    if tests:  # the rounded shares add up to the engine's score exactly
        tests[-1]["score"] = round(result.score - sum(t["score"] for t in tests[:-1]), 6)
    else:  # not graded at all (an unreadable notebook, a sandbox refused): one test says why
        tests.append(
            {
                "name": result.name,
                "status": STATUS[result.status],
                "score": result.score,
                "message": text,
                "test_code": "",
                "filename": notebook,
                "line_no": 0,
                "duration": 0,
            }
        )
    return {
        "version": VERSION,
        "status": STATUS[result.status],
        "max_score": result.max_score,
        "tests": tests,
    }


def encode(result: dict) -> str:
    """The form the reporter reads from `<RUNNER>_RESULTS`: base64 of the JSON, one line."""
    return base64.b64encode(json.dumps(result).encode("utf-8")).decode("ascii")


def runner_outputs(report: Report) -> dict[str, str]:
    """{runner: encoded result} for every function, in the declaration's order."""
    return {
        runner(result.name): encode(runner_result(result, report.submission))
        for result in report.functions
    }


def write_outputs(path: str, outputs: dict[str, str]) -> None:
    """Append `name=value` lines to the step's output file ($GITHUB_OUTPUT)."""
    with open(path, "a", encoding="utf-8") as out:
        for name, value in outputs.items():
            out.write(f"{name}={value}\n")


def _escape(text: str) -> str:
    """`<`, `>` and `&` made literal outside code spans, so GitHub shows them as written."""
    parts = re.split(r"(`[^`]*`)", text)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(parts)


def _points(value: float) -> str:
    return f"{value:g}"


def markdown(report: Report, sets: tuple[str, ...]) -> str:
    """The diagnosis as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY."""
    lines = [
        f"## {_escape(report.submission)}: {_points(report.score)} / "
        f"{_points(report.max_score)} points",
        "",
    ]
    if "hidden" not in sets:
        lines += [
            "Graded on the public case only (this repository holds no hidden cases); the "
            "final grade may also use hidden cases with other shapes and values.",
            "",
        ]
    if report.run.status != "ok":
        lines += [f"The notebook's fresh run ended with status `{report.run.status}`.", ""]
    for notice in report.notices:
        lines.append(f"> **{_escape(notice.code)}**: {_escape(notice.message)}")
    for item in report.stale:
        lines.append(f"> **{_escape(item.kind)}** (cell {item.cell + 1}): {_escape(item.message)}")
    if report.notices or report.stale:
        lines.append("")
    lines += ["| function | points | verdict | fix first |", "|---|---:|---|---|"]
    for f in report.functions:
        blame = ", ".join(f"`{b}`" for b in f.blame if b != f.name)
        lines.append(
            f"| `{f.name}` | {_points(f.score)} / {_points(f.max_score)} | "
            f"{VERDICT.get(f.status, f.status)} | {blame} |"
        )
    for f in report.functions:
        if f.status == "pass" and not f.findings:
            continue
        lines += ["", f"### `{f.name}`: {_points(f.score)} / {_points(f.max_score)}", ""]
        lines += [f"- {_escape(x.message)}" for x in f.findings[:MAX_FINDINGS]]
        if len(f.findings) > MAX_FINDINGS:
            lines.append(f"- … and {len(f.findings) - MAX_FINDINGS} more findings.")
    return "\n".join(lines) + "\n"


def classroom_cases(folder: str | None, hidden_folder: str | None) -> CaseData:
    """The public (and hidden, when at hand) case data: from `folder` (else the grader
    package's own data), the hidden set from `hidden_folder` when it is given."""
    files = find_case_files(*([Path(folder)] if folder else []))
    if hidden_folder is not None:
        hidden = Path(hidden_folder) / "hidden_cases.json"
        if not hidden.is_file():
            there = sorted(p.name for p in hidden.parent.glob("*"))
            raise CaseDataError(
                f"expected hidden_cases.json in {hidden_folder} (--hidden-cases); found "
                f"{', '.join(there) if there else 'nothing there'}"
            )
        files = [f for f in files if f.name != hidden.name] + [hidden]
    if not any(f.name == "public_cases.json" for f in files):
        raise CaseDataError(f"expected public_cases.json in {folder or 'the grader package'}")
    return load(*files)


def grade_for_classroom(
    notebook: str,
    folder: str | None,
    hidden_folder: str | None,
    limits: Limits,
    output_env: str | None,
    summary: str | None,
) -> int:
    """Grade `notebook` once; print the text report, append one reporter result per function
    to `output_env` and the Markdown diagnosis to `summary`. The exit status is 0 whatever the
    verdicts: the reporter reads them from the results and fails the job itself."""
    cases = classroom_cases(folder, hidden_folder)
    report = check_submission(notebook, cases, limits)
    sys.stdout.write(render_text(report))
    if output_env:
        write_outputs(output_env, runner_outputs(report))
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(markdown(report, cases.sets))
    return 0
