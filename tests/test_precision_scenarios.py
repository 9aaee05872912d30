"""Scenario notebooks for the advice around a verdict (issue 9), through the whole engine in a
real kernel: undefined names, per-case steps, own versus inherited errors, a mean over the
batch, slips that used to get no hint, shared memory the reference has too, and functions that
only write into their inputs.

Each notebook puts one pattern into each of several functions (our own code, in the style real
submissions use), so one kernel run grades several scenarios; every assertion is about the
function whose pattern it is. None of these notebooks has saved outputs except the one whose
story is a deleted cell, and only that one may report stale state.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from notebooks import executed, function_cell, notebook
from report_schema import validate

import grader

# --- undefined names ---------------------------------------------------------------------------
LSTM_CELL_BACKWARD_GLOBAL_WF = """\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    da_prev = (Wf[:, :n_a].T @ dft + parameters["Wi"][:, :n_a].T @ dit
               + parameters["Wc"][:, :n_a].T @ dcct + parameters["Wo"][:, :n_a].T @ dot)
    dxt = (Wf[:, n_a:].T @ dft + parameters["Wi"][:, n_a:].T @ dit
           + parameters["Wc"][:, n_a:].T @ dcct + parameters["Wo"][:, n_a:].T @ dot)
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc * ft,
            "dWf": dft @ concat.T, "dbf": dft.sum(axis=1, keepdims=True),
            "dWi": dit @ concat.T, "dbi": dit.sum(axis=1, keepdims=True),
            "dWc": dcct @ concat.T, "dbc": dcct.sum(axis=1, keepdims=True),
            "dWo": dot @ concat.T, "dbo": dot.sum(axis=1, keepdims=True)}
"""

RNN_BACKWARD_NP_ZEROS = """\
def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    dx = np_zeros((x.shape[0], m, T_x))
    dWax, dWaa, dba = 0, 0, 0
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
        da_prevt = g["da_prev"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
"""

RNN_CELL_FORWARD_LEFTOVER = """\
def rnn_cell_forward(xt, a_prev, parameters):
    z = parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"]
    a_next = np.tanh(z)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"] + b)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
"""

LSTM_BACKWARD_TYPO = """\
def lstm_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    grads = {}
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backwards(da[:, :, t] + da_prevt, dc_prevt, cache_list[t])
        dx[:, :, t] = g["dxt"]
        for k in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
            grads[k] = grads.get(k, 0) + g[k]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **grads}
"""

# --- own versus inherited, per-case steps --------------------------------------------------
LSTM_CELL_BACKWARD_DXT_WITHOUT_OUTPUT_GATE = LSTM_CELL_BACKWARD_GLOBAL_WF.replace(
    "    da_prev = (Wf", '    Wf = parameters["Wf"]\n    da_prev = (Wf'
).replace(
    '+ parameters["Wc"][:, n_a:].T @ dcct + parameters["Wo"][:, n_a:].T @ dot)',
    '+ parameters["Wc"][:, n_a:].T @ dcct)',
)

LSTM_BACKWARD_BIASES_OVERWRITTEN = """\
def lstm_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    grads = {k: 0 for k in ("dWf", "dWi", "dWc", "dWo")}
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        for k in ("dWf", "dWi", "dWc", "dWo"):
            grads[k] = grads[k] + g[k]
        for k in ("dbf", "dbi", "dbc", "dbo"):
            grads[k] = g[k]  # only the last cell's (t = 0) bias gradients survive
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **grads}
"""

# --- a mean over the batch and other slips ---------------------------------------------------
RNN_CELL_BACKWARD_MEAN = """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = da_next * (1 - a_next * a_next)
    return {
        "dxt": np.dot(parameters["Wax"].T, dtanh),
        "da_prev": np.dot(parameters["Waa"].T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_prev.T),
        "dba": dtanh.mean(axis=1, keepdims=True),
    }
