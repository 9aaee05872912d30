"""Finite-difference proof of the deep network reference (solutions.deep_nn.reference).

The whole-network gradients are checked against centred differences of the cost
J = compute_cost(L_model_forward(X, parameters)[0], Y). The single-layer backward functions are
checked against a scalar loss L = sum(dA * A) of their forward twin. By the exercise's
convention dA and dZ are gradients of the cost summed over the m examples and dW, db of its
mean: so dW = (1/m) dL/dW, db = (1/m) dL/db, dA_prev = dL/dA_prev, and grads["dA0"] = m dJ/dX.
"""

from __future__ import annotations

import numpy as np
import pytest

from solutions.deep_nn import reference as ref

EPS = 1e-6
TOL = 1e-7


def numeric_gradient(loss, array):
    """Centred-difference gradient of `loss()` with respect to `array`, perturbed in place."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + EPS
        plus = loss()
        array[idx] = old - EPS
        minus = loss()
        array[idx] = old
        grad[idx] = (plus - minus) / (2 * EPS)
    return grad


def relative_error(numeric, analytic):
    """Norm-based relative error between two gradient arrays of the same shape."""
    assert numeric.shape == analytic.shape, (numeric.shape, analytic.shape)
    denom = max(np.linalg.norm(numeric) + np.linalg.norm(analytic), 1e-30)
    return np.linalg.norm(numeric - analytic) / denom


def assert_gradients(loss, pairs):
    """Check every (name, array, analytic gradient, scale) against scale * finite differences."""
    errors = {
        name: relative_error(scale * numeric_gradient(loss, array), analytic)
        for name, array, analytic, scale in pairs
    }
    bad = {name: err for name, err in errors.items() if not err < TOL}
    assert not bad, f"relative errors above {TOL}: {bad}"


def network(seed, dims, m):
    """X, labels with both classes, and parameters scaled so that AL stays away from 0 and 1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0
    params = {}
    for l in range(1, len(dims)):  # noqa: E741 (the layer index of the math)
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.8
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.3
    return X, Y, params


def cost(X, Y, params):
    return ref.compute_cost(ref.L_model_forward(X, params)[0], Y)


SHAPES = [
    (0, [4, 3, 1], 5),
    (1, [5, 4, 3, 1], 4),
    (2, [3, 1], 3),
    (3, [3, 1, 1], 2),
    (4, [2, 6, 3, 4, 1], 6),
]


@pytest.mark.parametrize(("seed", "dims", "m"), SHAPES, ids=[str(s[1]) for s in SHAPES])
def test_L_model_backward_matches_finite_differences(seed, dims, m):
    """dW{l}, db{l} of every layer are dJ/dW{l}, dJ/db{l}; dA0 is m * dJ/dX."""
    X, Y, params = network(seed, dims, m)
    AL, caches = ref.L_model_forward(X, params)
    grads = ref.L_model_backward(AL, Y, caches)
    L = len(dims) - 1
    expected_keys = {f"d{p}{l}" for p in "Wb" for l in range(1, L + 1)}  # noqa: E741
    expected_keys |= {f"dA{l}" for l in range(L)}  # noqa: E741
    assert set(grads) == expected_keys
    pairs = [("dA0", X, grads["dA0"], m)]
    for key, array in params.items():
        pairs.append(("d" + key, array, grads["d" + key], 1))
    assert_gradients(lambda: cost(X, Y, params), pairs)


