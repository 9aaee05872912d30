"""The diagnosis behind a check in the student's notebook: the same engine as the final grade,
run in the student's own kernel on the case data shipped with the notebook (no solution code).

`grader.student` turns it into the result a `grader.check()` cell shows; otter's test cells
(kept for `otter assign` and `check_all`) call `assert_function`, which raises AssertionError
whose text is the diagnosis.
"""

from __future__ import annotations

from pathlib import Path

from grader import isolation
from grader.casedata import PACKAGE_DATA, CaseData, find_case_files, load
from grader.diagnosis import judge
from grader.errors import CaseDataError
from grader.report import function_text
from grader.scoring import function_result, with_blame

INTERNAL = (
    "The check of {name} failed inside the grader itself ({error}). This is not a mistake in "
    "your code; tell the course staff."
)
NO_DATA = (
    "The {case_set} case data for {name} is not in the grader/ folder beside this notebook "
    "(looked for {case_set}_cases.json in {where}). Keep the notebook and its grader/ folder "
    "together, as they came."
)


class CheckUnavailable(AssertionError):
    """The check could not be made (no case data, a grader failure); the message says why."""


_loaded: dict[tuple, CaseData] = {}


def case_data(case_set: str = "public") -> CaseData:
    """The case data of `case_set` from the grader package beside the notebook (then the
    working folder), loaded once per file version."""
    files = find_case_files(PACKAGE_DATA.parents[1], Path.cwd(), sets=(case_set,))
    if not files:
        where = f"{PACKAGE_DATA} and {Path.cwd()}"
        raise CheckUnavailable(NO_DATA.format(case_set=case_set, name="this check", where=where))
    key = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if key not in _loaded:
        try:
            _loaded.clear()
            _loaded[key] = load(*files)
        except CaseDataError as exc:
            raise CheckUnavailable(str(exc)) from None
    return _loaded[key]


def public_points(name: str) -> tuple[float, float]:
    """What the public check of `name` is worth, and the whole question's points."""
    try:  # the master notebook's points, which the build wrote into the case data
        points = case_data("public").points_of(name)
    except (CheckUnavailable, CaseDataError):
        return 0.0, 0.0  # the check itself then says why it cannot be made
    return points.by_set.get("public", 0.0), points.question


def result_for(name: str, env: dict, case_set: str = "public"):
    """The FunctionResult for `name` from the functions defined in `env`, or None inside the
    grader's own kernel (inputs only: the verdict is made outside the kernel)."""
    data = case_data(case_set)
    if data.inputs_only:
        return None
    names = (name, *data.assignment.dependencies(name))
    try:
        evidence = isolation.collect(data, isolation.in_process_runner(env), names)
        verdicts = {n: judge(n, items) for n, items in evidence.items()}
        results = {n: function_result(n, v, data) for n, v in verdicts.items()}
    except Exception as exc:  # a grader bug must read as one, not as the student's traceback
        message = INTERNAL.format(name=name, error=f"{type(exc).__name__}: {exc}")
        raise CheckUnavailable(message) from exc
    return next(r for r in with_blame(results, verdicts) if r.name == name)


def first_error(name: str, env: dict) -> str | None:
    """Inside the grader's own kernel (inputs only): call `name` as written on each public
    input and return the first error it raises, as "Type: message", else None. The verdict is
    made outside the kernel; this only lets the fresh run show what the check saw when it ran
    (a helper defined further down, for example)."""
    for case in case_data("public").for_function(name):
        request = isolation.as_written_request(case) or isolation.isolated_request(case)
        record = isolation.in_process_runner(env)(dict(request, capture=False))
        if record.get("missing"):
            return f"NameError: name '{record['missing']}' is not defined"
        error = record.get("error") or record.get("producer_error")
        if error:
            return f"{error['type']}: {error['message']}"
    return None


def assert_function(name: str, env: dict, case_set: str = "public") -> None:
    """Raise AssertionError with the diagnosis unless `name` passes every case of `case_set`."""
    result = result_for(case_data(case_set).assignment.function(name).name, env, case_set)
    if result is not None and result.status != "pass":
        raise AssertionError("\n" + function_text(result))
