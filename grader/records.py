"""The plain data every stage passes on: frozen records, no behaviour beyond small helpers.

A check produces these; renderers in `grader.report` turn them into text, HTML and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellRun:
    """What one code cell did in the fresh run.

    index: the cell's position among all cells of the notebook (0-based; -1 for grader cells).
    status: "ok", "error", "timeout", "died" (the kernel died in it) or "skipped".
    text: the plain text the cell showed, for comparing with the saved outputs.
    """

    index: int
    status: str
    ename: str
    evalue: str
    text: str


@dataclass(frozen=True)
class RunRecord:
    """The fresh run of a whole notebook.

    status: "ok", "errors", "timeout", "kernel_died" or "invalid_notebook".
    """

    status: str
    cells: tuple[CellRun, ...] = ()


@dataclass(frozen=True)
class StaleItem:
    """Something that only worked because of old kernel state.

    kind: "out_of_order", "fresh_error", "redefined", "missing_name" or "drifted_output".
    cell: the notebook cell (0-based position among all cells) it is about.
    """

    kind: str
    cell: int
    message: str


@dataclass(frozen=True)
class Finding:
    """One diagnosed fact about a function, in words a student can act on.

    code: a stable identifier instructors' tools can count ("wrong-output", "known-mistake", ...).
    where: the time step, output or argument it is about, if any.
    """

    code: str
    message: str
    where: str = ""


@dataclass(frozen=True)
class CaseResult:
    """What one case showed about one function.

    set, index: the case set ("public" or "hidden") and the case's 1-based number in it.
    length: the number of loop positions of the case (time steps, layers; None without a loop).
    first: the number of the loop's first position (0 for time steps, 1 for layers).
    wrong_outputs: outputs wrong on this case, in isolation or as written.
    wrong_steps: loop positions wrong on this case (outputs, callee arguments, as written),
        numbered from `first`.
    edge: an edge-size case, which can cost points but not earn them (casedata.counted).
    """

    id: str
    set: str
    index: int
    passed: bool
    length: int | None = None
    wrong_outputs: tuple[str, ...] = ()
    wrong_steps: tuple[int, ...] = ()
    mutated_inputs: tuple[str, ...] = ()
    edge: bool = False
    first: int = 0


STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "missing": "MISSING"}


@dataclass(frozen=True)
class FunctionResult:
    """The verdict on one assignment function.

    status: "pass", "fail", "error" (it raised or timed out) or "missing" (not defined).
    correct_in_isolation: whether it is right when everything it depends on is the reference;
        None when that could not be decided.
    blame: the functions whose bugs make this one fail as written (itself included when its
        own code is wrong), root causes first.
    wrong_outputs: every output wrong on some case, in isolation or as written.
    wrong_steps: the time steps wrong on the public case (on the first case when no public
        case was graded); `cases` has the steps of every case.
    isolated_wrong_outputs: outputs its own code gets wrong (reference callees and inputs).
    written_only_wrong_outputs: outputs right in isolation but wrong as written: because of
        the functions it calls or takes its caches from, or because the wrong arguments it
        passes reach the real callees (the findings say which).
    penalty: points taken off by the instructor's policy on writing into inputs.
    set_points: what each case set's test is worth, (("public", 0.5), ("hidden", 1.5)), as the
        master notebook sets it (through the case data); they add up to max_score.
    """

    name: str
    status: str
    score: float
    max_score: float
    correct_in_isolation: bool | None
    blame: tuple[str, ...] = ()
    wrong_outputs: tuple[str, ...] = ()
    wrong_steps: tuple[int, ...] = ()
    wrong_intermediates: tuple[str, ...] = ()
    mutated_inputs: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    cases_passed: int = 0
    cases_total: int = 0
    case_outcomes: tuple[tuple[str, bool], ...] = ()
    isolated_wrong_outputs: tuple[str, ...] = ()
    written_only_wrong_outputs: tuple[str, ...] = ()
    cases: tuple[CaseResult, ...] = ()
    penalty: float = 0.0
    set_points: tuple[tuple[str, float], ...] = ()

    def passed_set(self, case_set: str) -> bool:
        """Whether every case of `case_set` ("public" or "hidden") passed in isolation."""
        outcomes = [ok for case_id, ok in self.case_outcomes if case_id.startswith(case_set)]
        return bool(outcomes) and all(outcomes)


@dataclass(frozen=True)
class Report:
    """Everything the grader found about one submission."""

    submission: str
    run: RunRecord
    stale: tuple[StaleItem, ...]
    functions: tuple[FunctionResult, ...]
    notices: tuple[Finding, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(sum(f.score for f in self.functions), 6)

    @property
    def max_score(self) -> float:
        return round(sum(f.max_score for f in self.functions), 6)

    def function(self, name: str) -> FunctionResult:
        for result in self.functions:
            if result.name == name:
                return result
        known = ", ".join(f.name for f in self.functions)
        raise KeyError(f"no result for {name!r}; the report has: {known}")
