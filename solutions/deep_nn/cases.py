"""Public and hidden cases of the deep network assignment, as functions that build inputs.

A case holds no expected value: `expected(case)` runs the reference on fresh inputs. The public
cases are the fixed-seed draws instructors know from the classic exercise (np.random.seed(n),
then randn in the classic order); the hidden cases use other shapes, every one with at least
`MIN_EXAMPLES` examples, and edge sizes: a single hidden unit, a network with no hidden layer,
square weight matrices (where W and W.T both fit) and equal layer widths (where a cache taken
from the neighbouring layer still fits).

Every call of a case starts from the same global NumPy state (`np.random.seed(case.global_seed)`),
never seed 3: a function that should seed the generator itself and does not is then caught.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from solutions.deep_nn import reference

HIDDEN_SEED = 20261202
MIN_EXAMPLES = 2
PUBLIC_GLOBAL_SEED = 1
HIDDEN_GLOBAL_SEED = 7


@dataclass(frozen=True)
class Case:
    """One call of one graded function.

    function: the graded function's name.
    name: short label, unique for the function ("classic", "single-hidden-unit", ...).
    hidden: False for the public case students check against, True for the others.
    make: builds fresh arguments, a tuple in the function's parameter order.
    global_seed: np.random.seed(...) set just before the call.
    """

    function: str
    name: str
    hidden: bool
    make: Callable[[], tuple]
    global_seed: int

    def args(self) -> tuple:
        return self.make()


def call(case: Case, fn: Callable, args: tuple | None = None):
    """fn(*args) on the case (fresh arguments unless given), from the case's global seed."""
    np.random.seed(case.global_seed)
    return fn(*(case.args() if args is None else args))


def expected(case: Case):
    """What the reference returns on the case."""
    return call(case, getattr(reference, case.function))


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------
def _draws(seed: int) -> Callable[..., np.ndarray]:
    rng = np.random.default_rng([HIDDEN_SEED, seed])
    return lambda *shape: rng.standard_normal(shape)


def _parameters(draw, dims, scale=0.7) -> dict:
    params = {}
    for l in range(1, len(dims)):  # noqa: E741 (the layer index of the math)
        params["W" + str(l)] = draw(dims[l], dims[l - 1]) * scale
        params["b" + str(l)] = draw(dims[l], 1) * 0.3
    return params


def _labels(seed: int, m: int) -> np.ndarray:
    rng = np.random.default_rng([HIDDEN_SEED, seed, 1])
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes, whatever the draw
    return Y


def _model_backward_inputs(seed, dims, m):
    draw = _draws(seed)
    X = draw(dims[0], m)
    AL, caches = reference.L_model_forward(X, _parameters(draw, dims))
    return AL, _labels(seed, m), caches


def _grads_like(draw, params) -> dict:
    return {"d" + k: draw(*v.shape) for k, v in params.items()}


# --------------------------------------------------------------------------------------------
# public cases: the classic draws
# --------------------------------------------------------------------------------------------
def _classic_linear_forward():
    np.random.seed(1)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A, W, b


def _classic_layer_inputs():
    np.random.seed(2)
    A_prev = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A_prev, W, b


def _classic_model_forward():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    params = {}
    for l, (rows, cols) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):  # noqa: E741
        params["W" + str(l)] = np.random.randn(rows, cols)
        params["b" + str(l)] = np.random.randn(rows, 1)
    return X, params


def _classic_cost():
    return np.array([[0.8, 0.9, 0.4]]), np.asarray([[1, 1, 0]])


def _classic_linear_backward():
    np.random.seed(1)
    dZ = np.random.randn(3, 4)
    A = np.random.randn(5, 4)
    W = np.random.randn(3, 5)
    b = np.random.randn(3, 1)
    return dZ, (A, W, b)


def _classic_layer_backward(activation):
    np.random.seed(2)
    dA = np.random.randn(1, 2)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    Z = np.random.randn(1, 2)
    return dA, ((A, W, b), Z), activation


def _classic_model_backward():
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    A1 = np.random.randn(4, 2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    Z1 = np.random.randn(3, 2)
    A2 = np.random.randn(3, 2)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    Z2 = np.random.randn(1, 2)
    return AL, Y, [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)]


