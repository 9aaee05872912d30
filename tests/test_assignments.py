"""grader.assignments and grader.spec: an assignment is declared as data, registered by name,
checked when declared, and named by the case data the engine grades against."""

import json

import pytest

from grader import CaseDataError, load_cases, probe
from grader.assignments import DEFAULT, REGISTRY, assignment
from grader.bundle import inputs_only
from grader.spec import Assignment, Function, Loop, Words

WORDS = Words(parameters="params", cache="store", caches="stores")


def test_the_registry_finds_the_declaration_by_name_and_lists_the_known_ones():
    """`assignment()` is the default declaration; an unknown name says which names exist."""
    assert DEFAULT in REGISTRY
    assert assignment() is assignment(DEFAULT)
    assert assignment().names[0] == "rnn_cell_forward"
    with pytest.raises(KeyError, match="no assignment 'nope'; known: rnn_lstm"):
        assignment("nope")


def test_dependencies_follow_callees_then_producers_nearest_first():
    """A backward loop depends on its step function, its forward pass and what those call."""
    declared = assignment()
    assert declared.dependencies("lstm_backward") == (
        "lstm_cell_backward",
        "lstm_forward",
        "lstm_cell_forward",
    )
    backward = declared.function("rnn_backward")
    assert backward.producer == "rnn_forward"
    assert backward.related("rnn_forward") is declared.function("rnn_forward")
    with pytest.raises(KeyError, match="known: rnn_cell_forward, rnn_forward"):
        declared.function("rnn_cell_foward")


def test_a_declaration_naming_an_undeclared_function_is_refused():
    """Callees and producers must be declared: the error names the function and the name."""
    loop = Function("walk", ("x",), ("y",), "tuple", calls=("step",))
    with pytest.raises(ValueError, match="walk names step, which it does not declare"):
        Assignment("toy", (loop,), WORDS)
    fed = Function("back", ("store",), ("dx",), "dict", fed={"store": ("forth", "store")})
    with pytest.raises(ValueError, match="back names forth"):
        Assignment("toy", (fed,), WORDS)


def test_a_loop_of_an_unknown_kind_or_order_is_refused():
    """Only the time loop exists so far; the error lists what does."""
    with pytest.raises(ValueError, match="loop kind 'galaxy' is unknown; known: time, layer"):
        Loop(kind="galaxy")
    with pytest.raises(ValueError, match="loop order 'sideways'"):
        Loop(order="sideways")


def test_a_loop_names_its_positions_in_the_order_it_walks():
    """A backward loop's first call is its last position, and it says where it starts."""
    loop = Loop(order="backward", unit="layer", position="layer {}")
    assert [loop.step(k, 3) for k in range(3)] == [2, 1, 0]
    assert loop.listed({2, 0}) == "layer 0, layer 2"
    assert loop.start() == "the last layer, where the loop starts"
    assert Loop().start() == "t = 0"


def _case_file(tmp_path, name="public_cases.json", **extra):
    declared = assignment()
    raw = {
        "schema": 1,
        "set": "public",
        "points": {n: {"question": 1.0, "public": 1.0} for n in declared.names},
        "mistakes": {},
        "cases": {
            "rnn_cell_forward": [
                {
                    "id": "public-1",
                    "set": "public",
                    "function": "rnn_cell_forward",
                    "args": [],
                    "expected": {},
                    "calls": {},
                    "producer": None,
                    "intermediates": {},
                    "fingerprints": [],
                }
            ]
        },
        **extra,
    }
    path = tmp_path / name
    path.write_text(json.dumps(probe.encode(raw)), encoding="utf-8")
    return path


def test_case_data_without_an_assignment_name_is_of_the_default_one(tmp_path):
    """Case files built before the name was recorded keep working, as the first assignment."""
    cases = load_cases(_case_file(tmp_path))
    assert cases.assignment is assignment(DEFAULT)
    (case,) = cases.for_function("rnn_cell_forward")
    assert case.declared is cases.assignment.function("rnn_cell_forward")
    assert inputs_only(cases)["assignment"] == DEFAULT


def test_case_data_of_an_unknown_or_another_assignment_is_refused(tmp_path):
    """A file naming an unknown assignment, or one other than the option asks for, or files
    of two assignments together, fail with the file and the names."""
    unknown = _case_file(tmp_path, assignment="no_such_assignment")
    with pytest.raises(CaseDataError, match="unknown assignment.*known: rnn_lstm, deep_nn"):
        load_cases(unknown)
    named = _case_file(tmp_path, "hidden_cases.json", assignment="rnn_lstm")
    assert load_cases(named, assignment="rnn_lstm").assignment.name == "rnn_lstm"
    with pytest.raises(CaseDataError, match=r"different assignments \(asked for deep_nn\)"):
        load_cases(named, assignment="deep_nn")
    other = _case_file(tmp_path, "public_cases.json", assignment="deep_nn")
    with pytest.raises(CaseDataError, match="different assignments"):
        load_cases(named, other)
    with pytest.raises(CaseDataError, match="different assignments"):
        load_cases(named, unknown)


def test_the_build_records_the_assignment_in_every_case_file(built):
    """The case files of the build name the assignment they were built for."""
    for case_set in ("public", "hidden"):
        text = (built["cases"] / f"{case_set}_cases.json").read_text(encoding="utf-8")
        assert probe.decode(json.loads(text))["assignment"] == "rnn_lstm"
