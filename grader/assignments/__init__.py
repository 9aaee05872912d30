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

__all__ = ["DEFAULT", "REGISTRY", "assignment", "declared_by", "named_by"]


def declared_by(notebook) -> str | None:
    """The registered assignment a notebook's metadata names, or None: `"grader":
    {"assignment": ...}` (set in the master, kept in the student notebook), else otter's
    `"otter": {"assignment_name": ...}` (which otter assign writes from the master's config)."""
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    if not isinstance(metadata, dict):
        return None
    for section, key in (("grader", "assignment"), ("otter", "assignment_name")):
        found = metadata.get(section)
        name = found.get(key) if isinstance(found, dict) else None
        if isinstance(name, str) and name in REGISTRY:
            return name
    return None


def named_by(notebook) -> str:
    """The assignment a notebook's metadata names; `DEFAULT` when it names none."""
    return declared_by(notebook) or DEFAULT


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
