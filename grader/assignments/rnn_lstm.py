"""The RNN / LSTM assignment, declared: forward and backward passes of a basic RNN and an LSTM,
cell by cell and over time (`rnn_lstm.ipynb`). Data only; the reference is solutions/reference.py.

The module-level names (FUNCTIONS, NAMES, function, dependencies, HELPERS) are this declaration's
own, for the solution side (solutions/cases.py) and the tests; the engine reads `ASSIGNMENT`
through the registry (grader.assignments).
"""

from __future__ import annotations

from grader.spec import Assignment, Function, Intermediate, Loop, Words

RNN_CACHE = ("a_next", "a_prev", "xt", "parameters")
LSTM_CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")

RNN_PARAMETERS = ("Waa", "Wax", "Wya", "ba", "by")
LSTM_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")

HELPERS = ("sigmoid", "softmax")
DIMENSIONS = ("n_x", "n_a", "n_y", "m", "T_x")

CACHES = (None, "x")  # caches = (the list of every step's cache, x)
_LSTM_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="rnn_cell_forward",
        params=("xt", "a_prev", "parameters"),
        outputs=("a_next", "yt_pred", "cache"),
        returns="tuple",
        cache="cache",
        cache_layout=RNN_CACHE,
        passthrough=("a_prev", "xt", "parameters"),
        captures_locals=True,
    ),
    Function(
        name="rnn_forward",
        params=("x", "a0", "parameters"),
        outputs=("a", "y_pred", "caches"),
        returns="tuple",
        calls=("rnn_cell_forward",),
        loop=Loop(
            axes={"a": 2, "y_pred": 2}, carried=("a_prev",), caches="caches", caches_layout=CACHES
        ),
    ),
    Function(
        name="lstm_cell_forward",
        params=("xt", "a_prev", "c_prev", "parameters"),
        outputs=("a_next", "c_next", "yt_pred", "cache"),
        returns="tuple",
        cache="cache",
        cache_layout=LSTM_CACHE,
        passthrough=("a_prev", "c_prev", "xt", "parameters"),
        captures_locals=True,
        intermediates=(
            Intermediate("ft", ("c_next", "a_next", "yt_pred"), "the forget gate"),
            Intermediate("it", ("c_next", "a_next", "yt_pred"), "the update (input) gate"),
            Intermediate("cct", ("c_next", "a_next", "yt_pred"), "the candidate cell value"),
            Intermediate("c_next", ("c_next", "a_next", "yt_pred"), "the new cell state"),
            Intermediate("ot", ("a_next", "yt_pred"), "the output gate"),
        ),
    ),
    Function(
        name="lstm_forward",
        params=("x", "a0", "parameters"),
        outputs=("a", "y", "c", "caches"),
        returns="tuple",
        calls=("lstm_cell_forward",),
        loop=Loop(
            axes={"a": 2, "y": 2, "c": 2},
            carried=("a_prev", "c_prev"),
            caches="caches",
            caches_layout=CACHES,
        ),
    ),
    Function(
        name="rnn_cell_backward",
        params=("da_next", "cache"),
        outputs=("dxt", "da_prev", "dWax", "dWaa", "dba"),
        returns="dict",
        fed={"cache": ("rnn_cell_forward", "cache")},
        captures_locals=True,
        backward=True,
        intermediates=(
            Intermediate(
                "dtanh",
                ("dxt", "da_prev", "dWax", "dWaa", "dba"),
                "the gradient through the tanh, (1 - a_next**2) * da_next",
            ),
        ),
    ),
    Function(
        name="rnn_backward",
        params=("da", "caches"),
        outputs=("dx", "da0", "dWax", "dWaa", "dba"),
        returns="dict",
        calls=("rnn_cell_backward",),
        fed={"caches": ("rnn_forward", "caches")},
        loop=Loop(axes={"dx": 2}, order="backward", carried=("da_next",)),
        backward=True,
    ),
    Function(
        name="lstm_cell_backward",
        params=("da_next", "dc_next", "cache"),
        outputs=("dxt", "da_prev", "dc_prev") + _LSTM_GRADS,
        returns="dict",
        fed={"cache": ("lstm_cell_forward", "cache")},
        captures_locals=True,
        backward=True,
        intermediates=(
            Intermediate("dot", ("dWo", "dbo"), "the gradient at the output gate's pre-activation"),
            Intermediate("dcct", ("dWc", "dbc"), "the gradient at the candidate's pre-activation"),
            Intermediate("dit", ("dWi", "dbi"), "the gradient at the update gate's pre-activation"),
            Intermediate("dft", ("dWf", "dbf"), "the gradient at the forget gate's pre-activation"),
        ),
    ),
    Function(
        name="lstm_backward",
        params=("da", "caches"),
        outputs=("dx", "da0") + _LSTM_GRADS,
        returns="dict",
        calls=("lstm_cell_backward",),
        fed={"caches": ("lstm_forward", "caches")},
        loop=Loop(axes={"dx": 2}, order="backward", carried=("da_next", "dc_next")),
        backward=True,
    ),
)

ASSIGNMENT = Assignment(
    name="rnn_lstm",
    functions=FUNCTIONS,
    notebook="rnn_lstm.ipynb",
    helpers=HELPERS,
    parameter_keys={
        fn.name: LSTM_PARAMETERS if fn.name.startswith("lstm") else RNN_PARAMETERS
        for fn in FUNCTIONS
    },
    dimensions=DIMENSIONS,
    words=Words(
        parameters="parameters",
        cache="cache",
        caches="caches",
        public_case="the public case (np.random.seed(1))",
        whole_caches="the pair (caches, x) the forward pass returned",
        step_cache_hint="Pass the cache of the step the loop is at (`caches[t]` after unpacking "
        "`(caches, x)`)",
        step_function="cell",
        edge_case="one hidden unit",
    ),
)

FUNCTIONS = ASSIGNMENT.functions  # bound to the declaration (Function.related works on them)
BY_NAME = ASSIGNMENT.by_name
NAMES = ASSIGNMENT.names
function = ASSIGNMENT.function
dependencies = ASSIGNMENT.dependencies
