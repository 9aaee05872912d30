"""Cataloged mistakes of the forward half: initialisation, the forward passes and the cost.

Plain records (keyword arguments of solutions.deep_nn.mistakes.Mistake), one full function
source each.
"""

from __future__ import annotations

_INITIALIZE = (
    dict(
        id="initialize-parameters-deep-no-scaling",
        function="initialize_parameters_deep",
        summary="the weights are standard normal draws, never multiplied by 0.01",
        hint="Look at the size of your weights: they should be small random numbers, about a "
        "hundredth of a standard normal draw.",
        intermediates=(),
        source="""\
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
    ),
    dict(
        id="initialize-parameters-deep-no-seed",
        function="initialize_parameters_deep",
        summary="np.random.seed(3) is not called, so the draws depend on whatever ran before",
        hint="Run your function twice: does it give the same weights? The exercise fixes the "
        "generator's seed inside the function.",
        intermediates=(),
        source="""\
def initialize_parameters_deep(layer_dims):
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
    ),
    dict(
        id="initialize-parameters-deep-bias-flat",
        function="initialize_parameters_deep",
        summary="each bias has shape (n_l,) instead of the column (n_l, 1)",
        hint="Print the shape of b1: it should be a column with one row per unit of the layer, "
        "so that it broadcasts across the examples.",
        intermediates=(),
        source="""\
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros(layer_dims[l])
    return parameters
""",
    ),
    dict(
        id="initialize-parameters-deep-weights-transposed",
        function="initialize_parameters_deep",
        summary="W{l} has shape (n_{l-1}, n_l), the transpose of what the layer needs",
        hint="W{l} multiplies the previous layer's activations from the left: its number of "
        "columns is the size of the previous layer.",
        intermediates=(),
        source="""\
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
    ),
    dict(
        id="initialize-parameters-deep-skips-last-layer",
        function="initialize_parameters_deep",
        summary="the loop stops one layer early, so the output layer gets no parameters",
        hint="Count the layers: layer_dims lists the input size too, so a network with "
        "len(layer_dims) entries has one parameter pair per entry after the first.",
        intermediates=(),
        source="""\
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L - 1):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
    ),
)

_LINEAR_FORWARD = (
    dict(
        id="linear-forward-no-bias",
        function="linear_forward",
        summary="Z leaves out the bias b",
        hint="Compare your Z with the formula of the affine step: one of the three arguments "
        "never takes part.",
        intermediates=(),
        source="""\
def linear_forward(A, W, b):
    Z = np.dot(W, A)
    cache = (A, W, b)
    return Z, cache
""",
    ),
    dict(
        id="linear-forward-weights-transposed",
        function="linear_forward",
        summary="Z multiplies by W.T, which only runs when W is square, and is wrong there",
        hint="W already has one row per unit of this layer and one column per unit of the "
        "previous one: it multiplies A as it is.",
        intermediates=(),
        raises_as_written="ValueError",
        source="""\
def linear_forward(A, W, b):
    Z = np.dot(W.T, A) + b
    cache = (A, W, b)
    return Z, cache
""",
    ),
    dict(
        id="linear-forward-cache-order",
        function="linear_forward",
        summary="the cache is (W, A, b) instead of (A, W, b)",
        hint="linear_backward unpacks the cache in a fixed order; check the order in which you "
        "stored the three arguments.",
        intermediates=(),
        source="""\
def linear_forward(A, W, b):
    Z = W @ A + b
    cache = (W, A, b)
    return Z, cache
""",
    ),
)

_LINEAR_ACTIVATION_FORWARD = (
    dict(
        id="linear-activation-forward-activations-swapped",
        function="linear_activation_forward",
        summary='the "sigmoid" branch applies relu and the "relu" branch applies sigmoid',
        hint="Check which helper each branch calls: the name in the test of the if should be the "
        "function applied under it.",
        intermediates=(),
        source="""\
def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    cache = (linear_cache, activation_cache)
    return A, cache
""",
    ),
    dict(
        id="linear-activation-forward-cache-order",
        function="linear_activation_forward",
        summary="the cache is (activation_cache, linear_cache), the two halves swapped",
        hint="The backward pass unpacks the layer's cache as the linear part first, then the "
        "activation's; check the order you stored them in.",
        intermediates=(),
        source="""\
def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (activation_cache, linear_cache)
    return A, cache
""",
    ),
    dict(
        id="linear-activation-forward-caches-output",
        function="linear_activation_forward",
        summary="the activation cache holds the output A instead of the pre-activation Z",
        hint="The backward helpers need the value that went into the activation, not the one "
        "that came out; look at what you keep as the activation cache.",
        intermediates=(),
        source="""\
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, _ = sigmoid(Z)
    elif activation == "relu":
        A, _ = relu(Z)
    cache = (linear_cache, A)
    return A, cache
""",
    ),
)

