"""Checks of the deep network cases (solutions.deep_nn.cases) and of the declaration
(grader.assignments.deep_nn) against the reference they describe."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases, notebook
from solutions.deep_nn import reference as ref

# The argument whose columns are the examples, for the functions that take one.
EXAMPLES_ARG = {
    "linear_forward": 0,
    "linear_activation_forward": 0,
    "L_model_forward": 0,
    "compute_cost": 0,
    "linear_backward": 0,
    "linear_activation_backward": 0,
    "L_model_backward": 0,
}


@pytest.mark.parametrize("function", spec.NAMES)
def test_every_function_has_a_public_and_two_hidden_cases(function):
    """At least one public case and two hidden ones, with unique names."""
    found = cases.for_function(function)
    assert any(not c.hidden for c in found)
    assert sum(c.hidden for c in found) >= 2
    assert len({c.name for c in found}) == len(found)


@pytest.mark.parametrize("case", cases.HIDDEN_CASES, ids=lambda c: f"{c.function}-{c.name}")
def test_hidden_cases_have_two_examples_or_more(case):
    """With one example a mean equals a sum and an axis slip goes unseen."""
    if case.function in EXAMPLES_ARG:
        assert case.args()[EXAMPLES_ARG[case.function]].shape[1] >= cases.MIN_EXAMPLES


def test_cases_are_rebuilt_fresh_and_the_same():
    """Each args() call gives new arrays with the same values, so no call sees another's."""
    for case in cases.CASES:
        first, second = case.args(), case.args()
        for a, b in zip(first, second):
            if isinstance(a, np.ndarray):
                assert a is not b and np.array_equal(a, b)


def test_global_seed_is_never_the_functions_own():
    """A call never starts from seed 3, so a missing np.random.seed(3) changes the draws."""
    assert all(c.global_seed != 3 for c in cases.CASES)


@pytest.mark.parametrize("function", ["linear_activation_forward", "linear_activation_backward"])
def test_public_and_hidden_cases_cover_both_activations(function):
    """Each choice of `activation` has a public case and a hidden one."""
    for hidden in (False, True):
        seen = {c.args()[-1] for c in cases.for_function(function) if c.hidden is hidden}
        assert seen == set(spec.ACTIVATIONS)


def test_edge_sizes_are_present():
    """A single hidden unit, no hidden layer and a square W appear among the hidden cases."""
    dims = {
        c.args()[0][0] and tuple(c.args()[0])
        for c in cases.for_function("initialize_parameters_deep")
    }
    assert any(1 in d[1:-1] for d in dims) and any(len(d) == 2 for d in dims)
    shapes = [c.args()[1].shape for c in cases.for_function("linear_forward") if c.hidden]
    assert any(r == k for r, k in shapes)
    depths = {len(c.args()[2]) for c in cases.for_function("L_model_backward") if c.hidden}
    assert 1 in depths and max(depths) >= 4


def test_classic_public_case_reproduces_the_classic_draws():
    """The public initialisation case is [5, 4, 3], and the classic L_model_backward case has
    two layers: the inputs are the ones instructors know, not ours."""
    (dims,) = cases.for_function("initialize_parameters_deep")[0].args()
    assert dims == [5, 4, 3]
    AL, Y, caches = cases.for_function("L_model_backward")[0].args()
    np.random.seed(3)
    assert np.array_equal(AL, np.random.randn(1, 2)) and len(caches) == 2


@pytest.mark.parametrize("function", spec.NAMES)
def test_declaration_agrees_with_the_reference(function):
    """Parameters are the reference's; `calls` are exactly the graded functions its code names;
    intermediates and choice parameters are locals and parameters of it."""
    decl = spec.function(function)
    fn = getattr(ref, function)
    assert decl.params == tuple(inspect.signature(fn).parameters)
    named = set(fn.__code__.co_names) & set(spec.NAMES)
    assert set(decl.calls) == named
    assert {i.name for i in decl.intermediates} <= set(fn.__code__.co_varnames)
    assert set(decl.choices) <= set(decl.params)
    for callee, _ in decl.fed.values():
        assert callee in spec.NAMES


def test_declared_points_are_positive():
    """Every graded function is worth something; the notebook takes its points from here
    (solutions.deep_nn.notebook.POINTS, written into the master)."""
    assert all(notebook.POINTS[name] > 0 for name in spec.NAMES)
