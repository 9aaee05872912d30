"""Edge sizes in the hidden cases (issue 9, pattern 4): every case has at least two examples,
the last hidden case of each function has one hidden unit and, for a sequence, one time step,
and an edge case can cost points but never earn them.

The sizes are read from the built case files (what grading uses). The scoring rule is checked
on its own, on catalog mistakes that a one-step case cannot tell from the reference (their
fingerprints are missing there), and through the whole engine in a real kernel: a function
that only breaks at one hidden unit, and a recurrence that is never carried.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
from notebooks import notebook
from report_schema import validate

import grader
from grader.assignments import rnn_lstm as spec
from grader.casedata import counted
from solutions import cases as case_build
from solutions.mistakes import MISTAKES

SEQUENCES = {"rnn_forward", "lstm_forward", "rnn_backward", "lstm_backward"}
STATE = {  # an output whose first axis is n_a, per function
    "rnn_cell_forward": "a_next",
    "rnn_forward": "a",
    "lstm_cell_forward": "a_next",
    "lstm_forward": "a",
    "rnn_cell_backward": "da_prev",
    "rnn_backward": "da0",
    "lstm_cell_backward": "da_prev",
    "lstm_backward": "da0",
}

# right at every size but n_a = 1, where the squeeze drops the hidden-unit axis
RNN_CELL_FORWARD_SQUEEZE = """\
def rnn_cell_forward(xt, a_prev, parameters):
    z = parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"]
    a_next = np.squeeze(np.tanh(z))
    yt_pred = softmax(parameters["Wya"] @ a_next.reshape(a_prev.shape) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
"""

# the cell is right, but the hidden state is never carried: a_prev is a0 at every step
RNN_FORWARD_ALWAYS_A0 = """\
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)
"""

# not in the catalog: every other step restarts from a0 (right while there is one step)
LSTM_FORWARD_RESTARTS = """\
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_next, c_next, caches = a0, np.zeros((n_a, m)), []
    for t in range(T_x):
        a_prev = a0 if t % 2 == 0 else a_next
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_prev, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)
"""


def _examples(case) -> int:
    """The number of examples of a case: the second axis of its first array argument."""
    first = next(a for a in case.args if isinstance(a, np.ndarray))
    return first.shape[1]


def test_every_case_has_two_examples_or_more(cases):
    """With one example a mean over the batch equals its sum and an axis mistake passes."""
    for name in spec.NAMES:
        for case in cases.cases[name]:
            assert _examples(case) >= case_build.MIN_EXAMPLES, (name, case.id)


@pytest.mark.parametrize("name", spec.NAMES)
def test_the_last_hidden_case_has_edge_sizes(cases, name):
    """One hidden unit, one time step for a sequence; that case alone is marked as an edge."""
    hidden = [c for c in cases.cases[name] if c.set == "hidden"]
    assert len(hidden) == case_build.HIDDEN_CASES_PER_FUNCTION
    assert [c.edge for c in hidden] == [False] * (len(hidden) - 1) + [True]
    edge = hidden[-1]
    assert edge.expected[STATE[name]].shape[0] == 1, edge.expected[STATE[name]].shape
    if name in SEQUENCES:
        steps = [a.shape[2] for a in edge.args if isinstance(a, np.ndarray) and a.ndim == 3]
        assert steps and set(steps) == {1}, steps
    assert all(not c.edge for c in cases.cases[name] if c.set == "public")


@pytest.mark.parametrize(
    "outcomes, expected",
    [
        ([(True, False)] * 3 + [(True, True)], (3, 3)),  # all right
        ([(True, False)] * 3 + [(False, True)], (2, 3)),  # wrong only at the edge sizes
        ([(False, False)] * 3 + [(True, True)], (0, 3)),  # right only where nothing recurs
        ([(True, False), (False, False), (False, False), (False, True)], (0, 3)),
        ([(True, True), (False, True)], (1, 2)),  # edge cases alone count as regular ones
        ([(True, False)], (1, 1)),
    ],
)
def test_an_edge_case_costs_but_never_earns(outcomes, expected):
    assert counted(outcomes) == expected


@pytest.mark.parametrize(
    "mistake_id",
    ["rnn-backward-no-recurrent-gradient", "rnn-forward-always-a0", "lstm-backward-loops-forward"],
)
def test_recurrence_mistakes_are_invisible_at_one_step(cases, mistake_id):
    """These catalog mistakes give the reference's numbers on the one-step case (no
    fingerprint there) and differ on every regular hidden case: the case the rule is for."""
    mistake = next(m for m in MISTAKES if m.id == mistake_id)
    hidden = [c for c in cases.cases[mistake.function] if c.set == "hidden"]
    named = [any(fp["mistake"] == mistake_id for fp in c.fingerprints) for c in hidden]
    assert named == [True] * (len(hidden) - 1) + [False], named


@pytest.fixture(scope="module")
def report(built, student_nb, cases, tmp_path_factory):
    """One submission: rnn_cell_forward breaks at one hidden unit only, rnn_forward never
    carries the hidden state, lstm_forward restarts it every other step; everything else is the
    reference."""
    nb = notebook(
        student_nb,
        rnn_cell_forward=RNN_CELL_FORWARD_SQUEEZE,
        rnn_forward=RNN_FORWARD_ALWAYS_A0,
        lstm_forward=LSTM_FORWARD_RESTARTS,
    )
    path = tmp_path_factory.mktemp("edge") / "rnn_lstm.ipynb"
    nbformat.write(nb, path)
    found = grader.check_submission(path, cases)
    validate(grader.to_dict(found))
    return found


def test_a_function_wrong_only_at_one_hidden_unit_loses_one_hidden_case(report, cases):
    result = report.function("rnn_cell_forward")
    outcomes = [(c.set, c.passed, c.edge) for c in result.cases]
    assert outcomes == [("public", True, False)] + [("hidden", True, False)] * 3 + [
        ("hidden", False, True)
    ], outcomes
    points = cases.points_of("rnn_cell_forward")
    hidden = points.by_set["hidden"]
    assert result.score == pytest.approx(points.question - hidden / 3)
    assert result.status == "fail"
    (note,) = [f.message for f in result.findings if f.code == "edge-fails"]
    assert "wrong only on the edge-size case (one hidden unit)" in note and "squeeze" in note
    assert not [f for f in result.findings if f.code == "some-cases"]


def test_a_recurrence_never_carried_earns_nothing_from_the_one_step_case(report):
    result = report.function("rnn_forward")
    outcomes = [(c.set, c.passed, c.edge) for c in result.cases]
    assert outcomes == [("public", False, False)] + [("hidden", False, False)] * 3 + [
        ("hidden", True, True)
    ], outcomes
    assert result.score == 0.0
    (note,) = [f.message for f in result.findings if f.code == "edge-only"]
    assert "right only on the edge-size case (one hidden unit and one time step)" in note
    assert "which earns no points by itself (it can only cost them)" in note
    # the catalog knows this mistake, so its hint explains the rest; else the note would guess
    assert any(f.code == "known-mistake" for f in result.findings), result.findings
    assert "the findings above say what goes wrong on the others" in note
    assert "hard-coded size" not in grader.render_text(report)
    assert grader.to_dict(report)["functions"]["rnn_forward"]["cases"][-1]["edge"] is True


def test_an_unexplained_edge_only_pass_points_at_the_carried_state(report):
    """No catalog hint for lstm_forward's restarts: the note itself says where to look."""
    result = report.function("lstm_forward")
    assert [c.passed for c in result.cases if c.set == "hidden"] == [False] * 3 + [True]
    assert result.score == 0.0
    assert not [f for f in result.findings if f.code == "known-mistake"]
    (note,) = [f.message for f in result.findings if f.code == "edge-only"]
    assert "nothing is carried from one time step to the next" in note
    assert "look at what one time step hands to the next" in note
