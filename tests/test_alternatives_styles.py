"""More correct implementations, in the styles real students use, must get full marks with no
finding at all: explicit loops over the examples, np.vstack where the reference concatenates,
copies where it keeps views, `@` or np.dot, gradients collected in dicts, while loops, lists
joined with np.concatenate. One notebook holds one variant per function, so two kernel runs
grade twelve variants (test_alternatives.py grades whole alternative sets)."""

from __future__ import annotations

import nbformat
import pytest
from notebooks import notebook

import grader
from grader.assignments import rnn_lstm as spec

FIRST = {
    "rnn_cell_forward": """\
def rnn_cell_forward(xt, a_prev, parameters):
    # one example (column) at a time
    n_a, m = a_prev.shape
    n_y = parameters["Wya"].shape[0]
    a_next = np.zeros((n_a, m))
    yt_pred = np.zeros((n_y, m))
    for i in range(m):
        z = np.dot(parameters["Wax"], xt[:, i]) + np.dot(parameters["Waa"], a_prev[:, i])
        a_next[:, i] = np.tanh(z + parameters["ba"][:, 0])
        scores = np.dot(parameters["Wya"], a_next[:, i]) + parameters["by"][:, 0]
        e = np.exp(scores - np.max(scores))
        yt_pred[:, i] = e / e.sum()
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
""",
    "rnn_forward": """\
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0.copy()
    for t in range(T_x):
        xt = x[:, :, t].copy()  # a copy instead of a view
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)
""",
    "lstm_cell_forward": """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.vstack((a_prev, xt))
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    "lstm_forward": """\
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next = np.copy(a0)
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = np.copy(a_next)
        c[:, :, t] = np.copy(c_next)
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)
""",
    "rnn_cell_backward": """\
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    gradients = {}
    dz = da_next * (1 - np.square(a_next))
    gradients["dxt"] = parameters["Wax"].T @ dz
    gradients["dWax"] = dz @ xt.T
    gradients["da_prev"] = parameters["Waa"].T @ dz
    gradients["dWaa"] = dz @ a_prev.T
    gradients["dba"] = dz.sum(axis=1, keepdims=True)
    return gradients
""",
    "rnn_backward": """\
def rnn_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    grads = {"dx": np.zeros((x.shape[0], m, T_x))}
    carried = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + carried, cache_list[t])
        grads["dx"][:, :, t] = step["dxt"]
        for name in ("dWax", "dWaa", "dba"):
            grads[name] = grads.get(name, 0) + step[name]
        carried = step["da_prev"]
    grads["da0"] = carried
    return grads
""",
    "lstm_cell_backward": """\
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a, m = a_next.shape
    n_x = xt.shape[0]
    th = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - th * th)
    dot = da_next * th * ot * (1 - ot)
    dcct = dc * it * (1 - cct * cct)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate([a_prev, xt])
    grads = {}
    for gate, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        dW = np.zeros((n_a, n_a + n_x))
        for i in range(m):  # one example at a time
            dW += np.outer(d[:, i], concat[:, i])
        grads["dW" + gate] = dW
        grads["db" + gate] = np.sum(d, axis=1, keepdims=True)
    back = sum(parameters["W" + g].T @ d for g, d in (("f", dft), ("i", dit), ("c", dcct),
                                                    ("o", dot)))
    grads["da_prev"] = back[:n_a]
    grads["dxt"] = back[n_a:]
    grads["dc_prev"] = dc * ft
    return grads
""",
    "lstm_backward": """\
