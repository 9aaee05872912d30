"""The diagnosis on in-process runs (no kernel): the specific findings each kind of evidence
gives. The same code judges the kernel's records in the engine."""

import numpy as np
import pytest

from grader import isolation
from grader.assignments import rnn_lstm as spec
from grader.diagnosis import judge
from grader.scoring import function_result, with_blame
from solutions import reference
from solutions.mistakes import MISTAKES, build


def namespace(**sources):
    ns = {"np": np, "sigmoid": reference.sigmoid, "softmax": reference.softmax}
    ns.update({n: getattr(reference, n) for n in spec.NAMES})
    for source in sources.values():
        exec(source, ns)  # noqa: S102 (test code defining a student function)
    return ns


def diagnose(name, cases, ns):
    names = (name, *spec.dependencies(name))
    evidence = isolation.collect(cases, isolation.in_process_runner(ns), names)
    verdicts = {n: judge(n, evidence[n]) for n in names}
    results = {n: function_result(n, verdicts[n], cases) for n in names}
    return next(r for r in with_blame(results, verdicts) if r.name == name)


def codes(result):
    return [f.code for f in result.findings]


def with_mistake(mistake_id):
    m = next(m for m in MISTAKES if m.id == mistake_id)
    ns = namespace()
    ns[m.function] = build(m, ns)
    ns[m.function].__globals__.update({k: v for k, v in ns.items() if k != m.function})
    return m.function, ns


def test_right_intermediate_points_at_the_step_after_it(cases):
    """dtanh right but dba wrong: the finding says the slip is between dtanh and dba."""
    name, ns = with_mistake("rnn-cell-backward-dba-wrong-axis")
    result = diagnose(name, cases, ns)
    step = [f for f in result.findings if f.code == "wrong-step-after-intermediate"]
    assert step and "dtanh" in step[0].message and "dba" in step[0].message


def test_view_into_an_overwritten_array_is_found(cases):
    """The c_next = c[:, :, 0] view: shared memory and a value changed after the call."""
    name, ns = with_mistake("lstm-forward-initial-cell-state-is-view")
    result = diagnose(name, cases, ns)
    assert {"shared-memory", "changed-after-call"} <= set(codes(result))
    assert result.wrong_outputs == ("caches",) and result.wrong_steps == (0,)


def test_skipped_call_is_counted(cases):
    """A loop that stops before t = 0 makes one call too few, and says so."""
    name, ns = with_mistake("rnn-backward-skips-step-zero")
    assert "callee-call-count" in codes(diagnose(name, cases, ns))


RNN_BACKWARD_IN_PLACE = """
def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    grads = {"dx": np.zeros((x.shape[0], m, T_x)), "dWax": 0, "dWaa": 0, "dba": 0}
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        da[:, :, t] += da_prevt
        g = rnn_cell_backward(da[:, :, t], caches[t])
        grads["dx"][:, :, t] = g["dxt"]
        for k in ("dWax", "dWaa", "dba"):
            grads[k] = grads[k] + g[k]
        da_prevt = g["da_prev"]
    grads["da0"] = da_prevt
    return grads
"""

RNN_FORWARD_INLINE = """
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    a = np.zeros((a0.shape[0], m, T_x))
    y_pred = np.zeros((parameters["Wya"].shape[0], m, T_x))
    caches, a_next = [], a0
    for t in range(T_x):
        a_prev = a_next
        z = parameters["Waa"] @ a_prev + parameters["Wax"] @ x[:, :, t] + parameters["ba"]
        a_next = np.tanh(z)
        y_pred[:, :, t] = softmax(parameters["Wya"] @ a_next + parameters["by"])
        a[:, :, t] = a_next
        caches.append((a_next, a_prev, x[:, :, t], parameters))
    return a, y_pred, (caches, x)
"""


def test_writing_into_an_input_is_reported_but_not_failed(cases):
    """Right gradients computed by writing into `da`: a pass, with a mutated-input finding."""
    result = diagnose("rnn_backward", cases, namespace(rnn_backward=RNN_BACKWARD_IN_PLACE))
    assert result.status == "pass" and result.mutated_inputs == ("da",)
    assert "mutated-input" in codes(result)


