"""A catalog of mistakes students really make in the RNN and LSTM exercise.

Each entry holds the complete buggy function as a student would write it, plus a short summary
of what goes wrong, a hint for the student (which quantity to look at, without the fix), and the
intermediates of a cell function that the bug makes wrong. The sources use only `np`, `sigmoid`,
`softmax` and the other assignment functions as globals, so they run in a notebook namespace or
in a namespace built from `solutions.reference`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One known wrong version of an assignment function.

    id: kebab-case name that starts with the function name written with dashes.
    function: the assignment function this source replaces.
    summary: one line saying what the code does wrong.
    hint: one or two plain sentences for the student, pointing at the step to re-check.
    intermediates: the function's checked intermediates (see grader.spec) that come out wrong;
        empty when none do or when the function has none.
    source: the full buggy definition, ready to exec.
    raises_as_written: the exception it raises with the real callees ("" when it runs): a
        mistake that only shows as a wrong argument to a callee, which a stub accepts.
    """

    id: str
    function: str
    summary: str
    hint: str
    intermediates: tuple[str, ...]
    source: str
    raises_as_written: str = ""


def build(mistake: Mistake, namespace: dict) -> Callable:
    """Exec the mistake's source into a copy of `namespace` and return the function it defines.

    The copy becomes the function's globals, so callees are looked up there and can be swapped
    later without touching the caller's namespace.
    """
    scope = dict(namespace)
    # Running cataloged source text is the whole point of this function.
    exec(compile(mistake.source, f"<mistake {mistake.id}>", "exec"), scope)  # noqa: S102
    return scope[mistake.function]


# ---------------------------------------------------------------------------------------------
# rnn_cell_forward
# ---------------------------------------------------------------------------------------------

