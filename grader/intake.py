"""Reading a submission: a file that is not a usable notebook becomes a finding, not a crash.

The file is opened once and read once, into memory, with bounded reads: nothing later in the
engine goes back to the path. Limits are checked on the raw JSON before nbformat builds or
validates anything, so a huge notebook is refused in well under a second. A `.zip` holding
exactly one notebook (an LMS export of one student) is graded as that notebook.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

from grader.records import Finding

MAX_BYTES = 50 * 1024 * 1024  # the file, and a notebook inside a zip
MAX_CELLS = 1_000  # cells of any type; 2,000 trivial cells already take ~19 s to run
MAX_CELL_BYTES = 1024 * 1024  # the source of one cell, UTF-8
MAX_OUTPUTS = 10_000  # saved outputs of all cells together (nbformat.validate slows with them)
MAX_LISTED = 5  # names shown when a zip holds the wrong things
MAX_NAME_CHARS = 80  # a zip member's name, as shown
CURRENT_MAJOR = 4

RESUBMIT = "Submit the .ipynb file saved by Jupyter."
NOT_FOUND = "The submission {name} does not exist."
NOT_A_FILE = "The submission {name} is a folder, not a notebook file."
NOT_REGULAR = "The submission {name} is {kind}, not a regular file, so it was not read. " + RESUBMIT
NOT_READABLE = "The submission {name} could not be read ({error}). " + RESUBMIT
TOO_LARGE = (
    "The submission {name} holds more than {limit}: {size:,} bytes where at most {max:,} are "
    "read. Clear large outputs (Kernel > Restart & Clear Output) and save it again."
)
EMPTY = "The submission {name} is empty (0 bytes). " + RESUBMIT
WRONG_ENCODING = (
    "The submission {name} is {encoding} text; Jupyter saves notebooks as UTF-8. Open it in "
    "Jupyter and save it again, or convert it to UTF-8."
)
NOT_JSON = "The submission {name} is not a Jupyter notebook: it is not valid JSON ({error}). "
NOT_JSON += RESUBMIT
TOO_DEEP = "The submission {name} is not a usable notebook: its JSON is nested too deeply. "
TOO_DEEP += RESUBMIT
NOT_NOTEBOOK = "The submission {name} is JSON but not a Jupyter notebook: {error}. " + RESUBMIT
OLD_FORMAT = (
    "The submission {name} uses notebook format {major}, which is too old to read; "
    "open it in a current Jupyter and save it again (format 4)."
)
NEW_FORMAT = (
    "The submission {name} uses notebook format {major}, newer than the format 4 this grader "
    "reads; save it from a Jupyter that writes format 4."
)
TOO_MANY_CELLS = (
    "The submission {name} has {count:,} cells; notebooks with more than {limit:,} cells are "
    "not graded. Remove the extra cells and save it again."
)
CELL_TOO_LARGE = (
    "The submission {name} has {size:,} bytes of source in cell {cell} (a {kind} cell); cells "
    "over {limit:,} bytes are not graded. Shorten that cell and save it again."
)
TOO_MANY_OUTPUTS = (
    "The submission {name} has {count:,} saved outputs ({most:,} of them in cell {cell}); "
    "notebooks with more than {limit:,} are not graded. Clear the outputs (Kernel > Restart & "
    "Clear Output) and save it again."
)
UPGRADED = "The submission {name} was saved in notebook format 3; it was upgraded to format 4."
INVALID = (
    "The submission {name} does not follow the notebook format at {where}: {error}. "
    "It was graded as far as it could be read."
)
UNREADABLE = "The submission {name} could not be read as a notebook ({error}). " + RESUBMIT
ZIP_CORRUPT = "The submission {name} is not a readable zip archive ({error}). " + RESUBMIT
ZIP_NONE = "The zip archive {name} holds no notebook (.ipynb); it holds {listing}. " + RESUBMIT
ZIP_SEVERAL = (
    "The zip archive {name} holds {count} notebooks ({listing}) where one is expected; "
    "submit a zip with exactly one .ipynb, or the .ipynb itself."
)
ZIP_MEMBER_TOO_LARGE = (
    "The notebook {member} in the zip archive {name} is {size} bytes uncompressed; "
    "notebooks over {limit:,} bytes are not graded."
)
ZIP_ENCRYPTED = "The notebook {member} in the zip archive {name} is encrypted. " + RESUBMIT
FROM_ZIP = "The submission {name} is a zip archive; the notebook {member} inside it was graded."

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_NOTHING = ("nothing at all", "only folders, __MACOSX/ resource forks or hidden files")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


@dataclass(frozen=True)
class Intake:
    """A read submission: the notebook (None when unusable) and what was noticed on the way.

    path: the path it was read from (never read again after intake).
    data: the bytes read from `path`, exactly once (empty when nothing could be read or the
        file was over MAX_BYTES); for a zip, the archive's bytes.
    name: what the submission is called in reports (the file's name).
    member: the notebook graded inside a zip archive ("" when the file was a notebook).
    """

    path: str
    notebook: nbformat.NotebookNode | None
    notices: tuple[Finding, ...]
    data: bytes = b""
    name: str = ""
    member: str = ""


class _Unusable(Exception):
    """Internal: the submission cannot be graded; carries the finding's message."""


def read_submission(path: str | Path) -> Intake:
    """Read and check `path` once; never raises for a bad file (or anything else)."""
    path = Path(path)
    name = path.name or str(path)
    data = b""
    try:
        data = _read_once(path, name)
        member, inner = _unzip(data, name) if _looks_zipped(path, data) else ("", data)
        notebook, notices = _parse(inner, f"{member} (in {name})" if member else name)
    except _Unusable as unusable:
        return Intake(str(path), None, (Finding("invalid-notebook", str(unusable)),), data, name)
    except Exception as exc:  # the contract is a finding, never a traceback
        message = UNREADABLE.format(name=name, error=f"{type(exc).__name__}: {str(exc)[:160]}")
        return Intake(str(path), None, (Finding("invalid-notebook", message),), data, name)
    if member:
        notices.insert(0, Finding("zip-submission", FROM_ZIP.format(name=name, member=member)))
    return Intake(str(path), notebook, tuple(notices), data, name, member)


def _read_once(path: Path, name: str) -> bytes:
    """One open, one bounded read; only regular files are read (no FIFO or device)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise _Unusable(NOT_FOUND.format(name=name)) from None
    except IsADirectoryError:
        raise _Unusable(NOT_A_FILE.format(name=name)) from None
    except (OSError, ValueError) as exc:
        error = getattr(exc, "strerror", None) or str(exc)
        raise _Unusable(NOT_READABLE.format(name=name, error=error)) from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise _Unusable(NOT_A_FILE.format(name=name))
        for is_kind, kind in _KINDS:
            if is_kind(mode):
                raise _Unusable(NOT_REGULAR.format(name=name, kind=kind))
        if not stat.S_ISREG(mode):
            raise _Unusable(NOT_REGULAR.format(name=name, kind="a special file"))
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _Unusable(NOT_READABLE.format(name=name, error=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        limit = f"{MAX_BYTES // 2**20} MB"
        size = max(info.st_size, len(data))
        raise _Unusable(TOO_LARGE.format(name=name, limit=limit, size=size, max=MAX_BYTES))
    return data


def _looks_zipped(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".zip" or data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _short(name: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in name)
    return shown if len(shown) <= MAX_NAME_CHARS else shown[: MAX_NAME_CHARS - 3] + "..."


def _listing(names: list[str]) -> str:
    shown = ", ".join(_short(n) for n in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


def _counts(member: str) -> bool:
    """Whether a zip member is the student's (not macOS resource forks or hidden files)."""
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return bool(parts) and parts[0] != "__MACOSX" and not any(p.startswith(".") for p in parts)


def _unzip(data: bytes, name: str) -> tuple[str, bytes]:
    """The one notebook in a zip archive: (its name, its bytes, read at most once, bounded)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            every = archive.infolist()
            files = [i for i in every if not i.is_dir() and _counts(i.filename)]
            notebooks = [i for i in files if i.filename.lower().endswith(".ipynb")]
            if not notebooks:
                listing = _listing([i.filename for i in files]) if files else _NOTHING[bool(every)]
                raise _Unusable(ZIP_NONE.format(name=name, listing=listing))
            if len(notebooks) > 1:
                listing, count = _listing([i.filename for i in notebooks]), len(notebooks)
                raise _Unusable(ZIP_SEVERAL.format(name=name, count=count, listing=listing))
            info = notebooks[0]
            member = _short(info.filename)
            too_large = {"name": name, "member": member, "limit": MAX_BYTES}
            if info.file_size > MAX_BYTES:
                size = f"{info.file_size:,}"
                raise _Unusable(ZIP_MEMBER_TOO_LARGE.format(size=size, **too_large))
            if info.flag_bits & 0x1:
                raise _Unusable(ZIP_ENCRYPTED.format(name=name, member=member))
            with archive.open(info) as file:
                inner = file.read(MAX_BYTES + 1)
    except _ZIP_ERRORS as exc:
        error = str(exc)[:160] or type(exc).__name__
        raise _Unusable(ZIP_CORRUPT.format(name=name, error=error)) from None
    if len(inner) > MAX_BYTES:
        raise _Unusable(ZIP_MEMBER_TOO_LARGE.format(size=f"more than {MAX_BYTES:,}", **too_large))
    return member, inner


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    kinds = {dict: "an object", list: "a list", str: "a string", type(None): "null"}
    return kinds.get(type(value), "a number")


def _decoded(data: bytes, name: str) -> object:
    """The JSON in `data`, which must be UTF-8 text."""
    if not data:
        raise _Unusable(EMPTY.format(name=name))
    encoding = json.detect_encoding(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        try:
            looks_like_json = data.decode(encoding).lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
        except UnicodeDecodeError:
            looks_like_json = False
        if looks_like_json:
            raise _Unusable(WRONG_ENCODING.format(name=name, encoding=encoding.upper()))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error = f"byte 0x{exc.object[exc.start]:02x} at position {exc.start:,} is not UTF-8 text"
        raise _Unusable(NOT_JSON.format(name=name, error=error)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        error = f"{exc.msg}, at line {exc.lineno} column {exc.colno}"
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            error += "; the file ends too early, as if it was cut off"
        raise _Unusable(NOT_JSON.format(name=name, error=error)) from None
    except RecursionError:
        raise _Unusable(TOO_DEEP.format(name=name)) from None


def _cells(raw: object, name: str) -> tuple[int, list[object]]:
    """The format's major version and every cell (worksheets of format 3 flattened)."""

    def bad(error: str) -> _Unusable:
        return _Unusable(NOT_NOTEBOOK.format(name=name, error=error))

    if not isinstance(raw, dict):
        raise bad(f"its top level is {_json_type(raw)}, not an object holding a list of cells")
    if not isinstance(raw.get("cells", raw.get("worksheets")), list):
        keys = _listing(sorted(str(k) for k in raw)) or "none"
        raise bad(f"it has no list of cells (its top-level keys: {keys})")
    major = raw.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        raise bad("it does not say which notebook format it uses")
    if major < 3:
        raise _Unusable(OLD_FORMAT.format(name=name, major=major))
    if major > CURRENT_MAJOR:
        raise _Unusable(NEW_FORMAT.format(name=name, major=major))
    if major == CURRENT_MAJOR:
        if not isinstance(raw.get("cells"), list):
            raise bad(f'its "cells" is {_json_type(raw.get("cells"))}, not a list')
        return major, raw["cells"]
    sheets = raw.get("worksheets")
    if not isinstance(sheets, list) or not all(
        isinstance(s, dict) and isinstance(s.get("cells"), list) for s in sheets
    ):
        raise bad('its "worksheets" are not a list of worksheets, each with a list of cells')
    return major, [cell for sheet in sheets for cell in sheet["cells"]]


def _source_bytes(source: object) -> int | None:
    """UTF-8 size of a cell's source (text, or a list of lines); None when it is not text."""
    if isinstance(source, str):
        return len(source.encode("utf-8", "surrogatepass"))
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return sum(len(line.encode("utf-8", "surrogatepass")) for line in source)
    return None


def _check_limits(major: int, cells: list[object], name: str) -> None:
    """Cell count, each cell's source size and type, and saved outputs, before nbformat runs."""
    if len(cells) > MAX_CELLS:
        raise _Unusable(TOO_MANY_CELLS.format(name=name, count=len(cells), limit=MAX_CELLS))
    outputs, most, most_at = 0, 0, 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            error = f"cell {number} is {_json_type(cell)}, not an object"
            raise _Unusable(NOT_NOTEBOOK.format(name=name, error=error))
        kind = cell.get("cell_type")
        if not isinstance(kind, str):
            error = f'cell {number} has no "cell_type" saying what kind of cell it is'
            raise _Unusable(NOT_NOTEBOOK.format(name=name, error=error))
        key = "input" if major == 3 and kind == "code" else "source"
        if key not in cell:
            error = f"cell {number} (a {_short(kind)} cell) has no source"
            raise _Unusable(NOT_NOTEBOOK.format(name=name, error=error))
        size = _source_bytes(cell[key])
        if size is None:
            error = f"cell {number} (a {_short(kind)} cell) has {_json_type(cell[key])} as its "
            error += "source where text is expected"
            raise _Unusable(NOT_NOTEBOOK.format(name=name, error=error))
        if size > MAX_CELL_BYTES:
            raise _Unusable(
                CELL_TOO_LARGE.format(
                    name=name, size=size, cell=number, kind=_short(kind), limit=MAX_CELL_BYTES
                )
            )
        saved = cell.get("outputs", [])
        if not isinstance(saved, list):
            error = f"the outputs of cell {number} are {_json_type(saved)}, not a list"
            raise _Unusable(NOT_NOTEBOOK.format(name=name, error=error))
        outputs += len(saved)
        most, most_at = max((most, most_at), (len(saved), number))
    if outputs > MAX_OUTPUTS:
        raise _Unusable(
            TOO_MANY_OUTPUTS.format(
                name=name, count=outputs, most=most, cell=most_at, limit=MAX_OUTPUTS
            )
        )


def _where(error: Exception) -> str:
    path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or []
    return "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in path) or "the top level"


def _parse(data: bytes, name: str) -> tuple[nbformat.NotebookNode, list[Finding]]:
    """The notebook in `data`, as format 4, with notices; raises _Unusable."""
    raw = _decoded(data, name)
    major, cells = _cells(raw, name)
    _check_limits(major, cells, name)
    try:
        minor = raw.get("nbformat_minor", 0)
        nb = nbformat.convert(nbformat.versions[major].to_notebook_json(raw, minor=minor), 4)
    except RecursionError:
        raise _Unusable(TOO_DEEP.format(name=name)) from None
    except Exception as exc:  # nbformat raises several types for malformed input
        raise _Unusable(NOT_NOTEBOOK.format(name=name, error=str(exc)[:160])) from None
    notices = []
    if major == 3:
        notices.append(Finding("upgraded-notebook", UPGRADED.format(name=name)))
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        where, error = _where(exc), str(exc.message)[:160]
        message = INVALID.format(name=name, where=where, error=error)
        notices.append(Finding("notebook-format", message))
    except RecursionError:
        raise _Unusable(TOO_DEEP.format(name=name)) from None
    return nb, notices
