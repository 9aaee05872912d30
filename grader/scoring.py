"""From case verdicts to one result per function: status, points, findings, and blame.

A function's points come from its isolated checks only, so a correct loop keeps its points when
the step function it calls is wrong; blame says which functions make it fail as written.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from grader import spec
from grader.casedata import Case, CaseData, counted_by_set
from grader.diagnosis import CaseVerdict
from grader.fingerprints import mistake_findings
from grader.names import undefined_message
from grader.outputs import cache_entry, describe, quoted
from grader.policy import DEDUCTION, SETTING, MutationPolicy, mutation_policy
from grader.records import CaseResult, Finding, FunctionResult

MAX_OUTPUT_FINDINGS = 6
MAX_CALL_FINDINGS = 4


def case_label(case: Case) -> str:
    """How a case is named to students: the public case by its seed, hidden ones by shapes only."""
    fn = case.declared
    choice = fn.choice_of(case.args)
    if case.set == "public":
        public = fn.assignment.words.public_case
        return f"{public} with {choice}" if choice else public
    shapes = []
    source = case.producer["args"] if case.producer else case.args
    params = fn.related(fn.producer).params if case.producer else fn.params
    for param, value in zip(params, source):
        if isinstance(value, np.ndarray):
            shapes.append(f"{param} {value.shape}")
    shapes = shapes[:2] + ([choice] if choice else [])
    return f"hidden {case.id.replace('hidden-', 'case ')} ({', '.join(shapes)})"


def failing_choice(verdicts: list[CaseVerdict]) -> str | None:
    """The value of a choice parameter ("tanh") that every failing case used and no passing
    case did, when the cases cover more than one value; else None."""
    if not verdicts:
        return None
    fn = verdicts[0].case.declared
    if not fn.choices:
        return None
    failing = {fn.choice_of(v.case.args) for v in verdicts if not v.passed}
    passing = {fn.choice_of(v.case.args) for v in verdicts if v.passed}
    if len(failing) == 1 and passing and not failing & passing:
        return failing.pop() or None
    return None


def _choice_finding(fn: spec.Function, verdicts: list[CaseVerdict]) -> Finding | None:
    value = failing_choice(verdicts)
    if value is None:
        return None
    right = sorted({fn.choice_of(v.case.args) for v in verdicts if v.passed})
    param = next(iter(fn.choices))
    return Finding(
        "choice-pattern",
        f"It is wrong on every case with {param} {value!r} and right on every case with "
        f"{' or '.join(repr(r) for r in right)}: the mistake is in what your {fn.name} does for "
        f"{value!r}.",
        value,
    )


def _first_failing(verdicts: list[CaseVerdict]) -> CaseVerdict | None:
    failing = [v for v in verdicts if not v.passed]
    failing.sort(key=lambda v: v.case.set != "public")
    return failing[0] if failing else None


def _repeats_output(fn: spec.Function, output: str, path: str, wrong: list[str]) -> bool:
    """A cache entry that is one of the function's own wrong outputs says nothing new."""
    if output != fn.cache or not fn.cache_layout:
        return False
    return cache_entry(fn, output, path) in wrong


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
    if first.undefined:
        findings.append(
            Finding("undefined-name", undefined_message(fn, first.undefined), first.undefined)
        )
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
        findings.append(Finding("wrong-output", f"On {label}, {quoted(where)} {m.message}.", where))
    if len(shown) > MAX_OUTPUT_FINDINGS:
        more = len(shown) - MAX_OUTPUT_FINDINGS
        findings.append(Finding("wrong-output", f"… and {more} more differing entries.", ""))
    findings += first.call_findings[:MAX_CALL_FINDINGS]
    producer = fn.producer
    producer_failed = bool(producer) and (first.written_error or "").startswith(f"{producer} ")
    if first.written_error and not first.error and not first.structure and not producer_failed:
        findings.append(
            Finding(
                "raises-as-written",
                f"As written, with your own functions instead of the grader's stand-ins, your "
                f"{fn.name} {first.written_error}.",
                label,
            )
        )
    findings += step_pattern(fn, first)
    choice = _choice_finding(fn, verdicts)
    if choice:
        findings.append(choice)
    findings += first.intermediate_findings
    findings += first.shared
    findings += first.scaled
    findings += [_mutation(fn, name) for name in first.mutated]
    known = mistake_findings(verdicts, cases)
    findings += known
    passed = sum(v.passed for v in verdicts)
    explained = bool(known) or any(v.scaled for v in verdicts) or choice is not None
    edge_note = _edge_finding(fn, verdicts, explained)
    if edge_note:
        findings.append(edge_note)
    elif verdicts and 0 < passed < len(verdicts) and choice is None:  # a choice says which
        guess = (
            " (the findings above say what goes wrong there)"
            if explained
            else ", so look for a hard-coded size or an index taken from the wrong array"
        )
        findings.append(
            Finding(
                "some-cases",
                f"It is right on {passed} of {len(verdicts)} cases; the others have other "
                f"shapes or lengths{guess}.",
            )
        )
    return findings


