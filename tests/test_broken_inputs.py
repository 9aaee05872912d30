"""A broken-input corpus: every file a student or an LMS can hand in that is not a clean notebook.

Each bad input goes through the public API (`grader.check_submission`) and comes back as a report
with run status `invalid_notebook`, a result record for every function, and a message saying what
was wrong and where; none of them starts a kernel, hangs or reads more than the limits allow.
The few that deserve grading (a zip holding one notebook, an unknown kernelspec) are graded in a
real kernel. Unit tests of `grader.intake.read_submission` pin the one-read and bounded-read rules.
"""

from __future__ import annotations

import json
import os
import struct
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

import grader
from grader.intake import MAX_BYTES, MAX_CELL_BYTES, MAX_CELLS, MAX_OUTPUTS, read_submission

FAST_SECONDS = 10.0  # a bad input is refused by intake alone; no kernel is started for it


# --- helpers -----------------------------------------------------------------------------------


def finishing(seconds: float, fn, *args):
    """`fn(*args)` in a daemon thread: the test fails (instead of hanging) after `seconds`."""
    box: dict = {}

    def run():
        start = time.perf_counter()
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc
        box["elapsed"] = time.perf_counter() - start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__} still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"], box["elapsed"]


def tiny_notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def write_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def deflated_zeros(path: Path, size: int) -> Path:
    """A zip whose one notebook is `size` zero bytes: small on disk, big once inflated."""
    return write_zip(path, {"rnn_lstm.ipynb": bytes(size)}, zipfile.ZIP_DEFLATED)


def with_declared_size(path: Path, size: int) -> Path:
    """The zip at `path` with the uncompressed size of its only member rewritten to `size`."""
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))
    return path


def message_of(intake) -> str:
    assert intake.notebook is None, "a bad input was accepted as a notebook"
    assert [n.code for n in intake.notices] == ["invalid-notebook"]
    return intake.notices[0].message


def assert_ungraded(data: dict, cases, words: tuple[str, ...]) -> None:
    """An invalid_notebook report: no points, a record per function, the reason in words."""
    assert data["run"]["status"] == "invalid_notebook" and data["score"] == 0
    assert set(data["functions"]) == set(cases.cases)
    for record in data["functions"].values():
        assert record["status"] == "missing" and record["score"] == 0
        assert record["findings"] and record["findings"][0]["code"] == "not-graded"
    assert [n["code"] for n in data["notices"]] == ["invalid-notebook"]
    message = data["notices"][0]["message"]
    assert "Traceback" not in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


# --- the corpus: (how to make the file, words the message must contain) ------------------------


