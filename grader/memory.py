"""Evidence about memory: inputs written in place, outputs that share memory with other
returned arrays, cached arguments that changed after the callee received them."""

from __future__ import annotations

import numpy as np

from grader import spec
from grader.casedata import Case
from grader.compare import Mismatch, mismatches
from grader.outputs import call_step, describe
from grader.records import Finding

MAX_SHARED_ELEMENTS = 200_000


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