def _edge_sizes(fn: spec.Function, verdicts: list[CaseVerdict]) -> tuple[str, bool]:
    """The edge case's sizes in the assignment's words, and whether it has one loop step."""
    one_step = fn.loop is not None and any(
        _case_length(v.case) == 1 for v in verdicts if v.case.edge
    )
    sizes = fn.assignment.words.edge_case
    return (f"{sizes} and one {fn.loop.unit}" if one_step else sizes), one_step


def _edge_finding(
    fn: spec.Function, verdicts: list[CaseVerdict], explained: bool
) -> Finding | None:
    """When the edge-size case alone passes, or alone fails, the split says more than "other
    shapes": which it is, and what to look for (unless the findings above already say)."""
    edge = [v for v in verdicts if v.case.edge]
    regular = [v for v in verdicts if not v.case.edge]
    if not edge or not regular:
        return None
    sizes, one_step = _edge_sizes(fn, verdicts)
    if all(v.passed for v in edge) and not any(v.passed for v in regular):
        if explained:
            where = "; the findings above say what goes wrong on the others"
        elif one_step:
            unit = fn.loop.unit
            where = (
                f", where nothing is carried from one {unit} to the next: look at what one "
                f"{unit} hands to the next"
            )
        else:
            where = ", where a 1 x 1 matrix equals its transpose: look for a transposed weight"
        return Finding(
            "edge-only",
            f"It is right only on the edge-size case ({sizes}), which earns no points by "
            f"itself (it can only cost them){where}.",
        )
    if all(v.passed for v in regular) and not all(v.passed for v in edge):
        return Finding(
            "edge-fails",
            f"It is right on every regular case and wrong only on the edge-size case ({sizes}): "
            f"look for a squeeze, a size read from the wrong axis, or a loop that assumes a "
            f"second step.",
        )
    return None


def _output_steps(fn: spec.Function, verdict: CaseVerdict) -> set[int]:
    """The loop positions at which the function's own returned outputs are wrong."""
    steps = set()
    for name, m in verdict.mismatches:
        steps.update(m.steps)
        step = describe(fn, name, m.path)[1]
        if step is not None:
            steps.add(step)
    return steps


def step_pattern(fn: spec.Function, verdict: CaseVerdict) -> list[Finding]:
    """What the set of wrong loop positions says about where in the loop the mistake is.

    The arguments passed to the step function and the returned outputs are separate evidence:
    the pattern names the one it is read from, and is not given when the other contradicts it.
    """
    loop = fn.loop
    if not fn.calls or loop is None or not verdict.steps:
        return []
    length = len(next(iter(verdict.case.calls.values()))["args"])
    if length < 2:
        return []
    callee = fn.calls[0]
    walk = loop.positions(length)
    first, rest = walk[0], set(walk[1:])
    calls, outputs = set(verdict.call_steps), _output_steps(fn, verdict)
    evidence, steps = (
        (f"the arguments your {fn.name} passes to {callee}", calls)
        if calls
        else (f"what your {fn.name} returns", outputs)
    )
    start = loop.start()
    if steps == {first}:
        text = (
            f"Of {evidence}, only those at {start}{',' if loop.backward else ''} are wrong, and "
            f"every later step of the loop "
            f"is right: look at what the loop starts from, not at the loop body."
        )
    elif steps == rest and calls and not verdict.call_params & set(loop.carried):
        listed = ", ".join(f"`{p}`" for p in sorted(verdict.call_params))
        text = (
            f"Of {evidence}, every step is wrong except the one the loop starts with, and the "
            f"wrong one is what each step takes for itself ({listed}), not what one step hands "
            f"to the next: look at how the loop picks the input of each {loop.unit}."
        )
    elif steps == rest:
        text = (
            f"Of {evidence}, every step is wrong except the one the loop starts with: what one "
            f"step hands to the next (the carried state or the gradient flowing back) is where "
            f"to look."
        )
    else:
        return []
    if calls and outputs and not outputs <= calls:
        at = f"every {loop.unit}" if len(outputs) == length else loop.listed(outputs)
        text += (
            f" Your {fn.name}'s own outputs are also wrong at {at}, which this pattern does not "
            f"explain: see the outputs listed above."
        )
    return [Finding("step-pattern", text, loop.listed(steps))]


