"""The deep network assignment, declared: a feed-forward network of L layers built step by step,
forward and backward (`deep_nn.ipynb`). Data only; the reference is solutions/deep_nn/reference.py.

Its loops run over layers, not time steps: a position is a layer, numbered from 1, and it shows
in the returned keys ("dW{l}"; "dA{l-1}" is what layer l hands back) and in the index of the
caches list (caches[l - 1] is layer l's cache). Caches nest as in the classic exercise:
cache = (linear_cache, Z) with linear_cache = (A_prev, W, b).
"""

from __future__ import annotations

from grader.spec import Assignment, Function, Intermediate, Loop, Words

LINEAR_CACHE = ("A_prev", "W", "b")
LAYER_CACHE = (LINEAR_CACHE, "Z")
HELPERS = ("sigmoid", "relu", "sigmoid_backward", "relu_backward")
ACTIVATIONS = ("sigmoid", "relu")
DIMENSIONS = ("n_0", "n_l", "m", "L")

PARAMETER_KEYS = ("W{l}", "b{l}")
GRADIENT_KEYS = ("dA{l-1}", "dW{l}", "db{l}")
_GRADS = ("dA_prev", "dW", "db")


def _layers(order: str = "forward", keys: tuple[str, ...] = (), **more) -> Loop:
    return Loop(
        kind="layer", order=order, keys=keys, first=1, unit="layer", position="layer {}", **more
    )


FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="initialize_parameters_deep",
        params=("layer_dims",),
        outputs=PARAMETER_KEYS,
        returns="dict",
        loop=_layers(keys=PARAMETER_KEYS),
    ),
    Function(
        name="linear_forward",
        params=("A", "W", "b"),
        outputs=("Z", "cache"),
        returns="tuple",
        cache="cache",
        cache_layout=("A", "W", "b"),
        passthrough=("A", "W", "b"),
    ),
    Function(
        name="linear_activation_forward",
        params=("A_prev", "W", "b", "activation"),
        outputs=("A", "cache"),
        returns="tuple",
        calls=("linear_forward",),
        cache="cache",
        cache_layout=LAYER_CACHE,
        passthrough=LINEAR_CACHE,
        choices={"activation": ACTIVATIONS},
        intermediates=(Intermediate("Z", ("A", "cache"), "the pre-activation W A_prev + b"),),
    ),
    Function(
        name="L_model_forward",
        params=("X", "parameters"),
        outputs=("AL", "caches"),
        returns="tuple",
        calls=("linear_activation_forward",),
        loop=_layers(carried=("A_prev",), caches="caches"),
    ),
    Function(
        name="compute_cost",
        params=("AL", "Y"),
        outputs=("cost",),
        returns="value",
    ),
    Function(
        name="linear_backward",
        params=("dZ", "cache"),
        outputs=_GRADS,
        returns="tuple",
        fed={"cache": ("linear_forward", "cache")},
        backward=True,
    ),
    Function(
        name="linear_activation_backward",
        params=("dA", "cache", "activation"),
        outputs=_GRADS,
        returns="tuple",
        calls=("linear_backward",),
        fed={"cache": ("linear_activation_forward", "cache")},
        choices={"activation": ACTIVATIONS},
        backward=True,
        intermediates=(
            Intermediate(
                "dZ", _GRADS, "the gradient at the pre-activation, dA * g'(Z)", passed_as=("dZ",)
            ),
        ),
    ),
    Function(
        name="L_model_backward",
        params=("AL", "Y", "caches"),
        outputs=GRADIENT_KEYS,
        returns="dict",
        calls=("linear_activation_backward",),
        fed={"AL": ("L_model_forward", "AL"), "caches": ("L_model_forward", "caches")},
        loop=_layers("backward", GRADIENT_KEYS, carried=("dA",)),
        backward=True,
        intermediates=(
            Intermediate(
                "dAL",
                GRADIENT_KEYS,
                "the derivative of the cost at AL, -(Y / AL - (1 - Y) / (1 - AL))",
                passed_as=("dA",),
            ),
        ),
    ),
    Function(
        name="update_parameters",
        params=("parameters", "grads", "learning_rate"),
        outputs=PARAMETER_KEYS,
        returns="dict",
        loop=_layers(keys=PARAMETER_KEYS),
    ),
)

ASSIGNMENT = Assignment(
    name="deep_nn",
    functions=FUNCTIONS,
    notebook="deep_nn.ipynb",
    helpers=HELPERS,
    dimensions=DIMENSIONS,
    words=Words(
        parameters="parameters",
        cache="cache",
        caches="caches",
        public_case="the public case",
        whole_caches="the whole caches list of the forward pass",
        step_cache_hint="Pass the cache of the layer the loop is at (`caches[l - 1]` for layer l)",
        step_function="layer function",
        dict_key="the {0} of layer {1}",
        edge_case="a single unit in a layer, or no hidden layer",
    ),
)

FUNCTIONS = ASSIGNMENT.functions
BY_NAME = ASSIGNMENT.by_name
NAMES = ASSIGNMENT.names
function = ASSIGNMENT.function
dependencies = ASSIGNMENT.dependencies
