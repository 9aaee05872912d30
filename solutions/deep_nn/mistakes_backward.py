"""Cataloged mistakes of the backward half: the backward passes and the parameter update.

Plain records (keyword arguments of solutions.deep_nn.mistakes.Mistake), one full function
source each.
"""

from __future__ import annotations

_LINEAR_BACKWARD = (
    dict(
        id="linear-backward-db-no-keepdims",
        function="linear_backward",
        summary="db is summed without keepdims, so it has shape (n,) instead of (n, 1)",
        hint="db must have the shape of b, a column; look at what np.sum does to the axis it "
        "sums over.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-backward-no-average",
        function="linear_backward",
        summary="dW and db are summed over the examples, never divided by m",
        hint="The weight and bias gradients are averages over the examples, like the cost they "
        "come from.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-backward-divided-by-m-twice",
        function="linear_backward",
        summary="dW and db are divided by m twice",
        hint="Count how many times you divide by the number of examples in dW and db.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T) / m
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-backward-dw-transposed",
        function="linear_backward",
        summary="dW is A_prev dZ.T, the transpose of the gradient, shaped like W.T",
        hint="dW must have the shape of W; check the order of the two factors and which one "
        "is transposed.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(A_prev, dZ.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-backward-db-over-units",
        function="linear_backward",
        summary="db sums over axis 0 (the units) instead of axis 1 (the examples)",
        hint="Each column is one example: the bias gradient adds up the columns, keeping one "
        "row per unit.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=0, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-backward-m-from-rows",
        function="linear_backward",
        summary="m is read from A_prev.shape[0], the number of units, not of examples",
        hint="Which axis of A_prev counts the examples? The other one counts the units of the "
        "previous layer.",
        intermediates=(),
        source="""\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[0]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""",
    ),
)

_LINEAR_ACTIVATION_BACKWARD = (
    dict(
        id="linear-activation-backward-activations-swapped",
        function="linear_activation_backward",
        summary='dZ comes from the wrong helper: sigmoid_backward for "relu" and the reverse',
        hint="Check which backward helper each branch calls: dZ goes back through the same "
        "activation the forward pass applied.",
        intermediates=("dZ",),
        source="""\
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = sigmoid_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = relu_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-activation-backward-skips-activation",
        function="linear_activation_backward",
        summary="dZ is taken to be dA: the derivative of the activation is left out",
        hint="Between dA and the linear part sits the activation: its derivative at Z has to be "
        "applied first.",
        intermediates=("dZ",),
        source="""\
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    dZ = dA
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-activation-backward-relu-derivative-skipped",
        function="linear_activation_backward",
        summary='for "relu", dZ is taken to be dA, as if the derivative of relu were 1',
        hint="The derivative of relu is 1 only where Z is positive; where Z is not, no gradient "
        "passes. The helper relu_backward applies exactly that.",
        intermediates=("dZ",),
        source="""\
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = dA
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
""",
    ),
    dict(
        id="linear-activation-backward-cache-unpacked-backwards",
        function="linear_activation_backward",
        summary="the layer cache is unpacked as (activation_cache, linear_cache)",
        hint="The forward pass stored the linear cache first; unpack in the same order.",
        intermediates=(),
        raises_as_written="TypeError",
        source="""\
def linear_activation_backward(dA, cache, activation):
    activation_cache, linear_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
""",
    ),
)


_L_MODEL_BACKWARD = (
    dict(
        id="l-model-backward-dal-sign-flipped",
        function="L_model_backward",
        summary="dAL has the wrong sign: Y / AL - (1 - Y) / (1 - AL)",
        hint="Differentiate the cost with respect to AL again and watch the leading minus of "
        "the cross-entropy.",
        intermediates=("dAL",),
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)

    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA = grads["dA" + str(l + 1)]
        dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
""",
    ),
    dict(
        id="l-model-backward-dal-divided-by-m",
        function="L_model_backward",
        summary="dAL is divided by m, and linear_backward divides by m again",
        hint="The averaging over the examples happens once, in dW and db; the gradient that "
        "enters the last layer is per example.",
        intermediates=("dAL",),
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)
    dAL = -1 / m * (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA = grads["dA" + str(l + 1)]
        dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
""",
    ),
    dict(
        id="l-model-backward-activations-swapped",
        function="L_model_backward",
        summary="the output layer goes back through relu and the hidden layers through sigmoid",
        hint="Each layer goes back through the activation it used going forward: the output "
        "layer is the sigmoid one.",
        intermediates=(),
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "relu")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA = grads["dA" + str(l + 1)]
        dA_prev, dW, db = linear_activation_backward(dA, current_cache, "sigmoid")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
