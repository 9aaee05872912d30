"""The otter-grader plugin: `otter run` / `otter grade` scores come from the engine.

After otter has run its own tests, the plugin checks the submission again in a fresh kernel of
its own, judges outside that kernel, and replaces every question's result with the engine's
verdict and diagnosis. Results computed inside the student's kernel are not trusted.

Configure it in the master notebook's assignment config:

    plugins:
      - grader.otter_plugin.RootCausePlugin

optionally with settings: `{grader.otter_plugin.RootCausePlugin: {cell_seconds: 60}}`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from otter.plugins import AbstractOtterPlugin
from otter.test_files.abstract_test import TestCase, TestCaseResult
from otter.test_files.exception_test import ExceptionTestFile

from grader import spec
from grader.casedata import find_case_files, load
from grader.errors import CaseDataError, ConfigError
from grader.execution import Limits
from grader.pipeline import check_submission
from grader.records import FunctionResult, Report
from grader.report import function_text, render_text, to_dict

PLUGIN_NAME = "grader.otter_plugin.RootCausePlugin"
PUBLIC_SHARE = 0.25


@dataclass(frozen=True)
class PluginConfig:
    """Settings under the plugin's name in otter_config.json.

    cell_seconds: time limit for one notebook cell in the engine's fresh run.
    probe_seconds: time limit for one call of a student function.
    """

    cell_seconds: float = 60.0
    probe_seconds: float = 30.0

    @classmethod
    def from_mapping(cls, raw: dict | None) -> PluginConfig:
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(PLUGIN_NAME, unknown, sorted(known))
        return cls(**{k: float(v) for k, v in raw.items()})


def _test_file(result: FunctionResult) -> ExceptionTestFile:
    text = function_text(result)
    public = TestCase(
        f"{result.name} - public", None, False, result.max_score * PUBLIC_SHARE, None, None
    )
    hidden = TestCase(
        f"{result.name} - hidden", None, True, result.max_score * (1 - PUBLIC_SHARE), None, None
    )
    public_passed, hidden_passed = result.passed_set("public"), result.passed_set("hidden")
    test_file = ExceptionTestFile(result.name, f"tests/{result.name}.py", [public, hidden])
    test_file.test_case_results = [
        TestCaseResult(public, "✅ passed" if public_passed else "❌ " + text, public_passed),
        TestCaseResult(hidden, "✅ passed" if hidden_passed else "❌ " + text, hidden_passed),
    ]
    test_file.update_score(result.score)
    return test_file


class RootCausePlugin(AbstractOtterPlugin):
    """Replaces otter's in-kernel results with the engine's out-of-kernel verdicts."""

    report: Report | None = None
    failure: str | None = None

    def after_grading(self, results):
        config = PluginConfig.from_mapping(self.plugin_config)
        limits = Limits(cell_seconds=config.cell_seconds, probe_seconds=config.probe_seconds)
        folder = Path(self.submission_path).resolve().parent
        try:
            files = find_case_files(folder)
            if not any(f.name == "hidden_cases.json" for f in files):
                raise CaseDataError(f"no hidden_cases.json beside the submission in {folder}")
            report = check_submission(self.submission_path, load(*files), limits)
        except CaseDataError as exc:
            self.failure = f"The root-cause grader has no case data: {exc}"
            report = None
        self.report = report
        results.clear_results()
        if report is None:
            results.set_output(self.failure)
            for fn in spec.FUNCTIONS:
                zero = FunctionResult(fn.name, "error", 0.0, fn.points, None)
                results.results[fn.name] = _test_file(zero)
            return
        for result in report.functions:
            results.results[result.name] = _test_file(result)
        results.set_output(render_text(report))
        results.set_plugin_data(PLUGIN_NAME, to_dict(report))

    def generate_report(self):
        if self.report is None:
            return self.failure or "The root-cause grader did not run."
        return render_text(self.report)