def lstm_backward(da, caches):
    cache_list, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    names = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
    total = {}
    dx = np.zeros((n_x, m, T_x))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cache_list[t])
        dx[:, :, t] = g["dxt"]
        for name in names:
            total[name] = total[name] + g[name] if name in total else g[name].copy()
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **total}
""",
}

SECOND = {
    "lstm_cell_forward": """\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    # explicit loop over the examples, np.dot throughout
    n_a, m = a_prev.shape
    n_y = parameters["Wy"].shape[0]
    ft, it, cct, ot = (np.zeros((n_a, m)) for _ in range(4))
    c_next, a_next = np.zeros((n_a, m)), np.zeros((n_a, m))
    yt_pred = np.zeros((n_y, m))
    for i in range(m):
        col = np.concatenate((a_prev[:, i], xt[:, i]))
        ft[:, i] = 1 / (1 + np.exp(-(np.dot(parameters["Wf"], col) + parameters["bf"][:, 0])))
        it[:, i] = 1 / (1 + np.exp(-(np.dot(parameters["Wi"], col) + parameters["bi"][:, 0])))
        cct[:, i] = np.tanh(np.dot(parameters["Wc"], col) + parameters["bc"][:, 0])
        ot[:, i] = 1 / (1 + np.exp(-(np.dot(parameters["Wo"], col) + parameters["bo"][:, 0])))
        c_next[:, i] = ft[:, i] * c_prev[:, i] + it[:, i] * cct[:, i]
        a_next[:, i] = ot[:, i] * np.tanh(c_next[:, i])
        scores = np.dot(parameters["Wy"], a_next[:, i]) + parameters["by"][:, 0]
        yt_pred[:, i] = np.exp(scores) / np.sum(np.exp(scores))
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    "lstm_forward": """\
def lstm_forward(x, a0, parameters):
    a_list, c_list, y_list, caches = [], [], [], []
    a_t, c_t = a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a_list.append(a_t[:, :, None])
        c_list.append(c_t[:, :, None])
        y_list.append(y_t[:, :, None])
        caches.append(cache)
    a = np.concatenate(a_list, axis=2)
    c = np.concatenate(c_list, axis=2)
    y = np.concatenate(y_list, axis=2)
    return a, y, c, (caches, x)
""",
    "rnn_backward": """\
def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    dWax = np.zeros_like(caches[0][3]["Wax"])
    dWaa = np.zeros_like(caches[0][3]["Waa"])
    dba = np.zeros_like(caches[0][3]["ba"])
    da_prevt = np.zeros((n_a, m))
    t = T_x - 1
    while t >= 0:
        g = rnn_cell_backward(np.add(da[:, :, t], da_prevt), caches[t])
        dx[:, :, t] = g["dxt"]
        dWax = dWax + g["dWax"]
        dWaa = dWaa + g["dWaa"]
        dba = dba + g["dba"]
        da_prevt = g["da_prev"]
        t -= 1
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    "lstm_cell_backward": """\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.vstack([a_prev, xt])
    out = {"dc_prev": dc * ft}
    da_prev = np.zeros_like(a_prev)
    dxt = np.zeros_like(xt)
    for g, d in zip("fico", (dft, dit, dcct, dot)):
        W = parameters["W" + g]
        Wa, Wx = W[:, :n_a].copy(), W[:, n_a:].copy()  # copies of the two slices
        da_prev += np.dot(Wa.T, d)
        dxt += np.dot(Wx.T, d)
        out["dW" + g] = np.dot(d, concat.T)
        out["db" + g] = np.sum(d, axis=1).reshape(n_a, 1)
    out["da_prev"], out["dxt"] = da_prev, dxt
    return out
""",
}

VARIANTS = {"first": FIRST, "second": SECOND}


@pytest.fixture(scope="module")
def graded(student_nb, cases, tmp_path_factory):
    done = {}

    def get(name):
        if name not in done:
            path = tmp_path_factory.mktemp(name) / "rnn_lstm.ipynb"
            nbformat.write(notebook(student_nb, **VARIANTS[name]), path)
            done[name] = grader.check_submission(path, cases)
        return done[name]

    return get


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_style_variants_get_full_marks_and_no_finding(graded, name):
    """Every variant passes every case with full points, no blame and no finding of any kind
    (no hint, no memory warning, no stale state)."""
    assert set(VARIANTS[name]) <= set(spec.NAMES)
    report = graded(name)
    text = grader.render_text(report)
    assert report.run.status == "ok", text
    assert report.stale == (), text
    for function in VARIANTS[name]:
        result = report.function(function)
        assert result.status == "pass", (function, text)
        assert result.score == result.max_score, (function, text)
        assert result.findings == (), (function, text)
        assert result.blame == () and result.mutated_inputs == (), (function, text)
    assert report.score == report.max_score, text


def test_at_least_twelve_variants():
    """The styles above hold twelve correct functions of our own."""
    assert sum(len(v) for v in VARIANTS.values()) >= 12
