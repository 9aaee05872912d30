"""Grading a course: sources in, a results folder out, resumable at any point.

    RESULTS_DIR/results/KEY.json      one per distinct submission (report, text, HTML, Gradescope),
                                      written atomically as it finishes: the source of truth
    RESULTS_DIR/gradebook.csv         one row per submission
    RESULTS_DIR/feedback/NAME.txt|.html, RESULTS_DIR/gradescope/NAME/results.json
    RESULTS_DIR/report.html           the class report (grader.classreport)

KEY hashes the submission's bytes, its file name, the case data and the grader version
(grader.sources), so running the same command again grades only what has no result yet; a
submission that could not be graded has a result too (its status says why). Submissions are
graded by the local pool (grader.batch) or a Dask cluster (grader.cluster), with the same
worker function, so a result does not depend on where it was made.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch import Outcome, _write_atomic, grade_batch
from grader.casedata import CaseData
from grader.errors import GraderError
from grader.execution import Limits
from grader.gradebook import GRADEBOOK, gradebook_csv, gradebook_row, slugs
from grader.pipeline import check_submission
from grader.records import Report
from grader.sources import Submission, cases_digest, expand, grader_version, result_key

RESULTS = "results"
FEEDBACK = "feedback"
GRADESCOPE = "gradescope"
CLASS_REPORT = "report.html"
RESULT_FIELDS = ("report", "text", "html", "headline", "gradescope")
FAILED_RUNS = ("invalid_notebook", "kernel_died", "timeout", "not_run")


@dataclass(frozen=True)
class Job:
    """What a worker grades: the submission's bytes under its file name, and its result key."""

    key: str
    filename: str
    data: bytes

    def __str__(self) -> str:  # what the batch calls it in a record it makes itself
        return self.filename


def grade_job(job: Job, cases: CaseData, limits: Limits) -> Report:
    """The worker function (local pool and cluster alike): the engine on the job's bytes,
    written under its file name in a private folder of this machine."""
    with tempfile.TemporaryDirectory(prefix="rnn-grader-job-") as private:
        path = Path(private) / job.filename
        path.write_bytes(job.data)
        return check_submission(path, cases, limits)


def is_failure(result: dict) -> bool:
    """Whether a stored result is a submission that could not be graded or run."""
    return result.get("status") != "graded" or result["report"]["run"]["status"] in FAILED_RUNS


@dataclass
class Plan:
    """The submissions of a run, their keys, the jobs still to grade and the results found."""

    submissions: list[Submission]
    keys: list[str]
    jobs: list[Job]
    done: dict[str, dict] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(set(self.keys))


def load_result(path: Path, key: str) -> dict | None:
    """A stored result, or None when it is missing, half written or not this key's."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or result.get("key") != key:
        return None
    if not all(f in result for f in RESULT_FIELDS) or not isinstance(result["report"], dict):
        return None
    return result


def plan(sources: list[str], out: Path, cases: CaseData, force: bool = False):
    """The plan for `sources` given what `out` already holds; and the sources not found."""
    submissions, problems = expand(sources)
    digest, version = cases_digest(cases), grader_version()
    keys, jobs, done = [], [], {}
    queued: set[str] = set()
    for submission in submissions:
        data = submission.read()
        key = result_key(data, digest, version, submission.filename)
        keys.append(key)
        if key in done or key in queued:
            continue
        stored = None if force else load_result(out / RESULTS / f"{key}.json", key)
        if stored is not None:
            done[key] = stored
        else:
            queued.add(key)
            jobs.append(Job(key, submission.filename, data))
    return Plan(submissions, keys, jobs, done), problems


def store(out: Path, outcome: Outcome, key: str) -> dict:
    """Write one outcome as the result of `key` (atomically); returns what was written."""
    result = {
        "key": key,
        "filename": outcome.submission,
        "status": outcome.status,
        **{f: getattr(outcome, f) for f in RESULT_FIELDS},
    }
    text = json.dumps(result, indent=1, sort_keys=True)
    _write_atomic(out / RESULTS / f"{key}.json", text)
    return json.loads(text)  # as a later run reads it back, so every output is made the same


def run(
    work: Plan,
    out: Path,
    cases: CaseData,
    limits: Limits,
    workers: int = 1,
    scheduler: str | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> bool:
    """Grade the plan's jobs, storing each result as it arrives; True when interrupted."""
    (out / RESULTS).mkdir(parents=True, exist_ok=True)
    if not work.jobs:
        return False
    keys = [job.key for job in work.jobs]

    def arrived(outcome: Outcome, key: str) -> None:
        result = store(out, outcome, key)
        work.done[key] = result
        if on_result is not None:
            on_result(result)

    if scheduler:
        from grader.cluster import grade_on_cluster

        return grade_on_cluster(scheduler, work.jobs, cases, limits, arrived)
    batch = grade_batch(
        work.jobs,
        cases,
        limits,
        out,
        workers,
        keys,
        grade_one=grade_job,
        write_files=False,
        on_result=lambda outcome: arrived(outcome, outcome.name),
    )
    return batch.interrupted


