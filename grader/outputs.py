"""What a function returned: reading it as named outputs, comparing them, and readable names
for places inside them ("the <entry> stored in the cache of step t = 2"), in the words of the
function's declaration (grader.spec)."""

from __future__ import annotations

import re

import numpy as np

from grader import spec
from grader.compare import Mismatch, mismatches
from grader.probe import Opaque

_INDEX = re.compile(r"\[(\d+)\]")


def _callee_layout(fn: spec.Function) -> tuple[str, ...]:
    for callee in fn.calls:
        layout = fn.related(callee).cache_layout
        if layout:
            return layout
    if fn.producer:
        producer = fn.related(fn.producer)
        return producer.cache_layout or _callee_layout(producer)
    return ()


def describe(fn: spec.Function, output: str, path: str) -> tuple[str, int | None]:
    """How a student would name the place `path` inside `output` ("the <entry> stored in the
    cache of step t = 2 (caches[0][2][3])"), and the loop position it belongs to, if any.
    Plain places are the code itself ("dW", "a[0][1]"); `quoted` puts those in backticks."""
    idx = [int(i) for i in _INDEX.findall(path)]
    if output == fn.cache and idx and fn.cache_layout:
        layout = fn.cache_layout
        if idx[0] < len(layout):
            rest = path[len(f"[{idx[0]}]") :]
            return f"the {layout[idx[0]]}{rest} stored in the {output} ({output}{path})", None
    loop = fn.loop
    if loop and output == loop.caches and idx:
        layout, steps = _callee_layout(fn), loop.steps_list()
        named = loop.caches_layout[idx[0]] if idx[0] < len(loop.caches_layout) else None
        if named and path == f"[{idx[0]}]":
            return f"the {named} stored in {output} ({output}{path})", None
        cache = fn.assignment.words.cache
        if idx[0] == steps and len(idx) >= 3 and layout and idx[2] < len(layout):
            t = idx[1]
            rest = path[len(f"[{steps}][{t}][{idx[2]}]") :]
            entry = layout[idx[2]]
            where = f"stored in the {cache} of step {loop.at(t)}"
            return f"the {entry}{rest} {where} ({output}{path})", t
        if idx[0] == steps and len(idx) >= 2:
            return f"the {cache} of step {loop.at(idx[1])} ({output}{path})", idx[1]
    return f"{output}{path}", None


def quoted(label: str) -> str:
    """A place named by `describe`, ready for a sentence: code in backticks, words as they are."""
    return label if label.startswith("the ") else f"`{label}`"


def cache_entry(fn: spec.Function, output: str, path: str) -> str | None:
    """For a place inside a step function's own cache, the name of the entry it is in."""
    idx = [int(i) for i in _INDEX.findall(path)]
    if output == fn.cache and idx and idx[0] < len(fn.cache_layout):
        return fn.cache_layout[idx[0]]
    return None


MAX_KEYS_SHOWN = 8
MAX_KEY_CHARS = 30


def _keys(got: dict) -> str:
    """The keys of a returned dict, cut by named limits (they are the student's text)."""
    shown = [str(k)[:MAX_KEY_CHARS] for k in list(got)[:MAX_KEYS_SHOWN]]
    more = f" and {len(got) - MAX_KEYS_SHOWN} more" if len(got) > MAX_KEYS_SHOWN else ""
    return (", ".join(shown) or "no keys") + more


def split_outputs(fn: spec.Function, got) -> tuple[dict | None, str | None]:
    """The returned value as {output name: value}, or a message on why it cannot be read so."""
    names = fn.outputs
    if fn.returns == "dict":
        if not isinstance(got, dict):
            return None, f"returned {_kind(got)}; expected a dict with keys {', '.join(names)}"
        missing = [k for k in names if k not in got]
        if missing:
            return None, (
                f"returned a dict without the key(s) {', '.join(missing)} (it has: {_keys(got)})"
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
        for m in mismatches(got[name], expected[name], "", fn.time_axis.get(name), fn.loop):
            found.append((name, m))
    return found


def call_step(fn: spec.Function, k: int, count: int) -> int:
    """The loop position of the k-th callee call: forward loops count up, backward loops down."""
    return fn.step(k, count)
