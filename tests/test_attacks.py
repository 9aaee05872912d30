"""Cheating inside the notebook must not change a verdict, and hostile notebooks must not crash
the grader.

Each notebook is the reference with ONE wrong function (a cataloged mistake) plus code that tries
to cheat: patching numpy's comparison functions, otter's test results, or the grader package inside
the kernel, or a wrong function that tampers with the grader's probe when it is called. The wrong
function must still get 0 points, every other function its full points. Notebooks that kill
their kernel or loop forever must still give a report with sensible statuses.
"""

from __future__ import annotations

import nbformat
import pytest
from master_points import POINTS, TOTAL
from notebooks import notebook
from otterrun import otter_run, per_question

import grader
from grader import Limits
from solutions.mistakes import MISTAKES

MISTAKE = {m.id: m for m in MISTAKES}

NUMPY_PATCH = """\
import numpy as np
import numpy.testing
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *args, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *a, **k: True
np.array_equiv = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None
np.testing.assert_almost_equal = lambda *a, **k: None
"""

OTTER_PATCH = """\
import otter
import otter.test_files.abstract_test as t
t.TestFile.score = property(lambda self: self.possible)
t.TestFile.passed_all = property(lambda self: True)
t.TestFile.passed_all_public = property(lambda self: True)
t.TestFile.grade = property(lambda self: 1.0)
t.TestCaseResult.passed = True
otter.Notebook.check = lambda self, *a, **k: None
"""

GRADER_PATCH = """\
import grader.notebook_checks as c
import grader.compare as gc
import grader.diagnosis as d
import grader.scoring as s
import grader.student as st
c.assert_function = lambda *a, **k: None
st.check = lambda *a, **k: None
gc.close = lambda a, b: True
gc.mismatches = lambda *a, **k: []
gc.array_mismatch = lambda *a, **k: None
d.judge_case = lambda fn, ev: d.CaseVerdict(ev.case, passed=True, written_passed=True)
d.judge = lambda name, evidence: [d.judge_case(None, e) for e in evidence]
_real_result = s.function_result
s.function_result = lambda name, verdicts, cases: _real_result(
    name, [d.CaseVerdict(v.case, passed=True, written_passed=True) for v in verdicts], cases
)
"""


def notices(report) -> list[str]:
    """The report's notice codes, less the one saying the sandbox could not start (a machine
    without it grades with limits only and says so; that notice is tested in test_hostile)."""
    return [n.code for n in report.notices if n.code not in ("sandbox-unavailable", "sandbox-off")]


def build(student_nb, wrong: dict, after_imports: str = "", at_end: str = ""):
    """The reference notebook with the functions in `wrong` replaced, plus attack cells."""
    nb = notebook(student_nb, **wrong)
    if after_imports:
        index = next(
            i
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "import numpy" in c.source
        )
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(after_imports))
    if at_end:
        nb.cells.append(nbformat.v4.new_code_cell(at_end))
    return nb


def check(nb, cases, path, limits=None):
    nbformat.write(nb, path)
    return grader.check_submission(path, cases, limits)


def assert_only_wrong_fails(report, wrong_name: str, run_status: str = "ok"):
    """`wrong_name` gets 0 points and is not a pass; every other function gets full points."""
    text = grader.render_text(report)
    assert report.run.status == run_status, text
    wrong = report.function(wrong_name)
    assert wrong.status in ("fail", "error"), text
    assert wrong.score == 0, text
    assert wrong.correct_in_isolation is not True, text
    for result in report.functions:
        if result.name != wrong_name:
            assert result.status == "pass", (result.name, text)
            assert result.score == result.max_score, (result.name, text)
    assert report.score == TOTAL - POINTS[wrong_name], text


@pytest.mark.parametrize(
    ("mistake_id", "after_imports", "at_end"),
    [
        ("lstm-cell-backward-dc-prev-without-ft", NUMPY_PATCH, NUMPY_PATCH),
        ("rnn-cell-forward-no-bias-ba", OTTER_PATCH, OTTER_PATCH),
        ("lstm-forward-starts-from-zeros", GRADER_PATCH, GRADER_PATCH),
    ],
    ids=["numpy", "otter", "grader"],
)
def test_patching_in_the_kernel_changes_no_verdict(
    mistake_id, after_imports, at_end, student_nb, cases, tmp_path
):
    """Patching numpy, otter or the grader inside the notebook leaves the wrong function at 0."""
    mistake = MISTAKE[mistake_id]
    nb = build(student_nb, {mistake.function: mistake.source}, after_imports, at_end)
    report = check(nb, cases, tmp_path / "attack.ipynb")
    assert_only_wrong_fails(report, mistake.function)
    # the attack works inside the kernel: the notebook's own check of the wrong function is fooled
    own_check = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and f'grader.check("{mistake.function}")' in c.source
    )
    shown = next(c.text for c in report.run.cells if c.index == own_check)
    assert "failed" not in shown.lower(), shown