""",
    ),
    dict(
        id="l-model-backward-cache-of-next-layer",
        function="L_model_backward",
        summary="looping over layers l = L-1 .. 1, it reads caches[l] instead of caches[l - 1]",
        hint="caches is numbered from 0 while layers are numbered from 1: check which entry of "
        "caches belongs to the layer you are going back through.",
        intermediates=(),
        raises_as_written="IndexError",
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        linear_activation_backward(dAL, current_cache, "sigmoid")
    )

    for l in reversed(range(1, L)):
        current_cache = caches[l]
        grads["dA" + str(l - 1)], grads["dW" + str(l)], grads["db" + str(l)] = (
            linear_activation_backward(grads["dA" + str(l)], current_cache, "relu")
        )
    return grads
""",
    ),
    dict(
        id="l-model-backward-loop-skips-first-layer",
        function="L_model_backward",
        summary="the loop stops before layer 1, so dW1, db1 and dA0 are never computed",
        hint="Check the last value your loop variable takes: the first layer needs its "
        "gradients too.",
        intermediates=(),
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(1, L - 1)):
        current_cache = caches[l]
        dA = grads["dA" + str(l + 1)]
        dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
""",
    ),
    dict(
        id="l-model-backward-da-keys-shifted",
        function="L_model_backward",
        summary="each layer's dA_prev is stored under that layer's own number, \"dA2\" for layer 2",
        hint="The gradient that leaves layer l reaches the output of layer l - 1, so it is "
        'stored as "dA" + str(l - 1): the keys run from dA0 to dA{L-1}.',
        intermediates=(),
        source="""\
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    current_cache = caches[L - 1]
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = (
        linear_activation_backward(dAL, current_cache, "sigmoid")
    )

    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA = grads["dA" + str(l + 2)]
        dA_prev, dW, db = linear_activation_backward(dA, current_cache, "relu")
        grads["dA" + str(l + 1)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
""",
    ),
)

_UPDATE_PARAMETERS = (
    dict(
        id="update-parameters-learning-rate-sign",
        function="update_parameters",
        summary="the step adds learning_rate * gradient instead of subtracting it",
        hint="Gradient descent moves against the gradient; check the sign of your step.",
        intermediates=(),
        source="""\
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] + learning_rate * grads["db" + str(l)]
    return updated
""",
    ),
    dict(
        id="update-parameters-in-place",
        function="update_parameters",
        summary="the arrays of the parameters passed in are changed in place with -=",
        hint="Your function changes the caller's parameters: after the call, the dictionary "
        "that was passed in holds the new values. Build new arrays instead.",
        intermediates=(),
        source="""\
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
""",
    ),
    dict(
        id="update-parameters-shallow-copy",
        function="update_parameters",
        summary="a shallow copy of the dictionary is updated with -=, which still writes into "
        "the caller's arrays",
        hint="dict.copy() copies the dictionary, not the arrays in it: an in-place -= on them "
        "changes the parameters that were passed in.",
        intermediates=(),
        source="""\
def update_parameters(parameters, grads, learning_rate):
    params = parameters.copy()
    L = len(params) // 2
    for l in range(L):
        params["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        params["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return params
""",
    ),
    dict(
        id="update-parameters-skips-last-layer",
        function="update_parameters",
        summary="the loop stops one layer early, so the output layer is never updated",
        hint="Check the range of your loop against the number of layers, len(parameters) // 2.",
        intermediates=(),
        source="""\
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = dict(parameters)
    for l in range(1, L):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated
""",
    ),
    dict(
        id="update-parameters-bias-with-dw",
        function="update_parameters",
        summary="the bias is stepped with dW instead of db",
        hint="Each parameter moves against its own gradient: look at which gradient your b "
        "update uses.",
        intermediates=(),
        source="""\
def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)]
    return updated
""",
    ),
)

ENTRIES = _LINEAR_BACKWARD + _LINEAR_ACTIVATION_BACKWARD + _L_MODEL_BACKWARD + _UPDATE_PARAMETERS