_RNN_CELL_FORWARD = (
    Mistake(
        id="rnn-cell-forward-no-bias-ba",
        function="rnn_cell_forward",
        summary="a_next leaves out the bias ba",
        hint="Compare the sum inside the tanh with the formula for a<t>: one parameter you "
        "unpacked from the dictionary is never used there.",
        intermediates=(),
        source="""\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt))
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
""",
    ),
    Mistake(
        id="rnn-cell-forward-sigmoid-activation",
        function="rnn_cell_forward",
        summary="the hidden state uses sigmoid instead of tanh",
        hint="Check which activation the basic RNN cell applies to get the new hidden state; "
        "your values all land between 0 and 1, which is a sign of the wrong squashing function.",
        intermediates=(),
        source="""\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = sigmoid(Wax @ xt + Waa @ a_prev + ba)
    yt_pred = softmax(Wya @ a_next + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
""",
    ),
    Mistake(
        id="rnn-cell-forward-no-softmax",
        function="rnn_cell_forward",
        summary="yt_pred is the raw score Wya a_next + by, softmax is never applied",
        hint="The prediction should be a probability distribution over the n_y classes; check "
        "whether each column of your yt_pred is positive and sums to one.",
        intermediates=(),
        source="""\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    yt_pred = np.dot(Wya, a_next) + by

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
""",
    ),
    Mistake(
        id="rnn-cell-forward-yt-from-a-prev",
        function="rnn_cell_forward",
        summary="yt_pred is computed from a_prev instead of the new hidden state",
        hint="Look at which hidden state feeds the prediction: the output at step t should be "
        "read from the state this cell has just computed.",
        intermediates=(),
        source="""\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    yt_pred = softmax(np.dot(Wya, a_prev) + by)
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
""",
    ),
    Mistake(
        id="rnn-cell-forward-cache-order",
        function="rnn_cell_forward",
        summary="the cache stores a_prev before a_next",
        hint="The backward pass unpacks the cache in a fixed order; check that your tuple lists "
        "its entries in the order the instructions give.",
        intermediates=(),
        source="""\
def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)

    cache = (a_prev, a_next, xt, parameters)
    return a_next, yt_pred, cache
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# rnn_forward
# ---------------------------------------------------------------------------------------------

_RNN_FORWARD = (
    Mistake(
        id="rnn-forward-starts-from-zeros",
        function="rnn_forward",
        summary="the first hidden state is zeros instead of a0",
        hint="Check what hidden state you give the cell at the very first step; the function "
        "receives an initial state as an argument for a reason.",
        intermediates=(),
        source="""\
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches
""",
    ),
    Mistake(
        id="rnn-forward-always-a0",
        function="rnn_forward",
        summary="every step receives a0 instead of the previous step's hidden state",
        hint="Look at the hidden state you pass to the cell inside the loop: from the second "
        "step on it should be the state produced by the step before.",
        intermediates=(),
        source="""\
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches
""",
    ),
    Mistake(
        id="rnn-forward-caches-without-x",
        function="rnn_forward",
        summary="caches is returned as the bare list, without x",
        hint="Check what the backward pass expects to unpack from caches: it needs the inputs "
        "as well as the per-step caches.",
        intermediates=(),
        source="""\
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    return a, y_pred, caches
""",
    ),
    Mistake(
        id="rnn-forward-y-one-step-late",
        function="rnn_forward",
        summary="y_pred[:, :, t] holds the prediction of step t-1 (zeros at step 0)",
        hint="Look at when you write the prediction into y_pred relative to the cell call: each "
        "slot should hold the prediction made at that same step.",
        intermediates=(),
        source="""\
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = a0
    yt = np.zeros((n_y, m))
    for t in range(T_x):
        y_pred[:, :, t] = yt
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches
""",
    ),
    Mistake(
        id="rnn-forward-stores-previous-state",
        function="rnn_forward",
        summary="a[:, :, t] stores the state going into step t, not the state it produces",
        hint="Check which hidden state you save in a at each step: the first slot should hold "
        "the output of the first cell, not the initial state.",
        intermediates=(),
        source="""\
def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_prev = a0
    for t in range(T_x):
        a[:, :, t] = a_prev
        a_prev, yt, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        y_pred[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# lstm_cell_forward
# ---------------------------------------------------------------------------------------------

_LSTM_CELL_FORWARD = (
    Mistake(
        id="lstm-cell-forward-concat-x-first",
        function="lstm_cell_forward",
        summary="concat stacks xt above a_prev instead of a_prev above xt",
        hint="Check the order in which you stack the previous hidden state and the input: the "
        "first n_a columns of every gate's weight matrix belong to one of them.",
        intermediates=("ft", "it", "cct", "c_next", "ot"),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.vstack((xt, a_prev))

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-c-next-without-update-gate",
        function="lstm_cell_forward",
        summary="c_next adds the candidate without scaling it by the update gate it",
        hint="Look at how the new cell state combines the old one and the candidate: each of "
        "the two terms is scaled by its own gate.",
        intermediates=("c_next",),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(Wf @ concat + bf)
    it = sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(Wy @ a_next + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-gates-swapped-in-c-next",
        function="lstm_cell_forward",
        summary="c_next scales c_prev by the update gate and the candidate by the forget gate",
        hint="Check which gate multiplies which term in the new cell state: the forget gate "
        "decides how much of the old memory is kept.",
        intermediates=("c_next",),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(Wf @ concat + bf)
    it = sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = it * c_prev + ft * cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(Wy @ a_next + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-a-next-without-tanh",
        function="lstm_cell_forward",
        summary="a_next multiplies the output gate by c_next itself, without the tanh",
        hint="Look at how the hidden state is read from the cell state: the cell state is "
        "squashed before the output gate scales it.",
        intermediates=(),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.concatenate((a_prev, xt))

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * c_next

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-a-next-from-c-prev",
        function="lstm_cell_forward",
        summary="a_next is read from the old cell state c_prev instead of c_next",
        hint="Check which cell state the new hidden state is read from: it should be the one "
        "this step has just updated.",
        intermediates=(),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_prev)
    c_next = ft * c_prev + it * cct

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-candidate-sigmoid",
        function="lstm_cell_forward",
        summary="the candidate value cct uses sigmoid instead of tanh",
        hint="Check the activation of the candidate cell value: unlike the three gates it is "
        "not a number between 0 and 1, it can be negative.",
        intermediates=("cct", "c_next"),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = sigmoid(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-output-gate-copies-forget",
        function="lstm_cell_forward",
        summary="the output gate ot is computed with the forget gate's Wf and bf (copy-paste)",
        hint="Each of the four gate lines should use its own weight matrix and bias; re-read "
        "the line for the output gate.",
        intermediates=("ot",),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wf, concat) + bf)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
    Mistake(
        id="lstm-cell-forward-cache-it-ft-swapped",
        function="lstm_cell_forward",
        summary="the cache lists the update gate before the forget gate",
        hint="The backward pass unpacks the cache by position; compare the order of the gates "
        "in your cache tuple with the order in the instructions.",
        intermediates=(),
        source="""\
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(np.dot(Wy, a_next) + by)

    cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# lstm_forward
# ---------------------------------------------------------------------------------------------

_LSTM_FORWARD = (
    Mistake(
        id="lstm-forward-initial-cell-state-is-view",
        function="lstm_forward",
        summary="the initial cell state is the view c[:, :, 0], so writing c[:, :, 0] later "
        "overwrites the c_prev cached at step 0 (a, y and c themselves stay right)",
        hint="Look at the object you start the cell state from: a slice of a NumPy array shares "
        "memory with it, so filling that array later silently changes what the first cache "
        "holds as the previous cell state.",
        intermediates=(),
        source="""\
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = c[:, :, 0]
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
""",
    ),
    Mistake(
        id="lstm-forward-starts-from-zeros",
        function="lstm_forward",
        summary="the first hidden state is zeros instead of a0",
        hint="Check what hidden state the first cell receives; only the cell state starts at "
        "zero, the hidden state is given to you.",
        intermediates=(),
        source="""\
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = np.zeros((n_a, m))
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
""",
    ),
    Mistake(
        id="lstm-forward-c-starts-from-a0",
        function="lstm_forward",
        summary="the initial cell state is a0 instead of zeros",
        hint="Check how you initialise the cell state before the loop: a0 is the initial hidden "
        "state, the memory cell starts out empty.",
        intermediates=(),
        source="""\
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = a0
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
""",
    ),
    Mistake(
        id="lstm-forward-y-one-step-late",
        function="lstm_forward",
        summary="y[:, :, t] holds the prediction of step t-1 (zeros at step 0)",
        hint="Look at when you store the prediction relative to the cell call: each time slot of "
        "y should hold the prediction made at that same step.",
        intermediates=(),
        source="""\
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = np.zeros((n_a, m))
    yt = np.zeros((n_y, m))
    for t in range(T_x):
        y[:, :, t] = yt
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
""",
    ),
    Mistake(
        id="lstm-forward-cell-state-not-carried",
        function="lstm_forward",
        summary="every step receives the zero initial cell state; c_next is never fed back",
        hint="Check which cell state you pass to the cell inside the loop: the memory should "
        "flow from one step to the next, just like the hidden state does.",
        intermediates=(),
        source="""\
def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_prev = a0
    c_prev = np.zeros((n_a, m))
    for t in range(T_x):
        xt = x[:, :, t]
        a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
        a_prev = a_next
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# rnn_cell_backward
# ---------------------------------------------------------------------------------------------

_RNN_CELL_BACKWARD = (
    Mistake(
        id="rnn-cell-backward-tanh-applied-twice",
        function="rnn_cell_backward",
        summary="dtanh uses 1 - tanh(a_next)**2, applying tanh to a value that is already a tanh",
        hint="a_next is already the output of the tanh; check how the derivative of tanh is "
        "written in terms of its own output.",
        intermediates=("dtanh",),
        source="""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - np.tanh(a_next) ** 2) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)

    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients
""",
    ),
    Mistake(
        id="rnn-cell-backward-no-tanh-derivative",
        function="rnn_cell_backward",
        summary="dtanh is just da_next; the derivative of the tanh is left out",
        hint="Before the gradient reaches the weights it has to pass back through the tanh; "
        "check that you multiply by the tanh's local derivative.",
        intermediates=("dtanh",),
        source="""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = da_next

    dxt = Wax.T @ dtanh
    dWax = dtanh @ xt.T
    da_prev = Waa.T @ dtanh
    dWaa = dtanh @ a_prev.T
    dba = np.sum(dtanh, axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-cell-backward-dtanh-from-a-prev",
        function="rnn_cell_backward",
        summary="dtanh uses the derivative at a_prev instead of at a_next",
        hint="The tanh you are differentiating is the one that produced this cell's output; "
        "check which hidden state you use in its derivative.",
        intermediates=("dtanh",),
        source="""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_prev ** 2) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-cell-backward-dba-wrong-axis",
        function="rnn_cell_backward",
        summary="dba sums over the hidden units (axis 0) instead of over the examples",
        hint="The bias is shared by all examples in the batch, so its gradient adds up "
        "contributions along the batch dimension; check the axis and the resulting shape.",
        intermediates=(),
        source="""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=0, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-cell-backward-dwaa-from-a-next",
        function="rnn_cell_backward",
        summary="dWaa multiplies dtanh by a_next.T instead of a_prev.T",
        hint="A weight's gradient pairs the upstream gradient with the value that weight "
        "multiplied in the forward pass; check which hidden state Waa was applied to.",
        intermediates=(),
        source="""\
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_next.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)

    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# rnn_backward
# ---------------------------------------------------------------------------------------------

_RNN_BACKWARD = (
    Mistake(
        id="rnn-backward-no-recurrent-gradient",
        function="rnn_backward",
        summary="each step receives only da[:, :, t], without the gradient from the later step",
        hint="A hidden state is used twice: for the outside loss and by the next cell; check that "
        "the gradient you pass to each cell includes what came back from the step after it.",
        intermediates=(),
        source="""\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x, m = x[:, :, 0].shape

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t], caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-backward-loops-forward",
        function="rnn_backward",
        summary="the loop runs forward in time, so the recurrent gradient flows the wrong way",
        hint="Backpropagation through time starts at the last step; check the direction of your "
        "loop and which step's gradient each cell receives.",
        intermediates=(),
        source="""\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in range(T_x):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-backward-dx-sized-from-x",
        function="rnn_backward",
        summary="dx is allocated with x's number of time steps instead of da's",
        hint="The number of steps to backpropagate is set by da, which can be shorter than the "
        "input sequence; check where your dx takes its time dimension from.",
        intermediates=(),
        source="""\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T = da.shape
    n_x = x.shape[0]

    dx = np.zeros(x.shape)
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-backward-gradients-overwritten",
        function="rnn_backward",
        summary="dWax, dWaa and dba keep only the last cell's gradient instead of the sum",
        hint="The same weights are used at every time step, so their gradient collects a "
        "contribution from every step; check how you combine them inside the loop.",
        intermediates=(),
        source="""\
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
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax = gradients["dWax"]
        dWaa = gradients["dWaa"]
        dba = gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
    Mistake(
        id="rnn-backward-skips-step-zero",
        function="rnn_backward",
        summary="the loop stops before t = 0, so the first step is never backpropagated",
        hint="Check the range of your backward loop: it has to visit every step including the "
        "very first one, and da0 comes out of that first cell.",
        intermediates=(),
        source="""\
def rnn_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in range(T_x - 1, 0, -1):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# lstm_cell_backward
# ---------------------------------------------------------------------------------------------

_LSTM_CELL_BACKWARD = (
    Mistake(
        id="lstm-cell-backward-dft-without-dc-next",
        function="lstm_cell_backward",
        summary="dft ignores the gradient arriving through dc_next",
        hint="The forget gate reaches the loss through the new cell state, and that cell state "
        "gets gradient from two places; check that both feed your forget-gate gradient.",
        intermediates=("dft",),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape

    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next) * (1 - cct ** 2)
    dit = (dc_next * cct + ot * (1 - np.tanh(c_next) ** 2) * cct * da_next) * it * (1 - it)
    dft = ot * (1 - np.tanh(c_next) ** 2) * c_prev * da_next * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)

    da_prev = (np.dot(parameters["Wf"][:, :n_a].T, dft) + np.dot(parameters["Wi"][:, :n_a].T, dit)
               + np.dot(parameters["Wc"][:, :n_a].T, dcct)
               + np.dot(parameters["Wo"][:, :n_a].T, dot))
    dc_prev = dc_next * ft + ot * (1 - np.tanh(c_next) ** 2) * ft * da_next
    dxt = (np.dot(parameters["Wf"][:, n_a:].T, dft) + np.dot(parameters["Wi"][:, n_a:].T, dit)
           + np.dot(parameters["Wc"][:, n_a:].T, dcct)
           + np.dot(parameters["Wo"][:, n_a:].T, dot))

    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                 "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
""",
    ),
    Mistake(
        id="lstm-cell-backward-tanh-derivative-squared-wrong",
        function="lstm_cell_backward",
        summary="the gradient through tanh(c_next) uses (1 - tanh(c_next))**2 instead of "
        "1 - tanh(c_next)**2",
        hint="Re-check the derivative of tanh where the gradient from a_next enters the cell "
        "state: look closely at what the square applies to.",
        intermediates=("dcct", "dit", "dft"),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next)) ** 2
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-cell-backward-dot-without-sigmoid-derivative",
        function="lstm_cell_backward",
        summary="dot stops at the gate's output: the sigmoid derivative ot * (1 - ot) is missing",
        hint="dot is the gradient before the output gate's sigmoid, so it has to pass back "
        "through that sigmoid; compare it with how you handled the other gates.",
        intermediates=("dot",),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-cell-backward-dcct-wrong-tanh-derivative",
        function="lstm_cell_backward",
        summary="dcct multiplies by (1 - cct) instead of the tanh derivative 1 - cct**2",
        hint="The candidate goes through a tanh; check the local derivative you use for it, "
        "written in terms of the candidate value itself.",
        intermediates=("dcct",),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape

    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next) * (1 - cct)
    dit = (dc_next * cct + ot * (1 - np.tanh(c_next) ** 2) * cct * da_next) * it * (1 - it)
    dft = (dc_next * c_prev + ot * (1 - np.tanh(c_next) ** 2) * c_prev * da_next) * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)

    da_prev = (np.dot(parameters["Wf"][:, :n_a].T, dft) + np.dot(parameters["Wi"][:, :n_a].T, dit)
               + np.dot(parameters["Wc"][:, :n_a].T, dcct)
               + np.dot(parameters["Wo"][:, :n_a].T, dot))
    dc_prev = dc_next * ft + ot * (1 - np.tanh(c_next) ** 2) * ft * da_next
    dxt = (np.dot(parameters["Wf"][:, n_a:].T, dft) + np.dot(parameters["Wi"][:, n_a:].T, dit)
           + np.dot(parameters["Wc"][:, n_a:].T, dcct)
           + np.dot(parameters["Wo"][:, n_a:].T, dot))

    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                 "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
""",
    ),
    Mistake(
        id="lstm-cell-backward-dit-tanh-derivative",
        function="lstm_cell_backward",
        summary="dit uses the tanh derivative (1 - it**2) although the update gate is a sigmoid",
        hint="Check which activation the update gate uses in the forward pass and whether the "
        "local derivative you multiply by belongs to that activation.",
        intermediates=("dit",),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape

    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next) * (1 - cct ** 2)
    dit = (dc_next * cct + ot * (1 - np.tanh(c_next) ** 2) * cct * da_next) * (1 - it ** 2)
    dft = (dc_next * c_prev + ot * (1 - np.tanh(c_next) ** 2) * c_prev * da_next) * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)

    da_prev = (np.dot(parameters["Wf"][:, :n_a].T, dft) + np.dot(parameters["Wi"][:, :n_a].T, dit)
               + np.dot(parameters["Wc"][:, :n_a].T, dcct)
               + np.dot(parameters["Wo"][:, :n_a].T, dot))
    dc_prev = dc_next * ft + ot * (1 - np.tanh(c_next) ** 2) * ft * da_next
    dxt = (np.dot(parameters["Wf"][:, n_a:].T, dft) + np.dot(parameters["Wi"][:, n_a:].T, dit)
           + np.dot(parameters["Wc"][:, n_a:].T, dcct)
           + np.dot(parameters["Wo"][:, n_a:].T, dot))

    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                 "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
""",
    ),
    Mistake(
        id="lstm-cell-backward-dc-prev-without-ft",
        function="lstm_cell_backward",
        summary="dc_prev is the whole cell-state gradient, not scaled by the forget gate",
        hint="The previous cell state enters the new one only through the forget gate; check "
        "what the gradient is multiplied by on its way back to c_prev.",
        intermediates=(),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-cell-backward-dc-prev-only-dc-next",
        function="lstm_cell_backward",
        summary="dc_prev passes back only dc_next * ft, leaving out the gradient that reaches "
        "c_next through a_next",
        hint="c_next also produces a_next, so part of its gradient arrives through da_next; "
        "check that this part is included before you send the gradient back to c_prev.",
        intermediates=(),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape

    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next) * (1 - cct ** 2)
    dit = (dc_next * cct + ot * (1 - np.tanh(c_next) ** 2) * cct * da_next) * it * (1 - it)
    dft = (dc_next * c_prev + ot * (1 - np.tanh(c_next) ** 2) * c_prev * da_next) * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)

    da_prev = (np.dot(parameters["Wf"][:, :n_a].T, dft) + np.dot(parameters["Wi"][:, :n_a].T, dit)
               + np.dot(parameters["Wc"][:, :n_a].T, dcct)
               + np.dot(parameters["Wo"][:, :n_a].T, dot))
    dc_prev = dc_next * ft
    dxt = (np.dot(parameters["Wf"][:, n_a:].T, dft) + np.dot(parameters["Wi"][:, n_a:].T, dit)
           + np.dot(parameters["Wc"][:, n_a:].T, dcct)
           + np.dot(parameters["Wo"][:, n_a:].T, dot))

    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                 "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
""",
    ),
    Mistake(
        id="lstm-cell-backward-da-prev-missing-candidate",
        function="lstm_cell_backward",
        summary="da_prev adds the forget, update and output gate terms but leaves out the "
        "candidate's dcct term",
        hint="a_prev feeds all four gate computations, so its gradient collects one term from "
        "each of them; count the terms in your da_prev.",
        intermediates=(),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-cell-backward-concat-x-first",
        function="lstm_cell_backward",
        summary="the weight gradients use concat stacked as [xt; a_prev], so their columns are "
        "in the wrong order",
        hint="The weight gradients must line up column for column with the weights; check the "
        "order in which you stack the previous hidden state and the input.",
        intermediates=(),
        source="""\
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]

    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.vstack((xt, a_prev))
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = dft.sum(axis=1, keepdims=True)
    dbi = dit.sum(axis=1, keepdims=True)
    dbc = dcct.sum(axis=1, keepdims=True)
    dbo = dot.sum(axis=1, keepdims=True)

    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    dc_prev = dc * ft

    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# lstm_backward
# ---------------------------------------------------------------------------------------------

_LSTM_BACKWARD = (
    Mistake(
        id="lstm-backward-no-recurrent-gradient",
        function="lstm_backward",
        summary="each step receives only da[:, :, t] as da_next, without the gradient from the "
        "later step",
        hint="Each hidden state is used by the outside loss and by the next cell; check that the "
        "gradient you pass as da_next includes what came back from the step after it.",
        intermediates=(),
        source="""\
def lstm_backward(da, caches):
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    da0 = np.zeros((n_a, m))
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
        gradients = lstm_cell_backward(da[:, :, t], dc_prevt, caches[t])
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

    da0 = da_prevt
    gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                 "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
""",
    ),
    Mistake(
        id="lstm-backward-dc-reset-every-step",
        function="lstm_backward",
        summary="dc_prevt is reset to zeros inside the loop, so no gradient flows back along the "
        "cell state",
        hint="Only the last step starts with a zero cell-state gradient; check where you set it "
        "to zero and what each earlier step receives instead.",
        intermediates=(),
        source="""\
def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x))
    dWi = np.zeros((n_a, n_a + n_x))
    dWc = np.zeros((n_a, n_a + n_x))
    dWo = np.zeros((n_a, n_a + n_x))
    dbf = np.zeros((n_a, 1))
    dbi = np.zeros((n_a, 1))
    dbc = np.zeros((n_a, 1))
    dbo = np.zeros((n_a, 1))

    for t in reversed(range(T_x)):
        dc_prevt = np.zeros((n_a, m))
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-backward-dc-from-da-prev",
        function="lstm_backward",
        summary="dc_prevt is taken from the da_prev entry (copy-paste), so the hidden-state "
        "gradient is fed in as the cell-state gradient",
        hint="Two different gradients travel backward between steps; check which entry of the "
        "cell's result you keep for each of them.",
        intermediates=(),
        source="""\
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
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["da_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-backward-dx-sized-from-x",
        function="lstm_backward",
        summary="dx is allocated with x's number of time steps instead of da's",
        hint="da can cover fewer steps than the input sequence, and it decides how many steps "
        "are backpropagated; check where your dx takes its time dimension from.",
        intermediates=(),
        source="""\
def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T = da.shape
    n_x = x.shape[0]

    dx = np.zeros_like(x)
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

    for t in reversed(range(T)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
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

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-backward-gradients-overwritten",
        function="lstm_backward",
        summary="the weight and bias gradients keep only the last cell's values instead of the "
        "sum over steps",
        hint="The gate weights are shared by every time step, so each step adds its own "
        "contribution; check how you combine them inside the loop.",
        intermediates=(),
        source="""\
def lstm_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf = gradients["dWf"]
        dWi = gradients["dWi"]
        dWc = gradients["dWc"]
        dWo = gradients["dWo"]
        dbf = gradients["dbf"]
        dbi = gradients["dbi"]
        dbc = gradients["dbc"]
        dbo = gradients["dbo"]

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
    Mistake(
        id="lstm-backward-loops-forward",
        function="lstm_backward",
        summary="the loop runs forward in time, so the recurrent gradients flow the wrong way",
        hint="Backpropagation through time starts at the last step and walks back to the first; "
        "check the direction of your loop.",
        intermediates=(),
        source="""\
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

    for t in range(T_x):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
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

    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
""",
    ),
)

# The slips module builds on Mistake, defined above; importing it here keeps one catalog.
from solutions.slips import SLIPS  # noqa: E402

MISTAKES: tuple[Mistake, ...] = (
    _RNN_CELL_FORWARD
    + _RNN_FORWARD
    + _LSTM_CELL_FORWARD
    + _LSTM_FORWARD
    + _RNN_CELL_BACKWARD
    + _RNN_BACKWARD
    + _LSTM_CELL_BACKWARD
    + _LSTM_BACKWARD
    + SLIPS
)
"""Every cataloged mistake, grouped by function in the assignment's order."""
