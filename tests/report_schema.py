"""The JSON Schema of the report (grader/report_schema.json) as a validator for tests, plus the
rules a JSON Schema cannot state (a case's wrong steps lie inside its loop)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "grader" / "report_schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
validated = {"count": 0}


def validate(report: dict) -> dict:
    """Raise AssertionError naming every place where `report` breaks the contract."""
    errors = sorted(VALIDATOR.iter_errors(report), key=lambda e: list(e.absolute_path))
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]]
    for name, fn in (report.get("functions") or {}).items():
        for case in fn.get("cases", []):
            length, first = case.get("length"), case.get("first", 0)
            outside = [
                t
                for t in case.get("wrong_steps", [])
                if length is not None and not first <= t < first + length
            ]
            if outside:
                problems.append(
                    f"['functions']['{name}'] case {case.get('set')} {case.get('index')}: "
                    f"wrong_steps {outside} outside its {length} steps"
                    + (f" numbered from {first}" if first else "")
                )
    assert not problems, "the report breaks grader/report_schema.json:\n" + "\n".join(problems)
    validated["count"] += 1
    return report
