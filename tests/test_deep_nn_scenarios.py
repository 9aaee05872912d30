"""The deep network assignment through the whole engine, in real kernels: one scenario notebook
per cataloged mistake, every valid alternative at full marks, root cause across layers, and
notebooks saved from a kernel with stale state.

Each mistake notebook is the built student notebook with every function right except one,
written with the mistake (solutions/deep_nn/mistakes.py). The engine must blame that function
alone, name the outputs that are wrong (checked against an oracle that runs the mistake and the
reference on the same cases), the intermediates the mistake corrupts and the mistake itself,
while every other function keeps its points.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable

import nbformat
import pytest
from deep_nn_harness import differs, namespace
from nbformat.v4 import new_code_cell
from notebooks import executed, function_cell, notebook
from test_stale_scenarios import Scenario, check_cell, kinds, run_in_order, stale_of

import grader
from grader.assignments import deep_nn as spec
from solutions.deep_nn import cases
from solutions.deep_nn.alternatives import ALTERNATIVES
from solutions.deep_nn.mistakes import MISTAKES, build

NOTEBOOK = "deep_nn.ipynb"  # the name the set-up cell expects
MUTATES = {"update-parameters-in-place", "update-parameters-shallow-copy"}


def write(tmp_path, label: str, nb: nbformat.NotebookNode):
    path = tmp_path / label / NOTEBOOK
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


# --- the oracle -----------------------------------------------------------------------------


def _named(fn: spec.Function, value) -> dict | None:
    """A returned value as {output name: value}, None when it does not have the declared form."""
    if fn.returns == "value":
        return {fn.outputs[0]: value}
    if fn.returns == "dict":
        return dict(value) if isinstance(value, dict) else None
    if not isinstance(value, tuple) or len(value) != len(fn.outputs):
        return None
    return dict(zip(fn.outputs, value))


def oracle_wrong_outputs(mistake) -> set[str]:
    """The outputs the mistake gets wrong on some case it runs on, by running it and the
    reference side by side (np.allclose); a result of the wrong form makes every output of
    that case wrong, and a keyed dict lacking a key does too."""
    fn = spec.function(mistake.function)
    buggy = build(mistake, namespace())
    wrong: set[str] = set()
    for case in cases.for_function(mistake.function):
        want = _named(fn, cases.expected(case))
        try:
            got = _named(fn, cases.call(case, buggy))
        except Exception:  # a crash has no outputs; the engine reports it as an error
            continue
        if got is None or any(k not in got for k in want):
            wrong |= set(want)
        else:
            wrong |= {k for k in want if differs(got[k], want[k])}
    return wrong


# --- one notebook per mistake -----------------------------------------------------------------


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_diagnosed(mistake, deep_nn_student, deep_nn_cases, tmp_path):
    """The buggy function is blamed, its wrong outputs and intermediates named, its hint given
    (a write into the input fails by the master's policy and says where); no other function
    loses a point or is blamed on anything else."""
    nb = notebook(deep_nn_student, **{mistake.function: mistake.source})
    report = grader.check_submission(write(tmp_path, mistake.id, nb), deep_nn_cases)
    result = report.function(mistake.function)
    text = grader.render_text(report)

    assert report.run.status == "ok", text
    assert result.status in ("fail", "error"), text
    assert result.correct_in_isolation is False, text
    assert result.blame[:1] == (mistake.function,), text
    assert set(result.wrong_outputs) == oracle_wrong_outputs(mistake), text
    assert set(result.wrong_intermediates) == set(mistake.intermediates), text
    if mistake.id in MUTATES:
        assert result.mutated_inputs and result.score == 0, text
        assert "mutated-input" in [f.code for f in result.findings], text
    else:
        hints = [f for f in result.findings if f.code == "known-mistake"]
        assert mistake.id in [f.where for f in hints], text
        assert mistake.hint in [f.message for f in hints], text
    for other in report.functions:
        if other.name != mistake.function:
            assert other.score == other.max_score, (other.name, text)
            if other.blame:
                assert other.blame == (mistake.function,), (other.name, text)


def test_every_function_has_a_scenario():
    """The scenarios cover every graded function, and there are at least 20 of them."""
    assert len(MISTAKES) >= 20
    assert {m.function for m in MISTAKES} == set(spec.NAMES)


# --- valid alternatives ---------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda a: a.id)
def test_alternative_gets_full_marks(alternative, deep_nn_student, deep_nn_cases, tmp_path):
    """A correct function written differently from the reference scores full marks, with no
    finding against it and nothing stale."""
    nb = notebook(deep_nn_student, **{alternative.function: alternative.source})
    report = grader.check_submission(write(tmp_path, alternative.id, nb), deep_nn_cases)
    text = grader.render_text(report)
    assert report.run.status == "ok" and not report.stale, text
    assert report.score == report.max_score, text
    result = report.function(alternative.function)
    assert result.findings == () and result.blame == (), text


# --- root cause across layers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def relu_bug(deep_nn_student, deep_nn_cases, tmp_path_factory):
    """linear_activation_backward wrong for relu only; everything else right."""
    bug = next(m for m in MISTAKES if m.id == "linear-activation-backward-relu-derivative-skipped")
    nb = notebook(deep_nn_student, **{bug.function: bug.source})
    return grader.check_submission(
        write(tmp_path_factory.mktemp("layers"), bug.id, nb), deep_nn_cases
    )


def test_the_layer_loop_is_right_and_blames_the_layer_function(relu_bug):
    """L_model_backward keeps its points: with reference linear_activation_backward results
    injected it is right; as written its hidden layers' gradients are wrong, and the report
    names the layers, the function to fix and the activation it is wrong for."""
    result = relu_bug.function("L_model_backward")
    assert result.status == "pass" and result.score == result.max_score
    assert result.blame == ("linear_activation_backward",)
    (blame,) = [f.message for f in result.findings if f.code == "blame"]
    assert "Your L_model_backward is right" in blame
    assert "(at layer 1)" in blame  # the public case's one hidden layer; its output is sigmoid
    assert "because of `linear_activation_backward` (wrong for relu)" in blame


def test_the_layer_function_is_wrong_for_one_activation(relu_bug, deep_nn_cases):
    """linear_activation_backward fails exactly the cases that use relu, and its findings say
    so instead of guessing at sizes."""
    result = relu_bug.function("linear_activation_backward")
    assert result.status == "fail" and 0 < result.score < result.max_score
    (choice,) = [f for f in result.findings if f.code == "choice-pattern"]
    assert choice.where == "relu" and "right on every case with 'sigmoid'" in choice.message
    assert "some-cases" not in [f.code for f in result.findings]
    failing = {(c.set, c.id) for c in result.cases if not c.passed}
    relu = {
        (c.set, c.id)
        for c in deep_nn_cases.for_function("linear_activation_backward")
        if c.args[-1] == "relu"
    }
    assert failing == relu


def test_a_layer_loop_mistake_names_its_layer(deep_nn_student, deep_nn_cases, tmp_path):
    """update_parameters that stops a layer early: the wrong keys are named by layer in the
    loop's words ("the W of layer 2 (W2)")."""
    bug = next(m for m in MISTAKES if m.id == "update-parameters-skips-last-layer")
    nb = notebook(deep_nn_student, **{bug.function: bug.source})
    report = grader.check_submission(write(tmp_path, bug.id, nb), deep_nn_cases)
    messages = " ".join(f.message for f in report.function(bug.function).findings)
    last = max(
        int(k[1:]) for k in deep_nn_cases.for_function(bug.function)[0].expected if k[0] == "W"
    )
    assert f"the W of layer {last} (W{last})" in messages
    assert f"the b of layer {last} (b{last})" in messages


# --- stale state ----------------------------------------------------------------------------

AFFINE_HELPER = '''def affine(A, W, b):
    """W A + b for a batch of column vectors."""
    return np.dot(W, A) + b
'''
LINEAR_FORWARD_WITH_HELPER = """def linear_forward(A, W, b):
    Z = affine(A, W, b)
    cache = (A, W, b)
    return Z, cache
"""
L_MODEL_DEMO = """np.random.seed(1)
AL_demo, caches_demo = L_model_forward(np.random.randn(5, 4), initialize_parameters_deep([5, 4, 1]))
print(AL_demo.shape, len(caches_demo))
"""


def renamed_helper(student, folder) -> Scenario:
    """linear_forward calls a helper `affine` that was renamed `affine_map` after it ran."""
    nb = notebook(student, linear_forward=LINEAR_FORWARD_WITH_HELPER)
    helper = function_cell(nb, "linear_forward")
    nb.cells.insert(helper, new_code_cell(AFFINE_HELPER))
    nb = executed(nb, folder)
    nb.cells[helper].source = AFFINE_HELPER.replace("def affine(", "def affine_map(")
    return Scenario(nb, {"helper": helper, "definition": function_cell(nb, "linear_forward")})


def used_before_defined(student, folder) -> Scenario:
    """A demo of L_model_forward sits above its definition and was run after it."""
    nb = notebook(student)
    definition = function_cell(nb, "L_model_forward")
    nb.cells.insert(definition, new_code_cell(L_MODEL_DEMO))
    demo, definition = definition, definition + 1
    order = list(range(len(nb.cells)))
    order[demo], order[definition] = definition, demo
    return Scenario(run_in_order(nb, folder, order), {"demo": demo, "definition": definition})


def redefined_below_check(student, folder) -> Scenario:
    """L_model_backward is right and checked, then a later cell redefines it with a known bug."""
    bug = next(m for m in MISTAKES if m.id == "l-model-backward-dal-sign-flipped")
    nb = notebook(student)
    check = check_cell(nb, "L_model_backward")
    nb.cells.insert(check + 1, new_code_cell(bug.source))
    nb = executed(nb, folder)
    first = function_cell(nb, "L_model_backward")
    return Scenario(nb, {"first": first, "check": check, "second": check + 1})


STALE: dict[str, Callable] = {
    "renamed-helper": renamed_helper,
    "used-before-defined": used_before_defined,
    "redefined-below-check": redefined_below_check,
}


@pytest.fixture(scope="module")
def stale(built_deep_nn, deep_nn_student, deep_nn_cases, tmp_path_factory):
    """Scenario name -> its saved notebook and report, made on first use."""
    folder = tmp_path_factory.mktemp("student")
    shutil.copytree(built_deep_nn["student"].parent, folder, dirs_exist_ok=True)
    done: dict[str, Scenario] = {}

    def get(name: str) -> Scenario:
        if name not in done:
            scenario = STALE[name](copy.deepcopy(deep_nn_student), folder)
            path = write(tmp_path_factory.mktemp(name), name, scenario.saved)
            scenario.report = grader.check_submission(path, deep_nn_cases)
            done[name] = scenario
        return done[name]

    return get


@pytest.mark.parametrize("name", list(STALE))
def test_the_saved_notebook_looks_clean(stale, name):
    """Every code cell of the saved notebook ran without an error: only a fresh run tells."""
    saved = stale(name).saved
    for cell in saved.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def test_renamed_helper(stale):
    """The fresh run fails where linear_forward calls `affine`, the item suggests the rename,
    linear_forward scores 0 for the NameError, and the functions that call it blame it."""
    scenario = stale("renamed-helper")
    report, definition = scenario.report, scenario.cells["definition"]
    text = stale_of(report, "missing_name", definition)
    assert "`affine`" in text and "`affine_map`" in text
    result = report.function("linear_forward")
    assert result.status == "error" and result.score == 0
    assert "name 'affine' is not defined" in " ".join(f.message for f in result.findings)
    for dependent in ("linear_activation_forward", "L_model_forward"):
        assert report.function(dependent).blame == ("linear_forward",)
        assert report.function(dependent).score == report.function(dependent).max_score


def test_used_before_defined(stale):
    """The demo above L_model_forward's definition fails fresh, the definition ran out of
    order, and L_model_forward itself is right."""
    scenario = stale("used-before-defined")
    report, demo, definition = scenario.report, scenario.cells["demo"], scenario.cells["definition"]
    assert kinds(report) == [("fresh_error", demo), ("out_of_order", definition)]
    assert f"uses `L_model_forward` before cell {definition + 1} defines it" in stale_of(
        report, "fresh_error", demo
    )
    assert report.function("L_model_forward").status == "pass"


def test_redefined_below_check(stale):
    """The saved check passed on the first definition; the grade is of the buggy second one,
    and the report names both definitions and the check."""
    scenario = stale("redefined-below-check")
    report, cells = scenario.report, scenario.cells
    assert kinds(report) == [("redefined", cells["second"])]
    text = stale_of(report, "redefined", cells["second"])
    assert f"defined in cell {cells['first'] + 1} and again in cell {cells['second'] + 1}" in text
    result = report.function("L_model_backward")
    assert result.status == "fail" and result.blame[:1] == ("L_model_backward",)
    known = [f.where for f in result.findings if f.code == "known-mistake"]
    assert known == ["l-model-backward-dal-sign-flipped"]
