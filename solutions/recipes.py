"""Each assignment's instructor side, by the name its declaration is registered under
(grader.assignments): its master notebook, its reference module and the writer of its case data.
The build (solutions.build) reads the master's metadata ("grader": {"assignment": ...}) to pick
the recipe; a master without one is of the first assignment.

Adding an assignment: its declaration in grader/assignments/, its reference and cases in
solutions/, its master in assignment/, and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import nbformat

from grader.assignments import DEFAULT, REGISTRY, assignment
from grader.spec import Assignment

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Recipe:
    """name: the registry key; master: its master notebook; reference: the module holding the
    reference functions and the provided helpers; write_cases(out_dir, settings, points=...)
    writes public_cases.json and hidden_cases.json."""

    name: str
    master: Path
    reference: ModuleType
    write_cases: Callable[..., dict[str, Path]]

    @property
    def declared(self) -> Assignment:
        return assignment(self.name)


def _rnn_lstm() -> Recipe:
    from solutions import cases, reference

    return Recipe("rnn_lstm", ROOT / "assignment" / "rnn_lstm.ipynb", reference, cases.write)


def _deep_nn() -> Recipe:
    from solutions.deep_nn import casedata, reference

    return Recipe("deep_nn", ROOT / "assignment" / "deep_nn.ipynb", reference, casedata.write)


RECIPES: dict[str, Callable[[], Recipe]] = {"rnn_lstm": _rnn_lstm, "deep_nn": _deep_nn}


def recipe(name: str | None = None) -> Recipe:
    """The recipe of `name` (the first assignment for None); an unknown name lists the known."""
    key = DEFAULT if name is None else name
    if key not in RECIPES or key not in REGISTRY:
        known = ", ".join(n for n in RECIPES if n in REGISTRY)
        raise KeyError(f"no assignment {key!r} to build; known: {known}")
    return RECIPES[key]()


def of_master(master: Path) -> Recipe:
    """The recipe of the assignment a master notebook's metadata names."""
    nb = nbformat.read(master, as_version=4)
    named = (nb.metadata.get("grader") or {}).get("assignment")
    return recipe(named)