# A wrong rnn_cell_forward (it leaves out ba) that, the first time it is called, replaces the
# probe's `run_json` in its own globals: from then on every record about rnn_cell_forward is
# replaced by FAKE (a Python expression over `probe`, `json` and `request`, giving the text to
# write); records about other functions are left alone.
TAMPERING = """\
def rnn_cell_forward(xt, a_prev, parameters):
    import json
    probe = globals().get("__rnn_grader_probe__")
    if probe is not None and not probe.get("tampered"):
        probe["tampered"] = True
        real = probe["run_json"]

        def run_json(namespace, request_text, out_path):
            real(namespace, request_text, out_path)
            request = probe["decode"](json.loads(request_text))
            if request["function"] == "rnn_cell_forward":
                with open(out_path, "w", encoding="utf-8") as fh:
                    fh.write(FAKE)

        probe["run_json"] = run_json
    a_next = np.tanh(np.dot(parameters["Waa"], a_prev) + np.dot(parameters["Wax"], xt))
    yt_pred = softmax(np.dot(parameters["Wya"], a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
"""

FAKE_RECORDS = {
    # a well-formed record that claims the call went fine
    "claims-ok": 'json.dumps(probe["encode"]({"function": "rnn_cell_forward", "ok": True, '
    '"missing": None, "outputs": "all tests passed", "stub_calls": {}, "locals": [], '
    '"args_after": None}))',
    # a record that says the call raised, with the error as a plain string
    "error-as-text": 'json.dumps(probe["encode"]({"function": "rnn_cell_forward", "ok": False, '
    '"missing": None, "error": "all tests passed"}))',
    # valid JSON that the grader's decoder cannot turn into a record
    "undecodable": "'{\"__tuple__\": 5}'",
    # JSON nested deeper than the decoder's recursion limit
    "deeply-nested": '"[" * 100000 + "]" * 100000',
}


@pytest.mark.parametrize("fake", sorted(FAKE_RECORDS))
def test_tampering_with_the_probe_is_not_a_pass(fake, student_nb, cases, tmp_path):
    """A wrong function that rewrites the probe's records is never a pass and crashes nothing."""
    source = TAMPERING.replace("FAKE", FAKE_RECORDS[fake])
    nb = build(student_nb, {"rnn_cell_forward": source})
    path = tmp_path / "tamper.ipynb"
    nbformat.write(nb, path)
    try:
        report = grader.check_submission(path, cases)
    except Exception as exc:  # the assertion below says what went wrong
        pytest.fail(
            f"ENGINE BUG: check_submission raised {type(exc).__name__}: {exc} on a notebook whose "
            f"function rewrites the probe's record ({fake}); a hostile record must become a "
            f"failed check of that function, not a crash of the grader"
        )
    text = grader.render_text(report)
    assert report.run.status == "ok" and not notices(report), (
        f"ENGINE BUG: the notebook ran fine, but a bad record for rnn_cell_forward ({fake}) was "
        f"reported as a kernel failure on the grading machine, and nothing was graded\n{text}"
    )
    result = report.function("rnn_cell_forward")
    assert result.status != "pass", text
    assert result.score == 0, text
    for other in report.functions:
        if other.name != "rnn_cell_forward":
            assert other.score == other.max_score, (
                f"ENGINE BUG: a bad record for rnn_cell_forward ({fake}) cost {other.name} its "
                f"points; only the tampering function should be affected\n{text}"
            )
    assert report.score == TOTAL - 1, text


def test_otter_run_is_not_fooled_by_patched_otter_and_numpy(built, student_nb, tmp_path):
    """Under `otter run`, patching otter and numpy in the notebook leaves the wrong one at 0."""
    mistake = MISTAKE["lstm-cell-backward-dc-prev-without-ft"]
    nb = build(
        student_nb, {mistake.function: mistake.source}, NUMPY_PATCH, NUMPY_PATCH + OTTER_PATCH
    )
    path = tmp_path / "rnn_lstm.ipynb"
    nbformat.write(nb, path)
    results = otter_run(path, built["autograder_zip"], tmp_path / "out")
    scores = per_question(results)
    expected = dict(POINTS)
    expected[mistake.function] = 0.0
    assert scores == expected, results.get("output")
    assert sum(scores.values()) == TOTAL - POINTS[mistake.function] == 13
    shown = "\n".join(t.get("output", "") for t in results["tests"])
    assert f"{mistake.function} results: All test cases passed!" not in shown, shown


