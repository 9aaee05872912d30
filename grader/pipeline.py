"""The whole check of one submission, stage by stage: intake, fresh run, stale state, isolated
checks, diagnosis, scoring. Each stage is a plain function over plain data."""

from __future__ import annotations

import contextlib
import copy
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path

from grader import isolation, staleness
from grader.assignments import assignment, declared_by
from grader.bundle import write_student_files
from grader.casedata import CaseData
from grader.diagnosis import judge
from grader.execution import Budget, Limits, containment_notice, fresh_kernel
from grader.intake import read_submission
from grader.records import CellRun, Finding, FunctionResult, Report, RunRecord
from grader.sandbox import SandboxUnavailable
from grader.scoring import function_result, with_blame

KERNEL_FAILED = (
    "The grader could not start or keep a Python kernel for this submission ({error}); "
    "nothing of it could be run. This is a problem on the grading machine, not in the notebook."
)
NOT_GRADED = "Not graded: {reason}"
OTHER_ASSIGNMENT = (
    "{name} is a notebook of the {other} assignment (its metadata says so), and this grading "
    "run grades {graded}: it was not run. Submit the {graded} notebook, or grade this one with "
    "the {other} case data."
)
INTERNAL_ERROR = (
    "The grader itself failed on this submission ({error}); it was not graded. "
    "Please report this with the submission attached."
)
MAX_RERUNS = 3
MAX_RESTARTS = 4
OUT_OF_TIME = "not run: the submission used all of its {seconds:g} s"
OUT_OF_TIME_NOTICE = (
    "Grading stopped at the submission's time budget of {seconds:g} s: what had not run by "
    "then scored nothing. The notebook or its functions run far longer than they should."
)
RERUN = (
    "Cell(s) {cells} stopped the kernel (it died or stopped answering); the functions were "
    "checked in a second fresh kernel that skipped those cells."
)


def _ungraded(reason: str, cases: CaseData | None = None) -> tuple[FunctionResult, ...]:
    """Every function at 0 points with `reason`, each out of its points in `cases` (0 when
    the case data is not at hand)."""
    worth = dict(cases.points) if cases else {}
    return tuple(
        FunctionResult(
            name=fn.name,
            status="missing",
            score=0.0,
            max_score=worth[fn.name].question if fn.name in worth else 0.0,
            set_points=tuple(worth[fn.name].by_set.items()) if fn.name in worth else (),
            correct_in_isolation=None,
            blame=(fn.name,),
            findings=(Finding("not-graded", NOT_GRADED.format(reason=reason)),),
        )
        for fn in (cases.assignment if cases else assignment()).functions
    )


class _Kernels:
    """Runs probe requests in a kernel that ran the notebook; when a student function kills
    that kernel, the next request gets a new kernel that runs the notebook again (at most
    MAX_RESTARTS times), so one function's crash does not cost the others their points."""

    def __init__(self, nb, name, limits, support, budget, declared):
        self.nb, self.name, self.limits, self.support = nb, name, limits, support
        self.declared = declared
        self.budget = budget
        self.stack = contextlib.ExitStack()
        self.session = None
        self.runner = None
        self.restarts = 0
        self.killers: set[str] = set()

    def start(self) -> RunRecord:
        self.stack.close()
        executed = copy.deepcopy(self.nb)
        self.session = self.stack.enter_context(
            fresh_kernel(executed, self.name, self.limits, self.support, self.budget)
        )
        run = self.session.run_notebook(executed)
        self.runner = isolation.KernelRunner(self.session) if self.session.alive else None
        return run

    def __call__(self, request: dict) -> dict:
        function = request["function"]
        involved = {function}
        if "stubs" not in request:  # as written: its own callees and producer run too
            involved |= set(self.declared.dependencies(function))
        known = sorted(involved & self.killers)
        if known:
            return isolation.failed_record(
                function, "KernelDied", f"not run: calling {', '.join(known)} stops the kernel"
            )
        if self.budget.left() <= 0:
            return isolation.failed_record(
                function, "Timeout", OUT_OF_TIME.format(seconds=self.budget.seconds)
            )
        if not self.session.alive and self.restarts < MAX_RESTARTS:
            self.restarts += 1
            self.start()
        if self.runner is None or not self.session.alive:
            return isolation.failed_record(function, "KernelDied", "the kernel had stopped")
        record = self.runner(request)
        if not self.session.alive:
            self.killers.add(function)
        return record

    def many(self, requests: list[dict]) -> list[dict]:
        """`requests` in one round trip while the kernel stays up (isolation.collect sends one
        level of the dependency order at a time); a request whose record did not come back,
        because the kernel died or stopped first, runs again on its own through `__call__`."""
        if self.killers or self.runner is None or not self.session.alive:
            return [self(request) for request in requests]
        if self.budget.left() <= 0:
            return [self(request) for request in requests]
        records = self.runner.many(requests)
        if not self.session.alive:  # a call timed out (the watchdog killed the kernel)
            for request, record in zip(requests, records):
                error = (record or {}).get("error") or {}
                if error.get("type") == "Timeout":
                    self.killers.add(request["function"])
        return [self(r) if record is None else record for r, record in zip(requests, records)]

    def close(self) -> None:
        self.stack.close()


def _run_and_probe(nb, name, limits, support, cases, budget):
    """Run the notebook in a fresh kernel, then probe every function.

    Returns the run's record and the evidence, or None when the notebook itself stops the
    kernel.
    """
    kernels = _Kernels(nb, name, limits, support, budget, cases.assignment)
    try:
        run = kernels.start()
        if not kernels.session.alive:
            return run, None
        return run, isolation.collect(cases, kernels)
    finally:
        kernels.close()


