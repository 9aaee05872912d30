"""The `grader` object of the student's notebook: `grader.check("<function name>")`.

Otter stays the host of the assignment (the master notebook, `otter assign`, `export()`,
Gradescope), but a check's result is ours from its first line: otter's test runner would put
its own "Test case failed / Error at line 11" frame and the whole question's points before the
diagnosis. So `check` runs the engine's diagnosis on the public case data directly, in the
student's own kernel (data only, no solution code), and returns a `CheckResult` that renders
itself (`grader.check_view`); everything else (`export`, `check_all`, ...) is otter's.

Written for a live kernel, which the engine's messages are not: a function that is not defined
yet, a near name (a typo of the function's), an unknown question, a global read instead of an
argument, and what the student's functions print during a check are all told here.
"""

from __future__ import annotations

import contextlib
import difflib
import dis
import inspect
import io
import types
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from grader import notebook_checks, staleness
from grader.assignments import assignment
from grader.casedata import counted_by_set
from grader.records import Finding, FunctionResult
from grader.spec import Assignment

NOTEBOOK = assignment().notebook  # the default assignment's; a Notebook may name another
SHOWN_LINES = 5
MAX_LINE = 200

UNKNOWN_QUESTION = "There is no question named `{name}`{near}. The questions are: {names}."
BY_NAME = (
    'A check takes the function\'s name as a string: `grader.check("{name}")`. Checked '
    "`{name}` as that."
)
NOT_DEFINED = (
    "`{name}` is not defined in this kernel yet: run the cell that defines it "
    "(`def {name}(...)`), then this check again."
)
NEAR_NAME = (
    "This kernel has a function `{near}`: did you mean `{name}`? The checks and the grader "
    "call exactly `{name}`, so rename it."
)
NOT_A_FUNCTION = (
    "`{name}` in this kernel is a {kind}, not a function: a later cell has replaced the "
    "function with a value. Rename that value and run the function's cell again."
)
RAISED = "Called on the public input here, `{name}` raised {error}."
GLOBAL_READ = (
    "`{function}` reads the global `{name}` ({kind}) instead of taking it from its arguments. "
    "It only sees whatever `{name}` happens to hold in this kernel, so on any other input it is "
    "wrong{stale}. Take the value from the function's arguments (the `{parameters}` dictionary "
    "or the {cache}) inside the function."
)
GLOBAL_STALE = (
    ", and no cell of {notebook} as last saved defines `{name}`: after Restart & Run All "
    "it will not exist at all"
)


