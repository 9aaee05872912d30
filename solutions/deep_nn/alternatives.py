"""Correct implementations written differently from the reference, one per graded function.

The cases must not catch them: each gives the reference's results, up to np.allclose, on every
public and hidden case, and writes into no input (tests/test_deep_nn_alternatives.py). They are
the seed of the "valid alternatives at full marks" scenarios the engine will run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alternative:
    """id: kebab-case, starting with the function's name; note: how it differs; source: the def."""

    id: str
    function: str
    note: str
    source: str


ALTERNATIVES: tuple[Alternative, ...] = (
    Alternative(
        id="initialize-parameters-deep-zip-of-sizes",
        function="initialize_parameters_deep",
        note="walks (n_l, n_{l-1}) pairs with zip and enumerate",
        source="""\
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    pairs = zip(layer_dims[1:], layer_dims[:-1])
    for l, (n, n_prev) in enumerate(pairs, start=1):
        parameters[f"W{l}"] = 0.01 * np.random.randn(n, n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters
""",
    ),
    Alternative(
        id="linear-forward-matmul-operator",
        function="linear_forward",
        note="uses @ instead of np.dot",
        source="""\
def linear_forward(A, W, b):
    return W @ A + b, (A, W, b)
""",
    ),
    Alternative(
        id="linear-activation-forward-dispatch-table",
        function="linear_activation_forward",
        note="computes Z once and picks the activation from a dictionary",
        source="""\
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu}[activation](Z)
    return A, (linear_cache, activation_cache)
""",
    ),
    Alternative(
        id="l-model-forward-one-loop",
        function="L_model_forward",
        note="one loop over every layer, choosing the activation by the layer's number",
        source="""\
def L_model_forward(X, parameters):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        A, cache = linear_activation_forward(A, W, b, activation)
        caches.append(cache)
    return A, caches
""",
    ),
    Alternative(
        id="compute-cost-dot-squeezed-to-float",
        function="compute_cost",
        note="matrix products, then float(np.squeeze(...)): a Python float",
        source="""\
def compute_cost(AL, Y):
    m = Y.shape[1]
    total = np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)
    return float(np.squeeze(-total / m))
""",
    ),
    Alternative(
        id="linear-backward-mean",
        function="linear_backward",
        note="db as a mean over the examples, dW divided after the product",
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    dW = dZ @ A_prev.T / A_prev.shape[1]
    db = dZ.mean(axis=1, keepdims=True)
    return W.T @ dZ, dW, db
""",
    ),
    Alternative(
        id="linear-activation-backward-dispatch-table",
        function="linear_activation_backward",
        note="picks the backward helper from a dictionary",
        source="""\
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    backward = {"relu": relu_backward, "sigmoid": sigmoid_backward}[activation]
    dZ = backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
""",
    ),
    Alternative(
        id="l-model-backward-layers-from-one",
        function="L_model_backward",
        note="loops over layer numbers l = L-1 .. 1 and reads caches[l - 1]",
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -Y / AL + (1 - Y) / (1 - AL)
    dA = dAL
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], activation
        )
        grads[f"dA{l - 1}"] = dA
    return grads
""",
    ),
    Alternative(
        id="update-parameters-deep-copy",
        function="update_parameters",
        note="the classic way: a deep copy of the dictionary, then -= on the copies",
        source="""\
def update_parameters(parameters, grads, learning_rate):
    import copy

    params = copy.deepcopy(parameters)
    L = len(params) // 2
    for l in range(L):
        params["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        params["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return params
""",
    ),
)
