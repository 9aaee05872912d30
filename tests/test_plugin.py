"""The otter plugin: configuration is checked on entry, otter is handed no student code, the
case data leaves the submission's folder before anything runs, and attacks on otter's own pass
(its folder, its copy of the notebook, its results pickle, its kernel) change nothing."""

import copy
import json
import zipfile
from pathlib import Path

import nbformat
import pytest
from master_points import POINTS, TOTAL
from notebooks import notebook
from otter.run.run_autograder.autograder_config import AutograderConfig
from otter.test_files import GradingResults
from otter.test_files.exception_test import ExceptionTestFile
from otterrun import otter_run, per_question

from grader import ConfigError, check_submission
from grader.assignments import rnn_lstm as spec
from grader.otter_plugin import PluginConfig, RootCausePlugin
from grader.report import function_text

FULL = dict(POINTS)
NOTHING = {fn.name: 0.0 for fn in spec.FUNCTIONS}


def test_unknown_settings_are_rejected_with_the_valid_ones():
    """A misspelt setting names itself and lists the valid keys."""
    with pytest.raises(ConfigError, match="cell_second.*valid: cell_seconds, memory_mb"):
        PluginConfig.from_mapping({"cell_second": 5})
    with pytest.raises(ConfigError, match="sandbox.*auto, required, off"):
        PluginConfig.from_mapping({"sandbox": "maybe"})
    config = PluginConfig.from_mapping({"cell_seconds": 5, "sandbox": "required"})
    assert config.cell_seconds == 5.0
    assert config.limits().containment.mode.value == "required"


def _hostile(student_nb):
    """A notebook otter must not pass on: a kernel the machine lacks, outputs, and cell
    metadata that otter would turn into code (`otter.tests` names are pasted into a cell)."""
    nb = copy.deepcopy(student_nb)
    nb.metadata["kernelspec"] = {"name": "no-such-kernel"}
    nb.metadata["otter"]["tests"] = {"x": "import os"}
    injected = 'x"); import os; os._exit(3); ("'
    nb.cells.append(
        nbformat.v4.new_code_cell("print(1)", metadata={"otter": {"tests": [injected]}})
    )
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    return nb


