"""Checks of the mistake catalog in solutions.mistakes.

Every cataloged mistake must be well formed (id, function, parameters, intermediates), run
without raising on the classic shapes with the reference functions as its callees, and really
change something the grader can see: an output, or for a forward pass the caches it returns.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter

import numpy as np
import pytest

from grader.assignments import rnn_lstm as spec
from solutions import reference as ref
from solutions.mistakes import MISTAKES, Mistake, build

N_X, N_A, N_Y, M = 3, 5, 2, 4
DIFF_TOL = 1e-6


def namespace() -> dict:
    """The globals a notebook would offer: np, the two helpers and every reference function."""
    names = {"np": np, "sigmoid": ref.sigmoid, "softmax": ref.softmax}
    names.update({name: getattr(ref, name) for name in spec.NAMES})
    return names


def rnn_parameters(rng):
    """Random RNN parameters with the documented shapes."""
    return {
        "Waa": rng.standard_normal((N_A, N_A)),
        "Wax": rng.standard_normal((N_A, N_X)),
        "Wya": rng.standard_normal((N_Y, N_A)),
        "ba": rng.standard_normal((N_A, 1)),
        "by": rng.standard_normal((N_Y, 1)),
    }


def lstm_parameters(rng):
    """Random LSTM parameters with the documented shapes."""
    params = {}
    for gate in "fico":
        params["W" + gate] = rng.standard_normal((N_A, N_A + N_X))
        params["b" + gate] = rng.standard_normal((N_A, 1))
    params["Wy"] = rng.standard_normal((N_Y, N_A))
    params["by"] = rng.standard_normal((N_Y, 1))
    return params


def make_args(function: str, seed: int, variant: str) -> tuple:
    """Fresh arguments for `function`; variant "short" gives a backward pass a da of 4 steps
    on a 7-step x (the classic lstm_backward test), "equal" gives them the same length."""
    rng = np.random.default_rng(seed)
    t_x = 7 if variant == "short" else 4
    x = rng.standard_normal((N_X, M, t_x))
    a0 = rng.standard_normal((N_A, M))
    c0 = rng.standard_normal((N_A, M))
    da = rng.standard_normal((N_A, M, 4))
    da_next = rng.standard_normal((N_A, M))
    dc_next = rng.standard_normal((N_A, M))
    rnn_p = rnn_parameters(rng)
    lstm_p = lstm_parameters(rng)
    xt = x[:, :, 0].copy()
    if function == "rnn_cell_forward":
        return (xt, a0, rnn_p)
    if function == "rnn_forward":
        return (x, a0, rnn_p)
    if function == "lstm_cell_forward":
        return (xt, a0, c0, lstm_p)
    if function == "lstm_forward":
        return (x, a0, lstm_p)
    if function == "rnn_cell_backward":
        return (da_next, ref.rnn_cell_forward(xt, a0, rnn_p)[2])
    if function == "rnn_backward":
        return (da, ref.rnn_forward(x, a0, rnn_p)[2])
    if function == "lstm_cell_backward":
        return (da_next, dc_next, ref.lstm_cell_forward(xt, a0, c0, lstm_p)[3])
    if function == "lstm_backward":
        return (da, ref.lstm_forward(x, a0, lstm_p)[3])
    raise KeyError(function)


def variants(function: str) -> tuple[str, ...]:
    """The cases a function runs on: full backward passes also get the shorter-da case."""
    return ("equal", "short") if function in ("rnn_backward", "lstm_backward") else ("equal",)


def differs(got, want) -> bool:
    """True when `got` and `want` differ in structure, shape, or any value by more than 1e-6."""
    if isinstance(want, np.ndarray) or isinstance(got, np.ndarray):
        if not (isinstance(want, np.ndarray) and isinstance(got, np.ndarray)):
            return True
        if got.shape != want.shape:
            return True
        return bool(np.max(np.abs(got - want), initial=0.0) > DIFF_TOL)
    if isinstance(want, dict) or isinstance(got, dict):
        if not (isinstance(want, dict) and isinstance(got, dict)) or got.keys() != want.keys():
            return True
        return any(differs(got[k], want[k]) for k in want)
    if isinstance(want, (tuple, list)) or isinstance(got, (tuple, list)):
        if not (isinstance(want, (tuple, list)) and isinstance(got, (tuple, list))):
            return True
        if len(got) != len(want):
            return True
        return any(differs(g, w) for g, w in zip(got, want, strict=True))
    return got != want


def run_capturing_locals(fn, args) -> tuple[object, dict]:
    """Call fn(*args) and return its result together with its local variables at return."""
    captured: dict = {}

    def profiler(frame, event, arg):
        if event == "return" and frame.f_code is fn.__code__:
            captured.update(frame.f_locals)

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        result = fn(*args)
    finally:
        sys.setprofile(previous)
    return result, captured


IDS = [m.id for m in MISTAKES]


def test_catalog_covers_every_function():
    """The catalog has at least 30 mistakes and at least 3 for each assignment function."""
    counts = Counter(m.function for m in MISTAKES)
    assert len(MISTAKES) >= 30
    assert set(counts) == set(spec.NAMES)
    assert all(counts[name] >= 3 for name in spec.NAMES), counts


def test_ids_are_unique():
    """No two mistakes share an id."""
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_mistake_is_well_formed(mistake: Mistake):
    """Id, function, text fields and intermediates agree with the assignment spec."""
    assert mistake.function in spec.NAMES
    prefix = mistake.function.replace("_", "-") + "-"
    assert mistake.id.startswith(prefix)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mistake.id)
    assert mistake.summary.strip() and "\n" not in mistake.summary
    assert mistake.hint.strip()
    allowed = {i.name for i in spec.function(mistake.function).intermediates}
    assert set(mistake.intermediates) <= allowed
    assert len(set(mistake.intermediates)) == len(mistake.intermediates)


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_source_defines_the_function_with_its_params(mistake: Mistake):
    """The source is exactly one top-level def of the function, with the spec's parameters."""
    tree = ast.parse(mistake.source)
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert len(tree.body) == 1 and len(defs) == 1
    fn = defs[0]
    assert fn.name == mistake.function
    assert tuple(arg.arg for arg in fn.args.args) == spec.function(mistake.function).params
    assert not (fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or fn.args.defaults)


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_mistake_runs_and_changes_a_result(mistake: Mistake):
    """The buggy function runs on the classic shapes and some result differs from the reference."""
    fn = build(mistake, namespace())
    reference_fn = getattr(ref, mistake.function)
    if mistake.raises_as_written:
        with pytest.raises(Exception) as raised:
            fn(*make_args(mistake.function, 0, "equal"))
        assert type(raised.value).__name__ == mistake.raises_as_written
        return
    changed = []
    for variant in variants(mistake.function):
        for seed in (0, 1):
            got = fn(*make_args(mistake.function, seed, variant))
            want = reference_fn(*make_args(mistake.function, seed, variant))
            changed.append(differs(got, want))
    assert any(changed), "the mistake gives the same results as the reference"


