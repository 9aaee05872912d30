"""From what an instructor names on the command line to a list of submissions.

A source is a notebook (or any file: a bad one is graded as such and says why), a folder
(searched recursively for `.ipynb` and `.zip` files, hidden entries and checkpoints skipped)
or a zip archive (an LMS export: every notebook inside is one submission, named by the
archive's path and its path in the archive). Each submission is identified by that name and
keyed by a hash of its bytes, the case data and the grader version, so a result on disk
belongs to exactly one content and can be reused when the same command runs again.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from grader.assignments import declared_by
from grader.casedata import CaseData
from grader.intake import MAX_BYTES

SKIPPED_DIRS = {".ipynb_checkpoints", "__MACOSX", "__pycache__"}
SUFFIXES = (".ipynb", ".zip")
NO_SOURCE = "{source} does not exist"


@dataclass(frozen=True)
class Submission:
    """One submission: `identifier` names it in the gradebook, `path` is the file holding it
    and `member` its path inside `path` when that is a zip archive ("" otherwise)."""

    identifier: str
    path: str
    member: str = ""

    @property
    def filename(self) -> str:
        """The name its report is given: the notebook's own file name."""
        return PurePosixPath(self.member).name if self.member else Path(self.path).name

    def read(self) -> bytes:
        """Its bytes, at most MAX_BYTES + 1 (intake refuses what is longer); b"" when the
        file cannot be read (intake then says why, from the same path)."""
        try:
            if not self.member:
                with open(self.path, "rb") as handle:
                    return handle.read(MAX_BYTES + 1)
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as handle:
                return handle.read(MAX_BYTES + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
            return b""


def _counts(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and not any(p.startswith(".") or p in SKIPPED_DIRS for p in parts)


def _zip_members(path: Path, label: str) -> list[Submission]:
    """A submission per notebook in the archive; the archive itself (graded as it is, which
    says why) when it cannot be read or holds no notebook."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir()
                and _counts(info.filename)
                and info.filename.lower().endswith(".ipynb")
            ]
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        members = []
    if not members:
        return [Submission(label, str(path))]
    return [Submission(f"{label}/{m}", str(path), m) for m in sorted(members)]


def _file(path: Path, label: str) -> list[Submission]:
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        return _zip_members(path, label)
    return [Submission(label, str(path))]


def expand(sources: list[str]) -> tuple[list[Submission], list[str]]:
    """The submissions in `sources`, in a stable order, and a message per source that does not
    exist. A file named twice is graded once."""
    found: list[Submission] = []
    problems: list[str] = []
    for source in sources:
        path = Path(source)
        label = os.path.normpath(source)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if _counts(d))
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES) and _counts(name):
                        file = Path(root, name)
                        found += _file(
                            file, os.path.normpath(os.path.join(label, file.relative_to(path)))
                        )
        elif path.exists() or path.is_symlink():
            found += _file(path, label)
        else:
            problems.append(NO_SOURCE.format(source=source))
    unique = list({s.identifier: s for s in found}.values())
    return unique, problems


def named_assignments(submissions: list[Submission]) -> Counter:
    """How many of `submissions` name each registered assignment in their notebook metadata
    (unreadable files and notebooks that name none are not counted)."""
    counts: Counter = Counter()
    for submission in submissions:
        try:
            name = declared_by(json.loads(submission.read()))
        except Exception:  # noqa: BLE001 (a bad file names nothing; intake says why later)
            name = None
        if name:
            counts[name] += 1
    return counts


def grader_version() -> str:
    try:
        return metadata.version("rnn-lstm-grader")
    except metadata.PackageNotFoundError:
        return "unknown"


def cases_digest(cases: CaseData) -> str:
    """One digest of the case data in use (the build's SHA-256 of each case file)."""
    return hashlib.sha256("\n".join(sorted(cases.digests.values())).encode("utf-8")).hexdigest()


def result_key(data: bytes, cases: str, version: str, filename: str) -> str:
    """What a result is stored under: the submission's bytes, the case data, the grader
    version (and the file name, which its report shows)."""
    digest = hashlib.sha256()
    for part in (cases.encode(), version.encode(), filename.encode("utf-8", "replace"), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:32]
