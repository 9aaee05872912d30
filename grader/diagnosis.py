"""From the probe's records to verdicts: which outputs, steps, intermediates and arguments are
wrong, which inputs were modified, which outputs share memory, which known mistake it is.

Runs in the grader's process (or, for student-side checks, on public data only).
"""

from dataclasses import dataclass, field

from grader import spec
from grader.casedata import Case
from grader.compare import Mismatch, mismatches
from grader.fingerprints import fingerprint_matches
from grader.intermediates import intermediates
from grader.isolation import Evidence
from grader.memory import changed_after_call, mutated_inputs, shared_memory
from grader.names import undefined_name
from grader.outputs import call_step, describe, output_mismatches, split_outputs
from grader.records import Finding
from grader.scales import mean_over_examples
from grader.spec import Loop, Words


@dataclass
class CaseVerdict:
    """What one case showed about one function."""

    case: Case
    missing: str | None = None
    error: str | None = None
    structure: str | None = None
    passed: bool = False
    wrong_outputs: list[str] = field(default_factory=list)
    mismatches: list[tuple[str, Mismatch]] = field(default_factory=list)
    call_findings: list[Finding] = field(default_factory=list)
    call_steps: set[int] = field(default_factory=set)
    call_params: set[str] = field(default_factory=set)
    steps: set[int] = field(default_factory=set)
    written_passed: bool = False
    written_error: str | None = None
    written_missing: str | None = None
    written_wrong: list[str] = field(default_factory=list)
    written_steps: set[int] = field(default_factory=set)
    mutated: list[str] = field(default_factory=list)
    wrong_intermediates: list[str] = field(default_factory=list)
    intermediate_findings: list[Finding] = field(default_factory=list)
    shared: list[Finding] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    undefined: str | None = None
    scaled: list[Finding] = field(default_factory=list)


WITHHELD = "(its message is shown for the public case only: on a hidden case it could carry "
WITHHELD += "the hidden inputs)"
ONE_CACHE = "where one step's {} belongs"


GRADER_ERRORS = {  # failed records the grader itself writes (grader.isolation, grader.pipeline)
    "Timeout",
    "KernelDied",
    "RecordMissing",
    "RecordForged",
    "RecordUnreadable",
}


def _error_text(error: dict, case: Case) -> str:
    """What a call raised, and where in the student's code. An error's message is the student's
    code speaking; on a hidden case it is withheld, so that a function cannot raise the inputs
    and reference values it was handed into the report a student reads."""
    frames = error.get("frames") or []
    declared = case.declared.assignment
    own = [f for f in frames if f[0] in declared.names or f[0] in declared.helpers]
    frame = (own or frames or [None])[-1]
    kind = str(error.get("type", "an error"))[:80]
    if case.set == "public" or kind in GRADER_ERRORS:
        text = f"raised {kind}: {error.get('message', '')}"
    else:
        text = f"raised {kind} {WITHHELD}"
    if frame:
        text += f" (in {frame[0]}, line {frame[1]}: `{frame[2].strip()}`)"
    return text


def callee_findings(fn: spec.Function, case: Case, record: dict) -> tuple[list[Finding], set[int]]:
    """What the function passed to its (stubbed) callees, against the recorded reference calls.

    One finding per wrong argument, naming every loop position where it is wrong and detailing
    the first one in call order (where the error enters).
    """
    findings, steps = [], set()
    words = fn.assignment.words
    loop = fn.loop or Loop()  # the words of a loop, for a caller without one declared
    for callee, plan in case.calls.items():
        expected_calls = plan["args"]
        got_calls = (record.get("stub_calls") or {}).get(callee, [])
        n, m = len(expected_calls), len(got_calls)
        if m != n:
            findings.append(
                Finding(
                    "callee-call-count",
                    f"{fn.name} called {callee} {m} time(s); it should call it {n} time(s), "
                    f"once per {loop.unit} of this input",
                    callee,
                )
            )
        wrong: dict[str, list[tuple[int, Mismatch]]] = {}
        for k in range(min(n, m)):
            t = call_step(fn, k, n)
            for param, want in expected_calls[k].items():
                got = got_calls[k].get(param)
                found = mismatches(got, want)
                if found:
                    first = found[0]
                    whole = _whole_collection(got, want, words) if not first.path else None
                    if whole:
                        first = Mismatch("", f"is {whole}, {ONE_CACHE.format(words.cache)}")
                    label = param + first.path
                    wrong.setdefault(label, []).append((t, first))
        for label, items in wrong.items():
            at = sorted(t for t, _ in items)
            steps.update(at)
            t0, first = items[0]
            detail = (
                f"it {first.message}"
                if len(at) == 1
                else f"at {loop.at(t0)} (where it first goes wrong) it {first.message}"
            )
            what = label[0].upper() + label[1:] if label.startswith("the ") else f"The `{label}`"
            listed = loop.at(", ".join(str(t) for t in at))
            where = f" at {listed}" if fn.loop is not None or n > 1 else ""
            text = f"{what} that your {fn.name} passed to {callee} is wrong{where}: {detail}."
            if ONE_CACHE.format(words.cache) in first.message:
                text += (
                    f" {words.step_cache_hint}: the real {callee} cannot unpack what was "
                    f"passed, so your code as written raises."
                )
            findings.append(Finding("callee-argument", text, listed))
    return findings, steps


