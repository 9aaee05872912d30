"""What the deep network tests share: the notebook-like namespace, the comparison, and a run of
a function on a case that says what happened (tests/test_deep_nn_mistakes.py,
tests/test_deep_nn_alternatives.py)."""

from __future__ import annotations

import copy
import sys

import numpy as np

from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases
from solutions.deep_nn import reference as ref


def namespace() -> dict:
    """The globals a notebook offers: np, the provided helpers and every reference function."""
    names = {"np": np}
    names.update({name: getattr(ref, name) for name in (*spec.HELPERS, *spec.NAMES)})
    return names


def differs(got, want) -> bool:
    """True when `got` and `want` differ in structure, shape, or values (np.allclose)."""
    if isinstance(want, dict) or isinstance(got, dict):
        if not (isinstance(want, dict) and isinstance(got, dict)) or got.keys() != want.keys():
            return True
        return any(differs(got[k], want[k]) for k in want)
    if isinstance(want, (tuple, list)) or isinstance(got, (tuple, list)):
        if not (isinstance(want, (tuple, list)) and isinstance(got, (tuple, list))):
            return True
        if len(got) != len(want):
            return True
        return any(differs(g, w) for g, w in zip(got, want))
    if isinstance(want, str) or isinstance(got, str):
        return got != want
    if np.shape(got) != np.shape(want):
        return True
    return not np.allclose(got, want)


def outcome(fn, case: cases.Case) -> tuple[str, object]:
    """("raises", class name), ("mutates", None), ("differs", None) or ("same", None)."""
    args = case.args()
    before = copy.deepcopy(args)
    try:
        got = cases.call(case, fn, args)
    except Exception as exc:  # a crash is an outcome here, judged by the caller
        return "raises", type(exc).__name__
    if differs(args, before):
        return "mutates", None
    return ("differs" if differs(got, cases.expected(case)) else "same"), None


def run_capturing_locals(fn, case: cases.Case) -> dict:
    """The local variables of fn at its return, called on the case."""
    captured: dict = {}

    def profiler(frame, event, arg):
        if event == "return" and frame.f_code is fn.__code__:
            captured.update(frame.f_locals)

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        cases.call(case, fn)
    finally:
        sys.setprofile(previous)
    return captured