def _stoppers(run: RunRecord) -> list[CellRun]:
    """Cells that killed the kernel or ran out of time: skipped when the notebook runs again."""
    return [c for c in run.cells if c.status in ("died", "timeout")]


def _without(nb, cells) -> object:
    """A copy of `nb` whose given cells are emptied (positions kept, so messages still match)."""
    trimmed = copy.deepcopy(nb)
    for cell in cells:
        trimmed.cells[cell.index].source = ""
    return trimmed


def _explain_missing(result: FunctionResult, saved, run: RunRecord) -> FunctionResult:
    """For a missing function, the cell that should define it and the error it raised."""
    if result.status != "missing":
        return result
    marker = f"def {result.name}("
    for cell in run.cells:
        source = saved.cells[cell.index].get("source", "") if cell.index >= 0 else ""
        if marker in source and cell.status in ("error", "timeout"):
            finding = Finding(
                "definition-failed",
                f"Cell {cell.index + 1}, which defines `{result.name}`, raised {cell.ename} "
                f"({cell.evalue[:160]}) in the fresh run, so the function was never defined. "
                f"Fix that cell first.",
                f"cell {cell.index + 1}",
            )
            return replace(result, findings=(finding, *result.findings))
    return result


def _name_errors(evidence: dict[str, list[isolation.Evidence]]) -> dict[str, str]:
    """The NameError message of each function whose isolated call raised one."""
    found = {}
    for name, items in evidence.items():
        for item in items:
            error = item.isolated.get("error") or {}
            if error.get("type") == "NameError":
                found[name] = str(error.get("message", ""))
                break
    return found


def check_submission(path: str | Path, cases: CaseData, limits: Limits | None = None) -> Report:
    """Run every stage on the notebook at `path`; bad input gives a report, not an exception.

    Even a failure of the grader itself comes back as a report (with an internal-error notice
    and no points), so a batch or an otter run never stops on one submission.
    """
    try:
        return _check(path, cases, limits or Limits())
    except Exception as exc:  # the last line of defence: a report instead of a traceback
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
        notice = Finding("internal-error", INTERNAL_ERROR.format(error=detail))
        return Report(
            Path(path).name, RunRecord("errors"), (), _ungraded(notice.message, cases), (notice,)
        )


def _check(path: str | Path, cases: CaseData, limits: Limits) -> Report:
    intake = read_submission(path)
    name = Path(path).name
    if intake.notebook is None:
        reason = intake.notices[0].message if intake.notices else "unreadable notebook"
        return Report(
            name, RunRecord("invalid_notebook"), (), _ungraded(reason, cases), intake.notices
        )

    saved = intake.notebook
    notices = list(intake.notices)
    other = declared_by(saved)
    if other is not None and other != cases.assignment.name:
        reason = OTHER_ASSIGNMENT.format(name=name, other=other, graded=cases.assignment.name)
        notice = Finding("other-assignment", reason)
        return Report(name, RunRecord("not_run"), (), _ungraded(reason, cases), (*notices, notice))
    try:
        contained = containment_notice(limits)
    except SandboxUnavailable as exc:
        notice = Finding("sandbox-required", str(exc))
        return Report(
            name, RunRecord("not_run"), (), _ungraded(str(exc), cases), (*notices, notice)
        )
    if contained is not None:
        notices.append(contained)
    budget = Budget(limits.submission_seconds)
    with tempfile.TemporaryDirectory(prefix="rnn-grader-files-") as files:
        support = write_student_files(cases, Path(files))
        try:
            run, evidence, skipped = _runs(saved, name, limits, support, cases, budget)
        except Exception as exc:  # kernel start-up failures come in many types
            message = KERNEL_FAILED.format(error=f"{type(exc).__name__}: {str(exc)[:200]}")
            notices.append(Finding("kernel-failed", message))
            return Report(
                name, RunRecord("kernel_died"), (), _ungraded(message, cases), tuple(notices)
            )
    if budget.left() <= 0:
        notices.append(Finding("out-of-time", OUT_OF_TIME_NOTICE.format(seconds=budget.seconds)))
    if evidence is not None and skipped:
        cells = ", ".join(str(i + 1) for i in sorted(skipped))
        notices.append(Finding("checked-without-cells", RERUN.format(cells=cells)))
    return _judged(name, saved, run, evidence, cases, notices)


def _runs(saved, name, limits, support, cases, budget):
    """The first run, and re-runs without the cells that stopped the kernel (bounded)."""
    run, evidence = _run_and_probe(saved, name, limits, support, cases, budget)
    skipped: dict[int, CellRun] = {}
    latest = run
    for _ in range(MAX_RERUNS):
        if evidence is not None or not _stoppers(latest) or budget.left() <= 0:
            break
        skipped.update({c.index: c for c in _stoppers(latest)})
        trimmed = _without(saved, skipped.values())
        latest, evidence = _run_and_probe(trimmed, name, limits, support, cases, budget)
    return run, evidence, skipped


def _judged(name, saved, run, evidence, cases, notices) -> Report:
    if evidence is None:
        stopped = _stoppers(run)
        where = f"in cell {stopped[0].index + 1}" if stopped else "while the notebook ran"
        reason = f"the kernel stopped {where}, and again each time it was run without such cells"
        stale = staleness.stale_state(saved, run, {}, cases.assignment)
        return Report(name, run, stale, _ungraded(reason, cases), tuple(notices))
    stale = staleness.stale_state(saved, run, _name_errors(evidence), cases.assignment)
    verdicts = {fn: judge(fn, items) for fn, items in evidence.items()}
    results = {fn: function_result(fn, v, cases) for fn, v in verdicts.items()}
    final = [_explain_missing(r, saved, run) for r in with_blame(results, verdicts)]
    return Report(name, run, stale, tuple(final), tuple(notices))
