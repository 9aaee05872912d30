"""Attacks that look for expected values (case files, the solution notebook) and answer every
call from them."""

from __future__ import annotations

from attacks.code import CODEC, SEARCH_SECONDS, fill
from grader.assignments import rnn_lstm as spec

CHEAT = """\
_FOUND, _SOURCES = {}, []

def _key(a):
    a = _np.asarray(a)
    return (a.dtype.str, a.shape, a.tobytes())

def _learn(text, where):
    data = _dec(_json.loads(text))
    learned = 0
    for name, items in data.get("cases", {}).items():
        for case in items:
            if case.get("expected"):
                _FOUND.setdefault(name, {})[_key(case["args"][0])] = case["expected"]
                learned += 1
    if learned:
        _SOURCES.append(where)

def _answer(name, first):
    expected = _FOUND.get(name, {}).get(_key(first))
    if expected is None:
        return None
    outputs, kind = __OUTPUTS__[name]
    if kind == "tuple":
        return tuple(expected[k] for k in outputs)
    return {k: expected[k] for k in outputs}

__LOCATE__

try:
    for _where, _text in _locate():
        try:
            _learn(_text, _where)
        except Exception:
            pass
except Exception as _exc:
    print("the search stopped:", type(_exc).__name__, _exc)
print("case data with expected values found in:", _SOURCES)
if _FOUND:
    print("a value found:", next(iter(next(iter(_FOUND.values())).values())))
__DEFINITIONS__
"""


def outputs() -> dict[str, tuple[tuple[str, ...], str]]:
    return {fn.name: (fn.outputs, fn.returns) for fn in spec.FUNCTIONS}


def _answering_definitions() -> str:
    """`if _FOUND:` then all eight functions, each answering from the found data."""
    lines = ["if _FOUND:"]
    for fn in spec.FUNCTIONS:
        params = ", ".join(fn.params)
        lines.append(f"    def {fn.name}({params}):")
        lines.append(f"        return _answer({fn.name!r}, {fn.params[0]})")
    return "\n".join(lines)


def cheat(locate: str) -> str:
    """A cell that collects case data through `locate` (the source of a generator `_locate()`
    yielding (where, text)) and, if it found expected values, redefines every function to
    answer each call with them; otherwise the wrong functions stay as they are."""
    body = CHEAT.replace("__LOCATE__", locate).replace("__DEFINITIONS__", _answering_definitions())
    return CODEC + fill(body, outputs=outputs())


LOCATE_CWD = """\
def _locate():
    patterns = ["*_cases.json", "grader/data/*_cases.json", "**/*_cases.json",
                "../*_cases.json", "../**/*_cases.json"]
    seen = set()
    for pattern in patterns:
        for path in _glob.glob(pattern, recursive=True):
            real = _os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                text = _read(path)
                if text:
                    yield path, text
"""

LOCATE_PROC = """\
def _locate():
    pids = [_os.getppid()] + sorted(int(p) for p in _os.listdir("/proc") if p.isdigit())
    folders = ["", "dist", "submission", "../submission", "source/files", "autograder",
               "grader/data", "dist/autograder"]
    for pid in pids:
        for link in ("cwd", "root"):
            base = f"/proc/{pid}/{link}"
            extra = [base + p for p in __ABSOLUTE__] if link == "root" else []
            for folder in [_os.path.join(base, f) for f in folders] + extra:
                for path in _glob.glob(_os.path.join(folder, "*_cases.json")):
                    text = _read(path)
                    if text:
                        yield path, text
"""

LOCATE_DIST = """\
def _locate():
    for folder in __FOLDERS__:
        for path in sorted(_glob.glob(_os.path.join(folder, "**", "*_cases.json"), recursive=True)):
            text = _read(path)
            if text:
                yield path, text
"""

LOCATE_ZIP = """\
def _locate():
    import zipfile
    zips = list(__ZIPS__)
    for pattern in __ZIP_GLOBS__:
        zips += _glob.glob(pattern, recursive=True)
    for path in zips:
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith("_cases.json"):
                        yield path + "!" + name, archive.read(name).decode("utf-8")
        except (OSError, zipfile.BadZipFile, KeyError):
            pass
"""

LOCATE_SEARCH = """\
def _locate():
    import zipfile
    deadline = _time.monotonic() + __SECONDS__
    skip = {"/proc", "/sys", "/dev", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc"}
    for root, dirs, files in _os.walk("/"):
        if _time.monotonic() > deadline:
            print("search: out of time in", root)
            return
        dirs[:] = [d for d in dirs if _os.path.join(root, d) not in skip
                   and d not in ("site-packages", "node_modules", ".git")]
        for name in files:
            path = _os.path.join(root, name)
            if name.endswith("_cases.json"):
                text = _read(path)
                if text:
                    yield path, text
            elif name.endswith(".zip") and "autograder" in name:
                try:
                    with zipfile.ZipFile(path) as archive:
                        for member in archive.namelist():
                            if member.endswith("_cases.json"):
                                yield path, archive.read(member).decode("utf-8")
                except (OSError, zipfile.BadZipFile):
                    pass
"""


def read_cwd() -> str:
    return cheat(LOCATE_CWD)


def read_proc(absolute: list[str]) -> str:
    return cheat(fill(LOCATE_PROC, absolute=absolute))


def read_dist(folders: list[str]) -> str:
    return cheat(fill(LOCATE_DIST, folders=folders))


def read_zip(zips: list[str], globs: list[str]) -> str:
    return cheat(fill(LOCATE_ZIP, zips=zips, zip_globs=globs))


def read_search() -> str:
    return cheat(fill(LOCATE_SEARCH, seconds=SEARCH_SECONDS))


EXEC_SOLUTION = """\
import glob, json, os, time

def _cells(path):
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except (OSError, ValueError):
        return []
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            out.append("".join(source) if isinstance(source, list) else source)
    return out

def _solves(cells):
    scope = {}
    try:
        exec("import numpy as np", scope)
        for source in cells:
            if "def " in source and "otter" not in source and "grader.check" not in source:
                exec(source, scope)
        xt = np.ones((3, 2)); a = np.ones((5, 2))
        p = {"Waa": np.ones((5, 5)), "Wax": np.ones((5, 3)), "Wya": np.ones((2, 5)),
             "ba": np.ones((5, 1)), "by": np.ones((2, 1))}
        return scope["rnn_cell_forward"](xt, a, p) is not None
    except Exception:
        return False

candidates = list(__PATHS__)
for pattern in __GLOBS__:
    candidates += glob.glob(pattern, recursive=True)
deadline = time.monotonic() + __SECONDS__
for root, dirs, files in os.walk("/"):
    if time.monotonic() > deadline:
        break
    dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages")]
    candidates += [os.path.join(root, f) for f in files if f.endswith(".ipynb")]
for path in candidates:
    if os.path.abspath(path).startswith(os.getcwd()):
        continue  # this notebook itself
    cells = _cells(path)
    if cells and _solves(cells):
        for source in cells:
            if "def " in source and "otter" not in source and "grader.check" not in source:
                exec(source, globals())
        print("ran the solution from", path)
        break
else:
    print("no solution notebook found")
"""


def exec_solution(paths: list[str], globs: list[str]) -> str:
    return fill(EXEC_SOLUTION, paths=paths, globs=globs, seconds=SEARCH_SECONDS)