def empty(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_bytes(b"")
    return tmp / "sub.ipynb"


def binary_garbage(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return tmp / "sub.ipynb"


def json_list(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_text('[{"cells": []}]')
    return tmp / "sub.ipynb"


def json_without_cells(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_text('{"hello": 1, "nbformat": 4}')
    return tmp / "sub.ipynb"


def format_two(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_text(json.dumps({"nbformat": 2, "worksheets": [], "metadata": {}}))
    return tmp / "sub.ipynb"


def format_five(tmp: Path) -> Path:
    raw = json.loads(notebook_bytes(tiny_notebook("x = 1")))
    raw["nbformat"] = 5
    (tmp / "sub.ipynb").write_text(json.dumps(raw))
    return tmp / "sub.ipynb"


def source_is_a_number(tmp: Path) -> Path:
    raw = json.loads(notebook_bytes(tiny_notebook("x = 1", "y = 2")))
    raw["cells"][1]["source"] = 42
    (tmp / "sub.ipynb").write_text(json.dumps(raw))
    return tmp / "sub.ipynb"


def truncated(tmp: Path) -> Path:
    text = notebook_bytes(tiny_notebook("x = 1", "y = 2"))
    (tmp / "sub.ipynb").write_bytes(text[: len(text) // 2])
    return tmp / "sub.ipynb"


def utf16(tmp: Path) -> Path:
    (tmp / "sub.ipynb").write_bytes(nbformat.writes(tiny_notebook("x = 1")).encode("utf-16"))
    return tmp / "sub.ipynb"


def nested_too_deeply(tmp: Path) -> Path:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp / "sub.ipynb").write_text(f'{{"nbformat": 4, "cells": [], "metadata": {{"a": {deep}}}}}')
    return tmp / "sub.ipynb"


def folder(tmp: Path) -> Path:
    (tmp / "sub.ipynb").mkdir()
    return tmp / "sub.ipynb"


def missing(tmp: Path) -> Path:
    return tmp / "sub.ipynb"


def fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "sub.ipynb")  # nobody ever writes to it: a blocking open or read hangs
    return tmp / "sub.ipynb"


def dev_zero(tmp: Path) -> Path:
    (tmp / "sub.ipynb").symlink_to("/dev/zero")  # an endless file
    return tmp / "sub.ipynb"


def too_many_cells(tmp: Path) -> Path:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    cells = [{**cell, "id": f"c{i}", "source": f"x = {i}"} for i in range(10 * MAX_CELLS)]
    raw = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    (tmp / "sub.ipynb").write_text(json.dumps(raw))  # nbformat.writes would validate 10,000 cells
    return tmp / "sub.ipynb"


def one_huge_cell(tmp: Path) -> Path:
    nb = tiny_notebook("x = 1", "y = 2", "#" * (MAX_BYTES - 100_000))  # the file itself fits
    (tmp / "sub.ipynb").write_bytes(notebook_bytes(nb))
    return tmp / "sub.ipynb"


def too_many_outputs(tmp: Path) -> Path:
    line = nbformat.v4.new_output("stream", name="stdout", text="loss 0.1\n")
    nb = tiny_notebook("x = 1", "print(x)")
    nb.cells[1].outputs = [line] * (MAX_OUTPUTS + 1)
    (tmp / "sub.ipynb").write_bytes(notebook_bytes(nb))
    return tmp / "sub.ipynb"


def over_the_size_limit(tmp: Path) -> Path:
    with open(tmp / "sub.ipynb", "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    return tmp / "sub.ipynb"


def zip_two_notebooks(tmp: Path) -> Path:
    nb = notebook_bytes(tiny_notebook("x = 1"))
    return write_zip(tmp / "alice.zip", {"alice/rnn_lstm.ipynb": nb, "alice/copy.ipynb": nb})


def zip_no_notebook(tmp: Path) -> Path:
    members = {f"alice/part{i}.py": b"x = 1\n" for i in range(8)}
    members["__MACOSX/alice/._rnn_lstm.ipynb"] = b"\0"
    members["alice/.ipynb_checkpoints/rnn_lstm-checkpoint.ipynb"] = b"{}"
    return write_zip(tmp / "alice.zip", members)


def zip_only_junk(tmp: Path) -> Path:
    members = {"__MACOSX/._rnn_lstm.ipynb": b"\0", ".hidden.ipynb": b"{}"}
    return write_zip(tmp / "alice.zip", members)


def corrupt_zip(tmp: Path) -> Path:
    whole = write_zip(tmp / "alice.zip", {"rnn_lstm.ipynb": b"{}" * 1000}).read_bytes()
    (tmp / "alice.zip").write_bytes(whole[: len(whole) // 2])
    return tmp / "alice.zip"


def zip_bomb(tmp: Path) -> Path:
    """A real deflate bomb: about 50 KB on disk, one byte over the limit once inflated."""
    return deflated_zeros(tmp / "alice.zip", MAX_BYTES + 1)


def zip_declares_huge_member(tmp: Path) -> Path:
    small = write_zip(tmp / "alice.zip", {"rnn_lstm.ipynb": notebook_bytes(tiny_notebook("x"))})
    return with_declared_size(small, 4 * 2**30 - 1)


CORPUS = {
    "empty": (empty, ("sub.ipynb", "is empty (0 bytes)")),
    "binary-garbage": (binary_garbage, ("not valid JSON", "byte 0x89 at position 0")),
    "json-list": (json_list, ("top level is a list", "not an object holding a list of cells")),
    "json-without-cells": (json_without_cells, ("no list of cells", "top-level keys: hello")),
    "nbformat-2": (format_two, ("notebook format 2", "too old")),
    "nbformat-5": (format_five, ("notebook format 5", "newer than the format 4")),
    "source-is-a-number": (source_is_a_number, ("cell 2 (a code cell)", "a number as its source")),
    "truncated-json": (truncated, ("not valid JSON", "line ", "as if it was cut off")),
    "utf-16": (utf16, ("is UTF-16 text", "Jupyter saves notebooks as UTF-8")),
    "nested-too-deeply": (nested_too_deeply, ("nested too deeply",)),
    "folder": (folder, ("sub.ipynb is a folder",)),
    "missing-path": (missing, ("sub.ipynb does not exist",)),
    "fifo": (fifo, ("is a named pipe (FIFO), not a regular file",)),
    "symlink-to-dev-zero": (dev_zero, ("is a character device, not a regular file",)),
    "10000-cells": (
        too_many_cells,
        (f"has {10 * MAX_CELLS:,} cells", f"more than {MAX_CELLS:,} cells are not graded"),
    ),
    "50-mb-cell": (
        one_huge_cell,
        ("in cell 3 (a code cell)", f"cells over {MAX_CELL_BYTES:,} bytes are not graded"),
    ),
    "too-many-outputs": (
        too_many_outputs,
        (f"{MAX_OUTPUTS + 1:,} saved outputs", "in cell 2", f"more than {MAX_OUTPUTS:,}"),
    ),
    "over-50-mb": (over_the_size_limit, ("holds more than 50 MB", f"at most {MAX_BYTES:,}")),
    "zip-two-notebooks": (
        zip_two_notebooks,
        ("alice.zip holds 2 notebooks", "alice/rnn_lstm.ipynb", "alice/copy.ipynb"),
    ),
    "zip-no-notebook": (
        zip_no_notebook,
        ("alice.zip holds no notebook (.ipynb)", "alice/part0.py", "and 3 more"),
    ),
    "zip-only-junk": (zip_only_junk, ("holds no notebook", "only folders, __MACOSX/")),
    "corrupt-zip": (corrupt_zip, ("alice.zip is not a readable zip archive",)),
    "zip-bomb": (
        zip_bomb,
        ("rnn_lstm.ipynb in the zip archive alice.zip", f"{MAX_BYTES + 1:,} bytes uncompressed"),
    ),
    "zip-declares-4-gb": (zip_declares_huge_member, (f"{4 * 2**30 - 1:,} bytes uncompressed",)),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_input_gets_a_full_report_fast(tmp_path, cases, case):
    """Each broken input becomes an invalid_notebook report with a record for every function
    and a message naming what was wrong and where, well within FAST_SECONDS (no kernel)."""
    make, words = CORPUS[case]
    path = make(tmp_path)
    report, elapsed = finishing(2 * FAST_SECONDS, grader.check_submission, path, cases)
    assert_ungraded(grader.to_dict(report), cases, words)
    assert elapsed < FAST_SECONDS, f"{case} took {elapsed:.1f} s"


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_input_is_one_invalid_notebook_finding(tmp_path, case):
    """Unit level: read_submission never raises and returns no notebook and exactly one
    invalid-notebook finding, whose message starts by naming the submission."""
    make, words = CORPUS[case]
    intake, _ = finishing(FAST_SECONDS, read_submission, make(tmp_path))
    message = message_of(intake)
    assert all(word in message for word in words), message
    assert intake.name in message and intake.member == ""


# --- intake rules ------------------------------------------------------------------------------


def test_file_is_opened_and_read_once(tmp_path, monkeypatch):
    """The submission is opened once, read into `data`, and never touched through the path again."""
    path = tmp_path / "sub.ipynb"
    path.write_bytes(notebook_bytes(tiny_notebook("x = 1")))
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    for name in ("read_bytes", "read_text", "open", "stat", "exists", "is_dir", "is_file"):
        monkeypatch.setattr(Path, name, lambda *a, name=name, **k: pytest.fail(f"Path.{name}"))
    intake = read_submission(path)
    assert intake.notebook is not None and intake.notices == ()
    assert opened == [path]
    monkeypatch.undo()
    assert intake.data == path.read_bytes()
    assert (intake.path, intake.name, intake.member) == (str(path), "sub.ipynb", "")


def test_limits_are_inclusive(tmp_path):
    """Exactly MAX_CELLS cells, and a cell of exactly MAX_CELL_BYTES, are still read; one more
    cell or one more byte is refused, naming the limit and (for the byte) the cell."""
    path = tmp_path / "sub.ipynb"
    path.write_bytes(notebook_bytes(tiny_notebook(*(["x = 1"] * MAX_CELLS))))
    assert read_submission(path).notebook is not None
    path.write_bytes(notebook_bytes(tiny_notebook(*(["x = 1"] * (MAX_CELLS + 1)))))
    assert f"has {MAX_CELLS + 1:,} cells" in message_of(read_submission(path))
    path.write_bytes(notebook_bytes(tiny_notebook("x = 1", "é" * (MAX_CELL_BYTES // 2))))
    assert read_submission(path).notebook is not None
    path.write_bytes(notebook_bytes(tiny_notebook("x = 1", "#" + "é" * (MAX_CELL_BYTES // 2))))
    message = message_of(read_submission(path))
    assert f"{MAX_CELL_BYTES + 1:,} bytes of source in cell 2" in message


def test_endless_file_reads_at_most_the_limit(tmp_path, monkeypatch):
    """An endless regular file is read no further than MAX_BYTES + 1 bytes, then refused."""
    path = tmp_path / "sub.ipynb"
    path.write_bytes(b" " * 10)
    asked = []
    real_fdopen = os.fdopen

    class Endless:
        def __init__(self, *args, **kwargs):
            self.file = real_fdopen(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def read(self, n=-1):
            asked.append(n)
            return b" " * n

    monkeypatch.setattr(os, "fdopen", Endless)
    message = message_of(read_submission(path))
    assert asked == [MAX_BYTES + 1] and "holds more than 50 MB" in message


def test_zip_with_one_notebook_is_read_as_that_notebook(tmp_path):
    """A zip holding one notebook (plus __MACOSX/ and hidden files) is read as that notebook,
    with a notice naming the member; `data` holds the archive's bytes."""
    nb = tiny_notebook("x = 1")
    path = write_zip(
        tmp_path / "alice.zip",
        {
            "alice/rnn_lstm.ipynb": notebook_bytes(nb),
            "__MACOSX/alice/._rnn_lstm.ipynb": b"\0",
            "alice/.ipynb_checkpoints/rnn_lstm-checkpoint.ipynb": b"{}",
        },
        zipfile.ZIP_DEFLATED,
    )
    intake = read_submission(path)
    assert intake.notebook is not None and intake.notebook.cells[0].source == "x = 1"
    assert intake.member == "alice/rnn_lstm.ipynb" and intake.data == path.read_bytes()
    assert [n.code for n in intake.notices] == ["zip-submission"]
    assert "alice.zip is a zip archive" in intake.notices[0].message
    assert "alice/rnn_lstm.ipynb" in intake.notices[0].message


def test_bad_notebook_inside_a_zip_names_member_and_archive(tmp_path):
    """A broken notebook inside a zip is reported by its name in the archive."""
    path = write_zip(tmp_path / "alice.zip", {"hw/rnn_lstm.ipynb": b'{"cells": ['})
    message = message_of(read_submission(path))
    assert "hw/rnn_lstm.ipynb (in alice.zip) is not a Jupyter notebook" in message


def test_zip_member_larger_than_declared_is_refused(tmp_path):
    """A member that inflates past what its header declares is refused as a corrupt archive,
    after reading no more than the declared size."""
    path = with_declared_size(deflated_zeros(tmp_path / "alice.zip", MAX_BYTES + 1), 1000)
    intake, elapsed = finishing(FAST_SECONDS, read_submission, path)
    assert "alice.zip is not a readable zip archive" in message_of(intake)
    assert elapsed < FAST_SECONDS


def test_format_problems_are_notices_not_refusals(tmp_path):
    """A notebook with an unknown field is still read, with a notice saying where the format
    is broken; a UTF-8 byte-order mark is accepted silently."""
    raw = json.loads(notebook_bytes(tiny_notebook("x = 1")))
    raw["cells"][0]["bogus"] = 1
    path = tmp_path / "sub.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(raw).encode())
    intake = read_submission(path)
    assert intake.notebook is not None
    assert [n.code for n in intake.notices] == ["notebook-format"]
    assert "at ['cells'][0]" in intake.notices[0].message and "bogus" in intake.notices[0].message


# --- the few that deserve grading: a real kernel each ------------------------------------------


def full_marks(data: dict, cases) -> None:
    assert data["run"]["status"] == "ok", data["run"]
    assert set(data["functions"]) == set(cases.cases)
    assert all(f["status"] == "pass" for f in data["functions"].values()), data["functions"]
    assert data["score"] == data["max_score"] == 16


def test_zip_with_the_solution_scores_full_marks(tmp_path, built, cases):
    """An LMS zip holding the reference solution is graded as that notebook: 16 / 16, with a
    notice naming the member."""
    solution = Path(built["solution"]).read_bytes()
    path = write_zip(tmp_path / "alice.zip", {"alice/rnn_lstm.ipynb": solution, "__MACOSX/x": b""})
    data = grader.to_dict(grader.check_submission(path, cases))
    full_marks(data, cases)
    assert data["submission"] == "alice.zip"
    zipped = [n for n in data["notices"] if n["code"] == "zip-submission"]
    assert zipped and "alice/rnn_lstm.ipynb" in zipped[0]["message"]


def test_unknown_kernelspec_is_graded_with_python3(tmp_path, built, cases):
    """A notebook whose kernelspec names a kernel this machine lacks is graded normally."""
    nb = nbformat.read(built["solution"], as_version=4)
    nb.metadata["kernelspec"] = {"name": "julia-1.9", "display_name": "Julia", "language": "julia"}
    path = tmp_path / "sub.ipynb"
    nbformat.write(nb, path)
    full_marks(grader.to_dict(grader.check_submission(path, cases)), cases)
