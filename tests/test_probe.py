"""grader.probe: the only code that runs beside student code; it records, never judges."""

import numpy as np
import pytest

from grader import probe


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6, dtype=float).reshape(2, 3),
        np.float32(1.5),
        np.float64(0.1),
        np.int64(-3),
        (1, 2.5, "x", None, True),
        [np.zeros((0, 3)), {"a": np.ones(2)}],
        {"Wf": np.random.default_rng(0).standard_normal((5, 8))},
        float("nan"),
    ],
)
def test_codec_round_trip_is_exact(value):
    """encode/decode keeps types and every bit of every array."""
    back = probe.decode(probe.encode(value))
    assert type(back) is type(value)
    flat_in, flat_out = probe.memory_layout(value), probe.memory_layout(back)
    assert [e[2] for e in flat_in] == [e[2] for e in flat_out]
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.tobytes() == value.tobytes()


def test_unknown_objects_cross_as_opaque_labels():
    """A value that is not data crosses as its type name and a short repr, never as pickle."""
    back = probe.decode(probe.encode(object()))
    assert isinstance(back, probe.Opaque) and back.type_name == "object"


def test_decode_rejects_unknown_markers():
    """Decoding builds nothing it does not know."""
    with pytest.raises(ValueError):
        probe.decode({"__pickle__": "..."})


def _plan(results):
    return {
        "params": ["x"],
        "outputs": ["y", "cache"],
        "returns": "tuple",
        "cache": {"output": "cache", "layout": ["y", "x"], "passthrough": ["x"]},
        "results": results,
    }


def test_stub_replays_recorded_outputs_and_records_arguments():
    """A stub returns the k-th recorded output, passes argument objects through, logs calls."""
    stub = probe.Stub("cell", _plan([[np.ones(2), (np.ones(2), np.zeros(2))]]))
    x = np.full(2, 7.0)
    y, cache = stub(x)
    assert cache[1] is x and cache[0] is y
    assert np.array_equal(stub.calls[0]["x"], x)
    with pytest.raises(RuntimeError, match="called 2 times"):
        stub(x)


def cell(x):
    return x * 2, (x * 2, x)


def outer(x):
    doubled = cell(x)[0]
    return doubled + 1


def test_run_patches_callees_and_restores_them():
    """run() swaps the callee for a stub during the call only, and captures local arrays."""
    namespace = {"cell": cell, "outer": outer}
    request = {
        "function": "outer",
        "args": [np.ones(2)],
        "capture": True,
        "stubs": {"cell": _plan([[np.full(2, 5.0), (np.full(2, 5.0), None)]])},
    }
    record = probe.run(namespace, request)
    assert record["ok"] and np.array_equal(record["outputs"], np.full(2, 6.0))
    assert len(record["stub_calls"]["cell"]) == 1
    assert np.array_equal(record["locals"][0]["doubled"], np.full(2, 5.0))
    assert outer.__globals__["cell"] is cell


def test_run_records_errors_missing_functions_and_mutations():
    """Exceptions become records; a missing function is named; args are snapshotted after."""

    def bad(a):
        a[0] = 99.0
        raise ValueError("shapes do not align")

    record = probe.run({"bad": bad}, {"function": "bad", "args": [np.zeros(3)]})
    assert not record["ok"] and record["error"]["type"] == "ValueError"
    assert record["args_after"][0][0] == 99.0
    assert probe.run({}, {"function": "nope", "args": []})["missing"] == "nope"


def test_numpy_float_is_not_taken_for_a_python_float():
    """np.float64 subclasses float; it crosses as a NumPy scalar and comes back as one."""
    back = probe.decode(probe.encode({"s": np.float64(2.5), "f": 2.5}))
    assert type(back["s"]) is np.float64 and back["s"] == 2.5
    assert type(back["f"]) is float


def test_huge_arrays_are_refused_by_declared_size():
    """An array over the element limit is described, not copied; a record declaring one is
    refused before anything is allocated."""
    big = np.broadcast_to(np.float64(1.0), (probe.MAX_ARRAY_ELEMENTS + 1,))
    assert isinstance(probe.snapshot(big), probe.Opaque)
    forged = {"__nd__": ["<f8", [10**9], "AAAA"]}
    with pytest.raises(ValueError, match="over the limit"):
        probe.decode(forged)
    with pytest.raises(ValueError, match="not a number"):
        probe.decode({"__nd__": ["|O", [1], "AAAAAAAAAAA="]})
