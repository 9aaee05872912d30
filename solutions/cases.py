"""Writes the case data: inputs, reference outputs, recorded callee calls, reference
intermediates and the fingerprints of known mistakes, for the public and the hidden sets.

Instructor-only. Everything the grader compares against comes from here, computed by
`solutions.reference`; nothing is typed by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grader.assignments import rnn_lstm as spec
from solutions import casebuild, reference
from solutions.mistakes import MISTAKES, build

SCHEMA = casebuild.SCHEMA
HIDDEN_SEED = 20261130
HIDDEN_CASES_PER_FUNCTION = 4
MIN_EXAMPLES = 2
EDGE_CASE = HIDDEN_CASES_PER_FUNCTION - 1
"""The last hidden case has edge sizes: one hidden unit (n_a = 1) and one time step (T_x = 1),
where a hard-coded size, a squeeze or a loop bound that assumes more than one step breaks."""


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------
def _rnn_parameters(draw, n_a, n_x, n_y, order=("Waa", "Wax")):
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x)}
    params = {name: draw(*shapes[name]) for name in order}
    params["Wya"] = draw(n_y, n_a)
    params["ba"] = draw(n_a, 1)
    params["by"] = draw(n_y, 1)
    return {k: params[k] for k in spec.RNN_PARAMETERS}


def _lstm_parameters(draw, n_a, n_x, n_y, zero_output=False):
    params = {}
    for gate in ("f", "i", "o", "c"):
        params[f"W{gate}"] = draw(n_a, n_a + n_x)
        params[f"b{gate}"] = draw(n_a, 1)
    if zero_output:
        params["Wy"], params["by"] = np.zeros((n_y, n_a)), np.zeros((n_y, 1))
    else:
        params["Wy"], params["by"] = draw(n_y, n_a), draw(n_y, 1)
    return {k: params[k] for k in spec.LSTM_PARAMETERS}


def draw_inputs(name, draw, n_x, n_a, n_y, m, T_x, T_da):
    """The raw draws of one case, in the classic order; returns (args, forward_args)."""
    if name == "rnn_cell_forward":
        xt, a_prev = draw(n_x, m), draw(n_a, m)
        return [xt, a_prev, _rnn_parameters(draw, n_a, n_x, n_y)], None
    if name == "rnn_forward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        return [x, a0, _rnn_parameters(draw, n_a, n_x, n_y)], None
    if name == "lstm_cell_forward":
        xt, a_prev, c_prev = draw(n_x, m), draw(n_a, m), draw(n_a, m)
        return [xt, a_prev, c_prev, _lstm_parameters(draw, n_a, n_x, n_y)], None
    if name == "lstm_forward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        return [x, a0, _lstm_parameters(draw, n_a, n_x, n_y)], None
    if name == "rnn_cell_backward":
        xt, a_prev = draw(n_x, m), draw(n_a, m)
        fwd = [xt, a_prev, _rnn_parameters(draw, n_a, n_x, n_y, order=("Wax", "Waa"))]
        return [draw(n_a, m), None], fwd
    if name == "rnn_backward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        fwd = [x, a0, _rnn_parameters(draw, n_a, n_x, n_y, order=("Wax", "Waa"))]
        return [draw(n_a, m, T_da), None], fwd
    if name == "lstm_cell_backward":
        fwd, _ = draw_inputs("lstm_cell_forward", draw, n_x, n_a, n_y, m, T_x, T_da)
        return [draw(n_a, m), draw(n_a, m), None], fwd
    if name == "lstm_backward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        fwd = [x, a0, _lstm_parameters(draw, n_a, n_x, n_y, zero_output=True)]
        return [draw(n_a, m, T_da), None], fwd
    raise KeyError(name)


def classic_inputs(name):
    """The fixed-seed public case instructors know: np.random.seed(1), then the classic draws."""
    np.random.seed(1)
    T_x = {"rnn_forward": 4, "rnn_backward": 4, "lstm_forward": 7, "lstm_backward": 7}.get(name, 1)
    T_da = 4
    return draw_inputs(name, np.random.randn, 3, 5, 2, 10, T_x, T_da)


def hidden_inputs(name, index):
    """Randomized cases with other shapes and lengths; the seed is fixed so grading repeats."""
    rng = np.random.default_rng([HIDDEN_SEED, spec.NAMES.index(name), index])
    classic = (3, 5, 2)
    while True:  # the first hidden case differs from the classic one in every size
        n_x, n_a, n_y = (int(v) for v in rng.integers([2, 3, 2], [7, 9, 5]))
        if index != 0 or all(v != c for v, c in zip((n_x, n_a, n_y), classic)):
            break
    # at least MIN_EXAMPLES examples everywhere: with one, a mean over the batch equals its
    # sum and an axis mistake passes unseen
    m = (MIN_EXAMPLES, int(rng.integers(2, 7)), int(rng.integers(7, 13)))[index % 3]
    T_x = int(rng.integers(3, 7))
    T_da = T_x if index != 1 else max(1, T_x - 1)
    if n_a == 5 and m == 10:
        m = 9
    if index == EDGE_CASE:
        n_a, T_x, T_da = 1, 1, 1
    return draw_inputs(name, lambda *shape: rng.standard_normal(shape), n_x, n_a, n_y, m, T_x, T_da)


# --------------------------------------------------------------------------------------------
# the case files
# --------------------------------------------------------------------------------------------
def source() -> casebuild.Source:
    """The reference side of this assignment, for solutions.casebuild."""
    namespace = {"np": np}
    namespace.update({name: getattr(reference, name) for name in (*spec.HELPERS, *spec.NAMES)})
    return casebuild.Source(spec.ASSIGNMENT, namespace, MISTAKES, build)


def build_set(case_set, settings=None, *, points):
    made = source()
    cases = {}
    for name in spec.NAMES:
        if case_set == "public":
            args, fwd = classic_inputs(name)
            cases[name] = [casebuild.make_case(made, name, "public-1", "public", args, fwd)]
        else:
            cases[name] = [
                casebuild.make_case(
                    made,
                    name,
                    f"hidden-{i + 1}",
                    "hidden",
                    *hidden_inputs(name, i),
                    edge=i == EDGE_CASE,
                )
                for i in range(HIDDEN_CASES_PER_FUNCTION)
            ]
    return casebuild.case_set(made, case_set, cases, settings, points=points)


def write(out_dir: Path, settings: dict | None = None, *, points: dict) -> dict[str, Path]:
    """Write public_cases.json and hidden_cases.json into `out_dir`; return their paths.

    settings: the plugin settings scoring reads (solutions.plugin_settings), stored in both.
    points: each question's points and their public/hidden split (solutions.points), in both.
    """
    return casebuild.write_sets(out_dir, build_set, settings, points)
