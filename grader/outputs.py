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


def _callee_layout(fn: spec.Function) -> spec.Layout:
    for callee in fn.calls:
        layout = fn.related(callee).cache_layout
        if layout:
            return layout
    if fn.producer:
        producer = fn.related(fn.producer)
        return producer.cache_layout or _callee_layout(producer)
    return ()


def _key_label(fn: spec.Function, output: str, path: str) -> tuple[str, int] | None:
    """A returned key declared by pattern, in words ("the grad of layer 2 (grad2)"), and its
    position."""
    found = fn.loop.key_position(output) if fn.loop else None
    if found is None:
        return None
    quantity, position = found
    words = fn.assignment.words.dict_key.format(quantity, position)
    return f"{words} ({output}{path})", position


def describe(fn: spec.Function, output: str, path: str) -> tuple[str, int | None]:
    """How a student would name the place `path` inside `output` ("the <entry> stored in the
    cache of step t = 2 (caches[0][2][3])"), and the loop position it belongs to, if any.
    Plain places are the code itself ("grad", "out[0][1]"); `quoted` puts those in backticks."""
    idx = [int(i) for i in _INDEX.findall(path)]
    if output == fn.cache and idx and fn.cache_layout:
        entry, used = spec.entry_at(fn.cache_layout, idx)
        if entry is not None:
            rest = path[len("".join(f"[{i}]" for i in idx[:used])) :]
            return f"the {entry}{rest} stored in the {output} ({output}{path})", None
    keyed = _key_label(fn, output, path)
    if keyed:
        return keyed
    loop = fn.loop
    if loop and output == loop.caches and idx:
        layout, steps = _callee_layout(fn), loop.steps_list()
        if steps is None and not loop.caches_layout:  # the output is the list of step caches
            steps, idx, prefix = -1, [-1, *idx], ""
        else:
            prefix = f"[{idx[0]}]"
        named = loop.caches_layout[idx[0]] if 0 <= idx[0] < len(loop.caches_layout) else None
        if named and path == f"[{idx[0]}]":
            return f"the {named} stored in {output} ({output}{path})", None
        cache = fn.assignment.words.cache
        if idx[0] == steps and len(idx) >= 2:
            t = loop.first + idx[1]
            where = f"{cache} of step {loop.at(t)}" if loop.kind == "time" else loop.at(t)
            entry, used = spec.entry_at(layout, idx[2:]) if layout else (None, 0)
            if entry is not None:
                consumed = prefix + "".join(f"[{i}]" for i in idx[1 : 2 + used])
                rest = path[len(consumed) :]
                stored = (
                    f"stored in the {where}"
                    if loop.kind == "time"
                    else (f"stored in the {cache} of {where}")
                )
                return f"the {entry}{rest} {stored} ({output}{path})", t
            if loop.kind == "time":
                return f"the {where} ({output}{path})", t
            return f"the {cache} of {where} ({output}{path})", t
    return f"{output}{path}", None


def quoted(label: str) -> str:
    """A place named by `describe`, ready for a sentence: code in backticks, words as they are."""
    return label if label.startswith("the ") else f"`{label}`"


def cache_entry(fn: spec.Function, output: str, path: str) -> str | None:
    """For a place inside a step function's own cache, the name of the entry it is in."""
    idx = [int(i) for i in _INDEX.findall(path)]
    if output == fn.cache and idx:
        return spec.entry_at(fn.cache_layout, idx)[0]
    return None


MAX_KEYS_SHOWN = 8
MAX_KEY_CHARS = 30


def _keys(got: dict) -> str:
    """The keys of a returned dict, cut by named limits (they are the student's text)."""
    shown = [str(k)[:MAX_KEY_CHARS] for k in list(got)[:MAX_KEYS_SHOWN]]
    more = f" and {len(got) - MAX_KEYS_SHOWN} more" if len(got) > MAX_KEYS_SHOWN else ""
    return (", ".join(shown) or "no keys") + more


def split_outputs(fn: spec.Function, got, expected: dict | None = None):
    """The returned value as {output name: value}, or a message on why it cannot be read so.
    `expected` (the case's reference outputs) names the keys of outputs declared by pattern."""
    names = fn.output_names(expected)
    if fn.returns == "value":
        return {names[0]: got}, None
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
    """Every place where an output differs, with the loop positions it shows (an array's loop
    axis, or the position a returned key is declared to belong to)."""
    found = []
    for name in fn.output_names(expected):
        keyed = fn.loop.key_position(name) if fn.loop else None
        for m in mismatches(got[name], expected[name], "", fn.time_axis.get(name), fn.loop):
            if keyed and not m.steps:
                m = Mismatch(m.path, m.message, (keyed[1],))
            found.append((name, m))
    return found


def call_step(fn: spec.Function, k: int, count: int) -> int:
    """The loop position of the k-th callee call: forward loops count up, backward loops down."""
    return fn.step(k, count)