def test_kernel_that_dies_gives_a_report(student_nb, cases, tmp_path):
    """A notebook whose last cell kills its kernel is reported as kernel_died, and its functions
    are still checked, in a second fresh kernel that skips that cell."""
    nb = build(student_nb, {}, at_end="import os\nos._exit(1)")
    report = check(nb, cases, tmp_path / "dies.ipynb", Limits(cell_seconds=20, probe_seconds=5))
    text = grader.render_text(report)
    assert report.run.status == "kernel_died", text
    assert report.run.cells[-1].status == "died", text
    assert notices(report) == ["checked-without-cells"], text
    assert f"Cell(s) {report.run.cells[-1].index + 1} stopped the kernel" in text
    assert report.score == TOTAL, text


def test_kernel_that_dies_every_time_is_not_graded(student_nb, cases, tmp_path):
    """A notebook that keeps killing its kernel, however many killing cells are skipped, cannot
    be checked: every function is 'missing' with no decision on its correctness."""
    kill = "import os\nos._exit(1)"
    nb = build(student_nb, {}, after_imports=kill, at_end=kill)
    for _ in range(5):
        nb.cells.append(nbformat.v4.new_code_cell(kill))
    report = check(nb, cases, tmp_path / "dies.ipynb", Limits(cell_seconds=20, probe_seconds=5))
    text = grader.render_text(report)
    assert report.run.status == "kernel_died", text
    assert report.score == 0, text
    for result in report.functions:
        assert result.status == "missing" and result.correct_in_isolation is None, text


def test_cell_that_loops_forever_gives_a_report(student_nb, cases, tmp_path):
    """A cell that never ends is interrupted: run status timeout, the functions still graded."""
    nb = build(student_nb, {}, at_end="while True:\n    pass")
    report = check(nb, cases, tmp_path / "loops.ipynb", Limits(cell_seconds=5, probe_seconds=5))
    text = grader.render_text(report)
    for result in report.functions:
        assert result.status == "pass", (result.name, text)
    assert report.score == TOTAL, text
    assert (report.run.status, report.run.cells[-1].status) == ("timeout", "timeout"), (
        f"ENGINE BUG: the last cell ran past the 5 s limit and was interrupted, but the run is "
        f"reported as {report.run.status!r} and the cell as {report.run.cells[-1].status!r} "
        f"({report.run.cells[-1].ename}) instead of a timeout\n{text}"
    )


def test_function_that_loops_forever_is_an_error(student_nb, cases, tmp_path):
    """A function that never returns times out in the probe: status error, timeout named."""
    # it never returns from its first call (the public case); later calls return a wrong value
    # at once, so the test waits for one probe time limit, not eight
    looping = (
        "def rnn_backward(da, caches, _calls=[]):\n"
        "    _calls.append(1)\n"
        "    while len(_calls) == 1:\n"
        "        pass\n"
        "    return {}\n"
    )
    nb = build(student_nb, {"rnn_backward": looping})
    # the notebook's own grader.check("rnn_backward") cell would loop too; leave it out so the
    # fresh run is clean and only the probe's time limit is exercised
    nb.cells = [
        c
        for c in nb.cells
        if c.cell_type != "code" or 'grader.check("rnn_backward")' not in c.source
    ]
    report = check(nb, cases, tmp_path / "hangs.ipynb", Limits(cell_seconds=20, probe_seconds=1))
    text = grader.render_text(report)
    assert_only_wrong_fails(report, "rnn_backward")
    result = report.function("rnn_backward")
    assert result.status == "error", text
    assert any("did not return within 1 s" in f.message for f in result.findings), (
        f"ENGINE BUG: rnn_backward never returns from its first call and was interrupted "
        f"after the 1 s probe limit, "
        f"but the report does not say it timed out\n{text}"
    )


def test_function_that_kills_the_kernel_only_costs_itself(student_nb, cases, tmp_path):
    """A function whose call kills the kernel is an error; the functions after it are checked
    in a new kernel and keep their points."""
    killer = "def rnn_forward(x, a0, parameters):\n    import os\n    os._exit(3)\n"
    nb = build(student_nb, {"rnn_forward": killer})
    report = check(nb, cases, tmp_path / "killer.ipynb", Limits(cell_seconds=20, probe_seconds=5))
    text = grader.render_text(report)
    result = report.function("rnn_forward")
    assert result.status == "error" and result.score == 0, text
    assert "stopped while running it" in text
    assert report.score == TOTAL - POINTS["rnn_forward"], text