_L_MODEL_FORWARD = (
    dict(
        id="l-model-forward-every-layer-relu",
        function="L_model_forward",
        summary="the loop runs over all L layers with relu and the sigmoid output layer is lost",
        hint="The loop is for the hidden layers only: the last layer is different, so it comes "
        "after the loop, with its own activation.",
        intermediates=(),
        source="""\
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A, cache = linear_activation_forward(A_prev, W, b, "relu")
        caches.append(cache)
    AL = A
    return AL, caches
""",
    ),
    dict(
        id="l-model-forward-sigmoid-hidden-layers",
        function="L_model_forward",
        summary="the hidden layers use sigmoid instead of relu",
        hint="Check the activation you pass for the layers inside the loop: only the output "
        "layer is a sigmoid.",
        intermediates=(),
        source="""\
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A, cache = linear_activation_forward(A_prev, W, b, "sigmoid")
        caches.append(cache)
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    AL, cache = linear_activation_forward(A, W, b, "sigmoid")
    caches.append(cache)
    return AL, caches
""",
    ),
    dict(
        id="l-model-forward-hidden-caches-dropped",
        function="L_model_forward",
        summary="only the output layer's cache is kept: the loop never appends to caches",
        hint="caches should hold one entry per layer, in order; check that every layer, not "
        "only the last, adds its cache.",
        intermediates=(),
        source="""\
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A, cache = linear_activation_forward(A_prev, W, b, "relu")
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    AL, cache = linear_activation_forward(A, W, b, "sigmoid")
    caches.append(cache)
    return AL, caches
""",
    ),
    dict(
        id="l-model-forward-layer-count-not-halved",
        function="L_model_forward",
        summary="L = len(parameters) counts W and b separately, so it is twice the depth",
        hint="parameters holds two entries per layer, a W and a b: how many layers does that make?",
        intermediates=(),
        raises_as_written="KeyError",
        source="""\
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters)
    for l in range(1, L):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A, cache = linear_activation_forward(A_prev, W, b, "relu")
        caches.append(cache)
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    AL, cache = linear_activation_forward(A, W, b, "sigmoid")
    caches.append(cache)
    return AL, caches
""",
    ),
)

_COMPUTE_COST = (
    dict(
        id="compute-cost-not-squeezed",
        function="compute_cost",
        summary="the cost comes from matrix products and keeps the shape (1, 1)",
        hint="The cost is one number: check its shape, and remove the extra dimensions the "
        "products leave behind.",
        intermediates=(),
        source="""\
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return cost
""",
    ),
    dict(
        id="compute-cost-no-average",
        function="compute_cost",
        summary="the cost is summed over the examples, never divided by m",
        hint="The cost is an average over the examples; with twice as many examples it should "
        "not double.",
        intermediates=(),
        source="""\
def compute_cost(AL, Y):
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost
""",
    ),
    dict(
        id="compute-cost-divided-by-m-twice",
        function="compute_cost",
        summary="the sum is divided by m twice",
        hint="Count how many times you divide by the number of examples.",
        intermediates=(),
        source="""\
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    cost = np.squeeze(cost)
    return cost
""",
    ),
    dict(
        id="compute-cost-sign-flipped",
        function="compute_cost",
        summary="the leading minus is missing, so the cost is negative",
        hint="A cross-entropy cost is never negative: the logarithms of probabilities are, so "
        "check the sign in front.",
        intermediates=(),
        source="""\
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = 1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost
""",
    ),
)

ENTRIES = _INITIALIZE + _LINEAR_FORWARD + _LINEAR_ACTIVATION_FORWARD + _L_MODEL_FORWARD
ENTRIES += _COMPUTE_COST
