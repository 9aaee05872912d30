"""Known mistakes recognised from their numeric fingerprint: the outputs (and callee
arguments) a catalogued wrong formula produces on the same case, recorded at build time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader import spec
from grader.casedata import CaseData
from grader.compare import mismatches
from grader.outputs import call_step, split_outputs
from grader.records import Finding

if TYPE_CHECKING:
    from grader.diagnosis import CaseVerdict


def _same(a, b) -> bool:
    """Equal both ways: the comparison reads only the keys it expects, so a dict with fewer
    keys (a loop that skips a layer) would otherwise match any dict that has them."""
    return not mismatches(a, b) and not mismatches(b, a)


def fingerprint_matches(fn: spec.Function, fp: dict, record: dict, verdict: CaseVerdict) -> bool:
    """Whether the isolated record shows exactly what the fingerprinted mistake produces: the
    same wrong outputs with the same values, the same wrong callee arguments."""
    if "error" in fp:
        return not record.get("ok") and (record.get("error") or {}).get("type") == fp["error"]
    if not record.get("ok"):
        return False
    outputs = fp.get("outputs") or {}
    if "__structure__" in outputs:
        return _same(record.get("outputs"), outputs["__structure__"])
    if set(outputs) != set(verdict.wrong_outputs):
        return False
    got, _ = split_outputs(fn, record.get("outputs"), verdict.case.expected)
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


def mistake_findings(verdicts: list[CaseVerdict], cases: CaseData) -> list[Finding]:
    """One hint per recognised mistake, the most often matched first."""
    counts: dict[str, int] = {}
    for v in verdicts:
        for mistake in v.mistakes:
            counts[mistake] = counts.get(mistake, 0) + 1
    findings = []
    for mistake, _ in sorted(counts.items(), key=lambda kv: -kv[1]):
        entry = cases.mistakes.get(mistake, {})
        findings.append(Finding("known-mistake", entry.get("hint", mistake), mistake))
    return findings