def test_inlined_cell_is_judged_on_outputs(cases):
    """An rnn_forward that computes the cell itself passes, with a note that it never called it."""
    result = diagnose("rnn_forward", cases, namespace(rnn_forward=RNN_FORWARD_INLINE))
    assert result.status == "pass" and "computes-inline" in codes(result)


@pytest.mark.parametrize(
    "mistake_id", ["lstm-backward-no-recurrent-gradient", "lstm-cell-backward-dft-without-dc-next"]
)
def test_hidden_case_messages_show_shapes_not_values(cases, mistake_id):
    """Messages about hidden cases name shapes and counts, never the hidden inputs' values."""
    name, ns = with_mistake(mistake_id)
    text = " ".join(f.message for f in diagnose(name, cases, ns).findings)
    hidden = cases.for_function(name)[1]
    first = float(np.ravel(hidden.args[0])[0])
    assert f"{first:.3g}" not in text and repr(first) not in text


def test_function_whose_cell_does_not_compile_is_explained(student_nb, cases, tmp_path):
    """A syntax error in the defining cell: the function is missing and the cell is named."""
    import nbformat
    from notebooks import notebook

    import grader

    broken = "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n    ft = (1 +\n"
    path = tmp_path / "syntax.ipynb"
    nbformat.write(notebook(student_nb, lstm_cell_forward=broken), path)
    result = grader.check_submission(path, cases).function("lstm_cell_forward")
    assert result.status == "missing" and result.score == 0
    assert result.findings[0].code == "definition-failed"
    assert "SyntaxError" in result.findings[0].message


@pytest.mark.parametrize(
    "mistake_id, words",
    [
        ("lstm-forward-starts-from-zeros", "only those at t = 0 are wrong"),
        ("rnn-backward-no-recurrent-gradient", "every step is wrong except the one the loop"),
    ],
)
def test_wrong_steps_pattern_is_put_in_words(cases, mistake_id, words):
    """Where the wrong steps sit in the loop says where the mistake is."""
    name, ns = with_mistake(mistake_id)
    patterns = [f.message for f in diagnose(name, cases, ns).findings if f.code == "step-pattern"]
    assert patterns and words in patterns[0]


# --- issue 7: words a student would use -------------------------------------------------------


def test_cache_places_read_as_a_student_would_say_them(cases):
    """The c_next view bug: the cached c_prev is named "the c_prev stored in the cache of step
    t = 0", never by the internal path alone."""
    name, ns = with_mistake("lstm-forward-initial-cell-state-is-view")
    text = " ".join(f.message for f in diagnose(name, cases, ns).findings)
    assert "the c_prev stored in the cache of step t = 0 (caches[0][0][3])" in text
    assert "entry c_prev (t = 0)" not in text


RNN_FORWARD_ZERO_START_AND_DOUBLED_Y = """
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = np.zeros_like(a0)
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = 2 * yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)
"""


def test_step_pattern_names_its_evidence_when_the_outputs_disagree(cases):
    """Only the argument passed to the cell at t = 0 is wrong, but y_pred is wrong at every
    step: the pattern says it is about the arguments passed to the cell, and that the outputs
    are wrong at every time step too; it never says "only t = 0 is wrong"."""
    ns = namespace(rnn_forward=RNN_FORWARD_ZERO_START_AND_DOUBLED_Y)
    result = diagnose("rnn_forward", cases, ns)
    patterns = [f.message for f in result.findings if f.code == "step-pattern"]
    assert patterns, [f.message for f in result.findings]
    assert patterns[0].startswith(
        "Of the arguments your rnn_forward passes to rnn_cell_forward, only those at t = 0"
    )
    assert "own outputs are also wrong at every time step" in patterns[0]
    assert "Only t = 0 is wrong" not in " ".join(f.message for f in result.findings)


# --- issue 9: the mutated_inputs policy, scored from the case data ---------------------------


RNN_CELL_BACKWARD_IN_PLACE = """
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    da_next *= 1 - a_next ** 2
    return {"dxt": parameters["Wax"].T @ da_next, "da_prev": parameters["Waa"].T @ da_next,
            "dWax": da_next @ xt.T, "dWaa": da_next @ a_prev.T,
            "dba": np.sum(da_next, axis=1, keepdims=True)}
"""


