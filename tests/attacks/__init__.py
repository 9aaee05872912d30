"""A hostile corpus: notebooks whose graded functions are all wrong, plus code that tries to
raise the score anyway, stop or hang the grader, or outlive the submission.

- the attack code, as notebook cell text (the student's side), by what it goes after:
  `reading` (expected values on disk), `writing` (files the grader reads), `records` (the
  probe's records and what a call returns), `processes` (daemons, signals), `resources` (time,
  memory, output, disk, network, other processes), `persistence` (later runs), all built on
  `code` (filling grader-side values in, the scope rule, the case-data codec);
- `corpus`: the catalogue, one `Attack` per trick, naming the row of issue 6 it rebuilds and
  the score its code deserves;
- `watch`: what the tests observe from the grader's side (processes left, files changed,
  hidden values shown).
"""

from attacks.corpus import (
    ATTACKS,
    LIMITS,
    TIME_BOUND,
    Attack,
    Target,
    build_notebook,
    by_id,
    correct_notebook,
)
from attacks.watch import (
    FileGuard,
    hidden_digits,
    leaked_digits,
    marked_processes,
    processes_of_uid,
    remove_marker,
    wait_until_gone,
)

__all__ = [
    "ATTACKS",
    "LIMITS",
    "TIME_BOUND",
    "Attack",
    "FileGuard",
    "Target",
    "build_notebook",
    "by_id",
    "correct_notebook",
    "hidden_digits",
    "leaked_digits",
    "marked_processes",
    "processes_of_uid",
    "remove_marker",
    "wait_until_gone",
]