"""

LSTM_CELL_BACKWARD_GRADIENTS_AS_WEIGHTS = """\
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    concat = np.vstack((a_prev, xt))
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    d = {"o": da_next * np.tanh(c_next) * ot * (1 - ot), "c": dc * it * (1 - cct ** 2),
         "i": dc * cct * it * (1 - it), "f": dc * c_prev * ft * (1 - ft)}
    grads = {"dc_prev": dc * ft}
    for g in "fico":
        grads["dW" + g] = d[g] @ concat.T
        grads["db" + g] = np.sum(d[g], axis=1, keepdims=True)
    grads["da_prev"] = sum(grads["dW" + g][:, :n_a].T @ d[g] for g in "fico")
    grads["dxt"] = sum(grads["dW" + g][:, n_a:].T @ d[g] for g in "fico")
    return grads
"""

RNN_BACKWARD_ADDS_ITSELF = """\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    dWax = np.zeros((n_a, x.shape[0]))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += dWax
        dWaa += dWaa
        dba += dba
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
"""

LSTM_BACKWARD_DA0_FROM_DA = """\
def lstm_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    total = {k: np.zeros((n_a, n_a + n_x)) for k in ("dWf", "dWi", "dWc", "dWo")}
    total.update({k: np.zeros((n_a, 1)) for k in ("dbf", "dbi", "dbc", "dbo")})
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        for k in total:
            total[k] += g[k]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    da0 = da[:, :, 0]
    return {"dx": dx, "da0": da0, **total}
"""

LSTM_BACKWARD_ALL_CACHES = """\
def lstm_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    grads = {}
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da_next=da[:, :, t] + da_prevt, dc_next=dc_prevt,
                               cache=cache_list)
        dx[:, :, t] = g["dxt"]
        for k in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
            grads[k] = grads.get(k, 0) + g[k]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **grads}
"""

RNN_FORWARD_FIRST_INPUT_ONLY = """\
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    xt = x[:, :, 0]
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)
"""

# --- writes into inputs ------------------------------------------------------------------------
RNN_CELL_BACKWARD_SCALES_DA_NEXT = """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    da_next *= 1 - a_next ** 2  # now the gradient at the tanh's input
    return {"dxt": parameters["Wax"].T @ da_next, "da_prev": parameters["Waa"].T @ da_next,
            "dWax": da_next @ xt.T, "dWaa": da_next @ a_prev.T,
            "dba": np.sum(da_next, axis=1, keepdims=True)}
"""

RNN_BACKWARD_ADDS_INTO_DA = """\
def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    dWax, dWaa, dba = 0, 0, 0
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        da[:, :, t] += da_prevt
        g = rnn_cell_backward(da[:, :, t].copy(), caches[t])
        dx[:, :, t] = g["dxt"]
        dWax, dWaa, dba = dWax + g["dWax"], dWaa + g["dWaa"], dba + g["dba"]
        da_prevt = g["da_prev"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
"""

LSTM_CELL_BACKWARD_SCALES_C_PREV = """\
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    c_prev *= ft * (1 - ft)  # reused as scratch space
    dft = dc * c_prev
    concat = np.concatenate((a_prev, xt))
    W = {g: parameters["W" + g] for g in "fico"}
    d = {"f": dft, "i": dit, "c": dcct, "o": dot}
    out = {"dc_prev": dc * ft}
    out["da_prev"] = sum(W[g][:, :n_a].T @ d[g] for g in "fico")
    out["dxt"] = sum(W[g][:, n_a:].T @ d[g] for g in "fico")
    for g in "fico":
        out["dW" + g] = d[g] @ concat.T
        out["db" + g] = d[g].sum(axis=1, keepdims=True)
    return out
"""

LSTM_CELL_FORWARD_STASHES = """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate((a_prev, xt), axis=0)
    parameters["concat"] = concat  # kept for the backward pass
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt,
                                     parameters)