def wrong_params(case: Case, record: dict) -> set[str]:
    """The callee parameters that receive a wrong argument at some step."""
    found = set()
    for callee, plan in case.calls.items():
        got_calls = (record.get("stub_calls") or {}).get(callee, [])
        for want, got in zip(plan["args"], got_calls):
            found |= {p for p, value in want.items() if mismatches(got.get(p), value)}
    return found


def _whole_collection(got, want, words: Words) -> str | None:
    """What a student passed in place of one cache when it is the whole collection: the list
    of every step's cache, or the whole caches output of the loop."""
    if not isinstance(want, tuple) or not isinstance(got, (list, tuple)) or not got:
        return None

    def is_cache(value) -> bool:
        return isinstance(value, tuple) and len(value) == len(want)

    if all(is_cache(item) for item in got):
        caches = words.caches
        return f"a {type(got).__name__} of {len(got)} {caches} (the whole list of {caches})"
    if len(got) == 2 and isinstance(got[0], list) and got[0] and is_cache(got[0][0]):
        return words.whole_caches
    return None


def _computes_inline(case: Case, record: dict) -> list[str]:
    """Callees the function never called although the reference does: it does their work
    itself, so its outputs alone decide."""
    stub_calls = record.get("stub_calls") or {}
    return [c for c, plan in case.calls.items() if plan["args"] and not stub_calls.get(c)]


def _inline_note(fn: spec.Function, callees: list[str]) -> Finding:
    names = ", ".join(callees)
    return Finding(
        "computes-inline",
        f"Your {fn.name} does not call {names}; it was judged on its outputs alone. Calling "
        f"{names} lets the grader tell a mistake in the loop from one in the "
        f"{fn.assignment.words.step_function}.",
        names,
    )


# --------------------------------------------------------------------------------------------
# one case
# --------------------------------------------------------------------------------------------
def judge_case(fn: spec.Function, evidence: Evidence) -> CaseVerdict:
    case, record, written = evidence.case, evidence.isolated, evidence.as_written
    verdict = CaseVerdict(case)
    if record.get("missing"):
        verdict.missing = record["missing"]
    elif not record.get("ok"):
        verdict.error = _error_text(record.get("error") or {}, case)
        verdict.undefined = undefined_name(record.get("error"))
    else:
        got, problem = split_outputs(fn, record.get("outputs"), case.expected)
        if problem:
            verdict.structure = problem
            verdict.wrong_outputs = list(fn.output_names(case.expected))
        else:
            verdict.mismatches = output_mismatches(fn, got, case.expected)
            verdict.wrong_outputs = list(dict.fromkeys(name for name, _ in verdict.mismatches))
            for name, m in verdict.mismatches:
                verdict.steps.update(m.steps)
                step = describe(fn, name, m.path)[1]
                if step is not None:
                    verdict.steps.add(step)
            verdict.call_findings, verdict.call_steps = callee_findings(fn, case, record)
            verdict.call_params = wrong_params(case, record)
            verdict.steps |= verdict.call_steps
            verdict.shared = shared_memory(fn, record, verdict.mismatches, case)
            verdict.scaled = mean_over_examples(fn, case, got, verdict.mismatches)
            verdict.shared += changed_after_call(fn, case, record, got)
            wrong_ints, int_findings = intermediates(
                fn, case, record, set(verdict.wrong_outputs), verdict.call_params
            )
            verdict.wrong_intermediates, verdict.intermediate_findings = wrong_ints, int_findings
            inline = _computes_inline(case, record)
            if inline and not verdict.mismatches:
                verdict.call_findings = [_inline_note(fn, inline)]
            verdict.passed = not verdict.mismatches and (bool(inline) or not verdict.call_findings)
        verdict.mutated = mutated_inputs(fn, case, record)
    if not verdict.passed and not verdict.missing:
        for fp in case.fingerprints:
            if fingerprint_matches(fn, fp, record, verdict):
                verdict.mistakes.append(fp["mistake"])

    if written is record:
        verdict.written_passed = verdict.passed
        verdict.written_error, verdict.written_missing = verdict.error, verdict.missing
        verdict.written_wrong, verdict.written_steps = (
            list(verdict.wrong_outputs),
            set(verdict.steps),
        )
    elif written.get("missing"):
        verdict.written_missing = written["missing"]
    elif written.get("producer_error"):
        verdict.written_error = f"{fn.producer} " + _error_text(written["producer_error"], case)
    elif not written.get("ok"):
        verdict.written_error = _error_text(written.get("error") or {}, case)
    else:
        got, problem = split_outputs(fn, written.get("outputs"), case.expected)
        if problem:
            verdict.written_error = problem
        else:
            found = output_mismatches(fn, got, case.expected)
            verdict.written_wrong = list(dict.fromkeys(name for name, _ in found))
            for _, m in found:
                verdict.written_steps.update(m.steps)
            verdict.written_passed = not found
    return verdict


def judge(name: str, evidence: list[Evidence]) -> list[CaseVerdict]:
    return [judge_case(item.case.declared, item) for item in evidence]
