"""An independent oracle for scenario tests: run a function as written with the reference for
everything else, and list the outputs that differ from the reference. Uses no grader code
beyond the case inputs."""

from __future__ import annotations

import copy

import numpy as np

from grader.assignments import rnn_lstm as spec
from solutions import reference
from solutions.mistakes import build


def _differs(a, b) -> bool:
    if isinstance(b, (tuple, list)):
        return (
            not isinstance(a, type(b))
            or len(a) != len(b)
            or any(_differs(x, y) for x, y in zip(a, b))
        )
    if isinstance(b, dict):
        return not isinstance(a, dict) or set(a) != set(b) or any(_differs(a[k], b[k]) for k in b)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape != b.shape or not np.allclose(a, b, rtol=1e-6, atol=1e-8)


def _outputs(fn_spec, result) -> dict:
    if fn_spec.returns == "dict":
        return {k: result[k] for k in fn_spec.outputs}
    return dict(zip(fn_spec.outputs, result))


def wrong_outputs(mistake, cases) -> set[str]:
    """Outputs of `mistake` that differ from the reference on any case, run as written."""
    fn_spec = spec.function(mistake.function)
    namespace = {"np": np, "sigmoid": reference.sigmoid, "softmax": reference.softmax}
    namespace.update({n: getattr(reference, n) for n in spec.NAMES})
    buggy = build(mistake, namespace)
    wrong = set()
    for case in cases.for_function(mistake.function):
        args = copy.deepcopy(case.args)
        if case.producer:
            made = getattr(reference, case.producer["function"])(
                *copy.deepcopy(case.producer["args"])
            )
            for param, output in case.producer["feeds"]:
                args[param] = made if output is None else made[output]
        want = _outputs(fn_spec, getattr(reference, fn_spec.name)(*copy.deepcopy(args)))
        got = _outputs(fn_spec, buggy(*copy.deepcopy(args)))
        wrong |= {k for k in fn_spec.outputs if _differs(got[k], want[k])}
    return wrong
