"""One scenario notebook per real student mistake, run through the whole engine in a real kernel.

Each notebook is the built student notebook with every function right except one, written with
the mistake from solutions/mistakes.py. The engine must blame that function, name the outputs
that are wrong (checked against an independent oracle), the intermediates the mistake corrupts,
and recognise the mistake (its hint), while every other function keeps its points.
"""

import nbformat
import pytest
from notebooks import notebook
from oracle import wrong_outputs

import grader
from solutions.mistakes import MISTAKES


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_diagnosed(mistake, student_nb, cases, tmp_path):
    """The buggy function is blamed, its wrong outputs/intermediates named, its hint given."""
    path = tmp_path / mistake.id / "rnn_lstm.ipynb"  # the name the set-up cell expects
    path.parent.mkdir()
    nbformat.write(notebook(student_nb, **{mistake.function: mistake.source}), path)
    report = grader.check_submission(path, cases)
    result = report.function(mistake.function)
    text = grader.render_text(report)

    assert report.run.status == "ok", text
    assert result.status in ("fail", "error"), text
    assert result.correct_in_isolation is False, text
    assert result.blame[:1] == (mistake.function,), text
    if mistake.raises_as_written:  # the oracle cannot run it: the real callee raises
        assert "callee-argument" in [f.code for f in result.findings], text
        raised = [f.message for f in result.findings if f.code == "raises-as-written"]
        assert raised and f"raised {mistake.raises_as_written}" in raised[0], text
    else:
        assert set(result.wrong_outputs) == wrong_outputs(mistake, cases), text
    assert set(result.wrong_intermediates) == set(mistake.intermediates), text
    hints = [f for f in result.findings if f.code == "known-mistake"]
    assert mistake.id in [f.where for f in hints], text
    assert mistake.hint in [f.message for f in hints]
    for other in report.functions:
        if other.name != mistake.function:
            assert other.score == other.max_score, (other.name, text)
            if other.blame:
                assert other.blame == (mistake.function,), (other.name, text)
