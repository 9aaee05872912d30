"""The gradebook and the class summary take the graded functions from the reports they are
given, in the reports' order: any assignment's reports make a gradebook, no declaration
needed (issue 10: the course-level renderers hold no assignment)."""

from __future__ import annotations

import csv
import io

from grader.classreport import class_summary
from grader.gradebook import gradebook_csv, gradebook_row


def _report(scores: dict[str, float], failing: str | None = None) -> dict:
    functions = {
        name: {
            "status": "fail" if name == failing else "pass",
            "score": score,
            "blame": [],
            "correct_in_isolation": name != failing,
        }
        for name, score in scores.items()
    }
    if failing:
        functions[failing]["blame"] = [failing]
    return {
        "submission": "nb.ipynb",
        "score": sum(scores.values()),
        "max_score": 4.0,
        "run": {"status": "ok", "stale": []},
        "functions": functions,
    }


def test_the_gradebook_has_a_column_per_function_of_the_reports_in_their_order():
    first = _report({"linear_forward": 1.0, "L_model_forward": 2.0}, failing="L_model_forward")
    rows = [
        gradebook_row("a.ipynb", "pending", None, ""),
        gradebook_row("b.ipynb", "graded", first, "feedback/b.txt"),
        gradebook_row("c.ipynb", "graded", _report({"linear_forward": 0.5}), "feedback/c.txt"),
    ]
    table = list(csv.reader(io.StringIO(gradebook_csv(rows))))
    assert table[0] == [
        "submission",
        "total",
        "max_score",
        "linear_forward",
        "L_model_forward",
        "run",
        "status",
        "root_causes",
        "stale_items",
        "report",
    ]
    assert table[1] == ["a.ipynb", "", "", "", "", "", "pending", "", "", ""]
    assert table[2][3:8] == ["1.0", "2.0", "ok", "graded", "L_model_forward"]
    assert table[3][3:5] == ["0.5", ""]


def test_the_class_summary_counts_the_reports_functions():
    reports = [_report({"f": 1.0, "g": 1.0}, failing="g"), _report({"f": 1.0, "g": 1.0})]
    summary = class_summary(reports)
    assert list(summary.functions) == ["f", "g"]
    assert summary.functions["g"] == {"wrong": 1, "right": 1}
    assert summary.functions["f"] == {"right": 2}
