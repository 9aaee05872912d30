"""The engine holds no name of the assignment it grades (issue 10): every name particular to
the RNN / LSTM assignment is in its declaration (grader/assignments/rnn_lstm.py), and the engine
modules (everything else in grader/) read it from there."""

import io
import re
import tokenize
from pathlib import Path

import pytest

from grader.assignments import REGISTRY, assignment
from grader.spec import flat_entries

GRADER = Path(__file__).resolve().parents[1] / "grader"
# declared names that are also ordinary words or one-letter variables: code may use them as
# identifiers and prose as words; the engine must not use them as string values
WORDS = {"by", "it", "dot", "m", "a", "c", "x", "y", "cache", "caches", "parameters", "A", "W"}
WORDS |= {"b", "X", "Y", "Z", "L", "AL", "cost"}
# the probe's request and the case data use "cache" as a key of their own
PROTOCOL = "# protocol key"


def engine_modules() -> list[Path]:
    return sorted(
        p for p in GRADER.rglob("*.py") if "assignments" not in p.relative_to(GRADER).parts
    )


def declared_names(declared) -> set[str]:
    """Every name the declaration gives: functions, helpers, parameter keys, dimensions,
    parameters, outputs, cache entries and intermediates, and the words for its objects."""
    names = {*declared.names, *declared.helpers, *declared.dimensions}
    names |= {key for keys in declared.parameter_keys.values() for key in keys}
    names |= {declared.words.parameters, declared.words.cache, declared.words.caches}
    for fn in declared.functions:
        names |= {*fn.params, *fn.outputs, *flat_entries(fn.cache_layout)}
        names |= {i.name for i in fn.intermediates}
        names |= {value for values in fn.choices.values() for value in values}
    return names


def distinctive(name: str) -> bool:
    """A name that is never an ordinary word: an underscore, a digit or a capital in it, or
    three letters or more that are no word of WORDS."""
    if name in WORDS:
        return False
    return bool(re.search(r"[_\dA-Z]", name)) or len(name) >= 3


def hits(source: str, names: set[str]) -> list[tuple[int, str]]:
    """(line, name) for each use of a declared name: a distinctive one as an identifier or a
    word in a string or comment; any other of two letters or more as the whole value of a
    string literal. A line that ends in PROTOCOL uses the word as the engine's own key."""
    words = {n for n in names if distinctive(n)}
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, sorted(words))) + r")(?![\w])")
    lines = source.splitlines()
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        line = tok.start[0]
        if tok.type == tokenize.NAME and tok.string in words:
            found.append((line, tok.string))
        elif tok.type in (tokenize.STRING, tokenize.COMMENT):
            for m in pattern.finditer(tok.string):
                found.append((line + tok.string[: m.start()].count("\n"), m.group(1)))
            literal = re.fullmatch(r"[rbuRBU]?(['\"])(\w\w+)\1", tok.string)
            own = lines[line - 1].rstrip().endswith(PROTOCOL)
            if literal and literal.group(2) in names - words and not own:
                found.append((line, literal.group(2)))
    return found


def test_the_grep_finds_what_it_looks_for():
    """The check itself: a function name, a parameter key, a dimension in a docstring, a cache
    word as a string literal are found; the same letters inside other names are not."""
    names = declared_names(assignment())
    source = (
        '"""Calls lstm_cell_forward over T_x steps."""\n'
        'key = "Wax"  # read Waa\n'
        'where = "cache"\n'
        "Waxes = lstm_cell_forwarded = 1\n"
        "cache = 'the cache of it'\n"
        'request["cache"]  # protocol key\n'
        '"""Two lines,\n'
        'the second names Wya."""\n'
    )
    assert sorted(hits(source, names)) == [
        (1, "T_x"),
        (1, "lstm_cell_forward"),
        (2, "Waa"),
        (2, "Wax"),
        (3, "cache"),
        (8, "Wya"),
    ]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_engine_modules_name_nothing_of_the_assignment(name):
    """No engine module names a function, helper, parameter key, dimension, cache entry,
    choice or cache word of any registered assignment; each hit is listed as file:line: name."""
    names = declared_names(assignment(name))
    found = [
        f"{path.relative_to(GRADER.parent)}:{line}: {name}"
        for path in engine_modules()
        for line, name in hits(path.read_text(encoding="utf-8"), names)
    ]
    assert not found, "assignment names in engine modules:\n" + "\n".join(found)
