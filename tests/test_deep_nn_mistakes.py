"""Checks of the deep network mistake catalog (solutions.deep_nn.mistakes).

Every mistake is well formed, defines exactly the function it names with the reference's
parameters, and is caught by the cases: on at least one public or hidden case it returns
something that differs from the reference (structure, shape, or values beyond np.allclose) or
writes into an input; a crash counts only when the entry declares it (raises_as_written), and
then every crash is of that class. Mistakes of a function with intermediates make exactly the
declared ones wrong.
"""

from __future__ import annotations

import ast
import copy
import inspect
import re
from collections import Counter

import pytest
from deep_nn_harness import differs, namespace, outcome, run_capturing_locals

from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases
from solutions.deep_nn import reference as ref
from solutions.deep_nn.mistakes import MISTAKES, Mistake, build

IDS = [m.id for m in MISTAKES]


def test_catalog_covers_every_function():
    """At least 20 mistakes, every graded function has at least two, and no other name."""
    counts = Counter(m.function for m in MISTAKES)
    assert len(MISTAKES) >= 20
    assert set(counts) == set(spec.NAMES)
    assert all(counts[name] >= 2 for name in spec.NAMES), counts


def test_ids_are_unique():
    """No two mistakes share an id."""
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_mistake_is_well_formed(mistake: Mistake):
    """The id starts with the function's name in kebab case; summary is one line; the hint is
    there; intermediates are declared ones of the function."""
    prefix = mistake.function.lower().replace("_", "-") + "-"
    assert mistake.id.startswith(prefix)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mistake.id)
    assert mistake.summary.strip() and "\n" not in mistake.summary
    assert mistake.hint.strip()
    allowed = {i.name for i in spec.function(mistake.function).intermediates}
    assert set(mistake.intermediates) <= allowed
    assert len(set(mistake.intermediates)) == len(mistake.intermediates)


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_source_defines_exactly_the_function(mistake: Mistake):
    """The source is one top-level def of the named function, with the reference's parameters,
    and executing it defines that name and nothing else."""
    tree = ast.parse(mistake.source)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    fn = tree.body[0]
    assert fn.name == mistake.function
    params = tuple(inspect.signature(getattr(ref, mistake.function)).parameters)
    assert tuple(arg.arg for arg in fn.args.args) == params
    assert not (fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or fn.args.defaults)
    names = {k: v for k, v in namespace().items() if k != mistake.function}
    built = build(mistake, names)
    assert built.__name__ == mistake.function
    assert set(built.__globals__) - set(names) == {mistake.function, "__builtins__"}


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_mistake_is_caught_by_a_case(mistake: Mistake):
    """On some case the mistake's result differs from the reference's or an input changes; the
    crashes it has are the declared ones, and a declared crash happens."""
    fn = build(mistake, namespace())
    seen = {c.name: outcome(fn, c) for c in cases.for_function(mistake.function)}
    crashes = {name: exc for name, (kind, exc) in seen.items() if kind == "raises"}
    if mistake.raises_as_written:
        assert crashes, f"declared {mistake.raises_as_written} but never raises: {seen}"
        assert set(crashes.values()) == {mistake.raises_as_written}, crashes
    else:
        assert not crashes, f"undeclared crash: {crashes}"
    caught = [name for name, (kind, _) in seen.items() if kind != "same"]
    assert caught, f"the mistake gives the reference's results on every case: {seen}"


@pytest.mark.parametrize("function", spec.NAMES)
def test_the_reference_itself_is_not_caught(function: str):
    """The harness is fair: the reference run as a submission gives "same" on every case."""
    fn = getattr(ref, function)
    assert {outcome(fn, c)[0] for c in cases.for_function(function)} == {"same"}


def test_mutation_mistakes_are_caught_by_the_input_changing():
    """The in-place updates return the reference's values; only the input changing shows them."""
    for mistake_id in ("update-parameters-in-place", "update-parameters-shallow-copy"):
        mistake = next(m for m in MISTAKES if m.id == mistake_id)
        fn = build(mistake, namespace())
        for case in cases.for_function("update_parameters"):
            args = case.args()
            before = copy.deepcopy(args)
            got = cases.call(case, fn, args)
            assert not differs(got, cases.expected(case))
            assert differs(args[0], before[0]), (mistake_id, case.name)


@pytest.mark.parametrize("case", cases.CASES, ids=[f"{c.function}-{c.name}" for c in cases.CASES])
def test_reference_writes_into_no_input(case: cases.Case):
    """The reference leaves every argument as it was, so a changed input is the mistake's."""
    args = case.args()
    before = copy.deepcopy(args)
    cases.call(case, getattr(ref, case.function), args)
    assert not differs(args, before)


WITH_INTERMEDIATES = [m for m in MISTAKES if spec.function(m.function).intermediates]


@pytest.mark.parametrize("mistake", WITH_INTERMEDIATES, ids=[m.id for m in WITH_INTERMEDIATES])
def test_declared_intermediates_are_the_wrong_ones(mistake: Mistake):
    """On the cases where the mistake runs, exactly its declared intermediates differ (none
    are declared for a mistake that crashes on every case)."""
    names = [i.name for i in spec.function(mistake.function).intermediates]
    fn = build(mistake, namespace())
    reference_fn = getattr(ref, mistake.function)
    wrong, ran = set(), 0
    for case in cases.for_function(mistake.function):
        try:
            got = run_capturing_locals(fn, case)
        except Exception:  # declared crashes are checked above; no locals to compare here
            continue
        ran += 1
        want = run_capturing_locals(reference_fn, case)
        for name in names:
            assert name in got and name in want, f"{name} is not a local variable"
            if differs(got[name], want[name]):
                wrong.add(name)
    if not ran:  # crashes on every case: nothing inside it can be declared wrong
        assert mistake.raises_as_written and mistake.intermediates == ()
        return
    assert wrong == set(mistake.intermediates)
