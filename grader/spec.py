"""The assignment, declared once as data.

Every other module reads this table: the case builder (which inputs to draw, which callees to
record), the isolation probe (which names to stub), the diagnosis (which outputs carry a time
axis, which intermediates feed which outputs) and the report (order). What each question is
worth is not here: the master notebook sets it, and the build writes it into the case data
(solutions.points, grader.casedata.Points).
"""

from __future__ import annotations

from dataclasses import dataclass, field

RNN_CACHE = ("a_next", "a_prev", "xt", "parameters")
LSTM_CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")

RNN_PARAMETERS = ("Waa", "Wax", "Wya", "ba", "by")
LSTM_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")


@dataclass(frozen=True)
class Intermediate:
    """A quantity computed inside a cell function that is worth checking on its own.

    `feeds` names the outputs that are wrong whenever this quantity is wrong; an intermediate is
    reported only when every output it feeds is wrong and no local value matches it.
    """

    name: str
    feeds: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Function:
    """One function the students write.

    name: the function's name in the notebook.
    params: its parameters, in order.
    outputs: the names of what it returns: tuple items in order, or the keys of the returned dict.
    returns: "tuple" or "dict".
    calls: assignment functions it should call; replaced by replay stubs in isolation.
    fed_by: the forward function whose output (`fed_output`) becomes the `fed_param` argument
        when the function runs as written (backward passes take their caches from it).
    time_axis: for outputs stacked over time, the axis that indexes the time step.
    cache_layout: for a cache output, the names of its entries; `passthrough` names the entries
        that are the very argument objects the function received.
    intermediates: quantities inside the function worth checking.
    """

    name: str
    params: tuple[str, ...]
    outputs: tuple[str, ...]
    returns: str
    calls: tuple[str, ...] = ()
    fed_by: str | None = None
    fed_param: str | None = None
    fed_output: str | None = None
    time_axis: dict[str, int] = field(default_factory=dict)
    cache_layout: tuple[str, ...] = ()
    passthrough: tuple[str, ...] = ()
    intermediates: tuple[Intermediate, ...] = ()
    backward: bool = False

    @property
    def is_cell(self) -> bool:
        return not self.calls and "cell" in self.name

    def output_index(self, output: str) -> int:
        return self.outputs.index(output)


_LSTM_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="rnn_cell_forward",
        params=("xt", "a_prev", "parameters"),
        outputs=("a_next", "yt_pred", "cache"),
        returns="tuple",
        cache_layout=RNN_CACHE,
        passthrough=("a_prev", "xt", "parameters"),
    ),
    Function(
        name="rnn_forward",
        params=("x", "a0", "parameters"),
        outputs=("a", "y_pred", "caches"),
        returns="tuple",
        calls=("rnn_cell_forward",),
        time_axis={"a": 2, "y_pred": 2},
    ),
    Function(
        name="lstm_cell_forward",
        params=("xt", "a_prev", "c_prev", "parameters"),
        outputs=("a_next", "c_next", "yt_pred", "cache"),
        returns="tuple",
        cache_layout=LSTM_CACHE,
        passthrough=("a_prev", "c_prev", "xt", "parameters"),
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
        time_axis={"a": 2, "y": 2, "c": 2},
    ),
    Function(
        name="rnn_cell_backward",
        params=("da_next", "cache"),
        outputs=("dxt", "da_prev", "dWax", "dWaa", "dba"),
        returns="dict",
        fed_by="rnn_cell_forward",
        fed_param="cache",
        fed_output="cache",
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
        fed_by="rnn_forward",
        fed_param="caches",
        fed_output="caches",
        time_axis={"dx": 2},
        backward=True,
    ),
    Function(
        name="lstm_cell_backward",
        params=("da_next", "dc_next", "cache"),
        outputs=("dxt", "da_prev", "dc_prev") + _LSTM_GRADS,
        returns="dict",
        fed_by="lstm_cell_forward",
        fed_param="cache",
        fed_output="cache",
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
        fed_by="lstm_forward",
        fed_param="caches",
        fed_output="caches",
        time_axis={"dx": 2},
        backward=True,
    ),
)

BY_NAME: dict[str, Function] = {f.name: f for f in FUNCTIONS}
NAMES: tuple[str, ...] = tuple(f.name for f in FUNCTIONS)
HELPERS = ("sigmoid", "softmax")


def function(name: str) -> Function:
    """The spec of `name`; an unknown name lists the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"no function {name!r} in this assignment; known: {', '.join(NAMES)}"
        ) from None


def dependencies(name: str) -> tuple[str, ...]:
    """Every assignment function whose bugs can make `name` fail as written, nearest first."""
    seen: list[str] = []
    todo = [name]
    while todo:
        spec = BY_NAME[todo.pop(0)]
        for dep in (*spec.calls, *((spec.fed_by,) if spec.fed_by else ())):
            if dep not in seen:
                seen.append(dep)
                todo.append(dep)
    return tuple(seen)
