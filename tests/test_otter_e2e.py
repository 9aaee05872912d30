"""End to end with the real otter commands: `otter assign` (in the build fixture, whose own
solution self-check must reach 100%) and `otter run` on the bundled examples."""

import re
from pathlib import Path

import pytest
from master_points import POINTS
from otterrun import otter_run, per_question

from grader.assignments import rnn_lstm as spec

ROOT = Path(__file__).resolve().parents[1]

# example -> the functions whose points it must lose (everything else scores full marks)
LOSES = {
    "correct": (),
    "skeleton": spec.NAMES,
    "lstm-cell-backward-dft-without-dc-next": ("lstm_cell_backward",),
    "lstm-forward-aliased-c-next": ("lstm_forward",),
    "lstm-forward-starts-from-zeros": ("lstm_forward",),
    "rnn-backward-forgets-recurrent-gradient": ("rnn_backward",),
    "stale-renamed-helper": ("lstm_cell_forward",),
}


def test_solution_notebook_gets_full_marks(built, tmp_path):
    """otter run on the autograder's solution notebook scores every question in full."""
    scores = per_question(otter_run(built["solution"], built["autograder_zip"], tmp_path))
    assert scores == dict(POINTS)


@pytest.mark.parametrize("stem", sorted(LOSES))
def test_bundled_example_scores(stem, built, tmp_path):
    """Each bundled example gets exactly the partial score its bug deserves under otter run."""
    results = otter_run(ROOT / "examples" / f"{stem}.ipynb", built["autograder_zip"], tmp_path)
    scores = per_question(results)
    expected = {name: 0.0 if name in LOSES[stem] else p for name, p in POINTS.items()}
    assert scores == expected, results.get("output", "")[:3000]


def test_feedback_names_the_root_cause(built, tmp_path):
    """The feedback students see under otter run carries the diagnosis, not just a mismatch."""
    example = ROOT / "examples" / "lstm-cell-backward-dft-without-dc-next.ipynb"
    results = otter_run(example, built["autograder_zip"], tmp_path)
    backward = next(t for t in results["tests"] if t.get("name") == "lstm_backward")
    cell = next(t for t in results["tests"] if t.get("name") == "lstm_cell_backward")
    assert backward["score"] == 3.0
    assert "dft" in cell["output"]
    assert "lstm_cell_backward" in results["output"]
    assert "root cause: lstm_cell_backward" in results["output"]


def test_each_test_has_its_own_message(built, tmp_path):
    """Under otter run, a function failing on every case has the diagnosis once, under its
    public test (about the public case), and its hidden test only counts the hidden cases."""
    example = ROOT / "examples" / "lstm-forward-aliased-c-next.ipynb"
    results = otter_run(example, built["autograder_zip"], tmp_path)
    output = next(t for t in results["tests"] if t.get("name") == "lstm_forward")["output"]
    public, _, hidden = output.partition("lstm_forward - hidden result:")
    assert "lstm_forward - public result:" in public and hidden
    assert "On the public case" in public and "c_prev" in public
    assert "On the public case" not in hidden and "c_prev" not in hidden
    assert re.search(r"passes 0 of \d+ hidden cases", hidden)
    points = POINTS["lstm_forward"]
    assert f" / {points:g}" not in output  # no whole-question score inside a test's message


def test_a_passed_edge_case_is_said_to_earn_nothing(built, tmp_path):
    """rnn_backward without the recurrent gradient is right on the one-step hidden case only:
    its hidden test scores 0 under otter run and says the edge case it passes earns nothing."""
    example = ROOT / "examples" / "rnn-backward-forgets-recurrent-gradient.ipynb"
    results = otter_run(example, built["autograder_zip"], tmp_path)
    assert per_question(results)["rnn_backward"] == 0.0
    output = next(t for t in results["tests"] if t.get("name") == "rnn_backward")["output"]
    _, _, hidden = output.partition("rnn_backward - hidden result:")
    assert re.search(r"passes 1 of \d+ hidden cases", hidden), hidden
    assert "edge-size case (the smallest sizes), which can cost points but earns none" in hidden
