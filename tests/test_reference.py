"""Finite-difference checks of the reference backward passes, and the forward shapes/caches.

Each backward function is checked against centred differences of a scalar loss built from its
forward counterpart: for a cell, L = sum(da_next * a_next) (+ sum(dc_next * c_next) for the
LSTM); for a full pass, L = sum(da * a[:, :, :T]) with T the number of steps in da.
"""

from __future__ import annotations

import numpy as np
import pytest

from solutions import reference as ref

EPS = 1e-6
TOL = 1e-7
N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 4


def rnn_parameters(rng):
    """Random RNN parameters with the documented shapes."""
    return {
        "Waa": rng.standard_normal((N_A, N_A)),
        "Wax": rng.standard_normal((N_A, N_X)),
        "Wya": rng.standard_normal((N_Y, N_A)),
        "ba": rng.standard_normal((N_A, 1)),
        "by": rng.standard_normal((N_Y, 1)),
    }


def lstm_parameters(rng):
    """Random LSTM parameters with the documented shapes."""
    params = {}
    for gate in "fico":
        params["W" + gate] = rng.standard_normal((N_A, N_A + N_X))
        params["b" + gate] = rng.standard_normal((N_A, 1))
    params["Wy"] = rng.standard_normal((N_Y, N_A))
    params["by"] = rng.standard_normal((N_Y, 1))
    return params


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
    assert numeric.shape == analytic.shape
    denom = max(np.linalg.norm(numeric) + np.linalg.norm(analytic), 1e-30)
    return np.linalg.norm(numeric - analytic) / denom


def assert_gradients(loss, pairs):
    """Check every (name, array, analytic gradient) triple against finite differences."""
    errors = {
        name: relative_error(numeric_gradient(loss, array), analytic)
        for name, array, analytic in pairs
    }
    bad = {name: err for name, err in errors.items() if not err < TOL}
    assert not bad, f"relative errors above {TOL}: {bad}"


