"""Root-cause grading for hand-written RNN and LSTM cells.

The pipeline (intake -> fresh run -> stale state -> isolated checks -> diagnosis -> scoring ->
report) is `check_submission`; the renderers turn its `Report` into text, HTML or JSON.
"""

from grader.casedata import CaseData, find_case_files
from grader.casedata import load as load_cases
from grader.errors import CaseDataError, ConfigError, GraderError
from grader.execution import Limits
from grader.html_page import render_html
from grader.pipeline import check_submission
from grader.records import Finding, FunctionResult, Report, RunRecord, StaleItem
from grader.report import render_json, render_text, to_dict

__all__ = [
    "CaseData",
    "CaseDataError",
    "ConfigError",
    "GraderError",
    "Finding",
    "FunctionResult",
    "Limits",
    "Report",
    "RunRecord",
    "StaleItem",
    "check_submission",
    "find_case_files",
    "load_cases",
    "render_html",
    "render_json",
    "render_text",
    "to_dict",
]
