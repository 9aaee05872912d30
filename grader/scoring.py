"""From case verdicts to one result per function: status, points, findings, and blame.

A function's points come from its isolated checks only, so a correct `lstm_backward` keeps its
points when `lstm_cell_backward` is wrong; blame says which functions make it fail as written.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from grader import spec
from grader.casedata import Case, CaseData
from grader.diagnosis import CaseVerdict
from grader.fingerprints import mistake_findings
from grader.outputs import describe
from grader.records import Finding, FunctionResult

MAX_OUTPUT_FINDINGS = 6
MAX_CALL_FINDINGS = 4


def case_label(case: Case) -> str:
    """How a case is named to students: the public case by its seed, hidden ones by shapes only."""
    if case.set == "public":
        return "the public case (np.random.seed(1))"
    fn = spec.function(case.function)
    shapes = []
    source = case.producer["args"] if case.producer else case.args
    params = spec.function(fn.fed_by).params if case.producer else fn.params
    for param, value in zip(params, source):
        if isinstance(value, np.ndarray):
            shapes.append(f"{param} {value.shape}")
    return f"hidden {case.id.replace('hidden-', 'case ')} ({', '.join(shapes[:2])})"


def _first_failing(verdicts: list[CaseVerdict]) -> CaseVerdict | None:
    failing = [v for v in verdicts if not v.passed]
    failing.sort(key=lambda v: v.case.set != "public")
    return failing[0] if failing else None


def _repeats_output(fn: spec.Function, output: str, path: str, wrong: list[str]) -> bool:
    """A cache entry that is one of the function's own wrong outputs says nothing new."""
    if output != "cache" or not fn.cache_layout:
        return False
    where, _ = describe(fn, output, path)
    entry = where.removeprefix("cache entry ")
    return entry in wrong


def _own_findings(fn: spec.Function, verdicts: list[CaseVerdict], cases: CaseData) -> list[Finding]:
    first = _first_failing(verdicts)
    if first is None:
        return _notes(fn, verdicts)
    label = case_label(first.case)
    if first.missing:
        return [
            Finding(
                "missing",
                f"No function named `{first.missing}` exists after running the notebook top to "
                f"bottom in a fresh kernel. Define it with exactly this name, in a cell that runs "
                f"without error.",
                first.missing,
            )
        ]
    findings = []
    if first.error:
        findings.append(Finding("raised", f"On {label}, your {fn.name} {first.error}.", label))
    if first.structure:
        findings.append(
            Finding("wrong-structure", f"On {label}, your {fn.name} {first.structure}.", label)
        )
    shown = [
        (output, m)
        for output, m in first.mismatches
        if not _repeats_output(fn, output, m.path, first.wrong_outputs)
    ]
    for output, m in shown[:MAX_OUTPUT_FINDINGS]:
        where, _ = describe(fn, output, m.path)
        findings.append(Finding("wrong-output", f"On {label}, `{where}` {m.message}.", where))
    if len(shown) > MAX_OUTPUT_FINDINGS:
        more = len(shown) - MAX_OUTPUT_FINDINGS
        findings.append(Finding("wrong-output", f"… and {more} more differing entries.", ""))
    findings += first.call_findings[:MAX_CALL_FINDINGS]
    findings += step_pattern(fn, first)
    findings += first.intermediate_findings
    findings += first.shared
    findings += [_mutation(fn, name) for name in first.mutated]
    findings += mistake_findings(verdicts, cases)
    passed = sum(v.passed for v in verdicts)
    if verdicts and 0 < passed < len(verdicts):
        findings.append(
            Finding(
                "some-cases",
                f"It is right on {passed} of {len(verdicts)} cases; the others have other "
                f"shapes or "
                f"lengths, so look for a hard-coded size or an index taken from the wrong array.",
            )
        )
    return findings


def step_pattern(fn: spec.Function, verdict: CaseVerdict) -> list[Finding]:
    """What the set of wrong time steps says about where in the loop the mistake is."""
    if not fn.calls or not verdict.steps:
        return []
    steps = sorted(verdict.steps)
    length = len(next(iter(verdict.case.calls.values()))["args"])
    if length < 2:
        return []
    first, rest = (
        (length - 1, set(range(length - 1))) if fn.backward else (0, set(range(1, length)))
    )
    if steps == [first]:
        where = "the last time step (where the loop starts)" if fn.backward else "t = 0"
        text = (
            f"Only {where} is wrong and every later step of the loop is right: look at what "
            f"the loop starts from, not at the loop body."
        )
    elif set(steps) == rest:
        text = (
            "Every step is wrong except the one the loop starts with: what one step hands to "
            "the next (the carried state or the gradient flowing back) is where to look."
        )
    else:
        return []
    return [Finding("step-pattern", text, ", ".join(f"t = {t}" for t in steps))]


