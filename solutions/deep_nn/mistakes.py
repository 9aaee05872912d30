"""A catalog of mistakes students really make in the deep network exercise.

Same record as the first assignment's catalog (solutions/mistakes.py: id, function, summary,
hint, intermediates, source, raises_as_written), kept as a local copy of the dataclass while the
engine is being made general; one shared record is the goal. The sources use only `np`, the
provided helpers (`sigmoid`, `relu`, `sigmoid_backward`, `relu_backward`) and the other graded
functions as globals. Intermediates name the locals of solutions.deep_nn.spec_draft that the
bug makes wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solutions.deep_nn import mistakes_backward, mistakes_forward


@dataclass(frozen=True)
class Mistake:
    """One known wrong version of a graded function (fields as in solutions.mistakes.Mistake).

    raises_as_written: the exception class it raises on the cases where it crashes ("" when it
        never does); the shapes decide, so a mistake may crash on one case and be silently wrong
        on another.
    """

    id: str
    function: str
    summary: str
    hint: str
    intermediates: tuple[str, ...]
    source: str
    raises_as_written: str = ""


def build(mistake: Mistake, namespace: dict) -> Callable:
    """Exec the mistake's source into a copy of `namespace`; return the function it defines."""
    scope = dict(namespace)
    # Running cataloged source text is the whole point of this function.
    exec(compile(mistake.source, f"<mistake {mistake.id}>", "exec"), scope)  # noqa: S102
    return scope[mistake.function]


MISTAKES: tuple[Mistake, ...] = tuple(
    Mistake(**entry) for entry in (*mistakes_forward.ENTRIES, *mistakes_backward.ENTRIES)
)
"""Every cataloged mistake, grouped by function in the assignment's order."""