@pytest.mark.parametrize("mistake", MISTAKES, ids=IDS)
def test_declared_intermediates_are_the_wrong_ones(mistake: Mistake):
    """For cell functions, exactly the declared intermediates differ from the reference's."""
    names = [i.name for i in spec.function(mistake.function).intermediates]
    if not names:
        assert mistake.intermediates == ()
        return
    fn = build(mistake, namespace())
    reference_fn = getattr(ref, mistake.function)
    wrong = set()
    for seed in (0, 1):
        _, got = run_capturing_locals(fn, make_args(mistake.function, seed, "equal"))
        _, want = run_capturing_locals(reference_fn, make_args(mistake.function, seed, "equal"))
        for name in names:
            assert name in got and name in want, f"{name} is not a local variable"
            if differs(got[name], want[name]):
                wrong.add(name)
    assert wrong == set(mistake.intermediates)


def test_build_uses_a_copy_of_the_namespace():
    """build() leaves the namespace it is given untouched and binds globals to the copy."""
    names = namespace()
    before = dict(names)
    fn = build(MISTAKES[0], names)
    assert names == before
    assert fn.__globals__ is not names
    assert fn.__globals__["softmax"] is ref.softmax


def test_lstm_forward_view_bug_only_changes_the_caches():
    """The c[:, :, 0] view mistake keeps a, y, c right but corrupts the cached c_prev of step 0."""
    mistake = next(m for m in MISTAKES if m.id == "lstm-forward-initial-cell-state-is-view")
    fn = build(mistake, namespace())
    a, y, c, caches = fn(*make_args("lstm_forward", 0, "equal"))
    ra, ry, rc, rcaches = ref.lstm_forward(*make_args("lstm_forward", 0, "equal"))
    assert not differs((a, y, c), (ra, ry, rc))
    assert differs(caches, rcaches)
    assert np.array_equal(caches[0][0][3], c[:, :, 0])


