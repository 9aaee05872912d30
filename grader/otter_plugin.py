"""The otter-grader plugin: `otter run` / `otter grade` scores come from the engine, and otter
itself never executes student code.

Otter reads the submission, hands it to `before_execution`, runs what that returns in a kernel
of its own (with its tests and a results pickle it later loads), then calls `after_grading`.
The plugin uses those events so that nothing the student wrote runs where otter could be
fooled:

- `before_grading` deletes otter's log (`.OTTER_LOG`, a pickle otter would load) from the
  submission folder;
- `before_execution` loads the case data (from otter's copy of the autograder's files when
  there is one), then empties the submission folder of case files and of anything else a
  submission brought but the notebook; it grades the notebook it was handed with the engine
  (in the engine's own contained kernel) and returns to otter the same cells with every code
  cell emptied: otter's kernel, its results pickle and its test files then have nothing of the
  student's to run;
- `after_grading` replaces every question's result with the engine's verdict and diagnosis,
  from the report kept in memory; it reads no file the student could have touched.

Configure it in the master notebook's assignment config:

    plugins:
      - grader.otter_plugin.RootCausePlugin

optionally with settings: `{grader.otter_plugin.RootCausePlugin: {cell_seconds: 60}}`.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

import nbformat
from otter.plugins import AbstractOtterPlugin

from grader import otter_tests
from grader.casedata import DIGESTS, SETS, CaseData, Points, find_case_files, load
from grader.errors import CaseDataError, ConfigError
from grader.execution import Limits
from grader.pipeline import check_submission
from grader.policy import DEFAULT as DEFAULT_POLICY
from grader.policy import mutation_policy
from grader.records import FunctionResult, Report
from grader.report import render_text, to_dict
from grader.sandbox import DEFAULT_ADDRESS_SPACE, Mode

PLUGIN_NAME = "grader.otter_plugin.RootCausePlugin"
OTTER_LOG = ".OTTER_LOG"  # otter.check.notebook.OTTER_LOG_FILENAME
CASE_FILES = (*(f"{case_set}_cases.json" for case_set in SETS), DIGESTS)
PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}

NO_CASE_DATA = "The root-cause grader has no case data: {error}"
NOT_RUN = "The root-cause grader did not run on this submission."
NOT_A_NOTEBOOK = "The root-cause grader was handed a {kind} by otter instead of a notebook."
FAILED = "The root-cause grader failed before grading this submission ({error})."


@dataclass(frozen=True)
class PluginConfig:
    """Settings under the plugin's name in otter_config.json.

    cell_seconds: time limit for one notebook cell in the engine's fresh run.
    probe_seconds: time limit for one call of a student function.
    submission_seconds: wall-clock budget of the whole submission.
    sandbox: "auto", "required" or "off" (see grader.sandbox.Mode).
    memory_mb: address space of the submission's kernel.
    mutated_inputs: what writing into an input costs (grader.policy); the build copies it into
        the case data, which is what scoring reads.
    """

    cell_seconds: float = 60.0
    probe_seconds: float = 30.0
    submission_seconds: float = 600.0
    sandbox: str = Mode.AUTO.value
    memory_mb: float = DEFAULT_ADDRESS_SPACE / 1024**2
    mutated_inputs: str = DEFAULT_POLICY.value

    @classmethod
    def from_mapping(cls, raw: dict | None) -> PluginConfig:
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(PLUGIN_NAME, unknown, sorted(known))
        modes = [m.value for m in Mode]
        if "sandbox" in raw and raw["sandbox"] not in modes:
            raise ConfigError(PLUGIN_NAME, [f"sandbox: {raw['sandbox']!r}"], modes)
        mutation_policy(raw)
        text = ("sandbox", "mutated_inputs")
        return cls(**{k: v if k in text else float(v) for k, v in raw.items()})

    def limits(self) -> Limits:
        return Limits.from_settings(
            self.cell_seconds,
            self.probe_seconds,
            self.submission_seconds,
            self.sandbox,
            self.memory_mb,
        )


def _test_file(result: FunctionResult):
    """The question's result as otter's test file (grader.otter_tests)."""
    return otter_tests.test_file(otter_tests.question(result))


def _otter_points(results) -> dict[str, Points]:
    """The points of otter's own test files (what otter assign wrote from the same master
    notebook), for results when the case data could not be read."""
    found = {}
    for name, test_file in getattr(results, "results", {}).items():
        by_set = {"public": 0.0, "hidden": 0.0}
        for case in test_file.test_cases:
            by_set["hidden" if case.hidden else "public"] += float(case.points or 0.0)
        found[name] = Points(sum(by_set.values()), by_set)
    return found


def _otter_layout(folder: Path) -> bool:
    """Whether `folder` is the submission folder of otter's grading layout (`otter run`,
    `otter grade`, Gradescope): `<autograder>/submission` beside `<autograder>/source`."""
    return folder.name == "submission" and (folder.parent / "source").is_dir()


def _data_folder(folder: Path) -> Path:
    """Where to read the case data: otter's own copy of the autograder zip's files
    (`<autograder>/source/files`) in otter's layout, else `folder`. Otter copies those files
    into the submission's folder, but keeps a folder of the same name that a multi-file (zip)
    submission brought, so the copies there may be the student's."""
    source = folder.parent / "source" / "files"
    return source if _otter_layout(folder) and source.is_dir() else folder


