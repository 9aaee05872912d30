"""The assignments the engine can grade, each declared in its own module, found by name.

    assignment("rnn_lstm") -> grader.spec.Assignment

A declaration is data only (grader.spec's records): it ships to students inside the `grader`
package, so it never holds solution code. The case data names the assignment it was built for
(`"assignment"` in each case file); files without that name are of the first assignment,
`DEFAULT`. Adding an assignment is a module here and one line in `REGISTRY`.
"""

from __future__ import annotations

import importlib

from grader.spec import Assignment

REGISTRY: dict[str, str] = {
    "rnn_lstm": "grader.assignments.rnn_lstm",
    "deep_nn": "grader.assignments.deep_nn",
}
DEFAULT = "rnn_lstm"

__all__ = ["DEFAULT", "REGISTRY", "assignment", "named_by"]


def named_by(notebook) -> str:
    """The assignment a notebook's metadata names (`"grader": {"assignment": ...}`, which the
    master notebook sets and the student notebook keeps); `DEFAULT` when it names none."""
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    found = metadata.get("grader") if isinstance(metadata, dict) else None
    name = found.get("assignment") if isinstance(found, dict) else None
    return name if isinstance(name, str) and name in REGISTRY else DEFAULT


def assignment(name: str | None = None) -> Assignment:
    """The declaration registered as `name` (`DEFAULT` for None); an unknown name lists the
    known ones."""
    key = DEFAULT if name is None else name
    try:
        module = REGISTRY[key]
    except (KeyError, TypeError):
        raise KeyError(f"no assignment {key!r}; known: {', '.join(REGISTRY)}") from None
    declared = importlib.import_module(module).ASSIGNMENT
    if declared.name != key:
        raise ValueError(f"{module} declares assignment {declared.name!r}, registered as {key!r}")
    return declared