# Outputs no catalogued mistake makes wrong. A new mistake that covers one fails
# test_catalog_coverage_is_listed until it is taken off this list, so the list stays true.
# lstm_forward's a and c come, in isolation, from the stubbed cell's reference results: only a
# slip in storing them could make them wrong, and none is catalogued yet.
UNCOVERED: dict[str, set[str]] = {"lstm_forward": {"a", "c"}}


def coverage(cases) -> dict[str, dict[str, list[str]]]:
    """function -> output -> the mistakes whose fingerprint (on any case) makes it wrong."""
    table: dict[str, dict[str, list[str]]] = {
        fn.name: {out: [] for out in fn.outputs} for fn in spec.FUNCTIONS
    }
    for fn in spec.FUNCTIONS:
        for case in cases.for_function(fn.name):
            for fp in case.fingerprints:
                for out in fp.get("outputs") or {}:
                    if out in table[fn.name] and fp["mistake"] not in table[fn.name][out]:
                        table[fn.name][out].append(fp["mistake"])
    return table


def test_catalog_coverage_is_listed(cases, capsys):
    """Prints which outputs of which function have at least one known-mistake fingerprint in
    the built case data; the outputs without one are exactly UNCOVERED."""
    table = coverage(cases)
    with capsys.disabled():
        print("\nknown-mistake coverage (output: number of fingerprinted mistakes)")
        for name, outputs in table.items():
            cells = ", ".join(f"{out}: {len(ids)}" for out, ids in outputs.items())
            print(f"  {name}: {cells}")
    uncovered = {
        name: {out for out, ids in outputs.items() if not ids} for name, outputs in table.items()
    }
    assert {k: v for k, v in uncovered.items() if v} == UNCOVERED


def test_new_slips_cover_their_outputs(cases):
    """Each slip added for issue 9 is fingerprinted on the outputs it is about."""
    table = coverage(cases)
    about = {
        ("rnn_cell_backward", "dba"): "rnn-cell-backward-dba-mean-over-examples",
        ("rnn_cell_backward", "dxt"): "rnn-cell-backward-dxt-uses-dwax",
        ("rnn_backward", "dWax"): "rnn-backward-accumulator-adds-itself",
        ("rnn_backward", "da0"): "rnn-backward-da0-from-da",
        ("lstm_cell_backward", "dbf"): "lstm-cell-backward-bias-mean-over-examples",
        ("lstm_cell_backward", "da_prev"): "lstm-cell-backward-gradients-as-weights",
        ("lstm_backward", "da0"): "lstm-backward-da0-from-da",
    }
    for (name, out), mistake in about.items():
        assert mistake in table[name][out], (name, out, table[name][out])
