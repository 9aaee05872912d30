"""Correct implementations written differently from the reference must get full marks.

Each alternative set holds all eight functions, written the way real students write correct code:
`@` or np.einsum instead of np.dot, np.vstack / np.r_ instead of np.concatenate, gate weights split
into their a-part and x-part, all four gates from one stacked product, copies in the caches,
keyword calls of the cell functions, other loop forms, other ways to sum gradients and to build
tuples and dicts, derivatives taken from the pre-activations. The grader must not fail any of them.
"""

from __future__ import annotations

import nbformat
import pytest
from master_points import POINTS, TOTAL
from notebooks import notebook
from otterrun import otter_run, per_question

import grader
from grader.assignments import rnn_lstm as spec

# ---------------------------------------------------------------------------------------------
# Set 1: `@`, vstack, split gate weights, keyword calls, countdown loops, lists summed at the end,
# reshape instead of keepdims, np.stack at the end, derivatives from pre-activations, dict().
# ---------------------------------------------------------------------------------------------
OPERATORS = {
    "rnn_cell_forward": """\
def rnn_cell_forward(xt, a_prev, parameters):
    z = parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"]
    a_next = np.tanh(z)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    cache = tuple([a_next, a_prev, xt, parameters])
    return (a_next, yt_pred, cache)
""",
    "rnn_forward": """\
def rnn_forward(x, a0, parameters):
    states, predictions, caches = [], [], []
    a_next = a0
    for t in range(x.shape[2]):
        a_next, yt_pred, cache = rnn_cell_forward(xt=x[:, :, t], a_prev=a_next,
                                                  parameters=parameters)
        states.append(a_next)
        predictions.append(yt_pred)
        caches.append(cache)
    a = np.stack(states, axis=2)
    y_pred = np.stack(predictions, axis=-1)
    return a, y_pred, (caches, x)
""",
    "lstm_cell_forward": """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]

    def gate(name):
        W = parameters["W" + name]
        return W[:, :n_a] @ a_prev + W[:, n_a:] @ xt + parameters["b" + name]

    ft = sigmoid(gate("f"))
    it = sigmoid(gate("i"))
    cct = np.tanh(gate("c"))
    ot = sigmoid(gate("o"))
    c_next = it * cct + ft * c_prev
    a_next = np.tanh(c_next) * ot
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    "lstm_forward": """\
def lstm_forward(x, a0, parameters):
    n_a, m = a0.shape
    T_x = x.shape[-1]
    a_list, c_list, y_list, caches = [], [], [], []
    a_next, c_next = a0, np.zeros_like(a0)
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(
            xt=x[..., t], a_prev=a_next, c_prev=c_next, parameters=parameters
        )
        a_list.append(a_next)
        c_list.append(c_next)
        y_list.append(yt)
        caches.append(cache)
    a = np.stack(a_list, axis=2)
    y = np.stack(y_list, axis=2)
    c = np.stack(c_list, axis=2)
    return a, y, c, (caches, x)
""",
    "rnn_cell_backward": """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    z = parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"]
    dz = da_next / np.cosh(z) ** 2
    return dict(
        dxt=parameters["Wax"].T @ dz,
        da_prev=parameters["Waa"].T @ dz,
        dWax=dz @ xt.T,
        dWaa=dz @ a_prev.T,
        dba=np.sum(dz, axis=1).reshape(-1, 1),
    )
""",
    "rnn_backward": """\
def rnn_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    steps = []
    da_prevt = np.zeros_like(da[:, :, 0])
    for t in range(T_x - 1, -1, -1):
        g = rnn_cell_backward(da_next=da[:, :, t] + da_prevt, cache=cache_list[t])
        da_prevt = g["da_prev"]
        steps.append(g)
    steps.reverse()
    return dict(
        dx=np.stack([g["dxt"] for g in steps], axis=2),
        da0=da_prevt,
        dWax=sum(g["dWax"] for g in steps),
        dWaa=sum(g["dWaa"] for g in steps),
        dba=sum(g["dba"] for g in steps),
    )
""",
    "lstm_cell_backward": """\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_prev.shape[0]
    concat = np.vstack([a_prev, xt])

    def pre(name):
        return parameters["W" + name] @ concat + parameters["b" + name]

    def dsigmoid(z):
        return 0.25 / np.cosh(z / 2) ** 2

    dc = dc_next + da_next * ot / np.cosh(c_next) ** 2
    dot = da_next * np.tanh(c_next) * dsigmoid(pre("o"))
    dcct = dc * it / np.cosh(pre("c")) ** 2
    dit = dc * cct * dsigmoid(pre("i"))
    dft = dc * c_prev * dsigmoid(pre("f"))

    grads = dict(dc_prev=dc * ft)
    da_prev = np.zeros_like(a_prev)
    dxt = np.zeros_like(xt)
    for name, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        W = parameters["W" + name]
        grads["dW" + name] = d @ concat.T
        grads["db" + name] = d.sum(axis=1).reshape(n_a, 1)
        da_prev = da_prev + W[:, :n_a].T @ d
        dxt = dxt + W[:, n_a:].T @ d
    grads["da_prev"] = da_prev
    grads["dxt"] = dxt
    return grads
""",
    "lstm_backward": """\
def lstm_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    names = ["dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"]
    collected = {name: [] for name in names}
    dx_steps = [None] * T_x
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        g = lstm_cell_backward(
            da_next=da[:, :, t] + da_prevt, dc_next=dc_prevt, cache=cache_list[t]
        )
        dx_steps[t] = g["dxt"]
        for name in names:
            collected[name].append(g[name])
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    result = dict(dx=np.stack(dx_steps, axis=2), da0=da_prevt)
    for name in names:
        result[name] = np.sum(collected[name], axis=0)
    return result
""",
}

# ---------------------------------------------------------------------------------------------
# Set 2: one stacked matrix product for all gates, np.einsum, np.r_, copies in the caches,
# positional calls, reversed(range), `+=` into zero arrays, shapes read from other arrays.
# ---------------------------------------------------------------------------------------------
STACKED = {
    "rnn_cell_forward": """\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(np.einsum("ij,jk->ik", Wax, xt) + np.einsum("ij,jk->ik", Waa, a_prev) + ba)
    scores = np.einsum("ij,jk->ik", Wya, a_next) + by
    yt_pred = softmax(scores)
    cache = (a_next, a_prev.copy(), xt.copy(), parameters)
    return a_next, yt_pred, cache
""",
    "rnn_forward": """\
def rnn_forward(x, a0, parameters):
    n_a, m = a0.shape
    n_y = parameters["by"].shape[0]
    T_x = x.shape[2]
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_prev = a0.copy()
    t = 0
    while t < T_x:
        a_prev, y_t, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[..., t] = a_prev
        y_pred[..., t] = y_t
        caches += [cache]
        t += 1
    return a, y_pred, (caches, x)
""",
    "lstm_cell_forward": """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]
    concat = np.r_[a_prev, xt]
    W = np.concatenate([parameters[k] for k in ("Wf", "Wi", "Wc", "Wo")], axis=0)
    b = np.concatenate([parameters[k] for k in ("bf", "bi", "bc", "bo")], axis=0)
    z = np.einsum("ij,jm->im", W, concat) + b
    zf, zi, zc, zo = np.split(z, 4, axis=0)
    ft, it, ot = sigmoid(zf), sigmoid(zi), sigmoid(zo)
    cct = np.tanh(zc)
    c_next = np.multiply(ft, c_prev) + np.multiply(it, cct)
    a_next = np.multiply(ot, np.tanh(c_next))
    yt_pred = softmax(np.dot(parameters["Wy"], a_next) + parameters["by"])
    assert a_next.shape[0] == n_a
    cache = (a_next, c_next, a_prev.copy(), c_prev.copy(), ft, it, cct, ot, xt.copy(),
             parameters)
    return a_next, c_next, yt_pred, cache
