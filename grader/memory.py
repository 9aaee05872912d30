"""Evidence about memory: inputs written in place, outputs that share memory with other
returned arrays, cached arguments that changed after the callee received them."""

from __future__ import annotations

import numpy as np

from grader import spec
from grader.casedata import Case
from grader.compare import Mismatch, mismatches
from grader.outputs import call_step, describe, quoted
from grader.records import Finding

MAX_SHARED_ELEMENTS = 200_000


def _changes(now, before, path: str = "") -> list[str]:
    """Paths inside an argument that differ after the call from before it: changed values (as
    the grader compares them) and also entries added to or removed from a dict or a list, which
    a comparison against the expected keys alone would miss."""
    if isinstance(before, dict) and isinstance(now, dict):
        found = [f"{path}[{k!r}] (added)" for k in now if k not in before]
        found += [f"{path}[{k!r}] (removed)" for k in before if k not in now]
        for k in before:
            if k in now:
                found += _changes(now[k], before[k], f"{path}[{k!r}]")
        return found
    if isinstance(before, (tuple, list)) and isinstance(now, (tuple, list)):
        if len(now) != len(before) or type(now) is not type(before):
            return [path]
        found = []
        for i, (a, b) in enumerate(zip(now, before)):
            found += _changes(a, b, f"{path}[{i}]")
        return found
    return [path + m.path for m in mismatches(now, before)]


def mutated_inputs(fn: spec.Function, case: Case, record: dict) -> list[str]:
    """The arguments (and the places inside them) the call wrote into: arrays changed in place,
    dict entries set, replaced or deleted, lists grown or shrunk."""
    after = record.get("args_after")
    if not isinstance(after, list) or len(after) != len(case.args):
        return []
    names = []
    for param, before, now in zip(fn.params, case.args, after):
        for path in _changes(now, before):
            label = param + path
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
    if fn.returns == "value":
        return path
    if fn.returns == "dict":
        return f"[{output!r}]{path}"
    return f"[{fn.output_index(output)}]{path}"


def _layout_name(fn: spec.Function, layout_path: str) -> tuple[str, int | None]:
    for output in fn.outputs:
        prefix = _layout_path(fn, output, "")
        if layout_path.startswith(prefix):
            return describe(fn, output, layout_path[len(prefix) :])
    return layout_path, None


def _entries(layout) -> list:
    return [e for e in layout or [] if isinstance(e, list) and len(e) == 5]


def _overlap(entry, other, mine: np.ndarray) -> bool:
    if other is entry or other[0].startswith(entry[0]) or entry[0].startswith(other[0]):
        return False
    if other[1:] == entry[1:]:
        return False  # the very same array stored twice (a cache holding an output) is fine
    theirs = _addresses(other)
    return theirs is not None and bool(np.intersect1d(mine, theirs).size)


def overlapping(layout) -> list[list[str]]:
    """Every pair of places in a returned value whose arrays share memory (views of each
    other), as sorted [path, path] pairs. The build records the reference's pairs, which are
    by design (the cached `xt` is a view of `x`)."""
    entries = _entries(layout)
    pairs = []
    for k, entry in enumerate(entries):
        mine = _addresses(entry)
        if mine is None:
            continue
        for other in entries[k + 1 :]:
            if _overlap(entry, other, mine):
                pairs.append(sorted([entry[0], other[0]]))
    return pairs


def shared_memory(
    fn: spec.Function, record: dict, wrong: list[tuple[str, Mismatch]], case: Case | None = None
) -> list[Finding]:
    """Wrong output entries whose memory is also part of another returned array, where the
    reference's result does not share it."""
    layout = _entries(record.get("layout"))
    by_path = {e[0]: e for e in layout}
    expected = {tuple(pair) for pair in (case.shared if case is not None else [])}
    findings = []
    for output, m in wrong:
        entry = by_path.get(_layout_path(fn, output, m.path))
        if entry is None:
            continue
        mine = _addresses(entry)
        if mine is None:
            continue
        for other in layout:
            if tuple(sorted([entry[0], other[0]])) in expected or not _overlap(entry, other, mine):
                continue
            here, _ = describe(fn, output, m.path)
            there, _ = _layout_name(fn, other[0])
            lead = quoted(here)
            findings.append(
                Finding(
                    "shared-memory",
                    f"{lead[0].upper()}{lead[1:]} shares memory with {quoted(there)}, which "
                    f"the reference does not: it is a view into an array your {fn.name} keeps "
                    f"writing to, so the stored value changed after it was stored. Store arrays "
                    f"that nothing writes into later (a new array, or a copy).",
                    here,
                )
            )
            break
    return findings


def changed_after_call(fn: spec.Function, case: Case, record: dict, got: dict) -> list[Finding]:
    """Cache entries that equal what the callee received at call time but not at return."""
    loop = fn.loop
    if loop is None or loop.caches not in fn.outputs or not fn.calls:
        return []
    callee = fn.related(fn.calls[0])
    calls = (record.get("stub_calls") or {}).get(callee.name, [])
    steps = loop.steps_list()
    try:
        stored = got[loop.caches] if steps is None else got[loop.caches][steps]
    except (KeyError, IndexError, TypeError):
        return []
    parameters = fn.assignment.words.parameters
    findings = []
    for k, call in enumerate(calls[: len(stored) if isinstance(stored, list) else 0]):
        cache = stored[k]
        if not isinstance(cache, tuple) or len(cache) != len(callee.cache_layout):
            continue
        for i, entry in enumerate(callee.cache_layout):
            if entry in callee.passthrough and entry in call and entry != parameters:
                if not mismatches(
                    call[entry], case.calls[callee.name]["args"][k][entry]
                ) and mismatches(cache[i], call[entry]):
                    t = call_step(fn, k, len(calls))
                    inside = f"[{k}][{i}]" if steps is None else f"[{steps}][{k}][{i}]"
                    place = describe(fn, loop.caches, inside)[0]
                    findings.append(
                        Finding(
                            "changed-after-call",
                            f"{place[0].upper()}{place[1:]} was right when {callee.name} "
                            f"received it but had changed by the time {fn.name} returned: your "
                            f"code wrote into that array after caching it.",
                            loop.at(t),
                        )
                    )
    return findings
