"""Slips found in real submissions that used to get no hint: an axis or mean over the batch, a
gradient array where its weight belongs, an accumulator added to itself, da0 read from the
input, the whole list of caches handed to the cell. Same form as solutions.mistakes."""

from __future__ import annotations

from solutions.mistakes import Mistake

_LSTM_CELL_BACKWARD_HEAD = """\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
"""

_LSTM_CELL_BACKWARD_RETURN = """\
    dc_prev = dc * ft
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
"""

_SUMMED_BIASES = """\
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
"""

_WEIGHT_TERMS = """\
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit)
               + np.dot(Wc[:, :n_a].T, dcct) + np.dot(Wo[:, :n_a].T, dot))
    dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit)
           + np.dot(Wc[:, n_a:].T, dcct) + np.dot(Wo[:, n_a:].T, dot))
"""

_LSTM_BACKWARD_HEAD = """\
def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x))
    dWi = np.zeros((n_a, n_a + n_x))
    dWc = np.zeros((n_a, n_a + n_x))
    dWo = np.zeros((n_a, n_a + n_x))
    dbf = np.zeros((n_a, 1))
    dbi = np.zeros((n_a, 1))
    dbc = np.zeros((n_a, 1))
    dbo = np.zeros((n_a, 1))

    for t in reversed(range(T_x)):
"""

_LSTM_BACKWARD_LOOP_TAIL = """\
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]
"""

_LSTM_BACKWARD_RETURN = """\
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
"""


def _rnn_cell_backward(dxt: str, dba: str) -> str:
    return f"""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dWax = np.dot(dtanh, xt.T)
    dWaa = np.dot(dtanh, a_prev.T)
    dxt = {dxt}
    da_prev = np.dot(Waa.T, dtanh)
    dba = {dba}

    return {{"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}}
"""


def _rnn_backward(accumulate: str, da0: str) -> str:
    return f"""\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
{accumulate}
    da0 = {da0}
    return {{"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}}
"""


_SUMS = """\
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]"""

SLIPS: tuple[Mistake, ...] = (
    Mistake(
        id="rnn-cell-backward-dba-mean-over-examples",
        function="rnn_cell_backward",
        summary="dba averages dtanh over the examples (np.mean) instead of summing it",
        hint="A bias is shared by every example, so its gradient adds up the contributions of "
        "all m examples; check whether you sum or average over the examples' axis.",
        intermediates=(),
        source=_rnn_cell_backward("np.dot(Wax.T, dtanh)", "np.mean(dtanh, axis=1, keepdims=True)"),
    ),
    Mistake(
        id="rnn-cell-backward-dxt-uses-dwax",
        function="rnn_cell_backward",
        summary="dxt multiplies by the gradient dWax instead of the weight Wax",
        hint="The gradient flowing back to the input goes through the weight the forward pass "
        "used; check which array you transpose to get dxt: a weight, or a gradient you have "
        "just computed.",
        intermediates=(),
        source=_rnn_cell_backward("np.dot(dWax.T, dtanh)", "np.sum(dtanh, axis=1, keepdims=True)"),
    ),
    Mistake(
        id="rnn-backward-accumulator-adds-itself",
        function="rnn_backward",
        summary="the weight gradients are added to themselves (dWax += dWax), so they stay zero",
        hint="Your accumulated weight and bias gradients come out as all zeros: check what you "
        "add to each accumulator inside the loop (the step's gradient, not the accumulator).",
        intermediates=(),
        source=_rnn_backward(
            "        dWax += dWax\n        dWaa += dWaa\n        dba += dba", "da_prevt"
        ),
    ),
    Mistake(
        id="rnn-backward-da0-from-da",
        function="rnn_backward",
        summary="da0 is read from the input da[:, :, 0] instead of the gradient carried back",
        hint="da0 is the gradient that flows back out of the first cell; check that it comes "
        "from what the loop carried back, not from the input da.",
        intermediates=(),
        source=_rnn_backward(_SUMS, "da[:, :, 0]"),
    ),
    Mistake(
        id="lstm-cell-backward-bias-mean-over-examples",
        function="lstm_cell_backward",
        summary="the bias gradients average over the examples (np.mean) instead of summing",
        hint="Each gate's bias is shared by every example, so its gradient adds up all m "
        "examples' contributions; check whether dbf, dbi, dbc and dbo sum or average over the "
        "examples' axis.",
        intermediates=(),
        source=_LSTM_CELL_BACKWARD_HEAD
        + _SUMMED_BIASES.replace("np.sum", "np.mean")
        + _WEIGHT_TERMS
        + _LSTM_CELL_BACKWARD_RETURN,
    ),
    Mistake(
        id="lstm-cell-backward-gradients-as-weights",
        function="lstm_cell_backward",
        summary="da_prev and dxt multiply by the gradients dWf, dWi, dWc, dWo instead of the "
        "weights",
        hint="The gradient flowing back to a_prev and xt goes through the gate weights the "
        "forward pass used; check whether you slice Wf, Wi, Wc, Wo or the gradients dWf, dWi, "
        "dWc, dWo you have just computed.",
        intermediates=(),
        source=_LSTM_CELL_BACKWARD_HEAD
        + _SUMMED_BIASES
        + _WEIGHT_TERMS.replace(
            'Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], '
            'parameters["Wo"]',
            "Wf, Wi, Wc, Wo = dWf, dWi, dWc, dWo",
        )
        + _LSTM_CELL_BACKWARD_RETURN,
    ),
    Mistake(
        id="lstm-backward-da0-from-da",
        function="lstm_backward",
        summary="da0 is read from the input da[:, :, 0] instead of the gradient carried back",
        hint="da0 is the gradient that flows back out of the first cell; check that it comes "
        "from what the loop carried back, not from the input da.",
        intermediates=(),
        source=_LSTM_BACKWARD_HEAD
        + "        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])\n"
        + _LSTM_BACKWARD_LOOP_TAIL
        + "\n    da0 = da[:, :, 0]\n"
        + _LSTM_BACKWARD_RETURN,
    ),
    Mistake(
        id="lstm-backward-passes-all-caches",
        function="lstm_backward",
        summary="the cell receives the whole list of caches instead of caches[t]",
        hint="Each call of lstm_cell_backward handles one time step, so it needs that step's "
        "cache; check the third argument you pass inside the loop.",
        intermediates=(),
        source=_LSTM_BACKWARD_HEAD
        + "        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches)\n"
        + _LSTM_BACKWARD_LOOP_TAIL
        + "\n    da0 = da_prevt\n"
        + _LSTM_BACKWARD_RETURN,
        raises_as_written="ValueError",
    ),
)