def _classic_update():
    np.random.seed(2)
    params = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1)}
    params.update({"W2": np.random.randn(1, 3), "b2": np.random.randn(1, 1)})
    grads = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1)}
    grads.update({"dW2": np.random.randn(1, 3), "db2": np.random.randn(1, 1)})
    return params, grads, 0.1


PUBLIC: dict[str, dict[str, Callable[[], tuple]]] = {
    "initialize_parameters_deep": {"classic": lambda: ([5, 4, 3],)},
    "linear_forward": {"classic": _classic_linear_forward},
    "linear_activation_forward": {
        "classic-sigmoid": lambda: (*_classic_layer_inputs(), "sigmoid"),
        "classic-relu": lambda: (*_classic_layer_inputs(), "relu"),
    },
    "L_model_forward": {"classic-two-hidden-layers": _classic_model_forward},
    "compute_cost": {"classic": _classic_cost},
    "linear_backward": {"classic": _classic_linear_backward},
    "linear_activation_backward": {
        "classic-sigmoid": lambda: _classic_layer_backward("sigmoid"),
        "classic-relu": lambda: _classic_layer_backward("relu"),
    },
    "L_model_backward": {"classic": _classic_model_backward},
    "update_parameters": {"classic": _classic_update},
}
"""function -> case name -> builder of the classic public inputs."""


# --------------------------------------------------------------------------------------------
# hidden cases: other shapes, edge sizes
# --------------------------------------------------------------------------------------------
def _linear_inputs(seed, n, n_prev, m):
    draw = _draws(seed)
    return draw(n_prev, m), draw(n, n_prev), draw(n, 1)


def _layer_backward_inputs(seed, n, n_prev, m, activation):
    draw = _draws(seed)
    A_prev, W, b = draw(n_prev, m), draw(n, n_prev), draw(n, 1)
    _, cache = reference.linear_activation_forward(A_prev, W, b, activation)
    return draw(n, m), cache, activation


def _update_inputs(seed, dims, learning_rate):
    draw = _draws(seed)
    params = _parameters(draw, dims)
    return params, _grads_like(draw, params), learning_rate


def _cost_inputs(seed, m):
    draw = _draws(seed)
    return reference.sigmoid(draw(1, m))[0], _labels(seed, m)


def _linear_backward_inputs(dz_seed, seed, n, n_prev, m):
    return _draws(dz_seed)(n, m), _linear_inputs(seed, n, n_prev, m)


def _linear_forward_inputs(dz_seed, seed, n, n_prev, m):
    """The inputs of the forward pass that made `_linear_backward_inputs`'s cache."""
    return _linear_inputs(seed, n, n_prev, m)


def _layer_forward_inputs(seed, n, n_prev, m, activation):
    """The inputs of the forward pass that made `_layer_backward_inputs`'s cache (same draws)."""
    return (*_linear_inputs(seed, n, n_prev, m), activation)


def _model_forward_inputs(seed, dims, m):
    """The inputs of the forward pass that made `_model_backward_inputs`'s AL and caches."""
    draw = _draws(seed)
    X = draw(dims[0], m)
    return X, _parameters(draw, dims)


def _built(make: Callable[..., tuple], table: dict[str, tuple]) -> dict[str, Callable[[], tuple]]:
    """name -> a builder of `make(*sizes)`, for each named set of sizes in `table`."""
    return {name: partial(make, *sizes) for name, sizes in table.items()}


# The backward cases fed by a forward pass: each case's seeds and sizes are written once, and
# both its own inputs (HIDDEN) and its forward pass's inputs (FORWARD) are built from them.
_LINEAR_BACKWARD = {  # name: (seed of dZ, seed of A_prev, W, b; n, n_prev, m)
    "square-weights": (50, 51, 4, 4, 3),
    "wide": (52, 53, 6, 2, 5),
    "single-unit": (54, 55, 1, 3, MIN_EXAMPLES),
}
_LAYER_BACKWARD = {  # name: (seed, n, n_prev, m, activation)
    "square-relu": (60, 4, 4, 3, "relu"),
    "square-sigmoid": (60, 4, 4, 3, "sigmoid"),
    "wide-relu": (61, 6, 2, 5, "relu"),
    "single-unit-sigmoid": (62, 1, 3, MIN_EXAMPLES, "sigmoid"),
}
_MODEL_BACKWARD = {  # name: (seed, layer_dims, m)
    "single-hidden-unit": (70, (3, 1, 1), 4),
    "three-hidden-layers": (71, (4, 5, 3, 2, 1), 6),
    "no-hidden-layer": (72, (6, 1), 3),
}


