"""A report's questions as otter's tests: one public and one hidden test per function, first
as plain data (made where the submission was graded, without importing otter), then as otter's
own objects (made once per process that writes otter or Gradescope results).

    question(result)        -> {"name", "score", "public": {...}, "hidden": {...}}
    test_file(question)     -> otter.test_files.ExceptionTestFile
    gradescope(questions, output, score) -> Gradescope's results.json, by otter's conversion
"""

from __future__ import annotations

import textwrap

from grader.records import FunctionResult
from grader.report import function_text

SETS = ("public", "hidden")
HIDDEN_TOO = (
    "{name} passes {passed} of {total} hidden cases. The public test's message says what is "
    "wrong; the hidden cases check the same code on other shapes and values, so fix that first."
)
EDGE_PASSED = (
    " One of those it passes is the edge-size case (the smallest sizes), which can cost "
    "points but earns none by itself."
)
PASSED = "✅ passed"


def question(result: FunctionResult) -> dict:
    """The function's two tests as plain data: what each is worth (`result.set_points`, from
    the case data), whether it passed and the message it shows, and the question's score."""
    worth = dict(result.set_points)
    # otter prints each test's own points; the first line's whole-question score would confuse
    _, _, findings = function_text(result).partition("\n")
    text = textwrap.dedent(findings).strip() or f"{result.name} is wrong on these cases."
    public_passed, hidden_passed = result.passed_set("public"), result.passed_set("hidden")
    return {
        "name": result.name,
        "score": result.score,
        "public": {
            "points": worth.get("public", 0.0),
            "passed": public_passed,
            "message": PASSED if public_passed else "❌ " + text,
        },
        "hidden": {
            "points": worth.get("hidden", 0.0),
            "passed": hidden_passed,
            "message": _unseen_message(result, public_passed, text),
        },
    }


def _unseen_message(result: FunctionResult, public_passed: bool, text: str) -> str:
    """The hidden test's own message: when the public test fails too, the diagnosis is under
    the public test (it is about the public case), so this one only counts the hidden cases."""
    if result.passed_set("hidden"):
        return PASSED
    if public_passed:  # the diagnosis is then about the first failing hidden case
        return "❌ " + text
    hidden = [ok for case_id, ok in result.case_outcomes if case_id.startswith("hidden")]
    text = HIDDEN_TOO.format(name=result.name, passed=sum(hidden), total=len(hidden) or "the")
    if any(c.edge and c.passed for c in result.cases if c.set == "hidden"):
        text += EDGE_PASSED
    return "❌ " + text


def test_file(item: dict):
    """otter's test file for one `question` record, scored as the engine scored it."""
    from otter.test_files.abstract_test import TestCase, TestCaseResult
    from otter.test_files.exception_test import ExceptionTestFile

    name = item["name"]
    cases, outcomes = [], []
    for case_set in SETS:
        test = item[case_set]
        case = TestCase(
            f"{name} - {case_set}", None, case_set == "hidden", test["points"], None, None
        )
        cases.append(case)
        outcomes.append(TestCaseResult(case, test["message"], test["passed"]))
    made = ExceptionTestFile(name, f"tests/{name}.py", cases)
    made.test_case_results = outcomes
    made.update_score(item["score"])
    return made


def gradescope(questions: list[dict], output: str, score: float) -> dict:
    """Gradescope's results.json: otter's own conversion of the questions' test files, with
    `output` (the report's text) as the submission's output and the engine's total score."""
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults

    results = GradingResults([test_file(item) for item in questions])
    results.set_output(output)
    scores = results.to_gradescope_dict(AutograderConfig())
    scores["score"] = score
    return scores
