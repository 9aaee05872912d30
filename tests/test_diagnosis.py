"""The diagnosis on in-process runs (no kernel): the specific findings each kind of evidence
gives. The same code judges the kernel's records in the engine."""

import numpy as np
import pytest

from grader import isolation, spec
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