"""

NOTEBOOKS = {
    "undefined-names": {
        "lstm_cell_backward": LSTM_CELL_BACKWARD_GLOBAL_WF,
        "rnn_backward": RNN_BACKWARD_NP_ZEROS,
        "rnn_cell_forward": RNN_CELL_FORWARD_LEFTOVER,
        "lstm_backward": LSTM_BACKWARD_TYPO,
    },
    "own-and-inherited": {
        "lstm_cell_backward": LSTM_CELL_BACKWARD_DXT_WITHOUT_OUTPUT_GATE,
        "lstm_backward": LSTM_BACKWARD_BIASES_OVERWRITTEN,
        "rnn_cell_backward": RNN_CELL_BACKWARD_MEAN,
        "rnn_forward": RNN_FORWARD_FIRST_INPUT_ONLY,
    },
    "slips": {
        "lstm_cell_backward": LSTM_CELL_BACKWARD_GRADIENTS_AS_WEIGHTS,
        "rnn_backward": RNN_BACKWARD_ADDS_ITSELF,
        "lstm_backward": LSTM_BACKWARD_DA0_FROM_DA,
    },
    "all-caches": {"lstm_backward": LSTM_BACKWARD_ALL_CACHES},
    "writes-into-inputs": {
        "rnn_cell_backward": RNN_CELL_BACKWARD_SCALES_DA_NEXT,
        "rnn_backward": RNN_BACKWARD_ADDS_INTO_DA,
        "lstm_cell_backward": LSTM_CELL_BACKWARD_SCALES_C_PREV,
        "lstm_cell_forward": LSTM_CELL_FORWARD_STASHES,
    },
}


def _deleted_cell_story(student, folder):
    """`Wf` was defined in a scratch cell above lstm_cell_backward; the notebook ran, its
    check ran, and then the scratch cell was deleted: the saved outputs show the code ran."""
    nb = notebook(student, lstm_cell_backward=LSTM_CELL_BACKWARD_GLOBAL_WF)
    at = function_cell(nb, "lstm_cell_backward")
    nb.cells.insert(at, new_code_cell("np.random.seed(2)\nWf = np.random.randn(5, 8)"))
    nb = executed(nb, folder)
    del nb.cells[at]
    return nb


@pytest.fixture(scope="module")
def graded(built, student_nb, cases, tmp_path_factory):
    """Notebook name -> (report, its JSON dict), each graded once on first use."""
    done = {}

    def get(name):
        if name not in done:
            folder = tmp_path_factory.mktemp(name)
            if name == "deleted-cell":
                shutil.copytree(built["student"].parent, folder, dirs_exist_ok=True)
                nb = _deleted_cell_story(student_nb, folder)
            else:
                nb = notebook(student_nb, **NOTEBOOKS[name])
            path = folder / "graded" / "rnn_lstm.ipynb"
            path.parent.mkdir()
            nbformat.write(nb, path)
            report = grader.check_submission(path, cases)
            done[name] = (report, validate(grader.to_dict(report)))
        return done[name]

    return get


def findings(result, code):
    return [f.message for f in result.findings if f.code == code]


def all_text(report):
    return grader.render_text(report)


# --- 1. undefined names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "function, name, words",
    [
        (
            "lstm_cell_backward",
            "Wf",
            'unpack `parameters` from the cache, then read `parameters["Wf"]`',
        ),
        ("rnn_backward", "np_zeros", "Did you mean `np.zeros`?"),
        ("lstm_backward", "lstm_cell_backwards", "Did you mean `lstm_cell_backward`?"),
        ("rnn_cell_forward", "b", "a global value would be wrong on every other input"),
    ],
)
def test_undefined_name_in_a_notebook_that_never_ran(graded, function, name, words):
    """undefined-names: no saved output, so no stale state; the function is an error whose
    finding says the name is undefined inside it, with advice fitting what the name is."""
    report, data = graded("undefined-names")
    result = report.function(function)
    assert report.stale == () and data["run"]["stale"] == [], all_text(report)
    assert result.status == "error" and result.score == 0, all_text(report)
    undefined = findings(result, "undefined-name")
    assert undefined, all_text(report)
    assert f"uses `{name}`, which is not defined inside the function" in undefined[0]
    assert words in undefined[0]
    assert data["functions"][function]["status"] == "error"
    text = all_text(report)
    assert "no cell of the notebook defines it any more" not in text
    assert "older version of a cell" not in text


def test_undefined_name_is_stale_only_when_the_saved_outputs_show_it_ran(graded):
    """deleted-cell: the saved notebook ran with a scratch `Wf` since deleted; now the stale
    item appears, and it says to read `Wf` from the cached parameters, not to define it."""
    report, data = graded("deleted-cell")
    items = [s for s in report.stale if s.kind == "missing_name"]
    assert items, all_text(report)
    assert "`lstm_cell_backward`" in items[0].message and "`Wf`" in items[0].message
    assert 'read `parameters["Wf"]`' in items[0].message
    assert "Define `Wf` again" not in items[0].message
    assert {"kind": "missing_name", "cell": items[0].cell, "message": items[0].message} in data[
        "run"
    ]["stale"]


# --- 2. steps per case ------------------------------------------------------------------------


def test_steps_are_given_per_case(graded):
    """own-and-inherited: lstm_backward's JSON lists every case with its set, number, length
    and steps, each inside the case's length; the top-level wrong_steps is the public case's."""
    report, data = graded("own-and-inherited")
    fn = data["functions"]["lstm_backward"]
    sets = [(c["set"], c["index"]) for c in fn["cases"]]
    assert sets == [("public", 1)] + [("hidden", i) for i in range(1, 5)]
    assert len({c["length"] for c in fn["cases"]}) > 1, fn["cases"]
    for case in fn["cases"]:
        assert case["wrong_steps"] and max(case["wrong_steps"]) < case["length"], case
        # one time step has nothing to carry: the bias gradients are right there in isolation
        assert case["passed"] is case["edge"], case
    public = fn["cases"][0]
    assert fn["wrong_steps"] == public["wrong_steps"]
    assert data["schema"] == 1 and data["schema_version"] == "1.3"


# --- 3. own versus inherited -------------------------------------------------------------------


def test_own_and_written_only_wrong_outputs_are_kept_apart(graded):
    """own-and-inherited: lstm_backward gets the bias gradients wrong itself; its wrong
    lstm_cell_backward (dxt without the output gate) adds dx as written. JSON and text keep
    them apart."""
    report, data = graded("own-and-inherited")
    fn = data["functions"]["lstm_backward"]
    assert fn["isolated_wrong_outputs"] == ["dbf", "dbi", "dbc", "dbo"], fn
    assert fn["written_only_wrong_outputs"] == ["dx"], fn
    assert set(fn["wrong_outputs"]) == {"dx", "dbf", "dbi", "dbc", "dbo"}
    assert fn["blame"] == ["lstm_backward", "lstm_cell_backward"]
    text = grader.render_text(report)
    assert "wrong in its own code: dbf, dbi, dbc, dbo" in text
    assert "wrong only as written: dx" in text
    blame = findings(report.function("lstm_backward"), "blame")
    assert "it gets dbf, dbi, dbc, dbo wrong even with reference inputs" in blame[0]
    assert "as written they also make dx wrong, which your own code gets right" in blame[0]


# --- 4. a mean over the batch -----------------------------------------------------------------


def test_mean_over_the_batch_fails_every_case_and_says_so(graded):
    """own-and-inherited: dba = dtanh.mean(axis=1): every case has 2 or more examples, so it
    fails every case, and the finding names the mean; no hard-coded-size guess."""
    report, data = graded("own-and-inherited")
    result = report.function("rnn_cell_backward")
    assert result.cases_passed == 0 and result.status == "fail"
    assert result.isolated_wrong_outputs == ("dba",)
    mean = findings(result, "mean-over-examples")
    assert mean and "`dba` is exactly the expected value divided by" in mean[0]
    assert "the number of examples" in mean[0] and "np.mean" in mean[0]
    assert "hard-coded size" not in all_text(report)
    assert all(c["passed"] is False for c in data["functions"]["rnn_cell_backward"]["cases"])


# --- 5. slips that now have a hint ------------------------------------------------------------


@pytest.mark.parametrize(
    "function, mistake, outputs",
    [
        ("lstm_cell_backward", "lstm-cell-backward-gradients-as-weights", {"da_prev", "dxt"}),
        ("rnn_backward", "rnn-backward-accumulator-adds-itself", {"dWax", "dWaa", "dba"}),
        ("lstm_backward", "lstm-backward-da0-from-da", {"da0"}),
    ],
)
def test_slip_is_recognised_with_its_hint(graded, cases, function, mistake, outputs):
    """slips: each slip fails, names the outputs it makes wrong and gives the catalogued hint
    instead of a bare count of differing values."""
    report, data = graded("slips")
    result = report.function(function)
    assert result.status == "fail", all_text(report)
    assert set(result.isolated_wrong_outputs) == outputs, all_text(report)
    hints = [f for f in result.findings if f.code == "known-mistake"]
    assert [f.where for f in hints] == [mistake], all_text(report)
    assert hints[0].message == cases.mistakes[mistake]["hint"]
    assert data["functions"][function]["isolated_wrong_outputs"] == [
        o for o in data["functions"][function]["wrong_outputs"] if o in outputs
    ]


def test_whole_caches_passed_to_the_cell_is_named(graded):
    """all-caches: passing the whole list of caches says what was passed and that the code as
    written raises, instead of only a wrong argument."""
    report, data = graded("all-caches")
    result = report.function("lstm_backward")
    assert result.status == "fail" and result.blame[:1] == ("lstm_backward",)
    argument = findings(result, "callee-argument")
    assert argument, all_text(report)
    assert "is a list of" in argument[0] and "caches (the whole list of caches)" in argument[0]
    assert "`caches[t]`" in argument[0]
    raised = findings(result, "raises-as-written")
    assert raised and "raised ValueError" in raised[0]
    assert data["functions"]["lstm_backward"]["cases_passed"] == 0


# --- 6. shared memory the reference has too ---------------------------------------------------


def test_no_shared_memory_warning_where_the_reference_shares_too(graded):
    """own-and-inherited: rnn_forward feeds x[:, :, 0] at every step; its cached xt are views
    of x, as in the reference, so no shared-memory finding; the wrong cache entries and the
    argument passed to the cell are named as a student would say them."""
    report, _ = graded("own-and-inherited")
    result = report.function("rnn_forward")
    assert result.status == "fail"
    assert result.isolated_wrong_outputs == ("caches",)
    assert "the xt stored in the cache of step t = 1 (caches[0][1][2])" in all_text(report)
    argument = findings(result, "callee-argument")
    assert argument and argument[0].startswith("The `xt` that your rnn_forward passed")
    pattern = findings(result, "step-pattern")
    assert pattern and "what each step takes for itself (`xt`)" in pattern[0], all_text(report)
    assert "the carried state" not in pattern[0]
    written = findings(result, "wrong-as-written")
    assert written and "which then also make a, y_pred wrong" in written[0], all_text(report)
    assert result.written_only_wrong_outputs == ("a", "y_pred")
    assert findings(result, "shared-memory") == [], all_text(report)
    assert "shares memory" not in all_text(report)


# --- 7. functions that only write into their inputs ----------------------------------------


@pytest.mark.parametrize(
    "function, place",
    [
        ("rnn_cell_backward", "da_next"),
        ("rnn_backward", "da"),
        ("lstm_cell_backward", "cache[3]"),
        ("lstm_cell_forward", "parameters['concat'] (added)"),
    ],
)
def test_write_into_an_input_is_detected_and_scored_by_the_policy(graded, cases, function, place):
    """writes-into-inputs: each function returns the right values but writes into an input
    (an array, an array in the cache, a new entry in the parameters dict): detected, named,
    and scored by the master notebook's policy (warn: full points)."""
    report, data = graded("writes-into-inputs")
    result = report.function(function)
    assert cases.settings["mutated_inputs"] == "warn"
    assert result.status == "pass" and result.score == result.max_score, all_text(report)
    assert place in result.mutated_inputs, all_text(report)
    assert data["functions"][function]["mutated_inputs"] == list(result.mutated_inputs)
    assert data["functions"][function]["penalty"] == 0
    mutated = findings(result, "mutated-input")
    assert mutated and "so the caller's" in mutated[0]
    if function == "lstm_cell_backward":
        assert "the c_prev stored in the cache (cache[3])" in mutated[0]
    if function == "lstm_cell_forward":
        assert "added `parameters['concat']` to its input `parameters`" in mutated[0]


def test_no_scenario_without_saved_outputs_reports_stale_state(graded):
    """Only the deleted-cell story has saved outputs; every other notebook reports nothing
    stale."""
    for name in NOTEBOOKS:
        report, _ = graded(name)
        assert report.stale == (), (name, all_text(report))
