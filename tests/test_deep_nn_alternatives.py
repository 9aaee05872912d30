"""Correct alternatives (solutions.deep_nn.alternatives) pass every case: the cases catch the
cataloged mistakes without catching code that is right but written differently."""

from __future__ import annotations

import ast

import pytest
from deep_nn_harness import namespace, outcome

from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases
from solutions.deep_nn.alternatives import ALTERNATIVES


def build(source: str, function: str, names: dict):
    scope = dict(names)
    exec(compile(source, f"<alternative {function}>", "exec"), scope)  # noqa: S102
    return scope[function]


def test_every_graded_function_has_an_alternative():
    """At least one alternative per graded function, ids unique and prefixed by the function."""
    assert {a.function for a in ALTERNATIVES} == set(spec.NAMES)
    assert len({a.id for a in ALTERNATIVES}) == len(ALTERNATIVES)
    assert all(a.id.startswith(a.function.lower().replace("_", "-")) for a in ALTERNATIVES)


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[a.id for a in ALTERNATIVES])
def test_alternative_gives_the_reference_results(alternative):
    """On every public and hidden case: the reference's results and no input written."""
    (node,) = ast.parse(alternative.source).body
    assert isinstance(node, ast.FunctionDef) and node.name == alternative.function
    fn = build(alternative.source, alternative.function, namespace())
    seen = {c.name: outcome(fn, c) for c in cases.for_function(alternative.function)}
    assert {kind for kind, _ in seen.values()} == {"same"}, seen
