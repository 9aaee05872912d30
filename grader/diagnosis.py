"""From the probe's records to verdicts: which outputs, steps, intermediates and arguments are
wrong, which inputs were modified, which outputs share memory, which known mistake it is.

Runs in the grader's process (or, for student-side checks, on public data only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from grader import spec
from grader.casedata import Case, CaseData
from grader.compare import Mismatch, close, mismatches
from grader.isolation import Evidence
from grader.probe import Opaque
from grader.records import Finding

MAX_SHARED_ELEMENTS = 200_000
_INDEX = re.compile(r"\[(\d+)\]")


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


# --------------------------------------------------------------------------------------------
# naming places
# --------------------------------------------------------------------------------------------
def _callee_layout(fn: spec.Function) -> tuple[str, ...]:
    for callee in fn.calls:
        layout = spec.function(callee).cache_layout
        if layout:
            return layout
    if fn.fed_by:
        return spec.function(fn.fed_by).cache_layout or _callee_layout(spec.function(fn.fed_by))
    return ()


def describe(fn: spec.Function, output: str, path: str) -> tuple[str, int | None]:
    """A readable name for `path` inside `output`, and the time step it belongs to, if any."""
    idx = [int(i) for i in _INDEX.findall(path)]
    rest = path
    if output == "cache" and idx and fn.cache_layout:
        layout = fn.cache_layout
        if idx[0] < len(layout):
            rest = path[len(f"[{idx[0]}]") :]
            return f"cache entry {layout[idx[0]]}{rest}", None
    if output == "caches" and idx:
        layout = _callee_layout(fn)
        if idx[0] == 1 and path == "[1]":
            return "caches[1] (x)", None
        if idx[0] == 0 and len(idx) >= 3 and layout and idx[2] < len(layout):
            t = idx[1]
            rest = path[len(f"[0][{t}][{idx[2]}]") :]
            return f"caches[0][{t}] entry {layout[idx[2]]}{rest} (t = {t})", t
        if idx[0] == 0 and len(idx) >= 2:
            return f"caches[0][{idx[1]}] (the cache of t = {idx[1]})", idx[1]
    return f"{output}{path}", None


# --------------------------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------------------------
def split_outputs(fn: spec.Function, got) -> tuple[dict | None, str | None]:
    """The returned value as {output name: value}, or a message on why it cannot be read so."""
    names = fn.outputs
    if fn.returns == "dict":
        if not isinstance(got, dict):
            return None, f"returned {_kind(got)}; expected a dict with keys {', '.join(names)}"
        missing = [k for k in names if k not in got]
        if missing:
            return None, (
                f"returned a dict without the key(s) {', '.join(missing)} "
                f"(it has: {', '.join(map(str, got)) or 'no keys'})"
            )
        return {k: got[k] for k in names}, None
    if not isinstance(got, (tuple, list)):
        return None, f"returned {_kind(got)}; expected a tuple ({', '.join(names)})"
    if len(got) != len(names):
        return None, (f"returned {len(got)} values; expected {len(names)}: ({', '.join(names)})")
    return dict(zip(names, got)), None


def _kind(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"a {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"a single array of shape {value.shape}"
    return f"a {type(value).__name__}"


def output_mismatches(fn: spec.Function, got: dict, expected: dict) -> list[tuple[str, Mismatch]]:
    found = []
    for name in fn.outputs:
        for m in mismatches(got[name], expected[name], "", fn.time_axis.get(name)):
            found.append((name, m))
    return found


def _error_text(error: dict) -> str:
    frames = error.get("frames") or []
    own = [f for f in frames if f[0] in spec.NAMES or f[0] in spec.HELPERS]
    frame = (own or frames or [None])[-1]
    text = f"raised {error.get('type', 'an error')}: {error.get('message', '')}"
    if frame:
        text += f" (in {frame[0]}, line {frame[1]}: `{frame[2].strip()}`)"
    return text


# --------------------------------------------------------------------------------------------
# callee arguments
# --------------------------------------------------------------------------------------------
def call_step(fn: spec.Function, k: int, count: int) -> int:
    """The time step of the k-th callee call: forward loops count up, backward loops down."""
    return count - 1 - k if fn.backward else k


def callee_findings(fn: spec.Function, case: Case, record: dict) -> tuple[list[Finding], set[int]]:
    """What the function passed to its (stubbed) callees, against the recorded reference calls.

    One finding per wrong argument, naming every time step where it is wrong and detailing the
    first one in call order (where the error enters).
    """
    findings, steps = [], set()
    for callee, plan in case.calls.items():
        expected_calls = plan["args"]
        got_calls = (record.get("stub_calls") or {}).get(callee, [])
        n, m = len(expected_calls), len(got_calls)
        if m != n:
            findings.append(
                Finding(
                    "callee-call-count",
                    f"{fn.name} called {callee} {m} time(s); it should call it {n} time(s), "
                    f"once per time step of this input",
                    callee,
                )
            )
        wrong: dict[str, list[tuple[int, Mismatch]]] = {}
        for k in range(min(n, m)):
            t = call_step(fn, k, n)
            for param, want in expected_calls[k].items():
                found = mismatches(got_calls[k].get(param), want)
                if found:
                    first = found[0]
                    if param == "cache":
                        label = describe(spec.function(callee), "cache", first.path)[0]
                    else:
                        label = param + first.path
                    wrong.setdefault(label, []).append((t, first))
        for label, items in wrong.items():
            at = sorted(t for t, _ in items)
            steps.update(at)
            t0, first = items[0]
            listed = ", ".join(str(t) for t in at)
            detail = (
                f"it {first.message}"
                if len(at) == 1
                else f"at t = {t0} (where it first goes wrong) it {first.message}"
            )
            findings.append(
                Finding(
                    "callee-argument",
                    f"The `{label}` your {fn.name} passed to {callee} is wrong at t = {listed}: "
                    f"{detail}.",
                    f"t = {listed}",
                )
            )
    return findings, steps


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
        f"{names} lets the grader tell a mistake in the loop from one in the cell.",
        names,
    )


# --------------------------------------------------------------------------------------------
# mutations and shared memory
# --------------------------------------------------------------------------------------------
def mutated_inputs(fn: spec.Function, case: Case, record: dict) -> list[str]:
    after = record.get("args_after")
    if not isinstance(after, list) or len(after) != len(case.args):
        return []
    names = []
    for param, before, now in zip(fn.params, case.args, after):
        for m in mismatches(now, before):
            label = (
                param + m.path
                if param != "cache"
                else describe(spec.function(fn.fed_by), "cache", m.path)[0]
                if fn.fed_by
                else param
            )
            if label not in names:
                names.append(label)
    return names


def _addresses(entry) -> np.ndarray | None:
    _, address, shape, strides, _ = entry
    size = int(np.prod(shape)) if shape else 1
    if size > MAX_SHARED_ELEMENTS:
        return None
    offsets = np.zeros(1, dtype=np.int64)
    for n, s in zip(shape, strides):
        offsets = (offsets[:, None] + np.arange(n, dtype=np.int64)[None, :] * s).ravel()
    return offsets + int(address)


def _layout_path(fn: spec.Function, output: str, path: str) -> str:
    if fn.returns == "dict":
        return f"[{output!r}]{path}"
    return f"[{fn.output_index(output)}]{path}"


def _layout_name(fn: spec.Function, layout_path: str) -> tuple[str, int | None]:
    for output in fn.outputs:
        prefix = _layout_path(fn, output, "")
        if layout_path.startswith(prefix):
            return describe(fn, output, layout_path[len(prefix) :])
    return layout_path, None


def shared_memory(
    fn: spec.Function, record: dict, wrong: list[tuple[str, Mismatch]]
) -> list[Finding]:
    """Wrong output entries whose memory is also part of another returned array."""
    layout = [e for e in record.get("layout") or [] if isinstance(e, list) and len(e) == 5]
    by_path = {e[0]: e for e in layout}
    findings = []
    for output, m in wrong:
        entry = by_path.get(_layout_path(fn, output, m.path))
        if entry is None:
            continue
        mine = _addresses(entry)
        if mine is None:
            continue
        for other in layout:
            if other is entry or other[0].startswith(entry[0]) or entry[0].startswith(other[0]):
                continue
            if other[1:] == entry[1:]:
                continue  # the very same array stored twice (a cache holding an output) is fine
            theirs = _addresses(other)
            if theirs is None or not np.intersect1d(mine, theirs).size:
                continue
            here, _ = describe(fn, output, m.path)
            there, _ = _layout_name(fn, other[0])
            findings.append(
                Finding(
                    "shared-memory",
                    f"{here} shares memory with {there}: it is a view into an array your {fn.name} "
                    f"keeps writing to, so the stored value changed after it was stored. Store "
                    f"arrays that nothing writes into later (a new array, or a copy).",
                    here,
                )
            )
            break
    return findings


def changed_after_call(fn: spec.Function, case: Case, record: dict, got: dict) -> list[Finding]:
    """Cache entries that equal what the callee received at call time but not at return."""
    if "caches" not in fn.outputs or not fn.calls:
        return []
    callee = spec.function(fn.calls[0])
    calls = (record.get("stub_calls") or {}).get(callee.name, [])
    try:
        stored = got["caches"][0]
    except (KeyError, IndexError, TypeError):
        return []
    findings = []
    for k, call in enumerate(calls[: len(stored) if isinstance(stored, list) else 0]):
        cache = stored[k]
        if not isinstance(cache, tuple) or len(cache) != len(callee.cache_layout):
            continue
        for i, entry in enumerate(callee.cache_layout):
            if entry in callee.passthrough and entry in call and entry != "parameters":
                if not mismatches(
                    call[entry], case.calls[callee.name]["args"][k][entry]
                ) and mismatches(cache[i], call[entry]):
                    t = call_step(fn, k, len(calls))
                    findings.append(
                        Finding(
                            "changed-after-call",
                            f"caches[0][{k}] entry {entry} (t = {t}) was right when {callee.name} "
                            f"received it but had changed by the time {fn.name} returned: your "
                            f"code wrote into that array after caching it.",
                            f"t = {t}",
                        )
                    )
    return findings


# --------------------------------------------------------------------------------------------
# intermediates
# --------------------------------------------------------------------------------------------
def _arrays(value, label: str, out: list, depth: int = 0) -> list:
    if depth > 4:
        return out
    if isinstance(value, np.ndarray):
        out.append((label, value))
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value[:64]):
            _arrays(v, f"{label}[{i}]", out, depth + 1)
    elif isinstance(value, dict):
        for k, v in list(value.items())[:64]:
            _arrays(v, f"{label}[{k!r}]", out, depth + 1)
    return out


def intermediates(fn: spec.Function, case: Case, record: dict, wrong_outputs: set[str]):
    """(wrong intermediate names, findings), matching local values whatever their names."""
    if not fn.intermediates or not case.intermediates:
        return [], []
    pool = []
    for frame in record.get("locals") or []:
        for name, value in frame.items():
            _arrays(value, name, pool)
    _arrays(record.get("outputs"), "the returned value", pool)
    wrong, findings = [], []
    right = {}
    for item in fn.intermediates:
        reference = case.intermediates.get(item.name)
        labels = [label for label, arr in pool if close(arr, reference)]
        if labels:
            right[item.name] = labels[0]
        elif all(out in wrong_outputs for out in item.feeds):
            wrong.append(item.name)
    if wrong:
        items = [i for i in fn.intermediates if i.name in wrong]
        listed = "; ".join(f"{i.name} ({i.description})" for i in items)
        feeds = sorted({out for i in items for out in i.feeds})
        start = (
            f" Start with {items[0].name}: it comes first in the computation."
            if len(items) > 1
            else ""
        )
        findings.append(
            Finding(
                "wrong-intermediate",
                f"Wrong inside your {fn.name}: {listed}. No value computed in the function "
                f"matches {'it' if len(items) == 1 else 'them'}, and the outputs computed from "
                f"{'it' if len(items) == 1 else 'them'} ({', '.join(feeds)}) are wrong.{start}",
                items[0].name,
            )
        )
    for out in sorted(wrong_outputs):
        feeding = [i for i in fn.intermediates if out in i.feeds]
        if feeding and all(i.name in right for i in feeding) and len(feeding) == 1:
            item = feeding[0]
            local = right[item.name].split("[")[0]
            findings.append(
                Finding(
                    "wrong-step-after-intermediate",
                    f"Your {item.name} (`{local}`) matches the reference, yet {out} is wrong: the "
                    f"slip is in the step from {item.name} to {out}",
                    out,
                )
            )
    return wrong, findings


# --------------------------------------------------------------------------------------------
# fingerprints of known mistakes
# --------------------------------------------------------------------------------------------
def _same(a, b) -> bool:
    return not mismatches(a, b)


def fingerprint_matches(fn: spec.Function, fp: dict, record: dict, verdict: CaseVerdict) -> bool:
    if "error" in fp:
        return not record.get("ok") and (record.get("error") or {}).get("type") == fp["error"]
    if not record.get("ok"):
        return False
    outputs = fp.get("outputs") or {}
    if "__structure__" in outputs:
        return _same(record.get("outputs"), outputs["__structure__"])
    if set(outputs) != set(verdict.wrong_outputs):
        return False
    got, _ = split_outputs(fn, record.get("outputs"))
    if got is None or not all(_same(got[k], v) for k, v in outputs.items()):
        return False
    calls = fp.get("calls") or {}
    stub_calls = record.get("stub_calls") or {}
    expected_steps = set()
    for callee, steps in calls.items():
        got_calls = stub_calls.get(callee, [])
        n = len(verdict.case.calls[callee]["args"])
        for k_text, params in steps.items():
            k = int(k_text)
            expected_steps.add(call_step(fn, k, n))
            if params is None:  # the mistake makes no k-th call (or the reference makes none)
                if k < len(got_calls) and k < n:
                    return False
                continue
            if k >= len(got_calls):
                return False
            for param, value in params.items():
                if not _same(got_calls[k].get(param), value):
                    return False
    return verdict.call_steps <= expected_steps and (bool(outputs) or bool(calls))


# --------------------------------------------------------------------------------------------
# one case
# --------------------------------------------------------------------------------------------
def judge_case(fn: spec.Function, evidence: Evidence) -> CaseVerdict:
    case, record, written = evidence.case, evidence.isolated, evidence.as_written
    verdict = CaseVerdict(case)
    if record.get("missing"):
        verdict.missing = record["missing"]
    elif not record.get("ok"):
        verdict.error = _error_text(record.get("error") or {})
    else:
        got, problem = split_outputs(fn, record.get("outputs"))
        if problem:
            verdict.structure = problem
            verdict.wrong_outputs = list(fn.outputs)
        else:
            verdict.mismatches = output_mismatches(fn, got, case.expected)
            verdict.wrong_outputs = list(dict.fromkeys(name for name, _ in verdict.mismatches))
            for name, m in verdict.mismatches:
                verdict.steps.update(m.steps)
                step = describe(fn, name, m.path)[1]
                if step is not None:
                    verdict.steps.add(step)
            verdict.call_findings, verdict.call_steps = callee_findings(fn, case, record)
            verdict.steps |= verdict.call_steps
            verdict.shared = shared_memory(fn, record, verdict.mismatches)
            verdict.shared += changed_after_call(fn, case, record, got)
            wrong_ints, int_findings = intermediates(fn, case, record, set(verdict.wrong_outputs))
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
        verdict.written_error = f"{fn.fed_by} " + _error_text(written["producer_error"])
    elif not written.get("ok"):
        verdict.written_error = _error_text(written.get("error") or {})
    else:
        got, problem = split_outputs(fn, written.get("outputs"))
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
    fn = spec.function(name)
    return [judge_case(fn, item) for item in evidence]


def mistake_findings(verdicts: list[CaseVerdict], cases: CaseData) -> list[Finding]:
    counts: dict[str, int] = {}
    for v in verdicts:
        for mistake in v.mistakes:
            counts[mistake] = counts.get(mistake, 0) + 1
    findings = []
    for mistake, _ in sorted(counts.items(), key=lambda kv: -kv[1]):
        entry = cases.mistakes.get(mistake, {})
        findings.append(Finding("known-mistake", entry.get("hint", mistake), mistake))
    return findings
