"""Comparing what a function returned with what was expected, numpy.testing style.

Every mismatch is described the same way: the place, then the shape (on its own), then how many
values differ, the largest absolute and relative difference and the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.probe import Opaque
from grader.spec import Loop

RTOL = 1e-6
ATOL = 1e-8
MAX_TYPE_NAME = 40


@dataclass(frozen=True)
class Mismatch:
    """One place where a value differs.

    path: where inside the compared value, as index steps ("[3][0][2][3]", "['grad']").
    steps: for arrays with a loop axis, the loop positions whose slices differ.
    """

    path: str
    message: str
    steps: tuple[int, ...] = ()


def _type_name(value) -> str:
    if isinstance(value, Opaque):
        return value.type_name[:MAX_TYPE_NAME]
    if value is None:
        return "None"
    return type(value).__name__[:MAX_TYPE_NAME]


def _as_float_array(value):
    if isinstance(value, (np.ndarray, np.generic, int, float)) and not isinstance(value, bool):
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None
    return None


def close(got, expected) -> bool:
    """Whether two array-likes have the same shape and values within the tolerance."""
    a, b = _as_float_array(got), _as_float_array(expected)
    if a is None or b is None or a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=False))


def array_mismatch(
    got, expected, path: str = "", time_axis: int | None = None, loop: Loop | None = None
) -> Mismatch | None:
    """How `got` differs from the expected array, or None when it matches. With `time_axis`,
    the loop positions that differ are named in `loop`'s words (a time loop's by default)."""
    if not isinstance(got, (np.ndarray, np.generic)):
        if isinstance(got, (list, tuple)) or _as_float_array(got) is None:
            return Mismatch(
                path,
                f"is a {_type_name(got)}, expected a numpy array of shape "
                f"{tuple(np.shape(expected))}",
            )
    a, b = _as_float_array(got), np.asarray(expected, dtype=float)
    if a is None:
        return Mismatch(path, f"holds {_type_name(got)} values, expected numbers")
    if a.shape != b.shape:
        return Mismatch(path, f"has shape {a.shape}, expected {b.shape}")
    bad = ~np.isclose(a, b, rtol=RTOL, atol=ATOL)
    if not bad.any():
        return None
    count, total = int(bad.sum()), bad.size
    finite = np.isfinite(a)
    if not finite.all():
        detail = f"{int((~finite).sum())} are nan or inf"
    else:
        diff = np.abs(a - b)
        detail = f"max abs diff {diff.max():.3g}"
        nonzero = bad & (np.abs(b) > ATOL)
        if nonzero.any():
            detail += f", max rel diff {(diff[nonzero] / np.abs(b[nonzero])).max():.3g}"
        else:
            detail += "; the expected values there are 0"
    steps: tuple[int, ...] = ()
    where = ""
    if time_axis is not None and a.ndim > time_axis:
        other = tuple(i for i in range(a.ndim) if i != time_axis)
        steps = tuple(int(t) for t in np.nonzero(bad.any(axis=other))[0])
        n = a.shape[time_axis]
        loop = loop or Loop()
        where = (
            f" at every {loop.unit}"
            if len(steps) == n
            else f" at {loop.unit}(s) {_steps(steps, loop)}"
        )
    return Mismatch(
        path,
        f"has the right shape {a.shape} but {count} / {total} values differ{where} "
        f"({detail}; tolerance rtol={RTOL:g}, atol={ATOL:g})",
        steps,
    )


def _steps(steps: tuple[int, ...], loop: Loop) -> str:
    return loop.listed(steps[:8]) + (" …" if len(steps) > 8 else "")


def mismatches(
    got, expected, path: str = "", time_axis: int | None = None, loop: Loop | None = None
) -> list[Mismatch]:
    """Every place where nested `got` differs from `expected` (tuples, lists, dicts, arrays)."""
    if isinstance(expected, tuple | list):
        kind = "tuple" if isinstance(expected, tuple) else "list"
        if not isinstance(got, tuple | list):
            return [
                Mismatch(
                    path, f"is a {_type_name(got)}, expected a {kind} of {len(expected)} items"
                )
            ]
        if len(got) != len(expected):
            return [Mismatch(path, f"has {len(got)} items, expected {len(expected)}")]
        found = []
        for i, (g, e) in enumerate(zip(got, expected)):
            found += mismatches(g, e, f"{path}[{i}]")
        return found
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [
                Mismatch(
                    path,
                    f"is a {_type_name(got)}, expected a dict with keys "
                    f"{', '.join(map(str, expected))}",
                )
            ]
        missing = [k for k in expected if k not in got]
        if missing:
            return [Mismatch(path, f"lacks the key(s) {', '.join(map(repr, missing))}")]
        found = []
        for k, e in expected.items():
            found += mismatches(got[k], e, f"{path}[{k!r}]")
        return found
    if isinstance(expected, np.ndarray | np.generic | float | int):
        found = array_mismatch(got, expected, path, time_axis, loop)
        return [found] if found else []
    if isinstance(got, np.ndarray) or not _plain_equal(got, expected):
        return [Mismatch(path, f"is {_short(got)}, expected {_short(expected)}")]
    return []


def _plain_equal(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # a value whose comparison raises is simply not equal
        return False


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