HIDDEN: dict[str, dict[str, Callable[[], tuple]]] = {
    "initialize_parameters_deep": {
        "single-hidden-unit": lambda: ([7, 1, 5, 1],),
        "four-layers": lambda: ([2, 6, 3, 4, 1],),
        "no-hidden-layer": lambda: ([4, 1],),
    },
    "linear_forward": {
        "square-weights": lambda: _linear_inputs(10, 4, 4, 3),
        "wide": lambda: _linear_inputs(11, 6, 2, 5),
        "single-unit": lambda: _linear_inputs(12, 1, 3, MIN_EXAMPLES),
    },
    "linear_activation_forward": {
        "square-relu": lambda: (*_linear_inputs(20, 4, 4, 3), "relu"),
        "square-sigmoid": lambda: (*_linear_inputs(20, 4, 4, 3), "sigmoid"),
        "wide-relu": lambda: (*_linear_inputs(21, 5, 3, 6), "relu"),
        "single-unit-sigmoid": lambda: (*_linear_inputs(22, 1, 3, MIN_EXAMPLES), "sigmoid"),
    },
    "L_model_forward": {
        "single-hidden-unit": lambda: (_draws(30)(3, 4), _parameters(_draws(31), [3, 1, 1])),
        "equal-widths": lambda: (_draws(32)(4, 6), _parameters(_draws(33), [4, 5, 5, 5, 1])),
        "no-hidden-layer": lambda: (_draws(34)(6, 3), _parameters(_draws(35), [6, 1])),
    },
    "compute_cost": {
        "two-examples": lambda: _cost_inputs(40, MIN_EXAMPLES),
        "five-examples": lambda: _cost_inputs(41, 5),
        "nine-examples": lambda: _cost_inputs(42, 9),
    },
    "linear_backward": _built(_linear_backward_inputs, _LINEAR_BACKWARD),
    "linear_activation_backward": _built(_layer_backward_inputs, _LAYER_BACKWARD),
    "L_model_backward": _built(_model_backward_inputs, _MODEL_BACKWARD),
    "update_parameters": {
        "three-layers": lambda: _update_inputs(80, [4, 5, 3, 1], 0.05),
        "single-hidden-unit": lambda: _update_inputs(81, [3, 1, 1], 1.2),
    },
}
"""function -> case name -> builder of hidden inputs (sizes chosen, values drawn)."""


FORWARD: dict[str, dict[str, Callable[[], tuple]]] = {
    "linear_backward": _built(_linear_forward_inputs, _LINEAR_BACKWARD),
    "linear_activation_backward": _built(_layer_forward_inputs, _LAYER_BACKWARD),
    "L_model_backward": _built(_model_forward_inputs, _MODEL_BACKWARD),
}
"""function -> hidden case name -> the inputs of the forward pass whose reference outputs are
the case's fed arguments (the cache, or AL and caches): graded as written, the student's own
forward pass makes them from these."""

EDGE_MARKS = ("single", "no-hidden")
"""A hidden case whose name holds one of these has edge sizes (a single unit, no hidden layer):
it can cost points, never earn them."""


def is_edge(case: Case) -> bool:
    return case.hidden and any(mark in case.name for mark in EDGE_MARKS)


def forward_inputs(case: Case) -> tuple | None:
    """The producer's inputs of a case (see FORWARD); None when its arguments are given whole."""
    make = FORWARD.get(case.function, {}).get(case.name) if case.hidden else None
    return make() if make else None


def _cases(table, hidden, seed) -> tuple[Case, ...]:
    return tuple(
        Case(function, name, hidden, make, seed)
        for function, named in table.items()
        for name, make in named.items()
    )


PUBLIC_CASES = _cases(PUBLIC, False, PUBLIC_GLOBAL_SEED)
HIDDEN_CASES = _cases(HIDDEN, True, HIDDEN_GLOBAL_SEED)
CASES = PUBLIC_CASES + HIDDEN_CASES


def for_function(function: str) -> tuple[Case, ...]:
    """The public cases of `function`, then its hidden ones; an unknown name lists the known."""
    found = tuple(c for c in CASES if c.function == function)
    if not found:
        raise KeyError(f"no cases for {function!r}; known: {', '.join(PUBLIC)}")
    return found
