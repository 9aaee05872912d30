"""Command line: parses arguments and calls the importable functions; holds no grading logic.

python -m grader check SUBMISSION.ipynb [--format text|json|html] [--cases DIR]
python -m grader grade SOURCES... --out RESULTS_DIR [--workers N] [--scheduler ADDRESS] [--force]
python -m grader batch SUBMISSION.ipynb ... [--out DIR] [--cases DIR] [--jobs N]  (deprecated)
python -m grader build [--out DIR]
python -m grader classroom NOTEBOOK [--cases DIR] [--hidden-cases DIR] [--output-env FILE]
    [--summary FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader import sandbox
from grader.assignments import DEFAULT, REGISTRY
from grader.batch import Outcome, grade_batch, report_names
from grader.casedata import CaseData, find_case_files, load
from grader.errors import CaseDataError
from grader.execution import Limits
from grader.pipeline import check_submission
from grader.report import RENDERERS
from grader.sandbox import DEFAULT_ADDRESS_SPACE, Mode
from grader.sources import expand, named_assignments

DEFAULT_CASES = Path("dist")


def _cases(folder: str | None, name: str | None = None) -> tuple[CaseData, list[str]]:
    """The case data of assignment `name` (None: whichever the files name): from
    `<folder>/<name>/` when that holds case files (a build of another assignment beside the
    default one's), else from `folder` (default dist/)."""
    base = Path(folder) if folder else DEFAULT_CASES
    own = base / name if name else None
    folders = [own] if own is not None and find_case_files(own, packaged=False) else [base]
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
    return load(*files, assignment=name), notes


def _named(args, submissions: list[str]) -> str | None:
    """The assignment to grade: --assignment, else the one most of the submissions' notebooks
    name in their metadata (so one notebook cannot choose for a class), else None (the one the
    case files name)."""
    if args.assignment:
        return args.assignment
    found, _ = expand(submissions)
    counts = named_assignments(found).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _limits(args) -> Limits:
    return Limits.from_settings(
        args.cell_seconds, args.probe_seconds, args.submission_seconds, args.sandbox, args.memory_mb
    )


def cmd_check(args) -> int:
    limits = _limits(args)
    if limits.containment.mode is not Mode.OFF:
        sandbox.prefetch(limits.containment)  # checked while the case data loads
    cases, notes = _cases(args.cases, _named(args, [args.submission]))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    names = cases.assignment.names
    if args.require and args.require not in names:
        raise CaseDataError(
            f"--require {args.require}: the assignment {cases.assignment.name} has no such "
            f"function; its functions: {', '.join(names)}"
        )
    report = check_submission(args.submission, cases, limits)
    sys.stdout.write(RENDERERS[args.format](report))
    if args.format != "text":
        sys.stdout.write("\n")
    if report.run.status == "not_run":  # not run: --sandbox required without one, or a
        # notebook of another assignment than --assignment
        return 3
    if args.require:
        return 0 if report.function(args.require).status == "pass" else 1
    return 0


def cmd_batch(args) -> int:
    print(
        "note: `batch` is deprecated and will be removed in the next release; use `grade "
        "SOURCES... --out DIR` (resumable, with a gradebook and a class report).",
        file=sys.stderr,
    )
    cases, notes = _cases(args.cases, _named(args, args.submissions))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    names = report_names(args.submissions)
    width = max(len(n) for n in names) + 2

    def show(outcome: Outcome) -> None:
        print(
            f"{outcome.name:<{width}} {outcome.score:>5g} / {outcome.max_score:g}  "
            f"run: {outcome.run}  {outcome.headline}",
            flush=True,
        )

    batch = grade_batch(
        args.submissions, cases, _limits(args), args.out, args.jobs, names, on_result=show
    )
    where = f"reports and summary.csv in {Path(args.out)}/"
    if batch.interrupted:
        print(
            f"\ninterrupted: {len(batch.outcomes)} of {len(names)} submission(s) graded, "
            f"{len(batch.missing)} missing; {where}"
        )
        return 130
    print(f"\n{len(batch.outcomes)} submission(s); {where}")
    return 0


def cmd_grade(args) -> int:
    from grader.grade import grade_sources

    cases, notes = _cases(args.cases, _named(args, args.sources))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return grade_sources(
        args.sources, args.out, cases, _limits(args), args.workers, args.scheduler, args.force
    )


def cmd_classroom(args) -> int:
    from grader.classroom_report import grade_for_classroom

    return grade_for_classroom(
        args.notebook, args.cases, args.hidden_cases, _limits(args), args.output_env, args.summary
    )


def cmd_build(args) -> int:
    try:
        from solutions.build import main as build_main
    except ImportError:
        print(
            "The build needs the instructor repository (solutions/ is not here).", file=sys.stderr
        )
        return 2
    return build_main(args.out, assignment=args.assignment)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader", description="Root-cause grading of step-by-step NumPy notebooks."
    )
    sub = p.add_subparsers(dest="command", required=True)

    def limits(sp, named: bool = True):
        sp.add_argument(
            "--cases",
            help="folder with public_cases.json / hidden_cases.json, or with a NAME/ subfolder "
            "holding them for assignment NAME (default: dist/)",
        )
        if named:  # the Classroom job grades the notebook of its template: no choice
            sp.add_argument(
                "--assignment",
                choices=sorted(REGISTRY),
                help="the assignment to grade as (default: the one the notebooks' metadata "
                "names, by majority; else the one the case files name)",
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
        sp.add_argument(
            "--submission-seconds",
            type=float,
            default=600.0,
            help="wall-clock budget of one submission, every run and probe (default 600)",
        )
        sp.add_argument(
            "--sandbox",
            choices=[m.value for m in Mode],
            default=Mode.AUTO.value,
            help="auto: bubblewrap where it starts, else limits only with a loud notice; "
            "required: refuse to grade without it; off: limits only (default auto)",
        )
        sp.add_argument(
            "--memory-mb",
            type=float,
            default=DEFAULT_ADDRESS_SPACE / 1024**2,
            help="address space of a submission's kernel in MB (default 2048)",
        )

    check = sub.add_parser("check", help="check one submission and print the report")
    check.add_argument("submission")
    check.add_argument("--format", choices=sorted(RENDERERS), default="text")
    check.add_argument(
        "--require",
        metavar="FUNCTION",
        help="exit with status 1 unless this function passes (for CI and GitHub Classroom)",
    )
    limits(check)
    check.set_defaults(run=cmd_check)

    grade = sub.add_parser(
        "grade",
        help="grade a course: notebooks, folders, LMS zips; resumable; gradebook and reports",
    )
    grade.add_argument(
        "sources", nargs="+", help="notebooks, folders (searched recursively) and zip archives"
    )
    grade.add_argument("--out", required=True, help="results folder (reused to resume)")
    grade.add_argument(
        "--workers", type=int, default=1, help="submissions graded at once here (default 1)"
    )
    grade.add_argument(
        "--scheduler", help="grade on the Dask cluster at this address (tcp://HOST:PORT)"
    )
    grade.add_argument("--force", action="store_true", help="grade again what already has a result")
    limits(grade)
    grade.set_defaults(run=cmd_grade)

    batch = sub.add_parser(
        "batch", help="deprecated (use grade): check many submissions; write reports and a CSV"
    )
    batch.add_argument("submissions", nargs="+")
    batch.add_argument("--out", default="out", help="folder for the reports (default out/)")
    batch.add_argument(
        "--jobs", type=int, default=1, help="submissions checked at once (default 1)"
    )
    limits(batch)
    batch.set_defaults(run=cmd_batch)

    classroom = sub.add_parser(
        "classroom",
        help="grade one notebook for GitHub Classroom: one result per function for the "
        "autograding reporter, the diagnosis as Markdown",
    )
    classroom.add_argument("notebook")
    classroom.add_argument(
        "--hidden-cases", help="folder with hidden_cases.json (a private repository's checkout)"
    )
    classroom.add_argument(
        "--output-env", help="append one RUNNER=base64 line per function here ($GITHUB_OUTPUT)"
    )
    classroom.add_argument("--summary", help="append the Markdown diagnosis here")
    limits(classroom, named=False)
    classroom.set_defaults(run=cmd_classroom)

    build = sub.add_parser("build", help="build case data, student notebook and autograder")
    build.add_argument(
        "--out", help="where to build (default dist/ for the default assignment, else dist/NAME)"
    )
    build.add_argument(
        "--assignment",
        choices=sorted(REGISTRY),
        help=f"the assignment to build (default {DEFAULT})",
    )
    build.set_defaults(run=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CaseDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to write
        # the interpreter's last flush at exit would raise again; point stdout at nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