""",
    "lstm_forward": """\
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_a = parameters["Wf"].shape[0]
    n_y = parameters["by"].shape[0]
    a = np.zeros((n_a, m, T_x))
    c = np.zeros_like(a)
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_t, c_t = a0, np.zeros((n_a, m))
    for t, xt in enumerate(np.moveaxis(x, 2, 0)):
        a_t, c_t, y_t, cache = lstm_cell_forward(xt, a_t, c_t, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_t, c_t, y_t
        caches.append(cache)
    caches = (caches, x)
    return a, y, c, caches
""",
    "rnn_cell_backward": """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = da_next * (1.0 - np.square(a_next))
    gradients = {}
    gradients["dxt"] = np.einsum("ji,jm->im", parameters["Wax"], dtanh)
    gradients["da_prev"] = np.einsum("ji,jm->im", parameters["Waa"], dtanh)
    gradients["dWax"] = np.einsum("im,jm->ij", dtanh, xt)
    gradients["dWaa"] = np.einsum("im,jm->ij", dtanh, a_prev)
    gradients["dba"] = dtanh.sum(axis=1, keepdims=True)
    return gradients
""",
    "rnn_backward": """\
def rnn_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    n_x = cache_list[0][2].shape[0]
    Wax = cache_list[0][3]["Wax"]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros_like(Wax)
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, cache_list[t])
        keys = ("dxt", "da_prev", "dWax", "dWaa", "dba")
        dxt, da_prevt, dWaxt, dWaat, dbat = (g[k] for k in keys)
        dx[:, :, t] = dxt
        dWax += dWaxt
        dWaa += dWaat
        dba += dbat
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    "lstm_cell_backward": """\
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    dz = np.r_[dft, dit, dcct, dot]
    concat = np.r_[a_prev, xt]
    W = np.vstack([parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]])
    dW = np.einsum("gm,km->gk", dz, concat)
    db = np.einsum("gm->g", dz)[:, None]
    dconcat = W.T @ dz
    dWf, dWi, dWc, dWo = np.split(dW, 4)
    dbf, dbi, dbc, dbo = np.split(db, 4)
    return {
        "dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft,
        "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
        "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo,
    }
""",
    "lstm_backward": """\
def lstm_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    n_x = cache_list[0][8].shape[0]
    dx = np.zeros((n_x, m, T_x))
    totals = {}
    for gate in "fico":
        totals["dW" + gate] = np.zeros((n_a, n_a + n_x))
        totals["db" + gate] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros_like(da_prevt)
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cache_list[t])
        dx[:, :, t] = g["dxt"]
        for key in totals:
            totals[key] += g[key]
        da_prevt = g["da_prev"]
        dc_prevt = g["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **totals}
""",
}

