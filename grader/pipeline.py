"""The whole check of one submission, stage by stage: intake, fresh run, stale state, isolated
checks, diagnosis, scoring. Each stage is a plain function over plain data."""

from __future__ import annotations

import copy
from pathlib import Path

from grader import isolation, spec, staleness
from grader.casedata import CaseData
from grader.diagnosis import judge
from grader.execution import Limits, fresh_kernel
from grader.intake import read_submission
from grader.records import Finding, FunctionResult, Report, RunRecord
from grader.scoring import function_result, with_blame

KERNEL_FAILED = (
    "The grader could not start or keep a Python kernel for this submission ({error}); "
    "nothing of it could be run. This is a problem on the grading machine, not in the notebook."
)
NOT_GRADED = "Not graded: {reason}"


def _ungraded(reason: str) -> tuple[FunctionResult, ...]:
    return tuple(
        FunctionResult(
            name=fn.name,
            status="missing",
            score=0.0,
            max_score=fn.points,
            correct_in_isolation=None,
            blame=(fn.name,),
            findings=(Finding("not-graded", NOT_GRADED.format(reason=reason)),),
        )
        for fn in spec.FUNCTIONS
    )


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
    """Run every stage on the notebook at `path`; bad input gives a report, not an exception."""
    limits = limits or Limits()
    intake = read_submission(path)
    name = Path(path).name
    if intake.notebook is None:
        reason = intake.notices[0].message if intake.notices else "unreadable notebook"
        return Report(name, RunRecord("invalid_notebook"), (), _ungraded(reason), intake.notices)

    saved = intake.notebook
    executed = copy.deepcopy(saved)
    notices = list(intake.notices)
    try:
        support = tuple(p for p in [cases.public_file()] if p is not None)
        with fresh_kernel(executed, name, limits, support) as session:
            run = session.run_notebook(executed)
            evidence = isolation.collect(cases, isolation.KernelRunner(session))
    except Exception as exc:  # kernel start-up failures come in many types; all end the same way
        message = KERNEL_FAILED.format(error=f"{type(exc).__name__}: {str(exc)[:200]}")
        notices.append(Finding("kernel-failed", message))
        return Report(name, RunRecord("kernel_died"), (), _ungraded(message), tuple(notices))

    stale = staleness.stale_state(saved, run, _name_errors(evidence))
    verdicts = {fn: judge(fn, items) for fn, items in evidence.items()}
    results = {fn: function_result(fn, v, cases) for fn, v in verdicts.items()}
    return Report(name, run, stale, tuple(with_blame(results, verdicts)), tuple(notices))
