"""Real notebooks that are wrong only because of stale kernel state, through check_submission.

Each scenario builds a notebook the way a student produces it: it is run in a real kernel (in
the order the student ran its cells, re-runs included), edited afterwards where the story says
so, saved, and then graded in a fresh kernel. Every scenario is graded once per test module.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell
from notebooks import executed, function_cell, notebook

import grader
from grader.execution import cell_text
from solutions.mistakes import MISTAKES

GATE_HELPER = """\
def gate(W, b, concat):
    return sigmoid(W @ concat + b)
"""
RENAMED_HELPER = GATE_HELPER.replace("def gate(", "def gate_value(")

LSTM_CELL_WITH_GATE = '''\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step, with the three sigmoid gates computed by the helper `gate`."""
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = gate(parameters["Wf"], parameters["bf"], concat)
    it = gate(parameters["Wi"], parameters["bi"], concat)
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = gate(parameters["Wo"], parameters["bo"], concat)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
'''

LSTM_CELL_DEMO = """\
np.random.seed(1)
xt_demo = np.random.randn(3, 10)
a_demo = np.random.randn(5, 10)
c_demo = np.random.randn(5, 10)
demo_parameters = {"Wy": np.random.randn(2, 5), "by": np.random.randn(2, 1)}
for g in "fico":
    demo_parameters["W" + g] = np.random.randn(5, 5 + 3)
    demo_parameters["b" + g] = np.random.randn(5, 1)
a_next_demo, c_next_demo, yt_demo, cache_demo = lstm_cell_forward(
    xt_demo, a_demo, c_demo, demo_parameters
)
print("a_next.shape =", a_next_demo.shape)
print("yt_pred.shape =", yt_demo.shape)
"""

BUGGY_LSTM_FORWARD = next(m for m in MISTAKES if m.id == "lstm-forward-starts-from-zeros")

COUNTER_START = "n_tries = 0"
COUNTER_STEP = """\
n_tries += 1
np.random.seed(n_tries)
x_try = np.random.randn(3, 10, 7)
"""
COUNTER_PRINT = 'print("tried", n_tries, "random inputs; x_try.shape =", x_try.shape)'


def check_cell(nb: nbformat.NotebookNode, name: str) -> int:
    """The index of the cell that runs `grader.check("name")`."""
    call = f'grader.check("{name}")'
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and call in c.source)


def run_in_order(nb: nbformat.NotebookNode, folder, order: list[int]) -> nbformat.NotebookNode:
    """Run the code cells of `nb` in one kernel in the given order of indices (repeats allowed),
    as a student clicking through them does; each cell keeps the outputs of its last run."""
    nb = copy.deepcopy(nb)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        allow_errors=True,
        timeout=120,
        resources={"metadata": {"path": str(folder)}},
    )
    with client.setup_kernel():
        for index in order:
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)
    return nb


@dataclass
class Scenario:
    """A saved notebook, the cells that matter in it, and its report once graded."""

    saved: nbformat.NotebookNode
    cells: dict[str, int]
    report: grader.Report | None = field(default=None)


# --- the scenarios: each returns the notebook as the student saved it ---------------------


def renamed_cell_function(student, folder) -> Scenario:
    """`gate` ran, then its cell was edited to define `gate_value`; lstm_cell_forward still
    calls `gate`, so the saved notebook only worked in the old kernel."""
    nb = notebook(student, lstm_cell_forward=LSTM_CELL_WITH_GATE)
    helper = function_cell(nb, "lstm_cell_forward")
    nb.cells.insert(helper, new_code_cell(GATE_HELPER))
    nb = executed(nb, folder)
    nb.cells[helper].source = RENAMED_HELPER  # edited, never re-run: outputs and count stay
    cells = {
        "helper": helper,
        "definition": function_cell(nb, "lstm_cell_forward"),
        "check": check_cell(nb, "lstm_cell_forward"),
    }
    return Scenario(nb, cells)


def used_before_defined(student, folder) -> Scenario:
    """A demo cell calling lstm_cell_forward sits above its definition; it was run after it."""
    nb = notebook(student)
    definition = function_cell(nb, "lstm_cell_forward")
    nb.cells.insert(definition, new_code_cell(LSTM_CELL_DEMO))
    demo, definition = definition, definition + 1
    order = list(range(len(nb.cells)))
    order[demo], order[definition] = definition, demo
    nb = run_in_order(nb, folder, order)
    return Scenario(nb, {"demo": demo, "definition": definition})


def redefined_below_check(student, folder) -> Scenario:
    """lstm_forward is right and checked, then a later cell redefines it with a known bug."""
    nb = notebook(student)
    check = check_cell(nb, "lstm_forward")
    nb.cells.insert(check + 1, new_code_cell(BUGGY_LSTM_FORWARD.source))
    nb = executed(nb, folder)
    cells = {"first": function_cell(nb, "lstm_forward"), "check": check, "second": check + 1}
    return Scenario(nb, cells)


def out_of_order_execution(student, folder) -> Scenario:
    """Everything ran, then rnn_cell_forward was edited (a comment) and it and its check re-ran."""
    nb = notebook(student)
    definition = function_cell(nb, "rnn_cell_forward")
    check = check_cell(nb, "rnn_cell_forward")
    nb.cells[definition].source = "# vectorised over the batch\n" + nb.cells[definition].source
    nb = run_in_order(nb, folder, [*range(len(nb.cells)), definition, check])
    return Scenario(nb, {"definition": definition, "check": check})


def drifted_output(student, folder) -> Scenario:
    """A cell printed a counter that a cell above had pushed to 3 by being re-run three times."""
    nb = notebook(student)
    at = check_cell(nb, "lstm_forward") + 1
    for offset, source in enumerate([COUNTER_START, COUNTER_STEP, COUNTER_PRINT]):
        nb.cells.insert(at + offset, new_code_cell(source))
    step, shown = at + 1, at + 2
    order = [i for i in range(len(nb.cells)) if i != step]
    order[order.index(shown) : order.index(shown)] = [step, step, step]
    nb = run_in_order(nb, folder, order)
    return Scenario(nb, {"step": step, "print": shown})


def helper_defined_below_check(student, folder) -> Scenario:
    """lstm_cell_forward calls `gate`; its check failed, the student wrote `gate` in a new cell
    below the check, ran it, then re-ran the definition and the check (which passed)."""
    nb = notebook(student, lstm_cell_forward=LSTM_CELL_WITH_GATE)
    definition = function_cell(nb, "lstm_cell_forward")
    check = check_cell(nb, "lstm_cell_forward")
    helper = check + 1
    nb.cells.insert(helper, new_code_cell(GATE_HELPER))
    order = [i for i in range(len(nb.cells)) if i != helper]
    at = order.index(definition)
    order[at:at] = [definition, check, helper]
    nb = run_in_order(nb, folder, order)
    return Scenario(nb, {"definition": definition, "check": check, "helper": helper})


SCENARIOS: dict[str, Callable] = {
    "renamed-cell-function": renamed_cell_function,
    "used-before-defined": used_before_defined,
    "redefined-below-check": redefined_below_check,
    "out-of-order-execution": out_of_order_execution,
    "drifted-output": drifted_output,
    "helper-defined-below-check": helper_defined_below_check,
}


@pytest.fixture(scope="module")
def graded(built, student_nb, cases, tmp_path_factory):
    """Scenario name -> Scenario with its report; each is built and graded on first use."""
    folder = tmp_path_factory.mktemp("student")
    shutil.copytree(built["student"].parent, folder, dirs_exist_ok=True)
    done: dict[str, Scenario] = {}

    def get(name: str) -> Scenario:
        if name not in done:
            scenario = SCENARIOS[name](student_nb, folder)
            path = tmp_path_factory.mktemp(name) / "rnn_lstm.ipynb"
            nbformat.write(scenario.saved, path)
            scenario.report = grader.check_submission(path, cases)
            done[name] = scenario
        return done[name]

    return get


def kinds(report: grader.Report) -> list[tuple[str, int]]:
    return [(item.kind, item.cell) for item in report.stale]


def stale_of(report: grader.Report, kind: str, cell: int) -> str:
    """The message of the item of `kind` about `cell`; a failed lookup lists what exists."""
    for item in report.stale:
        if item.kind == kind and item.cell == cell:
            return item.message
    raise AssertionError(f"no {kind} item for cell {cell}; items: {kinds(report)}")


def assert_explained(report: grader.Report, kind: str, cell: int, *words: str) -> None:
    """The item is in the report, its message holds `words`, and text and JSON both carry it."""
    message = stale_of(report, kind, cell)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    text = grader.render_text(report)
    assert "stale state:" in text
    assert f"  - {message}" in text
    stale_json = grader.to_dict(report)["run"]["stale"]
    assert {"kind": kind, "cell": cell, "message": message} in stale_json


# --- every scenario: the saved notebook hides it, the report explains it ----------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_saved_notebook_looks_clean(graded, name):
    """The saved notebook ran every code cell without an error: only a fresh run can tell."""
    for cell in graded(name).saved.cells:
        if cell.cell_type == "code":
            assert isinstance(cell.execution_count, int), cell.source[:60]
            assert "Error" not in cell_text(cell.outputs), cell_text(cell.outputs)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_stale_item_is_in_text_and_json(graded, name):
    """The fresh run finds stale state, and every item is in the text and the JSON report."""
    report = graded(name).report
    assert report.stale
    for item in report.stale:
        assert_explained(report, item.kind, item.cell, "kernel and run all cells")


# --- renamed-cell-function ----------------------------------------------------------------------


def test_renamed_cell_function_names_the_missing_helper(graded):
    """renamed-cell-function: a missing_name item at lstm_cell_forward's cell names `gate`, says
    no cell defines it any more and suggests the rename to `gate_value`."""
    scenario = graded("renamed-cell-function")
    report, definition = scenario.report, scenario.cells["definition"]
    assert ("missing_name", definition) in kinds(report)
    assert_explained(
        report,
        "missing_name",
        definition,
        "uses `gate`, which no cell of the notebook defines any more",
        "now defines `gate_value`: was it renamed?",
    )


def test_renamed_cell_function_flags_the_check_cell(graded):
    """renamed-cell-function: the check cell, saved as passing, is flagged as stale."""
    scenario = graded("renamed-cell-function")
    report, check = scenario.report, scenario.cells["check"]
    flagged = [item for item in report.stale if item.cell == check]
    assert flagged, kinds(report)
    assert_explained(
        report, flagged[0].kind, check, f"Cell {check + 1}", "Restart the kernel and run all cells"
    )


def test_renamed_cell_function_verdict_says_it_raises_name_error(graded):
    """renamed-cell-function: lstm_cell_forward is an error whose finding names the NameError
    for `gate` and the line that calls it; its dependents blame it."""
    report = graded("renamed-cell-function").report
    result = report.function("lstm_cell_forward")
    assert result.status == "error"
    assert result.score == 0
    messages = " ".join(f.message for f in result.findings)
    assert "NameError" in messages
    assert "name 'gate' is not defined" in messages
    assert "ft = gate(" in messages
    for dependent in ("lstm_forward", "lstm_backward"):
        assert "lstm_cell_forward" in report.function(dependent).blame
    text = grader.render_text(report)
    assert "ERROR   lstm_cell_forward  0 / 2" in text
    assert "name 'gate' is not defined" in text


def test_renamed_cell_function_dependents_say_they_raise(graded):
    """renamed-cell-function: lstm_forward's blame finding says that as written it raises the
    NameError of lstm_cell_forward, not that it gets a result wrong."""
    report = graded("renamed-cell-function").report
    blame = [f.message for f in report.function("lstm_forward").findings if f.code == "blame"]
    assert len(blame) == 1
    assert "As written it still fails (raised NameError" in blame[0]
    assert "name 'gate' is not defined" in blame[0]
    assert "because of `lstm_cell_forward`" in blame[0]
    assert "gets its result wrong" not in blame[0]


# --- used-before-defined ------------------------------------------------------------------------


def test_used_before_defined(graded):
    """used-before-defined: the demo above the definition fails fresh ('uses ... before cell N
    defines it') and the definition is out_of_order."""
    scenario = graded("used-before-defined")
    report, demo, definition = scenario.report, scenario.cells["demo"], scenario.cells["definition"]
    assert kinds(report) == [("fresh_error", demo), ("out_of_order", definition)]
    assert_explained(
        report,
        "fresh_error",
        demo,
        f"Cell {demo + 1} uses `lstm_cell_forward` before cell {definition + 1} defines it",
        "Move the definition above its first use",
    )
    assert_explained(
        report,
        "out_of_order",
        definition,
        f"Cell {definition + 1} ran",
        f"before cell {demo + 1} above it",
    )
    assert report.run.status == "errors"
    assert report.function("lstm_cell_forward").status == "pass"


# --- redefined-below-check ----------------------------------------------------------------------


def test_redefined_below_check(graded):
    """redefined-below-check: one `redefined` item names both definitions and the check, and
    the verdict is on the buggy last definition."""
    scenario = graded("redefined-below-check")
    report, cells = scenario.report, scenario.cells
    assert kinds(report) == [("redefined", cells["second"])]
    assert_explained(
        report,
        "redefined",
        cells["second"],
        f"`lstm_forward` is defined in cell {cells['first'] + 1} and again in cell "
        f"{cells['second'] + 1}",
        f"not the one the check in cell {cells['check'] + 1} tested",
    )
    saved_check = cell_text(scenario.saved.cells[cells["check"]].outputs)
    assert "lstm_forward passed" in saved_check or "All test cases passed" in saved_check
    result = report.function("lstm_forward")
    assert result.status == "fail"
    assert result.correct_in_isolation is False
    assert "lstm_forward" in result.blame
    known = [f.where for f in result.findings if f.code == "known-mistake"]
    assert known == [BUGGY_LSTM_FORWARD.id]


# --- out-of-order-execution ---------------------------------------------------------------------


def test_out_of_order_execution(graded):
    """out-of-order-execution: re-running a cell and its check after the rest gives out_of_order
    items that name the re-run check, its count and a cell below it that ran earlier, and
    nothing else is stale."""
    scenario = graded("out-of-order-execution")
    report, check = scenario.report, scenario.cells["check"]
    count = scenario.saved.cells[check].execution_count
    assert {kind for kind, _ in kinds(report)} == {"out_of_order"}
    assert_explained(
        report,
        "out_of_order",
        check,
        f"Cell {check + 1} ran (execution count {count}) after cell",
        "below it",
    )
    assert report.function("rnn_cell_forward").status == "pass"


def test_out_of_order_execution_flags_only_the_rerun_cells(graded):
    """out-of-order-execution: only the re-run cells are flagged, not every cell below them."""
    scenario = graded("out-of-order-execution")
    flagged = {cell for kind, cell in kinds(scenario.report) if kind == "out_of_order"}
    assert flagged
    assert flagged <= {scenario.cells["definition"], scenario.cells["check"]}


# --- drifted-output -----------------------------------------------------------------------------


def test_drifted_output(graded):
    """drifted-output: a counter printed as 3 in the saved run and 1 in the fresh one is
    drifted_output, quoting both lines."""
    scenario = graded("drifted-output")
    report, shown = scenario.report, scenario.cells["print"]
    assert kinds(report) == [("drifted_output", shown)]
    assert_explained(
        report,
        "drifted_output",
        shown,
        f"Cell {shown + 1} shows different output in a fresh kernel",
        "'tried 3 random inputs; x_try.shape = (3, 10, 7)'",
        "'tried 1 random inputs; x_try.shape = (3, 10, 7)'",
    )
    assert report.score == report.max_score


# --- helper-defined-below-check -----------------------------------------------------------------


def test_helper_defined_below_check(graded):
    """helper-defined-below-check: the helper cell is out_of_order, the check cell is flagged,
    and lstm_cell_forward passes (the helper exists once the whole notebook has run)."""
    scenario = graded("helper-defined-below-check")
    report, cells = scenario.report, scenario.cells
    assert ("out_of_order", cells["helper"]) in kinds(report)
    assert_explained(
        report,
        "out_of_order",
        cells["helper"],
        f"Cell {cells['helper'] + 1} ran",
        f"before cell {cells['check'] + 1} above it",
    )
    assert any(item.cell == cells["check"] for item in report.stale), kinds(report)
    assert report.function("lstm_cell_forward").status == "pass"


def test_helper_defined_below_check_names_the_helper(graded):
    """helper-defined-below-check: the report says the check uses `gate` before the helper's
    cell defines it."""
    scenario = graded("helper-defined-below-check")
    messages = " ".join(item.message for item in scenario.report.stale)
    assert "`gate`" in messages
    assert f"before cell {scenario.cells['helper'] + 1} defines it" in messages