# ---------------------------------------------------------------------------------------------
# Set 3: np.dot with transposes moved around, np.concatenate on lists, np.hstack on the batch
# transposed, matmul through np.matmul, copies of the state before the loop, tuple unpacking.
# ---------------------------------------------------------------------------------------------
TRANSPOSED = {
    "rnn_cell_forward": """\
def rnn_cell_forward(xt, a_prev, parameters):
    p = parameters
    a_next = np.tanh((xt.T @ p["Wax"].T + a_prev.T @ p["Waa"].T + p["ba"].T).T)
    yt_pred = softmax(np.matmul(p["Wya"], a_next) + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, p)
""",
    "rnn_forward": """\
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_a = parameters["Waa"].shape[0]
    n_y = parameters["Wya"].shape[0]
    a = np.empty((n_a, m, T_x))
    y_pred = np.empty((n_y, m, T_x))
    caches = [None] * T_x
    a_next = a0
    for t in range(T_x):
        out = rnn_cell_forward(x[:, :, t].copy(), a_next, parameters)
        a_next = out[0]
        a[:, :, t], y_pred[:, :, t], caches[t] = out
    return a, y_pred, tuple([caches, x])
""",
    "lstm_cell_forward": """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat_T = np.hstack([a_prev.T, xt.T])

    def affine(W, b):
        return np.dot(concat_T, W.T).T + b

    ft = sigmoid(affine(parameters["Wf"], parameters["bf"]))
    it = sigmoid(affine(parameters["Wi"], parameters["bi"]))
    cct = np.tanh(affine(parameters["Wc"], parameters["bc"]))
    ot = sigmoid(affine(parameters["Wo"], parameters["bo"]))
    c_next = ft * c_prev
    c_next = c_next + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.matmul(parameters["Wy"], a_next) + parameters["by"])
    cache = a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters
    return a_next, c_next, yt_pred, cache
""",
    "lstm_forward": """\
def lstm_forward(x, a0, parameters):
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    state = (a0, np.zeros((n_a, m)))
    for t in range(T_x):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], *state, parameters)
        state = (a_t, c_t)
        a[:, :, t] = a_t
        c[:, :, t] = c_t
        y[:, :, t] = y_t
        caches.append(cache)
    return a, y, c, (caches, x)
""",
    "rnn_cell_backward": """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next * a_next) * da_next
    dxt = np.dot(dtanh.T, parameters["Wax"]).T
    da_prev = np.dot(dtanh.T, parameters["Waa"]).T
    dWax = np.dot(xt, dtanh.T).T
    dWaa = np.dot(a_prev, dtanh.T).T
    dba = dtanh @ np.ones((dtanh.shape[1], 1))
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    "rnn_backward": """\
def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    totals = {"dWax": 0.0, "dWaa": 0.0, "dba": 0.0}
    da_prevt = 0.0 * da[:, :, 0]
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        for key in totals:
            totals[key] = totals[key] + gradients[key]
    return {"dx": dx, "da0": da_prevt, **totals}
""",
    "lstm_cell_backward": """\
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    d = {
        "o": da_next * np.tanh(c_next) * ot * (1 - ot),
        "c": dc * it * (1 - cct ** 2),
        "i": dc * cct * it * (1 - it),
        "f": dc * c_prev * ft * (1 - ft),
    }
    concat = np.concatenate([a_prev, xt])
    out = {"dc_prev": dc * ft}
    dconcat = sum(np.dot(parameters["W" + g].T, d[g]) for g in "fico")
    out["da_prev"], out["dxt"] = dconcat[:n_a], dconcat[n_a:]
    for g in "fico":
        out["dW" + g] = np.dot(d[g], concat.T)
        out["db" + g] = np.sum(d[g], axis=1, keepdims=True)
    return out
""",
    "lstm_backward": """\
def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dW = {g: np.zeros((n_a, n_a + n_x)) for g in "fico"}
    db = {g: np.zeros((n_a, 1)) for g in "fico"}
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in range(T_x)[::-1]:
        grads = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = grads["dxt"]
        for g in "fico":
            dW[g] += grads["dW" + g]
            db[g] += grads["db" + g]
        da_prevt, dc_prevt = grads["da_prev"], grads["dc_prev"]
    gradients = {"dx": dx, "da0": da_prevt}
    for g in "fico":
        gradients["dW" + g] = dW[g]
        gradients["db" + g] = db[g]
    return gradients
""",
}


def _with_scalar_local(source: str) -> str:
    """The same function with a NumPy scalar local (np.float64 is also a Python float)."""
    head, _, body = source.partition("):\n")
    return f"{head}):\n    unit = np.float64(1.0) * np.float32(1.0)\n{body}"


SCALAR_LOCALS = {name: _with_scalar_local(source) for name, source in OPERATORS.items()}

ALTERNATIVES = {
    "operators": OPERATORS,
    "stacked": STACKED,
    "transposed": TRANSPOSED,
    "scalar-locals": SCALAR_LOCALS,
}


def write(student_nb, sources: dict, path):
    nbformat.write(notebook(student_nb, **sources), path)
    return path


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_alternative_gets_full_marks(name, student_nb, cases, tmp_path):
    """A correct alternative implementation of all eight functions passes with 16/16."""
    assert set(ALTERNATIVES[name]) == set(spec.NAMES)
    path = write(student_nb, ALTERNATIVES[name], tmp_path / "rnn_lstm.ipynb")
    report = grader.check_submission(path, cases)
    text = grader.render_text(report)

    assert report.run.status == "ok", text
    for result in report.functions:
        assert result.status == "pass", (result.name, text)
        assert result.score == result.max_score, (result.name, text)
        assert result.correct_in_isolation is True, (result.name, text)
        assert result.blame == (), (result.name, text)
        assert not [f for f in result.findings if f.code == "known-mistake"], (result.name, text)
    assert report.score == TOTAL == 16, text


def test_alternative_full_marks_under_otter_run(built, student_nb, tmp_path):
    """`otter run` with the plugin gives a correct alternative notebook 16 of 16 points."""
    path = write(student_nb, STACKED, tmp_path / "rnn_lstm.ipynb")
    results = otter_run(path, built["autograder_zip"], tmp_path / "out")
    scores = per_question(results)
    assert scores == dict(POINTS), results.get("output")
    assert sum(scores.values()) == TOTAL == 16, results.get("output")
    assert all(t.get("max_score", 0) == t.get("score", 0) for t in results["tests"]), results
