"""grader.compare: one message formula for every mismatch."""

import numpy as np

from grader.compare import array_mismatch, mismatches
from grader.spec import Loop


def test_shape_is_reported_first_and_alone():
    """A shape difference is the whole message."""
    m = array_mismatch(np.zeros((5, 10)), np.zeros((10, 5)), "dc_prev")
    assert m.message == "has shape (5, 10), expected (10, 5)"


def test_value_differences_count_and_locate_time_steps():
    """Counts, largest differences, tolerance and the time steps that differ."""
    expected = np.ones((2, 3, 4))
    got = expected.copy()
    got[:, :, 2] += 0.5
    m = array_mismatch(got, expected, "a", time_axis=2)
    assert "6 / 24 values differ at time step(s) t = 2" in m.message
    assert "max abs diff 0.5" in m.message and "rtol=" in m.message
    assert m.steps == (2,)


def test_loop_positions_are_named_in_the_loops_own_words():
    """An assignment whose loop walks frames names them its way, not as time steps."""
    expected = np.ones((2, 3, 4))
    got = expected.copy()
    got[:, :, 1] += 1.0
    got[:, :, 3] += 1.0
    frames = Loop(unit="frame", position="frame {}")
    m = array_mismatch(got, expected, "a", time_axis=2, loop=frames)
    assert "12 / 24 values differ at frame(s) frame 1, frame 3 (" in m.message
    got[:] += 1.0
    assert "differ at every frame (" in mismatches(got, expected, "", 2, frames)[0].message


def test_zero_expected_values_do_not_give_absurd_relative_errors():
    """Where the expected values are 0, the relative difference is not printed."""
    m = array_mismatch(np.ones(3), np.zeros(3))
    assert "rel" not in m.message and "expected values there are 0" in m.message


def test_nested_structures_are_walked_with_paths():
    """Tuples, lists and dicts are compared item by item; the path says where."""
    expected = ([(np.zeros(2), {"W": np.ones(2)})], np.zeros(1))
    got = ([(np.zeros(2), {"W": np.zeros(2)})], np.zeros(1))
    (m,) = mismatches(got, expected)
    assert m.path == "[0][0][1]['W']"
    assert mismatches(None, expected)[0].message.startswith("is a None")
    assert mismatches([np.zeros(2)], [np.zeros(2)]) == []


def test_lists_of_numbers_are_not_accepted_as_arrays():
    """A list where an array is expected is named as such."""
    assert "expected a numpy array" in array_mismatch([0.0, 0.0], np.zeros(2)).message