def _clear(folder: Path, keep: str) -> None:
    """Delete every case file in `folder` (also in a `grader/data` copy there). In otter's
    layout, also delete everything else but the notebook `keep` (read already) and otter's own
    tests: otter's kernel runs in that folder and imports from it, so the other files of a
    zip submission (a `grader` or `otter` package, a `pickle.py`) would run there."""
    for place in (folder, folder / "grader" / "data"):  # where find_case_files looks
        for name in CASE_FILES:
            with contextlib.suppress(OSError):
                (place / name).unlink()
    if not _otter_layout(folder):
        return
    running = Path(__file__).resolve()
    for entry in folder.iterdir():
        if entry.name in (keep, "tests") or running.is_relative_to(entry.resolve()):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def take_case_data(folder: Path, keep: str) -> CaseData:
    """Load the public and hidden case data for the submission `keep` in `folder`, then clear
    the folder (`_clear`), whether the data could be loaded or not, so nothing that runs later
    can read or rewrite it. Raises CaseDataError without usable hidden data."""
    source = _data_folder(folder)
    try:
        files = find_case_files(source)
        if not any(f.name == "hidden_cases.json" for f in files):
            where = "beside the submission" if source == folder else "in the autograder's files"
            raise CaseDataError(f"no hidden_cases.json {where} in {source}")
        return load(*files)
    finally:
        _clear(folder, keep)


def grade_notebook(nb: nbformat.NotebookNode, name: str, cases: CaseData, limits: Limits) -> Report:
    """The engine's report on the in-memory notebook `nb`, shown as `name`.

    The engine reads a path, so the notebook is written to a private folder outside the
    submission's; this is the one place to change for an in-memory entry point.
    """
    with tempfile.TemporaryDirectory(prefix="rnn-grader-otter-") as private:
        path = Path(private) / name
        path.write_text(json.dumps(nb), encoding="utf-8")
        return check_submission(path, cases, limits)


def without_code(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook otter may run: the same cells, code cells emptied, no outputs, no
    metadata of the student's (otter turns cell metadata into code), a python3 kernel."""
    cells = []
    for cell in nb.get("cells", []):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(str(cell.get("source", ""))))
        elif kind == "raw":
            cells.append(nbformat.v4.new_raw_cell(str(cell.get("source", ""))))
        else:
            cells.append(nbformat.v4.new_code_cell(""))
    metadata = {"kernelspec": dict(PYTHON3), "language_info": {"name": "python"}}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


class RootCausePlugin(AbstractOtterPlugin):
    """Grades with the engine before otter executes anything, and hands otter no student code."""

    report: Report | None = None
    failure: str | None = None

    def before_grading(self, config):
        """Delete otter's log, a pickle from the submission that otter would load."""
        with contextlib.suppress(OSError):
            (Path(self.submission_path).resolve().parent / OTTER_LOG).unlink()
        if getattr(config, "grade_from_log", False):  # otter would stop without the log
            config.grade_from_log = False

    def before_execution(self, submission):
        """Grade `submission` (the notebook otter read) and return it without student code."""
        limits = PluginConfig.from_mapping(self.plugin_config).limits()
        path = Path(self.submission_path).resolve()
        if not isinstance(submission, nbformat.NotebookNode):
            self.failure = NOT_A_NOTEBOOK.format(kind=type(submission).__name__)
            with contextlib.suppress(CaseDataError):
                take_case_data(path.parent, path.name)
            return without_code(nbformat.v4.new_notebook())
        try:
            cases = take_case_data(path.parent, path.name)
            self.report = grade_notebook(submission, path.name, cases, limits)
        except CaseDataError as exc:
            self.failure = NO_CASE_DATA.format(error=exc)
        except Exception as exc:  # whatever happens, otter must not run the student's code
            self.failure = FAILED.format(error=f"{type(exc).__name__}: {str(exc)[:200]}")
        return without_code(submission)

    def after_grading(self, results):
        """Replace otter's results with the engine's verdicts (0 points and why, without)."""
        points = _otter_points(results)  # otter's, for when there is no report
        results.clear_results()
        # otter's own pass ran no student code, so its failing says nothing about the submission
        results._catastrophic_error = None
        report = self.report
        if report is None:
            results.set_output(self.failure or NOT_RUN)
            for name, worth in points.items():  # otter's questions: no case data here
                split = tuple(worth.by_set.items())
                zero = FunctionResult(name, "error", 0.0, worth.question, None, set_points=split)
                results.results[name] = _test_file(zero)
            return
        for result in report.functions:
            results.results[result.name] = _test_file(result)
        results.set_output(render_text(report))
        results.set_plugin_data(PLUGIN_NAME, to_dict(report))

    def generate_report(self):
        if self.report is None:
            return self.failure or NOT_RUN
        return render_text(self.report)
