"""A sketch of root cause across layers, on the deep network assignment, with nothing but the
declaration (grader.assignments.deep_nn), the cases and the catalog: what issue 10 asks the
engine to say, computed without it. L_model_backward is run as written (with the student's
linear_activation_backward) and in isolation (with a replay stub returning the reference's
results of each call, in order); wrong outputs are grouped by layer through the declared loop
keys (`Loop.key_position`); the callee's verdict is split by its `activation` choice."""

from __future__ import annotations

import copy
import inspect

from deep_nn_harness import differs, namespace

from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases
from solutions.deep_nn import reference as ref
from solutions.deep_nn.mistakes import MISTAKES, build

CASE = next(c for c in cases.for_function("L_model_backward") if c.name == "three-hidden-layers")


def mistake(mistake_id: str):
    return next(m for m in MISTAKES if m.id == mistake_id)


def layer_of(function: str, key: str) -> int:
    """The layer a returned key belongs to, from the declared loop keys ("dA{l-1}": dA1 -> 2)."""
    loop = spec.function(function).loop
    found = loop.key_position(key)
    if found is None:
        raise LookupError(f"{key!r} matches none of {loop.keys}")
    return found[1]


def wrong_layers(function: str, got: dict, want: dict) -> set[int]:
    keys = set(got) ^ set(want) | {k for k in set(got) & set(want) if differs(got[k], want[k])}
    return {layer_of(function, k) for k in keys}


def recorded_calls(callee: str, caller: str, case: cases.Case) -> list[tuple[tuple, object]]:
    """(arguments, result) of every call the reference caller makes to the reference callee."""
    log: list = []
    real = getattr(ref, callee)

    def recording(*args):
        result = real(*args)
        log.append((copy.deepcopy(args), copy.deepcopy(result)))
        return result

    scope = namespace() | {callee: recording}
    cases.call(case, _from_source(inspect.getsource(getattr(ref, caller)), caller, scope))
    return log


def _from_source(source: str, name: str, scope: dict):
    scope = dict(scope)
    exec(compile(source, f"<{name}>", "exec"), scope)  # noqa: S102
    return scope[name]


def replay(log: list, findings: list):
    """A stand-in callee: returns the recorded results in order, notes arguments that differ."""
    calls = iter(enumerate(log))

    def stub(*args):
        try:
            i, (want_args, result) = next(calls)
        except StopIteration:
            findings.append(("extra call", len(log)))
            raise
        for position, (got, want) in enumerate(zip(args, want_args)):
            if differs(got, want):
                findings.append(("argument", i, position))
        return copy.deepcopy(result)

    stub.calls = calls
    return stub


def isolated(source: str, caller: str, callee: str, case: cases.Case):
    """caller(*case) with `callee` replaced by a replay of the reference's calls; returns the
    result, the argument findings and how many recorded calls were never made."""
    log = recorded_calls(callee, caller, case)
    findings: list = []
    stub = replay(log, findings)
    result = cases.call(case, _from_source(source, caller, namespace() | {callee: stub}))
    return result, findings, sum(1 for _ in stub.calls)


def test_a_relu_bug_in_the_layer_function_blames_it_for_the_hidden_layers_only():
    """With linear_activation_backward wrong for relu only, L_model_backward as written is wrong
    at layers 1-3 and right at layer 4 (the sigmoid one); in isolation it is right; and the
    callee's own cases are wrong for relu and right for sigmoid."""
    bug = mistake("linear-activation-backward-relu-derivative-skipped")
    scope = namespace() | {bug.function: build(bug, namespace())}
    student = inspect.getsource(ref.L_model_backward)  # a correct L_model_backward
    as_written = cases.call(CASE, _from_source(student, "L_model_backward", scope))
    assert wrong_layers("L_model_backward", as_written, cases.expected(CASE)) == {1, 2, 3}

    result, findings, unused = isolated(student, "L_model_backward", bug.function, CASE)
    assert not differs(result, cases.expected(CASE)) and findings == [] and unused == 0

    wrong_for = set()
    for case in cases.for_function(bug.function):
        if differs(cases.call(case, build(bug, namespace())), cases.expected(case)):
            wrong_for.add(case.args()[-1])
    assert wrong_for == {"relu"}


def test_a_loop_bug_stays_wrong_in_isolation_and_names_its_layer():
    """L_model_backward's own mistakes survive the stub: the swapped activations pass "relu" to
    the first call (layer 4), and the loop that skips layer 1 leaves one recorded call unmade
    and layer 1's gradients missing."""
    swapped = mistake("l-model-backward-activations-swapped")
    callee = "linear_activation_backward"
    _, findings, _ = isolated(swapped.source, "L_model_backward", callee, CASE)
    assert ("argument", 0, 2) in findings  # call 0 is layer L; argument 2 is `activation`

    skips = mistake("l-model-backward-loop-skips-first-layer")
    result, findings, unused = isolated(skips.source, "L_model_backward", callee, CASE)
    assert findings == [] and unused == 1
    assert wrong_layers("L_model_backward", result, cases.expected(CASE)) == {1}
