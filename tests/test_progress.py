"""The plain per-submission line of a grading run (not a terminal: CI logs): a file that could
not be run says so instead of "graded"."""

from __future__ import annotations

import io

import pytest

from grader.progress import Progress


def _line(run_status: str, status: str = "graded") -> str:
    stream = io.StringIO()
    progress = Progress(total=1, stream=stream, bar=False)
    report = {"score": 0.0, "max_score": 16.0, "run": {"status": run_status}}
    progress.update("a.ipynb", {"status": status, "report": report, "headline": "why"}, True)
    return stream.getvalue()


@pytest.mark.parametrize(
    "run_status, words",
    [
        ("ok", "  graded  why"),
        ("errors", "  graded  why"),
        ("invalid_notebook", "  not graded (not a valid notebook)  why"),
        ("timeout", "  graded (the run timed out)  why"),
        ("kernel_died", "  graded (the kernel died)  why"),
    ],
)
def test_the_line_says_whether_the_submission_was_graded(run_status, words):
    assert _line(run_status) == f"[1/1] a.ipynb  0 / 16{words}\n"
