"""Intermediate quantities inside cell functions, found by value whatever the student named
them, and which of them are wrong."""

from __future__ import annotations

import numpy as np

from grader import spec
from grader.casedata import Case
from grader.compare import close
from grader.records import Finding


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


def _fed(fn: spec.Function, item: spec.Intermediate, output: str) -> bool:
    return any(fn.feeds_output(feed, output) for feed in item.feeds)


def intermediates(
    fn: spec.Function,
    case: Case,
    record: dict,
    wrong_outputs: set[str],
    wrong_arguments: set[str] = frozenset(),
):
    """(wrong intermediate names, findings), matching local values whatever their names;
    `wrong_arguments` names the callee parameters the function passed wrong values to."""
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
        elif all(any(fn.feeds_output(f, out) for out in wrong_outputs) for f in item.feeds):
            wrong.append(item.name)
        elif set(item.passed_as) & wrong_arguments:
            wrong.append(item.name)
    if wrong:
        items = [i for i in fn.intermediates if i.name in wrong]
        listed = "; ".join(f"{i.name} ({i.description})" for i in items)
        feeds = sorted({out for i in items for out in wrong_outputs if _fed(fn, i, out)})
        feeds += [
            f"the `{p}` it passes on"
            for p in sorted({p for i in items for p in i.passed_as} & wrong_arguments)
        ]
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
        feeding = [i for i in fn.intermediates if _fed(fn, i, out)]
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
