"""Reference implementation of the deep feed-forward network exercise, in plain NumPy (float64).

Shapes: each column is one example. `X` and `A0` are (n_0, m); layer l has n_l units, weights
`W{l}` of shape (n_l, n_{l-1}) and bias `b{l}` of shape (n_l, 1); `Z{l}` and `A{l}` are (n_l, m).
Layers are numbered from 1 to L: L - 1 relu layers, then one sigmoid unit layer (n_L = 1).

Caches, as the classic exercise lays them out:
    linear_cache = (A_prev, W, b)             from linear_forward
    activation_cache = Z                      from sigmoid / relu
    cache = (linear_cache, activation_cache)  from linear_activation_forward
    caches = [cache of layer 1, ..., cache of layer L]  from L_model_forward

Gradient convention (the classic one): `dA` and `dZ` are gradients of the cost summed over the
examples, m * J; `dW` and `db` are gradients of the cost J itself, so linear_backward divides
by m. That is why `grads["dA0"]` is m times dJ/dX.

The composite functions call their callees through module-level names on purpose: a grader
swaps those names in `func.__globals__` to run a function against stand-in callees.
"""

# ruff: noqa: E741 (`l` is the layer index of the math and of the exercise the students follow)
from __future__ import annotations

import numpy as np


# --------------------------------------------------------------------------------------------
# provided helpers (given to the students, not graded)
# --------------------------------------------------------------------------------------------
def sigmoid(Z):
    """The logistic function, elementwise; returns (A, Z), Z being the activation cache."""
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    """max(0, Z) elementwise; returns (A, Z), Z being the activation cache."""
    A = np.maximum(0, Z)
    return A, Z


def sigmoid_backward(dA, cache):
    """dZ = dA * s * (1 - s), with s the sigmoid of the cached Z."""
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    """dZ = dA where the cached Z is positive, 0 elsewhere; dA itself is left untouched."""
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


# --------------------------------------------------------------------------------------------
# graded functions
# --------------------------------------------------------------------------------------------
def initialize_parameters_deep(layer_dims):
    """Small random weights and zero biases for every layer of `layer_dims` = [n_0, ..., n_L].

    The global NumPy generator is seeded with 3 first, so the result is the same on every call.
    """
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    """The affine part of a layer, Z = W A + b; the cache is the three arguments."""
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    """One whole layer: the affine part, then "sigmoid" or "relu"."""
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    else:
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    """The whole network: L - 1 relu layers, then a sigmoid layer; returns (AL, caches)."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """The cross-entropy cost averaged over the m examples, as a 0-d value (np.squeeze)."""
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost


def linear_backward(dZ, cache):
    """Gradients of the affine part from dZ: dA_prev, and dW, db averaged over the examples."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """One whole layer backwards: dZ through the activation, then linear_backward."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    """Gradients of the whole network, from the cost's derivative at AL back to layer 1.

    Keys: "dW{l}" and "db{l}" for l = 1..L, and "dA{l}" for l = 0..L-1, where "dA{l}" is the
    gradient reaching the output of layer l (the input of layer l + 1; "dA0" is X's).
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

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


def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent, W{l} - learning_rate * dW{l} (and b likewise).

    Returns a new dictionary of new arrays; the `parameters` passed in, and the arrays in it,
    are not changed. (The classic version copies the dictionary and rebinds its entries, which
    has the same effect; writing `-=` into the arrays would change the caller's parameters.)
    """
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated
