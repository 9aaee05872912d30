"""Root-cause grading for hand-written RNN and LSTM cells.

The pipeline (intake -> fresh run -> stale state -> isolated checks -> diagnosis -> scoring ->
report) is `check_submission`; the renderers turn its `Report` into text, HTML or JSON.

The names below are loaded when first used (PEP 562), not when the package is: the student's
kernel imports `grader.student`, which needs none of the engine (nbclient, jupyter_client, the
sandbox), and a kernel that grades a submission does the same on every run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for type checkers and editors (`X as X`: exported)
    from grader.casedata import CaseData as CaseData
    from grader.casedata import find_case_files as find_case_files
    from grader.casedata import load as load_cases  # noqa: F401 (exported under this name)
    from grader.errors import CaseDataError as CaseDataError
    from grader.errors import ConfigError as ConfigError
    from grader.errors import GraderError as GraderError
    from grader.execution import Limits as Limits
    from grader.html_page import render_html as render_html
    from grader.pipeline import check_submission as check_submission
    from grader.records import Finding as Finding
    from grader.records import FunctionResult as FunctionResult
    from grader.records import Report as Report
    from grader.records import RunRecord as RunRecord
    from grader.records import StaleItem as StaleItem
    from grader.report import render_json as render_json
    from grader.report import render_text as render_text
    from grader.report import to_dict as to_dict

# public name -> (module, name in it)
_EXPORTS = {
    "CaseData": ("grader.casedata", "CaseData"),
    "CaseDataError": ("grader.errors", "CaseDataError"),
    "ConfigError": ("grader.errors", "ConfigError"),
    "GraderError": ("grader.errors", "GraderError"),
    "Finding": ("grader.records", "Finding"),
    "FunctionResult": ("grader.records", "FunctionResult"),
    "Limits": ("grader.execution", "Limits"),
    "Report": ("grader.records", "Report"),
    "RunRecord": ("grader.records", "RunRecord"),
    "StaleItem": ("grader.records", "StaleItem"),
    "check_submission": ("grader.pipeline", "check_submission"),
    "find_case_files": ("grader.casedata", "find_case_files"),
    "load_cases": ("grader.casedata", "load"),
    "render_html": ("grader.html_page", "render_html"),
    "render_json": ("grader.report", "render_json"),
    "render_text": ("grader.report", "render_text"),
    "to_dict": ("grader.report", "to_dict"),
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'grader' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