@pytest.mark.parametrize("seed", [0, 1])
def test_rnn_cell_backward_matches_finite_differences(seed):
    """rnn_cell_backward returns the true gradients of sum(da_next * a_next)."""
    rng = np.random.default_rng(seed)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    params = rnn_parameters(rng)
    da_next = rng.standard_normal((N_A, M))

    def loss():
        return np.sum(da_next * ref.rnn_cell_forward(xt, a_prev, params)[0])

    _, _, cache = ref.rnn_cell_forward(xt, a_prev, params)
    grads = ref.rnn_cell_backward(da_next, cache)
    assert_gradients(
        loss,
        [
            ("dxt", xt, grads["dxt"]),
            ("da_prev", a_prev, grads["da_prev"]),
            ("dWax", params["Wax"], grads["dWax"]),
            ("dWaa", params["Waa"], grads["dWaa"]),
            ("dba", params["ba"], grads["dba"]),
        ],
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_cell_backward_matches_finite_differences(seed):
    """lstm_cell_backward returns the true gradients of sum(da_next*a_next + dc_next*c_next)."""
    rng = np.random.default_rng(seed)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    c_prev = rng.standard_normal((N_A, M))
    params = lstm_parameters(rng)
    da_next = rng.standard_normal((N_A, M))
    dc_next = rng.standard_normal((N_A, M))

    def loss():
        a_next, c_next, _, _ = ref.lstm_cell_forward(xt, a_prev, c_prev, params)
        return np.sum(da_next * a_next) + np.sum(dc_next * c_next)

    cache = ref.lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    grads = ref.lstm_cell_backward(da_next, dc_next, cache)
    pairs = [
        ("dxt", xt, grads["dxt"]),
        ("da_prev", a_prev, grads["da_prev"]),
        ("dc_prev", c_prev, grads["dc_prev"]),
    ]
    pairs += [("d" + k, params[k], grads["d" + k]) for k in ("Wf", "bf", "Wi", "bi")]
    pairs += [("d" + k, params[k], grads["d" + k]) for k in ("Wc", "bc", "Wo", "bo")]
    assert_gradients(loss, pairs)


def test_lstm_cell_backward_with_zero_dc_next():
    """With dc_next = 0 the cell gradients still match: only the path through a_next counts."""
    rng = np.random.default_rng(7)
    xt = rng.standard_normal((N_X, M))
    a_prev = rng.standard_normal((N_A, M))
    c_prev = rng.standard_normal((N_A, M))
    params = lstm_parameters(rng)
    da_next = rng.standard_normal((N_A, M))

    def loss():
        return np.sum(da_next * ref.lstm_cell_forward(xt, a_prev, c_prev, params)[0])

    cache = ref.lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    grads = ref.lstm_cell_backward(da_next, np.zeros((N_A, M)), cache)
    pairs = [("dc_prev", c_prev, grads["dc_prev"]), ("da_prev", a_prev, grads["da_prev"])]
    pairs += [("d" + k, params[k], grads["d" + k]) for k in ("Wf", "bf", "Wc", "bo")]
    assert_gradients(loss, pairs)


@pytest.mark.parametrize(("seed", "steps"), [(0, T_X), (1, T_X), (2, 2)])
def test_rnn_backward_matches_finite_differences(seed, steps):
    """rnn_backward returns the true gradients of sum(da * a[:, :, :T]), T = da.shape[2]."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = rnn_parameters(rng)
    da = rng.standard_normal((N_A, M, steps))

    def loss():
        return np.sum(da * ref.rnn_forward(x, a0, params)[0][:, :, :steps])

    _, _, caches = ref.rnn_forward(x, a0, params)
    grads = ref.rnn_backward(da, caches)
    assert grads["dx"].shape == (N_X, M, steps)
    numeric_dx = numeric_gradient(loss, x)
    # Steps after the last one in da do not reach the loss at all.
    assert np.all(numeric_dx[:, :, steps:] == 0)
    assert relative_error(numeric_dx[:, :, :steps], grads["dx"]) < TOL
    assert_gradients(
        loss,
        [
            ("da0", a0, grads["da0"]),
            ("dWax", params["Wax"], grads["dWax"]),
            ("dWaa", params["Waa"], grads["dWaa"]),
            ("dba", params["ba"], grads["dba"]),
        ],
    )


def _check_lstm_backward(x, a0, params, da):
    """Compare every gradient of lstm_backward with finite differences of the documented loss."""
    steps = da.shape[2]

    def loss():
        return np.sum(da * ref.lstm_forward(x, a0, params)[0][:, :, :steps])

    caches = ref.lstm_forward(x, a0, params)[3]
    grads = ref.lstm_backward(da, caches)
    assert grads["dx"].shape == (x.shape[0], x.shape[1], steps)
    numeric_dx = numeric_gradient(loss, x)
    # Steps after the last one in da do not reach the loss at all.
    assert np.all(numeric_dx[:, :, steps:] == 0)
    assert relative_error(numeric_dx[:, :, :steps], grads["dx"]) < TOL
    pairs = [("da0", a0, grads["da0"])]
    pairs += [("d" + k, params[k], grads["d" + k]) for k in ("Wf", "bf", "Wi", "bi")]
    pairs += [("d" + k, params[k], grads["d" + k]) for k in ("Wc", "bc", "Wo", "bo")]
    assert_gradients(loss, pairs)


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_backward_matches_finite_differences(seed):
    """lstm_backward returns the true gradients of sum(da * a) when da covers every step."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N_X, M, T_X))
    a0 = rng.standard_normal((N_A, M))
    params = lstm_parameters(rng)
    da = rng.standard_normal((N_A, M, T_X))
    _check_lstm_backward(x, a0, params, da)


def test_lstm_backward_with_da_shorter_than_x():
    """lstm_backward takes T from da: 4 steps of da on a 7-step x (Wy, by zero) still match."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((N_X, M, 7))
    a0 = rng.standard_normal((N_A, M))
    params = lstm_parameters(rng)
    params["Wy"] = np.zeros((N_Y, N_A))
    params["by"] = np.zeros((N_Y, 1))
    da = rng.standard_normal((N_A, M, 4))
    _check_lstm_backward(x, a0, params, da)


def test_forward_shapes_and_cache_structure():
    """The forward functions return the documented shapes and cache layouts."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((N_X, M, T_X))
    xt = x[:, :, 0]
    a0 = rng.standard_normal((N_A, M))
    c0 = rng.standard_normal((N_A, M))
    rp = rnn_parameters(rng)
    lp = lstm_parameters(rng)

    a_next, yt, cache = ref.rnn_cell_forward(xt, a0, rp)
    assert a_next.shape == (N_A, M) and yt.shape == (N_Y, M)
    assert np.allclose(yt.sum(axis=0), 1)
    assert isinstance(cache, tuple) and len(cache) == 4
    assert cache[0] is a_next and cache[1] is a0 and cache[2] is xt and cache[3] is rp

    a_next, c_next, yt, cache = ref.lstm_cell_forward(xt, a0, c0, lp)
    assert a_next.shape == c_next.shape == (N_A, M) and yt.shape == (N_Y, M)
    assert isinstance(cache, tuple) and len(cache) == 10
    assert cache[0] is a_next and cache[1] is c_next
    assert cache[2] is a0 and cache[3] is c0 and cache[8] is xt and cache[9] is lp
    assert all(g.shape == (N_A, M) for g in cache[4:8])

    a, y_pred, caches = ref.rnn_forward(x, a0, rp)
    assert a.shape == (N_A, M, T_X) and y_pred.shape == (N_Y, M, T_X)
    assert isinstance(caches, tuple) and len(caches) == 2 and caches[1] is x
    assert len(caches[0]) == T_X and all(len(c) == 4 for c in caches[0])
    assert caches[0][0][1] is a0
    assert all(np.array_equal(caches[0][t][0], a[:, :, t]) for t in range(T_X))

    a, y, c, caches = ref.lstm_forward(x, a0, lp)
    assert a.shape == c.shape == (N_A, M, T_X) and y.shape == (N_Y, M, T_X)
    assert isinstance(caches, tuple) and len(caches) == 2 and caches[1] is x
    assert len(caches[0]) == T_X and all(len(entry) == 10 for entry in caches[0])
    assert caches[0][0][2] is a0
    assert np.array_equal(caches[0][0][3], np.zeros((N_A, M)))
    assert all(np.array_equal(caches[0][t][1], c[:, :, t]) for t in range(T_X))
