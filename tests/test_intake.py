"""A file that is not a usable notebook gives a clear finding and a report, never a traceback."""

import json

import nbformat
import pytest

import grader
from grader.intake import read_submission


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x89PNG\r\n", "not valid JSON"),
        (b'{"cells": [', "not valid JSON"),
        (b'{"hello": 1}', "no list of cells"),
        (b'{"cells": [], "metadata": {}}', "does not say which notebook format"),
        (json.dumps({"nbformat": 2, "worksheets": [], "metadata": {}}).encode(), "format 2"),
    ],
)
def test_bad_files_become_findings(tmp_path, content, words):
    """Each kind of bad file is named in plain words."""
    path = tmp_path / "sub.ipynb"
    path.write_bytes(content)
    intake = read_submission(path)
    assert intake.notebook is None
    assert words in intake.notices[0].message


def test_missing_file_and_folder(tmp_path):
    """A path that does not exist, or is a folder, is reported as such."""
    assert "does not exist" in read_submission(tmp_path / "nope.ipynb").notices[0].message
    assert "is a folder" in read_submission(tmp_path).notices[0].message


def test_invalid_notebook_gets_a_full_report(tmp_path, cases):
    """The pipeline returns a report with run status invalid_notebook and zero points."""
    path = tmp_path / "broken.ipynb"
    path.write_text("not a notebook")
    report = grader.check_submission(path, cases)
    data = grader.to_dict(report)
    assert data["run"]["status"] == "invalid_notebook" and data["score"] == 0
    assert all(f["status"] == "missing" for f in data["functions"].values())
    assert "not valid JSON" in data["notices"][0]["message"]


def test_old_format_three_is_upgraded(tmp_path):
    """A format-3 notebook is read after upgrading, with a notice saying so."""
    nb = nbformat.v3.new_notebook(
        worksheets=[nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell(input="x = 1")])]
    )
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.v3.writes_json(nb))
    intake = read_submission(path)
    assert intake.notebook is not None and intake.notebook.nbformat == 4
    assert intake.notices[0].code == "upgraded-notebook"
