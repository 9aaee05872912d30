"""The points of each question, read from the master notebook: the one place they are set.

A question opens with a raw cell `# BEGIN QUESTION` whose YAML gives its `name:` (the function)
and `points:`. Its test cells, between `# BEGIN TESTS` and `# END TESTS`, each start with a
TEST CONFIG block holding that test's `points:` (and `hidden: true` for the hidden test). The
build writes what is read here into the case data, and every way of grading (the command line,
the otter plugin, `grader.check()`, the Classroom workflow) takes its points from there. A
master whose question points and test points disagree is refused: otter itself would silently
drop the difference.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import yaml

from grader.assignments import assignment, named_by

QUESTION_MARK = "# BEGIN QUESTION"
END_QUESTION = "# END QUESTION"
BEGIN_TESTS = "# BEGIN TESTS"
END_TESTS = "# END TESTS"
TEST_CONFIG = re.compile(
    r'^\s*"""\s*# BEGIN TEST CONFIG\s*\n(?P<yaml>.*?)\n\s*"""\s*# END TEST CONFIG', re.DOTALL
)
TOLERANCE = 1e-9


class PointsError(ValueError):
    """The master notebook's points cannot be read or do not add up; the message says where."""


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PointsError(f"{where}: expected `points:` to be a number, got {value!r}")
    if value < 0:
        raise PointsError(f"{where}: expected `points:` of at least 0, got {value!r}")
    return float(value)


def _yaml(text: str, where: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PointsError(f"{where}: the YAML cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise PointsError(f"{where}: expected YAML `key: value` lines, got {text!r}")
    return data


def read(master: Path) -> dict[str, dict[str, float]]:
    """{function: {"question": q, "public": p, "hidden": h}} from the master notebook at
    `master`, in the order of the declaration of the assignment its metadata names; raises
    PointsError naming the cell when something is off."""
    nb = nbformat.read(master, as_version=4)
    names = assignment(named_by(nb)).names
    found: dict[str, dict[str, float]] = {}
    cells: dict[str, int] = {}
    current: str | None = None
    in_tests = False
    for index, cell in enumerate(nb.cells, start=1):
        first = cell.source.lstrip().split("\n", 1)[0].strip()
        where = f"{master.name}, cell {index}"
        if cell.cell_type == "raw" and first == QUESTION_MARK:
            config = _yaml(cell.source.lstrip()[len(QUESTION_MARK) :], where)
            name = config.get("name")
            if name not in names:
                raise PointsError(
                    f"{where}: the question is named {name!r}, which is not a function of this "
                    f"assignment; expected one of {', '.join(names)}"
                )
            if name in found:
                raise PointsError(
                    f"{where}: question {name} appears a second time (first in cell {cells[name]})"
                )
            if "points" not in config:
                raise PointsError(f"{where}: question {name} has no `points:`")
            found[name] = {"question": _number(config["points"], where), "public": 0.0}
            found[name]["hidden"] = 0.0
            cells[name], current = index, name
        elif cell.cell_type == "raw" and first == END_QUESTION:
            current, in_tests = None, False
        elif cell.cell_type == "raw" and first in (BEGIN_TESTS, END_TESTS):
            in_tests = first == BEGIN_TESTS
        elif cell.cell_type == "code" and in_tests and current is not None:
            match = TEST_CONFIG.match(cell.source)
            config = _yaml(match.group("yaml"), where) if match else {}
            if "points" not in config:
                raise PointsError(
                    f"{where}: the test cell of question {current} has no `points:` in its "
                    f"TEST CONFIG block"
                )
            case_set = "hidden" if config.get("hidden") else "public"
            found[current][case_set] += _number(config["points"], where)
    missing = [n for n in names if n not in found]
    if missing:
        raise PointsError(
            f"{master.name}: expected a question for every function; none for {', '.join(missing)}"
        )
    for name, points in found.items():
        tests = points["public"] + points["hidden"]
        if abs(tests - points["question"]) > TOLERANCE:
            raise PointsError(
                f"{master.name}, cell {cells[name]}: question {name} is worth "
                f"{points['question']:g} points, but its test cells add up to {tests:g} "
                f"(public {points['public']:g} + hidden {points['hidden']:g}); make the "
                f"question's `points:` equal the sum of its tests' `points:`"
            )
    return {name: found[name] for name in names}
