"""`grader.check()` scores an in-place write the way the engine does under each policy."""

import dataclasses

import numpy as np
import pytest
from notebooks import reference_source

from grader import notebook_checks, student
from grader.assignments import rnn_lstm
from grader.policy import MutationPolicy


def _env(rnn_backward: str) -> dict:
    env = {"np": np}
    for name in ("sigmoid", "softmax"):
        exec(reference_source(name), env)
    for name in rnn_lstm.NAMES:
        exec(reference_source(name) if name != "rnn_backward" else rnn_backward, env)
    return env


IN_PLACE = reference_source("rnn_backward").replace(
    "gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
    "da[:, :, t] += da_prevt\n        gradients = rnn_cell_backward(da[:, :, t], caches[t])",
)


@pytest.mark.parametrize("policy", list(MutationPolicy))
def test_check_points_follow_the_mutation_policy(policy, built, monkeypatch, tmp_path):
    """Right outputs, a write into `da`: the check's points are the engine's share of the
    function's score on the public case under the instructor's policy."""
    assert "da[:, :, t] +=" in IN_PLACE
    public = notebook_checks.load(built["cases"] / "public_cases.json")
    data = dataclasses.replace(public, settings={**public.settings, "mutated_inputs": policy.value})
    monkeypatch.setattr(notebook_checks, "case_data", lambda case_set="public": data)
    outcome = student.check("rnn_backward", _env(IN_PLACE), tmp_path)
    engine = notebook_checks.result_for("rnn_backward", _env(IN_PLACE))
    worth, _ = notebook_checks.public_points("rnn_backward")
    assert "`da`" in repr(outcome) and "in place" in repr(outcome)
    expected = 0.0 if not engine.passed_set("public") else worth * engine.score / engine.max_score
    assert outcome.points == pytest.approx(expected)
    if policy is MutationPolicy.WARN:
        assert outcome.status == "pass" and outcome.points == worth
    elif policy is MutationPolicy.DEDUCT:
        assert outcome.status == "pass" and 0 < outcome.points < worth
    else:
        assert outcome.status == "fail" and outcome.points == 0