@pytest.mark.parametrize(("seed", "dims", "m"), SHAPES[:2] + SHAPES[4:])
def test_L_model_backward_hidden_dA_matches_finite_differences(seed, dims, m):
    """grads["dA{l}"] is m times dJ/dA{l}, A{l} being the output of layer l, for 0 < l < L."""
    X, Y, params = network(seed, dims, m)
    AL, caches = ref.L_model_forward(X, params)
    grads = ref.L_model_backward(AL, Y, caches)
    L = len(dims) - 1
    for l in range(1, L):  # noqa: E741
        A = caches[l][0][0].copy()  # the input of layer l + 1 is the output of layer l
        rest = {}
        for k in range(l + 1, L + 1):
            rest[f"W{k - l}"], rest[f"b{k - l}"] = params[f"W{k}"], params[f"b{k}"]
        assert_gradients(lambda A=A, rest=rest: cost(A, Y, rest), [("dA", A, grads[f"dA{l}"], m)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_backward_matches_finite_differences(seed):
    """For L = sum(dZ * Z), Z = W A_prev + b: dA_prev = dL/dA_prev, dW and db are (1/m) dL/d."""
    rng = np.random.default_rng(seed)
    n, n_prev, m = 3 + seed, 4, 2 + 2 * seed
    A_prev, W, b = (rng.standard_normal(s) for s in ((n_prev, m), (n, n_prev), (n, 1)))
    dZ = rng.standard_normal((n, m))
    _, cache = ref.linear_forward(A_prev, W, b)
    dA_prev, dW, db = ref.linear_backward(dZ, cache)
    assert db.shape == b.shape
    assert_gradients(
        lambda: np.sum(dZ * ref.linear_forward(A_prev, W, b)[0]),
        [("dA_prev", A_prev, dA_prev, 1), ("dW", W, dW, 1 / m), ("db", b, db, 1 / m)],
    )


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
@pytest.mark.parametrize("seed", [0, 1])
def test_linear_activation_backward_matches_finite_differences(activation, seed):
    """For L = sum(dA * A) of one layer, with either activation, the same relations hold."""
    rng = np.random.default_rng(10 + seed)
    n, n_prev, m = 4, 3, 5
    A_prev, W, b = (rng.standard_normal(s) for s in ((n_prev, m), (n, n_prev), (n, 1)))
    dA = rng.standard_normal((n, m))
    _, cache = ref.linear_activation_forward(A_prev, W, b, activation)
    dA_prev, dW, db = ref.linear_activation_backward(dA, cache, activation)

    def loss():
        return np.sum(dA * ref.linear_activation_forward(A_prev, W, b, activation)[0])

    assert_gradients(
        loss, [("dA_prev", A_prev, dA_prev, 1), ("dW", W, dW, 1 / m), ("db", b, db, 1 / m)]
    )


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_helper_backward_matches_finite_differences(name):
    """<name>_backward(dA, Z) is the gradient of sum(dA * <name>(Z)[0]) and leaves dA as it was."""
    rng = np.random.default_rng(20)
    Z, dA = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    dA_before = dA.copy()
    forward, backward = getattr(ref, name), getattr(ref, name + "_backward")
    dZ = backward(dA, Z)
    assert np.array_equal(dA, dA_before)
    assert_gradients(lambda: np.sum(dA * forward(Z)[0]), [("dZ", Z, dZ, 1)])


def test_compute_cost_is_a_0d_cross_entropy():
    """compute_cost is 0-d and is the mean of -log of the probability given to the true label."""
    rng = np.random.default_rng(30)
    AL = ref.sigmoid(rng.standard_normal((1, 7)))[0]
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    got = ref.compute_cost(AL, Y)
    assert np.ndim(got) == 0
    assert np.isclose(got, np.mean(-np.log(np.where(Y == 1, AL, 1 - AL))))


def test_forward_caches_have_the_classic_layout():
    """linear_cache is the very (A_prev, W, b) received, activation_cache is Z, and the caches of
    L_model_forward chain: layer l + 1 reads what layer l's activation of Z gives."""
    X, _, params = network(40, [4, 3, 2, 1], 3)
    Z, cache = ref.linear_forward(X, params["W1"], params["b1"])
    assert cache[0] is X and cache[1] is params["W1"] and cache[2] is params["b1"]
    A, (linear_cache, activation_cache) = ref.linear_activation_forward(
        X, params["W1"], params["b1"], "relu"
    )
    assert linear_cache[0] is X and np.array_equal(activation_cache, Z)
    assert np.array_equal(A, np.maximum(0, Z))
    AL, caches = ref.L_model_forward(X, params)
    assert len(caches) == 3 and caches[0][0][0] is X
    for l in range(2):  # noqa: E741
        assert np.array_equal(caches[l + 1][0][0], np.maximum(0, caches[l][1]))
    assert np.array_equal(AL, ref.sigmoid(caches[2][1])[0])


def test_update_parameters_descends_and_leaves_its_input_alone():
    """A small step against the gradients lowers the cost; the input dictionary and its arrays
    are unchanged, and no returned array shares memory with them."""
    X, Y, params = network(50, [4, 3, 1], 6)
    before = {k: v.copy() for k, v in params.items()}
    AL, caches = ref.L_model_forward(X, params)
    grads = ref.L_model_backward(AL, Y, caches)
    updated = ref.update_parameters(params, grads, 0.01)
    assert params.keys() == before.keys()
    assert all(np.array_equal(params[k], before[k]) for k in before)
    assert updated is not params and updated.keys() == params.keys()
    assert not any(np.shares_memory(updated[k], params[k]) for k in params)
    assert cost(X, Y, updated) < cost(X, Y, params)


def test_initialize_parameters_deep_is_seeded_inside():
    """The result does not depend on the global generator's state before the call; shapes are
    (n_l, n_{l-1}) and (n_l, 1), biases zero, weights small and not all zero."""
    dims = [5, 4, 3]
    np.random.seed(0)
    first = ref.initialize_parameters_deep(dims)
    np.random.seed(123)
    np.random.randn(10)
    second = ref.initialize_parameters_deep(dims)
    assert first.keys() == second.keys() == {"W1", "b1", "W2", "b2"}
    assert all(np.array_equal(first[k], second[k]) for k in first)
    for l in (1, 2):  # noqa: E741
        assert first[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert first[f"b{l}"].shape == (dims[l], 1) and not first[f"b{l}"].any()
        assert 0 < np.abs(first[f"W{l}"]).max() < 0.05
