"""`grader.check("<function>")` inside the student's notebook: the same diagnosis as the engine,
run in the student's own kernel on the case data shipped with the notebook (no solution code).

Otter's test cells call `assert_function`; a failing check raises AssertionError whose text is
the diagnosis, which otter shows under the check cell.
"""

from __future__ import annotations

from pathlib import Path

from grader import isolation, spec
from grader.casedata import find_case_files, load
from grader.diagnosis import judge
from grader.errors import CaseDataError
from grader.report import function_text
from grader.scoring import function_result, with_blame

INTERNAL = (
    "The check of {name} failed inside the grader itself ({error}). This is not a mistake in "
    "your code; tell the course staff."
)
NO_DATA = (
    "The {case_set} case data for {name} is not next to this notebook (looked for "
    "{case_set}_cases.json here and in grader/data/). Keep the notebook in the folder it came in."
)


def diagnose(name: str, env: dict, case_set: str = "public"):
    """The FunctionResult for `name` from the functions defined in `env`."""
    files = find_case_files(Path.cwd(), sets=(case_set,))
    if not files:
        raise AssertionError(NO_DATA.format(case_set=case_set, name=name))
    try:
        data = load(*files)
    except CaseDataError as exc:
        raise AssertionError(str(exc)) from None
    if data.inputs_only:
        return _errors_only(name, env, data)
    names = (name, *spec.dependencies(name))
    try:
        evidence = isolation.collect(data, isolation.in_process_runner(env), names)
        verdicts = {n: judge(n, items) for n, items in evidence.items()}
        results = {n: function_result(n, v, data) for n, v in verdicts.items()}
    except Exception as exc:  # a grader bug must read as one, not as the student's traceback
        message = INTERNAL.format(name=name, error=f"{type(exc).__name__}: {exc}")
        raise AssertionError(message) from exc
    return next(r for r in with_blame(results, verdicts) if r.name == name)


def _errors_only(name: str, env: dict, data) -> None:
    """In a grading kernel (inputs only, see grader.bundle): call the function as written on
    each public input and raise only when it raises; the verdict is made outside the kernel."""
    for case in data.for_function(name):
        request = isolation.as_written_request(case) or isolation.isolated_request(case)
        record = isolation.in_process_runner(env)(dict(request, capture=False))
        error = record.get("error") or record.get("producer_error")
        if record.get("missing"):
            raise AssertionError(f"NameError: name '{record['missing']}' is not defined")
        if error:
            raise AssertionError(f"{error['type']}: {error['message']}")
    return None


def assert_function(name: str, env: dict, case_set: str = "public") -> None:
    """Raise AssertionError with the diagnosis unless `name` passes every case of `case_set`."""
    result = diagnose(spec.function(name).name, env, case_set)
    if result is not None and result.status != "pass":
        raise AssertionError("\n" + function_text(result))
