"""Command line: parses arguments and calls the importable functions; holds no grading logic.

python -m grader check SUBMISSION.ipynb [--format text|json|html] [--cases DIR]
python -m grader batch SUBMISSION.ipynb ... [--out DIR] [--cases DIR]
python -m grader build [--out DIR]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import sys
from pathlib import Path

from grader import spec
from grader.casedata import CaseData, find_case_files, load
from grader.errors import CaseDataError
from grader.execution import Limits
from grader.pipeline import check_submission
from grader.records import Report
from grader.report import RENDERERS, render_text, to_dict

DEFAULT_CASES = Path("dist")


def _cases(folder: str | None) -> tuple[CaseData, list[str]]:
    folders = [Path(folder)] if folder else [DEFAULT_CASES]
    files = find_case_files(*folders)
    sets = [f.name.split("_")[0] for f in files]
    notes = []
    if "hidden" not in sets:
        notes.append(
            "hidden case data not found: graded on the public case only "
            "(run `python -m grader build` or pass --cases DIR)."
        )
    if not files:
        raise CaseDataError(
            f"no case data in {folders[0]} or in the grader package; run `python -m grader build`"
        )
    return load(*files), notes


def _limits(args) -> Limits:
    return Limits(cell_seconds=args.cell_seconds, probe_seconds=args.probe_seconds)


def cmd_check(args) -> int:
    cases, notes = _cases(args.cases)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    report = check_submission(args.submission, cases, _limits(args))
    sys.stdout.write(RENDERERS[args.format](report))
    if args.format != "text":
        sys.stdout.write("\n")
    if args.require:
        return 0 if report.function(args.require).status == "pass" else 1
    return 0


def cmd_batch(args) -> int:
    cases, notes = _cases(args.cases)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = report_names(args.submissions)
    width = max(len(n) for n in names) + 2
    limits = _limits(args)
    rows = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        n = len(names)
        reports = pool.map(check_submission, args.submissions, [cases] * n, [limits] * n)
        for submission, name, report in zip(args.submissions, names, reports):
            (out / f"{name}.json").write_text(json.dumps(to_dict(report), indent=2), "utf-8")
            (out / f"{name}.txt").write_text(render_text(report), encoding="utf-8")
            row = {
                "submission": submission,
                "report": f"{name}.json",
                "score": report.score,
                "max_score": report.max_score,
                "run": report.run.status,
            }
            row.update({result.name: result.score for result in report.functions})
            rows.append(row)
            print(
                f"{name:<{width}} {report.score:>5g} / {report.max_score:g}  "
                f"run: {report.run.status}  {_headline(report)}",
                flush=True,
            )
    with (out / "summary.csv").open("w", newline="", encoding="utf-8") as fh:
        columns = ["submission", "report", "score", "max_score", "run", *spec.NAMES]
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"\n{len(rows)} submission(s); reports and summary.csv in {out}/")
    return 0


def report_names(submissions: list[str]) -> list[str]:
    """A distinct report name per submission: its stem, with its folder (then a number) added
    when two submissions share a file name, so no report overwrites another."""
    names: list[str] = []
    for submission in submissions:
        path = Path(submission)
        name = path.stem
        if name in names and path.parent.name:
            name = f"{path.parent.name}-{path.stem}"
        base, k = name, 2
        while name in names:
            name, k = f"{base}-{k}", k + 1
        names.append(name)
    return names


def _headline(report: Report) -> str:
    if report.run.status == "invalid_notebook" and report.notices:
        return report.notices[0].message
    stale = f"; stale state: {len(report.stale)} item(s)" if report.stale else ""
    failing = [f for f in report.functions if f.status != "pass"]
    if not failing:
        return "all functions pass" + stale
    roots = []
    for f in failing:
        for name in f.blame or (f.name,):
            if name not in roots:
                roots.append(name)
    more = " …" if len(roots) > 4 else ""
    return "root cause: " + ", ".join(roots[:4]) + more + stale


def cmd_build(args) -> int:
    try:
        from solutions.build import main as build_main
    except ImportError:
        print(
            "The build needs the instructor repository (solutions/ is not here).", file=sys.stderr
        )
        return 2
    return build_main(args.out)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader", description="Root-cause grading of RNN/LSTM notebooks."
    )
    sub = p.add_subparsers(dest="command", required=True)

    def limits(sp):
        sp.add_argument(
            "--cases", help="folder with public_cases.json / hidden_cases.json (default: dist/)"
        )
        sp.add_argument(
            "--cell-seconds",
            type=float,
            default=60.0,
            help="time limit per notebook cell (default 60)",
        )
        sp.add_argument(
            "--probe-seconds",
            type=float,
            default=30.0,
            help="time limit per call of a student function (default 30)",
        )

    check = sub.add_parser("check", help="check one submission and print the report")
    check.add_argument("submission")
    check.add_argument("--format", choices=sorted(RENDERERS), default="text")
    check.add_argument(
        "--require",
        choices=spec.NAMES,
        help="exit with status 1 unless this function passes (for CI and GitHub Classroom)",
    )
    limits(check)
    check.set_defaults(run=cmd_check)

    batch = sub.add_parser("batch", help="check many submissions; write reports and a CSV")
    batch.add_argument("submissions", nargs="+")
    batch.add_argument("--out", default="out", help="folder for the reports (default out/)")
    batch.add_argument(
        "--jobs", type=int, default=1, help="submissions checked at once (default 1)"
    )
    limits(batch)
    batch.set_defaults(run=cmd_batch)

    build = sub.add_parser("build", help="build case data, student notebook and autograder")
    build.add_argument("--out", default="dist")
    build.set_defaults(run=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CaseDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
