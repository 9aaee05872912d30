"""A catalog of mistakes students really make in the deep network exercise.

The record and its builder are the first assignment's (solutions.mistakes.Mistake and build),
one for every catalog. The sources use only `np`, the provided helpers (`sigmoid`, `relu`,
`sigmoid_backward`, `relu_backward`) and the other graded functions as globals. Intermediates
name the locals that grader.assignments.deep_nn declares for the function and the bug makes
wrong. `raises_as_written` is the exception class of the cases where the mistake crashes: the
shapes decide, so a mistake may crash on one case and be silently wrong on another.
"""

from __future__ import annotations

from solutions.deep_nn import mistakes_backward, mistakes_forward
from solutions.mistakes import Mistake, build

__all__ = ["MISTAKES", "Mistake", "build"]

MISTAKES: tuple[Mistake, ...] = tuple(
    Mistake(**entry) for entry in (*mistakes_forward.ENTRIES, *mistakes_backward.ENTRIES)
)
"""Every cataloged mistake, grouped by function in the assignment's order."""
