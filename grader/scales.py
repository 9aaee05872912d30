"""Outputs that are the expected values divided by the number of examples: a mean over the
batch (`np.mean(..., axis=1)`) where the gradient is a sum over it. Found by value, whatever
the code looks like, on any case with more than one example."""

from __future__ import annotations

import numpy as np

from grader import spec
from grader.casedata import Case
from grader.compare import ATOL, RTOL, Mismatch
from grader.records import Finding


def batch_size(case: Case) -> int | None:
    """The number of examples m of a case: axis 1 of its first array argument of 2 or more
    dimensions (the first assignment's inputs, forward and backward, all have m there)."""
    for value in case.args:
        if isinstance(value, np.ndarray) and value.ndim >= 2:
            return int(value.shape[1])
    return None


def _divided_by(got, expected, m: int) -> bool:
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return False
    if got.shape != expected.shape or got.dtype.kind not in "fiu":
        return False
    if not np.any(np.abs(expected) > ATOL):
        return False
    return bool(np.allclose(got * m, expected, rtol=RTOL, atol=ATOL * m))


def mean_over_examples(
    fn: spec.Function, case: Case, got: dict, wrong: list[tuple[str, Mismatch]]
) -> list[Finding]:
    """One finding naming every wrong output that is exactly the expected value over m."""
    m = batch_size(case)
    if not m or m < 2:
        return []
    outputs = [
        name
        for name in dict.fromkeys(name for name, mm in wrong if not mm.path)
        if _divided_by(got.get(name), case.expected.get(name), m)
    ]
    if not outputs:
        return []
    listed = ", ".join(f"`{o}`" for o in outputs)
    verb = "is" if len(outputs) == 1 else "are"
    return [
        Finding(
            "mean-over-examples",
            f"{listed} {verb} exactly the expected value divided by {m}, the number of examples "
            f"in this case: your {fn.name} averages over the examples (like np.mean over axis "
            f"1) where the gradient adds up every example's contribution (a sum over axis 1).",
            outputs[0],
        )
    ]
