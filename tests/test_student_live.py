"""`grader.check()` in a live kernel: the built student notebook, copied to a new folder and
executed top to bottom in a real kernel with cells a student would add or get wrong.

One run covers: a check before the function's cell ran, a misspelt function name, a misspelt
question, debug prints inside a callee, and a global read in place of a cache entry.
"""

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from notebooks import function_cell, notebook, reference_source

from grader.assignments import rnn_lstm as spec

PRINTS_PER_CALL = 3


def _outputs(cell) -> tuple[str, str]:
    """The plain text and the HTML a cell showed."""
    text, markup = [], []
    for out in cell.outputs:
        data = out.get("data", {})
        text.append(data.get("text/plain", "") + out.get("text", ""))
        markup.append(data.get("text/html", ""))
        if out.get("output_type") == "error":
            text.append(f"{out['ename']}: {out['evalue']}\n" + "\n".join(out["traceback"]))
    return "\n".join(text), "\n".join(markup)


def _check_cell(nb, name: str, after: int = 0) -> int:
    for i in range(after, len(nb.cells)):
        if nb.cells[i].cell_type == "code" and f'grader.check("{name}")' in nb.cells[i].source:
            return i
    raise LookupError(f"no grader.check cell for {name}")


def _printing(name: str) -> str:
    """The reference `name` with PRINTS_PER_CALL debug prints at the start of its body."""
    source = reference_source(name)
    head, _, body = source.partition("):\n")
    prints = "".join(f'    print("debug {i}", xt.shape)\n' for i in range(PRINTS_PER_CALL))
    return head + "):\n" + prints + body


@pytest.fixture(scope="module")
def live(built, student_nb, tmp_path_factory):
    folder = tmp_path_factory.mktemp("live") / "student"
    shutil.copytree(built["student"].parent, folder)
    cell_backward = reference_source("lstm_cell_backward").replace(
        '    Wf = parameters["Wf"]\n', ""
    )
    assert 'parameters["Wf"]' not in cell_backward
    nb = notebook(
        student_nb,
        rnn_cell_forward=reference_source("rnn_cell_forward").replace(
            "def rnn_cell_forward(", "def rnn_cell_foward("
        ),
        lstm_cell_forward=_printing("lstm_cell_forward"),
        lstm_cell_backward=cell_backward,
    )
    early = function_cell(nb, "lstm_cell_forward")
    nb.cells.insert(early, nbformat.v4.new_code_cell('grader.check("lstm_cell_forward")'))
    nb.cells.insert(early, nbformat.v4.new_code_cell('grader.check("rnn_cell_foward")'))
    # a cell the student later deleted: the kernel still has Wf, the saved file does not
    at = function_cell(nb, "lstm_cell_backward")
    nb.cells.insert(at, nbformat.v4.new_code_cell("Wf = np.ones((5, 8))"))
    nb.cells.append(nbformat.v4.new_code_cell("grader.check(lstm_backward)"))
    nb.cells.append(nbformat.v4.new_code_cell("grader.export.__qualname__"))
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb, early


def test_no_cell_raised(live):
    """Every problem is told by the check's own output, never by a traceback."""
    nb, _ = live
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in errors if o.get("output_type") == "error"]


def test_unknown_question_is_one_line_with_did_you_mean(live):
    """A misspelt question: one line, a did-you-mean, and every valid question."""
    nb, early = live
    text, markup = _outputs(nb.cells[early])
    assert len(text.strip().splitlines()) == 1, text
    assert "no question named `rnn_cell_foward`" in text
    assert "did you mean `rnn_cell_forward`?" in text
    assert all(name in text for name in spec.NAMES)
    assert "<code>rnn_cell_foward</code>" in markup


def test_check_before_the_definition_says_run_its_cell(live):
    """Checked before its cell ran: not defined in this kernel yet, run the cell; nothing
    about a fresh kernel or a notebook run top to bottom, which would be false here."""
    nb, early = live
    text, _ = _outputs(nb.cells[early + 1])
    assert "`lstm_cell_forward` is not defined in this kernel yet" in text
    assert "run the cell that defines it" in text
    assert "fresh kernel" not in text and "top to bottom" not in text
    assert "0 / " in text


def test_misspelt_function_gets_did_you_mean(live, student_nb):
    """`def rnn_cell_foward(`: its check names the near function, and rnn_forward's check says
    the callee it needs is not defined (its own code still passes)."""
    nb, _ = live
    text, _ = _outputs(nb.cells[_check_cell(nb, "rnn_cell_forward")])
    assert "did you mean `rnn_cell_forward`?" in text and "`rnn_cell_foward`" in text
    assert "fresh kernel" not in text
    forward, _ = _outputs(nb.cells[_check_cell(nb, "rnn_forward")])
    assert forward.startswith("PASS")
    assert "`rnn_cell_forward` is not defined in this kernel yet" in forward


def test_prints_of_a_callee_are_counted_not_flooded(live, cases):
    """Debug prints inside lstm_cell_forward: the lstm_forward check shows a count and at most
    five of the lines; the count covers the prints of every step of the public case."""
    nb, _ = live
    public = next(c for c in cases.for_function("lstm_forward") if c.set == "public")
    steps = public.args[0].shape[2]
    text, markup = _outputs(nb.cells[_check_cell(nb, "lstm_forward")])
    assert text.startswith("PASS  lstm_forward")
    count = re.search(r"printed ([\d,]+) lines during this check", text)
    assert count, text
    printed = int(count.group(1).replace(",", ""))
    assert printed >= PRINTS_PER_CALL * steps
    assert 0 < text.count("debug ") <= 5 < printed
    assert "<details>" in markup and markup.count("debug ") <= 5


def test_global_read_in_place_of_the_cache(live):
    """lstm_cell_backward reads `Wf` from the kernel's globals (a deleted cell defined it):
    the check fails, names the global, and says no saved cell defines it."""
    nb, _ = live
    text, _ = _outputs(nb.cells[_check_cell(nb, "lstm_cell_backward")])
    assert text.startswith("FAIL  lstm_cell_backward")
    assert "reads the global `Wf` (an array of shape (5, 8))" in text
    assert "no cell of rnn_lstm.ipynb as last saved defines `Wf`" in text


def test_everything_but_check_is_otters(live):
    """`grader.export` and the other notebook tools are otter's own."""
    nb, _ = live
    text, _ = _outputs(nb.cells[-1])
    assert text.strip() == "'Notebook.export'"


def test_a_function_passed_instead_of_its_name_is_checked(live):
    """`grader.check(lstm_backward)`: checked under its name, with a note on how to write it."""
    nb, _ = live
    text, _ = _outputs(nb.cells[-2])
    assert text.startswith("PASS  lstm_backward")  # its own code is the reference
    assert 'grader.check("lstm_backward")' in text