@dataclass(frozen=True)
class Printed:
    """What the student's functions printed during a check: a line count and the first lines."""

    lines: int = 0
    first: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one `grader.check(question)`.

    status: "pass", "fail", "error", "missing" (a function it needs is not defined),
        "unknown" (no such question), "unavailable" (no case data, a grader failure) or
        "deferred" (inside the grader's own run, which judges
        the notebook outside the kernel).
    points / max_points: what this public check earned and is worth (the hidden tests carry
        the rest of the question's points).
    notes: findings only a live kernel shows (undefined names, globals read by the function).
    """

    question: str
    status: str
    points: float = 0.0
    max_points: float = 0.0
    question_points: float = 0.0
    result: FunctionResult | None = None
    notes: tuple[Finding, ...] = ()
    printed: Printed = Printed()

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def _repr_html_(self) -> str:
        from grader.check_view import check_html

        return check_html(self)

    def __repr__(self) -> str:
        from grader.check_view import check_text

        return check_text(self)


class _FirstLines(io.TextIOBase):
    """A stream that counts the lines written to it and keeps only the first few."""

    def __init__(self) -> None:
        self.lines = 0
        self.first: list[str] = []
        self.partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        pieces = (self.partial + text).split("\n")
        self.partial = pieces.pop()[: MAX_LINE * 4]
        for line in pieces:
            self._line(line)
        return len(text)

    def _line(self, line: str) -> None:
        self.lines += 1
        if len(self.first) < SHOWN_LINES:
            self.first.append(line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…")

    def result(self) -> Printed:
        if self.partial:
            self._line(self.partial)
            self.partial = ""
        return Printed(self.lines, tuple(self.first))


def _declared() -> Assignment:
    """The assignment of the public case data beside the notebook, else the default one."""
    try:
        return notebook_checks.case_data("public").assignment
    except notebook_checks.CheckUnavailable:
        return assignment()


def _questions_near(name: str, names: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f" (did you mean `{near[0]}`?)" if near else ""


def _is_function(value) -> bool:
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType)) or (
        callable(value) and not isinstance(value, type)
    )


def _undefined(names: tuple[str, ...], env: dict) -> list[Finding]:
    """A live-kernel finding for each needed function the kernel does not have as a function."""
    found = []
    functions = [k for k, v in env.items() if not k.startswith("_") and _is_function(v)]
    for name in names:
        value = env.get(name)
        if value is not None and _is_function(value):
            continue
        if value is not None:
            text = NOT_A_FUNCTION.format(name=name, kind=type(value).__name__)
        else:
            text = NOT_DEFINED.format(name=name)
            near = difflib.get_close_matches(name, functions, n=1, cutoff=0.8)
            if near and near[0] != name:
                text += " " + NEAR_NAME.format(near=near[0], name=name)
        found.append(Finding("not-defined", text, name))
    return found


def _global_names(code: types.CodeType) -> set[str]:
    """The names `code` (and the functions nested in it) load from the module's globals."""
    names = {
        str(op.argval)
        for op in dis.get_instructions(code)
        if op.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _saved_definitions(folder: Path) -> set[str] | None:
    """Every top-level name a code cell of the saved notebook defines; None when unreadable."""
    import nbformat

    try:
        nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    except Exception:  # the notebook file is optional here: no finding rather than a wrong one
        return None
    names: set[str] = set()
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            names |= staleness.defined_names(str(cell.get("source", "")))
    return names


def _globals_read(names: tuple[str, ...], env: dict, folder: Path) -> list[Finding]:
    """Data (arrays, dicts, numbers) that a checked function reads from the kernel's globals."""
    found = []
    saved = None
    for function in names:
        fn = env.get(function)
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        for name in sorted(_global_names(code)):
            value = env.get(name)
            if not isinstance(value, (np.ndarray, dict, list, float, np.generic)):
                continue
            if name.startswith("_") or isinstance(value, bool):
                continue
            if saved is None:
                saved = _saved_definitions(folder) or set()
            stale = GLOBAL_STALE.format(notebook=NOTEBOOK, name=name) if name not in saved else ""
            kind = (
                f"an array of shape {value.shape}"
                if isinstance(value, np.ndarray)
                else (f"a {type(value).__name__}")
            )
            words = _declared().words
            text = GLOBAL_READ.format(
                function=function,
                name=name,
                kind=kind,
                stale=stale,
                parameters=words.parameters,
                cache=words.cache,
            )
            found.append(Finding("reads-global", text, name))
    return found


def _caller_globals() -> dict:
    frame = inspect.currentframe()
    try:
        outer = frame.f_back.f_back if frame and frame.f_back else None
        return outer.f_globals if outer is not None else {}
    finally:
        del frame


def check(question: str, env: dict, folder: Path | None = None) -> CheckResult:
    """Check the function `question` as defined in `env`, on the public cases."""
    folder = Path.cwd() if folder is None else folder
    passed_function = getattr(question, "__name__", None) if callable(question) else None
    declared = _declared()
    if passed_function in declared.names:  # grader.check(<the function>): meant by its name
        outcome = check(passed_function, env, folder)
        note = Finding("question-by-name", BY_NAME.format(name=passed_function))
        return replace(outcome, notes=(note, *outcome.notes))
    if not isinstance(question, str) or question not in declared.names:
        name = str(question)[:80]
        text = UNKNOWN_QUESTION.format(
            name=name,
            near=_questions_near(name, declared.names),
            names=", ".join(declared.names),
        )
        return CheckResult(name, "unknown", notes=(Finding("unknown-question", text),))
    fn = declared.function(question)
    worth, total = notebook_checks.public_points(question)
    needed = (question, *declared.dependencies(question))
    missing = _undefined(needed, env)
    if any(f.where == question for f in missing):
        return CheckResult(question, "missing", 0.0, worth, total, notes=tuple(missing))
    capture = _FirstLines()
    try:
        with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(capture):
            result = notebook_checks.result_for(fn.name, env)
    except notebook_checks.CheckUnavailable as exc:
        note = Finding("check-unavailable", str(exc).strip())
        return CheckResult(question, "unavailable", 0.0, worth, total, notes=(note,))
    notes = tuple(missing) + tuple(_globals_read(needed, env, folder))
    if result is None:
        with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(capture):
            error = notebook_checks.first_error(fn.name, env)
        if error is not None:
            notes = (Finding("raised", RAISED.format(name=question, error=error)), *notes)
            return CheckResult(question, "error", 0.0, worth, total, notes=notes)
        return CheckResult(question, "deferred", 0.0, worth, total, notes=notes)
    if missing:  # the engine's text about missing callees speaks of a fresh run
        result = _live_missing(result)
    passed = result.passed_set("public")
    status = "pass" if passed else ("error" if result.status == "error" else "fail")
    if result.status == "missing":
        status = "missing"
    return CheckResult(
        question,
        status,
        _earned(result, worth) if passed else _share(result, worth),
        worth,
        total,
        result,
        notes,
        capture.result(),
    )


def _earned(result: FunctionResult, worth: float) -> float:
    """The public check's points as the engine scores it (a deduction the instructor set for
    writing into inputs included): its share of the function's score on the public case."""
    share = result.score / result.max_score if result.max_score else 1.0
    return round(worth * share, 6)


def _share(result: FunctionResult, worth: float) -> float:
    """A failing public check's points: the share of its public cases passed, counted as the
    engine counts them (an edge case earns nothing), as otter's public test gives them."""
    passed, total = counted_by_set(result.cases).get("public", (0, 0))
    return round(worth * passed / total, 6) if total else 0.0


def _live_missing(result: FunctionResult) -> FunctionResult:
    kept = tuple(f for f in result.findings if f.code != "missing")
    return replace(result, findings=kept)


class Notebook:
    """The notebook's `grader`: our `check`, otter's everything else (`export`, ...)."""

    def __init__(self, nb_path: str = NOTEBOOK, **otter_options) -> None:
        self._nb_path = nb_path
        self._otter_options = otter_options
        self._otter = None

    def check(self, question: str, global_env: dict | None = None) -> CheckResult:
        """Check one function on the public cases; the result shows itself in the notebook."""
        env = _caller_globals() if global_env is None else global_env
        return check(question, env, Path(self._nb_path).resolve().parent)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._otter is None:
            import otter

            self._otter = otter.Notebook(self._nb_path, **self._otter_options)
        return getattr(self._otter, name)

    def __repr__(self) -> str:
        return f'grader for {self._nb_path}: grader.check("<function name>") checks a function'