def write_outputs(work: Plan, out: Path) -> dict[str, int]:
    """The gradebook, every finished submission's feedback and Gradescope files, and the
    class report; returns counts of what the gradebook holds."""
    _mkdirs(out)
    names = slugs([s.identifier for s in work.submissions])
    rows = []
    for submission, key, name in zip(work.submissions, work.keys, names):
        result = work.done.get(key)
        if result is None:
            rows.append(gradebook_row(submission.identifier, "pending", None, ""))
            continue
        text_file = f"{FEEDBACK}/{name}.txt"
        _write_atomic(out / text_file, result["text"])
        _write_atomic(out / FEEDBACK / f"{name}.html", result["html"])
        scores = out / GRADESCOPE / name
        scores.mkdir(parents=True, exist_ok=True)
        _write_atomic(scores / "results.json", json.dumps(result["gradescope"], indent=1))
        row = gradebook_row(submission.identifier, result["status"], result["report"], text_file)
        rows.append(row)
    _write_atomic(out / GRADEBOOK, gradebook_csv(rows))
    from grader.classreport import class_report

    finished = [work.done[k] for k in work.keys if k in work.done]
    _write_atomic(out / CLASS_REPORT, class_report([r["report"] for r in finished]))
    graded = sum(1 for k in work.keys if k in work.done)
    failed = sum(1 for k in work.keys if k in work.done and is_failure(work.done[k]))
    return {"rows": len(rows), "graded": graded, "pending": len(rows) - graded, "failed": failed}


def _mkdirs(out: Path) -> None:
    for folder in (out, out / RESULTS, out / FEEDBACK, out / GRADESCOPE):
        folder.mkdir(parents=True, exist_ok=True)


INTERRUPTED = (
    "\ninterrupted: {graded} of {total} submission(s) have results in {out}/; run the same "
    "command again to grade the other {left} (finished results are kept and skipped)."
)
FINISHED = (
    "\n{rows} submission(s), {failed} could not be graded or run; gradebook {out}/{gradebook}, "
    "feedback in {out}/{feedback}/, Gradescope files in {out}/{gradescope}/, class report "
    "{out}/{report}"
)


def grade_sources(
    sources: list[str],
    out: str | Path,
    cases: CaseData,
    limits: Limits,
    workers: int = 1,
    scheduler: str | None = None,
    force: bool = False,
    stream=None,
    bar: bool | None = None,
) -> int:
    """The `grade` command: plan, grade what has no result, write every output. Returns the
    exit status: 0 done, 2 no submission found, 130 interrupted (results so far kept)."""
    import sys

    from grader.progress import Progress

    stream = stream or sys.stderr
    out = Path(out)
    work, problems = plan(sources, out, cases, force)
    for problem in problems:
        print(f"error: {problem}", file=stream)
    if not work.submissions:
        print("error: no submissions found in " + ", ".join(sources), file=stream)
        return 2
    _mkdirs(out)
    progress = Progress(work.total, len(work.done), stream, bar)
    names = {}
    for submission, key in zip(work.submissions, work.keys):
        names.setdefault(key, submission.identifier)

    def shown(result: dict) -> None:
        progress.update(names[result["key"]], result, is_failure(result))

    interrupted = True
    try:
        interrupted = run(work, out, cases, limits, workers, scheduler, shown)
    except KeyboardInterrupt:
        interrupted = True
    except GraderError as exc:  # the cluster cannot be reached: nothing was graded
        progress.close()
        print(f"error: {exc}", file=stream)
        return 2
    finally:
        progress.close()
        counts = write_outputs(work, out)
    if interrupted:
        left = work.total - sum(1 for k in set(work.keys) if k in work.done)
        graded = work.total - left
        print(INTERRUPTED.format(graded=graded, total=work.total, out=out, left=left), file=stream)
        return 130
    print(
        FINISHED.format(
            out=out,
            gradebook=GRADEBOOK,
            feedback=FEEDBACK,
            gradescope=GRADESCOPE,
            report=CLASS_REPORT,
            **counts,
        ),
        file=stream,
    )
    return 0