def test_otter_is_handed_the_cells_without_any_student_code(student_nb, tmp_path):
    """before_execution returns the same cells, markdown as written, every code cell empty,
    no outputs, no metadata of the student's, and a python3 kernel."""
    submission = tmp_path / "rnn_lstm.ipynb"
    nb = _hostile(student_nb)
    plugin = RootCausePlugin(str(submission), {}, {})
    handed = plugin.before_execution(nb)
    assert len(handed.cells) == len(nb.cells)
    for given, got in zip(nb.cells, handed.cells):
        assert got.cell_type == given.cell_type
        assert got.metadata == {}
        if given.cell_type == "code":
            assert got.source == "" and got.outputs == [] and got.execution_count is None
        else:
            assert got.source == given.source
    assert handed.metadata == {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(handed)


def _otters_results(built, folder: Path) -> GradingResults:
    """What otter hands after_grading in a real run: its own test files from the autograder zip,
    whose points otter assign wrote from the master notebook."""
    tests = folder / "otter-tests"
    with zipfile.ZipFile(built["autograder_zip"]) as archive:
        names = [n for n in archive.namelist() if n.startswith("tests/") and n.endswith(".py")]
        archive.extractall(tests, names)
    return GradingResults([ExceptionTestFile.from_file(str(tests / n)) for n in sorted(names)])


def test_case_files_leave_the_folder_even_when_they_cannot_be_read(built, student_nb, tmp_path):
    """Every case file beside the submission and in its grader/data copy is deleted before
    anything runs, readable or not; unreadable data gives 0 points with the reason."""
    submission = tmp_path / "rnn_lstm.ipynb"
    data = tmp_path / "grader" / "data"
    data.mkdir(parents=True)
    planted = [
        tmp_path / "hidden_cases.json",
        tmp_path / "public_cases.json",
        data / "public_cases.json",
        data / "case_digests.json",
    ]
    for path in planted:
        path.write_text("junk")
    plugin = RootCausePlugin(str(submission), {}, {})
    plugin.before_execution(copy.deepcopy(student_nb))
    assert not [p for p in planted if p.exists()]
    results = _otters_results(built, tmp_path)
    plugin.after_grading(results)
    assert results.total == 0 and results.possible == TOTAL
    assert "has no case data" in results.output and "cannot be read" in results.output


def test_in_otters_layout_only_the_notebook_and_otters_tests_stay(student_nb, tmp_path):
    """In otter's folder layout, before_execution leaves the submission folder holding only the
    notebook and otter's tests: whatever else a submission brought (a `grader` package, a
    module otter's kernel would import) is deleted before otter's kernel starts there."""
    (tmp_path / "source").mkdir()
    folder = tmp_path / "submission"
    (folder / "tests").mkdir(parents=True)
    (folder / "tests" / "rnn_forward.py").write_text("")
    (folder / "grader" / "data").mkdir(parents=True)
    brought = ["grader/__init__.py", "grader/data/public_cases.json", "pickle.py", "__init__.py"]
    for name in brought:
        (folder / name).write_text("raise SystemExit")
    nbformat.write(student_nb, folder / "rnn_lstm.ipynb")
    plugin = RootCausePlugin(str(folder / "rnn_lstm.ipynb"), {}, {})
    plugin.before_execution(copy.deepcopy(student_nb))
    assert sorted(p.name for p in folder.iterdir()) == ["rnn_lstm.ipynb", "tests"]
    assert (folder / "tests" / "rnn_forward.py").exists()
    assert "no hidden_cases.json" in plugin.failure


def test_missing_case_data_gives_zero_and_says_why(built, student_nb, tmp_path):
    """Without hidden_cases.json beside the submission every question scores 0 with a reason,
    out of the points of otter's own tests."""
    submission = tmp_path / "rnn_lstm.ipynb"
    plugin = RootCausePlugin(str(submission), {}, {})
    plugin.before_execution(copy.deepcopy(student_nb))
    results = _otters_results(built, tmp_path)
    plugin.after_grading(results)
    assert sorted(results.results) == sorted(spec.NAMES)
    assert results.total == 0 and results.possible == TOTAL
    assert "no hidden_cases.json" in results.output
    assert "no hidden_cases.json" in plugin.generate_report()


def test_a_plugin_that_never_saw_the_notebook_gives_zero():
    """after_grading without before_execution scores 0 and says the grader did not run."""
    plugin = RootCausePlugin("/nonexistent/rnn_lstm.ipynb", {}, {})
    results = GradingResults([])
    plugin.after_grading(results)
    assert results.total == 0 and "did not run" in results.output


def test_otters_log_pickle_is_deleted_before_otter_reads_it(tmp_path):
    """before_grading deletes .OTTER_LOG (a pickle otter loads) from the submission folder."""
    (tmp_path / ".OTTER_LOG").write_bytes(b"not a log")
    config = AutograderConfig({"grade_from_log": True})
    RootCausePlugin(str(tmp_path / "rnn_lstm.ipynb"), {}, {}).before_grading(config)
    assert not (tmp_path / ".OTTER_LOG").exists()
    assert config.grade_from_log is False


# --- attacks on otter's own pass, through the real `otter run -a <zip>` ---------------------

WRITE_CASE_FILES = """\
import glob, pathlib
for path in ["hidden_cases.json", "public_cases.json", *glob.glob("grader/data/*")]:
    try:
        pathlib.Path(path).write_text({text!r})
    except OSError:
        pass
"""

OVERWRITE_SUBMISSION = """\
import glob, pathlib
for path in glob.glob("*.ipynb"):
    pathlib.Path(path).write_text({text!r})
"""

# Unpickling runs FORGE in the grading process: it leaves a marker, prints, makes the plugin
# give every function full marks, and returns a valid GradingResults so otter carries on.
FORGE = """\
import pathlib
pathlib.Path({marker!r}).write_text("unpickled")
print("FORGED PICKLE RAN")
from grader import otter_plugin
otter_plugin._test_file = lambda r, real=otter_plugin._test_file: real(
    __import__("dataclasses").replace(r, score=r.max_score, status="pass", case_outcomes=())
)
"""

WRITE_PICKLES = """\
import glob, os, pickle
FORGE = {forge!r}
class Forge:
    def __reduce__(self):
        return (eval, (
            "exec(" + repr(FORGE) + ") or "
            "__import__('otter.test_files', fromlist=['GradingResults']).GradingResults([])",
        ))
data = pickle.dumps(Forge())
targets = [os.path.join("..", "results", "results.pkl"), ".OTTER_LOG"]
for fd in glob.glob(f"/proc/{{os.getppid()}}/fd/*"):  # otter's open results file
    try:
        link = os.readlink(fd)
    except OSError:
        continue
    if link.endswith(".pkl"):
        targets.append(link)
for target in targets:
    try:
        with open(target, "wb") as f:
            f.write(data)
    except OSError:
        pass
pickle.dump = lambda obj, file, *args, **kwargs: file.write(data)  # otter's own dump, at the end
"""


@pytest.fixture(scope="module")
def skeleton_verdicts(student_nb, cases, tmp_path_factory):
    """The engine's text for each function of the untouched skeleton, on the genuine data."""
    path = tmp_path_factory.mktemp("skeleton") / "rnn_lstm.ipynb"
    nbformat.write(student_nb, path)
    return [function_text(r) for r in check_submission(path, cases).functions]


def _empty_cases(case_set: str) -> str:
    """A case file of the right schema that holds no cases: a forged copy of the real one."""
    from grader import probe

    return json.dumps(probe.encode({"schema": 1, "set": case_set, "cases": {}, "mistakes": {}}))


def _attack(name: str, built, tmp_path) -> str:
    if name == "case-files-junk":
        return WRITE_CASE_FILES.format(text="{not json")
    if name == "case-files-forged":
        return WRITE_CASE_FILES.format(text=_empty_cases("hidden"))
    if name == "submission-overwritten":
        return OVERWRITE_SUBMISSION.format(text=built["solution"].read_text(encoding="utf-8"))
    if name == "results-pickle":
        forge = FORGE.format(marker=str(tmp_path / "pickle-ran"))
        return WRITE_PICKLES.format(forge=forge)
    raise LookupError(name)


@pytest.mark.parametrize(
    "attack",
    ["case-files-junk", "case-files-forged", "submission-overwritten", "results-pickle"],
)
def test_wrong_code_attacking_otters_pass_scores_nothing(
    attack, built, student_nb, skeleton_verdicts, tmp_path
):
    """The untouched skeleton plus a cell attacking what otter's own pass used to read (case
    files beside the notebook, the submission file, the results pickle) scores 0 under otter
    run, graded on the genuine case data: otter never runs that cell."""
    nb = copy.deepcopy(student_nb)
    nb.cells.append(nbformat.v4.new_code_cell(_attack(attack, built, tmp_path)))
    submission = tmp_path / "rnn_lstm.ipynb"
    nbformat.write(nb, submission)
    results = otter_run(submission, built["autograder_zip"], tmp_path / "out")
    assert per_question(results) == NOTHING, results.get("output", "")[:3000]
    for verdict in skeleton_verdicts:  # judged on the genuine case data, as the plain skeleton
        assert verdict in results["output"], results["output"][:3000]
    assert not (tmp_path / "pickle-ran").exists()
    assert "FORGED PICKLE RAN" not in json.dumps(results)


def test_a_zip_submission_cannot_bring_case_data_or_code(
    built, student_nb, skeleton_verdicts, tmp_path
):
    """A zip submission holding the skeleton, forged case files (beside it and in a
    grader/data folder, which otter does not replace with the autograder's) and a `grader`
    package that otter's kernel would import (it forges the results pickle) is judged on the
    autograder's own case data: 0 points, the same verdicts as the plain skeleton."""
    attack = WRITE_PICKLES.format(forge=FORGE.format(marker=str(tmp_path / "pickle-ran")))
    submission = tmp_path / "submission.zip"
    with zipfile.ZipFile(submission, "w") as zf:
        zf.writestr("rnn_lstm.ipynb", nbformat.writes(student_nb))
        zf.writestr("grader/__init__.py", attack)
        zf.writestr("grader/notebook_checks.py", "def assert_function(*args, **kwargs): pass\n")
        for case_set in ("public", "hidden"):
            zf.writestr(f"{case_set}_cases.json", _empty_cases(case_set))
            zf.writestr(f"grader/data/{case_set}_cases.json", _empty_cases(case_set))
    results = otter_run(submission, built["autograder_zip"], tmp_path / "out")
    assert per_question(results) == NOTHING, results.get("output", "")[:3000]
    for verdict in skeleton_verdicts:
        assert verdict in results["output"], results["output"][:3000]
    assert not (tmp_path / "pickle-ran").exists()


def _exits(student_nb):
    nb = notebook(student_nb)
    nb.cells.append(nbformat.v4.new_code_cell("import os; os._exit(1)"))
    return nb


def _unknown_kernel(student_nb):
    nb = notebook(student_nb)
    nb.metadata["kernelspec"] = {"name": "no-such-kernel"}
    return nb


@pytest.mark.parametrize("make", [_exits, _unknown_kernel], ids=["os-exit", "unknown-kernel"])
def test_correct_code_that_would_stop_otter_gets_full_marks(make, built, student_nb, tmp_path):
    """A correct notebook that ends by killing its kernel, or names a kernel this machine does
    not have, gets full marks and a results.json: otter's pass runs none of it."""
    submission = tmp_path / "rnn_lstm.ipynb"
    nbformat.write(make(student_nb), submission)
    results = otter_run(submission, built["autograder_zip"], tmp_path / "out")
    assert per_question(results) == FULL, results.get("output", "")[:3000]
