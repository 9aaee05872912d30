"""Writes the deep network assignment's case data (public_cases.json, hidden_cases.json) from
its cases (solutions/deep_nn/cases.py), its reference and its catalog, with
solutions.casebuild. Instructor-only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grader.assignments import deep_nn as spec
from solutions import casebuild
from solutions.deep_nn import cases, reference
from solutions.deep_nn.mistakes import MISTAKES, build


def source() -> casebuild.Source:
    """The reference side of this assignment, for solutions.casebuild."""
    namespace = {"np": np}
    namespace.update({name: getattr(reference, name) for name in (*spec.HELPERS, *spec.NAMES)})
    return casebuild.Source(spec.ASSIGNMENT, namespace, MISTAKES, build)


def build_set(case_set: str, settings=None, *, points) -> dict:
    made = source()
    hidden = case_set == "hidden"
    found = {}
    for name in spec.NAMES:
        chosen = [c for c in cases.for_function(name) if c.hidden == hidden]
        found[name] = [
            casebuild.make_case(
                made,
                name,
                f"{case_set}-{i + 1}",
                case_set,
                case.args(),
                cases.forward_inputs(case),
                edge=cases.is_edge(case),
                seed=case.global_seed,
            )
            for i, case in enumerate(chosen)
        ]
    return casebuild.case_set(made, case_set, found, settings, points=points)


def write(out_dir: Path, settings: dict | None = None, *, points: dict) -> dict[str, Path]:
    """Write public_cases.json and hidden_cases.json into `out_dir`; return their paths."""
    return casebuild.write_sets(out_dir, build_set, settings, points)