def _mutation(fn: spec.Function, name: str) -> Finding:
    """The finding for one place `name` (param + path, maybe "(added)") written into."""
    place, _, change = name.partition(" (")
    param = re.match(r"[A-Za-z_]\w*", place)
    param = param.group(0) if param else place
    producer, output = fn.fed.get(param, (None, None))
    if output is not None and output == fn.related(producer).cache:  # a step's own cache
        words = quoted(describe(fn.related(producer), output, place[len(param) :])[0])
    else:
        words = quoted(place)
    if change.startswith("added"):
        what = f"added {words} to its input `{param}`"
    elif change.startswith("removed"):
        what = f"deleted {words} from its input `{param}`"
    else:
        what = f"changed {words} in place"
    return Finding(
        "mutated-input",
        f"Your {fn.name} {what}, so the caller's `{param}` was modified. Compute into new "
        f"arrays (and new dicts) instead of writing into inputs.",
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


def _case_length(case: Case) -> int | None:
    """The number of loop positions of a case: its callee calls, else its stacked output."""
    fn = case.declared
    for plan in case.calls.values():
        return len(plan["args"])
    for output, axis in fn.time_axis.items():
        value = case.expected.get(output)
        if isinstance(value, np.ndarray) and value.ndim > axis:
            return int(value.shape[axis])
    return None


def _case_result(v: CaseVerdict, index: int, passed: bool) -> CaseResult:
    fn = v.case.declared
    names = fn.output_names(v.case.expected)
    wrong = [o for o in names if o in v.wrong_outputs or o in v.written_wrong]
    return CaseResult(
        id=v.case.id,
        set=v.case.set,
        index=index,
        passed=passed,
        length=_case_length(v.case),
        first=fn.loop.first if fn.loop else 0,
        wrong_outputs=tuple(wrong),
        wrong_steps=tuple(sorted(int(t) for t in v.steps | v.written_steps)),
        mutated_inputs=tuple(v.mutated),
        edge=v.case.edge,
    )


def _case_results(verdicts: list[CaseVerdict], policy: MutationPolicy) -> list[CaseResult]:
    counters: dict[str, int] = {}
    found = []
    for v in verdicts:
        counters[v.case.set] = counters.get(v.case.set, 0) + 1
        passed = v.passed and not (policy is MutationPolicy.FAIL and v.mutated)
        found.append(_case_result(v, counters[v.case.set], passed))
    return found


def _output_names(fn: spec.Function, verdicts: list[CaseVerdict]) -> list[str]:
    """The outputs of every case, in the declaration's order (keys by pattern: each case's
    keys, in the order they first appear)."""
    names: dict[str, None] = {}
    for v in verdicts:
        names.update(dict.fromkeys(fn.output_names(v.case.expected)))
    return list(names) or list(fn.outputs)


def function_result(name: str, verdicts: list[CaseVerdict], cases: CaseData) -> FunctionResult:
    """The verdict on `name` from its isolated checks, before blame is assigned."""
    fn = cases.assignment.function(name)
    policy = mutation_policy(cases.settings)
    per_case = _case_results(verdicts, policy)
    total = len(verdicts)
    passed = sum(c.passed for c in per_case)
    mutated = list(dict.fromkeys(m for v in verdicts for m in v.mutated))
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
    names = _output_names(fn, verdicts)
    isolated = [o for o in names if any(o in v.wrong_outputs for v in verdicts)]
    written = [o for o in names if any(o in v.written_wrong for v in verdicts)]
    public = [c for c in per_case if c.set == "public"] or per_case[:1]
    steps = public[0].wrong_steps if public else ()
    intermediates = list(dict.fromkeys(i for v in verdicts for i in v.wrong_intermediates))
    findings = _own_findings(fn, verdicts, cases)
    if total == 0:
        findings = [Finding("no-cases", f"No case data for {name}; it was not graded.")]
    points = cases.points_of(name)  # the master notebook's, through the build's case data
    score = points.earned(counted_by_set(per_case))
    penalty = 0.0
    if mutated and policy is MutationPolicy.DEDUCT:
        penalty = round(score * DEDUCTION, 6)
        score -= penalty
    if mutated and policy is not MutationPolicy.WARN:
        findings.append(_policy_finding(fn, policy, penalty))
    return FunctionResult(
        name=name,
        status=status,
        score=round(score, 6),
        max_score=points.question,
        set_points=tuple(points.by_set.items()),
        correct_in_isolation=correct,
        wrong_outputs=tuple(o for o in names if o in isolated or o in written),
        wrong_steps=tuple(int(s) for s in steps),
        wrong_intermediates=tuple(intermediates),
        mutated_inputs=tuple(mutated),
        findings=tuple(findings),
        cases_passed=passed,
        cases_total=total,
        case_outcomes=tuple((c.id, c.passed) for c in per_case),
        isolated_wrong_outputs=tuple(isolated),
        written_only_wrong_outputs=tuple(o for o in written if o not in isolated),
        cases=tuple(per_case),
        penalty=penalty,
    )


def _policy_finding(fn: spec.Function, policy: MutationPolicy, penalty: float) -> Finding:
    if policy is MutationPolicy.DEDUCT:
        cost = f"costs {penalty:g} of its points"
    else:
        cost = "counts as failing every case where it happens"
    return Finding(
        "mutation-policy",
        f"In this course, writing into an input {cost} (the instructor's `{SETTING}: "
        f"{policy.value}` setting), although your {fn.name} returns the right values.",
        SETTING,
    )


def _blamed(name: str, verdicts: dict[str, list[CaseVerdict]]) -> str:
    """A dependency as blame names it, with the choice it is wrong for ("`f` (wrong for tanh)")."""
    value = failing_choice(verdicts.get(name, []))
    return f"`{name}` (wrong for {value})" if value else f"`{name}`"


def with_blame(
    results: dict[str, FunctionResult], verdicts: dict[str, list[CaseVerdict]]
) -> list[FunctionResult]:
    """Add blame: which functions make each one fail as written, with a finding that says so."""
    final = []
    for name, result in results.items():
        own = verdicts.get(name, [])
        fails_as_written = any(not v.written_passed for v in own)
        if not fails_as_written or result.status == "missing":
            # right as written: only its own failure (missing, or a scoring policy such as
            # writing into an input) can make it fail, and then the cause is its own code
            at_fault = result.status == "missing" or result.correct_in_isolation is False
            final.append(replace(result, blame=(name,) if at_fault else ()))
            continue
        blame = [name] if result.correct_in_isolation is not True else []
        fn = own[0].case.declared
        broken_deps = [
            dep
            for dep in fn.assignment.dependencies(name)
            if dep in results and results[dep].correct_in_isolation is not True
        ]
        blame += broken_deps
        extra = []
        written = next(v for v in own if not v.written_passed)
        if written.written_error or written.written_missing:
            failure = f"fails ({written.written_error or 'a function it needs is missing'})"
        else:
            failure = f"gets {', '.join(written.written_wrong)} wrong"
            if fn.loop is not None and fn.loop.kind != "time" and written.written_steps:
                failure += f" (at {fn.loop.listed(written.written_steps)})"
        if result.correct_in_isolation and broken_deps:
            deps = " and ".join(_blamed(d, verdicts) for d in broken_deps)
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
            own_wrong = ", ".join(result.isolated_wrong_outputs) or "its result"
            inherited = ", ".join(result.written_only_wrong_outputs)
            effect = (
                f"as written they also make {inherited} wrong, which your own code gets right"
                if inherited
                else "as written that adds to what is wrong"
            )
            extra.append(
                Finding(
                    "blame",
                    f"Your {name} has mistakes of its own: it gets {own_wrong} wrong even with "
                    f"reference inputs (above). {deps} "
                    f"{'is' if len(broken_deps) == 1 else 'are'} also wrong, and {effect}.",
                    broken_deps[0],
                )
            )
        elif result.written_only_wrong_outputs and fn.calls:
            callees = ", ".join(fn.calls)
            outs = ", ".join(result.written_only_wrong_outputs)
            extra.append(
                Finding(
                    "wrong-as-written",
                    f"As written, the wrong arguments your {name} passes reach the real "
                    f"{callees}, which then also make {outs} wrong; the grader's stand-ins "
                    f"return the right results whatever they receive, so those are right in "
                    f"isolation. Fix the arguments and they follow.",
                    outs,
                )
            )
        final.append(replace(result, blame=tuple(blame), findings=result.findings + tuple(extra)))
    return final