def _mutation(fn: spec.Function, name: str) -> Finding:
    return Finding(
        "mutated-input",
        f"Your {fn.name} changed its input `{name}` in place, so the caller's array was "
        f"modified. Compute into new arrays instead of writing into inputs.",
        name,
    )


def _notes(fn: spec.Function, verdicts: list[CaseVerdict]) -> list[Finding]:
    """Findings worth telling about a function that passes: in-place writes, inlined callees."""
    notes: list[Finding] = []
    for v in verdicts:
        notes += [_mutation(fn, name) for name in v.mutated]
        notes += [f for f in v.call_findings if f.code == "computes-inline"]
    unique = {(f.code, f.message): f for f in notes}
    return list(unique.values())


def function_result(name: str, verdicts: list[CaseVerdict], cases: CaseData) -> FunctionResult:
    """The verdict on `name` from its isolated checks, before blame is assigned."""
    fn = spec.function(name)
    total = len(verdicts)
    passed = sum(v.passed for v in verdicts)
    if total == 0:
        status, correct = "error", None
    elif any(v.missing == name for v in verdicts):
        status, correct = "missing", None
    elif passed == total:
        status, correct = "pass", True
    elif any(v.error for v in verdicts):
        status, correct = "error", False
    else:
        status, correct = "fail", False
    wrong_outputs = []
    for v in verdicts:
        for out in (*v.wrong_outputs, *v.written_wrong):
            if out not in wrong_outputs:
                wrong_outputs.append(out)
    steps = sorted(set().union(*(v.steps | v.written_steps for v in verdicts))) if verdicts else []
    intermediates = list(dict.fromkeys(i for v in verdicts for i in v.wrong_intermediates))
    mutated = list(dict.fromkeys(m for v in verdicts for m in v.mutated))
    findings = _own_findings(fn, verdicts, cases)
    if total == 0:
        findings = [Finding("no-cases", f"No case data for {name}; it was not graded.")]
    score = fn.points * passed / total if total else 0.0
    return FunctionResult(
        name=name,
        status=status,
        score=round(score, 6),
        max_score=fn.points,
        correct_in_isolation=correct,
        wrong_outputs=tuple(o for o in fn.outputs if o in wrong_outputs),
        wrong_steps=tuple(int(s) for s in steps),
        wrong_intermediates=tuple(intermediates),
        mutated_inputs=tuple(mutated),
        findings=tuple(findings),
        cases_passed=passed,
        cases_total=total,
        case_outcomes=tuple((v.case.id, v.passed) for v in verdicts),
    )


def with_blame(
    results: dict[str, FunctionResult], verdicts: dict[str, list[CaseVerdict]]
) -> list[FunctionResult]:
    """Add blame: which functions make each one fail as written, with a finding that says so."""
    final = []
    for name, result in results.items():
        own = verdicts.get(name, [])
        fails_as_written = any(not v.written_passed for v in own)
        if not fails_as_written or result.status == "missing":
            final.append(replace(result, blame=(name,) if result.status == "missing" else ()))
            continue
        blame = [name] if result.correct_in_isolation is not True else []
        broken_deps = [
            dep
            for dep in spec.dependencies(name)
            if dep in results and results[dep].correct_in_isolation is not True
        ]
        blame += broken_deps
        extra = []
        written = next(v for v in own if not v.written_passed)
        if written.written_error or written.written_missing:
            failure = f"fails ({written.written_error or 'a function it needs is missing'})"
        else:
            failure = f"gets {', '.join(written.written_wrong)} wrong"
        if result.correct_in_isolation and broken_deps:
            deps = " and ".join(f"`{d}`" for d in broken_deps)
            extra.append(
                Finding(
                    "blame",
                    f"Your {name} is right when it gets reference results from the functions it "
                    f"depends on, so its own code is correct (full points). As written it still "
                    f"{failure}, because of {deps}: fix "
                    f"{'that function' if len(broken_deps) == 1 else 'those functions'} first.",
                    broken_deps[0],
                )
            )
        elif result.correct_in_isolation and not broken_deps:
            extra.append(
                Finding(
                    "fails-as-written",
                    f"Your {name} is right with reference inputs, and the functions it depends on "
                    f"pass their own checks, yet as written it {failure}. The functions disagree "
                    f"on something the reference does not rely on (for example the layout of a "
                    f"cache, or an array one of them changes in place).",
                )
            )
        elif broken_deps:
            deps = ", ".join(f"`{d}`" for d in broken_deps)
            extra.append(
                Finding(
                    "blame",
                    f"{name} has mistakes of its own (above); {deps} "
                    f"{'is' if len(broken_deps) == 1 else 'are'} also wrong, which affects it "
                    f"as written.",
                    broken_deps[0],
                )
            )
        final.append(replace(result, blame=tuple(blame), findings=result.findings + tuple(extra)))
    return final
