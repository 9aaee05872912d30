"""What a NameError inside a graded function means, and what to do about it.

A function that uses a global name the notebook never defines (`W` for `parameters["W"]`,
`np_zeros`, a one-letter leftover) fails the same way whether or not it ever ran: the advice
depends on what the name is, not on the kernel's history. Staleness (grader.staleness) decides
separately whether the saved notebook shows that the code once worked.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from grader import spec

_NAME_ERROR = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
MAX_NAME = 40


def undefined_name(error: dict | None) -> str | None:
    """The name a NameError record is about, or None for any other record."""
    if not isinstance(error, dict) or error.get("type") != "NameError":
        return None
    match = _NAME_ERROR.search(str(error.get("message", "")))
    return match.group(1)[:MAX_NAME] if match else None


def _parameter_keys(fn: spec.Function) -> tuple[str, ...]:
    return fn.assignment.keys_of(fn)


def _cache_entries(fn: spec.Function) -> tuple[str, ...]:
    """The entries of the cache `fn` receives (a backward pass) or builds (a step function)."""
    parameters = fn.assignment.words.parameters
    for name in (fn.name, fn.producer, *fn.calls):
        if name and fn.related(name).cache_layout:
            entries = spec.flat_entries(fn.related(name).cache_layout)
            return tuple(e for e in entries if e != parameters)
    if fn.producer:
        return _cache_entries(fn.related(fn.producer))
    return ()


def _numpy_name(name: str) -> str | None:
    """`np.zeros` for `np_zeros` / `npzeros` / `numpy_zeros`; None when it is no numpy name."""
    for prefix in ("numpy_", "np_", "np"):
        if name.startswith(prefix) and hasattr(np, name[len(prefix) :]):
            return f"np.{name[len(prefix) :]}"
    return None


def advice(fn: spec.Function, name: str) -> str:
    """What to do about `name` being undefined inside `fn`, in one or two sentences."""
    words = fn.assignment.words
    parameters = words.parameters
    if name in _parameter_keys(fn) and parameters in fn.params:
        return f'`{name}` is a key of `{parameters}`: read it as `{parameters}["{name}"]`.'
    entries = _cache_entries(fn)
    if name in entries or (name in _parameter_keys(fn) and fn.backward):
        source = words.cache if words.cache in fn.params else words.caches
        if name in entries:
            return (
                f"`{name}` is an entry of the {source} {fn.name} receives: unpack it from "
                f"the {source} at the top of the function."
            )
        return (
            f"`{name}` is a key of the `{parameters}` stored in the {words.cache}: unpack "
            f'`{parameters}` from the {words.cache}, then read `{parameters}["{name}"]`.'
        )
    numpy = _numpy_name(name)
    if numpy:
        return f"Did you mean `{numpy}`?"
    declared = fn.assignment
    known = (*declared.names, *declared.helpers, *fn.params, *_parameter_keys(fn), *entries, "np")
    close = difflib.get_close_matches(name, sorted(set(known) - {name}), n=1, cutoff=0.75)
    if close:
        return f"Did you mean `{close[0]}`?"
    return (
        f"Compute `{name}` inside the function, or pass what it needs as an argument: a "
        f"global value would be wrong on every other input."
    )


def undefined_message(fn: spec.Function, name: str) -> str:
    """The finding for a function whose call raised NameError for `name`."""
    return (
        f"Your {fn.name} uses `{name}`, which is not defined inside the function: it is "
        f"neither an argument nor a local variable, and no global of that name exists when "
        f"the function runs. {advice(fn, name)}"
    )