@pytest.mark.parametrize(
    "policy, status, share", [("warn", "pass", 1.0), ("deduct", "pass", 0.5), ("fail", "fail", 0.0)]
)
def test_mutation_policy_decides_the_points(cases, policy, status, share):
    """The same in-place writer scores by the case data's `mutated_inputs` setting: full points,
    half of them, or none (its cases count as failed); the finding says which."""
    from dataclasses import replace

    data = replace(cases, settings={**cases.settings, "mutated_inputs": policy})
    ns = namespace(rnn_cell_backward=RNN_CELL_BACKWARD_IN_PLACE)
    result = diagnose("rnn_cell_backward", data, ns)
    assert result.status == status
    assert result.mutated_inputs == ("da_next",)
    assert result.score == pytest.approx(result.max_score * share)
    assert result.penalty == pytest.approx(result.max_score * 0.5 if policy == "deduct" else 0)
    said = [f.message for f in result.findings if f.code == "mutation-policy"]
    assert bool(said) == (policy != "warn")
    if said:
        assert f"`mutated_inputs: {policy}`" in said[0]


def test_unknown_mutation_policy_is_rejected_with_the_valid_ones():
    """A typo in the setting is refused on entry, listing warn, deduct and fail."""
    from grader.errors import ConfigError
    from grader.policy import mutation_policy

    with pytest.raises(ConfigError) as raised:
        mutation_policy({"mutated_inputs": "strict"})
    assert "warn, deduct, fail" in str(raised.value)


def test_build_carries_the_masters_policy_into_both_case_files(built):
    """The case files written by the build hold the master notebook's setting, which is what
    `check`, `grader.check()` and `otter run` score by."""
    import json

    from grader import probe
    from solutions.build import MASTER
    from solutions.plugin_settings import case_data_settings

    def read(path):
        return probe.decode(json.loads(path.read_text()))

    want = case_data_settings(MASTER)
    for name in ("public_cases.json", "hidden_cases.json"):
        data = read(built["cases"] / name)
        assert data["settings"]["mutated_inputs"] == want["mutated_inputs"], name
    student = built["student"].parent / "grader" / "data" / "public_cases.json"
    assert read(student)["settings"] == data["settings"]


def test_plugin_settings_read_from_a_master_copy(tmp_path):
    """A master notebook listing the plugin with `mutated_inputs: fail` gives that setting;
    a bare plugin entry gives the default."""
    import nbformat

    from solutions.build import MASTER
    from solutions.plugin_settings import case_data_settings

    nb = nbformat.read(MASTER, as_version=4)
    config = nb.cells[0]
    config.source = config.source.replace("mutated_inputs: warn", "mutated_inputs: fail")
    nbformat.write(nb, tmp_path / "fail.ipynb")
    assert case_data_settings(tmp_path / "fail.ipynb") == {"mutated_inputs": "fail"}
    config.source = config.source.replace(
        "RootCausePlugin:\n      mutated_inputs: fail", "RootCausePlugin"
    )
    nbformat.write(nb, tmp_path / "bare.ipynb")
    assert case_data_settings(tmp_path / "bare.ipynb") == {"mutated_inputs": "warn"}


# --- the JSON contract ------------------------------------------------------------------------


def test_a_report_with_every_field_follows_the_schema(cases):
    """A report holding every optional field (stale items, cells, notices, per-case results,
    penalties, findings) validates against grader/report_schema.json, and a report whose case
    steps lie outside the case is refused."""
    from report_schema import validate

    import grader
    from grader.records import CaseResult, CellRun, RunRecord, StaleItem

    name, ns = with_mistake("lstm-backward-no-recurrent-gradient")
    result = diagnose(name, cases, ns)
    report = grader.Report(
        "every-field.ipynb",
        RunRecord("errors", (CellRun(3, "error", "NameError", "name 'x'", ""),)),
        (StaleItem("missing_name", 3, "stale"),),
        (result,),
        (grader.Finding("sandbox-unavailable", "no sandbox"),),
    )
    data = validate(grader.to_dict(report))
    assert data["functions"][name]["cases"] and data["functions"][name]["findings"]
    bad = replace_case(result, CaseResult("public-1", "public", 1, False, 4, ("dx",), (9,)))
    with pytest.raises(AssertionError, match="outside its 4 steps"):
        validate(grader.to_dict(grader.Report("bad.ipynb", RunRecord("ok"), (), (bad,))))


def replace_case(result, case):
    from dataclasses import replace

    return replace(result, cases=(case,))
