"""What a submission's kernel is given: the files a student has beside the notebook, with every
expected value taken out.

A student's folder holds the notebook and the `grader` package with the public case data, so
that `grader.check()` works. The kernel that grades a submission gets the same package, but its
case data keeps only the inputs: no expected output, recorded callee result, intermediate or
fingerprint exists where student code runs. `grader.check()` in that kernel runs each function
on the public inputs and reports only errors (see grader.notebook_checks); every verdict is made
outside the kernel.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from grader import probe
from grader.casedata import SCHEMA, CaseData

PACKAGE = Path(__file__).resolve().parent
DATA_FILE = "public_cases.json"


def inputs_only(cases: CaseData, case_set: str = "public") -> dict:
    """The cases of `case_set` with their inputs and nothing they are compared against."""
    kept = {
        name: [_inputs(case) for case in items if case.set == case_set]
        for name, items in cases.cases.items()
    }
    points = {name: p.as_dict() for name, p in cases.points.items()}
    return {
        "schema": SCHEMA,
        "assignment": cases.assignment.name,
        "set": case_set,
        "inputs_only": True,
        "mistakes": {},
        "points": points,
        "cases": kept,
    }


def _inputs(case) -> dict:
    """One case without expected values. A backward pass's cache argument is made by the
    reference forward pass (its outputs are expected values), so it is left out: the cache
    comes from the student's own forward pass (the producer, which holds inputs only)."""
    args = list(case.args)
    for param, _ in (case.producer or {}).get("feeds", []):
        args[param] = None
    return {
        "id": case.id,
        "set": case.set,
        "function": case.function,
        "args": args,
        "expected": {},
        "calls": {},
        "producer": case.producer,
        "intermediates": {},
        "fingerprints": [],
    }


def write_student_files(cases: CaseData, folder: Path) -> tuple[Path, ...]:
    """Write the kernel's copy of the student files into `folder`; returns what it wrote."""
    package = folder / "grader"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))
    (package / "data").mkdir()
    text = json.dumps(probe.encode(inputs_only(cases)))
    (package / "data" / DATA_FILE).write_text(text, encoding="utf-8")
    return (package,)
